"""Boilerplate of single web pages from their text (dedup.webpage)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.webpages import evaluate, load_pages
from benchmarks.webpages.build import build_record, html_blocks
from dedup.errors import InvalidOptionError
from dedup.segment import segment
from dedup.webpage import (
    FEATURES,
    KINDS,
    WebpageOptions,
    classify_page_lines,
    line_features,
    looks_like_webpage,
    page_evidence,
    webpage_boilerplate_spans,
)

F = {name: i for i, name in enumerate(FEATURES)}
# The hand rules (WebpageOptions(method="rules")); the line model has its own tests in test_line_model.py.
RULES = WebpageOptions(method="rules")


def _page(spec: list) -> tuple[list[str], np.ndarray]:
    """Lines and gold boilerplate mask of a page spec: ``("C", line)`` is content, a bare string boilerplate."""
    lines = [x[1] if isinstance(x, tuple) else x for x in spec]
    gold = np.array([not isinstance(x, tuple) for x in spec])
    return lines, gold


@pytest.fixture(scope="module")
def portal_page(news_lines: list[str]) -> tuple[list[str], np.ndarray]:
    """A Chinese news portal page around a real People's Daily article."""
    return _page(
        [
            "江主席分别会见美国客人--时政--人民网",
            "人民网首页",
            "手机人民网",
            "时政|国际|经济|社会|文化|体育|教育|科技|健康|房产|汽车|旅游",
            "登录",
            "注册",
            "人民网>>时政>>高层动态",
            "江主席分别会见美国客人",
            "2018年01月16日08:30  来源：人民网－人民日报",
            "分享到：",
            *[("C", line) for line in news_lines[11:21]],
            "推荐阅读",
            "北京增开列车疏散滞京旅客",
            "全国政协举行第五十一次主席会议",
            "程维高当选河北省人大主任叶连松当选河北省省长",
            "中央党校举行冬季毕业典礼胡锦涛出席并为学员颁发毕业证书",
            "相关新闻",
            "· 李瑞环主持审议通过九届全会一次会议议程草案 (2018-01-16)",
            "· 中央机关干部职工心系灾区已捐款八百多万元 (2018-01-16)",
            "热点排行",
            "1",
            "把困难职工冷暖放心上",
            "2",
            "为使震区灾民过上温暖的春节",
            "人民日报社概况 | 关于人民网 | 报社招聘 | 广告服务 | 合作加盟 | 网站声明 | 联系我们",
            "人民日报违法和不良信息举报电话：010-65363263 举报邮箱：jubao@people.cn",
            "人民网版权所有，未经书面授权禁止使用",
            "Copyright © 1997-2018 by www.people.com.cn. all rights reserved",
            "京ICP证000006号 京公网安备11000002000008号",
        ]
    )


BLOG = [
    "Why we moved our builds to Rust - The Example Engineering Blog",
    "Skip to content",
    "Home",
    "About",
    "Archive",
    "Subscribe",
    "Search",
    "Home » Engineering » Rust",
    "Why we moved our builds to Rust",
    "Posted on March 3, 2021 by Jane Doe",
    (
        "C",
        "Two years ago our build system was a pile of shell scripts that had grown with the company. "
        "Every new service added another script, and every script had its own idea of where the artifacts should go.",
    ),
    (
        "C",
        "We tried to tame it with a configuration file, but the configuration file soon needed its own scripts. "
        "In the end we decided to rewrite the tool from scratch in a language that would force us to be explicit.",
    ),
    ("C", "Why Rust?"),
    (
        "C",
        "The team had some experience with it, the compiler catches the mistakes we used to make, and the "
        "resulting binary is easy to ship to every developer machine without installing a runtime.",
    ),
    (
        "C",
        "The first version took three months. It was slower than the scripts for the first week, because it "
        "checked everything the scripts had silently skipped, but after that the builds were faster.",
    ),
    "Share this:",
    "Twitter",
    "Facebook",
    "LinkedIn",
    "Related posts",
    "How we test our deploys",
    "A year of on-call",
    "Leave a comment",
    "© 2021 Example Inc. All rights reserved.",
    "Privacy Policy | Terms of Use | Contact",
]


# --------------------------------------------------------------------------- features


def test_line_features_exact_values():
    lines = [
        "我的书。",
        "Home | News | Sport",
        "The cat sat on the mat.",
        "",
        "首页 > 科技 > 正文",
        "於 2013/12/28 10:28",
    ]
    f = line_features(lines)
    assert f.shape == (6, len(FEATURES)) and f.dtype == np.float64
    # 我的书。: three CJK characters (我, 的 are function characters) and a full stop.
    assert f[0, F["chars"]] == 4 and f[0, F["size"]] == 3 and f[0, F["words"]] == 0
    assert f[0, F["cjk_share"]] == 0.75 and f[0, F["punct_share"]] == 0.25
    assert f[0, F["sentence_ends"]] == 1
    assert f[0, F["function_density"]] == pytest.approx(2 / 3)
    assert f[0, F["title"]] == 1  # the first line is the page title
    # A menu: three words (size 6), two separators, three items, no stopword.
    assert f[1, F["chars"]] == 15 and f[1, F["size"]] == 6 and f[1, F["words"]] == 3
    assert f[1, F["separators"]] == 2 and f[1, F["items"]] == 3
    assert f[1, F["function_density"]] == 0 and f[1, F["letter_share"]] == pytest.approx(13 / 15)
    # English: the, on, the are stopwords among six words; one sentence end.
    assert f[2, F["size"]] == 12 and f[2, F["function_density"]] == 0.5 and f[2, F["sentence_ends"]] == 1
    assert f[3, F["chars"]] == 0 and f[3, F["size"]] == 0
    assert f[4, F["breadcrumb"]] == 1 and f[4, F["separators"]] == 2
    # Traditional 於 is matched as Simplified 于, a function character; the line is a time stamp.
    assert f[5, F["stamp"]] == 1 and f[5, F["metadata"]] == 2 and f[5, F["digit_share"]] == 0.75
    assert f[5, F["position"]] == 1.0 and f[0, F["position"]] == 0.0


@pytest.mark.parametrize(
    "line, feature",
    [
        ("返回顶部", "label"),
        ("更多>>", "label"),
        ("【打印本页】 【关闭窗口】", "label"),
        ("上一篇：关于做好春节期间有关工作的通知", "label"),
        ("Back to top", "label"),
        ("Copyright © 1998 - 2016 Tencent. All Rights Reserved", "copyright"),
        ("京｜ICP备11020872号－17 京公网安备110105007246", "copyright"),
        ("版权所有：中国青年网", "copyright"),
        ("分享到：", "share"),
        ("新浪微博", "share"),
        ("来源：人民日报海外版", "metadata"),
        ("责任编辑：崔宁宁", "metadata"),
        ("9岁跨性别儿童登上《国家地理》:4岁起称自...", "link_title"),
        ("尖石_水田谷營地 (1)", "link_title"),
        ("3小时前", "stamp"),
        ("当前位置：首页 > 政务公开", "breadcrumb"),
    ],
)
def test_furniture_patterns(line, feature):
    f = line_features(["标题", line])
    assert f[1, F[feature]] >= 1


def test_a_python_prompt_is_no_breadcrumb():
    """``>>> x`` opens with the separators of a path of links: a session's prompts were breadcrumbs, and a README of
    examples a page (the METADATA of 62 of 133 installed packages read as pages, 42 since)."""
    session = [">>> from attrs import define", ">>> @define", ">>> sc = Some(1, [1, 2])", ">>> sc", "1", ">>> a > b"]
    f = line_features(["A README", *session, "Home » Engineering » Rust", "首页 > 国内 > 正文"])
    assert f[:, F["breadcrumb"]].tolist() == [0, 0, 0, 0, 0, 0, 0, 1, 1]
    readme = ["attrs", "Classes without boilerplate.", *session * 3, "Read the documentation for more."]
    assert not looks_like_webpage(readme)


def test_a_markdown_tables_rows_are_no_menu():
    """``| Size | Larger | Smaller |`` holds a menu's separators: a table's rows were navigation, and a guide with a
    table a web page, which lost its sentences as page furniture. A bar that opens and closes the line makes a row."""
    table = ["| Feature | Video | Tracing |", "|---------|-------|---------|", "| Size | Larger | Smaller |"]
    f = line_features(["Video Recording", *table, "首页 | 新闻 | 体育 | 财经"])
    assert f[:, F["separators"]].tolist() == [0, 0, 0, 0, 3]
    guide = [
        "# Video Recording",
        "Capture browser sessions as video for debugging, documentation, or verification.",
        "## Basic Recording",
        "Start the recorder before the first step and stop it after the last one.",
        "## Compared with tracing",
        *table,
        "| Use case | Demos | Debugging |",
        "## Limitations",
        "- Recording adds slight overhead",
        "- Large recordings take disk space",
    ]
    assert not looks_like_webpage(guide)


def test_long_lines_are_not_furniture():
    # The same words inside a long sentence are text, not a widget.
    text = (
        "记者从国家版权局获悉，今年以来各地查处侵犯著作权案件数量明显下降，分享到社交平台的盗版内容也在减少，首页推"
        "荐位不再出现侵权作品。"
    )
    f = line_features(["标题", text])
    assert f[1, [F["label"], F["copyright"], F["share"], F["metadata"]]].sum() == 0


# --------------------------------------------------------------------------- classification


def test_chinese_portal_page(portal_page):
    lines, gold = portal_page
    labels, kinds = classify_page_lines(lines, RULES)
    assert not labels[~gold].any(), "every article paragraph is kept"
    assert labels[gold].mean() >= 0.95
    assert len(kinds) == len(lines) and set(kinds) <= set(KINDS) | {""}
    assert all((k == "") == (not b) for k, b in zip(kinds, labels))
    by_line = dict(zip(lines, kinds))
    assert by_line["时政|国际|经济|社会|文化|体育|教育|科技|健康|房产|汽车|旅游"] == "navigation"
    assert by_line["分享到："] == "share"
    assert by_line["人民网版权所有，未经书面授权禁止使用"] == "copyright"
    assert by_line["2018年01月16日08:30  来源：人民网－人民日报"] == "metadata"
    assert by_line["江主席分别会见美国客人"] == "title"


def test_english_navigation_heavy_page():
    lines, gold = _page(BLOG)
    assert looks_like_webpage(lines)
    labels, kinds = classify_page_lines(lines, RULES)
    np.testing.assert_array_equal(labels, gold)
    by_line = dict(zip(lines, kinds))
    assert by_line["Home » Engineering » Rust"] == "breadcrumb"
    assert by_line["Facebook"] == "share"
    assert by_line["© 2021 Example Inc. All rights reserved."] == "copyright"


def test_language_without_a_stopword_list_keeps_its_text():
    paragraphs = [
        "Le conseil municipal a adopté hier soir le budget de l'année prochaine, après un long débat sur les "
        "investissements dans les écoles et les transports.",
        "Selon le maire, la hausse des dépenses sera compensée par une meilleure gestion des bâtiments publics. "
        "L'opposition a voté contre le projet.",
        "Les travaux de rénovation commenceront au printemps et devraient durer deux ans.",
    ]
    lines = [
        "Budget voté - Le Journal",
        "Accueil",
        "Politique",
        "Économie",
        *paragraphs,
        "Partager",
        "Facebook",
        "Twitter",
    ]
    labels, _ = classify_page_lines(lines, RULES)
    assert not labels[4:7].any()
    assert labels[[0, 8, 9]].all()


def test_short_line_inside_content_stays_content(news_lines):
    body = news_lines[23:28]
    lines = ["首页", "新闻", "体育", *body[:2], "二、主要做法", *body[2:], "返回顶部", "关闭窗口"]
    labels, kinds = classify_page_lines(lines, RULES)
    assert not labels[3 : 3 + len(body) + 1].any()
    assert kinds[5] == ""


def test_long_line_inside_menu_stays_boilerplate(news_lines):
    menu = ["首页", "新闻", "体育", "娱乐", "财经", "科技", "教育", "汽车"]
    headline = "全国政协举行第五十一次主席会议李瑞环主持审议通过九届全会议程"
    lines = [*menu[:4], headline, *menu[4:], *news_lines[23:28], "返回顶部"]
    labels, kinds = classify_page_lines(lines, RULES)
    assert labels[4] and kinds[4] != ""
    assert not labels[9:14].any()


def test_comment_thread_is_boilerplate(news_lines):
    comments = []
    for n in range(1, 5):
        comments += [
            f"#{n}",
            "网友小王",
            f"于 2013/12/2{n} 10:2{n}",
            "写得真好，学习了，希望以后多多分享这样的好文章！",
        ]
    lines = ["标题_网站", *news_lines[23:28], "发表评论", *comments, "关于我们"]
    labels, kinds = classify_page_lines(lines, RULES)
    assert not labels[1:6].any()
    assert labels[6:-1].all()
    assert "comments" in kinds


def test_article_in_short_lines_is_kept(news_lines):
    # A blog post of short lines without sentence punctuation: the run as a whole is text.
    verses = [line[:24].rstrip("，。、") for line in news_lines[100:140]]
    lines = ["游记_我的部落格", "首页", "相簿", "留言", *verses, "上一篇：秋天的旅行", "回到顶部"]
    labels, _ = classify_page_lines(lines, RULES)
    assert labels[4 : 4 + len(verses)].mean() < 0.05


def test_known_boilerplate_counts_as_bad(news_lines):
    lines = ["标题", *news_lines[23:28], "本站所有文章均来自网络"]
    known = np.zeros(len(lines), dtype=bool)
    known[-1] = True
    labels, kinds = classify_page_lines(lines, RULES, known_boilerplate=known)
    assert labels[-1] and kinds[-1] == "recurring"
    with pytest.raises(InvalidOptionError):
        classify_page_lines(lines, RULES, known_boilerplate=known[:-1])


def test_keep_title_option():
    lines, _ = _page(BLOG)
    labels, _ = classify_page_lines(lines, WebpageOptions(keep_title=True, method="rules"))
    assert not labels[0] and not labels[8]
    assert labels[1:8].all()


def test_options_are_checked():
    with pytest.raises(InvalidOptionError):
        WebpageOptions(short_size=50, good_size=40)
    with pytest.raises(InvalidOptionError):
        WebpageOptions(density_low=0.3, density_high=0.1)
    extended = WebpageOptions(stopwords=WebpageOptions().stopwords | {"Le", "la"})
    assert "le" in extended.stopwords


def test_empty_page():
    labels, kinds = classify_page_lines([], RULES)
    assert labels.shape == (0,) and kinds == ()
    assert line_features([]).shape == (0, len(FEATURES))
    spans, kinds = webpage_boilerplate_spans("", RULES)
    assert spans.shape == (0, 2) and kinds == ()


# --------------------------------------------------------------------------- spans


def test_spans_are_lines_of_the_original(portal_page):
    lines, gold = portal_page
    text = "\r\n".join(lines[:10]) + "\n\n   " + "\n".join(lines[10:]) + "\n"
    spans, kinds = webpage_boilerplate_spans(text, RULES)
    assert spans.dtype == np.int64 and spans.shape == (len(kinds), 2)
    all_lines = segment(text, "line")
    assert {tuple(s) for s in spans.tolist()} <= {tuple(s) for s in all_lines.tolist()}
    removed = [text[s:e] for s, e in spans.tolist()]
    assert removed == [line for line, g in zip(lines, gold) if g]
    assert np.all(np.diff(spans[:, 0]) > 0)


# --------------------------------------------------------------------------- detection


def test_seeds_and_news_do_not_look_like_webpages(seed_texts, news_lines):
    for name, text in seed_texts.items():
        lines = [text[s:e] for s, e in segment(text, "line").tolist()]
        assert not looks_like_webpage(lines), name
    for start in range(0, len(news_lines) - 20, 20):
        assert not looks_like_webpage(news_lines[start : start + 20])


def test_dev_pages_look_like_webpages(portal_page):
    for page in load_pages("readability_zh.jsonl"):
        assert looks_like_webpage(page.lines), page.id
    assert looks_like_webpage(portal_page[0])


def test_a_long_product_page_with_few_furniture_lines_looks_like_a_webpage():
    """Three furniture lines among 150, 100 of them short specification lines: under the 3 % the strict
    clause asks, but with 30 % of the lines short the wider clause passes it; the same lines as prose
    (long sentences) do not."""
    furniture = ["首页 | 产品 | 关于我们 | 联系我们", "版权所有 © 2024 某某科技有限公司", "分享到：微信 微博 QQ空间"]
    specs = [f"型号{i}：A{i}" for i in range(100)]
    text = [f"这款产品的第{i}项说明文字较长，介绍了它在日常使用中的表现和各种细节。" for i in range(47)]
    page = furniture[:1] + specs + text + furniture[1:]
    evidence = page_evidence(page)
    assert (evidence.lines, evidence.furniture) == (150, 3) and evidence.short_share >= 0.3
    assert evidence.furniture < 0.03 * evidence.lines
    assert looks_like_webpage(page)
    assert not looks_like_webpage(page, WebpageOptions(method="rules"))  # the clause the hand rules were tuned on
    assert not looks_like_webpage(furniture[:1] + text * 3 + furniture[1:])
    assert not looks_like_webpage(specs + text)  # no furniture


# --------------------------------------------------------------------------- benchmark


def test_dev_set_quality():
    """The hand rules' done criterion (tuned on these four pages): boilerplate F1 >= 0.75 at
    content recall >= 0.95 (pooled).

    Measured: boilerplate P 0.982, R 1.000, F1 0.991, content recall 0.972 (``python -m
    benchmarks.webpages``).
    """
    pages = load_pages("readability_zh.jsonl")
    results = evaluate(pages, lambda lines: classify_page_lines(list(lines), RULES)[0])
    overall = results["all"]
    assert overall.f1 >= 0.75 and overall.content_recall >= 0.95, overall
    for page in pages:
        assert results[page.id].f1 >= 0.75, (page.id, results[page.id])


def test_build_recipe():
    html = (
        "<html><head><title> Page  title </title><script>var x = '<p>no</p>';</script></head>"
        "<body><div>Menu <a>Home</a></div><p>First &amp; <b>bold</b> text.<br>Second line</p>"
        "<style>p {}</style><ul><li>item</li></ul></body></html>"
    )
    assert html_blocks(html) == ["Page title", "Menu Home", "First & bold text.", "Second line", "item"]
    record = build_record("x", html, "<div><p>First &amp; <b>bold</b> text.</p><p>Second line</p></div>")
    assert record["labels"] == [0, 0, 1, 1, 0]


def test_heldout_pages_rebuild_from_their_sources():
    from benchmarks.webpages import DATA

    for page in load_pages("heldout.jsonl"):
        folder = DATA / "sources" / page.id
        record = build_record(
            page.id,
            (folder / "source.html").read_text(encoding="utf-8"),
            (folder / "expected.html").read_text(encoding="utf-8"),
        )
        assert tuple(record["lines"]) == page.lines and tuple(record["labels"]) == page.labels, page.id


def test_pages_read_in_groups_keep_their_lines_and_views(monkeypatch: pytest.MonkeyPatch) -> None:
    from dedup.boilerplate import pages as boilerplate
    from dedup.webpage import line_features, reading_views

    texts = [f"第{i}行 Line {i}（xiāng）" for i in range(40)]
    starts, ends = np.array([0, 3, 10, 11, 30]), np.array([3, 10, 11, 30, 40])
    monkeypatch.setattr(boilerplate, "_PAGE_LINES", 8)  # groups of pages of about 8 lines
    got = list(boilerplate._page_groups(texts, starts, ends))
    assert [rows.tolist() for rows, _, _ in got] == [[0, 3, 10], [10, 11, 30], [30, 40]]
    for rows, lines, views in got:
        assert lines == texts[rows[0] : rows[-1]] and views == reading_views(lines)
        assert np.array_equal(line_features(lines, views=views), line_features(lines))
    assert list(boilerplate._page_groups(texts, starts[:0], ends[:0])) == []
    with pytest.raises(ValueError, match="2 lines but 1 views"):
        line_features(texts[:2], views=texts[:1])


def test_web_page_speed_script_reads_every_page_and_times_the_three(capsys: pytest.CaptureFixture[str]) -> None:
    """``python -m benchmarks.webpages.speed`` (the README's web-page row) on the shipped subset: every page of every
    file (a page two files hold, once), its lines joined by newlines, in one call."""
    import json

    from benchmarks.webpages import DATA
    from benchmarks.webpages.speed import main, pages

    subset = DATA / "subset"
    records = [json.loads(line) for path in sorted(subset.glob("*.jsonl")) for line in path.open(encoding="utf-8")]
    assert pages(subset) == ["\n".join(record["lines"]) for record in records]  # the subset repeats no page
    assert main(["--data", str(subset), "--rounds", "1"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"{len(records)} pages, ") and "find_duplicates" in printed and "pipeline" in printed
