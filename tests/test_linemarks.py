"""Slot masking of the line table (dedup.linemarks.mask_slots) in arrays, and the shapes of headings
(dedup.linemarks.heading_marks) searched where the literal prefilter leaves them, against their definitions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dedup import linemarks as lines
from dedup.sourcecode import code_candidates


def _by_regex(nfkc_lines: list[str]) -> list[str]:
    """The definition: quoted names → a, Latin/alphanumeric tokens with a letter → a, digit runs → 0."""
    joined = lines._QUOTED.sub("a", "\n".join(nfkc_lines))
    joined = lines._TOKEN.sub(lambda m: "a" if lines._HAS_LETTER.search(m.group()) else m.group(), joined)
    return lines._DIGITS.sub("0", joined).split("\n")


# Latin, digits of several scripts (ASCII, Arabic-Indic, full-width, an astral mathematical one),
# token punctuation, quotes, CJK, an emoji, a lone surrogate.
ALPHABET = "ab_Z@.-09١٢３𝟘“”\"' 新闻😀\ud800"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET, max_size=25), max_size=6))
@example(["abc123 x 12.5 ١٢3 foo@bar.com -- 3-4", "", "纯中文１２３", "a_b 99", "𝟎𝟏 x 😀1"])
@example(["“某某”说", "-1", "@", ""])
def test_masking_in_arrays_equals_the_regular_expressions(texts: list[str]) -> None:
    """The compiled kernel and the numpy arrays (``dedup.arrays.collapse_runs``) mask as the regexes define."""
    from unittest import mock

    from dedup import arrays

    expected = _by_regex(texts) if texts else []
    assert lines.mask_slots(texts) == expected
    with mock.patch.object(arrays, "_kernels", None), mock.patch.object(lines, "_kernels", None):
        assert lines.mask_slots(texts) == expected


_QUOTES = "“「『\"'‘”」』’"


_RUNS = st.builds(lambda c, k: c * k, st.sampled_from("a中"), st.integers(1, 45))  # names up to past 40
_PIECES = st.one_of(st.sampled_from(list(_QUOTES + "\n 新😀，,.…")), _RUNS)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=12))
@example(["“", "a" * 40, "”"])  # a name of 40 characters: masked
@example(["“", "a" * 41, "”"])  # of 41: kept
@example(["“", "”"])  # of none: kept
@example(["'", "a", "'", "a", "'"])  # a closer that also opens: the scan resumes after the first name
@example(["“", "a", "“", "a", "”"])  # an opener inside: the first opener starts none, the second does
@example(["「", "a", "\n", "」"])  # no name across lines
@example(["“", "别担心，", "”", "米洛斯说"])  # speech, not a name: kept
@example(["“", "a.a", "”"])  # a full stop may be part of a name: masked
def test_quoted_names_by_the_kernel_are_the_regular_expressions(pieces: list[str]) -> None:
    """The kernel's scan (``dedup.linemarks._without_quoted_names``) replaces what ``_QUOTED.sub`` replaces: names of
    1 to 40 characters, each quote opening, closing or both, names next to one another and openers that start
    none."""
    if lines._kernels is None:
        pytest.skip("the compiled kernel was not built")
    text = "".join(pieces)
    got = lines._without_quoted_names(text).tobytes().decode("utf-32-le", "surrogatepass")
    assert got == lines._QUOTED.sub("a", text)
    assert set(lines._CLOSERS_OF_NAMES) <= set(lines._NOT_IN_NAMES)  # what the kernel's one candidate run needs


_HEADING_PIECES = ["<b>", "&nbsp;", "第3期", "Vol.", "ＶＯＬ", " | ", "/", "年", "。", "!", "标题", " "]


@settings(max_examples=200)
@given(st.lists(st.lists(st.sampled_from(_HEADING_PIECES)).map("".join).map(str.strip), max_size=8))
def test_heading_marks_search_only_where_a_pattern_may_match(stripped: list[str]) -> None:
    """The shape of a heading and a running head's mark are those of their definition, a line at a time, with
    the literal prefilter and without it."""
    expected_plain, expected_marked = [], []
    for line in stripped:
        bare = lines._MARKUP.sub("", line).strip() if "<" in line or "&" in line else line
        plain = 0 < len(bare) <= 40 and lines._SENTENCE_END.search(bare) is None
        expected_plain.append(plain)
        expected_marked.append(plain and lines._HEAD_MARK.search(line) is not None)
    found = lines.heading_marks(stripped)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(lines, "lines_holding", lambda texts, sets: np.ones((len(sets), len(texts)), dtype=bool))
        searched = lines.heading_marks(stripped)
    for got in (found, searched):
        assert got[0].tolist() == expected_plain and got[1].tolist() == expected_marked


_PAGE_PIECES = [
    "page",
    "Page ",
    "P.",
    "p",
    "47",
    "3",
    "2018",
    " ",
    "/",
    "-",
    "—",
    "|",
    ":",
    "第",
    "页",
    "共",
    "年",
    "期",
    ",",
    "Nature",
    "标题",
    "~",
    "Ⅳ",
    "٣",  # an Arabic-Indic digit
    "３",  # a full-width one
    "𝟘",  # an astral one (mathematical double-struck zero)
    "²",  # a superscript: a digit to str.isdigit, not to \\d
    "Seite",  # page words and totals of other languages (the prefilter reads a line's first character)
    "S.",
    "S",
    "Стр.",
    "СТР",
    "Σελίδα",
    "ſ",  # a long s: the pattern ignores case, so it is an s
    "von",
    "of",
    "из",
    "z",
]


@settings(max_examples=300)
@given(st.lists(st.lists(st.sampled_from(_PAGE_PIECES), max_size=8).map("".join).map(str.strip), max_size=8))
@example(["page 4 - title", "第3页 共9页", "47", "Page 12 | Nature", "— 3 —", "3 / 20", "2018 年第 9 期 45", "page 47"])
@example(["Seite 3 von 40", "S. 12", "Стр. 3 из 40", "ſeite 3", "Σελίδα 3 | Nature", "S3", "of 3"])
def test_page_marks_are_each_pattern_matched_alone(stripped: list[str]) -> None:
    """One pattern of the two a line (:data:`dedup.linemarks._PAGE_MARK`) marks what each marks alone: they never
    match one line (so the group that matched says which)."""
    expected_number = [lines._PAGE_NUMBER.fullmatch(s) is not None for s in stripped]
    expected_head = [lines._RUNNING_HEAD.fullmatch(s) is not None for s in stripped]
    assert not any(n and h for n, h in zip(expected_number, expected_head))
    # Matched only on the lines holding a decimal digit (found by the kernel's literal pass), on every line without it,
    # and in one pass with the headings' literals.
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(lines, "lines_holding", lambda texts, sets: np.ones((len(sets), len(texts)), dtype=bool))
        unfiltered = lines.page_marks(stripped)
    together = lines.line_marks(stripped)
    for number, head in (lines.page_marks(stripped), unfiltered, together[:2]):
        assert number.tolist() == expected_number and head.tolist() == expected_head
        assert number.dtype == bool and head.dtype == bool and number.shape == head.shape == (len(stripped),)
    assert [a.tolist() for a in together[2:4]] == [a.tolist() for a in lines.heading_marks(stripped)]
    figures = [len(s) <= lines._FIGURE_CHARS and lines._NUMBER_CELL.fullmatch(s.strip()) is not None for s in stripped]
    assert together[4].tolist() == lines.figure_lines(stripped).tolist() == figures
    assert together[5].tolist() == code_candidates(stripped).tolist()
    assert together[6].tolist() == lines.ends_sentence(stripped).tolist()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("a好。!?…”）)'\"」 .\n"), max_size=8), max_size=12))
def test_sentence_ends_read_off_code_points_equal_the_definition(lines_: list[str]) -> None:
    """Closing quotes and brackets stepped over for all lines at once, as ``rstrip(_CLOSERS)`` does a line."""
    stripped = [line.strip() for line in lines_]
    assert lines.sentence_ends(stripped).tolist() == lines.ends_sentence(stripped).tolist()


def test_every_decimal_digit_is_a_literal_of_page_marks() -> None:
    """The digits the page marks' prefilter looks for are exactly the characters ``\\d`` matches."""
    import re

    digits = lines._decimal_digits()
    assert len(set(digits)) == len(digits) and all(re.fullmatch(r"\d", d) for d in digits)
    every = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000 and chr(c).isdecimal()]
    assert sorted(digits) == sorted(every) and "٣" in digits and "𝟘" in digits and "²" not in digits


_SENTENCE_PIECES = ["。", "！", "?", ";", "…", "a", "中", " ", "\t", "\u3000", "\u2028", "\x85", "\r", "」", "😀"]


@settings(max_examples=300)
@given(st.lists(st.lists(st.sampled_from(_SENTENCE_PIECES), max_size=8).map("".join), max_size=8))
@example(["", " ", "。", "a。", "。a", "a。 ", "。 \t", "\u3000。\u3000", "x。y。", "a…b ", "!\u2028", "ab;\r"])
def test_one_sentence_is_its_definition(texts: list[str]) -> None:
    """A line holds one sentence at most when no sentence end comes before its last visible character: the search up
    to that character finds what a search of the line without it (and without trailing whitespace) finds."""
    expected = [lines._SENTENCE_END.search(text.rstrip()[:-1]) is None for text in texts]
    got = lines.one_sentence(texts)
    assert got.dtype == bool and got.tolist() == expected
