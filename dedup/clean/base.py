"""What cleaning is told and what it reports: :class:`CleanOptions`, :class:`CleanReport`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..boilerplate import Boilerplate, BoilerplateOptions
from ..cluster import Cluster
from ..duplicates import DuplicateOptions
from ..errors import InvalidOptionError
from ..options import KeywordOptions, check_types
from ..passages import PassageCluster, PassageOptions
from ..removals import REASONS, Cleaned


@dataclass(frozen=True)
class CleanOptions(KeywordOptions):
    """Options of :func:`clean`.

    Attributes
    ----------
    cross_document : bool
        Also remove passages already seen in earlier documents, and empty documents
        whose text their cluster's representative holds (see ``cover``).
    cover : float
        With ``cross_document``, a near-duplicate document is emptied whole only when at
        least this share of its n-grams lies in its cluster's representative (which is
        kept); one that adds more text of its own loses only the passages found in
        kept documents.
    remove : frozenset of str
        Which reasons to apply: any of ``"duplicate"``, ``"boilerplate"``, ``"noise"``.
    duplicates : DuplicateOptions
        Near-duplicate documents (used with ``cross_document``).
    passages : PassageOptions
        Repeated passages.
    boilerplate : BoilerplateOptions
        Boilerplate lines.
    """

    cross_document: bool = False
    cover: float = 0.9
    remove: frozenset[str] = frozenset(REASONS)
    duplicates: DuplicateOptions = field(default_factory=DuplicateOptions)
    passages: PassageOptions = field(default_factory=PassageOptions)
    boilerplate: BoilerplateOptions = field(default_factory=BoilerplateOptions)

    def __post_init__(self) -> None:
        remove = self.remove
        if isinstance(remove, str):  # one reason: remove="noise"
            remove = {remove}
        if isinstance(remove, (list, tuple, set)):
            remove = frozenset(remove)
        object.__setattr__(self, "remove", remove)
        check_types(self)
        if not 0.0 < self.cover <= 1.0:
            raise InvalidOptionError(f"cover must be in (0, 1], got {self.cover}")
        unknown = sorted(self.remove - set(REASONS))
        if unknown:
            raise InvalidOptionError(f"remove: unknown reason(s) {', '.join(unknown)}; known: {', '.join(REASONS)}")


def covered(
    doc: np.ndarray, start: np.ndarray, end: np.ndarray, cut_doc: np.ndarray, cut_start: np.ndarray, cut_end: np.ndarray
) -> np.ndarray:
    """Whether each span lies inside the union of its document's cuts (chained cuts cover what
    their union covers), for all spans at once.

    Parameters
    ----------
    doc, start, end : np.ndarray
        int64 ``[q]``: the spans.
    cut_doc, cut_start, cut_end : np.ndarray
        int64 ``[c]``: the cuts, in any order.

    Returns
    -------
    np.ndarray
        bool ``[q]`` (an empty span is covered).
    """
    out = start >= end
    if not cut_doc.size or not doc.size:
        return out
    width = int(max(cut_end.max(), end.max(), cut_start.max(), start.max())) + 1
    order = np.lexsort((cut_start, cut_doc))
    lo = cut_doc[order] * width + cut_start[order]
    hi = cut_doc[order] * width + cut_end[order]
    reach = np.maximum.accumulate(hi)
    # A cut starting at or before what the cuts before it reach extends their union.
    new = np.ones(lo.size, dtype=bool)
    new[1:] = lo[1:] > reach[:-1]
    union_lo = lo[new]
    union_hi = reach[np.append(np.flatnonzero(new)[1:], lo.size) - 1]
    key = doc * width + start
    j = np.searchsorted(union_lo, key, side="right") - 1
    inside = j >= 0
    jj = np.maximum(j, 0)
    return out | (inside & (key < union_hi[jj]) & (union_hi[jj] >= doc * width + end))


def overlaps(
    doc: np.ndarray, start: np.ndarray, end: np.ndarray, cut_doc: np.ndarray, cut_start: np.ndarray, cut_end: np.ndarray
) -> np.ndarray:
    """Whether each span shares at least one character with a cut of its document, for all spans at once.

    Parameters are as for :func:`covered`; returns bool ``[q]`` (an empty span or cut overlaps nothing).
    """
    out = np.zeros(doc.size, dtype=bool)
    some_text = cut_start < cut_end
    cut_doc, cut_start, cut_end = cut_doc[some_text], cut_start[some_text], cut_end[some_text]
    if not cut_doc.size or not doc.size:
        return out
    width = int(max(cut_end.max(), end.max(), cut_start.max(), start.max())) + 1
    lo = cut_doc * width + cut_start
    order = np.argsort(lo, kind="stable")
    reach = np.maximum.accumulate((cut_doc * width + cut_end)[order])  # the furthest end of the cuts so far
    # The cuts starting before the span's end; the span overlaps one iff the furthest of them ends past its start.
    before_end = np.searchsorted(lo[order], doc * width + end, side="left") - 1
    some = (before_end >= 0) & (start < end)
    out[some] = reach[before_end[some]] > (doc * width + start)[some]
    return out


@dataclass(frozen=True)
class CleanReport:
    """Cleaned documents with the findings behind every removal.

    Attributes
    ----------
    cleaned : list of Cleaned
        One per input text, in order.
    clusters : sequence of Cluster
        Near-duplicate documents (``Removal.ref`` of kind ``"document"`` is a cluster id);
        computed when ``cross_document`` is on or ``with_clusters`` was asked for: :class:`dedup.cluster.Clusters`,
        held as arrays, from cleaning.
    passages : sequence of PassageCluster
        Repeated passages (``ref`` of kind ``"passage"``): :class:`dedup.passages.PassageClusters`, held as arrays,
        from cleaning.
    boilerplate : sequence of Boilerplate
        Boilerplate families (``ref`` of reason ``"boilerplate"``): :class:`dedup.boilerplate.Families`, a
        sequence held as arrays, from cleaning.
    """

    cleaned: list[Cleaned]
    clusters: Sequence[Cluster]
    passages: Sequence[PassageCluster]
    boilerplate: Sequence[Boilerplate]
