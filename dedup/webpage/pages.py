"""Whole pages: the evidence that a document is a web page (``looks_like_webpage``) and the spans its boilerplate lines
take."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..segment import segment
from .base import _F, WebpageOptions, _default_options, _keeping_titles
from .classes import _furniture_kinds, classify_page_lines
from .features import line_features


@dataclass(frozen=True)
class PageEvidence:
    """What :func:`looks_like_webpage` weighs.

    Attributes
    ----------
    lines : int
        Non-blank lines.
    short_share : float
        Share of lines below ``short_size``.
    furniture : int
        Lines matching a navigation, share, copyright or breadcrumb pattern, or a menu.
    """

    lines: int
    short_share: float
    furniture: int


def page_evidence(
    lines: Sequence[str], options: WebpageOptions | None = None, views: Sequence[str] | None = None
) -> PageEvidence:
    """The evidence :func:`looks_like_webpage` decides on (``views``: as for :func:`looks_like_webpage`)."""
    opts = options or _default_options()
    blank = [not line.strip() for line in lines]
    if any(blank):
        lines = [line for line, b in zip(lines, blank) if not b]
        views = None if views is None else [view for view, b in zip(views, blank) if not b]
    if not lines:
        return PageEvidence(0, 0.0, 0)
    features = line_features(lines, opts, views)
    furniture = _furniture_kinds(features, _keeping_titles(opts))
    short = features[:, _F["size"]] < opts.short_size
    return PageEvidence(len(lines), float(short.mean()), int((furniture != "").sum()))


_MIN_FURNITURE_LINES = 3
_MIN_FURNITURE_SHARE = 0.03
_MIN_SHORT_SHARE = 0.2
_MANY_FURNITURE_SHARE = 0.1


def looks_like_webpage(
    lines: Sequence[str], options: WebpageOptions | None = None, views: Sequence[str] | None = None
) -> bool:
    """Whether lines look like the text of a web page (menus, labels, footers …).

    True when at least ``max(3, 3 %)`` of the non-blank lines match a navigation, share,
    copyright or breadcrumb pattern or look like a menu, and either at least a fifth of
    the lines are short or a tenth match. Articles, books, PDF text and news copy have
    next to no such lines, so the page classifier stays off for them by default.

    Parameters
    ----------
    lines : sequence of str
        The text's lines (blank ones are ignored).
    options : WebpageOptions, optional
    views : sequence of str, optional
        ``reading_views(lines)``, when the caller made them for many pages at once.

    Returns
    -------
    bool
    """
    evidence = page_evidence(lines, options, views)
    return evidence.furniture >= max(_MIN_FURNITURE_LINES, _MIN_FURNITURE_SHARE * evidence.lines) and (
        evidence.short_share >= _MIN_SHORT_SHARE or evidence.furniture >= _MANY_FURNITURE_SHARE * evidence.lines
    )


def webpage_boilerplate_spans(
    text: str, options: WebpageOptions | None = None, known_boilerplate: np.ndarray | None = None
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Boilerplate lines of one page's text, in the text's coordinates.

    Parameters
    ----------
    text : str
        The page text; its lines are its non-blank lines (``dedup.segment.segment(text,
        "line")``), each without surrounding whitespace.
    options : WebpageOptions, optional
    known_boilerplate : np.ndarray, optional
        bool ``[lines]``, see :func:`classify_page_lines`.

    Returns
    -------
    spans : np.ndarray
        int64 ``[k, 2]``: ``[start, end)`` of every boilerplate line, in order.
    kinds : tuple of str
        The kind of each (see :data:`KINDS`).
    """
    line_spans = segment(text, "line")
    lines = [text[s:e] for s, e in line_spans.tolist()]
    labels, kinds = classify_page_lines(lines, options, known_boilerplate)
    chosen = np.flatnonzero(labels)
    return line_spans[chosen].astype(np.int64).reshape(-1, 2), tuple(kinds[i] for i in chosen.tolist())
