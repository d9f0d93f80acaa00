"""Lines, paragraphs and sentences of a batch as :class:`UnitSpans`: the public functions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..arrays import joined_codepoints, joined_starts, sorted_unique, stable_order, to_codepoints
from ..errors import InvalidOptionError, check_text
from ..options import check_arg
from .breaks import _Lines, _lines, _noise_mask, _skip_backward, _skip_forward
from .chars import _CLOSE, _WS, _flags, _has
from .layout import (
    _layout,
    _layout_joins,
    _line_features,
    _mid_sentence_joins,
    _sentence_ends,
)

Unit = Literal["paragraph", "line", "sentence"]
#: The units :func:`segment` knows.
UNITS: tuple[str, ...] = ("paragraph", "line", "sentence")


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


def _strip(spans_start: np.ndarray, spans_end: np.ndarray, blank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shrink spans to their first and last visible character (``blank``: bool ``[n]``,
    whitespace); empty spans come back empty."""
    starts = _skip_forward(blank, spans_start)
    ends = _skip_backward(blank, spans_end)
    empty = starts >= spans_end
    return np.where(empty, spans_start, starts), np.where(empty, spans_start, ends)


def _sentences(flags: np.ndarray, para_starts: np.ndarray, para_ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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
    doc_starts = joined_starts(lengths)
    text = "\n".join(docs)
    codepoints = to_codepoints(text)
    flags = _flags().take(codepoints)
    noise = _noise_mask(text, doc_starts, codepoints)
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


def segment_lines_and_paragraphs(texts: Iterable[str], rejoin_wraps: bool = True) -> tuple[UnitSpans, UnitSpans]:
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


def sentences_within(texts: Sequence[str], doc: np.ndarray, spans: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sentences inside some paragraphs, read from those paragraphs alone.

    Equals the sentences ``segment_many(texts, "sentence")`` gives inside the paragraphs
    ``spans`` of ``segment_many(texts, "paragraph")``, at the cost of the paragraphs' own
    characters, not the whole batch's: a sentence cut reads the character after a ``.`` and
    before it, and a paragraph is bounded by whitespace in its document.

    Parameters
    ----------
    texts : sequence of str
    doc : np.ndarray
        int64 ``[p]``: each paragraph's document, in document order.
    spans : np.ndarray
        int64 ``[p, 2]``: the paragraphs, in their documents' coordinates and text order.

    Returns
    -------
    sentence_doc : np.ndarray
        int64 ``[s]``.
    sentence_spans : np.ndarray
        int64 ``[s, 2]``, in the documents' coordinates, in order.
    """
    pieces = [texts[d][a:b] for d, a, b in zip(doc.tolist(), spans[:, 0].tolist(), spans[:, 1].tolist())]
    cps, starts, ends = joined_codepoints(pieces)
    starts_, ends_ = _sentences(_flags().take(cps), starts, ends)
    owner = np.searchsorted(starts, starts_, side="right") - 1
    shift = spans[owner, 0] - starts[owner]
    return doc[owner], np.stack([starts_ + shift, ends_ + shift], axis=1).reshape(-1, 2)


def split_long(
    texts: Sequence[str], doc: np.ndarray, spans: np.ndarray, too_long: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Paragraphs (``doc`` int64 ``[u]``, ``spans`` int64 ``[u, 2]``, in order) with the ``too_long`` ones (bool
    ``[u]``) replaced by the sentences inside them (:func:`sentences_within`).

    Returns
    -------
    doc : np.ndarray
        int64 ``[u']``.
    spans : np.ndarray
        int64 ``[u', 2]``, in document order.
    split : np.ndarray
        bool ``[u']``, True for units that came from splitting.
    """
    sentence_doc, sentence_spans = sentences_within(texts, doc[too_long], spans[too_long])
    all_doc = np.concatenate([doc[~too_long], sentence_doc])
    all_spans = np.concatenate([spans[~too_long], sentence_spans]).reshape(-1, 2)
    split = np.concatenate([np.zeros((~too_long).sum(), dtype=bool), np.ones(sentence_doc.size, dtype=bool)])
    order = stable_order(all_doc, all_spans[:, 0])
    return all_doc[order], all_spans[order], split[order]


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
    >>> text = "标题\\n\\n甲方建设统一、高效、安全的医保信息平台,按照国家、省和本市的要求建立医保\\n\\n药品目录。"
    >>> [text[a:b] for a, b in segment(text)]
    ['标题', '甲方建设统一、高效、安全的医保信息平台,按照国家、省和本市的要求建立医保\\n\\n药品目录。']
    """
    check_text(text)
    return segment_many([text], unit, rejoin_wraps).spans
