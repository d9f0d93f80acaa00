"""Verification (exact set similarity) and clustering (connected components, representatives)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dedup import verify
from dedup.cluster import Cluster, Clusters, connected_components, group_members, pick_representatives
from dedup.errors import InvalidOptionError
from dedup.verify import (
    VerifiedPairs,
    contained,
    containment_may_reach,
    intersection_sizes,
    intersection_sizes_between,
    similarities,
    verify_pairs,
)


def as_csr(sets: list[set[int]]) -> tuple[np.ndarray, np.ndarray]:
    flat = np.array([h for s in sets for h in sorted(s)], dtype=np.uint32)
    offsets = np.concatenate(([0], np.cumsum([len(s) for s in sets]))).astype(np.int64)
    return flat, offsets


def test_similarities_exact_small_case() -> None:
    sets = [{1, 2, 3, 4}, {3, 4, 5}, {9}, set(), set()]
    flat, offsets = as_csr(sets)
    pairs = np.array([[0, 1], [0, 2], [1, 0], [3, 4], [2, 3]])
    jaccard, containment = similarities(flat, offsets, pairs)
    assert jaccard.tolist() == [2 / 5, 0.0, 2 / 5, 0.0, 0.0]
    assert containment.tolist() == [2 / 3, 0.0, 2 / 3, 0.0, 0.0]


def test_verify_pairs_by_jaccard_or_containment() -> None:
    flat, offsets = as_csr([set(range(10)), set(range(9)), set(range(3)), set(range(100, 110))])
    pairs = np.array([[0, 1], [0, 2], [0, 3]])
    by_jaccard = verify_pairs(flat, offsets, pairs, threshold=0.8)
    assert by_jaccard.pairs.tolist() == [[0, 1]] and by_jaccard.jaccard.tolist() == [0.9]
    with_containment = verify_pairs(flat, offsets, pairs, threshold=0.8, containment_threshold=0.9)
    assert with_containment.pairs.tolist() == [[0, 1], [0, 2]]
    assert with_containment.containment.tolist() == [1.0, 1.0]


# Small sets and sets of hundreds (a pair of the two gallops: one is over 16 times the other).
SETS = st.lists(
    st.one_of(st.sets(st.integers(0, 60), max_size=30), st.sets(st.integers(0, 3000), min_size=50, max_size=600)),
    min_size=1,
    max_size=10,
)


def draw_pairs(data: st.DataObject, n: int) -> np.ndarray:
    """int64 ``[p, 2]``: up to 20 pairs of the ``n`` sets, either way round, a set with itself too."""
    pairs = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=20))
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


@settings(max_examples=100, deadline=None)
@given(sets=SETS, data=st.data(), chunk=st.sampled_from([1, 7, 1 << 22]), use_kernel=st.booleans())
def test_intersections_equal_python_sets(
    sets: list[set[int]], data: st.DataObject, chunk: int, use_kernel: bool
) -> None:
    """The compiled merge (galloping through a set 16x larger) and the numpy reference count exactly."""
    flat, offsets = as_csr(sets)
    pairs = draw_pairs(data, len(sets))
    old = verify._CHUNK
    verify._CHUNK = chunk
    try:
        got = intersection_sizes(flat, offsets, pairs, use_kernel=use_kernel)
    finally:
        verify._CHUNK = old
    assert got.tolist() == [len(sets[i] & sets[j]) for i, j in pairs.tolist()]


@settings(max_examples=150, deadline=None)
@given(sets=SETS, data=st.data(), threshold=st.sampled_from([0.0, 0.5, 0.7, 0.9, 0.95, 1.0]))
def test_containment_reached_equals_the_measure(sets: list[set[int]], data: st.DataObject, threshold: float) -> None:
    """Stopping a merge once a pair cannot reach the containment changes no answer, and a size that reaches
    ``need`` is exact."""
    flat, offsets = as_csr(sets)
    pairs = draw_pairs(data, len(sets))
    _, containment = similarities(flat, offsets, pairs)
    assert contained(flat, offsets, pairs, threshold).tolist() == (containment >= threshold).tolist()
    need = np.array(data.draw(st.lists(st.integers(0, 40), min_size=len(pairs), max_size=len(pairs))), dtype=np.int64)
    exact = [len(sets[i] & sets[j]) for i, j in pairs.tolist()]
    for use_kernel in (True, False):
        got = intersection_sizes(flat, offsets, pairs, need=need, use_kernel=use_kernel).tolist()
        assert [g >= k for g, k in zip(got, need.tolist())] == [e >= k for e, k in zip(exact, need.tolist())]
        assert all(g == e for g, e, k in zip(got, exact, need.tolist()) if e >= k)


def test_containment_at_a_threshold_small_case() -> None:
    # 9 of 10 shared: containment 0.9 exactly; 8 of 10: 0.8; an empty set is nobody's fragment; the smaller
    # set of a pair is the fragment, whichever side it is on.
    flat, offsets = as_csr([set(range(10)), set(range(1, 11)), set(range(2, 12)), set(), set(range(100)), {5, 200}])
    pairs = np.array([[0, 1], [0, 2], [3, 0], [0, 4], [4, 1], [4, 5]])
    assert contained(flat, offsets, pairs, 0.9).tolist() == [True, False, False, True, True, False]


def scrambled(x: int) -> int:
    return (x * 2654435761) % 2**32  # a bijection of 32-bit integers that spreads them over the 16-bit buckets


@settings(max_examples=150, deadline=None)
@given(sets=SETS, data=st.data(), threshold=st.sampled_from([0.0, 0.5, 0.7, 0.9, 0.95, 1.0]), spread=st.booleans())
def test_containment_bound_keeps_every_pair_that_reaches(
    sets: list[set[int]], data: st.DataObject, threshold: float, spread: bool
) -> None:
    """``containment_may_reach`` drops only pairs that fall short, from tokens in any order with repeats, hashes
    spread over the buckets or all in one (small integers share bucket 0)."""
    hashed = [{scrambled(x) if spread else x for x in s} for s in sets]
    flat, offsets = as_csr(hashed)
    pairs = draw_pairs(data, len(sets))
    reach = contained(flat, offsets, pairs, threshold)
    tokens = [sorted(s, reverse=True) + sorted(s)[: len(s) // 2] for s in hashed]
    token_flat = np.array([t for ts in tokens for t in ts], dtype=np.uint32)
    token_offsets = np.concatenate(([0], np.cumsum([len(ts) for ts in tokens]))).astype(np.int64)
    may = containment_may_reach(pairs, token_flat, token_offsets, threshold)
    assert may.dtype == bool and may.shape == (len(pairs),)
    assert not (np.asarray(reach, dtype=bool) & ~may).any()


def _bucket_bound(pairs: np.ndarray, tokens: list[list[int]], threshold: float) -> list[bool]:
    """The bound of ``containment_may_reach`` counted in full: B's tokens in a 16-bit bucket of A's, against
    ``threshold`` times the fewer buckets of the two."""
    buckets = [{t >> 16 for t in ts} for ts in tokens]
    out = []
    for a, b in pairs.tolist():
        found = sum((t >> 16) in buckets[a] for t in tokens[b])
        least = min(len(buckets[a]), len(buckets[b]))
        out.append(bool(least == 0 or found >= threshold * least - 1e-6))
    return out


@pytest.mark.skipif(verify._kernels is None, reason="compiled kernel not built")
@settings(max_examples=150, deadline=None)
@given(sets=SETS, data=st.data(), threshold=st.sampled_from([0.0, 0.5, 0.7, 0.9, 0.95, 1.0]), spread=st.booleans())
@example(sets=[set(range(30)), set(range(25, 40))], data=None, threshold=0.9, spread=True)  # stops early, or not
def test_containment_bound_counted_in_part_is_the_whole_count(
    sets: list[set[int]], data: st.DataObject | None, threshold: float, spread: bool
) -> None:
    """The kernel stops counting a pair once it cannot reach the bound: it drops exactly the pairs the whole count
    drops, a unit paired with itself, with others on either side, or alone."""
    tokens = [[scrambled(x) if spread else x for x in sorted(s)] + [scrambled(x) for x in sorted(s)][:2] for s in sets]
    if data is None:
        pairs = np.array([[0, 1], [1, 0], [0, 0], [1, 1]], dtype=np.int64)
    else:
        pairs = draw_pairs(data, len(sets))
    flat = np.array([t for ts in tokens for t in ts], dtype=np.uint32)
    offsets = np.concatenate(([0], np.cumsum([len(ts) for ts in tokens]))).astype(np.int64)
    assert containment_may_reach(pairs, flat, offsets, threshold).tolist() == _bucket_bound(pairs, tokens, threshold)


def test_containment_bound_small_case() -> None:
    # Disjoint sets fall short (their 10 hashes fill 10 buckets each, none shared); a set holds itself and a subset
    # of it; sharing 9 of 10 may reach 0.9, 8 of 10 not; an empty set is left to the measure.
    sets = [set(range(10)), set(range(10, 20)), set(range(1, 11)), set(range(2, 12)), set(range(5)), set()]
    flat, offsets = as_csr([{scrambled(x) for x in s} for s in sets])
    pairs = np.array([[0, 1], [1, 0], [0, 0], [0, 4], [4, 0], [0, 2], [0, 3], [0, 5]])
    expected = [False, False, True, True, True, True, False, True]
    if verify._kernels is None:
        expected = [True] * len(pairs)
    assert containment_may_reach(pairs, flat, offsets, 0.9).tolist() == expected
    assert containment_may_reach(np.zeros((0, 2), dtype=np.int64), flat, offsets, 0.9).tolist() == []


@pytest.mark.skipif(verify._kernels is None, reason="compiled kernel not built")
def test_kernel_rejects_pairs_outside_the_sets() -> None:
    flat, offsets = as_csr([{1, 2}, {2, 3}])
    with pytest.raises(IndexError, match="out of range"):
        intersection_sizes(flat, offsets, np.array([[0, 2]]))
    with pytest.raises(ValueError, match="offsets"):
        intersection_sizes(flat, np.array([0, 3, 2], dtype=np.int64), np.array([[0, 1]]))
    with pytest.raises(IndexError, match="out of range"):
        containment_may_reach(np.array([[0, 2]]), flat, offsets, 0.9)


def union_find_labels(n: int, edges: list[tuple[int, int]]) -> list[int]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [min(i for i in range(n) if find(i) == find(x)) for x in range(n)]


@settings(max_examples=150, deadline=None)
@given(n=st.integers(1, 60), data=st.data())
def test_connected_components_equal_union_find(n: int, data: st.DataObject) -> None:
    edges = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=80))
    labels = connected_components(n, np.array(edges, dtype=np.int64).reshape(-1, 2))
    assert labels.tolist() == union_find_labels(n, edges)


def test_long_chain_and_groups() -> None:
    n = 1000
    chain = np.stack([np.arange(n - 1, 0, -1), np.arange(n - 2, -1, -1)], axis=1)  # worst order for hooking
    assert (connected_components(n, chain) == 0).all()
    labels = connected_components(6, np.array([[4, 2], [5, 1]]))
    assert labels.tolist() == [0, 1, 2, 3, 2, 1]
    assert [g.tolist() for g in group_members(labels)] == [[1, 5], [2, 4]]


@settings(max_examples=200)
@given(st.lists(st.integers(0, 12), max_size=40))
def test_group_members_are_the_groups_of_two_or_more(labels: list[int]) -> None:
    """Members of each label held by two nodes or more, ascending, groups in the order of their labels."""
    groups: dict[int, list[int]] = {}
    for node, label in enumerate(labels):
        groups.setdefault(label, []).append(node)
    expected = [members for _, members in sorted(groups.items()) if len(members) > 1]
    got = group_members(np.array(labels, dtype=np.int64))
    assert [g.tolist() for g in got] == expected and all(g.dtype == np.int64 for g in got)


def test_representative_policies() -> None:
    groups = [np.array([1, 5]), np.array([2, 4, 7])]
    lengths = np.array([0, 3, 9, 0, 9, 4, 0, 12])
    assert pick_representatives(groups, "first").tolist() == [1, 2]
    assert pick_representatives(groups, "longest", lengths).tolist() == [5, 7]
    assert pick_representatives(groups, lambda i: -lengths[i] if i != 7 else 0).tolist() == [5, 2]
    with pytest.raises(InvalidOptionError):
        pick_representatives(groups, "newest")
    with pytest.raises(InvalidOptionError):
        pick_representatives(groups, "longest")


@settings(max_examples=150, deadline=None)
@given(
    pairs=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=60),
    lengths=st.lists(st.integers(0, 40), min_size=31, max_size=31),
    budget=st.integers(1, 400),
)
def test_chunks_of_pairs_hold_at_most_the_budget(pairs: list[tuple[int, int]], lengths: list[int], budget: int) -> None:
    """Chunks cover the pairs in order; each holds at most ``budget`` characters of distinct units, or one pair,
    and at most ``max_pairs`` pairs; each is as long as those allow."""
    from dedup.verify import _chunk_bounds

    array = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    sizes = np.array(lengths, dtype=np.int64)
    for max_pairs in (1, 2, 5, 1 << 19):
        bounds = _chunk_bounds(array, sizes, budget, max_pairs=max_pairs)
        windows = (1, 2, 3, 7)  # read in windows
        assert all(_chunk_bounds(array, sizes, budget, window, max_pairs) == bounds for window in windows)
        assert bounds[0] == 0 and bounds[-1] == len(array) and all(a < b for a, b in zip(bounds[:-1], bounds[1:]))
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            cost = sizes[np.unique(array[lo:hi])].sum()
            assert (cost <= budget or hi - lo == 1) and hi - lo <= max_pairs
            if hi < len(array) and hi - lo < max_pairs:  # maximal: one more pair would not fit
                assert sizes[np.unique(array[lo : hi + 1])].sum() > budget


def test_reused_sets_serve_subsets_without_hashing_again() -> None:
    from dedup.near import ReusedSets
    from dedup.shingle import shingle_sets

    views = ["一二三四五六七", "", "甲乙丙丁戊己", "一二三四五六八", "abcdefgh"]
    calls: list[list[int]] = []

    def make(units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        calls.append(units.tolist())
        return shingle_sets([views[i] for i in units], 5)

    sets = ReusedSets(make)
    first = sets(np.array([0, 1, 3, 4]))
    for subset in ([0, 3], [1], [4], [0, 1, 3, 4], []):
        got = sets(np.array(subset, dtype=np.int64))
        want = shingle_sets([views[i] for i in subset], 5)
        assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
    assert calls == [[0, 1, 3, 4]] and np.array_equal(first[1], shingle_sets([views[i] for i in (0, 1, 3, 4)], 5)[1])
    sets(np.array([2, 3]))  # not all held: made anew
    assert calls[-1] == [2, 3]


_VIEWS = ["一二三四五六七", "", "甲乙丙丁戊己", "一二三四五六八", "abcdefgh", "ab"]


@settings(max_examples=100, deadline=None)
@given(views=st.lists(st.sampled_from(_VIEWS), min_size=1, max_size=12), ngram=st.integers(1, 5), data=st.data())
def test_sets_of_distinct_views_measure_as_every_views_sets(views: list[str], ngram: int, data: st.DataObject) -> None:
    """Copies' sets made once (distinct_shingle_sets): each view's set is its distinct view's; pairs measured through
    the ids — a set against itself counted, not merged — equal the pairs of every view's own set; verify_pairs with
    ids names the same pairs; ReusedSets serves subsets of them as ids."""
    from dedup.near import ReusedSets
    from dedup.shingle import distinct_shingle_sets, shingle_sets
    from dedup.verify import measures, verify_pairs

    hashes, offsets, ids = distinct_shingle_sets(views, ngram)
    every = shingle_sets(views, ngram)
    assert ids.shape == (len(views),) and len(offsets) - 1 == len(set(views))
    for i, d in enumerate(ids.tolist()):
        assert hashes[offsets[d] : offsets[d + 1]].tolist() == every[0][every[1][i] : every[1][i + 1]].tolist()
    unit = st.integers(0, len(views) - 1)
    pairs = np.array(data.draw(st.lists(st.tuples(unit, unit), max_size=20)), dtype=np.int64).reshape(-1, 2)
    assert np.array_equal(measures(hashes, offsets, ids[pairs]), measures(*every, pairs))
    kept = verify_pairs(hashes, offsets, pairs, threshold=0.5, ids=ids)
    want = verify_pairs(*every, pairs, threshold=0.5)
    assert np.array_equal(kept.pairs, want.pairs) and np.array_equal(kept.jaccard, want.jaccard)
    sets = ReusedSets(lambda units: distinct_shingle_sets([views[i] for i in units], ngram))
    whole = sets(np.arange(len(views)))
    subset = np.arange(0, len(views), 2)
    part = sets(subset)
    assert part[0] is whole[0] and np.array_equal(part[2], whole[2][subset])  # nothing hashed or copied again


def test_verified_pairs_answer_for_their_pairs_either_way_round() -> None:
    share = np.array([[0.6, 0.9], [0.8, 0.85], [1.0, 1.0]])
    verified = VerifiedPairs(
        np.array([[0, 3], [1, 2], [2, 5]]), np.array([0.5, 0.75, 1.0]), np.array([0.9, 0.85, 1.0]), share
    )
    jaccard, coverage, found = verified.measures_of(np.array([3, 1, 2, 0, 4]), np.array([0, 2, 5, 1, 4]))
    assert found.tolist() == [True, True, True, False, False]
    assert jaccard.tolist() == [0.5, 0.75, 1.0, 0.0, 0.0]
    # the member's share in its representative: member 0 of pair (0, 3) is the left side
    assert coverage.tolist() == [0.6, 0.85, 1.0, 0.0, 0.0]
    empty = VerifiedPairs(np.zeros((0, 2), dtype=np.int64), np.zeros(0), np.zeros(0), np.zeros((0, 2)))
    assert empty.measures_of(np.array([1]), np.array([2]))[2].tolist() == [False]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.sets(st.integers(0, 60)), min_size=1, max_size=6),
    st.lists(st.sets(st.integers(0, 60)), min_size=1, max_size=6),
    st.data(),
)
def test_intersections_between_two_csrs_equal_those_of_one(
    left: list[set[int]], right: list[set[int]], data: st.DataObject
) -> None:
    def csr(sets: list[set[int]]) -> tuple[np.ndarray, np.ndarray]:
        hashes = np.array([h for s in sets for h in sorted(s)], dtype=np.uint32)
        return hashes, np.concatenate(([0], np.cumsum([len(s) for s in sets]))).astype(np.int64)

    pairs = np.array(
        data.draw(st.lists(st.tuples(st.integers(0, len(left) - 1), st.integers(0, len(right) - 1)), max_size=20)),
        dtype=np.int64,
    ).reshape(-1, 2)
    expected = [len(left[a] & right[b]) for a, b in pairs.tolist()]
    for use_kernel in (True, False):
        got = intersection_sizes_between(csr(left), csr(right), pairs, use_kernel=use_kernel)
        assert got.tolist() == expected


def _clusters_list(data: st.DataObject) -> list[Cluster]:
    """Random clusters as ``_cluster_rows`` makes them (ids their positions, coverages measured)."""
    out = []
    for i in range(data.draw(st.integers(0, 12))):
        members = tuple(sorted(data.draw(st.sets(st.integers(0, 99), min_size=2, max_size=6))))
        floats = st.floats(0, 1, allow_nan=False)
        similarity = tuple(data.draw(st.lists(floats, min_size=len(members), max_size=len(members))))
        coverage = tuple(data.draw(st.lists(floats, min_size=len(members), max_size=len(members))))
        out.append(Cluster(i, members, data.draw(st.sampled_from(members)), similarity, coverage))
    return out


@settings(max_examples=150, deadline=None)
@given(data=st.data(), chunk=st.integers(1, 5))
def test_clusters_held_as_arrays_read_as_their_list(data: st.DataObject, chunk: int) -> None:
    """``Clusters`` reads like the list it holds: length, items, negative indices, slices, iteration a chunk at a
    time, equality either way, ``repr``, pickling."""
    listed = _clusters_list(data)
    held = Clusters.of(listed)
    held._CHUNK = chunk  # iteration across chunk boundaries
    assert len(held) == len(listed) and list(held) == listed and held == listed and listed == held
    assert [held[i] for i in range(-len(listed), len(listed))] == listed + listed
    assert held[1:-1] == listed[1:-1] and repr(held) == repr(listed)
    assert pickle.loads(pickle.dumps(held)) == listed and Clusters.of(held) is held
    assert held.members.tolist() == [m for c in listed for m in c.members]
    assert held.cluster_of_members().tolist() == [i for i, c in enumerate(listed) for _ in c.members]
    with pytest.raises(IndexError):
        held[len(listed)]


def test_clusters_without_coverages_and_bad_arrays() -> None:
    unmeasured = [Cluster(3, (1, 4), 4, (0.5, 1.0)), Cluster(7, (2, 9), 2, (1.0, 0.75))]
    held = Clusters.of(unmeasured)
    assert held == unmeasured and held.coverage.size == 0 and held.ids.tolist() == [3, 7]
    with pytest.raises(ValueError, match="some clusters have coverages"):
        Clusters.of([*unmeasured, Cluster(8, (5, 6), 5, (1.0, 0.9), (1.0, 0.9))])
    with pytest.raises(ValueError, match="bounds and members do not agree"):
        Clusters(np.array([0, 3]), np.array([1, 2]), np.array([1]), np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="do not agree"):
        Clusters(np.array([0, 2]), np.array([1, 2]), np.array([1, 2]), np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="do not agree"):
        Clusters(np.array([0, 2]), np.array([1, 2]), np.array([1]), np.ones(2), np.ones(1))
    assert Clusters.of([]) == [] and len(Clusters.of([])) == 0


@settings(max_examples=200, deadline=None)
@given(
    labels=st.lists(st.integers(0, 12), max_size=40),
    policy=st.sampled_from(["first", "longest", "key"]),
    data=st.data(),
)
def test_groups_as_arrays_and_their_representatives(labels: list[int], policy: str, data: st.DataObject) -> None:
    """``_member_groups`` holds ``group_members``' groups in the order of their smallest member, and
    ``_representatives`` picks as ``pick_representatives`` does."""
    from dedup.cluster import _member_groups, _representatives

    array = np.array(labels, dtype=np.int64)
    groups = sorted(group_members(array), key=lambda g: int(g[0]))
    members, bounds = _member_groups(array)
    assert [g.tolist() for g in np.split(members, bounds[1:-1])] == ([g.tolist() for g in groups] or [[]])
    lengths = np.array(data.draw(st.lists(st.integers(0, 5), min_size=len(labels), max_size=len(labels))))
    representative = (lambda i: (-lengths[i]) % 3) if policy == "key" else policy
    picked = _representatives(members, bounds, representative, lengths)
    assert picked.tolist() == pick_representatives(groups, representative, lengths).tolist()
