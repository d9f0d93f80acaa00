"""Strings in Arrow blocks, exactly: Python strings may hold lone surrogates, which UTF-8 (Arrow's ``string``) cannot
carry; such a block's column is ``large_binary`` of their UTF-8 with surrogates passed through instead."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def string_column(strings: Sequence[Any], lists: bool = False) -> Any:
    """Strings (or, with ``lists``, lists of strings) as an Arrow column: ``large_string``, or ``large_binary`` of their
    UTF-8 with surrogates passed through when one holds a lone surrogate, which UTF-8 cannot carry (a text read with
    ``errors="surrogateescape"``, or from a JSON ``"\\ud800"`` escape; one process keeps them). :func:`strings_of`
    reads either back. Blocks of one dataset may differ in the type: each is read whole (``batch_size=None``)."""
    import pyarrow as pa

    kind = pa.large_list(pa.large_string()) if lists else pa.large_string()
    try:
        return pa.array(strings, type=kind)
    except UnicodeEncodeError:
        if lists:
            rows = [[s.encode("utf-8", "surrogatepass") for s in row] for row in strings]
            return pa.array(rows, type=pa.large_list(pa.large_binary()))
        return pa.array([s.encode("utf-8", "surrogatepass") for s in strings], type=pa.large_binary())


def strings_of(column: Any) -> list[Any]:
    """The strings (or lists of strings) of an Arrow column made by :func:`string_column`, as Python objects."""
    import pyarrow as pa

    values = column.to_pylist()
    listed = pa.types.is_large_list(column.type)
    if not pa.types.is_large_binary(column.type.value_type if listed else column.type):
        return values
    if listed:
        return [[b.decode("utf-8", "surrogatepass") for b in row] for row in values]
    return [b.decode("utf-8", "surrogatepass") for b in values]
