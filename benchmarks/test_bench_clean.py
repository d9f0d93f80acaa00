"""clean() throughput against the datasketch MinHashLSH pipeline, same texts, same run.

Group ``clean``: People's Daily, the whole month as documents of 20 paragraphs. Group
``clean-reprints``: the quality benchmark's full generated reprint corpus (1,054 web-like
pages). Group ``clean-traditional``: the same month in Traditional characters (OpenCC's
``s2t``), whose matching views go through ``t2s``. Each group has one row per ``clean`` mode
(cross-document also with ``processes=2`` for the first two: the batches tabulated on two
processes) and one for the datasketch pipeline of the quality benchmark (raw-text character
5-grams → ``MinHash`` → ``MinHashLSH(0.3)`` insert and query → verified pairs → union-find),
which only finds duplicate documents; each row records ``docs`` and ``total_bytes``, so
``python -m benchmarks.report`` prints MB/s and the ratio of the two.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from benchmarks.common import describe
from benchmarks.data import peoples_daily_lines
from benchmarks.quality.baseline import lsh_labels, minhashes
from benchmarks.quality.corpus import generate_corpus

ROUNDS = 3
clean_group = pytest.mark.benchmark(group="clean")
reprints_group = pytest.mark.benchmark(group="clean-reprints")
traditional_group = pytest.mark.benchmark(group="clean-traditional")


@pytest.fixture(scope="module")
def news_documents() -> list[str]:
    """The 19,484 paragraphs of January 1998, 20 consecutive paragraphs per document (975 documents, 5.5 MB)."""
    lines = peoples_daily_lines()
    return ["\n".join(lines[i : i + 20]) for i in range(0, len(lines), 20)]


@pytest.fixture(scope="module")
def traditional_documents(news_documents: list[str]) -> list[str]:
    """The month's documents converted to Traditional characters by OpenCC's ``s2t`` (the same 975 documents)."""
    import opencc

    converter = opencc.OpenCC("s2t")
    return [converter.convert(text) for text in news_documents]


@pytest.fixture(scope="module")
def reprint_pages() -> list[str]:
    """The quality benchmark's full generated corpus, seed 0 (1,054 pages)."""
    return list(generate_corpus("full", seed=0).texts)


def _clean(
    benchmark: Any, clean: Callable[..., Any], texts: list[str], cross_document: bool, processes: int = 1
) -> None:
    clean(texts[:5])  # warm the normalization tables outside the timing
    kwargs: dict[str, Any] = {"cross_document": cross_document}
    label = f"dedup.clean cross_document={cross_document}"
    if processes > 1:  # releases before the option took no such argument
        kwargs["processes"] = processes
        label += f" processes={processes}"
    describe(benchmark, "dedup", label, texts)
    results = benchmark.pedantic(clean, args=(texts,), kwargs=kwargs, rounds=ROUNDS, iterations=1)
    assert len(results) == len(texts)


def _datasketch(benchmark: Any, texts: list[str]) -> None:
    describe(benchmark, "datasketch", "datasketch MinHash + MinHashLSH(0.3) + union-find", texts)
    labels = benchmark.pedantic(lambda: lsh_labels(minhashes(texts), 0.3, verify=True), rounds=ROUNDS, iterations=1)
    assert len(labels) == len(texts)


@clean_group
@pytest.mark.parametrize(
    ("cross_document", "processes"),
    [(False, 1), (True, 1), (True, 2)],
    ids=["per-document", "cross-document", "cross-document-2-processes"],
)
def test_clean_peoples_daily(
    benchmark: Any, news_documents: list[str], dedup_api: Callable[[str], Any], cross_document: bool, processes: int
) -> None:
    _clean(benchmark, dedup_api("clean"), news_documents, cross_document, processes)


@clean_group
def test_datasketch_pipeline_peoples_daily(benchmark: Any, news_documents: list[str]) -> None:
    _datasketch(benchmark, news_documents)


@reprints_group
@pytest.mark.parametrize("processes", [1, 2], ids=["1-process", "2-processes"])
def test_clean_reprints(
    benchmark: Any, reprint_pages: list[str], dedup_api: Callable[[str], Any], processes: int
) -> None:
    _clean(benchmark, dedup_api("clean"), reprint_pages, True, processes)


@reprints_group
def test_datasketch_pipeline_reprints(benchmark: Any, reprint_pages: list[str]) -> None:
    _datasketch(benchmark, reprint_pages)


@traditional_group
def test_clean_traditional(benchmark: Any, traditional_documents: list[str], dedup_api: Callable[[str], Any]) -> None:
    _clean(benchmark, dedup_api("clean"), traditional_documents, True)


@traditional_group
def test_datasketch_pipeline_traditional(benchmark: Any, traditional_documents: list[str]) -> None:
    _datasketch(benchmark, traditional_documents)
