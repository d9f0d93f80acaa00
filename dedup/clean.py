"""``clean``: documents in, cleaned documents with a lossless removal report out.

A run, in phases:

    noise        inline noise of every document (pinyin annotations, HTML remnants, junk)
    boilerplate  boilerplate line families (dedup.boilerplate)
    passages     repeated passages (dedup.passages): every copy after the first in its
                 document; with ``cross_document``, every copy after the first anywhere
    documents    with ``cross_document``: near-duplicates of an earlier document (dedup.duplicates)
    cut          per document, overlapping proposals resolved (duplicate > boilerplate > noise)
                 and cut out; whole-line cuts take their line break and trailing blank lines

Cleaning never rewrites kept text: the cleaned text is the original with spans cut
out, and ``restore`` puts them back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .boilerplate import Boilerplate, BoilerplateOptions, ClusterEngine, LineAnalysis, analyse_lines, find_boilerplate, line_table
from .cluster import Cluster
from .duplicates import DuplicateOptions, duplicate_clusters
from .options import KeywordOptions
from .errors import InvalidOptionError, check_texts
from .normalize import noise_spans_many
from .passages import PassageCluster, PassageOptions, match_passages, unit_table
from .segment import segment_lines_and_paragraphs
from .removals import REASONS, Cleaned, Cut, apply_cuts, resolve, restore
from .spans import Span, expand_to_lines

__all__ = ["CleanOptions", "CleanReport", "clean", "clean_report", "restore"]


@dataclass(frozen=True)
class CleanOptions(KeywordOptions):
    """Options of :func:`clean`.

    Attributes
    ----------
    cross_document : bool
        Also remove passages already seen in earlier documents, and empty documents
        that are near-duplicates of an earlier one.
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
    remove: frozenset[str] = frozenset(REASONS)
    duplicates: DuplicateOptions = field(default_factory=DuplicateOptions)
    passages: PassageOptions = field(default_factory=PassageOptions)
    boilerplate: BoilerplateOptions = field(default_factory=BoilerplateOptions)

    def __post_init__(self) -> None:
        object.__setattr__(self, "remove", frozenset(self.remove))
        unknown = sorted(self.remove - set(REASONS))
        if unknown:
            raise InvalidOptionError(f"remove: unknown reason(s) {', '.join(unknown)}; known: {', '.join(REASONS)}")



def _line_cut(text: str, start: int, end: int, reason: str, ref: int | None, kind: str | None) -> Cut:
    start, end = expand_to_lines(text, start, end)
    return Cut(start, end, reason, ref, kind)  # type: ignore[arg-type]


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


def _document_clusters(texts: Sequence[str], opts: CleanOptions, analysis: LineAnalysis, engine: ClusterEngine | None) -> list[Cluster]:
    """:func:`find_duplicates` of the texts, reusing the line analysis when its options match."""
    dup = opts.duplicates
    same_lines = replace(dup.boilerplate, webpage=None) == replace(opts.boilerplate, webpage=None)
    return duplicate_clusters(texts, dup, analysis=analysis if same_lines else None, engine=engine)


def _cuts_and_findings(
    texts: Sequence[str], opts: CleanOptions, with_clusters: bool, analysis: LineAnalysis | None, engine: ClusterEngine | None
) -> tuple[list[list[Cut]], CleanReport]:
    """Every removal each finder proposes, per document, and what the finders found."""
    cuts: list[list[Cut]] = [[] for _ in texts]
    if "noise" in opts.remove:
        spans, offsets, kinds = noise_spans_many(texts)
        doc_of_span = np.repeat(np.arange(len(texts)), np.diff(offsets)).tolist()
        for doc, (s, e), kind in zip(doc_of_span, spans.tolist(), kinds):
            cuts[doc].append(Cut(s, e, "noise", None, kind))
    # One line analysis serves boilerplate finding and, when the options agree, the
    # boilerplate stripping that near-duplicate documents are compared after.
    # Lines and paragraphs are cut once, for the line analysis and the passage finder.
    segments = segment_lines_and_paragraphs(texts)
    if analysis is None:
        table = line_table(texts, opts.boilerplate, segments)
        analysis = analyse_lines(texts, opts.boilerplate, table=table, engine=engine)
    families = find_boilerplate(texts, options=opts.boilerplate, analysis=analysis)
    boilerplate_cuts: list[list[Cut]] = [[] for _ in texts]
    if "boilerplate" in opts.remove:
        for family in families:
            for span in family.spans:
                boilerplate_cuts[span.doc].append(
                    _line_cut(texts[span.doc], span.start, span.end, "boilerplate", family.id, family.kind)
                )
    for doc_cuts, doc_boilerplate in zip(cuts, boilerplate_cuts):
        doc_cuts.extend(doc_boilerplate)
    clusters = _document_clusters(texts, opts, analysis, engine) if opts.cross_document or with_clusters else []
    # Whole duplicate documents first: among equal reasons the first proposed wins.
    if "duplicate" in opts.remove and opts.cross_document:
        for cluster in clusters:
            for member in cluster.members[1:]:  # the earliest document is kept
                cuts[member].append(Cut(0, len(texts[member]), "duplicate", cluster.id, "document"))
    matches = match_passages(unit_table(texts, opts.passages, segments[1]), opts.passages)
    if "duplicate" in opts.remove:
        # Each cut rests on a direct match with an earlier copy that is kept: in the
        # same document, or with cross_document in any earlier one.
        cuttable = matches.within_document() | opts.cross_document
        for run in np.flatnonzero(cuttable):
            earlier = matches.earlier_copy(int(run))
            if _covered(earlier, boilerplate_cuts[earlier.doc]):
                continue
            span = matches.later_copy(int(run))
            cluster = int(matches.run_cluster[run])
            cuts[span.doc].append(_line_cut(texts[span.doc], span.start, span.end, "duplicate", cluster, "passage"))
    return cuts, CleanReport([], clusters, matches.clusters, families)


def clean_report(
    texts: Iterable[str],
    *,
    cross_document: bool | None = None,
    with_clusters: bool = False,
    options: CleanOptions | None = None,
    analysis: LineAnalysis | None = None,
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
    analysis : LineAnalysis, optional
        ``analyse_lines(texts, options.boilerplate)`` computed elsewhere, to reuse it.
    engine : callable, optional
        Clusters matching views, like :func:`dedup.duplicates.cluster_views` (the
        default); :mod:`dedup.distributed` passes one that runs on Ray.
    """
    if cross_document is not None:
        kwargs["cross_document"] = cross_document
    opts = CleanOptions.from_kwargs(options, **kwargs)
    texts = check_texts(texts)
    cuts, findings = _cuts_and_findings(texts, opts, with_clusters, analysis, engine)
    cleaned = [apply_cuts(text, resolve(len(text), doc_cuts)) for text, doc_cuts in zip(texts, cuts)]
    return replace(findings, cleaned=cleaned)


def clean(texts: Iterable[str], *, cross_document: bool | None = None, options: CleanOptions | None = None, **kwargs) -> list[Cleaned]:
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
