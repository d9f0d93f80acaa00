"""Character n-gram hashing: the vectorized path against the documented formula."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import hash_shingle, shingle
from dedup.shingle import encode, shingle_hashes, unique_shingles

MASK = (1 << 64) - 1


def reference_hash(shingle: str) -> int:
    """The token hash as the module docstring defines it, in plain Python integers."""
    h = (len(shingle) * 0xC2B2AE3D27D4EB4F + 0x165667B19E3779F9) & MASK
    for ch in shingle:
        h = (h * 0x9E3779B97F4A7C15 + ord(ch)) & MASK
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & MASK
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & MASK
    h ^= h >> 33
    return h >> 32


def reference_shingles(text: str, n: int) -> list[str]:
    if len(text) >= n:
        return [text[i : i + n] for i in range(len(text) - n + 1)]
    return [text] if text else []


texts_strategy = st.lists(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=30), max_size=8)


@pytest.mark.parametrize("shingle", ["a", "ab", "医保医师服", "\x00", "\ud800x", "鄉(xiāng)", "😀😀😀"])
def test_hash_shingle_follows_the_documented_formula(shingle: str) -> None:
    assert hash_shingle(shingle) == reference_hash(shingle)


def test_hash_shingle_distinguishes_length_and_leading_nul() -> None:
    assert len({hash_shingle(s) for s in ["ab", "\x00ab", "ab\x00", "a", "b", "ba"]}) == 6


def test_hash_shingle_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        hash_shingle("")
    with pytest.raises(TypeError):
        hash_shingle(b"ab")  # type: ignore[arg-type]


def test_encode_offsets_and_code_points() -> None:
    codepoints, offsets = encode(["ab", "", "中\ud800"])
    assert codepoints.dtype == np.uint32 and offsets.dtype == np.int64
    assert codepoints.tolist() == [97, 98, 0x4E2D, 0xD800]
    assert offsets.tolist() == [0, 2, 2, 4]


def test_shingle_counts_per_unit() -> None:
    codepoints, offsets = encode(["abcdef", "ab", "", "abcde", "x"])
    hashes, shingle_offsets = shingle_hashes(codepoints, offsets, 5)
    assert np.diff(shingle_offsets).tolist() == [2, 1, 0, 1, 1]
    assert hashes.tolist() == [reference_hash(s) for s in ["abcde", "bcdef", "ab", "abcde", "x"]]


def test_ngram_must_be_positive() -> None:
    codepoints, offsets = encode(["abc"])
    with pytest.raises(ValueError):
        shingle_hashes(codepoints, offsets, 0)


@settings(max_examples=200, deadline=None)
@given(texts=texts_strategy, n=st.integers(1, 7), compiled=st.booleans())
def test_vectorized_hashes_equal_hash_shingle(texts: list[str], n: int, compiled: bool) -> None:
    """Unit by unit in the compiled kernel (``unit_window_hashes``), or every window of the joined units less those
    across two, with the short units' shingles inserted (numpy): each the reference's hashes."""
    codepoints, offsets = encode(texts)
    kernels = shingle._kernels
    if not compiled:
        shingle._kernels = None
    try:
        hashes, shingle_offsets = shingle_hashes(codepoints, offsets, n)
    finally:
        shingle._kernels = kernels
    for i, text in enumerate(texts):
        got = hashes[shingle_offsets[i] : shingle_offsets[i + 1]].tolist()
        assert got == [hash_shingle(s) for s in reference_shingles(text, n)]


@settings(max_examples=100, deadline=None)
@given(texts=texts_strategy, n=st.integers(1, 4), use_kernel=st.booleans())
def test_unique_shingles_are_sorted_sets(texts: list[str], n: int, use_kernel: bool) -> None:
    codepoints, offsets = encode(texts)
    set_hashes, set_offsets = unique_shingles(*shingle_hashes(codepoints, offsets, n), use_kernel=use_kernel)
    for i, text in enumerate(texts):
        got = set_hashes[set_offsets[i] : set_offsets[i + 1]].tolist()
        assert got == sorted({hash_shingle(s) for s in reference_shingles(text, n)})


@pytest.mark.skipif(shingle._kernels is None, reason="compiled kernel not built")
@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 700), max_size=12),
    spread=st.sampled_from([3, 255, 1 << 16, 1 << 32]),  # few values, shared high digits, any
    seed=st.integers(0, 2**32 - 1),
)
def test_compiled_sets_equal_the_numpy_reference(sizes: list[int], spread: int, seed: int) -> None:
    # Units below and above the kernel's insertion-sort cutoff (48), digits that repeat.
    rng = np.random.default_rng(seed)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    hashes = (
        rng.integers(0, spread, size=int(offsets[-1]), dtype=np.uint64) * np.uint64(0x9E3779B1 if spread < 256 else 1)
    ).astype(np.uint32)
    got, want = unique_shingles(hashes, offsets), unique_shingles(hashes, offsets, use_kernel=False)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


@pytest.mark.skipif(shingle._kernels is None, reason="compiled kernel not built")
@settings(max_examples=60, deadline=None)
@given(codepoints=st.lists(st.integers(0, 0x10FFFF), max_size=200), width=st.integers(1, 12))
def test_compiled_window_hashes_equal_the_numpy_reference(codepoints: list[int], width: int) -> None:
    """Eight windows a step where the CPU has AVX-512, a window at a time for the rest (tails of 0 to 7)."""
    array = np.array(codepoints, dtype=np.uint32)
    assert np.array_equal(shingle._window_hashes(array, width), shingle._window_hashes(array, width, use_kernel=False))


@pytest.mark.skipif(shingle._kernels is None, reason="compiled kernel not built")
def test_compiled_unit_hashes_refuse_offsets_that_do_not_count_the_shingles() -> None:
    codepoints, offsets = encode(["abcdef", "ab"])
    hashes = np.empty(3, dtype=np.uint32)
    salts = int(shingle._SALT_MUL), int(shingle._SALT_ADD)
    shingle._kernels.unit_window_hashes(codepoints, offsets, np.array([0, 2, 3]), 5, *salts, hashes)
    assert hashes.tolist() == [reference_hash(s) for s in ["abcde", "bcdef", "ab"]]
    for wrong in ([0, 1, 3], [0, 2, 4], [1, 3, 4]):
        with pytest.raises(ValueError, match="count each unit's shingles"):
            shingle._kernels.unit_window_hashes(codepoints, offsets, np.array(wrong), 5, *salts, hashes)
    with pytest.raises(ValueError, match="out of range"):
        shingle._kernels.unit_window_hashes(codepoints, np.array([0, 6, 9]), np.array([0, 2, 3]), 5, *salts, hashes)


def test_real_text_hashes_match_per_shingle(news_lines: list[str]) -> None:
    texts = news_lines[:40]
    codepoints, offsets = encode(texts)
    hashes, shingle_offsets = shingle_hashes(codepoints, offsets, 5)
    expected = [hash_shingle(s) for t in texts for s in reference_shingles(t, 5)]
    assert hashes.tolist() == expected


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.text(st.characters(codec=None, exclude_categories=()), max_size=40), max_size=12),
    st.sampled_from([(0, 0), (1, 0), (8, 0), (0, 1), (0, 8)]),
    st.booleans(),
)
def test_exact_hashes_are_xxh3_of_the_utf8(strings: list[str], affix: tuple[int, int], compiled: bool) -> None:
    """XXH3-64 of each string's UTF-8 (lone surrogates as surrogatepass writes them), or of its first or last
    characters: ASCII, two-byte, CJK, astral and surrogate code points, on the kernel and off it."""
    import xxhash

    head, tail = affix
    expected = [
        xxhash.xxh3_64_intdigest((s[:head] if head else s[-tail:] if tail else s).encode("utf-8", "surrogatepass"))
        for s in strings
    ]
    kernels = shingle._kernels
    if not compiled:
        shingle._kernels = None
    try:
        got = shingle.exact_hashes(strings, head=head, tail=tail)
    finally:
        shingle._kernels = kernels
    assert got.dtype == np.uint64
    assert got.tolist() == expected


def test_exact_hashes_refuse_a_head_and_a_tail() -> None:
    from dedup import InvalidOptionError

    with pytest.raises(InvalidOptionError, match="at most one above 0"):
        shingle.exact_hashes(["ab"], head=1, tail=1)
    if shingle._kernels is not None:
        with pytest.raises(TypeError, match="item 1 is not a str"):
            shingle._kernels.string_hashes(["a", b"b"], 0, 0, np.zeros(2, np.uint64))
        with pytest.raises(ValueError, match="a hash a string"):
            shingle._kernels.string_hashes(["a", "b"], 0, 0, np.zeros(3, np.uint64))
