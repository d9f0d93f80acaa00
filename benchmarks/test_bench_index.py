"""The saved index against recomputing from scratch, same texts, same run (issue #19).

Group ``index``: 10,000 new documents asked of an index of 100,000 (``Index.query``), against
``find_duplicates(strip_boilerplate=False)`` of all 110,000 — what a user without an index
runs every day. Documents are 300-character windows of People's Daily (``real_documents``):
they overlap, so every query finds candidates. Both rows record the 10,000 new documents, so
the report's docs/s and ratio are per new document.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import dedup
from benchmarks.common import describe
from benchmarks.data import real_documents

INDEXED, NEW, CHARS = 100_000, 10_000, 300
group = pytest.mark.benchmark(group="index")


@pytest.fixture(scope="module")
def texts() -> tuple[list[str], list[str]]:
    return real_documents(INDEXED, CHARS, seed=1), real_documents(NEW, CHARS, seed=2)


@pytest.fixture(scope="module")
def index(texts: tuple[list[str], list[str]], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("index") / "corpus.idx"
    with dedup.Index.create(path) as built:
        built.add(texts[0])
    yield path


@group
def test_query_a_saved_index(benchmark: Any, texts: tuple[list[str], list[str]], index: Path) -> None:
    opened = dedup.Index.open(index)
    describe(benchmark, "dedup", f"Index.query: {NEW:,} new against {INDEXED:,} indexed", texts[1])
    results = benchmark.pedantic(opened.query, args=(texts[1],), rounds=3, iterations=1, warmup_rounds=1)
    assert len(results) == NEW


@group
def test_recompute_from_scratch(benchmark: Any, texts: tuple[list[str], list[str]]) -> None:
    describe(benchmark, "from scratch", f"find_duplicates(strip_boilerplate=False) of all {INDEXED + NEW:,}", texts[1])
    everything = texts[0] + texts[1]
    clusters = benchmark.pedantic(
        dedup.find_duplicates, args=(everything,), kwargs={"strip_boilerplate": False}, rounds=3, iterations=1
    )
    assert clusters
