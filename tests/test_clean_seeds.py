"""Acceptance on the five seed documents: what clean() must drop and keep, line by line."""

from __future__ import annotations

import re

import pytest

import dedup
from dedup import Span

SEED_000 = "000_3c5c44154466b012.txt"
SEED_001 = "001_fb7cc540305de1b5.txt"
SEED_002 = "002_e0c37a3b3045e9a1.txt"
SEED_003 = "003_0342fd9d610ce340.txt"
SEED_004 = "004_468902900ce303d9.txt"

PINYIN_ANNOTATION = re.compile(r"[\u3400-\u9fff][(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿ]+[)）]")
# Any bracketed toned syllable, also after a garbled character (``遽t(yī)``, ``)^(qū)``).
TONED_ANNOTATION = re.compile(r"[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ][a-zü]*[)）]")


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def cleaned(text: str) -> dedup.Cleaned:
    (result,) = dedup.clean([text])
    assert dedup.restore(result) == text
    return result


def assert_kept_whole(original: str, result: dedup.Cleaned, dropped: set[int]) -> None:
    """Every non-blank original line (1-based numbers) not in ``dropped`` is a whole line of the result."""
    kept_lines = result.text.splitlines()
    counts: dict[str, int] = {}
    for line in (line.strip() for line in kept_lines):
        counts[line] = counts.get(line, 0) + 1
    for number, line in enumerate(original.splitlines(), start=1):
        if line.strip() and number not in dropped:
            assert counts.get(line.strip(), 0) >= 1, f"line {number} lost: {line[:40]}"


def test_000_keeps_the_essay_once_the_list_item_once_and_drops_the_stray_fragment(seed_texts: dict[str, str]) -> None:
    text = seed_texts[SEED_000]
    original = text.splitlines()
    result = cleaned(text)
    out = lines(result.text)
    essay_first, essay_second = range(153, 174), range(179, 200)
    for number in essay_first:
        line = original[number - 1].strip()
        if line:
            assert out.count(line) == 1, f"essay line {number}"
    list_item = original[139 - 1].strip()
    assert list_item.startswith("4、尚未形成") and out.count(list_item) == 1
    assert "土地资源浪费。" not in out
    assert "导致土地资源浪费。" in result.text  # the paragraph it repeats stays whole
    dropped = {141, 143} | {n for n in essay_second if original[n - 1].strip()}
    assert_kept_whole(text, result, dropped)
    assert {r.reason for r in result.removed} == {"duplicate"}


def test_000_repeated_passages_cover_both_copies_of_the_essay(seed_texts: dict[str, str]) -> None:
    text = seed_texts[SEED_000]
    starts = [sum(len(line) + 1 for line in text.split("\n")[: n - 1]) for n in (153, 179)]
    clusters = dedup.find_repeated_passages([text])
    essay = [c for c in clusters if any(s.start == starts[0] for s in c.spans)]
    assert len(essay) == 1
    first, second = essay[0].spans
    assert (first.doc, first.start) == (0, starts[0]) and (second.doc, second.start) == (0, starts[1])
    last_line = "(作者系金寨县张冲乡人民政府乡长)"
    assert text[first.start : first.end].endswith(last_line) and text[second.start : second.end].endswith(last_line)
    assert text[first.start : first.end] == text[second.start : second.end]


def test_002_drops_template_lines_and_markers_and_keeps_content(seed_texts: dict[str, str]) -> None:
    text = seed_texts[SEED_002]
    original = text.splitlines()
    result = cleaned(text)
    dropped = {3, 4, 59, 60}
    assert "会员" in original[3 - 1] and "会员" in original[59 - 1]
    assert original[4 - 1] == original[60 - 1] == "【正文】"
    out = lines(result.text)
    assert "【正文】" not in out and not any("为你整理了这篇" in line for line in out)
    assert_kept_whole(text, result, dropped)
    kinds = {(r.reason, r.kind) for r in result.removed}
    assert kinds <= {("boilerplate", "template"), ("boilerplate", "marker"), ("duplicate", "passage")}


def test_004_drops_page_furniture_and_keeps_the_columns(seed_texts: dict[str, str]) -> None:
    text = seed_texts[SEED_004]
    result = cleaned(text)
    assert_kept_whole(text, result, {1, 2, 3, 45})
    out = lines(result.text)
    for furniture in [
        "Page 47 - 实践党的教育版2018年9期",
        "P. 47",
        "打赢精准脱贫攻坚战——奋斗在一线 / 实践探索",
        "2018 年第 9 期 45",
    ]:
        assert furniture not in out
    assert {r.kind for r in result.removed} == {"page-number", "running-head"}


@pytest.mark.parametrize("name", [SEED_001, SEED_003])
def test_001_003_keep_no_pinyin_and_no_html(seed_texts: dict[str, str], name: str) -> None:
    text = seed_texts[name]
    assert PINYIN_ANNOTATION.search(text)
    result = cleaned(text)
    assert not PINYIN_ANNOTATION.search(result.text)
    assert not TONED_ANNOTATION.search(result.text)
    assert "</span>" not in result.text and "<span" not in result.text
    noise = [r for r in result.removed if r.reason == "noise"]
    assert noise and all(
        TONED_ANNOTATION.fullmatch(r.text) or "<" in r.text or "?" in r.text or "\ufffd" in r.text for r in noise
    )


def test_all_seeds_together_restore_exactly(seed_texts: dict[str, str]) -> None:
    texts = list(seed_texts.values())
    for cross in (False, True):
        results = dedup.clean(texts, cross_document=cross)
        assert [dedup.restore(r) for r in results] == texts


def test_span_is_exported() -> None:
    assert dedup.Span(0, 1, 2) == Span(0, 1, 2)
