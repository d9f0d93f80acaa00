"""Spans of documents: the coordinates every finder reports in."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

import numpy as np

from .arrays import sorted_unique, to_codepoints, whitespace_table
from .dicts import DictRoundTrip

__all__ = ["Groups", "Span", "SpanGroups", "expand_spans_to_lines", "expand_to_lines", "last_visible"]

_TRAILING_BLANK = re.compile(r"[ \t\u3000]*(?:\r?\n[ \t\u3000]*)*(?:\r?\n|$)")


@dataclass(frozen=True, order=True)
class Span(DictRoundTrip):
    """``[start, end)`` of document ``doc``, in Python ``str`` indices of the original text."""

    doc: int
    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start


T = TypeVar("T")


class Groups(Sequence[T], Generic[T]):
    """Results that are groups of rows held as arrays, each group's result object made when it is read (a subclass
    says how: :meth:`_items`) — boilerplate families, repeated passages (:class:`SpanGroups`), near-duplicate
    clusters (:class:`dedup.cluster.Clusters`).

    It reads like the list of the objects (``len``, indexing, slices as lists, iteration a chunk of groups at a
    time, ``==`` with a list of the objects, ``repr``, pickling); ``list(groups)`` makes them all.

    Attributes
    ----------
    bounds : np.ndarray
        int64 ``[g + 1]``: group ``i``'s rows are ``bounds[i]:bounds[i + 1]``.
    """

    _CHUNK = 4096  # groups whose rows iteration turns into Python objects at once

    def __init__(self, bounds: np.ndarray, rows: int, what: str = "rows") -> None:
        self.bounds = np.asarray(bounds, dtype=np.int64).reshape(-1)
        if not self.bounds.size or self.bounds[0] != 0 or self.bounds[-1] != rows:
            raise ValueError(f"{type(self).__name__}: bounds and {what} do not agree")
        if np.any(self.bounds[1:] < self.bounds[:-1]):
            raise ValueError(f"{type(self).__name__}: bounds must not decrease")

    def _items(self, first: int, last: int) -> list[T]:
        """Groups ``first .. last - 1`` as their result objects."""
        raise NotImplementedError

    def _args(self) -> tuple[Any, ...]:
        """The arguments that make this object again (for pickling)."""
        raise NotImplementedError

    def __len__(self) -> int:
        return int(self.bounds.size - 1)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        i = range(len(self))[index]  # IndexError as a list raises it
        return self._items(i, i + 1)[0]

    def __iter__(self) -> Iterator[T]:
        for first in range(0, len(self), self._CHUNK):
            yield from self._items(first, min(first + self._CHUNK, len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Groups, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # like a list

    def __repr__(self) -> str:
        return repr(list(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), self._args())


class SpanGroups(Groups[T]):
    """Findings that are groups of spans — boilerplate families, repeated passages — held as arrays (:class:`Groups`;
    a subclass makes a group's object from its spans: :meth:`_item`).

    A list of the objects costs about 180 bytes a span (a :class:`Span` of three Python ints) and a tuple and an
    object a group; these arrays, 24 bytes a span.

    Attributes
    ----------
    bounds : np.ndarray
        int64 ``[g + 1]``: group ``i``'s spans are rows ``bounds[i]:bounds[i + 1]`` of ``spans``.
    spans : np.ndarray
        int64 ``[s, 3]``: document, start, end of every span, group by group.
    """

    def __init__(self, bounds: np.ndarray, spans: np.ndarray) -> None:
        self.spans = np.asarray(spans, dtype=np.int64).reshape(-1, 3)
        super().__init__(bounds, len(self.spans), "spans")

    def _item(self, i: int, spans: tuple[Span, ...]) -> T:
        """Group ``i`` as its result object."""
        raise NotImplementedError

    def _args(self) -> tuple[Any, ...]:
        return (self.bounds, self.spans)

    def _items(self, first: int, last: int) -> list[T]:
        bounds = self.bounds[first : last + 1].tolist()
        rows, base = self.spans[bounds[0] : bounds[-1]].tolist(), bounds[0]
        return [
            self._item(i, tuple(Span(*row) for row in rows[lo - base : hi - base]))
            for i, lo, hi in zip(range(first, last), bounds[:-1], bounds[1:])
        ]

    def occurrences(self) -> int:
        """Spans of all groups (``sum(len(g.spans) for g in groups)`` without making them)."""
        return len(self.spans)


def expand_to_lines(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow ``[start, end)`` to whole lines when it covers all non-blank text of them.

    The span then takes its line's leading indentation, its line break, and the
    blank lines after it, so cutting it leaves no empty line behind. A span that
    shares a line with other text is returned unchanged.
    """
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        return start, end
    match = _TRAILING_BLANK.match(text, end)
    if match is None:
        return start, end
    return line_start, match.end()


_RUN_ON = np.array([ord(c) for c in " \t\u3000\n\r"], dtype=np.uint32)  # may continue a blank run


def _around(
    texts: Sequence[str], doc: np.ndarray, start: np.ndarray, end: np.ndarray
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What reading around spans needs: the texts that hold a span, each span's text among them (int64
    ``[k]``), their code points joined, each text followed by two NUL characters (uint32), the spans'
    starts and ends in those (int64 ``[k]``) and the lengths of their texts (int64 ``[k]``)."""
    used = sorted_unique(np.asarray(doc, dtype=np.int64))
    texts, doc = [texts[i] for i in used.tolist()], np.searchsorted(used, doc)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    offsets = np.concatenate(([0], np.cumsum(lengths + 2)))
    cps = to_codepoints("\x00\x00".join(texts) + "\x00\x00")
    return texts, doc, cps, offsets[doc] + start, offsets[doc] + end, lengths[doc]


def expand_spans_to_lines(
    texts: Sequence[str], doc: np.ndarray, start: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`expand_to_lines` of many spans at once.

    Most spans are a whole line followed by the next line's text: such a span starts a line
    and ends its text or a line break followed by a character that cannot continue a blank
    run, and grows by that line break alone. Those are read off the code points around the
    spans in array operations; the others go through :func:`expand_to_lines` one by one.

    Parameters
    ----------
    texts : sequence of str
    doc, start, end : np.ndarray
        int64 ``[k]``: span ``i`` is ``texts[doc[i]][start[i]:end[i]]``.

    Returns
    -------
    start, end : np.ndarray
        int64 ``[k]``, each span grown as :func:`expand_to_lines` grows it (or as it was).
    """
    start, end = np.array(start, dtype=np.int64), np.array(end, dtype=np.int64)
    if not start.size:
        return start, end
    texts, doc, cps, g_start, g_end, length = _around(texts, doc, start, end)
    line_start = (start == 0) | (cps[np.maximum(g_start - 1, 0)] == ord("\n"))
    broken = (cps[g_end] == ord("\n")) & (end + 1 < length) & ~np.isin(cps[g_end + 1], _RUN_ON)
    fast = line_start & ((end == length) | broken)
    end[fast & broken] += 1
    for i in np.flatnonzero(~fast).tolist():
        start[i], end[i] = expand_to_lines(texts[doc[i]], int(start[i]), int(end[i]))
    return start, end


def last_visible(texts: Sequence[str], doc: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The last character of each span (``doc``, ``start``, ``end`` as for :func:`expand_spans_to_lines`) that
    is not whitespace, what ``text[start:end].rstrip()`` ends with: uint32 ``[k]``, its code point (0 for a
    blank span). Spans that end on a visible character are read off the joined code points; the others are
    stripped one by one."""
    start, end = np.asarray(start, dtype=np.int64), np.asarray(end, dtype=np.int64)
    if not start.size:
        return np.zeros(0, dtype=np.uint32)
    texts, doc, cps, _, g_end, _ = _around(texts, doc, start, end)
    out = np.where(end > start, cps[g_end - 1], 0).astype(np.uint32)
    for i in np.flatnonzero((end > start) & whitespace_table()[out]).tolist():
        tail = texts[doc[i]][start[i] : end[i]].rstrip()
        out[i] = ord(tail[-1]) if tail else 0
    return out
