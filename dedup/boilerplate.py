"""Boilerplate: lines that are furniture, not content.

Every non-blank line of every document gets three 64-bit keys (xxhash of
strings built once per line):

- ``exact``  — its matching view;
- ``masked`` — its matching view after variable slots are masked (digit runs,
  Latin/alphanumeric tokens, short quoted strings), so ``的会员“hanrui2009good”``
  and ``的会员“810723”`` agree;
- ``head``, ``tail`` — the first / last ``affix_chars`` characters of the masked
  view, so template lines whose slot (an embedded title) sits anywhere but at
  both ends form one family.

Keys are counted per document with array operations, and a line is boilerplate when

- its exact or masked key recurs in at least ``min_docs`` documents (and at
  least ``min_doc_fraction`` of them): site headers, footers, disclaimers, captions;
- its masked key, head or tail family recurs within one document with slots that
  differ, and the shared skeleton covers at least half the line: template lines
  of content farms, running heads with page numbers;
- it is a short line repeated exactly within a document whose neighbours differ
  at each occurrence (markers such as ``【正文】``; a heading repeated inside a
  reprinted passage is left to the passage finder);
- it is page furniture of PDF text: a page-number line, or a short line with no
  sentence punctuation right next to one (running heads).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import chain

import numpy as np

from .arrays import concat_ranges, sorted_unique
from .dicts import DictRoundTrip
from .cluster import connected_components
from .near import ClusterEngine, NearOptions, cluster_views
from .options import check_types
from .errors import InvalidOptionError, check_texts
from .webpage import KINDS as WEBPAGE_KINDS
from .webpage import WebpageOptions, classify_page_lines, looks_like_webpage, reading_views
from .spans import Span
from .store import take
from .lines import DocumentViews, LineOptions, LineTable, concat_line_tables, document_views, line_table

__all__ = [
    "Boilerplate",
    "BoilerplateOptions",
    "LineAnalysis",
    "LineTable",
    "analyse_lines",
    "analyse_table",
    "boilerplate_free_views",
    "classify_lines",
    "DocumentViews",
    "concat_line_tables",
    "document_families",
    "document_views",
    "find_boilerplate",
    "line_table",
]

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
        lists, share and copyright lines…, :mod:`dedup.webpage`). None (auto): for a
        document that looks like a web page (:func:`dedup.webpage.looks_like_webpage`)
        and has no line recurring across the collection — one page, or one page per
        site; True: every document; False: never.
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


def _doc_frequency(keys: np.ndarray, doc: np.ndarray) -> np.ndarray:
    """Number of distinct documents each line's key occurs in: int64 ``[m]``."""
    order = np.lexsort((doc, keys))
    k, d = keys[order], doc[order]
    new_key = np.concatenate(([True], k[1:] != k[:-1]))
    new_doc = new_key | np.concatenate(([True], d[1:] != d[:-1]))
    key_id = np.cumsum(new_key) - 1
    per_key = np.bincount(key_id, weights=new_doc).astype(np.int64)
    out = np.empty(keys.size, dtype=np.int64)
    out[order] = per_key[key_id]
    return out


def _group_ids(*columns: np.ndarray) -> np.ndarray:
    """Dense id of each row's combination of column values: int64 ``[m]``."""
    if not columns[0].size:
        return np.empty(0, dtype=np.int64)
    order = np.lexsort(columns[::-1])
    new = np.zeros(order.size, dtype=bool)
    new[0] = True
    for column in columns:
        c = column[order]
        new[1:] |= c[1:] != c[:-1]
    ids = np.empty(order.size, dtype=np.int64)
    ids[order] = np.cumsum(new) - 1
    return ids


def _common_prefix(strings: Sequence[str]) -> int:
    """Length of the prefix all strings share."""
    first, last = min(strings), max(strings)
    n = 0
    for a, b in zip(first, last):
        if a != b:
            break
        n += 1
    return n


def _enclosed_slots(views: Sequence[str], min_skeleton: float, min_end: int = 4) -> bool:
    """Whether the members differ only between a shared head and a shared tail.

    Fixed text on both sides of the slot, together covering ``min_skeleton`` of the
    longest member: ``…的会员“{name}”为你整理了这篇{title}范文，希望…``, not two
    sentences that merely open alike.
    """
    head = _common_prefix(views)
    tail = _common_prefix([v[::-1] for v in views])
    longest = max(map(len, views))
    return head >= min_end and tail >= min_end and head + tail >= min_skeleton * longest


def _shared_share(views: Sequence[str], groups: Sequence[int], n: int = 4, max_members: int = 32) -> float:
    """Median share of a member's character n-grams that members of other groups also have.

    One template filled with different slots shares most of its n-grams; two
    different sentences that merely open (or close) alike share few. Members of the
    same group (reprints of one story) do not count as each other's evidence.
    """
    firsts = dict(zip(views, groups))  # one member per distinct view
    members = list(firsts.items())[:max_members]
    grams = [({v[i : i + n] for i in range(len(v) - n + 1)} or {v}, g) for v, g in members]
    of_group: dict[int, set[str]] = {}
    for gram_set, group in grams:
        of_group.setdefault(group, set()).update(gram_set)
    # A gram that two groups hold is, for a member of either, held by another group.
    held = Counter(chain.from_iterable(of_group.values()))
    shared = {gram for gram, count in held.items() if count > 1}
    shares = [len(gram_set & shared) / len(gram_set) for gram_set, _ in grams]
    return float(statistics.median(shares))


def _families(
    table: LineTable, key: np.ndarray, mask: np.ndarray, options: BoilerplateOptions, by_doc: bool, line_family: np.ndarray
) -> np.ndarray:
    """Lines of ``mask`` in key families (per document if ``by_doc``) of 2+ lines that are variants of one skeleton.

    Variants differ in their exact text; identical lines are recurrence, not a template.
    """
    chosen = np.zeros(len(table), dtype=bool)
    idx = np.flatnonzero(mask)
    if idx.size < 2:
        return chosen
    group = _group_ids(key[idx], table.doc[idx]) if by_doc else _group_ids(key[idx])
    order = np.argsort(group, kind="stable")  # members of a group stay in line order
    sorted_group, sorted_lines = group[order], idx[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_group[1:] != sorted_group[:-1])))
    ends = np.append(starts[1:], order.size)
    multi = ends - starts >= 2
    undecided: list[np.ndarray] = []  # groups whose shape decides: their views are read at once
    for lo, hi in zip(starts[multi].tolist(), ends[multi].tolist()):
        members = sorted_lines[lo:hi]
        exact_variants = len(set(table.exact[members].tolist())) >= 2
        # Within a document, a template recurs between stretches of content; lines
        # on adjacent rows with the same shape are a table.
        apart = not by_doc or bool(np.all(np.diff(members) > 1))
        if not (exact_variants and apart):
            continue
        if len(set(table.masked[members].tolist())) == 1:
            chosen[members] = True
        else:
            undecided.append(members)
    if not undecided:
        return chosen
    all_views = take(table.masked_views, np.concatenate(undecided))
    bounds = np.cumsum([0] + [m.size for m in undecided]).tolist()
    for members, lo, hi in zip(undecided, bounds[:-1], bounds[1:]):
        views = all_views[lo:hi]
        if by_doc:
            shaped = _enclosed_slots(views, options.min_skeleton)
        else:
            shaped = _shared_share(views, line_family[members].tolist()) >= options.min_skeleton
        if shaped:
            chosen[members] = True
    return chosen


def _overlap_context(table: LineTable, keys: np.ndarray, candidates: np.ndarray, recurring: np.ndarray, share: float = 0.5) -> np.ndarray:
    """Candidate lines that recur because their documents overlap, not as boilerplate: bool ``[m]``.

    A line recurring across families sits, in each document, next to other text. Where the
    documents are excerpts of one text cut at different points, that neighbour is the same
    paragraph, whole or cut: its last (or first) characters are the same next to every
    occurrence. A site's header or footer sits next to a different story on every page.
    Neighbours that recur across families themselves (the next line of a two-line header,
    a dateline template) say nothing and are skipped. The neighbours must be one paragraph
    cut at different points (:func:`_cut_copies`): the same whole line next to every
    occurrence is a site's own furniture, recurring too rarely to be a candidate, and lines
    that only share a masked head or tail are a template with its slots filled.

    Parameters
    ----------
    keys : np.ndarray
        uint64 ``[m]``, the key the candidates recur by.
    candidates : np.ndarray
        bool ``[m]``, the lines that recur across families by that key.
    recurring : np.ndarray
        bool ``[m]``, the lines that are no neighbour: every line that recurs across
        families by its view or masked view, and the candidates of a masked key.
    share : float
        Share of a key's occurrences with a non-candidate neighbour on that side that must
        have the same neighbouring text (at least two of them).

    Returns
    -------
    np.ndarray
        bool ``[m]``: the candidates whose key has such a shared neighbour, before or after.
    """
    out = np.zeros(len(table), dtype=bool)
    rows = np.flatnonzero(candidates)
    if not rows.size:
        return out
    key_id = _group_ids(keys[rows])
    before, after = (_same_neighbour(table, rows, key_id, step, affix, share, recurring) for step, affix in ((-1, table.tail), (1, table.head)))
    out[rows] = before | after
    return out


def _same_neighbour(
    table: LineTable, rows: np.ndarray, key_id: np.ndarray, step: int, affix: np.ndarray, share: float, exclude: np.ndarray
) -> np.ndarray:
    """For each of ``rows``: whether its key's occurrences mostly have the same neighbour ``step`` lines away.

    The neighbour is known by its ``affix`` (its first or last masked characters, which a
    copy cut short on the far side keeps), a line too short for one by its whole view;
    lines in ``exclude`` and lines of other documents are no neighbour. bool ``[len(rows)]``.
    """
    m = len(table)
    other = np.clip(rows + step, 0, m - 1)
    context = np.where(affix[other] != 0, affix[other], table.exact[other])
    valid = (rows + step >= 0) & (rows + step < m) & (table.doc[other] == table.doc[rows]) & ~exclude[other]
    if not valid.any():
        return np.zeros(rows.size, dtype=bool)
    with_context = np.bincount(key_id[valid], minlength=key_id.max() + 1)
    keys, contexts, lines = key_id[valid], context[valid], table.exact[other[valid]]
    pair_id = _group_ids(keys, contexts)
    count = np.bincount(pair_id)
    # The shared neighbour must be cut differently somewhere (a partial paragraph next to
    # some copies, the whole one next to others): the same line next to every copy is a
    # site's template, however rare.
    line_id = _group_ids(keys, contexts, lines)
    pair_of_line = np.zeros(line_id.max() + 1, dtype=np.int64)
    pair_of_line[line_id] = pair_id
    distinct = np.bincount(pair_of_line, minlength=count.size)
    key_of_pair = np.zeros(count.size, dtype=np.int64)
    key_of_pair[pair_id] = keys
    qualifies = (count >= 2) & (distinct >= 2) & (count >= share * with_context[key_of_pair])
    if qualifies.any():
        qualifies &= _cut_copies(table.views, other[valid], line_id, pair_of_line, qualifies, step)
    shared = np.zeros(with_context.size, dtype=bool)
    shared[key_of_pair[qualifies]] = True
    return shared[key_id]


def _cut_copies(
    views: Sequence[str], neighbour: np.ndarray, line_id: np.ndarray, pair_of_line: np.ndarray, asked: np.ndarray, step: int
) -> np.ndarray:
    """Which asked groups of neighbouring lines are one paragraph cut at different points.

    Before a line (``step`` -1) a copy cut short keeps the paragraph's end, so every
    distinct neighbour of the group must end the longest one; after it (``step`` 1) they
    must begin it. Lines that merely share a masked head or tail (a template with a date
    or a name filled in) are not cut copies.

    Parameters
    ----------
    views : sequence of str
        The table's matching views.
    neighbour : np.ndarray
        int64 ``[k]``, the neighbouring line of each occurrence.
    line_id, pair_of_line : np.ndarray
        int64 ``[k]``, the distinct (key, context, line) of each occurrence, and the
        (key, context) group of each distinct line.
    asked : np.ndarray
        bool ``[groups]``.

    Returns
    -------
    np.ndarray
        bool ``[groups]``.
    """
    first = np.full(pair_of_line.size, neighbour.size, dtype=np.int64)
    np.minimum.at(first, line_id, np.arange(neighbour.size))
    lines = np.flatnonzero(asked[pair_of_line])
    text = dict(zip(lines.tolist(), take(views, neighbour[first[lines]])))
    members: dict[int, list[str]] = {}
    for line in lines.tolist():
        members.setdefault(int(pair_of_line[line]), []).append(text[line])
    out = np.zeros(asked.size, dtype=bool)
    for group, copies in members.items():
        whole = max(copies, key=len)
        out[group] = all(whole.endswith(c) if step < 0 else whole.startswith(c) for c in copies)
    return out


def _neighbours_differ(table: LineTable, members: np.ndarray) -> bool:
    """Whether each occurrence of a repeated line has neighbours unlike the other occurrences'."""
    m = len(table)
    prev = [table.exact[i - 1] if i > 0 and table.doc[i - 1] == table.doc[i] else None for i in members]
    nxt = [table.exact[i + 1] if i + 1 < m and table.doc[i + 1] == table.doc[i] else None for i in members]
    return len({p for p in prev if p is not None}) == len([p for p in prev if p is not None]) and len(
        {n for n in nxt if n is not None}
    ) == len([n for n in nxt if n is not None])


def _heading_own_content(table: LineTable, kind: np.ndarray, cross_family: np.ndarray, line_family: np.ndarray) -> np.ndarray:
    """Recurring lines that are content where they head their own story.

    A story's title recurs across families as a link (related articles, previous /
    next) but is content in its own family, where a longer content line follows it.
    A line that heads content in exactly one family is kept there; a header that
    sits right above the body of the stories it wraps heads content in many.

    Returns
    -------
    np.ndarray
        bool ``[m]``: the occurrences to keep as content.
    """
    m = len(table)
    same_doc_next = np.zeros(m, dtype=bool)
    same_doc_next[:-1] = table.doc[1:] == table.doc[:-1]
    next_index = np.minimum(np.arange(m) + 1, m - 1)
    heads = (
        cross_family
        & same_doc_next
        & (kind[next_index] == "")
        & (table.view_len[next_index] > table.view_len)
    )
    if not heads.any():
        return heads
    heading_families = _doc_frequency(table.masked[heads], line_family[heads])
    keep = np.zeros(m, dtype=bool)
    keep[np.flatnonzero(heads)[heading_families == 1]] = True
    return keep


def _page_furniture(table: LineTable) -> tuple[np.ndarray, np.ndarray]:
    """Page-number lines and running heads: two bool ``[m]`` masks."""
    page_number, running = table.page_number, table.running_head
    short_plain = table.head_like & ~page_number
    same_doc_prev = np.concatenate(([False], table.doc[1:] == table.doc[:-1]))
    same_doc_next = np.concatenate((table.doc[:-1] == table.doc[1:], [False]))
    after_number = same_doc_prev & np.concatenate(([False], page_number[:-1]))
    before_number = same_doc_next & np.concatenate((page_number[1:], [False]))
    head = running | (short_plain & (after_number | before_number))
    return page_number, head


def classify_lines(table: LineTable, families: np.ndarray, options: BoilerplateOptions = BoilerplateOptions()) -> np.ndarray:
    """Boilerplate kind of every line, or "" for content.

    Parameters
    ----------
    table : LineTable
    families : np.ndarray
        int64 ``[n_docs]``, the family of each document (see :func:`document_families`).
    options : BoilerplateOptions

    Returns
    -------
    np.ndarray
        str ``[m]``, a :data:`KINDS` entry or ``""``.
    """
    kind = np.full(len(table), "", dtype=f"<U{max(map(len, KINDS))}")
    if not len(table):
        return kind
    recurrable = (table.end - table.start <= options.max_line_chars) & (table.view_len > 0)
    n_families = sorted_unique(families).size
    min_docs = max(options.min_docs, int(np.ceil(options.min_doc_fraction * n_families)))
    line_family = families[table.doc]

    # A template line is a single sentence at most (body paragraphs run to several),
    # and within a document it is a paragraph of its own, not a piece of a wrapped one.
    one_sentence = table.one_sentence
    templatable = recurrable & table.standalone & one_sentence
    if options.within_document:
        within = templatable & (table.masked != table.exact)
        templates = _families(table, table.masked, within, options, by_doc=True, line_family=line_family)
        for affix in (table.head, table.tail):
            templates |= _families(table, affix, templatable & (affix != 0), options, by_doc=True, line_family=line_family)
        # A family repeated within a document only counts if its members are not exact copies of each other.
        exact_dup_within = _group_ids(table.exact, table.doc)
        dup_sizes = np.bincount(exact_dup_within)
        kind[templates & (dup_sizes[exact_dup_within] < 2)] = "template"

        short_repeat = recurrable & (table.view_len <= options.marker_chars) & (dup_sizes[exact_dup_within] >= 2)
        for g in np.unique(exact_dup_within[short_repeat]):
            members = np.flatnonzero(exact_dup_within == g)
            if _neighbours_differ(table, members):
                kind[members] = "marker"

    # A line recurring across families is boilerplate, unless it recurs because its
    # documents overlap (excerpts of one text): then it is content, kept where first seen.
    exact_df = _doc_frequency(table.exact, line_family)
    masked_df = _doc_frequency(table.masked, line_family)
    recurs = recurrable & ((exact_df >= min_docs) | (masked_df >= min_docs))
    # A line is judged by its own copies first, so that a paragraph of overlapping excerpts
    # is not taken again as a template by its masked view or its head (a dateline).
    overlapping = _overlap_context(table, table.exact, recurrable & (exact_df >= 2), recurs)
    recurring = recurrable & (exact_df >= min_docs) & ~overlapping
    masked = recurrable & ~recurring & ~overlapping & (masked_df >= min_docs)
    masked &= ~_overlap_context(table, table.masked, masked, recurs | masked)
    cross_family = recurring | masked
    kind[recurring] = "recurring"
    kind[masked] = "template"
    for affix in (table.head, table.tail):
        candidates = recurrable & one_sentence & ~overlapping & (affix != 0) & (_doc_frequency(affix, line_family) >= min_docs) & (kind == "")
        candidates &= ~_overlap_context(table, affix, candidates, recurs | candidates)
        in_family = _families(table, affix, candidates, options, by_doc=False, line_family=line_family)
        kind[in_family] = "template"
        cross_family |= in_family
    kind[_heading_own_content(table, kind, cross_family, line_family)] = ""

    if options.page_furniture:
        page_number, head = _page_furniture(table)
        kind[head] = "running-head"
        kind[page_number] = "page-number"
    if options.webpage is not False:
        _classify_web_pages(table, kind, cross_family & (kind != ""), options)
    return kind


_PAGE_LINES = 1 << 15  # lines whose texts and reading views are held at once


def _pages_with_views(
    texts: Sequence[str], starts: np.ndarray, ends: np.ndarray
) -> Iterator[tuple[int, int, list[str], list[str]]]:
    """``(lo, hi, lines, reading views)`` of each page ``[starts[i], ends[i])`` of ``texts``.

    Pages are read and viewed in groups of about ``_PAGE_LINES`` lines, one
    :func:`dedup.webpage.reading_views` call a group (one a page costs ~0.4 ms).
    """
    sizes = ends - starts
    group_of = (np.cumsum(sizes) - sizes) // _PAGE_LINES  # non-decreasing
    new_group = np.ones(len(sizes), dtype=bool)
    new_group[1:] = group_of[1:] != group_of[:-1]
    bounds = np.append(np.flatnonzero(new_group), len(sizes))
    for first, last in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        pages = np.arange(first, last)
        lines = take(texts, concat_ranges(starts[pages], sizes[pages]))
        views = reading_views(lines)
        at = 0
        for page in pages.tolist():
            size = int(sizes[page])
            yield int(starts[page]), int(ends[page]), lines[at : at + size], views[at : at + size]
            at += size


def _classify_web_pages(table: LineTable, kind: np.ndarray, corpus_evidence: np.ndarray, options: BoilerplateOptions) -> None:
    """Give the page classifier's kinds to the still-unclassified lines of web-page documents (in place)."""
    if len(table) == 0:
        return
    doc_starts = np.flatnonzero(np.concatenate(([True], table.doc[1:] != table.doc[:-1])))
    doc_ends = np.append(doc_starts[1:], len(table))
    # Auto: a web page whose site the collection does not show (no line of it recurs
    # across families) is classified from its text; the others have corpus evidence.
    asked = np.ones(len(doc_starts), dtype=bool)
    if options.webpage is None:
        asked = ~np.logical_or.reduceat(np.asarray(corpus_evidence, dtype=bool), doc_starts)
    starts, ends = doc_starts[asked], doc_ends[asked]
    for lo, hi, lines, views in _pages_with_views(table.texts, starts, ends):
        if options.webpage is None and not looks_like_webpage(lines, views=views):
            continue
        labels, page_kinds = classify_page_lines(lines, options.webpage_options, known_boilerplate=kind[lo:hi] != "", views=views)
        page_kind = np.array(page_kinds, dtype=kind.dtype)
        # The classifier's catch-all ("outside the main text") does not take a heading
        # that sits right above kept text, or above one boilerplate line (a dateline,
        # a byline) and then kept text: a title or subheading heads what follows it.
        kept = ~labels
        next_kept = np.zeros(hi - lo, dtype=bool)
        next_kept[:-1] = kept[1:]
        after_one = np.zeros(hi - lo, dtype=bool)
        after_one[:-2] = ~kept[1:-1] & kept[2:]
        heads_content = table.head_like_plain[lo:hi] & (next_kept | after_one)
        labels &= ~((page_kind == "page-furniture") & heads_content)
        open_lines = labels & (kind[lo:hi] == "")
        kind[lo:hi][open_lines] = page_kind[open_lines]


def _linked_by_keys(lines: np.ndarray, *keys: np.ndarray) -> np.ndarray:
    """Components of ``lines`` linked by sharing any non-zero key: int64 ``[len(lines)]``."""
    edges = []
    for key in keys:
        k = key[lines]
        order = np.argsort(k, kind="stable")
        sorted_k = k[order]
        same = (sorted_k[1:] == sorted_k[:-1]) & (sorted_k[1:] != 0)
        edges.append(np.stack([order[:-1][same], order[1:][same]], axis=1))
    return connected_components(lines.size, np.concatenate(edges))


def boilerplate_families(table: LineTable, kind: np.ndarray) -> list[Boilerplate]:
    """Group classified lines into :class:`Boilerplate` families.

    Page numbers form one family and running heads another; recurring lines and
    markers group by their matching view; template lines by any key they share
    (masked view, head or tail), so one template with different slot fillings is
    one family.
    """
    chosen = np.flatnonzero(kind != "")
    if not chosen.size:
        return []
    chosen_kind = kind[chosen]
    group_key = np.where(np.isin(chosen_kind, ["page-number", "running-head"]), np.uint64(0), table.exact[chosen])
    templates = chosen_kind == "template"
    if templates.any():
        linked = _linked_by_keys(chosen[templates], table.masked, table.head, table.tail)
        group_key[templates] = table.exact[chosen[templates]][linked]  # a component's first member names it
    kind_code = np.unique(chosen_kind, return_inverse=True)[1].astype(np.uint64)
    group = _group_ids(kind_code, group_key)
    first_line = np.full(group.max() + 1, np.iinfo(np.int64).max)
    np.minimum.at(first_line, group, chosen)
    order = np.argsort(first_line, kind="stable")
    out = []
    for new_id, g in enumerate(order):
        members = chosen[group == g]
        spans = tuple(Span(int(table.doc[i]), int(table.start[i]), int(table.end[i])) for i in members)
        out.append(Boilerplate(new_id, str(kind[members[0]]), spans, table.texts[members[0]]))
    return out


def _families_of_views(views: list[str], options: BoilerplateOptions, engine: ClusterEngine | None = None) -> np.ndarray:
    """Family of every view: the smallest index of the views it is a near-duplicate of (int64 ``[n]``)."""
    n_docs = len(views)
    family_options = NearOptions(threshold=options.family_threshold, containment=options.family_containment)
    families = np.arange(n_docs, dtype=np.int64)
    for cluster in (engine or cluster_views)(views, np.zeros(n_docs, dtype=np.int64), family_options):
        families[list(cluster.members)] = cluster.members[0]
    return families


def document_families(
    table: LineTable, n_docs: int, options: BoilerplateOptions = BoilerplateOptions(), engine: ClusterEngine | None = None
) -> np.ndarray:
    """Family of every document: the smallest index of the documents it is a near-duplicate of.

    Two passes: families of the whole documents, then — after the boilerplate those
    families reveal is set aside — families of what remains, so reprints of one story
    wrapped in different sites' headers and footers end up in one family.

    Returns
    -------
    np.ndarray
        int64 ``[n_docs]``.
    """
    first = _families_of_views(document_views(table, n_docs), options, engine)
    content = classify_lines(table, first, replace(options, webpage=False)) == ""
    return _families_of_views(document_views(table, n_docs, content), options, engine)


@dataclass(frozen=True)
class LineAnalysis:
    """The lines of a collection with their document families: what classifying them needs.

    Built once by :func:`analyse_lines` and shared by everything that classifies the same
    lines under the same options (``clean`` finds boilerplate and strips it before comparing
    documents from one analysis).

    Attributes
    ----------
    table : LineTable
    families : np.ndarray
        int64 ``[n_docs]``, from :func:`document_families`.
    n_docs : int
    lengths : np.ndarray
        int64 ``[n_docs]``, the documents' lengths in characters.
    """

    table: LineTable
    families: np.ndarray
    n_docs: int
    lengths: np.ndarray


def analyse_lines(
    texts: Sequence[str],
    options: BoilerplateOptions = BoilerplateOptions(),
    *,
    table: LineTable | None = None,
    engine: ClusterEngine | None = None,
) -> LineAnalysis:
    """Line table and document families of ``texts`` (see :func:`line_table`, :func:`document_families`).

    Parameters
    ----------
    texts : sequence of str
    options : BoilerplateOptions
    table : LineTable, optional
        ``line_table(texts, options)`` computed elsewhere (for example batch by batch on
        workers and joined with :func:`concat_line_tables`).
    engine : callable, optional
        Computes document clusters, with the signature and results of
        :func:`dedup.near.cluster_views` (the default); :mod:`dedup.distributed`
        passes one that runs on Ray.
    """
    table = line_table(texts, options) if table is None else table
    return analyse_table(table, np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)), options, engine)


def analyse_table(
    table: LineTable, lengths: np.ndarray, options: BoilerplateOptions = BoilerplateOptions(), engine: ClusterEngine | None = None
) -> LineAnalysis:
    """The :class:`LineAnalysis` of a line table built without the texts at hand (batch by batch).

    Parameters
    ----------
    table : LineTable
        Of all ``len(lengths)`` documents.
    lengths : np.ndarray
        int64 ``[n_docs]``, the documents' lengths.
    options : BoilerplateOptions
    engine : callable, optional
        As for :func:`analyse_lines`.
    """
    n_docs = int(lengths.size)
    return LineAnalysis(table, document_families(table, n_docs, options, engine), n_docs, lengths)


def boilerplate_free_views(
    texts: Sequence[str], options: BoilerplateOptions = BoilerplateOptions(), analysis: LineAnalysis | None = None
) -> DocumentViews:
    """Matching views of the documents without their boilerplate lines (``texts`` is read only without ``analysis``)."""
    analysis = analysis or analyse_lines(texts, options)
    kind = classify_lines(analysis.table, analysis.families, options)
    return document_views(analysis.table, analysis.n_docs, kind == "")


def find_boilerplate(
    texts: Iterable[str], *, options: BoilerplateOptions | None = None, analysis: LineAnalysis | None = None, **kwargs
) -> list[Boilerplate]:
    """Boilerplate line families of a collection.

    Parameters
    ----------
    texts : iterable of str
    options : BoilerplateOptions, optional
        Base options; keyword arguments override its fields.
    analysis : LineAnalysis, optional
        From :func:`analyse_lines` on the same texts and options, to reuse it.

    Returns
    -------
    list of Boilerplate
        In order of first occurrence.
    """
    opts = BoilerplateOptions.from_kwargs(options, **kwargs)
    texts = check_texts(texts)
    analysis = analysis or analyse_lines(texts, opts)
    return boilerplate_families(analysis.table, classify_lines(analysis.table, analysis.families, opts))
