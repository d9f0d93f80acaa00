"""Reading and writing on the workers.

A ``ray.data.Dataset`` (``read_json``, ``read_parquet`` …) is read by Ray Data on the
workers and cut there into the engine's blocks of consecutive documents: the driver sees
the blocks' row counts and the documents' lengths, never a text (:func:`dataset_blocks`).
Blocks fed by the driver (in-memory texts, the command line's reader) go through
:meth:`_TextBlocks.put`.

Cleaned blocks are written by the workers, one JSON-lines file a block, and the driver
writes a manifest of them in document order (:func:`write_cleaned`, :func:`read_cleaned`):

    OUT/manifest.json          {"format": 1, "documents": n, "files": [{"name", "first", "documents"}, ...]}
    OUT/part-000000000000.jsonl  one row a document: {"index", "text", "removed": [Removal.to_dict()...]}
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..clean import CleanPlan, apply_plan
from ..errors import InvalidOptionError, check_texts
from ..removals import Cleaned
from .arrow import strings_of
from .driver import _block_size, _ordered_results, _prepare, _put_block, _remote, block_table

if TYPE_CHECKING:  # pragma: no cover
    import ray.data

MANIFEST_FORMAT = 1


class _TextBlocks:
    """Blocks of consecutive documents in the object store.

    Attributes
    ----------
    refs : list of ObjectRef
        One ``pyarrow.Table`` (``index``, ``text``) per block, in order.
    lengths : list of np.ndarray
        int64, each block's text lengths (all the driver keeps of the texts).
    docs : int
    """

    def __init__(self) -> None:
        self.refs: list[Any] = []
        self.lengths: list[np.ndarray] = []
        self.docs = 0

    def put(self, texts: Sequence[str]) -> Any:
        """Put the next block from the driver; its ObjectRef."""
        texts = check_texts(texts, self.docs)
        ref = _put_block(texts, self.docs)
        self.refs.append(ref)
        self.lengths.append(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))
        self.docs += len(texts)
        return ref

    def append(self, ref: Any, lengths: np.ndarray) -> None:
        """Take the next block, already in the object store, and its documents' lengths (int64)."""
        self.refs.append(ref)
        self.lengths.append(lengths)
        self.docs += len(lengths)

    def all_lengths(self) -> np.ndarray:
        """int64 ``[docs]``."""
        return np.concatenate(self.lengths) if self.lengths else np.zeros(0, dtype=np.int64)

    def dataset(self) -> ray.data.Dataset:
        import ray.data

        return _prepare(ray.data.from_arrow_refs(self.refs))

    def plans(self, plan: CleanPlan) -> BlockPlans:
        """``plan`` in the object store a block at a time (:class:`BlockPlans`)."""
        import ray

        starts = np.concatenate(([0], np.cumsum([len(n) for n in self.lengths], dtype=np.int64)))
        refs = tuple(ray.put(plan.documents(lo, hi)) for lo, hi in zip(starts[:-1].tolist(), starts[1:].tolist()))
        return BlockPlans(refs, starts)


@dataclass(frozen=True)
class BlockPlans:
    """A plan in the object store one block's documents at a time (:meth:`dedup.clean.CleanPlan.documents`).

    A task cleaning a block fetches its own documents' cuts, not the whole plan: each node holds the
    slices of the blocks it cleans (before 2026-12-06 the whole plan went to every node, about 0.4 KB a web
    document each).

    Attributes
    ----------
    refs : tuple of ObjectRef
        Block ``b``'s plan, its documents numbered from 0.
    starts : np.ndarray
        int64 ``[len(refs) + 1]``: block ``b`` holds documents ``starts[b]:starts[b + 1]``.
    """

    refs: tuple[Any, ...]
    starts: np.ndarray

    def apply(self, texts: Sequence[str], first: int) -> list[Cleaned]:
        """Ray task side: :func:`dedup.clean.apply_plan` of documents ``first ..`` with the slices that hold
        them (one, when the texts are a block; in turn, when they run across blocks)."""
        import ray

        out: list[Cleaned] = []
        at, stop = first, first + len(texts)
        block = int(np.searchsorted(self.starts, first, side="right")) - 1
        while at < stop:
            if not 0 <= block < len(self.refs):
                raise ValueError(f"documents {at}..{stop - 1} are not in a plan of {int(self.starts[-1])}")
            lo, hi = int(self.starts[block]), int(self.starts[block + 1])
            end = min(stop, hi)
            out += apply_plan(texts[at - first : end - first], ray.get(self.refs[block]), at - lo)
            at, block = end, block + 1
        return out


def with_index(raw: Any, first: int) -> Any:
    """Ray task: a block read on a worker (a ``pyarrow.Table`` of ``text`` and maybe other columns) as an engine
    block: an ``index`` column (int64, from ``first``) in front."""
    import pyarrow as pa

    return raw.add_column(0, "index", pa.array(np.arange(first, first + raw.num_rows, dtype=np.int64)))


def _piece(lo: int, hi: int, first: int, column: str, *parts: Any) -> tuple[Any, np.ndarray]:
    """Ray task: consecutive dataset blocks ``parts`` from row ``lo`` of the first to row ``hi`` (exclusive) of the
    last as one engine block (:func:`block_table`, its first document ``first``), checked, and their lengths
    (int64)."""
    from ray.data.block import BlockAccessor

    texts: list[str] = []
    for k, part in enumerate(parts):
        rows = BlockAccessor.for_block(part).to_arrow()
        start, stop = lo if k == 0 else 0, hi if k == len(parts) - 1 else rows.num_rows
        texts += strings_of(rows.column(column).slice(start, stop - start))
    texts = check_texts(texts, first)
    return block_table(texts, first), np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))


def block_cuts(rows: np.ndarray, size: int) -> list[tuple[int, int, int, int]]:
    """Engine blocks of ``size`` consecutive rows (the last may hold fewer) cut from dataset blocks of ``rows``
    rows (int64 ``[b]``, none empty): per engine block ``(first block, lo, last block, hi)``, rows ``lo`` of the
    first dataset block to ``hi`` (exclusive) of the last. Small dataset blocks are joined (Ray keeps a task's
    small results in the driver's memory: README, "Keep the blocks large"), large ones cut."""
    starts = np.concatenate(([0], np.cumsum(rows, dtype=np.int64)))
    cuts = []
    for lo in range(0, int(starts[-1]), size):
        hi = min(lo + size, int(starts[-1]))
        a, b = (int(i) for i in np.searchsorted(starts, [lo, hi - 1], side="right") - 1)
        cuts.append((a, lo - int(starts[a]), b, hi - int(starts[b])))
    return cuts


def dataset_blocks(ds: ray.data.Dataset, column: str, batch_size: int, partitions: int) -> _TextBlocks:
    """The documents of a dataset's ``column`` as engine blocks, read, cut and joined on the workers.

    Document ``i`` is the ``i``-th row in the dataset's order. A block holds ``batch_size`` consecutive documents
    (the last fewer), or fewer so that there are at least ``partitions`` blocks when there are enough documents,
    whatever the dataset's own blocks (:func:`block_cuts`). The driver receives each block's row count and its
    documents' lengths.
    """
    names = list(ds.schema().names) if ds.schema() is not None else []
    if column not in names:
        raise InvalidOptionError(f"the dataset has no column {column!r}; its columns: {', '.join(names) or 'none'}")
    ds = ds.select_columns([column])
    ds.context.execution_options.preserve_order = True
    entries = [(e.ref, e.metadata.num_rows) for b in ds.materialize().iter_internal_ref_bundles() for e in b.blocks]
    entries = [(ref, rows) for ref, rows in entries if rows]
    rows = np.array([rows for _, rows in entries], dtype=np.int64)
    n = int(rows.sum())
    size = _block_size(n, batch_size, partitions)
    task = _remote(_piece).options(num_returns=2)
    blocks, lengths = _TextBlocks(), []
    for first, (a, lo, b, hi) in zip(range(0, n, size), block_cuts(rows, size)):
        table, sizes = task.remote(lo, hi, first, column, *(ref for ref, _ in entries[a : b + 1]))
        blocks.refs.append(table)
        lengths.append(sizes)
    blocks.lengths = list(_ordered_results(lengths))  # in order: a bad record's error names the first, as one machine
    blocks.docs = n
    return blocks


def _filesystem(out: str | Path) -> tuple[Any, str, str]:
    """``out`` (a folder, or a ``pyarrow.fs`` URI every node reaches) as its filesystem, its root
    path in it, and the URI the workers are given."""
    import pyarrow.fs

    uri = str(out) if "://" in str(out) else str(Path(out).absolute())
    filesystem, root = pyarrow.fs.FileSystem.from_uri(uri)
    return filesystem, root, uri


def _write_block(batch: Any, *, plans: BlockPlans, out: str) -> Any:
    """map_batches: clean a block of (index, text) rows with its plan and write it to ``out``; one row
    (``name``, ``first``, ``documents``) for the manifest."""
    import pyarrow as pa

    index = batch.column("index").to_numpy()
    if not len(index):
        return pa.table(
            {
                "name": pa.array([], pa.string()),
                "first": pa.array([], pa.int64()),
                "documents": pa.array([], pa.int64()),
            }
        )
    first = int(index[0])
    cleaned = plans.apply(strings_of(batch.column("text")), first)
    rows = "".join(
        json.dumps({"index": first + k, **c.to_dict()}, ensure_ascii=False) + "\n" for k, c in enumerate(cleaned)
    )
    name = f"part-{first:012d}.jsonl"
    filesystem, root, _ = _filesystem(out)
    with filesystem.open_output_stream(f"{root}/{name}") as stream:
        stream.write(rows.encode("utf-8", "surrogatepass"))
    return pa.table({"name": [name], "first": [first], "documents": [len(cleaned)]})


def write_cleaned(blocks: _TextBlocks, plan: CleanPlan, out: str) -> dict[str, Any]:
    """Clean every block with ``plan`` and write it from its worker under ``out`` (a folder or a
    ``pyarrow.fs`` URI that every node reaches); the driver writes ``manifest.json``. Returns the manifest."""
    filesystem, root, uri = _filesystem(out)
    filesystem.create_dir(root, recursive=True)
    written = blocks.dataset().map_batches(
        _write_block, batch_format="pyarrow", batch_size=None, fn_kwargs={"plans": blocks.plans(plan), "out": uri}
    )
    files = sorted(written.take_all(), key=lambda row: row["first"])
    manifest = {
        "format": MANIFEST_FORMAT,
        "documents": blocks.docs,
        "files": [{"name": f["name"], "first": int(f["first"]), "documents": int(f["documents"])} for f in files],
    }
    with filesystem.open_output_stream(f"{root}/manifest.json") as stream:
        stream.write((json.dumps(manifest, indent=2) + "\n").encode("utf-8"))
    return manifest


def read_cleaned(out: str | Path) -> Iterator[Cleaned]:
    """The cleaned documents :func:`write_cleaned` wrote under ``out``, in document order."""
    filesystem, root, _ = _filesystem(out)
    with filesystem.open_input_stream(f"{root}/manifest.json") as stream:
        manifest = json.loads(stream.read().decode("utf-8"))
    if manifest.get("format") != MANIFEST_FORMAT:
        raise InvalidOptionError(f"{out}/manifest.json: format {manifest.get('format')}, not {MANIFEST_FORMAT}")
    expected = 0
    for entry in manifest["files"]:
        if entry["first"] != expected:
            raise InvalidOptionError(f"{out}/manifest.json: documents {expected}..{entry['first'] - 1} are missing")
        with filesystem.open_input_stream(f"{root}/{entry['name']}") as stream:
            lines = stream.read().decode("utf-8", "surrogatepass").split("\n")[:-1]  # JSON escapes "\n" in strings
        if len(lines) != entry["documents"]:
            raise InvalidOptionError(
                f"{out}/{entry['name']}: {len(lines)} documents, the manifest: {entry['documents']}"
            )
        for line in lines:
            row = json.loads(line)
            row.pop("index")
            yield Cleaned.from_dict(row)
        expected += entry["documents"]
