"""Fields to records: the checks every reader applies to a record's text and id, and the hints of its skips."""

from __future__ import annotations

import re
from typing import Any

from .base import InputFile, ReadOptions, Record, Skipped

_SURROGATE = re.compile("[\ud800-\udfff]")


def make_record(
    text: object,
    raw_id: object,
    line: int,
    file: InputFile,
    options: ReadOptions,
    fields: dict[str, Any] | None = None,
) -> Record | Skipped:
    if not isinstance(text, str):
        lines = isinstance(text, list) and bool(text) and all(isinstance(item, str) for item in text)
        hint = " (of strings: join them into one text first, with newlines between lines)" if lines else ""
        return Skipped(file.source, line, f"field {options.text_field!r} is {_kind(text)}{hint}, not a string")
    problem = text_problem(text)
    if problem:
        return Skipped(file.source, line, problem)
    return Record(
        id=_record_id(raw_id, file, line), source=file.source, text=text, line=line, rel=file.rel, fields=fields
    )


def object_record(
    obj: dict[str, Any], line: int, file: InputFile, options: ReadOptions, fields: bool = False
) -> Record | Skipped:
    """A JSON object (a JSONL line, an element of a JSON array) as a record, with the whole object as its ``fields``
    if asked, or the reason it is skipped (no text field: the fields it has)."""
    if options.text_field not in obj:
        return Skipped(file.source, line, f"no field {options.text_field!r}{fields_hint(obj)}")
    return make_record(obj[options.text_field], obj.get(options.id_field), line, file, options, obj if fields else None)


def fields_hint(obj: dict[str, Any]) -> str:
    """What a record without the text field holds, for the reason it is skipped: " (its fields: ...; name the
    text's with --text-field)", string fields first, at most six; "" for an empty object."""
    if not obj:
        return ""
    names = sorted(obj, key=lambda name: not isinstance(obj[name], str))
    shown = ", ".join(repr(name) for name in names[:6]) + (", ..." if len(names) > 6 else "")
    return f" (its fields: {shown}; name the text's with --text-field)"


def _kind(value: object) -> str:
    return {
        type(None): "null",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        list: "an array",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def text_problem(text: str) -> str | None:
    """Why a decoded text cannot be used (NUL characters, unpaired surrogates), or None."""
    nul = text.find("\x00")
    if nul >= 0:
        return f"text contains a NUL character at position {nul}"
    surrogate = _SURROGATE.search(text)
    if surrogate:
        return f"text contains an unpaired surrogate U+{ord(surrogate.group()):04X} at position {surrogate.start()}"
    return None


def _record_id(raw_id: object, file: InputFile, line: int) -> str:
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)):
        return f"{file.rel}:{line}"
    text = str(raw_id)
    return f"{file.rel}:{line}" if _SURROGATE.search(text) or "\x00" in text else text
