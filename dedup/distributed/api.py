"""The finders and clean over a ``ray.data.Dataset`` or any iterable: ``RayFinder``, ``RayCleaner``,
``find_duplicates``, ``clean_report``, ``clean``, ``line_table_on_ray``."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..boilerplate import BoilerplateOptions, analyse_table
from ..clean import (
    CleanOptions,
    CleanPlan,
    CleanReport,
    TableBuilder,
    plan_clean,
    tabulate_batch,
)
from ..cluster import Cluster
from ..duplicates import DuplicateOptions, duplicate_clusters
from ..errors import InvalidTextError, checked_texts
from ..lines import LineTable, concat_line_tables, line_table
from ..normalize import NormalizeOptions
from ..removals import _REMOVAL_FIELDS, Cleaned, _removal
from ..store import batches
from .arrow import string_column, strings_of

if TYPE_CHECKING:  # pragma: no cover
    import ray.data
from .driver import (
    RayRunError,
    _block_size,
    _ordered_results,
    _remote,
    cluster_cpus,
)
from .engine import RayClusterEngine
from .io import BlockPlans, _TextBlocks, dataset_blocks, with_index, write_cleaned
from .lines import RayLines, RemoteViews, _line_table_of_block, _lines_on_ray, lines_apart
from .passages import ParagraphBlocks, joined_band_keys, keys_apart, passages_on_ray
from .steps import _views_block


def _is_dataset(data: Any) -> bool:
    try:
        from ray.data import Dataset
    except ImportError:
        return False
    return isinstance(data, Dataset)


def _item_texts(items: Iterable[Any], text_column: str) -> list[Any]:
    texts = []
    for index, item in enumerate(items):
        if isinstance(item, Mapping):
            if text_column not in item:
                raise InvalidTextError(index, f"no field {text_column!r}")
            item = item[text_column]
        texts.append(item)
    return texts


def _data_batches(data: Iterable[Any], text_column: str, batch_size: int, partitions: int) -> Iterator[list[str]]:
    """The texts of in-memory ``data`` (strings or mappings) in order, checked, in batches of consecutive
    documents: at most ``batch_size`` documents each, and at least ``partitions`` batches when there are
    enough documents. (A dataset is cut into blocks on the workers: :func:`dedup.distributed.io.dataset_blocks`.)
    """
    items = _item_texts(data, text_column)
    yield from batches(
        checked_texts(items), max_chars=sys.maxsize, max_items=_block_size(len(items), batch_size, partitions)
    )


def _block_texts(block: Any) -> list[str]:
    return strings_of(block.column("text"))


#: What a tabulate task returns: the tables the driver fetches, the block's lines, then what stays in the object
#: store.
_TABULATED = ("tables", "n_lines", "lines", "pages", "duplicate_lines", "band_rows", "long_views", "unit_views")


def _tables_of_block(
    block: Any, options: CleanOptions, with_clusters: bool, number: int, partitions: int
) -> tuple[Any, ...]:
    """Ray task: :func:`dedup.clean.tabulate_batch` of block ``number`` (rows of ``text``), as :data:`_TABULATED`
    says: its lines set apart for :class:`dedup.distributed.lines.RayLines` (:func:`lines_apart`), its
    paragraphs' band keys for matching on Ray (:func:`dedup.distributed.passages.keys_apart`)."""
    tables = tabulate_batch(_block_texts(block), options, with_clusters=with_clusters)
    tables, *lines = lines_apart(tables)
    kept, *passages = keys_apart(tables, number, options.passages, partitions)
    return kept, len(lines[0]), *lines, *passages


def _indexed_tables(
    raw: Any, first: int, options: CleanOptions, with_clusters: bool, number: int, partitions: int
) -> tuple[Any, ...]:
    """Ray task: a block read on a worker as an engine block (:func:`dedup.distributed.io.with_index`) and what
    :func:`_tables_of_block` gives of it."""
    return with_index(raw, first), *_tables_of_block(raw, options, with_clusters, number, partitions)


def _line_tables_on_ray(blocks: _TextBlocks, options: BoilerplateOptions) -> LineTable:
    """The blocks' line tables, computed in workers and joined on the driver."""
    if not blocks.refs:
        return line_table([], options)
    # A LineTable is an object, not columns (only the join looks inside), so the blocks go
    # to plain Ray tasks: an object column in Ray Data would serialize each table once
    # more through Arrow (6.6 s against 4.3 s for 7.4 MB on two CPUs).
    task = _remote(_line_table_of_block)
    tables = list(_ordered_results([task.remote(ref, options) for ref in blocks.refs]))
    return concat_line_tables(tables, [n.size for n in blocks.lengths])


def line_table_on_ray(
    texts: Sequence[str],
    options: BoilerplateOptions = BoilerplateOptions(),
    *,
    batch_size: int = 10_000,
    partitions: int | None = None,
) -> LineTable:
    """``line_table(texts, options, cuts=False)`` (the table documents are compared on), computed block by block in
    workers.

    Parameters
    ----------
    texts : sequence of str
    options : BoilerplateOptions
    batch_size : int
        Most documents per block.
    partitions : int, optional
        Least blocks (when there are enough documents); default: the cluster's CPUs.

    Returns
    -------
    LineTable
        The blocks' tables joined on the driver with :func:`dedup.boilerplate.concat_line_tables`.
    """
    blocks = _TextBlocks()
    for batch in _data_batches(texts, "text", batch_size, partitions or cluster_cpus()):
        blocks.put(batch)
    return _line_tables_on_ray(blocks, options)


class RayFinder:
    """:func:`find_duplicates` on Ray, fed batch by batch (what ``dedup find --engine ray`` runs).

    Each batch goes into the object store as it comes (the driver keeps its lengths only);
    :meth:`clusters` keys the lines of every block in workers (or normalizes them, without
    boilerplate stripping) and clusters on the engine.

    Parameters
    ----------
    options : DuplicateOptions
    engine : RayClusterEngine, optional
    spill : str or Path, optional
        A folder on the driver for the numeric columns of the line tables it joins (read back as memory maps).
    """

    def __init__(
        self, options: DuplicateOptions, *, engine: RayClusterEngine | None = None, spill: str | Path | None = None
    ) -> None:
        self.options = options
        self.engine = engine or RayClusterEngine()
        self.spill = spill
        self.blocks = _TextBlocks()

    def add(self, texts: Sequence[str]) -> None:
        """Take the next batch of documents."""
        self.blocks.put(texts)

    def take(self, blocks: _TextBlocks) -> None:
        """Take documents already in the object store (:func:`dedup.distributed.io.dataset_blocks`)."""
        self.blocks = blocks

    def add_block(self, raw: Any, first: int, lengths: np.ndarray) -> None:
        """Take the next block read on a worker (``text`` column; its first document is ``first``)."""
        self.blocks.append(_remote(with_index).remote(raw, first), lengths)

    def close(self) -> None:
        """Nothing to release: Ray owns the workers."""

    def clusters(self) -> Sequence[Cluster]:
        """The clusters of every document taken (equal to :func:`dedup.find_duplicates`; held as arrays,
        :class:`dedup.cluster.Clusters`)."""
        opts, n = self.options, self.blocks.docs
        if n < 2:
            return []
        lengths = self.blocks.all_lengths()
        if opts.strip_boilerplate:
            lines = _lines_on_ray(self.blocks, opts.boilerplate, self.engine.partitions or cluster_cpus(), self.spill)
            return duplicate_clusters(
                [], opts, analysis=analyse_table(lines, lengths, opts.boilerplate, self.engine), engine=self.engine
            )
        return self.engine(_views_on_ray(self.blocks, opts.normalize), lengths, opts)


class RayCleaner:
    """The phases of :mod:`dedup.clean` on Ray, fed batch by batch (what ``dedup clean --engine ray`` runs).

    :meth:`add` puts a batch into the object store and starts tabulating it in a worker;
    :meth:`plan` joins the tables on the driver in order (their strings to ``spill`` if
    given) and plans, every document clustering on the engine; :meth:`cleaned` cleans the
    blocks with the plan in one ``map_batches`` and hands the documents back in order.

    Parameters
    ----------
    options : CleanOptions
    with_clusters : bool
        Plan near-duplicate documents even without ``cross_document``.
    spill : str or Path, optional
        A folder on the driver for the tables' strings and numbers (the numbers read back as memory maps), the
        line tables it joins included.
    engine : RayClusterEngine, optional
    """

    def __init__(
        self,
        options: CleanOptions,
        *,
        with_clusters: bool = True,
        spill: str | Path | None = None,
        engine: RayClusterEngine | None = None,
    ) -> None:
        self.options = options
        self.with_clusters = with_clusters
        self.spill = spill
        self.engine = engine or RayClusterEngine()
        self.blocks = _TextBlocks()
        self._parts: dict[str, list[Any]] = {name: [] for name in _TABULATED}  # per block: what tabulating gave
        self._partitions: int | None = None

    def _tabulate(self, block: Any, first: int | None = None) -> Any:
        """Start tabulating a block (with ``first``, one read on a worker: returns its engine block)."""
        if self._partitions is None:  # asked of the cluster once, not a block at a time
            self._partitions = self.engine.partitions or cluster_cpus()
        arguments = (self.options, self.with_clusters, len(self._parts["tables"]), self._partitions)
        n = len(_TABULATED)
        if first is None:
            refs = _remote(_tables_of_block).options(num_returns=n).remote(block, *arguments)
        else:
            block, *refs = _remote(_indexed_tables).options(num_returns=n + 1).remote(block, first, *arguments)
        for name, ref in zip(_TABULATED, refs):
            self._parts[name].append(ref)
        return block

    def add(self, texts: Sequence[str]) -> None:
        """Take the next batch of documents and start tabulating it."""
        self._tabulate(self.blocks.put(texts))

    def take(self, blocks: _TextBlocks) -> None:
        """Take documents already in the object store (:func:`dedup.distributed.io.dataset_blocks`) and start
        tabulating every block."""
        self.blocks = blocks
        for ref in blocks.refs:
            self._tabulate(ref)

    def add_block(self, raw: Any, first: int, lengths: np.ndarray) -> None:
        """Take the next block read on a worker (``text`` column, maybe others; its first document is ``first``) and
        start tabulating it."""
        self.blocks.append(self._tabulate(raw, first), lengths)

    def plan(self) -> CleanPlan:
        """The plan of every document taken. Above ``engine.paragraph_limit`` long paragraphs, they are matched
        on the workers and their band keys never come here; at or below it, the keys are fetched and matched here."""
        builder = TableBuilder(self.options, with_clusters=self.with_clusters, spill=self.spill)
        long_counts, sizes, unit_counts, parts, partitions = [], [], [], self._parts, self._partitions or 1
        for part in _ordered_results(parts["tables"]):
            builder.add(part)
            sizes.append(part.n_docs)
            unit_counts.append(len(part.units))
            long_counts.append(int(np.count_nonzero(part.units.view_len >= self.options.passages.min_chars)))
        tables, found, passages = builder.result(), None, self.options.passages
        del builder  # its sinks' bookkeeping (a spilled string column's lengths: 8 bytes a row) is not read again
        # The paragraphs' views stay in the object store: the plan reads those of a few paragraphs.
        unit_starts = np.concatenate(([0], np.cumsum(unit_counts, dtype=np.int64)))
        tables = replace(
            tables, units=replace(tables.units, views=RemoteViews(tuple(parts["unit_views"]), unit_starts))
        )
        # The lines stay in the object store: classified there, only the shared and classified ones come here.
        starts = np.concatenate(([0], np.cumsum(sizes, dtype=np.int64)))
        counts = np.array(list(_ordered_results(parts["n_lines"])), dtype=np.int64)
        lines = RayLines(tuple(parts["lines"]), tuple(parts["pages"]), starts, counts, partitions, self.spill)
        compared = None  # the lines documents are compared on, when other options key them
        if tables.duplicate_lines is not None:
            compared = replace(lines, pages=(None,) * len(sizes), tables=tuple(parts["duplicate_lines"])).grouped()
        tables = replace(tables, lines=lines.grouped(), pages=None, duplicate_lines=compared)
        if sum(long_counts) <= self.engine.paragraph_limit:  # few enough: their keys come here, matched here
            keys = joined_band_keys(parts["band_rows"], long_counts)
            tables = replace(tables, units=replace(tables.units, band_keys=keys))
        else:  # matched and merged into passage runs on the workers: the runs, or above the run limit their regions
            bands, long_views, views = parts["band_rows"], parts["long_views"], parts["unit_views"]
            blocks = ParagraphBlocks(bands, long_views, long_counts, views, unit_starts)
            limits = {"run_limit": self.engine.run_limit, "max_rounds": self.engine.max_rounds}
            found = passages_on_ray(blocks, tables.units, passages, partitions, **limits)
        parts["band_rows"], parts["long_views"] = [], []  # matched: the object store may drop them
        return plan_clean(tables, self.options, with_clusters=self.with_clusters, engine=self.engine, passages=found)

    def cleaned(self, plan: CleanPlan, texts_again: Any = None) -> Iterator[tuple[int, list[Cleaned]]]:
        """``(first document, cleaned documents)`` block by block, in order.

        ``texts_again`` (the command line's second read of the inputs) is not used: the
        texts are in the object store.
        """
        if not self.blocks.refs:
            return
        # Workers need only their blocks' cuts: the findings stay on the driver.
        applied = self.blocks.dataset().map_batches(
            _apply_block, batch_format="pyarrow", batch_size=None, fn_kwargs={"plans": self.blocks.plans(plan)}
        )
        applied.context.execution_options.preserve_order = True
        for batch in applied.iter_batches(batch_format="pyarrow", batch_size=None):  # Arrow keeps strings exact
            index = batch.column("index").to_pylist()
            if index:
                yield index[0], _cleaned_of_batch(batch)

    def close(self) -> None:
        """Nothing to release: Ray owns the workers."""


class RayEngine:
    """The Ray engine of the commands: its :class:`RayCleaner` and :class:`RayFinder` on ``engine`` (a
    :class:`RayClusterEngine`, its defaults when not given), and failed Ray tasks turned into :class:`RayRunError`
    (the command's exit 3)."""

    name = "ray"

    def __init__(self, engine: RayClusterEngine | None = None) -> None:
        self.engine = engine or RayClusterEngine()

    def cleaner(self, options: CleanOptions, spill: Path | None) -> RayCleaner:
        return RayCleaner(options, spill=spill, engine=self.engine)

    def finder(self, options: DuplicateOptions, spill: Path | None) -> RayFinder:
        return RayFinder(options, engine=self.engine, spill=spill)

    @contextmanager
    def failures(self) -> Iterator[None]:
        import ray.exceptions

        try:
            yield
        except ray.exceptions.RayError as err:
            raise RayRunError(f"the Ray run failed: {err}") from err


def _cleaned_of_batch(batch: Any) -> list[Cleaned]:
    """The :class:`Cleaned` documents of one output batch of :func:`_apply_block`."""
    columns = [strings_of(batch.column(f"removed_{name}")) for name in _REMOVAL_FIELDS]
    return [
        Cleaned(text, tuple(_removal(*values) for values in zip(*(column[row] for column in columns))))
        for row, text in enumerate(strings_of(batch.column("text")))
    ]


def _apply_block(batch: Any, *, plans: BlockPlans) -> Any:
    """map_batches: a block of (index, text) rows → its cleaned ``text`` and ``removed_*`` list columns."""
    import pyarrow as pa

    index = batch.column("index").to_numpy()
    cleaned = plans.apply(_block_texts(batch), int(index[0])) if len(index) else []
    columns: dict[str, Any] = {"index": batch.column("index"), "text": string_column([c.text for c in cleaned])}
    for name in _REMOVAL_FIELDS:
        columns[f"removed_{name}"] = [[getattr(r, name) for r in c.removed] for c in cleaned]
    columns["removed_text"] = string_column(columns["removed_text"], lists=True)
    return pa.table(columns)


def _views_on_ray(blocks: _TextBlocks, options: NormalizeOptions) -> list[str]:
    """Matching views of the blocks' documents (list of str), normalized in workers."""
    normalized = blocks.dataset().map_batches(
        _views_block, batch_format="pyarrow", batch_size=None, fn_kwargs={"options": options}
    )
    index, views = [], []
    for batch in normalized.iter_batches(batch_format="pyarrow", batch_size=None):  # Arrow keeps strings exact
        index.append(batch.column("index").to_numpy())
        views.extend(strings_of(batch.column("view")))
    order = np.argsort(np.concatenate(index), kind="stable") if index else np.zeros(0, dtype=np.int64)
    return [views[i] for i in order.tolist()]


def find_duplicates(
    data: ray.data.Dataset | Iterable[Any],
    *,
    threshold: float | None = None,
    options: DuplicateOptions | None = None,
    text_column: str = "text",
    engine: RayClusterEngine | None = None,
    **kwargs: Any,
) -> list[Cluster]:
    """:func:`dedup.find_duplicates` on Ray: the same clusters.

    Parameters
    ----------
    data : ray.data.Dataset or iterable
        A dataset with a string column ``text_column`` (from ``ray.data.read_json``,
        ``read_parquet`` or ``from_items``; ``read_text`` makes one row per *line*), or
        in-memory strings or mappings. Document ``i`` is the ``i``-th row in the dataset's
        order.
    threshold, options, **kwargs
        As for :func:`dedup.find_duplicates`.
    text_column : str
    engine : RayClusterEngine, optional
        Default ``RayClusterEngine()``.

    Returns
    -------
    list of Cluster
        Equal to ``dedup.find_duplicates`` of the same texts and options.
    """
    if threshold is not None:
        kwargs["threshold"] = threshold
    opts = DuplicateOptions.from_kwargs(options, **kwargs)
    finder = RayFinder(opts, engine=engine)
    _feed(finder, data, text_column, opts.batch_size)
    return list(finder.clusters())


def _feed(taker: RayFinder | RayCleaner, data: Any, text_column: str, batch_size: int) -> None:
    """Give ``data`` to a finder or cleaner: a dataset is read and cut into blocks on the workers, other
    data goes through the driver batch by batch."""
    partitions = taker.engine.partitions or cluster_cpus()
    if _is_dataset(data):
        taker.take(dataset_blocks(data, text_column, batch_size, partitions))
        return
    for batch in _data_batches(data, text_column, batch_size, partitions):
        taker.add(batch)


def clean_report(
    data: ray.data.Dataset | Iterable[Any],
    *,
    cross_document: bool | None = None,
    with_clusters: bool = False,
    options: CleanOptions | None = None,
    text_column: str = "text",
    engine: RayClusterEngine | None = None,
    batch_size: int = 10_000,
    spill: str | Path | None = None,
    out: str | Path | None = None,
    **kwargs: Any,
) -> CleanReport:
    """:func:`dedup.clean_report` on Ray: the same cleaned documents, clusters, passages and boilerplate.

    Parameters
    ----------
    data, text_column, engine
        As for :func:`find_duplicates`.
    cross_document, with_clusters, options, **kwargs
        As for :func:`dedup.clean_report`.
    batch_size : int
        Most documents per block.
    spill : str or Path, optional
        A folder on the driver for the tables' strings and numbers, the line tables it joins included, the numbers
        read back as memory maps (see :class:`dedup.clean.TableBuilder`): what keeps the driver's heap small.
    out : str or Path, optional
        Write the cleaned documents from the workers, one file a block, under this folder
        (or ``pyarrow.fs`` URI, e.g. ``s3://…``) that every node reaches, with a
        ``manifest.json`` (:func:`dedup.distributed.read_cleaned` reads them back in order);
        the report's ``cleaned`` is then empty: no cleaned text comes to the driver.

    Returns
    -------
    CleanReport

    Notes
    -----
    The phases of :mod:`dedup.clean`, each where its data is:

    - a ``ray.data.Dataset`` is read and cut into blocks of consecutive documents on the
      workers (the driver sees row counts and lengths); other data streams through the
      driver into the object store, one block at a time;
    - tabulate: every block in a worker (lines and their keys, paragraphs and their band
      keys); the tables are joined on the driver, strings to ``spill`` if given;
    - plan: on the driver, from the tables — classifying the lines, matching the
      paragraphs' band keys — with every document clustering on the engine (the two
      family passes of the boilerplate analysis and, with ``cross_document`` or
      ``with_clusters``, the near-duplicate documents: sketching, banding, verification
      and the representatives' similarities in workers);
    - apply: one ``map_batches`` over the blocks, each worker cleaning its documents with
      the plan's cuts (inline noise is found there); the cleaned documents come back to
      the driver in order, or with ``out`` each worker writes its block's file.
    """
    if cross_document is not None:
        kwargs["cross_document"] = cross_document
    opts = CleanOptions.from_kwargs(options, **kwargs)
    cleaner = RayCleaner(opts, with_clusters=with_clusters, spill=spill, engine=engine)
    _feed(cleaner, data, text_column, batch_size)
    plan = cleaner.plan()
    if out is not None:
        write_cleaned(cleaner.blocks, plan, str(out))
        return plan.report
    return replace(plan.report, cleaned=[c for _, documents in cleaner.cleaned(plan) for c in documents])


def clean(
    data: ray.data.Dataset | Iterable[Any],
    *,
    cross_document: bool | None = None,
    options: CleanOptions | None = None,
    text_column: str = "text",
    engine: RayClusterEngine | None = None,
    **kwargs: Any,
) -> list[Cleaned]:
    """:func:`dedup.clean` on Ray: one :class:`dedup.Cleaned` per row, equal to the single-machine result.

    Parameters are as for :func:`clean_report`.
    """
    return clean_report(
        data, cross_document=cross_document, options=options, text_column=text_column, engine=engine, **kwargs
    ).cleaned
