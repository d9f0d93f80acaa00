"""Whole pages: the evidence that a document is a web page (``looks_like_webpage``) and the spans its boilerplate lines
take."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..segment import segment
from .base import _F, WebpageOptions, _default_options, _keeping_titles
from .classes import _furniture_kinds, classify_page_lines
from .features import line_features, reading_views


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
    lines: Sequence[str],
    options: WebpageOptions | None = None,
    views: Sequence[str] | None = None,
    features: np.ndarray | None = None,
) -> PageEvidence:
    """The evidence :func:`looks_like_webpage` decides on (``views``, ``features``: as there)."""
    opts = options or _default_options()
    blank = [not line.strip() for line in lines]
    if any(blank):
        lines = [line for line, b in zip(lines, blank) if not b]
        views = None if views is None else [view for view, b in zip(views, blank) if not b]
        features = None  # made for other lines
    if not lines:
        return PageEvidence(0, 0.0, 0)
    if features is None:
        features = line_features(lines, opts, views)
    furniture = _furniture_kinds(features, _keeping_titles(opts))
    short = features[:, _F["size"]] < opts.short_size
    return PageEvidence(len(lines), float(short.mean()), int((furniture != "").sum()))


# A page that is only a notice: a platform's hosting disclaimer, content withheld or removed at
# someone's request, a login wall, a missing page. Matched on reading views (NFKC, Simplified,
# lower case).
_NOTICE = re.compile(
    r"仅提供信息存储(?:空间)?服务|"
    r"(?:应|根据|因)(?:版权方|权利人|著作权人|作者|原作者|相关方)的?(?:要求|投诉).{0,12}(?:删除|屏蔽|下架|撤下|不予显示|暂不显示)|"
    r"(?:该|此|本|这篇)(?:内容|文章|视频|页面|帖子|微博|作品|资源)(?:已被|已经|已|因|由于).{0,14}"
    r"(?:删除|屏蔽|下架|无法查看|无法显示|不存在|违规|隐藏)|"
    r"(?:内容|页面|文章)(?:已删除|已被删除|不存在|无法显示|暂时无法查看|找不到|已失效)|"
    r"登录后(?:才能|方可|即可|可以)?(?:查看|阅读|浏览|观看|继续|可见|下载)|^\W*(?:请|需要|须)?先?登录\W*$|"
    r"\b(?:404|403)\b.{0,20}(?:not found|forbidden|页面|错误)|page not found|access denied|"
    r"(?:page|content|video|post|article|story) (?:is|has been|was) "
    r"(?:not available|unavailable|removed|withheld|deleted)|"
    r"(?:withheld|removed) (?:in response to|due to|following) (?:a )?(?:legal|copyright|dmca|court)|"
    r"(?:sign|log) in to (?:continue|view|read|see|access)|you must be (?:logged|signed) in|please (?:log|sign) in"
)
_NOTICE_LINES, _NOTICE_CHARS, _NOTICE_SIZE = 12, 600, 60.0


def notice_page(
    lines: Sequence[str],
    views: Sequence[str] | None = None,
    options: WebpageOptions | None = None,
    features: np.ndarray | None = None,
) -> bool:
    """Whether a document is nothing but a notice: a hosting disclaimer ("本平台仅提供信息存储空间服务"),
    content withheld or removed at a rights holder's request, a login wall, a missing page.

    True when it has at most 12 non-blank lines and 600 characters, one of them is a notice
    (at most 60 size units), and every other line is a short label without a sentence end (登录, 注册, Home).
    Such a page has nothing to keep, whatever other copies a collection holds of it.
    ``views`` and ``features`` are as for :func:`looks_like_webpage`.
    """
    opts = options or _default_options()
    kept: list[int] = []
    for i, line in enumerate(lines):  # a long page is refused at its 13th non-blank line, not after all of them
        if line.strip():
            kept.append(i)
            if len(kept) > _NOTICE_LINES:
                return False
    if not kept or sum(len(lines[i]) for i in kept) > _NOTICE_CHARS:
        return False
    views = reading_views([lines[i] for i in kept]) if views is None else [views[i] for i in kept]
    if features is None or len(kept) != len(lines):  # features were made for other lines
        features = line_features([lines[i] for i in kept], opts, views)
    notices = [
        size <= _NOTICE_SIZE and _NOTICE.search(view) is not None for view, size in zip(views, features[:, _F["size"]])
    ]
    if not any(notices):
        return False
    label = (features[:, _F["size"]] <= opts.max_label_size) & (features[:, _F["sentence_ends"]] == 0)
    return bool((label | np.array(notices)).all())


_MIN_FURNITURE_LINES = 3
_MIN_FURNITURE_SHARE = 0.03
_MIN_SHORT_SHARE = 0.2
_MANY_FURNITURE_SHARE = 0.1
_WIDE_SHORT_SHARE = 0.3


def _clearly_a_page(lines: np.ndarray, short_share: np.ndarray, furniture: np.ndarray) -> np.ndarray:
    """The strict clause of :func:`looks_like_webpage` (float64 arrays in, bool out): furniture on at least
    ``max(3, 3 %)`` of the lines, and a fifth of the lines short or a tenth furniture. The line model's cut
    is read on the pages it passes (``benchmarks/webpages/fit.py``)."""
    return (furniture >= np.maximum(_MIN_FURNITURE_LINES, _MIN_FURNITURE_SHARE * lines)) & (
        (short_share >= _MIN_SHORT_SHARE) | (furniture >= _MANY_FURNITURE_SHARE * lines)
    )


def _figures(evidence: PageEvidence) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One page's evidence as the per-page arrays the rules read: lines, short share, furniture (float64 ``[1]``)."""
    return np.array([evidence.lines]), np.array([evidence.short_share]), np.array([evidence.furniture])


def _decide(lines: np.ndarray, short_share: np.ndarray, furniture: np.ndarray, options: WebpageOptions) -> np.ndarray:
    """:func:`looks_like_webpage`'s rule on per-page figures (float64 arrays): bool. The strict clause, or
    (for the line model) at least 3 furniture lines among lines 30 % of which are short (long product and
    listing pages, whose furniture is under 3 % of their lines)."""
    strict = _clearly_a_page(lines, short_share, furniture)
    if options.method != "model":  # the hand rules were tuned on the strict clause's pages
        return strict
    return strict | ((furniture >= _MIN_FURNITURE_LINES) & (short_share >= _WIDE_SHORT_SHARE))


def pages_look_like_webpages(
    features: np.ndarray, bounds: np.ndarray, options: WebpageOptions | None = None
) -> np.ndarray:
    """:func:`looks_like_webpage` of many pages at once, from their lines' features.

    Parameters
    ----------
    features : np.ndarray
        float64 ``[m, len(FEATURES)]``, from :func:`dedup.webpage.features.pages_line_features`
        of pages without blank lines.
    bounds : np.ndarray
        int64 ``[n_pages + 1]``, the pages' line ranges.

    Returns
    -------
    np.ndarray
        bool ``[n_pages]``.
    """
    opts = options or _default_options()
    n_pages = bounds.size - 1
    page = np.repeat(np.arange(n_pages), np.diff(bounds))
    furniture = _furniture_kinds(features, _keeping_titles(opts)) != ""
    short = features[:, _F["size"]] < opts.short_size
    return _decide(
        np.diff(bounds).astype(np.float64),
        np.bincount(page[short], minlength=n_pages) / np.maximum(np.diff(bounds), 1),
        np.bincount(page[furniture], minlength=n_pages).astype(np.float64),
        opts,
    )


def looks_like_webpage(
    lines: Sequence[str],
    options: WebpageOptions | None = None,
    views: Sequence[str] | None = None,
    features: np.ndarray | None = None,
) -> bool:
    """Whether lines look like the text of a web page (menus, labels, footers …).

    True when at least ``max(3, 3 %)`` of the non-blank lines match a navigation, share,
    copyright or breadcrumb pattern or look like a menu, and either at least a fifth of
    the lines are short or a tenth match; or when at least 3 lines match and 30 % of the
    lines are short (a long product or listing page; not with ``method="rules"``, whose hand
    rules were tuned on the first clause's pages). Articles, books, PDF text and news copy have
    next to no such lines, so the page classifier stays off for them by default.

    Parameters
    ----------
    lines : sequence of str
        The text's lines (blank ones are ignored).
    options : WebpageOptions, optional
    views : sequence of str, optional
        ``reading_views(lines)``, when the caller made them for many pages at once.
    features : np.ndarray, optional
        ``line_features(lines, options, views)``, when the caller made them already (used
        when no line is blank).

    Returns
    -------
    bool
    """
    figures = _figures(page_evidence(lines, options, views, features))
    return bool(_decide(*figures, options or _default_options())[0])


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
