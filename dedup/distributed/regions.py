"""Passage runs that stay on the workers: their regions, the regions' components and the runs a plan cuts by.

Above :func:`dedup.distributed.passages.passages_on_ray`'s run limit the passage runs are not collected. Each
run's two copies become rows partitioned by their documents; a group-by of them merges each document's copies into
regions (:func:`dedup.runs.copy_regions`: a copy lies in one document, so the regions of whole documents are those
of the collection), each named by its first paragraph, which no other region shares; a group-by of the copies'
runs links the two regions of each run; the links' components come of large-star/small-star rounds
(:func:`dedup.distributed.engine.star_rounds`). The driver receives the regions (their first and last paragraphs),
the stars and the runs that link a region to itself (a passage printed back to back): as many rows as the report
has copies of repeated passages, not as many as the runs, and makes the same clusters as one machine
(:func:`dedup.passages.passage_clusters`). Once the plan knows which documents are emptied, the runs it may cut by
are filtered on the workers (:func:`dedup.runs.runs_that_cut`) and only those come to the driver, in one call's
order: on a collection of copies, nearly none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..passages import PassageClusters, UnitTable, passage_clusters
from ..runs import copy_regions, runs_that_cut
from ..stars import labels_of_stars
from .driver import _collect, grouped
from .engine import star_rounds
from .steps import _directed_rows, partition_of

__all__ = ["RUN_BITS", "RUN_COLUMNS", "PassagesOnRay"]

#: Passage runs are named ``part << RUN_BITS | rank`` (:func:`dedup.distributed.passages._runs_of_part`).
RUN_BITS = 40
#: The columns of a passage run on the workers: its name, its copies (``a0..a1``, ``b0..b1``: first and last
#: paragraph), whether it is gapped, and its copies' documents.
RUN_COLUMNS = ("id", "a0", "a1", "b0", "b1", "gapped", "da", "db")


def _copy_rows(batch: dict[str, np.ndarray], *, partitions: int) -> dict[str, np.ndarray]:
    """map_batches over runs: each run's two copies as rows — the run's columns, ``lo`` and ``hi`` (the copy's first
    and last paragraph), ``side`` (0 the earlier copy, 1 the later) — partitioned by the copy's document."""
    out = {name: np.concatenate([batch[name], batch[name]]) for name in RUN_COLUMNS}
    out["lo"] = np.concatenate([batch["a0"], batch["b0"]]).astype(np.int64)
    out["hi"] = np.concatenate([batch["a1"], batch["b1"]]).astype(np.int64)
    out["side"] = np.repeat(np.array([0, 1], dtype=np.int8), len(batch["id"]))
    out["part"] = partition_of(np.concatenate([batch["da"], batch["db"]]).astype(np.int64), partitions)
    return out


def _regions_of_part(batch: dict[str, np.ndarray], *, partitions: int) -> dict[str, np.ndarray]:
    """map_groups over ``part``: the copies of some documents, each with its region (``region``, its first paragraph,
    and ``last``); ``head`` marks one copy of each region; partitioned again by their runs."""
    regions, region_of = copy_regions(np.stack([batch["lo"], batch["hi"]], axis=1).astype(np.int64))
    head = np.zeros(region_of.size, dtype=bool)
    head[np.unique(region_of, return_index=True)[1]] = True
    out = {name: batch[name] for name in (*RUN_COLUMNS, "side")}
    out["region"], out["last"], out["head"] = regions[region_of, 0], regions[region_of, 1], head
    out["part"] = partition_of(batch["id"].astype(np.int64), partitions)
    return out


def _links_of_part(batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """map_groups over ``part``: the two copies of each run → the run (:data:`RUN_COLUMNS`) with ``ra`` and ``rb``,
    the regions of its earlier and later copy."""
    order = np.lexsort((batch["side"], batch["id"]))
    earlier, later = order[0::2], order[1::2]
    if not np.array_equal(batch["id"][earlier], batch["id"][later]):
        raise ValueError("a passage run without its two copies")
    out = {name: batch[name][earlier] for name in RUN_COLUMNS}
    out["ra"], out["rb"] = batch["region"][earlier], batch["region"][later]
    return out


def _head_rows(batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """map_batches: each region once, ``region`` (its first paragraph) and ``last``."""
    head = batch["head"].astype(bool)
    return {"region": batch["region"][head], "last": batch["last"][head]}


def _region_edge_rows(batch: dict[str, np.ndarray], *, partitions: int) -> dict[str, np.ndarray]:
    """map_batches: the links of two regions as directed rows for the first star step."""
    other = batch["ra"] != batch["rb"]
    return _directed_rows(np.stack([batch["ra"][other], batch["rb"][other]], axis=1).astype(np.int64), partitions, 0)


def _looped_rows(batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """map_batches: the runs whose two copies lie in one region (``region``) and the ``offset`` between them."""
    looped = batch["ra"] == batch["rb"]
    return {"region": batch["ra"][looped], "offset": (batch["b0"] - batch["a0"])[looped]}


def _cutting_rows(batch: dict[str, np.ndarray], *, flags: list[Any], cross_document: bool) -> dict[str, np.ndarray]:
    """map_batches: the runs a plan may cut by (:func:`dedup.runs.runs_that_cut`), ``flags``: the documents'
    ``emptied`` and ``holding`` (bool ``[n_docs]`` each) in the object store."""
    import ray

    documents = ray.get(flags[0])
    earlier, later = batch["da"].astype(np.int64), batch["db"].astype(np.int64)
    keep = runs_that_cut(earlier, later, documents["emptied"], documents["holding"], cross_document)
    return {name: batch[name][keep] for name in (*RUN_COLUMNS, "ra")}


@dataclass(frozen=True)
class PassagesOnRay:
    """Repeated passages whose runs stay on the workers (a :class:`dedup.passages.PassageFindings`).

    Attributes
    ----------
    clusters : PassageClusters
        As one machine finds them.
    links : ray.data.Dataset
        The runs (:data:`RUN_COLUMNS`) with ``ra`` and ``rb``, the regions of their copies (materialized).
    regions : np.ndarray
        int64 ``[q]``: each region's first paragraph, sorted.
    cluster_of : np.ndarray
        int64 ``[q]``: each region's cluster.
    """

    clusters: PassageClusters
    links: Any
    regions: np.ndarray
    cluster_of: np.ndarray

    @classmethod
    def of(cls, runs: Any, units: UnitTable, partitions: int, max_rounds: int) -> PassagesOnRay:
        """The passages of merged runs (a dataset of :data:`RUN_COLUMNS`), ``units`` the joined paragraph table
        (its ``doc``, ``start`` and ``end`` columns)."""
        kwargs = {"partitions": partitions}
        copies = runs.map_batches(_copy_rows, batch_format="numpy", fn_kwargs=kwargs)
        placed = grouped(copies, "part", _regions_of_part, partitions, kwargs).materialize()
        heads = _collect(placed.map_batches(_head_rows, batch_format="numpy"), ("region", "last"))
        links = grouped(placed, "part", _links_of_part, partitions).materialize()
        del placed, copies
        order = np.argsort(heads["region"], kind="stable")
        regions = np.stack([heads["region"][order], heads["last"][order]], axis=1).astype(np.int64).reshape(-1, 2)
        del heads, order
        keys = regions[:, 0].copy()
        edges = links.map_batches(_region_edge_rows, batch_format="numpy", fn_kwargs=kwargs)
        u, v = star_rounds(edges, partitions, max_rounds)
        labels = labels_of_stars(len(keys), np.searchsorted(keys, u), np.searchsorted(keys, v))
        looped = _collect(links.map_batches(_looped_rows, batch_format="numpy"), ("region", "offset"))
        looped_regions = np.searchsorted(keys, looped["region"].astype(np.int64))
        offset = looped["offset"].astype(np.int64)
        clusters, cluster_of = passage_clusters(units, regions, labels, looped_regions, offset)
        return cls(clusters, links, keys, cluster_of)

    def cutting(
        self, emptied: np.ndarray, holding: np.ndarray, cross_document: bool
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The runs a plan may cut by, filtered on the workers, in one call's order (as
        :meth:`dedup.passages.PassageMatches.cutting`): ``runs`` int64 ``[k, 4]``, ``gapped`` bool ``[k]``, their
        clusters int64 ``[k]``."""
        import ray

        flags = [ray.put({"emptied": np.asarray(emptied, dtype=bool), "holding": np.asarray(holding, dtype=bool)})]
        kwargs = {"flags": flags, "cross_document": cross_document}
        found = _collect(
            self.links.map_batches(_cutting_rows, batch_format="numpy", fn_kwargs=kwargs), (*RUN_COLUMNS, "ra")
        )
        order = np.lexsort((found["id"], found["db"], found["da"]))  # a pair of documents' runs: one part's
        runs = np.stack([found[c] for c in ("a0", "a1", "b0", "b1")], axis=1).astype(np.int64).reshape(-1, 4)
        cluster = self.cluster_of[np.searchsorted(self.regions, found["ra"].astype(np.int64))]
        return runs[order], found["gapped"].astype(bool)[order], cluster[order]
