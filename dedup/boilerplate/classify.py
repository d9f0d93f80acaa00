"""Lines to kinds: recurring lines, templates, markers, page furniture and web-page furniture, with the
exemptions for lines that merely repeat a cut of the same paragraph (:mod:`dedup.boilerplate.overlap`;
:func:`classify_lines`)."""

from __future__ import annotations

import re

import numpy as np

from ..arrays import group_ids, sorted_unique
from ..linemarks import ends_sentence, figure_lines, label_lines
from ..lines import LineTable, in_numeric_table
from ..store import take, take_rows
from .base import CONTENT, KIND, BoilerplateOptions, kind_names
from .families import SharesMemo, _doc_frequency, _families
from .overlap import _beside, _cut_at_edges, _neighbours_differ, _overlap_context, _quoted, _same_run
from .pages import _WEB_PAGE, PageLines, _classify_web_pages, page_lines
from .sentences import _figure_sentences, _kept_once, _prose, _said


def _heading_own_content(
    table: LineTable, kind: np.ndarray, cross_family: np.ndarray, line_family: np.ndarray
) -> np.ndarray:
    """Recurring lines that are content where they head their own story.

    A story's title recurs across families as a link (related articles, previous /
    next) but is content in its own family, where a longer content line follows it; so does its lead paragraph
    (prose, :func:`_prose`, recurring by its exact view), shown as a teaser on listing pages, where any content line
    follows it.
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
    heads = cross_family & same_doc_next & (kind[next_index] == CONTENT)
    longer = table.view_len[next_index] > table.view_len
    heads &= longer | _prose(table, heads & ~longer & (kind == KIND["recurring"]))  # a title, or a story's lead
    if not heads.any():
        return heads
    heading_families = _doc_frequency(table.masked[heads], line_family[heads])
    keep = np.zeros(m, dtype=bool)
    keep[np.flatnonzero(heads)[heading_families == 1]] = True
    return keep


_BARE_NUMBER = re.compile(r"\d{1,4}")


def in_figure_column(table: LineTable, rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` (bool ``[m]``) are bare numbers (one to four digits alone on a line, ``1200``) with a
    figure (:func:`dedup.linemarks.figure_lines`) on the line before or after in their document: bool ``[m]``.

    PDF text prints a table's cells a line each (``税收收入`` / ``1237`` / ``4.8``); its whole numbers then look
    like page numbers, which stand alone between a page's text and the next page's head.
    """
    out = np.zeros(len(table), dtype=bool)
    chosen = np.flatnonzero(rows)
    if not chosen.size:
        return out
    match = _BARE_NUMBER.fullmatch
    chosen = chosen[[match(text.strip()) is not None for text in take(table.texts, chosen)]]
    sides = [_beside(table, chosen, step) for step in (-1, 1)]  # the lines before and after, in the same document
    near = sorted_unique(np.concatenate([lines[inside] for lines, inside in sides]))
    figure = np.zeros(len(table), dtype=bool)
    figure[near] = figure_lines(take(table.texts, near))
    for lines, inside in sides:
        out[chosen[inside]] |= figure[lines[inside]]
    return out


# A subtitle's timing (SRT: 00:00:01,000 --> 00:00:03,500; WebVTT: 00:01.000 --> 00:03.500).
_CUE_TIMING = re.compile(r"(?:\d{1,2}:)?\d{1,2}:\d{2}[,.]\d{1,3}\s*-->\s*(?:\d{1,2}:)?\d{1,2}:\d{2}[,.]\d{1,3}\b.*")


def opens_a_cue(table: LineTable, rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` (bool ``[m]``) are followed in their document by a subtitle's timing (:data:`_CUE_TIMING`):
    the cue numbers of an SRT file (``1`` / ``00:00:01,000 --> 00:00:03,000`` / text), no page numbers. bool ``[m]``."""
    out = np.zeros(len(table), dtype=bool)
    chosen = np.flatnonzero(rows)
    near, inside = _beside(table, chosen, 1)
    match = _CUE_TIMING.fullmatch
    out[chosen[inside]] = [match(text.strip()) is not None for text in take(table.texts, near[inside])]
    return out


def _page_furniture(table: LineTable) -> tuple[np.ndarray, np.ndarray]:
    """Page-number lines and running heads: two bool ``[m]`` masks. A bare number beside a figure is a table's
    cell (:func:`in_figure_column`), and one before a subtitle's timing a cue's number (:func:`opens_a_cue`): no page
    numbers."""
    page_number, running = table.page_number, table.running_head
    page_number = page_number & ~in_figure_column(table, page_number) & ~opens_a_cue(table, page_number)
    short_plain = table.head_like & ~page_number
    same_doc_prev = np.concatenate(([False], table.doc[1:] == table.doc[:-1]))
    same_doc_next = np.concatenate((table.doc[:-1] == table.doc[1:], [False]))
    after_number = same_doc_prev & np.concatenate(([False], page_number[:-1]))
    before_number = same_doc_next & np.concatenate((page_number[1:], [False]))
    head = running | (short_plain & (after_number | before_number))
    return page_number, head


def classify_lines(
    table: LineTable,
    families: np.ndarray,
    options: BoilerplateOptions = BoilerplateOptions(),
    pages: PageLines | None = None,
    *,
    own: np.ndarray | None = None,
    codes: bool = False,
) -> np.ndarray:
    """Boilerplate kind of every line, or "" for content.

    Parameters
    ----------
    table : LineTable
    families : np.ndarray
        int64 ``[n_docs]``, the family of each document (see :func:`document_families`).
    options : BoilerplateOptions
    pages : PageLines, optional
        :func:`dedup.boilerplate.pages.page_lines` of ``table`` with ``options``, when
        tabulating made it (otherwise the web-page classifier runs here).
    own : np.ndarray, optional
        :func:`document_kinds` of ``table`` with ``options`` (codes), when the caller has them.
    codes : bool
        Return the kinds as every step of the classification holds them: uint8 codes, indices into
        :data:`dedup.boilerplate.base.LINE_KINDS` (0 for content).

    Returns
    -------
    np.ndarray
        str ``[m]``, a :data:`KINDS` entry or ``""``; with ``codes``, uint8 ``[m]``.
    """
    if pages is None:  # made here once: the markers read which documents are pages, and the classifier runs
        pages = page_lines(table, options)
    kind = page_kinds(table, _corpus_kinds(table, families, options, own, pages), options, pages)
    return kind if codes else kind_names(kind)


def page_kinds(
    table: LineTable, known: np.ndarray, options: BoilerplateOptions, pages: PageLines | None = None
) -> np.ndarray:
    """``known`` (uint8 ``[m]``, the collection's kinds: not changed) with the web-page classifier's kinds added
    under ``options``, from ``pages`` (:func:`dedup.boilerplate.pages.page_lines` of ``table``) when given."""
    kind = known.copy()
    if options.webpage is not False:
        _classify_web_pages(table, kind, options, pages)
    return kind


def _recurrable(table: LineTable, options: BoilerplateOptions) -> np.ndarray:
    """Lines short enough to be boilerplate, with a view to key them by, and no dialogue, figure or code
    (:attr:`dedup.lines.LineTable.speech`): bool ``[m]``."""
    return (table.end - table.start <= options.max_line_chars) & (table.view_len > 0) & ~table.speech


def _min_docs(families: np.ndarray, options: BoilerplateOptions) -> int:
    """Families a line's masked view, head or tail must recur in (``min_docs``, or ``min_doc_fraction`` of them)."""
    return max(options.min_docs, int(np.ceil(options.min_doc_fraction * sorted_unique(families).size)))


def _corpus_kinds(
    table: LineTable,
    families: np.ndarray,
    options: BoilerplateOptions,
    own: np.ndarray | None = None,
    pages: PageLines | None = None,
    shares: SharesMemo | None = None,
) -> np.ndarray:
    """:func:`classify_lines` without the web-page classifier: the kinds the collection shows.

    Three steps: what each document shows of itself (:func:`document_kinds`), what the
    collection shows, read on the lines whose keys recur across families and their
    neighbours only (:func:`shared_rows`, :func:`collection_kinds`: every other line is
    content to it), and the page furniture of each document. ``shares``: see :func:`collection_kinds`.
    """
    kind = document_kinds(table, options, pages) if own is None else own.copy()
    if not len(table):
        return kind
    frequencies = key_frequencies(table, families)
    rows = _shared_rows(frequencies, families, options)
    if rows.size:
        counts = tuple(f[rows] for f in frequencies)
        shared = take_rows(table, rows, lazy=True)  # the few strings its evidence compares are read when asked
        kind[rows] = collection_kinds(shared, families, options, kind[rows], shares=shares, frequencies=counts)
    return furniture_kinds(table, kind, options)


def document_kinds(table: LineTable, options: BoilerplateOptions, pages: PageLines | None = None) -> np.ndarray:
    """Kinds each document shows of itself: templates and markers repeated within it.

    Document by document (a table of some documents gives those documents' rows of the
    table of all). ``pages``: which documents are web pages (:func:`dedup.boilerplate.pages.page_lines`;
    None: none is), where every copy of a marker goes; elsewhere a marker that is no bracketed label keeps
    its first copy.

    Returns
    -------
    np.ndarray
        uint8 ``[m]``: the codes of "template", "marker" or "" (:data:`dedup.boilerplate.base.LINE_KINDS`).
    """
    kind = np.zeros(len(table), dtype=np.uint8)
    if not len(table) or not options.within_document:
        return kind
    recurrable = _recurrable(table, options)
    # A template line is a single sentence at most (body paragraphs run to several),
    # and within a document it is a paragraph of its own, not a piece of a wrapped one.
    templatable = recurrable & table.standalone & table.one_sentence
    within = templatable & (table.masked != table.exact)
    templates = _families(table, table.masked, within, options, by_doc=True)
    for affix in (table.head, table.tail):
        templates |= _families(table, affix, templatable & (affix != 0), options, by_doc=True)
    # A family repeated within a document only counts if its members are not exact copies of each other.
    exact_dup_within = group_ids(table.exact, table.doc)
    dup_sizes = np.bincount(exact_dup_within)
    kind[templates & (dup_sizes[exact_dup_within] < 2)] = KIND["template"]

    short_repeat = recurrable & (table.view_len <= options.marker_chars) & (dup_sizes[exact_dup_within] >= 2)
    candidates = np.flatnonzero(short_repeat)
    texts = take(table.texts, candidates)  # read once: the markers are among these rows
    # A marker is a label ([CNBC], YesNo, 3小时前), not a sentence: a short sentence printed twice is a
    # repeated passage, whose first copy stays.
    short_repeat[candidates[ends_sentence(texts)]] = False
    # Every copy of such a line but a copy that is code (a fence "```python" has the view of a heading "### Python"):
    # no line rule takes code.
    marker = _neighbours_differ(table, exact_dup_within, exact_dup_within[short_repeat]) & ~table.code
    # Off web pages a line repeated within a document — a refrain, a headline printed again, an issue
    # line — keeps its first copy; a bracketed label (【正文】, [CNBC]) goes whole, as on pages; and an item, a field
    # or a label of a transcript, a questionnaire or a form (A. 正确, 性别：男, 记者：) is none: it stays every time.
    label = np.zeros(len(table), dtype=bool)
    label[candidates] = [_BRACKETED.fullmatch(text.strip()) is not None for text in texts]
    web = np.zeros(len(table), dtype=bool) if pages is None else pages.state == _WEB_PAGE
    structure = np.zeros(len(table), dtype=bool)
    structure[candidates] = label_lines(texts)
    marker &= ~(structure & ~web)
    marker &= ~speaker_lines(table, marker & ~web & ~label, exact_dup_within)
    kept = np.flatnonzero(marker & ~web & ~label)
    marker[kept[np.unique(exact_dup_within[kept], return_index=True)[1]]] = False  # each group's first copy
    kind[marker] = KIND["marker"]
    return kind


def speaker_lines(table: LineTable, chosen: np.ndarray, group: np.ndarray | None = None) -> np.ndarray:
    """The ``chosen`` rows (bool ``[m]``) that name a speaker: copies of a line whose every copy has other
    neighbours (:func:`_neighbours_differ`), in documents where two such lines alternate, one's copy between two of
    another's (``张三`` / ``李四`` / ``张三``: a chat's speakers, each naming what follows), the names a fifth of
    their document's lines or more (:data:`SPEAKER_SHARE`): bool ``[m]``. A refrain, a headline printed again or an
    issue line repeats alone. ``group``: each row's group of copies in its document (``group_ids(table.exact,
    table.doc)``), when the caller has it."""
    out = np.zeros(len(table), dtype=bool)
    if np.count_nonzero(chosen) < 3:
        return out
    group = group_ids(table.exact, table.doc) if group is None else group
    chosen = chosen & (np.bincount(group)[group] >= 2)  # lines their document repeats
    rows = np.flatnonzero(chosen & _neighbours_differ(table, group, sorted_unique(group[chosen])))
    if rows.size < 3:
        return out
    d, g = table.doc[rows], group[rows]
    within = d[1:] == d[:-1]
    size = int(table.doc.max()) + 1
    turns = np.bincount(d[1:][within & (g[1:] != g[:-1])], minlength=size)
    # A B A turns twice (a group's runs, A A B B, once), and the names are a fifth of their document's lines or more:
    # a transcript is made of turns, while a page's items that happen to alternate are a few of its many lines.
    share = np.bincount(d, minlength=size) >= SPEAKER_SHARE * np.bincount(table.doc, minlength=size)
    out[rows] = (turns[d] >= 2) & share[d]
    return out


#: The share of a document's lines that speakers' names (:func:`speaker_lines`) must make at least.
SPEAKER_SHARE = 0.2


_BRACKETED = re.compile(r"[【\[［〔(（<＜「『《][^\n]{0,30}[】\]］〕)）>＞」』》]")


def shared_rows(table: LineTable, families: np.ndarray, options: BoilerplateOptions) -> np.ndarray:
    """The rows the collection's evidence may concern: int64 ``[k]``, increasing.

    Lines whose exact key occurs in two families or more, or whose masked view, head or tail
    occurs in ``min_docs`` families or more (:func:`_min_docs`), and the line before and
    after each. Every occurrence of such a key is among them, so counting families on them
    counts them on the whole table; the neighbours are the text around each run of
    recurring lines that :func:`collection_kinds` reads.
    """
    if not len(table):
        return np.zeros(0, dtype=np.int64)
    return _shared_rows(key_frequencies(table, families), families, options)


def key_frequencies(table: LineTable, families: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The families each line's exact, masked, head and tail key occurs in (int64 ``[m]`` each; 0 for a head or tail
    that is 0): what :func:`shared_rows` and :func:`collection_kinds` compare with their thresholds."""
    line_family = families[table.doc]
    out = [_doc_frequency(table.exact, line_family), _doc_frequency(table.masked, line_family)]
    for affix in (table.head, table.tail):
        some = np.flatnonzero(affix != 0)
        frequency = np.zeros(len(table), dtype=np.int64)
        frequency[some] = _doc_frequency(affix[some], line_family[some])
        out.append(frequency)
    return out[0], out[1], out[2], out[3]


def _shared_rows(frequencies: tuple[np.ndarray, ...], families: np.ndarray, options: BoilerplateOptions) -> np.ndarray:
    """:func:`shared_rows` from the table's :func:`key_frequencies`."""
    exact, masked, head, tail = frequencies
    min_docs = _min_docs(families, options)
    return with_neighbours((exact >= 2) | (masked >= min_docs) | (head >= min_docs) | (tail >= min_docs))


def with_neighbours(shared: np.ndarray) -> np.ndarray:
    """The rows of ``shared`` (bool ``[m]``) and the row before and after each: int64 ``[k]``, increasing.

    Only neighbours in the same document matter to :func:`collection_kinds`, so a table of
    some documents gives the rows the whole table's would hold of them.
    """
    near = shared.copy()
    near[1:] |= shared[:-1]
    near[:-1] |= shared[1:]
    return np.flatnonzero(near)


def collection_kinds(
    table: LineTable,
    families: np.ndarray,
    options: BoilerplateOptions,
    kind: np.ndarray,
    shapes: tuple[np.ndarray, np.ndarray] | None = None,
    shares: SharesMemo | None = None,
    frequencies: tuple[np.ndarray, ...] | None = None,
) -> np.ndarray:
    """Kinds the collection shows: lines recurring across families of documents, and their templates.

    A line recurring across families is boilerplate, unless it recurs because its documents
    overlap (excerpts of one text): then it is content, kept where first seen.

    Parameters
    ----------
    table : LineTable
        The whole table's :func:`shared_rows` (or the whole table: the same kinds).
    families : np.ndarray
        int64 ``[n_docs]``, the family of every document of the collection.
    options : BoilerplateOptions
    kind : np.ndarray
        uint8 ``[m]``, the rows' :func:`document_kinds`.
    shapes : (np.ndarray, np.ndarray), optional
        :func:`dedup.linemarks.row_shapes` of the rows, when they were made where the texts are (the rows' texts
        are then not read).
    shares : dict, optional
        Shares of n-grams measured by an earlier classification of the same lines (read and added to:
        :func:`dedup.boilerplate.families.units_shares`).
    frequencies : tuple of np.ndarray, optional
        The rows' :func:`key_frequencies` counted on the whole table, when the caller has them. On the shared rows
        they may exceed the rows' own counts only for keys under every threshold (every occurrence of a key that
        reaches one is among the rows), so the comparisons come out the same; else counted here.

    Returns
    -------
    np.ndarray
        uint8 ``[m]``: ``kind`` with the collection's kinds added.
    """
    own, kind = kind, kind.copy()
    recurrable = _recurrable(table, options)
    min_docs = _min_docs(families, options)
    line_family = families[table.doc]
    one_sentence = table.one_sentence
    exact_df, masked_df, *affix_df = key_frequencies(table, families) if frequencies is None else frequencies
    recurs = recurrable & ((exact_df >= min_docs) | (masked_df >= min_docs))
    # A line is judged by its own copies first, so that a paragraph of overlapping excerpts
    # is not taken again as a template by its masked view or its head (a dateline).
    repeated = recurrable & (exact_df >= 2)
    overlapping = _overlap_context(table, table.exact, repeated, recurs) | _cut_at_edges(table, repeated)
    overlapping |= recurs & _same_run(table, repeated, overlapping)
    overlapping |= _quoted(table, repeated & ~overlapping, line_family, recurs)  # alone: no run of quotes
    # A table of figures is the same masked lines (and header) in every report of a series: its slots are the data.
    in_table = in_numeric_table(table, recurs, shapes)
    # So is a sentence said in running text (dialogue's 谢谢。, every episode's): beside other lines each time.
    in_table |= _said(table, recurrable & (exact_df >= min_docs) & ~overlapping & ~in_table)
    recurring = recurrable & (exact_df >= min_docs) & ~overlapping & ~in_table
    masked = recurrable & ~recurring & ~overlapping & (masked_df >= min_docs) & ~in_table
    masked &= ~_overlap_context(table, table.masked, masked, recurs | masked)
    # And a sentence of figures (a market report's closing prices): the same sentence, other figures each day.
    masked &= ~_figure_sentences(table, masked)
    cross_family = recurring | masked
    kind[recurring] = KIND["recurring"]
    kind[masked] = KIND["template"]
    for affix, frequency in zip((table.head, table.tail), affix_df):
        candidates = (
            recurrable & one_sentence & ~overlapping & (affix != 0) & (frequency >= min_docs) & (kind == CONTENT)
        )
        candidates &= ~_overlap_context(table, affix, candidates, recurs | candidates) & ~in_table
        in_family = _families(table, affix, candidates, options, False, line_family, shares)
        in_family &= ~_figure_sentences(table, in_family)
        kind[in_family] = KIND["template"]
        cross_family |= in_family
    # A heading kept as content is kept from the collection's evidence only: what its
    # document shows of itself (a marker repeated within it) stands, as it would alone.
    heading = _heading_own_content(table, kind, cross_family, line_family)
    kind[heading] = own[heading]
    once = _kept_once(table, kind, recurring)
    kind[once] = own[once]
    return kind


def furniture_kinds(table: LineTable, kind: np.ndarray, options: BoilerplateOptions) -> np.ndarray:
    """``kind`` (uint8 ``[m]``, changed in place and returned) with each document's page numbers and running heads."""
    if options.page_furniture and len(table):
        page_number, head = _page_furniture(table)
        kind[head & ~table.code] = KIND["running-head"]
        kind[page_number & ~table.code] = KIND["page-number"]
    return kind
