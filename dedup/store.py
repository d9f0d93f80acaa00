"""Columns of strings that may live on disk, and tables built batch by batch.

What the finders keep of a collection between reading it and deciding — the matching views
of its lines and paragraphs, the lines themselves — is a column of strings per table. In
memory that column is a plain ``list[str]``; for a collection larger than memory it is a
:class:`SpilledStrings`: UTF-8 in a file, 8 bytes of offset a string in memory, read back in
bulk. Everything that reads these columns goes through :func:`take` and slicing, so it runs
unchanged on both.

:class:`TableSink` joins the tables of consecutive batches of documents into the table of
the whole collection (what the table of all documents at once would be), keeping numeric
columns in memory and sending string columns to a spill folder when one is given.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

import numpy as np

__all__ = ["SpilledStrings", "StringSpill", "TableSink", "take"]

_READ_CHUNK = 1 << 24  # bytes read at once from a spill file
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


class SpilledStrings(Sequence[str]):
    """A read-only column of strings stored as UTF-8 in a file.

    Parameters
    ----------
    path : Path
        The file: the strings' UTF-8 (lone surrogates kept), one after another.
    offsets : np.ndarray
        int64 ``[n + 1]``: string ``i`` is bytes ``offsets[i]:offsets[i + 1]``.

    Notes
    -----
    Reads use ``os.pread`` on one descriptor opened per read, not a memory map, so what
    is read is freed with the strings made of it instead of staying resident.
    """

    def __init__(self, path: Path, offsets: np.ndarray) -> None:
        self.path = Path(path)
        self.offsets = np.ascontiguousarray(offsets, dtype=np.int64)

    def __len__(self) -> int:
        return int(self.offsets.size - 1)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return self.take(range(*index.indices(len(self))))
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"string {index} of {n}")
        return self.take([index % n])[0]

    def __iter__(self) -> Iterator[str]:
        step = 1 << 16
        for lo in range(0, len(self), step):
            yield from self.take(range(lo, min(lo + step, len(self))))

    def take(self, indices: Sequence[int] | np.ndarray) -> list[str]:
        """The strings at ``indices`` (int ``[k]``, any order, repeats allowed).

        Strings whose bytes lie close together are read with one ``pread`` of at most
        about 16 MiB, so a slice or a sorted selection costs a few reads.
        """
        wanted = np.asarray(indices, dtype=np.int64).reshape(-1)
        if not wanted.size:
            return []
        if int(wanted.min()) < 0 or int(wanted.max()) >= len(self):
            raise IndexError(f"indices outside 0..{len(self) - 1}")
        order = np.argsort(wanted, kind="stable")
        starts = self.offsets[wanted[order]].tolist()
        ends = self.offsets[wanted[order] + 1].tolist()
        positions = order.tolist()
        out: list[str] = [""] * wanted.size
        fd = os.open(self.path, os.O_RDONLY)
        try:
            i, n = 0, wanted.size
            while i < n:
                base, top, j = starts[i], ends[i], i
                while j + 1 < n and starts[j + 1] - top <= _GAP and ends[j + 1] - base <= _READ_CHUNK:
                    j += 1
                    top = max(top, ends[j])
                blob = os.pread(fd, top - base, base)
                if len(blob) != top - base:
                    raise OSError(f"{self.path} is truncated: wanted {top - base} bytes at {base}, got {len(blob)}")
                view = memoryview(blob)
                for k in range(i, j + 1):
                    out[positions[k]] = str(view[starts[k] - base : ends[k] - base], "utf-8", "surrogatepass")
                i = j + 1
        finally:
            os.close(fd)
        return out


class StringSpill:
    """Appends batches of strings to one file; :meth:`column` reads them back.

    Parameters
    ----------
    path : Path
        The file to create (replaced if it exists).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._handle = open(self.path, "wb")
        self._lengths: list[np.ndarray] = []

    def append(self, strings: Sequence[str]) -> None:
        """Write ``strings`` after those already written."""
        encoded = [s.encode("utf-8", "surrogatepass") for s in strings]
        self._lengths.append(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)))
        self._handle.write(b"".join(encoded))

    def column(self) -> SpilledStrings:
        """Everything appended, as a column (the file is closed for writing)."""
        if not self._handle.closed:
            self._handle.close()
        lengths = np.concatenate(self._lengths) if self._lengths else np.zeros(0, dtype=np.int64)
        offsets = np.zeros(lengths.size + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        return SpilledStrings(self.path, offsets)


T = TypeVar("T")


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
    spill : Path, optional
        A folder for the string columns (one file per column, ``<prefix><field>.utf8``);
        None keeps them in memory as lists.
    prefix : str
        File-name prefix inside ``spill``, so several sinks can share a folder.
    """

    def __init__(self, cls: type[T], spill: Path | None = None, prefix: str = "") -> None:
        self.cls = cls
        self.spill = spill
        self.prefix = prefix
        self.docs = 0
        self._arrays: dict[str, list[np.ndarray]] = {}
        self._strings: dict[str, list[str] | StringSpill] = {}

    def add(self, table: T, n_docs: int) -> None:
        """Append the table of the next ``n_docs`` documents."""
        for f in fields(self.cls):  # type: ignore[arg-type]
            value = getattr(table, f.name)
            if isinstance(value, np.ndarray):
                self._arrays.setdefault(f.name, []).append(value + self.docs if f.name == "doc" else value)
            else:
                sink = self._strings.get(f.name)
                if sink is None:
                    sink = StringSpill(self.spill / f"{self.prefix}{f.name}.utf8") if self.spill is not None else []
                    self._strings[f.name] = sink
                if isinstance(sink, StringSpill):
                    sink.append(value)
                else:
                    sink.extend(value)
        self.docs += n_docs

    def result(self, empty: T) -> T:
        """The joined table; ``empty`` (the table of no documents) gives dtypes when nothing was added."""
        columns: dict[str, Any] = {}
        for f in fields(self.cls):  # type: ignore[arg-type]
            if f.name in self._arrays:
                columns[f.name] = np.concatenate(self._arrays[f.name])
            elif f.name in self._strings:
                sink = self._strings[f.name]
                columns[f.name] = sink.column() if isinstance(sink, StringSpill) else sink
            else:
                columns[f.name] = getattr(empty, f.name)
        return self.cls(**columns)
