"""A ``.txt`` file that holds many documents (``--split``): one a line (``line``), as corpora dumped for
training often are and as Hugging Face's ``text`` loader reads them, or one a run of lines between blank lines
(``blank-line``). Each document is a record numbered by its first line (id ``FILE:LINE``), read a line at a time
(:func:`dedup.io.streams.line_records`): the file is never held whole, and ``--max-record-bytes`` bounds a
document, not the file."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .base import InputFile, ReadOptions, Record, Skipped, not_valid
from .records import make_record
from .streams import Unit

_BLANK_BYTES = 256  # a blank line is no longer (longer ones are text, their whitespace not decoded)


def text_record(
    raw: bytes, line: int, encoding: str, *, file: InputFile, options: ReadOptions
) -> Record | Skipped | None:
    """One document of a split ``.txt`` file: its bytes ``raw`` (a line, or lines of a run, the last line break
    included) whose first line is number ``line`` → a record without its last line break; None for a blank line;
    a skip for bytes not valid in ``encoding`` (where: the line of the file and the column in it)."""
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        at, column = line + before.count(b"\n"), err.start - before.rfind(b"\n")
        where = f"at line {at}, column {column}" if at != line else f"at column {column}"
        return Skipped(file.source, line, not_valid(encoding, raw[err.start], where, options))
    text = text.rstrip("\r\n")
    if not text.strip():
        return None
    return make_record(text, None, line, file, options)


def blank_line_runs(lines: Iterable[Unit], limit: int, encoding: str) -> Iterator[Unit]:
    """The runs of lines between blank lines (nothing but whitespace, full-width spaces too, in ``encoding``), each
    as one unit: ``(first line, bytes)``, or ``(first line, length)`` for a run longer than ``limit`` bytes (its
    bytes let go as soon as it is; so too a run holding a line over the limit). Blank lines belong to no run."""
    first, parts, size = 0, list[bytes](), 0
    for number, raw in lines:
        if isinstance(raw, bytes) and len(raw) <= _BLANK_BYTES and not raw.decode(encoding, "replace").strip():
            if first:
                yield first, b"".join(parts) if size <= limit else size
            first, parts, size = 0, [], 0
            continue
        if not first:
            first = number
        size += raw if isinstance(raw, int) else len(raw)
        if size <= limit and isinstance(raw, bytes):
            parts.append(raw)
        else:
            parts = []
    if first:
        yield first, b"".join(parts) if size <= limit else size


#: The units :func:`dedup.io.streams.line_records` groups a split file's lines into: a line each (None), or runs.
SPLIT_UNITS = {"line": None, "blank-line": blank_line_runs}
