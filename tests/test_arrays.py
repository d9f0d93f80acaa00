"""dedup.arrays: sorted_unique equals np.unique."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dedup.arrays import sorted_unique


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
