"""Phase 2, the whole collection: every document's proposed cuts (:class:`CleanPlan`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..arrays import concat_ranges
from ..boilerplate import LineAnalysis, analyse_table, boilerplate_families
from ..boilerplate.analysis import classified
from ..boilerplate.families import family_rows
from ..cluster import Cluster
from ..duplicates import duplicate_clusters
from ..lines import LineTable
from ..log import phase
from ..near import ClusterEngine, cluster_views
from ..passages import PassageOptions, UnitTable, match_passages
from ..removals import REASONS, Cut
from ..shingle import shingle_sets
from ..spans import expand_to_lines
from ..store import take
from ..verify import intersection_sizes_between, measures
from .against import KINDS, REMOVALS
from .base import CleanOptions, CleanReport, covered, overlaps
from .tabulate import CleanTables, _duplicate_input


@dataclass(frozen=True)
class CleanPlan:
    """Every document's planned cuts, and the findings behind them.

    Cuts are stored per document in the order they were proposed (among overlapping cuts
    of equal reason the first proposed wins), as CSR arrays.

    Attributes
    ----------
    doc_offsets : np.ndarray
        int64 ``[n_docs + 1]``: document ``d``'s cuts are rows ``doc_offsets[d]:doc_offsets[d + 1]``.
    start, end : np.ndarray
        int64 ``[c]``, in the document's original coordinates.
    reason : np.ndarray
        int64 ``[c]``, an index into :data:`dedup.removals.REASONS`.
    ref : np.ndarray
        int64 ``[c]``, the removal's ``ref`` (-1 for None).
    kind : np.ndarray
        int64 ``[c]``, an index into ``kinds``.
    to_lines : np.ndarray
        bool ``[c]``: grow the cut to whole lines when it covers all text of them (with
        the text at hand, when the plan is applied).
    kinds : tuple of str
    held_by : np.ndarray
        int64 ``[c]``: an index into ``holders`` (-1: the cut's text is kept in the collection).
    holders : tuple of str
        Ids of indexed documents that hold cut text (cleaning against an index).
    remove_noise : bool
        Cut inline noise, found when the plan is applied.
    report : CleanReport
        The findings (``cleaned`` empty).
    """

    doc_offsets: np.ndarray
    start: np.ndarray
    end: np.ndarray
    reason: np.ndarray
    ref: np.ndarray
    kind: np.ndarray
    to_lines: np.ndarray
    kinds: tuple[str, ...]
    held_by: np.ndarray
    holders: tuple[str, ...]
    remove_noise: bool
    report: CleanReport

    @property
    def n_docs(self) -> int:
        return int(self.doc_offsets.size - 1)

    def cuts(self, doc: int, text: str) -> list[Cut]:
        """Document ``doc``'s planned cuts on its ``text``, in proposal order."""
        lo, hi = int(self.doc_offsets[doc]), int(self.doc_offsets[doc + 1])
        out = []
        rows = zip(
            self.start[lo:hi].tolist(),
            self.end[lo:hi].tolist(),
            self.reason[lo:hi].tolist(),
            self.ref[lo:hi].tolist(),
            self.kind[lo:hi].tolist(),
            self.to_lines[lo:hi].tolist(),
            self.held_by[lo:hi].tolist(),
        )
        for start, end, reason, ref, kind, to_lines, held in rows:
            if to_lines:
                start, end = expand_to_lines(text, start, end)
            holder = None if held < 0 else self.holders[held]
            out.append(Cut(start, end, REASONS[reason], None if ref < 0 else ref, self.kinds[kind], holder))  # type: ignore[arg-type]
        return out


class _Proposals:
    """Cut proposals gathered as arrays, call after call, then frozen into CleanPlan arrays: each
    document's cuts in the order they were proposed (among overlapping cuts of equal reason the
    first proposed wins); kinds and holders are numbered in the order first proposed."""

    def __init__(self, n_docs: int) -> None:
        self.n_docs = n_docs
        self.parts: list[tuple[np.ndarray, ...]] = []
        self.kinds: dict[str, int] = {}
        self.holders: dict[str, int] = {}

    def add(
        self,
        doc: np.ndarray,
        start: np.ndarray,
        end: np.ndarray,
        reason: np.ndarray | str,
        ref: np.ndarray | int | None,
        kind: np.ndarray | str,
        to_lines: np.ndarray | bool,
        held_by: Sequence[str] | None = None,
    ) -> None:
        """Propose cuts ``[start, end)`` of documents ``doc`` (int64 ``[c]``), in this order;
        ``reason``, ``ref``, ``kind``, ``to_lines`` are one value or ``[c]``, ``held_by`` ``[c]`` ids or None."""
        n = len(doc)
        if not n:
            return
        codes = _codes(kind, n, self.kinds)
        held = np.full(n, -1, dtype=np.int64)
        if held_by is not None:
            held = np.array([self.holders.setdefault(h, len(self.holders)) for h in held_by], dtype=np.int64)
        self.parts.append(
            (
                np.asarray(doc, dtype=np.int64),
                np.asarray(start, dtype=np.int64),
                np.asarray(end, dtype=np.int64),
                _codes(reason, n, {name: code for code, name in enumerate(REASONS)}),
                np.broadcast_to(np.asarray(-1 if ref is None else ref, dtype=np.int64), (n,)),
                codes,
                np.broadcast_to(np.asarray(to_lines, dtype=bool), (n,)),
                held,
            )
        )

    def plan(self, remove_noise: bool, report: CleanReport) -> CleanPlan:
        empty = (np.zeros(0, dtype=np.int64),) * 6 + (np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int64))
        columns = [np.concatenate(c) for c in zip(*self.parts)] if self.parts else list(empty)
        order = np.argsort(columns[0], kind="stable")  # by document, each in proposal order
        doc, start, end, reason, ref, kind, to_lines, held = (c[order] for c in columns)
        offsets = np.zeros(self.n_docs + 1, dtype=np.int64)
        np.cumsum(np.bincount(doc, minlength=self.n_docs), out=offsets[1:])
        return CleanPlan(
            offsets,
            start,
            end,
            reason,
            ref,
            kind,
            to_lines.astype(bool),
            tuple(self.kinds),
            held,
            tuple(self.holders),
            remove_noise,
            report,
        )


_HELD_CHUNK = 4096  # later paragraphs :func:`held_blocks` compares at once (its memory does not grow with the corpus)


def _chunks(sizes: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive items of ``sizes`` (int64 ``[k]``, each item's paragraphs) in chunks of about :data:`_HELD_CHUNK`
    paragraphs, as ``(first, end)`` item ranges; an item larger than a chunk makes one of its own."""
    bounds = np.searchsorted(np.cumsum(sizes), np.arange(_HELD_CHUNK, sizes.sum(), _HELD_CHUNK), side="right")
    starts, ends = np.concatenate(([0], bounds)).tolist(), np.append(bounds, len(sizes)).tolist()
    return [(lo, hi) for lo, hi in zip(starts, ends) if lo < hi]


def held_blocks(
    units: UnitTable,
    runs: np.ndarray,
    lines: LineTable,
    cut: np.ndarray,
    options: PassageOptions,
) -> np.ndarray:
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
    lines : LineTable
        Lines of the collection (their matching views are read only for the cut lines inside the runs).
    cut : np.ndarray
        int64 ``[c]``: the rows of ``lines`` cut as boilerplate, in any order.
    options : PassageOptions

    Returns
    -------
    np.ndarray
        int64 ``[b, 3]``: run (an index into ``runs``), first and last unit of each block, in run
        order. A run has none when a cut line's view is not found in its earlier copy's (the two
        were viewed differently: nothing says what is left).
    """
    doc, start, end = lines.doc[cut], lines.start[cut], lines.end[cut]
    width = int(max(end.max(initial=0), units.end.max(initial=0))) + 1
    order = np.argsort(doc * width + start, kind="stable")
    keys = ((doc * width + start)[order], (doc * width + end)[order])
    parts = []
    for lo, hi in _chunks(runs[:, 3] - runs[:, 2] + 1):
        found = _held_block_rows(units, runs[lo:hi], lines, cut, order, keys, width, options)
        found[:, 0] += lo
        parts.append(found)
    return np.concatenate(parts) if parts else np.zeros((0, 3), dtype=np.int64)


def _held_block_rows(
    units: UnitTable,
    runs: np.ndarray,
    lines: LineTable,
    cut: np.ndarray,
    order: np.ndarray,
    keys: tuple[np.ndarray, np.ndarray],
    width: int,
    options: PassageOptions,
) -> np.ndarray:
    """:func:`held_blocks` of some runs; ``order`` sorts ``cut`` by document and start, ``keys`` are the sorted
    cut lines' starts and ends as ``doc * width + position`` (int64 ``[c]`` each)."""
    sizes = runs[:, 3] - runs[:, 2] + 1
    run = np.repeat(np.arange(len(runs)), sizes)
    # The pieces: each distinct earlier copy (units a0..a1) and each distinct later paragraph.
    earlier, earlier_of = np.unique(runs[:, :2], axis=0, return_inverse=True)
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
    cut_of = dict(zip(line_ids.tolist(), take(lines.views, cut[line_ids])))
    texts: list[str] = []
    found = np.ones(first.size, dtype=bool)
    for piece, (a, b, c, d) in enumerate(zip(first.tolist(), last.tolist(), lo.tolist(), hi.tolist())):
        view = view_of[a] if a == b else "".join(view_of[u] for u in range(a, b + 1))
        for line in order[c:d].tolist() if c < d else ():
            gone = cut_of[line]  # a line without a view (punctuation only) takes nothing out of it
            where = view.find(gone) if gone else 0
            found[piece] &= where >= 0
            if where >= 0:
                view = view[:where] + view[where + len(gone) :]
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
    return np.stack([run[starts], unit[starts], unit[ends]], axis=1)


def _same_lengths(units: UnitTable, a0: np.ndarray, b0: np.ndarray, b1: np.ndarray) -> np.ndarray:
    """bool ``[r]``: runs whose later copy's paragraphs are, one for one, as long (in view characters) as the
    earlier copy's from ``a0`` (int64 ``[r]`` each); a paragraph longer than its copy may hold text of its own."""
    sizes = b1 - b0 + 1
    if not sizes.size:
        return np.zeros(0, dtype=bool)
    later = concat_ranges(b0, sizes)
    earlier = np.minimum(concat_ranges(a0, sizes), len(units) - 1)
    return np.logical_and.reduceat(units.view_len[later] == units.view_len[earlier], np.cumsum(sizes) - sizes)


def _codes(values: np.ndarray | str, n: int, numbers: dict[str, int]) -> np.ndarray:
    """int64 ``[n]``: each value's number in ``numbers``, new values numbered (added) in the order first met."""
    if isinstance(values, str):
        return np.full(n, numbers.setdefault(values, len(numbers)), dtype=np.int64)
    names, first, inverse = np.unique(values, return_index=True, return_inverse=True)
    codes = np.empty(names.size, dtype=np.int64)
    for i in np.argsort(first, kind="stable").tolist():
        codes[i] = numbers.setdefault(str(names[i]), len(numbers))
    return codes[inverse.reshape(-1)]


def _document_clusters(
    tables: CleanTables,
    options: CleanOptions,
    with_clusters: bool,
    analysis: LineAnalysis,
    engine: ClusterEngine | None,
) -> list[Cluster]:
    """The near-duplicate documents of a tabulated collection, compared as ``options.duplicates`` says."""
    dup = options.duplicates
    needed = _duplicate_input(options, with_clusters)
    if needed == "views" and tables.duplicate_views is not None:
        return (engine or cluster_views)(tables.duplicate_views, tables.lengths, dup.near)
    if needed == "lines" and tables.duplicate_lines is not None:
        return duplicate_clusters(
            [],
            dup,
            analysis=analyse_table(tables.duplicate_lines, tables.lengths, dup.boilerplate, engine),
            engine=engine,
        )
    if needed is None:
        return duplicate_clusters([], dup, analysis=analysis, engine=engine)
    raise ValueError(
        f"the tables lack the {needed} that comparing documents needs: build them with the same options and "
        "with_clusters"
    )


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
    for lo, hi in _chunks(bounds[members + 1] - bounds[members]):
        out[lo:hi] = _own_text(units, bounds, members[lo:hi], reps[lo:hi], cuts, options)
    return out


def _own_text(
    units: UnitTable,
    bounds: np.ndarray,
    members: np.ndarray,
    reps: np.ndarray,
    cuts: tuple[np.ndarray, np.ndarray, np.ndarray],
    options: PassageOptions,
) -> np.ndarray:
    """:func:`adds_own_text` of some members; ``bounds`` (int64 ``[n_docs + 1]``) are the documents' paragraph rows."""
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


def plan_clean(
    tables: CleanTables,
    options: CleanOptions,
    *,
    with_clusters: bool = False,
    engine: ClusterEngine | None = None,
    passage_runs: tuple[np.ndarray, np.ndarray] | None = None,
) -> CleanPlan:
    """Decide what to cut of every document of a tabulated collection.

    Parameters
    ----------
    tables : CleanTables
        From :class:`TableBuilder` or :func:`tabulate` with the same options.
    options : CleanOptions
    with_clusters : bool
        Find near-duplicate documents even without ``cross_document`` (for a report).
    engine : callable, optional
        Clusters matching views, like :func:`dedup.near.cluster_views` (the
        default); :mod:`dedup.distributed` passes one that runs on Ray.
    passage_runs : (np.ndarray, np.ndarray), optional
        The paragraphs' passage runs and which are gapped (int64 ``[r, 4]``, bool ``[r]``), merged
        elsewhere (see :func:`dedup.passages.match_passages`); :mod:`dedup.distributed` merges them
        on Ray, where the matched pairs are.

    Returns
    -------
    CleanPlan
    """
    opts = options
    proposals = _Proposals(tables.n_docs)
    # One line analysis serves boilerplate finding and, when the options agree, the
    # boilerplate stripping that near-duplicate documents are compared after.
    with phase(
        "plan: boilerplate", f"{len(tables.lines):,} lines of {tables.n_docs:,} document{'s' * (tables.n_docs != 1)}"
    ) as facts:
        analysis = analyse_table(tables.lines, tables.lengths, opts.boilerplate, engine, tables.pages)
        kinds, analysis = classified(analysis, opts.boilerplate)  # reused to compare documents
        table, kinds = analysis.lines.chosen(kinds)  # the lines with a kind
        rows, family = family_rows(table, kinds)
        families = boilerplate_families(table, kinds, (rows, family))
        facts["families"] = len(families)
    if "boilerplate" not in opts.remove:
        rows = rows[:0]
    boilerplate_cuts = (table.doc[rows], table.cut_start[rows], table.cut_end[rows])
    proposals.add(*boilerplate_cuts, "boilerplate", family[: rows.size], kinds[rows], False)
    clusters: list[Cluster] = []
    if opts.cross_document or with_clusters:
        with phase("plan: near-duplicate documents") as facts:
            clusters = _document_clusters(tables, opts, with_clusters, analysis, engine)
            facts["clusters"] = len(clusters)
    # Whole duplicate documents first: among equal reasons the first proposed wins. A
    # member is emptied only when its representative, which is kept, holds its text.
    emptied = np.zeros(tables.n_docs, dtype=bool)
    holding = np.zeros(tables.n_docs, dtype=bool)  # representatives of emptied members: kept whole
    # What a saved index holds goes first, pointing at the indexed copy; a document that
    # loses a duplicate to the index is no kept copy for the batch's own removals.
    by_index = np.zeros(tables.n_docs, dtype=bool)
    empty = np.zeros(0, dtype=np.int64)
    index_cuts = (empty, empty, empty)
    found = tables.indexed
    if found is not None:
        reason_of = np.array([reason for reason, _ in REMOVALS])
        taken = np.flatnonzero(np.isin(reason_of[found.kind], sorted(opts.remove)))
        code = found.kind[taken]
        index_cuts = (found.doc[taken], found.start[taken], found.end[taken])
        held = [found.held_by[i] for i in taken.tolist()]
        reasons, what = reason_of[code], np.array(KINDS)[code]  # what the index holds: a document, passage, line
        removal_kinds = np.array([kind for _, kind in REMOVALS])[code]
        proposals.add(*index_cuts, reasons, None, removal_kinds, what == "passage", held)
        emptied[index_cuts[0][what == "document"]] = True
        by_index[index_cuts[0][reasons == "duplicate"]] = True
    if "duplicate" in opts.remove and opts.cross_document:
        candidates = [
            (member, cluster.representative, cluster.id)
            for cluster in clusters
            if not by_index[cluster.representative]
            for member, coverage in zip(cluster.members, cluster.coverage)
            if member != cluster.representative and coverage >= opts.cover and not emptied[member]
        ]
        member_of, rep_of, ref_of = np.array(candidates, dtype=np.int64).reshape(-1, 3).T
        # A member with a paragraph of its own (an appended update, its own note) is not emptied, however
        # small a share of it that is: it loses only the passages found in kept documents.
        whole_doc = ~adds_own_text(tables.units, member_of, rep_of, boilerplate_cuts, opts.passages)
        emptied[member_of[whole_doc]] = True
        holding[rep_of[whole_doc]] = True
        whole, refs = member_of[whole_doc], ref_of[whole_doc]
        proposals.add(whole, np.zeros_like(whole), tables.lengths[whole], "duplicate", refs, "document", False)
    with phase("plan: repeated passages", f"{len(tables.units):,} paragraphs") as facts:
        matches = match_passages(tables.units, opts.passages, runs=passage_runs)
        facts["passages"] = len(matches.clusters)
    if "duplicate" in opts.remove:
        # Each cut rests on a direct match with an earlier copy that is kept: in the
        # same document, or with cross_document in any earlier one.
        units, runs = matches.units, np.flatnonzero(matches.within_document() | opts.cross_document)
        a0, a1, b0, b1 = matches.runs[runs].T
        earlier = (units.doc[a0], units.start[a0], units.end[a1])
        later = (units.doc[b0], units.start[b0], units.end[b1])
        keep = ~emptied[earlier[0]] & ~covered(*earlier, *boilerplate_cuts)
        keep &= ~covered(*earlier, *index_cuts)  # the index holds it: cut against the index
        keep &= ~(holding[later[0]] & (later[0] != earlier[0]))  # emptied members point at this copy
        # A run may step over a paragraph in each copy, an earlier copy that loses lines as
        # boilerplate holds only the rest, and a paragraph matched by containment may hold
        # more than its copy: such a run's later copy loses only the paragraphs that what its
        # earlier copy keeps holds (held_blocks). A run of paragraphs as long as their copies
        # is a run of direct matches, each held by its own rule.
        check = matches.gapped[runs] | overlaps(*earlier, *boilerplate_cuts) | ~_same_lengths(units, a0, b0, b1)
        check &= keep
        whole = np.flatnonzero(keep & ~check)
        blocks = np.stack([whole, b0[whole], b1[whole]], axis=1)
        if check.any():
            checked = np.flatnonzero(check)
            parts = held_blocks(matches.units, matches.runs[runs[checked]], table, rows, opts.passages)
            parts[:, 0] = checked[parts[:, 0]]
            blocks = np.concatenate([blocks, parts])
            blocks = blocks[np.argsort(blocks[:, 0], kind="stable")]  # in run order: the first proposed wins
        proposals.add(
            units.doc[blocks[:, 1]],
            units.start[blocks[:, 1]],
            units.end[blocks[:, 2]],
            "duplicate",
            matches.run_cluster[runs[blocks[:, 0]]],
            "passage",
            True,
        )
    return proposals.plan("noise" in opts.remove, CleanReport([], clusters, matches.clusters, families))
