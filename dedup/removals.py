"""Removals and cleaned text: the lossless account of what cleaning cut.

A :class:`Cleaned` document is its original text with some spans cut out; each
cut is a :class:`Removal` that carries the removed text, so :func:`restore`
rebuilds the original exactly. Spans proposed by different finders may
overlap; :func:`resolve` gives every character to the strongest reason that
covers it (duplicate > boilerplate > noise) and merges neighbouring cuts with
the same reason, reference and kind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Literal

import numpy as np

from .dicts import DictRoundTrip
from .errors import InvalidOptionError

__all__ = ["Removal", "Cleaned", "Cut", "restore", "resolve", "resolve_many", "apply_cuts", "strengths", "REASONS"]

Reason = Literal["duplicate", "boilerplate", "noise"]
REASONS: tuple[str, ...] = ("noise", "boilerplate", "duplicate")  # weakest first


def strengths(reason: np.ndarray, passage: np.ndarray) -> np.ndarray:
    """int64 ``[c]``: which of overlapping cuts owns a character (the higher), from each cut's reason (int64 ``[c]``,
    an index into :data:`REASONS`) and whether it is a passage (bool ``[c]``). A whole duplicate document is
    strongest, then boilerplate, then noise, then a repeated passage: a passage is cut because its earlier copy keeps
    its text, and a line of it that goes as boilerplate of its own document (a share link, a template line), or its
    inline noise (pinyin, a leftover tag), may be nothing the earlier copy keeps, so it goes by its rule and says
    so — it is no duplicate of a kept copy."""
    strength = 2 * np.asarray(reason, dtype=np.int64)
    strength[(strength == 2 * REASONS.index("duplicate")) & np.asarray(passage, dtype=bool)] = -1
    return strength


@dataclass(frozen=True)
class Removal(DictRoundTrip):
    """One span cut from a document.

    Attributes
    ----------
    start, end : int
        ``[start, end)`` in the original text (Python ``str`` indices).
    reason : {"duplicate", "boilerplate", "noise"}
    ref : int or None
        For ``"duplicate"``: the id of the duplicate or passage cluster; else the
        boilerplate id, or None.
    text : str
        The removed text, ``original[start:end]``.
    kind : str or None
        Finer reason: ``"repeat"``, ``"template"``, ``"page-number"``, ``"pinyin"``, ``"html"`` …
    held_by : str or None
        Cleaning against a saved index (``clean(..., against=index)``): the id of the indexed
        document that holds the removed text (``ref`` is then None); else None.
    """

    start: int
    end: int
    reason: Reason
    ref: int | None
    text: str
    kind: str | None = None
    held_by: str | None = None


@dataclass(frozen=True)
class Cleaned(DictRoundTrip):
    """A document after cleaning.

    Attributes
    ----------
    text : str
        The original with every removed span cut out; kept characters are never rewritten.
    removed : tuple of Removal
        Sorted by ``start``, non-overlapping.
    """

    text: str
    removed: tuple[Removal, ...] = ()

    @property
    def removed_chars(self) -> int:
        """Characters removed in all."""
        return sum(r.end - r.start for r in self.removed)


@dataclass(frozen=True)
class Cut:
    """A proposed removal before overlaps are resolved (same fields as :class:`Removal` but the text)."""

    start: int
    end: int
    reason: Reason
    ref: int | None = None
    kind: str | None = None
    held_by: str | None = None


def restore(cleaned: Cleaned | Mapping[str, Any]) -> str:
    """The original text, exactly: the removed spans put back where they were.

    Parameters
    ----------
    cleaned : Cleaned or dict
        A cleaned document, or a row of ``cleaned.jsonl`` (read with ``Cleaned.from_dict``).

    Raises
    ------
    InvalidOptionError
        ``cleaned`` is neither, or its removals do not fit its text (unsorted, overlapping,
        or a removal whose text is not as long as its span).
    """
    if isinstance(cleaned, Mapping):
        cleaned = Cleaned.from_dict(cleaned)
    if not isinstance(cleaned, Cleaned):
        raise InvalidOptionError(f"restore takes a Cleaned or a row of cleaned.jsonl, got {type(cleaned).__name__}")
    _check_removals(cleaned)
    parts: list[str] = []
    kept_from = 0  # position in cleaned.text
    original_pos = 0
    for removal in cleaned.removed:
        kept = removal.start - original_pos
        parts.append(cleaned.text[kept_from : kept_from + kept])
        parts.append(removal.text)
        kept_from += kept
        original_pos = removal.end
    parts.append(cleaned.text[kept_from:])
    return "".join(parts)


def _check_removals(cleaned: Cleaned) -> None:
    """Refuse removals that cannot have come from cleaning ``cleaned``'s original."""
    end = 0
    for i, r in enumerate(cleaned.removed):
        if r.start < end or r.end < r.start or len(r.text) != r.end - r.start:
            raise InvalidOptionError(
                f"removal {i} ({r.start}, {r.end}) overlaps the one before it or does not hold "
                f"{r.end - r.start} characters"
            )
        end = r.end


def resolve(length: int, cuts: Sequence[Cut]) -> list[Cut]:
    """Non-overlapping cuts covering the union of ``cuts``.

    Every character goes to the strongest cut covering it (:func:`strengths`; ties: the cut
    proposed first); runs of characters owned by cuts with equal
    ``(reason, ref, kind, held_by)`` merge into one.

    Parameters
    ----------
    length : int
        Length of the text.
    cuts : sequence of Cut
        Spans are clipped to ``[0, length)``; empty ones are dropped.

    Returns
    -------
    list of Cut
        Sorted by start.
    """
    labels = list(dict.fromkeys((c.reason, c.ref, c.kind, c.held_by) for c in cuts))
    label_id = {label: k for k, label in enumerate(labels)}
    columns = np.array(
        [(c.start, c.end, REASONS.index(c.reason), label_id[(c.reason, c.ref, c.kind, c.held_by)]) for c in cuts],
        dtype=np.int64,
    ).reshape(-1, 4)
    start, end, reason, label = columns.T
    strength = strengths(reason, np.array([c.kind == "passage" for c in cuts], dtype=bool))
    _, start, end, label = resolve_many(
        np.array([length], dtype=np.int64), np.zeros(len(cuts), dtype=np.int64), start, end, strength, label
    )
    return [Cut(s, e, *labels[k]) for s, e, k in zip(start.tolist(), end.tolist(), label.tolist())]  # type: ignore[arg-type]


def resolve_many(
    lengths: np.ndarray, doc: np.ndarray, start: np.ndarray, end: np.ndarray, strength: np.ndarray, label: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`resolve` of the cuts of many documents at once, on the spans' boundaries (never a character at a
    time; :func:`resolve` is this for one document).

    Each document's span is cut at every boundary of its cuts; each piece goes to the
    strongest cut covering it (ties: the cut first in the arrays), and runs of adjacent
    pieces whose owners have equal labels merge.

    Parameters
    ----------
    lengths : np.ndarray
        int64 ``[n_docs]``, the documents' lengths; spans are clipped to them.
    doc, start, end : np.ndarray
        int64 ``[c]``: the cuts, each document's in the order proposed.
    strength : np.ndarray
        int64 ``[c]``: :func:`strengths` of the cuts (higher wins).
    label : np.ndarray
        int64 ``[c]``: equal labels merge (what ``(reason, ref, kind, held_by)`` are to :func:`resolve`).

    Returns
    -------
    doc, start, end, label : np.ndarray
        int64 ``[r]``: the resolved cuts, sorted by document and start.
    """
    from .arrays import concat_ranges, sorted_unique, stable_order

    lengths, doc = np.asarray(lengths, dtype=np.int64), np.asarray(doc, dtype=np.int64)
    lo = np.maximum(np.asarray(start, dtype=np.int64), 0)
    hi = np.minimum(np.asarray(end, dtype=np.int64), lengths[doc]) if doc.size else lo
    kept = np.flatnonzero(hi > lo)
    if not kept.size:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty
    span = np.int64(int(lengths.max()) + 1)
    first, last = doc[kept] * span + lo[kept], doc[kept] * span + hi[kept]
    bounds = sorted_unique(np.concatenate([first, last]))  # piece k is [bounds[k], bounds[k + 1]), as codes
    piece_lo, piece_hi = np.searchsorted(bounds, first), np.searchsorted(bounds, last)
    piece = concat_ranges(piece_lo, piece_hi - piece_lo)
    cut = np.repeat(np.arange(kept.size), piece_hi - piece_lo)
    order = stable_order(piece, -np.asarray(strength, dtype=np.int64)[kept][cut], cut)
    piece, cut = piece[order], cut[order]
    owner = np.concatenate(([True], piece[1:] != piece[:-1]))  # the strongest, first proposed, of each piece
    piece, cut = piece[owner], cut[owner]
    piece_label = np.asarray(label, dtype=np.int64)[kept][cut]
    piece_doc = bounds[piece] // span
    new_run = np.ones(piece.size, dtype=bool)
    new_run[1:] = (
        (piece[1:] != piece[:-1] + 1) | (piece_label[1:] != piece_label[:-1]) | (piece_doc[1:] != piece_doc[:-1])
    )
    run_first = np.flatnonzero(new_run)
    run_last = np.append(run_first[1:], piece.size) - 1
    run_doc = piece_doc[run_first]
    return (
        run_doc,
        bounds[piece[run_first]] - run_doc * span,
        bounds[piece[run_last] + 1] - run_doc * span,
        piece_label[run_first],
    )


def apply_cuts(text: str, cuts: Sequence[Cut]) -> Cleaned:
    """Cut resolved, non-overlapping, sorted spans out of ``text``."""
    return cut_spans(text, [(c.start, c.end, (c.reason, c.ref, c.kind, c.held_by)) for c in cuts])


# The fields of a Removal, in order: what _removal fills (tests/test_removals.py checks its parameters against them)
# and the columns of a cleaned block on Ray (dedup.distributed.api).
_REMOVAL_FIELDS = tuple(f.name for f in fields(Removal))
_new = object.__new__


def _removal(start: int, end: int, reason: Any, ref: Any, text: str, kind: Any, held_by: Any) -> Removal:
    """``Removal(start, end, reason, ref, text, kind, held_by)``, its fields written to the new instance's dict: a
    frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``, which took twice as long (0.87
    against 0.42 µs a removal; the 916 labelled web pages' ``clean`` makes about 250,000)."""
    removal = _new(Removal)
    values = removal.__dict__
    values["start"], values["end"], values["reason"], values["ref"] = start, end, reason, ref
    values["text"], values["kind"], values["held_by"] = text, kind, held_by
    return removal


def cut_spans(text: str, spans: Sequence[tuple[int, int, tuple[Any, Any, Any, Any]]]) -> Cleaned:
    """:func:`apply_cuts` of ``(start, end, (reason, ref, kind, held_by))`` rows: resolved, non-overlapping,
    sorted spans cut out of ``text``, without a :class:`Cut` object a span."""
    removed = tuple(_removal(a, b, reason, ref, text[a:b], kind, held) for a, b, (reason, ref, kind, held) in spans)
    kept: list[str] = []
    pos = 0
    for a, b, _ in spans:
        kept.append(text[pos:a])
        pos = b
    kept.append(text[pos:])
    return Cleaned("".join(kept), removed)
