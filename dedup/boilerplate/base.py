"""What the boilerplate stage returns and is told: :class:`Boilerplate` families, :class:`BoilerplateOptions`, the
kinds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..dicts import DictRoundTrip
from ..errors import InvalidOptionError
from ..lines import LineOptions
from ..options import check_types
from ..spans import Span, SpanGroups
from ..webpage import KINDS as WEBPAGE_KINDS
from ..webpage import WebpageOptions

KINDS = ("page-number", "running-head", "recurring", "template", "marker") + tuple(
    k for k in WEBPAGE_KINDS if k != "recurring"
)
LINE_KINDS: tuple[str, ...] = ("",) + KINDS
"""The kinds of lines as the line tables hold them: a line's kind is its index here, a uint8 (0, ``""``: content;
one byte a line, where a ``<U14`` string took 56)."""
KIND: dict[str, np.uint8] = {name: np.uint8(code) for code, name in enumerate(LINE_KINDS)}
"""Each name of :data:`LINE_KINDS` to its code."""
CONTENT = KIND[""]


def kind_codes(names: np.ndarray | Sequence[str]) -> np.ndarray:
    """uint8 ``[m]``: each kind name's code in :data:`LINE_KINDS` (str ``[m]`` in; a name not there is refused)."""
    values, inverse = np.unique(np.asarray(names, dtype=str), return_inverse=True)
    unknown = [name for name in values.tolist() if name not in KIND]
    if unknown:
        raise ValueError(f"not kinds of lines: {unknown}")
    return np.array([KIND[name] for name in values.tolist()], dtype=np.uint8)[inverse.reshape(-1)]


def kind_names(codes: np.ndarray) -> np.ndarray:
    """str ``[m]``: the names of kind ``codes`` (uint8 ``[m]``, from :data:`LINE_KINDS`)."""
    return np.asarray(LINE_KINDS)[np.asarray(codes, dtype=np.intp)]


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


class Families(SpanGroups[Boilerplate]):
    """Boilerplate families held as arrays (:class:`dedup.spans.SpanGroups`), each :class:`Boilerplate` made when
    it is read: what ``CleanReport.boilerplate`` holds (:func:`find_boilerplate` returns their list). A list cost
    about 450 bytes a line (73 MB for the 916 labelled web pages); these arrays, 24 bytes a line and the examples.

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

    def __init__(
        self,
        kind_names: Sequence[str],
        kinds: np.ndarray,
        bounds: np.ndarray,
        spans: np.ndarray,
        examples: Sequence[str],
    ) -> None:
        super().__init__(bounds, spans)
        self.kind_names = tuple(kind_names)
        self.kinds = np.asarray(kinds, dtype=np.int64).reshape(-1)
        self.examples = tuple(examples)
        if not self.kinds.size == len(self.examples) == len(self):
            raise ValueError("families' kinds, bounds, spans and examples do not agree")

    def _item(self, i: int, spans: tuple[Span, ...]) -> Boilerplate:
        return Boilerplate(i, self.kind_names[self.kinds[i]], spans, self.examples[i])

    def _args(self) -> tuple[Any, ...]:
        return (self.kind_names, self.kinds, self.bounds, self.spans, self.examples)


def occurrences(families: Sequence[Boilerplate]) -> int:
    """Lines of all ``families``: :meth:`Families.occurrences`, or counted family by family for a list."""
    return families.occurrences() if isinstance(families, SpanGroups) else sum(len(f.spans) for f in families)


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
        Share of a template line's character n-grams that the other lines of its
        family must have too (the fixed text around the slots): 4-grams where half the
        family's characters are Han, kana or Hangul, 6-grams in other scripts
        (:func:`dedup.boilerplate.families.unit_grams`).
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
