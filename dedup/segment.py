"""Documents → units: paragraphs, lines and sentences as ``[start, end)`` spans of the original.

Spans never include the whitespace around a unit and are never empty. Lines are cut at
line breaks (``\n``, ``\r\n``, ``\r``, U+2028/2029 …). Paragraphs are lines joined by the
layout of each document, detected on its own:

- *blank-line* layout — blank lines separate paragraphs (at least half the line gaps are
  blank, or some are and the text is hard-wrapped): the lines of a block are one paragraph;
- *indented* layout — at least one line in ten starts with two columns of indentation
  (``"　　"``): an indented line starts a paragraph, a flush line after a long one (0.8 of
  the document's 90th-percentile line width) continues;
- *hard-wrapped* text — at least half of four or more lines are as wide as the document's
  90th-percentile line width (at least 40 columns), give or take 2 columns or 5 %: a line that fills that width
  (less a column) continues on the next, even after a full stop;
- otherwise every line is a paragraph (the single-newline layout of seeds 001-003).

On top of the layout, ``rejoin_wraps`` (the default) re-joins two lines — across blank lines
too, for page and column breaks (seed 000's ``医保医`` / ``师服务…``) — that break
mid-sentence: the first does not end a sentence (``。！？!?；;…：:``, possibly followed by a
closing quote or bracket), the second does not start a list item (``1、``, ``(二)``,
``第三条``, ``一是``, ``●``, ``——``), and either the break is plainly inside a sentence (the
first ends with ``，、``, an opening bracket or a hyphen; the second starts with punctuation,
a lower-case letter, or a fragment of at most two characters that ends a sentence, as in
``围。``) or the first line is full (at least 0.8 of the 90th-percentile width, but at least
40 and at most 80 columns; CJK characters count two; not ending in a closing bracket) and the second has
punctuation or is full too, so that titles, bylines, credits and dates stay on their own.
Line features ignore inline noise (:func:`dedup.normalize.noise_spans`): pinyin annotations
do not make a title look long, a trailing ``</span>`` does not hide a full stop.

Sentences split paragraphs after runs of ``。！？!?；;…`` and their half-width and small
forms, taking closing quotes and brackets along; ``.`` and ``．`` end a sentence only before
whitespace, or before a CJK character when not after a digit (``93.62`` stays whole).

Everything runs on numpy arrays of code points for a whole batch of documents at once;
Python runs only per line that starts like a list marker, to match it.
:func:`segment_lines_and_paragraphs` gives lines and paragraphs from one pass.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

from .arrays import sorted_unique
from .errors import InvalidOptionError, check_text
from .normalize import noise_spans_many
from .options import check_arg

__all__ = ["UNITS", "Unit", "UnitSpans", "segment", "segment_lines_and_paragraphs", "segment_many"]

Unit = Literal["paragraph", "line", "sentence"]
#: The units :func:`segment` knows.
UNITS: tuple[str, ...] = ("paragraph", "line", "sentence")

# Character flags, one bit each, in a uint16 table over all code points.
_WS = 1
_BREAK = 2
_TERM = 4
_PERIOD = 8
_COLON = 16
_CLAUSE = 32
_OPEN = 64
_CLOSE = 128
_WIDE = 256
_LOWER = 512
_DIGIT = 1024
_HYPHEN = 2048
_LETTER = 4096
_BRACKET = 8192
_LIST_FIRST = 16384
_CARRIAGE = 32768

_FLAG_CHARS = {
    _BREAK: "\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029",
    _TERM: "。｡︒！!﹗？?﹖；;﹔…‥⁇⁈⁉‼",
    _PERIOD: ".．﹒",
    _COLON: "：:﹕",
    _CLAUSE: "，,﹐、﹑､",
    _OPEN: "（(［[｛{【〔〖《〈「『“‘﹙﹝",
    _CLOSE: "）)］]｝}】〕〗》〉」』”’﹚﹞\"'",
    _HYPHEN: "-‐\u00ad",
    _BRACKET: "）)］]｝}】〕〗》〉」』﹚﹞",
    _CARRIAGE: "\r",
}

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
_ALPHABETIC_END = 0x530

_NUMERAL = "0-9０-９一二三四五六七八九十百零〇"
_LIST_MARKER = re.compile(
    "(?:"
    rf"[(（［\[【〔][{_NUMERAL}a-zA-Zⅰ-ⅻⅠ-Ⅻ]{{1,4}}[)）］\]】〕]"
    rf"|[0-9０-９]{{1,3}}(?:[.．][0-9０-９]{{1,3}})*[、.．)）](?![0-9０-９])"
    rf"|[一二三四五六七八九十百零〇]{{1,4}}[、.．]"
    rf"|第[{_NUMERAL}]{{1,5}}[、，,.．章节条款项部篇]"
    r"|[一二三四五六七八九十]{1,2}[是要](?=\S)"
    r"|[①-⑳⑴-⒇⒈-⒛❶-❿➀-➉]"
    r"|[●•·▪■□◆◇▶►★☆○◎◉※→–—*+\-]"
    r"|[A-Za-z][.)](?=\s)"
    ")"
)
# Every character a _LIST_MARKER match can start with: only lines that start with one are
# matched against it.
_LIST_FIRST_CLASS = re.compile(
    rf"[(（［\[【〔{_NUMERAL}第①-⑳⑴-⒇⒈-⒛❶-❿➀-➉●•·▪■□◆◇▶►★☆○◎◉※→–—*+\-A-Za-z]"
)


@dataclass(frozen=True)
class UnitSpans:
    """The units of a batch of documents, in CSR form.

    Attributes
    ----------
    spans : np.ndarray
        int64 ``[m, 2]``: ``[start, end)`` of every unit, in its own document's coordinates,
        documents in order and units in text order within each.
    doc_offsets : np.ndarray
        int64 ``[n_docs + 1]``: the units of document ``d`` are
        ``spans[doc_offsets[d]:doc_offsets[d + 1]]``.
    """

    spans: np.ndarray
    doc_offsets: np.ndarray

    def __len__(self) -> int:
        return len(self.doc_offsets) - 1

    def __getitem__(self, doc: int) -> np.ndarray:
        """int64 ``[k, 2]``: the spans of document ``doc``."""
        return self.spans[self.doc_offsets[doc] : self.doc_offsets[doc + 1]]

    def doc_ids(self) -> np.ndarray:
        """int64 ``[m]``: the document each unit belongs to."""
        return np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.doc_offsets))


@lru_cache(maxsize=1)
def _flags() -> np.ndarray:
    """uint16 ``[0x110000]`` of character flags (built once per process, about 0.05 s)."""
    flags = np.zeros(0x110000, dtype=np.uint16)
    for flag, chars in _FLAG_CHARS.items():
        flags[[ord(c) for c in chars]] |= flag
    bmp = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x10000)))
    bmp_values = np.concatenate([np.arange(0xD800), np.arange(0xE000, 0x10000)])
    is_space = np.frombuffer(bytes(map(str.isspace, bmp)), dtype=bool)
    flags[bmp_values[is_space]] |= _WS
    flags[[0x200B, 0xFEFF]] |= _WS
    widths = np.frombuffer(
        bytes(map({"W": 1, "F": 1}.get, map(unicodedata.east_asian_width, bmp), [0] * len(bmp))),
        dtype=np.uint8,
    ).astype(bool)
    flags[bmp_values[widths]] |= _WIDE
    flags[0x20000:0x40000] |= _WIDE
    alphabetic = [chr(cp) for cp in range(_ALPHABETIC_END)]  # Latin, Greek, Cyrillic
    flags[[ord(c) for c in alphabetic if c.isalpha()]] |= _LETTER
    flags[[ord(c) for c in alphabetic if c.islower()]] |= _LOWER
    flags[ord("0") : ord("9") + 1] |= _DIGIT
    flags[0xFF10:0xFF1A] |= _DIGIT
    flags[bmp_values[[match.start() for match in _LIST_FIRST_CLASS.finditer(bmp)]]] |= _LIST_FIRST
    return flags


def _codepoints(text: str) -> np.ndarray:
    """uint32 ``[len(text)]`` (lone surrogates included)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def _has(flags: np.ndarray, flag: int) -> np.ndarray:
    return (flags & flag) != 0


@dataclass(frozen=True)
class _Lines:
    """The non-blank lines of a batch, in joined-text coordinates.

    Attributes
    ----------
    raw_starts : np.ndarray
        int64 ``[k]``: where each line starts, indentation included.
    starts, ends : np.ndarray
        int64 ``[k]``: the line without surrounding whitespace.
    content_starts, content_ends : np.ndarray
        int64 ``[k]``: the line without surrounding whitespace and inline noise (pinyin
        annotations, HTML, encoding junk); ``content_ends <= content_starts`` for a line of
        noise only.
    doc : np.ndarray
        int64 ``[k]``: the document of each line.
    blank_before : np.ndarray
        bool ``[k]``: a blank line separates this line from the previous one.
    """

    raw_starts: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    content_starts: np.ndarray
    content_ends: np.ndarray
    doc: np.ndarray
    blank_before: np.ndarray


def _line_breaks(codepoints: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """int64 ``[b]``, sorted: the characters that end a line (``\\r`` only when not before ``\\n``)."""
    breaks = np.flatnonzero(_has(flags, _BREAK | _CARRIAGE))
    after = np.minimum(breaks + 1, len(codepoints) - 1)
    carriage_before_newline = (
        (codepoints[breaks] == 0x0D) & (breaks + 1 < len(codepoints)) & (codepoints[after] == 0x0A)
    )
    return breaks[~carriage_before_newline]


def _skip_forward(skip: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """int64 ``[k]``: the first index at or after each position where ``skip`` is False.

    Parameters
    ----------
    skip : np.ndarray
        bool ``[n]``: the characters to skip.
    positions : np.ndarray
        int64 ``[k]``, each in ``[0, n]``.

    Returns
    -------
    np.ndarray
        int64 ``[k]``; ``n`` where nothing but skipped characters follow.
    """
    skipped = np.flatnonzero(skip)
    result = positions.astype(np.int64, copy=True)
    if len(skipped) == 0:
        return result
    inside = np.flatnonzero(np.append(skip, False)[positions])
    # The last skipped character of each run of consecutive ones.
    run_last = np.flatnonzero(np.append(np.diff(skipped) > 1, True))
    index = np.searchsorted(skipped, result[inside])
    result[inside] = skipped[run_last[np.searchsorted(run_last, index)]] + 1
    return result


def _skip_backward(skip: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """int64 ``[k]``: just after the last index before each position where ``skip`` is False.

    Parameters
    ----------
    skip : np.ndarray
        bool ``[n]``: the characters to skip.
    positions : np.ndarray
        int64 ``[k]``, each in ``[0, n]``.

    Returns
    -------
    np.ndarray
        int64 ``[k]``; ``0`` where nothing but skipped characters precede.
    """
    skipped = np.flatnonzero(skip)
    result = positions.astype(np.int64, copy=True)
    if len(skipped) == 0:
        return result
    inside = np.flatnonzero(np.concatenate([[False], skip])[positions])
    # The first skipped character of each run of consecutive ones.
    run_first = np.flatnonzero(np.concatenate([[True], np.diff(skipped) > 1]))
    index = np.searchsorted(skipped, result[inside] - 1)
    result[inside] = skipped[run_first[np.searchsorted(run_first, index, side="right") - 1]]
    return result


def _lines(codepoints: np.ndarray, flags: np.ndarray, noise: np.ndarray, doc_starts: np.ndarray) -> _Lines:
    """The non-blank lines of the joined batch (``doc_starts``: int64 ``[n_docs]``)."""
    n = len(codepoints)
    breaks = _line_breaks(codepoints, flags)
    line_starts = np.concatenate([[0], breaks + 1])
    line_ends = np.concatenate([breaks, [n]])
    blank = _has(flags, _WS)
    starts = _skip_forward(blank, line_starts)
    non_blank = starts < line_ends
    line_number = np.flatnonzero(non_blank)
    starts = starts[non_blank]
    ends = _skip_backward(blank, line_ends[non_blank])
    if noise.any():
        blank |= noise
        content_starts = _skip_forward(blank, starts)
        content_ends = _skip_backward(blank, ends)
    else:
        content_starts, content_ends = starts, ends
    doc = np.searchsorted(doc_starts, line_starts[non_blank], side="right") - 1
    blank_before = np.diff(line_number, prepend=-1) > 1
    return _Lines(line_starts[non_blank], starts, ends, content_starts, content_ends, doc, blank_before)


def _noise_mask(docs: Sequence[str], doc_starts: np.ndarray, n: int) -> np.ndarray:
    """bool ``[n]``: characters inside inline noise (:func:`dedup.normalize.noise_spans`),
    as found document by document, so that no match spans two documents."""
    spans, doc_offsets, _ = noise_spans_many(docs)
    starts = spans[:, 0] + np.repeat(doc_starts, np.diff(doc_offsets))
    lengths = spans[:, 1] - spans[:, 0]
    mask = np.zeros(n, dtype=bool)
    # Every position of every span: its start, repeated, plus its rank within the span.
    firsts = np.cumsum(lengths) - lengths
    mask[np.repeat(starts - firsts, lengths) + np.arange(lengths.sum())] = True
    return mask


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
    columns = 1 + _has(flags, _WIDE).view(np.uint8)
    columns[noise] = 0
    k = len(starts)
    indent_and_width = _range_sums(
        columns, np.concatenate([lines.raw_starts, lines.raw_starts]), np.concatenate([lines.starts, ends])
    )
    indent, width = indent_and_width[:k], indent_and_width[k:]
    list_start = _list_starts(text, flags, starts)

    first = flags[starts]
    last = flags[ends - 1]
    before_last = np.where(ends - 2 >= starts, flags[np.maximum(ends - 2, 0)], 0).astype(flags.dtype)
    final = _TERM | _PERIOD | _COLON
    ends_open = ~(_has(last, final) | (_has(last, _CLOSE) & _has(before_last, final))) & has_content
    punct = (_sentence_ends(flags) | _has(flags, _COLON | _CLAUSE)) & ~noise
    term_positions = np.flatnonzero(_has(flags, _TERM) & ~noise)
    prev_last = _shift(last, 0)
    inside_sentence = (
        _has(prev_last, _CLAUSE | _OPEN)
        | (_has(prev_last, _HYPHEN) & _has(_shift(before_last, 0), _LETTER))
        | _has(first, _CLAUSE | _TERM | _PERIOD | _CLOSE)
        | (_has(first, _LOWER) & _has(prev_last, _LETTER))
        | _starts_with_fragment(term_positions, starts, ends)
    )
    return _LineFeatures(
        same_doc=np.concatenate([[False], lines.doc[1:] == lines.doc[:-1]]),
        list_start=list_start | ~has_content,
        indented=indent >= _INDENT_COLUMNS,
        width=width,
        ends_open=ends_open,
        has_punct=_first_at_or_after(np.flatnonzero(punct), starts) < ends,
        inside_sentence=inside_sentence,
        ends_bracket=_has(last, _BRACKET),
    )


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
    hard_wrapped = (
        (np.bincount(doc[at_wrap], minlength=n_docs) >= _WRAPPED_SHARE * line_count)
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


def _sentence_cuts(flags: np.ndarray) -> np.ndarray:
    """int64 ``[c]``: positions just after a sentence end (its closing quotes included).

    A cut follows every run of sentence ends and closing quotes or brackets that holds at
    least one sentence end (``。”``, ``？！``, ``）。``; not a lone ``”``).
    """
    ends_sentence = _sentence_ends(flags)
    positions = np.flatnonzero(ends_sentence | _has(flags, _CLOSE))
    if len(positions) == 0:
        return np.zeros(0, dtype=np.int64)
    run_first = np.flatnonzero(np.concatenate([[True], np.diff(positions) > 1]))
    has_end = np.logical_or.reduceat(ends_sentence[positions], run_first)
    run_last = positions[np.append(run_first[1:], len(positions)) - 1]
    return run_last[has_end] + 1


def _strip(
    spans_start: np.ndarray, spans_end: np.ndarray, blank: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Shrink spans to their first and last visible character (``blank``: bool ``[n]``,
    whitespace); empty spans come back empty."""
    starts = _skip_forward(blank, spans_start)
    ends = _skip_backward(blank, spans_end)
    empty = starts >= spans_end
    return np.where(empty, spans_start, starts), np.where(empty, spans_start, ends)


def _sentences(
    flags: np.ndarray, para_starts: np.ndarray, para_ends: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Cut paragraphs into sentences, stripped and non-empty."""
    cuts = _sentence_cuts(flags)
    owner = np.searchsorted(para_starts, cuts, side="right") - 1
    safe_owner = np.maximum(owner, 0)
    inside = (owner >= 0) & (cuts > para_starts[safe_owner]) & (cuts < para_ends[safe_owner])
    bounds = sorted_unique(np.concatenate([para_starts, para_ends, cuts[inside]]))
    starts, ends = bounds[:-1], bounds[1:]
    owner = np.searchsorted(para_starts, starts, side="right") - 1
    within = (owner >= 0) & (ends <= para_ends[np.maximum(owner, 0)])
    starts, ends = starts[within], ends[within]
    starts, ends = _strip(starts, ends, _has(flags, _WS))
    keep = ends > starts
    return starts[keep], ends[keep]


@dataclass(frozen=True)
class _Batch:
    """Documents joined by ``"\\n"``, with what every unit is cut from.

    Attributes
    ----------
    text : str
        The joined documents (``n`` characters).
    flags : np.ndarray
        uint16 ``[n]``: the character flags.
    noise : np.ndarray
        bool ``[n]``: characters inside inline noise.
    doc_starts : np.ndarray
        int64 ``[n_docs]``: where each document starts in ``text``.
    lines : _Lines
        The non-blank lines.
    """

    text: str
    flags: np.ndarray
    noise: np.ndarray
    doc_starts: np.ndarray
    lines: _Lines


def _batch(texts: Iterable[str]) -> _Batch:
    """Join the documents and find their flags, noise and lines (materialising ``texts`` once)."""
    docs: Sequence[str] = texts if isinstance(texts, Sequence) else list(texts)
    lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
    doc_starts = np.cumsum(lengths + 1) - lengths - 1
    text = "\n".join(docs)
    codepoints = _codepoints(text)
    flags = _flags().take(codepoints)
    noise = _noise_mask(docs, doc_starts, len(codepoints))
    return _Batch(text, flags, noise, doc_starts, _lines(codepoints, flags, noise, doc_starts))


def _unit_spans(batch: _Batch, starts: np.ndarray, ends: np.ndarray, doc: np.ndarray) -> UnitSpans:
    """Units given in joined coordinates (int64 ``[m]`` each, in order) as :class:`UnitSpans`."""
    doc_starts = batch.doc_starts
    spans = np.stack([starts, ends], axis=1).astype(np.int64).reshape(-1, 2) - doc_starts[doc][:, None]
    counts = np.bincount(doc, minlength=len(doc_starts))
    doc_offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return UnitSpans(spans, doc_offsets)


def _paragraph_joins(
    text: str, flags: np.ndarray, noise: np.ndarray, lines: _Lines, n_docs: int, rejoin_wraps: bool
) -> np.ndarray:
    """bool ``[k]``: line ``i`` continues the paragraph of line ``i - 1``."""
    if len(lines.starts) == 0:
        return np.zeros(0, dtype=bool)
    features = _line_features(text, flags, noise, lines)
    layout = _layout(features, lines, n_docs)
    joins = _layout_joins(features, layout, lines, rejoin_wraps)
    if rejoin_wraps:
        joins |= _mid_sentence_joins(features, layout)
    return joins


def _paragraphs(batch: _Batch, rejoin_wraps: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """int64 ``[p]`` starts, ends and documents of the paragraphs, in joined coordinates."""
    lines = batch.lines
    joins = _paragraph_joins(batch.text, batch.flags, batch.noise, lines, len(batch.doc_starts), rejoin_wraps)
    first_lines = np.flatnonzero(~joins)
    last_lines = np.append(first_lines[1:], len(lines.starts))[: len(first_lines)] - 1
    return lines.starts[first_lines], lines.ends[last_lines], lines.doc[first_lines]


def segment_many(texts: Iterable[str], unit: Unit = "paragraph", rejoin_wraps: bool = True) -> UnitSpans:
    """Cut many documents into units, all at once.

    Parameters
    ----------
    texts : iterable of str
        The documents (materialised once).
    unit : {"paragraph", "line", "sentence"}, default "paragraph"
        ``"line"`` gives every non-blank physical line (``rejoin_wraps`` does not apply);
        ``"paragraph"`` and ``"sentence"`` follow the layout rules of this module.
    rejoin_wraps : bool, default True
        Re-join paragraphs and lines that break mid-sentence.

    Returns
    -------
    UnitSpans
        ``spans`` int64 ``[m, 2]`` in each document's own coordinates, and ``doc_offsets``
        int64 ``[n_docs + 1]``.

    See Also
    --------
    segment_lines_and_paragraphs : lines and paragraphs from one pass.
    """
    if not isinstance(unit, str) or unit not in UNITS:
        raise InvalidOptionError(f"unit must be one of {UNITS}, got {unit!r}")
    check_arg("rejoin_wraps", rejoin_wraps, bool)
    batch = _batch(texts)
    if unit == "line":
        return _unit_spans(batch, batch.lines.starts, batch.lines.ends, batch.lines.doc)
    starts, ends, doc = _paragraphs(batch, rejoin_wraps)
    if unit == "sentence":
        starts, ends = _sentences(batch.flags, starts, ends)
        doc = np.searchsorted(batch.doc_starts, starts, side="right") - 1
    return _unit_spans(batch, starts, ends, doc)


def segment_lines_and_paragraphs(
    texts: Iterable[str], rejoin_wraps: bool = True
) -> tuple[UnitSpans, UnitSpans]:
    """Cut many documents into lines and into paragraphs, in one pass.

    Equals ``(segment_many(texts, "line"), segment_many(texts, "paragraph", rejoin_wraps))``
    at little more than the cost of the paragraphs alone: the code points, character
    flags, inline noise and lines are found once for both.

    Parameters
    ----------
    texts : iterable of str
        The documents (materialised once).
    rejoin_wraps : bool, default True
        Re-join paragraphs and lines that break mid-sentence (paragraphs only).

    Returns
    -------
    lines : UnitSpans
        Every non-blank physical line: ``spans`` int64 ``[m_lines, 2]`` in each document's
        own coordinates, ``doc_offsets`` int64 ``[n_docs + 1]``.
    paragraphs : UnitSpans
        The paragraphs: ``spans`` int64 ``[m_paragraphs, 2]``, ``doc_offsets`` int64
        ``[n_docs + 1]``.

    Examples
    --------
    >>> lines, paragraphs = segment_lines_and_paragraphs(["第一段，\\n续行。\\n\\n第二段"])
    >>> lines.spans.tolist(), paragraphs.spans.tolist()
    ([[0, 4], [5, 8], [10, 13]], [[0, 8], [10, 13]])
    """
    batch = _batch(texts)
    lines = _unit_spans(batch, batch.lines.starts, batch.lines.ends, batch.lines.doc)
    return lines, _unit_spans(batch, *_paragraphs(batch, rejoin_wraps))


def segment(text: str, unit: Unit = "paragraph", rejoin_wraps: bool = True) -> np.ndarray:
    """Cut one document into units.

    Parameters
    ----------
    text : str
        The document.
    unit : {"paragraph", "line", "sentence"}, default "paragraph"
        See :func:`segment_many`.
    rejoin_wraps : bool, default True
        Re-join paragraphs and lines that break mid-sentence.

    Returns
    -------
    np.ndarray
        int64 ``[m, 2]``: ``[start, end)`` of each unit in ``text``, in order, without
        surrounding whitespace, never empty.

    Examples
    --------
    >>> text = "标题\\n\\n在协议框架下,甲方建设统一、高效、安全的医保信息平台,按照国家、省和本市的要求建立医保\\n\\n药品目录。"
    >>> [text[a:b] for a, b in segment(text)]
    ['标题', '在协议框架下,甲方建设统一、高效、安全的医保信息平台,按照国家、省和本市的要求建立医保\\n\\n药品目录。']
    """
    check_text(text)
    return segment_many([text], unit, rejoin_wraps).spans
