"""clean in phases: tabulate (batch by batch, strings on disk) → plan → apply (batch by batch).

However the documents are batched, and whether the tables' strings stay in memory or go to
a spill folder, the report is the one ``clean_report`` gives for all documents at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedup
from dedup import BoilerplateOptions, CleanOptions, DuplicateOptions
from dedup.boilerplate import classify_lines
from dedup.boilerplate.analysis import document_families
from dedup.boilerplate.pages import PageLines, page_lines
from dedup.clean import (
    TableBuilder,
    Tabulator,
    apply_plan,
    plan_clean,
    tabulate,
    tabulate_batch,
)
from dedup.clean.base import covered, overlaps
from dedup.clean.tabulate import tabulate_for_caller, with_line_texts
from dedup.lines import DocumentViews, line_table
from dedup.shingle import shingle_sets
from dedup.store import SpilledStrings
from dedup.verify import measures
from dedup.webpage import WebpageOptions
from dedup.webpage.classes import combine_page_evidence

HEADER = "人民网 > 新闻 > 国内新闻"
FOOTER = "责任编辑：王明 版权所有 人民网"


@pytest.fixture(scope="module")
def collection(news_docs: list[str], seed_texts: dict[str, str]) -> list[str]:
    """News, twelve of them again inside a site's header and footer, one verbatim copy, an empty text, the seeds;
    windows of four paragraphs and a speech quoted by articles (the overlap rules read the texts of a few lines,
    which batches and spilling must not change)."""
    wrapped = [f"{HEADER}\n{doc}\n{FOOTER}" for doc in news_docs[:12]]
    lines = [line for doc in news_docs[60:100] for line in doc.split("\n") if 60 <= len(line) <= 280]
    paragraphs = list(dict.fromkeys(line for line in lines if line.endswith("。")))
    windows = ["\n".join(paragraphs[i : i + 4]) for i in range(12)]
    speech = paragraphs[40:44]
    quoting = ["\n".join([paragraphs[50 + 2 * i], speech[i % 4], paragraphs[51 + 2 * i]]) for i in range(8)]
    overlapping = [*windows, "\n".join(speech), *quoting]
    return news_docs[:40] + wrapped + [news_docs[3], ""] + list(seed_texts.values()) + overlapping


OPTIONS = [
    CleanOptions(),
    CleanOptions(cross_document=True),
    CleanOptions(cross_document=True, remove=frozenset({"duplicate", "noise"})),
    CleanOptions(cross_document=True, duplicates=DuplicateOptions(strip_boilerplate=False)),
    # near-duplicates compared without boilerplate found under other line options
    CleanOptions(
        cross_document=True, duplicates=DuplicateOptions(boilerplate=BoilerplateOptions(min_docs=4, webpage=False))
    ),
]


@pytest.mark.parametrize(
    "options",
    OPTIONS,
    ids=["defaults", "cross-document", "no-boilerplate-cuts", "duplicates-with-boilerplate", "duplicates-other-lines"],
)
def test_batches_and_spilling_change_nothing(collection: list[str], options: CleanOptions, tmp_path: Path) -> None:
    expected = dedup.clean_report(collection, options=options, with_clusters=True)
    assert expected.clusters and expected.passages and expected.boilerplate
    for batch_chars, spill in ((1, None), (9_000, tmp_path), (10**9, str(tmp_path / "whole"))):  # a folder's str too
        if spill is not None:
            Path(spill).mkdir(exist_ok=True)
        tables = tabulate(collection, options, with_clusters=True, spill=spill, batch_chars=batch_chars)
        assert isinstance(tables.lines.views, SpilledStrings) == (spill is not None)
        plan = plan_clean(tables, options, with_clusters=True)
        assert plan.report.clusters == expected.clusters
        assert plan.report.passages == expected.passages and plan.report.boilerplate == expected.boilerplate
        cut = [0, 5, 5, 31, len(collection)]  # apply in batches too, an empty one among them
        cleaned = [c for lo, hi in zip(cut[:-1], cut[1:]) for c in apply_plan(collection[lo:hi], plan, lo)]
        assert cleaned == expected.cleaned
        # Each batch with its own slice of the plan (what a Ray worker is given): the same documents.
        sliced = [plan.documents(lo, hi) for lo, hi in zip(cut[:-1], cut[1:])]
        assert [c for lo, hi, part in zip(cut[:-1], cut[1:], sliced) for c in apply_plan(collection[lo:hi], part)] == (
            expected.cleaned
        )
        assert (
            sum(part.start.size for part in sliced) == plan.start.size
            and [p.n_docs for p in sliced] == np.diff(cut).tolist()
        )
    assert [dedup.restore(c) for c in expected.cleaned] == collection
    # Tabulated on two processes, in batches of every size: the same report.
    for batch_chars in (1, 9_000, None):
        tables = tabulate(collection, options, with_clusters=True, batch_chars=batch_chars, processes=2)
        parallel = plan_clean(tables, options, with_clusters=True).report
        assert (parallel.clusters, parallel.passages, parallel.boilerplate) == (
            expected.clusters,
            expected.passages,
            expected.boilerplate,
        )
    assert dedup.clean(collection, options=options, processes=2) == expected.cleaned


def test_the_plan_of_a_pdf_page(seed_texts: dict[str, str]) -> None:
    """Seed 004: the planned cuts are its page furniture, already whole lines; noise comes at apply time."""
    page = seed_texts["004_468902900ce303d9.txt"]
    options = CleanOptions()
    plan = plan_clean(tabulate_batch([page], options), options)
    assert plan.n_docs == 1 and plan.remove_noise
    cuts = plan.cuts(0, page)
    assert [(c.start, c.end, c.reason, c.kind) for c in cuts] == [
        (0, 25, "boilerplate", "running-head"),
        (31, 55, "boilerplate", "running-head"),
        (25, 31, "boilerplate", "page-number"),
        (2029, 2043, "boilerplate", "page-number"),
    ]
    assert not plan.to_lines.any()
    assert apply_plan([page], plan) == dedup.clean([page])
    with pytest.raises(ValueError, match="not in a plan of 1"):
        apply_plan([page, page], plan)
    alone = plan.documents(0, 1)
    assert alone.n_docs == 1 and alone.report == dedup.CleanReport([], [], [], []) and alone.cuts(0, page) == cuts
    assert plan.documents(1, 1).n_docs == 0 and plan.documents(1, 1).start.size == 0
    for first, stop in ((0, 2), (-1, 1), (1, 0)):
        with pytest.raises(ValueError, match="not in a plan of 1"):
            plan.documents(first, stop)


def test_passage_cuts_grow_to_lines_when_applied(seed_texts: dict[str, str]) -> None:
    """Seed 000 prints an essay twice: the later copy is planned as a passage span and cut with its line breaks."""
    page = seed_texts["000_3c5c44154466b012.txt"]
    options = CleanOptions()
    plan = plan_clean(tabulate_batch([page], options), options)
    passages = np.flatnonzero(plan.to_lines)
    assert passages.size == 2 and {plan.kinds[k] for k in plan.kind[passages]} == {"passage"}
    spans = [(int(plan.start[i]), int(plan.end[i])) for i in passages]
    assert spans == [(6578, 6663), (8611, 10236)]
    grown = [(c.start, c.end) for c in plan.cuts(0, page) if c.kind == "passage"]
    assert grown == [(6578, 6665), (8611, 10238)] and page[10236:10238] == "\n\n"


def test_a_builder_refuses_batches_tabulated_otherwise(news_docs: list[str]) -> None:
    options = CleanOptions(cross_document=True, duplicates=DuplicateOptions(strip_boilerplate=False))
    builder = TableBuilder(options)
    with pytest.raises(ValueError, match="other options"):
        builder.add(tabulate_batch(news_docs[:3], CleanOptions()))
    tables = tabulate_batch(news_docs[:3], CleanOptions())
    with pytest.raises(ValueError, match="tables lack the views"):
        plan_clean(tables, options)


def test_a_batch_s_line_table_is_the_line_table(collection: list[str]) -> None:
    """Tabulating makes the lines' views and NFKC with the page classifier's reading views: the same table as
    making it alone (the seeds hold pinyin and markup, which the reading views edit)."""
    options = CleanOptions(cross_document=True)
    made = tabulate_batch(collection, options).lines
    alone = line_table(collection, options.boilerplate)
    for field in dataclasses.fields(alone):
        a, b = getattr(made, field.name), getattr(alone, field.name)
        assert np.array_equal(a, b) if isinstance(a, np.ndarray) else list(a) == list(b), field.name


def test_document_views_are_the_kept_lines_joined(
    news_docs: list[str], seed_texts: dict[str, str], tmp_path: Path
) -> None:
    texts = ["", *news_docs[:6], "", *seed_texts.values(), ""]
    table = line_table(texts)
    rng = np.random.default_rng(7)
    keep = rng.random(len(table)) < 0.6
    naive = [
        "".join(v for d, v, k in zip(table.doc.tolist(), table.views, keep.tolist()) if d == doc and k)
        for doc in range(len(texts))
    ]
    views = DocumentViews(table, len(texts), keep)
    assert len(views) == len(texts) and list(views) == naive
    assert views[2:5] == naive[2:5] and views[-1] == "" and views[1] == naive[1]
    assert views.take([9, 0, 9, 3]) == [naive[9], naive[0], naive[9], naive[3]]
    assert list(DocumentViews(table, len(texts))) == [
        "".join(v for d, v in zip(table.doc.tolist(), table.views) if d == doc) for doc in range(len(texts))
    ]
    with pytest.raises(IndexError):
        views[len(texts)]


@given(masks=st.lists(st.lists(st.booleans(), min_size=40, max_size=40), min_size=1, max_size=4))
def test_sketched_views_sketch_only_the_documents_whose_kept_lines_changed(masks: list[list[bool]]) -> None:
    """Views of one table sketched one after the other reuse the rows of documents whose kept lines are
    the last sketch's: the rows equal a fresh sketch, and only the other documents' views are sketched."""
    texts = [f"第{d}篇\n报道{d}号 正文\n责任编辑 {d % 3}" for d in range(13)] + ["单独一行"]
    table = line_table(texts)
    assert len(table) == 40
    asked: list[list[str]] = []

    def sketch(views: Sequence[str]) -> np.ndarray:
        asked.append(list(views))
        return dedup.signatures(list(views), num_perm=8)

    memo: dict = {}
    last = None
    for mask in masks:
        keep = np.array(mask)
        views = DocumentViews(table, len(texts), keep, memo)
        asked.clear()
        rows = views.sketched("key", sketch)
        assert np.array_equal(rows, dedup.signatures(list(views), num_perm=8))
        if last is None:
            assert asked == [list(views)]
        else:
            changed = sorted(set(table.doc[views.keep != last].tolist()))  # a document none of whose lines is
            assert asked == ([views.take(changed)] if changed else [])  # kept keeps them all: its view is the same
        last = views.keep
    asked.clear()
    DocumentViews(table, len(texts), last, memo).sketched("other key", sketch)
    assert asked == [list(DocumentViews(table, len(texts), last))]  # another key sketches every document


@given(
    rounds=st.lists(
        st.tuples(
            st.lists(st.booleans(), min_size=40, max_size=40),
            st.lists(st.tuples(st.integers(0, 13), st.integers(0, 13)), max_size=25),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_measured_views_measure_only_the_pairs_not_known_unchanged(
    rounds: list[tuple[list[bool], list[tuple[int, int]]]],
) -> None:
    """Views of one table measured one after the other reuse the rows of pairs measured last whose two documents'
    kept lines are the last views': the rows equal a fresh measure, and only the other pairs are measured."""
    texts = [f"第{d}篇\n报道{d}号 正文\n责任编辑 {d % 3}" for d in range(13)] + ["单独一行"]
    table = line_table(texts)
    asked: list[list[tuple[int, int]]] = []

    def measure_of(views: DocumentViews) -> Callable[[np.ndarray], np.ndarray]:
        def measure(pairs: np.ndarray) -> np.ndarray:
            asked.append([tuple(p) for p in pairs.tolist()])
            sets, offsets = shingle_sets(list(views), 3)
            return measures(sets, offsets, pairs)

        return measure

    memo: dict = {}
    last: tuple[np.ndarray, set[tuple[int, int]]] | None = None
    for mask, chosen in rounds:
        keep, pairs = np.array(mask), np.array(chosen, dtype=np.int64).reshape(-1, 2)
        views = DocumentViews(table, len(texts), keep, memo)
        asked.clear()
        rows = views.measured("key", pairs, measure_of(views))
        sets, offsets = shingle_sets(list(views), 3)
        assert np.array_equal(rows, measures(sets, offsets, pairs))
        if last is None or not last[1]:
            assert asked == [[tuple(p) for p in pairs.tolist()]]
        else:
            changed = set(table.doc[views.keep != last[0]].tolist())  # the lines that count (a document none of
            new = [p for p in map(tuple, pairs.tolist()) if p not in last[1] or changed & set(p)]  # whose lines is
            assert asked == ([new] if new else [])  # kept counts them all)
        last = views.keep, set(map(tuple, pairs.tolist()))
    asked.clear()
    again = DocumentViews(table, len(texts), last[0], memo)
    pairs = np.array([[0, 1], [2, 3]], dtype=np.int64)
    again.measured("other key", pairs, measure_of(again))
    assert asked == [[(0, 1), (2, 3)]]  # another key measures every pair


def test_the_plan_reusing_sketches_gets_every_documents_own_signature(
    collection: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The family passes and the comparison of documents share their unchanged documents' signatures: in a
    real plan each clustering's signatures are those of sketching every document anew, and some are reused."""
    options = CleanOptions(cross_document=True)
    expected = dedup.clean_report(collection, options=options, with_clusters=True)
    reused: list[int] = []
    real = DocumentViews.sketched

    def checked(self: DocumentViews, key: object, sketch: Callable[[Sequence[str]], np.ndarray]) -> np.ndarray:
        sketched: list[int] = []
        rows = real(self, key, lambda views: sketched.append(len(views)) or sketch(views))  # type: ignore[func-returns-value]
        assert np.array_equal(rows, sketch(self))
        reused.append(len(self) - sum(sketched))
        return rows

    monkeypatch.setattr(DocumentViews, "sketched", checked)
    assert dedup.clean_report(collection, options=options, with_clusters=True) == expected
    assert len(reused) == 3 and reused[0] == 0 and sum(reused) > 0


def test_shingle_sets_made_a_few_documents_at_a_time_change_nothing(
    collection: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verification holds the sets of a bounded share of the units; a tiny budget gives the same results."""
    from dedup import verify

    options = CleanOptions(cross_document=True)
    expected = dedup.clean_report(collection, options=options, with_clusters=True)
    expected_clusters = dedup.find_duplicates(collection, representative="longest")
    calls: list[int] = []
    real = verify.measures

    def counted(*args):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(verify, "SET_BUDGET", 2_000)
    monkeypatch.setattr(verify, "measures", counted)
    assert dedup.clean_report(collection, options=options, with_clusters=True) == expected
    assert dedup.find_duplicates(collection, representative="longest") == expected_clusters
    assert len(calls) > 50  # many chunks were verified one after another
    # and chunks of at most 3 pairs (verify.CHUNK_PAIRS: many pairs of few characters are cut too)
    monkeypatch.setattr(verify, "SET_BUDGET", 1 << 23)
    monkeypatch.setattr(verify, "CHUNK_PAIRS", 3)
    calls.clear()
    assert dedup.clean_report(collection, options=options, with_clusters=True) == expected
    assert dedup.find_duplicates(collection, representative="longest") == expected_clusters
    assert len(calls) > 50


def _web_collection(news_docs: list[str]) -> list[str]:
    """Two pages of each subset source, a login wall, three news documents."""
    from benchmarks.webpages import load_pages

    sources = ("aeb", "gne", "magic_html", "readability", "wcxb", "webmainbench")
    pages = ["\n".join(page.lines) for name in sources for page in load_pages(f"subset/{name}.jsonl")[:2]]
    return pages + ["登录\n注册\n登录后才能查看全文"] + news_docs[:3]


@pytest.mark.parametrize("webpage", [None, True], ids=["auto", "forced"])
def test_pages_are_judged_where_they_are_tabulated(news_docs: list[str], webpage: bool | None) -> None:
    """Each document's page evidence comes from its own lines: made batch by batch (one document a
    batch, as tabulating does it) it is the evidence made for all at once, and classifying the lines
    with it gives the kinds the classifier gives when it runs at planning time."""
    texts = _web_collection(news_docs)
    options = BoilerplateOptions(webpage=webpage)
    table = line_table(texts, options)
    whole = page_lines(table, options)
    assert whole is not None
    alone = [page_lines(line_table([text], options), options) for text in texts]
    for name in ("state", "label", "kind", "title"):
        assert np.array_equal(getattr(whole, name), np.concatenate([getattr(part, name) for part in alone]))
    state_of_doc = [set(whole.state[table.doc == d].tolist()) for d in range(len(texts))]
    assert state_of_doc[-4] == {2}  # the login wall is a notice page
    assert state_of_doc[-3:] == [{0 if webpage is None else 1}] * 3  # news is a page only when forced
    assert sum(states == {1} for states in state_of_doc[:-4]) >= 8  # of 12 pages: most pass the page check
    assert whole.label.any() and not whole.label.all()
    families = document_families(table, len(texts), options)
    kinds = classify_lines(table, families, options, whole)
    assert np.array_equal(kinds, classify_lines(table, families, options))
    wall = kinds[table.doc == len(texts) - 4].tolist()  # 登录 and 注册 also recur on other pages
    assert "" not in wall and wall[-1] == "notice"


@pytest.mark.parametrize("t2s", [True, False], ids=["reading-views-shared", "views-apart"])
def test_a_batch_views_its_lines_once_for_the_keys_and_the_pages(news_docs: list[str], t2s: bool) -> None:
    """Tabulating views each line once when the page classifier reads it too: the line table and the
    page evidence are those made apart (with other view options, they are made apart)."""
    from dedup.normalize import NormalizeOptions

    texts = _web_collection(news_docs) + ["鄉村…發展（xiāng）！ＡＢ <b>x</b>\n國們"]
    boilerplate = BoilerplateOptions(normalize=NormalizeOptions(t2s=t2s))
    part = tabulate_batch(texts, CleanOptions(boilerplate=boilerplate))
    table = line_table(texts, boilerplate)
    assert part.lines.views == table.views and np.array_equal(part.lines.exact, table.exact)
    alone = page_lines(table, boilerplate)
    assert part.pages is not None and alone is not None
    for name in ("state", "label", "kind", "title"):
        assert np.array_equal(getattr(part.pages, name), getattr(alone, name))


def test_page_evidence_is_not_made_without_the_line_model() -> None:
    table = line_table(["首页\n新闻\n正文"])
    assert page_lines(table, BoilerplateOptions(webpage=False)) is None
    assert page_lines(table, BoilerplateOptions(webpage_options=WebpageOptions(method="rules"))) is None
    assert isinstance(page_lines(table, BoilerplateOptions()), PageLines)


@pytest.mark.parametrize("keep_title", [False, True])
def test_page_evidence_and_what_is_known_combine(keep_title: bool) -> None:
    labels = np.array([True, False, False, True, False])
    kinds = np.array(["navigation", "", "metadata", "", ""])
    title = np.array([False, False, False, True, False])
    known = np.array([False, True, False, False, False])
    options = WebpageOptions(keep_title=keep_title)
    got_labels, got_kinds = combine_page_evidence(labels, kinds, title, options, known)
    if keep_title:
        assert got_labels.tolist() == [True, True, False, False, False]
        assert got_kinds.tolist() == ["navigation", "recurring", "", "", ""]
    else:
        assert got_labels.tolist() == [True, True, False, True, False]
        assert got_kinds.tolist() == ["navigation", "recurring", "", "page-furniture", ""]
    assert labels.tolist() == [True, False, False, True, False]  # the inputs are left as they were


@pytest.mark.parametrize("processes", [0, -1, True, 1.5, "2"])
def test_workers_must_be_a_number_of_processes(processes: object) -> None:
    with pytest.raises(dedup.InvalidOptionError, match="processes must be a whole number"):
        dedup.clean(["甲乙丙"], processes=processes)  # type: ignore[arg-type]


def test_a_tabulator_hands_batches_over_in_order(news_docs: list[str]) -> None:
    """More batches than the processes hold in flight: the builder still gets them in order."""
    options = CleanOptions()
    expected = tabulate(news_docs[:30], options, batch_chars=10**9)
    tabulator = Tabulator(TableBuilder(options), options, processes=2)
    for k in range(0, 30, 3):
        tabulator.add(news_docs[k : k + 3])
    tables = tabulator.result()
    assert tables.n_docs == 30
    assert np.array_equal(tables.lines.exact, expected.lines.exact)
    assert np.array_equal(tables.units.doc, expected.units.doc) and tables.lengths.tolist() == expected.lengths.tolist()
    assert list(tables.lines.texts) == list(expected.lines.texts)  # cut again here, the processes send none


@pytest.mark.parametrize("options", OPTIONS[-2:], ids=["duplicates-with-boilerplate", "duplicates-other-lines"])
def test_tables_sent_from_a_process_get_their_lines_texts_back(news_docs: list[str], options: CleanOptions) -> None:
    """A worker process hands a batch's tables back without the lines' texts (every line table's: the duplicates'
    too), and the caller cuts them from the batch again: the tables are those of one process, field by field."""
    texts = ["", *news_docs[:8], "  缩进的一行\n\n第二段", ""]
    expected = tabulate_batch(texts, options, with_clusters=True)
    sent = tabulate_for_caller(texts, options, with_clusters=True)
    assert sent.lines.texts == [] and (sent.duplicate_lines is None or sent.duplicate_lines.texts == [])
    got = with_line_texts(sent, texts)
    for name in ("lines", "duplicate_lines"):
        made, alone = getattr(got, name), getattr(expected, name)
        assert (made is None) == (alone is None)
        for field in dataclasses.fields(alone) if alone is not None else ():
            a, b = getattr(made, field.name), getattr(alone, field.name)
            assert np.array_equal(a, b) if isinstance(a, np.ndarray) else list(a) == list(b), (name, field.name)
    assert expected.duplicate_lines is not None or options.duplicates.strip_boilerplate is False


def _walk_covered(start: int, end: int, cuts: list[tuple[int, int]]) -> bool:
    """One span, by walking its document's cuts in order of start (the rule, written plainly)."""
    pos = start
    for a, b in sorted(cuts):
        if a <= pos < b:
            pos = b
    return pos >= end


_spans = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 40), st.integers(0, 12)), max_size=30)


@given(cuts=_spans, spans=_spans)
def test_spans_covered_by_chained_cuts(cuts: list[tuple[int, int, int]], spans: list[tuple[int, int, int]]) -> None:
    """covered() of many spans at once is the walk over each span's own document's cuts, which
    chain when one starts where (or before) the union so far ends."""
    arrays = [np.array([c[k] for c in cuts], dtype=np.int64) for k in range(3)]
    cut_doc, cut_start, cut_end = arrays[0], arrays[1], arrays[1] + arrays[2]
    doc = np.array([s_[0] for s_ in spans], dtype=np.int64)
    start = np.array([s_[1] for s_ in spans], dtype=np.int64)
    end = start + np.array([s_[2] for s_ in spans], dtype=np.int64)
    got = covered(doc, start, end, cut_doc, cut_start, cut_end)
    for i, (d, a, b) in enumerate(zip(doc.tolist(), start.tolist(), end.tolist())):
        own = [(x, y) for x, y, z in zip(cut_start.tolist(), cut_end.tolist(), cut_doc.tolist()) if z == d]
        assert got[i] == _walk_covered(a, b, own)


@given(cuts=_spans, spans=_spans)
def test_spans_overlapping_cuts(cuts: list[tuple[int, int, int]], spans: list[tuple[int, int, int]]) -> None:
    """overlaps() of many spans at once: a span shares a character with one of its document's cuts."""
    cut_doc, cut_start, cut_length = (np.array([c[k] for c in cuts], dtype=np.int64) for k in range(3))
    doc, start, length = (np.array([s_[k] for s_ in spans], dtype=np.int64) for k in range(3))
    got = overlaps(doc, start, start + length, cut_doc, cut_start, cut_start + cut_length)
    for i, (d, a, n) in enumerate(spans):
        assert got[i] == any(z == d and max(a, x) < min(a + n, x + m) for z, x, m in cuts)


def test_spans_overlapping_cuts_exactly() -> None:
    cut_doc, cut_start, cut_end = np.array([0, 0, 1]), np.array([10, 2, 0]), np.array([12, 3, 0])
    doc, start, end = np.array([0, 0, 0, 0, 1, 2]), np.array([0, 3, 11, 5, 0, 0]), np.array([3, 10, 11, 20, 5, 5])
    # [0,3) holds 2; [3,10) touches neither cut; an empty span overlaps nothing; nor does an empty cut
    assert overlaps(doc, start, end, cut_doc, cut_start, cut_end).tolist() == [True, False, False, True, False, False]


def test_spans_covered_exactly() -> None:
    cut_doc, cut_start, cut_end = np.array([0, 0, 0, 1]), np.array([0, 5, 2, 0]), np.array([3, 8, 5, 4])
    doc, start, end = np.array([0, 0, 0, 1, 1, 2]), np.array([1, 8, 4, 3, 4, 0]), np.array([8, 9, 4, 4, 5, 0])
    # [0,3) + [2,5) + [5,8) chain to [0,8); [8,9) starts where they end; the empty spans are covered
    assert covered(doc, start, end, cut_doc, cut_start, cut_end).tolist() == [True, False, True, True, False, True]


def test_clean_pauses_the_garbage_collector_and_gives_it_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cyclic collector is off while a call builds its tables, findings and removals, and afterwards
    is as the caller left it: on, off, or on again after an error."""
    import gc

    from dedup.clean import api

    seen: list[bool] = []
    real = api.plan_clean

    def watched(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "plan_clean", watched)
    texts = ["第一段。\n第二段。", "第一段。\n第三段。"]
    assert gc.isenabled()
    expected = dedup.clean(texts, cross_document=True)
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        assert dedup.clean(texts, cross_document=True) == expected
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ValueError, match="the tables have 2 documents"):
        dedup.clean_report(texts[:1], tables=api.tabulate(texts, CleanOptions()))
    assert gc.isenabled()
    # The command's cleaner: the same, phase by phase, and the caller's code between batches runs with it on.
    cleaner = api.LocalCleaner(CleanOptions(cross_document=True))
    cleaner.add(texts)
    plan = cleaner.plan()
    assert seen[-1] is False and gc.isenabled()
    for first, cleaned in cleaner.cleaned(plan, [(0, texts)]):
        assert gc.isenabled() and (first, cleaned) == (0, expected)


def test_applying_a_plan_gives_a_line_of_a_passage_to_its_boilerplate_and_a_document_all_of_its_own() -> None:
    """The cuts a plan proposes meet when applied: a paragraph cut as a repeated passage holds a line its page's
    classifier removes (a share link, which the passage's earlier copy need not keep) and a leftover tag, and goes
    around both; a document emptied as a duplicate owns all of its own text."""
    from dedup.clean import CleanReport
    from dedup.clean.apply import apply_plan
    from dedup.clean.plan import CleanPlan
    from dedup.removals import REASONS

    texts = ["Copy this link\nhttps://example.com/a/1\nRead more<br> about sharing.\n", "Whole copy\nof a story\n"]
    tag = (texts[0].index("<br>"), texts[0].index("<br>") + 4)
    link = (texts[0].index("https"), texts[0].index("Read"))
    duplicate, boilerplate = REASONS.index("duplicate"), REASONS.index("boilerplate")
    rows = [(0, *link, boilerplate, 5, 0), (0, 0, len(texts[0]), duplicate, 3, 1), (1, 11, 20, boilerplate, 6, 0)]
    rows.append((1, 0, len(texts[1]), duplicate, 2, 2))
    doc, start, end, reason, ref, kind = (np.array(column, dtype=np.int64) for column in zip(*rows))
    plan = CleanPlan(
        np.array([0, 2, 4]), start, end, reason, ref, kind, np.zeros(4, dtype=bool),
        ("page-furniture", "passage", "document"), np.full(4, -1), (), True, CleanReport([], [], [], []),
    )  # fmt: skip
    first, second = apply_plan(texts, plan)
    assert [(r.start, r.end, r.reason, r.kind, r.ref) for r in first.removed] == [
        (0, link[0], "duplicate", "passage", 3),
        (*link, "boilerplate", "page-furniture", 5),
        (link[1], tag[0], "duplicate", "passage", 3),
        (*tag, "noise", "html_tag", None),
        (tag[1], len(texts[0]), "duplicate", "passage", 3),
    ]
    assert [(r.start, r.end, r.reason, r.kind, r.ref) for r in second.removed] == [
        (0, len(texts[1]), "duplicate", "document", 2)
    ]


def test_a_document_emptied_whole_is_planned_no_passage_cuts(news_docs: list[str]) -> None:
    """A verbatim copy is emptied as a duplicate, the strongest cut: the passages it shares with its earlier copy
    are planned for the copy that adds a paragraph of its own only, which keeps that paragraph (and the title, a short
    paragraph)."""
    own = "这是编辑部为本文补充的一段说明文字，交代了事件之后的最新进展和有关方面的回应，读者可以参考。"
    texts = [*news_docs[:6], news_docs[0], f"{news_docs[0]}\n\n{own}"]
    options = CleanOptions(cross_document=True)
    plan = plan_clean(tabulate_batch(texts, options), options)
    kinds = [[c.kind for c in plan.cuts(doc, text)] for doc, text in enumerate(texts)]
    assert kinds[6] == ["document"]
    assert kinds[7] and set(kinds[7]) == {"passage"}
    cleaned = apply_plan(texts, plan)
    assert cleaned[6].text == "" and own in cleaned[7].text and len(cleaned[7].text) < len(own) + 20
    assert cleaned == dedup.clean(texts, cross_document=True)


@pytest.mark.parametrize(
    ("values", "dtype"),
    [
        ([], np.int8),
        ([-1, 127], np.int8),
        ([-1, 128], np.int16),
        ([0, 2**31 - 1], np.int32),
        ([-(2**31) - 1], np.int64),
    ],
)
def test_the_plans_cut_columns_are_the_smallest_integers_that_hold_them(values: list[int], dtype: type) -> None:
    from dedup.clean.plan import _narrowed

    narrowed = _narrowed(np.array(values, dtype=np.int64))
    assert narrowed.dtype == dtype and narrowed.tolist() == values
