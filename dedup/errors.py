"""The exceptions dedup raises: every one is a :class:`DedupError`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

__all__ = ["DedupError", "InvalidTextError", "InvalidOptionError", "check_texts", "checked_texts"]


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


def check_texts(texts: Iterable[str], first_index: int = 0) -> list[str]:
    """The texts as a list, or :class:`InvalidTextError` naming the first record that is not a ``str``."""
    texts = list(texts)
    for offset, text in enumerate(texts):
        if not isinstance(text, str):
            raise InvalidTextError(first_index + offset, f"expected str, got {type(text).__name__}")
    return texts


def checked_texts(texts: Iterable[str], first_index: int = 0) -> Iterator[str]:
    """The texts one by one, streamed: :func:`check_texts` without materialising them."""
    for offset, text in enumerate(texts):
        if not isinstance(text, str):
            raise InvalidTextError(first_index + offset, f"expected str, got {type(text).__name__}")
        yield text
