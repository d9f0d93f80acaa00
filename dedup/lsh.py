"""Locality-sensitive hashing: band keys of signatures → candidate pairs.

A signature of ``bands * rows`` values is cut into ``bands`` bands; two units
become candidates when all ``rows`` values of at least one band agree, which
happens with probability ``1 - (1 - J**rows)**bands`` for Jaccard ``J`` (the
S-curve). Candidates are found by sorting each band's keys and pairing equal
neighbours — arrays all the way, no dictionary of byte strings per band.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .arrays import concat_ranges, rows_sharing, sorted_unique, stable_order
from .errors import InvalidOptionError
from .options import check_arg, positive_int

__all__ = ["LSHParams", "optimal_params", "s_curve", "band_keys", "candidate_pairs"]

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


@dataclass(frozen=True)
class LSHParams:
    """Bands × rows of an LSH index.

    Attributes
    ----------
    bands : int
        Number of bands.
    rows : int
        Signature values per band.
    """

    bands: int
    rows: int

    def __post_init__(self) -> None:
        if self.bands < 1 or self.rows < 1:
            raise InvalidOptionError(f"bands and rows must be >= 1, got {self.bands} × {self.rows}")

    @property
    def num_perm(self) -> int:
        """Signature values the bands use."""
        return self.bands * self.rows

    def probability(self, jaccard: float | np.ndarray) -> float | np.ndarray:
        """Probability that a pair with this Jaccard similarity becomes a candidate."""
        return s_curve(self, jaccard)


def s_curve(params: LSHParams, jaccard: float | np.ndarray) -> float | np.ndarray:
    """``1 - (1 - J**rows)**bands``: candidate probability at Jaccard ``J``.

    Parameters
    ----------
    params : LSHParams
    jaccard : float or np.ndarray
        float64 of any shape, values in ``[0, 1]``.
    """
    check_arg("params", params, LSHParams)
    try:
        j = np.asarray(jaccard, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidOptionError(
            f"jaccard must be a number or an array of numbers in [0, 1], got {type(jaccard).__name__}"
        ) from None
    p = 1.0 - (1.0 - j**params.rows) ** params.bands
    return float(p) if p.ndim == 0 else p


def optimal_params(threshold: float, num_perm: int, *, min_recall: float = 0.95) -> LSHParams:
    """The LSH shape for a Jaccard threshold (see :func:`_optimal_params`); arguments checked."""
    check_arg("threshold", threshold, float)
    check_arg("min_recall", min_recall, float)
    return _optimal_params(float(threshold), positive_int("num_perm", num_perm), min_recall=float(min_recall))


@lru_cache(maxsize=256)  # a pure function of its arguments, asked for on every call of find_duplicates
def _optimal_params(threshold: float, num_perm: int, *, min_recall: float = 0.95) -> LSHParams:
    """Bands × rows for a Jaccard threshold.

    Among the ``(bands, rows)`` with ``bands * rows <= num_perm`` whose
    candidate probability at ``threshold`` is at least ``min_recall``, the one
    with the least false-positive mass ``∫_0^threshold P(J) dJ``; ties go to
    fewer bands (less work).

    Parameters
    ----------
    threshold : float
        Jaccard similarity in ``(0, 1)``.
    num_perm : int
        Signature length available.
    min_recall : float
        Required candidate probability at ``threshold``.

    Returns
    -------
    LSHParams
    """
    if not 0.0 < threshold < 1.0:
        raise InvalidOptionError(f"threshold must be in (0, 1), got {threshold}")
    if not 0.0 < min_recall < 1.0:
        raise InvalidOptionError(f"min_recall must be in (0, 1), got {min_recall}")
    grid = np.linspace(0.0, threshold, 257)
    best: tuple[float, int, LSHParams] | None = None
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        params = LSHParams(bands, rows)
        if s_curve(params, threshold) < min_recall:
            continue
        p = s_curve(params, grid)
        fp_mass = float(np.sum((p[1:] + p[:-1]) * 0.5) * (grid[1] - grid[0]))
        key = (fp_mass, bands, params)
        if best is None or key[:2] < best[:2]:
            best = key
    if best is None:
        raise InvalidOptionError(
            f"no bands × rows within num_perm={num_perm} reaches candidate probability "
            f"{min_recall} at Jaccard {threshold}; raise num_perm"
        )
    return best[2]


def band_keys(signatures: np.ndarray, params: LSHParams) -> np.ndarray:
    """One 64-bit key per band of every signature.

    Parameters
    ----------
    signatures : np.ndarray
        uint32 ``[n, num_perm]`` with ``num_perm >= params.num_perm``.
    params : LSHParams

    Returns
    -------
    np.ndarray
        uint64 ``[n, bands]``; equal keys ⇔ equal band values (up to 64-bit collisions,
        which only add candidates that verification removes).
    """
    n, width = signatures.shape
    if width < params.num_perm:
        raise InvalidOptionError(
            f"{params.bands} bands × {params.rows} rows need {params.num_perm} values, signatures have {width}"
        )
    values = signatures[:, : params.num_perm].reshape(n, params.bands, params.rows)  # widened band by band
    keys = np.broadcast_to(np.arange(params.bands, dtype=np.uint64) * _M2, (n, params.bands)).copy()
    for r in range(params.rows):
        keys ^= values[:, :, r]
        keys *= _M1
        keys ^= keys >> np.uint64(31)
    return keys


def _pairs_within_groups(members: np.ndarray, group_starts: np.ndarray, group_sizes: np.ndarray) -> np.ndarray:
    """All pairs inside each group of a sorted member array.

    Returns
    -------
    np.ndarray
        int64 ``[sum(s*(s-1)/2), 2]``.
    """
    # Element at rank q of a group of size s pairs with ranks q+1 .. s-1.
    rank = np.arange(members.size, dtype=np.int64) - np.repeat(group_starts, group_sizes)
    partners = np.repeat(group_sizes, group_sizes) - 1 - rank
    left_pos = np.repeat(np.arange(members.size, dtype=np.int64), partners)
    run_starts = np.cumsum(partners) - partners
    step = np.arange(left_pos.size, dtype=np.int64) - np.repeat(run_starts, partners) + 1
    return np.stack([members[left_pos], members[left_pos + step]], axis=1)


_KEYS_PER_PASS = 1 << 18  # band keys sorted at once by candidate_pairs (larger sorts cost more than the passes)


def candidate_pairs(keys: np.ndarray, *, max_bucket: int = 64) -> np.ndarray:
    """Unit pairs sharing at least one band key.

    Parameters
    ----------
    keys : np.ndarray
        uint64 ``[n, bands]``, from :func:`band_keys`.
    max_bucket : int
        Buckets with more members than this contribute a star (every member
        paired with the bucket's smallest) instead of all pairs, which keeps the
        pair count linear when thousands of units are identical.

    Returns
    -------
    np.ndarray
        int64 ``[m, 2]``, each row ``(i, j)`` with ``i < j``, rows unique and sorted.

    Notes
    -----
    The keys of as many bands as fit in ``_KEYS_PER_PASS`` are sorted together, by band
    then key (a bucket holds one band's members) — only those another key of their band shares,
    when the compiled kernel finds them (:func:`dedup.arrays.shared_in_blocks`). Pairs are kept as codes
    ``i * n + j``, made distinct after every pass: what is held is the distinct pairs, not
    one copy per band that finds them.
    """
    n, bands = keys.shape
    width = np.int64(max(n, 1))
    codes = np.empty(0, dtype=np.int64)
    step = max(1, _KEYS_PER_PASS // max(n, 1))
    seen = _SeenBuckets()  # the small buckets of the passes before: a bucket alike gives no pair anew
    for lo in range(0, bands, step):
        flat = np.ascontiguousarray(keys[:, lo : lo + step].T).ravel()  # band-major
        # By band, then key (the kernel's radix sort), only the keys another of their band shares when the kernel
        # finds them (most are alone in their bucket); the members of a bucket come in row order, which the pairs'
        # codes and the stars' smallest member do not depend on.
        at = rows_sharing(flat, width)
        order = at[stable_order(at // width, flat[at])]
        sorted_keys, band = flat[order], order // width
        members = order % width
        new_bucket = np.ones(order.size, dtype=bool)
        new_bucket[1:] = (sorted_keys[1:] != sorted_keys[:-1]) | (band[1:] != band[:-1])
        starts = np.flatnonzero(new_bucket)
        sizes = np.diff(np.append(starts, order.size))
        shared = sizes > 1
        if not shared.any():
            continue
        found = []
        small = shared & (sizes <= max_bucket)
        if small.any():
            grouped, group_sizes = members[np.repeat(small, sizes)], sizes[small]
            group_starts = _compact_starts(group_sizes)
            bucket_key = _bucket_keys(grouped, group_starts, group_sizes)
            first = _first_of_alike(grouped, group_starts, group_sizes, bucket_key)
            first &= ~seen.holds(grouped, group_starts, group_sizes, bucket_key)
            grouped, group_sizes = grouped[np.repeat(first, group_sizes)], group_sizes[first]
            group_starts = _compact_starts(group_sizes)
            seen.add(grouped, group_starts, group_sizes, bucket_key[first])
            pairs = _pairs_within_groups(grouped, group_starts, group_sizes)
            found.append(_codes(pairs[:, 0], pairs[:, 1], width))
        large = shared & ~small
        if large.any():
            heads = np.repeat(np.minimum.reduceat(members, starts)[large], sizes[large])  # the smallest member
            found.append(_codes(heads, members[np.repeat(large, sizes)], width))
        codes = _union(codes, sorted_unique(np.concatenate(found)))
    return np.stack([codes // width, codes % width], axis=1).astype(np.int64)


def _first_of_alike(members: np.ndarray, starts: np.ndarray, sizes: np.ndarray, key: np.ndarray) -> np.ndarray:
    """bool ``[b]``: which buckets hold members no earlier bucket holds alike — the first of each set of buckets
    with the same members (``members[starts[i]:starts[i] + sizes[i]]``, int64, ascending in each bucket; the
    buckets one after another, ``starts`` their offsets).

    Copies of a text share every band, so its bucket repeats band after band with the same members (on the
    generated reprint pages' paragraphs, 40,081 buckets hold 3,299 distinct sets: 370,625 pairs, 40,923
    distinct): their pairs are made once. Buckets are matched by ``key`` (uint64 ``[b]``, :func:`_bucket_keys`: a
    sum of their members' mixed values and their size), and a match is kept only where the members are equal one
    by one, so a collision drops nothing.
    """
    order = stable_order(key)
    ordered = key[order]
    first = np.ones(key.size, dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    head = order[np.maximum.accumulate(np.where(first, np.arange(key.size), 0))]  # each bucket's first alike
    alike = np.flatnonzero(~first)
    bucket, like = order[alike], head[alike]
    same_size = sizes[bucket] == sizes[like]
    bucket, like = bucket[same_size], like[same_size]
    keep = np.ones(key.size, dtype=bool)
    if bucket.size:
        keep[bucket[_same_members(members, starts[bucket], members, starts[like], sizes[bucket])]] = False
    return keep


def _same_members(
    members: np.ndarray, starts: np.ndarray, other: np.ndarray, other_starts: np.ndarray, lengths: np.ndarray
) -> np.ndarray:
    """bool ``[k]``: whether bucket ``i`` (``members[starts[i]:starts[i] + lengths[i]]``) holds the members of
    ``other[other_starts[i]:other_starts[i] + lengths[i]]`` one by one (``lengths`` int64 ``[k]``, none 0)."""
    equal = members[concat_ranges(starts, lengths)] == other[concat_ranges(other_starts, lengths)]
    return np.logical_and.reduceat(equal, np.cumsum(lengths) - lengths)


def _bucket_keys(members: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """uint64 ``[b]``: a key of each bucket's members (as :func:`_first_of_alike` reads them), a sum of their mixed
    values and the bucket's size: buckets with the same members have the same key."""
    mixed = members.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    mixed ^= mixed >> np.uint64(29)
    mixed *= np.uint64(0xBF58476D1CE4E5B9)
    mixed ^= mixed >> np.uint64(32)
    if not mixed.size:
        return np.zeros(starts.size, dtype=np.uint64)
    return np.add.reduceat(mixed, starts) + sizes.astype(np.uint64) * np.uint64(0x94D049BB133111EB)


class _SeenBuckets:
    """The distinct small buckets of :func:`candidate_pairs`' passes so far, a pass's worth an entry (members, sizes
    and keys, sorted by key), so that a bucket a later pass finds again makes no pairs anew. When a pass holds one
    band (above ``_KEYS_PER_PASS // bands`` units), copies of a text made their bucket's pairs band after band
    (64 copies of 200 People's Daily documents: ``clean`` 36.3 → 24.1 s; 200,000 short texts of 7,380 distinct:
    ``find_duplicates`` 40.3 → 19.1 s). A bucket is held only where its members equal a seen one's one by one (a
    key that collides drops nothing)."""

    def __init__(self) -> None:
        self.passes: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []  # keys, starts, sizes, members

    def add(self, members: np.ndarray, starts: np.ndarray, sizes: np.ndarray, keys: np.ndarray) -> None:
        """Take buckets: ``members`` int64, one bucket after another; ``starts``, ``sizes`` int64, ``keys`` uint64
        ``[b]``."""
        if sizes.size:
            order = stable_order(keys)
            self.passes.append((keys[order], starts[order], sizes[order], members))

    def holds(self, members: np.ndarray, starts: np.ndarray, sizes: np.ndarray, keys: np.ndarray) -> np.ndarray:
        """bool ``[b]``: the buckets a pass before held with the same members."""
        held = np.zeros(keys.size, dtype=bool)
        for seen_keys, seen_starts, seen_sizes, seen_members in self.passes:
            at = np.minimum(np.searchsorted(seen_keys, keys), seen_keys.size - 1)
            bucket = np.flatnonzero(~held & (seen_keys[at] == keys) & (seen_sizes[at] == sizes))
            if not bucket.size:
                continue
            same = _same_members(members, starts[bucket], seen_members, seen_starts[at[bucket]], sizes[bucket])
            held[bucket[same]] = True
        return held


def _union(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The distinct values of two sorted, distinct int64 arrays, sorted: ``b``'s values that ``a`` lacks, found by
    binary search, inserted into ``a`` in one move. Band after band the pairs found are mostly those found already
    (copies share every band): a merge of both by a stable sort cost a pass over all of them each band — 2.2 of
    the 9.3 s of ``find_duplicates`` on 200,000 short texts of 7,380 distinct ones."""
    if not b.size:
        return a
    if not a.size:
        return b
    at = np.searchsorted(a, b)
    missing = a[np.minimum(at, a.size - 1)] != b  # past the end, a[-1] < b
    return np.insert(a, at[missing], b[missing]) if missing.any() else a


def _codes(left: np.ndarray, right: np.ndarray, width: np.int64) -> np.ndarray:
    """int64 codes ``min * width + max`` of the pairs whose two members differ."""
    differ = left != right
    left, right = left[differ], right[differ]
    return np.minimum(left, right) * width + np.maximum(left, right)


def _compact_starts(sizes: np.ndarray) -> np.ndarray:
    """Start offsets of consecutive groups of the given sizes: int64 ``[len(sizes)]``."""
    return np.cumsum(sizes) - sizes
