"""Segmentation: exact small cases, re-joined wraps, the seeds, and properties of the spans."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dedup
from dedup.arrays import to_codepoints as _codepoints
from dedup.normalize import matching_texts, noise_spans
from dedup.segment import (
    UNITS,
    UnitSpans,
    layout,
    segment,
    segment_lines_and_paragraphs,
    segment_many,
    sentences_within,
)
from dedup.segment.breaks import (
    _line_breaks,
    _noise_mask,
    _skip_backward,
    _skip_forward,
)
from dedup.segment.chars import _LIST_FIRST, _LIST_MARKER, _flags, _has
from dedup.segment.layout import _list_starts, _range_sums, _sentence_ends
from dedup.segment.units import _batch

SEEDS = Path(__file__).parent.parent / "examples" / "seeds"
FIXTURES = Path(__file__).parent / "fixtures"


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def units(text: str, unit: str = "paragraph", rejoin_wraps: bool = True) -> list[str]:
    return [text[a:b] for a, b in segment(text, unit, rejoin_wraps).tolist()]  # type: ignore[arg-type]


# --------------------------------------------------------------------------- small cases


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # blank lines separate paragraphs; the lines of a block are one paragraph
        ("第一段。\n\n第二段，\n续行。\n\n第三段", ["第一段。", "第二段，\n续行。", "第三段"]),
        # single newlines separate paragraphs
        ("标题\n第一段内容。\n第二段内容。", ["标题", "第一段内容。", "第二段内容。"]),
        # a column break mid-word, across a blank line (seed 000)
        (
            "在将安徽省基本医疗保险定点机构协议范本作为通用条款的基础上,还增设专用条款,将医保基金支付范围、"
            "医保支付方式、两级费用审核、医药价格监管、医保医\n\n师服务等纳入协议管理。\n\n强化监管措施,切实保障基金平稳运行",
            [
                "在将安徽省基本医疗保险定点机构协议范本作为通用条款的基础上,还增设专用条款,将医保基金支付范围、"
                "医保支付方式、两级费用审核、医药价格监管、医保医\n\n师服务等纳入协议管理。",
                "强化监管措施,切实保障基金平稳运行",
            ],
        ),
        # a short line broken one character before its full stop
        (
            "4、广泛宣传,注重营造统战工作氛\n\n围。要突出乡镇统战工作的生动化和特色化。",
            ["4、广泛宣传,注重营造统战工作氛\n\n围。要突出乡镇统战工作的生动化和特色化。"],
        ),
        # a list item starts a unit even after a line ending in "、"
        (
            "在贫困户家中,包保干部帮助贫困户打扫卫生、擦玻璃、\n1、核桃、落水洞两村精准扶贫脱贫会议记录",
            ["在贫困户家中,包保干部帮助贫困户打扫卫生、擦玻璃、", "1、核桃、落水洞两村精准扶贫脱贫会议记录"],
        ),
        # a long unfinished paragraph does not swallow the title and byline after it
        (
            "2019年至2020年,果子园乡党委、政府出台了《加快发展黄金梨产业实施意见》,明确提出举全乡之力培育黄金梨"
            "\n\n浅谈如何做好新时期乡镇统战工作\n\n张路",
            [
                "2019年至2020年,果子园乡党委、政府出台了《加快发展黄金梨产业实施意见》,明确提出举全乡之力培育黄金梨",
                "浅谈如何做好新时期乡镇统战工作",
                "张路",
            ],
        ),
        # a photo credit in brackets ends its paragraph
        (
            "１２月３１日，中共中央总书记、国家主席江泽民发表１９９８年新年讲话《迈向充满希望的新世纪》。（新华社记者兰红光摄）"
            "\n同胞们、朋友们、女士们、先生们：",
            [
                "１２月３１日，中共中央总书记、国家主席江泽民发表１９９８年新年讲话《迈向充满希望的新世纪》。（新华社记者兰红光摄）",
                "同胞们、朋友们、女士们、先生们：",
            ],
        ),
        # English: a lower-case continuation and a hyphenated word
        (
            "The quick brown fox jumps over the\nlazy dog. Informa-\nTion wants to be free.\nNext paragraph.",
            ["The quick brown fox jumps over the\nlazy dog. Informa-\nTion wants to be free.", "Next paragraph."],
        ),
        # indentation starts paragraphs; a flush line after a full one continues
        (
            "　　第一段的第一行写满了整整一行\n第一段的第二行。\n　　第二段。",
            ["第一段的第一行写满了整整一行\n第一段的第二行。", "第二段。"],
        ),
        # pinyin annotations do not make a title long enough to be continued
        (
            "鞏固易地搬遷脫貧成果穩(wěn)住產(chǎn)業(yè)發(fā)展“後續(xù)動(dòng)力”\n"
            "2021年是“十四五”開(kāi)局之年,也是鞏固脫貧攻堅(jiān)成果同鄉(xiāng)村振興有效銜接的第一年。",
            [
                "鞏固易地搬遷脫貧成果穩(wěn)住產(chǎn)業(yè)發(fā)展“後續(xù)動(dòng)力”",
                "2021年是“十四五”開(kāi)局之年,也是鞏固脫貧攻堅(jiān)成果同鄉(xiāng)村振興有效銜接的第一年。",
            ],
        ),
        # not only Chinese: accented Latin and Greek continue in lower case
        ("Le café était\nfermé. Ça va.\nΑθήνα είναι\nωραία.", ["Le café était\nfermé. Ça va.", "Αθήνα είναι\nωραία."]),
        ("", []),
        ("  \n\n\t　\n", []),
    ],
)
def test_paragraphs(text: str, expected: list[str]) -> None:
    assert units(text) == expected


def test_lines_are_physical_lines() -> None:
    text = "a\r\nb\rc\u2028d\n\n  e  \n"
    assert units(text, "line") == ["a", "b", "c", "d", "e"]
    assert segment(text, "line").tolist() == [[0, 1], [3, 4], [5, 6], [7, 8], [12, 13]]


def test_sentences() -> None:
    text = "他说：“好。”然后走了！真的吗？？是的……增长93.62%。\n\nIt rained. Then it stopped!"
    assert units(text, "sentence") == [
        "他说：“好。”",
        "然后走了！",
        "真的吗？？",
        "是的……",
        "增长93.62%。",
        "It rained.",
        "Then it stopped!",
    ]


def test_sentences_do_not_cross_paragraphs() -> None:
    text = "第一段没有句号\n\n第二段。"
    assert units(text, "sentence") == ["第一段没有句号", "第二段。"]


def test_without_rejoining_blocks_and_lines_are_kept() -> None:
    broken = "在协议框架下,甲方建设统一、高效、安全的医保信息平台,按照国家、省和本市的要求建立医保"
    text = broken + "\n\n药品目录。\n\n一段\n两行。"
    assert units(text, rejoin_wraps=False) == [broken, "药品目录。", "一段\n两行。"]
    assert units(text) == [broken + "\n\n药品目录。", "一段\n两行。"]


def test_unknown_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="unit must be one of"):
        segment("x", "word")  # type: ignore[arg-type]


def test_batch_equals_one_by_one() -> None:
    texts = [seed("000"), "", "标题\n正文。", seed("002"), "\n\n"]
    for unit in UNITS:
        batch = segment_many(texts, unit)  # type: ignore[arg-type]
        assert isinstance(batch, UnitSpans) and len(batch) == len(texts)
        for doc, text in enumerate(texts):
            assert np.array_equal(batch[doc], segment(text, unit))  # type: ignore[arg-type]
        assert np.array_equal(batch.doc_ids(), np.repeat(np.arange(len(texts)), np.diff(batch.doc_offsets)))


# --------------------------------------------------------------------------- fixed-width wraps


def wrap(paragraph: str, width: int) -> str:
    return "\n".join(paragraph[i : i + width] for i in range(0, len(paragraph), width))


@pytest.fixture(scope="module")
def news_paragraphs() -> list[str]:
    lines = (FIXTURES / "peoples_daily_sample.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if len(line) >= 80 and line.endswith("。")][:150]


@pytest.mark.parametrize("width", [26, 33, 40])
@pytest.mark.parametrize(
    ("layout", "minimum"),
    [("blank", 0.97), ("indent", 0.97), ("single", 0.85)],
)
def test_fixed_width_wraps_are_rejoined(news_paragraphs: list[str], width: int, layout: str, minimum: float) -> None:
    docs = []
    for i in range(0, len(news_paragraphs), 10):
        group = news_paragraphs[i : i + 10]
        if layout == "blank":
            docs.append("\n\n".join(wrap(p, width) for p in group))
        elif layout == "indent":
            docs.append("\n".join(wrap("　　" + p, width) for p in group))
        else:
            docs.append("\n".join(wrap(p, width) for p in group))
    result = segment_many(docs)
    found = set(matching_texts(docs[d][a:b] for d, (a, b) in zip(result.doc_ids(), result.spans.tolist())))
    recovered = np.mean([view in found for view in matching_texts(news_paragraphs)])
    assert recovered >= minimum


def test_one_paragraph_per_line_news_is_left_alone(news_lines: list[str]) -> None:
    docs = ["\n".join(news_lines[i : i + 8]) for i in range(0, len(news_lines), 8)]
    result = segment_many(docs)
    assert len(result.spans) >= 0.98 * len(news_lines)


def test_lines_that_each_end_a_sentence_are_not_wrapped_text() -> None:
    """A paragraph printed twice makes two lines of one width: half the lines at a "wrap width". Wrapping cuts
    sentences, and every one of these lines ends one, so each stays a paragraph; before, the repeat was joined
    to the short line after it, and cutting the repeat took that line too."""
    p1 = "今天天气很好，市民纷纷外出游玩，公园里人山人海，热闹非凡。记者在现场看到，许多家庭带着孩子在草地上野餐。"
    p2 = "另一段完全不同的内容，讲述了城市交通的变化，以及地铁新线路的开通给市民带来的便利。"
    for newline in ("\n", "\r\n"):
        text = newline.join([p1, p2, p1, "短句。"]) + newline
        assert units(text) == [p1, p2, p1, "短句。"]
        (cleaned,) = dedup.clean([text])
        assert cleaned.text == newline.join([p1, p2, "短句。"]) + newline
    # Wrapped at the same width, the same text is one paragraph again.
    wrapped = wrap(p1 + p2 + p1, 30)
    assert units(wrapped) == [wrapped]


# --------------------------------------------------------------------------- the seeds


def test_seed_000_reprinted_essay_segments_the_same_both_times() -> None:
    text = seed("000")
    paragraphs = units(text)
    opening = [i for i, p in enumerate(paragraphs) if p.startswith("2020年是全面建成小康社会目标实现之年")]
    closing = [i for i, p in enumerate(paragraphs) if p == "(作者系金寨县张冲乡人民政府乡长)"]
    assert len(opening) == 2 and len(closing) == 2
    first = paragraphs[opening[0] : closing[0] + 1]
    second = paragraphs[opening[1] : closing[1] + 1]
    assert len(first) == 11 and first == second
    assert paragraphs[opening[1] - 2 : opening[1]] == ["精准施策巩固脱贫攻坚成效浅析", "徐敏"]
    assert paragraphs[opening[0] - 1] == "3、发展立体种植,提高土地利用率。"


def test_seed_000_column_breaks_are_rejoined() -> None:
    paragraphs = units(seed("000"))
    (joined,) = [p for p in paragraphs if "医保医\n\n师服务" in p]
    assert joined.startswith("该局编制全市统一的协议文本") and joined.endswith(
        "符合条件的基层医疗卫生机构100%纳入医保定点。"
    )
    assert any(p.startswith("4、广泛宣传") and p.endswith("营造统战干部能干事、干成事的良好氛围。") for p in paragraphs)
    assert "土地资源浪费。" in paragraphs  # the stray fragment stays its own unit
    assert not any(p.startswith("师服务") or p.startswith("围。") for p in paragraphs)


def test_seed_002_numbered_items_are_separate_units() -> None:
    text = seed("002")
    starts = {a for a, _ in segment(text).tolist()}
    item = re.compile(r"^(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}、|[一二三四五六七八九十]{1,2}、)", re.M)
    item_starts = [m.start() for m in item.finditer(text)]
    assert len(item_starts) > 60
    assert all(start in starts for start in item_starts)
    paragraphs = units(text)
    assert "1、核桃、落水洞两村精准扶贫脱贫会议记录" in paragraphs
    assert "【正文】" in paragraphs


def test_seed_004_page_furniture_stays_apart() -> None:
    lines = units(seed("004"))
    assert lines[:3] == ["Page 47 - 实践党的教育版2018年9期", "P. 47", "打赢精准脱贫攻坚战——奋斗在一线 / 实践探索"]
    assert lines[-1] == "2018 年第 9 期 45"


# --------------------------------------------------------------------------- properties

characters = st.one_of(
    st.characters(),
    st.sampled_from(list("\n\n\r \t　。，、！？.?1、(一)●鄉(xiāng)</span>\ufffd\u2028\u0301\ud800\x00abc文字")),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(alphabet=characters, max_size=80), max_size=4), st.sampled_from(UNITS), st.booleans())
def test_spans_partition_the_visible_text(texts: list[str], unit: str, rejoin: bool) -> None:
    batch = segment_many(texts, unit, rejoin)  # type: ignore[arg-type]
    assert batch.spans.dtype == np.int64 and batch.spans.shape[1] == 2
    assert batch.doc_offsets.dtype == np.int64 and batch.doc_offsets[-1] == len(batch.spans)
    for doc, text in enumerate(texts):
        spans = batch[doc]
        assert np.array_equal(spans, segment(text, unit, rejoin))  # type: ignore[arg-type]
        assert np.all(spans[:, 0] < spans[:, 1])
        assert np.all(spans[1:, 0] >= spans[:-1, 1])
        covered = np.zeros(len(text), dtype=bool)
        for a, b in spans.tolist():
            assert 0 <= a and b <= len(text)
            assert not text[a].isspace() and not text[b - 1].isspace()
            covered[a:b] = True
        visible = np.array([not c.isspace() and c not in "\u200b\ufeff" for c in text], dtype=bool)
        assert np.all(covered[visible])


def test_long_and_hostile_inputs() -> None:
    line = "鄉(xiāng)村振興，" * 70_000
    assert segment(line).tolist() == [[0, len(line)]]
    assert len(segment(line, "sentence")) == 1
    hostile = "\x00\ud800\n\n" * 1000 + "\u0301" * 1000
    spans = segment(hostile, "sentence")
    assert len(spans) >= 1 and spans[-1, 1] == len(hostile)


# --------------------------------------------------------------------------- one pass, and the pieces of it

NOISY_PIECES = [
    "<!--",
    "-->",
    '<p class="a',
    '">',
    "</span>",
    "&nbsp;",
    "??",
    "?\r",
    "\ufffd",
    "鄉",
    "(xiāng)",
    "\n",
    "\n\n",
    "\r\n",
    "　　",
    " ",
    "。",
    "，",
    "：",
    "…",
    ".",
    "1、",
    "(二)",
    "第三条",
    "一是",
    "●",
    "a)",
    "A.",
    "围。",
    "在贫困户家中包保干部帮助贫困户打扫卫生擦玻璃",
    "Informa-",
    "lazy",
    "）",
    "“",
]
documents = st.one_of(
    st.text(alphabet=characters, max_size=80),
    st.lists(st.sampled_from(NOISY_PIECES), max_size=25).map("".join),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(documents, max_size=5), st.booleans())
def test_lines_and_paragraphs_in_one_pass_equal_two_calls(texts: list[str], rejoin: bool) -> None:
    lines, paragraphs = segment_lines_and_paragraphs(iter(texts), rejoin)
    separate_calls = (segment_many(texts, "line"), segment_many(texts, "paragraph", rejoin))
    for one_pass, separate in zip((lines, paragraphs), separate_calls):
        assert one_pass.spans.dtype == separate.spans.dtype == np.int64
        assert one_pass.doc_offsets.dtype == np.int64
        assert np.array_equal(one_pass.spans, separate.spans)
        assert np.array_equal(one_pass.doc_offsets, separate.doc_offsets)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(documents, max_size=5), st.data())
def test_sentences_within_some_paragraphs_equal_the_batchs(texts: list[str], data: st.DataObject) -> None:
    paragraphs = segment_many(texts, "paragraph")
    sentences = segment_many(texts, "sentence")
    n = len(paragraphs.spans)
    chosen = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    doc, spans = paragraphs.doc_ids()[chosen], paragraphs.spans[chosen].reshape(-1, 2)
    got_doc, got_spans = sentences_within(texts, doc, spans)
    # The batch's sentences that lie inside a chosen paragraph, in order.
    inside = [
        (d, a, b)
        for d, (a, b) in zip(sentences.doc_ids().tolist(), sentences.spans.tolist())
        if any(d == pd and pa <= a and b <= pb for pd, (pa, pb) in zip(doc.tolist(), spans.tolist()))
    ]
    assert got_doc.dtype == got_spans.dtype == np.int64
    assert [(d, a, b) for d, (a, b) in zip(got_doc.tolist(), got_spans.tolist())] == inside


def test_sentences_within_a_paragraph() -> None:
    text = "标题\n他说：“好。”然后走了！Mr. Li left. 3.5 km。\n尾"
    paragraphs = segment_many([text], "paragraph")
    doc, spans = sentences_within([text], np.array([0]), paragraphs.spans[1:2])
    # A "." ends a sentence before whitespace, not inside a number; closing quotes go along.
    assert doc.tolist() == [0, 0, 0, 0, 0] and [text[a:b] for a, b in spans.tolist()] == [
        "他说：“好。”",
        "然后走了！",
        "Mr.",
        "Li left.",
        "3.5 km。",
    ]


def test_lines_and_paragraphs_of_nothing() -> None:
    lines, paragraphs = segment_lines_and_paragraphs([])
    assert lines.spans.shape == paragraphs.spans.shape == (0, 2) and lines.doc_offsets.tolist() == [0]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.booleans(), max_size=40), st.data())
def test_skips_equal_a_scan(skip_list: list[bool], data: st.DataObject) -> None:
    skip = np.array(skip_list, dtype=bool)
    n = len(skip)
    positions = np.array(data.draw(st.lists(st.integers(0, n), max_size=10)), dtype=np.int64)
    forward = [next((i for i in range(p, n) if not skip[i]), n) for p in positions.tolist()]
    backward = [next((i + 1 for i in range(p - 1, -1, -1) if not skip[i]), 0) for p in positions.tolist()]
    assert _skip_forward(skip, positions).tolist() == forward
    assert _skip_backward(skip, positions).tolist() == backward


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 2), max_size=40), st.data())
def test_range_sums_equal_slice_sums(weight_list: list[int], data: st.DataObject) -> None:
    weights = np.array(weight_list, dtype=np.uint8)
    n = len(weights)
    ranges = data.draw(st.lists(st.tuples(st.integers(0, n), st.integers(0, n)).map(sorted), max_size=10))
    starts = np.array([a for a, _ in ranges], dtype=np.int64)
    ends = np.array([b for _, b in ranges], dtype=np.int64)
    sums = _range_sums(weights, starts, ends)
    assert sums.dtype == np.int64
    assert sums.tolist() == [int(weights[a:b].sum()) for a, b in ranges]


def reference_sentence_ends(flags: np.ndarray) -> np.ndarray:
    """Every character looked at: a term, or a period before whitespace or (not after a
    digit) before a wide character."""
    from dedup.segment.chars import _BREAK, _DIGIT, _PERIOD, _TERM, _WIDE, _WS

    ends = []
    for i, flag in enumerate(flags.tolist()):
        following = flags[i + 1] if i + 1 < len(flags) else _WS
        preceding = flags[i - 1] if i > 0 else 0
        period_end = bool(flag & _PERIOD) and (
            bool(following & (_WS | _BREAK)) or (bool(following & _WIDE) and not preceding & _DIGIT)
        )
        ends.append(bool(flag & _TERM) or period_end)
    return np.array(ends, dtype=bool)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(characters, st.sampled_from(list(".．﹒1１a文 \n。"))), max_size=40))
def test_sentence_ends_and_line_breaks_equal_a_scan(text: str) -> None:
    codepoints = _codepoints(text)
    flags = _flags()[codepoints]
    assert np.array_equal(_sentence_ends(flags), reference_sentence_ends(flags))
    breaks = "\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
    expected = [i for i, c in enumerate(text) if c in breaks or (c == "\r" and text[i + 1 : i + 2] != "\n")]
    assert _line_breaks(codepoints, flags).tolist() == expected


@pytest.mark.skipif(layout._kernels is None, reason="needs the compiled kernel")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.text(alphabet=st.one_of(characters, st.sampled_from(list("..．1１a文 　\t\n。：，”(ā)<b>"))), max_size=60),
        min_size=1,
        max_size=5,
    )
)
def test_line_features_of_the_kernel_are_those_of_the_array_passes(texts: list[str]) -> None:
    """The compiled pass over each line's characters gives every feature the array passes over the batch give
    (indents and widths in columns, punctuation, a leading fragment), noise, wide characters and periods at a
    line's or the batch's edges included."""
    batch = _batch(texts)
    made = layout._line_features(batch.text, batch.flags, batch.noise, batch.lines)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(layout, "_kernels", None)
        expected = layout._line_features(batch.text, batch.flags, batch.noise, batch.lines)
    for field in dataclasses.fields(made):
        assert np.array_equal(getattr(made, field.name), getattr(expected, field.name)), field.name


def test_line_features_on_a_small_case() -> None:
    """Columns (a wide character 2), punctuation (a period ends a sentence before whitespace, the batch's end or a
    wide character not after a digit) and a leading fragment (a sentence end in a line's first three characters)."""
    lines = ["价格1.5亿", "共1.文", "共a.文", "ab.cd", "ab. cd", "围。后面的话", "一二三。", "  文a", "末尾."]
    batch = _batch(["\n".join(lines)])
    made = layout._line_features(batch.text, batch.flags, batch.noise, batch.lines)
    assert made.width.tolist() == [9, 6, 6, 5, 6, 12, 8, 5, 5]
    assert made.indented.tolist() == [False] * 7 + [True, False]
    assert made.has_punct.tolist() == [False, False, True, False, True, True, True, False, True]
    assert made.inside_sentence.tolist() == [False, False, False, False, True, True, False, False, False]


def test_every_character_a_list_marker_starts_with_is_flagged() -> None:
    flags = _flags()
    suffixes = ["", " ", "x", "1", "1)", "1、", "、", ".", ". ", "．", ")", "）", "]", "】", "是x", "要x", "章"]
    suffixes += ["一)", "a)"]
    for cp in range(0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        char = chr(cp)
        if any(_LIST_MARKER.match(char + suffix) for suffix in suffixes):
            assert _has(flags[cp], _LIST_FIRST), char


LIST_PIECES = [*NOISY_PIECES, "1.", "1. ", "ⅲ", "（十二）", "第5章", "①", "—", "x"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(LIST_PIECES), max_size=20).map("".join))
def test_list_starts_equal_matching_everywhere(text: str) -> None:
    flags = _flags()[_codepoints(text)]
    starts = np.arange(len(text), dtype=np.int64)
    expected = [_LIST_MARKER.match(text, i) is not None for i in range(len(text))]
    assert _list_starts(text, flags, starts).tolist() == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(documents, max_size=5))
def test_noise_mask_equals_the_noise_of_each_document(texts: list[str]) -> None:
    doc_starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]]).astype(np.int64)[: len(texts)]
    n = max(sum(len(t) + 1 for t in texts) - 1, 0)
    expected = np.zeros(n, dtype=bool)
    for text, start in zip(texts, doc_starts.tolist()):
        for a, b in noise_spans(text)[0].tolist():
            expected[start + a : start + b] = True
    joined = "\n".join(texts)
    assert np.array_equal(_noise_mask(joined, doc_starts, _codepoints(joined)), expected)
