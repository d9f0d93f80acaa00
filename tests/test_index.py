"""The saved, incremental index (dedup.index.Index): equal to one-shot find_duplicates however it was built."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dedup
from dedup.duplicates import DuplicateOptions
from dedup.errors import InvalidOptionError
from dedup.index import Index, IndexFileError, Match

WHOLE = DuplicateOptions(strip_boilerplate=False)


@pytest.fixture(scope="module")
def pool(news_lines: list[str]) -> list[str]:
    """Stories, their cut and extended copies and reprints: 60 documents with known near-duplicates."""
    stories = ["\n".join(news_lines[i : i + 5]) for i in range(0, 200, 5)]
    copies = [s[: int(len(s) * 0.85)] for s in stories[:10]] + [s + "\n（完）" for s in stories[10:20]]
    return stories + copies


def _build(path: Path, parts: list[list[str]], reopen: bool) -> Index:
    index = Index.create(path, WHOLE)
    for part in parts:
        index.add(part)
        index.save()
        if reopen:
            index.close()
            index = Index.open(path)
    return index


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    order=st.permutations(range(60)),
    cuts=st.lists(st.integers(0, 60), max_size=3),
    reopen=st.booleans(),
)
def test_clusters_equal_one_shot_find_duplicates_however_the_index_was_built(
    tmp_path_factory: pytest.TempPathFactory, pool: list[str], order: list[int], cuts: list[int], reopen: bool
) -> None:
    docs = [pool[i] for i in order]
    bounds = [0, *sorted(cuts), len(docs)]
    parts = [docs[a:b] for a, b in zip(bounds, bounds[1:])]
    index = _build(tmp_path_factory.mktemp("index") / "idx", parts, reopen)
    expected = dedup.find_duplicates(docs, options=WHOLE)
    assert len(expected) >= 15
    assert index.clusters() == expected
    assert Index.open(index.path).clusters() == expected
    assert index.ids() == [str(i) for i in range(len(docs))]
    index.close()


def test_query_finds_what_one_shot_would_cluster_with_the_text(tmp_path: Path, pool: list[str]) -> None:
    index = _build(tmp_path / "idx", [pool[:40], pool[40:50]], reopen=True)
    queries = pool[50:] + ["全然无关的一段文字，和索引里的任何新闻都不一样。" * 3]
    results = index.query(queries)
    assert len(results) == len(queries) and results[-1] == ()
    for k, query in enumerate(queries[:-1]):
        texts = pool[:50] + [query]
        (cluster,) = [c for c in dedup.find_duplicates(texts, options=WHOLE) if len(texts) - 1 in c.members]
        found = {m.id for m in results[k]}
        if cluster.representative == len(texts) - 1:
            expected = {str(m) for m in cluster.members if m != len(texts) - 1}
        else:
            expected = {str(cluster.representative)}
        assert expected <= found
        ranked = [(m.jaccard, m.containment) for m in results[k]]
        assert ranked == sorted(ranked, reverse=True)
        rule = [m.jaccard >= WHOLE.threshold or m.containment >= WHOLE.containment for m in results[k]]
        assert all(rule)


def test_query_gives_exact_similarities(tmp_path: Path, pool: list[str]) -> None:
    index = Index.create(tmp_path / "idx", WHOLE)
    index.add(pool[:20], ids=[f"story-{i}" for i in range(20)])
    (matches,) = index.query([pool[40]])  # the first story cut to 85 %
    (cluster,) = [c for c in dedup.find_duplicates([pool[0], pool[40]], options=WHOLE)]
    assert matches == (Match("story-0", cluster.similarity[1], 1.0),)


def test_removed_documents_leave_the_clusters_and_the_answers(tmp_path: Path, pool: list[str]) -> None:
    index = Index.create(tmp_path / "idx", WHOLE)
    index.add(pool, ids=[f"d{i}" for i in range(len(pool))])
    index.save()
    assert index.remove(["d0", "d40", "nope"]) == 2
    index.save()
    index.close()
    reopened = Index.open(tmp_path / "idx")
    kept = [d for i, d in enumerate(pool) if i not in (0, 40)]
    assert reopened.clusters() == dedup.find_duplicates(kept, options=WHOLE)
    assert len(reopened) == len(pool) - 2 and "d0" not in reopened.ids()
    assert all(m.id not in ("d0", "d40") for m in reopened.query([pool[0]])[0])


def test_merge_of_indexes_built_apart(tmp_path: Path, pool: list[str]) -> None:
    a = _build(tmp_path / "a", [pool[:25]], reopen=False)
    b = _build(tmp_path / "b", [pool[25:45], pool[45:]], reopen=False)
    b.remove(["3"])
    b.save()
    merged = Index.merge([a, b], tmp_path / "all")
    kept = pool[:25] + [d for i, d in enumerate(pool[25:]) if i != 3]
    assert merged.clusters() == dedup.find_duplicates(kept, options=WHOLE)
    other = Index.create(tmp_path / "other", DuplicateOptions(strip_boilerplate=False, threshold=0.8))
    with pytest.raises(IndexFileError, match="other options"):
        Index.merge([a, other], tmp_path / "bad")


def test_with_its_defaults_the_index_compares_documents_without_their_boilerplate(
    tmp_path: Path, news_lines: list[str]
) -> None:
    """Short stories in one site's template: whole, their pages look alike; without the template they do not."""
    header, footer = (
        "本站首页 | 新闻中心 | 图片 | 视频 | 论坛 | 登录",
        "版权所有 本站 未经授权不得转载 京ICP备12345678号",
    )
    pages = [f"{header}\n{news_lines[i][:60]}\n{footer}" for i in range(30)]
    index = Index.create(tmp_path / "idx")  # DuplicateOptions(): boilerplate stripped
    index.add(pages)
    index.save()
    assert index.clusters() == dedup.find_duplicates(pages)  # one batch: what find_duplicates finds
    assert dedup.find_duplicates(pages, options=WHOLE) != []  # whole, the template makes them near-duplicates
    fresh = f"{header}\n{news_lines[100][:60]}\n{footer}"
    assert index.query([fresh]) == [()]  # alone in its batch: the index knows the template's lines
    whole = Index.create(tmp_path / "whole", WHOLE)
    whole.add(pages)
    assert whole.query([fresh]) != [()]
    assert index.query([pages[3]])[0][0] == Match("3", 1.0, 1.0)


def test_the_files_are_plain_arrays_and_the_index_stores_no_text(tmp_path: Path, pool: list[str]) -> None:
    index = _build(tmp_path / "idx", [pool], reopen=False)
    segment = tmp_path / "idx" / "seg-00000"
    for path in segment.glob("*.npy"):
        np.load(path, allow_pickle=False)
    stored = b"".join(p.read_bytes() for p in segment.glob("*.npy"))
    assert pool[0].split("\n")[0].encode("utf-8") not in stored
    manifest = json.loads((tmp_path / "idx" / "manifest.json").read_text())
    assert manifest["format"] == dedup.index.FORMAT_VERSION
    assert manifest["segments"] == [{"docs": len(pool), "name": "seg-00000"}]
    assert len(index) == len(pool)


def test_clear_errors_for_other_versions_options_and_damaged_files(tmp_path: Path, pool: list[str]) -> None:
    path = tmp_path / "idx"
    _build(path, [pool[:10]], reopen=False).close()
    with pytest.raises(IndexFileError, match="other options"):
        Index.open(path, DuplicateOptions(strip_boilerplate=False, ngram=4))
    with pytest.raises(IndexFileError, match="holds no index"):
        Index.open(tmp_path)
    with pytest.raises(InvalidOptionError, match="default boilerplate options only"):
        Index.create(tmp_path / "new", DuplicateOptions(boilerplate=dedup.BoilerplateOptions(min_docs=5)))
    with pytest.raises(InvalidOptionError, match="not empty"):
        Index.create(path)
    manifest = json.loads((path / "manifest.json").read_text())
    (path / "manifest.json").write_text(json.dumps({**manifest, "format": 99, "dedup": "9.9"}))
    with pytest.raises(IndexFileError, match=f"format 99 .* reads formats 2 and {dedup.index.FORMAT_VERSION}"):
        Index.open(path)
    (path / "manifest.json").write_text(json.dumps(manifest))
    keys = path / "seg-00000" / "set_hashes.npy"
    keys.write_bytes(keys.read_bytes()[:-40])  # truncated
    with pytest.raises(IndexFileError, match="damaged"):
        Index.open(path)


def test_one_writer_at_a_time_and_a_crashed_save_leaves_the_last_one(tmp_path: Path, pool: list[str]) -> None:
    path = tmp_path / "idx"
    first = _build(path, [pool[:10]], reopen=False)  # holds the lock
    code = (
        "import sys; from dedup.index import Index, IndexFileError\n"
        "i = Index.open(sys.argv[1])\n"
        "try:\n    i.add(['x'])\nexcept IndexFileError as e:\n    print(e)\n"
    )
    run = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    assert f"being written by process {os.getpid()}" in run.stdout
    first.close()
    (path / ".lock").write_text("999999999")  # left by a process that is gone: taken over
    second = Index.open(path)
    second.add(pool[10:20])
    # a save that dies after writing its segment but before its manifest
    second._write_folder("seg-00001", second._pending[0])
    (path / ".tmp-seg-00002-deadbeef").mkdir()
    reopened = Index.open(path)
    assert len(reopened) == 10 and reopened.clusters() == dedup.find_duplicates(pool[:10], options=WHOLE)
    second.save()  # the orphan segment is replaced, the index moves on
    assert len(Index.open(path)) == 20


def test_index_commands_build_add_and_find_against(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pool: list[str]
) -> None:
    from dedup.cli import main

    old, new = tmp_path / "old.jsonl", tmp_path / "new.jsonl"
    old.write_text("".join(json.dumps({"id": f"o{i}", "text": t}) + "\n" for i, t in enumerate(pool[:30])))
    new.write_text("".join(json.dumps({"id": f"n{i}", "text": t}) + "\n" for i, t in enumerate(pool[40:])))
    path = tmp_path / "idx"
    assert main(["index", "build", str(old), "-o", str(path), "-q"]) == 0
    assert main(["index", "add", str(path), str(new), "-q"]) == 0
    assert Index.open(path).ids() == [f"o{i}" for i in range(30)] + [f"n{i}" for i in range(20)]
    assert "already holds" not in capsys.readouterr().err
    # the same INPUT added again: indexed again, as an index keeps every copy of an id, and said (even with -q)
    again = tmp_path / "again"
    assert main(["index", "build", str(old), "-o", str(again), "-q"]) == 0
    assert main(["index", "add", str(again), str(new), str(old), "-q"]) == 0
    assert len(Index.open(again)) == 80
    assert capsys.readouterr().err == (
        f"dedup: 30 documents added have an id {again} already holds ('o0', 'o1', 'o2', ...): indexed again, as "
        "second copies (were these INPUTs added before?)\n"
    )
    shutil.rmtree(again)
    query = tmp_path / "query.jsonl"
    query.write_text("".join(json.dumps({"id": f"q{i}", "text": pool[i]}) + "\n" for i in (0, 35)))
    assert main(["find", str(query), "--against", str(path), "--json", "-q"]) == 0
    (line,) = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert line["id"] == "q0" and [m["id"] for m in line["matches"]] == ["o0", "n0"]  # itself, its 85 % cut
    with pytest.raises(SystemExit) as exit_info:
        main(["index", "build", str(old), "-o", str(path), "-q"])
    assert exit_info.value.code == 2 and "holds an index: give a new folder, or --force" in capsys.readouterr().err
    assert main(["index", "build", str(new), "-o", str(path), "--force", "-q"]) == 0  # rebuilt from new alone
    assert Index.open(path).ids() == [f"n{i}" for i in range(20)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["idx", "new.jsonl", "old.jsonl", "query.jsonl"]
    other = tmp_path / "notes"
    other.mkdir()
    (other / "todo.txt").write_text("keep me")
    for extra in ([], ["--force"]):
        with pytest.raises(SystemExit) as exit_info:
            main(["index", "build", str(old), "-o", str(other), "-q", *extra])
        assert exit_info.value.code == 2 and "not an empty folder" in capsys.readouterr().err
    assert [p.name for p in other.iterdir()] == ["todo.txt"]  # a folder without an index is never replaced
    with pytest.raises(SystemExit) as exit_info:
        main(["find", str(query), "--against", str(tmp_path / "nowhere"), "-q"])
    assert exit_info.value.code == 2 and "holds no index: build one with dedup index build" in capsys.readouterr().err


def test_a_forced_rebuild_that_fails_leaves_the_old_index(
    tmp_path: Path, pool: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dedup.cli import main

    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(pool[:10])))
    path = tmp_path / "idx"
    assert main(["index", "build", str(corpus), "-o", str(path), "-q"]) == 0

    def broken(self: Index, *args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(Index, "add", broken)
    assert main(["index", "build", str(corpus), "-o", str(path), "--force", "-q"]) != 0
    assert Index.open(path).ids() == [f"d{i}" for i in range(10)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.jsonl", "idx"]  # no half-built folder left


def test_sampled_sets_keep_the_hashes_divisible_by_the_sample() -> None:
    from dedup.index.files import sampled

    hashes = np.array([4, 5, 8, 3, 12, 16, 17], dtype=np.uint32)
    offsets = np.array([0, 3, 3, 5, 7], dtype=np.int64)  # sets {4,5,8}, {}, {3,12}, {16,17}
    kept, kept_offsets = sampled((hashes, offsets), 4)
    assert kept.tolist() == [4, 8, 12, 16] and kept_offsets.tolist() == [0, 2, 2, 3, 4]
    assert sampled((hashes, offsets), 1)[0] is hashes


def test_a_sampled_index_is_smaller_and_estimates_near_the_exact_answers(tmp_path: Path, pool: list[str]) -> None:
    exact = _build(tmp_path / "exact", [pool], reopen=False)
    small = Index.create(tmp_path / "small", WHOLE, sample=4)
    small.add(pool)
    small.save()
    stored = np.load(tmp_path / "small" / "seg-00000" / "set_hashes.npy")
    assert (stored % 4 == 0).all()
    full = np.load(tmp_path / "exact" / "seg-00000" / "set_hashes.npy")
    assert 0.2 < stored.size / full.size < 0.3
    queries = pool[:5] + pool[40:45]  # five stories, five cut copies
    for mine, theirs in zip(Index.open(tmp_path / "small").query(queries), exact.query(queries)):
        assert {m.id for m in mine} == {m.id for m in theirs}
        for m, t in zip(sorted(mine, key=lambda m: m.id), sorted(theirs, key=lambda m: m.id)):
            assert abs(m.jaccard - t.jaccard) < 0.1 and abs(m.containment - t.containment) < 0.1
    with pytest.raises(InvalidOptionError, match="1 in 4 n-grams"):
        list(small.minhashes())
    with pytest.raises(InvalidOptionError, match="sample must be an int >= 1"):
        Index.create(tmp_path / "bad", sample=0)
