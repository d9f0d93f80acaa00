"""The saved index against recomputing from scratch, same texts, same run (issue #19).

10,000 new documents asked of an index of 100,000 (``Index.query``), against
``find_duplicates`` of all 110,000 — what a user without an index runs every day — with the
same options: group ``index`` with the defaults (boilerplate stripped), group
``index-whole`` with ``strip_boilerplate=False``. Documents are 300-character windows of
People's Daily (``real_documents``): they overlap, so every query finds candidates. Every row
records the 10,000 new documents, so the report's docs/s and ratio are per new document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import dedup
from benchmarks.common import describe
from benchmarks.data import real_documents

INDEXED, NEW, CHARS = 100_000, 10_000, 300
MODES = {"index": dedup.DuplicateOptions(), "index-whole": dedup.DuplicateOptions(strip_boilerplate=False)}


@pytest.fixture(scope="module")
def texts() -> tuple[list[str], list[str]]:
    return real_documents(INDEXED, CHARS, seed=1), real_documents(NEW, CHARS, seed=2)


@pytest.fixture(scope="module")
def indexes(texts: tuple[list[str], list[str]], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    paths = {}
    for mode, options in MODES.items():
        paths[mode] = tmp_path_factory.mktemp(mode) / "corpus.idx"
        with dedup.Index.create(paths[mode], options) as built:
            built.add(texts[0])
    return paths


@pytest.mark.parametrize("mode", sorted(MODES))
def test_query_a_saved_index(
    benchmark: Any, mode: str, texts: tuple[list[str], list[str]], indexes: dict[str, Path]
) -> None:
    benchmark.group = mode
    opened = dedup.Index.open(indexes[mode])
    describe(benchmark, "dedup", f"Index.query: {NEW:,} new against {INDEXED:,} indexed", texts[1])
    results = benchmark.pedantic(opened.query, args=(texts[1],), rounds=3, iterations=1, warmup_rounds=1)
    assert len(results) == NEW


@pytest.mark.parametrize("mode", sorted(MODES))
def test_recompute_from_scratch(benchmark: Any, mode: str, texts: tuple[list[str], list[str]]) -> None:
    benchmark.group = mode
    options = MODES[mode]
    what = "defaults" if options.strip_boilerplate else "strip_boilerplate=False"
    describe(benchmark, "from scratch", f"find_duplicates({what}) of all {INDEXED + NEW:,}", texts[1])
    everything = texts[0] + texts[1]
    clusters = benchmark.pedantic(dedup.find_duplicates, args=(everything,), kwargs={"options": options}, rounds=3)
    assert clusters
