"""dedup.arrays: sorted_unique equals np.unique; stable_order equals np.lexsort and sorted_values np.sort, on the
kernel's radix sort and off it; dense_ids equals group_ids and np.unique(axis=0); class_counts counts what a loop
counts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dedup import arrays
from dedup.arrays import (
    BACK_BITS,
    RADIX_MIN,
    back_bits,
    dense_ids,
    distinct_strings,
    found_in,
    group_ids,
    group_medians,
    joined_codepoints,
    pairs_of_back_bits,
    shared_in_blocks,
    sorted_groups,
    sorted_unique,
    sorted_values,
    stable_order,
    unique_rows,
)


@given(st.lists(st.integers(0, 30), max_size=12), st.lists(st.integers(-3, 33), max_size=12))
def test_found_in_gives_each_keys_place_in_a_sorted_array(ordered_list: list[int], key_list: list[int]) -> None:
    ordered, keys = np.array(sorted(ordered_list), dtype=np.int64), np.array(key_list, dtype=np.int64)
    at, found = found_in(ordered, keys)
    assert found.tolist() == [k in ordered_list for k in key_list]
    assert (ordered[at[found]] == keys[found]).all() and ((at >= 0) & (at < max(ordered.size, 1))).all()


@given(
    hnp.arrays(
        st.sampled_from([np.int64, np.uint32, np.uint64]),
        hnp.array_shapes(max_dims=2, max_side=40),
        elements=st.integers(0, 50),
    )
)
def test_sorted_unique_equals_np_unique(values: np.ndarray) -> None:
    got = sorted_unique(values)
    assert got.dtype == values.dtype
    assert np.array_equal(got, np.unique(values))


_DTYPES = [np.int64, np.uint64, np.int32, np.uint32, np.int16, np.uint8, np.bool_]


def _column(data: st.DataObject, dtype: type, rows: int) -> np.ndarray:
    """A column of ``rows`` values of ``dtype``: its whole range (sign bits, 64-bit hashes), or a few small values
    (long runs of ties, high digits every row shares), drawn as one seed."""
    info = np.iinfo(dtype) if dtype is not np.bool_ else np.iinfo(np.uint8)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    high = data.draw(st.sampled_from([1, 7, 5000, int(info.max)]))
    low = max(int(info.min), -high)
    values = rng.integers(low, high, size=rows, endpoint=True, dtype=np.int64 if info.min < 0 else np.uint64)
    return values.astype(dtype)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 5),
    st.sampled_from([0, 1, 7, RADIX_MIN - 1, RADIX_MIN, 3 * RADIX_MIN + 5]),
    st.booleans(),
    st.data(),
)
def test_stable_order_and_sorted_values_equal_numpys(
    n_columns: int, rows: int, compiled: bool, data: st.DataObject
) -> None:
    """Rows of 1 to 5 columns of any integer dtype or bools, small and past the radix sort's threshold, with the
    kernel and without: the order is np.lexsort's (ties in row order), the sorted values np.sort's, dtype kept."""
    columns = [_column(data, data.draw(st.sampled_from(_DTYPES)), rows) for _ in range(n_columns)]
    kernels = arrays._kernels
    if not compiled:
        arrays._kernels = None
    try:
        order = stable_order(*columns)
        ordered = sorted_values(columns[0])
    finally:
        arrays._kernels = kernels
    assert order.dtype == np.int64
    assert np.array_equal(order, np.lexsort(columns[::-1]))
    assert ordered.dtype == columns[0].dtype
    assert np.array_equal(ordered, np.sort(columns[0]))


def test_stable_order_small_case() -> None:
    """Signed values across zero and ties kept in row order, past the threshold where the kernel sorts."""
    keys = np.tile(np.array([3, -1, 3, -(2**63), 2**63 - 1, 0], dtype=np.int64), RADIX_MIN)
    order = stable_order(keys)
    assert order[:6].tolist() == [3, 9, 15, 21, 27, 33]  # -2**63, in row order
    assert keys[order][::RADIX_MIN].tolist() == [-(2**63), -1, 0, 3, 3, 2**63 - 1]
    assert sorted_values(keys)[-1] == 2**63 - 1


@pytest.mark.parametrize("dtype", [np.int64, np.uint64])
def test_stable_order_of_one_column_at_the_edge_of_packing(dtype: type) -> None:
    """One column is sorted as packed values when its range and the row numbers fit 64 bits: ranges of 52 and 53
    bits beside 11 bits of row numbers (fits), and 54 (does not), with ties, equal numpy's stable order."""
    rng = np.random.default_rng(3)
    for range_bits in (52, 53, 54):
        low = -(2**40) if dtype is np.int64 else 2**40
        values = low + rng.integers(0, 2**range_bits, size=RADIX_MIN, dtype=np.int64)
        values[::7] = low + 2**range_bits - 1  # the top of the range, tied
        values[::5] = low  # the bottom, tied
        column = values.astype(dtype)
        assert np.array_equal(stable_order(column), np.argsort(column, kind="stable")), range_bits


@pytest.mark.skipif(not arrays.compiled(), reason="dedup built without its compiled kernel")
def test_radix_kernels_refuse_what_they_cannot_sort() -> None:
    k = arrays._kernels
    out = np.zeros(3, dtype=np.int64)
    with pytest.raises(ValueError, match="1 to 4 columns"):
        k.radix_order((), out)
    with pytest.raises(ValueError, match="1 to 4 columns"):
        k.radix_order((np.zeros(3, np.uint64),) * 5, out)
    with pytest.raises(ValueError, match="as many rows as out"):
        k.radix_order((np.zeros(4, np.uint64),), out)
    with pytest.raises(TypeError, match="column: expected items of 8 bytes, got 4"):
        k.radix_order((np.zeros(3, np.uint32),), out)
    with pytest.raises(ValueError, match="writable"):
        k.radix_sorted(np.zeros(3, np.uint64), np.frombuffer(bytes(24), dtype=np.uint64))  # read-only
    with pytest.raises(ValueError, match="writable"):
        k.radix_order((np.zeros(3, np.uint64),), np.frombuffer(bytes(24), dtype=np.int64))
    k.radix_order((np.array([5, 1, 5], np.uint64), np.array([0, 9, 1], np.uint64)), out)
    assert out.tolist() == [1, 0, 2]


@pytest.mark.skipif(not arrays.compiled(), reason="dedup built without its compiled kernel")
@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(0, 6), max_size=120) | st.lists(st.integers(0, 2**64 - 1), max_size=120),
    st.integers(1, 130),
)
def test_shared_in_blocks_marks_the_values_another_of_their_block_equals(values: list[int], block: int) -> None:
    """The kernel's hash table against counting each block's values, with blocks longer than the values, of one
    value, and a last one shorter; values equal across blocks only are not shared."""
    array = np.array(values, dtype=np.uint64)
    expected = [sum(w == v for w in values[i - i % block : i - i % block + block]) > 1 for i, v in enumerate(values)]
    got = shared_in_blocks(array, block)
    assert got is not None and got.dtype == bool and got.tolist() == expected


@pytest.mark.skipif(not arrays.compiled(), reason="dedup built without its compiled kernel")
def test_shared_in_blocks_small_case_and_refusals() -> None:
    values = np.array([5, 7, 5, 9, 7, 7, 1, 5, 2**64 - 1, 2**64 - 1], dtype=np.uint64)
    assert shared_in_blocks(values, 4).tolist() == [1, 0, 1, 0, 1, 1, 0, 0, 1, 1]
    assert shared_in_blocks(values, 1).tolist() == [0] * 10
    assert shared_in_blocks(values[:0], 3).tolist() == []
    assert arrays.rows_sharing(values, 4).tolist() == [0, 2, 4, 5, 8, 9]  # the rows a grouping sorts
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(arrays, "shared_in_blocks", lambda values, block: None)
        assert arrays.rows_sharing(values, 4).tolist() == list(range(10))  # without the kernel: every row
    with pytest.raises(ValueError, match="block >= 1"):
        arrays._kernels.shared_keys(values, 0, np.zeros(10, dtype=np.uint8))
    with pytest.raises(ValueError, match="out writable"):
        arrays._kernels.shared_keys(values, 2, np.zeros(9, dtype=np.uint8))


@given(
    st.integers(1, 4),
    st.integers(0, 30),
    st.sampled_from([3, 1 << 20, 1 << 40, (1 << 60) + 1]),
    st.sampled_from([np.int64, np.uint64]),
    st.data(),
)
def test_dense_ids_are_the_sorted_combinations(
    n_columns: int, rows: int, high: int, dtype: type, data: st.DataObject
) -> None:
    """Columns packed into one key (small ranges) or not (ranges past 62 bits: a lexsort): the rows sorted by
    their combinations, each new one marked, and the ids of the combinations in sorted order, as np.unique(axis=0)
    numbers rows. Unsigned columns too, with values past 2**53 that a float64 key would merge."""
    values = st.integers(0, high) if high < 1 << 60 else st.integers(high - 3, high)
    columns = [np.array(data.draw(st.lists(values, min_size=rows, max_size=rows)), dtype=dtype)]
    columns += [np.array(data.draw(st.lists(st.integers(0, 3), min_size=rows, max_size=rows)), dtype=dtype)]
    columns = columns[:n_columns] + [columns[-1][::-1].copy() for _ in range(n_columns - len(columns[:n_columns]))]
    ids = dense_ids(*columns)
    assert ids.tolist() == group_ids(*columns).tolist()
    order, new = sorted_groups(*columns)
    ordered = [tuple(int(c[i]) for c in columns) for i in order.tolist()]
    assert ordered == sorted(ordered)
    assert new.tolist() == [j == 0 or ordered[j] != ordered[j - 1] for j in range(rows)]
    if rows:
        assert ids.tolist() == np.unique(np.stack(columns, axis=1), axis=0, return_inverse=True)[1].ravel().tolist()


@given(
    st.lists(
        st.lists(st.floats(0, 1) | st.integers(0, 400).map(float) | st.sampled_from([0.1, 0.2, 0.3]), min_size=1),
        max_size=12,
    )
)
def test_group_medians_are_np_median_of_each_group(groups: list[list[float]]) -> None:
    values = np.array([v for g in groups for v in g], dtype=np.float64)
    bounds = np.concatenate(([0], np.cumsum([len(g) for g in groups]))).astype(np.int64)
    assert group_medians(values, bounds).tolist() == [float(np.median(g)) for g in groups]


@given(
    hnp.arrays(
        st.sampled_from([np.int64, np.int32]),
        st.tuples(st.integers(0, 30), st.integers(1, 3)),
        elements=st.integers(-5, 5) | st.sampled_from([-(2**31), 2**31 - 1]),
    )
)
def test_unique_rows_equals_np_unique_of_rows(rows: np.ndarray) -> None:
    """Signed rows too (hash keys viewed as int64): packed when non-negative, else by group_ids."""
    distinct, inverse = unique_rows(rows)
    expected, expected_inverse = np.unique(rows, axis=0, return_inverse=True)
    assert distinct.dtype == rows.dtype and distinct.tolist() == expected.tolist()
    assert inverse.tolist() == expected_inverse.ravel().tolist()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 50), max_size=60),
    st.lists(st.integers(0, (1 << 16) - 1), min_size=0, max_size=40),
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 20)), max_size=10),
    st.integers(-1, 15),
)
def test_class_counts_count_each_bit_and_runs(
    cps: list[int], table: list[int], lines: list[tuple[int, int]], run_bit: int
) -> None:
    """The compiled pass and the numpy one count what a loop over each line counts."""
    from dedup import arrays

    starts = [min(a, len(cps)) for a, _ in lines]
    ends = [min(a + k, len(cps)) for a, k in lines]
    bits = [table[c] if c < len(table) else 0 for c in cps]
    expected = []
    for a, b in zip(starts, ends):
        row = [sum((bits[p] >> j) & 1 for p in range(a, b)) for j in range(15)]
        has = [(bits[p] >> run_bit) & 1 if run_bit >= 0 else 0 for p in range(a, b)]
        row.append(sum(h and (k == 0 or not has[k - 1]) for k, h in enumerate(has)))
        expected.append(row)
    args = (np.array(cps, np.uint32), np.array(starts, np.int64), np.array(ends, np.int64), np.array(table, np.uint16))
    assert arrays.class_counts(*args, run_bit).tolist() == expected
    kernels, arrays._kernels = arrays._kernels, None
    try:
        assert arrays.class_counts(*args, run_bit).tolist() == expected
    finally:
        arrays._kernels = kernels


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 200), st.data())
def test_back_bits_round_trip(n: int, data: st.DataObject) -> None:
    later = data.draw(st.lists(st.integers(1, n - 1), max_size=60))
    pairs = sorted({(b - data.draw(st.integers(1, min(b, BACK_BITS))), b) for b in later})
    array = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    bits = back_bits(array, n)
    assert bits.dtype == np.uint64 and bits.shape == (n,)
    assert not np.any(bits >> np.uint64(BACK_BITS))  # bit 63 is left to the caller
    expected = [list(p) for p in sorted(pairs, key=lambda p: (p[1], p[0]))]
    got = pairs_of_back_bits(bits)
    assert got.dtype == np.int64 and got.tolist() == expected
    flagged = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    bits[flagged] |= np.uint64(1 << BACK_BITS)  # the caller's bit (UnitTable.fragments: found) is not a pair
    assert pairs_of_back_bits(bits).tolist() == expected


def test_back_bits_small_case() -> None:
    bits = back_bits(np.array([[0, 1], [0, 3], [2, 3], [1, 64]]), 70)
    assert bits[1] == 1 and bits[3] == 0b101 and bits[64] == 1 << 62 and np.count_nonzero(bits) == 3
    assert pairs_of_back_bits(bits).tolist() == [[0, 1], [0, 3], [2, 3], [1, 64]]


def test_joined_codepoints_hold_each_text_at_its_range() -> None:
    cps, starts, ends = joined_codepoints(["ab", "", "首\ud800", "c"])
    assert cps.tolist() == [97, 98, 10, 10, 0x9996, 0xD800, 10, 99]
    assert starts.tolist() == [0, 3, 4, 7] and ends.tolist() == [2, 3, 6, 8]


def test_split_at_separators_splits_or_slices() -> None:
    # The separators are the only line feeds: one split; a piece holding one too: slices at the positions given.
    asked: list[int] = []

    def where(positions: list[int]) -> np.ndarray:
        asked.append(1)
        return np.array(positions, dtype=np.int64)

    assert arrays.split_at_separators("ab\n\nc", 2, lambda: where([2, 3])) == ["ab", "", "c"] and not asked
    assert arrays.split_at_separators("a\nb\nc", 1, lambda: where([3])) == ["a\nb", "c"] and asked
    assert arrays.split_at_separators("\n", 1, lambda: where([0])) == ["", ""]
    assert arrays.split_at_separators("x", 0, lambda: where([])) == ["x"]


@given(st.lists(st.sampled_from(["", "a", "甲", "ab", "a\x00", "\ud800"]), max_size=15))
def test_distinct_strings_number_each_string_by_its_first_occurrence(strings: list[str]) -> None:
    ids, distinct = distinct_strings(strings)
    assert ids.dtype == np.int64 and ids.shape == (len(strings),)
    assert distinct == list(dict.fromkeys(strings))  # in order of first occurrence
    assert [distinct[i] for i in ids.tolist()] == strings
    assert distinct_strings(["b", "a", "b"])[0].tolist() == [0, 1, 0]
