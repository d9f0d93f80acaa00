"""MinHash signatures of many units at once.

Scheme ``"affine32"`` reproduces datasketch 2.x ``MinHash(num_perm, seed)``
bit for bit given the same 32-bit token hashes: each token hash is pre-mixed
with MurmurHash3's 32-bit finalizer and permuted by ``a * h + b mod 2**32``
with datasketch's ``(a, b)`` drawn from ``np.random.RandomState(seed)``.

The permutation-and-minimum loop runs in a small compiled kernel
(``dedup._kernels``) when it was built, else in a tiled numpy reference
implementation with identical results; both release the GIL, and
:func:`signatures` spreads tiles of units over threads.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .arrays import run_tiles, tiles
from .errors import InvalidOptionError, check_texts
from .kernel import kernels as _kernels  # None without the compiled kernel: numpy paths
from .normalize import NormalizeOptions, matching_texts
from .options import positive_int
from .shingle import encode, shingle_hashes

__all__ = [
    "SCHEMES",
    "permutations",
    "minhash_csr",
    "oph_csr",
    "densify",
    "signatures",
    "signatures_of_hashes",
    "to_lean_minhash",
    "kernel_available",
]

SCHEMES = ("affine32", "oph")
_OPH_PROBES = 1024  # densification attempts; a unit with >= 1 token fails all with p < 1e-10
_EMPTY = np.uint32(0xFFFFFFFF)
_TILE_CHARS = 1 << 18  # code points per tile handed to one thread


def kernel_available() -> bool:
    """Whether the compiled MinHash kernel was built (else numpy is used)."""
    return _kernels is not None


def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The affine permutation parameters datasketch 2.x draws for ``(num_perm, seed)``.

    Returns
    -------
    a : np.ndarray
        uint32 ``[num_perm]``, odd.
    b : np.ndarray
        uint32 ``[num_perm]``.
    """
    positive_int("num_perm", num_perm)
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h


def _minhash_numpy(hashes: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    """Reference implementation of the kernel: same arguments, same result."""
    out.fill(_EMPTY)
    mixed = _fmix32(hashes.astype(np.uint32))
    lengths = np.diff(offsets)
    nonempty = np.flatnonzero(lengths)
    step = max(1, (1 << 16) // max(len(a), 1))  # tokens per tile: tile of ~64K uint32
    tile = np.empty((step, len(a)), dtype=np.uint32)
    for unit in nonempty:
        lo, hi = int(offsets[unit]), int(offsets[unit + 1])
        for t0 in range(lo, hi, step):
            chunk = mixed[t0 : min(t0 + step, hi)]
            block = tile[: chunk.size]
            np.multiply(chunk[:, None], a[None, :], out=block)
            block += b
            np.minimum(out[unit], block.min(axis=0), out=out[unit])


def minhash_csr(
    hashes: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray, *, use_kernel: bool = True
) -> np.ndarray:
    """MinHash of every unit's token hashes (affine32).

    Parameters
    ----------
    hashes : np.ndarray
        uint32 ``[m]``, token hashes; duplicates allowed.
    offsets : np.ndarray
        int64 ``[n_units + 1]``, CSR over ``hashes``.
    a, b : np.ndarray
        uint32 ``[num_perm]``, from :func:`permutations`.
    use_kernel : bool
        Use the compiled kernel when available (results are identical).

    Returns
    -------
    np.ndarray
        uint32 ``[n_units, num_perm]``; a unit without tokens is all ``2**32 - 1``.
    """
    hashes = np.ascontiguousarray(hashes, dtype=np.uint32)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    a = np.ascontiguousarray(a, dtype=np.uint32)
    b = np.ascontiguousarray(b, dtype=np.uint32)
    out = np.empty((len(offsets) - 1, len(a)), dtype=np.uint32)
    if use_kernel and _kernels is not None:
        _kernels.affine32_minhash(hashes, offsets, a, b, out)
    else:
        _minhash_numpy(hashes, offsets, a, b, out)
    return out


def _oph_parameters(num_perm: int, seed: int) -> tuple[int, int, np.ndarray]:
    """Token mix ``(a, b)`` and the densification probe table int64 ``[_OPH_PROBES, num_perm]``."""
    gen = np.random.RandomState(seed)
    a = int(gen.randint(0, 1 << 31)) * 2 + 1
    b = int(gen.randint(0, 1 << 32, dtype=np.uint64))
    probes = gen.randint(0, num_perm, size=(_OPH_PROBES, num_perm)).astype(np.int64)
    return a, b, probes


def _oph_numpy(hashes: np.ndarray, offsets: np.ndarray, a: int, b: int, out: np.ndarray) -> None:
    """Reference implementation of the OPH kernel: same arguments, same result."""
    k = out.shape[1]
    out.fill(_EMPTY)
    if not hashes.size:
        return
    with np.errstate(over="ignore"):
        x = _fmix32(hashes.astype(np.uint32) * np.uint32(a) + np.uint32(b))
    bins = ((x.astype(np.uint64) * np.uint64(k)) >> np.uint64(32)).astype(np.int64)
    units = np.repeat(np.arange(len(offsets) - 1, dtype=np.int64), np.diff(offsets))
    np.minimum.at(out.reshape(-1), units * k + bins, x)


def densify(sketch: np.ndarray, probes: np.ndarray) -> np.ndarray:
    """Fill the empty bins of one-permutation sketches (optimal densification).

    Empty bin ``j`` of every unit takes the value of bin ``probes[t, j]`` for the first
    attempt ``t`` that lands on a bin the unit filled itself. The probe sequence is the
    same for all units, so two units agree on a densified bin with probability equal
    to their Jaccard similarity (Shrivastava 2017).

    Parameters
    ----------
    sketch : np.ndarray
        uint32 ``[n, k]``, ``2**32 - 1`` in empty bins.
    probes : np.ndarray
        int64 ``[attempts, k]``.

    Returns
    -------
    np.ndarray
        uint32 ``[n, k]``; units without any token stay all ``2**32 - 1``.
    """
    empty = sketch == _EMPTY
    rows, cols = np.nonzero(empty & ~empty.all(axis=1, keepdims=True))
    out = sketch.copy()
    for attempt in range(probes.shape[0]):
        if not rows.size:
            break
        values = sketch[rows, probes[attempt, cols]]
        hit = values != _EMPTY
        out[rows[hit], cols[hit]] = values[hit]
        rows, cols = rows[~hit], cols[~hit]
    return out


def oph_csr(
    hashes: np.ndarray, offsets: np.ndarray, num_perm: int, seed: int, *, use_kernel: bool = True
) -> np.ndarray:
    """One-permutation-hashing sketches of every unit's token hashes, densified.

    Parameters
    ----------
    hashes : np.ndarray
        uint32 ``[m]``.
    offsets : np.ndarray
        int64 ``[n_units + 1]``.
    num_perm : int
        Bins (the sketch length, comparable to MinHash permutations).
    seed : int

    Returns
    -------
    np.ndarray
        uint32 ``[n_units, num_perm]``.
    """
    hashes = np.ascontiguousarray(hashes, dtype=np.uint32)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    a, b, probes = _oph_parameters(num_perm, seed)
    out = np.empty((len(offsets) - 1, num_perm), dtype=np.uint32)
    if use_kernel and _kernels is not None:
        _kernels.oph_minhash(hashes, offsets, a, b, out)
    else:
        _oph_numpy(hashes, offsets, a, b, out)
    return densify(out, probes)


def signatures_of_hashes(hashes: np.ndarray, offsets: np.ndarray, *, num_perm: int = 128, seed: int = 1) -> np.ndarray:
    """MinHash signatures of token-hash sets already computed (see :func:`minhash_csr`)."""
    a, b = permutations(num_perm, seed)
    return minhash_csr(hashes, offsets, a, b)


def signatures(
    texts: Iterable[str],
    *,
    num_perm: int = 128,
    ngram: int = 5,
    seed: int = 1,
    scheme: str = "affine32",
    normalize: NormalizeOptions | None = None,
    workers: int | None = None,
) -> np.ndarray:
    """MinHash signatures of texts over their character n-grams.

    Parameters
    ----------
    texts : iterable of str
        Hashed as given, unless ``normalize`` is set.
    num_perm : int
        Permutations (signature length).
    ngram : int
        Characters per shingle; a text shorter than ``ngram`` is one shingle.
    seed : int
        Seed of the permutations (datasketch's ``seed``).
    scheme : {"affine32", "oph"}
        ``"affine32"`` equals ``datasketch.MinHash(num_perm, seed,
        hashfunc=dedup.hash_shingle)`` updated with the same shingles. ``"oph"`` is
        one-permutation hashing with optimal densification: one hash per shingle
        instead of ``num_perm``; same LSH and Jaccard use, not datasketch-compatible.
    normalize : NormalizeOptions, optional
        Hash the matching view instead of the raw text.
    workers : int, optional
        Threads; default ``os.cpu_count()``. Results do not depend on it.

    Returns
    -------
    np.ndarray
        uint32 ``[n_texts, num_perm]``; an empty text is all ``2**32 - 1``.
    """
    if not isinstance(scheme, str) or scheme not in SCHEMES:
        raise InvalidOptionError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    num_perm, ngram = positive_int("num_perm", num_perm), positive_int("ngram", ngram)
    _check_seed(seed)
    if workers is not None:
        positive_int("workers", workers)
    if normalize is not None and not isinstance(normalize, NormalizeOptions):
        raise InvalidOptionError(f"normalize must be NormalizeOptions or None, got {type(normalize).__name__}")
    texts = check_texts(texts)
    if normalize is not None:
        texts = matching_texts(texts, normalize)
    a, b = permutations(num_perm, seed)
    out = np.empty((len(texts), num_perm), dtype=np.uint32)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))

    def run(bounds: tuple[int, int]) -> None:
        lo, hi = bounds
        codepoints, offsets = encode(texts[lo:hi])
        hashes, shingle_offsets = shingle_hashes(codepoints, offsets, ngram)
        if scheme == "oph":
            out[lo:hi] = oph_csr(hashes, shingle_offsets, num_perm, seed)
        else:
            out[lo:hi] = minhash_csr(hashes, shingle_offsets, a, b)

    run_tiles(run, tiles(lengths, _TILE_CHARS), workers)
    return out


def _check_seed(seed: object) -> None:
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 1 << 32:
        raise InvalidOptionError(f"seed must be an int in [0, 2**32), got {type(seed).__name__} {seed!r}")


def to_lean_minhash(signature: np.ndarray, seed: int = 1):
    """One signature row as a ``datasketch.LeanMinHash`` (scheme ``affine32``).

    Parameters
    ----------
    signature : np.ndarray
        uint32 ``[num_perm]``.
    seed : int
        The seed the signature was computed with.
    """
    from datasketch import LeanMinHash

    _check_seed(seed)
    values = np.asarray(signature)
    if (
        values.ndim != 1
        or values.size == 0
        or not np.issubdtype(values.dtype, np.integer)
        or values.min() < 0
        or values.max() >= 1 << 32
    ):
        raise InvalidOptionError(
            "signature must be one row of dedup.signatures (1-D, integers in [0, 2**32)), got shape "
            f"{values.shape} of {values.dtype}"
        )

    return LeanMinHash(seed=seed, hashvalues=np.asarray(signature, dtype=np.uint32), scheme="affine32")
