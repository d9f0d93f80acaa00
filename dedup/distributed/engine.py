"""``RayClusterEngine``: :func:`dedup.near.cluster_views` on Ray — sketch, band and verify in workers; the verified
pairs clustered on the driver up to the edge limit, above it by rounds on Ray (centres: :mod:`dedup.centres`,
connected components: star rounds)."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..centres import COLUMNS as CENTRE_COLUMNS
from ..centres import finish_centres
from ..cluster import Cluster, cluster_pairs, clusters_of_centres, clusters_of_labels
from ..errors import InvalidOptionError
from ..near import NearOptions
from ..verify import VerifiedPairs

if TYPE_CHECKING:  # pragma: no cover
    import ray.data
from ..stars import labels_of_stars
from .driver import (
    _block_size,
    _Blocks,
    _collect,
    _dataset_of_blocks,
    _dataset_of_columns,
    _edges_of,
    _restart,
    cluster_cpus,
    grouped,
)
from .lines import RemoteViews
from .steps import (
    RESULT,
    _candidates_of_partition,
    _centre_edge_rows,
    _centre_round_group,
    _centre_rows_only,
    _edge_rows,
    _first_centre_rows,
    _large_star_group,
    _pair_rows,
    _similarity_block_pair,
    _sketch_block,
    _small_star_group,
    _verify_block_pair,
    partition_of,
)

#: Rows of the centre rounds (two a verified pair, one a document with one) at or below which the driver finishes
#: them (:func:`dedup.centres.finish_centres`, about a second a million rows), when ``edge_limit`` allows it.
FINISH_ROWS = 1_000_000

#: Documents a block of the rows that carry their lengths to the centre rounds under ``representative="longest"``.
LENGTH_ROWS = 1 << 20


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
        Verified edges brought to the driver and clustered there, with their measures (48
        bytes each). Above it they stay on the workers: centre clustering (the default, with
        the policies ``"first"`` and ``"longest"``) runs by rounds on Ray (:mod:`dedup.centres`;
        the few rows left, at most :data:`FINISH_ROWS`, are finished on the driver), connected
        components by large-star/small-star rounds; only the labels (8 bytes a document) reach the
        driver, and the members' measures are taken in workers. 0 always uses the rounds. A
        callable ``representative`` always brings the edges to the driver.
    max_rounds : int
        Guard on the rounds: large-star/small-star converge in O(log² n); centre rounds left
        after it (a long chain of overlapping excerpts) are finished on the driver.
    paragraph_limit : int
        :class:`RayCleaner` matches the long paragraphs (those of ``PassageOptions.min_chars``
        or more) on the driver up to this many, their band keys fetched from the object store
        (200 bytes each with the default 25 bands); above it on the workers, with the same
        group-bys as documents (:mod:`dedup.distributed.passages`), so that the keys never
        reach the driver. 0 always matches on the workers. Either way the matches are the same.
    run_limit : int
        Passage runs (of the paragraphs matched on the workers) brought to the driver and clustered there into the
        report's repeated passages: about 100 bytes a run at the plan's peak (the 415,000 runs of the node benchmark
        at 64×: 39 MB). Above it they stay on the workers (:mod:`dedup.distributed.regions`): their regions and
        components are found there, and the driver receives the regions and the runs the plan cuts by, at the cost of
        three more shuffles and a few star rounds (2–6 s on a local Ray of 2 CPUs). 0 always leaves them there.
        Either way the passages are the same.

    Notes
    -----
    Each Ray task sketches with one thread (``DuplicateOptions.workers`` is not used): Ray
    gives a task one CPU and supplies the parallelism. Results never depend on
    ``partitions``, the block size or the number of workers.
    """

    partitions: int | None = None
    edge_limit: int = 20_000_000
    max_rounds: int = 200
    paragraph_limit: int = 1_000_000
    run_limit: int = 1_000_000

    def __post_init__(self) -> None:
        if self.partitions is not None and self.partitions < 1:
            raise InvalidOptionError(f"partitions must be >= 1, got {self.partitions}")
        for name in ("edge_limit", "paragraph_limit", "run_limit"):
            if getattr(self, name) < 0:
                raise InvalidOptionError(f"{name} must be >= 0, got {getattr(self, name)}")

    def __call__(self, views: Sequence[str], lengths: np.ndarray, options: NearOptions) -> Sequence[Cluster]:
        """Near-duplicate clusters of matching views (see :func:`dedup.near.cluster_views`).

        Parameters
        ----------
        views : sequence of str
            One matching view per document (a :class:`dedup.distributed.lines.RemoteViews`: made
            in the workers, and read there).
        lengths : np.ndarray
            int64 ``[len(views)]``, original text lengths (for ``representative="longest"``).
        options : NearOptions

        Returns
        -------
        sequence of Cluster
            Equal to ``cluster_views(views, lengths, options)`` (:class:`dedup.cluster.Clusters`, or an empty list).
        """
        params = options.lsh
        n = len(views)
        if n < 2:
            return []
        partitions = self.partitions or cluster_cpus()
        if isinstance(views, RemoteViews):  # made in the workers: clustered where they are
            blocks = views.blocks()
        else:  # a block of views at a time: a lazy sequence (DocumentViews) is never listed whole here
            blocks = _Blocks.put(views, "view", _block_size(n, options.batch_size, partitions))

        # sketch → band → verify: one Ray Data pipeline, two shuffles
        sketched = blocks.dataset().map_batches(
            _sketch_block,
            batch_format="pyarrow",
            batch_size=None,
            fn_kwargs={
                "num_perm": options.num_perm,
                "ngram": options.ngram,
                "seed": options.seed,
                "scheme": options.scheme,
                "params": params,
                "partitions": partitions,
            },
        )
        bucketing = {"max_bucket": options.max_bucket, "starts": blocks.starts}
        candidates = grouped(sketched, "part", _candidates_of_partition, partitions, bucketing)
        verify = {
            "blocks": blocks.refs,
            "starts": blocks.starts,
            "ngram": options.ngram,
            "threshold": options.threshold,
            "containment": options.containment,
        }
        verified = grouped(candidates, "blocks", _verify_block_pair, partitions, verify).materialize()
        n_edges = verified.count()
        if not n_edges:
            return []

        # cluster: up to edge_limit the verified pairs and their measures come to the driver (48 bytes each); above
        # it centres (policies "first" and "longest") and connected components are found by rounds on Ray
        measure = functools.partial(self._measures, blocks=blocks, ngram=options.ngram, partitions=partitions)
        by_rounds = options.clustering == "connected" or options.representative in ("first", "longest")
        if n_edges <= self.edge_limit or not by_rounds:
            columns = _collect(verified, ("left", "right", "jaccard", "containment", "share_left", "share_right"))
            # rows (left < right, as bucket_pairs makes them) in any order: the clusters do not depend on it
            pairs = VerifiedPairs(
                _edges_of(columns),
                columns["jaccard"],
                columns["containment"],
                np.stack([columns["share_left"], columns["share_right"]], axis=1),
            )
            return cluster_pairs(
                n,
                pairs.pairs,
                functools.partial(pairs.measures_or, measure_rest=measure),
                clustering=options.clustering,
                representative=options.representative,
                lengths=lengths,
            )
        if options.clustering == "center":
            longest = lengths if options.representative == "longest" else None
            centres = self._centre_labels(n, verified, partitions, longest)
            return clusters_of_centres(centres, measure)  # each member's Jaccard and coverage measured in workers
        labels = self._star_labels(n, verified, partitions)
        # represent: each member's Jaccard and coverage by its representative, in workers
        return clusters_of_labels(labels, options.representative, lengths, measure)

    def _centre_labels(
        self, n: int, verified: ray.data.Dataset, partitions: int, lengths: np.ndarray | None
    ) -> np.ndarray:
        """Centre labels (:func:`dedup.cluster.center_labels` in the order of :func:`dedup.cluster.center_order`) by
        rounds on Ray (:mod:`dedup.centres`): int64 ``[n]``. ``lengths`` (int64 ``[n]``) under the policy
        ``"longest"``, None under ``"first"``: a row a document joins each to its edges' partition. The rows left once
        they are few (at most :data:`FINISH_ROWS` and ``edge_limit``), or after ``max_rounds``, are finished on the
        driver."""
        edges = verified.map_batches(_centre_edge_rows, batch_format="numpy", fn_kwargs={"partitions": partitions})
        if lengths is not None:
            edges = edges.union(_length_rows(lengths, partitions))
        rows = _restart(grouped(edges, "part", _first_centre_rows, partitions, {"partitions": partitions}))
        labels = np.arange(n, dtype=np.int64)
        rounds = 0
        while True:
            count = rows.count()
            if not count or not rows.sum("open"):  # every label known: the rows left would only drain
                return labels
            if rounds == self.max_rounds or count <= min(self.edge_limit, FINISH_ROWS):
                nodes, label = finish_centres(_collect(rows, CENTRE_COLUMNS))
                labels[nodes] = label
                return labels
            out = _restart(grouped(rows, "part", _centre_round_group, partitions, {"partitions": partitions}))
            done = _collect(_centre_part(out, results=True), ("node", "label"))
            labels[done["node"].astype(np.int64)] = done["label"]
            rows = _restart(_centre_part(out, results=False))
            rounds += 1

    def _star_labels(self, n: int, verified: ray.data.Dataset, partitions: int) -> np.ndarray:
        """Component labels by large-star/small-star rounds on Ray: int64 ``[n]``."""
        directed = verified.map_batches(_edge_rows, batch_format="numpy", fn_kwargs={"partitions": partitions})
        u, v = star_rounds(directed, partitions, self.max_rounds)
        return labels_of_stars(n, u, v)

    @staticmethod
    def _measures(
        rep_all: np.ndarray, member_all: np.ndarray, *, blocks: _Blocks, ngram: int, partitions: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Exact Jaccard and coverage of every (representative, member) pair, computed in workers: float64
        ``[len(member_all)]`` each."""
        rows = _pair_rows(np.stack([rep_all, member_all], axis=1), blocks.starts)
        rows["row"] = np.arange(member_all.size, dtype=np.int64)
        kwargs = {"blocks": blocks.refs, "starts": blocks.starts, "ngram": ngram}
        pairs = _dataset_of_columns(rows, len(blocks.refs))
        out = _collect(
            grouped(pairs, "blocks", _similarity_block_pair, partitions, kwargs).materialize(),
            ("row", "jaccard", "coverage"),
        )
        jaccard = np.empty(member_all.size, dtype=np.float64)
        coverage = np.empty(member_all.size, dtype=np.float64)
        jaccard[out["row"]] = out["jaccard"]
        coverage[out["row"]] = out["coverage"]
        return jaccard, coverage


def star_rounds(directed: ray.data.Dataset, partitions: int, max_rounds: int) -> tuple[np.ndarray, np.ndarray]:
    """Large-star/small-star rounds on Ray until nothing changes (:func:`dedup.stars.star_components`'s steps).

    ``directed``: the edges as rows ``part``, ``u``, ``v``, ``changed`` (:func:`dedup.distributed.steps._directed_rows`:
    both directions, partitioned by ``u``). Returns the converged stars' directed rows ``u``, ``v`` (int64 ``[k]``
    each), whose leaves' one smaller neighbour is their component's smallest node (:func:`dedup.stars.labels_of_stars`).
    """
    directed = _restart(directed)
    if not directed.count():
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    for _ in range(max_rounds):
        changed = 0
        for step in (_large_star_group, _small_star_group):
            directed = _restart(grouped(directed, "part", step, partitions, {"partitions": partitions}))
            changed += int(directed.sum("changed") or 0)
        if changed == 0:
            stars = _collect(directed, ("u", "v"))
            return stars["u"].astype(np.int64), stars["v"].astype(np.int64)
    raise RuntimeError(f"large-star/small-star did not converge in {max_rounds} rounds")


def _centre_part(rows: ray.data.Dataset, *, results: bool) -> ray.data.Dataset:
    """A centre round's output: the rows of the next round, or (``results``) the nodes made final with their labels."""
    return rows.map_batches(_centre_rows_only, batch_format="numpy", fn_kwargs={"results": results})


def _length_rows(lengths: np.ndarray, partitions: int) -> ray.data.Dataset:
    """A row ``(u, RESULT, length)`` a document (``lengths``: int64 ``[n]``) in its partition, for the centre rounds
    under ``"longest"``: put :data:`LENGTH_ROWS` documents at a time, so that the driver makes no other array of the
    collection's size."""

    def blocks() -> Iterator[dict[str, np.ndarray]]:
        for lo in range(0, lengths.size, LENGTH_ROWS):
            documents = np.arange(lo, min(lo + LENGTH_ROWS, lengths.size), dtype=np.int64)
            part, length = partition_of(documents, partitions), lengths[lo : lo + LENGTH_ROWS].astype(np.int64)
            yield {"part": part, "u": documents, "v": np.full(documents.size, RESULT), "length": length}

    return _dataset_of_blocks(blocks())
