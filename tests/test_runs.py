"""Passage runs merged apart, by pairs of documents in any order, equal the runs of one call, and their copies' regions
merged apart by documents equal one merge's (dedup.runs)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.runs import (
    FRAGMENT,
    LONG,
    SHORT,
    RunColumns,
    copy_regions,
    diagonal_runs,
    passage_runs,
    run_order,
    run_regions,
    runs_that_cut,
)


@st.composite
def matched_pairs(
    draw: st.DrawFn,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, RunColumns, int, np.ndarray]:
    """Paragraphs of a few documents and pairs of them from the three sources: unique within a source, the same
    pair sometimes found by two (a long paragraph that is also a fragment of its document); some long pairs
    edited copies that count only inside a run (never anchored)."""
    sizes = draw(st.lists(st.integers(1, 8), min_size=1, max_size=5))
    doc = np.repeat(np.arange(len(sizes)), sizes).astype(np.int64)
    n = doc.size
    rows, sources = [], []
    for source in (LONG, FRAGMENT, SHORT):
        raw = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=25))
        unique = sorted({(min(a, b), max(a, b)) for a, b in raw if a != b})
        rows.extend(unique)
        sources.extend([source] * len(unique))
    pairs = np.array(rows, dtype=np.int64).reshape(-1, 2)
    source = np.array(sources, dtype=np.int8)
    anchored = np.array(draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows))), dtype=bool)
    quoted = np.array(draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows))), dtype=bool)
    quoted &= source == LONG
    inner = np.array(draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows))), dtype=bool)
    inner &= source == LONG
    anchored &= ~inner
    flags = draw(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=n, max_size=n))
    columns = RunColumns(doc, np.array([f[0] for f in flags]), np.array([f[1] for f in flags]))
    return pairs, anchored, source, quoted, columns, draw(st.integers(0, 2)), inner


@settings(max_examples=300, deadline=None)
@given(matched_pairs(), st.integers(1, 4), st.randoms(use_true_random=False))
def test_runs_merged_by_pairs_of_documents_equal_one_call(
    case: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, RunColumns, int, np.ndarray], parts: int, rnd: object
) -> None:
    """What the Ray engine does: pairs cut by their two documents, each part's rows in any order, the parts' runs
    put back in order by :func:`run_order` — the runs, gaps and sources of one call."""
    pairs, anchored, source, quoted, columns, max_gap, inner = case
    whole = passage_runs(pairs, anchored, source, quoted, columns, max_gap, inner)
    doc = columns.doc
    part = (doc[pairs[:, 0]] * 7 + doc[pairs[:, 1]]) % parts
    got: list[tuple[np.ndarray, np.ndarray]] = []
    order_of_parts = list(range(parts))
    rnd.shuffle(order_of_parts)  # type: ignore[attr-defined]
    for p in order_of_parts:
        rows = np.flatnonzero(part == p)
        rows = rows[np.argsort([rnd.random() for _ in rows.tolist()])]  # type: ignore[attr-defined]
        got.append(passage_runs(pairs[rows], anchored[rows], source[rows], quoted[rows], columns, max_gap, inner[rows]))
    runs = np.concatenate([g[0] for g in got])
    gapped = np.concatenate([g[1] for g in got])
    order = run_order(runs, doc)
    assert np.array_equal(runs[order], whole[0])
    assert np.array_equal(gapped[order], whole[1])


@settings(max_examples=200, deadline=None)
@given(matched_pairs(), st.integers(1, 6))
def test_runs_merged_a_part_at_a_time_equal_one_merge(
    case: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, RunColumns, int, np.ndarray], size: int
) -> None:
    """Above ``RUN_PAIRS`` pairs, diagonal_runs merges whole pairs of documents at most ``RUN_PAIRS`` pairs at a time
    (a pair of documents with more in a part of its own): the same runs and gaps, in the same order."""
    from unittest import mock

    from dedup import runs as runs_module

    pairs, anchored, source, _, columns, max_gap, inner = case
    whole = diagonal_runs(pairs, anchored, columns.doc, max_gap, source, inner)
    with mock.patch.object(runs_module, "RUN_PAIRS", size):
        parts = runs_module._document_pair_parts(pairs, columns.doc, size) if len(pairs) else []
        got = diagonal_runs(pairs, anchored.tolist(), columns.doc, max_gap, source, inner)
    assert np.array_equal(got[0], whole[0]) and np.array_equal(got[1], whole[1])
    assert sorted(np.concatenate(parts).tolist() if parts else []) == list(range(len(pairs)))  # each row once
    for rows in parts:
        docs = {(int(columns.doc[a]), int(columns.doc[b])) for a, b in pairs[rows].tolist()}
        assert len(rows) <= size or len(docs) == 1  # at most size pairs, or one pair of documents alone
        later = [r for other in parts if other is not rows for r in other.tolist()]
        assert not docs & {(int(columns.doc[a]), int(columns.doc[b])) for a, b in pairs[later].tolist()}


def test_a_pair_found_twice_starts_a_run_in_source_order() -> None:
    """The same pair from the long paragraphs and from fragments: two runs, the long pair's first, whatever the
    rows' order; the second source's copy continues nothing (it steps by 0), the next pair continues it."""
    doc = np.zeros(6, dtype=np.int64)
    pairs = np.array([[0, 3], [0, 3], [1, 4]], dtype=np.int64)
    anchored = np.ones(3, dtype=bool)
    for source in (np.array([FRAGMENT, LONG, LONG], np.int8), np.array([LONG, FRAGMENT, LONG], np.int8)):
        runs, gapped = diagonal_runs(pairs, anchored, doc, 0, source)
        assert runs.tolist() == [[0, 0, 3, 3], [0, 1, 3, 4]]  # the fragment's copy is the run of its own
        assert gapped.tolist() == [False, False]


def test_a_quoted_sentence_is_no_run_of_its_own() -> None:
    """A run of one sentence cut from a long paragraph, matched by containment alone, is dropped; matched by
    Jaccard it stays."""
    doc = np.array([0, 0, 1, 1], dtype=np.int64)
    split = np.array([False, False, True, False])
    columns = RunColumns(doc, split, np.array([True, True, True, True]))
    pairs = np.array([[0, 2]], dtype=np.int64)
    one = np.ones(1, dtype=bool)
    source = np.array([LONG], dtype=np.int8)
    assert passage_runs(pairs, one, source, one, columns, 1)[0].tolist() == []
    assert passage_runs(pairs, one, source, ~one, columns, 1)[0].tolist() == [[0, 0, 2, 2]]


@settings(max_examples=200, deadline=None)
@given(matched_pairs(), st.integers(1, 4))
def test_regions_merged_by_documents_apart_equal_one_merge(
    case: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, RunColumns, int, np.ndarray], parts: int
) -> None:
    """What the Ray engine does above its run limit: the runs' copies cut by their documents' hash part, each part's
    copies merged into regions apart — every copy lands in the region one merge of all gives it, and the regions'
    first copies name each region once."""
    pairs, anchored, source, quoted, columns, max_gap, inner = case
    runs = passage_runs(pairs, anchored, source, quoted, columns, max_gap, inner)[0]
    regions, links = run_regions(runs)
    copies = np.concatenate([runs[:, 0:2], runs[:, 2:4]])
    whole = regions[links.T.reshape(-1)]  # each copy's region: the earlier copies, then the later
    part = (columns.doc[copies[:, 0]] * 5 + 3) % parts
    got = np.zeros_like(copies)
    heads = []
    for p in range(parts):
        rows = np.flatnonzero(part == p)
        found, region_of = copy_regions(copies[rows])
        got[rows] = found[region_of]
        heads.append(found)
    assert np.array_equal(got, whole)
    assert sorted(map(tuple, np.concatenate(heads).tolist())) == sorted(map(tuple, regions.tolist()))


def test_runs_that_cut_leave_out_emptied_documents_and_holders() -> None:
    """Exact flags: within a document always, across documents with ``cross_document``; no run of an emptied
    document (either copy); no run whose later copy is in a holder, unless both copies are in it."""
    earlier = np.array([0, 0, 1, 2, 3, 3], dtype=np.int64)
    later = np.array([0, 1, 2, 3, 3, 4], dtype=np.int64)
    emptied = np.array([False, False, True, False, False])
    holding = np.array([False, False, False, True, False])
    assert runs_that_cut(earlier, later, emptied, holding, True).tolist() == [True, True, False, False, True, True]
    assert runs_that_cut(earlier, later, emptied, holding, False).tolist() == [True, False, False, False, True, False]
