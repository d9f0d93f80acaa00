"""A file as a stream of bytes and of lines: opened through its compression, read a line at a time without ever
holding an over-long line, in the encoding its first megabyte shows; what the line-by-line readers (JSONL, a
``.txt`` file split into documents) share."""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import lzma
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import BinaryIO

from .base import Encoding, InputFile, ReadOptions, Record, Skipped
from .compressed import CheckedEnd, zstd_problem
from .delimited import SAMPLE_BYTES, sample_encoding

#: A line (or a run of lines) of a file, by the number of its first line: its bytes, or its length when it is
#: longer than the records allowed (its bytes never held).
Unit = tuple[int, "bytes | int"]
#: One unit's bytes, the number of its first line and the encoding to read it in → a record, the reason it is
#: skipped, or None for nothing (a blank line).
RecordOf = Callable[[bytes, int, str], "Record | Skipped | None"]


class MissingModule(Exception):
    """A compression whose module is not installed."""


def compression_problem(err: Exception) -> str | None:
    """The report of a corrupt or truncated compressed stream, or None for any other error."""
    corrupt = (
        isinstance(err, (EOFError, zlib.error, gzip.BadGzipFile, lzma.LZMAError))
        or type(err).__module__.startswith("zstandard")  # ZstdError, without importing it
        or (isinstance(err, OSError) and str(err) == "Invalid data stream")  # bz2
    )
    return f"corrupt or truncated compressed stream: {err}" if corrupt else None


def unreadable(err: Exception) -> str | None:
    """Why a file read whole cannot be read — the module its compression needs is missing, or the compressed
    stream is corrupt — or None for any other error (which is raised)."""
    return str(err) if isinstance(err, MissingModule) else compression_problem(err)


@contextmanager
def opened(file: InputFile) -> Iterator[tuple[BinaryIO, Callable[[], int]]]:
    """The (decompressed) bytes of a file as a buffered stream, and how far into the file on
    disk reading has come (for progress by bytes, also of a compressed file)."""
    compression = file.format.partition(".")[2]
    with open(file.path, "rb", buffering=1 << 20) as raw:
        if not compression:
            yield raw, raw.tell
            return
        if compression == "zst":
            try:
                import zstandard
            except ImportError:
                raise MissingModule("reading .zst needs zstandard: pip install zstandard") from None
            reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True, closefd=False)
            # It stops where the file does, inside a frame too: the frames are checked there (a cut download).
            checked = CheckedEnd(reader, lambda: zstd_problem(raw))  # type: ignore[arg-type]
            stream: BinaryIO = io.BufferedReader(checked, buffer_size=1 << 20)  # type: ignore[assignment]
        else:
            opener = {"gz": lambda f: gzip.GzipFile(fileobj=f, mode="rb"), "bz2": bz2.BZ2File, "xz": lzma.LZMAFile}[
                compression
            ]
            stream = opener(raw)  # type: ignore[assignment]
        with stream:
            yield stream, raw.tell


def decompressed_head(file: InputFile, size: int) -> bytes:
    """The first ``size`` bytes (or fewer) of a file's decompressed content; ``b""`` when they cannot be read (a
    corrupt stream, a missing module: reading the file says why)."""
    try:
        with opened(file) as (stream, _):
            return stream.read(size)
    except Exception as err:  # zstandard.ZstdError and friends too, without importing them
        if unreadable(err) is None:
            raise
        return b""


def bounded_lines(stream: BinaryIO, limit: int, first: int = 1, stop: int | None = None) -> Iterator[Unit]:
    """``(line number, bytes)`` per line, numbered from ``first``; a line longer than ``limit`` gives its
    length instead, its bytes discarded as they are read (never held whole). With ``stop``, no line is
    begun once ``stop`` bytes of the stream are read (the last one read to its end)."""
    number, consumed = first - 1, 0
    while (stop is None or consumed < stop) and (chunk := stream.readline(limit + 1)):
        number += 1
        consumed += len(chunk)
        if len(chunk) <= limit or chunk.endswith(b"\n"):
            yield number, chunk
            continue
        length = len(chunk)
        while not chunk.endswith(b"\n"):
            chunk = stream.readline(1 << 20)
            if not chunk:
                break
            length += len(chunk)
            consumed += len(chunk)
        yield number, length


def stream_encoding(file: InputFile, options: ReadOptions) -> tuple[ReadOptions, Encoding | None]:
    """``options`` to read a file's lines with, and the note to report: a file whose first megabyte is not
    UTF-8 but clearly GB18030, Big5, Shift-JIS, EUC-JP or EUC-KR (as Chinese dumps often are) is read in that
    encoding; otherwise every line is read as UTF-8 (or ``--encoding``), a line that is not being skipped."""
    if options.encoding:
        return options, None
    try:
        with opened(file) as (stream, _):
            sample = stream.read(SAMPLE_BYTES)
    except Exception:  # the reading proper reports what is wrong with the file
        return options, None
    decided = sample_encoding(sample, len(sample) < SAMPLE_BYTES, options, file.source)
    if isinstance(decided, str) or decided[1] is None:
        return options, None
    return replace(options, encoding=decided[0]), decided[1]


def line_records(
    stream: BinaryIO,
    position: Callable[[], int],
    file: InputFile,
    options: ReadOptions,
    progress: Callable[[int], None] | None,
    record: RecordOf,
    first: int = 1,
    stop: int | None = None,
    units: Callable[[Iterable[Unit], int, str], Iterable[Unit]] | None = None,
) -> Generator[Record | Skipped, None, int]:
    """The records of an open stream read a line at a time: ``record`` makes each line's (or, with ``units``, each
    unit's: runs of lines grouped from the lines, given the longest record and the encoding) record; ``progress``
    hears the bytes read every 1,024 units.
    ``first`` and ``stop`` as for :func:`bounded_lines` (a range of a file: :mod:`dedup.io.ranges`). A UTF-8 BOM
    is dropped, a UTF-16 file refused, a unit longer than ``options.max_record_bytes`` skipped. Returns the
    number of the last line read (``first - 1`` for none)."""
    encoding = codecs.lookup(options.encoding).name if options.encoding else "utf-8"
    last = first - 1
    kind = "JSONL" if file.format.startswith("jsonl") else "text read a document a line"
    count = 0

    def lines() -> Iterator[Unit]:
        nonlocal last
        for last, raw in bounded_lines(stream, options.max_record_bytes, first, stop):  # noqa: B007
            if last == 1 and isinstance(raw, bytes):
                if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    raise _Utf16
                raw = raw.removeprefix(codecs.BOM_UTF8)
            yield last, raw

    try:
        for line, raw in lines() if units is None else units(lines(), options.max_record_bytes, encoding):
            count += 1
            if progress is not None and count % 1024 == 0:
                progress(position())
            if isinstance(raw, int):
                limit = f"--max-record-bytes {options.max_record_bytes:,}"
                yield Skipped(
                    file.source, line, f"{'line' if units is None else 'text'} of {raw:,} bytes exceeds {limit}"
                )
                continue
            item = record(raw, line, encoding)
            if item is not None:
                yield item
    except _Utf16:
        yield Skipped(file.source, None, f"UTF-16 {kind} is not supported: convert it to UTF-8")
        return last
    except Exception as err:  # zstandard.ZstdError and friends too, without importing them
        problem = compression_problem(err)
        if problem is None:
            raise
        yield Skipped(file.source, last + 1, problem)
        return last
    if last == 0:
        yield Skipped(file.source, None, "empty file")
    return last


class _Utf16(Exception):
    pass
