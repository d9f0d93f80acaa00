"""Columns of strings that may live on disk, and tables built batch by batch.

What the finders keep of a collection between reading it and deciding — the matching views
of its lines and paragraphs, the lines themselves — is a column of strings per table. In
memory that column is a plain ``list[str]``; for a collection larger than memory it is a
:class:`SpilledStrings`: code points in a file, 8 bytes of offset a string in memory, read
back in bulk. Everything that reads these columns goes through :func:`take` and slicing, so it runs
unchanged on both.

:class:`TableSink` joins the tables of consecutive batches of documents into the table of
the whole collection (what the table of all documents at once would be), keeping numeric
columns in memory and sending string columns to a spill folder when one is given.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

import numpy as np

from .arrays import sorted_unique

__all__ = [
    "BATCH_CHARS",
    "RowsOf",
    "SpilledStrings",
    "StringSpill",
    "TableSink",
    "batches",
    "join_runs",
    "take",
    "take_rows",
]

#: Characters of documents whose tables are built at once: what bounds the temporaries of
#: building them (about 45 bytes a character at the peak), whatever the collection's size.
BATCH_CHARS = 1 << 20

T = TypeVar("T")
_READ_CHUNK = 1 << 22  # bytes read at once from a spill file (about 1 M code points)
_GAP = 1 << 16  # neighbouring strings closer than this are read in one piece


def take(column: Sequence[str], indices: Sequence[int] | np.ndarray) -> list[str]:
    """``[column[i] for i in indices]``, read in bulk when the column is on disk.

    Parameters
    ----------
    column : sequence of str
        A ``list[str]``, or any sequence with a bulk ``take(indices)`` of its own (a
        :class:`SpilledStrings`, the document views of :mod:`dedup.boilerplate`).
    indices : sequence of int or np.ndarray
        int ``[k]``, any order, repeats allowed.

    Returns
    -------
    list of str
        ``k`` strings.
    """
    bulk = getattr(column, "take", None)
    if bulk is not None:
        return bulk(indices)
    if isinstance(indices, np.ndarray):
        indices = indices.tolist()
    return [column[i] for i in indices]


def take_rows(table: T, rows: np.ndarray, *, lazy: bool = False) -> T:
    """The table of ``table``'s rows ``rows`` (int64 ``[k]``): every array and string column taken at them.

    ``table`` is a frozen dataclass of one-row-per-unit columns (see :class:`TableSink`); its
    string columns come back as lists, read in bulk where they are on disk, or with ``lazy`` as
    :class:`RowsOf` the column, read only where asked (for a table whose strings are mostly never read).
    """
    return type(table)(
        **{
            f.name: value[rows] if isinstance(value, np.ndarray) else RowsOf(value, rows) if lazy else take(value, rows)
            for f in fields(table)  # type: ignore[arg-type]
            for value in (getattr(table, f.name),)
        }
    )


class RowsOf(Sequence[str]):
    """The strings of ``column`` at ``rows`` (int ``[k]``, any order), read when asked: ``take(column, rows)`` without
    making a string a row. :func:`take` and slices read in bulk from the column (itself a list, a
    :class:`SpilledStrings` or another such sequence). Rows of a ``RowsOf`` are rows of its column (so a few rows
    of a selection, pickled for a task, carry their own rows, not the whole selection's)."""

    def __init__(self, column: Sequence[str], rows: np.ndarray) -> None:
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        if isinstance(column, RowsOf):
            column, rows = column.column, column.rows[rows]
        self.column = column
        self.rows = rows

    def __len__(self) -> int:
        return int(self.rows.size)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return take(self.column, self.rows[index])
        return take(self.column, self.rows[[index]])[0]

    def take(self, indices: Sequence[int] | np.ndarray) -> list[str]:
        """``[self[i] for i in indices]``, read in bulk."""
        return take(self.column, self.rows[np.asarray(indices, dtype=np.int64).reshape(-1)])


def join_runs(column: Sequence[str], lo: np.ndarray, hi: np.ndarray, owner: np.ndarray, n_groups: int) -> list[str]:
    """Strings made of runs of consecutive strings of a column: ``"".join(column[lo[r]:hi[r]])`` over the runs of each
    group.

    Parameters
    ----------
    column : sequence of str
        A ``list[str]``, or a :class:`SpilledStrings` (which reads each stretch of runs once
        and slices it, instead of making every string of the runs).
    lo, hi : np.ndarray
        int64 ``[r]``: run ``r`` is strings ``lo[r]:hi[r]``.
    owner : np.ndarray
        int64 ``[r]``: the group of each run, in ``0 .. n_groups - 1``; a group's runs are
        joined in their order here.
    n_groups : int

    Returns
    -------
    list of str
        ``n_groups`` strings (``""`` for a group without runs).
    """
    if isinstance(column, SpilledStrings):
        pieces = column.run_texts(lo, hi)
    else:
        pieces = ["".join(column[a:b]) for a, b in zip(np.asarray(lo).tolist(), np.asarray(hi).tolist())]
    parts: list[list[str]] = [[] for _ in range(n_groups)]
    for g, piece in zip(np.asarray(owner).tolist(), pieces):
        parts[g].append(piece)
    return ["".join(p) for p in parts]


def batches(texts: Iterable[T], max_chars: int = BATCH_CHARS, max_items: int | None = None) -> Iterator[list[T]]:
    """Consecutive lists of ``texts`` of about ``max_chars`` characters (and at most ``max_items``).

    A batch closes once it holds ``max_chars`` characters; it always holds at least one text.
    Items are counted by ``len``: strings, or anything with a length. A list or tuple is cut where the running
    sum of its lengths crosses each bound (slices, no Python step a text).
    """
    if isinstance(texts, (list, tuple)) and max_items is None:
        yield from _cut(texts, max_chars)
        return
    batch: list[T] = []
    size = 0
    for text in texts:
        batch.append(text)
        size += len(text)  # type: ignore[arg-type]
        if size >= max_chars or (max_items is not None and len(batch) >= max_items):
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _cut(texts: list[T] | tuple[T, ...], max_chars: int) -> Iterator[list[T]]:
    """:func:`batches` of a list or tuple: each batch ends at the first text whose running total of characters
    reaches ``max_chars`` from the batch's start."""
    ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))  # type: ignore[arg-type]
    start, before = 0, 0
    while start < len(texts):
        stop = int(np.searchsorted(ends, before + max_chars, side="left")) + 1
        stop = min(max(stop, start + 1), len(texts))
        yield list(texts[start:stop])
        start, before = stop, int(ends[stop - 1])


class SpilledStrings(Sequence[str]):
    """A read-only column of strings stored in a file as UTF-32 (lone surrogates kept).

    Parameters
    ----------
    path : Path
        The file: the strings' code points as little-endian uint32, one string after another.
    offsets : np.ndarray
        int64 ``[n + 1]``: string ``i`` is code points ``offsets[i]:offsets[i + 1]``.

    Notes
    -----
    Fixed-width code points let a run of neighbouring strings be read with one ``pread``
    and decoded at once, then sliced. Reads go through a descriptor, not a memory map, so
    what is read is freed with the strings made of it instead of staying resident.
    """

    def __init__(self, path: Path, offsets: np.ndarray) -> None:
        self.path = Path(path)
        self.offsets = np.ascontiguousarray(offsets, dtype=np.int64)
        self._fd: int | None = None

    def __len__(self) -> int:
        return int(self.offsets.size - 1)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            lo, hi, step = index.indices(len(self))
            return self._run(lo, hi) if step == 1 else self.take(range(lo, hi, step))
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"string {index} of {n}")
        return self._run(index % n, index % n + 1)[0]

    def __iter__(self) -> Iterator[str]:
        step = 1 << 16
        for lo in range(0, len(self), step):
            yield from self._run(lo, min(lo + step, len(self)))

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path, "offsets": self.offsets, "_fd": None}

    def __del__(self) -> None:
        self.close()

    def close(self) -> None:
        """Close the file (it is opened again when read)."""
        if getattr(self, "_fd", None) is not None:
            os.close(self._fd)  # type: ignore[arg-type]
            self._fd = None

    def _read(self, first: int, last: int) -> str:
        """Code points ``first:last`` of the file, decoded."""
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDONLY)
        size = 4 * (last - first)
        data = os.pread(self._fd, size, 4 * first)
        if len(data) != size:
            raise OSError(f"{self.path} is truncated: wanted {size} bytes at {4 * first}, got {len(data)}")
        return data.decode("utf-32-le", "surrogatepass")

    def _chunks(self, lo: int, hi: int) -> Iterator[tuple[int, int, str]]:
        """Strings ``lo:hi`` (consecutive) read in pieces of at most about 4 MiB (at least one string each):
        ``(end, base, text)``, the piece holding strings up to ``end`` from code point ``base`` on."""
        while lo < hi:
            base = int(self.offsets[lo])
            # as many strings as fit the chunk, at least one
            end = max(lo + 1, int(np.searchsorted(self.offsets, base + _READ_CHUNK // 4, side="right")) - 1)
            end = min(end, hi)
            yield end, base, self._read(base, int(self.offsets[end]))
            lo = end

    def _run(self, lo: int, hi: int) -> list[str]:
        """Strings ``lo:hi`` (consecutive)."""
        return self._cut_out(np.arange(lo, hi, dtype=np.int64)) if hi > lo else []

    def run_texts(self, lo: np.ndarray, hi: np.ndarray) -> list[str]:
        """``"".join(self[lo[r]:hi[r]])`` of every run ``r`` (int64 ``[r]`` each, any order).

        Runs are read in file order, neighbouring ones (gaps under 64 KiB) in one piece of at
        most about 4 MiB, and cut out of the decoded piece as whole slices.
        """
        lo, hi = np.asarray(lo, dtype=np.int64), np.asarray(hi, dtype=np.int64)
        out: list[str] = [""] * lo.size
        if not lo.size:
            return out
        order = np.argsort(lo, kind="stable")
        first = self.offsets[lo[order]].tolist()
        last = self.offsets[hi[order]].tolist()
        positions = order.tolist()
        i, n = 0, lo.size
        while i < n:
            base, top, j = first[i], last[i], i
            while j + 1 < n and first[j + 1] - top <= _GAP // 4 and max(top, last[j + 1]) - base <= _READ_CHUNK // 4:
                j += 1
                top = max(top, last[j])
            text = self._read(base, top) if top > base else ""
            for k in range(i, j + 1):
                out[positions[k]] = text[first[k] - base : last[k] - base]
            i = j + 1
        return out

    def take(self, indices: Sequence[int] | np.ndarray) -> list[str]:
        """The strings at ``indices`` (int ``[k]``, any order, repeats allowed).

        Strings close together in the file are read as one run (gaps under 64 KiB are
        read through, a piece of at most about 4 MiB at a time, keeping only what was
        asked for), so a sorted selection costs a few reads.
        """
        wanted = np.asarray(indices, dtype=np.int64).reshape(-1)
        if not wanted.size:
            return []
        if int(wanted.min()) < 0 or int(wanted.max()) >= len(self):
            raise IndexError(f"indices outside 0..{len(self) - 1}")
        distinct = sorted_unique(wanted)
        starts = self.offsets[distinct]
        # a new run where the gap to the previous string is large
        breaks = np.flatnonzero(starts[1:] - self.offsets[distinct[:-1] + 1] > _GAP // 4) + 1
        found: list[str] = []
        for run in np.split(distinct, breaks):
            found.extend(self._cut_out(run))
        position = np.searchsorted(distinct, wanted)
        return [found[i] for i in position.tolist()]

    def _cut_out(self, run: np.ndarray) -> list[str]:
        """The strings at ``run`` (int64, sorted, distinct, close together in the file), read in pieces of at most
        about 4 MiB (at least one string) and each cut out of its piece — not every string between them."""
        out: list[str] = []
        at = 0
        for end, base, text in self._chunks(int(run[0]), int(run[-1]) + 1):
            stop = at + int(np.searchsorted(run[at:], end))  # the wanted strings of this piece
            here = run[at:stop]
            firsts, lasts = (self.offsets[here] - base).tolist(), (self.offsets[here + 1] - base).tolist()
            out.extend(text[a:b] for a, b in zip(firsts, lasts))
            at = stop
        return out


class StringSpill:
    """Appends batches of strings to one file (or, without a path, to a list); :meth:`column` gives them back.

    Parameters
    ----------
    path : Path, optional
        The file to create (replaced if it exists); None keeps the strings in memory.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = None if path is None else Path(path)
        self._handle = None if self.path is None else open(self.path, "wb")
        self._strings: list[str] = []
        self._lengths: list[np.ndarray] = []

    def append(self, strings: Sequence[str]) -> None:
        """Write ``strings`` after those already written."""
        if self._handle is None:
            self._strings.extend(strings)
            return
        if self._handle.closed:  # read as a column already: go on after what it holds
            self._handle = open(self.path, "ab")  # type: ignore[arg-type]
        self._lengths.append(np.fromiter(map(len, strings), dtype=np.int64, count=len(strings)))
        self._handle.write("".join(strings).encode("utf-32-le", "surrogatepass"))

    def column(self) -> Sequence[str]:
        """Everything appended so far, as a column: a :class:`SpilledStrings` (the file is closed for writing; a
        later :meth:`append` reopens it), or the list."""
        if self._handle is None or self.path is None:
            return self._strings
        if not self._handle.closed:
            self._handle.close()
        lengths = np.concatenate(self._lengths) if self._lengths else np.zeros(0, dtype=np.int64)
        offsets = np.zeros(lengths.size + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        return SpilledStrings(self.path, offsets)


class ArraySpill:
    """Appends batches of rows of one numeric column to a file (or, without a path, to a list); :meth:`column`
    gives them back.

    Spilled, a column costs no memory while the batches come, and is read back as a memory map of the file:
    its pages are read through the page cache when the plan reads them, and the kernel may drop them again
    (they are no anonymous memory of the process). Copy-on-write: writing into the column changes this
    process's copy only.

    Parameters
    ----------
    path : Path, optional
        The file to create (replaced if it exists); None keeps the batches in memory, joined when read.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = None if path is None else Path(path)
        self._handle = None if self.path is None else open(self.path, "wb")
        self._batches: list[np.ndarray] = []
        self._rows = 0
        self._dtype: np.dtype | None = None
        self._shape: tuple[int, ...] = ()

    def append(self, values: np.ndarray) -> None:
        """Write the rows ``values`` (any numeric dtype and row shape, the same in every batch) after those already
        written."""
        if self._handle is None:
            self._batches.append(values)
            return
        if self._rows == 0:  # no row yet: the batch with the first rows sets the column's dtype and row shape
            self._dtype, self._shape = values.dtype, values.shape[1:]
        elif values.dtype != self._dtype or values.shape[1:] != self._shape:
            if len(values) == 0:
                return
            raise ValueError(
                f"a batch of {values.dtype} {values.shape[1:]} for a column of {self._dtype} {self._shape}"
            )
        self._handle.write(np.ascontiguousarray(values).tobytes())
        self._rows += len(values)

    def column(self) -> np.ndarray:
        """Everything appended so far: a memory map of the file, or the batches joined (kept as one batch)."""
        if self._handle is None:
            joined = np.concatenate(self._batches)
            self._batches = [joined]  # the batches' arrays are freed
            return joined
        assert self._dtype is not None, "no batch appended"
        shape = (self._rows, *self._shape)
        if self._rows == 0 or self._dtype.itemsize * int(np.prod(self._shape, dtype=np.int64)) == 0:
            return np.zeros(shape, dtype=self._dtype)
        self._handle.flush()
        return np.memmap(self.path, dtype=self._dtype, mode="c", shape=shape)


class TableSink(Generic[T]):
    """The table of a whole collection from the tables of its consecutive batches.

    A table is a frozen dataclass whose fields are numpy arrays with one row per unit
    (a field named ``doc`` holds document indices local to the batch), string columns
    (``list[str]``, one string per unit) and, optionally, fields listed in ``constant``
    that are the same in every batch.

    Parameters
    ----------
    cls : type
        The table's dataclass.
    spill : str or Path, optional
        A folder for the columns, one file each: the string columns (``<prefix><field>.utf32``) and the numeric
        ones (``<prefix><field>.bin``, read back as memory maps: :class:`ArraySpill`); None keeps them in memory.
    prefix : str
        File-name prefix inside ``spill``, so several sinks can share a folder.
    spill_strings : bool
        False: only the numeric columns go to ``spill``, the string columns stay in memory (a table whose strings are
        placeholders, held elsewhere).
    """

    def __init__(
        self, cls: type[T], spill: str | Path | None = None, prefix: str = "", spill_strings: bool = True
    ) -> None:
        self.cls = cls
        self.spill = None if spill is None else Path(spill)
        self.prefix = prefix
        self.spill_strings = spill_strings
        self.docs = 0
        self._arrays: dict[str, ArraySpill] = {}
        self._strings: dict[str, StringSpill] = {}

    def add(self, table: T, n_docs: int) -> None:
        """Append the table of the next ``n_docs`` documents."""
        for f in fields(self.cls):  # type: ignore[arg-type]
            value = getattr(table, f.name)
            if isinstance(value, np.ndarray):
                if f.name not in self._arrays:
                    self._arrays[f.name] = ArraySpill(
                        self.spill / f"{self.prefix}{f.name}.bin" if self.spill is not None else None
                    )
                self._arrays[f.name].append(value + self.docs if f.name == "doc" else value)
            else:
                if f.name not in self._strings:
                    self._strings[f.name] = StringSpill(
                        self.spill / f"{self.prefix}{f.name}.utf32"
                        if self.spill is not None and self.spill_strings
                        else None
                    )
                self._strings[f.name].append(value)
        self.docs += n_docs

    def result(self, empty: T) -> T:
        """The joined table; ``empty`` (the table of no documents) gives dtypes when nothing was added.

        It may be called again, also after more :meth:`add` calls: the batches' arrays are
        replaced by the joined one as they are joined (spilled, the numeric columns are memory maps).
        """
        columns: dict[str, Any] = {}
        for f in fields(self.cls):  # type: ignore[arg-type]
            if f.name in self._arrays:
                columns[f.name] = self._arrays[f.name].column()
            elif f.name in self._strings:
                columns[f.name] = self._strings[f.name].column()
            else:
                columns[f.name] = getattr(empty, f.name)
        return self.cls(**columns)
