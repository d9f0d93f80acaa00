"""A big JSONL file (or ``.txt`` file split a document a line) read in byte ranges, and a big Parquet file in
groups of row groups, so that several workers can read one file.

An uncompressed JSONL file larger than :data:`RANGE_BYTES` is cut at every multiple of it
(:func:`line_ranges`; so is a ``.txt`` file read with ``split="line"``). A range owns the lines that *start* in
it, the last one read to its end however far it runs, so every line is read once. Line ``n`` of the file keeps
its number: the first line a range ``[start, stop)`` owns is line ``2 + (newlines in [0, start - 1))``
(:func:`count_newlines` of the chunks before, what workers count in parallel), or one past
the last line of the range before when the ranges are read in order. What each range yields
is what :func:`dedup.io.read_file` yields of its lines, so reading all ranges in order gives
the file's records, skips and line numbers exactly.

A Parquet file larger than :data:`RANGE_BYTES` with two row groups or more is read in pieces of
consecutive row groups (:func:`parquet_pieces`); its rows keep their numbers (from the file's
metadata), and only the piece of row group 0 reports what concerns the whole file.

A digest of a file read in pieces is the digest of its pieces' digests (:func:`file_digest`),
the same whether the pieces are read one after the other or on many workers.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass

from .base import Encoding, InputFile, ReadOptions, Record, Skipped
from .readers import binary_text, feed_item, read_file, record_of
from .streams import line_records, stream_encoding

#: Files of uncompressed JSONL larger than this are read in ranges of this many bytes.
RANGE_BYTES = 64 << 20


def line_ranges(
    file: InputFile, options: ReadOptions, range_bytes: int | None = None
) -> list[tuple[int, int | None]] | None:
    """The byte ranges ``(start, stop)`` of a file to read in ranges (the last one's ``stop`` None: to the end, as
    the file is then), or None for a file read whole (compressed, neither JSONL nor a ``.txt`` file split a
    document a line by ``options``, or no larger than ``range_bytes``, by default :data:`RANGE_BYTES`)."""
    range_bytes = range_bytes or RANGE_BYTES
    by_line = file.format == "jsonl" or (file.format == "txt" and options.split == "line")
    if not by_line or file.size <= range_bytes:
        return None
    starts = list(range(0, file.size, range_bytes))
    return [(start, start + range_bytes) for start in starts[:-1]] + [(starts[-1], None)]


def count_newlines(file: InputFile, start: int, stop: int | None) -> int:
    """Newline bytes of the file in ``[start, stop)`` (``stop`` None: to the end)."""
    count = 0
    with open(file.path, "rb", buffering=0) as raw:
        raw.seek(start)
        left = None if stop is None else stop - start
        while left is None or left > 0:
            chunk = raw.read(1 << 22 if left is None else min(1 << 22, left))
            if not chunk:
                break
            count += chunk.count(b"\n")
            if left is not None:
                left -= len(chunk)
    return count


def first_lines(ranges: Sequence[tuple[int, int | None]], counts: Sequence[int]) -> list[int]:
    """The number of the first line each range owns, from ``counts[k]``, the newlines in
    ``[max(start_k - 1, 0), start_{k+1} - 1)`` (:func:`count_chunks`; the last range's is not needed): the
    bytes before each range's start, counted chunk by chunk."""
    out, before = [1], 0
    for k in range(1, len(ranges)):
        before += counts[k - 1]
        out.append(2 + before)
    return out


def count_chunks(ranges: Sequence[tuple[int, int | None]]) -> list[tuple[int, int | None]]:
    """The chunks whose newlines :func:`first_lines` needs: ``[max(start - 1, 0), stop - 1)`` of every range."""
    return [(max(start - 1, 0), None if stop is None else stop - 1) for start, stop in ranges]


def read_range(
    file: InputFile, options: ReadOptions, start: int, stop: int | None, first: int, *, fields: bool = False
) -> Generator[Record | Skipped | Encoding, None, int]:
    """What :func:`dedup.io.read_file` yields of the lines of an uncompressed JSONL file (or ``.txt`` file split a
    document a line) that start in
    ``[start, stop)``, the first of them numbered ``first``. Returns the number of the last line read
    (``first - 1`` for none)."""
    try:
        raw = open(file.path, "rb", buffering=1 << 20)
    except OSError as err:
        if start == 0:
            yield Skipped(file.source, None, f"cannot read: {err.strerror or err}")
        return first - 1
    with raw:
        if (binary := binary_text(file)) is not None:
            if start == 0:
                yield Skipped(file.source, None, binary)
            return first - 1
        if start > 0:
            if raw.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
                return first - 1  # the first range says why the file is skipped
            raw.seek(start - 1)
            if raw.read(1) != b"\n":  # the rest of a line owned by the range before
                while (tail := raw.readline(1 << 20)) and not tail.endswith(b"\n"):
                    pass
        here = raw.tell()
        if stop is not None and here >= stop:
            return first - 1
        options, note = stream_encoding(file, options)  # every range decides as the whole file's read does
        if note is not None and start == 0:
            yield note
        record = record_of(file, options, fields)
        return (
            yield from line_records(
                raw, raw.tell, file, options, None, record, first, None if stop is None else stop - here
            )
        )


def file_digest(piece_digests: Sequence[bytes]) -> bytes:
    """The digest of a file from its pieces' SHA-256 digests, in order: the one digest of a file read whole, else
    the SHA-256 of them all."""
    if len(piece_digests) == 1:
        return piece_digests[0]
    digest = hashlib.sha256()
    for part in piece_digests:
        digest.update(part)
    return digest.digest()


def parquet_pieces(file: InputFile, range_bytes: int | None = None) -> list[list[int]] | None:
    """The row groups of each piece of a Parquet file read in pieces — consecutive row groups, about one piece a
    ``range_bytes`` of the file (default :data:`RANGE_BYTES`) — or None for a file read whole (not Parquet, no
    larger, fewer than two row groups, or unreadable: reading it whole says why)."""
    range_bytes = range_bytes or RANGE_BYTES
    if file.format != "parquet" or file.size <= range_bytes:
        return None
    try:
        import pyarrow.parquet as pq

        groups = pq.ParquetFile(file.path).num_row_groups
    except Exception:  # no pyarrow, not Parquet …: the whole read reports it
        return None
    count = min(groups, -(-file.size // range_bytes))
    if count < 2:
        return None
    bounds = [groups * k // count for k in range(count + 1)]
    return [list(range(lo, hi)) for lo, hi in zip(bounds[:-1], bounds[1:])]


@dataclass(frozen=True)
class Pieces:
    """How :func:`read_pieces` reads a file: in byte ranges (:func:`line_ranges`), in groups of row groups
    (:func:`parquet_pieces`), or whole (both None)."""

    ranges: list[tuple[int, int | None]] | None
    groups: list[list[int]] | None

    @property
    def count(self) -> int:
        """How many pieces (1: whole)."""
        return len(self.ranges or self.groups or [None])


def file_pieces(file: InputFile, options: ReadOptions = ReadOptions()) -> Pieces:
    """The :class:`Pieces` of ``file`` read with ``options`` (a Parquet file's footer is read to know its row
    groups)."""
    return Pieces(line_ranges(file, options), parquet_pieces(file))


def _tagged(
    piece: int, items: Generator[Record | Skipped | Encoding, None, int]
) -> Generator[tuple[int, Record | Skipped | Encoding], None, int]:
    """``(piece, item)`` for each item; returns what ``items`` returns."""
    while True:
        try:
            item = next(items)
        except StopIteration as stop:
            return int(stop.value)
        yield piece, item


def read_pieces(
    file: InputFile,
    options: ReadOptions,
    progress: Callable[[int], None] | None = None,
    *,
    fields: bool = False,
    pieces: Pieces | None = None,
) -> Iterator[tuple[int, Record | Skipped | Encoding]]:
    """What :func:`dedup.io.read_file` yields, each item with the piece of the file it belongs to: 0 for a file
    read whole, else its range (:func:`line_ranges`) or its group of Parquet row groups
    (:func:`parquet_pieces`), the pieces read one after the other. ``pieces``: :func:`file_pieces` of the file,
    when the caller has it."""
    pieces = pieces or file_pieces(file, options)
    ranges, groups = pieces.ranges, pieces.groups
    if groups is not None:
        for k, piece in enumerate(groups):
            for item in read_file(file, options, fields=fields, row_groups=piece):
                yield k, item
            if progress is not None:
                progress(file.size * (k + 1) // len(groups))
        return
    if ranges is None:
        for item in read_file(file, options, progress, fields=fields):
            yield 0, item
        return
    last = 0
    for k, (start, stop) in enumerate(ranges):
        last = yield from _tagged(k, read_range(file, options, start, stop, last + 1, fields=fields))
        if progress is not None:
            progress(file.size if stop is None else stop)


class FileDigest:
    """The digest of what one file read: SHA-256 of its items (:func:`dedup.io.feed_item`), or for a file read in
    ``pieces`` ranges the SHA-256 of each range's (:func:`file_digest`), ranges without an item included."""

    def __init__(self, pieces: int = 1) -> None:
        self.parts = [hashlib.sha256() for _ in range(pieces)]

    def add(self, piece: int, item: Record | Skipped | Encoding) -> None:
        feed_item(self.parts[piece], item)

    def digest(self) -> bytes:
        return file_digest([part.digest() for part in self.parts])
