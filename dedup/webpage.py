"""Boilerplate of single web pages, from their text alone.

Crawled text usually reaches us after an HTML-to-text step that keeps the page's
navigation bars, breadcrumbs, share/print/comment widgets, related-article lists,
comment threads, copyright and ICP lines, one visible block per line. Recurrence
across a corpus finds them only when many pages of one site are present; this module
judges the lines of one page by what they look like and where they stand.

A page is classified in four steps, jusText-style but with features that work for
Chinese (and Japanese, Korean) as well as for space-separated languages:

1. **Features** (:func:`line_features`) of every line, computed on its *reading view*
   (NFKC, Traditional → Simplified, lower case, punctuation kept): its size (a CJK
   character counts 1, a word of another script 2, so that 20 Chinese characters weigh
   about as much as 10 English words), shares of CJK, letters, digits and punctuation,
   sentence ends, the density of function characters (的 了 是 在 …, Japanese and Korean
   particles) and stopwords (*the, of, and* …), navigation separators (``| > » ▪``), and
   matches of page-furniture patterns: labels (首页, 返回顶部, 更多>>, 打印, 关闭, 上一篇,
   Home, Print …), copyright and ICP lines, share widgets, bylines and dates, truncated
   or counted link titles, time stamps, breadcrumbs, and the page title.
2. **Line classes**: *bad* (a furniture pattern, a menu line, or a long line with neither
   function words nor a sentence end), *short* (also: bylines, dates and link titles,
   which may belong to the text), *near-good* (function words or a sentence end) or
   *good* (as near-good, and long). A run of near-good lines that outweighs every other
   run (a blog post written in short lines) is good; five or more short one-or-two-word
   lines in a row are a menu; a stretch where short lines with time stamps recur is a
   comment thread or a dated link list, and bad.
3. **Context** (jusText): a short line takes the class of its nearest non-short
   neighbours within ``context_lines`` (good on both sides: content; bad on both sides
   or nothing near: boilerplate; mixed: content only next to a near-good line), a
   near-good line is content unless bad lines stand on both sides. So a short line
   inside the article stays content, and a long line inside a menu stays boilerplate.
4. **Main text**: content lines form blocks (runs with small gaps); blocks far smaller
   than the page's main block (the largest, counted double when it follows a repeat of
   the title) are related-article lists, teasers or widget text and become boilerplate.

Every boilerplate line gets a kind: ``"navigation"`` (menus, labels, buttons),
``"breadcrumb"``, ``"link-list"`` (related or popular articles, category lists),
``"share"``, ``"copyright"`` (copyright, ICP and licence lines, footer links),
``"metadata"`` (dates, sources, editors, bylines), ``"title"`` (the page title and its
repeat above the article), ``"comments"``, ``"recurring"`` (known from corpus
recurrence) or ``"page-furniture"`` (anything else outside the main text).

Other languages: the stopword list covers English; pass ``stopwords=`` (and
``function_chars=``) in :class:`WebpageOptions` to add others. A page whose language has
no list is judged without the function-word criterion (length and sentence punctuation
only), so nothing assumes Chinese.

:func:`looks_like_webpage` tells whether a text came from a web page at all (many
short lines, separators, furniture vocabulary), so that callers can apply the
classifier by default only there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from .errors import InvalidOptionError
from .options import check_types
from .normalize import NormalizeOptions, matching_texts
from .segment import segment

__all__ = [
    "FEATURES",
    "KINDS",
    "PageEvidence",
    "WebpageOptions",
    "classify_page_lines",
    "line_features",
    "looks_like_webpage",
    "page_evidence",
    "reading_views",
    "webpage_boilerplate_spans",
]

#: Column names of :func:`line_features`, in order.
FEATURES: tuple[str, ...] = (
    "chars",  # non-space characters of the original line
    "size",  # CJK characters + 2 × words of other scripts
    "words",  # words of other scripts (letter runs)
    "cjk_share",  # CJK (Han, kana, Hangul) share of the non-space characters
    "letter_share",  # other letters' share
    "digit_share",  # digits' share
    "punct_share",  # punctuation and symbols' share
    "sentence_ends",  # sentence-ending marks (。！？；… and a full stop after a word)
    "function_density",  # (function CJK characters + stopwords) / (CJK characters + words)
    "separators",  # navigation separators between items (| ｜ > » › ▪, and · • / - – between spaces)
    "items",  # whitespace- or separator-delimited items
    "label",  # 1: the whole line is a navigation label or button (首页, 返回顶部, Print …)
    "copyright",  # 1: copyright, ICP or licence line
    "share",  # 1: share widget (分享到, 微信, Facebook …)
    "metadata",  # 1: source, editor or byline line; 2: a date or time line, or a byline with one
    "link_title",  # 1: truncated (…) or counted ((12)) link title, or a bulleted/numbered headline
    "stamp",  # 1: a short line with a time stamp (2013/12/28 10:28, 3小时前, 5 minutes ago), or a list item ending with one
    "breadcrumb",  # 1: path of links (首页 > 科技 > 正文, 当前位置：…)
    "title",  # 1: the page title (first line) or a repeat of it
    "position",  # line index / (lines - 1)
)
_F = {name: i for i, name in enumerate(FEATURES)}

#: Boilerplate kinds :func:`classify_page_lines` gives ("" is content).
KINDS: tuple[str, ...] = (
    "navigation",
    "breadcrumb",
    "link-list",
    "share",
    "copyright",
    "metadata",
    "title",
    "comments",
    "recurring",
    "page-furniture",
)

# Function characters of Chinese running text (Simplified: lines are matched on their
# Simplified view), and Japanese and Korean particles. Menus and headline lists have few.
_FUNCTION_CHARS = (
    "的了是在和也就都而及与着或有这那不为以于之其被把让从对将但并还又很所如等得们他她它我你"
    "会能可要到说来没给向比更最已因此却吗呢吧啊该些么个则即由而且虽然如果因为所以就是"
    "のはがをにでともへやからまでした"
    "은는이가을를에의도와과로"
)
_STOPWORDS = frozenset(
    """a an the of to in on at by for from with into onto about as than then that this these those
    and or but nor so if because while when where which who whom whose what how why
    is are was were be been being am do does did done have has had having will would shall should
    can could may might must not no yes it its it's he she they we you i me him her them us my your
    his our their there here also very more most such only just any some all each every other
    up down out over under again further once both few own same too after before during through
    between against above below said says one two new""".split()
)

_VIEW = NormalizeOptions(drop_punctuation=False)

# Character classes, one bit each, in a uint16 table over the code points.
_CJK = 1
_LETTER = 2
_DIGIT = 4
_SPACE = 8
_PUNCT = 16
_SENTENCE = 32

_SENTENCE_CHARS = "。！？；…!?;｡"
_CJK_RANGES = (
    (0x1100, 0x11FF),
    (0x2E80, 0x2FDF),
    (0x3040, 0x30FF),
    (0x3100, 0x312F),
    (0x3130, 0x318F),
    (0x31A0, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3134F),
)


@lru_cache(maxsize=1)
def _char_classes() -> np.ndarray:
    """uint16 ``[0x110000]``: the class bits of every code point (some 30 ms, once)."""
    table = np.zeros(0x110000, dtype=np.uint16)
    bmp = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x10000)))
    values = np.concatenate([np.arange(0xD800), np.arange(0xE000, 0x10000)])
    code = {"L": _LETTER, "N": _PUNCT, "P": _PUNCT, "S": _PUNCT}
    major = np.frombuffer(
        bytes(code.get(unicodedata.category(c)[0], 0) for c in bmp), dtype=np.uint8
    ).astype(np.uint16)
    digit = np.frombuffer(bytes(unicodedata.category(c) == "Nd" for c in bmp), dtype=bool)
    space = np.frombuffer(bytes(map(str.isspace, bmp)), dtype=bool)
    table[values] = np.where(digit, _DIGIT, major)
    table[values[space]] = _SPACE
    table[[0x200B, 0x200C, 0x200D, 0xFEFF]] = _SPACE
    table[0x20000:0x3134F] = _LETTER
    cjk = np.zeros(0x110000, dtype=bool)
    for lo, hi in _CJK_RANGES:
        cjk[lo : hi + 1] = True
    cjk &= table == _LETTER
    table[cjk] = _CJK
    table[[ord(c) for c in _SENTENCE_CHARS]] |= _SENTENCE
    return table


@lru_cache(maxsize=8)
def _function_table(function_chars: str) -> np.ndarray:
    """bool ``[0x110000]``: the function characters."""
    table = np.zeros(0x110000, dtype=bool)
    table[[ord(c) for c in function_chars]] = True
    return table


@dataclass(frozen=True)
class WebpageOptions:
    """Options of the page-line classifier.

    Sizes are in *size units*: a CJK character counts 1, a word of another script 2.

    Attributes
    ----------
    good_size : float, default 40
        A line at least this large with enough function words is good on its own.
    short_size : float, default 10
        Lines smaller than this are short: their neighbours decide.
    density_low, density_high : float, default 0.08, 0.12
        Function-character density (CJK) a near-good and a good line need; a line with a
        sentence end needs none.
    word_density_low, word_density_high : float, default 0.15, 0.22
        Stopword density (other scripts) a near-good and a good line need (lower than
        jusText's because the list is short); a line mixing scripts needs the weighted mean.
    no_list_density : float, default 0.03
        A page whose long lines have a lower mean density is in a language without a
        function-word list: the density criterion is dropped for it.
    run_size : float, default 150
        A run of consecutive non-bad lines whose near-good lines total this much, and that
        outweighs the good lines of every other run, is good (an article written in short
        lines).
    max_label_size : float, default 16
        Longest line that can be a label, a share button or a breadcrumb.
    max_meta_size : float, default 40
        Longest line that can be a copyright, byline, date or link-title line.
    stamp_lines : int, default 3
        Short lines with time stamps, this many within ``stamp_gap`` lines of each other,
        make a comment thread (or dated link list): the lines between them are boilerplate.
    stamp_gap : int, default 12
    context_lines : int, default 12
        A short or near-good line looks this many lines up and down for its context; a
        good line further away does not vouch for it.
    menu_lines, menu_item_size : int, float, default 5, 6
        A run of at least ``menu_lines`` short lines averaging under ``menu_item_size``
        without sentence punctuation is a menu, whatever stands around it.
    block_gap : int, default 3
        Content lines separated by at most this many boilerplate lines form one block.
    min_block_share : float, default 0.25
        A content block smaller than this share of the largest block is boilerplate …
    keep_block_size : float, default 400
        … unless it is at least this large.
    keep_title : bool, default False
        Keep the page title (the first line) and its repeat as content.
    function_chars : str
        Function characters of CJK text (extend for other CJK usage).
    stopwords : frozenset of str
        Lower-case stopwords of space-separated languages (English by default; add others
        with ``WebpageOptions(stopwords=WebpageOptions().stopwords | {...})``).
    """

    good_size: float = 40.0
    short_size: float = 10.0
    density_low: float = 0.08
    density_high: float = 0.12
    word_density_low: float = 0.15
    word_density_high: float = 0.22
    no_list_density: float = 0.03
    run_size: float = 150.0
    max_label_size: float = 16.0
    max_meta_size: float = 40.0
    stamp_lines: int = 3
    stamp_gap: int = 12
    context_lines: int = 12
    menu_lines: int = 5
    menu_item_size: float = 6.0
    block_gap: int = 3
    min_block_share: float = 0.25
    keep_block_size: float = 400.0
    keep_title: bool = False
    function_chars: str = _FUNCTION_CHARS
    stopwords: frozenset[str] = field(default=_STOPWORDS)

    def __post_init__(self) -> None:
        if isinstance(self.stopwords, (list, tuple, set)):
            object.__setattr__(self, "stopwords", frozenset(self.stopwords))
        check_types(self)
        object.__setattr__(self, "stopwords", frozenset(w.lower() for w in self.stopwords))
        if not 0 < self.short_size <= self.good_size:
            raise InvalidOptionError(f"need 0 < short_size <= good_size, got {self.short_size}, {self.good_size}")
        if not (0 <= self.density_low <= self.density_high and 0 <= self.word_density_low <= self.word_density_high):
            raise InvalidOptionError("densities must satisfy 0 <= low <= high")
        if self.stamp_lines < 2 or self.stamp_gap < 1 or self.block_gap < 0:
            raise InvalidOptionError("stamp_lines must be >= 2, stamp_gap >= 1 and block_gap >= 0")
        if not 0 <= self.min_block_share <= 1:
            raise InvalidOptionError(f"min_block_share must be in [0, 1], got {self.min_block_share}")


@lru_cache(maxsize=1)
def _default_options() -> WebpageOptions:
    """``WebpageOptions()``, built once (its ``__post_init__`` rebuilds the stopword set)."""
    return WebpageOptions()


@lru_cache(maxsize=16)
def _keeping_titles(options: WebpageOptions) -> WebpageOptions:
    """``replace(options, keep_title=True)``, built once per options (asked for on every page)."""
    return replace(options, keep_title=True)


# --------------------------------------------------------------------------- patterns
# Matched on the reading view: NFKC (full-width → half-width), Simplified, lower case.

_EDGE = r"[\s\[\]【】()（）<>《》〈〉«»‹›|｜:：\-—_·•.。,，!！?？*#/\\~～▲▼△▽►▶◀→←↑↓+＋=]*"
_LABEL_WORDS = (
    # Chinese menus, buttons and widget headings
    "首页|主页|网站首页|返回|返回首页|返回顶部|回到顶部|回到首页|回到页首|回到主文|跳到主文|顶部|置顶|更多|查看更多|更多内容|"
    "加载更多|点击加载更多|展开|收起|展开全文|阅读全文|全文|打印|打印本页|打印文章|关闭|关闭窗口|关闭按钮|关闭本页|收藏|"
    "收藏本文|收藏文章|加入收藏|设为首页|评论|我要评论|发表评论|查看评论|网友评论|参与评论|热门评论|最新评论|更多评论|"
    "评论列表|留言|发表留言|留言列表|我要留言|登录|注册|登入|免费注册|退出|搜索|站内搜索|文章搜索|搜狗|百度|上一篇|下一篇|"
    "上一页|下一页|首页上一页|下载|订阅|举报|纠错|我要纠错|字号|大|中|小|默认|推荐|推荐阅读|相关阅读|相关文章|相关新闻|"
    "相关链接|延伸阅读|热门文章|最新文章|热门推荐|精彩推荐|猜你喜欢|排行|排行榜|热点|热搜|精华|焦点|热图|视觉|正文|导航|"
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
_STAMP = re.compile(
    r"(?:(?:19|20)\d{2}[-/.年])?\d{1,2}[-/.月]\d{1,2}日?\s*(?:[(（][^)）]{1,3}[)）])?\s*\d{1,2}:\d{2}|"
    # (?<!\d): a count is tried from the start of its digit run only (linear on long runs)
    r"(?<!\d)\d+\s*(?:秒|分钟|小时|天|周|个月)前|(?<!\d)\d+\s+(?:seconds?|minutes?|hours?|days?|weeks?|months?)\s+ago|"
    r"^\W*#\d{1,4}\W*$|(?:回复|回覆|reply|says|wrote)\s*[:：]?\s*$"
)
_STAMP_END = re.compile(r"(?:\d{1,2}:\d{2}|(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/]\d{1,2})\W{0,3}$")
_LINK_TITLE = re.compile(
    r"(?:\.{3,}|…+|\.\.\.?)\s*$|\(\d+\)\s*$|（\d+）\s*$|^\s*\(\d+\)|^\s*\d{1,2}\s*$|"
    r"^\s*[·•▪■□◆◇●○►▶\-–—]\s*\S|^\s*\[[^\]]{1,8}\]\s*\S"
)
_BREADCRUMB = re.compile(
    r"^\W*(?:当前位置|您的位置|你的位置|您现在的位置|所在位置|位置|you are here|location)\s*[:：]|"
    r"(?:^|\s)(?:>>?|»|›|＞|→)\s*\S.*(?:>>?|»|›|＞|→)|^\W*(?:首页|主页|home)\s*(?:>>?|»|›|＞|→|/)"
)
_LIST_HEADING = re.compile(
    r"(?:相关|推荐|热门|热点|最新|精彩|精选|延伸|猜你|其他|其它|同类|往期|本类|类别|热评|排行|24小时|48小时|一周|本周|今日)"
    r".{0,6}(?:文章|阅读|新闻|资讯|内容|视频|图片|专题|帖子|博文|推荐|排行|链接|评论|留言|热点|话题)|"
    r"可能.{0,4}(?:兴趣|喜欢)|上一篇|下一篇|上一页|下一页|"
    r"you (?:may|might) (?:also )?(?:like|enjoy)|related (?:articles|posts|stories|content|links|news)|"
    r"recommended (?:for you|stories|articles|reading)|most (?:read|popular|viewed|shared)|"
    r"popular (?:posts|articles|stories)|recent (?:posts|comments|articles)|trending|more (?:stories|articles|news)|"
    r"see also|previous (?:post|article|story)|next (?:post|article|story)|older posts|newer posts"
)
_PREV_NEXT = re.compile(
    r"^\W*(?:上一篇|下一篇|上一页|下一页|上一条|下一条|上篇|下篇|previous|next|prev|older|newer)(?: (?:post|article|story|page))?\s*[:：]"
)
_LABEL_PIECES = re.compile(r"[\s\[\]【】()（）<>《》|｜/·•]+")


def _is_label(view: str) -> bool:
    """The whole line is a label, or a few labels side by side ("【打印本页】 【关闭窗口】")."""
    if _LABEL.fullmatch(view):
        return True
    pieces = [p for p in _LABEL_PIECES.split(view) if p]
    return 1 < len(pieces) <= 6 and all(_LABEL.fullmatch(p) for p in pieces)


# No surrounding \s*: pieces are stripped instead (linear on runs of spaces).
_SEPARATOR_SPLIT = re.compile(r"(?:[|｜¦│»›>＞▪■◆]|>>|(?<=\s)[/·•‧∙\-–](?=\s))")
_CJK_CLASS = "\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3100-\u318f\u31a0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_WORD = re.compile(rf"[^\W\d_{_CJK_CLASS}]+(?:['’][a-z]+)?")
_FULL_STOP = re.compile(r"(?<=[^\W\d_]{2})\.(?=\s|$|[\"'”’)\]])")
_TITLE_SPLIT = re.compile(r"(?:[_|｜]|--|—+|\s-\s|::|(?<=[\u3400-\u9fff])-(?=[\u3400-\u9fff]))")


def reading_views(lines: Sequence[str]) -> list[str]:
    """The reading view of each line, which the page features are read on: NFKC, Simplified,
    lower case, without inline noise, stripped. One call for the lines of many pages costs
    far less than one call a page.

    Returns
    -------
    list of str
        One per line.
    """
    return [v.strip() for v in matching_texts(lines, _VIEW)]


def _title_parts(first: str) -> set[str]:
    parts = {p for p in (q.strip() for q in _TITLE_SPLIT.split(first)) if len(p) >= 4}
    return parts | {first}


def _pattern_flags(view: str, size: float, first: bool, title_repeat: bool, options: WebpageOptions) -> list[int]:
    """The furniture-pattern columns of one line: label, copyright, share, metadata,
    link_title, stamp, breadcrumb, title (see :data:`FEATURES`)."""
    # Size counts CJK characters and words, not punctuation: a line of thousands of
    # dots has size 0. Labels, menus and meta lines are also short in characters. Every
    # column needs a line at most twice the meta size (most lines of an article are not).
    fits = len(view) <= 8 * options.max_meta_size
    listed = fits and size <= 2 * options.max_meta_size
    if not view or not listed:
        return [0] * 8
    short, meta = size <= options.max_label_size, size <= options.max_meta_size
    label = (short and (_is_label(view) or _LIST_HEADING.search(view) is not None)) or (
        meta and _PREV_NEXT.search(view) is not None
    )
    share = (short and _SHARE.fullmatch(view) is not None) or (meta and _SHARE_PREFIX.search(view) is not None)
    metadata = 0
    if meta:
        dated = _DATE.search(view) is not None
        mostly_date = dated and len(_DATE.sub("", view).strip()) <= 0.5 * len(view)
        labelled = _METADATA.search(view) is not None
        metadata = 2 if (mostly_date or (labelled and dated)) else 1 if labelled else 0
    stamped = _STAMP.search(view) is not None
    stamp = stamped and (meta or (listed and _STAMP_END.search(view) is not None))
    return [
        int(label),
        int(meta and _COPYRIGHT.search(view) is not None),
        int(share),
        metadata,
        int(meta and _LINK_TITLE.search(view) is not None),
        int(stamp),
        int(meta and _BREADCRUMB.search(view) is not None),
        int((first and listed) or (title_repeat and meta)),
    ]


def line_features(lines: Sequence[str], options: WebpageOptions | None = None, views: Sequence[str] | None = None) -> np.ndarray:
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
    opts = options or _default_options()
    m = len(lines)
    out = np.zeros((m, len(FEATURES)), dtype=np.float64)
    if m == 0:
        return out
    views = reading_views(lines) if views is None else list(views)
    if len(views) != m:
        raise ValueError(f"line_features: {m} lines but {len(views)} views")
    classes = _char_classes()
    function = _function_table(opts.function_chars)

    text = "\n".join(lines)
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    cls = classes[cps]
    lengths = np.fromiter(map(len, lines), dtype=np.int64, count=m)
    starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
    line_id = np.repeat(np.arange(m), lengths + 1)[: len(cps)]

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(line_id[mask], minlength=m).astype(np.float64)

    visible = (cls & _SPACE) == 0
    visible[starts[1:] - 1] = False  # the joining newlines
    chars = count(visible)
    cjk = count((cls & _CJK) != 0)
    letters = count((cls & _LETTER) != 0)
    digits = count((cls & _DIGIT) != 0)
    punct = count(visible & ((cls & (_CJK | _LETTER | _DIGIT)) == 0))

    vtext = "\n".join(views)
    vcps = np.frombuffer(vtext.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    vlengths = np.fromiter(map(len, views), dtype=np.int64, count=m)
    vline = np.repeat(np.arange(m), vlengths + 1)[: len(vcps)]
    vcls = classes[vcps]
    view_cjk = np.bincount(vline[(vcls & _CJK) != 0], minlength=m).astype(np.float64)
    view_function = np.bincount(vline[function[vcps] & ((vcls & _CJK) != 0)], minlength=m).astype(np.float64)
    sentence = np.bincount(vline[(vcls & _SENTENCE) != 0], minlength=m).astype(np.float64)

    words = np.zeros(m)
    stops = np.zeros(m)
    full_stops = np.zeros(m)
    separators = np.zeros(m)
    items = np.zeros(m)
    flags = np.zeros((m, 8))
    stopwords = opts.stopwords
    title_parts = _title_parts(views[0]) if views and views[0] else set()
    for i, view in enumerate(views):
        ws = _WORD.findall(view)
        words[i] = len(ws)
        stops[i] = sum(w in stopwords for w in ws)
        full_stops[i] = len(_FULL_STOP.findall(view))
        pieces = [p for p in (q.strip() for q in _SEPARATOR_SPLIT.split(view)) if p]
        separators[i] = max(len(pieces) - 1, 0)
        items[i] = sum(len(p.split()) for p in pieces)
        flags[i] = _pattern_flags(view, view_cjk[i] + 2 * len(ws), i == 0, view in title_parts, opts)
    size = view_cjk + 2 * words
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
    for j, name in enumerate(("label", "copyright", "share", "metadata", "link_title", "stamp", "breadcrumb", "title")):
        out[:, _F[name]] = flags[:, j]
    out[:, _F["position"]] = np.arange(m) / max(m - 1, 1)
    return out


# --------------------------------------------------------------------------- classes

_BAD, _SHORT, _NEAR, _GOOD = 0, 1, 2, 3


def _density_thresholds(features: np.ndarray, options: WebpageOptions) -> tuple[np.ndarray, np.ndarray]:
    """Per line: the function-word density a near-good and a good line need (float64 ``[m]``)."""
    words = features[:, _F["words"]]
    cjk = np.maximum(features[:, _F["size"]] - 2 * words, 0)
    total = np.maximum(cjk + words, 1)
    low = (cjk * options.density_low + words * options.word_density_low) / total
    high = (cjk * options.density_high + words * options.word_density_high) / total
    return low, high


def _has_function_list(features: np.ndarray, options: WebpageOptions) -> bool:
    """Whether the page's language has function words in the lists (judged on its long lines)."""
    size = features[:, _F["size"]]
    long = size >= options.short_size * 2
    if not long.any():
        return True
    weights = size[long]
    return float(np.average(features[long, _F["function_density"]], weights=weights)) >= options.no_list_density


def _initial_classes(features: np.ndarray, options: WebpageOptions) -> np.ndarray:
    """jusText's context-free classes: int8 ``[m]`` of bad, short, near-good, good."""
    size = features[:, _F["size"]]
    density = features[:, _F["function_density"]]
    sentences = features[:, _F["sentence_ends"]]
    low, high = _density_thresholds(features, options)
    if _has_function_list(features, options):
        # A sentence end vouches for a line whose function words are few (news leads
        # full of names and titles); a menu or a keyword list has neither.
        near = (density >= low) | (sentences >= 1)
        good = near & ((density >= high) | (sentences >= 1))
    else:
        # No function-word list for the page's language: only sentence punctuation tells text.
        near = sentences >= 1
        good = near
    classes = np.full(len(size), _BAD, dtype=np.int8)
    # Few function words say little about a line shorter than a good one: its context decides.
    classes[size < options.good_size] = _SHORT
    classes[near & (size >= options.short_size)] = _NEAR
    classes[near & good & (size >= options.good_size)] = _GOOD
    return classes


def _furniture_kinds(features: np.ndarray, options: WebpageOptions) -> np.ndarray:
    """Kinds of lines that look like page furniture whatever their neighbours ("" for none)."""
    m = len(features)
    kind = np.full(m, "", dtype="<U14")
    size = features[:, _F["size"]]
    items = np.maximum(features[:, _F["items"]], 1)
    sentences = features[:, _F["sentence_ends"]]
    separators = features[:, _F["separators"]]
    menu = (separators >= 2) & (size / (separators + 1) <= 8) & (sentences <= 1)
    # Runs of short items (首页 新闻 体育 娱乐); in space-separated scripts every word is an item.
    menu |= (
        (items >= 4)
        & (size / items <= 4)
        & (sentences == 0)
        & (features[:, _F["digit_share"]] < 0.25)
        & (features[:, _F["cjk_share"]] >= 0.5)
    )
    dated = (features[:, _F["metadata"]] > 1) & (size <= options.max_meta_size)
    rules = (
        ("metadata", dated),
        ("title", (features[:, _F["title"]] > 0) & (not options.keep_title)),
        ("navigation", (features[:, _F["label"]] > 0) | menu),
        ("breadcrumb", features[:, _F["breadcrumb"]] > 0),
        ("share", features[:, _F["share"]] > 0),
        ("copyright", features[:, _F["copyright"]] > 0),
    )
    for name, mask in rules:  # later rules win
        kind[mask] = name
    return kind


def _soft_kinds(features: np.ndarray) -> np.ndarray:
    """Kinds of lines that look like furniture but may belong to the text (bylines, dates,
    truncated titles): they become short lines, left to their context ("" for none)."""
    kind = np.full(len(features), "", dtype="<U14")
    kind[features[:, _F["link_title"]] > 0] = "link-list"
    kind[(features[:, _F["metadata"]] == 1) | (features[:, _F["stamp"]] > 0)] = "metadata"
    return kind


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``[start, end)`` of the runs of True in a bool array (two int64 arrays)."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return edges[0::2], edges[1::2]


def _stamp_regions(features: np.ndarray, options: WebpageOptions) -> np.ndarray:
    """bool ``[m]``: lines of comment threads and dated lists (time stamps recurring)."""
    m = len(features)
    stamps = np.flatnonzero(features[:, _F["stamp"]] > 0)
    region = np.zeros(m, dtype=bool)
    if len(stamps) < options.stamp_lines:
        return region
    close = np.diff(stamps) <= options.stamp_gap
    starts, ends = _runs(close)
    for s, e in zip(starts.tolist(), ends.tolist()):
        if e - s + 1 >= options.stamp_lines:  # e - s gaps join e - s + 1 stamps
            region[stamps[s] : stamps[e] + 1] = True
    return region


def _stamp_region_kinds(region: np.ndarray, features: np.ndarray) -> np.ndarray:
    """Per line of each stamped region: "comments" where stamps separate other lines (a
    thread), "link-list" where nearly every line carries its own stamp (a dated list)."""
    kind = np.full(len(region), "", dtype="<U14")
    starts, ends = _runs(region)
    for s, e in zip(starts.tolist(), ends.tolist()):
        stamped = (features[s:e, _F["stamp"]] > 0).mean()
        kind[s:e] = "link-list" if stamped >= 0.6 else "comments"
    return kind


def _previous(mask: np.ndarray) -> np.ndarray:
    """int64 ``[m]``: index of the nearest earlier line in ``mask`` (-1 if none)."""
    idx = np.where(mask, np.arange(len(mask)), -1)
    before = np.concatenate([[-1], np.maximum.accumulate(idx)[:-1]]) if len(mask) else idx
    return before


def _next(mask: np.ndarray) -> np.ndarray:
    """int64 ``[m]``: index of the nearest later line in ``mask`` (``m`` if none)."""
    m = len(mask)
    return m - 1 - _previous(mask[::-1])[::-1]


def _neighbour(classes: np.ndarray, skip: tuple[int, ...], forward: bool, reach: int) -> np.ndarray:
    """Class of the nearest earlier (later) line whose class is not in ``skip``; bad at the
    page edge and beyond ``reach`` lines."""
    mask = ~np.isin(classes, skip)
    m = len(classes)
    where = _next(mask) if forward else _previous(mask)
    too_far = np.abs(where - np.arange(m)) > reach
    padded = np.append(classes, _BAD)
    return np.where(too_far, _BAD, padded[np.where(where < 0, m, where)])


def _smooth(classes: np.ndarray, reach: int) -> np.ndarray:
    """jusText's context-sensitive pass: short and near-good lines take their neighbours' side
    (a neighbour more than ``reach`` lines away counts as bad)."""
    prev_far = _neighbour(classes, (_SHORT, _NEAR), False, reach)
    next_far = _neighbour(classes, (_SHORT, _NEAR), True, reach)
    prev_near = _neighbour(classes, (_SHORT,), False, reach)
    next_near = _neighbour(classes, (_SHORT,), True, reach)
    out = classes.copy()
    short = classes == _SHORT
    both_good = (prev_far == _GOOD) & (next_far == _GOOD)
    both_bad = (prev_far == _BAD) & (next_far == _BAD)
    mixed_near = ((prev_far == _BAD) & (prev_near == _NEAR)) | ((next_far == _BAD) & (next_near == _NEAR))
    out[short & both_good] = _GOOD
    out[short & both_bad] = _BAD
    out[short & ~both_good & ~both_bad] = np.where(mixed_near[short & ~both_good & ~both_bad], _GOOD, _BAD)
    near = classes == _NEAR
    out[near] = np.where(both_bad[near], _BAD, _GOOD)
    return out


def _menu_runs(classes: np.ndarray, features: np.ndarray, options: WebpageOptions) -> np.ndarray:
    """bool ``[m]``: runs of ``menu_lines`` or more short lines of a word or two without
    punctuation (menus, tag lists, link columns), which no neighbour makes text."""
    size = features[:, _F["size"]]
    starts, ends = _runs(classes == _SHORT)
    menu = np.zeros(len(classes), dtype=bool)
    for s, e in zip(starts.tolist(), ends.tolist()):
        if (
            e - s >= options.menu_lines
            and features[s:e, _F["sentence_ends"]].sum() == 0
            and size[s:e].mean() < options.menu_item_size
        ):
            menu[s:e] = True
    return menu


def _promote_runs(classes: np.ndarray, size: np.ndarray, options: WebpageOptions) -> np.ndarray:
    """Near-good lines of a long run of non-bad lines become good.

    A run qualifies when its near-good lines weigh at least ``run_size`` and the run
    outweighs the good lines of every other run: an article written in short lines, not
    a list of headlines below an article of long paragraphs.
    """
    out = classes.copy()
    starts, ends = _runs(classes != _BAD)
    if not len(starts):
        return out
    run_id = np.cumsum(np.isin(np.arange(len(classes)), starts)) - 1
    in_run = classes != _BAD
    near, good = in_run & (classes == _NEAR), in_run & (classes == _GOOD)
    near_mass = np.bincount(run_id[near], weights=size[near], minlength=len(starts))
    good_mass = np.bincount(run_id[good], weights=size[good], minlength=len(starts))
    largest_good = good_mass.max()
    promote = (near_mass >= options.run_size) & (near_mass + good_mass >= largest_good)
    for s, e in zip(starts[promote].tolist(), ends[promote].tolist()):
        run = out[s:e]
        run[run == _NEAR] = _GOOD
    return out


def _minor_blocks(content: np.ndarray, size: np.ndarray, titles: np.ndarray, options: WebpageOptions) -> np.ndarray:
    """bool ``[m]``: content lines in blocks far smaller than the page's main block.

    A block that starts right after a repeat of the page title (the article's heading)
    weighs double when the main block is chosen.
    """
    m = len(content)
    minor = np.zeros(m, dtype=bool)
    idx = np.flatnonzero(content)
    if not len(idx):
        return minor
    new_block = np.concatenate([[True], np.diff(idx) > options.block_gap + 1])
    block = np.cumsum(new_block) - 1
    mass = np.bincount(block, weights=size[idx])
    starts = idx[new_block]
    last_title = _previous(titles)[starts]
    headed = (last_title > 0) & (starts - last_title <= options.block_gap + 3)
    main = (mass * np.where(headed, 2.0, 1.0)).argmax()
    small = (mass < options.min_block_share * mass[main]) & (mass < options.keep_block_size)
    small[main] = False
    minor[idx[small[block]]] = True
    return minor


def classify_page_lines(
    lines: Sequence[str],
    options: WebpageOptions | None = None,
    known_boilerplate: np.ndarray | None = None,
    views: Sequence[str] | None = None,
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Classify the lines of one web page.

    Parameters
    ----------
    lines : sequence of str
        The page's lines in order.
    options : WebpageOptions, optional
    known_boilerplate : np.ndarray, optional
        bool ``[m]``: lines already known to be boilerplate (by corpus recurrence); they
        count as bad lines in the context pass and get kind ``"recurring"`` unless a
        pattern names them better.
    views : sequence of str, optional
        ``reading_views(lines)``, when the caller made them for many pages at once.

    Returns
    -------
    labels : np.ndarray
        bool ``[m]``, True for boilerplate.
    kinds : tuple of str
        Per line, one of :data:`KINDS`, or ``""`` for content.
    """
    opts = options or _default_options()
    m = len(lines)
    if m == 0:
        return np.zeros(0, dtype=bool), ()
    features = line_features(lines, opts, views)
    size = features[:, _F["size"]]
    classes = _initial_classes(features, opts)
    furniture = _furniture_kinds(features, opts)
    soft = _soft_kinds(features)
    classes[(soft != "") & (classes != _BAD)] = _SHORT
    classes[furniture != ""] = _BAD
    kind = np.where(furniture != "", furniture, soft)
    if known_boilerplate is not None:
        known = np.asarray(known_boilerplate, dtype=bool)
        if known.shape != (m,):
            raise InvalidOptionError(f"known_boilerplate must be bool [{m}], got shape {known.shape}")
        classes[known] = _BAD
        kind[known & (kind == "")] = "recurring"
    comments = _stamp_regions(features, opts)
    classes = _promote_runs(classes, size, opts)
    classes[comments] = _BAD
    menus = _menu_runs(classes, features, opts)
    classes[menus] = _BAD
    smoothed = _smooth(classes, opts.context_lines)
    content = smoothed == _GOOD
    titles = features[:, _F["title"]] > 0
    titles[0] = False  # the page's own title line heads nothing
    minor = _minor_blocks(content, size, titles, opts)
    content &= ~minor
    if opts.keep_title:
        content |= features[:, _F["title"]] > 0
    labels = ~content
    kind[comments & (furniture == "")] = _stamp_region_kinds(comments, features)[comments & (furniture == "")]
    kind[menus & (kind == "")] = "navigation"
    kind[minor & (kind == "")] = "link-list"
    rest = labels & (kind == "")
    kind[rest] = "page-furniture"
    kind[~labels] = ""
    return labels, tuple(kind.tolist())


# --------------------------------------------------------------------------- pages


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


def page_evidence(lines: Sequence[str], options: WebpageOptions | None = None, views: Sequence[str] | None = None) -> PageEvidence:
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


def looks_like_webpage(lines: Sequence[str], options: WebpageOptions | None = None, views: Sequence[str] | None = None) -> bool:
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
