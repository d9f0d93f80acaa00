"""Phase 2, the whole collection: every document's proposed cuts (:class:`CleanPlan`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..boilerplate import LineAnalysis, analyse_table, boilerplate_families
from ..boilerplate.analysis import classified
from ..cluster import Cluster
from ..duplicates import duplicate_clusters
from ..lines import LineTable
from ..log import phase
from ..near import ClusterEngine, cluster_views
from ..passages import match_passages
from ..removals import REASONS, Cut
from ..spans import Span, expand_to_lines
from .against import KINDS, REMOVALS
from .base import CleanOptions, CleanReport, _covered
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


class _PlanCuts:
    """Per-document cut proposals gathered in order, then frozen into CleanPlan arrays."""

    def __init__(self, n_docs: int) -> None:
        self.rows: list[list[tuple[int, int, int, int, int, bool, int]]] = [[] for _ in range(n_docs)]
        self.kinds: dict[str, int] = {}
        self.holders: dict[str, int] = {}

    def add(
        self,
        doc: int,
        start: int,
        end: int,
        reason: str,
        ref: int | None,
        kind: str,
        to_lines: bool,
        held_by: str | None = None,
    ) -> None:
        code = self.kinds.setdefault(kind, len(self.kinds))
        held = -1 if held_by is None else self.holders.setdefault(held_by, len(self.holders))
        self.rows[doc].append((start, end, REASONS.index(reason), -1 if ref is None else ref, code, to_lines, held))

    def plan(self, remove_noise: bool, report: CleanReport) -> CleanPlan:
        counts = np.fromiter(map(len, self.rows), dtype=np.int64, count=len(self.rows))
        offsets = np.zeros(counts.size + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        flat = np.array([row for rows in self.rows for row in rows], dtype=np.int64).reshape(-1, 7)
        return CleanPlan(
            offsets,
            flat[:, 0].copy(),
            flat[:, 1].copy(),
            flat[:, 2].copy(),
            flat[:, 3].copy(),
            flat[:, 4].copy(),
            flat[:, 5].astype(bool),
            tuple(self.kinds),
            flat[:, 6].copy(),
            tuple(self.holders),
            remove_noise,
            report,
        )


def _line_index(table: LineTable, spans: Sequence[Span]) -> np.ndarray:
    """Row of ``table`` of every span that is one of its lines: int64 ``[len(spans)]``."""
    width = int(table.end.max()) + 1 if len(table) else 1
    keys = table.doc * width + table.start
    return np.searchsorted(keys, np.array([s.doc * width + s.start for s in spans], dtype=np.int64))


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


def plan_clean(
    tables: CleanTables, options: CleanOptions, *, with_clusters: bool = False, engine: ClusterEngine | None = None
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

    Returns
    -------
    CleanPlan
    """
    opts = options
    proposals = _PlanCuts(tables.n_docs)
    # One line analysis serves boilerplate finding and, when the options agree, the
    # boilerplate stripping that near-duplicate documents are compared after.
    with phase(
        "plan: boilerplate", f"{len(tables.lines):,} lines of {tables.n_docs:,} document{'s' * (tables.n_docs != 1)}"
    ) as facts:
        analysis = analyse_table(tables.lines, tables.lengths, opts.boilerplate, engine)
        table = analysis.table
        kinds, analysis = classified(analysis, opts.boilerplate, tables.pages)  # reused to compare documents
        families = boilerplate_families(table, kinds)
        facts["families"] = len(families)
    boilerplate_cuts: dict[int, list[Cut]] = {}
    if "boilerplate" in opts.remove:
        for family in families:
            rows = _line_index(table, family.spans).tolist()
            for span, row in zip(family.spans, rows):
                cut = Cut(int(table.cut_start[row]), int(table.cut_end[row]), "boilerplate", family.id, family.kind)
                boilerplate_cuts.setdefault(span.doc, []).append(cut)
                proposals.add(span.doc, cut.start, cut.end, "boilerplate", family.id, family.kind, False)
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
    index_cuts: dict[int, list[Cut]] = {}
    found = tables.indexed
    if found is not None:
        rows = zip(found.doc.tolist(), found.start.tolist(), found.end.tolist(), found.kind.tolist(), found.held_by)
        for doc, start, end, code, held in rows:
            reason, kind = REMOVALS[code]
            if reason in opts.remove:
                proposals.add(doc, start, end, reason, None, kind, KINDS[code] == "passage", held)
                index_cuts.setdefault(doc, []).append(Cut(start, end, reason, None, kind, held))  # type: ignore[arg-type]
                by_index[doc] |= reason == "duplicate"
                emptied[doc] |= KINDS[code] == "document"
    if "duplicate" in opts.remove and opts.cross_document:
        for cluster in clusters:
            if by_index[cluster.representative]:
                continue
            for member, coverage in zip(cluster.members, cluster.coverage):
                if member != cluster.representative and coverage >= opts.cover and not emptied[member]:
                    emptied[member] = True
                    holding[cluster.representative] = True
                    proposals.add(member, 0, int(tables.lengths[member]), "duplicate", cluster.id, "document", False)
    with phase("plan: repeated passages", f"{len(tables.units):,} paragraphs") as facts:
        matches = match_passages(tables.units, opts.passages)
        facts["passages"] = len(matches.clusters)
    if "duplicate" in opts.remove:
        # Each cut rests on a direct match with an earlier copy that is kept: in the
        # same document, or with cross_document in any earlier one.
        cuttable = matches.within_document() | opts.cross_document
        for run in np.flatnonzero(cuttable).tolist():
            earlier = matches.earlier_copy(run)
            if emptied[earlier.doc] or _covered(earlier, boilerplate_cuts.get(earlier.doc, [])):
                continue
            if _covered(earlier, index_cuts.get(earlier.doc, [])):  # the index holds it: cut against the index
                continue
            span = matches.later_copy(run)
            if holding[span.doc] and span.doc != earlier.doc:  # emptied members point at this copy
                continue
            proposals.add(span.doc, span.start, span.end, "duplicate", int(matches.run_cluster[run]), "passage", True)
    return proposals.plan("noise" in opts.remove, CleanReport([], clusters, matches.clusters, families))
