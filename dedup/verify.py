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

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .arrays import concat_ranges, found_in, sorted_unique, stable_order
from .kernel import kernels as _kernels  # None without the compiled kernel: numpy paths

__all__ = [
    "VerifiedPairs",
    "contained",
    "contained_in_chunks",
    "containment_may_reach",
    "intersection_sizes",
    "measures",
    "measures_in_chunks",
    "similarities",
    "verify_candidates",
    "verify_pairs",
]

#: Makes the shingle sets of some units: called with their indices (int64 ``[k]``, ascending),
#: returns ``(set_hashes, set_offsets)`` of those units in that order, or ``(set_hashes, set_offsets, ids)``: the
#: sets of their distinct views and the set of each unit (int64 ``[k]``; :func:`dedup.shingle.distinct_shingle_sets`).
SetsOf = Callable[[np.ndarray], tuple[np.ndarray, ...]]

#: What may stand in for measuring pairs: ``measured(pairs, measure)`` gives :func:`measures` of the pairs (int64
#: ``[p, 2]`` → float64 ``[p, 4]``), calling ``measure`` (the same signature, the measuring itself) on those it does
#: not know already (:meth:`dedup.lines.DocumentViews.measured`: the pairs of documents measured by an earlier pass).
Measured = Callable[[np.ndarray, Callable[[np.ndarray], np.ndarray]], np.ndarray]

_S32 = np.uint64(32)
_CHUNK = 1 << 22  # looked-up elements per chunk
SET_BUDGET = 1 << 23  # characters of units whose shingle sets are held at once (their views and sets: ~100 MB)
#: Pairs measured at once (a chunk's arrays, ~130 bytes a pair): copies make many pairs of few characters.
CHUNK_PAIRS = 1 << 19


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
    share : np.ndarray, optional
        float64 ``[m, 2]``: ``|A ∩ B| / |A|`` and ``|A ∩ B| / |B|``, how much of each side lies
        in the other (what a member's coverage by its representative is read from).
    """

    pairs: np.ndarray
    jaccard: np.ndarray
    containment: np.ndarray
    share: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.pairs.shape[0])

    def measures_of(self, reps: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Jaccard and the member's share in the representative of each pair ``(reps[i], members[i])`` held here.

        Parameters
        ----------
        reps, members : np.ndarray
            int64 ``[k]``.

        Returns
        -------
        jaccard, coverage : np.ndarray
            float64 ``[k]``; 0 where the pair is not here.
        found : np.ndarray
            bool ``[k]``.
        """
        if self.share is None:
            raise ValueError("these pairs were verified without their shares")
        reps, members = np.asarray(reps, dtype=np.int64), np.asarray(members, dtype=np.int64)
        width = np.int64(max(int(self.pairs.max(initial=0)), int(reps.max(initial=0)), int(members.max(initial=0))) + 1)
        codes = self.pairs[:, 0] * width + self.pairs[:, 1]
        order = stable_order(codes)
        codes = codes[order]
        member_first = members < reps
        asked = np.where(member_first, members * width + reps, reps * width + members)
        pos, found = found_in(codes, asked)
        row = order[pos[found]]
        jaccard = np.zeros(asked.size, dtype=np.float64)
        coverage = np.zeros(asked.size, dtype=np.float64)
        jaccard[found] = self.jaccard[row]
        coverage[found] = self.share[row, np.where(member_first[found], 0, 1)]
        return jaccard, coverage, found

    def measures_or(
        self,
        reps: np.ndarray,
        members: np.ndarray,
        measure_rest: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`measures_of`, with the pairs not held here (but a member standing for itself) measured by
        ``measure_rest``.

        Returns
        -------
        jaccard, coverage : np.ndarray
            float64 ``[k]``.
        """
        jaccard, coverage, found = self.measures_of(reps, members)
        rest = ~found & (reps != members)
        if rest.any():
            jaccard[rest], coverage[rest] = measure_rest(reps[rest], members[rest])
        return jaccard, coverage


def _set_keys(set_hashes: np.ndarray, set_offsets: np.ndarray) -> np.ndarray:
    unit = np.repeat(np.arange(len(set_offsets) - 1, dtype=np.uint64), np.diff(set_offsets))
    return (unit << _S32) | set_hashes.astype(np.uint64)


def intersection_sizes(
    set_hashes: np.ndarray,
    set_offsets: np.ndarray,
    pairs: np.ndarray,
    *,
    need: np.ndarray | None = None,
    use_kernel: bool = True,
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
    need : np.ndarray, optional
        int64 ``[p]``: only whether each size reaches ``need`` matters; the compiled merge may stop
        early and give a smaller size (still below ``need``) for a pair that cannot reach it.
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
        hashes = np.ascontiguousarray(set_hashes, dtype=np.uint32)
        offsets = np.ascontiguousarray(set_offsets, dtype=np.int64)
        needed = None if need is None else np.ascontiguousarray(need, dtype=np.int64)
        _kernels.intersection_sizes(hashes, offsets, pairs, out, needed)
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
        elem = concat_ranges(set_offsets[probe[lo:hi]], counts)
        query = (np.repeat(target[lo:hi].astype(np.uint64), counts) << _S32) | set_hashes[elem].astype(np.uint64)
        hit = found_in(keys, query)[1]
        out[lo:hi] = np.bincount(np.repeat(np.arange(hi - lo), counts), weights=hit, minlength=hi - lo).astype(np.int64)
        lo = hi
    return out


def intersection_sizes_between(
    sets_a: tuple[np.ndarray, np.ndarray],
    sets_b: tuple[np.ndarray, np.ndarray],
    pairs: np.ndarray,
    *,
    use_kernel: bool = True,
) -> np.ndarray:
    """:func:`intersection_sizes` of pairs ``(a, b)`` whose sets lie in two CSRs, ``sets_a`` and
    ``sets_b`` (hashes uint32, offsets int64 each): neither is copied by the kernel, so ``sets_b``
    may be a memory-mapped index. int64 ``[p]``."""
    pairs = np.ascontiguousarray(np.asarray(pairs, dtype=np.int64).reshape(-1, 2))
    if use_kernel and _kernels is not None:
        out = np.empty(len(pairs), dtype=np.int64)
        _kernels.intersection_sizes_between(
            np.ascontiguousarray(sets_a[0], dtype=np.uint32),
            np.ascontiguousarray(sets_a[1], dtype=np.int64),
            np.ascontiguousarray(sets_b[0], dtype=np.uint32),
            np.ascontiguousarray(sets_b[1], dtype=np.int64),
            pairs,
            out,
        )
        return out
    # the reference: the sets of both sides side by side in one CSR
    units, back = np.unique(pairs[:, 1], return_inverse=True)
    offsets_b = np.asarray(sets_b[1])
    counts = offsets_b[units + 1] - offsets_b[units]
    hashes = np.concatenate([np.asarray(sets_a[0]), np.asarray(sets_b[0])[concat_ranges(offsets_b[units], counts)]])
    offsets = np.concatenate([sets_a[1], np.cumsum(counts) + sets_a[1][-1]])
    joined = np.stack([pairs[:, 0], len(sets_a[1]) - 1 + back], axis=1)
    return intersection_sizes(hashes, offsets, joined, use_kernel=False)


def measures_from_sizes(inter: np.ndarray, size_a: np.ndarray, size_b: np.ndarray) -> np.ndarray:
    """:func:`measures` from intersection and set sizes (int64 ``[p]`` each): float64 ``[p, 4]``."""
    inter = inter.astype(np.float64)
    out = np.zeros((len(inter), 4), dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        for column, denominator in enumerate((size_a + size_b - inter, np.minimum(size_a, size_b), size_a, size_b)):
            np.divide(inter, denominator, out=out[:, column], where=denominator > 0)
    return out


def measures(set_hashes: np.ndarray, set_offsets: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Exact Jaccard, containment and each side's share in the other, of every pair.

    Parameters are as for :func:`intersection_sizes`. An empty set shares nothing: a unit
    with nothing to compare is nobody's duplicate.

    Returns
    -------
    np.ndarray
        float64 ``[p, 4]``: Jaccard ``|A ∩ B| / |A ∪ B|``, containment ``|A ∩ B| / min(|A|, |B|)``,
        ``|A ∩ B| / |A|`` and ``|A ∩ B| / |B|``.
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    sizes = np.diff(set_offsets)
    same = pairs[:, 0] == pairs[:, 1]  # a set against itself (copies of one view): its size, not merged
    if same.any():
        inter = sizes[pairs[:, 0]]
        inter[~same] = intersection_sizes(set_hashes, set_offsets, pairs[~same])
    else:
        inter = intersection_sizes(set_hashes, set_offsets, pairs)
    return measures_from_sizes(inter, sizes[pairs[:, 0]], sizes[pairs[:, 1]])


def similarities(set_hashes: np.ndarray, set_offsets: np.ndarray, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact Jaccard and containment of every pair (the first two columns of :func:`measures`).

    Returns
    -------
    jaccard : np.ndarray
        float64 ``[p]``.
    containment : np.ndarray
        float64 ``[p]``.
    """
    out = measures(set_hashes, set_offsets, pairs)
    return out[:, 0].copy(), out[:, 1].copy()


def _verified(
    pairs: np.ndarray, measured: np.ndarray, threshold: float, containment_threshold: float | None
) -> VerifiedPairs:
    keep = measured[:, 0] >= threshold
    if containment_threshold is not None:
        keep |= measured[:, 1] >= containment_threshold
    # Each column taken on its own: no copy of all four at once (copies of a text make millions of pairs).
    return VerifiedPairs(pairs[keep], measured[keep, 0], measured[keep, 1], measured[keep, 2:4])


def verify_pairs(
    set_hashes: np.ndarray,
    set_offsets: np.ndarray,
    pairs: np.ndarray,
    *,
    threshold: float,
    containment_threshold: float | None = None,
    ids: np.ndarray | None = None,
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
    ids : np.ndarray, optional
        int64 ``[n]``: the set of each unit the pairs name, when the sets are of their distinct views
        (:func:`dedup.shingle.distinct_shingle_sets`).

    Returns
    -------
    VerifiedPairs
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    measured = measures(set_hashes, set_offsets, pairs if ids is None else ids[pairs])
    return _verified(pairs, measured, threshold, containment_threshold)


def measures_in_chunks(
    pairs: np.ndarray, lengths: np.ndarray, sets_of: SetsOf, budget: int | None = None
) -> np.ndarray:
    """:func:`measures` of pairs of units whose shingle sets are made on demand, a bounded share at a time.

    Consecutive pairs are taken while their distinct units hold at most ``budget``
    characters (a pair whose two units alone hold more is a chunk of its own); only those
    units' sets exist at once. When all units fit, there is one chunk and every set is
    made once; otherwise a unit whose pairs fall into several chunks is hashed again in each.

    Parameters
    ----------
    pairs : np.ndarray
        int64 ``[p, 2]`` unit indices.
    lengths : np.ndarray
        int64 ``[n]``, characters of each unit (what its set costs).
    sets_of : callable
        See :data:`SetsOf`.
    budget : int, optional
        Default :data:`SET_BUDGET`.

    Returns
    -------
    np.ndarray
        float64 ``[p, 4]``, as :func:`measures`, in the order of ``pairs``.
    """
    out = np.zeros((len(np.asarray(pairs).reshape(-1, 2)), 4), dtype=np.float64)
    return _in_chunks(pairs, lengths, sets_of, budget, measures, out)


def contained_in_chunks(
    pairs: np.ndarray, lengths: np.ndarray, sets_of: SetsOf, threshold: float, budget: int | None = None
) -> np.ndarray:
    """bool ``[p]``: the pairs whose containment (:func:`measures`' second column) is at least ``threshold``,
    their sets made as by :func:`measures_in_chunks`; exact, and the compiled merge of a pair stops once it
    cannot reach the threshold (:func:`contained`)."""
    out = np.zeros(len(np.asarray(pairs).reshape(-1, 2)), dtype=bool)
    return _in_chunks(pairs, lengths, sets_of, budget, lambda h, o, p: contained(h, o, p, threshold), out)


def _in_chunks(
    pairs: np.ndarray,
    lengths: np.ndarray,
    sets_of: SetsOf,
    budget: int | None,
    measure: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
    out: np.ndarray,
) -> np.ndarray:
    """``out`` (``[p, ...]``) filled with ``measure(set_hashes, set_offsets, local_pairs)`` chunk by chunk
    (see :func:`measures_in_chunks`)."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if not len(pairs):
        return out
    bounds = _chunk_bounds(pairs, np.asarray(lengths, dtype=np.int64), SET_BUDGET if budget is None else budget)
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        chunk = pairs[lo:hi]
        involved = sorted_unique(chunk)
        made, local = sets_of(involved), np.searchsorted(involved, chunk)
        out[lo:hi] = measure(made[0], made[1], local if len(made) == 2 else made[2][local])
    return out


def contained(set_hashes: np.ndarray, set_offsets: np.ndarray, pairs: np.ndarray, threshold: float) -> np.ndarray:
    """bool ``[p]``: whether ``|A ∩ B| / min(|A|, |B|) >= threshold``, as :func:`measures` computes it.

    Each pair needs the least intersection ``k`` with ``k / min(|A|, |B|) >= threshold``; the compiled
    merge stops once the smaller set has missed more elements than that allows (most pairs that fall
    short are settled in a fraction of the larger set). Parameters as for :func:`intersection_sizes`.
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    sizes = np.diff(set_offsets)
    least = np.minimum(sizes[pairs[:, 0]], sizes[pairs[:, 1]]).astype(np.float64)
    need = np.ceil(threshold * least)
    with np.errstate(divide="ignore", invalid="ignore"):
        need -= (need >= 1) & ((need - 1) / least >= threshold)  # the float division decides, as in measures
        need += need / least < threshold
    reached = intersection_sizes(set_hashes, set_offsets, pairs, need=need.astype(np.int64)) >= need
    return np.where(least > 0, reached, 0.0 >= threshold)  # an empty set's containment is 0


def containment_may_reach(pairs: np.ndarray, hashes: np.ndarray, offsets: np.ndarray, threshold: float) -> np.ndarray:
    """bool ``[p]``: the pairs whose containment (:func:`contained`'s ``|A ∩ B| / min(|A|, |B|)`` of their shingle
    sets) may reach ``threshold``; every other pair falls short of it.

    A bound, not a measure, and no set is made: per pair the compiled kernel counts B's tokens that fall in a
    16-bit bucket (``h >> 16``) one of A's tokens falls in — at least ``|A ∩ B|`` — and per unit the buckets its
    tokens fill — at most its set's size. A pair is dropped only where the count is short of ``threshold`` times
    the smaller of the two units' buckets, by a margin float rounding cannot cross. The kernel stops counting a
    pair once the tokens left could not bring it within one of that (most candidates share next to nothing: People's
    Daily's 76,168 candidate fragments: 7.1 → 5.9 ms), which drops the same pairs. Without the kernel every pair may.

    Parameters
    ----------
    pairs : np.ndarray
        int64 ``[p, 2]``: units ``(a, b)`` of ``offsets``.
    hashes : np.ndarray
        uint32 ``[m]``: each unit's token hashes, repeats allowed (:func:`dedup.shingle.shingle_hashes`).
    offsets : np.ndarray
        int64 ``[units + 1]``.
    threshold : float
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    may = np.ones(len(pairs), dtype=bool)
    if _kernels is None or not len(pairs):
        return may
    order = stable_order(pairs[:, 0])  # the kernel fills a bitmap once for each run of one A
    ordered = np.ascontiguousarray(pairs[order])
    found = np.empty(len(pairs), dtype=np.int64)
    filled = np.empty(len(offsets) - 1, dtype=np.int64)
    hashes, offsets = np.ascontiguousarray(hashes, dtype=np.uint32), np.ascontiguousarray(offsets, dtype=np.int64)
    _kernels.bucket_overlaps(hashes, offsets, ordered, float(threshold), found, filled)
    least = np.minimum(filled[ordered[:, 0]], filled[ordered[:, 1]])
    may[order] = (least == 0) | (found >= threshold * least - 1e-6)
    return may


def _prefix_costs(pairs: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """int64 ``[p]``: characters of the distinct units of ``pairs[:k + 1]``, for every ``k`` (non-decreasing)."""
    flat = pairs.ravel()  # pair k holds positions 2k and 2k + 1
    order = stable_order(flat)  # np.unique(flat, return_index=True): a unit's first position is its first in order
    ordered = flat[order]
    new = np.ones(flat.size, dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    units, first = ordered[new], order[new]
    added = np.zeros(len(pairs), dtype=np.int64)
    np.add.at(added, first // 2, lengths[units])  # a unit costs where it first appears
    return np.cumsum(added)


def _chunk_bounds(
    pairs: np.ndarray, lengths: np.ndarray, budget: int, window: int = 4096, max_pairs: int | None = None
) -> list[int]:
    """Boundaries of maximal runs of consecutive pairs whose distinct units hold at most ``budget`` characters
    (a pair that alone holds more is a run of its own), of at most ``max_pairs`` pairs (default :data:`CHUNK_PAIRS`).

    A run's costs are read over a window of the pairs after it, doubled until the budget is passed in it (the
    costs of a window's pairs are those of the same pairs in all that follow): each pair is read a bounded number
    of times. Reading all that follow for every run cost the square of the runs: 64 copies of 200 People's Daily
    documents spent 18 of `clean`'s 52 s here.
    """
    p, max_pairs = len(pairs), CHUNK_PAIRS if max_pairs is None else max_pairs
    bounds, lo = [0], 0
    while lo < p:
        while True:
            hi = min(p, lo + window)
            fitting = int(np.searchsorted(_prefix_costs(pairs[lo:hi], lengths), budget, side="right"))
            if fitting < hi - lo or hi == p or fitting >= max_pairs:
                break
            window *= 2
        fitting = min(fitting, max_pairs)
        lo += max(fitting, 1)
        bounds.append(lo)
        window = max(window // 2, 2 * fitting, 1)  # the next run is likely of about this one's size
    return bounds


def verify_candidates(
    pairs: np.ndarray,
    lengths: np.ndarray,
    sets_of: SetsOf,
    *,
    threshold: float,
    containment_threshold: float | None = None,
    budget: int | None = None,
    measured: Measured | None = None,
) -> VerifiedPairs:
    """:func:`verify_pairs` with shingle sets made on demand, a bounded share at a time (see
    :func:`measures_in_chunks`); with ``measured``, the pairs it knows are not measured again (see :data:`Measured`)."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)

    def measure(chosen: np.ndarray) -> np.ndarray:
        return measures_in_chunks(chosen, lengths, sets_of, budget)

    rows = measure(pairs) if measured is None else measured(pairs, measure)
    return _verified(pairs, rows, threshold, containment_threshold)
