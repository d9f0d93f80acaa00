"""Cleaning against a saved index (``dedup.clean(..., against=index)``, ``dedup clean --against``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import dedup
from dedup.clean import CleanOptions, tabulate_batch
from dedup.errors import InvalidOptionError
from dedup.index import Index
from dedup.normalize import NormalizeOptions, matching_texts
from dedup.shingle import shingle_sets

HEADERS = ["人民网首页 | 新闻 | 财经 | 体育", "新华网 > 国内 > 正文", "光明网 首页 登录 注册"]
FOOTERS = ["版权所有 人民日报社 京ICP备000000号", "新华通讯社版权所有 未经授权禁止转载", "光明日报社 版权所有 联系我们"]


def _page(site: int, body: list[str]) -> str:
    return "\n".join([HEADERS[site], *body, FOOTERS[site]])


@pytest.fixture(scope="module")
def corpus(news_lines: list[str]) -> list[str]:
    """60 pages of three sites: a header, five paragraphs of one story, a footer."""
    return [_page(i % 3, news_lines[5 * i : 5 * i + 5]) for i in range(60)]


@pytest.fixture(scope="module")
def index_path(corpus: list[str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("against") / "corpus.idx"
    with Index.create(path) as index:
        index.add(corpus, ids=[f"c{i}" for i in range(len(corpus))])
    return path


def _body(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if line.strip() not in HEADERS + FOOTERS)


def _grams(text: str) -> set[int]:
    hashes, _ = shingle_sets(matching_texts([text], NormalizeOptions()), 5)
    return set(hashes.tolist())


def test_what_the_corpus_holds_is_removed_and_names_its_indexed_copy(
    index_path: Path, corpus: list[str], news_lines: list[str]
) -> None:
    index = Index.open(index_path)
    fresh = news_lines[400:404]
    today = [
        _page(1, news_lines[15:20]),  # page 3's story under another site's header: a reprint
        "\n".join([fresh[0], news_lines[51], fresh[1]]),  # one paragraph of page 10
        _page(2, fresh[2:4]),  # a new story in a known site's template
        "\n".join(fresh),  # nothing of the corpus
    ]
    cleaned = dedup.clean(today, against=index)
    assert dedup.clean(today, against=index, processes=2) == cleaned  # the index is read in this process
    assert [(r.reason, r.kind, r.held_by, r.ref) for r in cleaned[0].removed] == [("duplicate", "document", "c3", None)]
    assert cleaned[0].text == ""
    assert [(r.reason, r.kind, r.held_by, r.text.strip()) for r in cleaned[1].removed] == [
        ("duplicate", "passage", "c10", news_lines[51])
    ]
    assert cleaned[1].text == f"{fresh[0]}\n{fresh[1]}"
    assert [(r.reason, r.kind, r.held_by, r.text.strip()) for r in cleaned[2].removed] == [
        ("boilerplate", "corpus-line", "c2", HEADERS[2]),
        ("boilerplate", "corpus-line", "c2", FOOTERS[2]),
    ]
    assert cleaned[2].text.strip() == "\n".join(fresh[2:4])
    assert cleaned[3].removed == ()
    assert [dedup.restore(c) for c in cleaned] == today
    # Without the index the batch keeps all of it: the batch alone shows no repeat.
    assert [c.removed for c in dedup.clean(today)] == [(), (), (), ()]


def test_removed_documents_hold_nothing_and_a_merged_index_cleans_alike(
    index_path: Path, corpus: list[str], news_lines: list[str], tmp_path: Path
) -> None:
    today = [_page(0, news_lines[0:5]), "\n".join([news_lines[400], news_lines[52], news_lines[401]])]
    whole = [c.removed for c in dedup.clean(today, against=Index.open(index_path))]
    a, b = Index.create(tmp_path / "a"), Index.create(tmp_path / "b")
    a.add(corpus[:30], ids=[f"c{i}" for i in range(30)])
    b.add(corpus[30:], ids=[f"c{i}" for i in range(30, 60)])
    a.save(), b.save()
    merged = Index.merge([a, b], tmp_path / "all")
    assert [c.removed for c in dedup.clean(today, against=merged)] == whole
    merged.remove(["c0", "c10"])  # the copies the two documents were cut against
    cleaned = dedup.clean(today, against=merged)
    assert all(r.held_by not in ("c0", "c10") for c in cleaned for r in c.removed)
    assert cleaned[1].removed == ()  # its paragraph was only in c10
    assert [r.kind for r in cleaned[0].removed] == ["corpus-line", "corpus-line"]  # c0 gone: header and footer


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(picks=[[0, 114, 114]], sites=[0, 0, 0, 0, 0, 0])  # a paragraph twice: one removal
@given(
    picks=st.lists(
        st.lists(st.one_of(st.integers(0, 299), st.integers(400, 499)), min_size=1, max_size=6), min_size=1, max_size=6
    ),
    sites=st.lists(st.integers(-1, 2), min_size=6, max_size=6),
)
def test_every_removal_against_the_index_is_held_by_the_document_it_names(
    index_path: Path, corpus: list[str], news_lines: list[str], picks: list[list[int]], sites: list[int]
) -> None:
    """Random documents of corpus paragraphs (0-299) and fresh ones (400-499), some in a site's
    template: each cut names an indexed document holding its text, and no cut depends on the batch."""
    index = Index.open(index_path)
    today = [
        _page(site, [news_lines[p] for p in pick]) if site >= 0 else "\n".join(news_lines[p] for p in pick)
        for pick, site in zip(picks, sites)
    ]
    by_id = {f"c{i}": text for i, text in enumerate(corpus)}
    options = CleanOptions()
    cleaned = dedup.clean(today, against=index)
    assert [dedup.restore(c) for c in cleaned] == today
    for c in cleaned:
        for r in c.removed:
            if r.held_by is None:
                continue
            held = by_id[r.held_by]
            if r.kind == "corpus-line":
                line_views = set(matching_texts(held.splitlines(), options.boilerplate.normalize))
                assert matching_texts([r.text.strip()], options.boilerplate.normalize)[0] in line_views
            elif r.kind == "document":  # compared without the lines the index knows as recurring: the templates
                grams = _grams(_body(r.text))
                assert len(grams & _grams(_body(held))) / len(grams) >= options.cover
            else:  # paragraphs are matched one by one; adjacent ones held by one document make one removal
                for paragraph in _body(r.text).splitlines():
                    grams = _grams(paragraph)
                    assert len(grams & _grams(_body(held))) / len(grams) >= options.passages.containment
    # What the index justifies of a document is the same alone as in the batch.
    together = tabulate_batch(today, options, against=index).indexed
    for d, text in enumerate(today):
        alone = tabulate_batch([text], options, against=index).indexed
        mine = together.doc == d
        assert np.array_equal(alone.start, together.start[mine]) and np.array_equal(alone.end, together.end[mine])
        assert alone.held_by == [h for h, m in zip(together.held_by, mine.tolist()) if m]


def test_an_index_keyed_otherwise_is_refused(index_path: Path, tmp_path: Path) -> None:
    index = Index.open(index_path)
    with pytest.raises(InvalidOptionError, match="other passage options"):
        dedup.clean(["x"], against=index, passages=dedup.PassageOptions(threshold=0.8))
    with pytest.raises(InvalidOptionError, match="ngram and passages.normalize"):
        Index.create(tmp_path / "bad", passages=dedup.PassageOptions(ngram=4))
    lean = Index.create(tmp_path / "lean", passages=None, lines=None)  # documents only: any passage options
    lean.add(["甲乙丙丁戊己庚辛壬癸" * 5])
    lean.save()
    cleaned = dedup.clean(["甲乙丙丁戊己庚辛壬癸" * 5], against=lean, passages=dedup.PassageOptions(threshold=0.8))
    assert [(r.kind, r.held_by) for r in cleaned[0].removed] == [("document", "0")]


def test_clean_against_on_the_command_line(
    index_path: Path, news_lines: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dedup.cli import main

    src = tmp_path / "today.jsonl"
    rows = [{"id": "t0", "text": _page(1, news_lines[15:20])}, {"id": "t1", "text": _page(2, news_lines[400:402])}]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["clean", str(src), "-o", str(out), "--against", str(index_path), "--annotate", "-q"]) == 0
    two = tmp_path / "two-processes"
    argv = ["clean", str(src), "-o", str(two), "--against", str(index_path), "--annotate", "-q", "--processes", "2"]
    assert main(argv) == 0
    for name in ("cleaned.jsonl", "annotated.jsonl", "clusters.jsonl", "boilerplate.jsonl"):
        assert (two / name).read_bytes() == (out / name).read_bytes()
    cleaned = [json.loads(line) for line in (out / "cleaned.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [[(r["kind"], r["held_by"]) for r in c["removed"]] for c in cleaned] == [
        [("document", "c3")],
        [("corpus-line", "c2"), ("corpus-line", "c2")],
    ]
    annotated = [json.loads(line) for line in (out / "annotated.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(a["keep"], a["duplicate_of"]) for a in annotated] == [(False, "c3"), (True, None)]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["options"]["against"]["index"] == str(index_path)  # a resumed run must meet the same index
    for argv, message in (
        (["--against", str(tmp_path)], "holds no index"),
        (["--against", str(index_path), "--engine", "ray"], "--engine local"),
        (["--processes", "2", "--engine", "ray"], "--processes is for --engine local"),
        (["--processes", "0"], "a whole number of processes"),
    ):
        with pytest.raises(SystemExit) as exit_status:
            main(["clean", str(src), "--dry-run", *argv])
        assert exit_status.value.code == 2
        assert message in capsys.readouterr().err
    lean = tmp_path / "lean.idx"
    corpus_file = tmp_path / "corpus.jsonl"
    corpus_rows = [{"id": f"c{i}", "text": _page(2, news_lines[5 * i : 5 * i + 5])} for i in range(4)]
    corpus_file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in corpus_rows), encoding="utf-8")
    assert main(["index", "build", str(corpus_file), "-o", str(lean), "--documents-only", "--sample", "2", "-q"]) == 0
    manifest = json.loads((lean / "manifest.json").read_text())
    assert (manifest["passages"], manifest["lines"], manifest["sample"]) == (None, None, 2)
    out = tmp_path / "lean-out"
    assert main(["clean", str(src), "-o", str(out), "--against", str(lean), "--no-report", "-q"]) == 0
    cleaned = [json.loads(line) for line in (out / "cleaned.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [[r.get("held_by") for r in c["removed"]] for c in cleaned] == [
        ["c3"],
        [],
    ]  # no line keys: the template stays


def test_against_a_sampled_index_short_texts_are_not_cut_on_a_few_ngrams(
    index_path: Path, corpus: list[str], news_lines: list[str], tmp_path: Path
) -> None:
    index = Index.create(tmp_path / "sampled", sample=8)
    index.add(corpus, ids=[f"c{i}" for i in range(len(corpus))])
    index.save()
    longest = max(range(len(corpus)), key=lambda i: len(corpus[i]))  # enough n-grams to be sampled
    whole_page = _page((longest + 1) % 3, news_lines[5 * longest : 5 * longest + 5])  # reprinted elsewhere
    held = min((i for i in range(300) if len(news_lines[i]) >= 30), key=lambda i: len(news_lines[i]))
    short = "\n".join([news_lines[400], news_lines[held], news_lines[401]])  # a short paragraph of the corpus
    cleaned = dedup.clean([whole_page, short], against=index)
    assert [(r.kind, r.held_by) for r in cleaned[0].removed] == [("document", f"c{longest}")]
    assert all(r.reason != "duplicate" for r in cleaned[1].removed)  # ~4 sampled n-grams: not enough
    (exact,) = dedup.clean([short], against=Index.open(index_path))  # exact: the paragraph is cut
    assert [(r.kind, r.held_by, r.text.strip()) for r in exact.removed] == [
        ("passage", f"c{held // 5}", news_lines[held])
    ]


def test_dialogue_the_indexed_chapters_share_is_no_corpus_line(news_lines: list[str], tmp_path: Path) -> None:
    """A novel's indexed chapters share lines of dialogue (“嗯。”) and its title line: against the index a new
    chapter loses the title as a corpus line and keeps its dialogue, in cleaning and in the views compared."""
    said = ["“嗯。”", "“为什么？”"]
    chapters = ["\n".join(["逆剑狂神", news_lines[500 + 3 * i], *said, news_lines[501 + 3 * i]]) for i in range(8)]
    with Index.create(tmp_path / "novel.idx") as index:
        index.add(chapters, ids=[f"ch{i}" for i in range(8)])
    new = "\n".join(["逆剑狂神", news_lines[600], *said, news_lines[601]])
    (cleaned,) = dedup.clean([new], against=Index.open(tmp_path / "novel.idx"))
    assert [(r.kind, r.text.strip()) for r in cleaned.removed] == [("corpus-line", "逆剑狂神")]
    from dedup.duplicates import DuplicateOptions
    from dedup.index.files import document_views

    index = Index.open(tmp_path / "novel.idx")
    for batch in (True, False):
        (view,) = document_views([new], DuplicateOptions(), index.line_families, batch=batch)
        assert "嗯" in view and "为什么" in view and "逆剑狂神" not in view


def test_code_the_indexed_files_share_is_neither_a_corpus_line_nor_a_passage(tmp_path: Path) -> None:
    """Indexed source files share their imports and a helper; a new file holding them too keeps every line against
    the index (a copy of an indexed file is still emptied for it)."""
    helper = (
        "def read_json(path):\n    with open(path, encoding='utf-8') as f:\n        data = json.load(f)\n"
        "    if not isinstance(data, dict):\n        raise ValueError(f'{path}: not an object')\n    return data\n"
    )
    loop = "    for item in x:\n        total += item * {}\n    return total\n"
    bodies = [f"def step{i}(x):\n    total = {i}\n" + loop.format(i + 1) for i in range(6)]
    files = [f"import os\nimport json\n\n\n{helper}\n\n{body}" for body in bodies]
    with Index.create(tmp_path / "code.idx") as index:
        index.add(files, ids=[f"f{i}" for i in range(6)])
    new = f"import os\nimport json\n\n\n{helper}\n\ndef other(x):\n    return sorted(x, key=len)[:{10}]\n"
    kept, copy = dedup.clean([new, files[3]], against=Index.open(tmp_path / "code.idx"))
    assert kept.removed == () and kept.text == new
    assert [(r.kind, r.held_by) for r in copy.removed] == [("document", "f3")]
