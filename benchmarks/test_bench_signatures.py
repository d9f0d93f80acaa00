"""MinHash signature speed: dedup, datasketch, rensa and a bare numpy floor, same texts, one run.

Every benchmark in the ``signatures`` group turns the same 2,000 documents × 2,000 characters
of People's Daily text into character 5-gram MinHash signatures with 128 permutations
(the numpy floor only hashes the 5-grams). Shingling is inside the timed region for every
implementation. Each benchmark records ``extra_info`` for ``python -m benchmarks.report``:
``impl`` (dedup | datasketch | rensa | numpy-floor), ``label``, ``docs``, ``chars_per_doc``,
``total_chars`` and ``total_bytes``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest
from datasketch import MinHash

from benchmarks.common import describe

try:
    from rensa import RMinHash
except ImportError:  # rensa is an optional dev dependency
    RMinHash = None

NGRAM = 5
NUM_PERM = 128


def shape(texts: list[str]) -> dict[str, int]:
    """The signature settings and document length of a row, for the report."""
    return {"chars_per_doc": len(texts[0]) if texts else 0, "ngram": NGRAM, "num_perm": NUM_PERM}


SEED = 1
SLOW_ROUNDS = 3
FAST_ROUNDS = 10

needs_rensa = pytest.mark.skipif(RMinHash is None, reason="rensa is not installed")
signatures_group = pytest.mark.benchmark(group="signatures")


# --------------------------------------------------------------------------- implementations


def char_ngrams(text: str, n: int = NGRAM) -> list[str]:
    """Character n-grams of ``text`` as strings (the peers' shingling, as users write it)."""
    return [text[i : i + n] for i in range(len(text) - n + 1)]


def datasketch_minhashes(texts: Sequence[str]) -> list[MinHash]:
    """datasketch 2.x as users call it: one ``MinHash`` per document, ``update_batch``."""
    minhashes = []
    for text in texts:
        minhash = MinHash(num_perm=NUM_PERM, seed=SEED)
        minhash.update_batch([shingle.encode("utf-8") for shingle in char_ngrams(text)])
        minhashes.append(minhash)
    return minhashes


def rensa_per_doc_digests(texts: Sequence[str]) -> list[list[int]]:
    """rensa as users call it: one ``RMinHash`` per document, ``update`` with str shingles."""
    digests = []
    for text in texts:
        minhash = RMinHash(num_perm=NUM_PERM, seed=SEED)
        minhash.update(char_ngrams(text))
        digests.append(minhash.digest())
    return digests


def rensa_batch_from_strings(texts: Sequence[str]) -> Any:
    """rensa's bulk API on str shingles: ``RMinHash.digest_matrix_from_token_sets``.

    Returns rensa's native ``RMinHashDigestMatrix`` (no conversion to numpy is timed).
    """
    return RMinHash.digest_matrix_from_token_sets([char_ngrams(text) for text in texts], NUM_PERM, SEED)


def rensa_batch_from_numpy_hashes(texts: Sequence[str]) -> Any:
    """rensa's fastest bulk API: ``digest_matrix_from_flat_token_hashes`` fed by numpy.

    The 5-gram hashing is :func:`numpy_ngram_hashes` (the floor below), so this is
    "numpy floor + rensa's MinHash over 64-bit token hashes".
    """
    hashes, row_offsets = numpy_ngram_hashes(texts)
    return RMinHash.digest_matrix_from_flat_token_hashes(hashes, row_offsets, NUM_PERM, SEED)


def mix64(values: np.ndarray) -> np.ndarray:
    """The splitmix64 finalizer over a uint64 array (wrapping arithmetic)."""
    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> np.uint64(27))
    values = values * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def numpy_ngram_hashes(texts: Sequence[str], n: int = NGRAM) -> tuple[np.ndarray, np.ndarray]:
    """Bare numpy character n-gram hashes of many texts: the floor every engine must beat.

    Parameters
    ----------
    texts : sequence of str
        Documents; a document shorter than ``n`` contributes no n-gram here.
    n : int, default 5
        n-gram length in code points.

    Returns
    -------
    hashes : numpy.ndarray
        uint64, shape ``(total_ngrams,)``: a polynomial hash over ``n`` shifted views of the
        UTF-32 code points, finished by :func:`mix64`; n-grams crossing documents removed.
    row_offsets : numpy.ndarray
        uint64, shape ``(len(texts) + 1,)``: document ``d`` owns
        ``hashes[row_offsets[d]:row_offsets[d + 1]]``.
    """
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    n_windows = max(len(codes) - n + 1, 0)
    hashes = codes[:n_windows].copy()
    for shift in range(1, n):
        hashes *= np.uint64(0x100000001B3)
        hashes += codes[shift : shift + n_windows]
    keep = np.ones(n_windows, dtype=bool)
    doc_ends = np.cumsum(lengths)[:-1]
    crossing = (doc_ends[:, None] - np.arange(1, n, dtype=np.int64)).ravel()
    keep[crossing[(crossing >= 0) & (crossing < n_windows)]] = False
    per_doc = np.maximum(lengths - n + 1, 0)
    row_offsets = np.concatenate(([0], np.cumsum(per_doc))).astype(np.uint64)
    return mix64(hashes[keep]), row_offsets


# --------------------------------------------------------------------------- benchmarks


def run_fast(benchmark: Any, function: Callable[[Sequence[str]], Any], texts: list[str]) -> Any:
    """Time a sub-second implementation: one warm-up call, then ``FAST_ROUNDS`` rounds."""
    return benchmark.pedantic(function, args=(texts,), rounds=FAST_ROUNDS, iterations=1, warmup_rounds=1)


def run_slow(benchmark: Any, function: Callable[[Sequence[str]], Any], texts: list[str]) -> Any:
    """Time a multi-second implementation: ``SLOW_ROUNDS`` rounds, no warm-up."""
    return benchmark.pedantic(function, args=(texts,), rounds=SLOW_ROUNDS, iterations=1)


@signatures_group
def test_dedup_signatures(benchmark: Any, signature_texts: list[str], dedup_api: Callable[[str], Any]) -> None:
    signatures = dedup_api("signatures")
    describe(benchmark, "dedup", "dedup.signatures", signature_texts, **shape(signature_texts))
    result = run_fast(benchmark, lambda texts: signatures(texts, num_perm=NUM_PERM, ngram=NGRAM), signature_texts)
    assert result.dtype == np.uint32 and result.shape == (len(signature_texts), NUM_PERM)


@signatures_group
def test_dedup_signatures_oph_one_thread(
    benchmark: Any, signature_texts: list[str], dedup_api: Callable[[str], Any]
) -> None:
    signatures = dedup_api("signatures")
    describe(benchmark, "dedup-oph", "dedup.signatures scheme=oph workers=1", signature_texts, **shape(signature_texts))
    result = run_fast(
        benchmark,
        lambda texts: signatures(texts, num_perm=NUM_PERM, ngram=NGRAM, scheme="oph", workers=1),
        signature_texts,
    )
    assert result.dtype == np.uint32 and result.shape == (len(signature_texts), NUM_PERM)


@signatures_group
def test_dedup_signatures_one_thread(
    benchmark: Any, signature_texts: list[str], dedup_api: Callable[[str], Any]
) -> None:
    signatures = dedup_api("signatures")
    describe(benchmark, "dedup", "dedup.signatures workers=1", signature_texts, **shape(signature_texts))
    result = run_fast(
        benchmark,
        lambda texts: signatures(texts, num_perm=NUM_PERM, ngram=NGRAM, workers=1),
        signature_texts,
    )
    assert result.dtype == np.uint32 and result.shape == (len(signature_texts), NUM_PERM)


@signatures_group
def test_datasketch_minhash(benchmark: Any, signature_texts: list[str]) -> None:
    describe(benchmark, "datasketch", "datasketch MinHash.update_batch", signature_texts, **shape(signature_texts))
    result = run_slow(benchmark, datasketch_minhashes, signature_texts)
    assert len(result) == len(signature_texts)


@needs_rensa
@signatures_group
def test_rensa_per_doc(benchmark: Any, signature_texts: list[str]) -> None:
    describe(benchmark, "rensa", "rensa RMinHash.update per doc", signature_texts, **shape(signature_texts))
    result = run_slow(benchmark, rensa_per_doc_digests, signature_texts)
    assert len(result) == len(signature_texts)


@needs_rensa
@signatures_group
def test_rensa_batch_strings(benchmark: Any, signature_texts: list[str]) -> None:
    describe(benchmark, "rensa", "rensa digest_matrix_from_token_sets (str)", signature_texts, **shape(signature_texts))
    result = run_fast(benchmark, rensa_batch_from_strings, signature_texts)
    assert result.len() == len(signature_texts)


@needs_rensa
@signatures_group
def test_rensa_batch_numpy_hashes(benchmark: Any, signature_texts: list[str]) -> None:
    describe(
        benchmark,
        "rensa",
        "rensa digest_matrix_from_flat_token_hashes (numpy-hashed)",
        signature_texts,
        **shape(signature_texts),
    )
    result = run_fast(benchmark, rensa_batch_from_numpy_hashes, signature_texts)
    assert result.len() == len(signature_texts)


@signatures_group
def test_numpy_floor_ngram_hashes(benchmark: Any, signature_texts: list[str]) -> None:
    describe(
        benchmark, "numpy-floor", "numpy 5-gram hashes only (no MinHash)", signature_texts, **shape(signature_texts)
    )
    hashes, row_offsets = run_fast(benchmark, numpy_ngram_hashes, signature_texts)
    assert int(row_offsets[-1]) == hashes.size == len(signature_texts) * (2_000 - NGRAM + 1)


# --------------------------------------------------------------------------- agreement


def exact_jaccard(a: str, b: str) -> float:
    """Exact Jaccard similarity of two texts' character n-gram sets."""
    set_a, set_b = set(char_ngrams(a)), set(char_ngrams(b))
    return len(set_a & set_b) / len(set_a | set_b)


def test_estimates_agree_with_exact_jaccard(signature_texts: list[str], dedup_api: Callable[[str], Any]) -> None:
    """datasketch, rensa and dedup estimate the same Jaccard on a few real pairs (±0.15).

    Pairs are windows of one long real text shifted by 100 … 1,900 characters, so the exact
    5-gram Jaccard runs from about 0.9 down to about 0.03.
    """
    source = "".join(signature_texts[:4])
    pairs = [(source[:2_000], source[shift : shift + 2_000]) for shift in (100, 400, 1_000, 1_900)]
    flat = [text for pair in pairs for text in pair]
    estimates: dict[str, list[float]] = {"exact": [exact_jaccard(a, b) for a, b in pairs]}
    minhashes = datasketch_minhashes(flat)
    estimates["datasketch"] = [minhashes[2 * i].jaccard(minhashes[2 * i + 1]) for i in range(4)]
    if RMinHash is not None:
        digests = np.array(rensa_per_doc_digests(flat), dtype=np.uint32)
        estimates["rensa"] = [float(np.mean(digests[2 * i] == digests[2 * i + 1])) for i in range(4)]
    try:
        signatures = dedup_api("signatures")(flat, num_perm=NUM_PERM, ngram=NGRAM)
        estimates["dedup"] = [float(np.mean(signatures[2 * i] == signatures[2 * i + 1])) for i in range(4)]
    except pytest.skip.Exception as skipped:
        print(f"dedup left out: {skipped}")
    for name, values in estimates.items():
        print(f"{name:>10}: " + "  ".join(f"{value:.3f}" for value in values))
    for name, values in estimates.items():
        assert np.allclose(values, estimates["exact"], atol=0.15), name


def test_dedup_affine32_matches_datasketch_bit_for_bit(
    signature_texts: list[str], dedup_api: Callable[[str], Any]
) -> None:
    """Given dedup's token hash, datasketch produces dedup's ``affine32`` signatures exactly."""
    signatures, hash_shingle = dedup_api("signatures"), dedup_api("hash_shingle")
    texts = signature_texts[:20]
    expected = []
    for text in texts:
        minhash = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=hash_shingle)
        minhash.update_batch(char_ngrams(text))
        expected.append(minhash.hashvalues)
    result = signatures(texts, num_perm=NUM_PERM, ngram=NGRAM, seed=SEED, scheme="affine32")
    np.testing.assert_array_equal(result, np.array(expected, dtype=np.uint32))
