"""What the page classifier shares: its options, the feature and kind names, and the per-code-point character
classes."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from ..errors import InvalidOptionError
from ..normalize import NormalizeOptions
from ..options import check_types

#: What may stand around a menu label or share button besides spaces: brackets, bars, colons, dashes, dots,
#: arrows (``【打印】``, ``» Home``, ``评论(12)``); :mod:`.features` and :mod:`.words` strip the same ones.
_EDGE_CHARS = "[]【】()（）<>《》〈〉«»‹›|｜:：-—_·•.。,，!！?？*#/\\~～▲▼△▽►▶◀→←↑↓+＋="

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
    # 1: a short line with a time stamp (2013/12/28 10:28, 3小时前, 5 minutes ago), or a list item ending with one
    "stamp",
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
    "notice",
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
#: The code point ranges of CJK scripts: Hangul jamo and syllables, radicals, kana, bopomofo, Han.
CJK_RANGES = (
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
def in_cjk_ranges() -> np.ndarray:
    """bool ``[0x110000]``: the code points of :data:`CJK_RANGES` (read only: it is shared)."""
    table = np.zeros(0x110000, dtype=bool)
    for lo, hi in CJK_RANGES:
        table[lo : hi + 1] = True
    table.flags.writeable = False
    return table


@lru_cache(maxsize=1)
def _char_classes() -> np.ndarray:
    """uint16 ``[0x110000]``: the class bits of every code point (some 30 ms, once)."""
    table = np.zeros(0x110000, dtype=np.uint16)
    bmp = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x10000)))
    values = np.concatenate([np.arange(0xD800), np.arange(0xE000, 0x10000)])
    code = {"L": _LETTER, "N": _PUNCT, "P": _PUNCT, "S": _PUNCT}
    major = np.frombuffer(bytes(code.get(unicodedata.category(c)[0], 0) for c in bmp), dtype=np.uint8).astype(np.uint16)
    digit = np.frombuffer(bytes(unicodedata.category(c) == "Nd" for c in bmp), dtype=bool)
    space = np.frombuffer(bytes(map(str.isspace, bmp)), dtype=bool)
    table[values] = np.where(digit, _DIGIT, major)
    table[values[space]] = _SPACE
    table[[0x200B, 0x200C, 0x200D, 0xFEFF]] = _SPACE
    table[0x20000:0x3134F] = _LETTER
    table[in_cjk_ranges() & (table == _LETTER)] = _CJK
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
    method : {"model", "rules"}, default "model"
        ``"model"``: the line model fitted on 916 labelled pages (:mod:`dedup.webpage.model`)
        decides which lines are boilerplate, the furniture patterns name their kinds.
        ``"rules"``: the hand rules below (classes, context, menus, main block) decide.
    model : str, optional
        Path of a line model ``.npz`` written by ``python -m benchmarks.webpages.fit``
        (None: the one shipped with dedup).
    cut : float, optional
        Probability at or above which the model calls a line boilerplate (None: the model's
        own cut, 0.858 for the shipped one, chosen to keep 98 % of the content of pages of
        sources it had not seen). Lower removes more: with an earlier model, 0.783 (its cut for
        96.5 %) gave boilerplate F1 0.68 at content recall 0.88 through ``clean`` leaving one
        source out, against 0.65 at 0.89 with its default (see the README).
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
    method: str = "model"
    model: str | None = None
    cut: float | None = None

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
        if self.cut is not None and not 0 < self.cut < 1:
            raise InvalidOptionError(f"cut must be in (0, 1), got {self.cut}")
        if self.method not in ("model", "rules"):
            raise InvalidOptionError(f'method must be "model" or "rules", got {self.method!r}')
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
