"""The paragraph pairs that repeated passages are made of besides the long paragraphs' LSH matches: fragments — a
paragraph that an earlier, longer one of its document holds — and short paragraphs with equal views, of which only
those within one document found a passage (not a sentence cut from a long paragraph, not a line of dialogue). Pure
functions over a paragraph table's columns, called by :mod:`dedup.passages` on one machine and by
:mod:`dedup.distributed.passages` on Ray's workers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .arrays import BACK_BITS, compiled, concat_ranges, pairs_of_back_bits, sorted_unique, stable_order
from .copies import whole_pairs
from .linemarks import exempt_lines
from .lines import texts_at
from .shingle import distinct_shingle_sets, encode, exact_hashes, shingle_hashes, shingle_sets
from .store import take
from .verify import SetsOf, contained_in_chunks, containment_may_reach

if TYPE_CHECKING:
    from .passages import PassageOptions, UnitTable


def sets_of_units(
    units: UnitTable, options: PassageOptions, rows: np.ndarray | None = None, distinct: bool = False
) -> SetsOf:
    """Shingle sets of units given by index (into ``rows`` when given), their views read on demand; with ``distinct``,
    of their distinct views, and which is each unit's (:func:`dedup.shingle.distinct_shingle_sets`)."""

    def sets_of(indices: np.ndarray) -> tuple[np.ndarray, ...]:
        views = take(units.views, indices if rows is None else rows[indices])
        return distinct_shingle_sets(views, options.ngram) if distinct else shingle_sets(views, options.ngram)

    return sets_of


def short_speech(
    texts: Sequence[str],
    doc: np.ndarray,
    spans: np.ndarray,
    view_len: np.ndarray,
    split: np.ndarray,
    options: PassageOptions,
) -> np.ndarray:
    """:attr:`UnitTable.speech` of paragraphs ``doc`` (int64 ``[u]``) at ``spans`` (int64 ``[u, 2]``): the short ones
    (:func:`short_units`, not sentences of a long one) that open with an utterance or are a figure
    (:func:`dedup.linemarks.figure_lines`), read on their text."""
    out = np.zeros(doc.size, dtype=bool)
    rows = short_units(view_len, options)
    rows = rows[~split[rows]]
    pieces = [piece.lstrip() for piece in texts_at(texts, doc[rows], spans[rows, 0], spans[rows, 1])]
    out[rows] = exempt_lines(pieces)
    return out


FOUND = np.uint64(1 << 63)  # UnitTable.fragments: found with the table


def find_fragment_pairs(units: UnitTable, options: PassageOptions) -> np.ndarray:
    """Fragments contained in an earlier paragraph of their document: int64 ``[p, 2]`` (container, fragment)."""
    view_len = units.view_len
    is_fragment = (view_len >= options.fragment_chars) & ((view_len >= options.min_chars) | units.sentence_end)
    is_fragment &= ~units.speech  # a line of dialogue, a figure or of code said again is none
    fragments = np.flatnonzero(is_fragment & (view_len < 4 * options.min_chars))
    if not fragments.size:
        return np.empty((0, 2), dtype=np.int64)
    # Candidate containers: the earlier, longer paragraphs of the same document within
    # fragment_window units (a stray fragment sits near what it repeats; this keeps the
    # work linear in the document).
    doc_start = np.maximum(np.searchsorted(units.doc, units.doc[fragments]), fragments - options.fragment_window)
    counts = fragments - doc_start
    container = concat_ranges(doc_start, counts)
    fragment = np.repeat(fragments, counts)
    longer = view_len[container] > view_len[fragment]
    pairs = np.stack([container[longer], fragment[longer]], axis=1)
    if not len(pairs):
        return pairs
    pairs = pairs[_may_hold(units, pairs, options)]
    # Pairs come in fragment order, each within a short window: a chunk of them needs the
    # views of a stretch of units only.
    pairs = pairs[contained_in_chunks(pairs, view_len, sets_of_units(units, options), options.containment)]
    return pairs[whole_pairs(units.views, pairs)]  # an excerpt


def _may_hold(units: UnitTable, pairs: np.ndarray, options: PassageOptions) -> np.ndarray:
    """bool ``[p]``: the (container, fragment) pairs (int64 ``[p, 2]``) whose containment may reach
    ``options.containment`` (:func:`dedup.verify.containment_may_reach`, on the units' n-gram hashes): nearly every
    candidate shares far too few n-grams (People's Daily: 76,168 candidates, 37 left, 4 fragments), and their sets
    are never made."""
    if not compiled():
        return np.ones(len(pairs), dtype=bool)
    involved = sorted_unique(pairs)
    hashes, offsets = shingle_hashes(*encode(take(units.views, involved)), options.ngram)
    rank = np.empty(len(units), dtype=np.int64)  # each involved unit's row among them
    rank[involved] = np.arange(involved.size)
    return containment_may_reach(rank[pairs], hashes, offsets, options.containment)


def short_units(view_len: np.ndarray, options: PassageOptions) -> np.ndarray:
    """int64 ``[k]``: the paragraphs matched by their exact view (shorter than ``min_chars``, not empty), in order,
    from their views' lengths (int64 ``[u]``)."""
    return np.flatnonzero((view_len > 0) & (view_len < options.min_chars))


def chained_pairs(keys: np.ndarray, units: np.ndarray) -> np.ndarray:
    """Units with equal keys chained in unit order, each paired with the next that holds its key (connected
    components join the rest): int64 ``[p, 2]``, ``(earlier, later)``, from ``keys`` uint64 ``[k]`` and their
    distinct ``units`` int64 ``[k]`` in any order (the rows of one machine, or of a partition of keys on Ray)."""
    order = stable_order(keys, units)
    keys, units = keys[order], units[order]
    same_as_next = keys[1:] == keys[:-1]
    return np.stack([units[:-1][same_as_next], units[1:][same_as_next]], axis=1).astype(np.int64).reshape(-1, 2)


def short_pairs_anchored(pairs: np.ndarray, doc: np.ndarray, split: np.ndarray, speech: np.ndarray) -> np.ndarray:
    """bool ``[p]``: which pairs of short paragraphs may found a passage: those within one document, unless one
    is a short sentence cut from a long paragraph ("他说：", which may extend a passage but does not found one) or a
    line of dialogue (``“好。”`` said twice in a chapter); ``doc`` int64, ``split`` and ``speech`` bool ``[u]`` of every
    paragraph (:class:`UnitTable`)."""
    a, b = pairs[:, 0], pairs[:, 1]
    return (doc[a] == doc[b]) & ~split[a] & ~split[b] & ~speech[a] & ~speech[b]


def long_pairs_anchored(pairs: np.ndarray, inner: np.ndarray, speech: np.ndarray) -> np.ndarray:
    """bool ``[p]``: which verified pairs of long paragraphs (int64 ``[p, 2]``) may found a passage: not the edited
    copies that count only inside one (``inner``, bool ``[p]``: :func:`dedup.copies.edited_inner`), nor a pair with
    a paragraph of source code or of labels (``speech``, bool ``[u]`` of every paragraph: :attr:`UnitTable.speech`,
    which only they set on long paragraphs) — cutting a program's repeated lines, or the function it shares with
    another file, leaves a program that no longer runs."""
    return ~inner & ~speech[pairs[:, 0]] & ~speech[pairs[:, 1]]


def exact_short_pairs(units: UnitTable, options: PassageOptions) -> tuple[np.ndarray, np.ndarray]:
    """Short paragraphs with equal views: pairs (earlier, later) and whether each may found a passage."""
    short = short_units(units.view_len, options)
    if short.size < 2:
        return np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=bool)
    pairs = chained_pairs(exact_hashes(take(units.views, short)), short)
    return pairs, short_pairs_anchored(pairs, units.doc, units.split, units.speech)


def fragment_pairs(units: UnitTable, options: PassageOptions) -> np.ndarray:
    """int64 ``[p, 2]``: (container, fragment), from the table's ``fragments`` column when it was found with the
    table, else found here (:func:`find_fragment_pairs`, which reads the views)."""
    found = options.fragment_window <= BACK_BITS and bool(np.all(units.fragments & FOUND))
    return pairs_of_back_bits(units.fragments) if found else find_fragment_pairs(units, options)
