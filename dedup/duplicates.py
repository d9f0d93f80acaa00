"""Near-duplicate documents: ``find_duplicates``.

A run is a short sequence of phases over the matching views of the texts:

    views    matching views, without the collection's boilerplate lines
    sketch   shingle → MinHash signatures                  (in batches)
    band     LSH band keys → candidate pairs
    verify   exact Jaccard / containment of the candidates' shingle sets
    cluster  centres (or connected components) → representative, similarity and coverage

The last four phases are :func:`dedup.near.cluster_views`, shared with the boilerplate
analysis and ``clean``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .boilerplate import (
    BoilerplateOptions,
    LineAnalysis,
    analyse_table,
    boilerplate_free_views,
)
from .cluster import Cluster
from .errors import check_texts, checked_texts
from .lines import LineTable, line_table
from .near import ClusterEngine, NearOptions, cluster_views
from .normalize import NormalizeOptions, matching_texts
from .pool import InOrder, parallel_batch_chars
from .store import StringSpill, TableSink, batches

__all__ = ["DuplicateFinder", "DuplicateOptions", "Finder", "cluster_views", "duplicate_clusters", "find_duplicates"]


@dataclass(frozen=True)
class DuplicateOptions(NearOptions):
    """Options of :func:`find_duplicates`: those of the view clustering (:class:`dedup.near.NearOptions`,
    documented here) and how the views are made.

    Attributes
    ----------
    threshold : float
        Exact Jaccard similarity of the matching views' n-gram sets at or above
        which two documents are duplicates.
    ngram : int
        Characters per shingle.
    num_perm : int
        MinHash permutations.
    seed : int
        Seed of the permutations.
    scheme : str
        MinHash scheme (see :func:`dedup.signatures`).
    bands, rows : int, optional
        LSH shape; by default chosen from ``threshold`` so that a pair exactly at
        the threshold becomes a candidate with probability >= 0.95.
    containment : float, optional
        Also join a candidate pair when this share of the smaller document's
        shingles lies in the larger one (excerpts, truncations). Containment is
        never below Jaccard, so with ``containment <= threshold`` the threshold
        shapes which pairs LSH proposes and containment decides; None: Jaccard only.
    representative : "first", "longest" or callable
        Which member represents a cluster: the earliest, the longest, or the one with the
        smallest ``key(index)``; with ``clustering="center"`` the order in which documents
        with equally many verified near-duplicates are considered as centres.
    clustering : {"center", "connected"}
        ``"center"``: every member is a verified near-duplicate of its representative
        (greedy centre clustering, documents with more verified near-duplicates first, ties
        in the representative's order; a document linked to a cluster only through others
        is not a member). ``"connected"``: connected
        components of the verified pairs, which chain (A~B, B~C puts A and C together).
        See :mod:`dedup.cluster`.
    normalize : NormalizeOptions
        How the matching view is built: the documents' views, and with ``strip_boilerplate`` their lines' views, which
        are what is compared then (``boilerplate.normalize`` is set to it; when only ``boilerplate.normalize`` is
        given, ``normalize`` takes it).
    batch_size : int
        Documents sketched per batch; memory of the sketch phase is bounded by it.
    max_bucket : int
        LSH buckets larger than this contribute a star of pairs, not all pairs.
    workers : int, optional
        Threads for the sketch phase; results do not depend on it.
    strip_boilerplate : bool
        Compare documents without the boilerplate lines the collection shows
        (:mod:`dedup.boilerplate`), so a story wrapped in different site headers and
        footers still matches, and two stories wrapped in the same ones do not.
    boilerplate : BoilerplateOptions
        How boilerplate lines are found when ``strip_boilerplate`` is on (by default
        from corpus evidence only: ``webpage=False``).
    """

    normalize: NormalizeOptions = field(default_factory=NormalizeOptions)
    strip_boilerplate: bool = True
    # Corpus evidence is what documents are compared without; the single-page
    # classifier adds nothing measurable to duplicate detection and costs ~35 ms a page.
    boilerplate: BoilerplateOptions = field(default_factory=lambda: BoilerplateOptions(webpage=False))

    def __post_init__(self) -> None:
        super().__post_init__()
        # One view: with strip_boilerplate the documents are compared on their lines' views. Until 2026-12-07
        # normalize was read only without it, so find_duplicates(normalize=...) changed nothing by default.
        if self.normalize == NormalizeOptions() and self.boilerplate.normalize != self.normalize:
            object.__setattr__(self, "normalize", self.boilerplate.normalize)
        elif self.boilerplate.normalize != self.normalize:
            object.__setattr__(self, "boilerplate", replace(self.boilerplate, normalize=self.normalize))

    @property
    def near(self) -> NearOptions:
        """The options of the view clustering alone (what an engine is handed)."""
        return NearOptions(**{f.name: getattr(self, f.name) for f in fields(NearOptions)})


class Finder(Protocol):
    """Finds near-duplicate documents fed batch by batch: what ``dedup find`` drives.

    :class:`DuplicateFinder` runs in this process, :class:`dedup.distributed.RayFinder` on
    Ray; both give the clusters of :func:`find_duplicates`.
    """

    def add(self, texts: Sequence[str]) -> None:
        """Take the next batch of documents."""
        ...

    def clusters(self) -> Sequence[Cluster]:
        """The clusters of every document taken (a list, or :class:`dedup.cluster.Clusters`, which reads like one)."""
        ...

    def close(self) -> None:
        """Release what the finder started (worker processes), also after a failure."""
        ...


class DuplicateFinder:
    """:func:`find_duplicates` fed batch by batch: what comparing needs is kept, not the texts.

    With ``strip_boilerplate`` every batch's lines and their keys are kept (the line table
    of :mod:`dedup.boilerplate`), otherwise its matching views; they go to a spill folder when one is
    given, the numeric columns read back as memory maps (:class:`dedup.store.ArraySpill`).

    Parameters
    ----------
    options : DuplicateOptions
    spill : str or Path, optional
        A folder for the tables kept (None: in memory).
    processes : int
        Worker processes that make the batches' line tables or views (:class:`dedup.pool.InOrder`;
        1: this process). The clusters are the same.
    """

    def __init__(self, options: DuplicateOptions, *, spill: str | Path | None = None, processes: int = 1) -> None:
        spill = None if spill is None else Path(spill)  # a str too
        self.options = options
        self.docs = 0
        self._lengths: list[np.ndarray] = []
        self._lines: TableSink[LineTable] | None = (
            TableSink(LineTable, spill, "duplicate-lines.") if options.strip_boilerplate else None
        )
        self._views: StringSpill | None = None
        if not options.strip_boilerplate:
            self._views = StringSpill(spill / "duplicate-views.utf32" if spill is not None else None)
        self._batches: InOrder[Any] = (
            InOrder(line_table, self._take, processes, options=options.boilerplate, cuts=False)  # compared, never cut
            if self._lines is not None
            else InOrder(matching_texts, self._take, processes, options=options.normalize)
        )
        self.processes = self._batches.processes

    def add(self, texts: Sequence[str]) -> None:
        """Take the next batch of documents (:class:`dedup.InvalidTextError` names a bad one by its number in the
        whole)."""
        texts = check_texts(texts, self.docs)
        self._lengths.append(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))
        self._batches.submit(texts, len(texts))
        self.docs += len(texts)

    def _take(self, made: Any, n_docs: int) -> None:
        if self._lines is not None:
            self._lines.add(made, n_docs)
        elif self._views is not None:
            self._views.append(made)

    def close(self) -> None:
        """Stop the worker processes (after a failure; :meth:`clusters` stops them when it is done)."""
        self._batches.close()

    @property
    def lengths(self) -> np.ndarray:
        """int64 ``[docs]``: the lengths of the documents taken so far."""
        return np.concatenate(self._lengths) if self._lengths else np.zeros(0, dtype=np.int64)

    def clusters(self, engine: ClusterEngine | None = None) -> Sequence[Cluster]:
        """The clusters of every document taken (see :func:`find_duplicates`), held as arrays
        (:class:`dedup.cluster.Clusters`, which reads like the list; ``list()`` of it is the list)."""
        self._batches.finish()
        opts = self.options
        if self._lines is not None:
            table = self._lines.result(line_table([], opts.boilerplate))
            return duplicate_clusters(
                [], opts, analysis=analyse_table(table, self.lengths, opts.boilerplate, engine), engine=engine
            )
        views = self._views.column() if self._views is not None else []
        return (engine or cluster_views)(views, self.lengths, opts.near)


def find_duplicates(
    texts: Iterable[str],
    *,
    threshold: float | None = None,
    options: DuplicateOptions | None = None,
    processes: int = 1,
    **kwargs,
) -> list[Cluster]:
    """Clusters of near-duplicate documents.

    Parameters
    ----------
    texts : iterable of str
        Streamed in batches of ``batch_size``.
    threshold : float, optional
        Jaccard threshold; default 0.6 (see :class:`DuplicateOptions`).
    options : DuplicateOptions, optional
        Base options; keyword arguments override its fields.
    processes : int
        Worker processes that build the batches' line tables (or views), most of the work
        with ``strip_boilerplate``; 1 (the default) works in this process. The clusters are
        the same whatever the number (``workers`` are the signature kernel's threads).
    **kwargs
        Any other field of :class:`DuplicateOptions`.

    Returns
    -------
    list of Cluster
        Clusters of two or more documents, in order of their smallest member.
        Documents whose matching view is empty are never duplicates.
    """
    if threshold is not None:
        kwargs["threshold"] = threshold
    return list(duplicate_clusters(texts, DuplicateOptions.from_kwargs(options, **kwargs), processes=processes))


def duplicate_clusters(
    texts: Iterable[str],
    options: DuplicateOptions,
    *,
    analysis: LineAnalysis | None = None,
    engine: ClusterEngine | None = None,
    processes: int = 1,
) -> Sequence[Cluster]:
    """:func:`find_duplicates` with resolved options, reusing parts computed elsewhere; the clusters held as
    arrays (:class:`dedup.cluster.Clusters`) or an empty list.

    Parameters
    ----------
    texts : iterable of str
        Not read with ``strip_boilerplate`` when ``analysis`` is given.
    options : DuplicateOptions
    analysis : LineAnalysis, optional
        ``analyse_lines(texts, options.boilerplate)``, when the caller has it (used only
        with ``strip_boilerplate``).
    engine : callable, optional
        Clusters matching views, like :func:`cluster_views` (the default);
        :mod:`dedup.distributed` passes one that runs on Ray.
    processes : int
        Worker processes for the batches' line tables (see :func:`find_duplicates`).
    """
    if options.strip_boilerplate and analysis is not None:
        return (engine or cluster_views)(
            boilerplate_free_views([], options.boilerplate, analysis), analysis.lengths, options.near
        )
    # Boilerplate is a property of the collection: every batch is taken before comparing.
    finder = DuplicateFinder(options, processes=processes)
    chars = parallel_batch_chars(finder.processes, texts if isinstance(texts, Sequence) else None)
    try:
        for batch in batches(checked_texts(texts), chars, options.batch_size):
            finder.add(batch)
        return finder.clusters(engine)
    finally:
        finder.close()
