"""Near-duplicate clustering of matching views: the step below every finder that groups documents.

``cluster_views`` runs sketch → band → verify → cluster over views already made, under its own
small :class:`NearOptions`; ``find_duplicates`` (after setting boilerplate aside), the
boilerplate analysis (document families) and ``clean`` all call it, or an engine that does
the same elsewhere: a :class:`ClusterEngine` (:class:`dedup.distributed.RayClusterEngine`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Protocol

import numpy as np

from .arrays import concat_ranges
from .cluster import CLUSTERINGS, Cluster, Representative, cluster_pairs
from .errors import InvalidOptionError
from .log import phase
from .lsh import LSHParams, band_keys, candidate_pairs, optimal_params
from .minhash import SCHEMES, signatures
from .options import KeywordOptions, check_types
from .shingle import distinct_shingle_sets
from .store import take
from .verify import Measured, SetsOf, measures_in_chunks, verify_candidates

__all__ = ["ClusterEngine", "NearOptions", "cluster_views"]


@dataclass(frozen=True)
class NearOptions(KeywordOptions):
    """How matching views are compared and clustered (the fields of the same names of
    :class:`dedup.DuplicateOptions`, which documents them; ``DuplicateOptions.near`` gives these).
    """

    threshold: float = 0.6
    ngram: int = 5
    num_perm: int = 128
    seed: int = 1
    scheme: str = "affine32"
    bands: int | None = None
    rows: int | None = None
    containment: float | None = 0.6
    representative: Representative = "first"
    clustering: str = "center"
    batch_size: int = 10_000
    max_bucket: int = 64
    workers: int | None = None

    def __post_init__(self) -> None:
        check_types(self)
        if not 0.0 < self.threshold <= 1.0:
            raise InvalidOptionError(f"threshold must be in (0, 1], got {self.threshold}")
        if self.containment is not None and not 0.0 < self.containment <= 1.0:
            raise InvalidOptionError(f"containment must be in (0, 1], got {self.containment}")
        for name in ("ngram", "num_perm", "batch_size", "max_bucket"):
            if getattr(self, name) < 1:
                raise InvalidOptionError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not callable(self.representative) and self.representative not in ("first", "longest"):
            raise InvalidOptionError(
                'representative must be "first", "longest" or a function of the document index, got '
                f"{self.representative!r}"
            )
        if self.clustering not in CLUSTERINGS:
            raise InvalidOptionError(f"clustering must be one of {CLUSTERINGS}, got {self.clustering!r}")
        if self.scheme not in SCHEMES:
            raise InvalidOptionError(f"scheme must be one of {SCHEMES}, got {self.scheme!r}")
        if (self.bands is None) != (self.rows is None):
            raise InvalidOptionError("give both bands and rows, or neither")

    @property
    def lsh(self) -> LSHParams:
        """The LSH bands × rows in use."""
        if self.bands is not None and self.rows is not None:
            params = LSHParams(self.bands, self.rows)
            if params.num_perm > self.num_perm:
                raise InvalidOptionError(f"{self.bands} bands × {self.rows} rows exceed num_perm={self.num_perm}")
            return params
        return optimal_params(min(self.threshold, 0.999), self.num_perm)


class ClusterEngine(Protocol):
    """Clusters matching views: :func:`cluster_views` here, :class:`dedup.distributed.RayClusterEngine` on Ray.

    Both return the same clusters for the same views, lengths and options.
    """

    def __call__(self, views: Sequence[str], lengths: np.ndarray, options: NearOptions) -> Sequence[Cluster]: ...


def _view_lengths(views: Sequence[str]) -> np.ndarray:
    """int64 ``[len(views)]``: characters of each view (without building views made on demand)."""
    lengths = getattr(views, "lengths", None)
    if lengths is not None:
        return np.asarray(lengths, dtype=np.int64)
    return np.fromiter(map(len, views), dtype=np.int64, count=len(views))


def cluster_views(views: Sequence[str], lengths: np.ndarray, options: NearOptions) -> Sequence[Cluster]:
    """Near-duplicate clusters of matching views already built (phases sketch → cluster).

    Parameters
    ----------
    views : sequence of str
        One matching view per document: a list, or a sequence that builds them on demand
        (:class:`dedup.boilerplate.DocumentViews`); read by slices of ``batch_size`` for
        the signatures, then only the documents of candidate pairs for verification.
    lengths : np.ndarray
        int64 ``[len(views)]``, original text lengths (for ``representative="longest"``).
    options : NearOptions
    """
    params = options.lsh
    n = len(views)
    if n < 2:
        return []
    with phase("cluster documents", f"{n:,} views", logging.DEBUG) as facts:
        clusters = _cluster_views(views, lengths, options, params, facts)
        facts["clusters"] = len(clusters)
    return clusters


def _cluster_views(
    views: Sequence[str], lengths: np.ndarray, options: NearOptions, params: LSHParams, facts: dict[str, object]
) -> Sequence[Cluster]:
    """The phases of :func:`cluster_views`, counting what each found into ``facts``."""

    # sketch
    def sketch(texts: Sequence[str]) -> np.ndarray:
        return np.concatenate(
            [
                signatures(
                    texts[lo : lo + options.batch_size],
                    num_perm=options.num_perm,
                    ngram=options.ngram,
                    seed=options.seed,
                    scheme=options.scheme,
                    workers=options.workers,
                )
                for lo in range(0, len(texts), options.batch_size)
            ]
        )

    # Views of one line table sketched before (the family passes, then the comparison of documents) keep
    # the signatures of the documents whose kept lines did not change.
    sketched = getattr(views, "sketched", None)
    sketch_key = ("minhash", options.num_perm, options.ngram, options.seed, options.scheme)
    sigs = sketch(views) if sketched is None else sketched(sketch_key, sketch)

    def hashed(docs: np.ndarray) -> tuple[np.ndarray, ...]:
        return distinct_shingle_sets(take(views, docs), options.ngram, options.workers)

    # A pair's measures depend on its two views and the n-gram size alone: such views keep those of the pairs of
    # documents measured before whose kept lines did not change (the comparison of documents after the family passes).
    measured_of = getattr(views, "measured", None)
    measured = None if measured_of is None else partial(measured_of, ("measures", options.ngram))
    return cluster_keys(band_keys(sigs, params), _view_lengths(views), hashed, lengths, options, facts, measured)


def cluster_keys(
    keys: np.ndarray,
    view_lengths: np.ndarray,
    hashed: SetsOf,
    lengths: np.ndarray | None,
    options: NearOptions,
    facts: dict[str, object] | None = None,
    measured: Measured | None = None,
) -> Sequence[Cluster]:
    """The band → verify → cluster phases of :func:`cluster_views`, on band keys already made.

    Parameters
    ----------
    keys : np.ndarray
        uint64 ``[n, bands]``, :func:`dedup.lsh.band_keys` of the views' signatures.
    view_lengths : np.ndarray
        int64 ``[n]``, the views' lengths (what verification budgets by).
    hashed : callable
        The shingle sets of given documents (``int64 [k]`` → sets, offsets), as
        :func:`dedup.shingle.shingle_sets` makes them; a saved index reads them from disk.
    lengths : np.ndarray, optional
        int64 ``[n]``, original text lengths (for ``representative="longest"``).
    options : NearOptions
    facts : dict, optional
        Receives the counts of candidates and verified pairs.
    measured : callable, optional
        Measures of pairs known already (:data:`dedup.verify.Measured`), for verification.
    """
    facts = {} if facts is None else facts
    n = len(keys)
    # band
    candidates = candidate_pairs(keys, max_bucket=options.max_bucket)
    facts["candidates"] = len(candidates)
    if not len(candidates):
        return []

    # verify: shingle sets only of the documents in candidate pairs, a bounded share at a time
    sets_of = ReusedSets(hashed)  # the similarities to the representatives reuse verification's sets
    verified = verify_candidates(
        candidates,
        view_lengths,
        sets_of,
        threshold=options.threshold,
        containment_threshold=options.containment,
        measured=measured,
    )
    facts["verified"] = len(verified)

    # cluster
    def measure_rest(reps: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        measured = measures_in_chunks(np.stack([reps, members], axis=1), view_lengths, sets_of)
        return measured[:, 0], measured[:, 3]

    # Verification measured every (centre, member) pair already; with connected components
    # the pairs it did not see are measured now.
    def measure(reps: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return verified.measures_or(reps, members, measure_rest)

    return cluster_pairs(
        n,
        verified.pairs,
        measure,
        clustering=options.clustering,
        representative=options.representative,
        lengths=lengths,
    )


class ReusedSets:
    """A :data:`dedup.verify.SetsOf` that keeps the sets it made last and serves any subset of those units from them
    (sets of distinct views with each unit's id, when ``make`` gives them so: then no set is copied).

    Verification and the representatives' similarities that follow it ask for the sets of
    the same documents (the members are among the candidates): when verification was one
    chunk, the second asks nothing new of ``make``.

    Parameters
    ----------
    make : callable
        The :data:`SetsOf` that hashes.
    """

    def __init__(self, make: SetsOf) -> None:
        self.make = make
        self._units = np.empty(0, dtype=np.int64)
        self._sets: tuple[np.ndarray, ...] = (np.empty(0, dtype=np.uint32), np.zeros(1, dtype=np.int64))

    def __call__(self, units: np.ndarray) -> tuple[np.ndarray, ...]:
        units = np.asarray(units, dtype=np.int64)
        pos = np.searchsorted(self._units, units)
        held = pos < self._units.size
        held[held] = self._units[pos[held]] == units[held]
        if not held.all():
            self._units, self._sets = units, self.make(units)
            return self._sets
        if len(self._sets) == 3:  # sets of distinct views: the units' ids among them
            return self._sets[0], self._sets[1], self._sets[2][pos]
        set_hashes, set_offsets = self._sets
        counts = set_offsets[pos + 1] - set_offsets[pos]
        offsets = np.zeros(units.size + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        return set_hashes[concat_ranges(set_offsets[pos], counts)], offsets
