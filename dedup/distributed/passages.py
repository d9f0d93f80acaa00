"""Matching paragraphs on Ray: the long paragraphs' band keys never reach the driver.

Each tabulate task sets its block's band keys apart (:func:`keys_apart`): the tables it
hands the driver lack them, and two objects stay in the object store — the band rows of
its long paragraphs and their views. A long paragraph is named ``block << 32 | its rank
among its block's long paragraphs``, which orders them as their indices among all long
paragraphs do, so the steps of document clustering serve unchanged
(:func:`long_paragraph_pairs`): a group-by of the rows' hash partitions gives each
bucket's candidate pairs (the star rule above :data:`dedup.passages.MAX_BUCKET` included),
a group-by of the pairs' two blocks verifies them on their views, and the driver receives
the verified pairs, as :func:`dedup.passages.match_passages` would have found them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from ..clean import CleanTables
from ..passages import MAX_BUCKET, PassageOptions
from ..store import take
from ..verify import VerifiedPairs
from .driver import _collect, _prepare
from .steps import _candidates_of_partition, _verify_block_pair, band_rows

#: Long paragraphs are named ``block << LOCAL_BITS | rank``: block ``b`` starts at ``b << LOCAL_BITS``.
LOCAL_BITS = 32
_BLOCK = 1 << LOCAL_BITS


def keys_apart(
    tables: CleanTables, block: int, options: PassageOptions, partitions: int
) -> tuple[CleanTables, Any, Any]:
    """A block's tables without the band keys, the band rows of its long paragraphs (:func:`band_rows`, named
    ``block << 32 | rank``) and their views (``pyarrow.Table`` s: ``part``, ``band``, ``key``, ``doc``; ``view``)."""
    import pyarrow as pa

    units = tables.units
    long_units = np.flatnonzero(units.view_len >= options.min_chars)
    if long_units.size >= _BLOCK:
        raise ValueError(f"a block of {long_units.size:,} long paragraphs: at most {_BLOCK - 1:,}")
    names = (np.int64(block) << np.int64(LOCAL_BITS)) | np.arange(long_units.size, dtype=np.int64)
    rows = pa.table(band_rows(names, units.band_keys, partitions))
    views = pa.table({"view": pa.array(take(units.views, long_units), type=pa.large_string())})
    return replace(tables, units=replace(units, band_keys=units.band_keys[:, :0])), rows, views


def joined_band_keys(rows: Sequence[Any], long_counts: Sequence[int]) -> np.ndarray:
    """The band keys :func:`keys_apart` set apart, fetched and joined in block order: uint64 ``[sum(long_counts),
    bands]``, what the joined tables would have held (a block's rows are its paragraphs' bands in order)."""
    import ray

    keys = [ray.get(ref).column("key").to_numpy().reshape(n, -1) for ref, n in zip(rows, long_counts) if n]
    return np.concatenate(keys).astype(np.uint64) if keys else np.zeros((0, 0), np.uint64)


def long_paragraph_pairs(
    rows: Sequence[Any], views: Sequence[Any], long_counts: Sequence[int], options: PassageOptions
) -> VerifiedPairs:
    """The verified band-key candidates among the long paragraphs of every block, found on Ray: what
    ``verify_candidates(candidate_pairs(band_keys, max_bucket=MAX_BUCKET), …)`` gives on the joined tables
    (indices among all long paragraphs, sorted).

    Parameters
    ----------
    rows, views : sequence of ObjectRef
        Per block, from :func:`keys_apart`.
    long_counts : sequence of int
        Long paragraphs in each block.
    options : PassageOptions
    """
    import ray.data

    offsets = np.concatenate(([0], np.cumsum(long_counts, dtype=np.int64)))
    none = VerifiedPairs(np.zeros((0, 2), np.int64), np.zeros(0), np.zeros(0), np.zeros((0, 2)))
    if offsets[-1] < 2:
        return none
    starts = np.arange(len(views) + 1, dtype=np.int64) << np.int64(LOCAL_BITS)  # block b: names b << 32 | rank
    verified = (
        _prepare(ray.data.from_arrow_refs(list(rows)))
        .groupby("part")
        .map_groups(
            _candidates_of_partition,
            batch_format="numpy",
            fn_kwargs={"max_bucket": MAX_BUCKET, "starts": starts},
        )
        .groupby("blocks")
        .map_groups(
            _verify_block_pair,
            batch_format="numpy",
            fn_kwargs={
                "blocks": list(views),
                "starts": starts,
                "ngram": options.ngram,
                "threshold": options.threshold,
                "containment": options.containment,
            },
        )
        .materialize()
    )
    if not verified.count():
        return none
    found = _collect(verified, ("left", "right", "jaccard", "containment", "share_left", "share_right"))
    pairs = np.stack(
        [offsets[found[side] >> LOCAL_BITS] + (found[side] & (_BLOCK - 1)) for side in ("left", "right")], 1
    )
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))  # the single machine's order: candidates come sorted
    share = np.stack([found["share_left"], found["share_right"]], axis=1)
    return VerifiedPairs(pairs[order], found["jaccard"][order], found["containment"][order], share[order])
