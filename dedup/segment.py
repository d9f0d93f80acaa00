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
Python runs per line only to match list markers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

from .normalize import noise_spans

__all__ = ["UNITS", "Unit", "UnitSpans", "segment", "segment_many"]

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
    """uint16 ``[0x110000]`` of character flags (built once per process, about 0.1 s)."""
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
    """bool ``[n]``: the characters that end a line (``\\r`` only when not before ``\\n``)."""
    breaks = _has(flags, _BREAK)
    carriage = codepoints == 0x0D
    carriage[:-1] &= codepoints[1:] != 0x0A
    return breaks | carriage


def _lines(codepoints: np.ndarray, flags: np.ndarray, noise: np.ndarray, doc_starts: np.ndarray) -> _Lines:
    """The non-blank lines of the joined batch (``doc_starts``: int64 ``[n_docs]``)."""
    n = len(codepoints)
    breaks = np.flatnonzero(_line_breaks(codepoints, flags))
    line_starts = np.concatenate([[0], breaks + 1])
    line_ends = np.concatenate([breaks, [n]])
    visible = np.flatnonzero(~_has(flags, _WS))
    first = np.searchsorted(visible, line_starts)
    last = np.searchsorted(visible, line_ends) - 1
    non_blank = last >= first
    first, last = first[non_blank], last[non_blank]
    line_number = np.flatnonzero(non_blank)
    starts, ends = visible[first], visible[last] + 1
    content = np.flatnonzero(~_has(flags, _WS) & ~noise)
    content_starts = np.append(content, n)[np.searchsorted(content, starts)]
    content_ends = np.append(-1, content)[np.searchsorted(content, ends)] + 1
    doc = np.searchsorted(doc_starts, line_starts[non_blank], side="right") - 1
    blank_before = np.diff(line_number, prepend=-1) > 1
    return _Lines(line_starts[non_blank], starts, ends, content_starts, content_ends, doc, blank_before)


def _noise_mask(docs: Sequence[str], doc_starts: np.ndarray, n: int) -> np.ndarray:
    """bool ``[n]``: characters inside inline noise (:func:`dedup.normalize.noise_spans`),
    found document by document so that no match spans two documents."""
    per_doc = [noise_spans(text)[0] + start for text, start in zip(docs, doc_starts.tolist())]
    spans = np.concatenate(per_doc) if per_doc else np.zeros((0, 2), dtype=np.int64)
    marks = np.zeros(n + 1, dtype=np.int64)
    marks[spans[:, 0]] += 1
    marks[spans[:, 1]] -= 1
    return np.cumsum(marks[:-1]) > 0


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
    nearest = np.searchsorted(term_positions, starts)
    position = np.append(term_positions, np.iinfo(np.int64).max)[nearest]
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


def _line_features(text: str, flags: np.ndarray, noise: np.ndarray, lines: _Lines) -> _LineFeatures:
    """Features of the lines, on their content (noise and surrounding whitespace ignored)."""
    n = len(flags)
    k = len(lines.starts)
    starts, ends = lines.content_starts, lines.content_ends
    has_content = ends > starts
    ends = np.maximum(ends, starts + 1)  # a noise-only line: look at one character, then veto
    starts, ends = np.minimum(starts, n - 1), np.minimum(ends, n)
    columns = np.concatenate([[0], np.cumsum(np.where(noise, 0, 1 + _has(flags, _WIDE)), dtype=np.int64)])
    list_start = np.fromiter(
        (_LIST_MARKER.match(text, s) is not None for s in starts.tolist()), dtype=bool, count=k
    )

    first = flags[starts]
    last = flags[ends - 1]
    before_last = np.where(ends - 2 >= starts, flags[np.maximum(ends - 2, 0)], 0).astype(flags.dtype)
    final = _TERM | _PERIOD | _COLON
    ends_open = ~(_has(last, final) | (_has(last, _CLOSE) & _has(before_last, final))) & has_content
    punct = (_sentence_ends(flags) | _has(flags, _COLON | _CLAUSE)) & ~noise
    punct_before = np.concatenate([[0], np.cumsum(punct, dtype=np.int64)])
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
        indented=columns[lines.starts] - columns[lines.raw_starts] >= _INDENT_COLUMNS,
        width=columns[ends] - columns[lines.raw_starts],
        ends_open=ends_open,
        has_punct=punct_before[ends] > punct_before[starts],
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
    following = np.append(flags[1:], _WS)
    preceding = np.concatenate([[0], flags[:-1]]).astype(flags.dtype)
    period_ends = _has(flags, _PERIOD) & (
        _has(following, _WS | _BREAK) | (_has(following, _WIDE) & ~_has(preceding, _DIGIT))
    )
    return _has(flags, _TERM) | period_ends


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
    spans_start: np.ndarray, spans_end: np.ndarray, visible: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Shrink spans to their first and last visible character; empty spans come back empty."""
    first = np.searchsorted(visible, spans_start)
    last = np.searchsorted(visible, spans_end) - 1
    sentinel = np.append(visible, 0)
    starts = sentinel[np.minimum(first, len(visible))]
    ends = sentinel[np.maximum(last, 0)] + 1 if len(visible) else np.zeros_like(spans_end)
    empty = last < first
    return np.where(empty, spans_start, starts), np.where(empty, spans_start, ends)


def _sentences(
    flags: np.ndarray, para_starts: np.ndarray, para_ends: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Cut paragraphs into sentences, stripped and non-empty."""
    cuts = _sentence_cuts(flags)
    owner = np.searchsorted(para_starts, cuts, side="right") - 1
    safe_owner = np.maximum(owner, 0)
    inside = (owner >= 0) & (cuts > para_starts[safe_owner]) & (cuts < para_ends[safe_owner])
    bounds = np.unique(np.concatenate([para_starts, para_ends, cuts[inside]]))
    starts, ends = bounds[:-1], bounds[1:]
    owner = np.searchsorted(para_starts, starts, side="right") - 1
    within = (owner >= 0) & (ends <= para_ends[np.maximum(owner, 0)])
    starts, ends = starts[within], ends[within]
    starts, ends = _strip(starts, ends, np.flatnonzero(~_has(flags, _WS)))
    keep = ends > starts
    return starts[keep], ends[keep]


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
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, got {unit!r}")
    docs: Sequence[str] = texts if isinstance(texts, Sequence) else list(texts)
    n_docs = len(docs)
    lengths = np.fromiter(map(len, docs), dtype=np.int64, count=n_docs)
    doc_starts = np.cumsum(lengths + 1) - lengths - 1
    text = "\n".join(docs)
    codepoints = _codepoints(text)
    flags = _flags()[codepoints]
    noise = _noise_mask(docs, doc_starts, len(codepoints))
    lines = _lines(codepoints, flags, noise, doc_starts)

    if unit == "line":
        starts, ends, doc = lines.starts, lines.ends, lines.doc
    else:
        first_lines = np.flatnonzero(~_paragraph_joins(text, flags, noise, lines, n_docs, rejoin_wraps))
        last_lines = np.append(first_lines[1:], len(lines.starts))[: len(first_lines)] - 1
        starts, ends, doc = lines.starts[first_lines], lines.ends[last_lines], lines.doc[first_lines]
        if unit == "sentence":
            starts, ends = _sentences(flags, starts, ends)
            doc = np.searchsorted(doc_starts, starts, side="right") - 1
    spans = np.stack([starts, ends], axis=1).astype(np.int64).reshape(-1, 2) - doc_starts[doc][:, None]
    doc_offsets = np.concatenate([[0], np.cumsum(np.bincount(doc, minlength=n_docs))]).astype(np.int64)
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
    return segment_many([text], unit, rejoin_wraps).spans
