"""Exact similarity of candidate pairs on their shingle sets.

LSH proposes; verification decides. Every candidate pair's exact Jaccard and
containment are computed from the units' sorted shingle-hash sets, so only
pairs that really are similar reach clustering and dissimilar units never
chain into one cluster through a chance band collision.

Intersections are counted without a Python loop per pair, by a compiled merge
of the two sorted sets (galloping when one is much smaller; ``dedup._kernels``,
GIL released). Without the compiled kernel a numpy reference gives the same
counts: the sets of all units are one globally sorted ``uint64`` key array
``unit << 32 | hash``, and each element of a pair's smaller set is looked up in
the larger one by binary search (``np.searchsorted``), in chunks of bounded size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

try:
    from . import _kernels
except ImportError:  # built without a C compiler: the numpy reference gives the same counts
    _kernels = None

__all__ = ["VerifiedPairs", "intersection_sizes", "similarities", "verify_pairs"]

_S32 = np.uint64(32)
_CHUNK = 1 << 22  # looked-up elements per chunk


@dataclass(frozen=True)
class VerifiedPairs:
    """Pairs that passed verification, with their exact similarities.

    Attributes
    ----------
    pairs : np.ndarray
        int64 ``[m, 2]``, ``i < j``.
    jaccard : np.ndarray
        float64 ``[m]``, ``|A ∩ B| / |A ∪ B|``.
    containment : np.ndarray
        float64 ``[m]``, ``|A ∩ B| / min(|A|, |B|)``: how much of the smaller set lies in the larger.
    """

    pairs: np.ndarray
    jaccard: np.ndarray
    containment: np.ndarray

    def __len__(self) -> int:
        return int(self.pairs.shape[0])


def _set_keys(set_hashes: np.ndarray, set_offsets: np.ndarray) -> np.ndarray:
    unit = np.repeat(np.arange(len(set_offsets) - 1, dtype=np.uint64), np.diff(set_offsets))
    return (unit << _S32) | set_hashes.astype(np.uint64)


def intersection_sizes(
    set_hashes: np.ndarray, set_offsets: np.ndarray, pairs: np.ndarray, *, use_kernel: bool = True
) -> np.ndarray:
    """``|A ∩ B|`` of every pair of shingle sets.

    Parameters
    ----------
    set_hashes : np.ndarray
        uint32 ``[m]``: each unit's distinct hashes, ascending (as from
        :func:`dedup.shingle.unique_shingles`).
    set_offsets : np.ndarray
        int64 ``[n_units + 1]``, CSR over ``set_hashes``.
    pairs : np.ndarray
        int64 ``[p, 2]``.
    use_kernel : bool
        Use the compiled merge when it was built (else, or if False, the numpy reference).

    Returns
    -------
    np.ndarray
        int64 ``[p]``.
    """
    pairs = np.ascontiguousarray(np.asarray(pairs, dtype=np.int64).reshape(-1, 2))
    if use_kernel and _kernels is not None:
        out = np.empty(len(pairs), dtype=np.int64)
        _kernels.intersection_sizes(
            np.ascontiguousarray(set_hashes, dtype=np.uint32), np.ascontiguousarray(set_offsets, dtype=np.int64), pairs, out
        )
        return out
    sizes = np.diff(set_offsets)
    keys = _set_keys(set_hashes, set_offsets)
    # Look up the smaller set's elements in the larger set.
    swap = sizes[pairs[:, 0]] > sizes[pairs[:, 1]]
    probe = np.where(swap, pairs[:, 1], pairs[:, 0])
    target = np.where(swap, pairs[:, 0], pairs[:, 1])
    probe_sizes = sizes[probe]
    out = np.zeros(len(pairs), dtype=np.int64)
    ends = np.cumsum(probe_sizes)
    lo = 0
    while lo < len(pairs):
        hi = max(int(np.searchsorted(ends, ends[lo] - probe_sizes[lo] + _CHUNK, side="right")), lo + 1)
        counts = probe_sizes[lo:hi]
        elem = np.arange(int(counts.sum()), dtype=np.int64) + np.repeat(
            set_offsets[probe[lo:hi]] - (np.cumsum(counts) - counts), counts
        )
        query = (np.repeat(target[lo:hi].astype(np.uint64), counts) << _S32) | set_hashes[elem].astype(np.uint64)
        pos = np.minimum(np.searchsorted(keys, query), max(keys.size - 1, 0))
        hit = keys[pos] == query if keys.size else np.zeros(query.size, dtype=bool)
        out[lo:hi] = np.bincount(np.repeat(np.arange(hi - lo), counts), weights=hit, minlength=hi - lo).astype(np.int64)
        lo = hi
    return out


def similarities(set_hashes: np.ndarray, set_offsets: np.ndarray, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact Jaccard and containment of every pair.

    Parameters are as for :func:`intersection_sizes`. Two empty sets have
    similarity 0: a unit with nothing to compare is nobody's duplicate.

    Returns
    -------
    jaccard : np.ndarray
        float64 ``[p]``.
    containment : np.ndarray
        float64 ``[p]``.
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    sizes = np.diff(set_offsets)
    inter = intersection_sizes(set_hashes, set_offsets, pairs).astype(np.float64)
    size_a, size_b = sizes[pairs[:, 0]], sizes[pairs[:, 1]]
    union = size_a + size_b - inter
    smaller = np.minimum(size_a, size_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(union > 0, inter / union, 0.0)
        containment = np.where(smaller > 0, inter / smaller, 0.0)
    return jaccard, containment


def verify_pairs(
    set_hashes: np.ndarray,
    set_offsets: np.ndarray,
    pairs: np.ndarray,
    *,
    threshold: float,
    containment_threshold: float | None = None,
) -> VerifiedPairs:
    """Keep the candidate pairs that are truly similar.

    A pair passes when its Jaccard similarity is at least ``threshold``, or,
    with ``containment_threshold`` set, when its containment is at least that
    (an excerpt or fragment of a longer unit).

    Parameters
    ----------
    set_hashes, set_offsets : np.ndarray
        As for :func:`intersection_sizes`.
    pairs : np.ndarray
        int64 ``[p, 2]`` candidates.
    threshold : float
    containment_threshold : float, optional

    Returns
    -------
    VerifiedPairs
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    jaccard, containment = similarities(set_hashes, set_offsets, pairs)
    keep = jaccard >= threshold
    if containment_threshold is not None:
        keep |= containment >= containment_threshold
    return VerifiedPairs(pairs[keep], jaccard[keep], containment[keep])
