"""The removal model: resolve overlapping cuts, apply them, restore the original."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.removals import REASONS, Cleaned, Cut, Removal, apply_cuts, resolve, resolve_many, restore, strengths
from dedup.spans import expand_spans_to_lines, expand_to_lines, last_visible


def test_apply_and_restore_small_case() -> None:
    text = "页眉\n正文一段。\n页码 3\n"
    cleaned = apply_cuts(
        text,
        resolve(len(text), [Cut(0, 3, "boilerplate", 0, "running-head"), Cut(9, 14, "boilerplate", 1, "page-number")]),
    )
    assert cleaned.text == "正文一段。\n"
    assert cleaned.removed == (
        Removal(0, 3, "boilerplate", 0, "页眉\n", "running-head"),
        Removal(9, 14, "boilerplate", 1, "页码 3\n", "page-number"),
    )
    assert cleaned.removed_chars == 8
    assert restore(cleaned) == text


def test_stronger_reason_wins_overlaps_and_equal_neighbours_merge() -> None:
    cuts = [
        Cut(2, 6, "noise", None, "pinyin"),
        Cut(4, 10, "duplicate", 7, "repeat"),
        Cut(10, 12, "duplicate", 7, "repeat"),
        Cut(12, 14, "duplicate", 8, "repeat"),
        Cut(20, 22, "boilerplate", 1),
        Cut(21, 25, "noise"),
    ]
    got = resolve(30, cuts)
    assert got == [
        Cut(2, 4, "noise", None, "pinyin"),
        Cut(4, 12, "duplicate", 7, "repeat"),
        Cut(12, 14, "duplicate", 8, "repeat"),
        Cut(20, 22, "boilerplate", 1),
        Cut(22, 25, "noise"),
    ]


def test_boilerplate_inside_a_passage_goes_as_boilerplate_a_duplicate_document_takes_all() -> None:
    """A line of a repeated passage that goes as its document's boilerplate, or its inline noise, says so: the
    passage's earlier copy need not keep it. A whole duplicate document owns all of its own."""
    passage = Cut(0, 30, "duplicate", 4, "passage")
    line = Cut(10, 20, "boilerplate", 9, "page-furniture")
    assert resolve(30, [passage, line, Cut(25, 28, "noise", None, "html_tag")]) == [
        Cut(0, 10, "duplicate", 4, "passage"),
        Cut(10, 20, "boilerplate", 9, "page-furniture"),
        Cut(20, 25, "duplicate", 4, "passage"),
        Cut(25, 28, "noise", None, "html_tag"),
        Cut(28, 30, "duplicate", 4, "passage"),
    ]
    assert resolve(30, [line, Cut(0, 30, "duplicate", 2, "document")]) == [Cut(0, 30, "duplicate", 2, "document")]
    codes = np.array([REASONS.index(r) for r in ("noise", "boilerplate", "duplicate", "duplicate")])
    order = strengths(codes, np.array([False, False, False, True])).tolist()
    assert order[3] < order[0] < order[1] < order[2]  # passage < noise < boilerplate < document
    assert strengths(codes, np.array([True, True, False, True])).tolist()[:2] == order[:2]  # only duplicates


def test_cuts_are_clipped_and_empty_ones_dropped() -> None:
    assert resolve(5, [Cut(-3, 2, "noise"), Cut(4, 99, "noise", None, "x"), Cut(3, 3, "duplicate")]) == [
        Cut(0, 2, "noise"),
        Cut(4, 5, "noise", None, "x"),
    ]
    assert resolve(0, [Cut(0, 4, "noise")]) == []
    assert restore(Cleaned("abc")) == "abc"


cut_strategy = st.builds(
    Cut,
    start=st.integers(-5, 60),
    end=st.integers(-5, 60),
    reason=st.sampled_from(["noise", "boilerplate", "duplicate"]),
    ref=st.one_of(st.none(), st.integers(0, 3)),
    kind=st.one_of(st.none(), st.sampled_from(["a", "passage"])),
)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=50), cuts=st.lists(cut_strategy, max_size=8))
def test_restore_is_exact_and_removals_are_sorted_disjoint_subsequence(text: str, cuts: list[Cut]) -> None:
    resolved = resolve(len(text), cuts)
    cleaned = apply_cuts(text, resolved)
    assert restore(cleaned) == text
    covered = {i for c in cuts for i in range(max(c.start, 0), min(c.end, len(text)))}
    assert {i for r in cleaned.removed for i in range(r.start, r.end)} == covered
    previous_end = 0
    for r in cleaned.removed:
        assert previous_end <= r.start < r.end <= len(text)
        assert r.text == text[r.start : r.end]
        previous_end = r.end
    kept = iter(text)
    assert all(ch in kept for ch in cleaned.text)  # cleaned text is a subsequence of the original
    assert len(cleaned.text) + cleaned.removed_chars == len(text)


def _resolved_many(lengths: list[int], proposals: list[tuple[int, Cut]]) -> list[tuple[int, Cut]]:
    """:func:`resolve_many` of ``(document, cut)`` proposals, back as cuts."""
    labels: dict[tuple[object, ...], int] = {}
    rows = [
        (
            d,
            c.start,
            c.end,
            REASONS.index(c.reason),
            labels.setdefault((c.reason, c.ref, c.kind, c.held_by), len(labels)),
        )
        for d, c in proposals
    ]
    doc, start, end, reason, label = np.array(rows, dtype=np.int64).reshape(-1, 5).T
    strength = strengths(reason, np.array([c.kind == "passage" for _, c in proposals], dtype=bool))
    doc, start, end, label = resolve_many(np.array(lengths, dtype=np.int64), doc, start, end, strength, label)
    named = list(labels)
    return [(d, Cut(s, e, *named[k])) for d, s, e, k in zip(*(a.tolist() for a in (doc, start, end, label)))]  # type: ignore[misc]


def test_many_documents_resolve_at_once_small_case() -> None:
    proposals = [
        (1, Cut(0, 4, "noise", None, "pinyin")),
        (0, Cut(2, 6, "noise", None, "pinyin")),
        (1, Cut(2, 9, "boilerplate", 3, "recurring")),
        (0, Cut(4, 10, "duplicate", 7, "repeat")),
        (0, Cut(10, 12, "duplicate", 7, "repeat")),
        (1, Cut(5, 8, "boilerplate", 3, "recurring")),
    ]
    assert _resolved_many([30, 8], proposals) == [
        (0, Cut(2, 4, "noise", None, "pinyin")),
        (0, Cut(4, 12, "duplicate", 7, "repeat")),
        (1, Cut(0, 2, "noise", None, "pinyin")),
        (1, Cut(2, 8, "boilerplate", 3, "recurring")),  # clipped to the document, the two cuts merged
    ]
    assert _resolved_many([3], []) == [] and _resolved_many([0, 2], [(0, Cut(0, 4, "noise"))]) == []


@settings(max_examples=300, deadline=None)
@given(
    lengths=st.lists(st.integers(0, 50), min_size=1, max_size=4),
    proposals=st.lists(st.tuples(st.integers(0, 3), cut_strategy), max_size=16),
)
def test_resolving_many_documents_at_once_equals_one_by_one(
    lengths: list[int], proposals: list[tuple[int, Cut]]
) -> None:
    """Documents' proposals interleaved in the arrays, each document's in its order: as painting each
    document's characters one by one (:func:`_painted`), and as :func:`resolve` of each."""
    proposals = [(d % len(lengths), c) for d, c in proposals]
    expected = [
        (d, cut) for d, length in enumerate(lengths) for cut in _painted(length, [c for e, c in proposals if e == d])
    ]
    assert _resolved_many(lengths, proposals) == expected
    one_by_one = [(d, cut) for d, n in enumerate(lengths) for cut in resolve(n, [c for e, c in proposals if e == d])]
    assert one_by_one == expected


def _painted(length: int, cuts: list[Cut]) -> list[Cut]:
    """The rule :func:`resolve` follows, a character at a time (what it did before it worked on boundaries):
    every character to the strongest cut covering it (ties: the first proposed), runs of equal labels merged."""
    valid = [c for c in cuts if min(c.end, length) > max(c.start, 0)]
    if not valid:
        return []
    owner = np.full(length, -1, dtype=np.int64)
    # Paint weakest first — a repeated passage, noise, boilerplate, a duplicate document —; among equals, later cuts
    # first so the first proposed wins.
    rank = {"noise": 1, "boilerplate": 2, "duplicate": 3}
    demoted = [c.reason == "duplicate" and c.kind == "passage" for c in valid]
    for i in sorted(range(len(valid)), key=lambda i: (rank[valid[i].reason] - 3 * demoted[i], -i)):
        owner[max(valid[i].start, 0) : min(valid[i].end, length)] = i
    labels = [(c.reason, c.ref, c.kind, c.held_by) for c in valid]
    label_id = {label: k for k, label in enumerate(dict.fromkeys(labels))}
    run_label = np.where(owner >= 0, np.array([label_id[lab] for lab in labels])[owner], -1)
    change = np.flatnonzero(np.diff(run_label)) + 1
    starts, ends = np.concatenate(([0], change)), np.concatenate((change, [length]))
    return [Cut(int(s), int(e), *labels[int(owner[s])]) for s, e in zip(starts, ends) if run_label[s] >= 0]  # type: ignore[arg-type]


def test_expand_to_lines_small_cases() -> None:
    text = "  标题\n正文 一段\n\u3000尾行 \r\n\n下一行"
    assert expand_to_lines(text, 2, 4) == (0, 5)  # the indentation and the line break go with it
    assert expand_to_lines(text, 5, 7) == (5, 7)  # shares its line with "一段"
    assert expand_to_lines(text, 12, 14) == (11, 18)  # "\u3000" before, " \r\n\n" after
    assert expand_to_lines(text, 18, 21) == (18, 21)  # the last line, to the end
    assert expand_to_lines("a\r", 0, 1) == (0, 1)  # a lone "\r" is not a line break
    # Blank lines after a line go with it, whatever blanks they hold; text after its break stops it.
    texts = ["a\n\u3000\nb", "a\n \r\nb", "a\n\r\nb", "a\n\tb", "a\n\n", "a\nb"]
    got = expand_spans_to_lines(texts, np.arange(6), np.zeros(6, np.int64), np.ones(6, np.int64))
    assert list(zip(*(g.tolist() for g in got))) == [(0, 4), (0, 5), (0, 4), (0, 2), (0, 3), (0, 2)]


_line_texts = st.lists(st.text(alphabet="ab \t\u3000\n\r\x0b\u2028", max_size=30), min_size=1, max_size=5)


def _line_spans(texts: list[str]) -> list[tuple[int, int, int]]:
    """Every line's text without its surrounding whitespace, as segmentation gives lines."""
    rows = []
    for d, text in enumerate(texts):
        at = 0
        for line in text.split("\n"):
            if line.strip():
                lead = len(line) - len(line.lstrip())
                rows.append((d, at + lead, at + len(line.rstrip())))
            at += len(line) + 1
    return rows


_picks = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 30), st.integers(0, 30)))


def _spans(texts: list[str], picks: list[tuple[int, int, int]]) -> tuple[list[tuple[int, int, int]], ...]:
    """Every line's span and spans picked anywhere, as rows and as the three int64 columns."""
    sizes = [len(t) + 1 for t in texts]
    rows = _line_spans(texts) + [
        (d % len(texts), *sorted((a % sizes[d % len(texts)], b % sizes[d % len(texts)]))) for d, a, b in picks
    ]
    return rows, *(np.array([r[j] for r in rows], dtype=np.int64) for j in range(3))


@settings(max_examples=300, deadline=None)
@given(texts=_line_texts, picks=_picks)
def test_expand_spans_to_lines_is_expand_to_lines_of_each(texts: list[str], picks: list[tuple[int, int, int]]) -> None:
    rows, doc, start, end = _spans(texts, picks)
    got_start, got_end = expand_spans_to_lines(texts, doc, start, end)
    want = [expand_to_lines(texts[d], s, e) for d, s, e in rows]
    assert list(zip(got_start.tolist(), got_end.tolist())) == want


@settings(max_examples=200, deadline=None)
@given(texts=_line_texts, picks=_picks)
def test_last_visible_is_what_rstrip_ends_with(texts: list[str], picks: list[tuple[int, int, int]]) -> None:
    rows, doc, start, end = _spans(texts, picks)
    want = [ord(texts[d][s:e].rstrip()[-1]) if texts[d][s:e].strip() else 0 for d, s, e in rows]
    assert last_visible(texts, doc, start, end).tolist() == want


@settings(max_examples=100)
@given(
    st.integers(0, 50),
    st.integers(0, 50),
    st.sampled_from(REASONS),
    st.none() | st.integers(-1, 5),
    st.text(max_size=5),
    st.none() | st.sampled_from(["repeat", "template", "pinyin"]),
    st.none() | st.text(max_size=3),
)
def test_removals_made_without_init_are_the_dataclass(
    start: int, end: int, reason: str, ref: int | None, text: str, kind: str | None, held_by: str | None
) -> None:
    """``cut_spans`` fills each Removal's fields without the frozen dataclass's ``__init__``: the value, its hash,
    its repr, its dict and its round trip are the dataclass's, and the fields it fills are the dataclass's, in order."""
    import dataclasses
    import inspect

    from dedup import removals

    assert removals._REMOVAL_FIELDS == tuple(f.name for f in dataclasses.fields(Removal))
    assert tuple(inspect.signature(removals._removal).parameters) == removals._REMOVAL_FIELDS
    made = removals._removal(start, end, reason, ref, text, kind, held_by)
    expected = Removal(start, end, reason, ref, text, kind, held_by)
    assert type(made) is Removal and made == expected and hash(made) == hash(expected)
    assert repr(made) == repr(expected) and vars(made) == vars(expected)
    assert Removal.from_dict(made.to_dict()) == expected
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.start = 1  # type: ignore[misc]
