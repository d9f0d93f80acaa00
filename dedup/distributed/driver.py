"""Joining a Ray cluster, and the driver's helpers: blocks in the object store, datasets of columns, collecting
results."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import DedupError
from .arrow import string_column
from .steps import _with_partition, each_group

if TYPE_CHECKING:  # pragma: no cover
    import ray.data


INSTALL_HINT = "pip install 'dedup[ray]'"


class RayUnavailableError(DedupError, ImportError):
    """Ray (with Ray Data) is not installed: ``pip install 'dedup[ray]'``."""


class RayRunError(DedupError, RuntimeError):
    """A Ray task failed or the cluster was lost during a run."""


def require_ray() -> Any:
    """The ``ray`` module with ``ray.data``, or :class:`RayUnavailableError` saying how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as error:
        raise RayUnavailableError(
            f"dedup.distributed needs Ray with Ray Data ({error}); install it with: {INSTALL_HINT}"
        ) from error
    return ray


def connect(address: str | None = None, **init_kwargs: Any) -> None:
    """Join the Ray cluster at ``address``, or start a local one; nothing if Ray is already up.

    Parameters
    ----------
    address : str, optional
        ``"auto"``, ``"ray://head:10001"`` (Ray Client) or ``"head:6379"``; None: the
        ``RAY_ADDRESS`` environment variable, else a new local Ray on this machine.
    **init_kwargs
        Passed to ``ray.init`` (for example ``num_cpus`` for a local Ray, ``runtime_env``).
    """
    ray = require_ray()
    if ray.is_initialized():
        return
    problem = _unreachable(address) if address else None
    if problem:
        raise RayRunError(f"cannot reach the Ray cluster at {address}: {problem}")
    ray.init(address=address, **init_kwargs)


def _unreachable(address: str, timeout: float = 5.0) -> str | None:
    """Why a ``host:port`` address does not answer, or None (also for ``auto`` and ``ray://``).

    Ray itself retries an unreachable address for minutes; this answers in seconds.
    """
    import socket

    host, sep, port = address.rpartition(":")
    if "://" in address or not sep or not port.isdigit():
        return None
    try:
        socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout).close()
    except OSError as error:
        return str(error) or type(error).__name__
    return None


def block_table(strings: Sequence[str], first: int, column: str = "text") -> Any:
    """One block of consecutive documents: a ``pyarrow.Table`` of ``index`` (int64, from ``first``) and ``column``
    (:func:`string_column`)."""
    import pyarrow as pa

    return pa.table({"index": np.arange(first, first + len(strings), dtype=np.int64), column: string_column(strings)})


def _put_block(strings: Sequence[str], first: int, column: str = "text") -> Any:
    """One block of consecutive documents in the object store (:func:`block_table`)."""
    import ray

    return ray.put(block_table(strings, first, column))


def _prepare(ds: ray.data.Dataset) -> ray.data.Dataset:
    """Settings of a dataset this module made (its context is its own copy of the current one).

    The pull-based sort shuffle needs no long-lived actors, which keeps a group-by cheap on
    small clusters and costs nothing in robustness on large ones; Ray Data's newer hash
    shuffle starts aggregator actors for every group-by (about 6 s each on two CPUs).
    """
    try:
        from ray.data.context import ShuffleStrategy

        ds.context.shuffle_strategy = ShuffleStrategy.SORT_SHUFFLE_PULL_BASED
    except (ImportError, AttributeError):  # older Ray: the sort shuffle is the default
        pass
    return ds


def grouped(
    ds: ray.data.Dataset, key: str, fn: Any, partitions: int, fn_kwargs: Mapping[str, Any] | None = None
) -> ray.data.Dataset:
    """``ds.groupby(key).map_groups(fn, batch_format="numpy", fn_kwargs=fn_kwargs)`` in ``partitions`` blocks.

    Ray Data's group-by sorts the dataset into as many blocks as it has, so that each of its ``b`` map tasks
    writes ``b`` pieces: ``b²`` objects a shuffle, each with its task and reference in the driver (on a local
    Ray of 2 CPUs, the generated pages at 4× in 41 blocks added 77.8 MB to the driver's heap, 56.3 MB this way;
    README, "On a Ray cluster"). Here the rows are sorted
    by their hash partition (``key`` itself when it is ``"part"``, a partition already; else a ``_part`` column
    is added) with fixed boundaries, so no sample of the keys is taken first and each map task writes
    ``partitions`` pieces; each output block's groups are then found in it (:func:`each_group`).
    """
    kwargs = {"fn": fn, "key": key, "fn_kwargs": dict(fn_kwargs or {})}
    boundaries = list(range(1, partitions)) or [1]  # none: Ray Data would sample them
    if key == "part":
        ordered = ds.sort("part", boundaries=boundaries)
    else:
        ds = ds.map_batches(_with_partition, batch_format="numpy", fn_kwargs={"key": key, "partitions": partitions})
        ordered = ds.sort(["_part", key], boundaries=boundaries)
    return ordered.map_batches(each_group, batch_format="numpy", batch_size=None, fn_kwargs=kwargs)


@dataclass(frozen=True)
class _Blocks:
    """Consecutive documents' strings in the object store.

    Attributes
    ----------
    refs : list of ObjectRef
        One ``pyarrow.Table`` (``index`` int64, ``column`` string) per block.
    starts : np.ndarray
        int64 ``[len(refs) + 1]``: block ``b`` holds documents ``starts[b]:starts[b + 1]``.
    """

    refs: list[Any]
    starts: np.ndarray

    @classmethod
    def put(cls, values: Sequence[str], column: str, size: int) -> _Blocks:
        """Blocks of ``size`` documents (the last may hold fewer)."""
        starts = np.append(np.arange(0, len(values), size, dtype=np.int64), len(values))
        return cls([_put_block(values[lo : lo + size], lo, column) for lo in starts[:-1].tolist()], starts)

    def dataset(self) -> ray.data.Dataset:
        import ray.data

        return _prepare(ray.data.from_arrow_refs(self.refs))


def _block_size(n: int, batch_size: int, partitions: int) -> int:
    """Documents per block: at most ``batch_size``, and at least ``partitions`` blocks when there are enough
    documents."""
    return max(1, min(batch_size, math.ceil(n / max(partitions, 1))))


def cluster_cpus() -> int:
    """CPUs of the Ray cluster (joined, or started, by :func:`connect`)."""
    ray = require_ray()
    connect()
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def _collect(ds: ray.data.Dataset, columns: Sequence[str]) -> dict[str, np.ndarray]:
    """Columns of a (materialized) dataset on the driver, in no particular row order."""
    parts: dict[str, list[np.ndarray]] = {c: [] for c in columns}
    for batch in ds.iter_batches(batch_format="numpy", batch_size=None):
        for c in columns:
            parts[c].append(np.asarray(batch[c]))
    return {c: np.concatenate(p) if p else np.empty(0, dtype=np.int64) for c, p in parts.items()}


def _dataset_of_columns(columns: Mapping[str, np.ndarray], n_blocks: int) -> ray.data.Dataset:
    """A dataset of equal-length numpy columns made on the driver, in about ``n_blocks`` blocks."""
    length = len(next(iter(columns.values())))
    size = max(1, math.ceil(length / max(n_blocks, 1)))
    return _dataset_of_blocks({c: a[lo : lo + size] for c, a in columns.items()} for lo in range(0, length, size))


def _dataset_of_blocks(blocks: Iterable[Mapping[str, np.ndarray]]) -> ray.data.Dataset:
    """A dataset of blocks of numpy columns made on the driver, each put in the object store as it comes (so a caller
    that makes them one at a time holds one at a time)."""
    import pyarrow as pa
    import ray
    import ray.data

    return _prepare(ray.data.from_arrow_refs([ray.put(pa.table(dict(block))) for block in blocks]))


def _ordered_results(refs: Sequence[Any]) -> Iterator[Any]:
    """The results of tasks already running, fetched one at a time in order."""
    import ray

    for ref in refs:
        yield ray.get(ref)


@functools.cache
def _remote(function: Any) -> Any:
    """``ray.remote(function)``, made once per process."""
    return require_ray().remote(function)


def _restart(ds: ray.data.Dataset) -> ray.data.Dataset:
    """Run ``ds`` and start a new dataset from its blocks, so that rounds do not grow one lineage."""
    import ray.data

    return _prepare(ray.data.from_arrow_refs(ds.materialize().to_arrow_refs()))


def _edges_of(columns: Mapping[str, np.ndarray]) -> np.ndarray:
    return np.stack([columns["left"], columns["right"]], axis=1).astype(np.int64).reshape(-1, 2)
