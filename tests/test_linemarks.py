"""Slot masking of the line table (dedup.linemarks.mask_slots) in arrays, against its regular-expression definition."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from dedup import linemarks as lines


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
    with mock.patch.object(arrays, "_kernels", None):
        assert lines.mask_slots(texts) == expected
