"""``--output-format parquet``: a JSONL output of the run (journaled in OUT/.partial, so ``--resume`` works as for
JSONL) converted batch by batch into a Parquet file of the same columns.

Two passes over the JSONL file, each holding one batch of rows: the first finds each column's
type (the types of all batches unified: integers and floats become floats, a field missing from
a row is null, objects become structs of every key seen), the second writes the row groups with
:class:`pyarrow.parquet.ParquetWriter`. A field whose values no one Arrow type holds (a string
here, a number there) becomes a string column of each value as JSON text.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .common import UsageError, _dumps_row, _plain
from .outputs import CLEANED_FIELDS


def require_pyarrow() -> None:
    """Raise a :class:`UsageError` (exit 2) unless pyarrow can be imported."""
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise UsageError("--output-format parquet needs pyarrow: pip install 'dedup[parquet]'") from None


def _fixed_types(pa: Any, kind: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The columns dedup itself writes, with their types: those leading the table and those closing it."""
    if kind == "annotated":
        return {}, {"keep": pa.bool_(), "duplicate_of": pa.string()}
    removal = pa.struct(
        [
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("reason", pa.string()),
            ("kind", pa.string()),
            ("ref", pa.int64()),
            ("text", pa.string()),
            ("held_by", pa.string()),
        ]
    )
    types = {"removed": pa.list_(removal), "line": pa.int64()}
    return {name: types.get(name, pa.string()) for name in CLEANED_FIELDS}, {}


def _row_batches(path: Path, rows: int) -> Iterator[list[dict[str, Any]]]:
    """The rows of a JSONL file written by this run, ``rows`` at a time."""
    batch: list[dict[str, Any]] = []
    with open(path, "rb") as handle:
        for line in handle:
            batch.append(json.loads(line.decode("utf-8", "surrogatepass")))
            if len(batch) >= rows:
                yield batch
                batch = []
    if batch:
        yield batch


def _writable(pa: Any, kind: Any) -> bool:
    """Whether Parquet can store an Arrow type (not a struct without fields, also inside lists and structs)."""
    if pa.types.is_struct(kind):
        return kind.num_fields > 0 and all(_writable(pa, kind.field(i).type) for i in range(kind.num_fields))
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return _writable(pa, kind.value_type)
    return True


def _unified(pa: Any, name: str, before: Any, found: Any) -> Any:
    """One type for the values of two batches (raises when there is none)."""
    if before == found:
        return found
    schemas = [pa.schema([pa.field(name, before)]), pa.schema([pa.field(name, found)])]
    return pa.unify_schemas(schemas, promote_options="permissive").field(name).type


def column_types(path: Path, kind: str, rows: int) -> tuple[Any, frozenset[str]]:
    """The Arrow schema of a JSONL output of kind ``"cleaned"`` or ``"annotated"``, and the fields stored as JSON
    text (those no one type holds)."""
    import pyarrow as pa

    leading, closing = _fixed_types(pa, kind)
    found: dict[str, Any] = {}  # in order of first appearance
    as_json: set[str] = set()
    for batch in _row_batches(path, rows):
        for name in dict.fromkeys(k for row in batch for k in row):
            if name in leading or name in closing or name in as_json:
                continue
            try:
                kind_here = pa.array([row.get(name) for row in batch]).type
                found[name] = kind_here if name not in found else _unified(pa, name, found[name], kind_here)
            except (pa.lib.ArrowException, OverflowError, TypeError, ValueError):
                found[name] = None
            if found[name] is None or not _writable(pa, found[name]):
                as_json.add(name)
                found[name] = pa.string()
    fields = [*leading.items(), *found.items(), *closing.items()]
    return pa.schema([pa.field(name, kind) for name, kind in fields]), frozenset(as_json)


def _json_text(value: Any) -> str | None:
    """A value of a mixed column as JSON text (escaped where it holds what UTF-8 cannot)."""
    if value is None:
        return None
    text = _dumps_row(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=_plain)
    return text


def jsonl_to_parquet(src: Path, dest: Path, kind: str, rows: int, tmp_dir: Path) -> None:
    """Write the JSONL output ``src`` as the Parquet file ``dest``, ``rows`` rows per row group, through a temporary
    file in ``tmp_dir`` and a rename (readers see no part of it)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema, as_json = column_types(src, kind, rows)
    tmp = tmp_dir / f".tmp-{os.getpid()}-{dest.name}"
    with pq.ParquetWriter(tmp, schema) as writer:
        for batch in _row_batches(src, rows):
            if as_json:
                batch = [{k: _json_text(v) if k in as_json else v for k, v in row.items()} for row in batch]
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, dest)
