"""Literals a regular expression's every match holds, and which lines hold them: a prefilter that lets a
pattern be searched only on the lines it may match.

Python's ``re`` searches a line for an alternation of phrases (copyright notices, date shapes, menu
headings) at about two microseconds a line: on 264,000 lines of 916 web pages, over a second for the
furniture patterns alone, nearly every line matching none. Every match of ``(?:19|20)\\d{2}年|\\d{1,2}:\\d{2}``
holds "年" or ":"; a line holding neither cannot match. :func:`required_literals` reads such a
set off the pattern's parse tree (the method of RE2's and ripgrep's literal prefilters), and
:func:`lines_holding` finds the lines holding any literal of each of many sets in one pass of the
compiled kernel over the joined lines. Only those lines are searched: the same results, a few
searches instead of one a line.

A set is sound, never complete: a line holding a literal may still not match (it is searched). A pattern
whose matches need no literal (``\\d+``, ``\\w{2,}``, an optional part) has no set (None): it is searched on
every line. Where a pattern ignores case only characters without case (CJK, digits, punctuation) make
literals, as ``re`` matches them as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import product

import numpy as np

from .shingle import encode

try:
    from re import _constants as _C
    from re import _parser as _P
except ImportError:  # Python < 3.11
    import sre_constants as _C  # type: ignore[no-redef]
    import sre_parse as _P  # type: ignore[no-redef]

from .kernel import kernels as _kernels  # None without the compiled kernel: every line is searched

try:
    from _sre import unicode_iscased as _iscased  # what ``re`` asks before matching a character in any case
except ImportError:  # pragma: no cover - another implementation of ``re``
    _iscased = None

__all__ = ["lines_holding", "required_literals", "searched_lines", "texts_holding"]

# At most this many strings in a set of exact strings; longer alternations of a sequence are cut there.
_MAX_STRINGS = 256
# Repeats of an exact item counted into a literal (``\.{3,}`` holds "...").
_MAX_REPEATS = 3
# A character class of at most this many characters is a set of one-character strings.
_MAX_CLASS = 32

_ZERO_WIDTH = {_C.AT, _C.ASSERT, _C.ASSERT_NOT}
_REPEATS = {_C.MAX_REPEAT, _C.MIN_REPEAT} | ({_C.POSSESSIVE_REPEAT} if hasattr(_C, "POSSESSIVE_REPEAT") else set())

# (exact, need): the strings a node matches when finitely many (else None), and strings one of which
# every match of it holds (else None).
_Facts = tuple[frozenset[str] | None, frozenset[str] | None]


def _cased(code: int) -> bool:
    """Whether a pattern that ignores case matches a code point in other forms too (``re``'s own test; without it,
    every code point counts as cased)."""
    return _iscased is None or bool(_iscased(code))


def _weight(strings: frozenset[str]) -> tuple[float, int]:
    """How selective a set is as a prefilter: its least selective string's weight (an ASCII character 1,
    any other 3: one CJK character is rarer than one Latin letter), then fewer strings first."""
    least = min(sum(1.0 if ord(c) < 0x80 else 3.0 for c in s) for s in strings)
    return least, -len(strings)


def _best(candidates: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective of sets that each every match holds one of (a set holding "" says nothing)."""
    usable = [c for c in candidates if c and "" not in c]
    return max(usable, key=_weight) if usable else None


def _concat(a: frozenset[str], b: frozenset[str]) -> frozenset[str] | None:
    """Every string of ``a`` followed by every string of ``b``, or None beyond :data:`_MAX_STRINGS`."""
    if len(a) * len(b) > _MAX_STRINGS:
        return None
    return frozenset(x + y for x, y in product(a, b))


def _class_chars(items: list) -> frozenset[str] | None:
    """The characters of a character class of literals and ranges, or None (negated, categories, large)."""
    chars: list[int] = []
    for op, arg in items:
        if op == _C.LITERAL:
            chars.append(arg)
        elif op == _C.RANGE and arg[1] - arg[0] < _MAX_CLASS:
            chars.extend(range(arg[0], arg[1] + 1))
        else:
            return None
    return frozenset(map(chr, chars)) if len(chars) <= _MAX_CLASS else None


def _sequence(items: list, icase: bool = False) -> _Facts:
    """The facts of consecutive nodes: exact strings run together while each node is exact."""
    run: frozenset[str] | None = frozenset({""})
    whole = True
    candidates: list[frozenset[str]] = []
    for item in items:
        exact, need = _node(item, icase)
        if need is not None:
            candidates.append(need)
        joined = _concat(run, exact) if run is not None and exact is not None else None
        if joined is None:
            whole = False
            if run is not None:
                candidates.append(run)
            run = exact
        else:
            run = joined
    if run is not None:
        candidates.append(run)
    return (run if whole else None), _best(candidates)


def _node(node: tuple, icase: bool = False) -> _Facts:
    op, arg = node
    if op == _C.LITERAL:
        if icase and _cased(arg):  # matched in any case: no one string
            return None, None
        exact = frozenset({chr(arg)})
        return exact, exact
    if op in _ZERO_WIDTH:  # consumes nothing: the strings around it stay adjacent
        return frozenset({""}), None
    if op == _C.IN:
        chars = _class_chars(arg)
        if chars is not None and icase and any(_cased(ord(c)) for c in chars):
            return None, None
        return chars, chars
    if op == _C.SUBPATTERN:
        add_flags, del_flags, items = arg[1], arg[2], arg[3]
        inner = (icase or bool(add_flags & re.IGNORECASE)) and not del_flags & re.IGNORECASE
        return _sequence(list(items), inner)
    if op == getattr(_C, "ATOMIC_GROUP", None):
        return _sequence(list(arg), icase)
    if op == _C.BRANCH:
        facts = [_sequence(list(branch), icase) for branch in arg[1]]
        exacts = [e for e, _ in facts]
        exact = frozenset().union(*exacts) if all(e is not None for e in exacts) else None  # type: ignore[arg-type]
        if exact is not None and len(exact) > _MAX_STRINGS:
            exact = None
        needs = [e if e is not None and "" not in e else n for e, n in facts]
        need = frozenset().union(*needs) if all(n is not None for n in needs) else None  # type: ignore[arg-type]
        return exact, need
    if op in _REPEATS:
        low, high, items = arg
        exact, need = _sequence(list(items), icase)
        if low == 0:
            return (frozenset({""}) if high == 0 else None), None
        if exact is not None and "" not in exact:
            times = min(low, _MAX_REPEATS)
            repeated: frozenset[str] | None = exact
            for _ in range(times - 1):
                repeated = _concat(repeated, exact) if repeated is not None else None
            if repeated is not None:
                need = repeated
            if low == high and low <= _MAX_REPEATS and repeated is not None:
                return repeated, need
        return None, need
    return None, None  # any character, a negated class, a category, a group reference …


@lru_cache(maxsize=256)
def _required(text: str, flags: int) -> tuple[str, ...] | None:
    try:
        parsed = _P.parse(text, flags)
    except Exception:  # a construct this reader does not know: search every line
        return None
    items = list(parsed.data) if hasattr(parsed, "data") else list(parsed)
    _, need = _sequence(items, bool(flags & re.IGNORECASE))
    if need is None:
        return None
    # A literal holding a shorter one of the set adds nothing: the shorter is found wherever it is.
    return tuple(sorted(s for s in need if not any(t != s and t in s for t in need)))


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings one of which every match of ``pattern`` holds (sorted), or None when none can be read
    (a match may hold no fixed string; under ``re.IGNORECASE`` only characters without case count).

    Examples
    --------
    >>> required_literals(re.compile(r"(?:19|20)\\d{2}年|\\d{1,2}:\\d{2}"))
    (':', '年')
    >>> required_literals(re.compile(r"\\d+")) is None
    True
    """
    return _required(pattern.pattern, pattern.flags)


@lru_cache(maxsize=16)
def _literal_tables(sets: tuple[tuple[str, ...], ...]) -> tuple[np.ndarray, ...]:
    """The kernel's view of literal sets: ``first_index`` (int32 up to the largest first code point: each first
    code point's rank, -1 for none), ``first_at`` (int64 ``[firsts + 1]``: each one's literals), the literals'
    code points (uint32), ``literal_at`` (int64 ``[k + 1]``) and ``literal_set`` (int32 ``[k]``); literals sorted
    by their first code point, then those of one code point first, then by their second code point."""
    pairs = sorted(
        {(literal, k) for k, literals in enumerate(sets) for literal in literals if literal},
        key=lambda pair: (ord(pair[0][0]), len(pair[0]) > 1, ord(pair[0][1]) if len(pair[0]) > 1 else -1, pair),
    )
    literals = [literal for literal, _ in pairs]
    codepoints, literal_at = encode(literals)
    first = np.fromiter((ord(s[0]) for s in literals), dtype=np.int64, count=len(literals))
    firsts, first_start = np.unique(first, return_index=True)
    first_at = np.append(first_start, len(literals)).astype(np.int64)
    first_index = np.full(int(firsts.max(initial=0)) + 1, -1, dtype=np.int32)
    first_index[firsts] = np.arange(firsts.size, dtype=np.int32)
    literal_set = np.fromiter((k for _, k in pairs), dtype=np.int32, count=len(pairs))
    return first_index, first_at, codepoints, literal_at, literal_set


def lines_holding(
    lines: Sequence[str], sets: Sequence[Sequence[str] | None], encoded: tuple[np.ndarray, np.ndarray] | None = None
) -> np.ndarray:
    """Which lines hold at least one literal of each set.

    Parameters
    ----------
    lines : sequence of str
    sets : sequence of (sequence of str or None)
        Literal sets (:func:`required_literals`); None, or an empty string in a set, holds on every line.
    encoded : (np.ndarray, np.ndarray), optional
        ``dedup.shingle.encode(lines)``, when the caller has it.

    Returns
    -------
    np.ndarray
        bool ``[len(sets), len(lines)]``. Without the compiled kernel every entry is True: the caller
        searches every line, as it would without a prefilter.
    """
    out = np.ones((len(sets), len(lines)), dtype=bool)
    known = [k for k, s in enumerate(sets) if s is not None and "" not in s]
    if _kernels is None or not lines or not known:
        return out
    cps, offsets = encode(lines) if encoded is None else encoded  # a literal counts within its line's bounds only
    out[known] = texts_holding(cps, offsets[:-1], offsets[1:], [sets[k] for k in known])  # type: ignore[misc]
    return out


def texts_holding(
    codepoints: np.ndarray, starts: np.ndarray, ends: np.ndarray, sets: Sequence[Sequence[str]]
) -> np.ndarray | None:
    """Which texts hold at least one literal of each set, the texts given as spans of joined code points (a
    literal counts only within its text's span): bool ``[len(sets), t]``, or None without the compiled kernel.

    Parameters
    ----------
    codepoints : np.ndarray
        uint32 ``[n]``.
    starts, ends : np.ndarray
        int64 ``[t]``: text ``i`` is ``codepoints[starts[i]:ends[i]]``.
    sets : sequence of (sequence of str)
        Non-empty literals.
    """
    if _kernels is None:
        return None
    held = np.zeros((len(sets), len(starts)), dtype=np.uint8)
    if len(starts):
        tables = _literal_tables(tuple(tuple(s) for s in sets))
        _kernels.literal_lines(
            np.ascontiguousarray(codepoints, dtype=np.uint32),
            np.ascontiguousarray(starts, dtype=np.int64),
            np.ascontiguousarray(ends, dtype=np.int64),
            *tables,
            held,
        )
    return held.astype(bool)


def searched_lines(pattern: re.Pattern[str], lines: Sequence[str], rows: np.ndarray) -> np.ndarray:
    """Whether ``pattern`` is found in each of the ``rows`` of ``lines`` (int64 ``[k]``): bool ``[k]``."""
    search = pattern.search
    return np.fromiter((search(lines[i]) is not None for i in rows.tolist()), dtype=bool, count=rows.size)
