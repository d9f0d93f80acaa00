"""The web-page documents of a line table: which look like pages, and the page classifier's kinds for their
lines (:func:`_classify_web_pages`), the line model run once over all pages of a group."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from ..arrays import concat_ranges
from ..lines import LineTable
from ..store import take
from ..webpage import classify_page_lines, looks_like_webpage, notice_page, reading_views
from ..webpage.base import _F, WebpageOptions
from ..webpage.classes import model_page_lines
from ..webpage.features import pages_line_features
from ..webpage.pages import _NOTICE_CHARS, _NOTICE_LINES, pages_look_like_webpages
from .base import BoilerplateOptions

_PAGE_LINES = 1 << 15  # lines whose texts and reading views are held at once


def _page_groups(
    texts: Sequence[str], starts: np.ndarray, ends: np.ndarray
) -> Iterator[tuple[np.ndarray, list[str], list[str]]]:
    """``(line bounds, lines, reading views)`` of groups of the pages ``[starts[i], ends[i])`` of ``texts``.

    Pages are read and viewed in groups of about ``_PAGE_LINES`` lines, one
    :func:`dedup.webpage.reading_views` call a group (one a page costs ~0.4 ms). The bounds
    are int64 ``[pages + 1]``, in table rows.
    """
    sizes = ends - starts
    group_of = (np.cumsum(sizes) - sizes) // _PAGE_LINES  # non-decreasing
    new_group = np.ones(len(sizes), dtype=bool)
    new_group[1:] = group_of[1:] != group_of[:-1]
    bounds = np.append(np.flatnonzero(new_group), len(sizes))
    for first, last in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        pages = np.arange(first, last)
        lines = take(texts, concat_ranges(starts[pages], sizes[pages]))
        yield np.append(starts[pages], ends[last - 1]), lines, reading_views(lines)


def _classify_web_pages(table: LineTable, kind: np.ndarray, options: BoilerplateOptions) -> None:
    """Give the page classifier's kinds to the still-unclassified lines of web-page documents (in place)."""
    if len(table) == 0:
        return
    starts = np.flatnonzero(np.concatenate(([True], table.doc[1:] != table.doc[:-1])))
    ends = np.append(starts[1:], len(table))
    wopts = options.webpage_options
    # Every document that looks like a web page is classified from its own text, whatever
    # else shares the call; the corpus evidence (lines recurring across families) is added
    # to it, so more pages in a call can only add evidence, never switch the page model off.
    for rows, lines, views in _page_groups(table.texts, starts, ends):
        bounds = rows - rows[0]
        features = pages_line_features(lines, bounds, wopts, views)  # once, for the checks and the pages
        sizes = np.diff(bounds)
        page = np.repeat(np.arange(sizes.size), sizes)
        blank = np.bincount(page, weights=features[:, _F["chars"]] == 0, minlength=sizes.size) > 0
        page_chars = np.bincount(page, weights=np.fromiter(map(len, lines), np.float64, len(lines)))
        may_be_notice = blank | ((sizes <= _NOTICE_LINES) & (page_chars <= _NOTICE_CHARS))
        web = np.ones(sizes.size, dtype=bool) if options.webpage else pages_look_like_webpages(features, bounds, wopts)
        for p in np.flatnonzero(may_be_notice | blank).tolist():
            a, b = int(bounds[p]), int(bounds[p + 1])
            if notice_page(lines[a:b], views[a:b], wopts, features[a:b]):  # nothing to keep, however many copies
                lo, hi = int(rows[p]), int(rows[p + 1])
                kind[lo:hi][kind[lo:hi] == ""] = "notice"
                web[p] = False
            elif blank[p] and options.webpage is None:  # blank lines do not count: the page check drops them
                web[p] = looks_like_webpage(lines[a:b], wopts, views[a:b], features[a:b])
        chosen = np.flatnonzero(web)
        if not chosen.size:
            continue
        local = concat_ranges(bounds[chosen], sizes[chosen])  # the chosen pages' lines, in the group
        table_rows = rows[0] + local
        sub_bounds = np.concatenate(([0], np.cumsum(sizes[chosen])))
        known = kind[table_rows] != ""
        if wopts.method == "model":  # one model run for all pages of the group
            labels, page_kind = model_page_lines(take(lines, local), features[local], sub_bounds, wopts, known)
        else:
            labels, page_kind = _rule_page_lines(lines, views, features, bounds, chosen, known, wopts)
        _give_kinds(table, kind, table_rows, sub_bounds, labels, page_kind.astype(kind.dtype))


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
    ``bounds`` (int64 ``[n_pages + 1]``) the pages in them, ``labels`` and ``page_kind``
    (``[k]``) what the classifier said of each.
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
    labels = labels & ~((page_kind == "page-furniture") & heads_content)
    open_lines = labels & (kind[rows] == "")
    kind[rows[open_lines]] = page_kind[open_lines]
