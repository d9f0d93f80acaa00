"""What every options dataclass shares: building one from a base plus keyword overrides, and
checking that every field holds a value of its annotated type."""

from __future__ import annotations

import collections.abc
import functools
import types
import typing
from dataclasses import fields, replace
from typing import Any, TypeVar, Union

import numpy as np

from .errors import InvalidOptionError

__all__ = ["KeywordOptions", "check_arg", "check_types", "positive_int"]


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _matches(value: Any, hint: Any) -> bool:
    """Whether ``value`` is of the annotated type ``hint`` (the forms option fields use)."""
    origin = typing.get_origin(hint)
    if hint is Any:
        return True
    if origin in (Union, types.UnionType):
        return any(_matches(value, arg) for arg in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, (bool, np.bool_))
    if hint is int:
        return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if hint is float:
        return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return isinstance(value, tuple) and all(_matches(v, args[0]) for v in value)
        return isinstance(value, tuple) and len(value) == len(args) and all(_matches(v, a) for v, a in zip(value, args))
    if origin is typing.Literal:
        return value in typing.get_args(hint)
    if origin in (frozenset, set):
        (item,) = typing.get_args(hint) or (Any,)
        return isinstance(value, (frozenset, set)) and all(_matches(v, item) for v in value)
    if origin is collections.abc.Callable or hint is collections.abc.Callable:
        return callable(value)
    if isinstance(hint, type):
        return isinstance(value, hint)
    return True  # a form no option uses: not checked


def _describe(hint: Any) -> str:
    if typing.get_origin(hint) in (Union, types.UnionType):
        return " or ".join(_describe(a) for a in typing.get_args(hint))
    if hint is type(None):
        return "None"
    if typing.get_origin(hint) is collections.abc.Callable:
        return "a function"
    if typing.get_origin(hint) in (frozenset, set):
        return f"a set of {_describe(typing.get_args(hint)[0])}"
    if typing.get_origin(hint) is tuple:
        return f"a tuple of {_describe(typing.get_args(hint)[0])}"
    if typing.get_origin(hint) is typing.Literal:
        return "one of " + ", ".join(map(repr, typing.get_args(hint)))
    return getattr(hint, "__name__", str(hint))


def check_types(options: Any) -> None:
    """Raise :class:`InvalidOptionError` naming the first field of an options dataclass whose
    value is not of its annotated type (``threshold="0.5"``: "DuplicateOptions.threshold must
    be float, got str '0.5'")."""
    hints = _hints(type(options))
    for f in fields(options):
        value = getattr(options, f.name)
        if not _matches(value, hints[f.name]):
            shown = repr(value)
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            raise InvalidOptionError(
                f"{type(options).__name__}.{f.name} must be {_describe(hints[f.name])}, got "
                f"{type(value).__name__} {shown}"
            )


def check_arg(name: str, value: Any, hint: Any) -> Any:
    """``value`` if it is of type ``hint``, else :class:`InvalidOptionError` naming ``name``."""
    if not _matches(value, hint):
        raise InvalidOptionError(f"{name} must be {_describe(hint)}, got {type(value).__name__} {value!r:.40}")
    return value


def positive_int(name: str, value: Any) -> int:
    """``value`` if it is an int >= 1, else :class:`InvalidOptionError` naming ``name``."""
    if not _matches(value, int) or value < 1:
        raise InvalidOptionError(f"{name} must be an int >= 1, got {type(value).__name__} {value!r}")
    return int(value)


T = TypeVar("T", bound="KeywordOptions")


class KeywordOptions:
    """Mixin for frozen option dataclasses: ``from_kwargs`` with a clear error for unknown names."""

    @classmethod
    def from_kwargs(cls: type[T], options: T | None = None, **kwargs: Any) -> T:
        """``options`` (default: the defaults) with ``kwargs`` overriding its fields."""
        known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(kwargs) - known)
        if unknown:
            raise InvalidOptionError(f"unknown option(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return replace(options or cls(), **kwargs)  # type: ignore[type-var]
