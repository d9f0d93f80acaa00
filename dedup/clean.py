"""``clean``: documents in, cleaned documents with a lossless removal report out.

A run, in three phases, so that a collection larger than memory can be cleaned with two
reads of it (the command line does; ``clean`` runs them over texts in memory). They are
public, for callers who stream their own collections:

    tabulate batch by batch: every document's lines with their keys (dedup.boilerplate) and
             its paragraphs with their band keys (dedup.passages); the texts are not kept,
             the tables' strings may go to a spill folder (dedup.store)       → CleanTables
    plan     the whole collection: boilerplate line families, repeated passages, with
             ``cross_document`` near-duplicate documents (dedup.duplicates); each document's
             proposed cuts                                                       → CleanPlan
    apply    batch by batch again: inline noise of every document (pinyin annotations, HTML
             remnants, junk) and the planned cuts, overlaps resolved (duplicate > boilerplate
             > noise) and cut out; whole-line cuts take their line break and trailing blank
             lines                                                               → Cleaned

    ==========  ==================================================================
    tabulate    :func:`tabulate_batch` per batch, joined by :class:`TableBuilder`
                (or :func:`tabulate` over texts in memory)         → :class:`CleanTables`
    plan        :func:`plan_clean`                                 → :class:`CleanPlan`
    apply       :func:`apply_plan` per batch, in the same order     → list of ``Cleaned``
    ==========  ==================================================================

("Sketch" is kept for MinHash signatures: :mod:`dedup.minhash`, :mod:`dedup.near`.)

Cleaning never rewrites kept text: the cleaned text is the original with spans cut
out, and ``restore`` puts them back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

import numpy as np

from .boilerplate import (
    Boilerplate,
    BoilerplateOptions,
    LineAnalysis,
    analyse_table,
    boilerplate_families,
    classify_lines,
)
from .cluster import Cluster
from .duplicates import DuplicateOptions, duplicate_clusters
from .errors import InvalidOptionError, check_texts
from .lines import LineTable, line_table
from .log import phase
from .near import ClusterEngine, cluster_views
from .normalize import matching_texts, noise_spans_many
from .options import KeywordOptions, check_types
from .passages import (
    PassageCluster,
    PassageOptions,
    UnitTable,
    match_passages,
    unit_table,
)
from .removals import REASONS, Cleaned, Cut, apply_cuts, resolve, restore
from .segment import segment_lines_and_paragraphs
from .spans import Span, expand_to_lines
from .store import BATCH_CHARS, StringSpill, TableSink, batches

__all__ = [
    "CleanOptions",
    "CleanPlan",
    "CleanReport",
    "CleanTables",
    "Cleaner",
    "LocalCleaner",
    "apply_plan",
    "clean",
    "clean_report",
    "plan_clean",
    "restore",
    "tabulate",
    "tabulate_batch",
    "TableBuilder",
]


@dataclass(frozen=True)
class CleanOptions(KeywordOptions):
    """Options of :func:`clean`.

    Attributes
    ----------
    cross_document : bool
        Also remove passages already seen in earlier documents, and empty documents
        whose text their cluster's representative holds (see ``cover``).
    cover : float
        With ``cross_document``, a near-duplicate document is emptied whole only when at
        least this share of its n-grams lies in its cluster's representative (which is
        kept); one that adds more text of its own loses only the passages found in
        kept documents.
    remove : frozenset of str
        Which reasons to apply: any of ``"duplicate"``, ``"boilerplate"``, ``"noise"``.
    duplicates : DuplicateOptions
        Near-duplicate documents (used with ``cross_document``).
    passages : PassageOptions
        Repeated passages.
    boilerplate : BoilerplateOptions
        Boilerplate lines.
    """

    cross_document: bool = False
    cover: float = 0.9
    remove: frozenset[str] = frozenset(REASONS)
    duplicates: DuplicateOptions = field(default_factory=DuplicateOptions)
    passages: PassageOptions = field(default_factory=PassageOptions)
    boilerplate: BoilerplateOptions = field(default_factory=BoilerplateOptions)

    def __post_init__(self) -> None:
        remove = self.remove
        if isinstance(remove, str):  # one reason: remove="noise"
            remove = {remove}
        if isinstance(remove, (list, tuple, set)):
            remove = frozenset(remove)
        object.__setattr__(self, "remove", remove)
        check_types(self)
        if not 0.0 < self.cover <= 1.0:
            raise InvalidOptionError(f"cover must be in (0, 1], got {self.cover}")
        unknown = sorted(self.remove - set(REASONS))
        if unknown:
            raise InvalidOptionError(f"remove: unknown reason(s) {', '.join(unknown)}; known: {', '.join(REASONS)}")


def _covered(span: Span, cuts: Sequence[Cut]) -> bool:
    """Whether ``span`` lies inside the union of ``cuts``."""
    pos = span.start
    for cut in sorted(cuts, key=lambda c: c.start):
        if cut.start <= pos < cut.end:
            pos = cut.end
        if pos >= span.end:
            return True
    return pos >= span.end


@dataclass(frozen=True)
class CleanReport:
    """Cleaned documents with the findings behind every removal.

    Attributes
    ----------
    cleaned : list of Cleaned
        One per input text, in order.
    clusters : list of Cluster
        Near-duplicate documents (``Removal.ref`` of kind ``"document"`` is a cluster id);
        computed when ``cross_document`` is on or ``with_clusters`` was asked for.
    passages : list of PassageCluster
        Repeated passages (``ref`` of kind ``"passage"``).
    boilerplate : list of Boilerplate
        Boilerplate families (``ref`` of reason ``"boilerplate"``).
    """

    cleaned: list[Cleaned]
    clusters: list[Cluster]
    passages: list[PassageCluster]
    boilerplate: list[Boilerplate]


# --------------------------------------------------------------------------- tabulate


@dataclass(frozen=True)
class CleanTables:
    """What planning the cleaning of a collection needs, without its texts.

    Attributes
    ----------
    lengths : np.ndarray
        int64 ``[n_docs]``, each document's length in characters.
    lines : LineTable
        The lines of every document under ``CleanOptions.boilerplate``.
    units : UnitTable
        The paragraphs of every document under ``CleanOptions.passages``.
    duplicate_lines : LineTable or None
        The lines under ``CleanOptions.duplicates.boilerplate`` when near-duplicate
        documents are compared without boilerplate found under other line options than
        ``lines`` (None: ``lines`` serves, or no document clustering is planned).
    duplicate_views : sequence of str or None
        The documents' whole matching views, when near-duplicate documents are compared
        with their boilerplate (``duplicates.strip_boilerplate=False``).
    """

    lengths: np.ndarray
    lines: LineTable
    units: UnitTable
    duplicate_lines: LineTable | None = None
    duplicate_views: Sequence[str] | None = None

    @property
    def n_docs(self) -> int:
        return int(self.lengths.size)


def _same_line_options(a: BoilerplateOptions, b: BoilerplateOptions) -> bool:
    """Whether two options key lines alike (the web-page classifier comes after the table)."""
    return replace(a, webpage=None) == replace(b, webpage=None)


def _duplicate_input(options: CleanOptions, with_clusters: bool) -> str | None:
    """What comparing documents needs beyond ``CleanTables.lines``: ``"lines"``, ``"views"`` or None."""
    dup = options.duplicates
    if not (options.cross_document or with_clusters):
        return None
    if not dup.strip_boilerplate:
        return "views"
    return None if _same_line_options(dup.boilerplate, options.boilerplate) else "lines"


def tabulate_batch(texts: Sequence[str], options: CleanOptions, *, with_clusters: bool = False) -> CleanTables:
    """The :class:`CleanTables` of one batch of documents (in memory), for :class:`TableBuilder`.

    Each batch is cut into lines and paragraphs once, for the line and the paragraph table.
    """
    opts = options
    segments = segment_lines_and_paragraphs(texts)
    extra = _duplicate_input(opts, with_clusters)
    return CleanTables(
        np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)),
        line_table(texts, opts.boilerplate, segments),
        unit_table(texts, opts.passages, segments[1]),
        line_table(texts, opts.duplicates.boilerplate, segments, cuts=False) if extra == "lines" else None,
        matching_texts(texts, opts.duplicates.normalize) if extra == "views" else None,
    )


class TableBuilder:
    """Joins the tables of consecutive batches into the tables of the collection.

    Parameters
    ----------
    options : CleanOptions
        The options every batch was tabulated with.
    with_clusters : bool
        Near-duplicate documents will be planned even without ``cross_document``.
    spill : Path, optional
        A folder for the tables' strings (views, lines); None keeps them in memory.

    Notes
    -----
    The result equals :func:`tabulate_batch` of all documents at once, however they were
    batched; only numeric columns stay in memory when ``spill`` is given.
    """

    def __init__(self, options: CleanOptions, *, with_clusters: bool = False, spill: Path | None = None) -> None:
        self.options = options
        self._lengths: list[np.ndarray] = []
        self._lines: TableSink[LineTable] = TableSink(LineTable, spill, "lines.")
        self._units: TableSink[UnitTable] = TableSink(UnitTable, spill, "units.")
        extra = _duplicate_input(options, with_clusters)
        self._duplicate_lines: TableSink[LineTable] | None = (
            TableSink(LineTable, spill, "duplicate-lines.") if extra == "lines" else None
        )
        self._duplicate_views: StringSpill | None = None
        if extra == "views":
            self._duplicate_views = StringSpill(spill / "duplicate-views.utf32" if spill is not None else None)

    def add(self, part: CleanTables) -> None:
        """Append the tables of the next batch of documents."""
        n = part.n_docs
        self._lengths.append(part.lengths)
        self._lines.add(part.lines, n)
        self._units.add(part.units, n)
        if self._duplicate_lines is not None:
            if part.duplicate_lines is None:
                raise ValueError("a batch was tabulated with other options than the builder's")
            self._duplicate_lines.add(part.duplicate_lines, n)
        if self._duplicate_views is not None:
            if part.duplicate_views is None:
                raise ValueError("a batch was tabulated with other options than the builder's")
            self._duplicate_views.append(part.duplicate_views)

    def result(self) -> CleanTables:
        """The tables of every document added, in order."""
        opts = self.options
        lengths = np.concatenate(self._lengths) if self._lengths else np.zeros(0, dtype=np.int64)
        duplicate_lines = (
            self._duplicate_lines.result(line_table([], opts.duplicates.boilerplate)) if self._duplicate_lines else None
        )
        duplicate_views = self._duplicate_views.column() if self._duplicate_views is not None else None
        return CleanTables(
            lengths,
            self._lines.result(line_table([], opts.boilerplate)),
            self._units.result(unit_table([], opts.passages)),
            duplicate_lines,
            duplicate_views,
        )


def tabulate(
    texts: Sequence[str],
    options: CleanOptions,
    *,
    with_clusters: bool = False,
    spill: Path | None = None,
    batch_chars: int = BATCH_CHARS,
) -> CleanTables:
    """The :class:`CleanTables` of texts in memory, built in batches of about ``batch_chars`` characters."""
    builder = TableBuilder(options, with_clusters=with_clusters, spill=spill)
    for batch in batches(texts, batch_chars):
        builder.add(tabulate_batch(batch, options, with_clusters=with_clusters))
    return builder.result()


# --------------------------------------------------------------------------- plan


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
        )
        for start, end, reason, ref, kind, to_lines in rows:
            if to_lines:
                start, end = expand_to_lines(text, start, end)
            out.append(Cut(start, end, REASONS[reason], None if ref < 0 else ref, self.kinds[kind]))  # type: ignore[arg-type]
        return out


class _PlanCuts:
    """Per-document cut proposals gathered in order, then frozen into CleanPlan arrays."""

    def __init__(self, n_docs: int) -> None:
        self.rows: list[list[tuple[int, int, int, int, int, bool]]] = [[] for _ in range(n_docs)]
        self.kinds: dict[str, int] = {}

    def add(self, doc: int, start: int, end: int, reason: str, ref: int | None, kind: str, to_lines: bool) -> None:
        code = self.kinds.setdefault(kind, len(self.kinds))
        self.rows[doc].append((start, end, REASONS.index(reason), -1 if ref is None else ref, code, to_lines))

    def plan(self, remove_noise: bool, report: CleanReport) -> CleanPlan:
        counts = np.fromiter(map(len, self.rows), dtype=np.int64, count=len(self.rows))
        offsets = np.zeros(counts.size + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        flat = np.array([row for rows in self.rows for row in rows], dtype=np.int64).reshape(-1, 6)
        return CleanPlan(
            offsets,
            flat[:, 0].copy(),
            flat[:, 1].copy(),
            flat[:, 2].copy(),
            flat[:, 3].copy(),
            flat[:, 4].copy(),
            flat[:, 5].astype(bool),
            tuple(self.kinds),
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
        families = boilerplate_families(table, classify_lines(table, analysis.families, opts.boilerplate))
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
    if "duplicate" in opts.remove and opts.cross_document:
        for cluster in clusters:
            for member, coverage in zip(cluster.members, cluster.coverage):
                if member != cluster.representative and coverage >= opts.cover:
                    emptied[member] = True
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
            span = matches.later_copy(run)
            proposals.add(span.doc, span.start, span.end, "duplicate", int(matches.run_cluster[run]), "passage", True)
    return proposals.plan("noise" in opts.remove, CleanReport([], clusters, matches.clusters, families))


# --------------------------------------------------------------------------- apply


def apply_plan(texts: Sequence[str], plan: CleanPlan, first_doc: int = 0) -> list[Cleaned]:
    """Clean consecutive documents of a planned collection.

    Parameters
    ----------
    texts : sequence of str
        Documents ``first_doc .. first_doc + len(texts) - 1`` of the collection planned.
    plan : CleanPlan
    first_doc : int

    Returns
    -------
    list of Cleaned
        One per text; whatever the batches, the same as applying the plan to all at once.
    """
    if first_doc < 0 or first_doc + len(texts) > plan.n_docs:
        raise ValueError(f"documents {first_doc}..{first_doc + len(texts) - 1} are not in a plan of {plan.n_docs}")
    cuts: list[list[Cut]] = [[] for _ in texts]
    if plan.remove_noise:
        spans, offsets, kinds = noise_spans_many(texts)
        doc_of_span = np.repeat(np.arange(len(texts)), np.diff(offsets)).tolist()
        for doc, (s, e), kind in zip(doc_of_span, spans.tolist(), kinds):
            cuts[doc].append(Cut(s, e, "noise", None, kind))
    cleaned = []
    for i, (text, doc_cuts) in enumerate(zip(texts, cuts)):
        doc_cuts.extend(plan.cuts(first_doc + i, text))
        cleaned.append(apply_cuts(text, resolve(len(text), doc_cuts)))
    return cleaned


def clean_report(
    texts: Iterable[str],
    *,
    cross_document: bool | None = None,
    with_clusters: bool = False,
    options: CleanOptions | None = None,
    tables: CleanTables | None = None,
    engine: ClusterEngine | None = None,
    **kwargs,
) -> CleanReport:
    """:func:`clean`, returning also the clusters, passages and boilerplate families it acted on.

    Parameters
    ----------
    texts, cross_document, options, **kwargs
        As for :func:`clean`.
    with_clusters : bool
        Find near-duplicate documents even without ``cross_document`` (for a report).
    tables : CleanTables, optional
        ``tabulate(texts, options, with_clusters=with_clusters)`` computed elsewhere
        (for example batch by batch on workers), to reuse it.
    engine : callable, optional
        Clusters matching views, like :func:`dedup.near.cluster_views` (the
        default); :mod:`dedup.distributed` passes one that runs on Ray.
    """
    if cross_document is not None:
        kwargs["cross_document"] = cross_document
    opts = CleanOptions.from_kwargs(options, **kwargs)
    texts = check_texts(texts)
    tables = tables or tabulate(texts, opts, with_clusters=with_clusters)
    if tables.n_docs != len(texts):
        raise ValueError(f"the tables have {tables.n_docs} documents, the texts {len(texts)}")
    plan = plan_clean(tables, opts, with_clusters=with_clusters, engine=engine)
    return replace(plan.report, cleaned=apply_plan(texts, plan))


def clean(
    texts: Iterable[str], *, cross_document: bool | None = None, options: CleanOptions | None = None, **kwargs
) -> list[Cleaned]:
    """Remove boilerplate, inline noise and repeats; report every removal.

    Parameters
    ----------
    texts : iterable of str
    cross_document : bool, optional
        See :class:`CleanOptions` (default False: each document is cleaned of its own
        repeats; passages shared with other documents stay).
    options : CleanOptions, optional
        Base options; keyword arguments override its fields.

    Returns
    -------
    list of Cleaned
        One per input text, in order. ``Removal.ref`` is the passage-cluster id for
        ``kind="passage"``, the document-cluster id for ``kind="document"``, the
        boilerplate-family id for ``reason="boilerplate"``, else None.
    """
    return clean_report(texts, cross_document=cross_document, options=options, **kwargs).cleaned


# --------------------------------------------------------------------------- cleaners


class Cleaner(Protocol):
    """Cleans a collection read twice, batch by batch: what ``dedup clean`` drives.

    :class:`LocalCleaner` runs in this process, :class:`dedup.distributed.RayCleaner` on Ray.
    Whatever the engine, the cleaned documents are those of :func:`clean`.
    """

    def add(self, texts: Sequence[str]) -> None:
        """Take the next batch of documents of the first read."""
        ...

    def plan(self) -> CleanPlan:
        """The plan of every document taken."""
        ...

    def cleaned(
        self, plan: CleanPlan, texts_again: Iterable[tuple[int, list[str]]]
    ) -> Iterator[tuple[int, list[Cleaned]]]:
        """``(first document, cleaned documents)`` per batch of the second read, in order."""
        ...


class LocalCleaner:
    """:class:`Cleaner` in this process: tabulate each batch as it is read, plan, clean what is read again.

    Parameters
    ----------
    options : CleanOptions
    spill : Path, optional
        A folder for the tables' strings (None: in memory).
    """

    def __init__(self, options: CleanOptions, *, spill: Path | None = None) -> None:
        self.options = options
        self.builder = TableBuilder(options, with_clusters=True, spill=spill)

    def add(self, texts: Sequence[str]) -> None:
        self.builder.add(tabulate_batch(texts, self.options, with_clusters=True))

    def plan(self) -> CleanPlan:
        return plan_clean(self.builder.result(), self.options, with_clusters=True)

    def cleaned(
        self, plan: CleanPlan, texts_again: Iterable[tuple[int, list[str]]]
    ) -> Iterator[tuple[int, list[Cleaned]]]:
        for first, texts in texts_again:
            yield first, apply_plan(texts, plan, first)
