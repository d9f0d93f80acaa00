"""The features of every line of a page, read on its reading view: lengths, character shares, densities, and the
label/link/copyright/share/metadata patterns."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

import numpy as np

from ..arrays import (
    class_counts,
    concat_ranges,
    dense_ids,
    distinct_strings,
    joined_codepoints,
    sorted_unique,
    whitespace_table,
)
from ..kernel import kernels as _kernels  # None without the compiled kernel: the word pattern a view
from ..normalize import NormalizeOptions, matching_texts
from ..shingle import encode
from .base import (
    _CJK,
    _DIGIT,
    _F,
    _LETTER,
    _SENTENCE,
    _SPACE,
    _VIEW,
    FEATURES,
    WebpageOptions,
    _char_classes,
    _default_options,
    _function_table,
)
from .furniture import _CHECK_COLUMNS, _OTHER_COLUMNS, _Flags

# Menu separators: characters that separate wherever they are, and characters that separate only between two
# whitespace characters (a name's middle dot, a date's or a word's hyphen do not). No surrounding \s*: pieces are
# stripped instead (linear on runs of spaces).
_ALWAYS_SEPARATING, _SPACED_SEPARATING = "|｜¦│»›>＞▪■◆", "/·•‧∙-–"
_SEPARATOR_SPLIT = re.compile(f"(?:[{_ALWAYS_SEPARATING}]|>>|(?<=\\s)[{re.escape(_SPACED_SEPARATING)}](?=\\s))")
# A row of a Markdown table: it opens and closes with a bar, and holds one more (| a | b |, |---|---|).
_TABLE_ROW = re.compile(r"\s*\|[^|\n]*\|.*\|\s*$")
_CJK_CLASS = (
    "\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3100-\u318f\u31a0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900"
    "-\ufaff"
)
_WORD = re.compile(rf"[^\W\d_{_CJK_CLASS}]+(?:['’][a-z]+)?")
# A full stop after two letters: the dot first, so that ``re`` looks for it as a literal (a pattern opening with the
# lookbehind was tried at every position: 240 ms of the 916 web pages' features, now 16).
_FULL_STOP = re.compile(r"\.(?<=[^\W\d_]{2}\.)(?=\s|$|[\"'”’)\]])")
_TITLE_SPLIT = re.compile(r"(?:[_|｜]|--|—+|\s-\s|::|(?<=[\u3400-\u9fff])-(?=[\u3400-\u9fff]))")


def reading_views(
    lines: Sequence[str], nfkc: list[str | None] | None = None, bare: list[str] | None = None
) -> list[str]:
    """The reading view of each line, which the page features are read on: NFKC, Simplified,
    lower case, without inline noise, stripped. One call for the lines of many pages costs
    far less than one call a page. ``nfkc`` (a list) receives each line's NFKC, made on the way,
    or None for a line with inline noise, and ``bare`` (a list) each reading view without punctuation
    (:func:`dedup.normalize.matching_texts`; :func:`shares_reading_views` says which matching views those are).

    Returns
    -------
    list of str
        One per line.
    """
    return list(map(str.strip, matching_texts(lines, _VIEW, nfkc, bare)))


def shares_reading_views(normalize: NormalizeOptions) -> bool:
    """Whether views under ``normalize`` are the reading views without punctuation
    (:func:`dedup.normalize.view.without_punctuation` of :func:`reading_views`)."""
    return normalize == replace(_VIEW, drop_punctuation=True)


def _title_parts(first: str) -> set[str]:
    parts = {p for p in (q.strip() for q in _TITLE_SPLIT.split(first)) if len(p) >= 4}
    return parts | {first}


def line_features(
    lines: Sequence[str], options: WebpageOptions | None = None, views: Sequence[str] | None = None
) -> np.ndarray:
    """Features of the lines of one page.

    Parameters
    ----------
    lines : sequence of str
        The page's lines in order (blank lines are allowed and get zero size).
    options : WebpageOptions, optional
        For the function characters and stopwords.
    views : sequence of str, optional
        ``reading_views(lines)``, when the caller made them for many pages at once.

    Returns
    -------
    np.ndarray
        float64 ``[m, len(FEATURES)]``; the columns are named by :data:`FEATURES`.
    """
    return pages_line_features(lines, np.array([0, len(lines)], dtype=np.int64), options, views)


# Bits of :func:`_feature_table`: what is counted on a line (its characters) ...
_B_VISIBLE, _B_CJK, _B_LETTER, _B_DIGIT, _B_PUNCT = range(5)
# ... and on its reading view.
_V_CJK, _V_FUNCTION, _V_SENTENCE, _V_DIGIT, _V_WORD, _V_DOT, _V_SEPARATOR, _V_SOLID = range(5, 13)


@lru_cache(maxsize=8)
def _feature_table(function_chars: str) -> np.ndarray:
    """uint16 ``[0x110000]``: the bits :func:`pages_line_features` counts of each code point, on lines
    (visible, CJK, letter, digit, punctuation: visible and none of the three) and on reading views
    (CJK, a CJK function character, a sentence end, a decimal digit ``\\d`` of the Basic Multilingual
    Plane or any astral code point (not classified), a character of a word of :data:`_WORD` (astral
    code points counted as maybe), ".", a character a separator of :data:`_SEPARATOR_SPLIT` needs,
    not ``str.isspace``)."""
    classes = _char_classes()
    cjk, letter, digit = ((classes & bit) != 0 for bit in (_CJK, _LETTER, _DIGIT))
    visible = (classes & _SPACE) == 0
    word = np.ones(0x110000, dtype=bool)
    word[:0x10000] = False
    bmp = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x10000)))
    word[[ord(m.group()) for m in re.finditer(rf"[^\W\d_{_CJK_CLASS}]", bmp)]] = True
    separator = np.zeros(0x110000, dtype=bool)
    separator[[ord(c) for c in "|｜¦│»›>＞▪■◆/·•‧∙-–"]] = True
    dot = np.zeros(0x110000, dtype=bool)
    dot[ord(".")] = True
    astral = np.arange(0x110000) > 0xFFFF
    bits = (
        (_B_VISIBLE, visible),
        (_B_CJK, cjk),
        (_B_LETTER, letter),
        (_B_DIGIT, digit),
        (_B_PUNCT, visible & ~(cjk | letter | digit)),
        (_V_CJK, cjk),
        (_V_FUNCTION, _function_table(function_chars) & cjk),
        (_V_SENTENCE, (classes & _SENTENCE) != 0),
        (_V_DIGIT, digit | astral),
        (_V_WORD, word),
        (_V_DOT, dot),
        (_V_SEPARATOR, separator),
        (_V_SOLID, ~whitespace_table()),
    )
    table = np.zeros(0x110000, dtype=np.uint16)
    for bit, mask in bits:
        table |= mask.astype(np.uint16) << bit
    return table


def _counts(texts: Sequence[str], table: np.ndarray, run_bit: int = -1) -> np.ndarray:
    """:func:`dedup.arrays.class_counts` of each text (int64 ``[len(texts), 16]``)."""
    return class_counts(*joined_codepoints(texts), table, run_bit)


_ALL_COLUMNS = ("label", "copyright", "share", "metadata", "link_title", "stamp", "breadcrumb", "title")


def _flag_columns(
    views: Sequence[str],
    size: np.ndarray,
    digit: np.ndarray | None,
    bounds: np.ndarray,
    options: WebpageOptions,
    part: str = "all",
    dated: np.ndarray | None = None,
    keys: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The pattern columns of the lines of pages (float64 ``[m]`` each, by name), searched on the lines
    that can be furniture: all of them, the page ``"check"``'s (:meth:`_Flags.check`), or the ``"other"``
    ones (:meth:`_Flags.other` and the title, which need the ``dated`` lines, bool ``[m]``). ``digit`` (bool ``[m]``):
    which views hold a digit (None: found here, on the views searched). ``keys`` (int64 ``[m]``, equal for equal views
    and only for them), when the caller numbered the views."""
    m = len(views)
    names = {"all": _ALL_COLUMNS, "check": _CHECK_COLUMNS, "other": (*_OTHER_COLUMNS, "title")}[part]
    columns = {name: np.zeros(m) for name in names}
    lengths = np.fromiter(map(len, views), dtype=np.int64, count=m)
    # Every pattern needs a line of at most 8 times the meta size in characters and twice it in size; the check's,
    # at most the meta or label size (its columns are all 0 above it).
    most = max(options.max_meta_size, options.max_label_size) if part == "check" else 2 * options.max_meta_size
    rows = np.flatnonzero((lengths <= 8 * options.max_meta_size) & (size <= most) & (lengths > 0))
    if not rows.size:
        return columns
    # A view's columns but the title depend on the view alone (its size and digits are its own): lines that
    # recur (a site's menus on each of its pages: half the short lines of the 916 labelled pages) are searched once.
    of_row = view_keys([views[i] for i in rows.tolist()]) if keys is None else dense_ids(keys[rows])
    one_row = rows[_first_rows(of_row)]
    distinct = [views[i] for i in one_row.tolist()]
    if digit is None:  # the views' digits, read on the distinct views searched only
        digit_of = _counts(distinct, _feature_table(options.function_chars))[:, _V_DIGIT] > 0
    else:
        digit_of = digit[one_row]
    flags = _Flags(distinct, size[one_row], digit_of, options, part)
    found = flags.check() if part != "other" else {}
    if part != "check":
        assert part == "all" or dated is not None
        known = found["metadata"] == 2 if part == "all" else dated[one_row]  # type: ignore[index]
        found.update(flags.other(known))
    for name, column in found.items():
        if name in columns:
            columns[name][rows] = column[of_row]
    if part != "check":
        columns["title"][rows] = _titles(views, rows, bounds, flags.meta[of_row])
    return columns


def _first_rows(ids: np.ndarray) -> np.ndarray:
    """int64 ``[ids.max() + 1]``: the first row holding each id (``ids`` int64 ``[k]``, numbering ``0..n-1``)."""
    first = np.empty(int(ids.max()) + 1 if ids.size else 0, dtype=np.int64)
    first[ids[::-1]] = np.arange(ids.size - 1, -1, -1)
    return first


def _titles(views: Sequence[str], rows: np.ndarray, bounds: np.ndarray, meta: np.ndarray) -> np.ndarray:
    """The title column of the ``rows`` of pages (int64 ``[k]``; ``meta``, bool ``[k]``, says which are at most
    the meta size): a page's first line, and a line of the meta size that repeats the first line or a part of it."""
    page = np.searchsorted(bounds, rows, side="right") - 1
    first = rows == bounds[page]
    out = first.copy()
    check = np.flatnonzero(meta & ~first)
    if check.size:  # one set of (page, title part) for all pages, one lookup a line
        pages = sorted_unique(page[check])
        heads = [views[i] for i in bounds[pages].tolist()]
        parts = {(p, part) for p, head in zip(pages.tolist(), heads) if head for part in _title_parts(head)}
        asked = zip(page[check].tolist(), [views[i] for i in rows[check].tolist()])
        out[check] = np.fromiter(map(parts.__contains__, asked), dtype=bool, count=check.size)
    return out.astype(np.float64)


def complete_features(
    features: np.ndarray,
    views: Sequence[str],
    bounds: np.ndarray,
    options: WebpageOptions | None = None,
    keys: np.ndarray | None = None,
) -> None:
    """Fill in, in place, what :func:`pages_line_features` with ``check=True`` left out of the features of
    pages: they become the pages' whole features.

    Parameters
    ----------
    features : np.ndarray
        float64 ``[m, len(FEATURES)]``, of the pages ``bounds`` (int64 ``[n_pages + 1]``) made with ``check=True``.
    views : sequence of str
        The lines' reading views.
    keys : np.ndarray, optional
        int64 ``[m]``, equal for equal views and only for them (:func:`view_keys`), when the caller numbered them.
    """
    opts = options or _default_options()
    dated = features[:, _F["metadata"]] == 2
    size = features[:, _F["size"]]
    for name, column in _flag_columns(views, size, None, bounds, opts, "other", dated, keys).items():
        features[:, _F[name]] = column


def view_keys(views: Sequence[str]) -> np.ndarray:
    """int64 ``[len(views)]``: each view's number among the distinct views, in order of first occurrence (equal
    views, equal numbers): what a line shows depends on its view alone, so each distinct view is read once."""
    return distinct_strings(views)[0]


def _words(
    views: list[str],
    cps: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    table: np.ndarray,
    some: np.ndarray,
    stopwords: frozenset[str],
) -> tuple[np.ndarray, np.ndarray]:
    """How many matches of :data:`_WORD` each view holds, and how many of them are ``stopwords`` (float64 ``[k]``
    each): ``views`` joined as code points ``cps`` (uint32), view ``i`` at ``starts[i]:ends[i]`` (int64 ``[k]``),
    ``some`` (bool ``[k]``) those that may hold a word. One pass of the compiled kernel (``word_matches``: the
    pattern's word characters read off ``table``, stopwords compared whole), which leaves the views holding an
    astral code point to the pattern; without the kernel, the pattern on every view that may hold a word (437 ms
    of the 916 labelled web pages' 142,964 distinct views, against 38 ms)."""
    k = len(views)
    words, stops = np.zeros(k), np.zeros(k)
    if _kernels is not None:
        found = np.empty((k, 2), dtype=np.int64)
        word_chars = ((table[:0x10000] >> _V_WORD) & 1).astype(np.uint8)
        _kernels.word_matches(cps, starts, ends, word_chars, *encode(sorted(stopwords)), found)
        words[:], stops[:] = found[:, 0], found[:, 1]
        some = found[:, 0] < 0
    for i in np.flatnonzero(some).tolist():
        ws = _WORD.findall(views[i])
        words[i] = len(ws)
        stops[i] = sum(w in stopwords for w in ws)
    return words, stops


# The two sets of characters of :data:`_SEPARATOR_SPLIT`, as code points.
_ALWAYS_SEPARATES = np.array([ord(c) for c in _ALWAYS_SEPARATING], dtype=np.uint32)
_SPACED_SEPARATES = np.array([ord(c) for c in _SPACED_SEPARATING], dtype=np.uint32)


def _may_separate(cps: np.ndarray, starts: np.ndarray, ends: np.ndarray, some: np.ndarray) -> np.ndarray:
    """bool ``[k]``: the views that :data:`_SEPARATOR_SPLIT` may split, of those (``some``, bool ``[k]``) holding a
    character it needs: one that separates wherever it is, or one that needs spaces, between two whitespace
    characters (``\\s`` is ``str.isspace``; a view's first or last character, next to the separator of the joined
    views, counts as spaced: the split then finds none). Views ``i`` are ``cps[starts[i]:ends[i]]`` (uint32)."""
    rows = np.flatnonzero(some)
    if not rows.size:
        return some
    at = concat_ranges(starts[rows], ends[rows] - starts[rows])
    owner = np.repeat(rows, ends[rows] - starts[rows])
    chars = cps[at]
    space = whitespace_table()
    spaced = (at > 0) & (at + 1 < cps.size)
    spaced[spaced] = space[cps[at[spaced] - 1]] & space[cps[at[spaced] + 1]]
    splits = np.isin(chars, _ALWAYS_SEPARATES) | (np.isin(chars, _SPACED_SEPARATES) & spaced)
    may = np.zeros(some.size, dtype=bool)
    may[owner[splits]] = True
    return may


def _view_columns(views: list[str], table: np.ndarray, stopwords: frozenset[str]) -> tuple[np.ndarray, ...]:
    """What :func:`pages_line_features` reads on reading views (``[k]`` each): CJK characters, CJK function
    characters, sentence ends, whether a decimal digit is held (bool), items, words, stopwords among them,
    full stops after letters and menu separators (float64 but the digit)."""
    k = len(views)
    cps, starts, ends = joined_codepoints(views)
    # Whitespace-separated tokens are the runs of solid characters (column 15).
    vcounts = class_counts(cps, starts, ends, table, _V_SOLID)
    view_cjk, view_function, sentence = (vcounts[:, b].astype(np.float64) for b in (_V_CJK, _V_FUNCTION, _V_SENTENCE))
    items = vcounts[:, 15].astype(np.float64)
    full_stops, separators = np.zeros(k), np.zeros(k)
    words, stops = _words(views, cps, starts, ends, table, vcounts[:, _V_WORD] > 0, stopwords)
    for i in np.flatnonzero(vcounts[:, _V_DOT]).tolist():  # after letters of any script
        full_stops[i] = len(_FULL_STOP.findall(views[i]))
    for i in np.flatnonzero(_may_separate(cps, starts, ends, vcounts[:, _V_SEPARATOR] > 0)).tolist():
        if _TABLE_ROW.match(views[i]):  # a Markdown table's row: its cells, no menu's items
            continue
        pieces = [p for p in (q.strip() for q in _SEPARATOR_SPLIT.split(views[i])) if p]
        separators[i] = max(len(pieces) - 1, 0)
        items[i] = sum(len(p.split()) for p in pieces)
    digit = vcounts[:, _V_DIGIT] > 0
    return view_cjk, view_function, sentence, digit, items, words, stops, full_stops, separators


def pages_line_features(
    lines: Sequence[str],
    bounds: np.ndarray,
    options: WebpageOptions | None = None,
    views: Sequence[str] | None = None,
    *,
    check: bool = False,
    keys: np.ndarray | None = None,
) -> np.ndarray:
    """Features of the lines of many pages at once, as :func:`line_features` gives them page by page.

    Character counts are array operations over the joined text of all pages; regular
    expressions run only on the lines they can change: words on lines with a letter of a
    space-separated script, full stops on lines with a ".", menu separators on lines holding
    a separator character, the furniture patterns on lines short enough to be furniture.

    Parameters
    ----------
    lines : sequence of str
        The lines of all pages, page after page.
    bounds : np.ndarray
        int64 ``[n_pages + 1]``: page ``p`` is ``lines[bounds[p]:bounds[p + 1]]``.
    options : WebpageOptions, optional
    views : sequence of str, optional
        ``reading_views(lines)``.
    check : bool
        Only the columns the page check reads (:func:`dedup.webpage.pages.pages_look_like_webpages`,
        :func:`dedup.webpage.notice_page`) are the features': ``link_title``, ``stamp`` and
        ``title`` are 0 and ``metadata`` is 2 or 0 (the patterns the check does not read are not searched).
    keys : np.ndarray, optional
        :func:`view_keys` of ``views`` (int64 ``[m]``), when the caller numbered them.

    Returns
    -------
    np.ndarray
        float64 ``[m, len(FEATURES)]``.
    """
    opts = options or _default_options()
    m = len(lines)
    out = np.zeros((m, len(FEATURES)), dtype=np.float64)
    if m == 0:
        return out
    views = reading_views(lines) if views is None else list(views)
    if len(views) != m:
        raise ValueError(f"line_features: {m} lines but {len(views)} views")
    table = _feature_table(opts.function_chars)
    counts = _counts(lines, table)  # only the five columns read become floats (all 16 took 128 bytes a line more)
    chars, cjk, letters, digits, punct = (counts[:, bit].astype(np.float64) for bit in range(_B_VISIBLE, _B_PUNCT + 1))
    del counts
    # What a line's view shows depends on the view alone: each distinct view is read once (a site's menus
    # recur on each of its pages).
    of_line = view_keys(views) if keys is None else keys
    per_view = _view_columns([views[i] for i in _first_rows(of_line).tolist()], table, opts.stopwords)
    view_cjk, view_function, sentence, digit, items, words, stops, full_stops, separators = (
        column[of_line] for column in per_view
    )
    size = view_cjk + 2 * words

    page = np.repeat(np.arange(bounds.size - 1), np.diff(bounds))
    flags = _flag_columns(views, size, digit, bounds, opts, "check" if check else "all", keys=of_line)
    safe = np.maximum(chars, 1)
    out[:, _F["chars"]] = chars
    out[:, _F["size"]] = size
    out[:, _F["words"]] = words
    out[:, _F["cjk_share"]] = cjk / safe
    out[:, _F["letter_share"]] = letters / safe
    out[:, _F["digit_share"]] = digits / safe
    out[:, _F["punct_share"]] = punct / safe
    out[:, _F["sentence_ends"]] = sentence + full_stops
    out[:, _F["function_density"]] = (view_function + stops) / np.maximum(view_cjk + words, 1)
    out[:, _F["separators"]] = separators
    out[:, _F["items"]] = items
    for name, column in flags.items():
        out[:, _F[name]] = column
    start = bounds[page]
    out[:, _F["position"]] = (np.arange(m) - start) / np.maximum(bounds[page + 1] - start - 1, 1)
    return out
