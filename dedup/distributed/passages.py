"""Matching paragraphs on Ray: the long paragraphs' band keys and matched pairs never reach the driver.

Each tabulate task sets its block's band keys apart (:func:`keys_apart`): the tables it
hands the driver lack them, and two objects stay in the object store — the band rows of
its long paragraphs and their views. A long paragraph is named ``block << 32 | its rank
among its block's long paragraphs``, which orders them as their indices among all long
paragraphs do, so the steps of document clustering serve unchanged: a group-by of the rows'
hash partitions gives each bucket's candidate pairs (the star rule above
:data:`dedup.passages.MAX_BUCKET` included), a group-by of the pairs' two blocks verifies them
on their views. The verified pairs then stay on the workers too (:func:`passages_on_ray`):
each becomes a pair of paragraphs; the short paragraphs, matched by their exact views, become
pairs there as well, by a group-by of their keys' hash partitions; with the fragments the
driver reads off the tables, a group-by of their pairs of documents merges them into passage
runs (:func:`dedup.runs.passage_runs`), which are all the driver receives — up to a limit; above it the runs stay
there too, and their regions and components are found there (:mod:`dedup.distributed.regions`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..clean import CleanTables
from ..copies import edited_inner
from ..fragments import chained_pairs, fragment_pairs, long_pairs_anchored, short_pairs_anchored, short_units
from ..passages import MAX_BUCKET, PassageFindings, PassageOptions, UnitTable, long_pairs_kept, match_passages
from ..runs import FRAGMENT, LONG, SHORT, RunColumns, passage_runs, run_order
from ..shingle import exact_hashes
from ..store import take
from .arrow import string_column, strings_of
from .driver import _collect, _dataset_of_columns, _prepare, _remote, grouped
from .engine import RayClusterEngine
from .regions import RUN_BITS, PassagesOnRay
from .steps import _candidates_of_partition, _verify_block_pair, band_rows, partition_of

#: Long paragraphs are named ``block << LOCAL_BITS | rank``: block ``b`` starts at ``b << LOCAL_BITS``.
LOCAL_BITS = 32
_BLOCK = 1 << LOCAL_BITS


def keys_apart(
    tables: CleanTables, block: int, options: PassageOptions, partitions: int
) -> tuple[CleanTables, Any, Any, Any]:
    """A block's tables without the band keys and the paragraphs' views, the band rows of its long paragraphs
    (:func:`band_rows`, named ``block << 32 | rank``), their views, and the views of all its paragraphs
    (``pyarrow.Table`` s: ``part``, ``band``, ``key``, ``doc``; ``view``; ``view``). The driver reads the views it
    needs from the object store (:class:`dedup.distributed.lines.RemoteViews`); the tables hold empty strings."""
    import pyarrow as pa

    units = tables.units
    long_units = np.flatnonzero(units.view_len >= options.min_chars)
    if len(units) >= _BLOCK:  # a paragraph is named block << 32 | its index (short ones, _short_rows)
        raise ValueError(f"a block of {len(units):,} paragraphs: at most {_BLOCK - 1:,}")
    names = (np.int64(block) << np.int64(LOCAL_BITS)) | np.arange(long_units.size, dtype=np.int64)
    rows = pa.table(band_rows(names, units.band_keys, partitions))
    long_views = pa.table({"view": string_column(take(units.views, long_units))})
    views = pa.table({"view": string_column(list(units.views))})
    kept = replace(units, band_keys=units.band_keys[:, :0], views=[""] * len(units))
    return replace(tables, units=kept), rows, long_views, views


def _short_rows(views: Any, block: int, options: PassageOptions, partitions: int) -> Any:
    """Ray task: the exact keys of a block's short paragraphs, read off its paragraphs' views in the object store
    (:func:`keys_apart`): a ``pyarrow.Table`` of ``part``, ``key``, ``unit`` — each short paragraph named ``block <<
    32 | its index in the block``, its view's XXH3 and that key's hash partition."""
    import pyarrow as pa

    texts = strings_of(views.column("view"))
    short = short_units(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)), options)
    keys = exact_hashes(take(texts, short))
    names = (np.int64(block) << np.int64(LOCAL_BITS)) | short
    return pa.table({"part": partition_of(keys, max(partitions, 1)), "key": keys, "unit": names})


def joined_band_keys(rows: Sequence[Any], long_counts: Sequence[int]) -> np.ndarray:
    """The band keys :func:`keys_apart` set apart, fetched and joined in block order: uint64 ``[sum(long_counts),
    bands]``, what the joined tables would have held (a block's rows are its paragraphs' bands in order)."""
    import ray

    keys = [ray.get(ref).column("key").to_numpy().reshape(n, -1) for ref, n in zip(rows, long_counts) if n]
    return np.concatenate(keys).astype(np.uint64) if keys else np.zeros((0, 0), np.uint64)


def _verified(
    rows: Sequence[Any], views: Sequence[Any], long_counts: Sequence[int], options: PassageOptions, partitions: int
) -> Any:
    """The verified band-key candidates among the long paragraphs of every block, as a dataset of ``left``,
    ``right`` (names ``block << 32 | rank``), ``jaccard``, ``containment``, ``share_left``, ``share_right``:
    what ``verify_candidates(candidate_pairs(band_keys, max_bucket=MAX_BUCKET), …)`` gives on the joined
    tables, in no order."""
    import ray.data

    starts = np.arange(len(views) + 1, dtype=np.int64) << np.int64(LOCAL_BITS)  # block b: names b << 32 | rank
    bands = _prepare(ray.data.from_arrow_refs(list(rows)))
    candidates = grouped(
        bands, "part", _candidates_of_partition, partitions, {"max_bucket": MAX_BUCKET, "starts": starts}
    )
    verify = {
        "blocks": list(views),
        "starts": starts,
        "ngram": options.ngram,
        "threshold": options.threshold,
        "containment": options.containment,
        "whole": True,
    }
    return grouped(candidates, "blocks", _verify_block_pair, partitions, verify)


def _paragraph_pair_rows(
    pairs: np.ndarray,
    anchored: np.ndarray,
    source: np.ndarray,
    quoted: np.ndarray,
    doc: np.ndarray,
    partitions: int,
    inner: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Matched paragraph pairs as rows keyed by a hash partition of their two documents: ``a``, ``b``, ``part``
    int64, ``anchored``, ``quoted``, ``inner`` (none when not given) bool, ``source`` int8."""
    n_docs = np.int64(doc.max(initial=0)) + 1  # a pair of documents, one key: its pairs meet in one part
    return {
        "a": pairs[:, 0].astype(np.int64),
        "b": pairs[:, 1].astype(np.int64),
        "part": partition_of(doc[pairs[:, 0]] * n_docs + doc[pairs[:, 1]], max(partitions, 1)),
        "anchored": np.asarray(anchored, dtype=bool),
        "quoted": np.asarray(quoted, dtype=bool),
        "source": np.asarray(source, dtype=np.int8),
        "inner": np.zeros(len(pairs), dtype=bool) if inner is None else np.asarray(inner, dtype=bool),
    }


def _long_pair_rows(
    batch: dict[str, np.ndarray], *, columns: list[Any], offsets: np.ndarray, options: PassageOptions, partitions: int
) -> dict[str, np.ndarray]:
    """map_batches over verified candidates: the pairs of paragraphs that are repeats (:func:`long_pairs_kept`), as
    :func:`_paragraph_pair_rows`. ``columns``: the paragraph table's columns in the object store; ``offsets`` int64
    ``[blocks + 1]``: each block's first long paragraph among all."""
    import ray

    table = ray.get(columns[0])
    names = np.stack([batch["left"], batch["right"]], axis=1).astype(np.int64)
    pairs = table["long_units"][offsets[names >> LOCAL_BITS] + (names & (_BLOCK - 1))].reshape(-1, 2)
    share = np.stack([batch["share_left"], batch["share_right"]], axis=1).reshape(-1, 2)
    keep, by_jaccard = long_pairs_kept(pairs, batch["jaccard"], share, table["view_len"], table["doc"], options)
    pairs = pairs[keep]
    whole = batch["whole"].astype(bool)[keep]
    inner = edited_inner(pairs, table["view_len"], table["doc"], options.edit_chars, whole.__getitem__)
    source = np.full(len(pairs), LONG, dtype=np.int8)
    anchored = long_pairs_anchored(pairs, inner, table["speech"])
    return _paragraph_pair_rows(pairs, anchored, source, ~by_jaccard[keep], table["doc"], partitions, inner)


def _short_pair_rows(
    batch: dict[str, np.ndarray], *, columns: list[Any], starts: np.ndarray, partitions: int
) -> dict[str, np.ndarray]:
    """map_groups over ``part``: short paragraphs with equal exact keys (rows of :func:`keys_apart`) chained as
    :func:`dedup.fragments.chained_pairs` chains them on one machine, as :func:`_paragraph_pair_rows`. ``starts``
    int64 ``[blocks + 1]``: each block's first paragraph among all."""
    import ray

    table = ray.get(columns[0])
    names = batch["unit"].astype(np.int64)
    pairs = chained_pairs(batch["key"].astype(np.uint64), starts[names >> LOCAL_BITS] + (names & (_BLOCK - 1)))
    anchored = short_pairs_anchored(pairs, table["doc"], table["split"], table["speech"])
    source = np.full(len(pairs), SHORT, dtype=np.int8)
    return _paragraph_pair_rows(pairs, anchored, source, np.zeros(len(pairs), dtype=bool), table["doc"], partitions)


def _runs_of_part(batch: dict[str, np.ndarray], *, columns: list[Any], max_gap: int) -> dict[str, np.ndarray]:
    """map_groups over ``part``: the matched pairs of some pairs of documents → their passage runs (``a0``, ``a1``,
    ``b0``, ``b1`` int64, ``gapped`` bool), each named ``id`` (``part << RUN_BITS | its rank in the part's runs``:
    a pair of documents' runs are in one part, so ``da``, ``db`` — their copies' documents — and ``id`` order them
    as one call does)."""
    import ray

    table = ray.get(columns[0])
    pairs = np.stack([batch["a"], batch["b"]], axis=1).astype(np.int64).reshape(-1, 2)
    runs, gapped = passage_runs(
        pairs,
        batch["anchored"].astype(bool),
        batch["source"].astype(np.int8),
        batch["quoted"].astype(bool),
        RunColumns(table["doc"], table["split"], table["sentence_end"]),
        max_gap,
        batch["inner"].astype(bool),
    )
    part = np.int64(batch["part"][0]) if len(batch["part"]) else np.int64(0)  # one part a call
    return {
        "a0": runs[:, 0].copy(),
        "a1": runs[:, 1].copy(),
        "b0": runs[:, 2].copy(),
        "b1": runs[:, 3].copy(),
        "gapped": gapped,
        "id": (part << np.int64(RUN_BITS)) | np.arange(len(runs), dtype=np.int64),
        "da": table["doc"][runs[:, 0]],
        "db": table["doc"][runs[:, 2]],
    }


@dataclass(frozen=True)
class ParagraphBlocks:
    """What the blocks' tabulate tasks leave in the object store for matching paragraphs on the workers
    (:func:`keys_apart`).

    Attributes
    ----------
    rows, long_views : sequence of ObjectRef
        Per block, the band rows of its long paragraphs and their views.
    long_counts : sequence of int
        Long paragraphs in each block.
    views : sequence of ObjectRef
        Per block, all its paragraphs' views.
    starts : np.ndarray
        int64 ``[blocks + 1]``: each block's first paragraph in the joined paragraph table.
    """

    rows: Sequence[Any]
    long_views: Sequence[Any]
    long_counts: Sequence[int]
    views: Sequence[Any]
    starts: np.ndarray


def passages_on_ray(
    blocks: ParagraphBlocks,
    units: UnitTable,
    options: PassageOptions,
    partitions: int,
    *,
    run_limit: int = RayClusterEngine.run_limit,
    max_rounds: int = RayClusterEngine.max_rounds,
) -> PassageFindings:
    """The repeated passages of the joined paragraph table ``units`` (without band keys), found on Ray: what
    :func:`dedup.passages.match_passages` finds on the whole table with its keys.

    The long paragraphs are matched and verified on the workers (:func:`_verified`) and their pairs stay
    there; the short paragraphs are matched there too, by their exact keys (:func:`_short_rows`, made where their
    views are) and a group-by of them (:func:`_short_pair_rows`), and the fragments, which the table's ``fragments``
    column names, are put beside them from here. A group-by of the pairs' two documents merges each part's pairs
    (:func:`dedup.runs.passage_runs`: a run never joins two pairs of documents). Up to ``run_limit`` runs come here
    and are clustered here (a :class:`dedup.passages.PassageMatches`); above it they stay on the workers
    (:class:`PassagesOnRay`). No paragraph's view is read here (unless the fragments were not found with the tables).

    Parameters
    ----------
    blocks : ParagraphBlocks
    units : UnitTable
        The blocks' paragraph tables joined (its band keys and views may be left out).
    options : PassageOptions
    partitions : int
        Hash partitions of the pairs of documents.
    run_limit : int
        Passage runs brought here and clustered here (:attr:`dedup.distributed.RayClusterEngine.run_limit`); 0: the
        runs stay on the workers.
    max_rounds : int
        Guard on the large-star/small-star rounds of the runs' regions.
    """
    merged = _merged_runs(blocks, units, options, partitions)
    if merged is not None and merged.count() > run_limit:
        return PassagesOnRay.of(merged, units, partitions, max_rounds)
    columns = ("a0", "a1", "b0", "b1", "gapped")  # the rest of RUN_COLUMNS only on the workers
    found = _collect(merged, columns) if merged is not None else {c: np.zeros(0, np.int64) for c in columns}
    runs = np.stack([found[c] for c in columns[:4]], axis=1).astype(np.int64).reshape(-1, 4)
    order = run_order(runs, units.doc)
    return match_passages(units, options, runs=(runs[order], found["gapped"].astype(bool)[order]))


def _merged_runs(blocks: ParagraphBlocks, units: UnitTable, options: PassageOptions, partitions: int) -> Any:
    """The passage runs of :func:`passages_on_ray`, merged and materialized on the workers (rows of
    :data:`RUN_COLUMNS`); None when no paragraphs match."""
    import ray
    import ray.data

    table = {
        "long_units": np.flatnonzero(units.view_len >= options.min_chars),
        "doc": units.doc,
        "view_len": units.view_len,
        "split": units.split,
        "speech": units.speech,
        "sentence_end": units.sentence_end,
    }
    long_counts = blocks.long_counts
    if table["long_units"].size != sum(long_counts):
        raise ValueError(f"{table['long_units'].size} long paragraphs in the table, {sum(long_counts)} in the blocks")
    columns = [ray.put(table)]
    parts = []
    if sum(long_counts) >= 2:
        offsets = np.concatenate(([0], np.cumsum(long_counts, dtype=np.int64)))
        kwargs = {"columns": columns, "offsets": offsets, "options": options, "partitions": partitions}
        parts.append(
            _verified(blocks.rows, blocks.long_views, long_counts, options, partitions).map_batches(
                _long_pair_rows, batch_format="numpy", fn_kwargs=kwargs
            )
        )
    if short_units(units.view_len, options).size >= 2:  # the joined lengths say it; the keys stay on the workers
        keyed = [_remote(_short_rows).remote(ref, b, options, partitions) for b, ref in enumerate(blocks.views)]
        kwargs = {"columns": columns, "starts": np.asarray(blocks.starts, dtype=np.int64), "partitions": partitions}
        shorts = _prepare(ray.data.from_arrow_refs(keyed))
        parts.append(grouped(shorts, "part", _short_pair_rows, partitions, kwargs))
    fragments = np.sort(fragment_pairs(units, options), axis=1)
    if len(fragments):
        source = np.full(len(fragments), FRAGMENT, dtype=np.int8)
        anchored, quoted = np.ones(len(fragments), dtype=bool), np.zeros(len(fragments), dtype=bool)
        fragment_rows = _paragraph_pair_rows(fragments, anchored, source, quoted, units.doc, partitions)
        parts.append(_dataset_of_columns(fragment_rows, partitions))
    if not parts:
        return None
    pairs = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:])
    merging = {"columns": columns, "max_gap": options.max_gap}
    return grouped(_prepare(pairs), "part", _runs_of_part, partitions, merging).materialize()
