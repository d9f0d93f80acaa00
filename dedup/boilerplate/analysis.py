"""The public entry points: :func:`analyse_lines`, :func:`analyse_table`, :func:`find_boilerplate`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..errors import check_texts
from ..lines import (
    DocumentViews,
    LineTable,
    document_views,
    line_table,
)
from ..near import ClusterEngine, NearOptions, cluster_views
from .base import Boilerplate, BoilerplateOptions
from .classify import classify_lines
from .families import boilerplate_families
from .pages import PageLines


def _families_of_views(
    views: list[str], options: BoilerplateOptions, engine: ClusterEngine | None = None
) -> np.ndarray:
    """Family of every view: the smallest index of the views it is a near-duplicate of (int64 ``[n]``)."""
    n_docs = len(views)
    family_options = NearOptions(threshold=options.family_threshold, containment=options.family_containment)
    families = np.arange(n_docs, dtype=np.int64)
    for cluster in (engine or cluster_views)(views, np.zeros(n_docs, dtype=np.int64), family_options):
        families[list(cluster.members)] = cluster.members[0]
    return families


def document_families(
    table: LineTable,
    n_docs: int,
    options: BoilerplateOptions = BoilerplateOptions(),
    engine: ClusterEngine | None = None,
) -> np.ndarray:
    """Family of every document: the smallest index of the documents it is a near-duplicate of.

    Two passes: families of the whole documents, then — after the boilerplate those
    families reveal is set aside — families of what remains, so reprints of one story
    wrapped in different sites' headers and footers end up in one family.

    Returns
    -------
    np.ndarray
        int64 ``[n_docs]``.
    """
    first = _families_of_views(document_views(table, n_docs), options, engine)
    content = classify_lines(table, first, replace(options, webpage=False)) == ""
    return _families_of_views(document_views(table, n_docs, content), options, engine)


@dataclass(frozen=True)
class LineAnalysis:
    """The lines of a collection with their document families: what classifying them needs.

    Built once by :func:`analyse_lines` and shared by everything that classifies the same
    lines under the same options (``clean`` finds boilerplate and strips it before comparing
    documents from one analysis; :func:`classified` reuses what was classified already).

    Attributes
    ----------
    table : LineTable
    families : np.ndarray
        int64 ``[n_docs]``, from :func:`document_families`.
    n_docs : int
    lengths : np.ndarray
        int64 ``[n_docs]``, the documents' lengths in characters.
    corpus_kinds : tuple of (BoilerplateOptions, np.ndarray)
        Classifications made already without the web-page classifier: options with
        ``webpage=False`` and their ``classify_lines`` kinds (str ``[m]``).
    """

    table: LineTable
    families: np.ndarray
    n_docs: int
    lengths: np.ndarray
    corpus_kinds: tuple[tuple[BoilerplateOptions, np.ndarray], ...] = ()


def classified(
    analysis: LineAnalysis, options: BoilerplateOptions, pages: PageLines | None = None
) -> tuple[np.ndarray, LineAnalysis]:
    """``classify_lines`` of the analysis' lines under ``options``, and the analysis knowing it.

    The collection's evidence (everything but the web-page classifier) is computed once per
    options: a second call whose options differ only in ``webpage`` reuses it.

    Returns
    -------
    kinds : np.ndarray
        str ``[m]``.
    analysis : LineAnalysis
        ``analysis`` with these options' corpus kinds added.
    """
    corpus_options = replace(options, webpage=False)
    known = next((kinds for opts, kinds in analysis.corpus_kinds if opts == corpus_options), None)
    if known is None:
        known = classify_lines(analysis.table, analysis.families, corpus_options)
        analysis = replace(analysis, corpus_kinds=(*analysis.corpus_kinds, (corpus_options, known)))
    return classify_lines(analysis.table, analysis.families, options, pages, known), analysis


def analyse_lines(
    texts: Sequence[str],
    options: BoilerplateOptions = BoilerplateOptions(),
    *,
    table: LineTable | None = None,
    engine: ClusterEngine | None = None,
) -> LineAnalysis:
    """Line table and document families of ``texts`` (see :func:`line_table`, :func:`document_families`).

    Parameters
    ----------
    texts : sequence of str
    options : BoilerplateOptions
    table : LineTable, optional
        ``line_table(texts, options)`` computed elsewhere (for example batch by batch on
        workers and joined with :func:`concat_line_tables`).
    engine : callable, optional
        Computes document clusters, with the signature and results of
        :func:`dedup.near.cluster_views` (the default); :mod:`dedup.distributed`
        passes one that runs on Ray.
    """
    table = line_table(texts, options) if table is None else table
    return analyse_table(table, np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)), options, engine)


def analyse_table(
    table: LineTable,
    lengths: np.ndarray,
    options: BoilerplateOptions = BoilerplateOptions(),
    engine: ClusterEngine | None = None,
) -> LineAnalysis:
    """The :class:`LineAnalysis` of a line table built without the texts at hand (batch by batch).

    Parameters
    ----------
    table : LineTable
        Of all ``len(lengths)`` documents.
    lengths : np.ndarray
        int64 ``[n_docs]``, the documents' lengths.
    options : BoilerplateOptions
    engine : callable, optional
        As for :func:`analyse_lines`.
    """
    n_docs = int(lengths.size)
    return LineAnalysis(table, document_families(table, n_docs, options, engine), n_docs, lengths)


def boilerplate_free_views(
    texts: Sequence[str], options: BoilerplateOptions = BoilerplateOptions(), analysis: LineAnalysis | None = None
) -> DocumentViews:
    """Matching views of the documents without their boilerplate lines (``texts`` is read only without ``analysis``)."""
    analysis = analysis or analyse_lines(texts, options)
    kind, _ = classified(analysis, options)
    return document_views(analysis.table, analysis.n_docs, kind == "")


def find_boilerplate(
    texts: Iterable[str], *, options: BoilerplateOptions | None = None, analysis: LineAnalysis | None = None, **kwargs
) -> list[Boilerplate]:
    """Boilerplate line families of a collection.

    Parameters
    ----------
    texts : iterable of str
    options : BoilerplateOptions, optional
        Base options; keyword arguments override its fields.
    analysis : LineAnalysis, optional
        From :func:`analyse_lines` on the same texts and options, to reuse it.

    Returns
    -------
    list of Boilerplate
        In order of first occurrence.
    """
    opts = BoilerplateOptions.from_kwargs(options, **kwargs)
    texts = check_texts(texts)
    analysis = analysis or analyse_lines(texts, opts)
    return boilerplate_families(analysis.table, classify_lines(analysis.table, analysis.families, opts))
