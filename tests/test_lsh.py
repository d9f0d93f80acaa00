"""LSH: bands × rows from a threshold, band keys, candidate pairs, recall at the threshold."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import InvalidOptionError
from dedup.lsh import LSHParams, band_keys, candidate_pairs, optimal_params, s_curve
from dedup.minhash import minhash_csr, permutations


def fp_mass(params: LSHParams, threshold: float) -> float:
    grid = np.linspace(0.0, threshold, 257)
    p = s_curve(params, grid)
    return float(np.sum((p[1:] + p[:-1]) * 0.5) * (grid[1] - grid[0]))


@pytest.mark.parametrize("num_perm", [64, 128, 256])
@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.7, 0.8, 0.9, 0.95])
def test_optimal_params_reach_recall_and_minimise_false_positives(threshold: float, num_perm: int) -> None:
    params = optimal_params(threshold, num_perm)
    assert params.num_perm <= num_perm
    assert s_curve(params, threshold) >= 0.95
    best = fp_mass(params, threshold)
    for rows in range(1, num_perm + 1):
        other = LSHParams(num_perm // rows, rows)
        if s_curve(other, threshold) >= 0.95:
            assert fp_mass(other, threshold) >= best - 1e-12


def test_known_shape_at_default_threshold() -> None:
    params = optimal_params(0.7, 128)
    assert (params.bands, params.rows) == (25, 5)
    assert params.probability(0.7) == pytest.approx(1 - (1 - 0.7**5) ** 25)


def test_impossible_recall_is_a_clear_error() -> None:
    with pytest.raises(InvalidOptionError, match="num_perm"):
        optimal_params(0.1, 2, min_recall=0.99)
    with pytest.raises(InvalidOptionError):
        optimal_params(1.5, 128)
    with pytest.raises(InvalidOptionError):
        LSHParams(0, 4)


@settings(max_examples=50, deadline=None)
@given(bands=st.integers(1, 40), rows=st.integers(1, 12))
def test_s_curve_is_increasing_from_0_to_1(bands: int, rows: int) -> None:
    params = LSHParams(bands, rows)
    p = s_curve(params, np.linspace(0, 1, 101))
    assert p[0] == 0.0 and p[-1] == 1.0
    assert np.all(np.diff(p) >= 0)


def brute_force_pairs(signatures: np.ndarray, params: LSHParams) -> set[tuple[int, int]]:
    pairs = set()
    for band in range(params.bands):
        buckets: dict[tuple[int, ...], list[int]] = {}
        for i, row in enumerate(signatures[:, band * params.rows : (band + 1) * params.rows]):
            buckets.setdefault(tuple(row.tolist()), []).append(i)
        for members in buckets.values():
            pairs.update(itertools.combinations(members, 2))
    return pairs


@settings(max_examples=80, deadline=None)
@given(
    n=st.integers(1, 40),
    bands=st.integers(1, 6),
    rows=st.integers(1, 3),
    alphabet=st.integers(1, 4),
    seed=st.integers(0, 2**32 - 1),
)
def test_candidate_pairs_equal_brute_force(n: int, bands: int, rows: int, alphabet: int, seed: int) -> None:
    params = LSHParams(bands, rows)
    sigs = np.random.default_rng(seed).integers(0, alphabet, size=(n, params.num_perm)).astype(np.uint32)
    got = candidate_pairs(band_keys(sigs, params), max_bucket=10**6)
    assert got.dtype == np.int64 and got.shape[1] == 2
    assert {tuple(p) for p in got.tolist()} == brute_force_pairs(sigs, params)
    assert np.all(got[:, 0] < got[:, 1])
    assert len(np.unique(got, axis=0)) == len(got)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(300, 700), bands=st.integers(4, 8), alphabet=st.integers(1, 3), seed=st.integers(0, 2**32 - 1))
def test_candidate_pairs_equal_brute_force_past_the_radix_sort(n: int, bands: int, alphabet: int, seed: int) -> None:
    """Enough rows for the kernel's radix sort, and few values: buckets repeat band after band."""
    params = LSHParams(bands, 1)
    sigs = np.random.default_rng(seed).integers(0, alphabet, size=(n, params.num_perm)).astype(np.uint32)
    sigs[n // 2 :] = sigs[: n - n // 2]  # copies: their buckets hold the same members in every band
    got = candidate_pairs(band_keys(sigs, params), max_bucket=10**6)
    assert {tuple(p) for p in got.tolist()} == brute_force_pairs(sigs, params)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 400),
    bands=st.integers(1, 30),
    alphabet=st.sampled_from([1, 3, 50, 2**63]),
    max_bucket=st.integers(2, 70),
    copies=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_candidate_pairs_are_each_bands_buckets_with_and_without_the_kernels_shared_keys(
    n: int, bands: int, alphabet: int, max_bucket: int, copies: bool, seed: int
) -> None:
    """Sorting only the keys the kernel finds shared gives the pairs of sorting them all, and both the pairs of
    each band's buckets (a star above ``max_bucket``), with raw keys that repeat from band to band."""
    import dedup.arrays
    import dedup.lsh

    keys = np.random.default_rng(seed).integers(0, alphabet, size=(n, bands), dtype=np.uint64)
    if copies:
        keys[n // 2 :] = keys[: n - n // 2]
    expected: set[tuple[int, int]] = set()
    for band in keys.T.tolist():
        buckets: dict[int, list[int]] = {}
        for i, key in enumerate(band):
            buckets.setdefault(key, []).append(i)
        for members in buckets.values():
            if len(members) > max_bucket:  # a star: every member with the smallest
                expected.update((members[0], j) for j in members[1:])
            else:
                expected.update(itertools.combinations(members, 2))
    with_kernel = candidate_pairs(keys, max_bucket=max_bucket)
    assert {tuple(p) for p in with_kernel.tolist()} == expected
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(dedup.arrays, "shared_in_blocks", lambda values, block: None)
        assert np.array_equal(candidate_pairs(keys, max_bucket=max_bucket), with_kernel)
    with pytest.MonkeyPatch.context() as patched:  # a band or two a pass: each pass's new pairs merged in
        patched.setattr(dedup.lsh, "_KEYS_PER_PASS", max(n, 1) * (1 + seed % 2))
        assert np.array_equal(candidate_pairs(keys, max_bucket=max_bucket), with_kernel)
        # every band alike: the buckets of the first pass come again in each later one and give no pair anew
        same = np.repeat(keys[:, :1], bands, axis=1)
        assert np.array_equal(
            candidate_pairs(same, max_bucket=max_bucket), candidate_pairs(same[:, :1], max_bucket=max_bucket)
        )


@settings(max_examples=200, deadline=None)
@given(a=st.lists(st.integers(-(2**40), 2**40), max_size=40), b=st.lists(st.integers(-(2**40), 2**40), max_size=40))
def test_the_pairs_of_a_pass_are_merged_as_a_union(a: list[int], b: list[int]) -> None:
    import dedup.lsh

    left, right = np.unique(np.array(a, dtype=np.int64)), np.unique(np.array(b, dtype=np.int64))
    merged = dedup.lsh._union(left, right)
    assert merged.dtype == np.int64 and merged.tolist() == sorted(set(a) | set(b))


@given(st.lists(st.lists(st.integers(0, 5), min_size=2, max_size=4, unique=True), max_size=30), st.booleans())
def test_first_of_alike_keeps_one_bucket_of_each_member_set(buckets: list[list[int]], colliding: bool) -> None:
    """The first bucket of each member set is kept and only later equal ones go, also when every bucket's key
    collides (the members are compared one by one)."""
    from dedup.lsh import _bucket_keys, _first_of_alike

    members = np.array([m for b in buckets for m in sorted(b)], dtype=np.int64)
    sizes = np.array([len(b) for b in buckets], dtype=np.int64)
    starts = np.cumsum(sizes) - sizes
    key = np.zeros(len(buckets), dtype=np.uint64) if colliding else _bucket_keys(members, starts, sizes)
    keep = _first_of_alike(members, starts, sizes, key).tolist()
    seen: set[tuple[int, ...]] = set()
    expected = []
    for b in buckets:
        expected.append(tuple(sorted(b)) not in seen)
        seen.add(tuple(sorted(b)))
    if colliding:  # each bucket is compared with the first of its key only: later copies of others stay
        first = tuple(sorted(buckets[0])) if buckets else None
        expected = [i == 0 or tuple(sorted(b)) != first for i, b in enumerate(buckets)]
    assert keep == expected


def test_large_buckets_become_stars() -> None:
    sigs = np.zeros((100, 4), dtype=np.uint32)  # all identical: one bucket of 100 per band
    got = candidate_pairs(band_keys(sigs, LSHParams(2, 2)), max_bucket=10)
    assert got.tolist() == [[0, j] for j in range(1, 100)]


def planted_pairs(n_pairs: int, jaccard: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Token-hash sets in pairs (2i, 2i+1) with Jaccard exactly ``jaccard``."""
    shared, each = 140, 30
    shared = round(2 * each * jaccard / (1 - jaccard))
    sets = []
    for _ in range(n_pairs):
        tokens = rng.choice(2**32, size=shared + 2 * each, replace=False).astype(np.uint32)
        common = tokens[:shared]
        sets.append(np.concatenate([common, tokens[shared : shared + each]]))
        sets.append(np.concatenate([common, tokens[shared + each :]]))
        assert shared / (shared + 2 * each) == pytest.approx(jaccard, abs=0.005)
    offsets = np.concatenate(([0], np.cumsum([len(s) for s in sets]))).astype(np.int64)
    return np.concatenate(sets), offsets


@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.8, 0.9])
def test_recall_of_pairs_exactly_at_the_threshold(threshold: float) -> None:
    n_pairs = 1000
    hashes, offsets = planted_pairs(n_pairs, threshold, np.random.default_rng(int(threshold * 100)))
    params = optimal_params(threshold, 128)
    sigs = minhash_csr(hashes, offsets, *permutations(128, 1))
    found = {tuple(p) for p in candidate_pairs(band_keys(sigs, params)).tolist()}
    recall = np.mean([(2 * i, 2 * i + 1) in found for i in range(n_pairs)])
    assert recall >= 0.95


def test_buckets_of_passes_before_are_held_only_with_equal_members() -> None:
    """A bucket a later pass finds again is held (its pairs were made); one whose key collides with a seen
    bucket's but whose members differ is not, nor one of another size."""
    from dedup.lsh import _SeenBuckets

    seen = _SeenBuckets()
    key = np.array([7, 9], dtype=np.uint64)
    seen.add(np.array([1, 2, 3, 4, 5], dtype=np.int64), np.array([0, 2]), np.array([2, 3]), key)
    members = np.array([1, 2, 1, 3, 3, 4, 5, 4, 5], dtype=np.int64)  # {1,2}, {1,3} (key 7), {3,4,5}, {4,5} (key 9)
    starts, sizes = np.array([0, 2, 4, 7]), np.array([2, 2, 3, 2])
    keys = np.array([7, 7, 9, 9], dtype=np.uint64)
    assert seen.holds(members, starts, sizes, keys).tolist() == [True, False, True, False]
    assert _SeenBuckets().holds(members, starts, sizes, keys).tolist() == [False] * 4
