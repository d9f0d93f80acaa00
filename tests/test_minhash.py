"""MinHash signatures: bit-compatibility with datasketch, kernel == numpy, tiling independence."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

import dedup
from dedup import minhash
from dedup.minhash import minhash_csr, permutations, signatures, to_lean_minhash


def shingles(text: str, n: int = 5) -> list[str]:
    return [text[i : i + n] for i in range(len(text) - n + 1)] if len(text) >= n else [text]


def datasketch_signature(text: str, num_perm: int, seed: int, n: int = 5) -> np.ndarray:
    m = MinHash(num_perm=num_perm, seed=seed, hashfunc=dedup.hash_shingle)
    m.update_batch(shingles(text, n))
    return m.hashvalues


def test_permutations_are_datasketchs() -> None:
    for num_perm, seed in [(128, 1), (64, 7), (3, 0)]:
        a, b = permutations(num_perm, seed)
        expected = MinHash(num_perm=num_perm, seed=seed).permutations
        assert np.array_equal(a, expected[0]) and np.array_equal(b, expected[1])
        assert a.dtype == np.uint32 and (a & 1).all()


@pytest.mark.parametrize(("num_perm", "seed", "n"), [(128, 1, 5), (64, 42, 3), (100, 7, 9)])
def test_affine32_is_bit_identical_to_datasketch_on_real_text(
    news_docs: list[str], num_perm: int, seed: int, n: int
) -> None:
    docs = news_docs[:25]
    got = signatures(docs, num_perm=num_perm, seed=seed, ngram=n)
    assert got.shape == (len(docs), num_perm) and got.dtype == np.uint32
    for row, doc in zip(got, docs):
        assert np.array_equal(row, datasketch_signature(doc, num_perm, seed, n))


def test_empty_and_short_texts_match_datasketch() -> None:
    got = signatures(["", "ab", "abcde"], num_perm=16)
    assert np.array_equal(got[0], MinHash(num_perm=16).hashvalues)  # empty: all 2**32 - 1
    assert np.array_equal(got[1], datasketch_signature("ab", 16, 1))
    assert np.array_equal(got[2], datasketch_signature("abcde", 16, 1))


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 40), min_size=1, max_size=12),
    num_perm=st.integers(1, 70),
    data=st.data(),
)
def test_kernel_equals_numpy_reference(sizes: list[int], num_perm: int, data: st.DataObject) -> None:
    if not minhash.kernel_available():
        pytest.skip("compiled kernel not built")
    total = sum(sizes)
    hashes = np.array(data.draw(st.lists(st.integers(0, 2**32 - 1), min_size=total, max_size=total)), dtype=np.uint32)
    offsets = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    a, b = permutations(num_perm, data.draw(st.integers(0, 2**31)))
    assert np.array_equal(minhash_csr(hashes, offsets, a, b), minhash_csr(hashes, offsets, a, b, use_kernel=False))


def test_results_do_not_depend_on_tiles_or_threads(news_docs: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    docs = news_docs[:60]
    reference = signatures(docs, workers=1)
    monkeypatch.setattr(minhash, "_TILE_CHARS", 1000)
    assert np.array_equal(signatures(docs, workers=2), reference)
    assert np.array_equal(signatures(docs, workers=1), reference)
    assert np.array_equal(np.concatenate([signatures(docs[:17]), signatures(docs[17:])]), reference)


def test_normalize_option_hashes_the_matching_view() -> None:
    options = dedup.NormalizeOptions()
    a = signatures(["ＡＢＣ，ＤＥＦ"], normalize=options, num_perm=8)
    b = signatures(["abcdef"], num_perm=8)
    assert np.array_equal(a, b)


def test_bad_input_is_reported_with_its_index() -> None:
    with pytest.raises(dedup.InvalidTextError, match="record 1") as info:
        signatures(["ok", b"bytes"])  # type: ignore[list-item]
    assert info.value.index == 1
    with pytest.raises(ValueError):
        signatures(["x"], scheme="legacy")


def test_lean_minhash_export_works_in_datasketch_lsh(news_docs: list[str]) -> None:
    original = news_docs[3]
    edited = original[:200] + "某" + original[201:]
    sigs = signatures([original, edited, news_docs[40]])
    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    for key, row in zip(["orig", "edit", "other"], sigs):
        lsh.insert(key, to_lean_minhash(row))
    assert set(lsh.query(to_lean_minhash(sigs[0]))) == {"orig", "edit"}
    assert to_lean_minhash(sigs[0]).jaccard(to_lean_minhash(sigs[1])) > 0.9


# --------------------------------------------------------------------------- one-permutation hashing


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(0, 40), min_size=1, max_size=12), num_perm=st.integers(1, 70), data=st.data())
def test_oph_kernel_equals_numpy_reference(sizes: list[int], num_perm: int, data: st.DataObject) -> None:
    if not minhash.kernel_available():
        pytest.skip("compiled kernel not built")
    total = sum(sizes)
    hashes = np.array(data.draw(st.lists(st.integers(0, 2**32 - 1), min_size=total, max_size=total)), dtype=np.uint32)
    offsets = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    seed = data.draw(st.integers(0, 2**31))
    assert np.array_equal(
        minhash.oph_csr(hashes, offsets, num_perm, seed),
        minhash.oph_csr(hashes, offsets, num_perm, seed, use_kernel=False),
    )


def test_densify_fills_from_the_shared_probe_sequence() -> None:
    empty = np.uint32(2**32 - 1)
    sketch = np.array([[5, empty, empty, 7], [empty] * 4, [empty, 3, empty, empty]], dtype=np.uint32)
    probes = np.array([[1, 2, 3, 0], [3, 3, 0, 1], [0, 0, 1, 1]])
    # bin 1 of unit 0: probe 2 (empty), then 3 -> 7; bin 2: probe 3 -> 7.
    # unit 2: bin 0 -> probe 1 -> 3; bin 2 -> 3 (empty), 0 (empty), then 1 -> 3; bin 3 -> 0, 1 -> 3.
    assert minhash.densify(sketch, probes).tolist() == [[5, 7, 7, 7], [empty] * 4, [3, 3, 3, 3]]


def test_oph_estimates_jaccard_like_classic_minhash(news_lines: list[str]) -> None:
    text = "".join(news_lines)
    rng = np.random.default_rng(0)
    starts = rng.integers(0, len(text) - 1200, 200)
    shifts = rng.integers(0, 400, 200)
    a = [text[s : s + 404] for s in starts]
    b = [text[s + d : s + d + 404] for s, d in zip(starts, shifts)]
    from dedup.shingle import shingle_sets
    from dedup.verify import similarities

    sets, offsets = shingle_sets(a + b, 5)
    exact, _ = similarities(sets, offsets, np.stack([np.arange(200), np.arange(200) + 200], axis=1))
    for scheme in ("affine32", "oph"):
        sig = signatures(a + b, scheme=scheme)
        error = (sig[:200] == sig[200:]).mean(axis=1) - exact
        assert abs(error.mean()) < 0.01 and np.abs(error).mean() < 0.04, scheme


def test_find_duplicates_with_oph_finds_planted_copies(news_docs: list[str]) -> None:
    edited = news_docs[5][:100] + "某" + news_docs[5][101:]
    docs = news_docs[:30] + [edited, news_docs[12][: len(news_docs[12]) * 9 // 10]]
    clusters = dedup.find_duplicates(docs, scheme="oph")
    assert sorted(c.members for c in clusters) == [(5, 30), (12, 31)]


def test_signatures_of_own_token_hashes_for_word_shingles() -> None:
    # Any tokenization works: here English word bigrams, hashed by the caller.
    words = "the quick brown fox jumps over the lazy dog".split()
    bigrams = [f"{a} {b}" for a, b in zip(words, words[1:])]
    hashes = np.array([dedup.hash_shingle(g) for g in bigrams], dtype=np.uint32)
    offsets = np.array([0, len(hashes)], dtype=np.int64)
    got = minhash.signatures_of_hashes(hashes, offsets, num_perm=32, seed=3)
    m = MinHash(num_perm=32, seed=3, hashfunc=dedup.hash_shingle)
    m.update_batch(bigrams)
    assert np.array_equal(got[0], m.hashvalues)
