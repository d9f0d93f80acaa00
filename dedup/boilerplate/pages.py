"""The web-page documents of a line table: which look like pages, and the page classifier's kinds for their
lines (:func:`_classify_web_pages`), the line model run once over all pages of a group."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ..arrays import concat_ranges
from ..lines import LineTable
from ..store import take
from ..webpage import classify_page_lines, looks_like_webpage, notice_page, reading_views
from ..webpage.base import _F, WebpageOptions
from ..webpage.classes import combine_page_evidence, model_page_evidence
from ..webpage.features import complete_features, pages_line_features, view_keys
from ..webpage.pages import _NOTICE_CHARS, _NOTICE_LINES, _NOTICE_SIZE, pages_look_like_webpages
from .base import CONTENT, KIND, BoilerplateOptions, kind_codes, kind_names

_PAGE_LINES = 1 << 15  # lines whose texts and reading views are held at once


def _page_groups(
    texts: Sequence[str], starts: np.ndarray, ends: np.ndarray, reading: Sequence[str] | None = None
) -> Iterator[tuple[np.ndarray, list[str], list[str]]]:
    """``(line bounds, lines, reading views)`` of groups of the pages ``[starts[i], ends[i])`` of ``texts``.

    Pages are read and viewed in groups of about ``_PAGE_LINES`` lines, one
    :func:`dedup.webpage.reading_views` call a group (one a page costs ~0.4 ms), unless
    ``reading`` holds the reading views of ``texts`` already. The bounds are int64
    ``[pages + 1]``, in table rows.
    """
    sizes = ends - starts
    group_of = (np.cumsum(sizes) - sizes) // _PAGE_LINES  # non-decreasing
    new_group = np.ones(len(sizes), dtype=bool)
    new_group[1:] = group_of[1:] != group_of[:-1]
    bounds = np.append(np.flatnonzero(new_group), len(sizes))
    for first, last in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        pages = np.arange(first, last)
        rows = concat_ranges(starts[pages], sizes[pages])
        lines = take(texts, rows)
        yield (
            np.append(starts[pages], ends[last - 1]),
            lines,
            reading_views(lines) if reading is None else take(reading, rows),
        )


@dataclass(frozen=True)
class PageLines:
    """What the web-page classifier says of every line of a line table, each document judged from
    its own lines alone (:func:`page_lines`): what tabulating a batch can find before the
    collection is known. Rows are the line table's.

    Attributes
    ----------
    state : np.ndarray
        uint8 ``[m]``: 0 the line's document is not classified as a page, 1 it is a web page,
        2 it is a notice page (nothing to keep).
    label : np.ndarray
        bool ``[m]``: the line model's label (:func:`dedup.webpage.classes.model_page_evidence`).
    kind : np.ndarray
        uint8 ``[m]``: the kind the patterns name, a code of :data:`dedup.boilerplate.base.LINE_KINDS`.
    title : np.ndarray
        bool ``[m]``: the line is its page's title.
    """

    state: np.ndarray
    label: np.ndarray
    kind: np.ndarray
    title: np.ndarray


_NOT_A_PAGE, _WEB_PAGE, _NOTICE_PAGE = 0, 1, 2


def no_page_lines() -> PageLines:
    """The :class:`PageLines` of no lines."""
    return PageLines(np.zeros(0, np.uint8), np.zeros(0, bool), np.zeros(0, np.uint8), np.zeros(0, bool))


def judged_alone(options: BoilerplateOptions) -> bool:
    """Whether :func:`page_lines` judges documents under ``options`` (the web-page line model runs)."""
    return options.webpage is not False and options.webpage_options.method == "model"


def page_lines(table: LineTable, options: BoilerplateOptions, reading: Sequence[str] | None = None) -> PageLines | None:
    """What the web-page classifier says of each document of ``table`` from its own lines, or None when it
    is not run (``webpage=False``) or needs the corpus evidence (``method="rules"``). ``reading``: the
    reading views of the table's lines (:func:`dedup.webpage.reading_views`), when the caller has them.

    The classifier's costly part (line features, the page check, the line model) reads a
    document's lines only, so it can run batch by batch, where the lines are tabulated;
    :func:`_classify_web_pages` adds the corpus evidence when the collection is planned.
    """
    if not judged_alone(options):
        return None
    m = len(table)
    state, label = np.full(m, _NOT_A_PAGE, np.uint8), np.zeros(m, bool)
    kind, title = np.zeros(m, np.uint8), np.zeros(m, bool)
    for rows, lines, _, features, web, notice in _judged_groups(table, options, reading):
        for p in np.flatnonzero(notice).tolist():
            state[rows[p] : rows[p + 1]] = _NOTICE_PAGE
        chosen = np.flatnonzero(web)
        if not chosen.size:
            continue
        local, sub_bounds = _lines_of(rows - rows[0], chosen)
        labels, kinds = model_page_evidence(take(lines, local), features[local], sub_bounds, options.webpage_options)
        table_rows = rows[0] + local
        state[table_rows] = _WEB_PAGE
        label[table_rows] = labels
        kind[table_rows] = kind_codes(kinds)
        title[table_rows] = features[local, _F["title"]] > 0
    return PageLines(state, label, kind, title)


def _lines_of(bounds: np.ndarray, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The lines of the ``chosen`` pages of a group (int64 ``[k]``, group rows) and their bounds among
    them (int64 ``[len(chosen) + 1]``); the group's pages are ``bounds`` (int64 ``[pages + 1]``)."""
    sizes = np.diff(bounds)[chosen]
    return concat_ranges(bounds[chosen], sizes), np.concatenate(([0], np.cumsum(sizes)))


def _judged_groups(
    table: LineTable, options: BoilerplateOptions, reading: Sequence[str] | None = None
) -> Iterator[tuple[np.ndarray, list[str], list[str], np.ndarray, np.ndarray, np.ndarray]]:
    """``(rows, lines, views, features, web, notice)`` of groups of the documents of ``table``.

    ``rows`` (int64 ``[pages + 1]``) bound the group's documents in table rows, ``features``
    are their lines' (float64 ``[lines, len(FEATURES)]``; all of them on the pages of ``web``,
    what the page check reads on the others), ``web`` and ``notice`` (bool ``[pages]``) which
    documents look like web pages (or are forced to with ``webpage=True``) and which are
    notice pages (never web pages).
    """
    starts = np.flatnonzero(np.concatenate(([True], table.doc[1:] != table.doc[:-1])))
    ends = np.append(starts[1:], len(table))
    wopts = options.webpage_options
    for rows, lines, views in _page_groups(table.texts, starts, ends, reading):
        bounds = rows - rows[0]
        # What the checks read, for every document; all features for those that pass them.
        keys = view_keys(views)  # each distinct view is read once, by the check and by the features it leaves
        features = pages_line_features(lines, bounds, wopts, views, check=not options.webpage, keys=keys)
        sizes = np.diff(bounds)
        page = np.repeat(np.arange(sizes.size), sizes)
        blank = np.bincount(page, weights=features[:, _F["chars"]] == 0, minlength=sizes.size) > 0
        page_chars = np.bincount(page, weights=np.fromiter(map(len, lines), np.float64, len(lines)))
        may_be_notice = blank | ((sizes <= _NOTICE_LINES) & (page_chars <= _NOTICE_CHARS))
        # Every line of a notice page is a label or of a notice's size (notice_page; a line's size and sentence ends
        # are its own, whatever else its page holds): a page with another line is none.
        size, ends = features[:, _F["size"]], features[:, _F["sentence_ends"]]
        other = ~(((size <= wopts.max_label_size) & (ends == 0)) | (size <= _NOTICE_SIZE))
        may_be_notice &= np.bincount(page, weights=other, minlength=sizes.size) == 0
        web = np.ones(sizes.size, dtype=bool) if options.webpage else pages_look_like_webpages(features, bounds, wopts)
        notice = np.zeros(sizes.size, dtype=bool)
        for p in np.flatnonzero(may_be_notice | blank).tolist():
            a, b = int(bounds[p]), int(bounds[p + 1])
            if may_be_notice[p] and notice_page(lines[a:b], views[a:b], wopts, features[a:b]):  # nothing to keep
                notice[p], web[p] = True, False
            elif blank[p] and options.webpage is None:  # blank lines do not count: the page check drops them
                web[p] = looks_like_webpage(lines[a:b], wopts, views[a:b], features[a:b])
        chosen = np.flatnonzero(web)
        if not options.webpage and chosen.size:
            local, sub_bounds = _lines_of(bounds, chosen)
            chosen_features = features[local]
            complete_features(chosen_features, take(views, local), sub_bounds, wopts, keys[local])
            features[local] = chosen_features
        yield rows, lines, views, features, web, notice


def _classify_web_pages(
    table: LineTable, kind: np.ndarray, options: BoilerplateOptions, pages: PageLines | None = None
) -> None:
    """Give the page classifier's kinds to the still-unclassified lines of web-page documents (in place).

    ``pages``: :func:`page_lines` of ``table`` with ``options``, when tabulating made it.
    """
    if len(table) == 0:
        return
    # Every document that looks like a web page is classified from its own text, whatever
    # else shares the call; the corpus evidence (lines recurring across families) is added
    # to it, so more pages in a call can only add evidence, never switch the page model off.
    if pages is None:
        pages = page_lines(table, options)
    if pages is not None:  # the line model: the pages' own evidence, and what is known
        if len(pages.state) != len(table):
            raise ValueError(f"page lines of {len(pages.state)} lines for a table of {len(table)}")
        open_notice = (pages.state == _NOTICE_PAGE) & (kind == CONTENT)
        kind[open_notice] = KIND["notice"]
        rows = np.flatnonzero(pages.state == _WEB_PAGE)
        if not rows.size:
            return
        new_doc = np.concatenate(([True], table.doc[rows[1:]] != table.doc[rows[:-1]]))
        bounds = np.append(np.flatnonzero(new_doc), rows.size)
        known = kind[rows] != CONTENT
        labels, page_kind = combine_page_evidence(
            pages.label[rows], kind_names(pages.kind[rows]), pages.title[rows], options.webpage_options, known
        )
        _give_kinds(table, kind, rows, bounds, labels, kind_codes(page_kind))
        return
    wopts = options.webpage_options
    for rows, lines, views, features, web, notice in _judged_groups(table, options):
        for p in np.flatnonzero(notice).tolist():
            lo, hi = int(rows[p]), int(rows[p + 1])
            kind[lo:hi][kind[lo:hi] == CONTENT] = KIND["notice"]
        chosen = np.flatnonzero(web)
        if not chosen.size:
            continue
        local, sub_bounds = _lines_of(rows - rows[0], chosen)
        known = kind[rows[0] + local] != CONTENT
        labels, page_kind = _rule_page_lines(lines, views, features, rows - rows[0], chosen, known, wopts)
        _give_kinds(table, kind, rows[0] + local, sub_bounds, labels, kind_codes(page_kind))


def _rule_page_lines(
    lines: list[str],
    views: list[str],
    features: np.ndarray,
    bounds: np.ndarray,
    chosen: np.ndarray,
    known: np.ndarray,
    options: WebpageOptions,
) -> tuple[np.ndarray, np.ndarray]:
    """The hand rules' labels and kinds for the ``chosen`` pages of a group, page by page (bool, str ``[k]``)."""
    labels, kinds, at = [], [], 0
    for p in chosen.tolist():
        a, b = int(bounds[p]), int(bounds[p + 1])
        page_labels, page_kinds = classify_page_lines(
            lines[a:b], options, known_boilerplate=known[at : at + b - a], views=views[a:b], features=features[a:b]
        )
        labels.append(page_labels)
        kinds.append(np.array(page_kinds, dtype=object))
        at += b - a
    return np.concatenate(labels), np.concatenate(kinds).astype(str)


def _give_kinds(
    table: LineTable,
    kind: np.ndarray,
    rows: np.ndarray,
    bounds: np.ndarray,
    labels: np.ndarray,
    page_kind: np.ndarray,
) -> None:
    """Give pages' kinds to their open lines (in place).

    ``rows`` (int64 ``[k]``) are the table rows of the pages' lines, page after page,
    ``bounds`` (int64 ``[n_pages + 1]``) the pages in them, ``labels`` (bool ``[k]``) and ``page_kind`` (uint8
    ``[k]``, codes of :data:`dedup.boilerplate.base.LINE_KINDS`) what the classifier said of each.
    """
    k = rows.size
    page = np.repeat(np.arange(bounds.size - 1), np.diff(bounds))
    to_end = bounds[1:][page] - np.arange(k)  # lines from each to its page's end, itself included
    # The classifier's catch-all ("outside the main text") does not take a heading
    # that sits right above kept text, or above one boilerplate line (a dateline,
    # a byline) and then kept text: a title or subheading heads what follows it.
    kept = ~labels
    next_kept = np.zeros(k, dtype=bool)
    next_kept[:-1] = kept[1:] & (to_end[:-1] > 1)
    after_one = np.zeros(k, dtype=bool)
    after_one[:-2] = ~kept[1:-1] & kept[2:] & (to_end[:-2] > 2)
    heads_content = table.head_like_plain[rows] & (next_kept | after_one)
    labels = labels & ~((page_kind == KIND["page-furniture"]) & heads_content)
    open_lines = labels & (kind[rows] == CONTENT) & ~table.code[rows]  # a page's example of code is its text
    kind[rows[open_lines]] = page_kind[open_lines]
