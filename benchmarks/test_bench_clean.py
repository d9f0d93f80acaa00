"""clean() throughput on People's Daily: the whole month as documents of 20 paragraphs.

Group ``clean``: one row per mode (each document alone, and ``cross_document``), each
recording ``docs`` and ``total_bytes`` so ``python -m benchmarks.report`` prints docs/s and MB/s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from benchmarks.common import describe
from benchmarks.data import peoples_daily_lines

ROUNDS = 3
clean_group = pytest.mark.benchmark(group="clean")


@pytest.fixture(scope="module")
def news_documents() -> list[str]:
    """The 19,484 paragraphs of January 1998, 20 consecutive paragraphs per document (975 documents, 5.5 MB)."""
    lines = peoples_daily_lines()
    return ["\n".join(lines[i : i + 20]) for i in range(0, len(lines), 20)]


@clean_group
@pytest.mark.parametrize("cross_document", [False, True], ids=["per-document", "cross-document"])
def test_clean_peoples_daily(
    benchmark: Any, news_documents: list[str], dedup_api: Callable[[str], Any], cross_document: bool
) -> None:
    clean = dedup_api("clean")
    clean(news_documents[:5])  # warm the normalization tables outside the timing
    describe(benchmark, "dedup", f"dedup.clean cross_document={cross_document}", news_documents)
    results = benchmark.pedantic(
        clean, args=(news_documents,), kwargs={"cross_document": cross_document}, rounds=ROUNDS, iterations=1
    )
    assert len(results) == len(news_documents)
