"""Array helpers shared by the stages.

``np.unique`` of numpy >= 2.3 hashes before it sorts; on the int64 arrays of this package
(pair codes, unit indices, span bounds) that is up to ~35× slower than one sort and a mask
(2 M int64: 2.6 s against 0.07 s on the benchmark machine), so the stages use this instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numpy as np

from .kernel import kernels as _kernels  # None without the compiled kernel: numpy paths

__all__ = [
    "class_counts",
    "compiled",
    "concat_ranges",
    "dense_ids",
    "from_codepoints",
    "group_ids",
    "group_medians",
    "joined_codepoints",
    "joined_starts",
    "numbered",
    "pairs_in",
    "run_tiles",
    "sorted_groups",
    "sorted_unique",
    "sorted_values",
    "stable_order",
    "tiles",
    "to_codepoints",
    "unique_rows",
    "whitespace_table",
]


def compiled() -> bool:
    """Whether the compiled kernel (``dedup/_kernels.c``) was built when dedup was installed.

    Without it (no C compiler at install time) every step runs its numpy reference path: the
    same results, about twice as slow for ``clean`` and ``find_duplicates``.
    """
    return _kernels is not None


def to_codepoints(text: str) -> np.ndarray:
    """uint32 ``[len(text)]``: the code points of ``text`` (lone surrogates included)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def joined_starts(lengths: np.ndarray) -> np.ndarray:
    """int64 ``[n]``: where each of ``n`` texts of ``lengths`` (int64 ``[n]``) starts in their ``"\n"``-joined batch."""
    return np.cumsum(lengths + 1) - (lengths + 1)


def joined_codepoints(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The texts joined by ``"\n"``, as code points (uint32), and where each text starts and ends in them (int64
    ``[len(texts)]`` each): for passes over many lines at once whose patterns stop at a line break."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = joined_starts(lengths)
    return to_codepoints("\n".join(texts)), starts, starts + lengths


def split_at_separators(text: str, separators: int, where: Callable[[], np.ndarray]) -> list[str]:
    """The ``separators + 1`` pieces of ``text`` between its ``separators`` separators, each a ``"\\n"``: one
    ``str.split`` when they are its only line feeds (a Python slice a piece costs about five times as much:
    19,500 lines of People's Daily, 1.7 against 8 ms), else slices between the positions ``where()`` gives (int64
    ``[separators]``, increasing).
    """
    if text.count("\n") == separators:
        return text.split("\n")
    bounds = [0, *(where() + 1).tolist(), len(text) + 1]
    return [text[a : b - 1] for a, b in zip(bounds[:-1], bounds[1:])]


def from_codepoints(values: np.ndarray) -> str:
    """Inverse of :func:`to_codepoints`: the text of an integer array of code points."""
    return values.astype("<u4", copy=False).tobytes().decode("utf-32-le", "surrogatepass")


@lru_cache(maxsize=1)
def whitespace_table() -> np.ndarray:
    """bool ``[0x110000]``: ``str.isspace`` of every code point (no astral code point is whitespace)."""
    table = np.zeros(0x110000, dtype=bool)
    table[[c for c in range(0x10000) if chr(c).isspace()]] = True
    return table


def _looked_up(table: np.ndarray, cps: np.ndarray) -> np.ndarray:
    """``table[cps]``, 0 for a code point beyond the table: the numpy reference of the kernels' lookups."""
    if not table.size:
        return np.zeros(cps.shape, dtype=table.dtype)
    return np.where(cps < table.size, table[np.minimum(cps, table.size - 1)], 0)


def collapse_runs(cps: np.ndarray, table: np.ndarray, member: int, only: int, to: str) -> np.ndarray:
    """``cps`` with each maximal run of code points whose ``table`` bits hold ``member`` (and, with ``only``
    non-zero, that holds a code point whose bits hold ``only``) replaced by the one character ``to``.

    Parameters
    ----------
    cps : np.ndarray
        uint32 ``[n]``, code points.
    table : np.ndarray
        uint8 ``[t]``: the bits of each code point (a code point ``>= t`` has none).
    member, only : int
        Bit masks.
    to : str
        One character.

    Returns
    -------
    np.ndarray
        uint32 ``[k]``, ``k <= n``.
    """
    cps = np.ascontiguousarray(cps, dtype=np.uint32)
    table = np.ascontiguousarray(table, dtype=np.uint8)
    if _kernels is not None:
        out = np.empty_like(cps)
        return out[: _kernels.collapse_runs(cps, table, member, only, ord(to), out)]
    bits = _looked_up(table, cps)
    pos = np.flatnonzero(bits & member)
    if not pos.size:
        return cps
    first = np.ones(pos.size, dtype=bool)
    first[1:] = pos[1:] != pos[:-1] + 1
    chosen = np.ones(pos.size, dtype=bool)
    if only:  # the runs holding an `only` code point
        run = np.cumsum(first) - 1
        has = np.zeros(int(run[-1]) + 1, dtype=bool)
        has[run[(bits[pos] & only) != 0]] = True
        chosen = has[run]
    out = cps.copy()
    out[pos[chosen & first]] = ord(to)
    keep = np.ones(cps.size, dtype=bool)
    keep[pos[chosen & ~first]] = False
    return out[keep]


def class_counts(
    cps: np.ndarray, starts: np.ndarray, ends: np.ndarray, table: np.ndarray, run_bit: int = -1
) -> np.ndarray:
    """How many characters of each class every line holds: one pass of the compiled kernel.

    Parameters
    ----------
    cps : np.ndarray
        uint32 ``[n]``, code points (lines joined, for instance).
    starts, ends : np.ndarray
        int64 ``[m]``: line ``i`` is ``cps[starts[i]:ends[i]]``.
    table : np.ndarray
        uint16 ``[t]``: the class bits of each code point (bits 0..14; a code point ``>= t`` has none).
    run_bit : int
        Column 15 counts the runs of characters with this bit that start in each line (-1: none).

    Returns
    -------
    np.ndarray
        int64 ``[m, 16]``: column ``b`` the characters with bit ``b``.
    """
    cps = np.ascontiguousarray(cps, dtype=np.uint32)
    starts, ends = (np.ascontiguousarray(a, dtype=np.int64) for a in (starts, ends))
    table = np.ascontiguousarray(table, dtype=np.uint16)
    out = np.zeros((starts.size, 16), dtype=np.int64)
    if _kernels is not None:
        _kernels.class_counts(cps, starts, ends, table, run_bit, out)
        return out
    bits = _looked_up(table, cps)
    for b in range(15):
        before = np.concatenate(([0], np.cumsum((bits >> b) & 1, dtype=np.int64)))
        out[:, b] = before[ends] - before[starts]
    if run_bit >= 0:  # a run starts at a line's first position, or where the position before lacks the bit
        has = ((bits >> run_bit) & 1).astype(bool)
        first = has.copy()
        first[1:] &= ~has[:-1]
        before = np.concatenate(([0], np.cumsum(first, dtype=np.int64)))
        inside = before[ends] - before[np.minimum(starts + 1, ends)]
        at_start = np.append(has, False)[np.minimum(starts, has.size)]
        out[:, 15] = np.where(ends > starts, inside + at_start, 0)
    return out


def found_in(ordered: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of ``keys`` (``[k]``) is in ``ordered`` (``[m]``, sorted), and whether it is there: int64 ``[k]``
    positions (where found; 0 to ``m - 1`` elsewhere, so they index ``ordered`` and its companion arrays) and bool
    ``[k]`` (all False when ``ordered`` is empty)."""
    at = np.minimum(np.searchsorted(ordered, keys), max(ordered.size - 1, 0))
    return at, ordered[at] == keys if ordered.size else np.zeros(np.shape(keys), dtype=bool)


def pairs_in(a: np.ndarray, b: np.ndarray, known_a: np.ndarray, known_b: np.ndarray, n: int) -> np.ndarray:
    """bool ``[k]``: whether each pair ``(a[i], b[i])`` is one of the pairs ``(known_a[j], known_b[j])`` (int64
    arrays of indices below ``n``)."""
    return found_in(sorted_unique(known_a * n + known_b), a * n + b)[1]


#: Rows from which the compiled kernel's radix sort replaces numpy's (below it, numpy's sorts are as fast).
RADIX_MIN = 1 << 11


def _radix_keys(column: np.ndarray) -> np.ndarray:
    """uint64 ``[m]`` keys that sort as ``column`` (integers or bools ``[m]``) does: unsigned values widened, signed
    ones widened to int64 with their sign bit flipped."""
    if column.dtype == np.uint64:
        return np.ascontiguousarray(column)
    if column.dtype.kind == "u":
        return column.astype(np.uint64)
    keys = column.astype(np.int64).view(np.uint64)  # a copy, flipped in place
    keys ^= np.uint64(1 << 63)
    return keys


def _radix_sorts(columns: Sequence[np.ndarray]) -> bool:
    """Whether the kernel's radix sort takes these columns: 1 to 4 one-dimensional columns of integers or bools of
    at least :data:`RADIX_MIN` rows."""
    return (
        _kernels is not None
        and 1 <= len(columns) <= 4
        and columns[0].size >= RADIX_MIN
        and all(c.ndim == 1 and c.dtype.kind in "biu" for c in columns)
    )


def stable_order(*columns: np.ndarray) -> np.ndarray:
    """The stable order of rows by their columns, the first most significant: ``np.lexsort(columns[::-1])``.

    The compiled kernel's radix sort for 1 to 4 integer (or bool) columns of :data:`RADIX_MIN` rows or more:
    a pass moves each row once, where numpy's sorts compare (2.6× faster for 448,000 random 64-bit keys, more
    for small ids, whose shared high digits are skipped). It holds 24 bytes a row of scratch while it runs
    (two key buffers and one of indices), besides the uint64 copies of columns of other dtypes; one column whose
    range and row numbers fit 64 bits together is sorted as packed values instead (:func:`_packed_order`).

    Parameters
    ----------
    *columns : np.ndarray
        ``[m]`` each, integers or bools (any sortable values take numpy's path).

    Returns
    -------
    np.ndarray
        int64 ``[m]``: rows ordered by ``columns[0]``, ties by ``columns[1]``…, remaining ties in row order.
    """
    if _radix_sorts(columns):
        if len(columns) == 1:
            packed = _packed_order(columns[0])
            if packed is not None:
                return packed
        out = np.empty(columns[0].size, dtype=np.int64)
        _kernels.radix_order(tuple(_radix_keys(c) for c in columns), out)
        return out
    if len(columns) == 1:
        return np.argsort(columns[0], kind="stable")
    return np.lexsort(columns[::-1])


def shared_in_blocks(values: np.ndarray, block: int) -> np.ndarray | None:
    """bool ``[n]``: which of ``values`` (uint64 ``[n]``) equal another value of their block of ``block``
    consecutive ones (the last block may be shorter), by the compiled kernel's hash table in one pass; None
    without the kernel (a sort finds them there, which is what the caller would do anyway)."""
    if _kernels is None or values.size >= 1 << 30:
        return None
    out = np.empty(values.size, dtype=bool)
    _kernels.shared_keys(np.ascontiguousarray(values, dtype=np.uint64), int(block), out.view(np.uint8))
    return out


def rows_sharing(values: np.ndarray, block: int) -> np.ndarray:
    """int64 ``[k]``, increasing: the rows of ``values`` (uint64 ``[n]``) another value of their block equals
    (:func:`shared_in_blocks`), or every row without the kernel: the rows a grouping of equal values must sort."""
    shared = shared_in_blocks(values, block)
    return np.arange(values.size, dtype=np.int64) if shared is None else np.flatnonzero(shared)


def _packed_order(column: np.ndarray) -> np.ndarray | None:
    """:func:`stable_order` of one column whose range and row numbers fit 64 bits together (ids, positions,
    labels): each value less the least, shifted over its row number, sorted as values — ties fall to the row
    numbers, so the order is stable. Half the scratch of sorting keys and indices side by side (8 bytes a row and
    the result, where that holds 24), and fewer digits. None when they do not fit (hashes)."""
    n = column.size
    bits = (n - 1).bit_length()
    low, high = int(column.min()), int(column.max())
    if (high - low).bit_length() + bits > 64:
        return None
    if column.dtype == np.uint64:
        packed = column - np.uint64(low)
    else:
        packed = column.astype(np.int64)
        packed -= low
        packed = packed.view(np.uint64)
    packed <<= np.uint64(bits)
    packed |= np.arange(n, dtype=np.uint64)
    out = np.empty(n, dtype=np.uint64)
    _kernels.radix_sorted(packed, out)
    out &= np.uint64((1 << bits) - 1)
    return out.view(np.int64)


def sorted_values(values: np.ndarray, kind: str | None = None) -> np.ndarray:
    """``np.sort(values, axis=None, kind=kind)``: the values flattened and sorted (``[m]``, same dtype); 64-bit
    integers of :data:`RADIX_MIN` or more by the compiled kernel's radix sort (``kind`` is then moot)."""
    flat = values.ravel()
    if flat.dtype.itemsize != 8 or not _radix_sorts((flat,)):
        return np.sort(flat, kind=kind)
    out = np.empty(flat.size, dtype=np.uint64)
    _kernels.radix_sorted(_radix_keys(flat), out)
    if flat.dtype == np.uint64:
        return out
    out ^= np.uint64(1 << 63)
    return out.view(np.int64)


def sorted_unique(values: np.ndarray, kind: str | None = None) -> np.ndarray:
    """``np.unique(values)`` by sorting: the distinct values, ascending.

    Parameters
    ----------
    values : np.ndarray
        Any shape and sortable dtype; flattened.
    kind : str, optional
        ``np.sort``'s algorithm: ``"stable"`` merges sorted runs (two sorted arrays one after
        the other) in linear time.

    Returns
    -------
    np.ndarray
        ``[k]``, same dtype.
    """
    ordered = sorted_values(values, kind)
    if ordered.size < 2:
        return ordered
    keep = np.empty(ordered.size, dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def group_ids(*columns: np.ndarray) -> np.ndarray:
    """Dense id of each row's combination of column values (``columns``: arrays ``[m]`` each): int64 ``[m]``,
    numbered in the order of the sorted combinations."""
    return numbered(*_lexsorted(*columns)) if columns[0].size else np.empty(0, dtype=np.int64)


def _lexsorted(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`sorted_groups` by a lexsort of the columns (any integers or values; at least one row)."""
    order = stable_order(*columns)
    new = np.zeros(order.size, dtype=bool)
    new[0] = True
    for column in columns:
        c = column[order]
        new[1:] |= c[1:] != c[:-1]
    return order, new


def numbered(order: np.ndarray, new: np.ndarray) -> np.ndarray:
    """int64 ``[m]``: each row's group number, from the rows' sorted ``order`` (int64 ``[m]``) and which of them
    start a new group (bool ``[m]``, in that order), as :func:`sorted_groups` gives them."""
    ids = np.empty(order.size, dtype=np.int64)
    ids[order] = np.cumsum(new) - 1
    return ids


def sorted_groups(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows sorted by their combination of column values (lexicographically; within one, in any order) and
    which of them start a new combination: int64 and bool ``[m]`` (``columns``: integer arrays ``[m]`` each).

    One sort of a packed key when the columns are non-negative and their ranges fit 62 bits (for columns of small
    ranges: the n-gram shares' grams, the cuts' labels); else :func:`group_ids`' lexsort. Folding the packing into
    :func:`group_ids` for every caller (hash keys, which never pack) measured slower.
    """
    if not columns[0].size:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    sizes = [int(c.max()) + 1 for c in columns]
    if min(int(c.min()) for c in columns) < 0 or float(np.prod(sizes, dtype=np.float64)) >= 2.0**62:
        return _lexsorted(*columns)
    # Every column as int64 (an unsigned one would make the key float64, inexact past 2**53); one is its own key.
    key = columns[0].astype(np.int64, copy=False)
    for column, size in zip(columns[1:], sizes[1:]):
        key = key * size + column.astype(np.int64, copy=False)
    order = stable_order(key)
    ordered = key[order]
    new = np.ones(ordered.size, dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    return order, new


def distinct_strings(strings: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Each string's number among the distinct strings in order of first occurrence (int64 ``[len(strings)]``: equal
    strings, equal numbers) and the distinct strings in that order, from one dictionary of them."""
    index: dict[str, int] = {}
    ids = np.fromiter((index.setdefault(s, len(index)) for s in strings), dtype=np.int64, count=len(strings))
    return ids, list(index)


def dense_ids(*columns: np.ndarray) -> np.ndarray:
    """:func:`group_ids` of columns of integers (the same ids), from :func:`sorted_groups`: one sort of a packed
    key where the columns allow."""
    return numbered(*sorted_groups(*columns))


def unique_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(rows, axis=0, return_inverse=True)`` of integer rows ``[m, k]``: the distinct rows in order
    (``[d, k]``, ``rows``' dtype) and each row's index among them (int64 ``[m]``). By :func:`dense_ids`: numpy
    sorts the rows as structured scalars, 4× slower than :func:`group_ids`' lexsort and 20× than a packed key
    (a million rows of two columns)."""
    rows = np.asarray(rows)
    if not len(rows):
        return rows.reshape(0, rows.shape[1]), np.zeros(0, dtype=np.int64)
    ids = dense_ids(*(rows[:, j] for j in range(rows.shape[1])))
    distinct = np.empty((int(ids.max()) + 1, rows.shape[1]), dtype=rows.dtype)
    distinct[ids] = rows
    return distinct, ids


def group_medians(values: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """``np.median`` of each group of consecutive values: group ``i`` is ``values[bounds[i]:bounds[i + 1]]``
    (float64 ``[m]``; int64 ``bounds [g + 1]``, no group empty); float64 ``[g]``, bit for bit what ``np.median``
    gives (the middle value, or the mean of the two middle ones), from one sort instead of a call a group."""
    sizes = np.diff(bounds)
    group = np.repeat(np.arange(sizes.size), sizes)
    ordered = values[np.lexsort((values, group))]
    low, high = bounds[:-1] + (sizes - 1) // 2, bounds[:-1] + sizes // 2
    return (ordered[low] + ordered[high]) / 2


#: How far back :func:`back_bits` reaches (bit 63 is left to its caller).
BACK_BITS = 63


def back_bits(pairs: np.ndarray, n: int) -> np.ndarray:
    """uint64 ``[n]``: pairs ``(earlier, later)`` of ``n`` rows (int64 ``[p, 2]``, ``1 <= later - earlier <=
    BACK_BITS``) as bits of the later row: bit ``later - earlier - 1``. A per-row column, so tables of
    consecutive batches join by concatenation (:func:`pairs_of_back_bits` reads it back)."""
    out = np.zeros(n, dtype=np.uint64)
    if len(pairs):
        bit = np.left_shift(np.uint64(1), (pairs[:, 1] - pairs[:, 0] - 1).astype(np.uint64))
        np.bitwise_or.at(out, pairs[:, 1], bit)
    return out


def pairs_of_back_bits(bits: np.ndarray) -> np.ndarray:
    """int64 ``[p, 2]``: the pairs ``(earlier, later)`` of :func:`back_bits` (bits 0 to ``BACK_BITS - 1`` of
    uint64 ``[n]``), by later row, then earlier."""
    rows = np.flatnonzero(bits & np.uint64((1 << BACK_BITS) - 1))  # the few rows with a bit: each bit read on them
    held = bits[rows]
    found = [rows[np.flatnonzero((held >> np.uint64(k)) & np.uint64(1))] for k in range(BACK_BITS)]
    later = np.concatenate(found).astype(np.int64)
    earlier = later - np.repeat(np.arange(1, BACK_BITS + 1, dtype=np.int64), [f.size for f in found])
    order = np.lexsort((earlier, later))
    return np.stack([earlier[order], later[order]], axis=1).reshape(-1, 2)


def concat_ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, s + l)`` for every ``(s, l)``.

    Parameters
    ----------
    starts, lengths : np.ndarray
        int64 ``[k]``; ``lengths >= 0``.

    Returns
    -------
    np.ndarray
        int64 ``[lengths.sum()]``.
    """
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    run_starts = np.cumsum(lengths) - lengths
    return np.arange(total, dtype=np.int64) + np.repeat(starts - run_starts, lengths)


def tiles(lengths: np.ndarray, tile_chars: int) -> list[tuple[int, int]]:
    """Split units into consecutive ``[lo, hi)`` runs of about ``tile_chars`` characters.

    Parameters
    ----------
    lengths : np.ndarray
        int64 ``[n]``, characters per unit.
    tile_chars : int

    Returns
    -------
    list of (int, int)
        Non-empty, covering ``0 .. n`` in order.
    """
    ends = np.cumsum(lengths)
    cuts = np.searchsorted(ends, np.arange(tile_chars, int(ends[-1]) if ends.size else 0, tile_chars))
    bounds = sorted_unique(np.concatenate(([0], cuts + 1, [lengths.size])).clip(0, lengths.size))
    return [(int(lo), int(hi)) for lo, hi in zip(bounds[:-1], bounds[1:]) if hi > lo]


def run_tiles(fn: Callable[[tuple[int, int]], None], bounds: Sequence[tuple[int, int]], workers: int | None) -> None:
    """Call ``fn`` on every tile, on ``workers`` threads (default ``os.cpu_count()``).

    The numpy and compiled loops ``fn`` runs release the GIL, so tiles proceed in parallel;
    ``fn`` writes its results into preallocated arrays, so the order does not matter.
    """
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(bounds) <= 1:
        for tile in bounds:
            fn(tile)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for _ in pool.map(fn, bounds):
            pass
