"""Line features of many pages at once (dedup.webpage.features.pages_line_features) against the per-line definitions."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from benchmarks.webpages import DATA
from benchmarks.webpages.fit import read_sources
from dedup.webpage import classify_page_lines, furniture, line_features, looks_like_webpage, reading_views, rows, topic
from dedup.webpage.base import _F, _default_options
from dedup.webpage.classes import model_page_lines
from dedup.webpage.features import (
    _FULL_STOP,
    _SEPARATOR_SPLIT,
    _TABLE_ROW,
    _WORD,
    _feature_table,
    _words,
    complete_features,
    pages_line_features,
    view_keys,
)
from dedup.webpage.furniture import _Flags
from dedup.webpage.model import MODEL_FEATURES, model_features, pages_model_features
from dedup.webpage.pages import pages_look_like_webpages
from dedup.webpage.topic import line_tokens, topic_overlap

# Latin, CJK, Hangul, digits, full stops, menu separators, spaces (a no-break and an
# ideographic one), a zero-width space, sentence ends.
ALPHABET = "ab The é首页新闻한국어12 .｜|>»·/-–\u00a0\u3000\u200b。!,"
line = st.text(alphabet=ALPHABET, max_size=30)
page = st.lists(line, min_size=1, max_size=6)


# A full stop: a dot after two letters, before a space, the end or a closing quote or bracket (as first written;
# the package's pattern opens with the dot, which re searches for faster).
FULL_STOP = re.compile(r"(?<=[^\W\d_]{2})\.(?=\s|$|[\"'”’)\]])")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab É_1.'\"”’)]\n\t首", max_size=40))
@example('ab. 1b. a_. Éa." ab.a ab.')
def test_the_full_stop_pattern_finds_the_full_stops_of_its_definition(text: str) -> None:
    assert [m.span() for m in _FULL_STOP.finditer(text)] == [m.span() for m in FULL_STOP.finditer(text)]


# Word characters of many kinds, apostrophes before a-z or not, and what the pattern leaves out (digits, "_", CJK).
WORDY = st.text(alphabet="abzAÉé'’ 1_首\U0001d400\U00020000-", max_size=16)
STOPWORDS = ["a", "ab", "don't", "z’a", "é", "ÉÉ", "\U0001d400a", "abzabzabz", "a" * 40]


@pytest.mark.parametrize("kernel", [True, False])
@settings(max_examples=200, deadline=None)
@given(views=st.lists(WORDY, max_size=8), stopwords=st.lists(st.sampled_from(STOPWORDS), unique=True))
@example(views=["a'b'c'd", "don't't", "ab'É", "a''b", "é’z", "a" * 40], stopwords=["a", "don't", "a" * 40])
def test_words_and_stopwords_are_the_word_patterns(kernel: bool, views: list[str], stopwords: list[str]) -> None:
    """The kernel's matches of _WORD (chains of apostrophes, a-z suffixes, astral code points left to the
    pattern) and the stopwords among them, compared whole, are those of findall; without the kernel, findall's."""
    from dedup.webpage import features

    lengths = np.array([len(v) for v in views], dtype=np.int64)
    starts = np.cumsum(lengths + 1) - (lengths + 1)
    cps = np.frombuffer("\n".join(views).encode("utf-32-le"), dtype=np.uint32)
    table = _feature_table(_default_options().function_chars)
    some = np.ones(len(views), dtype=bool)
    with pytest.MonkeyPatch.context() as patch:
        if not kernel:
            patch.setattr(features, "_kernels", None)
        words, stops = _words(views, cps, starts, starts + lengths, table, some, frozenset(stopwords))
    assert words.tolist() == [len(_WORD.findall(v)) for v in views]
    assert stops.tolist() == [sum(w in stopwords for w in _WORD.findall(v)) for v in views]


def _reference(view: str) -> tuple[int, int, int, int]:
    """words, full stops, separators and items of one reading view, one regular expression at a time (a Markdown
    table's row has no separators, its items its whitespace-separated tokens)."""
    if _TABLE_ROW.match(view):
        return len(_WORD.findall(view)), len(FULL_STOP.findall(view)), 0, len(view.split())
    pieces = [p for p in (q.strip() for q in _SEPARATOR_SPLIT.split(view)) if p]
    return (
        len(_WORD.findall(view)),
        len(FULL_STOP.findall(view)),
        max(len(pieces) - 1, 0),
        sum(len(p.split()) for p in pieces),
    )


def _bounds(pages: list[list[str]]) -> np.ndarray:
    return np.concatenate([[0], np.cumsum([len(p) for p in pages])]).astype(np.int64)


@settings(max_examples=150, deadline=None)
@given(st.lists(page, min_size=1, max_size=5))
@example([["한국어 문장이다. 다음", "新闻结束."], ["Home | News", "a.b. The end."]])  # full stops without Latin words
@example([["", "首页", ""], [""], ["\u200b"]])  # blank lines and empty views, last of all too
# separators that need spaces around them and have them or not (a name's middle dot, a date's hyphens), and ones
# that need none
@example([["a - b", "x / y z", "马克思·恩格斯", "2018-01-02", "-a -", "Home ▪ News", "首页◆新闻", "体育│娱乐"]])
@example([["|1|1|", "| a | b |", "|---|---|", "| a |"]])  # a Markdown table's rows: no separators
# a long first line again on another page, not first there but in its title (flags of a view are not all its own)
@example([["长标题" * 15, "正文。"], ["长标题" * 15 + " | 网站", "长标题" * 15]])
def test_features_of_many_pages_are_those_of_each_page_and_of_each_line(pages: list[list[str]]) -> None:
    lines = [x for p in pages for x in p]
    together = pages_line_features(lines, _bounds(pages))
    alone = np.concatenate([line_features(p) for p in pages])
    assert np.array_equal(together, alone)
    views = reading_views(lines)
    sentence_marks = np.array([sum(c in "。!" for c in v) for v in views])
    for j, view in enumerate(views):
        words, full_stops, separators, items = _reference(view)
        assert together[j, _F["words"]] == words
        assert together[j, _F["sentence_ends"]] == sentence_marks[j] + full_stops
        assert together[j, _F["separators"]] == separators
        assert together[j, _F["items"]] == items


def test_position_and_title_are_per_page() -> None:
    pages = [["首页 | 新闻 | 体育", "正文第一段。"], ["标题", "第二页正文。", "版权所有 © 2024"]]
    features = pages_line_features([x for p in pages for x in p], _bounds(pages))
    assert features[:, _F["position"]].tolist() == [0.0, 1.0, 0.0, 0.5, 1.0]
    assert features[:, _F["title"]].tolist() == [1.0, 0.0, 1.0, 0.0, 0.0]
    assert features[:, _F["copyright"]].tolist() == [0.0, 0.0, 0.0, 0.0, 1.0]


def test_page_check_of_many_pages_equals_the_check_of_each() -> None:
    pages = [list(p.lines) for p in read_sources(DATA / "subset")]
    pages = [[x for x in p if x.strip()] for p in pages]
    lines = [x for p in pages for x in p]
    bounds = _bounds(pages)
    decided = pages_look_like_webpages(pages_line_features(lines, bounds), bounds)
    expected = [looks_like_webpage(p) for p in pages]
    assert decided.tolist() == expected
    assert 0 < sum(expected) < len(expected)  # both answers occur
    # What the check reads is the same with the check's features alone; the others are left out.
    full, check = pages_line_features(lines, bounds), pages_line_features(lines, bounds, check=True)
    assert pages_look_like_webpages(check, bounds).tolist() == expected
    skipped = [_F[name] for name in ("link_title", "stamp", "title", "metadata")]
    kept = np.setdiff1d(np.arange(full.shape[1]), skipped)
    assert np.array_equal(check[:, kept], full[:, kept]) and not check[:, skipped[:3]].any()
    dated = full[:, _F["metadata"]] == 2
    assert np.array_equal(check[:, _F["metadata"]], np.where(dated, 2.0, 0.0)) and dated.any()
    assert full[:, skipped[:3]].any(axis=0).all()  # the columns left out do occur
    complete_features(check, reading_views(lines), bounds)
    assert np.array_equal(check, full)


@pytest.mark.parametrize("kernel", [True, False], ids=["kernel", "matrices"])
def test_model_features_and_labels_of_many_pages_are_those_of_each_page(
    monkeypatch: pytest.MonkeyPatch, kernel: bool
) -> None:
    """Bit for bit: the trees split at values the columns take, so a page must not be summed with others."""
    pages = [[x for x in p.lines if x.strip()] for p in read_sources(DATA / "subset")]
    lines = [x for p in pages for x in p]
    bounds = _bounds(pages)
    features = pages_line_features(lines, bounds)
    alone = [model_features(line_features(p), p) for p in pages]
    if not kernel:
        monkeypatch.setattr(rows, "_kernels", None)
        monkeypatch.setattr(rows, "MATRIX_CELLS", 4096)  # running sums in many small matrices
    together = pages_model_features(features, lines, bounds)
    assert np.array_equal(together, np.concatenate(alone))
    # the page's mean log size is np.mean's, the value the trees were fitted on
    mean_log_size = [np.log1p(line_features(p)[:, _F["size"]]).mean() for p in pages]
    column = together[bounds[:-1], MODEL_FEATURES.index("page_mean_log_size")]
    assert column.tolist() == mean_log_size
    known = np.zeros(len(lines), dtype=bool)
    known[::7] = True
    labels, kinds = model_page_lines(lines, features, bounds, known=known)
    expected = [classify_page_lines(p, known_boilerplate=known[a:b]) for p, a, b in zip(pages, bounds, bounds[1:])]
    assert labels.tolist() == [x for page_labels, _ in expected for x in page_labels.tolist()]
    assert kinds.tolist() == [k for _, page_kinds in expected for k in page_kinds]
    assert 0 < labels.mean() < 1


_PIECES = st.sampled_from(
    [
        "回复",
        "reply",
        "says",
        "wrote",
        ":",
        "：",
        " ",
        "...",
        "…",
        "·",
        "- ",
        "[公告]",
        "(",
        ")",
        "（",
        "）",
        "#",
        "来源",
        "作者",
        "posted on",
        "jan",
        "may",
        "年",
        "月",
        "日",
        "前",
        "分钟",
        "ago",
        "版权所有",
        "©",
        "(c)",
        "首页",
        ">",
        "»",
        "更多",
        "新闻",
        "a",
        "Z",
        "文",
        "。",
        "\n",
    ]
)


@settings(max_examples=200)
@given(
    pages=st.lists(
        st.lists(st.lists(_PIECES, min_size=1, max_size=8).map("".join), min_size=1, max_size=5), min_size=1, max_size=4
    )
)
@example(pages=[["回复", "："], ["...", " "]])
def test_furniture_flags_are_those_of_every_pattern_searched_on_every_line(pages: list[list[str]]) -> None:
    """The literal prefilter (dedup.literals) and the digit test only skip searches that cannot match: the
    features are those of every pattern searched on every line, and the patterns that need a decimal digit
    (dates, time stamps, numbered link titles) searched on lines without one too."""
    lines = [x for p in pages for x in p]
    bounds = _bounds(pages)
    views = reading_views(lines)
    prefiltered = pages_line_features(lines, bounds, views=views)
    checked = pages_line_features(lines, bounds, views=views, check=True)
    complete_features(checked, views, bounds)
    # The views numbered once by the caller (the page check's groups) read as the features number them.
    keys = view_keys(views)
    assert keys.tolist() == [list(dict.fromkeys(views)).index(v) for v in views]
    numbered = pages_line_features(lines, bounds, views=views, check=True, keys=keys)
    some = np.flatnonzero(np.arange(len(lines)) % 2 == 0)  # complete_features reads the keys of its rows only
    sub = np.searchsorted(some, bounds)  # the pages of those rows
    unnumbered = numbered[some].copy()
    complete_features(numbered, views, bounds, keys=keys)
    assert np.array_equal(numbered, prefiltered)
    complete_features(unnumbered, [views[i] for i in some.tolist()], sub, keys=keys[some])
    again = pages_line_features(lines, bounds, views=views, check=True)[some]
    complete_features(again, [views[i] for i in some.tolist()], sub)
    assert np.array_equal(unnumbered, again)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(furniture, "lines_holding", lambda texts, sets: np.ones((len(sets), len(texts)), dtype=bool))
        assert np.array_equal(pages_line_features(lines, bounds, views=views), prefiltered)
    assert np.array_equal(checked, prefiltered)
    distinct = list(dict.fromkeys(views))
    no_digit = np.array([re.search(r"\d", v) is None for v in distinct])
    for size in (2.0, 10.0, 30.0):
        sizes = np.full(len(distinct), size)
        found = _Flags(distinct, sizes, ~no_digit, _default_options(), "all")
        searched = _Flags(distinct, sizes, np.ones(len(distinct), dtype=bool), _default_options(), "all")
        check = found.check()
        dated = check["metadata"] == 2
        for got, expected in ((check, searched.check()), (found.other(dated), searched.other(dated))):
            for name, column in got.items():
                assert column[no_digit].tolist() == expected[name][no_digit].tolist(), name


# Page furniture beyond Chinese and English (dedup.webpage.words): a page of each language, its menu,
# share bar, breadcrumb and copyright line before and after a story of three sentences.
_FURNITURE = {
    "ru": ("Главная › Новости › Экономика", "Вход", "Регистрация", "Поиск", "Поделиться", "© 2024 Все права защищены"),
    "ja": ("ホーム > ニュース > 経済", "ログイン", "新規登録", "検索", "シェア", "無断転載を禁じます"),
    "ko": ("홈 > 뉴스 > 경제", "로그인", "회원가입", "검색", "공유하기", "무단 전재 및 재배포 금지"),
    "de": ("Startseite / Politik / Inland", "Anmelden", "Registrieren", "Suche", "Teilen", "Alle Rechte vorbehalten"),
}
_STORIES = {
    "ru": "Правительство объявило о новых мерах поддержки. Программа начнёт действовать в следующем месяце. "
    "Её охватят тысячи предприятий.",
    "ja": "政府は新たな支援策を発表した。制度は来月から始まる。一万社以上が対象となる見込みだ。",
    "ko": "정부는 새로운 지원 대책을 발표했다. 제도는 다음 달부터 시작된다. 만 개 이상의 기업이 대상이 된다.",
    "de": "Die Regierung hat neue Hilfen angekündigt. Das Programm beginnt im nächsten Monat. "
    "Tausende Unternehmen sollen profitieren.",
}


@pytest.mark.parametrize("lang", sorted(_FURNITURE))
def test_furniture_words_of_other_languages(lang: str) -> None:
    crumb, login, register, search, share, notice = _FURNITURE[lang]
    lines = [crumb, login, register, search, _STORIES[lang], share, notice]
    features = line_features(lines)
    column = {name: features[:, _F[name]].tolist() for name in ("breadcrumb", "label", "share", "copyright")}
    assert column["breadcrumb"] == [1, 0, 0, 0, 0, 0, 0]
    assert column["label"] == [0, 1, 1, 1, 0, 0, 0]
    assert column["share"] == [0, 0, 0, 0, 0, 1, 0]
    assert column["copyright"] == [0, 0, 0, 0, 0, 0, 1]
    assert looks_like_webpage(lines) and not looks_like_webpage([_STORIES[lang]] * 3)


def test_furniture_words_are_read_on_views_with_edges_and_counts() -> None:
    """A Japanese label is matched on its Simplified view (関連記事 reads 関连记事), inside brackets and with a count;
    a word of the list inside a longer line is no label."""
    lines = ["【関連記事】", "コメント (12)", "[ Impressum | Datenschutz ]", "Читайте также: новости экономики"]
    assert line_features(lines)[:, _F["label"]].tolist() == [1, 1, 1, 0]


def _reference_tokens(line: str) -> set[tuple[str, str]]:
    """The tokens of :func:`dedup.webpage.topic.line_tokens`, one regular expression at a time."""
    folded = "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in line)
    cjk = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")
    out = {("word", w[:32]) for w in re.findall(r"[^\W\d_]{4,}", cjk.sub(" ", folded))}
    for run in cjk.findall(folded):
        out.update(("bigram", run[i : i + 2]) for i in range(len(run) - 1))
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet="abcdeAB é中文字新闻한국어カナ1_-.\u00a0", max_size=40), max_size=6))
def test_line_tokens_are_cjk_bigrams_and_words_of_four_letters(lines: list[str]) -> None:
    line, key = line_tokens(lines)
    got: list[set[int]] = [set() for _ in lines]
    for row, k in zip(line.tolist(), key.tolist()):
        got[row].add(k)
    assert all(k < 1 << 37 for k in key.tolist())
    for text, keys in zip(lines, got):
        expected = _reference_tokens(text)
        assert len(keys) == len(expected)  # no two tokens of a line share a key
        bigrams = {(ord(t[0]) << 18 | ord(t[1])) | 1 << 36 for kind, t in expected if kind == "bigram"}
        assert {k for k in keys if k >> 36} == bigrams


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="abcdeXYZ éÉ中文한국어1_-\u00a0", max_size=80), max_size=6))
def test_word_keys_of_the_kernel_are_those_of_the_numpy_path(lines: list[str]) -> None:
    """Words of up to 32 letters and longer (their first 32 count), ASCII case folded, the same keys both ways."""
    lines = [*lines, "Abcdefghijklmnopqrstuvwxyzabcdefghijklmnop aBCDe"]
    if topic._kernels is None:
        pytest.skip("the compiled kernel was not built")
    kernel = line_tokens(lines)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(topic, "_kernels", None)
        numpy_path = line_tokens(lines)
    assert all(np.array_equal(a, b) for a, b in zip(kernel, numpy_path))


WORDS = ["股市", "大涨", "市场", "markets", "rally", "news"]  # CJK bigrams and words, some shared


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(st.sampled_from(WORDS), max_size=6), st.booleans()),
        max_size=12,
    ),
    st.integers(1, 4),
)
def test_topic_overlap_is_the_same_by_the_kernels_hash_tables_and_by_sorting(
    rows: list[tuple[list[str], bool]], pages: int
) -> None:
    """The kernel counts each page's tokens in a hash table of its own; the array path sorts them, counting apart the
    tokens a page holds once when the kernel finds those (a token repeated within a line only, a line of no token,
    pages of one line, page numbers that skip some): the same overlaps and counts all three ways."""
    lines = [" ".join(words) for words, _ in rows]
    page = (np.sort(np.arange(len(lines)) % pages) * 2).astype(np.int64)  # pages 0, 2, 4, ...
    core = np.array([is_core for _, is_core in rows], dtype=bool)
    got = topic_overlap(lines, page, core)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(topic, "_kernels", None)
        by_arrays = topic_overlap(lines, page, core)
        patched.setattr(topic, "shared_in_blocks", lambda values, block: None)
        sorted_all = topic_overlap(lines, page, core)
    assert all(np.array_equal(a, b) for a, b in zip(got, by_arrays))
    assert all(np.array_equal(a, b) for a, b in zip(got, sorted_all))
    if topic._kernels is not None:
        line, key = line_tokens(lines)
        with pytest.raises(ValueError, match="bounds"):  # a page's range beyond the tokens
            topic._kernels.topic_counts(
                key,
                line,
                np.array([[0, line.size + 1]] * 2),
                2,
                core.view(np.uint8),
                np.zeros(len(lines)),
                np.zeros(len(lines)),
            )


def test_topic_overlap_counts_tokens_held_by_another_long_line_of_the_page() -> None:
    lines = [
        "Stock markets rallied today as investors cheered",  # core
        "Investors cheered the rally in markets",  # core
        "Markets",  # in both core lines
        "Home News Sport",
        "股市今日大涨投资者欢呼",  # core of the second page
        "股市大涨",  # 股市, 市大 (not in core), 大涨 -> 2 of 3
        "Markets",  # no core line of its own page holds it
    ]
    page = np.array([0, 0, 0, 0, 1, 1, 1])
    core = np.array([True, True, False, False, True, False, False])
    overlap, tokens = topic_overlap(lines, page, core)
    # line 0: stock, markets, rallied, today, investors, cheered; the other core line holds markets,
    # investors, cheered (its "rally" is not "rallied")
    assert tokens.tolist() == [6, 4, 1, 3, 10, 3, 1]
    assert overlap.tolist() == [3 / 6, 3 / 4, 1.0, 0.0, 0.0, 2 / 3, 0.0]
    alone = [topic_overlap(lines[a:b], page[a:b] - page[a], core[a:b])[0] for a, b in ((0, 4), (4, 7))]
    assert np.array_equal(np.concatenate(alone), overlap)
    with pytest.raises(ValueError, match="pages"):  # the page would not fit the key's high bits
        topic_overlap(["中文"], np.array([1 << 27]), np.array([True]))


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.integers(0, 40), min_size=1, max_size=30),
    st.integers(0, 2**32 - 1),
    st.sampled_from([16, 4096, 1 << 21]),
)
@example(lengths=[0], seed=0, cells=16)
@example(lengths=[3, 0, 5], seed=1, cells=16)
def test_running_sums_are_each_page_summed_alone(lengths: list[int], seed: int, cells: int) -> None:
    """``PageRows.prefix`` (the kernel's pass, or row-wise sums of pages laid side by side in matrices of at most
    ``cells`` cells) against ``np.cumsum`` of each page from 0: equal bit for bit, on values whose sums depend on
    the order they are added in; and the window means are the differences of those sums."""
    rng = np.random.default_rng(seed)
    bounds = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    values = rng.normal(0.0, 1.0, int(bounds[-1])) * 10.0 ** rng.integers(-8, 9, int(bounds[-1]))
    expected = np.concatenate([np.cumsum(np.concatenate(([0.0], values[a:b]))) for a, b in zip(bounds, bounds[1:])])
    pages = rows.PageRows(bounds)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(rows, "_kernels", None)
        patched.setattr(rows, "MATRIX_CELLS", cells)
        assert np.array_equal(pages.prefix(values), expected)
    assert np.array_equal(rows.PageRows(bounds).prefix(values), expected)
    for radius, means in zip((1, 4), pages.window_means(values, (1, 4))):
        for p, (a, b) in enumerate(zip(bounds.tolist(), bounds[1:].tolist())):
            for i in range(b - a):
                lo, hi = max(i - radius, 0), min(i + radius + 1, b - a)
                want = (expected[a + p + hi] - expected[a + p + lo]) / (hi - lo)
                assert means[a + i] == want


def test_the_running_sums_kernel_refuses_bounds_that_are_not_pages() -> None:
    if rows._kernels is None:
        pytest.skip("the compiled kernel was not built")
    out = np.zeros(5)
    for bounds in ([1, 3], [0, 2], [0, 3, 2, 3]):
        with pytest.raises(ValueError):
            rows._kernels.page_prefix(np.ones(3), np.array(bounds, dtype=np.int64), np.zeros(3 + len(bounds) - 1))
    rows._kernels.page_prefix(np.ones(3), np.array([0, 1, 3], dtype=np.int64), out)
    assert out.tolist() == [0.0, 1.0, 0.0, 1.0, 2.0]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="()（）[]·•▪-–—.…07٣a中 \u3000\xa0\n\x1c\t", max_size=12))
@example(view=" 12 ")
@example(view="٣")
@example(view="see more...\u3000")
@example(view="- item")
def test_link_titles_are_searched_wherever_a_pattern_can_match(view: str) -> None:
    """The test that spares the search (its stripped text's ends, or one or two digits) passes every view a
    link-title pattern matches."""
    matched = furniture._LINK_TITLE.search(view) is not None or furniture._LINK_TITLE_PLAIN.search(view) is not None
    assert furniture._may_be_link_title(view) or not matched
    assert furniture._link_title(view) == (furniture._LINK_TITLE.search(view) is not None)
    assert furniture._link_title_plain(view) == (furniture._LINK_TITLE_PLAIN.search(view) is not None)
