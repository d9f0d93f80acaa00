"""What every part of the command line shares: exit statuses, output names, the usage error, and how values are
printed."""

from __future__ import annotations

import base64
import dataclasses
import datetime
import json
from typing import Any

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3


PARTIAL = ".partial"


OUTPUTS = (
    "cleaned.jsonl",
    "cleaned.parquet",
    "cleaned",  # --output-layout parts: part-*.jsonl and manifest.json
    "annotated.jsonl",
    "annotated.parquet",
    "annotated",
    "clusters.jsonl",
    "boilerplate.jsonl",
    "text",
    "options.json",
    "timings.json",
    "report.html",  # written after the others (never renamed in): an earlier run's is cleared here
    "summary.json",
)  # renamed into OUT in this order: summary.json last


JOURNAL_FORMAT = 1


MAX_SKIP_LINES_PER_FILE = 20


KILL_ENV = "DEDUP_TEST_KILL_AFTER_BATCHES"  # tests only: SIGKILL itself midway through batch N + 1


_ESCAPES = {
    c: f"\\u{c:04x}"
    for c in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
}


class UsageError(Exception):
    """Bad command line or output folder: exit status 2."""


def _jsonable(value: Any) -> Any:
    """Options as plain JSON: dataclasses as objects, sets sorted, callables by name."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (set, frozenset)):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if callable(value):
        return getattr(value, "__qualname__", repr(value))
    return value


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _plain(value: Any) -> Any:
    """A value JSON cannot hold (from a Parquet input) as a string: dates and times in ISO 8601, decimals in digits,
    bytes in base64, durations in seconds."""
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)


def _dumps_row(value: Any, sort_keys: bool = True) -> str:
    """One row of a JSONL output: like :func:`_dumps`, values of input records that JSON cannot hold as strings."""
    return json.dumps(value, ensure_ascii=False, sort_keys=sort_keys, separators=(",", ":"), default=_plain)


def printable(text: str) -> str:
    """One line, safe for a terminal: control and bidi characters escaped."""
    return text.translate(_ESCAPES)
