"""The entry points :func:`clean` and :func:`clean_report`, and the :class:`Cleaner` protocol with
its in-process implementation :class:`LocalCleaner`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from ..errors import check_texts
from ..index import Index
from ..log import collector_paused
from ..near import ClusterEngine
from ..removals import Cleaned
from .against import check_against, index_views
from .apply import apply_plan
from .base import CleanOptions, CleanReport
from .plan import CleanPlan, plan_clean
from .tabulate import CleanTables, TableBuilder, Tabulator, tabulate


def clean_report(
    texts: Iterable[str],
    *,
    cross_document: bool | None = None,
    with_clusters: bool = False,
    options: CleanOptions | None = None,
    tables: CleanTables | None = None,
    engine: ClusterEngine | None = None,
    against: Index | None = None,
    processes: int = 1,
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
    against, processes : optional
        As for :func:`clean`.
    """
    if cross_document is not None:
        kwargs["cross_document"] = cross_document
    opts = CleanOptions.from_kwargs(options, **kwargs)
    texts = check_texts(texts)
    if against is not None:
        opts = index_views(opts, against)
        check_against(against, opts)
    with collector_paused():  # tables, findings and removals: many small objects, no cycles
        tables = tables or tabulate(texts, opts, with_clusters=with_clusters, against=against, processes=processes)
        if tables.n_docs != len(texts):
            raise ValueError(f"the tables have {tables.n_docs} documents, the texts {len(texts)}")
        plan = plan_clean(tables, opts, with_clusters=with_clusters, engine=engine)
        return replace(plan.report, cleaned=apply_plan(texts, plan))


def clean(
    texts: Iterable[str],
    *,
    cross_document: bool | None = None,
    options: CleanOptions | None = None,
    against: Index | None = None,
    processes: int = 1,
    **kwargs,
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
    against : Index, optional
        A saved index of an earlier corpus (:class:`dedup.Index`): also remove what it
        holds — documents, paragraphs and recurring lines (:mod:`dedup.clean.against`);
        those removals name the indexed document in ``Removal.held_by``. The index's
        paragraph and line keys must be made with these options' ``passages`` and
        ``boilerplate.normalize``.
    processes : int
        Processes that tabulate the documents (lines, paragraphs, the web-page classifier:
        most of the work), batch by batch; 1 (the default) works in this process. The
        result is the same whatever the number; forked processes start in milliseconds,
        each holds a batch (about 256 K characters) at a time, at most two a process in flight.

    Returns
    -------
    list of Cleaned
        One per input text, in order. ``Removal.ref`` is the passage-cluster id for
        ``kind="passage"``, the document-cluster id for ``kind="document"``, the
        boilerplate-family id for ``reason="boilerplate"``, else None (and None for
        removals against an index, which name ``held_by``).
    """
    return clean_report(
        texts, cross_document=cross_document, options=options, against=against, processes=processes, **kwargs
    ).cleaned


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

    def close(self) -> None:
        """Release what the cleaner started (worker processes), also after a failure."""
        ...


class LocalCleaner:
    """:class:`Cleaner` in this process: tabulate each batch as it is read, plan, clean what is read again.

    Parameters
    ----------
    options : CleanOptions
    spill : str or Path, optional
        A folder for the tables' strings (None: in memory).
    against : Index, optional
        Also remove what this saved index holds (see :func:`clean`).
    processes : int
        Processes that tabulate the batches (see :func:`clean`).
    """

    def __init__(
        self,
        options: CleanOptions,
        *,
        spill: str | Path | None = None,
        against: Index | None = None,
        processes: int = 1,
    ) -> None:
        if against is not None:
            options = index_views(options, against)
            check_against(against, options)
        self.options = options
        self.against = against
        self.tabulator = Tabulator(
            TableBuilder(options, with_clusters=True, spill=spill),
            options,
            with_clusters=True,
            against=against,
            processes=processes,
        )

    def add(self, texts: Sequence[str]) -> None:
        with collector_paused():
            self.tabulator.add(texts)

    def plan(self) -> CleanPlan:
        with collector_paused():
            return plan_clean(self.tabulator.result(), self.options, with_clusters=True)

    def close(self) -> None:
        """Stop the tabulating processes (after a failure; :meth:`plan` stops them when it is done)."""
        self.tabulator.close()

    def cleaned(
        self, plan: CleanPlan, texts_again: Iterable[tuple[int, list[str]]]
    ) -> Iterator[tuple[int, list[Cleaned]]]:
        for first, texts in texts_again:
            with collector_paused():  # not across the yield: the caller's code runs with its own setting
                cleaned = apply_plan(texts, plan, first)
            yield first, cleaned
