"""Each document's layout (blank-line, indented, hard-wrapped or one line per paragraph) and the
line joins it implies, from per-line features computed for the whole batch at once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..arrays import sorted_unique
from ..kernel import kernels as _kernels  # None without the compiled kernel: array passes over the batch
from .breaks import _Lines
from .chars import (
    _BRACKET,
    _BREAK,
    _CLAUSE,
    _CLOSE,
    _COLON,
    _DIGIT,
    _HYPHEN,
    _LETTER,
    _LIST_FIRST,
    _LIST_MARKER,
    _LOWER,
    _OPEN,
    _PERIOD,
    _TERM,
    _WIDE,
    _WS,
    _has,
)

_FULL_LINE_SHARE = 0.8
_FULL_LINE_CAP = 80
_FULL_LINE_FLOOR = 40
_WIDTH_QUANTILE = 0.9
_WRAPPED_SHARE = 0.5
_WRAP_TOLERANCE_COLUMNS = 2
_WRAP_TOLERANCE_SHARE = 0.05
_WRAPPED_MIN_LINES = 4
_INDENT_COLUMNS = 2
_INDENTED_SHARE = 0.1
_FRAGMENT_CHARS = 2


def _per_doc_quantile(values: np.ndarray, doc: np.ndarray, n_docs: int, q: float) -> np.ndarray:
    """float64 ``[n_docs]``: the ``q`` quantile (higher) of ``values`` within each document."""
    order = np.lexsort((values, doc))
    counts = np.bincount(doc, minlength=n_docs)
    firsts = np.cumsum(counts) - counts
    picks = firsts + np.ceil(q * np.maximum(counts - 1, 0)).astype(np.int64)
    result = np.zeros(n_docs)
    has = counts > 0
    result[has] = values[order[picks[has]]]
    return result


def _starts_with_fragment(term_positions: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """bool ``[k]``: a sentence ends within the first few characters of the line (``围。``)."""
    position = _first_at_or_after(term_positions, starts)
    return (position < ends) & (position - starts <= _FRAGMENT_CHARS)


@dataclass(frozen=True)
class _LineFeatures:
    """What the joining rules look at, per non-blank line (all arrays ``[k]``).

    Attributes
    ----------
    same_doc : np.ndarray
        bool: the previous line is in the same document.
    list_start : np.ndarray
        bool: starts with a list marker or bullet, or holds nothing but noise.
    indented : np.ndarray
        bool: starts with at least two columns of whitespace.
    width : np.ndarray
        int64: display columns from the line start to its last content character.
    ends_open : np.ndarray
        bool: does not end a sentence (nor a colon), or its closing quote.
    has_punct : np.ndarray
        bool: holds a sentence end, a colon or a comma.
    inside_sentence : np.ndarray
        bool: the break before this line is plainly inside a sentence.
    ends_bracket : np.ndarray
        bool: the line ends with a closing bracket.
    """

    same_doc: np.ndarray
    list_start: np.ndarray
    indented: np.ndarray
    width: np.ndarray
    ends_open: np.ndarray
    has_punct: np.ndarray
    inside_sentence: np.ndarray
    ends_bracket: np.ndarray


def _shift(values: np.ndarray, fill: object) -> np.ndarray:
    """``values`` moved one line down: element ``i`` is ``values[i - 1]``."""
    return np.concatenate([np.array([fill], dtype=values.dtype), values[:-1]])


def _range_sums(weights: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """int64 ``[k]``: ``weights[starts[i]:ends[i]].sum()`` for every ``i``.

    Parameters
    ----------
    weights : np.ndarray
        Unsigned integers ``[n]``.
    starts, ends : np.ndarray
        int64 ``[k]``, in ``[0, n]``, ``starts <= ends``; the ranges may overlap.
    """
    bounds = sorted_unique(np.concatenate([starts, ends]))
    inner = bounds[: np.searchsorted(bounds, len(weights))]
    if len(inner) == 0:
        return np.zeros(len(starts), dtype=np.int64)
    # The sum from each bound to the next (the last one to the end), then running totals.
    # int32 sums are faster, and exact while no range can reach 2**31.
    between = np.add.reduceat(weights, inner, dtype=np.int32 if len(weights) < 2**30 else np.int64)
    totals = np.concatenate([[0], np.cumsum(between, dtype=np.int64)])[: len(bounds)]
    return totals[np.searchsorted(bounds, ends)] - totals[np.searchsorted(bounds, starts)]


def _list_starts(text: str, flags: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """bool ``[k]``: a list marker (``_LIST_MARKER``) matches at each of ``starts``."""
    candidates = np.flatnonzero(_has(flags[starts], _LIST_FIRST))
    matched = [_LIST_MARKER.match(text, start) is not None for start in starts[candidates].tolist()]
    list_start = np.zeros(len(starts), dtype=bool)
    list_start[candidates] = np.array(matched, dtype=bool)
    return list_start


def _first_at_or_after(positions: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """int64 ``[k]``: the first of ``positions`` (sorted) at or after each of ``starts``,
    or the largest int64 if there is none."""
    nearest = np.searchsorted(positions, starts)
    return np.append(positions, np.iinfo(np.int64).max)[nearest]


def _line_features(text: str, flags: np.ndarray, noise: np.ndarray, lines: _Lines) -> _LineFeatures:
    """Features of the lines, on their content (noise and surrounding whitespace ignored)."""
    n = len(flags)
    starts, ends = lines.content_starts, lines.content_ends
    has_content = ends > starts
    ends = np.maximum(ends, starts + 1)  # a noise-only line: look at one character, then veto
    starts, ends = np.minimum(starts, n - 1), np.minimum(ends, n)
    indent, width, has_punct, fragment = _columns_and_marks(flags, noise, lines, starts, ends)
    list_start = _list_starts(text, flags, starts)

    first = flags[starts]
    last = flags[ends - 1]
    before_last = np.where(ends - 2 >= starts, flags[np.maximum(ends - 2, 0)], 0).astype(flags.dtype)
    final = _TERM | _PERIOD | _COLON
    ends_open = ~(_has(last, final) | (_has(last, _CLOSE) & _has(before_last, final))) & has_content
    prev_last = _shift(last, 0)
    inside_sentence = (
        _has(prev_last, _CLAUSE | _OPEN)
        | (_has(prev_last, _HYPHEN) & _has(_shift(before_last, 0), _LETTER))
        | _has(first, _CLAUSE | _TERM | _PERIOD | _CLOSE)
        | (_has(first, _LOWER) & _has(prev_last, _LETTER))
        | fragment
    )
    return _LineFeatures(
        same_doc=np.concatenate([[False], lines.doc[1:] == lines.doc[:-1]]),
        list_start=list_start | ~has_content,
        indented=indent >= _INDENT_COLUMNS,
        width=width,
        ends_open=ends_open,
        has_punct=has_punct,
        inside_sentence=inside_sentence,
        ends_bracket=_has(last, _BRACKET),
    )


_LAYOUT_MASKS = np.array([_WIDE, _TERM, _PERIOD, _COLON | _CLAUSE, _WS | _BREAK, _DIGIT], dtype=np.uint16)


def _columns_and_marks(
    flags: np.ndarray, noise: np.ndarray, lines: _Lines, starts: np.ndarray, ends: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each line's indent and width in columns (int64 ``[k]`` each: its characters from ``lines.raw_starts`` to
    ``lines.starts`` and to ``ends``, noise 0, a wide character 2, any other 1), and whether ``starts:ends``
    (int64 ``[k]``, its content, clipped to the batch) holds punctuation and starts with a fragment (bool ``[k]``
    each); ``flags`` uint16 and ``noise`` bool ``[n]``, the batch's. One pass of the compiled kernel over each
    line's characters, or array passes over the batch's."""
    raw, head = lines.raw_starts, lines.starts
    k = len(starts)
    if _kernels is not None and flags.dtype == np.uint16 and bool(np.all((raw <= head) & (raw <= ends))):
        columns, marks = np.empty((k, 2), dtype=np.int64), np.empty((k, 2), dtype=np.uint8)
        _kernels.line_layout(
            flags,
            noise.view(np.uint8),
            raw.astype(np.int64, copy=False),
            head.astype(np.int64, copy=False),
            starts.astype(np.int64, copy=False),
            ends.astype(np.int64, copy=False),
            _LAYOUT_MASKS,
            _FRAGMENT_CHARS,
            columns,
            marks,
        )
        return columns[:, 0], columns[:, 1], marks[:, 0].view(bool), marks[:, 1].view(bool)
    columns = 1 + _has(flags, _WIDE).view(np.uint8)
    columns[noise] = 0
    indent_and_width = _range_sums(columns, np.concatenate([raw, raw]), np.concatenate([head, ends]))
    punct = (_sentence_ends(flags) | _has(flags, _COLON | _CLAUSE)) & ~noise
    term_positions = np.flatnonzero(_has(flags, _TERM) & ~noise)
    has_punct = _first_at_or_after(np.flatnonzero(punct), starts) < ends
    return indent_and_width[:k], indent_and_width[k:], has_punct, _starts_with_fragment(term_positions, starts, ends)


@dataclass(frozen=True)
class _Layout:
    """Per-document layout (arrays ``[n_docs]``) and the width thresholds it implies per line.

    Attributes
    ----------
    blank, indented, hard_wrapped : np.ndarray
        bool ``[n_docs]``: the layouts of the module docstring.
    long_line : np.ndarray
        bool ``[k]``: the line reaches 0.8 of the typical width.
    full : np.ndarray
        bool ``[k]``: the line is full (0.8 of the typical width, within 40 to 80 columns).
    wrap_full : np.ndarray
        bool ``[k]``: the line reaches the typical width (the wrap width), less a column.
    """

    blank: np.ndarray
    indented: np.ndarray
    hard_wrapped: np.ndarray
    long_line: np.ndarray
    full: np.ndarray
    wrap_full: np.ndarray


def _layout(features: _LineFeatures, lines: _Lines, n_docs: int) -> _Layout:
    doc = lines.doc
    line_count = np.bincount(doc, minlength=n_docs)
    typical = _per_doc_quantile(features.width.astype(np.float64), doc, n_docs, _WIDTH_QUANTILE)
    long_line = features.width >= (_FULL_LINE_SHARE * typical)[doc]
    full_width = np.clip(_FULL_LINE_SHARE * typical, _FULL_LINE_FLOOR, _FULL_LINE_CAP)
    full = features.width >= full_width[doc]
    tolerance = np.maximum(_WRAP_TOLERANCE_COLUMNS, _WRAP_TOLERANCE_SHARE * typical)
    at_wrap = np.abs(features.width - typical[doc]) <= tolerance[doc]
    # Only a line that fills the wrap width (one column of slack for a half-width digit)
    # continues past a full stop: a paragraph's last line rarely does.
    wrap_full = features.width >= typical[doc] - 1
    # Wrapping cuts sentences: most lines at the wrap width end inside one. Lines that all end a
    # sentence are paragraphs of one line that happen to be as long (a paragraph printed twice).
    at_wrap_count = np.bincount(doc[at_wrap], minlength=n_docs)
    hard_wrapped = (
        (at_wrap_count >= _WRAPPED_SHARE * line_count)
        & (2 * np.bincount(doc[at_wrap & features.ends_open], minlength=n_docs) >= at_wrap_count)
        & (line_count >= _WRAPPED_MIN_LINES)
        & (typical >= _FULL_LINE_FLOOR)
    )
    gaps = np.bincount(doc[features.same_doc], minlength=n_docs)
    blank_gaps = np.bincount(doc[features.same_doc & lines.blank_before], minlength=n_docs)
    blank = (blank_gaps > 0) & ((2 * blank_gaps >= gaps) | hard_wrapped)
    indented_count = np.bincount(doc[features.indented], minlength=n_docs)
    indented = (indented_count > 0) & (indented_count >= _INDENTED_SHARE * line_count)
    return _Layout(blank, indented, hard_wrapped, long_line, full, wrap_full)


def _layout_joins(features: _LineFeatures, layout: _Layout, lines: _Lines, rejoin_wraps: bool) -> np.ndarray:
    """bool ``[k]``: joins the layout implies: lines of a blank-line block and, when
    re-joining wraps, full lines of hard-wrapped or indented text."""
    doc = lines.doc
    # In an indented layout indentation alone starts paragraphs: a flush "第三，" or
    # "一是要" there is the continuation of a wrapped line, not a list item.
    indent_layout = layout.indented[doc]
    new_paragraph = np.where(indent_layout, features.indented, features.list_start)
    in_block = features.same_doc & ~lines.blank_before & ~new_paragraph
    joins = layout.blank[doc]
    if rejoin_wraps:
        joins = joins | (layout.hard_wrapped[doc] & _shift(layout.wrap_full, False))
        joins |= indent_layout & _shift(layout.long_line, False)
    return in_block & joins


def _mid_sentence_joins(features: _LineFeatures, layout: _Layout) -> np.ndarray:
    """bool ``[k]``: the break before the line is inside a sentence (blank lines or not)."""
    # A full line that ends with a closing bracket is a credit or a note far more often
    # than a wrap: "（新华社记者…摄）", "（附图片１张）".
    wrapped = _shift(layout.full & ~features.ends_bracket, False)
    texty = features.has_punct | layout.full
    return (
        features.same_doc
        & _shift(features.ends_open, False)
        & ~features.list_start
        & (features.inside_sentence | (wrapped & texty))
    )


def _sentence_ends(flags: np.ndarray) -> np.ndarray:
    """bool ``[n]``: characters that end a sentence (a ``.`` only before whitespace, or
    before a CJK character when not after a digit)."""
    ends = _has(flags, _TERM)
    periods = np.flatnonzero(_has(flags, _PERIOD))
    following = np.where(periods + 1 < len(flags), flags[np.minimum(periods + 1, len(flags) - 1)], _WS)
    preceding = np.where(periods > 0, flags[periods - 1], 0)
    period_ends = _has(following, _WS | _BREAK) | (_has(following, _WIDE) & ~_has(preceding, _DIGIT))
    ends[periods[period_ends]] = True
    return ends
