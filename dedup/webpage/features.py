"""The features of every line of a page, read on its reading view: lengths, character shares, densities, and the
label/link/copyright/share/metadata patterns."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

import numpy as np

from ..arrays import class_counts, to_codepoints, whitespace_table
from ..normalize import NormalizeOptions, matching_texts
from .base import (
    _CJK,
    _DIGIT,
    _EDGE_CHARS,
    _F,
    _LETTER,
    _SENTENCE,
    _SPACE,
    _VIEW,
    FEATURES,
    WebpageOptions,
    _char_classes,
    _default_options,
    _function_table,
)
from .words import breadcrumb_pattern, copyright_pattern, is_label, is_share

# Matched on the reading view: NFKC (full-width → half-width), Simplified, lower case.

_EDGE = rf"[\s{re.escape(_EDGE_CHARS)}]*"
_LABEL_WORDS = (
    # Chinese menus, buttons and widget headings
    "首页|主页|网站首页|返回|返回首页|返回顶部|回到顶部|回到首页|回到页首|回到主文|跳到主文|顶部|置顶|更多|查看更多"
    "|更多内容|"
    "加载更多|点击加载更多|展开|收起|展开全文|阅读全文|全文|打印|打印本页|打印文章|关闭|关闭窗口|关闭按钮|关闭本页|"
    "收藏|"
    "收藏本文|收藏文章|加入收藏|设为首页|评论|我要评论|发表评论|查看评论|网友评论|参与评论|热门评论|最新评论|更多评论|"
    "评论列表|留言|发表留言|留言列表|我要留言|登录|注册|登入|免费注册|退出|搜索|站内搜索|文章搜索|搜狗|百度|上一篇|"
    "下一篇|"
    "上一页|下一页|首页上一页|下载|订阅|举报|纠错|我要纠错|字号|大|中|小|默认|推荐|推荐阅读|相关阅读|相关文章|相关新闻|"
    "相关链接|延伸阅读|热门文章|最新文章|热门推荐|精彩推荐|猜你喜欢|排行|排行榜|热点|热搜|精华|焦点|热图|视觉|正文|"
    "导航|"
    "网站导航|网站地图|联系我们|关于我们|帮助|帮助中心|客服|客服中心|意见反馈|用户反馈|广告服务|广告合作|隐私政策|"
    "服务条款|服务协议|法律声明|免责声明|版权声明|手机版|电脑版|客户端|app下载|扫一扫|二维码|扫描二维码|确定|取消|"
    "提交|发送|送出|表情|文章分类|分类|标签|个人资讯|个人资料|名片|相簿|相册|部落格|博客|无障碍说明|全部频道|频道|"
    "一键登录|立即打开|立即下载|English|正在加载|加载中|top|"
    # English
    "home|homepage|back|back to top|top of page|go to top|more|read more|see more|show more|load more|print|"
    "close|share|comment|comments|leave a comment|post a comment|reply|login|log in|logout|log out|sign in|"
    "sign up|register|subscribe|search|next|previous|prev|next page|previous page|menu|main menu|skip to content|"
    "skip to main content|contact|contact us|about|about us|privacy|privacy policy|terms|terms of use|"
    "terms of service|advertise|advertising|sitemap|site map|newsletter|related|related articles|related posts|"
    "tags|categories|archives|follow us|like|tweet|email|download|cookie settings|accept|help|faq|toggle navigation"
)
_LABEL = re.compile(rf"{_EDGE}(?:{_LABEL_WORDS}){_EDGE}(?:\(\d+\))?{_EDGE}")
_COPYRIGHT = re.compile(
    r"©|\(c\)\s*\d{4}|copyright|all rights reserved|版权所有|版权声明|版权归|icp\s*[备证]|"
    r"[京沪津渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]\s*icp|公网安备|网安备|互联网新闻信息服务许可|"
    r"信息网络传播视听节目许可|增值电信业务|经营许可证|出版物经营许可|违法和不良信息举报|举报电话|举报中心|"
    r"未经授权[,，]?\s*(?:不得|禁止)|不得转载|禁止转载|转载须经|(?:主办|承办)(?:单位)?\s*[:：]|^(?:主办|承办)\s|"
    r"powered by|designed by|terms of (?:use|service)|privacy policy"
)
_SHARE = re.compile(
    rf"{_EDGE}(?:(?:分享|转发|转播)(?:到|至)?|一键(?:分享|通)|我要分享|分享到[:：]?|分享给朋友|"
    r"新浪微博|腾讯微博|搜狐微博|网易微博|凤凰微博|微博|微信|微信好友|微信朋友圈|朋友圈|qq空间|qzone|qq好友|qq|人人网|"
    r"开心网|朋友网|豆瓣|豆瓣网|天涯|百度空间|百度贴吧|领英|领英分享|复制链接|复制网址|电子邮件|e-?mail|邮件|"
    r"facebook|twitter|linkedin|pinterest|whatsapp|reddit|tumblr|weibo|wechat|line|telegram|"
    r"更多平台\.*|选择其他平台|产生短网址|e-?mail转寄|转寄)"
    rf"{_EDGE}"
)
_SHARE_PREFIX = re.compile(r"^\W*(?:分享到|分享至|转发到|share (?:this|on|via)|share:)")
_METADATA = re.compile(
    r"(?:来源|来自|出处|作者|编辑|责任编辑|责编|原标题|记者|通讯员|发布时间|发稿时间|发表时间|更新时间|时间|日期|"
    r"发布日期|阅读|浏览|阅读量|浏览次数|点击|点击数|字数|摄影|图片来源|稿源|"
    r"source|author|by|posted|posted by|published|updated|written by|last updated)\s*[:：︱|]|"
    r"^\W*by\s+[a-z]+|(?:发表在|发表于|posted (?:on|in)|published (?:on|in))"
)
_DATE = re.compile(
    r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|\d{1,2}:\d{2}(?::\d{2})?|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+(?:19|20)\d{2}|"
    r"\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?:19|20)\d{2}"
)
# Every alternative but the last needs a digit: lines without one are searched for the last only.
_STAMP_WORDS = r"(?:回复|回覆|reply|says|wrote)\s*[:：]?\s*$"
_STAMP = re.compile(
    r"(?:(?:19|20)\d{2}[-/.年])?\d{1,2}[-/.月]\d{1,2}日?\s*(?:[(（][^)）]{1,3}[)）])?\s*\d{1,2}:\d{2}|"
    # (?<!\d): a count is tried from the start of its digit run only (linear on long runs)
    r"(?<!\d)\d+\s*(?:秒|分钟|小时|天|周|个月)前|(?<!\d)\d+\s+(?:seconds?|minutes?|hours?|days?|weeks?|months?)\s+ago|"
    rf"^\W*#\d{{1,4}}\W*$|{_STAMP_WORDS}"
)
_STAMP_NO_DIGIT = re.compile(_STAMP_WORDS)
_STAMP_END = re.compile(r"(?:\d{1,2}:\d{2}|(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/]\d{1,2})\W{0,3}$")
_LINK_TITLE_NO_DIGIT = r"(?:\.{3,}|…+|\.\.\.?)\s*$|^\s*[·•▪■□◆◇●○►▶\-–—]\s*\S|^\s*\[[^\]]{1,8}\]\s*\S"
_LINK_TITLE = re.compile(rf"\(\d+\)\s*$|（\d+）\s*$|^\s*\(\d+\)|^\s*\d{{1,2}}\s*$|{_LINK_TITLE_NO_DIGIT}")
_LINK_TITLE_PLAIN = re.compile(_LINK_TITLE_NO_DIGIT)
_BREADCRUMB = re.compile(
    r"^\W*(?:当前位置|您的位置|你的位置|您现在的位置|所在位置|位置|you are here|location)\s*[:：]|"
    r"(?:^|\s)(?:>>?|»|›|＞|→)\s*\S.*(?:>>?|»|›|＞|→)|^\W*(?:首页|主页|home)\s*(?:>>?|»|›|＞|→|/)"
)
_LIST_HEADING = re.compile(
    r"(?:相关|推荐|热门|热点|最新|精彩|精选|延伸|猜你|其他|其它|同类|往期|本类|类别|热评|排行|24小时|48小时|一周|本"
    r"周|今日)"
    r".{0,6}(?:文章|阅读|新闻|资讯|内容|视频|图片|专题|帖子|博文|推荐|排行|链接|评论|留言|热点|话题)|"
    r"可能.{0,4}(?:兴趣|喜欢)|上一篇|下一篇|上一页|下一页|"
    r"you (?:may|might) (?:also )?(?:like|enjoy)|related (?:articles|posts|stories|content|links|news)|"
    r"recommended (?:for you|stories|articles|reading)|most (?:read|popular|viewed|shared)|"
    r"popular (?:posts|articles|stories)|recent (?:posts|comments|articles)|trending|more (?:stories|articles|news)|"
    r"see also|previous (?:post|article|story)|next (?:post|article|story)|older posts|newer posts"
)
_PREV_NEXT = re.compile(
    r"^\W*(?:上一篇|下一篇|上一页|下一页|上一条|下一条|上篇|下篇|previous|next|prev|older|newer)(?: "
    r"(?:post|article|story|page))?\s*[:：]"
)
_LABEL_PIECES = re.compile(r"[\s\[\]【】()（）<>《》|｜/·•]+")


def _is_label(view: str) -> bool:
    """The whole line is a label, or a few labels side by side ("【打印本页】 【关闭窗口】")."""
    if _LABEL.fullmatch(view) or is_label(view):
        return True
    pieces = [p for p in _LABEL_PIECES.split(view) if p]
    return 1 < len(pieces) <= 6 and all(_LABEL.fullmatch(p) or is_label(p) for p in pieces)


# No surrounding \s*: pieces are stripped instead (linear on runs of spaces).
_SEPARATOR_SPLIT = re.compile(r"(?:[|｜¦│»›>＞▪■◆]|>>|(?<=\s)[/·•‧∙\-–](?=\s))")
_CJK_CLASS = (
    "\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3100-\u318f\u31a0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900"
    "-\ufaff"
)
_WORD = re.compile(rf"[^\W\d_{_CJK_CLASS}]+(?:['’][a-z]+)?")
_FULL_STOP = re.compile(r"(?<=[^\W\d_]{2})\.(?=\s|$|[\"'”’)\]])")
_TITLE_SPLIT = re.compile(r"(?:[_|｜]|--|—+|\s-\s|::|(?<=[\u3400-\u9fff])-(?=[\u3400-\u9fff]))")


def reading_views(lines: Sequence[str], nfkc: list[str | None] | None = None) -> list[str]:
    """The reading view of each line, which the page features are read on: NFKC, Simplified,
    lower case, without inline noise, stripped. One call for the lines of many pages costs
    far less than one call a page. ``nfkc`` (a list) receives each line's NFKC, made on the way,
    or None for a line with inline noise (:func:`dedup.normalize.matching_texts`).

    Returns
    -------
    list of str
        One per line.
    """
    return [v.strip() for v in matching_texts(lines, _VIEW, nfkc)]


def shares_reading_views(normalize: NormalizeOptions) -> bool:
    """Whether views under ``normalize`` are the reading views without punctuation
    (:func:`dedup.normalize.view.without_punctuation` of :func:`reading_views`)."""
    return normalize == replace(_VIEW, drop_punctuation=True)


def _title_parts(first: str) -> set[str]:
    parts = {p for p in (q.strip() for q in _TITLE_SPLIT.split(first)) if len(p) >= 4}
    return parts | {first}


def _check_flags(view: str, size: float, options: WebpageOptions, digit: bool) -> list[int]:
    """What the page check reads of a listed line (see :func:`_pattern_flags`): label, copyright, share,
    metadata (2 for a dated line, else 0) and breadcrumb."""
    short, meta = size <= options.max_label_size, size <= options.max_meta_size
    label = (short and (_is_label(view) or _LIST_HEADING.search(view) is not None)) or (
        meta and _PREV_NEXT.search(view) is not None
    )
    share = (short and (_SHARE.fullmatch(view) is not None or is_share(view))) or (
        meta and _SHARE_PREFIX.search(view) is not None
    )
    dated = False
    if meta and digit and _DATE.search(view) is not None:  # every date pattern needs a digit
        mostly_date = len(_DATE.sub("", view).strip()) <= 0.5 * len(view)
        dated = mostly_date or _METADATA.search(view) is not None
    return [
        int(label),
        int(meta and (_COPYRIGHT.search(view) is not None or copyright_pattern().search(view) is not None)),
        int(share),
        2 * int(dated),
        int(meta and (_BREADCRUMB.search(view) is not None or breadcrumb_pattern().search(view) is not None)),
    ]


def _other_flags(
    view: str, size: float, first: bool, title_repeat: bool, options: WebpageOptions, digit: bool, dated: bool
) -> list[int]:
    """The rest of a listed line's pattern columns (see :func:`_pattern_flags`): metadata (2 for a ``dated``
    line, 1 for a labelled one, else 0), link_title, stamp and title."""
    meta = size <= options.max_meta_size
    labelled = meta and not dated and _METADATA.search(view) is not None
    stamped = (_STAMP if digit else _STAMP_NO_DIGIT).search(view) is not None
    stamp = stamped and (meta or (digit and _STAMP_END.search(view) is not None))
    return [
        2 if dated else int(labelled),
        int(meta and (_LINK_TITLE if digit else _LINK_TITLE_PLAIN).search(view) is not None),
        int(stamp),
        int(first or (title_repeat and meta)),
    ]


def _listed(view: str, size: float, options: WebpageOptions) -> bool:
    """Whether a line can be furniture at all: every pattern column needs a line at most twice the meta
    size. Size counts CJK characters and words, not punctuation (a line of thousands of dots has size
    0); labels, menus and meta lines are also short in characters."""
    return 0 < len(view) <= 8 * options.max_meta_size and size <= 2 * options.max_meta_size


def _pattern_flags(
    view: str, size: float, first: bool, title_repeat: bool, options: WebpageOptions, digit: bool = True
) -> list[int]:
    """The furniture-pattern columns of one line: label, copyright, share, metadata,
    link_title, stamp, breadcrumb, title (see :data:`FEATURES`). ``digit`` False says the view
    holds no decimal digit: the patterns that need one are not searched (dates, stamps, numbered
    link titles)."""
    if not _listed(view, size, options):
        return [0] * 8
    label, copyright_, share, dated, breadcrumb = _check_flags(view, size, options, digit)
    metadata, link_title, stamp, title = _other_flags(view, size, first, title_repeat, options, digit, dated > 0)
    return [label, copyright_, share, metadata, link_title, stamp, breadcrumb, title]


_CHECK_COLUMNS = ("label", "copyright", "share", "metadata", "breadcrumb")
_OTHER_COLUMNS = ("metadata", "link_title", "stamp", "title")


def line_features(
    lines: Sequence[str], options: WebpageOptions | None = None, views: Sequence[str] | None = None
) -> np.ndarray:
    """Features of the lines of one page.

    Parameters
    ----------
    lines : sequence of str
        The page's lines in order (blank lines are allowed and get zero size).
    options : WebpageOptions, optional
        For the function characters and stopwords.
    views : sequence of str, optional
        ``reading_views(lines)``, when the caller made them for many pages at once.

    Returns
    -------
    np.ndarray
        float64 ``[m, len(FEATURES)]``; the columns are named by :data:`FEATURES`.
    """
    return pages_line_features(lines, np.array([0, len(lines)], dtype=np.int64), options, views)


# Bits of :func:`_feature_table`: what is counted on a line (its characters) ...
_B_VISIBLE, _B_CJK, _B_LETTER, _B_DIGIT, _B_PUNCT = range(5)
# ... and on its reading view.
_V_CJK, _V_FUNCTION, _V_SENTENCE, _V_DIGIT, _V_WORD, _V_DOT, _V_SEPARATOR, _V_SOLID = range(5, 13)


@lru_cache(maxsize=8)
def _feature_table(function_chars: str) -> np.ndarray:
    """uint16 ``[0x110000]``: the bits :func:`pages_line_features` counts of each code point, on lines
    (visible, CJK, letter, digit, punctuation: visible and none of the three) and on reading views
    (CJK, a CJK function character, a sentence end, a decimal digit ``\\d`` of the Basic Multilingual
    Plane or any astral code point (not classified), a character of a word of :data:`_WORD` (astral
    code points counted as maybe), ".", a character a separator of :data:`_SEPARATOR_SPLIT` needs,
    not ``str.isspace``)."""
    classes = _char_classes()
    cjk, letter, digit = ((classes & bit) != 0 for bit in (_CJK, _LETTER, _DIGIT))
    visible = (classes & _SPACE) == 0
    word = np.ones(0x110000, dtype=bool)
    word[:0x10000] = False
    bmp = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x10000)))
    word[[ord(m.group()) for m in re.finditer(rf"[^\W\d_{_CJK_CLASS}]", bmp)]] = True
    separator = np.zeros(0x110000, dtype=bool)
    separator[[ord(c) for c in "|｜¦│»›>＞▪■◆/·•‧∙-–"]] = True
    dot = np.zeros(0x110000, dtype=bool)
    dot[ord(".")] = True
    astral = np.arange(0x110000) > 0xFFFF
    bits = (
        (_B_VISIBLE, visible),
        (_B_CJK, cjk),
        (_B_LETTER, letter),
        (_B_DIGIT, digit),
        (_B_PUNCT, visible & ~(cjk | letter | digit)),
        (_V_CJK, cjk),
        (_V_FUNCTION, _function_table(function_chars) & cjk),
        (_V_SENTENCE, (classes & _SENTENCE) != 0),
        (_V_DIGIT, digit | astral),
        (_V_WORD, word),
        (_V_DOT, dot),
        (_V_SEPARATOR, separator),
        (_V_SOLID, ~whitespace_table()),
    )
    table = np.zeros(0x110000, dtype=np.uint16)
    for bit, mask in bits:
        table |= mask.astype(np.uint16) << bit
    return table


def _counts(texts: Sequence[str], table: np.ndarray, run_bit: int = -1) -> np.ndarray:
    """:func:`dedup.arrays.class_counts` of each text (int64 ``[len(texts), 16]``)."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.cumsum(lengths + 1) - (lengths + 1)
    return class_counts(to_codepoints("\n".join(texts)), starts, starts + lengths, table, run_bit)


_ALL_COLUMNS = ("label", "copyright", "share", "metadata", "link_title", "stamp", "breadcrumb", "title")


def _flag_columns(
    views: Sequence[str],
    size: np.ndarray,
    digit: np.ndarray,
    bounds: np.ndarray,
    options: WebpageOptions,
    part: str = "all",
    dated: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The pattern columns of the lines of pages (float64 ``[m]`` each, by name), searched on the lines
    that can be furniture (:func:`_listed`): all of them, the page ``"check"``'s (:func:`_check_flags`),
    or the ``"other"`` ones (:func:`_other_flags`, which need the ``dated`` lines, bool ``[m]``)."""
    m = len(views)
    names = {"all": _ALL_COLUMNS, "check": _CHECK_COLUMNS, "other": _OTHER_COLUMNS}[part]
    flags = np.zeros((m, len(names)))
    page = np.repeat(np.arange(bounds.size - 1), np.diff(bounds))
    first = np.zeros(m, dtype=bool)
    first[bounds[:-1][np.diff(bounds) > 0]] = True
    lengths = np.fromiter(map(len, views), dtype=np.int64, count=m)
    # Every pattern needs a line at most twice the meta size (:func:`_listed`); the check's, at most the meta
    # or label size (:func:`_check_flags` is all 0 above it).
    most = max(options.max_meta_size, options.max_label_size) if part == "check" else 2 * options.max_meta_size
    rows = np.flatnonzero((lengths <= 8 * options.max_meta_size) & (size <= most) & (lengths > 0))
    titles: dict[int, set[str]] = {}
    found = []  # one list of flags a listed line, put into the array at once
    # A view's flags depend on the view (its size, digits and date are its own), and beyond the check on
    # whether it is its page's first line or repeats the title: lines that recur (a site's menus on each
    # of its pages: half the short lines of the 916 labelled pages) are searched once.
    known: dict[tuple[str, bool, bool], list[int]] = {}
    for i, p, line_size, is_first, has_digit in zip(
        rows.tolist(), page[rows].tolist(), size[rows].tolist(), first[rows].tolist(), digit[rows].tolist()
    ):
        view = views[i]
        if part == "check":
            key = (view, False, False)
        else:
            if p not in titles:
                head = views[int(bounds[p])]
                titles[p] = _title_parts(head) if head else set()
            key = (view, is_first, view in titles[p])
        got = known.get(key)
        if got is None:
            if part == "check":
                got = _check_flags(view, line_size, options, has_digit)
            elif part == "other":
                assert dated is not None
                got = _other_flags(view, line_size, is_first, key[2], options, has_digit, dated[i])
            else:
                got = _pattern_flags(view, line_size, is_first, key[2], options, has_digit)
            known[key] = got
        found.append(got)
    if found:
        flags[rows] = found
    return {name: flags[:, j] for j, name in enumerate(names)}


def complete_features(
    features: np.ndarray, views: Sequence[str], bounds: np.ndarray, options: WebpageOptions | None = None
) -> None:
    """Fill in, in place, what :func:`pages_line_features` with ``check=True`` left out of the features of
    pages: they become the pages' whole features.

    Parameters
    ----------
    features : np.ndarray
        float64 ``[m, len(FEATURES)]``, of the pages ``bounds`` (int64 ``[n_pages + 1]``) made with ``check=True``.
    views : sequence of str
        The lines' reading views.
    """
    opts = options or _default_options()
    digit = _counts(views, _feature_table(opts.function_chars))[:, _V_DIGIT] > 0
    dated = features[:, _F["metadata"]] == 2
    for name, column in _flag_columns(views, features[:, _F["size"]], digit, bounds, opts, "other", dated).items():
        features[:, _F[name]] = column


def pages_line_features(
    lines: Sequence[str],
    bounds: np.ndarray,
    options: WebpageOptions | None = None,
    views: Sequence[str] | None = None,
    *,
    check: bool = False,
) -> np.ndarray:
    """Features of the lines of many pages at once, as :func:`line_features` gives them page by page.

    Character counts are array operations over the joined text of all pages; regular
    expressions run only on the lines they can change: words on lines with a letter of a
    space-separated script, full stops on lines with a ".", menu separators on lines holding
    a separator character, the furniture patterns on lines short enough to be furniture.

    Parameters
    ----------
    lines : sequence of str
        The lines of all pages, page after page.
    bounds : np.ndarray
        int64 ``[n_pages + 1]``: page ``p`` is ``lines[bounds[p]:bounds[p + 1]]``.
    options : WebpageOptions, optional
    views : sequence of str, optional
        ``reading_views(lines)``.
    check : bool
        Only the columns the page check reads (:func:`dedup.webpage.pages.pages_look_like_webpages`,
        :func:`dedup.webpage.notice_page`) are the features': ``link_title``, ``stamp`` and
        ``title`` are 0 and ``metadata`` is 2 or 0 (the patterns the check does not read are not searched).

    Returns
    -------
    np.ndarray
        float64 ``[m, len(FEATURES)]``.
    """
    opts = options or _default_options()
    m = len(lines)
    out = np.zeros((m, len(FEATURES)), dtype=np.float64)
    if m == 0:
        return out
    views = reading_views(lines) if views is None else list(views)
    if len(views) != m:
        raise ValueError(f"line_features: {m} lines but {len(views)} views")
    table = _feature_table(opts.function_chars)
    counts = _counts(lines, table).astype(np.float64)
    chars, cjk, letters, digits, punct = (counts[:, bit] for bit in range(_B_VISIBLE, _B_PUNCT + 1))
    # Whitespace-separated tokens are the runs of solid characters (column 15).
    vcounts = _counts(views, table, _V_SOLID)
    view_cjk, view_function, sentence = (vcounts[:, b].astype(np.float64) for b in (_V_CJK, _V_FUNCTION, _V_SENTENCE))
    digit = vcounts[:, _V_DIGIT] > 0
    items = vcounts[:, 15].astype(np.float64)

    words, stops, full_stops, separators = np.zeros(m), np.zeros(m), np.zeros(m), np.zeros(m)
    stopwords = opts.stopwords
    for i in np.flatnonzero(vcounts[:, _V_WORD]).tolist():
        ws = _WORD.findall(views[i])
        words[i] = len(ws)
        stops[i] = sum(w in stopwords for w in ws)
    for i in np.flatnonzero(vcounts[:, _V_DOT]).tolist():  # after letters of any script
        full_stops[i] = len(_FULL_STOP.findall(views[i]))
    for i in np.flatnonzero(vcounts[:, _V_SEPARATOR]).tolist():
        pieces = [p for p in (q.strip() for q in _SEPARATOR_SPLIT.split(views[i])) if p]
        separators[i] = max(len(pieces) - 1, 0)
        items[i] = sum(len(p.split()) for p in pieces)
    size = view_cjk + 2 * words

    page = np.repeat(np.arange(bounds.size - 1), np.diff(bounds))
    flags = _flag_columns(views, size, digit, bounds, opts, "check" if check else "all")
    safe = np.maximum(chars, 1)
    out[:, _F["chars"]] = chars
    out[:, _F["size"]] = size
    out[:, _F["words"]] = words
    out[:, _F["cjk_share"]] = cjk / safe
    out[:, _F["letter_share"]] = letters / safe
    out[:, _F["digit_share"]] = digits / safe
    out[:, _F["punct_share"]] = punct / safe
    out[:, _F["sentence_ends"]] = sentence + full_stops
    out[:, _F["function_density"]] = (view_function + stops) / np.maximum(view_cjk + words, 1)
    out[:, _F["separators"]] = separators
    out[:, _F["items"]] = items
    for name, column in flags.items():
        out[:, _F[name]] = column
    start = bounds[page]
    out[:, _F["position"]] = (np.arange(m) - start) / np.maximum(bounds[page + 1] - start - 1, 1)
    return out
