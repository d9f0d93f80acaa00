"""Paragraphs alike but for a word replaced are no copies of each other alone (dedup.copies, dedup.passages)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import dedup
from dedup.copies import edited_inner, must_be_whole, whole_copies
from dedup.passages import PassageOptions

INTRO = "We offer several certification tracks for developers who want to prove their skills to employers."
OUTRO = "Each test takes about ninety minutes and can be retaken after a waiting period of two weeks."


def certification(name: str) -> str:
    return f"{name} (Basic) Skills Certification"


def test_whole_copies_by_hand() -> None:
    earlier = ["pythonbasicskillscertification", "rustbasicskills", "rbasicskills", "abcdef", "abcdef", "xyz"]
    later = ["gobasicskillscertification", "rbasicskills", "rustbasicskills", "bcd", "0abcdef1", "xyz"]
    # a word replaced; "Rust" cut to "R" and back (a piece cut from the middle is no whole copy); an excerpt;
    # the whole with text added at its ends; the same view
    assert whole_copies(earlier, later).tolist() == [False, False, False, True, True, True]
    assert whole_copies([], []).tolist() == []
    with pytest.raises(ValueError, match="2 earlier views against 1"):
        whole_copies(["a", "b"], ["a"])


def test_which_pairs_must_be_whole_by_hand() -> None:
    view_len = np.array([30, 30, 50, 50, 39], dtype=np.int64)
    doc = np.array([0, 0, 1, 2, 3], dtype=np.int64)
    pairs = np.array([[0, 1], [2, 3], [1, 2], [3, 4]], dtype=np.int64)
    # one document at any length; two documents only when one view is shorter than edit_chars
    assert must_be_whole(pairs, view_len, doc, 40).tolist() == [True, False, True, True]
    assert must_be_whole(pairs, view_len, doc, 30).tolist() == [True, False, False, False]
    whole = np.array([True, False, False, True])
    assert edited_inner(pairs, view_len, doc, 40, lambda rows: whole[rows]).tolist() == [False, False, True, False]


def _kept_lines(text: str) -> list[str]:
    (cleaned,) = dedup.clean([text])
    return cleaned.text.splitlines()


def test_a_list_of_items_alike_but_for_a_word_keeps_every_item() -> None:
    """The known limit of 2026-12-06: the items shared 20 of 25 five-grams (Jaccard 0.8) and four of eight went
    as copies of the items before them; now each is kept, and the list printed twice loses its second copy."""
    items = [certification(x) for x in ("Python", "Java", "C#", "SQL", "Go", "R", "JavaScript", "Rust")]
    text = "\n".join([INTRO, *items, OUTRO])
    assert _kept_lines(text) == text.splitlines()
    twice = "\n".join([INTRO, *items, OUTRO, *items])
    assert _kept_lines(twice) == text.splitlines()


def test_an_edited_paragraph_goes_inside_a_passage_printed_twice_not_at_its_edge() -> None:
    """An essay printed twice, its second print with a character misread in some paragraphs: inside the passage
    (between paragraphs printed the same) the edited paragraph goes with it; at its end it is a paragraph alike
    but for a word, and stays."""
    paras = [
        f"第{n}段。关于城市交通发展的评论文章讨论了公共交通、道路规划与市民出行习惯之间的关系，并提出了{k}条建议。"
        for n, k in zip("一二三四五", "三四五六七")
    ]
    misread = [p.replace("道路规划", "道路规刬") for p in paras]
    for edited in ([2], [2, 3], [4]):
        second = [misread[i] if i in edited else p for i, p in enumerate(paras)]
        text = "\n".join(["报纸第三版", *paras, "（转载）", *second])
        expected = ["报纸第三版", *paras, "（转载）"] + ([misread[4]] if 4 in edited else [])
        assert _kept_lines(text) == expected, edited


def test_short_lines_of_two_documents_alike_but_for_a_word_are_both_kept() -> None:
    first = f"{INTRO}\n{certification('Python')}\n{OUTRO}"
    second = f"Our catalogue lists one course this month, open to anyone who registers.\n{certification('Go')}"
    kept = [c.text for c in dedup.clean([first, second], cross_document=True)]
    assert kept == [first, second]
    # a long paragraph with a word replaced is still an edited reprint across documents
    long = "The city council approved the new budget on Tuesday, raising spending on schools and public transport."
    edited = long.replace("Tuesday", "Monday")
    kept = [c.text for c in dedup.clean([f"{INTRO}\n{long}", f"{OUTRO}\n{edited}"], cross_document=True)]
    assert kept == [f"{INTRO}\n{long}", f"{OUTRO}\n"]
    assert PassageOptions().edit_chars == 40


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9), min_size=2, max_size=8, unique=True),
    repeats=st.lists(st.integers(0, 7), max_size=4),
)
def test_every_distinct_item_of_a_list_is_kept(words: list[str], repeats: list[int]) -> None:
    """A list of template items with a word each, some printed again further down: every distinct line is kept
    at least once, and only the repeated items' later copies go. (Words of which one ends another make whole
    copies — ``aa…`` holds ``a…`` — and are left out: views keep no spaces to tell them apart.)"""
    assume(not any(a != b and b.endswith(a) for a in words for b in words))
    items = [certification(w.capitalize()) for w in words]
    again = [items[r % len(items)] for r in repeats]
    text = "\n".join([INTRO, *items, OUTRO, *again])
    kept = _kept_lines(text)
    assert set(kept) == set(text.splitlines())
    assert kept[: len(items) + 2] == [INTRO, *items, OUTRO]


def test_against_an_index_a_short_line_goes_only_when_every_ngram_is_held(tmp_path: Path) -> None:
    """A saved index holds ``Python …`` and ``Java …``: a new page's ``Java …`` goes as held by it, its ``Go …``
    (20 of 22 five-grams held: 0.91 ≥ the containment 0.9) stays; a long paragraph is still cut at 0.9."""
    from dedup import Index

    long = "The city council approved the new budget on Tuesday, raising spending on schools and public transport."
    old = "\n".join([INTRO, certification("Python"), certification("Java"), long, OUTRO])
    with Index.create(tmp_path / "old.idx") as index:
        index.add([old], ids=["old"])
        edited = long.replace("Tuesday", "Monday")  # 88 of 95 five-grams held
        new = "\n".join(["A new page about something else entirely, written for this test.", certification("Go")])
        new += "\n" + "\n".join([certification("Java"), edited])
        (cleaned,) = dedup.clean([new], against=index)
    assert cleaned.text.splitlines() == [
        "A new page about something else entirely, written for this test.",
        certification("Go"),
    ]
    assert [(r.text, r.held_by) for r in cleaned.removed] == [(f"{certification('Java')}\n{edited}", "old")]
