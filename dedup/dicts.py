"""Results as plain dicts and back: ``to_dict()`` / ``from_dict()`` for the result dataclasses.

A result's dict is what JSON holds (tuples become lists, nested results nested dicts), and
``from_dict`` rebuilds the equal value from it, checking every field's type, so a row read
back from ``cleaned.jsonl`` or ``clusters.jsonl`` is either exact or refused with a
:class:`dedup.DedupError`. Keys that are not fields (a cleaned.jsonl row's ``id``,
``source``, ``output``) are ignored.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from .errors import InvalidOptionError
from .options import _hints, check_types

__all__ = ["DictRoundTrip", "dotted_keys"]

T = TypeVar("T", bound="DictRoundTrip")


def dotted_keys(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested dicts as one dict of dotted keys: ``{"a": {"b": 1}}`` → ``{"a.b": 1}``."""
    if not isinstance(value, dict):
        return {prefix: value}
    out: dict[str, Any] = {}
    for key, item in value.items():
        out.update(dotted_keys(item, f"{prefix}.{key}" if prefix else str(key)))
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, DictRoundTrip):
        return value.to_dict()
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def _typed(value: Any, hint: Any) -> Any:
    """``value`` read from JSON as the annotated type: nested results rebuilt, lists as tuples."""
    if isinstance(hint, type) and issubclass(hint, DictRoundTrip) and isinstance(value, Mapping):
        return hint.from_dict(value)
    if typing.get_origin(hint) is tuple and isinstance(value, (list, tuple)):
        item = typing.get_args(hint)[0]
        return tuple(_typed(v, item) for v in value)
    return value


class DictRoundTrip:
    """Mixin of frozen result dataclasses: exact round trips through plain dicts (and JSON)."""

    def to_dict(self) -> dict[str, Any]:
        """The fields as JSON-ready values (nested results as dicts, tuples as lists)."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls: type[T], row: Mapping[str, Any]) -> T:
        """The result a :meth:`to_dict` (or a JSON row holding its keys) describes.

        Raises
        ------
        InvalidOptionError
            A missing field, or a field of the wrong type, named.
        """
        if not isinstance(row, Mapping):
            raise InvalidOptionError(f"{cls.__name__}.from_dict takes a dict, got {type(row).__name__}")
        hints = _hints(cls)
        values = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            if f.name in row:
                values[f.name] = _typed(row[f.name], hints[f.name])
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise InvalidOptionError(f"{cls.__name__}.from_dict: the row has no {f.name!r}")
        result = cls(**values)
        check_types(result)
        return result
