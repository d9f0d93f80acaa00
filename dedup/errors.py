"""The exceptions dedup raises: every one is a :class:`DedupError`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

__all__ = ["DedupError", "InvalidTextError", "InvalidOptionError", "check_text", "check_texts", "checked_texts"]


class DedupError(Exception):
    """Base class of every error dedup raises on bad input or options."""


class InvalidTextError(DedupError, TypeError):
    """A record of the input is not a text.

    Attributes
    ----------
    index : int or None
        Position of the record in the input; None when the collection itself is wrong
        (a bare ``str``, or not iterable).
    """

    def __init__(self, index: int | None, problem: str) -> None:
        self.index = index
        self.problem = problem
        super().__init__(f"record {index}: {problem}" if index is not None else problem)

    def __reduce__(self) -> tuple[type, tuple[int | None, str]]:
        # Pickled with its own arguments, so that it crosses processes (a Ray worker's error
        # reaches the driver as itself).
        return (type(self), (self.index, self.problem))


class InvalidOptionError(DedupError, ValueError):
    """An option is out of range or of the wrong kind."""


def check_text(text: object, name: str = "text") -> str:
    """``text`` if it is a ``str``, else :class:`InvalidTextError` naming the argument."""
    if not isinstance(text, str):
        raise InvalidTextError(None, f"{name} must be a str, got {type(text).__name__}")
    return text


def _collection(texts: object) -> Iterable[str]:
    """``texts`` if it can be a collection of documents, else :class:`InvalidTextError`."""
    if isinstance(texts, (str, bytes, bytearray)):
        raise InvalidTextError(
            None,
            (
                f"texts: expected a collection of str, one per document, got a bare {type(texts).__name__} (wrap "
                "one document as [text])"
            ),
        )
    columns = getattr(texts, "columns", None)  # a pandas or polars DataFrame, a pyarrow Table
    if columns is not None and not callable(columns) and not isinstance(texts, (list, tuple)):
        names = ", ".join(repr(str(name)) for name in list(getattr(texts, "column_names", None) or columns)[:6])
        raise InvalidTextError(
            None,
            f"texts: expected a collection of str, one per document, got a table ({type(texts).__name__} of "
            f"columns {names}; iterating a DataFrame gives its column names): pass its text column, texts['text']",
        )
    if not isinstance(texts, Iterable):
        raise InvalidTextError(
            None, f"texts: expected a collection of str, one per document, got {type(texts).__name__}"
        )
    # Iterating a mapping gives its keys, never its texts.
    if isinstance(texts, Mapping):
        raise InvalidTextError(
            None,
            f"texts: expected a collection of str, one per document, got a {type(texts).__name__}, whose keys would "
            "be read as the documents (pass list(texts.values()))",
        )
    return texts


def check_texts(texts: Iterable[str], first_index: int = 0) -> list[str]:
    """The texts as a list, or :class:`InvalidTextError` naming the first record that is not a
    ``str`` (or the collection, when it is a bare string or not iterable)."""
    texts = list(_collection(texts))
    if set(map(type, texts)) <= {str}:  # the common case, checked without a Python step a text
        return texts
    for offset, text in enumerate(texts):
        if not isinstance(text, str):
            raise InvalidTextError(first_index + offset, _not_str(text))
    return texts


def checked_texts(texts: Iterable[str], first_index: int = 0) -> Iterator[str]:
    """The texts one by one, streamed: :func:`check_texts` without materialising them."""
    for offset, text in enumerate(_collection(texts)):
        if not isinstance(text, str):
            raise InvalidTextError(first_index + offset, _not_str(text))
        yield text


def _not_str(value: object) -> str:
    """What is wrong with a record that is not a str, and what to do about bytes and missing texts."""
    hint = {
        bytes: " (decode it first: data.decode('utf-8'), or read the file with its encoding)",
        bytearray: " (decode it first: data.decode('utf-8'))",
        type(None): " (a missing text: drop it, or pass '' to keep its index)",
    }.get(type(value), "")
    return f"expected str, got {type(value).__name__}{hint}"
