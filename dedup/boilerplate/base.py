"""What the boilerplate stage returns and is told: :class:`Boilerplate` families, :class:`BoilerplateOptions`, the
kinds."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np

from ..dicts import DictRoundTrip
from ..errors import InvalidOptionError
from ..lines import LineOptions
from ..options import check_types
from ..spans import Span
from ..webpage import KINDS as WEBPAGE_KINDS
from ..webpage import WebpageOptions

KINDS = ("page-number", "running-head", "recurring", "template", "marker") + tuple(
    k for k in WEBPAGE_KINDS if k != "recurring"
)


@dataclass(frozen=True)
class Boilerplate(DictRoundTrip):
    """A family of boilerplate lines.

    Attributes
    ----------
    id : int
        Family number, in order of first occurrence.
    kind : str
        ``"page-number"``, ``"running-head"``, ``"recurring"`` (the same line in many
        documents), ``"template"`` (a line with variable slots), ``"marker"`` (a short
        line repeated within a document).
    spans : tuple of Span
        Every occurrence, sorted; each covers the line without surrounding whitespace.
    example : str
        The first occurrence's text.
    """

    id: int
    kind: str
    spans: tuple[Span, ...]
    example: str


class Families(Sequence[Boilerplate]):
    """Boilerplate families held as arrays, each :class:`Boilerplate` made when it is read: what
    :func:`find_boilerplate` and ``CleanReport.boilerplate`` hold. A list of families cost about 450 bytes a line
    (a :class:`Span` of three Python ints a line, a tuple, an object and an example a family: 73 MB for the 916
    labelled web pages); these arrays hold 24 bytes a line and the examples.

    It reads like a list of :class:`Boilerplate` (``len``, indexing, slices as lists, iteration, ``==`` with a list
    of them, ``repr``); ``list(families)`` makes the objects.

    Attributes
    ----------
    kind_names : tuple of str
        The kinds, numbered.
    kinds : np.ndarray
        int64 ``[f]``: each family's kind, an index into ``kind_names``.
    bounds : np.ndarray
        int64 ``[f + 1]``: family ``i``'s lines are rows ``bounds[i]:bounds[i + 1]`` of ``spans``.
    spans : np.ndarray
        int64 ``[s, 3]``: document, start, end of every line, family by family, each family's sorted.
    examples : tuple of str
        ``f`` examples, each family's first line's text.
    """

    __slots__ = ("kind_names", "kinds", "bounds", "spans", "examples")

    def __init__(
        self,
        kind_names: Sequence[str],
        kinds: np.ndarray,
        bounds: np.ndarray,
        spans: np.ndarray,
        examples: Sequence[str],
    ) -> None:
        self.kind_names = tuple(kind_names)
        self.kinds = np.asarray(kinds, dtype=np.int64)
        self.bounds = np.asarray(bounds, dtype=np.int64)
        self.spans = np.asarray(spans, dtype=np.int64).reshape(-1, 3)
        self.examples = tuple(examples)
        if not (self.kinds.size == len(self.examples) == self.bounds.size - 1 and self.bounds[-1] == len(self.spans)):
            raise ValueError("families' kinds, bounds, spans and examples do not agree")

    def __len__(self) -> int:
        return len(self.examples)

    @overload
    def __getitem__(self, index: int) -> Boilerplate: ...
    @overload
    def __getitem__(self, index: slice) -> list[Boilerplate]: ...
    def __getitem__(self, index: int | slice) -> Boilerplate | list[Boilerplate]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        i = range(len(self))[index]  # IndexError as a list raises it
        lo, hi = int(self.bounds[i]), int(self.bounds[i + 1])
        rows = self.spans[lo:hi].tolist()
        return Boilerplate(i, self.kind_names[self.kinds[i]], tuple(Span(*row) for row in rows), self.examples[i])

    def __iter__(self) -> Iterator[Boilerplate]:
        kinds, bounds = self.kinds.tolist(), self.bounds.tolist()
        for first in range(0, len(self), 4096):  # the rows of 4,096 families at a time as Python ints
            last = min(first + 4096, len(self))
            rows, base = self.spans[bounds[first] : bounds[last]].tolist(), bounds[first]
            for i in range(first, last):
                spans = tuple(Span(*row) for row in rows[bounds[i] - base : bounds[i + 1] - base])
                yield Boilerplate(i, self.kind_names[kinds[i]], spans, self.examples[i])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Families, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # like a list

    def __repr__(self) -> str:
        return repr(list(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Families, (self.kind_names, self.kinds, self.bounds, self.spans, self.examples))

    def occurrences(self) -> int:
        """Lines of all families (``sum(len(f.spans) for f in families)`` without making them)."""
        return len(self.spans)


def occurrences(families: Sequence[Boilerplate]) -> int:
    """Lines of all ``families``: :meth:`Families.occurrences`, or counted family by family for a list."""
    return families.occurrences() if isinstance(families, Families) else sum(len(f.spans) for f in families)


@dataclass(frozen=True)
class BoilerplateOptions(LineOptions):
    """Options of :func:`find_boilerplate`.

    Attributes
    ----------
    min_docs : int
        A line recurring in at least this many document families is boilerplate.
    min_doc_fraction : float
        ... and in at least this share of all families.
    max_line_chars : int
        Longer lines are never boilerplate by recurrence (they are content reprinted).
    affix_chars : int
        Characters of the masked view's head and tail that key a template family.
    min_skeleton : float
        Share of a template line's character 4-grams that the other lines of its
        family must have too (the fixed text around the slots).
    marker_chars : int
        Longest matching view of a line repeated within one document that counts as a marker.
    within_document : bool
        Look for templates and markers repeated inside single documents.
    page_furniture : bool
        Look for page numbers and running heads.
    family_threshold, family_containment : float
        Documents this similar (Jaccard, or containment of the smaller in the larger)
        are one *family* — the same story reprinted. Recurrence is counted in
        families, not documents, so a reprinted paragraph is not boilerplate.
    webpage : bool or None
        Classify the lines of single web pages from their text (navigation, link
        lists, share and copyright lines…, :mod:`dedup.webpage`), in addition to the
        corpus evidence. None (auto): every document that looks like a web page
        (:func:`dedup.webpage.looks_like_webpage`), whatever else shares the call; True:
        every document; False: never. Unless False, a document that is only a notice
        (:func:`dedup.webpage.notice_page`) is emptied.
    webpage_options : WebpageOptions
    normalize : NormalizeOptions
        The matching view lines are keyed on.
    """

    min_docs: int = 3
    min_doc_fraction: float = 0.0
    max_line_chars: int = 300
    min_skeleton: float = 0.5
    marker_chars: int = 12
    within_document: bool = True
    page_furniture: bool = True
    family_threshold: float = 0.5
    family_containment: float = 0.5
    webpage: bool | None = None
    webpage_options: WebpageOptions = WebpageOptions()

    def __post_init__(self) -> None:
        check_types(self)
        if self.min_docs < 2:
            raise InvalidOptionError(f"min_docs must be >= 2, got {self.min_docs}")
        if not 0.0 <= self.min_doc_fraction <= 1.0:
            raise InvalidOptionError(f"min_doc_fraction must be in [0, 1], got {self.min_doc_fraction}")
        if self.affix_chars < 1 or self.max_line_chars < 1:
            raise InvalidOptionError("affix_chars and max_line_chars must be >= 1")
