"""The same pipeline on a Ray cluster (``pip install 'dedup[ray]'``).

Everything here returns what the single-machine functions return, for the same input,
options and seed: the Ray engine only decides *where* the work runs. Ray is imported when
it is first needed, so ``import dedup`` never needs it.

A :class:`RayClusterEngine` clusters matching views (the contract of
:func:`dedup.near.cluster_views`) in phases, each a small pure function over numpy
arrays that Ray Data runs on partitions of the data:

    blocks     the views go into the object store, in blocks of consecutive documents   (driver)
    sketch     map_batches: signatures → band keys → one (part, band, key, doc) row per band (workers)
    band       groupby(part).map_groups: every (band, key) bucket of a hash partition
               → candidate pairs with ``candidate_pairs``' semantics (star above max_bucket)  (workers)
    verify     groupby(block pair).map_groups: duplicates of a pair meet in one group and are
               dropped; exact Jaccard / containment on the shingle sets of the two view blocks (workers)
    cluster    connected components of the verified edges: on the driver when they number at
               most ``edge_limit``, else large-star / small-star rounds on Ray            (driver | workers)
    represent  representatives on the driver; each member's Jaccard to its representative
               in workers, grouped by block pair as in verify                             (driver + workers)

:func:`find_duplicates`, :func:`clean_report` and :func:`clean` take a ``ray.data.Dataset``
(a text column, ``"text"`` by default) or in-memory texts, and feed :class:`RayFinder` and
:class:`RayCleaner` batch by batch (what ``dedup find|clean --engine ray`` do with the files
they read): the texts stream through the driver into the object store; workers sketch each
block (:func:`dedup.clean.sketch_batch` in Ray tasks), the plan is made on the driver with
every document clustering on the engine, and one ``map_batches`` cleans the blocks with it.
What stays on the driver, and its memory, is listed under Notes of :func:`clean_report`.
"""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .arrays import sorted_unique
from .boilerplate import BoilerplateOptions, LineTable, analyse_table, concat_line_tables, line_table
from .clean import CleanOptions, CleanPlan, CleanReport, Sketch, SketchBuilder, apply_plan, plan_clean, sketch_batch
from .cluster import Cluster, cluster_pairs, clusters_of_labels
from .duplicates import DuplicateOptions, duplicate_clusters
from .near import NearOptions
from .shingle import shingle_sets
from .errors import DedupError, InvalidOptionError, InvalidTextError, check_texts, checked_texts
from .lsh import LSHParams, band_keys, candidate_pairs
from .minhash import signatures
from .normalize import NormalizeOptions, matching_texts
from .removals import Cleaned, Removal
from .store import batches
from .verify import VerifiedPairs, measures, verify_pairs

if TYPE_CHECKING:  # pragma: no cover
    import ray.data

__all__ = [
    "RayClusterEngine",
    "RayRunError",
    "RayCleaner",
    "RayFinder",
    "RayUnavailableError",
    "band_rows",
    "bucket_pairs",
    "clean",
    "clean_report",
    "cluster_cpus",
    "connect",
    "find_duplicates",
    "labels_of_stars",
    "large_star",
    "line_table_on_ray",
    "partition_of",
    "require_ray",
    "small_star",
    "star_components",
]

INSTALL_HINT = "pip install 'dedup[ray]'"
_EMPTY_PAIRS = np.empty((0, 2), dtype=np.int64)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


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


# --------------------------------------------------------------------------- pure array steps


def _mix64(values: np.ndarray) -> np.ndarray:
    """SplitMix64 finalizer of int64/uint64 values: uint64, same shape."""
    x = values.astype(np.uint64)
    x ^= x >> np.uint64(30)
    x *= _M1
    x ^= x >> np.uint64(27)
    x *= _M2
    x ^= x >> np.uint64(31)
    return x


def partition_of(values: np.ndarray, partitions: int) -> np.ndarray:
    """Hash partition of every value: int64 ``[len(values)]`` in ``[0, partitions)``.

    Parameters
    ----------
    values : np.ndarray
        int64 or uint64 ``[m]``.
    partitions : int
    """
    return (_mix64(values) % np.uint64(partitions)).astype(np.int64)


def band_rows(doc: np.ndarray, keys: np.ndarray, partitions: int) -> dict[str, np.ndarray]:
    """One row per (document, band), keyed for the shuffle by its bucket.

    Parameters
    ----------
    doc : np.ndarray
        int64 ``[n]``, document indices.
    keys : np.ndarray
        uint64 ``[n, bands]``, from :func:`dedup.lsh.band_keys`.
    partitions : int
        Hash partitions of the (band, key) buckets.

    Returns
    -------
    dict of np.ndarray
        ``part`` int64, ``band`` int32, ``key`` uint64, ``doc`` int64, each ``[n * bands]``.
        All rows of one bucket share ``part``.
    """
    n, bands = keys.shape
    band = np.tile(np.arange(bands, dtype=np.int32), n)
    key = keys.reshape(-1).astype(np.uint64)
    return {
        "part": partition_of(key ^ band.astype(np.uint64), partitions),
        "band": band,
        "key": key,
        "doc": np.repeat(doc.astype(np.int64), bands),
    }


def bucket_pairs(band: np.ndarray, key: np.ndarray, doc: np.ndarray, *, max_bucket: int) -> np.ndarray:
    """Candidate pairs of complete LSH buckets: what :func:`dedup.lsh.candidate_pairs` gives them.

    Parameters
    ----------
    band : np.ndarray
        int ``[m]``, band of each row.
    key : np.ndarray
        uint64 ``[m]``, band key of each row.
    doc : np.ndarray
        int64 ``[m]``, document of each row; a document has at most one row per band, and
        every document with a given (band, key) is among the rows.
    max_bucket : int
        A bucket larger than this gives a star (every member paired with its smallest
        document), as in :func:`dedup.lsh.candidate_pairs`.

    Returns
    -------
    np.ndarray
        int64 ``[p, 2]``, each row ``(i, j)`` with ``i < j``, rows unique and sorted.
    """
    band, key, doc = np.asarray(band), np.asarray(key, dtype=np.uint64), np.asarray(doc, dtype=np.int64)
    order = np.lexsort((doc, band))  # documents ascending inside each band: local order = document order
    band, key, doc = band[order], key[order], doc[order]
    starts = np.flatnonzero(np.concatenate(([True], band[1:] != band[:-1]))) if band.size else np.empty(0, np.int64)
    ends = np.append(starts[1:], band.size)
    found = [_EMPTY_PAIRS]
    for lo, hi in zip(starts.tolist(), ends.tolist()):
        local = candidate_pairs(key[lo:hi, None], max_bucket=max_bucket)
        found.append(doc[lo:hi][local])
    return _unique_pairs(np.concatenate(found))


def _unique_pairs(pairs: np.ndarray) -> np.ndarray:
    """Distinct rows of int64 ``[p, 2]``, sorted."""
    if not len(pairs):
        return _EMPTY_PAIRS
    return np.unique(pairs.astype(np.int64, copy=False), axis=0)


def _adjacency(u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct directed rows without self-loops, sorted by ``u``, and ``min(u, N(u))`` of every row.

    Returns
    -------
    u, v : np.ndarray
        int64 ``[k]``.
    low : np.ndarray
        int64 ``[k]``, the smallest of ``u`` and its neighbours (in these rows), per row.
    """
    rows = _unique_pairs(np.stack([u, v], axis=1)) if len(u) else _EMPTY_PAIRS
    rows = rows[rows[:, 0] != rows[:, 1]]
    u, v = rows[:, 0], rows[:, 1]
    starts = np.flatnonzero(np.concatenate(([True], u[1:] != u[:-1]))) if u.size else np.empty(0, np.int64)
    group_min = np.minimum(np.minimum.reduceat(v, starts), u[starts]) if u.size else np.empty(0, np.int64)
    return u, v, np.repeat(group_min, np.diff(np.append(starts, u.size)))


def large_star(u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, int]:
    """One large-star step (Kiveris et al., 2014): every node links its larger neighbours to
    the smallest node of its closed neighbourhood.

    Parameters
    ----------
    u, v : np.ndarray
        int64 ``[k]``, directed rows ``v ∈ N(u)`` holding every neighbour of each ``u``
        present (both directions of every edge are given; duplicates allowed).

    Returns
    -------
    edges : np.ndarray
        int64 ``[e, 2]``, ``(m(u), v)`` for every ``v ∈ N(u)`` with ``v > u``, where
        ``m(u) = min({u} ∪ N(u))``; rows ``(a, b)`` with ``a < b``, unique and sorted.
    changed : int
        Edges replaced (``m(u) < u``); 0 for every node means the step changed nothing.
    """
    u, v, low = _adjacency(np.asarray(u, np.int64), np.asarray(v, np.int64))
    larger = v > u
    changed = int(np.count_nonzero(larger & (low < u)))
    return _unique_pairs(np.stack([low[larger], v[larger]], axis=1)), changed


def small_star(u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, int]:
    """One small-star step: every node links itself and its smaller neighbours to the
    smallest of them.

    Parameters
    ----------
    u, v : np.ndarray
        As for :func:`large_star`.

    Returns
    -------
    edges : np.ndarray
        int64 ``[e, 2]``: for every ``u`` with smaller neighbours ``S(u)``, with
        ``m = min(S(u))``, the rows ``(m, w)`` for ``w ∈ S(u) ∪ {u}``, ``w ≠ m``; unique, sorted.
    changed : int
        Edges replaced: ``|S(u)| - 1`` summed over those nodes.
    """
    u, v = np.asarray(u, np.int64), np.asarray(v, np.int64)
    smaller = v < u
    u, v, low = _adjacency(u[smaller], v[smaller])
    if not u.size:
        return _EMPTY_PAIRS, 0
    owners = sorted_unique(u)
    centre_of_owner = low[np.searchsorted(u, owners)]
    changed = int(u.size - owners.size)
    keep = v != low
    edges = np.concatenate([np.stack([low[keep], v[keep]], axis=1), np.stack([centre_of_owner, owners], axis=1)])
    return _unique_pairs(edges), changed


def _both_directions(edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Directed rows of undirected edges: ``u``, ``v`` int64 ``[2e]``."""
    return np.concatenate([edges[:, 0], edges[:, 1]]), np.concatenate([edges[:, 1], edges[:, 0]])


def labels_of_stars(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Component labels from converged stars: every leaf's one smaller neighbour is its centre.

    Parameters
    ----------
    n : int
    u, v : np.ndarray
        int64 ``[k]``, directed rows of a star forest whose centres are their components' minima.

    Returns
    -------
    np.ndarray
        int64 ``[n]``, as :func:`dedup.cluster.connected_components`.
    """
    labels = np.arange(n, dtype=np.int64)
    leaf = v < u
    labels[u[leaf]] = v[leaf]
    return labels


def star_components(n: int, pairs: np.ndarray, *, max_rounds: int = 1000) -> np.ndarray:
    """Connected components by alternating large-star and small-star until nothing changes.

    The in-process form of what :class:`RayClusterEngine` runs on Ray above its edge limit;
    labels equal :func:`dedup.cluster.connected_components` (the smallest member).

    Parameters
    ----------
    n : int
        Number of nodes.
    pairs : np.ndarray
        int64 ``[m, 2]`` undirected edges.
    max_rounds : int
        Guard; the steps converge in O(log² n) rounds.

    Returns
    -------
    np.ndarray
        int64 ``[n]``.
    """
    edges = _unique_pairs(np.sort(np.asarray(pairs, dtype=np.int64).reshape(-1, 2), axis=1))
    for _ in range(max_rounds):
        edges, changed_large = large_star(*_both_directions(edges))
        edges, changed_small = small_star(*_both_directions(edges))
        if changed_large + changed_small == 0:
            return labels_of_stars(n, *_both_directions(edges))
    raise RuntimeError(f"large-star/small-star did not converge in {max_rounds} rounds")


# --------------------------------------------------------------------------- Ray Data steps (run in workers)


def _sketch_block(batch: Any, *, num_perm: int, ngram: int, seed: int, scheme: str, params: LSHParams, partitions: int) -> dict[str, np.ndarray]:
    """map_batches: a block of (index, view) rows → its band rows (see :func:`band_rows`)."""
    doc = batch.column("index").to_numpy().astype(np.int64)
    views = batch.column("view").to_pylist()
    # Ray gives each task one CPU: one thread here, Ray supplies the parallelism.
    sigs = signatures(views, num_perm=num_perm, ngram=ngram, seed=seed, scheme=scheme, workers=1)
    return band_rows(doc, band_keys(sigs, params), partitions)


def _pair_rows(pairs: np.ndarray, block_size: int, n_blocks: int) -> dict[str, np.ndarray]:
    """Pairs as rows keyed by the pair of view blocks they need: ``left``, ``right``, ``blocks`` int64."""
    return {
        "left": pairs[:, 0].copy(),
        "right": pairs[:, 1].copy(),
        "blocks": (pairs[:, 0] // block_size) * n_blocks + pairs[:, 1] // block_size,
    }


def _candidates_of_partition(batch: dict[str, np.ndarray], *, max_bucket: int, block_size: int, n_blocks: int) -> dict[str, np.ndarray]:
    """map_groups over ``part``: one hash partition's buckets → candidate pair rows."""
    pairs = bucket_pairs(batch["band"], batch["key"], batch["doc"], max_bucket=max_bucket)
    return _pair_rows(pairs, block_size, n_blocks)


def _views_of(docs: np.ndarray, blocks: Sequence[Any], block_size: int) -> list[str]:
    """Views of ascending document indices, fetched from their blocks in the object store."""
    import ray

    views: list[str] = []
    block_of = docs // block_size
    for b in sorted_unique(block_of).tolist():
        table = ray.get(blocks[b])
        views.extend(table.column("view").take(docs[block_of == b] - b * block_size).to_pylist())
    return views


def _verify_block_pair(
    batch: dict[str, np.ndarray], *, blocks: Sequence[Any], block_size: int, ngram: int, threshold: float, containment: float | None
) -> dict[str, np.ndarray]:
    """map_groups over ``blocks``: distinct candidate pairs of two view blocks → verified edges."""
    pairs = _unique_pairs(np.stack([batch["left"], batch["right"]], axis=1))
    involved = sorted_unique(pairs)
    set_hashes, set_offsets = shingle_sets(_views_of(involved, blocks, block_size), ngram)
    verified = verify_pairs(set_hashes, set_offsets, np.searchsorted(involved, pairs), threshold=threshold, containment_threshold=containment)
    edges = involved[verified.pairs].reshape(-1, 2)
    share = verified.share if verified.share is not None else np.zeros((0, 2))
    return {
        "left": edges[:, 0].copy(),
        "right": edges[:, 1].copy(),
        "jaccard": verified.jaccard,
        "containment": verified.containment,
        "share_left": share[:, 0].copy(),
        "share_right": share[:, 1].copy(),
    }


def _similarity_block_pair(batch: dict[str, np.ndarray], *, blocks: Sequence[Any], block_size: int, ngram: int) -> dict[str, np.ndarray]:
    """map_groups over ``blocks``: exact Jaccard and the member's share in the representative of (representative, member) rows, by row id."""
    pairs = np.stack([batch["left"], batch["right"]], axis=1)
    involved = sorted_unique(pairs)
    set_hashes, set_offsets = shingle_sets(_views_of(involved, blocks, block_size), ngram)
    measured = measures(set_hashes, set_offsets, np.searchsorted(involved, pairs))
    return {"row": batch["row"], "jaccard": measured[:, 0].copy(), "coverage": measured[:, 3].copy()}


def _directed_rows(edges: np.ndarray, partitions: int, changed: int) -> dict[str, np.ndarray]:
    """Undirected edges as directed rows partitioned by their source node.

    Returns ``part``, ``u``, ``v`` int64 ``[2e]`` and ``changed`` int64 (the step's count on
    the first row, 0 elsewhere, so that summing the column gives the total).
    """
    u, v = _both_directions(edges)
    flag = np.zeros(u.size, dtype=np.int64)
    if u.size:
        flag[0] = changed
    return {"part": partition_of(u, partitions), "u": u, "v": v, "changed": flag}


def _edge_rows(batch: dict[str, np.ndarray], *, partitions: int) -> dict[str, np.ndarray]:
    """map_batches: verified edges → directed rows for the first star step."""
    return _directed_rows(np.stack([batch["left"], batch["right"]], axis=1), partitions, 0)


def _large_star_group(batch: dict[str, np.ndarray], *, partitions: int) -> dict[str, np.ndarray]:
    """map_groups over ``part``: :func:`large_star` on the complete adjacency of the partition's nodes."""
    edges, changed = large_star(batch["u"], batch["v"])
    return _directed_rows(edges, partitions, changed)


def _small_star_group(batch: dict[str, np.ndarray], *, partitions: int) -> dict[str, np.ndarray]:
    """map_groups over ``part``: :func:`small_star` on the complete adjacency of the partition's nodes."""
    edges, changed = small_star(batch["u"], batch["v"])
    return _directed_rows(edges, partitions, changed)


def _views_block(batch: Any, *, options: NormalizeOptions) -> Any:
    """map_batches: a block of (index, text) rows → ``index``, matching ``view`` and text ``length``."""
    import pyarrow as pa

    texts = batch.column("text").to_pylist()
    return pa.table(
        {
            "index": batch.column("index"),
            "view": pa.array(matching_texts(texts, options), type=pa.large_string()),
            "length": pa.array(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))),
        }
    )


# --------------------------------------------------------------------------- driver side helpers


def _put_block(strings: Sequence[str], first: int, column: str = "text") -> Any:
    """One block of consecutive documents in the object store: a ``pyarrow.Table`` of ``index`` and ``column``."""
    import pyarrow as pa
    import ray

    return ray.put(pa.table({"index": np.arange(first, first + len(strings), dtype=np.int64), column: pa.array(strings, type=pa.large_string())}))


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


@dataclass(frozen=True)
class _Blocks:
    """Consecutive documents' strings in the object store.

    Attributes
    ----------
    refs : list of ObjectRef
        One ``pyarrow.Table`` (``index`` int64, ``column`` string) per block.
    size : int
        Documents per block (the last may hold fewer): document ``i`` is in block ``i // size``.
    """

    refs: list[Any]
    size: int

    @classmethod
    def put(cls, values: Sequence[str], column: str, size: int) -> _Blocks:
        return cls([_put_block(values[lo : lo + size], lo, column) for lo in range(0, len(values), size)], size)

    def dataset(self) -> ray.data.Dataset:
        import ray.data

        return _prepare(ray.data.from_arrow_refs(self.refs))


def _block_size(n: int, batch_size: int, partitions: int) -> int:
    """Documents per block: at most ``batch_size``, and at least ``partitions`` blocks when there are enough documents."""
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
    import pyarrow as pa
    import ray
    import ray.data

    length = len(next(iter(columns.values())))
    size = max(1, math.ceil(length / max(n_blocks, 1)))
    refs = [ray.put(pa.table({c: a[lo : lo + size] for c, a in columns.items()})) for lo in range(0, length, size)]
    return _prepare(ray.data.from_arrow_refs(refs))


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


# --------------------------------------------------------------------------- the engine


@dataclass(frozen=True)
class RayClusterEngine:
    """Clusters matching views on Ray, exactly as :func:`dedup.near.cluster_views`.

    Pass it as ``engine=`` to :func:`dedup.duplicates.duplicate_clusters`,
    :func:`dedup.boilerplate.analyse_lines` or :func:`dedup.clean.clean_report`, or call it
    with ``(views, lengths, options)``. Ray must be up (:func:`connect`), else a local Ray
    is started.

    Attributes
    ----------
    partitions : int, optional
        Hash partitions of every shuffle; default: the cluster's CPUs.
    edge_limit : int
        With ``clustering="connected"``: verified edges brought to the driver for
        :func:`dedup.cluster.connected_components` (16 bytes each, plus 8 bytes a document
        for the labels). Above it, components are found by large-star/small-star rounds on
        Ray and only the final stars (one edge per duplicate document) reach the driver. 0
        always uses the rounds. Centre clustering (the default) always brings the verified
        edges and their measures (48 bytes each) to the driver.
    max_rounds : int
        Guard on the large-star/small-star rounds (they converge in O(log² n)).

    Notes
    -----
    Each Ray task sketches with one thread (``DuplicateOptions.workers`` is not used): Ray
    gives a task one CPU and supplies the parallelism. Results never depend on
    ``partitions``, the block size or the number of workers.
    """

    partitions: int | None = None
    edge_limit: int = 20_000_000
    max_rounds: int = 200

    def __post_init__(self) -> None:
        if self.partitions is not None and self.partitions < 1:
            raise InvalidOptionError(f"partitions must be >= 1, got {self.partitions}")
        if self.edge_limit < 0:
            raise InvalidOptionError(f"edge_limit must be >= 0, got {self.edge_limit}")

    def __call__(self, views: Sequence[str], lengths: np.ndarray, options: NearOptions) -> list[Cluster]:
        """Near-duplicate clusters of matching views (see :func:`dedup.near.cluster_views`).

        Parameters
        ----------
        views : sequence of str
            One matching view per document.
        lengths : np.ndarray
            int64 ``[len(views)]``, original text lengths (for ``representative="longest"``).
        options : NearOptions

        Returns
        -------
        list of Cluster
            Equal to ``cluster_views(views, lengths, options)``.
        """
        params = options.lsh
        n = len(views)
        if n < 2:
            return []
        partitions = self.partitions or cluster_cpus()
        blocks = _Blocks.put(list(views), "view", _block_size(n, options.batch_size, partitions))
        n_blocks = len(blocks.refs)

        # sketch → band → verify: one Ray Data pipeline, two shuffles
        verified = (
            blocks.dataset()
            .map_batches(
                _sketch_block,
                batch_format="pyarrow",
                batch_size=None,
                fn_kwargs={"num_perm": options.num_perm, "ngram": options.ngram, "seed": options.seed, "scheme": options.scheme, "params": params, "partitions": partitions},
            )
            .groupby("part")
            .map_groups(_candidates_of_partition, batch_format="numpy", fn_kwargs={"max_bucket": options.max_bucket, "block_size": blocks.size, "n_blocks": n_blocks})
            .groupby("blocks")
            .map_groups(
                _verify_block_pair,
                batch_format="numpy",
                fn_kwargs={"blocks": blocks.refs, "block_size": blocks.size, "ngram": options.ngram, "threshold": options.threshold, "containment": options.containment},
            )
            .materialize()
        )
        n_edges = verified.count()
        if not n_edges:
            return []

        # cluster: centres need every verified pair and its measures on the driver (48 bytes
        # each); connected components above edge_limit are found by rounds on Ray
        measure = functools.partial(self._measures, blocks=blocks, ngram=options.ngram)
        if options.clustering == "center" or n_edges <= self.edge_limit:
            columns = _collect(verified, ("left", "right", "jaccard", "containment", "share_left", "share_right"))
            # rows (left < right, as bucket_pairs makes them) in any order: the clusters do not depend on it
            pairs = VerifiedPairs(_edges_of(columns), columns["jaccard"], columns["containment"], np.stack([columns["share_left"], columns["share_right"]], axis=1))
            return cluster_pairs(n, pairs.pairs, functools.partial(pairs.measures_or, measure_rest=measure), clustering=options.clustering, representative=options.representative, lengths=lengths)
        labels = self._star_labels(n, verified, partitions)
        # represent: each member's Jaccard and coverage by its representative, in workers
        return clusters_of_labels(labels, options.representative, lengths, measure)

    def _star_labels(self, n: int, verified: ray.data.Dataset, partitions: int) -> np.ndarray:
        """Component labels by large-star/small-star rounds on Ray: int64 ``[n]``."""
        directed = _restart(verified.map_batches(_edge_rows, batch_format="numpy", fn_kwargs={"partitions": partitions}))
        for _ in range(self.max_rounds):
            changed = 0
            for step in (_large_star_group, _small_star_group):
                directed = _restart(directed.groupby("part").map_groups(step, batch_format="numpy", fn_kwargs={"partitions": partitions}))
                changed += int(directed.sum("changed") or 0)
            if changed == 0:
                stars = _collect(directed, ("u", "v"))
                return labels_of_stars(n, stars["u"].astype(np.int64), stars["v"].astype(np.int64))
        raise RuntimeError(f"large-star/small-star did not converge in {self.max_rounds} rounds")

    @staticmethod
    def _measures(rep_all: np.ndarray, member_all: np.ndarray, *, blocks: _Blocks, ngram: int) -> tuple[np.ndarray, np.ndarray]:
        """Exact Jaccard and coverage of every (representative, member) pair, computed in workers: float64 ``[len(member_all)]`` each."""
        rows = _pair_rows(np.stack([rep_all, member_all], axis=1), blocks.size, len(blocks.refs))
        rows["row"] = np.arange(member_all.size, dtype=np.int64)
        out = _collect(
            _dataset_of_columns(rows, len(blocks.refs))
            .groupby("blocks")
            .map_groups(_similarity_block_pair, batch_format="numpy", fn_kwargs={"blocks": blocks.refs, "block_size": blocks.size, "ngram": ngram})
            .materialize(),
            ("row", "jaccard", "coverage"),
        )
        jaccard = np.empty(member_all.size, dtype=np.float64)
        coverage = np.empty(member_all.size, dtype=np.float64)
        jaccard[out["row"]] = out["jaccard"]
        coverage[out["row"]] = out["coverage"]
        return jaccard, coverage


# --------------------------------------------------------------------------- finders and clean over a Dataset


def _is_dataset(data: Any) -> bool:
    try:
        from ray.data import Dataset
    except ImportError:
        return False
    return isinstance(data, Dataset)


def _dataset_texts(data: ray.data.Dataset, text_column: str) -> Iterator[list[Any]]:
    """Batches of the text column of a dataset, in the dataset's order."""
    schema = data.schema()
    names = list(schema.names) if schema is not None else []
    if text_column not in names:
        raise InvalidOptionError(f"the dataset has no column {text_column!r}; its columns: {', '.join(names) or 'none'}")
    options = data.context.execution_options
    preserve = options.preserve_order
    options.preserve_order = True
    try:
        for batch in data.select_columns([text_column]).iter_batches(batch_format="pyarrow", batch_size=None):
            yield batch.column(text_column).to_pylist()
    finally:
        options.preserve_order = preserve


def _item_texts(items: Iterable[Any], text_column: str) -> list[Any]:
    texts = []
    for index, item in enumerate(items):
        if isinstance(item, Mapping):
            if text_column not in item:
                raise InvalidTextError(index, f"no field {text_column!r}")
            item = item[text_column]
        texts.append(item)
    return texts


def _data_batches(data: ray.data.Dataset | Iterable[Any], text_column: str, batch_size: int, partitions: int) -> Iterator[list[str]]:
    """The texts of ``data`` in order, checked, in batches of consecutive documents.

    A batch holds at most ``batch_size`` documents, and there are at least ``partitions``
    batches when there are enough documents (a dataset's rows are counted first; in-memory
    items are taken as they are). A dataset streams through the driver batch by batch.
    """
    if _is_dataset(data):
        n = data.count()
        texts: Iterable[Any] = (t for batch in _dataset_texts(data, text_column) for t in batch)
    else:
        items = _item_texts(data, text_column)
        n, texts = len(items), items
    yield from batches(checked_texts(texts), max_chars=sys.maxsize, max_items=_block_size(n, batch_size, partitions))


def _block_texts(block: Any) -> list[str]:
    return block.column("text").to_pylist()


def _line_table_of_block(block: Any, options: BoilerplateOptions) -> LineTable:
    """Ray task: :func:`line_table` of a block of (index, text) rows, for comparing documents (``cuts=False``)."""
    return line_table(_block_texts(block), options, cuts=False)


def _sketch_of_block(block: Any, options: CleanOptions, with_clusters: bool) -> Sketch:
    """Ray task: :func:`dedup.clean.sketch_batch` of a block of (index, text) rows."""
    return sketch_batch(_block_texts(block), options, with_clusters=with_clusters)


def _ordered_results(refs: Sequence[Any]) -> Iterator[Any]:
    """The results of tasks already running, fetched one at a time in order."""
    import ray

    for ref in refs:
        yield ray.get(ref)


class _TextBlocks:
    """Blocks of consecutive documents, put into the object store as they come.

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
        """Put the next block; its ObjectRef."""
        texts = check_texts(texts, self.docs)
        ref = _put_block(texts, self.docs)
        self.refs.append(ref)
        self.lengths.append(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))
        self.docs += len(texts)
        return ref

    def all_lengths(self) -> np.ndarray:
        """int64 ``[docs]``."""
        return np.concatenate(self.lengths) if self.lengths else np.zeros(0, dtype=np.int64)

    def dataset(self) -> ray.data.Dataset:
        import ray.data

        return _prepare(ray.data.from_arrow_refs(self.refs))


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


def line_table_on_ray(texts: Sequence[str], options: BoilerplateOptions = BoilerplateOptions(), *, batch_size: int = 10_000, partitions: int | None = None) -> LineTable:
    """``line_table(texts, options, cuts=False)`` (the table documents are compared on), computed block by block in workers.

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
    """

    def __init__(self, options: DuplicateOptions, *, engine: RayClusterEngine | None = None) -> None:
        self.options = options
        self.engine = engine or RayClusterEngine()
        self.blocks = _TextBlocks()

    def add(self, texts: Sequence[str]) -> None:
        """Take the next batch of documents."""
        self.blocks.put(texts)

    def clusters(self) -> list[Cluster]:
        """The clusters of every document taken (equal to :func:`dedup.find_duplicates`)."""
        opts, n = self.options, self.blocks.docs
        if n < 2:
            return []
        lengths = self.blocks.all_lengths()
        if opts.strip_boilerplate:
            table = _line_tables_on_ray(self.blocks, opts.boilerplate)
            return duplicate_clusters([], opts, analysis=analyse_table(table, lengths, opts.boilerplate, self.engine), engine=self.engine)
        return self.engine(_views_on_ray(self.blocks, opts.normalize), lengths, opts)


class RayCleaner:
    """The phases of :mod:`dedup.clean` on Ray, fed batch by batch (what ``dedup clean --engine ray`` runs).

    :meth:`add` puts a batch into the object store and starts sketching it in a worker;
    :meth:`plan` joins the sketches on the driver in order (their strings to ``spill`` if
    given) and plans, every document clustering on the engine; :meth:`cleaned` cleans the
    blocks with the plan in one ``map_batches`` and hands the documents back in order.

    Parameters
    ----------
    options : CleanOptions
    with_clusters : bool
        Plan near-duplicate documents even without ``cross_document``.
    spill : Path, optional
        A folder on the driver for the sketch's strings.
    engine : RayClusterEngine, optional
    """

    def __init__(self, options: CleanOptions, *, with_clusters: bool = True, spill: Path | None = None, engine: RayClusterEngine | None = None) -> None:
        self.options = options
        self.with_clusters = with_clusters
        self.spill = spill
        self.engine = engine or RayClusterEngine()
        self.blocks = _TextBlocks()
        self._sketches: list[Any] = []

    def add(self, texts: Sequence[str]) -> None:
        """Take the next batch of documents and start sketching it."""
        ref = self.blocks.put(texts)
        self._sketches.append(_remote(_sketch_of_block).remote(ref, self.options, self.with_clusters))

    def plan(self) -> CleanPlan:
        """The plan of every document taken."""
        builder = SketchBuilder(self.options, with_clusters=self.with_clusters, spill=self.spill)
        for part in _ordered_results(self._sketches):
            builder.add(part)
        return plan_clean(builder.result(), self.options, with_clusters=self.with_clusters, engine=self.engine)

    def cleaned(self, plan: CleanPlan, texts_again: Any = None) -> Iterator[tuple[int, list[Cleaned]]]:
        """``(first document, cleaned documents)`` block by block, in order.

        ``texts_again`` (the command line's second read of the inputs) is not used: the
        texts are in the object store.
        """
        if not self.blocks.refs:
            return
        import ray

        # Workers need only the cuts: the findings stay on the driver.
        plan_ref = ray.put(replace(plan, report=CleanReport([], [], [], [])))
        applied = self.blocks.dataset().map_batches(_apply_block, batch_format="pyarrow", batch_size=None, fn_kwargs={"plan": plan_ref})
        applied.context.execution_options.preserve_order = True
        for batch in applied.iter_batches(batch_format="pyarrow", batch_size=None):  # Arrow keeps strings exact
            index = batch.column("index").to_pylist()
            if index:
                yield index[0], _cleaned_of_batch(batch)


def _cleaned_of_batch(batch: Any) -> list[Cleaned]:
    """The :class:`Cleaned` documents of one output batch of :func:`_apply_block`."""
    columns = {name: batch.column(f"removed_{name}").to_pylist() for name in _REMOVAL_FIELDS}
    return [
        Cleaned(text, tuple(Removal(*(columns[name][row][k] for name in _REMOVAL_FIELDS)) for k in range(len(columns["start"][row]))))
        for row, text in enumerate(batch.column("text").to_pylist())
    ]


_REMOVAL_FIELDS = tuple(f.name for f in fields(Removal))  # start, end, reason, ref, text, kind


def _apply_block(batch: Any, *, plan: Any) -> Any:
    """map_batches: a block of (index, text) rows → its cleaned ``text`` and ``removed_*`` list columns."""
    import pyarrow as pa
    import ray

    plan = ray.get(plan)
    index = batch.column("index").to_numpy()
    cleaned = apply_plan(_block_texts(batch), plan, int(index[0])) if len(index) else []
    columns: dict[str, Any] = {"index": batch.column("index"), "text": pa.array([c.text for c in cleaned], type=pa.large_string())}
    for name in _REMOVAL_FIELDS:
        columns[f"removed_{name}"] = [[getattr(r, name) for r in c.removed] for c in cleaned]
    columns["removed_text"] = pa.array(columns["removed_text"], type=pa.large_list(pa.large_string()))
    return pa.table(columns)


def _views_on_ray(blocks: _TextBlocks, options: NormalizeOptions) -> list[str]:
    """Matching views of the blocks' documents (list of str), normalized in workers."""
    normalized = blocks.dataset().map_batches(_views_block, batch_format="pyarrow", batch_size=None, fn_kwargs={"options": options})
    index, views = [], []
    for batch in normalized.iter_batches(batch_format="pyarrow", batch_size=None):  # Arrow keeps strings exact
        index.append(batch.column("index").to_numpy())
        views.extend(batch.column("view").to_pylist())
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
    for batch in _data_batches(data, text_column, opts.batch_size, finder.engine.partitions or cluster_cpus()):
        finder.add(batch)
    return finder.clusters()


def clean_report(
    data: ray.data.Dataset | Iterable[Any],
    *,
    cross_document: bool | None = None,
    with_clusters: bool = False,
    options: CleanOptions | None = None,
    text_column: str = "text",
    engine: RayClusterEngine | None = None,
    batch_size: int = 10_000,
    spill: Path | None = None,
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
    spill : Path, optional
        A folder on the driver for the sketch's strings (see :class:`dedup.clean.SketchBuilder`).

    Returns
    -------
    CleanReport

    Notes
    -----
    The phases of :mod:`dedup.clean`, each where its data is:

    - the texts stream through the driver into the object store, one block at a time;
    - sketch: every block in a worker (lines and their keys, paragraphs and their band
      keys); the sketches are joined on the driver, strings to ``spill`` if given;
    - plan: on the driver, from the sketch — classifying the lines, matching the
      paragraphs' band keys — with every document clustering on the engine (the two
      family passes of the boilerplate analysis and, with ``cross_document`` or
      ``with_clusters``, the near-duplicate documents: sketching, banding, verification
      and the representatives' similarities in workers);
    - apply: one ``map_batches`` over the blocks, each worker cleaning its documents with
      the plan's cuts (inline noise is found there); the cleaned documents come back to
      the driver in order.
    """
    if cross_document is not None:
        kwargs["cross_document"] = cross_document
    opts = CleanOptions.from_kwargs(options, **kwargs)
    cleaner = RayCleaner(opts, with_clusters=with_clusters, spill=spill, engine=engine)
    for batch in _data_batches(data, text_column, batch_size, cleaner.engine.partitions or cluster_cpus()):
        cleaner.add(batch)
    plan = cleaner.plan()
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
    return clean_report(data, cross_document=cross_document, options=options, text_column=text_column, engine=engine, **kwargs).cleaned
