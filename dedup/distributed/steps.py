"""The steps that run in Ray workers: pure functions over numpy arrays (partitions, band rows, bucket pairs) and the Ray
Data batch functions built on them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from ..arrays import sorted_unique, stable_order
from ..centres import COLUMNS as CENTRE_COLUMNS
from ..centres import centre_round, first_rows
from ..copies import whole_pairs
from ..lsh import LSHParams, band_keys, candidate_pairs
from ..minhash import signatures
from ..normalize import NormalizeOptions, matching_texts
from ..shingle import distinct_shingle_sets
from ..stars import (
    _EMPTY_PAIRS,
    _both_directions,
    _unique_pairs,
    large_star,
    small_star,
)
from ..verify import measures, verify_pairs
from .arrow import string_column, strings_of

_M1 = np.uint64(0xBF58476D1CE4E5B9)


_M2 = np.uint64(0x94D049BB133111EB)


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
    order = stable_order(band, doc)  # documents ascending inside each band: local order = document order
    band, key, doc = band[order], key[order], doc[order]
    starts = np.flatnonzero(np.concatenate(([True], band[1:] != band[:-1]))) if band.size else np.empty(0, np.int64)
    ends = np.append(starts[1:], band.size)
    found = [_EMPTY_PAIRS]
    for lo, hi in zip(starts.tolist(), ends.tolist()):
        local = candidate_pairs(key[lo:hi, None], max_bucket=max_bucket)
        found.append(doc[lo:hi][local])
    return _unique_pairs(np.concatenate(found))


def _sketch_block(
    batch: Any, *, num_perm: int, ngram: int, seed: int, scheme: str, params: LSHParams, partitions: int
) -> dict[str, np.ndarray]:
    """map_batches: a block of (index, view) rows → its band rows (see :func:`band_rows`)."""
    doc = batch.column("index").to_numpy().astype(np.int64)
    views = strings_of(batch.column("view"))
    # Ray gives each task one CPU: one thread here, Ray supplies the parallelism.
    sigs = signatures(views, num_perm=num_perm, ngram=ngram, seed=seed, scheme=scheme, workers=1)
    return band_rows(doc, band_keys(sigs, params), partitions)


def block_of(docs: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The block of each document: int64 ``[k]``; block ``b`` holds documents ``starts[b]:starts[b + 1]``
    (``starts``: int64 ``[n_blocks + 1]``, increasing)."""
    return np.searchsorted(starts, docs, side="right") - 1


def _pair_rows(pairs: np.ndarray, starts: np.ndarray) -> dict[str, np.ndarray]:
    """Pairs as rows keyed by the pair of view blocks they need (:func:`block_of`): ``left``, ``right``,
    ``blocks`` int64."""
    n_blocks = starts.size - 1
    return {
        "left": pairs[:, 0].copy(),
        "right": pairs[:, 1].copy(),
        "blocks": block_of(pairs[:, 0], starts) * n_blocks + block_of(pairs[:, 1], starts),
    }


def _candidates_of_partition(
    batch: dict[str, np.ndarray], *, max_bucket: int, starts: np.ndarray
) -> dict[str, np.ndarray]:
    """map_groups over ``part``: one hash partition's buckets → candidate pair rows."""
    pairs = bucket_pairs(batch["band"], batch["key"], batch["doc"], max_bucket=max_bucket)
    return _pair_rows(pairs, starts)


def _views_of(docs: np.ndarray, blocks: Sequence[Any], starts: np.ndarray) -> list[str]:
    """Views of ascending document indices, fetched from their blocks in the object store."""
    import ray

    views: list[str] = []
    of = block_of(docs, starts)
    for b in sorted_unique(of).tolist():
        table = ray.get(blocks[b])
        views.extend(strings_of(table.column("view").take(docs[of == b] - starts[b])))
    return views


def _verify_block_pair(
    batch: dict[str, np.ndarray],
    *,
    blocks: Sequence[Any],
    starts: np.ndarray,
    ngram: int,
    threshold: float,
    containment: float | None,
    whole: bool = False,
) -> dict[str, np.ndarray]:
    """map_groups over ``blocks``: distinct candidate pairs of two view blocks → verified edges; with ``whole``, also
    whether each is a pair of whole copies (``whole``, :func:`dedup.copies.whole_pairs`)."""
    pairs = _unique_pairs(np.stack([batch["left"], batch["right"]], axis=1))
    involved = sorted_unique(pairs)
    views = _views_of(involved, blocks, starts)
    set_hashes, set_offsets, ids = distinct_shingle_sets(views, ngram)
    verified = verify_pairs(
        set_hashes,
        set_offsets,
        np.searchsorted(involved, pairs),
        threshold=threshold,
        containment_threshold=containment,
        ids=ids,
    )
    edges = involved[verified.pairs].reshape(-1, 2)
    share = verified.share if verified.share is not None else np.zeros((0, 2))
    out = {
        "left": edges[:, 0].copy(),
        "right": edges[:, 1].copy(),
        "jaccard": verified.jaccard,
        "containment": verified.containment,
        "share_left": share[:, 0].copy(),
        "share_right": share[:, 1].copy(),
    }
    if whole:
        out["whole"] = whole_pairs(views, verified.pairs.reshape(-1, 2))
    return out


def _similarity_block_pair(
    batch: dict[str, np.ndarray], *, blocks: Sequence[Any], starts: np.ndarray, ngram: int
) -> dict[str, np.ndarray]:
    """map_groups over ``blocks``: exact Jaccard and the member's share in the representative of (representative,
    member) rows, by row id."""
    pairs = np.stack([batch["left"], batch["right"]], axis=1)
    involved = sorted_unique(pairs)
    set_hashes, set_offsets, ids = distinct_shingle_sets(_views_of(involved, blocks, starts), ngram)
    measured = measures(set_hashes, set_offsets, ids[np.searchsorted(involved, pairs)])
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


#: ``other`` of a row that reports a node's label (the centre rounds' output holds both kinds of rows).
RESULT = -1


def _centre_rows(rows: dict[str, np.ndarray], done: np.ndarray, labels: np.ndarray, partitions: int) -> dict[str, Any]:
    """A round's rows partitioned by node, and a result row (``other`` :data:`RESULT`) for each node made final;
    ``open`` is 1 on the own row of a node not final (:func:`dedup.centres.open_nodes`)."""
    k = done.size
    out = {name: np.concatenate([rows[name], np.zeros(k, dtype=rows[name].dtype)]) for name in CENTRE_COLUMNS}
    out["node"][out["node"].size - k :] = done
    out["other"][out["other"].size - k :] = RESULT
    out["label"][out["label"].size - k :] = labels
    out["part"] = partition_of(out["node"], partitions)
    out["open"] = ((out["node"] == out["other"]) & ~out["final"]).astype(np.int64)  # summed: nodes not final
    return out


def _centre_edge_rows(batch: dict[str, np.ndarray], *, partitions: int) -> dict[str, np.ndarray]:
    """map_batches: verified edges → directed rows for the centre rounds' first step, their ``length`` 0 (the policy
    ``"first"``; under ``"longest"`` each node's length comes on a row of its own: see :func:`_first_centre_rows`)."""
    rows = _edge_rows(batch, partitions=partitions)
    return {"part": rows["part"], "u": rows["u"], "v": rows["v"], "length": np.zeros(rows["u"].size, dtype=np.int64)}


def _first_centre_rows(batch: dict[str, np.ndarray], *, partitions: int) -> dict[str, Any]:
    """map_groups over ``part``: the directed edge rows of a partition's nodes (:func:`_centre_edge_rows`), and under
    the policy ``"longest"`` a row ``(u, RESULT, length)`` a document → the centre rounds' first rows
    (:func:`dedup.centres.first_rows`)."""
    u, v, length = (np.asarray(batch[name], dtype=np.int64) for name in ("u", "v", "length"))
    given = v == RESULT
    edge = ~given
    if given.any():  # each edge row takes its node's length
        order = np.argsort(u[given])
        known_u, known_length = u[given][order], length[given][order]
        length = known_length[np.searchsorted(known_u, u)]
    rows = first_rows(u[edge], v[edge], length[edge])
    return _centre_rows(rows, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), partitions)


def _centre_round_group(batch: dict[str, np.ndarray], *, partitions: int) -> dict[str, Any]:
    """map_groups over ``part``: one centre round (:func:`dedup.centres.centre_round`) of a partition's nodes."""
    rows, done, labels = centre_round({name: np.asarray(batch[name]) for name in CENTRE_COLUMNS})
    return _centre_rows(rows, done, labels, partitions)


def _centre_rows_only(batch: dict[str, np.ndarray], *, results: bool) -> dict[str, np.ndarray]:
    """map_batches: the rows of the next round, or (``results``) the result rows' nodes and labels."""
    chosen = (np.asarray(batch["other"]) == RESULT) == results
    if results:
        return {"node": np.asarray(batch["node"])[chosen], "label": np.asarray(batch["label"])[chosen]}
    return {name: np.asarray(values)[chosen] for name, values in batch.items()}


def _views_block(batch: Any, *, options: NormalizeOptions) -> Any:
    """map_batches: a block of (index, text) rows → ``index``, matching ``view`` and text ``length``."""
    import pyarrow as pa

    texts = strings_of(batch.column("text"))
    return pa.table(
        {
            "index": batch.column("index"),
            "view": string_column(matching_texts(texts, options)),
            "length": pa.array(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))),
        }
    )


def _with_partition(batch: dict[str, np.ndarray], *, key: str, partitions: int) -> dict[str, np.ndarray]:
    """A batch with ``_part``, the hash partition of its ``key`` column (:func:`grouped`'s sort key)."""
    return {**batch, "_part": partition_of(np.asarray(batch[key]).astype(np.uint64), partitions)}


def each_group(
    batch: dict[str, np.ndarray], *, fn: Callable[..., Any], key: str, fn_kwargs: dict[str, Any]
) -> Iterator[dict[str, np.ndarray]]:
    """``fn`` of each group of rows of equal ``key`` in a batch sorted by it (``_part``, if there, left out): what
    Ray Data's ``map_groups`` does with a block, for the outputs of :func:`dedup.distributed.driver.grouped`."""
    keys = np.asarray(batch[key])
    if not keys.size:
        return
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    columns = {name: np.asarray(values) for name, values in batch.items() if name != "_part"}
    for lo, hi in zip(starts.tolist(), [*starts[1:].tolist(), keys.size]):
        yield fn({name: values[lo:hi] for name, values in columns.items()}, **fn_kwargs)
