"""Which later copies their earlier copies hold: the paragraph comparisons that decide partial cuts.

A passage run's later copy is cut only where what its earlier copy keeps holds it (:func:`held_blocks`),
and a duplicate document is emptied only when it adds no paragraph of its own to its representative
(:func:`adds_own_text`). Both compare a few thousand paragraphs at a time, so their memory does not grow
with the corpus; where the paragraphs' views are on Ray's workers, the chunks run there as tasks
(:func:`_each_chunk`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..arrays import concat_ranges, sorted_unique, unique_rows
from ..lines import LineTable
from ..passages import PassageOptions, UnitTable
from ..shingle import shingle_sets
from ..store import RowsOf, take
from ..verify import intersection_sizes_between, measures
from .base import covered

__all__ = ["CutLines", "adds_own_text", "held_blocks", "same_lengths"]


#: Paragraphs compared at once (:func:`held_blocks`' later paragraphs, :func:`adds_own_text`'s members'): the
#: memory of comparing does not grow with the corpus.
_HELD_CHUNK = 4096


def _chunks(sizes: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive items of ``sizes`` (int64 ``[k]``, each item's paragraphs) in chunks of about :data:`_HELD_CHUNK`
    paragraphs, as ``(first, end)`` item ranges; an item larger than a chunk makes one of its own."""
    bounds = np.searchsorted(np.cumsum(sizes), np.arange(_HELD_CHUNK, sizes.sum(), _HELD_CHUNK), side="right")
    starts, ends = np.concatenate(([0], bounds)).tolist(), np.append(bounds, len(sizes)).tolist()
    return [(lo, hi) for lo, hi in zip(starts, ends) if lo < hi]


@dataclass(frozen=True)
class CutLines:
    """The lines cut as boilerplate, what :func:`held_blocks` reads of them: the plan keeps these of the lines it
    classified, not their whole table (keys, flags, cut spans: 86 bytes a line, 24 here).

    Attributes
    ----------
    doc, start, end : np.ndarray
        int64 ``[c]``: each line's document and span in it, in any order.
    views : sequence of str
        ``c`` matching views, read only for the lines inside passage runs (a :class:`dedup.store.RowsOf` the
        table's column: on disk or on Ray's workers, they stay there).
    """

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    views: Sequence[str]

    @classmethod
    def of(cls, lines: LineTable, rows: np.ndarray) -> CutLines:
        """The rows ``rows`` (int64 ``[c]``) of ``lines``."""
        return cls(lines.doc[rows], lines.start[rows], lines.end[rows], RowsOf(lines.views, rows))


def held_blocks(units: UnitTable, runs: np.ndarray, cut: CutLines, options: PassageOptions) -> np.ndarray:
    """The parts of each passage run's later copy that its earlier copy holds, once both lose their lines cut
    as boilerplate: the blocks of consecutive later paragraphs of which at least ``threshold`` of the n-grams
    lie in what the earlier copy keeps.

    A run is matched on paragraphs and may step over one unmatched paragraph in each copy (a
    caption, an ad, or a paragraph of the later copy's own); when boilerplate cutting takes lines
    out of the earlier copy, the text those lines held is kept nowhere. Either way a later
    paragraph that the earlier copy does not hold is not cut, and the run's cut is split around it.
    Runs are compared a few thousand later paragraphs at a time, each distinct earlier copy once.

    Parameters
    ----------
    units : UnitTable
        The paragraphs the runs are made of.
    runs : np.ndarray
        int64 ``[k, 4]``: the first and last unit of each run's earlier copy, then of its later copy.
    cut : CutLines
        The lines cut as boilerplate (their matching views are read only for those inside the runs).
    options : PassageOptions

    Returns
    -------
    np.ndarray
        int64 ``[b, 3]``: run (an index into ``runs``), first and last unit of each block, in run
        order. A run has none when a cut line's view is not found in its earlier copy's (the two
        were viewed differently: nothing says what is left).
    """
    chunks = _chunks(runs[:, 3] - runs[:, 2] + 1)
    by_doc = _DocRows.of(cut.doc)
    calls = (_held_call(units, runs[lo:hi], lo, cut, by_doc) for lo, hi in chunks)  # made as the tasks start
    parts = _each_chunk(units.views, _held_block_rows, (options,), calls)
    return np.concatenate(parts) if parts else np.zeros((0, 3), dtype=np.int64)


@dataclass(frozen=True)
class _DocRows:
    """Rows of a column of documents by document: ``order`` (int64 ``[c]``) sorts ``doc`` (int64 ``[c]``, stably)
    into ``sorted``."""

    order: np.ndarray
    sorted: np.ndarray

    @classmethod
    def of(cls, doc: np.ndarray) -> _DocRows:
        order = np.argsort(doc, kind="stable")
        return cls(order, doc[order])

    def rows(self, docs: np.ndarray) -> np.ndarray:
        """int64, increasing: the rows of documents ``docs`` (int64, sorted, distinct)."""
        lo, hi = np.searchsorted(self.sorted, docs), np.searchsorted(self.sorted, docs, side="right")
        return np.sort(self.order[concat_ranges(lo, hi - lo)])


def unit_rows(units: UnitTable, rows: np.ndarray) -> UnitTable:
    """The paragraphs ``rows`` (int64 ``[k]``) of ``units`` as a table of their own (documents keep their numbers;
    no band keys; the views read from ``units``' where they are, when asked): what one chunk of the plan's paragraph
    comparisons is given, its size the chunk's, not the collection's."""
    return UnitTable(
        units.doc[rows],
        units.start[rows],
        units.end[rows],
        RowsOf(units.views, rows),
        units.view_len[rows],
        units.sentence_end[rows],
        units.split[rows],
        units.speech[rows],
        units.band_keys[:0],
        units.fragments[rows],
    )


def _held_call(units: UnitTable, runs: np.ndarray, offset: int, cut: CutLines, by_doc: _DocRows) -> tuple[Any, ...]:
    """One chunk's arguments of :func:`_held_block_rows`: the paragraphs of its runs' copies (a table of their own,
    the runs renumbered into it, and their ``rows`` in ``units``, int64, increasing), the cut lines of their
    documents sorted by document and start (``order``, and ``keys``: starts and ends as ``doc * width + position``)."""
    rows = np.unique(np.concatenate([concat_ranges(runs[:, k], runs[:, k + 1] - runs[:, k] + 1) for k in (0, 2)]))
    sub = unit_rows(units, rows)
    mine = by_doc.rows(sorted_unique(sub.doc))
    lines = CutLines(cut.doc[mine], cut.start[mine], cut.end[mine], RowsOf(cut.views, mine))
    width = int(max(lines.end.max(initial=0), sub.end.max(initial=0))) + 1
    order = np.argsort(lines.doc * width + lines.start, kind="stable")
    keys = ((lines.doc * width + lines.start)[order], (lines.doc * width + lines.end)[order])
    return sub, lines, order, keys, width, np.searchsorted(rows, runs), offset, rows


def _each_chunk(
    views: Sequence[str], function: Any, shared: tuple[Any, ...], calls: Iterable[tuple[Any, ...]]
) -> list[Any]:
    """``[function(*shared, *call) for call in calls]``; where the paragraphs' views are on Ray's workers (a column
    with ``each_call``, :class:`dedup.distributed.lines.RemoteViews`), as tasks there, the shared arguments put once."""
    each_call = getattr(views, "each_call", None)
    if each_call is not None:
        return list(each_call(function, shared, calls))
    return [function(*shared, *call) for call in calls]


def _held_block_rows(
    options: PassageOptions,
    units: UnitTable,
    cut: CutLines,
    order: np.ndarray,
    keys: tuple[np.ndarray, np.ndarray],
    width: int,
    runs: np.ndarray,
    offset: int,
    table_rows: np.ndarray,
) -> np.ndarray:
    """:func:`held_blocks` of some consecutive runs, the first of them run ``offset`` of all (the rows name runs so);
    ``units`` are their copies' paragraphs, rows ``table_rows`` (int64) of the whole table, which the rows name;
    ``order`` sorts the ``cut`` lines by document and start, ``keys`` are the sorted cut lines' starts and ends as
    ``doc * width + position`` (int64 ``[c]`` each)."""
    sizes = runs[:, 3] - runs[:, 2] + 1
    run = np.repeat(np.arange(len(runs)), sizes)
    # The pieces: each distinct earlier copy (units a0..a1) and each distinct later paragraph.
    earlier, earlier_of = unique_rows(runs[:, :2])
    later, later_of = np.unique(concat_ranges(runs[:, 2], sizes), return_inverse=True)
    first = np.concatenate([earlier[:, 0], later])
    last = np.concatenate([earlier[:, 1], later])
    at = units.doc[first] * width
    lo = np.searchsorted(keys[1], at + units.start[first], side="right")
    hi = np.maximum(np.searchsorted(keys[0], at + units.end[last], side="left"), lo)
    # The strings, read once in bulk (the tables may be on disk).
    unit_ids = np.unique(concat_ranges(first, last - first + 1))
    view_of = dict(zip(unit_ids.tolist(), take(units.views, unit_ids)))
    line_ids = order[concat_ranges(lo, hi - lo)]
    cut_of = dict(zip(line_ids.tolist(), take(cut.views, line_ids)))
    texts: list[str] = []
    found = np.ones(first.size, dtype=bool)
    for piece, (a, b, c, d) in enumerate(zip(first.tolist(), last.tolist(), lo.tolist(), hi.tolist())):
        rows = order[c:d]
        gone = [cut_of[line] for line in rows.tolist()]
        cuts = zip(cut.start[rows].tolist(), cut.end[rows].tolist(), gone)
        bounds = units.start[a : b + 1].tolist(), units.end[a : b + 1].tolist()
        view, found[piece] = _less_cut_lines([view_of[u] for u in range(a, b + 1)], *bounds, cuts)
        texts.append(view)
    hashes, offsets = shingle_sets(texts, options.ngram, workers=1)  # a chunk is too small to share out
    # Each later paragraph against its run's earlier copy; a cut line not found in it only keeps more of it.
    pairs = np.stack([len(earlier) + later_of.reshape(-1), earlier_of.reshape(-1)[run]], axis=1)
    share = measures(hashes, offsets, pairs)[:, 2]
    # A paragraph left with nothing goes as boilerplate, line by line, and says so.
    held = np.flatnonzero((share >= options.threshold) & (np.diff(offsets)[pairs[:, 0]] > 0) & found[pairs[:, 1]])
    if not held.size:
        return np.zeros((0, 3), dtype=np.int64)
    run, unit = run[held], later[later_of.reshape(-1)[held]]
    new = np.ones(held.size, dtype=bool)
    new[1:] = (held[1:] != held[:-1] + 1) | (run[1:] != run[:-1])
    starts, ends = np.flatnonzero(new), np.append(np.flatnonzero(new)[1:], held.size) - 1
    return np.stack([run[starts] + offset, table_rows[unit[starts]], table_rows[unit[ends]]], axis=1)


def _less_cut_lines(
    views: list[str], starts: list[int], ends: list[int], cuts: Iterable[tuple[int, int, str]]
) -> tuple[str, bool]:
    """Consecutive paragraphs' ``views`` (their spans ``starts``/``ends`` in their document) joined, less the views of
    the lines ``cuts`` (``(start, end, view)`` in the document, in order), and whether each was found. A line's view is
    taken out of the paragraph it lies in (a page number's ``3`` is not the ``3`` of the heading before it), or, where
    that paragraph does not hold it (a line across two, or viewed otherwise), from the first place the joined views do;
    a line without a view (punctuation only) takes nothing out."""
    whole: str | None = None
    found = True
    for start, end, gone in cuts:
        if not gone:
            continue
        if whole is None:
            first, last = bisect_right(ends, start), bisect_left(starts, end) - 1
            where = views[first].find(gone) if first == last < len(views) else -1
            if where >= 0:
                views[first] = views[first][:where] + views[first][where + len(gone) :]
                continue
            whole = "".join(views)
        where = whole.find(gone)
        found &= where >= 0
        if where >= 0:
            whole = whole[:where] + whole[where + len(gone) :]
    return ("".join(views) if whole is None else whole), found


def same_lengths(units: UnitTable, a0: np.ndarray, b0: np.ndarray, b1: np.ndarray) -> np.ndarray:
    """bool ``[r]``: runs whose later copy's paragraphs are, one for one, as long (in view characters) as the
    earlier copy's from ``a0`` (int64 ``[r]`` each); a paragraph longer than its copy may hold text of its own."""
    sizes = b1 - b0 + 1
    if not sizes.size:
        return np.zeros(0, dtype=bool)
    later = concat_ranges(b0, sizes)
    earlier = np.minimum(concat_ranges(a0, sizes), len(units) - 1)
    return np.logical_and.reduceat(units.view_len[later] == units.view_len[earlier], np.cumsum(sizes) - sizes)


def adds_own_text(
    units: UnitTable,
    members: np.ndarray,
    reps: np.ndarray,
    cuts: tuple[np.ndarray, np.ndarray, np.ndarray],
    options: PassageOptions,
) -> np.ndarray:
    """bool ``[k]``: whether member ``members[k]`` has a paragraph of its own against ``reps[k]`` (int64 ``[k]``
    each): one of at least ``min_chars`` view characters that ends a sentence or has three times that, not all
    inside ``cuts`` (boilerplate: it goes either way), less than half of whose n-grams lie in the
    representative's paragraphs — new text, not an edit. Members are compared a few thousand paragraphs at a
    time (the memory does not grow with the corpus)."""
    bounds = np.searchsorted(units.doc, np.arange(int(max(members.max(initial=-1), reps.max(initial=-1))) + 2))
    out = np.zeros(members.size, dtype=bool)
    chunks = _chunks(bounds[members + 1] - bounds[members])
    by_doc = _DocRows.of(cuts[0])
    calls = (_own_call(units, bounds, cuts, by_doc, members[lo:hi], reps[lo:hi]) for lo, hi in chunks)
    for (lo, hi), own in zip(chunks, _each_chunk(units.views, _own_text, (options,), calls)):
        out[lo:hi] = own
    return out


def _own_call(
    units: UnitTable,
    bounds: np.ndarray,
    cuts: tuple[np.ndarray, np.ndarray, np.ndarray],
    by_doc: _DocRows,
    members: np.ndarray,
    reps: np.ndarray,
) -> tuple[Any, ...]:
    """One chunk's arguments of :func:`_own_text`: its documents' paragraphs and cuts, the documents numbered among
    them (``bounds``: int64 ``[n_docs + 1]``, every document's paragraph rows in ``units``)."""
    docs = sorted_unique(np.concatenate([members, reps]))
    counts = bounds[docs + 1] - bounds[docs]
    mine = by_doc.rows(docs)
    sub = unit_rows(units, concat_ranges(bounds[docs], counts))
    doc_rows = np.concatenate(([0], np.cumsum(counts)))
    return sub, doc_rows, tuple(c[mine] for c in cuts), np.searchsorted(docs, members), np.searchsorted(docs, reps)


def _own_text(
    options: PassageOptions,
    units: UnitTable,
    bounds: np.ndarray,
    cuts: tuple[np.ndarray, np.ndarray, np.ndarray],
    members: np.ndarray,
    reps: np.ndarray,
) -> np.ndarray:
    """:func:`adds_own_text` of some members; ``members`` and ``reps`` (int64 ``[k]``) number documents ``0 .. d - 1``
    whose paragraphs are rows ``bounds[i]:bounds[i + 1]`` (int64 ``[d + 1]``) of ``units``."""
    counts = bounds[members + 1] - bounds[members]
    rows, owner = concat_ranges(bounds[members], counts), np.repeat(np.arange(members.size), counts)
    boilerplate = covered(units.doc[rows], units.start[rows], units.end[rows], *cuts)
    # Text, not a line of furniture the boilerplate rules missed ("Jul 16, 2023 | 60 Comments", 上一篇：…):
    # it ends a sentence, or runs to three times min_chars.
    prose = units.sentence_end[rows] | (units.view_len[rows] >= 3 * options.min_chars)
    keep = (units.view_len[rows] >= options.min_chars) & prose & ~boilerplate
    rows, owner = rows[keep], owner[keep]
    distinct, rep_index = np.unique(reps, return_inverse=True)
    # Each representative's paragraphs joined; the strings read in one bulk take (on disk, on Ray).
    sizes = bounds[distinct + 1] - bounds[distinct]
    views = take(units.views, np.concatenate([concat_ranges(bounds[distinct], sizes), rows]))
    ends = np.cumsum(sizes).tolist()
    rep_views = ["".join(views[a:b]) for a, b in zip([0, *ends[:-1]], ends)]
    own_sets = shingle_sets(views[ends[-1] if ends else 0 :], options.ngram)
    pairs = np.stack([np.arange(rows.size), rep_index.reshape(-1)[owner]], axis=1)
    held = intersection_sizes_between(own_sets, shingle_sets(rep_views, options.ngram), pairs)
    new = 2 * held < np.diff(own_sets[1])
    return np.bincount(owner[new], minlength=members.size) > 0
