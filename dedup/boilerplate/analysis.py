"""The public entry points: :func:`analyse_lines`, :func:`analyse_table`, :func:`find_boilerplate`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np

from ..arrays import sorted_unique
from ..cluster import Clusters
from ..errors import check_texts
from ..lines import (
    DocumentViews,
    LineTable,
    line_table,
)
from ..near import ClusterEngine, NearOptions, cluster_views
from ..store import take_rows
from .base import CONTENT, Boilerplate, BoilerplateOptions
from .classify import _corpus_kinds, classify_lines, document_kinds, page_kinds
from .families import SharesMemo, boilerplate_families
from .pages import PageLines, page_lines


class Lines(Protocol):
    """The lines of a collection, wherever they are: what analysing and classifying them asks of them.

    :class:`TableLines` holds them as one :class:`LineTable`; :mod:`dedup.distributed` keeps
    them in the object store, a table a block, and runs each step on the workers. Kinds are
    whatever the implementation hands back from :meth:`corpus_kinds` and :meth:`page_kinds`
    (a uint8 ``[m]`` array of kind codes here).
    """

    n_docs: int

    def __len__(self) -> int: ...

    def views(self, kinds: Any = None) -> Sequence[str]:
        """Each document's matching view: its lines' views, or (with ``kinds``) its content lines' only."""
        ...

    def corpus_kinds(self, families: np.ndarray, options: BoilerplateOptions) -> Any:
        """``classify_lines(table, families, options, codes=True)`` for ``options`` with ``webpage=False``."""
        ...

    def page_kinds(self, known: Any, options: BoilerplateOptions) -> Any:
        """``known`` (from :meth:`corpus_kinds`) with the web-page classifier's kinds added under ``options``."""
        ...

    def chosen(self, kinds: Any) -> tuple[LineTable, np.ndarray]:
        """The lines with a kind: their table (rows in order, documents numbered in the collection) and kinds."""
        ...

    def forget_sketches(self) -> None:
        """Drop what :meth:`views` keeps for the next clustering of these views (the plan is done clustering)."""
        ...

    def code_documents(self) -> np.ndarray:
        """int64 ``[k]``, increasing: the documents holding a line of source code (:attr:`LineTable.code`)."""
        ...


@dataclass(frozen=True)
class TableLines:
    """:class:`Lines` held as one :class:`LineTable` (in memory, or its strings spilled to disk).

    Attributes
    ----------
    table : LineTable
    n_docs : int
    pages : PageLines, optional
        :func:`dedup.boilerplate.pages.page_lines` of ``table``, when tabulating made it.
    """

    table: LineTable
    n_docs: int
    pages: PageLines | None = None
    # What each document shows of itself under some options (it does not depend on the families,
    # so the two family passes' classifications share it): [(options, kinds)].
    _own: list[tuple[BoilerplateOptions, np.ndarray]] = field(default_factory=list, compare=False, repr=False)
    # The last signatures of the documents' views (DocumentViews.sketched): each clustering of these lines'
    # views sketches only the documents whose kept lines changed since the one before.
    _sketches: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    # Shares of n-grams of the key families already measured (classify.collection_kinds): the second family
    # pass's classification measures only the families that pass changed.
    _shares: SharesMemo = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.table)

    def views(self, kinds: np.ndarray | None = None) -> DocumentViews:
        return DocumentViews(self.table, self.n_docs, None if kinds is None else kinds == CONTENT, self._sketches)

    def forget_sketches(self) -> None:
        """Drop the signatures kept for the next clustering of these lines' views (about 512 bytes a document):
        the plan calls it once it has compared documents."""
        self._sketches.clear()

    def corpus_kinds(self, families: np.ndarray, options: BoilerplateOptions) -> np.ndarray:
        own = next((kinds for opts, kinds in self._own if opts == options), None)
        if own is None:
            own = document_kinds(self.table, options, self.pages)
            self._own.append((options, own))
        if options.webpage is not False:  # classify_lines' web-page classifier, which corpus kinds leave out
            return classify_lines(self.table, families, options, own=own, codes=True)
        return _corpus_kinds(self.table, families, options, own, shares=self._shares)

    def page_kinds(self, known: np.ndarray, options: BoilerplateOptions) -> np.ndarray:
        return page_kinds(self.table, known, options, self.pages)

    def code_documents(self) -> np.ndarray:
        return sorted_unique(self.table.doc[self.table.code])

    def chosen(self, kinds: np.ndarray) -> tuple[LineTable, np.ndarray]:
        rows = np.flatnonzero(kinds != CONTENT)
        return take_rows(self.table, rows, lazy=True), kinds[rows]  # their strings: an example a family, a few views


def as_lines(lines: LineTable | Lines, n_docs: int, pages: PageLines | None = None) -> Lines:
    """``lines`` as :class:`Lines`: a :class:`LineTable` is wrapped in :class:`TableLines`."""
    return TableLines(lines, n_docs, pages) if isinstance(lines, LineTable) else lines


def _families_of_views(
    views: list[str], options: BoilerplateOptions, engine: ClusterEngine | None = None
) -> np.ndarray:
    """Family of every view: the smallest index of the views it is a near-duplicate of (int64 ``[n]``)."""
    n_docs = len(views)
    family_options = NearOptions(threshold=options.family_threshold, containment=options.family_containment)
    families = np.arange(n_docs, dtype=np.int64)
    clusters = Clusters.of((engine or cluster_views)(views, np.zeros(n_docs, dtype=np.int64), family_options))
    families[clusters.members] = np.repeat(clusters.members[clusters.bounds[:-1]], np.diff(clusters.bounds))
    return families


def document_families(
    table: LineTable | Lines,
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
    return _two_passes(as_lines(table, n_docs), options, engine)[0]


def _two_passes(lines: Lines, options: BoilerplateOptions, engine: ClusterEngine | None) -> tuple[np.ndarray, Any]:
    """:func:`document_families` of ``lines``, and the corpus kinds of its first pass when the second
    pass found the same families (then they are the final families' kinds; else None)."""
    first = _families_of_views(lines.views(), options, engine)
    content = lines.corpus_kinds(first, replace(options, webpage=False))
    families = _families_of_views(lines.views(content), options, engine)
    return families, content if np.array_equal(families, first) else None


@dataclass(frozen=True)
class LineAnalysis:
    """The lines of a collection with their document families: what classifying them needs.

    Built once by :func:`analyse_lines` and shared by everything that classifies the same
    lines under the same options (``clean`` finds boilerplate and strips it before comparing
    documents from one analysis; :func:`classified` reuses what was classified already).

    Attributes
    ----------
    lines : Lines
    families : np.ndarray
        int64 ``[n_docs]``, from :func:`document_families`.
    n_docs : int
    lengths : np.ndarray
        int64 ``[n_docs]``, the documents' lengths in characters.
    corpus_kinds : tuple of (BoilerplateOptions, kinds)
        Classifications made already without the web-page classifier: options with
        ``webpage=False`` and their kinds (:meth:`Lines.corpus_kinds`).
    """

    lines: Lines
    families: np.ndarray
    n_docs: int
    lengths: np.ndarray
    corpus_kinds: tuple[tuple[BoilerplateOptions, Any], ...] = ()


def classified(analysis: LineAnalysis, options: BoilerplateOptions) -> tuple[Any, LineAnalysis]:
    """``classify_lines(..., codes=True)`` of the analysis' lines under ``options``, and the analysis knowing it.

    The collection's evidence (everything but the web-page classifier) is computed once per
    options: a second call whose options differ only in ``webpage`` reuses it.

    Returns
    -------
    kinds
        uint8 ``[m]`` for :class:`TableLines`, codes of :data:`dedup.boilerplate.base.LINE_KINDS` (see :class:`Lines`).
    analysis : LineAnalysis
        ``analysis`` with these options' corpus kinds added.
    """
    corpus_options = replace(options, webpage=False)
    known = next((kinds for opts, kinds in analysis.corpus_kinds if opts == corpus_options), None)
    if known is None:
        known = analysis.lines.corpus_kinds(analysis.families, corpus_options)
        analysis = replace(analysis, corpus_kinds=(*analysis.corpus_kinds, (corpus_options, known)))
    return analysis.lines.page_kinds(known, options), analysis


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
    table: LineTable | Lines,
    lengths: np.ndarray,
    options: BoilerplateOptions = BoilerplateOptions(),
    engine: ClusterEngine | None = None,
    pages: PageLines | None = None,
) -> LineAnalysis:
    """The :class:`LineAnalysis` of a line table built without the texts at hand (batch by batch).

    Parameters
    ----------
    table : LineTable or Lines
        Of all ``len(lengths)`` documents.
    lengths : np.ndarray
        int64 ``[n_docs]``, the documents' lengths.
    options : BoilerplateOptions
    engine : callable, optional
        As for :func:`analyse_lines`.
    pages : PageLines, optional
        :func:`dedup.boilerplate.pages.page_lines` of a ``LineTable``, when tabulating made it.
    """
    n_docs = int(lengths.size)
    if pages is None and isinstance(table, LineTable):  # made now, not when the kinds are: markers read it
        pages = page_lines(table, options)
    lines = as_lines(table, n_docs, pages)
    families, known = _two_passes(lines, options, engine)
    corpus_kinds = () if known is None else ((replace(options, webpage=False), known),)
    return LineAnalysis(lines, families, n_docs, lengths, corpus_kinds)


def boilerplate_free_views(
    texts: Sequence[str], options: BoilerplateOptions = BoilerplateOptions(), analysis: LineAnalysis | None = None
) -> Sequence[str]:
    """Matching views of the documents without their boilerplate lines (``texts`` is read only without ``analysis``)."""
    analysis = analysis or analyse_lines(texts, options)
    kind, _ = classified(analysis, options)
    return analysis.lines.views(kind)


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
        In order of first occurrence. (``clean_report`` holds them as arrays, :class:`Families`, a sequence that
        reads like this list: 24 bytes a line against about 450.)
    """
    opts = BoilerplateOptions.from_kwargs(options, **kwargs)
    texts = check_texts(texts)
    analysis = analysis or analyse_lines(texts, opts)
    kinds, _ = classified(analysis, opts)
    return list(boilerplate_families(*analysis.lines.chosen(kinds)))  # the public contract's list
