"""What every options dataclass shares: building one from a base plus keyword overrides."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any, TypeVar

from .errors import InvalidOptionError

__all__ = ["KeywordOptions"]

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
