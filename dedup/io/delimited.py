"""Records of delimited text (CSV, TSV: a header row names the columns) and of JSON files (an array of records),
each bad record reported as a :class:`Skipped`.

A CSV file is streamed: its encoding is decided on its first megabyte (a BOM, UTF-8, or the legacy readings
of :func:`dedup.io.decode.decode_text`), and a record's ``line`` is the line its row starts on. A JSON file
is read whole: an array of objects (each one record, like a JSONL line) or of strings (each one text), or one
object; a record's ``line`` is its place in the array (1 for the first).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Generator, Iterator
from typing import Any, BinaryIO

from .base import Encoding, InputFile, ReadOptions, Record, Skipped, not_valid
from .decode import NOT_RECOGNISED, _guess_legacy, _strict_decode, damaged_utf8
from .records import make_record, object_record

SAMPLE_BYTES = 1 << 20  # a CSV file's encoding is decided on this much of it
_UNDECODED = re.compile("[\udc80-\udcff]")  # a byte the encoding could not read (surrogateescape)
_JSON_BYTES = 1 << 30  # a JSON file is parsed whole: beyond this, JSONL is the format to use


class _Prefixed(io.RawIOBase):
    """A stream that gives ``head`` and then the rest of ``rest``: a sample read ahead, put back."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head, self._rest = memoryview(head), rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if len(self._head):
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def sample_encoding(
    sample: bytes, whole: bool, options: ReadOptions, file_source: str
) -> tuple[str, Encoding | None] | str:
    """The encoding to stream a file in from its first bytes (``whole``: they are the whole file), with the note to
    report when it was guessed, or why it cannot be read. Only whole lines of the sample are weighed."""
    if options.encoding:
        return codecs.lookup(options.encoding).name, None
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if sample.startswith(bom):
            return name, None
    cut = sample if whole else sample[: sample.rfind(b"\n") + 1]  # whole lines: no character cut in two
    if isinstance(_strict_decode(cut, "utf-8", False), str):
        if damaged_utf8(cut) is not None:
            return "utf-8", None  # UTF-8 with a few bad bytes: its rows that hold them are skipped, one by one
        guess = _guess_legacy(cut)
        if guess is None:
            return "not UTF-8, " + NOT_RECOGNISED
        return guess.encoding, Encoding(file_source, guess.encoding, True, guess.evidence)
    return "utf-8", None


def _encoding_of(
    sample: bytes, whole: bool, file: InputFile, options: ReadOptions
) -> Generator[Skipped | Encoding, None, str | None]:
    """Yield what reading a file from ``sample`` (its first bytes; ``whole``: all of them) has to report — an empty
    file or one no encoding reads, skipped; a guessed encoding, noted — and return the encoding to read it in, or
    None (:func:`sample_encoding`)."""
    if not sample.strip():
        yield Skipped(file.source, None, "empty file")
        return None
    decided = sample_encoding(sample, whole, options, file.source)
    if isinstance(decided, str):
        yield Skipped(file.source, None, decided)
        return None
    encoding, note = decided
    if note is not None:
        yield note
    return encoding


def _csv_delimiter(header: str) -> str:
    """The delimiter of a ``.csv`` file from its header line: ";" when it holds semicolons and no comma (what
    spreadsheets write where the comma is the decimal mark), else ","."""
    return ";" if ";" in header and "," not in header else ","


def read_delimited(
    file: InputFile, stream: BinaryIO, options: ReadOptions, delimiter: str, fields: bool = False
) -> Iterator[Record | Skipped | Encoding]:
    """The records of a CSV (``delimiter`` ",", or ";" when the header row is separated so) or TSV ("\\t")
    stream with a header row."""
    sample = stream.read(SAMPLE_BYTES)
    encoding = yield from _encoding_of(sample, len(sample) < SAMPLE_BYTES, file, options)
    if encoding is None:
        return
    # A byte the encoding cannot read comes through as U+DC80..U+DCFF and skips its row (until 2026-12-07 it ended the
    # file there, and one in the first megabyte refused the whole file).
    buffered = io.BufferedReader(_Prefixed(sample, stream))
    text = io.TextIOWrapper(buffered, encoding=encoding, errors="surrogateescape", newline="")
    csv.field_size_limit(max(csv.field_size_limit(), options.max_record_bytes))
    if delimiter == ",":
        delimiter = _csv_delimiter(sample.decode(encoding, errors="ignore").lstrip("\ufeff").split("\n", 1)[0])
    rows = csv.reader(text, delimiter=delimiter)
    try:
        header = next(rows)
    except csv.Error as err:
        yield Skipped(file.source, 1, f"unreadable header row: {err}")
        return
    if options.text_field not in header:
        shown = ", ".join(repr(name) for name in header[:6]) + (", ..." if len(header) > 6 else "")
        yield Skipped(
            file.source, None, f"no column {options.text_field!r} (columns: {shown}; name the text's with --text-field)"
        )
        return
    start = rows.line_num + 1
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as err:
            yield Skipped(file.source, start, f"invalid {'TSV' if delimiter == chr(9) else 'CSV'}: {err}")
            start = rows.line_num + 1
            continue
        line, start = start, rows.line_num + 1
        if not row or row == [""]:
            continue  # a blank line
        if len(row) != len(header):
            yield Skipped(file.source, line, f"row of {len(row)} cells, the header names {len(header)}")
            continue
        undecoded = next(((name, found) for name, cell in zip(header, row) if (found := _UNDECODED.search(cell))), None)
        if undecoded is not None:
            byte = ord(undecoded[1].group()) - 0xDC00
            yield Skipped(file.source, line, not_valid(encoding, byte, f"in column {undecoded[0]!r}", options))
            continue
        record = dict(zip(header, row))
        yield make_record(
            record[options.text_field], record.get(options.id_field), line, file, options, record if fields else None
        )


def read_json(
    file: InputFile, stream: BinaryIO, options: ReadOptions, fields: bool = False
) -> Iterator[Record | Skipped | Encoding]:
    """The records of a JSON file: an array of objects or strings, or one object; in the encoding
    :func:`sample_encoding` finds (a JSON file in cp1251 or GBK was refused until 2026-12-07)."""
    data = stream.read(_JSON_BYTES + 1)
    if len(data) > _JSON_BYTES:
        yield Skipped(
            file.source,
            None,
            f"a JSON file over {_JSON_BYTES:,} bytes is not read whole: convert it to JSONL (jq -c '.[]')",
        )
        return
    encoding = yield from _encoding_of(data, True, file, options)
    if encoding is None:
        return
    if encoding == "utf-8":
        encoding = "utf-8-sig"  # as before: a BOM is no text
    try:
        document = json.loads(data.decode(encoding))
    except UnicodeDecodeError as err:
        yield Skipped(file.source, None, not_valid(encoding, data[err.start], f"at offset {err.start}", options))
        return
    except json.JSONDecodeError as err:
        yield Skipped(file.source, err.lineno, f"invalid JSON: {err.msg} at column {err.colno}")
        return
    except (ValueError, RecursionError) as err:
        yield Skipped(file.source, None, f"invalid JSON: {str(err) or type(err).__name__}")
        return
    items = document if isinstance(document, list) else [document]
    for number, item in enumerate(items, start=1):
        if isinstance(item, str):
            yield make_record(item, None, number, file, options, None)
        elif not isinstance(item, dict):
            yield Skipped(file.source, number, f"element {number} is neither an object nor a string")
        else:
            yield object_record(item, number, file, options, fields)
