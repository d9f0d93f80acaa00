"""Fields to records: the checks every reader applies to a record's text and id, and the hints of its skips."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .base import InputFile, ReadOptions, Record, Skipped
from .html import NO_VISIBLE_TEXT, html_text

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
    if options.html:
        text = html_text(text)
        if not text:
            return Skipped(file.source, line, NO_VISIBLE_TEXT)
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
    found, text = field_value(obj, options.text_field)
    if not found:
        return Skipped(file.source, line, f"no field {options.text_field!r}{fields_hint(obj)}")
    raw_id = field_value(obj, options.id_field)[1]
    return make_record(text, raw_id, line, file, options, obj if fields else None)


def field_value(obj: dict[str, Any], name: str) -> tuple[bool, Any]:
    """Whether a JSON object has field ``name``, and its value: the key ``name`` itself, else a path of keys
    through nested objects joined by dots (``content.body`` is ``obj["content"]["body"]``)."""
    if name in obj:
        return True, obj[name]
    if "." not in name:
        return False, None
    value: Any = obj
    for key in name.split("."):
        if not isinstance(value, dict) or key not in value:
            return False, None
        value = value[key]
    return True, value


def _field_paths(obj: dict[str, Any], prefix: str = "", depth: int = 0) -> Iterator[tuple[str, Any]]:
    """Every field of a JSON object as a path and its value: a nested object's fields as dotted paths (three
    levels down at most), in order."""
    for name, value in obj.items():
        if isinstance(value, dict) and value and depth < 3:
            yield from _field_paths(value, f"{prefix}{name}.", depth + 1)
        else:
            yield f"{prefix}{name}", value


def fields_hint(obj: dict[str, Any]) -> str:
    """What a record without the text field holds, for the reason it is skipped: " (its fields: ...; name the
    text's with --text-field)", the fields of nested objects as dotted paths, string fields first, at most six; ""
    for an empty object."""
    if not obj:
        return ""
    paths = sorted(_field_paths(obj), key=lambda path: not isinstance(path[1], str))
    shown = ", ".join(repr(name) for name, _ in paths[:6]) + (", ..." if len(paths) > 6 else "")
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
