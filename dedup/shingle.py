"""Character n-gram hashes of many units at once: the hot core.

Units (documents, paragraphs, lines) travel as one flat ``uint32`` array of
Unicode code points plus ``int64`` CSR offsets. The hash of the n-gram
starting at every position is computed for all positions together, one numpy
operation per *character of the n-gram* (Horner's rule over shifted views),
followed by a 64-bit mixer; no Python code runs per character or per shingle.

The token hash of one shingle ``s`` is

    h = len(s) * SALT_MUL + SALT_ADD
    for c in s: h = h * PRIME + ord(c)          (mod 2**64)
    token = fmix64(h) >> 32                     (MurmurHash3's 64-bit finalizer)

:func:`hash_shingle` computes exactly that for one string, so the vectorized
path and a per-string caller (e.g. ``datasketch.MinHash(hashfunc=hash_shingle)``)
agree bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xxhash

from .arrays import concat_ranges, distinct_strings, run_tiles, tiles
from .errors import InvalidOptionError, InvalidTextError
from .kernel import kernels as _kernels  # None without the compiled kernel: numpy paths

__all__ = [
    "exact_hashes",
    "encode",
    "shingle_hashes",
    "unique_shingles",
    "shingle_sets",
    "hash_shingle",
]

_PRIME = np.uint64(0x9E3779B97F4A7C15)  # odd: multiplication is a bijection mod 2**64
_SALT_MUL = np.uint64(0xC2B2AE3D27D4EB4F)
_SALT_ADD = np.uint64(0x165667B19E3779F9)
_FMIX_M1 = np.uint64(0xFF51AFD7ED558CCD)
_FMIX_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)
_S32 = np.uint64(32)
_TILE = 1 << 16  # positions per tile: a tile's uint64 temporaries stay in L2


def encode(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate texts into one code-point array with CSR offsets.

    Parameters
    ----------
    texts : sequence of str
        Lone surrogates are kept as their code points.

    Returns
    -------
    codepoints : np.ndarray
        uint32 ``[sum(len(t))]``.
    offsets : np.ndarray
        int64 ``[len(texts) + 1]``; unit ``i`` is ``codepoints[offsets[i]:offsets[i+1]]``.
    """
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    data = "".join(texts).encode("utf-32-le", "surrogatepass")
    return np.frombuffer(data, dtype=np.uint32), offsets


def exact_hashes(strings: Sequence[str], head: int = 0, tail: int = 0) -> np.ndarray:
    """64-bit hash of each whole string (XXH3 of its UTF-8, lone surrogates kept), or of its first ``head`` or last
    ``tail`` characters (all of a shorter one).

    The compiled kernel hashes each string's characters where they are (xxHash's own XXH3, vendored); without
    it, ``xxhash.xxh3_64_intdigest`` of each string's bytes: the same hashes.

    Parameters
    ----------
    strings : sequence of str
    head, tail : int
        At most one of them above 0.

    Returns
    -------
    np.ndarray
        uint64 ``[len(strings)]``; equal strings get equal hashes.
    """
    if head < 0 or tail < 0 or (head and tail):
        raise InvalidOptionError(f"exact_hashes: head and tail must be >= 0, at most one above 0; got {head}, {tail}")
    if _kernels is not None:
        out = np.empty(len(strings), dtype=np.uint64)
        _kernels.string_hashes(strings, head, tail, out)
        return out
    if head or tail:
        strings = [s[:head] for s in strings] if head else [s[-tail:] for s in strings]
    return np.fromiter(
        (xxhash.xxh3_64_intdigest(s.encode("utf-8", "surrogatepass")) for s in strings),
        dtype=np.uint64,
        count=len(strings),
    )


def _fmix64_high32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3 64-bit finalizer, then the top 32 bits; ``h`` is overwritten.

    Parameters
    ----------
    h : np.ndarray
        uint64 ``[m]``, used as scratch.

    Returns
    -------
    np.ndarray
        uint32 ``[m]``.
    """
    tmp = np.empty_like(h)
    np.right_shift(h, _S33, out=tmp)
    h ^= tmp
    h *= _FMIX_M1
    np.right_shift(h, _S33, out=tmp)
    h ^= tmp
    h *= _FMIX_M2
    np.right_shift(h, _S33, out=tmp)
    h ^= tmp
    h >>= _S32
    return h.astype(np.uint32)


def _length_salt(length: int) -> np.uint64:
    with np.errstate(over="ignore"):
        return np.uint64(length) * _SALT_MUL + _SALT_ADD


def _window_hashes(codepoints: np.ndarray, width: int, *, use_kernel: bool = True) -> np.ndarray:
    """Token hashes of every window of ``width`` consecutive code points.

    Parameters
    ----------
    codepoints : np.ndarray
        uint32 ``[N]``.
    width : int
        Window length, >= 1.
    use_kernel : bool
        Use the compiled kernel when it was built (else, or if False, the tiled numpy
        reference). Same hashes.

    Returns
    -------
    np.ndarray
        uint32 ``[max(N - width + 1, 0)]``; element ``i`` hashes ``codepoints[i:i+width]``.
    """
    n_windows = codepoints.shape[0] - width + 1
    if n_windows <= 0:
        return np.empty(0, dtype=np.uint32)
    out = np.empty(n_windows, dtype=np.uint32)
    salt = _length_salt(width)
    if use_kernel and _kernels is not None:
        _kernels.window_hashes(np.ascontiguousarray(codepoints, dtype=np.uint32), width, int(salt), out)
        return out
    h = np.empty(min(_TILE, n_windows), dtype=np.uint64)
    for lo in range(0, n_windows, _TILE):
        hi = min(lo + _TILE, n_windows)
        acc = h[: hi - lo]
        acc.fill(salt)
        for j in range(width):
            acc *= _PRIME
            acc += codepoints[lo + j : hi + j]
        out[lo:hi] = _fmix64_high32(acc)
    return out


def shingle_hashes(codepoints: np.ndarray, offsets: np.ndarray, ngram: int) -> tuple[np.ndarray, np.ndarray]:
    """Token hashes of the character n-grams of every unit.

    A unit of length ``L >= ngram`` has ``L - ngram + 1`` shingles, one per
    start position, in order; a unit with ``0 < L < ngram`` has one shingle,
    the whole unit; an empty unit has none. Duplicates are kept.

    Parameters
    ----------
    codepoints : np.ndarray
        uint32 ``[N]``, as from :func:`encode`.
    offsets : np.ndarray
        int64 ``[n_units + 1]``.
    ngram : int
        Shingle length in characters, >= 1.

    Returns
    -------
    hashes : np.ndarray
        uint32 ``[n_shingles]``.
    shingle_offsets : np.ndarray
        int64 ``[n_units + 1]``; the shingles of unit ``i`` are
        ``hashes[shingle_offsets[i]:shingle_offsets[i+1]]``.
    """
    if ngram < 1:
        raise ValueError(f"ngram must be >= 1, got {ngram}")
    codepoints = np.ascontiguousarray(codepoints, dtype=np.uint32)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    starts, lengths = offsets[:-1], np.diff(offsets)
    is_long = lengths >= ngram
    counts = np.where(is_long, lengths - (ngram - 1), np.minimum(lengths, 1))
    shingle_offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(counts, out=shingle_offsets[1:])

    if _kernels is not None:  # unit by unit: no window across two units is hashed, none deleted, none inserted
        hashes = np.empty(int(shingle_offsets[-1]), dtype=np.uint32)
        _kernels.unit_window_hashes(codepoints, offsets, shingle_offsets, ngram, int(_SALT_MUL), int(_SALT_ADD), hashes)
        return hashes, shingle_offsets
    # Every window of the flat array, less those that do not lie inside one
    # long unit: the last ngram-1 positions of every unit (all of a short one).
    windows = _window_hashes(codepoints, ngram)
    tail = np.minimum(lengths, ngram - 1)
    invalid = concat_ranges(starts + lengths - tail, tail)
    long_hashes = np.delete(windows, invalid[invalid < windows.size])

    # Short units: one shingle each, hashed with their own length, inserted in unit order.
    short = np.flatnonzero(~is_long & (lengths > 0))
    if not short.size:
        return long_hashes, shingle_offsets
    short_lengths = lengths[short]
    short_hashes = np.empty(short.size, dtype=np.uint32)
    for length in np.unique(short_lengths):
        members = np.flatnonzero(short_lengths == length)
        acc = np.full(members.size, _length_salt(int(length)), dtype=np.uint64)
        first = starts[short[members]]
        for j in range(int(length)):
            acc *= _PRIME
            acc += codepoints[first + j]
        short_hashes[members] = _fmix64_high32(acc)
    # Long shingles before each short unit = its slot in long_hashes.
    long_before = shingle_offsets[short] - np.arange(short.size)
    hashes = np.insert(long_hashes, long_before, short_hashes)
    return hashes, shingle_offsets


def unique_shingles(
    hashes: np.ndarray, offsets: np.ndarray, *, use_kernel: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct hashes of every unit: the shingle *sets*.

    The compiled kernel sorts unit by unit (radix sort, GIL released); the numpy
    reference sorts one ``unit << 32 | hash`` key array. Same result.

    Parameters
    ----------
    hashes : np.ndarray
        uint32 ``[m]``.
    offsets : np.ndarray
        int64 ``[n_units + 1]``, CSR over ``hashes``.
    use_kernel : bool
        Use the compiled kernel when it was built (else, or if False, the numpy reference).

    Returns
    -------
    set_hashes : np.ndarray
        uint32 ``[m']``, ascending within each unit.
    set_offsets : np.ndarray
        int64 ``[n_units + 1]``.
    """
    n_units = len(offsets) - 1
    if use_kernel and _kernels is not None:
        hashes = np.ascontiguousarray(hashes, dtype=np.uint32)
        out = np.empty(hashes.size, dtype=np.uint32)
        set_offsets = np.empty(n_units + 1, dtype=np.int64)
        _kernels.sorted_sets(hashes, np.ascontiguousarray(offsets, dtype=np.int64), out, set_offsets)
        return out[: set_offsets[-1]], set_offsets
    unit = np.repeat(np.arange(n_units, dtype=np.uint64), np.diff(offsets))
    keys = np.sort((unit << _S32) | hashes.astype(np.uint64))
    keep = np.ones(keys.size, dtype=bool)
    np.not_equal(keys[1:], keys[:-1], out=keep[1:])
    keys = keys[keep]
    set_offsets = np.zeros(n_units + 1, dtype=np.int64)
    np.cumsum(np.bincount((keys >> _S32).astype(np.int64), minlength=n_units), out=set_offsets[1:])
    return keys.astype(np.uint32), set_offsets


def hash_shingle(shingle: str) -> int:
    """The 32-bit token hash the vectorized path gives ``shingle``.

    Parameters
    ----------
    shingle : str
        One shingle (any length >= 1), in the matching view's characters.

    Returns
    -------
    int
        In ``[0, 2**32)``. Usable as ``datasketch.MinHash(hashfunc=hash_shingle)``.
    """
    if not isinstance(shingle, str):
        raise InvalidTextError(None, f"hash_shingle takes a str, got {type(shingle).__name__}")
    if not shingle:
        raise InvalidOptionError("hash_shingle needs a non-empty shingle")
    codepoints, _ = encode([shingle])
    return int(_window_hashes(codepoints, len(shingle))[0])


_TILE_CHARS = 1 << 18  # characters per tile of the shingle-set phase


def distinct_shingle_sets(
    views: Sequence[str], ngram: int, workers: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`shingle_sets` of views that may repeat (those verification compares, where copies of a text make most
    pairs): the sets of the distinct views, each hashed once, and which is each view's.

    Returns
    -------
    set_hashes, set_offsets : np.ndarray
        As :func:`shingle_sets` gives them for the distinct views, in order of their first copy.
    ids : np.ndarray
        int64 ``[len(views)]``: the set of each view.
    """
    ids, distinct = distinct_strings(views)
    return (*shingle_sets(views if len(distinct) == len(views) else distinct, ngram, workers), ids)


def shingle_sets(views: Sequence[str], ngram: int, workers: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct n-gram hashes of each view, tile by tile on ``workers`` threads.

    Equals ``unique_shingles(*shingle_hashes(*encode(views), ngram))``; the 64-bit
    temporaries of hashing exist for one tile at a time, not for all views.

    Returns
    -------
    set_hashes : np.ndarray
        uint32 ``[m]``, ascending within each view.
    set_offsets : np.ndarray
        int64 ``[len(views) + 1]``.
    """
    bounds = tiles(np.fromiter(map(len, views), dtype=np.int64, count=len(views)), _TILE_CHARS)
    parts: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def run(tile: tuple[int, int]) -> None:
        codepoints, offsets = encode(views[tile[0] : tile[1]])
        parts[tile[0]] = unique_shingles(*shingle_hashes(codepoints, offsets, ngram))

    run_tiles(run, bounds, workers)
    if not parts:
        return np.empty(0, dtype=np.uint32), np.zeros(len(views) + 1, dtype=np.int64)
    ordered = [parts[lo] for lo, _ in bounds]
    set_offsets = np.zeros(len(views) + 1, dtype=np.int64)
    np.cumsum(np.concatenate([np.diff(o) for _, o in ordered]), out=set_offsets[1:])
    return np.concatenate([h for h, _ in ordered]), set_offsets
