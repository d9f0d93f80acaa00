"""Traditional → Simplified as OpenCC's ``t2s`` converts, from tables of its dictionaries (``dedup._t2s_tables``,
OpenCC 1.4.2's): only the stretches of a text that it can change, by the compiled kernel (else in Python). OpenCC
itself is not needed: the tables hold what its ``t2s`` reads, and the tests compare with it."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from ..arrays import concat_ranges, from_codepoints, sorted_unique, to_codepoints
from ..kernel import kernels as _kernels  # None without the compiled kernel: numpy paths

_FIRST_CJK = 0x2E80


def t2s_tables(entries: Iterable[tuple[str, str]]) -> tuple[str, str]:
    """What a set of OpenCC dictionary entries can touch: the basis of the windowed ``t2s``.

    Parameters
    ----------
    entries : iterable of (str, str)
        ``(key, value)`` of every entry of the dictionaries of one conversion.

    Returns
    -------
    key_chars : str
        Every character of every key, sorted: the only characters a match can cover.
    changed_chars : str
        Sorted: the characters of a key that its value replaces (every character of a key
        whose value has another length). A text holding none of them converts to itself.

    Examples
    --------
    >>> t2s_tables([("看著", "看着"), ("乾隆", "乾隆"), ("乾", "干")])
    ('乾看著隆', '乾著')
    """
    keys: set[str] = set()
    changed: set[str] = set()
    for key, value in entries:
        keys.update(key)
        if len(key) != len(value):
            changed.update(key)
        else:
            changed.update(k for k, v in zip(key, value) if k != v)
    return "".join(sorted(keys)), "".join(sorted(changed))


@lru_cache(maxsize=1)
def _t2s_bits() -> np.ndarray:
    """uint8 ``[0x110000]``: bit 1 for each key character of ``t2s``, bit 2 for each changed one; for the conversion
    (:func:`_t2s_program`) bit 4 for a character the normalization changes, 8 for a phrase's first character and 16
    for a character its dictionaries change."""
    from .. import _t2s_tables as tables

    bits = np.zeros(0x110000, dtype=np.uint8)
    bits[to_codepoints(tables.KEY_CHARS)] = 1
    bits[to_codepoints(tables.CHANGED_CHARS)] |= 2
    bits[to_codepoints(tables.NORMAL_FROM)] |= 4
    bits[to_codepoints("".join(key[0] for key, _ in _phrases()))] |= 8
    bits[to_codepoints(tables.CHARACTER_FROM)] |= 16
    return bits


@lru_cache(maxsize=1)
def _phrases() -> tuple[tuple[str, str], ...]:
    """The phrases of :mod:`dedup._t2s_tables` as ``(key, value)``, by first code point, the longest first."""
    from .. import _t2s_tables as tables

    entries = [entry.split("=") for entry in tables.PHRASES.split(" ")]
    if any(len(entry) != 2 or len(entry[0]) != len(entry[1]) or len(entry[0]) < 2 for entry in entries):
        raise ValueError("dedup._t2s_tables: a phrase is not key=value of one length")
    return tuple(sorted(((key, value) for key, value in entries), key=lambda kv: (ord(kv[0][0]), -len(kv[0]))))


@lru_cache(maxsize=1)
def _t2s_program() -> tuple[np.ndarray, ...]:
    """The arrays the kernel converts with (``_kernels.t2s_convert``), from :mod:`dedup._t2s_tables`: the
    normalization's and the characters' changes, each as sorted uint32 keys and their values, and the phrases of
    :func:`_phrases` (uint32 first code points ``[p]``, int64 offsets ``[p + 1]`` of their keys and values, uint32
    each)."""
    from .. import _t2s_tables as tables

    def pairs(keys: str, values: str) -> tuple[np.ndarray, np.ndarray]:
        codes = to_codepoints(keys)
        order = np.argsort(codes, kind="stable")
        return codes[order], to_codepoints(values)[order]

    phrases = _phrases()
    offsets = np.cumsum([0, *(len(key) for key, _ in phrases)]).astype(np.int64)
    first = np.array([ord(key[0]) for key, _ in phrases], dtype=np.uint32)
    keys, values = (to_codepoints("".join(entry[i] for entry in phrases)) for i in (0, 1))
    return (
        *pairs(tables.NORMAL_FROM, tables.NORMAL_TO),
        *pairs(tables.CHARACTER_FROM, tables.CHARACTER_TO),
        first,
        offsets,
        keys,
        values,
    )


def _t2s_windows(codepoints: np.ndarray, bits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The stretches of a text that ``t2s`` may change: int64 ``[w]`` starts and ends, sorted.

    OpenCC segments by longest match, left to right, so no segment covers a character that
    is in no key (a *boundary*: every character outside the dictionaries, and ``"\\n"``):
    converting the text equals converting, on its own, each maximal run of key characters.
    Only a run holding a changed character can differ from itself. The compiled kernel looks
    for the changed characters and reads each one's run around it (People's Daily's 1.86 M code
    points: 1.5 ms, against 3.7–4.4 ms by :func:`_windows_by_arrays`, used without it).

    Parameters
    ----------
    codepoints : np.ndarray
        uint32 ``[n]``.
    bits : np.ndarray
        uint8 ``[0x110000]``, from :func:`_t2s_bits`.
    """
    codepoints = np.ascontiguousarray(codepoints, dtype=np.uint32)
    if _kernels is None:
        return _windows_by_arrays(codepoints, bits)
    most = (len(codepoints) + 1) // 2  # windows are apart by a code point that is no key
    starts, ends = np.empty(most, dtype=np.int64), np.empty(most, dtype=np.int64)
    found = _kernels.t2s_windows(codepoints, bits, starts, ends)
    return starts[:found], ends[:found]


def _windows_by_arrays(codepoints: np.ndarray, bits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_t2s_windows` by array operations (uint32 ``codepoints``, uint8 ``bits``)."""
    inside = np.flatnonzero(bits.take(codepoints) & 1)
    hits = np.flatnonzero(bits.take(codepoints[inside]) & 2)  # keys that are changed ones
    if len(hits) == 0:
        return hits, hits
    # Run r of consecutive key characters is inside[first[r] .. last[r]].
    last = np.append(np.flatnonzero(inside[1:] - inside[:-1] != 1), len(inside) - 1)
    first = np.append(0, last[:-1] + 1)
    runs = sorted_unique(np.searchsorted(last, hits))
    begins, finals = first[runs], last[runs]
    return inside[begins], inside[finals] + 1


def _t2s(codepoints: np.ndarray) -> np.ndarray:
    """OpenCC ``t2s`` of a text given as uint32 code points; the length never changes.

    None of OpenCC's ``t2s`` entries changes length (checked on the dictionaries of OpenCC 1.4.2), so the conversion
    maps position to position. Only the runs that can change are converted (:func:`_t2s_windows`; 6 % of the
    quality corpus, 0.1 % of People's Daily, 41 % of People's Daily in Traditional characters), from the tables of
    :mod:`dedup._t2s_tables` as OpenCC's ``t2s`` does: its normalization (compatibility ideographs), then at each
    position the longest phrase, else the character's entry, the first dictionary of its group with one winning.
    By the compiled kernel (People's Daily in Traditional characters, 1.86 M code points: 19–27 ms, against 109 ms for
    OpenCC 1.4.2 on the whole text; equal to it there, on Taiwan's and Hong Kong's forms and on 50,000 strings of
    overlapping phrases), else by :func:`_convert_by_tables`.
    """
    if len(codepoints) == 0 or codepoints.max() < _FIRST_CJK:
        return codepoints
    bits = _t2s_bits()
    starts, ends = _t2s_windows(codepoints, bits)
    if len(starts) == 0:
        return codepoints
    if _kernels is None:
        return _convert_by_tables(codepoints, starts, ends)
    out = codepoints.copy()
    _kernels.t2s_convert(codepoints, out, starts, ends, bits, *_t2s_program())
    return out


def _convert_by_tables(codepoints: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The kernel's conversion of the windows ``[starts[w], ends[w])`` (int64 ``[w]``) of ``codepoints`` (uint32), by
    array operations (:func:`_t2s_program`'s arrays) and ``str`` ones: the windows' code points normalized by a sorted
    lookup, every one converted by another, then the phrases found left to right among the positions that hold a
    phrase's first character (the longest phrase there, skipping the positions a phrase took), which take their
    values. uint32 ``[n]``. (People's Daily in Traditional characters: 175 ms, the kernel 19–27.)"""
    norm_from, norm_to, char_from, char_to = _t2s_program()[:4]
    at = concat_ranges(starts, ends - starts)
    cps = _looked_up(codepoints[at], norm_from, norm_to)
    out = codepoints.copy()
    out[at] = _looked_up(cps, char_from, char_to)
    candidates = np.flatnonzero(_t2s_bits()[cps] & 8)
    if not candidates.size:
        return out
    text, limits = from_codepoints(cps), np.cumsum(ends - starts)
    by_first = _phrases_by_first()
    window_ends = limits[np.searchsorted(limits, candidates, side="right")].tolist()
    taken, found, values = -1, [], []  # the last position a phrase took; where phrases start, and their values
    for i, end in zip(candidates.tolist(), window_ends):
        if i <= taken:
            continue
        for key, value in by_first[text[i]]:
            if i + len(key) <= end and text.startswith(key, i):
                found.append(i)
                values.append(value)
                taken = i + len(key) - 1
                break
    if found:
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
        out[at[concat_ranges(np.array(found, dtype=np.int64), lengths)]] = to_codepoints("".join(values))
    return out


@lru_cache(maxsize=1)
def _phrases_by_first() -> dict[str, list[tuple[str, str]]]:
    """:func:`_phrases` by their first character, the longest first: ``[(key, value)]``."""
    out: dict[str, list[tuple[str, str]]] = {}
    for key, value in _phrases():
        out.setdefault(key[0], []).append((key, value))
    return out


def _looked_up(cps: np.ndarray, sorted_from: np.ndarray, to: np.ndarray) -> np.ndarray:
    """``cps`` (uint32 ``[n]``) with each code point found among ``sorted_from`` replaced by its ``to``."""
    if not sorted_from.size:
        return cps
    place = np.minimum(np.searchsorted(sorted_from, cps), sorted_from.size - 1)
    found = sorted_from[place] == cps
    out = cps.copy()
    out[found] = to[place[found]]
    return out
