"""The page-furniture patterns (menu labels, copyright, share buttons, metadata, dates, time stamps, link titles,
breadcrumbs) and the columns they give distinct reading views, each pattern searched only where its conditions
and its literals (:mod:`dedup.literals`) say it may match."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from ..literals import lines_holding, required_literals, searched_lines
from .base import _EDGE_CHARS, WebpageOptions
from .words import _labels, _shares, breadcrumb_pattern, copyright_pattern, is_label, is_share

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
# Every alternative of the link-title patterns is anchored: after leading whitespace to a "(", "[", bullet or dash,
# before trailing whitespace to a ")", "）", "." or "…", or it is one or two decimal digits (``\d``) and whitespace
# (``\s`` is what ``str.strip`` strips): a view whose stripped text is none of these cannot match, and is not
# searched (a search tries every position: 1.8 µs a short view).
_LINK_FIRST = frozenset("([·•▪■□◆◇●○►▶-–—")
_LINK_LAST = frozenset(")）.…")


def _may_be_link_title(view: str) -> bool:
    """Whether ``view`` may match :data:`_LINK_TITLE` or :data:`_LINK_TITLE_PLAIN` (False: neither matches)."""
    text = view.strip()
    return bool(text) and (text[0] in _LINK_FIRST or text[-1] in _LINK_LAST or (len(text) <= 2 and text.isdecimal()))


def _link_title(view: str) -> bool:
    return _may_be_link_title(view) and _LINK_TITLE.search(view) is not None


def _link_title_plain(view: str) -> bool:
    return _may_be_link_title(view) and _LINK_TITLE_PLAIN.search(view) is not None


# A path of links (首页 > 国内 > 正文, a » b » c); a separator is followed by a word, not by another ">": Python's
# prompt, ">>> a", is none.
_BREADCRUMB = re.compile(
    r"^\W*(?:当前位置|您的位置|你的位置|您现在的位置|所在位置|位置|you are here|location)\s*[:：]|"
    r"(?:^|\s)(?:>>?|»|›|＞|→)\s*[^\s>].*(?:>>?|»|›|＞|→)|^\W*(?:首页|主页|home)\s*(?:>>?|»|›|＞|→|/)"
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


# The furniture patterns and where each is searched; every one of them only on the lines holding one of its
# literals (:mod:`dedup.literals`). Labels and share buttons also match the words of other languages
# (:func:`is_label`, :func:`is_share`), which their sets add.
_SEARCHED = {
    "label": _LABEL,
    "list_heading": _LIST_HEADING,
    "prev_next": _PREV_NEXT,
    "share": _SHARE,
    "share_prefix": _SHARE_PREFIX,
    "date": _DATE,
    "copyright": _COPYRIGHT,
    "breadcrumb": _BREADCRUMB,
    "metadata": _METADATA,
    "link_title": _LINK_TITLE,
    "link_title_plain": _LINK_TITLE_PLAIN,
    "stamp": _STAMP,
    "stamp_no_digit": _STAMP_NO_DIGIT,
    "stamp_end": _STAMP_END,
}


@lru_cache(maxsize=1)
def _literal_sets() -> dict[str, tuple[str, ...] | None]:
    """The literal set of each name of :data:`_SEARCHED` and of the word lists' patterns."""
    sets = {name: required_literals(pattern) for name, pattern in _SEARCHED.items()}
    for name, words in (("label", _labels()), ("share", _shares())):
        found = sets[name]
        sets[name] = None if found is None else (*found, *sorted(words))
    sets["copyright_words"] = required_literals(copyright_pattern())
    sets["breadcrumb_words"] = required_literals(breadcrumb_pattern())
    return sets


class _Flags:
    """The furniture patterns searched on distinct reading views (``views``, float64 ``size``, bool ``digit``,
    ``[k]`` each), each on the views its conditions leave and whose literals it may match."""

    def __init__(
        self, views: list[str], size: np.ndarray, digit: np.ndarray, options: WebpageOptions, part: str
    ) -> None:
        self.views, self.digit = views, digit
        self.short, self.meta = size <= options.max_label_size, size <= options.max_meta_size
        names = {"check": _CHECK_SETS, "other": _OTHER_SETS, "all": _CHECK_SETS + _OTHER_SETS}[part]
        sets = _literal_sets()
        self._may = dict(zip(names, lines_holding(views, [sets[name] for name in names])))

    def hits(self, name: str, where: np.ndarray, test: Callable[[str], Any] | None = None) -> np.ndarray:
        """bool ``[k]``: ``where`` and the pattern ``name`` found (``test(view)`` instead of its search)."""
        rows = np.flatnonzero(where & self._may[name])
        out = np.zeros(where.size, dtype=bool)
        if test is None:
            out[rows] = searched_lines(_SEARCHED[name], self.views, rows)
        else:
            out[rows] = np.fromiter((bool(test(self.views[i])) for i in rows.tolist()), bool, rows.size)
        return out

    def check(self) -> dict[str, np.ndarray]:
        """What the page check reads (float64 ``[k]`` each): label, copyright, share, metadata (2 for a dated
        line, else 0) and breadcrumb."""
        short, meta, digit = self.short, self.meta, self.digit
        label = self.hits("label", short, _is_label) | self.hits("list_heading", short) | self.hits("prev_next", meta)
        share = self.hits("share", short, _is_share) | self.hits("share_prefix", meta)
        dated = self.hits("date", meta & digit)  # every date pattern needs a digit
        for i in np.flatnonzero(dated).tolist():
            view = self.views[i]
            mostly_date = len(_DATE.sub("", view).strip()) <= 0.5 * len(view)
            dated[i] = mostly_date or _METADATA.search(view) is not None
        copyright_ = self.hits("copyright", meta) | self.hits("copyright_words", meta, copyright_pattern().search)
        breadcrumb = self.hits("breadcrumb", meta) | self.hits("breadcrumb_words", meta, breadcrumb_pattern().search)
        columns = (label, copyright_, share, 2 * dated, breadcrumb)
        return {name: column.astype(np.float64) for name, column in zip(_CHECK_COLUMNS, columns)}

    def other(self, dated: np.ndarray) -> dict[str, np.ndarray]:
        """The rest of the pattern columns but the title (float64 ``[k]`` each): metadata (2 for a ``dated``
        line (bool ``[k]``), 1 for a labelled one, else 0), link_title and stamp. The patterns that need a
        decimal digit are searched on the views holding one only."""
        meta, digit = self.meta, self.digit
        labelled = self.hits("metadata", meta & ~dated)
        link_title = self.hits("link_title", meta & digit, _link_title)
        link_title |= self.hits("link_title_plain", meta & ~digit, _link_title_plain)
        end = self.hits("stamp_end", digit & ~meta)
        stamp = self.hits("stamp", digit & (meta | end)) | self.hits("stamp_no_digit", meta & ~digit)
        columns = (np.where(dated, 2, labelled), link_title, stamp)
        return {name: column.astype(np.float64) for name, column in zip(_OTHER_COLUMNS, columns)}


def _is_share(view: str) -> bool:
    """The whole line is a share button: the pattern's, or a share word of another language (edges aside)."""
    return _SHARE.fullmatch(view) is not None or is_share(view)


_CHECK_COLUMNS = ("label", "copyright", "share", "metadata", "breadcrumb")
_OTHER_COLUMNS = ("metadata", "link_title", "stamp")
# The literal sets each part searches with.
_CHECK_SETS = (
    "label",
    "list_heading",
    "prev_next",
    "share",
    "share_prefix",
    "date",
    "copyright",
    "copyright_words",
    "breadcrumb",
    "breadcrumb_words",
)
_OTHER_SETS = ("metadata", "link_title", "link_title_plain", "stamp", "stamp_no_digit", "stamp_end")
