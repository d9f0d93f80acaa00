"""The literal prefilter (dedup.literals): the literals read off a pattern, and the compiled pass that finds them."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup import linemarks, literals
from dedup.arrays import compiled
from dedup.literals import _literal_tables, lines_holding, required_literals
from dedup.webpage import furniture
from dedup.webpage.words import breadcrumb_pattern, copyright_pattern

needs_kernel = pytest.mark.skipif(not compiled(), reason="dedup built without its compiled kernel")


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?:19|20)\d{2}年|\d{1,2}:\d{2}", ("年", ":")),  # "年" outweighs "19" or "20"
        (r"(?:19|20)\d{2}-|\d{1,2}:\d{2}", ("19", "20", ":")),
        (r"copyright|版权所有|©", ("©", "copyright", "版权所有")),
        (r"^\W*(?:分享到|share (?:this|on)|share:)", ("share on", "share this", "share:", "分享到")),
        (r"\.{3,}|…+", ("...", "…")),  # three dots at least
        (r"[ab]cd", ("acd", "bcd")),  # a small class runs into the literal
        (r"a(?=b)b", ("ab",)),  # a lookahead consumes nothing: "a" and "b" stay adjacent
        (r"posted(?: by)?\s*:", ("posted",)),  # the optional part adds nothing; "posted" outweighs ":"
        (r"(?:上一篇|下一篇)\s*[:：]", ("上一篇", "下一篇")),  # three CJK characters outweigh an ASCII colon
        (r"by|posted by", ("by",)),  # a literal holding another of the set adds nothing
        (r"(?i)版权|©", ("©", "版权")),  # ignoring case: characters without case are literals still
        (r"(?i)vol\.|第\s*\d期", (".", "第")),  # "vol" is matched in any case, "." and "第" as they are
        (r"(?i:ab)c", ("c",)),
    ],
)
def test_required_literals_of_small_patterns(pattern: str, expected: tuple[str, ...]) -> None:
    assert required_literals(re.compile(pattern)) == tuple(sorted(expected))


@pytest.mark.parametrize(
    "pattern",
    [r"\d+", r"\w{2,}", r"(?:abc)?x?", r"abc|\d", r"(?i)copyright", r"(?i:abc)", r"."],
)
def test_patterns_whose_matches_need_no_literal_have_none(pattern: str) -> None:
    """A match may hold no fixed string (digits, word characters, optional parts, a branch without one), or
    case is ignored: no set, the pattern is searched on every line."""
    assert required_literals(re.compile(pattern)) is None


# The furniture patterns of dedup.webpage.features and dedup.webpage.words, with their literal sets.
_PATTERNS = [
    pattern
    for pattern in (
        *furniture._SEARCHED.values(),
        copyright_pattern(),
        breadcrumb_pattern(),
        *(linemarks._HEAD_MARK, linemarks._RUNNING_HEAD, linemarks._SENTENCE_END),  # the first two ignore case
    )
    if required_literals(pattern) is not None
]


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data(), which=st.integers(0, len(_PATTERNS) - 1))
def test_every_match_holds_a_literal_of_its_pattern(data: st.DataObject, which: int) -> None:
    """Strings holding a match of a furniture pattern (hypothesis builds them from the pattern) hold one of
    its literals, and the compiled pass finds it there."""
    pattern = _PATTERNS[which]
    text = data.draw(st.from_regex(pattern).filter(lambda s: "\n" not in s))
    found = required_literals(pattern)
    assert found is not None
    assert pattern.search(text) is not None
    assert any(literal in text for literal in found)
    if compiled():
        assert lines_holding([text], [found]).tolist() == [[True]]


line = st.text(alphabet="ab版权©\U0002070e 12:", max_size=12).filter(lambda s: "\n" not in s)
literal = st.text(alphabet="ab版权©\U0002070e 12:\n", min_size=1, max_size=3)  # "\n" would join two lines


@needs_kernel
@settings(max_examples=300)
@given(
    lines=st.lists(line, max_size=8),
    sets=st.lists(st.one_of(st.none(), st.lists(literal, max_size=4)), min_size=1, max_size=4),
)
def test_lines_holding_is_a_substring_test_of_each_line(lines: list[str], sets: list[list[str] | None]) -> None:
    """Line ``i`` holds set ``k`` when one of its literals is a substring of the line (never across the line's
    end into the next one); None, or a set holding the empty string, holds everywhere."""
    got = lines_holding(lines, sets)
    expected = [[s is None or "" in s or any(lit in text for lit in s) for text in lines] for s in sets]
    assert got.tolist() == expected


@needs_kernel
def test_lines_holding_on_a_small_case() -> None:
    lines = ["the copyright line", "ab", "b", "", "2019年 12:30"]
    sets = [("copyright", "©"), ("ab\nb", "b\n"), ("19", ":"), None]
    assert lines_holding(lines, sets).astype(int).tolist() == [
        [1, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],  # each literal would only join two lines
        [0, 0, 0, 0, 1],
        [1, 1, 1, 1, 1],
    ]


def test_without_the_kernel_every_line_is_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(literals, "_kernels", None)
    assert lines_holding(["x", "y"], [("z",), ("x",)]).all()


@needs_kernel
def test_the_kernel_refuses_literals_out_of_its_order() -> None:
    """The kernel's binary search relies on the order :func:`_literal_tables` gives, its loop on lines within the
    code points: it checks both."""
    first_index, first_at, cps, literal_at, literal_set = _literal_tables((("ab", "ac", "a"),))
    swapped = cps.copy()
    swapped[[2, 4]] = swapped[[4, 2]]  # "ab", "ac" as "ac", "ab": second code points out of order
    cp = np.frombuffer("xab".encode("utf-32-le"), dtype=np.uint32)
    out = np.zeros((1, 1), dtype=np.uint8)
    starts, ends = np.array([0]), np.array([3])
    literals._kernels.literal_lines(cp, starts, ends, first_index, first_at, cps, literal_at, literal_set, out)
    assert out.tolist() == [[1]]
    with pytest.raises(ValueError, match="not indexed"):
        literals._kernels.literal_lines(cp, starts, ends, first_index, first_at, swapped, literal_at, literal_set, out)
    with pytest.raises(ValueError, match="a line out of range"):
        literals._kernels.literal_lines(cp, starts, ends + 1, first_index, first_at, cps, literal_at, literal_set, out)
