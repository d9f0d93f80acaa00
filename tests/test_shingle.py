"""Character n-gram hashing: the vectorized path against the documented formula."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import hash_shingle
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
@given(texts=texts_strategy, n=st.integers(1, 7))
def test_vectorized_hashes_equal_hash_shingle(texts: list[str], n: int) -> None:
    codepoints, offsets = encode(texts)
    hashes, shingle_offsets = shingle_hashes(codepoints, offsets, n)
    for i, text in enumerate(texts):
        got = hashes[shingle_offsets[i] : shingle_offsets[i + 1]].tolist()
        assert got == [hash_shingle(s) for s in reference_shingles(text, n)]


@settings(max_examples=100, deadline=None)
@given(texts=texts_strategy, n=st.integers(1, 4))
def test_unique_shingles_are_sorted_sets(texts: list[str], n: int) -> None:
    codepoints, offsets = encode(texts)
    set_hashes, set_offsets = unique_shingles(*shingle_hashes(codepoints, offsets, n))
    for i, text in enumerate(texts):
        got = set_hashes[set_offsets[i] : set_offsets[i + 1]].tolist()
        assert got == sorted({hash_shingle(s) for s in reference_shingles(text, n)})


def test_real_text_hashes_match_per_shingle(news_lines: list[str]) -> None:
    texts = news_lines[:40]
    codepoints, offsets = encode(texts)
    hashes, shingle_offsets = shingle_hashes(codepoints, offsets, 5)
    expected = [hash_shingle(s) for t in texts for s in reference_shingles(t, 5)]
    assert hashes.tolist() == expected
