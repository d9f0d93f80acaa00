"""Matching-view and segmentation speed on People's Daily (January 1998), with OpenCC as the yardstick.

The ``normalize`` group times, on the whole corpus (19,484 paragraphs, 5.5 MB of UTF-8):

- ``dedup.matching_texts`` over the paragraphs — the deduplication hot path;
- ``dedup.normalize_many`` (views plus offset maps, batched) and ``dedup.normalize`` one
  document at a time, over documents of eight paragraphs;
- OpenCC ``t2s`` alone on the whole corpus in one call — the floor: every view runs it;
- ``dedup.segment_many`` into paragraphs and into sentences.

Each benchmark records ``extra_info`` for ``python -m benchmarks.report``: ``impl``,
``label``, ``docs``, ``total_chars`` and ``total_bytes`` (MB/s is ``total_bytes`` over the
median).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from benchmarks.common import describe
from benchmarks.data import peoples_daily_lines
from dedup.normalize import matching_texts, normalize, normalize_many
from dedup.segment import segment_many

ROUNDS = 3
PARAGRAPHS_PER_DOC = 8

normalize_group = pytest.mark.benchmark(group="normalize")


@pytest.fixture(scope="module")
def paragraphs() -> list[str]:
    """The corpus, one paragraph per item."""
    return peoples_daily_lines()


@pytest.fixture(scope="module")
def documents(paragraphs: list[str]) -> list[str]:
    """The corpus as 2,436 documents of eight consecutive paragraphs."""
    step = PARAGRAPHS_PER_DOC
    return ["\n".join(paragraphs[i : i + step]) for i in range(0, len(paragraphs), step)]


def run(benchmark: Any, function: Callable[[Sequence[str]], Any], texts: Sequence[str]) -> Any:
    """One warm-up call (tables, OpenCC dictionaries), then ``ROUNDS`` timed rounds."""
    return benchmark.pedantic(function, args=(texts,), rounds=ROUNDS, iterations=1, warmup_rounds=1)


@normalize_group
def test_matching_texts(benchmark: Any, paragraphs: list[str]) -> None:
    describe(benchmark, "dedup", "dedup.matching_texts (paragraphs)", paragraphs)
    views = run(benchmark, matching_texts, paragraphs)
    assert len(views) == len(paragraphs) and views[0].startswith("迈向充满希望的新世纪")


@normalize_group
def test_normalize_many_with_offsets(benchmark: Any, documents: list[str]) -> None:
    describe(benchmark, "dedup", "dedup.normalize_many with offsets (8-paragraph docs)", documents)
    views = run(benchmark, normalize_many, documents)
    assert [view.text for view in views[:50]] == matching_texts(documents[:50])


@normalize_group
def test_normalize_one_by_one(benchmark: Any, documents: list[str]) -> None:
    describe(benchmark, "dedup", "dedup.normalize per document (8-paragraph docs)", documents)
    views = run(benchmark, lambda texts: [normalize(text) for text in texts], documents)
    assert [view.text for view in views[:50]] == matching_texts(documents[:50])


@normalize_group
def test_opencc_t2s_alone(benchmark: Any, paragraphs: list[str]) -> None:
    import opencc

    converter = opencc.OpenCC("t2s")
    whole = ["\n".join(paragraphs)]
    describe(benchmark, "opencc", "OpenCC t2s alone (one call, whole corpus)", whole)
    converted = run(benchmark, lambda texts: [converter.convert(text) for text in texts], whole)
    assert len(converted[0]) == len(whole[0])


@normalize_group
def test_segment_paragraphs(benchmark: Any, documents: list[str]) -> None:
    describe(benchmark, "dedup", "dedup.segment_many paragraphs (8-paragraph docs)", documents)
    units = run(benchmark, lambda texts: segment_many(texts, "paragraph"), documents)
    assert len(units) == len(documents) and len(units.spans) >= 0.98 * len(paragraphs_of(documents))


@normalize_group
def test_segment_sentences(benchmark: Any, documents: list[str]) -> None:
    describe(benchmark, "dedup", "dedup.segment_many sentences (8-paragraph docs)", documents)
    units = run(benchmark, lambda texts: segment_many(texts, "sentence"), documents)
    assert len(units.spans) > 2 * len(paragraphs_of(documents))


def paragraphs_of(documents: Sequence[str]) -> list[str]:
    return [line for document in documents for line in document.split("\n") if line.strip()]
