"""Files to records: ``.txt``, JSONL (plain or gz/bz2/xz/zst, streamed), CSV/TSV, JSON and Parquet, each bad
record reported as a :class:`Skipped`."""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from .base import Encoding, InputError, InputFile, ReadOptions, Record, Skipped, not_valid
from .decode import _binary_problem, decode_text
from .delimited import read_delimited, read_json
from .discover import discover
from .html import NO_VISIBLE_TEXT, decode_html, html_text, opens_a_page
from .records import make_record, object_record
from .split import SPLIT_UNITS, text_record
from .streams import MissingModule, RecordOf, decompressed_head, line_records, opened, stream_encoding, unreadable
from .warc import warc_documents


def _feed(digest: Any, *fields: object) -> None:
    for value in fields:
        data = str(value).encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)


def feed_item(digest: Any, item: Record | Skipped | Encoding) -> None:
    """Feed what :func:`read_file` yielded into a ``hashlib`` digest (the record's id, source, line and text; a
    skip's reason; an encoding note): the same file read the same way gives the same digest."""
    if isinstance(item, Record):
        _feed(digest, "record", item.id, item.source, item.line, item.text)
    elif isinstance(item, Skipped):
        _feed(digest, "skipped", item.source, item.line, item.reason)
    else:
        _feed(digest, "encoding", item.source, item.encoding, item.detected)


def read_file(
    file: InputFile,
    options: ReadOptions = ReadOptions(),
    progress: Callable[[int], None] | None = None,
    *,
    fields: bool = False,
    row_groups: Sequence[int] | None = None,
) -> Iterator[Record | Skipped | Encoding]:
    """Records of one input file, and a :class:`Skipped` for each one that cannot be used.

    A ``.txt`` file that is not plain UTF-8 also yields an :class:`Encoding` note.

    Never raises for bad content: an unreadable file is one ``Skipped``; a bad line of a
    JSONL file is one ``Skipped`` and the following lines are still read. ``progress``, if
    given, hears how many bytes of the file on disk have been read: every 1,024 lines of a
    JSONL file, every 256 records of a WARC file, and once a file is done. With ``fields``, each JSONL or Parquet record
    carries all its fields (:attr:`Record.fields`; Parquet then reads every column). With ``row_groups``, a
    Parquet file's rows of those row groups only (a piece of it: :mod:`dedup.io.ranges`).
    """
    kind = file.format.partition(".")[0]
    try:
        if kind == "txt" and options.split != "none":
            yield from _read_lines(file, options, progress)
        elif kind in ("txt", "html"):
            yield from _read_txt(file, options)
        elif kind == "parquet":
            yield from _read_parquet(file, options, fields, row_groups)
        elif kind in ("csv", "tsv", "json", "warc"):
            yield from _read_whole_or_streamed(file, options, kind, fields, progress)
        else:
            yield from _read_lines(file, options, progress, fields)
    except OSError as err:
        yield Skipped(file.source, None, f"cannot read: {err.strerror or err}")
    if progress is not None:
        progress(file.size)


def _read_txt(file: InputFile, options: ReadOptions) -> Iterator[Record | Skipped | Encoding]:
    """A ``.txt`` file, or an HTML page (its visible text: :mod:`dedup.io.html`), as one record."""
    page = options.html or file.format.partition(".")[0] == "html"
    if file.format not in ("txt", "html"):
        try:
            with opened(file) as (stream, _):
                data = stream.read(options.max_record_bytes + 1)
        except Exception as err:
            problem = unreadable(err)
            if problem is None:
                raise
            yield Skipped(file.source, None, problem)
            return
        if not data:
            yield Skipped(file.source, None, "empty file")
            return
        if len(data) > options.max_record_bytes:
            yield Skipped(
                file.source, None, f"file exceeds --max-record-bytes {options.max_record_bytes:,} once decompressed"
            )
            return
    else:
        with open(file.path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size == 0:
                yield Skipped(file.source, None, "empty file")
                return
            if size > options.max_record_bytes:
                limit = f"--max-record-bytes {options.max_record_bytes:,}"
                whole = f"give --max-record-bytes {size} to read it whole"
                whole += (
                    "" if page else ", or --split line if it holds a document a line (blank-line: between blank lines)"
                )
                hint = f"a {'page' if page else '.txt file'} is one document: {whole}"
                yield Skipped(file.source, None, f"file of {size:,} bytes exceeds {limit} ({hint})")
                return
            data = handle.read(options.max_record_bytes + 1)
    if len(data) > options.max_record_bytes:  # grew while we read
        yield Skipped(file.source, None, f"file exceeds --max-record-bytes {options.max_record_bytes:,}")
        return
    # a page saved under another name (a mirrored site's "news?id=3"), but not a .txt file (text about HTML)
    page |= ".txt" not in file.rel.lower() and opens_a_page(data)
    decoded = (decode_html if page else decode_text)(data, options.encoding)
    del data
    if isinstance(decoded, str):
        yield Skipped(file.source, _reason_line(decoded), decoded)
        return
    text = html_text(decoded.text) if page else decoded.text
    if page and not text:
        yield Skipped(file.source, None, NO_VISIBLE_TEXT)
        return
    yield Record(id=file.rel, source=file.source, text=text, rel=file.rel)
    if decoded.detected or decoded.encoding not in ("utf-8", "utf-8-sig"):
        yield Encoding(file.source, decoded.encoding, decoded.detected, decoded.evidence)


def _read_whole_or_streamed(
    file: InputFile, options: ReadOptions, kind: str, fields: bool, progress: Callable[[int], None] | None = None
) -> Iterator[Record | Skipped | Encoding]:
    """The records of a CSV, TSV or JSON file (:mod:`dedup.io.delimited`) or a WARC file (:mod:`dedup.io.warc`;
    ``progress`` hears the bytes of the file on disk read every 256 records), plain or compressed."""
    try:
        with opened(file) as (stream, position):
            if kind == "warc":
                for count, item in enumerate(warc_documents(stream, file, options, fields), 1):
                    yield item
                    if progress is not None and count % 256 == 0:
                        progress(position())
            elif kind == "json":
                yield from read_json(file, stream, options, fields)
            else:
                yield from read_delimited(file, stream, options, "," if kind == "csv" else "\t", fields)
    except Exception as err:
        problem = unreadable(err)
        if problem is None:
            raise
        yield Skipped(file.source, None, problem)


def _reason_line(reason: str) -> int | None:
    match = re.search(r"\bline (\d+)", reason)
    return int(match.group(1)) if match else None


def _read_lines(
    file: InputFile, options: ReadOptions, progress: Callable[[int], None] | None = None, fields: bool = False
) -> Iterator[Record | Skipped | Encoding]:
    """A JSONL file, or a ``.txt`` file split into documents (``options.split``), streamed a line at a time; a
    ``.txt`` file whose first 8 KB are binary is skipped whole, as it is read whole."""
    if (binary := binary_text(file)) is not None:
        yield Skipped(file.source, None, binary)
        return
    options, note = stream_encoding(file, options)
    if note is not None:
        yield note
    try:
        with opened(file) as (stream, position):
            units = SPLIT_UNITS.get(options.split) if file.format.startswith("txt") else None
            yield from line_records(
                stream, position, file, options, progress, record_of(file, options, fields), units=units
            )
    except MissingModule as err:
        yield Skipped(file.source, None, str(err))


def binary_text(file: InputFile) -> str | None:
    """Why a ``.txt`` file read a line at a time is binary (its first 8 KB tell), or None (for UTF-16 too: reading
    it says it is not supported)."""
    if not file.format.startswith("txt"):
        return None
    head = decompressed_head(file, 8192)
    return None if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else _binary_problem(head)


def record_of(file: InputFile, options: ReadOptions, fields: bool = False) -> RecordOf:
    """How a line of ``file`` (or a run of lines) becomes a record: a JSON object's, or a ``.txt`` file's text."""
    if file.format.startswith("txt"):
        return partial(text_record, file=file, options=options)
    return partial(_json_record, file=file, options=options, fields=fields)


def _json_record(
    raw: bytes, line: int, encoding: str, *, file: InputFile, options: ReadOptions, fields: bool = False
) -> Record | Skipped | None:
    """One JSONL line as a record (with the whole object as its ``fields`` if asked), a reason to skip it, or None
    for a blank line."""
    if not raw.strip():
        return None
    try:
        decoded = raw.decode(encoding)
    except UnicodeDecodeError as err:
        return Skipped(file.source, line, not_valid(encoding, raw[err.start], f"at column {err.start + 1}", options))
    decoded = decoded.rstrip("\r\n")  # the line break is not part of the record: errors point into the line
    try:
        obj = json.loads(decoded)
    except json.JSONDecodeError as err:
        where = "column" if err.msg.endswith(" at") else "at column"  # "Unterminated string starting at"
        return Skipped(file.source, line, f"invalid JSON: {err.msg} {where} {err.pos + 1}")
    except (ValueError, RecursionError) as err:
        return Skipped(file.source, line, f"invalid JSON: {str(err) or type(err).__name__}")
    if not isinstance(obj, dict):
        return Skipped(file.source, line, f"not a JSON object but {type(obj).__name__}")
    return object_record(obj, line, file, options, fields)


def _read_parquet(
    file: InputFile, options: ReadOptions, fields: bool = False, row_groups: Sequence[int] | None = None
) -> Iterator[Record | Skipped]:
    """The records of a Parquet file, or of its ``row_groups`` only (a piece of it: :mod:`dedup.io.ranges`; rows
    keep their numbers in the file, and what concerns the whole file is said by the piece of row group 0)."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq
    except ImportError:
        yield Skipped(file.source, None, "reading Parquet needs pyarrow: pip install 'dedup[parquet]'")
        return
    speaks = row_groups is None or 0 in row_groups  # what concerns the whole file is said once
    try:
        parquet = pq.ParquetFile(file.path)
        schema = parquet.schema_arrow
    except Exception as err:  # pyarrow raises its own ArrowInvalid, OSError …
        if speaks:
            yield Skipped(file.source, None, f"not a readable Parquet file: {err}")
        return
    text_type = _column_type(pa, schema, options.text_field)
    if text_type is None:
        if speaks:
            shown = ", ".join(_column_paths(pa, schema))
            hint = f"(columns: {shown}; name the text's with --text-field)"
            yield Skipped(file.source, None, f"no column {options.text_field!r} {hint}")
        return
    plain = pa.types.is_string(text_type) or pa.types.is_large_string(text_type)
    if not (plain or _strings_otherwise(pa, text_type)):
        if speaks:
            yield Skipped(file.source, None, f"column {options.text_field!r} holds {text_type}, not strings")
        return
    has_id = _column_type(pa, schema, options.id_field) is not None
    has_id &= options.id_field != options.text_field
    columns = [options.text_field] + ([options.id_field] if has_id else [])
    groups = range(parquet.num_row_groups) if row_groups is None else row_groups
    row = sum(parquet.metadata.row_group(g).num_rows for g in range(min(groups, default=0)))
    rows = parquet.iter_batches(
        batch_size=256, columns=None if fields else columns, row_groups=None if row_groups is None else list(groups)
    )
    while True:
        try:
            batch = next(rows)
        except StopIteration:
            break
        except Exception as err:
            yield Skipped(file.source, row + 1, f"cannot read the rest of the Parquet file: {err}")
            return
        texts = _column(pc, batch, options.text_field)
        if not plain:  # a dictionary of strings (pandas' categoricals) or string views: their strings
            texts = texts.cast(pa.large_string())
        lengths = pc.binary_length(texts).to_pylist()
        ids = _column(pc, batch, options.id_field).to_pylist() if has_id else [None] * batch.num_rows
        others = _other_columns(batch, options.text_field) if fields else None
        for i, length in enumerate(lengths):
            row += 1
            if length is None:
                yield Skipped(file.source, row, f"{options.text_field!r} is null")
            elif length > options.max_record_bytes:
                yield Skipped(
                    file.source,
                    row,
                    f"text of {length:,} bytes exceeds --max-record-bytes {options.max_record_bytes:,}",
                )
            else:
                text = texts[i].as_py()
                row_fields = None if others is None else {k: text if v is None else v[i] for k, v in others.items()}
                yield make_record(text, ids[i], row, file, options, row_fields)
    if row == 0 and row_groups is None:
        yield Skipped(file.source, None, "empty file (no rows)")


def _column_type(pa: Any, schema: Any, name: str) -> Any:
    """The Arrow type of column ``name`` of a Parquet file's schema — a column, else a path of fields through
    struct columns joined by dots (``content.body``) — or None."""
    if name in schema.names:
        return schema.field(name).type
    head, *path = name.split(".")
    if not path or head not in schema.names:
        return None
    kind = schema.field(head).type
    for key in path:
        at = kind.get_field_index(key) if pa.types.is_struct(kind) else -1
        if at < 0:
            return None
        kind = kind.field(at).type
    return kind


def _column_paths(pa: Any, schema: Any) -> list[str]:
    """The columns of a Parquet file's schema, those of struct columns as dotted paths (:func:`_column_type`)."""

    def paths(name: str, kind: Any) -> list[str]:
        if not pa.types.is_struct(kind) or not kind.num_fields:
            return [name]
        return [p for k in range(kind.num_fields) for p in paths(f"{name}.{kind.field(k).name}", kind.field(k).type)]

    return [p for field in schema for p in paths(field.name, field.type)]


def _column(pc: Any, batch: Any, name: str) -> Any:
    """Column ``name`` of a batch (:func:`_column_type`): a null struct makes its fields null."""
    if name in batch.schema.names:
        return batch.column(name)
    head, *path = name.split(".")
    column = batch.column(head)
    for key in path:
        column = pc.struct_field(column, key)
    return column


def _strings_otherwise(pa: Any, kind: Any) -> bool:
    """Whether a Parquet column of Arrow type ``kind`` holds strings stored otherwise than plainly: dictionary
    encoded (a pandas categorical written by pyarrow) or as string views."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            return True
    is_view = getattr(pa.types, "is_string_view", None)  # pyarrow 16 and later
    return bool(is_view is not None and is_view(kind))


def _other_columns(batch: Any, text_field: str) -> dict[str, list[Any] | None]:
    """Every column of a Parquet batch as Python values, in order; None stands for the text column (its strings
    are taken once, from the record)."""
    return {
        name: None if name == text_field else batch.column(i).to_pylist() for i, name in enumerate(batch.schema.names)
    }


def read_records(
    paths: Sequence[str | Path], options: ReadOptions = ReadOptions(), skipped: list[Skipped] | None = None
) -> Iterator[Record]:
    """Records of all inputs in a stable order; what cannot be read goes to ``skipped``.

    Without a ``skipped`` list, the first unreadable input raises :class:`InputError`.
    """
    for item in discover([os.fspath(p) for p in paths], options.glob):
        items = [item] if isinstance(item, Skipped) else read_file(item, options)
        for got in items:
            if isinstance(got, Record):
                yield got
            elif isinstance(got, Skipped):
                if skipped is None:
                    raise InputError(str(got))
                skipped.append(got)
