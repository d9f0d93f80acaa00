"""Passage runs: matched paragraph pairs that continue each other, merged into passage pairs.

The merge phase of :mod:`dedup.passages`, as pure functions of the pairs and three columns of the
paragraph table. A run never joins pairs of two different pairs of documents, so the pairs can be
cut by their documents and merged part by part (:mod:`dedup.distributed` merges them so on its
workers): :func:`run_order` puts the runs of the parts back in the order one call gives them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import pairs_in, stable_order

__all__ = [
    "RunColumns",
    "copy_regions",
    "diagonal_runs",
    "passage_runs",
    "repeat_blocks",
    "run_order",
    "run_regions",
    "runs_that_cut",
]

#: Where a matched pair comes from: the long paragraphs' LSH, fragments, short paragraphs' equal views (in that order).
LONG, FRAGMENT, SHORT = 0, 1, 2
#: Pairs :func:`diagonal_runs` merges at once, whole pairs of documents at a time (its arrays: ~100 bytes a pair).
#: Copies make many: 64 copies of 200 People's Daily documents make 2.4 M pairs of paragraphs.
RUN_PAIRS = 1 << 19


@dataclass(frozen=True)
class RunColumns:
    """The columns of a paragraph table that merging reads (rows are paragraphs).

    Attributes
    ----------
    doc : np.ndarray
        int64 ``[u]``: each paragraph's document.
    split : np.ndarray
        bool ``[u]``: a sentence cut from a long paragraph.
    sentence_end : np.ndarray
        bool ``[u]``: the paragraph ends a sentence.
    """

    doc: np.ndarray
    split: np.ndarray
    sentence_end: np.ndarray


def diagonal_runs(
    pairs: np.ndarray,
    anchored: np.ndarray,
    doc: np.ndarray,
    max_gap: int,
    source: np.ndarray | None = None,
    inner: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Merge unit pairs that continue each other into passage pairs ``(a0, a1, b0, b1)`` (inclusive units).

    Pairs are taken in order of their two documents, their offset ``b - a``, ``a`` and their
    ``source``; a pair continues the run of the pair before it when both copies step forward by
    1 to ``max_gap + 1`` units in the same documents, by nearly the same amount, and the earlier
    copy stays before the run's later copy (``a < b0``).

    Parameters
    ----------
    pairs : np.ndarray
        int64 ``[p, 2]``, ``pairs[:, 0] < pairs[:, 1]``.
    anchored : np.ndarray
        bool ``[p]``: pairs that may found a passage; the others (short titles
        repeated across documents) only extend one.
    doc : np.ndarray
        int64 ``[u]``: the document of every unit.
    source : np.ndarray, optional
        int8 ``[p]``: :data:`LONG`, :data:`FRAGMENT` or :data:`SHORT`, which orders equal pairs of two
        sources (without it, their order in ``pairs``).
    inner : np.ndarray, optional
        bool ``[p]``: pairs (none anchored) that count only between two other pairs of their run — paragraphs
        with a word replaced (:func:`dedup.copies.edited_inner`): a run ends at its first and last other pair.

    Returns
    -------
    runs : np.ndarray
        int64 ``[r, 4]``: the runs with at least one anchored pair, in that order.
    gapped : np.ndarray
        bool ``[r]``: the runs whose later copy holds a paragraph no pair of the run matches.
    """
    if not len(pairs):
        return np.empty((0, 4), dtype=np.int64), np.zeros(0, dtype=bool)
    parts = _document_pair_parts(pairs, doc, RUN_PAIRS) if len(pairs) > RUN_PAIRS else []
    if len(parts) > 1:  # their runs come in order of their two documents: merged a part at a time
        anchored = np.asarray(anchored, dtype=bool)
        merged = [
            diagonal_runs(
                pairs[rows], anchored[rows], doc, max_gap, *(None if c is None else c[rows] for c in (source, inner))
            )
            for rows in parts
        ]
        return np.concatenate([m[0] for m in merged]), np.concatenate([m[1] for m in merged])
    del parts
    keys = (pairs[:, 0], pairs[:, 1] - pairs[:, 0], doc[pairs[:, 1]], doc[pairs[:, 0]])
    order = stable_order(*(keys if source is None else (source, *keys))[::-1])
    a, b, anchor = pairs[order, 0], pairs[order, 1], np.asarray(anchored, dtype=bool)[order]
    step_a, step_b = np.diff(a), np.diff(b)
    # Whether each pair continues the one before it, all but the run-start condition a < b0.
    follows = np.zeros(a.size, dtype=bool)
    follows[1:] = (
        (doc[a[1:]] == doc[a[:-1]])
        & (doc[b[1:]] == doc[b[:-1]])
        & (step_a >= 1)
        & (step_a <= max_gap + 1)
        & (step_b >= 1)
        & (step_b <= max_gap + 1)
        & (np.abs(step_a - step_b) <= max_gap)
    )
    starts = ~follows
    segment = np.cumsum(starts) - 1
    first_b = b[np.flatnonzero(starts)][segment]
    # The copies would overlap only inside a document; those few segments are walked one pair at a time.
    for seg in np.unique(segment[a >= first_b]).tolist():
        members = np.flatnonzero(segment == seg).tolist()
        b0 = int(b[members[0]])
        for i in members[1:]:
            if a[i] >= b0:
                starts[i] = True
                b0 = int(b[i])
    first = np.flatnonzero(starts)
    last = np.append(first[1:], a.size) - 1
    keep = np.logical_or.reduceat(anchor, first)
    if inner is not None:
        first, last = _without_inner_ends(first, last, np.asarray(inner, dtype=bool)[order], starts)
    runs = np.stack([a[first], a[last], b[first], b[last]], axis=1)[keep]
    stepped_over = np.zeros(a.size, dtype=bool)
    stepped_over[1:] = ~starts[1:] & (step_b > 1)
    stepped = np.cumsum(stepped_over)
    return runs, (stepped[last] > stepped[first])[keep]


def _document_pair_parts(pairs: np.ndarray, doc: np.ndarray, size: int) -> list[np.ndarray]:
    """The rows of ``pairs`` (int64 ``[p, 2]``) by their two documents (``doc``, int64 ``[u]``: the first copy's,
    then the second's; in row order within), cut into parts of at most ``size`` pairs between two pairs of
    documents (a pair of documents with more makes a part of its own): int64 row arrays."""
    key = doc[pairs[:, 0]] * np.int64(int(doc.max()) + 1) + doc[pairs[:, 1]]
    order = stable_order(key)
    key = key[order]
    ends = np.append(np.flatnonzero(key[1:] != key[:-1]) + 1, key.size)  # where each pair of documents' rows end
    del key
    cuts = [0]
    while cuts[-1] < order.size:
        lo = cuts[-1]
        within = int(np.searchsorted(ends, lo + size, side="right"))  # the ends within size of lo, and before it
        after = int(np.searchsorted(ends, lo, side="right"))  # the first end after lo
        cuts.append(int(ends[within - 1 if within > after else after]))
    return [order[a:b] for a, b in zip(cuts[:-1], cuts[1:])]


def _without_inner_ends(
    first: np.ndarray, last: np.ndarray, inner: np.ndarray, starts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each run's first and last pair that is not ``inner`` (int64 ``[r]`` each), from its first and last pair, the
    pairs' ``inner`` and ``starts`` (bool ``[p]``, in run order). A run of inner pairs alone keeps its bounds (it has
    no anchored pair either, and is dropped)."""
    outer = np.flatnonzero(~inner)
    if not inner.any() or not outer.size:
        return first, last
    run = (np.cumsum(starts) - 1)[outer]
    first, last = first.copy(), last.copy()
    runs_with, at = np.unique(run, return_index=True)
    first[runs_with] = outer[at]
    last[runs_with] = outer[np.append(at[1:], outer.size) - 1]
    return first, last


def passage_runs(
    pairs: np.ndarray,
    anchored: np.ndarray,
    source: np.ndarray,
    quoted: np.ndarray,
    columns: RunColumns,
    max_gap: int,
    inner: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The passage runs of matched paragraph pairs: :func:`diagonal_runs`, less the runs of one sentence inside a
    long paragraph that are no real repeat of it.

    Parameters
    ----------
    pairs, anchored, source, inner : np.ndarray
        As for :func:`diagonal_runs` (int64 ``[p, 2]``, bool ``[p]``, int8 ``[p]``, bool ``[p]``).
    quoted : np.ndarray
        bool ``[p]``: long paragraphs matched by containment alone.
    columns : RunColumns
        Of the whole paragraph table (``pairs`` index its rows).
    max_gap : int

    Returns
    -------
    runs : np.ndarray
        int64 ``[r, 4]``.
    gapped : np.ndarray
        bool ``[r]``.
    """
    runs, gapped = diagonal_runs(pairs, anchored, columns.doc, max_gap, source, inner)
    if len(runs):
        # One sentence inside a long paragraph is a repeat only when it really is the same
        # sentence again: not a digest headline above the article that it echoes, not a
        # formula it quotes (a match by containment alone).
        single = (runs[:, 2] == runs[:, 3]) & (runs[:, 0] == runs[:, 1]) & columns.split[runs[:, 2]]
        headline = ~columns.split[runs[:, 0]] & ~columns.sentence_end[runs[:, 0]]
        by_quote = pairs_in(runs[:, 0], runs[:, 2], pairs[quoted, 0], pairs[quoted, 1], len(columns.doc))
        kept = ~(single & (headline | by_quote))
        runs, gapped = runs[kept], gapped[kept]
    return runs, gapped


def copy_regions(copies: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge copies (int64 ``[c, 2]``, first and last unit) that overlap into regions: ``regions`` int64 ``[q, 2]``,
    first and last unit of each, sorted, and ``region_of`` int64 ``[c]``, each copy's region. A copy lies in one
    document and a document's units are consecutive, so the copies of whole documents merge apart as together."""
    order = np.lexsort((copies[:, 1], copies[:, 0]))
    sorted_copies = copies[order]
    # A copy starts a new region unless it overlaps the running end of the previous ones.
    running_end = np.maximum.accumulate(sorted_copies[:, 1]) if len(copies) else sorted_copies[:, 1]
    new_region = np.concatenate(([True], sorted_copies[1:, 0] > running_end[:-1]))[: len(copies)]
    region_of = np.empty(len(copies), dtype=np.int64)
    region_of[order] = np.cumsum(new_region) - 1
    firsts = np.flatnonzero(new_region)
    ends = np.maximum.reduceat(sorted_copies[:, 1], firsts) if firsts.size else firsts
    return np.stack([sorted_copies[firsts, 0], ends], axis=1).astype(np.int64), region_of


def run_regions(runs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge the copies named by passage runs into regions and link them.

    Parameters
    ----------
    runs : np.ndarray
        int64 ``[r, 4]`` from :func:`passage_runs`.

    Returns
    -------
    regions : np.ndarray
        int64 ``[q, 2]``, first and last unit of each region, sorted (:func:`copy_regions`).
    links : np.ndarray
        int64 ``[r, 2]``, the two regions of each passage pair.
    """
    regions, region_of = copy_regions(np.concatenate([runs[:, 0:2], runs[:, 2:4]]).astype(np.int64))
    n = len(runs)
    return regions, np.stack([region_of[:n], region_of[n:]], axis=1)


def repeat_blocks(
    regions: np.ndarray, labels: np.ndarray, looped: np.ndarray, offset: np.ndarray
) -> list[tuple[int, np.ndarray]]:
    """The copies of each passage repeated back to back: a run whose two copies overlap (a line printed thirteen
    times in a row pairs copies 1–12 with 2–13) merges them into one region (:func:`run_regions`), which, linked to
    no other, would be a component of one region and no cluster of copies. Each such region is cut into
    consecutive blocks of the smallest offset ``p`` between the two copies of a run on it: unit ``i`` of such a run
    matches unit ``i + p``, so every block is a copy of the first (the last may be a shorter, leading part of one).

    Parameters
    ----------
    regions : np.ndarray
        int64 ``[q, 2]``: first and last unit of each region (:func:`run_regions`), sorted.
    labels : np.ndarray
        int64 ``[q]``: the regions' connected components over the runs' links.
    looped, offset : np.ndarray
        int64 ``[k]``: the region of each run whose two copies lie in one region, in run order, and the offset
        ``b0 - a0`` between them.

    Returns
    -------
    list of (int, np.ndarray)
        Each such region, ascending, and its blocks: int64 ``[k, 2]``, first and last unit, ``k >= 2``.
    """
    alone = np.bincount(labels, minlength=len(regions))[labels[looped]] == 1
    if not alone.any():
        return []
    order = np.argsort(looped[alone], kind="stable")
    region, offset = looped[alone][order], offset[alone][order]
    first = np.flatnonzero(np.concatenate(([True], region[1:] != region[:-1])))
    out = []
    for r, p in zip(region[first].tolist(), np.minimum.reduceat(offset, first).tolist()):
        lo, hi = (int(x) for x in regions[r])
        starts = np.arange(lo, hi + 1, max(p, 1), dtype=np.int64)
        out.append((r, np.stack([starts, np.minimum(starts + max(p, 1) - 1, hi)], axis=1)))
    return out


def runs_that_cut(
    earlier: np.ndarray, later: np.ndarray, emptied: np.ndarray, holding: np.ndarray, cross_document: bool
) -> np.ndarray:
    """bool ``[r]``: the runs a plan may cut by, of the documents of their earlier and later copies (int64 ``[r]``
    each). A cut rests on a direct match with an earlier copy that is kept: in the same document, or with
    ``cross_document`` in any earlier one. A document emptied whole (``emptied``, bool ``[n_docs]``) loses nothing
    more — its cut is the strongest (:func:`dedup.removals.strengths`), so a passage cut of it would own no
    character — and gives no copy to cut by; nor does a representative of an emptied member (``holding``, bool
    ``[n_docs]``, kept whole) lose a passage to another document. Most runs of a collection of many copies are
    such."""
    keep = (earlier == later) | cross_document
    return keep & ~emptied[earlier] & ~emptied[later] & ~(holding[later] & (later != earlier))


def run_order(runs: np.ndarray, doc: np.ndarray) -> np.ndarray:
    """int64 ``[r]``: the order that puts runs merged apart in the order of one call.

    ``runs`` (int64 ``[r, 4]``) are the parts' runs one part after another, each part holding every pair of
    its pairs of documents, its runs in the order :func:`passage_runs` gives them. One call orders runs by
    their two documents first, so a stable sort by the documents, which keeps each part's order within
    them, gives its order. ``doc``: int64 ``[u]``.
    """
    return np.lexsort((doc[runs[:, 2]], doc[runs[:, 0]]))
