"""Line tables that stay on the workers: :class:`RayLines`, the lines of a Ray run as
:class:`dedup.boilerplate.analysis.Lines`.

Each tabulate task keeps its block's :class:`dedup.lines.LineTable` in the object store.
Classifying the lines of the collection is the single machine's three steps
(:func:`dedup.boilerplate.classify._corpus_kinds`), run where their data is:

1. **in each block's worker**: the kinds each document shows of itself
   (:func:`document_kinds`), and the block's distinct ``(column, key, family)`` rows, cut
   into hash partitions;
2. **one task a partition**: the keys that recur across families — an exact key in two
   families or more, a masked view, head or tail in ``min_docs`` — the only ones the
   collection's evidence can concern;
3. **in each block's worker**: the lines holding such a key, and their neighbours
   (:func:`with_neighbours`), as a table; **in one task**, those tables joined and read
   by :func:`collection_kinds`, as :func:`shared_rows` would have chosen them of the whole
   table (a worker holds them, the driver none); **in each block's worker** again, every line's
   kind: its document's, the collection's where that task found one, and the page furniture — then
   the web-page classifier, from the page evidence tabulating made.

The driver holds, for the report, the lines with a kind; each document's views for clustering
are made in the workers (:class:`RemoteViews`), and the engine reads them where they are.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, overload

import numpy as np

from ..arrays import found_in, sorted_unique, unique_rows
from ..boilerplate import BoilerplateOptions
from ..boilerplate.base import CONTENT
from ..boilerplate.classify import (
    _min_docs,
    collection_kinds,
    document_kinds,
    furniture_kinds,
    page_kinds,
    with_neighbours,
)
from ..boilerplate.pages import PageLines, no_page_lines
from ..clean import CleanTables
from ..linemarks import row_shapes
from ..lines import LineTable, concat_line_tables, document_views, line_table
from ..near import NearOptions
from ..store import TableSink, take_rows
from .arrow import string_column, strings_of
from .driver import _block_size, _Blocks, _ordered_results, _remote, block_table, require_ray
from .io import _TextBlocks
from .steps import partition_of

_KEY_COLUMNS = ("exact", "masked", "head", "tail")


@dataclass(frozen=True)
class RemoteViews(Sequence[str]):
    """Documents' matching views in the object store, a ``pyarrow.Table`` (``index``, ``view``) a block:
    what :class:`dedup.distributed.RayClusterEngine` clusters without them coming to the driver; also the
    views of the paragraph table (a ``view`` column a block) and the strings of the shared lines (which the task
    reading the collection's evidence reads a few of) and of the classified lines (``view``, ``text``,
    ``masked_view``), of which the driver's plan reads a few.

    Attributes
    ----------
    refs : tuple of ObjectRef
    starts : np.ndarray
        int64 ``[len(refs) + 1]``: block ``b`` holds documents ``starts[b]:starts[b + 1]``.
    column : str
        The blocks' column read: ``view``, or for the string columns of joined line tables (the shared lines, the
        classified lines: :func:`_with_strings`) ``view``, ``text`` or ``masked_view``.
    """

    refs: tuple[Any, ...]
    starts: np.ndarray
    column: str = "view"

    def __len__(self) -> int:
        return int(self.starts[-1])

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: int | slice) -> str | list[str]:
        """Fetched from the object store (for inspection: the engine reads the blocks where they are)."""
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        import ray

        i = range(len(self))[i]
        b = int(np.searchsorted(self.starts, i, side="right") - 1)
        return str(strings_of(ray.get(self.refs[b]).column(self.column).slice(i - int(self.starts[b]), 1))[0])

    def take(self, indices: Sequence[int] | np.ndarray) -> list[str]:
        """``[self[i] for i in indices]`` (any order, repeats allowed), each block fetched once
        (:func:`dedup.store.take` reads a column so)."""
        import pyarrow as pa
        import ray

        at = np.asarray(indices, dtype=np.int64).reshape(-1)
        out: list[str] = [""] * at.size
        of = np.searchsorted(self.starts, at, side="right") - 1
        order = np.argsort(of, kind="stable")
        bounds = np.searchsorted(of[order], np.arange(len(self.refs) + 1))
        needed = np.flatnonzero(np.diff(bounds)).tolist()
        for b, table in zip(needed, ray.get([self.refs[b] for b in needed])):  # fetched together
            rows = order[bounds[b] : bounds[b + 1]]
            local = pa.array(at[rows] - int(self.starts[b]))
            for row, view in zip(rows.tolist(), strings_of(table.column(self.column).take(local))):
                out[row] = view
        return out

    def each_call(self, function: Any, shared: tuple[Any, ...], calls: Iterable[tuple[Any, ...]]) -> list[Any]:
        """``function(*shared, *call)`` of each call, as Ray tasks where these views are, the shared arguments put in
        the object store once; the results in order. The plan's comparisons of paragraphs
        (:func:`dedup.clean.held.adds_own_text`, :func:`dedup.clean.held.held_blocks`) run so, chunk by chunk: the
        views they read never come to the driver, and each chunk's arguments (its own paragraphs and cut lines) are
        made as its task is submitted, so the driver holds one at a time."""
        import ray

        shared_ref = ray.put(shared)
        task = _remote(_call)
        return list(_ordered_results([task.remote(function, shared_ref, call) for call in calls]))

    def blocks(self) -> _Blocks:
        return _Blocks(list(self.refs), self.starts)


def _call(function: Any, shared: tuple[Any, ...], call: tuple[Any, ...]) -> Any:
    """Ray task: ``function(*shared, *call)`` (:meth:`RemoteViews.each_call`)."""
    return function(*shared, *call)


@dataclass(frozen=True)
class BlockKinds:
    """Every line's kind, a uint8 array a block (:data:`dedup.boilerplate.base.LINE_KINDS`), in the object store
    (:meth:`RayLines.corpus_kinds`)."""

    refs: tuple[Any, ...]


@dataclass(frozen=True)
class RayLines:
    """The lines of a collection as line tables in the object store, one a block of consecutive documents.

    Attributes
    ----------
    tables : tuple of ObjectRef
        The blocks' :class:`dedup.lines.LineTable` (documents numbered within the block).
    pages : tuple of ObjectRef
        The blocks' :class:`dedup.boilerplate.pages.PageLines`, or None each.
    starts : np.ndarray
        int64 ``[n_blocks + 1]``: block ``b`` holds documents ``starts[b]:starts[b + 1]``.
    counts : np.ndarray
        int64 ``[n_blocks]``, the blocks' lines.
    partitions : int
        Hash partitions of the keys (about the cluster's CPUs).
    spill : str or Path, optional
        A folder for the numeric columns of the line table the driver joins (the classified lines), read back as
        memory maps; None keeps them in memory.
    """

    tables: tuple[Any, ...]
    pages: tuple[Any, ...]
    starts: np.ndarray
    counts: np.ndarray
    partitions: int
    spill: str | Path | None = None

    @property
    def n_docs(self) -> int:
        return int(self.starts[-1])

    def __len__(self) -> int:
        return int(self.counts.sum())

    def _each(self, function: Any, *per_block: Sequence[Any], returns: int = 1, **options: Any) -> list[Any]:
        """``function(table, first document, documents, *per_block[b], **options)`` started in a task a block (with
        ``returns`` above 1, a list of that many refs a block)."""
        task = _remote(function) if returns == 1 else _remote(function).options(num_returns=returns)
        firsts, sizes = self.starts[:-1].tolist(), np.diff(self.starts).tolist()
        return [
            task.remote(table, first, size, *rest, **options)
            for table, first, size, *rest in zip(self.tables, firsts, sizes, *per_block)
        ]

    def grouped(self) -> RayLines:
        """The same lines in fewer blocks: runs of consecutive blocks joined in a task, each run up to the
        documents of one of the engine's own view blocks (:func:`dedup.distributed.driver._block_size`; a block
        larger than that stays alone). Every step runs a task a block, and documents are clustered in their
        blocks (pairs grouped by their two blocks), so blocks as small as a reader's cost more in scheduling
        than they spread."""
        most_docs = _block_size(self.n_docs, NearOptions().batch_size, self.partitions)
        sizes = np.diff(self.starts).tolist()
        runs: list[list[int]] = []
        held = 0
        for b, size in enumerate(sizes):
            if not runs or held + size > most_docs:
                runs.append([])
                held = 0
            runs[-1].append(b)
            held += size
        if len(runs) == len(sizes):
            return self
        task = _remote(_joined_block).options(num_returns=2)
        joined = [
            task.remote([sizes[b] for b in run], *(self.tables[b] for b in run), *(self.pages[b] for b in run))
            if len(run) > 1
            else (self.tables[run[0]], self.pages[run[0]])
            for run in runs
        ]
        starts = self.starts[[run[0] for run in runs] + [len(sizes)]]
        counts = np.array([self.counts[run].sum() for run in runs], dtype=np.int64)
        return replace(
            self, tables=tuple(j[0] for j in joined), pages=tuple(j[1] for j in joined), starts=starts, counts=counts
        )

    def views(self, kinds: BlockKinds | None = None) -> RemoteViews:
        none: list[Any] = [None] * len(self.tables)
        return RemoteViews(tuple(self._each(_views_of_block, none if kinds is None else kinds.refs)), self.starts)

    def corpus_kinds(self, families: np.ndarray, options: BoilerplateOptions) -> BlockKinds:
        if not self.tables:
            return BlockKinds(())
        ray = require_ray()
        parts = self.partitions
        family_ref = ray.put(np.asarray(families, dtype=np.int64))
        task = _remote(_key_rows_of_block).options(num_returns=parts + 1)
        firsts = self.starts[:-1].tolist()
        out = [
            task.remote(table, page, first, family_ref, options, parts)
            for table, page, first in zip(self.tables, self.pages, firsts)
        ]
        own = [o[0] for o in out]
        counting = _remote(_recurring_keys)
        min_docs = _min_docs(families, options)
        recurring = [counting.remote(min_docs, *(o[1 + p] for o in out)) for p in range(parts)]
        keys = ray.put(_joined_keys(ray.get(recurring)))
        made = self._each(_shared_of_block, own, [keys] * len(own), returns=2)
        shared = [m[0] for m in made]
        # The collection's evidence is read in one task, on a worker: the shared lines never reach the driver.
        evidence = _remote(_collection_kinds_of).options(num_returns=len(made) + 1)
        found = evidence.remote(family_ref, options, np.diff(self.starts).tolist(), [m[1] for m in made], *shared)
        ray.get(found[-1])  # an error of the evidence here, before the blocks' kinds are asked for
        return BlockKinds(tuple(self._each(_kinds_of_block, own, shared, found[:-1], options=options)))

    def page_kinds(self, known: BlockKinds, options: BoilerplateOptions) -> BlockKinds:
        if options.webpage is False:
            return known
        return BlockKinds(tuple(self._each(_page_kinds_of_block, self.pages, known.refs, options=options)))

    def forget_sketches(self) -> None:
        """Nothing to drop: the views' signatures are made on the workers, for each clustering anew."""

    def code_documents(self) -> np.ndarray:
        made = self._each(_code_documents_of_block)
        return np.concatenate([np.zeros(0, dtype=np.int64), *_ordered_results(made)]).astype(np.int64)

    def chosen(self, kinds: BlockKinds) -> tuple[LineTable, np.ndarray]:
        """The lines with a kind, their strings left in the object store (the report reads one a family, the plan's
        comparisons of paragraphs, in tasks, those of the cut lines inside passage runs)."""
        made = self._each(_chosen_of_block, kinds.refs, returns=2)
        parts = list(_ordered_results([m[0] for m in made]))
        return self._joined_apart([p[0] for p in parts], [m[1] for m in made]), _joined(p[1] for p in parts)

    def _joined_apart(self, tables: list[LineTable], strings: list[Any]) -> LineTable:
        """Blocks' tables without their strings (:func:`_apart`), joined, their string columns read from the blocks'
        string tables (``strings``, refs) where they are."""
        bounds = np.cumsum([0] + [len(t) for t in tables]).tolist()
        prefix = f"lines-{uuid.uuid4().hex[:12]}-"  # each join its own files: an earlier join may still be mapped
        return _with_strings(
            concat_line_tables(tables, np.diff(self.starts).tolist(), self.spill, prefix), strings, bounds
        )


def _with_strings(table: LineTable, strings: Sequence[Any], bounds: list[int]) -> LineTable:
    """Blocks' line tables joined without their strings (``table``), with its string columns read from the blocks'
    string tables (``strings``, refs, :func:`_apart`) where they are; block ``b``'s lines are rows
    ``bounds[b]:bounds[b + 1]``."""
    at = np.asarray(bounds, dtype=np.int64)
    return replace(table, **{field: RemoteViews(tuple(strings), at, name) for name, field in _STRING_COLUMNS.items()})


def _joined_block(sizes: list[int], *tables_and_pages: Any) -> tuple[LineTable, PageLines | None]:
    """Ray task: consecutive blocks' line tables (of ``sizes`` documents) and page evidence, joined."""
    tables, pages = tables_and_pages[: len(sizes)], tables_and_pages[len(sizes) :]
    table = concat_line_tables(tables, sizes)
    if any(p is None for p in pages):
        return table, None
    sink: TableSink[PageLines] = TableSink(PageLines)
    for page, size in zip(pages, sizes):
        sink.add(page, size)
    return table, sink.result(no_page_lines())


def _joined(arrays: Any) -> np.ndarray:
    arrays = list(arrays)
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.uint8)


def _views_of_block(table: LineTable, first: int, n_docs: int, kinds: np.ndarray | None) -> Any:
    """Ray task: the block's documents' views (:func:`document_views`, content lines only with ``kinds``) as
    a ``pyarrow.Table`` (``index`` int64, ``view``)."""
    views = document_views(table, n_docs, None if kinds is None else kinds == CONTENT)
    return block_table(views[0:n_docs], first, "view")


def _key_rows_of_block(
    table: LineTable,
    pages: PageLines | None,
    first: int,
    families: np.ndarray,
    options: BoilerplateOptions,
    partitions: int,
) -> tuple[Any, ...]:
    """Ray task: the block's :func:`document_kinds` (``pages``: its web-page evidence), then its distinct
    ``(column, key, family)`` rows in ``partitions`` hash partitions (a dict of int64/uint64 arrays each)."""
    line_family = families[first + table.doc]
    column, key, family = [], [], []
    for c, name in enumerate(_KEY_COLUMNS):
        values = getattr(table, name)
        some = values != 0 if name in ("head", "tail") else np.ones(values.size, dtype=bool)
        pairs = unique_rows(np.stack([values[some].view(np.int64), line_family[some]], axis=1))[0]
        column.append(np.full(len(pairs), c, dtype=np.int64))
        key.append(pairs[:, 0])
        family.append(pairs[:, 1])
    rows = {"column": np.concatenate(column), "key": np.concatenate(key), "family": np.concatenate(family)}
    part = partition_of(rows["key"], partitions)
    by_partition = ({k: v[part == p] for k, v in rows.items()} for p in range(partitions))
    return (document_kinds(table, options, pages), *by_partition)


def _recurring_keys(min_docs: int, *parts: dict[str, np.ndarray]) -> np.ndarray:
    """Ray task: one hash partition's keys that recur across families — an exact key in 2 or more, the
    others in ``min_docs`` or more: int64 ``[k, 2]`` rows of (column, key)."""
    rows = unique_rows(np.stack([np.concatenate([p[k] for p in parts]) for k in ("column", "key", "family")], 1))[0]
    pairs, pair_of = unique_rows(rows[:, :2])
    counts = np.bincount(pair_of, minlength=len(pairs))
    return pairs[counts >= np.where(pairs[:, 0] == 0, 2, min_docs)]


def _joined_keys(parts: Sequence[np.ndarray]) -> list[np.ndarray]:
    """The recurring keys of every partition, a sorted int64 array a key column."""
    rows = np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.int64)
    return [np.sort(rows[rows[:, 0] == c, 1]) for c in range(len(_KEY_COLUMNS))]


def _shared_of_block(
    table: LineTable, first: int, n_docs: int, own: np.ndarray, keys: list[np.ndarray]
) -> tuple[tuple[LineTable, np.ndarray, np.ndarray, np.ndarray, np.ndarray], Any]:
    """Ray task (two returns): the block's lines holding a recurring key, and their neighbours — their table without
    its strings, their :func:`document_kinds`, their rows (int64, increasing) and :func:`row_shapes` — and their
    strings (:func:`_apart`), left in the object store."""
    shared = np.zeros(len(table), dtype=bool)
    for name, recurring in zip(_KEY_COLUMNS, keys):
        if recurring.size:
            values = getattr(table, name).view(np.int64)
            shared |= found_in(recurring, values)[1]
    rows = with_neighbours(shared)
    sub = take_rows(table, rows)
    numeric, strings = _apart(sub)
    return (numeric, own[rows], rows, *row_shapes(list(sub.texts))), strings


_STRING_COLUMNS = {"view": "views", "text": "texts", "masked_view": "masked_views"}  # block column: table field


def _apart(table: LineTable) -> tuple[LineTable, Any]:
    """A line table without its strings (empty strings in their place), and its strings as a ``pyarrow.Table``
    (``view``, ``text``, ``masked_view``), to be left in the object store."""
    import pyarrow as pa

    strings = pa.table({name: string_column(list(getattr(table, field))) for name, field in _STRING_COLUMNS.items()})
    empty = [""] * len(table)
    return replace(table, **{field: empty for field in _STRING_COLUMNS.values()}), strings


def _collection_kinds_of(
    families: np.ndarray, options: BoilerplateOptions, sizes: list[int], strings: list[Any], *shared: Any
) -> tuple[Any, ...]:
    """Ray task (a return a block, and one more: the shared lines' count): the collection's kinds of every block's
    shared lines (:func:`_shared_of_block`'s first returns, ``shared``; their strings, ``strings``, refs read where
    they are, the few the evidence compares) — :func:`collection_kinds` of the blocks' shared lines joined, as the
    single machine reads them of its whole table, cut again into the blocks' parts (uint8 each)."""
    bounds = np.cumsum([0] + [len(s[0]) for s in shared]).tolist()
    table = _with_strings(concat_line_tables([s[0] for s in shared], sizes), strings, bounds)
    own = _joined(s[1] for s in shared)
    shapes = (_joined(s[3] for s in shared).astype(bool), _joined(s[4] for s in shared).astype(bool))
    del shared  # joined now: not held beside the join while the evidence is read
    found = collection_kinds(table, families, options, own, shapes) if len(table) else own
    return (*(found[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:])), len(table))


def _kinds_of_block(
    table: LineTable,
    first: int,
    n_docs: int,
    own: np.ndarray,
    shared: tuple[Any, ...],
    found: np.ndarray,
    *,
    options: BoilerplateOptions,
) -> np.ndarray:
    """Ray task: every line's kind without the web-page classifier (the single machine's ``_corpus_kinds``): the
    block's documents' own, the collection's on its shared lines (``shared``: :func:`_shared_of_block`'s first
    return, whose third item is their rows), and the page furniture."""
    kind = own.copy()
    kind[shared[2]] = found
    return furniture_kinds(table, kind, options)


def _page_kinds_of_block(
    table: LineTable,
    first: int,
    n_docs: int,
    pages: PageLines | None,
    known: np.ndarray,
    *,
    options: BoilerplateOptions,
) -> np.ndarray:
    """Ray task: ``known`` with the web-page classifier's kinds added (from the block's page evidence)."""
    return page_kinds(table, known, options, pages)


def _code_documents_of_block(table: LineTable, first: int, n_docs: int) -> np.ndarray:
    """Ray task: the block's documents holding a line of source code, numbered in the collection (int64)."""
    return first + sorted_unique(table.doc[table.code])


def _chosen_of_block(
    table: LineTable, first: int, n_docs: int, kinds: np.ndarray
) -> tuple[tuple[LineTable, np.ndarray], Any]:
    """Ray task (two returns): the block's lines with a kind — their table without its strings, and their kinds —
    and their strings (:func:`_apart`)."""
    rows = np.flatnonzero(kinds != CONTENT)
    numeric, strings = _apart(take_rows(table, rows))
    return (numeric, kinds[rows]), strings


def _line_table_of_block(block: Any, options: BoilerplateOptions) -> LineTable:
    """Ray task: :func:`line_table` of a block of (index, text) rows, for comparing documents (``cuts=False``)."""
    return line_table(strings_of(block.column("text")), options, cuts=False)


def _lines_on_ray(
    blocks: _TextBlocks, options: BoilerplateOptions, partitions: int, spill: str | Path | None = None
) -> RayLines:
    """The blocks' line tables (for comparing documents), computed in workers and kept there (``spill``: see
    :class:`RayLines`)."""
    task = _remote(_line_table_and_size).options(num_returns=2)
    made = [task.remote(ref, options) for ref in blocks.refs]
    starts = np.concatenate(([0], np.cumsum([n.size for n in blocks.lengths], dtype=np.int64)))
    lines = RayLines(
        tuple(m[0] for m in made),
        (None,) * len(made),
        starts,
        np.array(list(_ordered_results([m[1] for m in made])), dtype=np.int64),
        partitions,
        spill,
    )
    return lines.grouped()


def _line_table_and_size(block: Any, options: BoilerplateOptions) -> tuple[LineTable, int]:
    """Ray task: :func:`_line_table_of_block` and its lines."""
    table = _line_table_of_block(block, options)
    return table, len(table)


def lines_apart(tables: CleanTables) -> tuple[CleanTables, LineTable, PageLines | None, LineTable | None]:
    """A block's tables without their lines (what the driver fetches), and the lines, their page evidence and
    the lines documents are compared on (what stays in the object store for :class:`RayLines`)."""
    empty = line_table([])
    kept = replace(
        tables,
        lines=empty,
        pages=None if tables.pages is None else no_page_lines(),
        duplicate_lines=None if tables.duplicate_lines is None else empty,
    )
    return kept, tables.lines, tables.pages, tables.duplicate_lines  # type: ignore[return-value]
