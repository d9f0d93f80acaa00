"""Boilerplate lines: recurrence by family, templates, markers, page furniture."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dedup
from dedup import BoilerplateOptions, InvalidOptionError, Span, clean_report, find_boilerplate
from dedup.boilerplate import Boilerplate, Families, classify_lines, occurrences
from dedup.boilerplate.base import LINE_KINDS, kind_codes, kind_names
from dedup.boilerplate.classify import collection_kinds, document_kinds, furniture_kinds, shared_rows, speaker_lines
from dedup.boilerplate.families import numbered_items
from dedup.boilerplate.pages import page_lines
from dedup.linemarks import ends_sentence, label_lines, opens_with_speech, row_shapes
from dedup.lines import in_numeric_table, line_table
from dedup.store import take_rows

STORIES = [
    "国务院近日召开常务会议，研究部署进一步做好农村义务教育工作，会议指出要加大投入改善办学条件。",
    "我国科学家在青藏高原发现一种新的高山植物，研究人员认为这一发现对研究生物多样性具有重要意义。",
    "今年春运期间铁路部门计划增开临时旅客列车两百余对，以满足返乡旅客和务工人员的出行需求。",
    "某市启动老旧小区改造工程，计划三年内完成全部改造任务，惠及居民十余万户，受到群众欢迎。",
]
HEADER = "首页 > 新闻中心 > 正文"
FOOTER = "版权所有 某某网 未经授权禁止转载"


def page(story: str, date: str) -> str:
    return f"{HEADER}\n发布时间：{date}\n{story}\n{FOOTER}\n"


def kinds_by_example(texts: list[str], **options) -> dict[str, str]:
    options.setdefault("webpage", False)  # corpus recurrence alone, unless a test says otherwise
    return {b.example: b.kind for b in find_boilerplate(texts, **options)}


def test_site_wrapper_recurring_across_stories_is_boilerplate() -> None:
    texts = [page(s, f"2024-01-0{i + 1}") for i, s in enumerate(STORIES)]
    found = find_boilerplate(texts, webpage=False)
    kinds = {b.example: b.kind for b in found}
    assert kinds[HEADER] == "recurring" and kinds[FOOTER] == "recurring"
    assert kinds["发布时间：2024-01-01"] == "template"  # slots (digits) masked
    template = next(b for b in found if b.kind == "template")
    assert len(template.spans) == 4
    assert all(texts[s.doc][s.start : s.end].startswith("发布时间：") for s in template.spans)
    assert not any(story in kinds for story in STORIES)


def test_reprinted_story_is_not_boilerplate() -> None:
    # One story printed by four sites with different wrappers: its paragraph recurs in
    # four documents but in one family of near-duplicates.
    texts = [f"站点{i}导航 | 登录 | 注册\n{STORIES[0]}\n{STORIES[1]}\n第{i}号站点版权声明" for i in range(4)]
    assert find_boilerplate(texts) == []


def test_thresholds_in_families() -> None:
    texts = [page(s, "2024-01-01") for s in STORIES[:3]]
    assert HEADER in kinds_by_example(texts)
    assert HEADER not in kinds_by_example(texts, min_docs=4)
    with_plain = texts + [STORIES[3]]  # four families, the header in three
    assert HEADER in kinds_by_example(with_plain, min_doc_fraction=0.75)
    assert HEADER not in kinds_by_example(with_plain, min_doc_fraction=1.0)
    with pytest.raises(InvalidOptionError):
        BoilerplateOptions(min_docs=1)
    with pytest.raises(InvalidOptionError, match="unknown option"):
        find_boilerplate(texts, min_doc=3)


def test_template_lines_within_one_document() -> None:
    text = "\n".join(
        [
            "结合当前工作需要，的会员“alice2009”为你整理了这篇乡镇年度工作总结范文，希望能给你的学习、工作带来参考借鉴作用。",
            "【正文】",
            STORIES[0],
            STORIES[1],
            "结合当前工作需要，的会员“810723”为你整理了这篇某县脱贫攻坚工作总结及明年工作计划范文，希望能给你的学习、工作带来参考借鉴作用。",
            "【正文】",
            STORIES[2],
        ]
    )
    found = find_boilerplate([text])
    assert [(b.kind, len(b.spans)) for b in found] == [("template", 2), ("marker", 2)]


def test_numbered_list_items_alike_but_for_their_number_are_no_template() -> None:
    """A novel's chapter list holds titles that recur under another number (第14章 风暴, 第1214章 风暴): alike but
    for a slot, far apart, but each among items of its own numbered list, so no template; a template line with
    its slot filled apart between stretches of text still is one, and so are two such lines on a page that also
    has a chapter list."""
    titles = "林轩 剑型吊坠 风暴 夜袭 外门测试 竹林卫 养剑师 云水剑法 激斗 酒爷 风暴 雷动".split()
    chapters = [f"第{n}章 {title}" for n, title in enumerate(titles, 1)]  # 第3章 风暴 ... 第11章 风暴
    text = "\n".join(chapters)
    table = line_table([text])
    assert "template" not in kind_names(document_kinds(table, BoilerplateOptions())).tolist()
    items = numbered_items(table, np.arange(len(table)))
    assert items.all()  # every chapter opens like the one before or after it
    prose = line_table(["\n".join(["第一章", STORIES[0], "第2章 风暴", STORIES[1], "第3章 风暴"])])
    assert numbered_items(prose, np.arange(len(prose))).tolist() == [False] * 5  # no neighbour opens alike
    ranked = ["热点排行", "1. 菜篮子工程的提出", "2. 加拿大华人开始赈灾行动", "3. 菜篮子工程的提出", STORIES[0]]
    ranked += ["第8章 风暴", "第9章 雷动", STORIES[1]]
    table = line_table(["\n".join(ranked)])
    items = numbered_items(table, np.arange(len(table)))
    assert items.tolist() == [False, False, False, False, False, True, True, False]  # a ranking's entries differ
    stamps = [f"本文阅读次数：{n}" for n in (12, 3456)]
    page = "\n".join([stamps[0], STORIES[0], *chapters, STORIES[1], stamps[1]])
    kinds = kind_names(document_kinds(line_table([page]), BoilerplateOptions()))
    assert [line for line, kind in zip(page.split("\n"), kinds) if kind == "template"] == stamps


def test_lines_of_dialogue_with_one_speaker_are_no_template() -> None:
    """Quotes holding a clause's punctuation are speech, not a name's slot: two lines of a story's dialogue by one
    speaker stay, while lines that differ by a quoted name (the content farm's template above) still go."""
    story = ["“别担心，”米洛斯说。", STORIES[0], "“我们会接受一袋金子，”米洛斯说。", STORIES[1]]
    assert find_boilerplate(["\n".join(story)]) == []
    english = ["“Don't worry, we will be there by nightfall,” said Milos to them.", STORIES[0]]
    english += ["“We will take the gold, and the horses too,” said Milos to them.", STORIES[1]]
    assert find_boilerplate(["\n".join(english)]) == []
    named = ["本文由会员“alice2009”整理发布。", STORIES[0], "本文由会员“bob.smith”整理发布。", STORIES[1]]
    assert [(b.kind, len(b.spans)) for b in find_boilerplate(["\n".join(named)])] == [("template", 2)]


def test_dialogue_shared_by_a_storys_chapters_is_no_boilerplate() -> None:
    """Chapters of a novel share short lines of dialogue (“嗯。”, “为什么？”) as sites share furniture; a line that
    opens with an utterance in quotes is no boilerplate, while the chapters' shared title line and a quoted label
    without a clause (“阅读原文”) still recur as boilerplate."""
    said = ["“嗯。”", "“为什么？”", "“好。”他说。"]
    chapters = ["\n".join(["逆剑狂神", STORIES[i], *said, "“阅读原文”"]) for i in range(4)]
    kinds = {(b.kind, b.example) for b in find_boilerplate(chapters)}
    assert kinds == {("recurring", "逆剑狂神"), ("recurring", "“阅读原文”")}
    lines = ["“嗯。”", "“好。”他说。", "“阅读原文”", "“Wait,” she said.", "他说：“好。”", "", "‘是’"]
    speech = opens_with_speech(lines)
    assert speech.tolist() == [True, True, False, True, False, False, False]


def test_a_short_sentence_printed_twice_is_a_repeat_not_a_marker() -> None:
    """A marker is a label, and every copy of it goes; a short sentence repeated within a document is not one:
    apart or printed twice in a row, a later copy goes as a repeated passage and the first stays."""
    questions = ["债券市场存在泡沫吗？", "央行现在应该做什么？”", "第一段文字内容在这里。"]
    for question in questions:
        for between in ("\n", "\n\n"):
            text = between.join([question, STORIES[0], question, STORIES[1]])
            assert find_boilerplate([text]) == []
            (cleaned,) = clean_report([text]).cleaned
            assert [(r.reason, r.kind, r.text.strip()) for r in cleaned.removed] == [("duplicate", "passage", question)]
            assert cleaned.text == between.join([question, STORIES[0], STORIES[1]])
        (cleaned,) = clean_report([f"{question}\n\n{question}"]).cleaned
        assert [(r.reason, r.kind, r.text.strip()) for r in cleaned.removed] == [("duplicate", "passage", question)]
        assert cleaned.text.strip() == question
    # the same lines without their sentence end are markers, as before
    text = "\n".join(["[CNBC]", STORIES[0], "[CNBC]", STORIES[1]])
    assert [(b.kind, len(b.spans)) for b in find_boilerplate([text])] == [("marker", 2)]
    ends = ends_sentence(["好。", "好。” ", "好", "Yes!", "(完)", "？）"])
    assert ends.tolist() == [True, True, False, True, False, True]


def test_off_web_pages_a_marker_keeps_its_first_copy_unless_it_is_a_bracketed_label() -> None:
    """A refrain of a poem (or a headline printed again) is a short line repeated with other neighbours each
    time: off web pages its first copy stays; a bracketed label goes whole; on a page every copy goes."""
    refrain = "啊朋友再见"
    verses = ["那一天早晨从梦中醒来", "我发现侵略者闯进我家乡", "游击队员请把我带走吧"]
    poem = "\n".join([refrain, verses[0], verses[1], refrain, verses[2], refrain])
    (found,) = find_boilerplate([poem])
    assert (found.kind, [s.start for s in found.spans]) == ("marker", [poem.index(refrain, 1), poem.rindex(refrain)])
    cleaned = clean_report([poem]).cleaned[0]
    assert cleaned.text.startswith(refrain + "\n") and cleaned.text.count(refrain) == 1
    labelled = "\n".join(["【正文】", STORIES[0], "【正文】", STORIES[1]])
    assert [(b.kind, len(b.spans)) for b in find_boilerplate([labelled])] == [("marker", 2)]
    on_a_page = BoilerplateOptions(webpage=True)
    table = line_table([poem], on_a_page)
    assert kind_names(document_kinds(table, on_a_page)).tolist().count("marker") == 2  # no page evidence: not a page
    pages = page_lines(table, on_a_page)
    assert kind_names(document_kinds(table, on_a_page, pages)).tolist().count("marker") == 3


INTERVIEW = "\n".join(
    ["记者：", "您对今年的经济形势怎么看？", "王部长：", "总体平稳，稳中有进。", "记者：", "明年的重点工作是什么？"]
    + ["王部长：", "深化改革。"]
)
EXAM = "\n".join(
    ["一、判断题", "1. 地球是圆的。", "A. 正确", "B. 错误", "2. 太阳从西边升起。", "A. 正确", "B. 错误"]
    + ["3. 水在零度结冰。", "A. 正确", "B. 错误", "Answer: A", "4. 月亮会发光。", "A. 正确", "B. 错误", "Answer: B"]
)


def test_labels_items_and_fields_are_labels_and_headlines_urls_and_names_are_not() -> None:
    lines = ["A. 正确", "B) Mars", "(1) 盐", "① 适量", "一、判断题", "Answer: A", "性别：男", "记者：", "Q:"]
    others = [
        "张三",
        "啊朋友再见",
        "１９９８年第一期",
        "【正文】",
        "藏北：部队力保灾民安度春节",
        "http://example.com/a",
    ]
    assert label_lines(lines + others).tolist() == [True] * len(lines) + [False] * len(others)


def test_a_transcripts_speakers_and_a_questionnaires_options_stay_every_time() -> None:
    """Off web pages a speaker's label (记者：), an option (A. 正确) and a field (Answer: A) repeat with other content
    each time: no marker, and two of them repeating together found no passage (before, both interview labels and
    both options of every question but the first went); so do a chat's speakers, two names alternating."""
    chat = "\n".join(["张三", "你好，最近怎么样？", "李四", "还不错，你呢？", "张三", "周末吃饭吧。", "李四", "好啊。"])
    for text in (INTERVIEW, EXAM, chat):  # the chat's speakers alternate: names, no refrain
        (cleaned,) = dedup.clean([text])
        assert cleaned.removed == () and cleaned.text == text
    table = line_table([chat])
    assert speaker_lines(table, np.ones(len(table), dtype=bool)).tolist() == [True, False] * 4
    few = line_table([chat + "\n" + "\n".join(STORIES * 9)])  # the names a few of many lines: no transcript
    assert not speaker_lines(few, np.ones(len(few), dtype=bool)).any()
    on_a_page = BoilerplateOptions(webpage=True)  # on a web page the labels are its furniture: every copy a marker
    table = line_table([INTERVIEW], on_a_page)
    pages = page_lines(table, on_a_page)
    kinds = kind_names(document_kinds(table, on_a_page, pages)).tolist()
    assert [t for t, k in zip(table.texts, kinds) if k == "marker"] == ["记者：", "王部长：", "记者：", "王部长："]


def test_opening_formula_of_different_sentences_is_not_a_template() -> None:
    text = "\n".join(
        [
            "新华社北京一月十六日电国家主席今天在中南海会见了美国联邦快递公司董事长一行并同他们进行了友好交谈",
            STORIES[0],
            "新华社北京一月十六日电国家主席今天在中南海会见了来访的朗讯科技公司董事长及其一行",
            STORIES[1],
        ]
    )
    assert find_boilerplate([text]) == []


def test_heading_repeated_inside_a_reprinted_passage_is_not_a_marker() -> None:
    essay = ["锦上添花不如雪中送炭", STORIES[0], "乡村振兴助力脱贫攻坚", STORIES[1]]
    text = "\n".join(essay + ["作者简介"] + essay)
    assert find_boilerplate([text]) == []


@pytest.mark.parametrize(
    "line", ["P. 47", "47", "— 3 —", "- 12 -", "第 3 页", "第3页 共9页", "3 / 20", "2018 年第 9 期 45"]
)
def test_page_number_lines(line: str) -> None:
    text = f"{STORIES[0]}\n{line}\n{STORIES[1]}"
    (found,) = find_boilerplate([text])
    assert (found.kind, found.spans) == (
        "page-number",
        (Span(0, len(STORIES[0]) + 1, len(STORIES[0]) + 1 + len(line)),),
    )


_BUDGET = ["一般公共预算收入", "税收收入", "非税收入", "教育支出", "科技支出", "卫生健康支出"]


def _budget_table(growth: list[str]) -> str:
    """PDF text of a report with a table printed a cell a line (label, amount, growth), as extraction gives it."""
    cells = [cell for k, item in enumerate(_BUDGET) for cell in (item, str(1200 + 37 * k), growth[k])]
    head = ["表一　一般公共预算收支情况表（单位：万元，%）", "项目", "金额", "增长"]
    return "\n".join([STORIES[0], *head, *cells, STORIES[1]])


def test_a_table_printed_a_cell_a_line_keeps_its_figures() -> None:
    """Whole numbers beside other figures are a table's cells, not page numbers; a figure repeated in the table (a
    growth of 5.2 in two rows) is neither a marker nor a repeated passage (until 2026-12-07 the amounts went as
    page numbers and the second 5.2 as a marker: PDF tables of government reports lost their figures)."""
    text = _budget_table(["5.2", "4.8", "5.2", "0.5", "12", "0.5"])
    assert find_boilerplate([text]) == []
    assert clean_report([text], cross_document=True).cleaned[0].removed == ()
    column = "\n".join([STORIES[0], *(f"{2000 + i}\n{100 + 3 * i}\n{7 * i}" for i in range(12)), STORIES[1]])
    assert clean_report([column]).cleaned[0].removed == ()
    # A page number stays one between a page's text and the next page's, however many pages.
    pages = "\n".join(f"{story}\n{n}" for n, story in enumerate(STORIES, start=3))
    removed = clean_report([pages]).cleaned[0].removed
    assert [(r.kind, r.text.strip()) for r in removed] == [("page-number", str(n)) for n in range(3, 3 + len(STORIES))]


def test_a_subtitles_cue_numbers_are_no_page_numbers() -> None:
    """An SRT file numbers its cues alone on a line before their timing: none is a page number (before, every one
    went), while a page number between two pages' text still goes."""
    cues = [("00:00:01,000 --> 00:00:03,000", "你好。"), ("00:00:03,500 --> 00:00:05,000", "我们走吧。")]
    cues += [("00:00:05,500 --> 00:00:08,000", "好。"), ("00:00:08,500 --> 00:00:10,000", "明天见。")]
    srt = "\n\n".join(f"{k}\n{timing}\n{text}" for k, (timing, text) in enumerate(cues, 1)) + "\n"
    (cleaned,) = dedup.clean([srt])
    assert cleaned.removed == () and cleaned.text == srt
    pdf = "\n".join([STORIES[0], "12", STORIES[1], "13", STORIES[2]])
    assert [r.kind for r in dedup.clean([pdf])[0].removed] == ["page-number", "page-number"]


def test_figures_recurring_across_documents_are_no_boilerplate() -> None:
    """A figure alone on a line (``0``, ``12.5``) recurs across a series' tables by chance: it is no recurring line,
    template or marker, as a label printed with it is (until 2026-12-07 the figures went as recurring lines)."""
    texts = [f"{STORIES[k % 4]}\n本期数据\n{k}\n0\n12.5\n{STORIES[(k + 1) % 4][:30]}。" for k in range(8)]
    assert [(b.kind, b.example) for b in find_boilerplate(texts)] == [("recurring", "本期数据")]


def test_running_heads_need_a_page_number_and_a_heads_mark() -> None:
    text = f"Page 47 - 实践党的教育版2018年9期\nP. 47\n打赢精准脱贫攻坚战——奋斗在一线 / 实践探索\n{STORIES[0]}"
    kinds = kinds_by_example([text])
    assert kinds == {"Page 47 - 实践党的教育版2018年9期": "running-head", "P. 47": "page-number"}
    found = find_boilerplate([text])
    assert [len(b.spans) for b in found] == [2, 1]
    # A title printed under a page number is not a running head.
    assert kinds_by_example([f"P. 92\n石油跌价冲击波\n{STORIES[0]}"]) == {"P. 92": "page-number"}


def test_a_single_web_page_is_classified_from_its_text() -> None:
    text = page(STORIES[0], "2024-01-01")
    assert kinds_by_example([text]) == {}  # one page: nothing recurs
    from dedup.webpage import WebpageOptions

    rules = kinds_by_example([text], webpage=None, webpage_options=WebpageOptions(method="rules"))
    assert rules == {HEADER: "breadcrumb", "发布时间：2024-01-01": "metadata", FOOTER: "copyright"}
    # The line model (the default) is more careful on a page this short: it takes the footer.
    model = kinds_by_example([text], webpage=None)
    assert model.items() <= rules.items() and model[FOOTER] == "copyright"
    # News text does not look like a web page: auto mode leaves it alone.
    assert kinds_by_example(["\n".join(STORIES)], webpage=None) == {}


def test_web_pages_cleaned_from_their_text_alone() -> None:
    """The four labelled Chinese pages of the web-page development set, through clean()."""
    import json
    from pathlib import Path

    import numpy as np

    import dedup

    data = Path(__file__).resolve().parent.parent / "benchmarks" / "webpages" / "data" / "readability_zh.jsonl"
    tp = fp = fn = content = kept_content = 0
    for record in map(json.loads, data.read_text(encoding="utf-8").splitlines()):
        lines, labels = record["lines"], np.array(record["labels"]) == 0  # True: boilerplate
        text = "\n".join(lines)
        (result,) = dedup.clean([text])
        removed = np.zeros(len(text), dtype=bool)
        for r in result.removed:
            removed[r.start : r.end] = True
        starts = np.cumsum([0] + [len(line) + 1 for line in lines[:-1]])
        weight = np.array([len("".join(line.split())) for line in lines])
        gone = np.array([removed[s : s + len(line)].all() if line else False for s, line in zip(starts, lines)])
        tp += weight[gone & labels].sum()
        fp += weight[gone & ~labels].sum()
        fn += weight[~gone & labels].sum()
        content += weight[~labels].sum()
        kept_content += weight[~gone & ~labels].sum()
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert 2 * precision * recall / (precision + recall) >= 0.75
    assert kept_content / content >= 0.95


def test_line_tables_of_batches_join_into_the_table_of_the_whole(
    news_docs: list[str], seed_texts: dict[str, str]
) -> None:
    """Line keys are per line, so batches (as workers compute them) join into the same table."""
    import dataclasses

    import numpy as np

    from dedup.lines import concat_line_tables, line_table

    texts = news_docs[:30] + ["", "第 3 页\n\n标题 | 2018 年第 9 期\nPage 4 - Title"] + list(seed_texts.values())
    whole = line_table(texts)
    cut = [0, 7, 7, 25, len(texts)]  # an empty batch included
    batches = [texts[a:b] for a, b in zip(cut[:-1], cut[1:])]
    joined = concat_line_tables([line_table(b) for b in batches], [len(b) for b in batches])
    for field in dataclasses.fields(whole):
        a, b = getattr(whole, field.name), getattr(joined, field.name)
        assert np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b, field.name


def test_analysis_runs_on_any_cluster_engine(news_docs: list[str]) -> None:
    """``engine`` is how document clusters are computed; the results are the engine's."""
    import numpy as np

    from dedup.boilerplate import analyse_lines
    from dedup.duplicates import cluster_views

    header, footer = "人民网 > 新闻 > 国内新闻", "责任编辑：王明 版权所有 人民网"
    texts = [f"{header}\n{doc}\n{footer}" for doc in news_docs[:20]] + news_docs[:3]
    calls: list[int] = []

    def engine(views, lengths, opts):  # type: ignore[no-untyped-def]
        calls.append(len(views))
        return cluster_views(views, lengths, opts)

    analysis = analyse_lines(texts, engine=engine)
    assert calls == [len(texts), len(texts)]  # the two family passes
    # the wrapped copies of the first three stories are one family with the bare ones
    assert analysis.families[20:].tolist() == [0, 1, 2]
    assert np.array_equal(analysis.families, analyse_lines(texts).families)


def test_the_first_passes_kinds_serve_when_the_second_pass_finds_the_same_families(news_lines: list[str]) -> None:
    """Classifying takes the first family pass's kinds only when both passes found the same families."""
    from dataclasses import replace

    from dedup.boilerplate import analyse_lines
    from dedup.boilerplate.analysis import classified

    header = "\n".join(
        [
            "首页 | 新闻 | 体育 | 娱乐 | 财经 | 科技 | 军事 | 汽车 | 房产",
            "人民网 > 新闻 > 国内新闻 > 正文",
            "分享到：微博 微信",
        ]
    )
    footer = "\n".join(
        ["版权所有 人民网 未经授权禁止转载", "关于我们 | 联系我们 | 网站地图", "京ICP证000000号 京公网安备110000号"]
    )
    stories = ["\n".join(news_lines[i : i + 2]) for i in range(0, 40, 2)]
    options = BoilerplateOptions(webpage=False)
    plain = analyse_lines(stories, options)  # nothing reprinted: one family a document, both passes
    # Wrapped in a site's long template, short stories are first one family; the second pass
    # sets the template apart and finds each story's family with its bare copy.
    wrapped = analyse_lines([f"{header}\n{story}\n{footer}" for story in stories] + stories[:3], options)
    assert wrapped.families[20:].tolist() == [0, 1, 2]
    assert [len(a.corpus_kinds) for a in (plain, wrapped)] == [1, 0]
    for analysis in (plain, wrapped):
        kinds, _ = classified(analysis, options)
        expected = classify_lines(analysis.lines.table, analysis.families, replace(options, webpage=False))
        assert np.array_equal(kind_names(kinds), expected)


def test_kinds_of_lines_are_one_byte_codes_named_by_line_kinds_table() -> None:
    """The line tables' kinds are uint8 indices into LINE_KINDS (0: content); names and codes round-trip, and a
    name that is no kind is refused rather than stored as something else."""
    names = ["", "template", "navigation", "", "page-number", "notice", "template"]
    codes = kind_codes(names)
    assert codes.dtype == np.uint8 and codes.tolist() == [LINE_KINDS.index(name) for name in names]
    assert kind_names(codes).tolist() == names
    assert kind_codes(np.array([], dtype=str)).shape == (0,) and kind_names(np.zeros(0, np.uint8)).shape == (0,)
    assert LINE_KINDS[0] == "" and len(LINE_KINDS) == len(set(LINE_KINDS)) <= 256
    with pytest.raises(ValueError, match="page_furniture"):
        kind_codes(["template", "page_furniture"])


def _shared_shares(views: list[str], groups: list[int]) -> np.ndarray:
    """The package's shares of one unit of members."""
    from dedup.boilerplate.families import _shared_shares_many

    return _shared_shares_many(views, np.array(groups, dtype=np.int64), np.zeros(len(views), dtype=np.int64))


def _shares_by_sets(views: list[str], groups: list[int], n: int = 4, max_members: int = 32) -> list[float]:
    """The definition, with Python sets: each member's share of character n-grams that members of other groups
    also have. Each distinct view counts once, with the group of its last copy; the grams of the first
    ``max_members`` distinct views are the evidence."""
    from collections import Counter

    firsts = dict(zip(views, groups))
    grams = {v: {v[i : i + n] for i in range(len(v) - n + 1)} or {v} for v in firsts}
    of_group: dict[int, set[str]] = {}
    for v, g in list(firsts.items())[:max_members]:
        of_group.setdefault(g, set()).update(grams[v])
    held = Counter(gram for grams_of_group in of_group.values() for gram in grams_of_group)
    share = {
        v: sum(held[gram] - (gram in of_group.get(g, set())) >= 1 for gram in grams[v]) / len(grams[v])
        for v, g in firsts.items()
    }
    return [share[v] for v in views]


def _numbered_as_grams(views: list[str], n: int) -> None:
    """_gram_ids numbers equal grams alike, densely, in the order of their characters (a gram shorter than ``n``,
    a view's only one, after every gram it begins)."""
    from dedup.boilerplate.families import _gram_ids

    counts, ids = _gram_ids(views, n)
    assert counts.tolist() == [max(len(v) - n + 1, 1) for v in views]
    grams = [v[i : i + n] for v in views for i in range(max(len(v) - n + 1, 1))]
    order = sorted(set(grams), key=lambda g: [ord(c) for c in g] + [0x110000] * (n - len(g)))
    assert ids.tolist() == [order.index(g) for g in grams]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ab\x00的了\U0001f600\n ", max_size=9), max_size=6), st.integers(1, 5))
def test_grams_are_numbered_alike_when_alike(views: list[str], n: int) -> None:
    _numbered_as_grams(views, n)


def test_grams_of_more_characters_than_pack_into_one_integer_are_numbered_alike() -> None:
    """Over 5,404 distinct characters, five ranks do not pack into 62 bits: the grams are numbered from columns."""
    rng = np.random.default_rng(0)
    codes = rng.choice(np.arange(0x4E00, 0x9FFF), size=(900, 16))
    views = ["".join(map(chr, row[: k % 17])) for k, row in enumerate(codes.tolist())]
    assert len(set("".join(views))) > 5404
    _numbered_as_grams(views, 5)
    _numbered_as_grams(views, 4)


# Views that recur, share grams, repeat a gram, or are shorter than a gram.
_SHARE_VIEWS = ["", "ab", "abcd", "abcde", "bcdea", "新闻新闻", "新闻0新闻", "闻新闻0", "aaaaab", "aaaa"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(
            st.tuples(st.sampled_from(_SHARE_VIEWS) | st.text("ab新闻0", max_size=7), st.integers(0, 3)), max_size=8
        ).filter(bool),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from([1, 2, 32]),
)
def test_shares_of_many_units_at_once_are_each_units_by_sets(units: list[list[tuple[str, int]]], most: int) -> None:
    from dedup.boilerplate.families import _shared_shares_many

    views = [v for unit in units for v, _ in unit]
    groups = np.array([g for unit in units for _, g in unit], dtype=np.int64)
    unit_of = np.repeat(np.arange(len(units)), [len(unit) for unit in units])
    expected = [
        s for unit in units for s in _shares_by_sets([v for v, _ in unit], [g for _, g in unit], max_members=most)
    ]
    assert _shared_shares_many(views, groups, unit_of, max_members=most).tolist() == expected


_UNITS = st.lists(
    st.lists(
        st.tuples(st.sampled_from(_SHARE_VIEWS) | st.text("ab新闻0", max_size=7), st.integers(0, 3)), max_size=6
    ).filter(bool),
    min_size=1,
    max_size=4,
)


def _flat(units: list[list[tuple[str, int]]]) -> tuple[list[str], np.ndarray, np.ndarray]:
    bounds = np.concatenate(([0], np.cumsum([len(unit) for unit in units]))).astype(np.int64)
    return [v for unit in units for v, _ in unit], np.array([g for u in units for _, g in u], dtype=np.int64), bounds


@settings(max_examples=200, deadline=None)
@given(_UNITS, _UNITS, st.data())
def test_shares_from_a_memo_are_the_shares_measured(
    first: list[list[tuple[str, int]]], second: list[list[tuple[str, int]]], data: st.DataObject
) -> None:
    """A memo filled by one classification serves the next: units it holds (some of ``second`` are ``first``'s, with
    their groups or others) give the shares measuring them gives, and only the others are added to it."""
    from dedup.boilerplate.families import _shared_shares_many, _shares_in_chunks, unit_grams, units_shares

    regroup = st.sampled_from([None, 0, 3])  # a unit of the first again, as it was or with a member regrouped
    again = [[(v, g if (h := data.draw(regroup)) is None else h) for v, g in unit] for unit in first]
    second = second + [unit for unit in again if data.draw(st.booleans())]
    memo: dict = {}
    units_shares(*_flat(first), memo)
    held = set(memo)
    views, groups, bounds = _flat(second)
    # Each unit measured alone, on the n-grams of its script (its shares depend on nothing else).
    grams = unit_grams(views, bounds).tolist()
    parts = [
        _shared_shares_many(views[lo:hi], groups[lo:hi], np.zeros(hi - lo, dtype=np.int64), n)
        for lo, hi, n in zip(bounds[:-1].tolist(), bounds[1:].tolist(), grams)
    ]
    measured = np.concatenate(parts) if parts else np.zeros(0)
    assert units_shares(views, groups, bounds, memo).tolist() == measured.tolist()
    assert units_shares(views, groups, bounds).tolist() == measured.tolist()
    budget = data.draw(st.integers(1, 40))  # a few units a sort, each whole: the same shares
    assert _shares_in_chunks(views, groups, bounds, budget).tolist() == measured.tolist()
    assert set(memo) == held | {(tuple(v for v, _ in unit), _flat([unit])[1].tobytes()) for unit in second}


def test_slots_are_masked_exactly() -> None:
    from dedup.linemarks import mask_slots

    # A run of token characters with a letter is one slot; digit runs are another; a
    # quoted short name is a slot; "12.5" has no letter, so only its digits fold.
    assert mask_slots(["abc12 12.5 x-1 中文A1", "“张三”的1999年", "1" * 5000]) == ["a 0.0 a 中文a", "a的0年", "0"]
    # Members of one group are not each other's evidence: only grams another group holds count.
    views = ["会员甲为你整理", "会员乙为你整理", "完全不同的句子"]
    # 为你整理 is the one of their four 4-grams that groups 0 and 1 share
    assert _shared_shares(views, [0, 1, 2]).tolist() == [0.25, 0.25, 0.0]
    assert _shared_shares(views, [0, 0, 2]).tolist() == [0.0, 0.0, 0.0]


def test_shared_shares_count_the_grams_other_groups_hold() -> None:
    # 4-grams: abcdef {abcd, bcde, cdef}, abcdeq {abcd, bcde, cdeq}, zzzzzz {zzzz}
    shares = _shared_shares(["abcdef", "abcdeq", "zzzzzz"], [0, 1, 2])
    assert np.allclose(shares, [2 / 3, 2 / 3, 0.0])
    assert np.allclose(_shared_shares(["abcdef", "abcdeq"], [0, 0]), [0.0, 0.0])  # one group: no evidence
    # aaaaab {aaaa, aaab}: the gram it holds twice counts once
    assert _shared_shares(["aaaaab", "aaaa"], [0, 1]).tolist() == [0.5, 1.0]


def test_a_long_line_that_only_ends_like_a_recurring_title_is_not_its_variant() -> None:
    """A related-story title on two pages and a variant of it on a third share a masked tail
    with a news lead four times their length on a fourth page: the titles are a template, the
    lead, over twice their length, is not: it holds too few of their n-grams to be one of them.
    Nor is a line of the titles' length holding as few (under a quarter: half the skeleton the family's median
    needs), another sentence that ends alike; until the twenty-ninth session it went with them (within twice the
    median length the family's median share decided alone)."""
    from dedup.boilerplate.families import _families
    from dedup.lines import line_table

    title = "NASA discovery fuels hopes in search for life beyond Earth"
    variant = "New Mars rover data fuels hopes in search for life beyond Earth"
    other = "Quiet village baker wins prize, then keeps looking beyond Earth"
    lead = (
        "Scientists on Monday unveiled the first global geological map of Saturn's moon Titan including vast "
        "plains and dunes of frozen organic material, a strong candidate in the search for life beyond Earth"
    )
    stories = [title, title, variant, lead, other]
    table = line_table([f"Story {n}.\n{story}" for n, story in enumerate(stories)])
    rows = np.flatnonzero(table.view_len > 30)
    assert table.doc[rows].tolist() == [0, 1, 2, 3, 4] and len(set(table.tail[rows].tolist())) == 1
    assert table.view_len[rows].tolist() == [49, 49, 52, 166, 53]
    for n in (4, 5):  # without the other line, and with it
        mask = np.zeros(len(table), dtype=bool)
        mask[rows[:n]] = True
        family = np.arange(5)[table.doc]
        chosen = _families(table, table.tail, mask, BoilerplateOptions(), by_doc=False, line_family=family)
        assert chosen[rows[:n]].tolist() == [True, True, True, False, False][:n]


def test_sentences_that_only_end_alike_are_no_template() -> None:
    """Five packages' descriptions (two of them near-duplicates) end a sentence with "Amazon Web Services": two
    say "... is maintained and published by Amazon Web Services" (a template's variants), the others are sentences
    of their own that merely end so — a wrapped line of a README, a library's one-line description — and stay:
    they share under a quarter of their n-grams with the family. Before the twenty-ninth session they went as
    templates, in their only copy."""
    sdk = (
        "Boto3 is the software development kit for Python, which allows developers to write software that makes use "
        "of services like storage and compute. You can find the latest documentation at the project's site.\n\n"
    )
    docs = [
        "The command line interface is a unified tool that provides a consistent interface for the cloud.\n\n"
        "If you need more help with\nthe services or their limitations, you may find the `Amazon Web Services\n"
        "Discussion Forums` useful.\n",
        sdk + "Boto3 is maintained and published by `Amazon Web Services`_.\n",
        sdk.replace("Boto3", "Botocore") + "Botocore is maintained and published by `Amazon Web Services`_.\n",
        "A library of fakes for unit tests: decorators replace the endpoints with in-memory backends.\n\n"
        "Moto is a library that allows your tests to easily mock out AWS Services.\n",
        "A transfer manager that splits uploads into parts and sends them concurrently.\n\n"
        "This project is maintained and published by Amazon Web Services.\n",
    ]
    cleaned = dedup.clean(docs, cross_document=True)
    assert [[(r.kind, r.text) for r in c.removed] for c in cleaned] == [
        [],
        [("template", "Boto3 is maintained and published by `Amazon Web Services`_.\n")],
        [("document", docs[2])],
        [],
        [("template", "This project is maintained and published by Amazon Web Services.\n")],
    ]


_POOL = [
    HEADER,
    FOOTER,
    "发布时间：2024-01-0{n}",
    "本报记者 王{n}明 报道",
    "【正文】",
    "第 {n} 页",
    "Page {n} - Annual Report",
    "地区\t数值\t增长率",  # a table's header and rows of figures
    "黑龙江省\t{n}76\t{n}.9%",
    "内蒙古自治区  2{n}3  -{n}.1%",
    "关于我们 | 联系我们 | 网站地图",
    *STORIES,
    *(story[: len(story) // 2] for story in STORIES),  # excerpts cut at different points
    *(story[len(story) // 3 :] for story in STORIES),
]


@st.composite
def _collections(draw: st.DrawFn) -> tuple[list[str], np.ndarray]:
    """Documents drawn line by line from a pool of headers, templates with slots, markers, page
    numbers, stories and excerpts of them, and an arbitrary family for every document."""
    n_docs = draw(st.integers(1, 9))
    lines = st.tuples(st.integers(0, len(_POOL)), st.integers(1, 9))  # len(_POOL): a line of the document's own
    texts = [
        "\n".join(
            _POOL[i].format(n=n) if i < len(_POOL) else f"第{doc}篇的第{k}段，只在这里出现。"
            for k, (i, n) in enumerate(draw(st.lists(lines, min_size=0, max_size=10)))
        )
        for doc in range(n_docs)
    ]
    families = np.array(draw(st.lists(st.integers(0, n_docs - 1), min_size=n_docs, max_size=n_docs)))
    return texts, np.minimum(families, np.arange(n_docs))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_collections(), st.sampled_from([2, 3]), st.booleans())
def test_the_collections_evidence_is_read_on_the_shared_lines_alone(
    collection: tuple[list[str], np.ndarray], min_docs: int, within_document: bool
) -> None:
    """The collection's kinds read on :func:`shared_rows` (what a Ray run gathers of the workers'
    tables) are those read on the whole table, and each document's own kinds are those of its
    documents alone."""
    texts, families = collection
    options = BoilerplateOptions(min_docs=min_docs, within_document=within_document, webpage=False)
    table = line_table(texts, options)
    kinds = classify_lines(table, families, options)
    own = document_kinds(table, options)
    whole = furniture_kinds(table, collection_kinds(table, families, options, own), options)
    assert kinds.tolist() == kind_names(whole).tolist()
    assert whole.dtype == np.uint8 and np.array_equal(whole, classify_lines(table, families, options, codes=True))
    rows = shared_rows(table, families, options)
    assert np.all(np.diff(rows) > 0)
    # Read on the shared rows alone, their keys counted there (as on Ray) or on the whole table (classify_lines).
    on_rows = own.copy()
    on_rows[rows] = collection_kinds(take_rows(table, rows), families, options, own[rows])
    assert kind_names(furniture_kinds(table, on_rows, options)).tolist() == kinds.tolist()
    alone = [document_kinds(line_table([text], options), options) for text in texts]
    assert own.tolist() == np.concatenate([np.zeros(0, dtype=own.dtype), *alone]).tolist()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_collections(), st.sampled_from([2, 3]))
def test_the_collection_only_adds_boilerplate(collection: tuple[list[str], np.ndarray], min_docs: int) -> None:
    """A line that is boilerplate when its document is classified alone stays boilerplate when
    other documents share the call: the collection's evidence adds kinds, it never clears one."""
    texts, families = collection
    options = BoilerplateOptions(min_docs=min_docs, webpage=False)
    together = classify_lines(line_table(texts, options), families, options)
    alone = np.concatenate(
        [np.zeros(0, dtype=together.dtype)]
        + [classify_lines(line_table([text], options), np.zeros(1, dtype=np.int64), options) for text in texts]
    )
    lost = (alone != "") & (together == "")
    assert not lost.any(), [(a, t) for a, t, x in zip(alone, together, lost) if x]


def test_a_marker_heading_its_own_story_stays_a_marker() -> None:
    """A short line repeated within a page (a marker) that also recurs in other families, where it
    heads a longer line in one family only, is kept there as a heading by the collection's
    evidence, but the page's own evidence still makes it a marker, as it does alone."""
    texts = [f"[CNBC]\n{STORIES[0]}\n[CNBC]\n{STORIES[1]}", f"{STORIES[2]}\n[CNBC]", f"{STORIES[3]}\n[CNBC]"]
    options = BoilerplateOptions(webpage=False)
    table = line_table(texts, options)
    kinds = classify_lines(table, np.arange(3), options)
    assert kinds[table.doc == 0].tolist() == ["marker", "", "marker", ""]
    assert kinds[table.doc > 0].tolist() == ["", "recurring", "", "recurring"]


def _report(year: int, rows: list[str]) -> str:
    intro = f"{year}年粮食产量统计公报。根据国家统计局发布的数据，{year}年全国粮食产量保持稳定增长，各地区情况如下表。"
    return "\n".join([intro, "地区\t产量\t增长率", *rows, f"注：{year}年数据为初步核算数，以正式发布为准。", FOOTER])


def test_a_table_of_figures_is_content_in_every_report_of_a_series() -> None:
    """The rows of a statistical table are the same masked lines in every report of a series (its slots are the
    figures) and its header recurs whole: both stay, while the series' templated lead and a site's footer go."""
    texts = [
        _report(2000 + k, [f"黑龙江省\t{100 + 7 * k}\t{k}.5%", f"内蒙古自治区\t{300 + 11 * k}\t-{k}.1%"])
        for k in range(4)
    ]
    options = BoilerplateOptions(webpage=False)
    table = line_table(texts, options)
    kinds = classify_lines(table, np.arange(4), options)
    assert kinds[table.doc == 0].tolist() == ["template", "", "", "", "template", "recurring"]
    # A bar-separated line of text, no table of figures: a site's menu recurring across families goes.
    menus = [f"{text}\n关于我们 | 联系我们 | 网站地图" for text in texts]
    table = line_table(menus, options)
    assert classify_lines(table, np.arange(4), options)[table.doc == 0][-1] == "recurring"


def test_a_sentence_of_figures_is_content_in_every_report_of_a_series() -> None:
    """A daily market report says the same sentences with other figures each day: the figures are its data, found
    nowhere else, so those sentences stay in every report (until 2026-12-07 they went from all as templates), while
    the series' dated title and a content farm's line, whose slots are a member's name, stay templates."""
    rng = random.Random(0)
    reports = [
        "\n".join(
            [
                f"{k + 1}月{rng.randint(1, 28)}日股市简报",
                f"今日上证指数收于{rng.randint(2900, 3300)}.{rng.randint(10, 99)}点，涨幅{rng.random():.2f}%。",
                f"深证成指收于{rng.randint(9000, 11000)}点，较上一交易日下跌{rng.randint(10, 99)}点。",
                f"结合当前工作需要，会员“user{rng.randint(100, 999)}”为你整理了这篇简报，共{k + 2}页。",
            ]
        )
        for k in range(8)
    ]
    options = BoilerplateOptions(webpage=False)
    table = line_table(reports, options)
    kinds = classify_lines(table, np.arange(8), options)
    assert kinds[table.doc == 0].tolist() == ["template", "", "", "template"]


def test_a_short_sentence_said_in_running_text_is_no_boilerplate(news_lines: list[str]) -> None:
    """Subtitles of ten episodes: ``谢谢。`` and ``好的。`` are said in every one, each time between other lines — no
    recurring boilerplate (until 2026-12-07 they went from every episode) — while a site's short notice at each
    page's end, and one beside the same line each time, still go."""
    rng = random.Random(1)
    said = ["谢谢。", "好的。", "走吧！"]
    episodes = []
    for k in range(10):
        lines = news_lines[30 * k : 30 * k + 30]
        for word in said:
            lines.insert(rng.randint(1, len(lines) - 1), word)
        episodes.append("\n".join([*lines, "欢迎收看。", "本站声明", "请勿转载。"]))
    options = BoilerplateOptions(webpage=False)
    table = line_table(episodes, options)
    kinds = classify_lines(table, np.arange(10), options)
    texts = [t.strip() for t in table.texts]
    assert {texts[i] for i in np.flatnonzero(kinds != "")} == {"欢迎收看。", "本站声明", "请勿转载。"}


def test_a_short_sentence_said_again_in_one_document_keeps_every_copy(news_lines: list[str]) -> None:
    """One subtitle file says ``谢谢。`` three times between other lines: every copy stays (until 2026-12-07 one went
    as a repeated passage of another)."""
    said = "\n".join([*news_lines[:3], "谢谢。", *news_lines[3:6], "谢谢。", *news_lines[6:9], "谢谢。", news_lines[9]])
    (cleaned,) = dedup.clean([said])
    assert cleaned.text == said and not cleaned.removed


def test_in_numeric_table_needs_a_row_of_figures_beside() -> None:
    texts = [
        "地区\t产量\n北京市\t1,024.5\n上海市  -3.1%\n一段正文，没有表格。\n甲 | 乙\n丙 | 丁",
        "天津市\t12\n",
        "河北省\t7",
    ]
    table = line_table(texts, BoilerplateOptions(webpage=False))
    assert [text.strip() for text in table.texts][:3] == ["地区\t产量", "北京市\t1,024.5", "上海市  -3.1%"]
    everything = np.ones(len(table), dtype=bool)
    # The header beside a row of figures; two rows of text cells are no table of figures; a lone row
    # (its neighbour in the next document) is none either.
    assert in_numeric_table(table, everything).tolist() == [True, True, True, False, False, False, False, False]
    some = np.zeros(len(table), dtype=bool)
    some[[1, 6]] = True
    assert in_numeric_table(table, some).tolist() == [False, True, False, False, False, False, False, False]
    # The rows' shapes made where the texts are (Ray's workers) give the same.
    shapes = row_shapes(table.texts)
    assert shapes[0].tolist() == [True, True, True, False, True, True, True, True] and shapes[1].sum() == 4
    assert in_numeric_table(table, some, shapes).tolist() == in_numeric_table(table, some).tolist()
    assert in_numeric_table(table, everything, shapes).tolist() == in_numeric_table(table, everything).tolist()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("a表1 \t|｜\u3000\u00a0\u2028\x00\n\r\x1c"), max_size=8), max_size=12))
def test_cell_breaks_are_the_pattern_s_line_by_line(lines: list[str]) -> None:
    """One pass over the joined lines finds the lines the cell-break pattern finds one by one (tabs, bars, two
    whitespace characters of any kind in a row; NULs and line breaks inside a line; empty lines)."""
    from dedup.linemarks import _CELL_BREAK, cell_breaks

    assert cell_breaks(lines).tolist() == [_CELL_BREAK.search(line) is not None for line in lines]


def test_lines_of_one_family_are_not_shared() -> None:
    texts = [page(STORIES[0], "2024-01-01"), page(STORIES[0], "2024-01-01"), STORIES[1]]
    options = BoilerplateOptions(webpage=False)
    table = line_table(texts, options)
    assert shared_rows(table, np.array([0, 0, 2]), options).tolist() == []
    # as two families, the first two documents share every line, and the third's line neighbours the last
    assert shared_rows(table, np.array([0, 1, 2]), options).tolist() == list(range(len(table)))


class _Rows:
    """The two columns _neighbours_differ reads."""

    def __init__(self, doc: list[int], exact: list[int]) -> None:
        self.doc, self.exact = np.array(doc, dtype=np.int64), np.array(exact, dtype=np.uint64)

    def __len__(self) -> int:
        return int(self.doc.size)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4)), min_size=1, max_size=30), st.data())
def test_markers_need_neighbours_unlike_each_others(rows: list[tuple[int, int]], data: st.DataObject) -> None:
    """All groups at once, as one group at a time: no two occurrences share the line before or after."""
    from dedup.boilerplate.classify import _neighbours_differ

    rows.sort(key=lambda r: r[0])  # lines in document order
    table = _Rows([d for d, _ in rows], [k for _, k in rows])
    group = data.draw(st.lists(st.integers(0, 5), min_size=len(rows), max_size=len(rows)))
    chosen = data.draw(st.lists(st.integers(0, 5), max_size=4))
    expected = np.zeros(len(rows), dtype=bool)
    for g in set(chosen) & set(group):
        members = [i for i, x in enumerate(group) if x == g]
        for step in (-1, 1):
            near = [
                table.exact[i + step] for i in members if 0 <= i + step < len(rows) and rows[i + step][0] == rows[i][0]
            ]
            if len(set(near)) != len(near):
                break
        else:
            expected[members] = True
    got = _neighbours_differ(table, np.array(group, dtype=np.int64), np.array(chosen, dtype=np.int64))
    assert got.tolist() == expected.tolist()


def _families_group_by_group(table, key, mask, options, by_doc, line_family):  # type: ignore[no-untyped-def]
    """The definition of dedup.boilerplate.families._families, one key group at a time."""
    from dedup.arrays import group_ids
    from dedup.boilerplate.families import _enclosed_slots, _shared_shares_many

    chosen = np.zeros(len(table), dtype=bool)
    idx = np.flatnonzero(mask)
    if idx.size < 2:
        return chosen
    group = group_ids(key[idx], table.doc[idx]) if by_doc else group_ids(key[idx])
    for g in np.unique(group):
        members = idx[group == g]
        if members.size < 2 or len(set(table.exact[members].tolist())) < 2:
            continue
        if by_doc and not np.all(np.diff(members) > 1):
            continue
        if by_doc and np.count_nonzero(~numbered_items(table, members)) < 2:  # items of numbered lists
            continue
        if len(set(table.masked[members].tolist())) == 1:
            chosen[members] = True
            continue
        views = [table.masked_views[i] for i in members]
        if by_doc:
            chosen[members] = _enclosed_slots(views, options.min_skeleton)
            continue
        shares = _shared_shares_many(views, line_family[members], np.zeros(members.size, dtype=np.int64))
        if np.median(shares) >= options.min_skeleton:
            lengths = np.array([len(v) for v in views])
            short = (lengths <= 2 * np.median(lengths)) & (shares >= options.min_skeleton / 2)
            chosen[members[(shares >= options.min_skeleton) | short]] = True
    return chosen


_TEMPLATE_LINES = [
    "会员甲为你整理了这篇文章",
    "会员乙为你整理了这篇文章",
    "第3版 要闻",
    "第12版 要闻",
    "正文一段。",
    "1998年",
    "1999年",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(st.sampled_from(_TEMPLATE_LINES), min_size=1, max_size=6), min_size=1, max_size=6),
    st.data(),
)
def test_key_families_at_once_are_those_of_each_group(docs: list[list[str]], data: st.DataObject) -> None:
    from dedup.boilerplate.families import _families

    table = line_table(["\n".join(doc) for doc in docs])
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=len(table), max_size=len(table))), dtype=bool)
    families = np.array(data.draw(st.lists(st.integers(0, 2), min_size=len(docs), max_size=len(docs))))
    options = BoilerplateOptions()
    for key in (table.masked, table.head):
        for by_doc in (True, False):
            got = _families(table, key, mask, options, by_doc, families[table.doc])
            assert (
                got.tolist()
                == _families_group_by_group(table, key, mask, options, by_doc, families[table.doc]).tolist()
            )


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3)), max_size=40),
    st.sampled_from([0, 2**63 + 7]),
    st.booleans(),
)
def test_doc_frequency_counts_each_keys_distinct_documents(
    rows: list[tuple[int, int]], base: int, kernel: bool
) -> None:
    """Keys held once are in one document without being sorted (the kernel finds them); keys above 2**63 too."""
    import dedup.arrays as arrays
    import dedup.boilerplate.families as families

    keys = np.array([base + k for k, _ in rows], dtype=np.uint64)
    docs = np.array([d for _, d in rows], dtype=np.int64)
    expected = [len({d for k2, d in rows if k2 == k}) for k, _ in rows]
    with pytest.MonkeyPatch.context() as patched:
        if not kernel:
            patched.setattr(arrays, "shared_in_blocks", lambda values, block: None)
        assert families._doc_frequency(keys, docs).tolist() == expected


_FAMILY = st.tuples(
    st.sampled_from(["recurring", "template", "marker"]),
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 99), st.integers(100, 300)), min_size=1, max_size=4),
    st.text(max_size=6),
)


@given(st.lists(_FAMILY, max_size=6))
def test_families_read_as_the_list_of_their_boilerplate(
    rows: list[tuple[str, list[tuple[int, int, int]], str]],
) -> None:
    """Families held as arrays are read as the list of :class:`Boilerplate` they stand for: items, negative
    indices, slices, iteration, equality either way, repr, pickling."""
    import pickle

    expected = [Boilerplate(i, kind, tuple(Span(*t) for t in spans), ex) for i, (kind, spans, ex) in enumerate(rows)]
    names = sorted({kind for kind, _, _ in rows}, reverse=True)
    families = Families(
        names,
        np.array([names.index(kind) for kind, _, _ in rows], dtype=np.int64),
        np.cumsum([0] + [len(spans) for _, spans, _ in rows]),
        np.array([t for _, spans, _ in rows for t in spans], dtype=np.int64).reshape(-1, 3),
        [ex for _, _, ex in rows],
    )
    assert len(families) == len(expected) and list(families) == expected
    assert families == expected and expected == families and not (families != expected)
    assert [families[i] for i in range(-len(expected), len(expected))] == expected * 2
    assert families[1:4] == expected[1:4] and families[::-1] == expected[::-1]
    assert repr(families) == repr(expected) and pickle.loads(pickle.dumps(families)) == families
    assert families.occurrences() == sum(len(f.spans) for f in expected)
    assert families != expected + [Boilerplate(9, "marker", (Span(0, 0, 1),), "x")]
    with pytest.raises(IndexError):
        families[len(expected)]


def test_families_refuse_arrays_that_do_not_agree() -> None:
    with pytest.raises(ValueError, match="do not agree"):
        Families(["marker"], np.zeros(2, dtype=np.int64), np.array([0, 1, 2]), np.zeros((1, 3)), ["a", "b"])
    texts = ["页眉 第1版\n正文一。\n页脚", "页眉 第2版\n正文二。\n页脚", "页眉 第3版\n正文三。\n页脚"]
    found, held = find_boilerplate(texts), clean_report(texts).boilerplate
    assert type(found) is list and isinstance(held, Families)  # the public contract's list; the report's arrays
    assert held == found and held.occurrences() == sum(len(f.spans) for f in found) > 0


def test_families_are_read_in_chunks_as_item_by_item() -> None:
    """Iteration turns the rows of 4,096 families at a time into Python ints: across chunks it reads what indexing
    reads, and ``occurrences`` counts every line without making the families."""
    sizes = np.arange(9_000) % 3 + 1
    spans = np.stack([np.arange(sizes.sum()) // 7, np.arange(sizes.sum()), np.arange(sizes.sum()) + 5], axis=1)
    kinds = np.arange(9_000) % 2
    families = Families(["marker", "recurring"], kinds, np.cumsum([0, *sizes]), spans, [str(i) for i in range(9_000)])
    listed = list(families)
    assert [families[i] for i in (0, 4095, 4096, 8191, 8192, 8999)] == [
        listed[i] for i in (0, 4095, 4096, 8191, 8192, 8999)
    ]
    assert listed[4096].spans == tuple(Span(*row) for row in spans[int(sizes[:4096].sum()) :][:2].tolist())
    assert [f.id for f in listed] == list(range(9_000)) and listed[4097].kind == "recurring"
    assert occurrences(families) == occurrences(listed) == int(sizes.sum())
