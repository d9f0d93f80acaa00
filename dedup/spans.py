"""Spans of documents: the coordinates every finder reports in."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dicts import DictRoundTrip

__all__ = ["Span", "expand_to_lines"]

_TRAILING_BLANK = re.compile(r"[ \t\u3000]*(?:\r?\n[ \t\u3000]*)*(?:\r?\n|$)")


@dataclass(frozen=True, order=True)
class Span(DictRoundTrip):
    """``[start, end)`` of document ``doc``, in Python ``str`` indices of the original text."""

    doc: int
    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start


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
