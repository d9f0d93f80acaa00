"""Repeated passages: near-duplicate paragraphs within and across documents.

A run, in phases:

    units     every document → paragraphs (hard wraps re-joined), their matching views
    match     paragraphs of at least ``min_chars`` view characters: MinHash-LSH
              candidates, verified by exact Jaccard or containment; short sentence-like
              fragments against the earlier paragraphs of their own document,
              by containment; short paragraphs (titles, headings): exact view equality
    merge     matched paragraph pairs that continue each other (same documents, both
              sides advancing together) merge into one passage pair, so a reprinted
              essay is one passage, not eleven
    cluster   passage copies that overlap in a document are one region; regions linked
              by passage pairs form a PassageCluster with one span per copy

Short paragraphs count only when they repeat exactly and either repeat within one
document or sit inside (or at the edge of) a repeated passage: a one-line title
shared by two different stories is not a repeated passage.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from .arrays import BACK_BITS, back_bits
from .cluster import connected_components, group_members
from .copies import edited_inner, whole_pairs
from .dicts import DictRoundTrip
from .errors import InvalidOptionError, check_texts
from .fragments import (
    FOUND,
    exact_short_pairs,
    find_fragment_pairs,
    fragment_pairs,
    long_pairs_anchored,
    sets_of_units,
    short_speech,
)
from .lsh import LSHParams, band_keys, candidate_pairs, optimal_params
from .minhash import signatures
from .normalize import KnownViews, NormalizeOptions, matching_texts, span_views
from .options import KeywordOptions, check_types
from .runs import FRAGMENT, LONG, SHORT, RunColumns, passage_runs, repeat_blocks, run_regions, runs_that_cut
from .segment import UnitSpans, segment_many, split_long
from .segment.chars import SENTENCE_ENDS
from .sourcecode import CodeLines, code_lines_of, units_in_code
from .spans import Span, SpanGroups, last_visible
from .verify import verify_candidates

__all__ = [
    "PassageCluster",
    "PassageClusters",
    "PassageFindings",
    "PassageMatches",
    "PassageOptions",
    "UnitTable",
    "find_repeated_passages",
    "match_passages",
    "unit_table",
]

_SENTENCE_END = np.array([ord(c) for c in SENTENCE_ENDS], dtype=np.uint32)


@dataclass(frozen=True)
class PassageCluster(DictRoundTrip):
    """Copies of one repeated passage.

    Attributes
    ----------
    id : int
        Cluster number, in order of first copy.
    spans : tuple of Span
        One span per copy (at least two), sorted; each runs from the start of the
        passage's first paragraph to the end of its last. Copies printed back to back
        are cut apart (:func:`dedup.runs.repeat_blocks`).
    """

    id: int
    spans: tuple[Span, ...]


class PassageClusters(SpanGroups[PassageCluster]):
    """Repeated passages held as arrays (:class:`dedup.spans.SpanGroups`): ``bounds`` int64 ``[c + 1]``, ``spans``
    int64 ``[s, 3]``; each :class:`PassageCluster` made when it is read."""

    def _item(self, i: int, spans: tuple[Span, ...]) -> PassageCluster:
        return PassageCluster(i, spans)


@dataclass(frozen=True)
class PassageOptions(KeywordOptions):
    """Options of :func:`find_repeated_passages`.

    Attributes
    ----------
    threshold : float
        Exact Jaccard of two paragraphs' n-gram sets at or above which they match.
    containment : float
        A paragraph whose n-grams lie in another's at least this share matches it
        (an excerpt, a truncated copy, a fragment).
    min_chars : int
        Paragraphs with a shorter matching view match only exactly (titles, headings, labels).
    edit_chars : int
        Paragraphs of two documents whose views both have at least this many characters match as edited copies
        (differing anywhere, by ``threshold``). Shorter ones, and any two of one document, repeat alone only as
        whole copies — one holds the other as it is, no word replaced (:mod:`dedup.copies`); edited, they count
        only inside a passage, between two of its paragraphs that repeat alone.
    fragment_chars : int
        Shortest view of a fragment matched by containment inside its own document;
        a fragment shorter than ``min_chars`` must also end like a sentence.
    fragment_window : int
        How many paragraphs back a fragment's source is looked for.
    max_gap : int
        Unmatched paragraphs allowed inside one passage (an inserted caption, an ad).
    max_unit_chars : int
        Paragraphs with a longer matching view are matched sentence by sentence, so
        a repeat inside one long unit (a hard-wrapped page re-joined whole) is found.
    ngram, num_perm, seed : int
        Shingling and MinHash, as for :func:`dedup.find_duplicates`.
    normalize : NormalizeOptions
    """

    threshold: float = 0.7
    containment: float = 0.9
    min_chars: int = 20
    edit_chars: int = 40
    fragment_chars: int = 6
    fragment_window: int = 20
    max_gap: int = 1
    max_unit_chars: int = 300
    ngram: int = 5
    num_perm: int = 128
    seed: int = 1
    normalize: NormalizeOptions = field(default_factory=NormalizeOptions)

    def __post_init__(self) -> None:
        check_types(self)
        for name in ("threshold", "containment"):
            if not 0.0 < getattr(self, name) <= 1.0:
                raise InvalidOptionError(f"{name} must be in (0, 1], got {getattr(self, name)}")
        if self.min_chars < self.ngram or self.fragment_chars < self.ngram:
            raise InvalidOptionError("min_chars and fragment_chars must be >= ngram")
        for name in ("max_gap", "fragment_window", "edit_chars"):
            if getattr(self, name) < 0:
                raise InvalidOptionError(f"{name} must be >= 0, got {getattr(self, name)}")
        for name in ("ngram", "num_perm", "max_unit_chars"):
            if getattr(self, name) < 1:
                raise InvalidOptionError(f"{name} must be >= 1, got {getattr(self, name)}")


@dataclass(frozen=True)
class UnitTable:
    """The paragraphs of a batch of documents, in document order.

    Attributes
    ----------
    doc, start, end : np.ndarray
        int64 ``[u]``: document and ``[start, end)`` span of each paragraph.
    views : sequence of str
        Matching views (a ``list``, or a :class:`dedup.store.SpilledStrings` for a table
        kept on disk).
    view_len : np.ndarray
        int64 ``[u]``: length of each view.
    sentence_end : np.ndarray
        bool ``[u]``: the paragraph ends with sentence-final punctuation.
    split : np.ndarray
        bool ``[u]``: the unit is a sentence of a paragraph too long to match whole.
    speech : np.ndarray
        bool ``[u]``: a short paragraph (matched by its exact view) that opens with an utterance
        (:func:`dedup.linemarks.opens_with_speech`): a line of dialogue said twice in a story (``“好。”``,
        ``“Fine.”``, ``— Да.``), or a figure (``5.2``, ``1,200``: a table printed a cell a line repeats its values);
        or a paragraph of any length whose lines are source code (:func:`dedup.sourcecode.code_lines`: ``return
        0;``, an example printed again) or, off web pages, labels and speakers' names (``A. 正确``, ``记者：``,
        ``张三``: ``unit_table``'s ``exempt``). It founds no passage (it may extend one) and is no fragment.
    band_keys : np.ndarray
        uint64 ``[l, bands]``: LSH band keys of the ``l`` units whose view has at least
        ``min_chars`` characters, in unit order (what matching them needs, computed while
        the views are at hand).
    fragments : np.ndarray
        uint64 ``[u]``: the earlier paragraphs of its document that hold each unit as a fragment, as
        :func:`dedup.arrays.back_bits`, and bit 63 on every row when they were found with the table
        (batch by batch, where the views are; else matching finds them).
    """

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    views: Sequence[str]
    view_len: np.ndarray
    sentence_end: np.ndarray
    split: np.ndarray
    speech: np.ndarray
    band_keys: np.ndarray
    fragments: np.ndarray

    def __len__(self) -> int:
        return int(self.doc.size)


def unit_table(
    texts: Sequence[str],
    options: PassageOptions = PassageOptions(),
    paragraphs: UnitSpans | None = None,
    known: KnownViews | None = None,
    fragments: bool = True,
    exempt: CodeLines | None = None,
) -> UnitTable:
    """Paragraphs of every document (long ones as their sentences) with their matching views.

    Parameters
    ----------
    texts : sequence of str
    options : PassageOptions
    paragraphs : UnitSpans, optional
        ``segment_many(texts, "paragraph")``, when the caller has it.
    known : KnownViews, optional
        Views of other spans of ``texts`` made with ``options.normalize`` (the lines of a
        line table): a paragraph that is one of them takes its view instead of making it.
    fragments : bool
        Find the fragments each paragraph's document holds earlier (``UnitTable.fragments``; with a
        ``fragment_window`` of 63 paragraphs at most), for :func:`match_passages` with the same options.
    exempt : CodeLines, optional
        The batch's lines and which found no passage: its code (:attr:`dedup.lines.LineTable.code`) and, where the
        caller knows which documents are no web pages, their labels (:func:`dedup.linemarks.label_lines`); by
        default the lines of code, found here. A unit all of whose lines are exempt is ``speech``.
    """
    units = segment_many(texts, "paragraph") if paragraphs is None else paragraphs
    flat, doc = units.spans, units.doc_ids()
    views = span_views(texts, doc, flat, options.normalize, known)
    too_long = np.fromiter(map(len, views), dtype=np.int64, count=len(views)) > options.max_unit_chars
    split = np.zeros(len(views), dtype=bool)
    if too_long.any():
        kept = _as_objects(views)[~too_long]
        doc, flat, split = split_long(texts, doc, flat, too_long)
        # Units keep their relative order through the split: kept paragraphs keep their
        # views, only the sentences need new ones.
        rows = np.flatnonzero(split)
        pieces = [texts[d][s:e] for d, s, e in zip(doc[rows].tolist(), flat[rows, 0].tolist(), flat[rows, 1].tolist())]
        placed = np.empty(split.size, dtype=object)
        placed[rows], placed[~split] = _as_objects(matching_texts(pieces, options.normalize)), kept
        views = placed.tolist()
    view_len = np.fromiter(map(len, views), dtype=np.int64, count=len(views))
    long_views = _as_objects(views)[view_len >= options.min_chars].tolist()
    sigs = signatures(long_views, num_perm=options.num_perm, ngram=options.ngram, seed=options.seed)
    table = UnitTable(
        doc=doc,
        start=flat[:, 0].copy(),
        end=flat[:, 1].copy(),
        views=views,
        view_len=view_len,
        sentence_end=np.isin(last_visible(texts, doc, flat[:, 0], flat[:, 1]), _SENTENCE_END),
        split=split,
        speech=short_speech(texts, doc, flat, view_len, split, options)
        | units_in_code(doc, flat, code_lines_of(texts) if exempt is None else exempt),
        band_keys=band_keys(sigs, _lsh_params(options)),
        fragments=np.zeros(len(views), dtype=np.uint64),
    )
    if fragments and options.fragment_window <= BACK_BITS:
        table = replace(table, fragments=back_bits(find_fragment_pairs(table, options), len(table)) | FOUND)
    return table


def _as_objects(strings: Sequence[str]) -> np.ndarray:
    """object ``[n]``: the strings, to be taken and placed by index arrays (``np.array`` of strings would make a
    fixed-width string array)."""
    out = np.empty(len(strings), dtype=object)
    out[:] = strings
    return out


def _lsh_params(options: PassageOptions) -> LSHParams:
    return optimal_params(min(options.threshold, 0.999), options.num_perm)


#: Buckets of more long paragraphs than this give a star (see :func:`dedup.lsh.candidate_pairs`).
MAX_BUCKET = 64


def _lsh_pairs(units: UnitTable, long_units: np.ndarray, options: PassageOptions) -> tuple[np.ndarray, np.ndarray]:
    """Verified matches among long paragraphs.

    Returns
    -------
    pairs : np.ndarray
        int64 ``[p, 2]`` unit indices, ``i < j``.
    containment_only : np.ndarray
        bool ``[p]``: matched by containment, not by Jaccard.
    inner : np.ndarray
        bool ``[p]``: edited copies that count only inside a passage (:func:`dedup.copies.edited_inner`).
    """
    none = (np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=bool), np.empty(0, dtype=bool))
    if long_units.size < 2:
        return none
    verified = verify_candidates(
        candidate_pairs(units.band_keys, max_bucket=MAX_BUCKET),
        units.view_len[long_units],
        sets_of_units(units, options, long_units, distinct=True),
        threshold=options.threshold,
        containment_threshold=options.containment,
    )
    if not len(verified) or verified.share is None:
        return none
    pairs = long_units[verified.pairs]
    keep, by_jaccard = long_pairs_kept(pairs, verified.jaccard, verified.share, units.view_len, units.doc, options)
    pairs = pairs[keep]
    inner = edited_inner(
        pairs, units.view_len, units.doc, options.edit_chars, lambda rows: whole_pairs(units.views, pairs[rows])
    )
    return pairs, ~by_jaccard[keep], inner


def long_pairs_kept(
    pairs: np.ndarray,
    jaccard: np.ndarray,
    share: np.ndarray,
    view_len: np.ndarray,
    doc: np.ndarray,
    options: PassageOptions,
) -> tuple[np.ndarray, np.ndarray]:
    """Which verified pairs of long paragraphs are repeats, and which of those match by Jaccard (bool ``[p]``
    each): ``pairs`` int64 ``[p, 2]`` of paragraphs ``i < j``, their ``jaccard`` (float64 ``[p]``) and
    ``share`` of each in the other (float64 ``[p, 2]``); ``view_len`` and ``doc`` int64 ``[u]`` of every paragraph."""
    # A match by containment alone makes only the later, smaller paragraph a repeat.
    later_is_smaller = view_len[pairs[:, 1]] <= view_len[pairs[:, 0]]
    by_jaccard = jaccard >= options.threshold
    keep = by_jaccard | later_is_smaller
    # Across documents the later paragraph must not add text of its own: it lies in the
    # earlier one, or it is a near-duplicate no larger than the earlier one by more
    # than the share containment leaves (an edited copy, not an earlier excerpt extended).
    earlier_share, later_share = share[:, 0], share[:, 1]
    no_own_text = (later_share >= options.containment) | (
        by_jaccard & (later_share >= options.containment * earlier_share)
    )
    keep &= no_own_text | (doc[pairs[:, 0]] == doc[pairs[:, 1]])
    return keep, by_jaccard


class PassageFindings(Protocol):
    """Repeated passages as a plan reads them (:class:`PassageMatches`, or found on Ray:
    :class:`dedup.distributed.passages.PassagesOnRay`)."""

    @property
    def clusters(self) -> PassageClusters:
        """The report's repeated passages."""

    def cutting(
        self, emptied: np.ndarray, holding: np.ndarray, cross_document: bool
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The runs a plan may cut by, in run order: see :meth:`PassageMatches.cutting`."""


@dataclass(frozen=True)
class PassageMatches:
    """Repeated passages with the direct matches behind them.

    Attributes
    ----------
    units : UnitTable
        The paragraphs matched.
    runs : np.ndarray
        int64 ``[r, 4]``: ``(a0, a1, b0, b1)``, paragraphs ``a0..a1`` matched directly
        by ``b0..b1`` (inclusive unit indices); the ``a`` copy comes first in input order.
    run_cluster : np.ndarray
        int64 ``[r]``: the :class:`PassageCluster` id of each run.
    clusters : PassageClusters
    gapped : np.ndarray
        bool ``[r]``: runs that step over a paragraph of their later copy (``max_gap``).
    """

    units: UnitTable
    runs: np.ndarray
    run_cluster: np.ndarray
    clusters: PassageClusters
    gapped: np.ndarray

    def cutting(
        self, emptied: np.ndarray, holding: np.ndarray, cross_document: bool
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The runs a plan may cut by (:func:`dedup.runs.runs_that_cut` of the documents' flags, bool ``[n_docs]``
        each), in run order: ``runs`` int64 ``[k, 4]``, ``gapped`` bool ``[k]``, their clusters int64 ``[k]``."""
        doc = self.units.doc
        rows = np.flatnonzero(
            runs_that_cut(doc[self.runs[:, 0]], doc[self.runs[:, 2]], emptied, holding, cross_document)
        )
        return self.runs[rows], self.gapped[rows], self.run_cluster[rows]


def other_pairs(units: UnitTable, options: PassageOptions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The matched pairs besides the long paragraphs': fragments and short paragraphs with equal views. int64
    ``[p, 2]`` (``i < j``), whether each may found a passage (bool ``[p]``) and its source (int8 ``[p]``,
    :data:`dedup.runs.FRAGMENT` or :data:`dedup.runs.SHORT`)."""
    fragments = fragment_pairs(units, options)
    short_pairs, short_within = exact_short_pairs(units, options)
    source = np.repeat(np.array([FRAGMENT, SHORT], dtype=np.int8), [len(fragments), len(short_pairs)])
    anchored = np.concatenate([np.ones(len(fragments), dtype=bool), short_within])
    return np.sort(np.concatenate([fragments, short_pairs]), axis=1), anchored, source


def run_columns(units: UnitTable) -> RunColumns:
    """What :func:`dedup.runs.passage_runs` reads of a paragraph table."""
    return RunColumns(units.doc, units.split, units.sentence_end)


def match_passages(
    units: UnitTable, options: PassageOptions, runs: tuple[np.ndarray, np.ndarray] | None = None
) -> PassageMatches:
    """Repeated passages of a unit table (see the module docstring).

    ``runs``: the passage runs and which are gapped (:func:`dedup.runs.passage_runs`, in
    :func:`dedup.runs.run_order`), when merged elsewhere (on Ray, where the pairs are; the table then lacks
    the band keys).
    """
    if runs is None:
        long_pairs, quoted, inner = _lsh_pairs(units, np.flatnonzero(units.view_len >= options.min_chars), options)
        more, more_anchored, more_source = other_pairs(units, options)
        pairs = np.concatenate([long_pairs, more])
        anchored = np.concatenate([long_pairs_anchored(long_pairs, inner, units.speech), more_anchored])
        source = np.concatenate([np.full(len(long_pairs), LONG, dtype=np.int8), more_source])
        not_more = np.zeros(len(more), dtype=bool)
        quoted, inner = np.concatenate([quoted, not_more]), np.concatenate([inner, not_more])
        runs = passage_runs(pairs, anchored, source, quoted, run_columns(units), options.max_gap, inner)
    merged, gapped = runs
    if not len(merged):
        clusters, _ = passage_clusters(units, np.zeros((0, 2), np.int64), np.zeros(0, np.int64), *(_NONE,) * 2)
        return PassageMatches(units, merged, np.empty(0, dtype=np.int64), clusters, gapped)
    regions, links = run_regions(merged)
    looped = np.flatnonzero(links[:, 0] == links[:, 1])  # a passage repeated back to back
    clusters, cluster_of = passage_clusters(
        units,
        regions,
        connected_components(len(regions), links),
        links[looped, 0],
        merged[looped, 2] - merged[looped, 0],
    )
    return PassageMatches(units, merged, cluster_of[links[:, 0]], clusters, gapped)


_NONE = np.zeros(0, dtype=np.int64)


def passage_clusters(
    units: UnitTable, regions: np.ndarray, labels: np.ndarray, looped: np.ndarray, offset: np.ndarray
) -> tuple[PassageClusters, np.ndarray]:
    """The passage clusters of linked regions, numbered in order of their first copy.

    Parameters
    ----------
    units : UnitTable
        Its ``doc``, ``start`` and ``end`` columns (the regions' units index them).
    regions : np.ndarray
        int64 ``[q, 2]``: first and last unit of each region of the passage runs' copies, sorted
        (:func:`dedup.runs.run_regions`).
    labels : np.ndarray
        int64 ``[q]``: each region's connected component over the runs' links, named by one of its regions.
    looped, offset : np.ndarray
        int64 ``[k]``: the regions of the runs whose two copies lie in one region, in run order, and the offsets
        between those copies (:func:`dedup.runs.repeat_blocks`).

    Returns
    -------
    clusters : PassageClusters
    cluster_of : np.ndarray
        int64 ``[q]``: each region's cluster.
    """
    groups = group_members(labels)
    # Each group's copies as (doc, start, end) triples, sorted: Span's order, compared as tuples of ints.
    doc, start, end = units.doc[regions[:, 0]].tolist(), units.start[regions[:, 0]].tolist(), units.end[regions[:, 1]]
    triples = list(zip(doc, start, end.tolist()))
    keys = [tuple(sorted(map(triples.__getitem__, g.tolist()))) for g in groups]
    heads = [int(g[0]) for g in groups]  # a region of each cluster, whose label names it
    for region, blocks in repeat_blocks(regions, labels, looped, offset):
        first, last = blocks[:, 0], blocks[:, 1]
        keys.append(tuple(zip(units.doc[first].tolist(), units.start[first].tolist(), units.end[last].tolist())))
        heads.append(region)
    order = sorted(range(len(keys)), key=keys.__getitem__)
    cluster_of_label = np.full(len(regions), -1, dtype=np.int64)
    for new_id, k in enumerate(order):
        cluster_of_label[labels[heads[k]]] = new_id
    bounds = np.cumsum([0, *(len(keys[k]) for k in order)], dtype=np.int64)
    spans = np.array([t for k in order for t in keys[k]], dtype=np.int64).reshape(-1, 3)
    return PassageClusters(bounds, spans), cluster_of_label[labels]


def find_repeated_passages(
    texts: Iterable[str], *, options: PassageOptions | None = None, **kwargs
) -> list[PassageCluster]:
    """Clusters of repeated passages within and across documents.

    Parameters
    ----------
    texts : iterable of str
    options : PassageOptions, optional
        Base options; keyword arguments override its fields.

    Returns
    -------
    list of PassageCluster
        In order of their first copy (``clean_report`` holds them as arrays, :class:`PassageClusters`). A passage
        printed twice in one document is a cluster of two spans in that document.
    """
    opts = PassageOptions.from_kwargs(options, **kwargs)
    texts = check_texts(texts)
    return list(match_passages(unit_table(texts, opts), opts).clusters)  # the public contract's list
