"""The exceptions dedup raises: every one is a :class:`DedupError`."""

from __future__ import annotations

__all__ = ["DedupError", "InvalidTextError", "InvalidOptionError"]


class DedupError(Exception):
    """Base class of every error dedup raises on bad input or options."""


class InvalidTextError(DedupError, TypeError):
    """A record of the input is not a text.

    Attributes
    ----------
    index : int
        Position of the record in the input.
    """

    def __init__(self, index: int, problem: str) -> None:
        self.index = index
        super().__init__(f"record {index}: {problem}")


class InvalidOptionError(DedupError, ValueError):
    """An option is out of range or of the wrong kind."""
