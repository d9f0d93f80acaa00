"""Phase 2, the whole collection: every document's proposed cuts (:class:`CleanPlan`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..boilerplate import LineAnalysis, analyse_table, boilerplate_families
from ..boilerplate.analysis import classified
from ..boilerplate.base import LINE_KINDS
from ..boilerplate.families import family_rows
from ..cluster import Cluster, Clusters
from ..duplicates import duplicate_clusters
from ..log import phase
from ..near import ClusterEngine, cluster_views
from ..passages import PassageFindings, match_passages
from ..removals import REASONS, Cut
from ..spans import expand_to_lines
from .against import KINDS, REMOVALS
from .base import CleanOptions, CleanReport, covered, overlaps
from .held import CutLines, adds_own_text, held_blocks, same_lengths
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
        Signed integers ``[c]``, in the document's original coordinates. Every integer column of the cuts is of
        the smallest signed type that holds its values (int64 at most).
    reason : np.ndarray
        Signed integers ``[c]``, an index into :data:`dedup.removals.REASONS`.
    ref : np.ndarray
        Signed integers ``[c]``, the removal's ``ref`` (-1 for None).
    kind : np.ndarray
        Signed integers ``[c]``, an index into ``kinds``.
    to_lines : np.ndarray
        bool ``[c]``: grow the cut to whole lines when it covers all text of them (with
        the text at hand, when the plan is applied).
    kinds : tuple of str
    held_by : np.ndarray
        Signed integers ``[c]``: an index into ``holders`` (-1: the cut's text is kept in the collection).
    holders : tuple of str
        Ids of indexed documents that hold cut text (cleaning against an index).
    remove_noise : bool
        Cut inline noise, found when the plan is applied.
    report : CleanReport
        The findings (``cleaned`` empty).
    code_docs : np.ndarray
        int64 ``[k]``, increasing: the documents holding a line of source code (:attr:`dedup.lines.LineTable.code`),
        the only ones whose lines applying the plan reads again, to leave the noise of their code
        (:func:`dedup.sourcecode.noise_in_code`).
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
    code_docs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def n_docs(self) -> int:
        return int(self.doc_offsets.size - 1)

    def documents(self, first: int, stop: int) -> CleanPlan:
        """The plan of documents ``first .. stop - 1`` alone, numbered from 0, with an empty report: what a
        worker cleaning them needs (``apply_plan(texts, plan.documents(a, b))`` equals ``apply_plan(texts, plan,
        a)``), a copy the size of their cuts."""
        if not 0 <= first <= stop <= self.n_docs:
            raise ValueError(f"documents {first}..{stop - 1} are not in a plan of {self.n_docs}")
        lo, hi = int(self.doc_offsets[first]), int(self.doc_offsets[stop])
        rows = slice(lo, hi)
        return CleanPlan(
            self.doc_offsets[first : stop + 1] - lo,
            self.start[rows].copy(),
            self.end[rows].copy(),
            self.reason[rows].copy(),
            self.ref[rows].copy(),
            self.kind[rows].copy(),
            self.to_lines[rows].copy(),
            self.kinds,
            self.held_by[rows].copy(),
            self.holders,
            self.remove_noise,
            CleanReport([], [], [], []),
            self.code_docs_in(first, stop),
        )

    def code_docs_in(self, first: int, stop: int) -> np.ndarray:
        """:attr:`code_docs` among documents ``first .. stop - 1``, numbered from 0 (int64)."""
        return self.code_docs[(self.code_docs >= first) & (self.code_docs < stop)] - first

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
        kind_names: Sequence[str] | None = None,
    ) -> None:
        """Propose cuts ``[start, end)`` of documents ``doc`` (int64 ``[c]``), in this order;
        ``reason``, ``ref``, ``kind``, ``to_lines`` are one value or ``[c]``, ``held_by`` ``[c]`` ids or None;
        ``kind_names``: the names of ``kind``'s values when they are integer codes."""
        n = len(doc)
        if not n:
            return
        codes = _codes(kind, n, self.kinds, kind_names)
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

    def plan(self, remove_noise: bool, report: CleanReport, code_docs: np.ndarray) -> CleanPlan:
        empty = (np.zeros(0, dtype=np.int64),) * 6 + (np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int64))
        parts = self.parts or [empty]
        doc = np.concatenate([part[0] for part in parts])
        order = np.argsort(doc, kind="stable")  # by document, each in proposal order
        doc = doc[order]
        offsets = np.zeros(self.n_docs + 1, dtype=np.int64)
        np.cumsum(np.bincount(doc, minlength=self.n_docs), out=offsets[1:])
        del doc

        def column(k: int) -> np.ndarray:  # joined, ordered and narrowed a column at a time: one int64 copy at once
            return _narrowed(np.concatenate([part[k] for part in parts])[order])

        start, end, reason, ref, kind = (column(k) for k in range(1, 6))
        to_lines = np.concatenate([part[6] for part in parts])[order].astype(bool)
        return CleanPlan(
            offsets,
            start,
            end,
            reason,
            ref,
            kind,
            to_lines,
            tuple(self.kinds),
            column(7),
            tuple(self.holders),
            remove_noise,
            report,
            np.asarray(code_docs, dtype=np.int64),
        )


def _narrowed(values: np.ndarray) -> np.ndarray:
    """int64 ``values`` as the smallest signed integers that hold them (a web document's cuts: 49 bytes each as
    int64, 16 as they mostly are)."""
    lo, hi = (int(values.min()), int(values.max())) if values.size else (0, 0)
    for dtype in (np.int8, np.int16, np.int32):
        if np.iinfo(dtype).min <= lo and hi <= np.iinfo(dtype).max:
            return values.astype(dtype)
    return values.astype(np.int64)


def _many(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless one (for the phases' log lines)."""
    return f"{n:,} {noun}{'s' * (n != 1)}"


def _codes(
    values: np.ndarray | str, n: int, numbers: dict[str, int], names_of: Sequence[str] | None = None
) -> np.ndarray:
    """int64 ``[n]``: each value's number in ``numbers``, new values numbered (added) in the order first met;
    ``names_of``: the names of the values when they are integer codes (else they are the names)."""
    if isinstance(values, str):
        return np.full(n, numbers.setdefault(values, len(numbers)), dtype=np.int64)
    names, first, inverse = np.unique(values, return_index=True, return_inverse=True)
    codes = np.empty(names.size, dtype=np.int64)
    for i in np.argsort(first, kind="stable").tolist():
        name = str(names[i]) if names_of is None else names_of[int(names[i])]
        codes[i] = numbers.setdefault(name, len(numbers))
    return codes[inverse.reshape(-1)]


def _document_clusters(
    tables: CleanTables,
    options: CleanOptions,
    with_clusters: bool,
    analysis: LineAnalysis,
    engine: ClusterEngine | None,
) -> Sequence[Cluster]:
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
    tables: CleanTables,
    options: CleanOptions,
    *,
    with_clusters: bool = False,
    engine: ClusterEngine | None = None,
    passages: PassageFindings | None = None,
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
    passages : PassageFindings, optional
        The paragraphs' repeated passages found elsewhere (:func:`dedup.passages.match_passages` of ``tables.units``
        when not given): :mod:`dedup.distributed` finds them on Ray, where the matched pairs are.

    Returns
    -------
    CleanPlan
    """
    opts = options
    proposals = _Proposals(tables.n_docs)
    # One line analysis serves boilerplate finding and, when the options agree, the
    # boilerplate stripping that near-duplicate documents are compared after.
    with phase(
        "plan: boilerplate", f"{_many(len(tables.lines), 'line')} of {_many(tables.n_docs, 'document')}"
    ) as facts:
        analysis = analyse_table(tables.lines, tables.lengths, opts.boilerplate, engine, tables.pages)
        kinds, analysis = classified(analysis, opts.boilerplate)  # reused to compare documents
        table, kinds = analysis.lines.chosen(kinds)  # the lines with a kind
        code_docs = analysis.lines.code_documents()
        rows, family = family_rows(table, kinds)
        families = boilerplate_families(table, kinds, (rows, family))
        facts["families"] = len(families)
    if "boilerplate" not in opts.remove:
        rows = rows[:0]
    boilerplate_cuts = (table.doc[rows], table.cut_start[rows], table.cut_end[rows])
    proposals.add(*boilerplate_cuts, "boilerplate", family[: rows.size], kinds[rows], False, None, LINE_KINDS)
    cut_lines = CutLines.of(table, rows)  # what comparing passage runs reads of the lines cut
    del table, kinds, family  # the classified lines' other columns (on Ray, the driver's largest table)
    clusters: Sequence[Cluster] = []
    if opts.cross_document or with_clusters:
        with phase("plan: near-duplicate documents") as facts:
            clusters = _document_clusters(tables, opts, with_clusters, analysis, engine)
            facts["clusters"] = len(clusters)
    analysis.lines.forget_sketches()
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
        found = Clusters.of(clusters)  # clusters without coverages (unmeasured) empty no member
        at = found.cluster_of_members() if found.coverage.size else np.zeros(0, dtype=np.int64)
        member_of, rep_of, ref_of = found.members[: at.size], found.representative[at], found.ids[at]
        take = ~by_index[rep_of] & (member_of != rep_of) & (found.coverage >= opts.cover) & ~emptied[member_of]
        member_of, rep_of, ref_of = member_of[take], rep_of[take], ref_of[take]
        # A member with a paragraph of its own (an appended update, its own note) is not emptied, however
        # small a share of it that is: it loses only the passages found in kept documents.
        whole_doc = ~adds_own_text(tables.units, member_of, rep_of, boilerplate_cuts, opts.passages)
        emptied[member_of[whole_doc]] = True
        holding[rep_of[whole_doc]] = True
        whole, refs = member_of[whole_doc], ref_of[whole_doc]
        proposals.add(whole, np.zeros_like(whole), tables.lengths[whole], "duplicate", refs, "document", False)
    with phase("plan: repeated passages", _many(len(tables.units), "paragraph")) as facts:
        matches = match_passages(tables.units, opts.passages) if passages is None else passages
        facts["passages"] = len(matches.clusters)
    if "duplicate" in opts.remove:
        # Emptied members point at the copy they are emptied for; the runs that cannot cut go before their spans
        # are read (on Ray, in the workers).
        units = tables.units
        runs, gapped, run_cluster = matches.cutting(emptied, holding, opts.cross_document)
        a0, a1, b0, b1 = runs.T
        earlier = (units.doc[a0], units.start[a0], units.end[a1])
        keep = ~covered(*earlier, *boilerplate_cuts)
        keep &= ~covered(*earlier, *index_cuts)  # the index holds it: cut against the index
        # A run may step over a paragraph in each copy, an earlier copy that loses lines as
        # boilerplate holds only the rest, and a paragraph matched by containment may hold
        # more than its copy: such a run's later copy loses only the paragraphs that what its
        # earlier copy keeps holds (held_blocks). A run of paragraphs as long as their copies
        # is a run of direct matches, each held by its own rule.
        check = keep & (gapped | overlaps(*earlier, *boilerplate_cuts))
        alike = np.flatnonzero(keep & ~check)  # the paragraphs' lengths are read for the runs kept only
        check[alike] = ~same_lengths(units, a0[alike], b0[alike], b1[alike])
        whole = np.flatnonzero(keep & ~check)
        blocks = np.stack([whole, b0[whole], b1[whole]], axis=1)
        if check.any():
            checked = np.flatnonzero(check)
            parts = held_blocks(units, runs[checked], cut_lines, opts.passages)
            parts[:, 0] = checked[parts[:, 0]]
            blocks = np.concatenate([blocks, parts])
            blocks = blocks[np.argsort(blocks[:, 0], kind="stable")]  # in run order: the first proposed wins
        proposals.add(
            units.doc[blocks[:, 1]],
            units.start[blocks[:, 1]],
            units.end[blocks[:, 2]],
            "duplicate",
            run_cluster[blocks[:, 0]],
            "passage",
            True,
        )
    report = CleanReport([], clusters, matches.clusters, families)
    return proposals.plan("noise" in opts.remove, report, code_docs)
