"""dedup.distributed on 1 and 3 Ray nodes of this machine, the driver in its own process (issue #20).

A cluster started with ``ray start`` (:mod:`benchmarks.cluster`): a head alone, or a head and
two worker nodes, one CPU each — on a 2-core machine three nodes oversubscribe it, so the
rows show the engine's overheads and the driver's memory, not a speed-up. The driver reads a
JSONL corpus with ``ray.data.read_json`` (on the workers), cleans it with
``cross_document=True`` and has the workers write the cleaned blocks. Corpus: People's Daily
as 200 documents of 8 paragraphs, copied ``scale`` times (each copy with its own edition
line), plus 40 pages in a site's template. Each row checks the findings against the single
machine's and records the driver's peak RSS (``peak_rss_bytes``), the peak of its own heap
(``peak_heap_bytes``, RssAnon sampled every 20 ms; ``heap_before_bytes`` once joined, before the
clean), of the object-store pages it mapped (``peak_shared_bytes``) and its own timing of the clean
(``clean_seconds``; the row's time also holds the driver's start, about 2 s). The long paragraphs
are matched on the driver (the engine's default at this size) or on the workers.

    python -m pytest benchmarks/test_bench_nodes.py --benchmark-json=nodes.json
    python -m benchmarks.report nodes.json
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import dedup
from benchmarks.cluster import LocalCluster, clean_on, local_cluster, news_corpus, ray_command
from benchmarks.common import describe
from benchmarks.data import peoples_daily_lines


@pytest.fixture(scope="module", params=[1, 3], ids=["1node", "3nodes"])
def cluster(request: pytest.FixtureRequest) -> Iterator[tuple[int, LocalCluster]]:
    pytest.importorskip("ray")
    pytest.importorskip("ray.data")
    if ray_command() is None:
        pytest.skip("the ray command is not installed")
    with local_cluster(workers=request.param - 1) as running:
        yield request.param, running


@pytest.mark.parametrize("scale", [4, 16])
@pytest.mark.parametrize("matching", ["driver", "workers"])
def test_clean_on_nodes(benchmark: Any, cluster: tuple[int, LocalCluster], scale: int, matching: str) -> None:
    """``matching``: where the long paragraphs are matched (``RayClusterEngine.paragraph_limit`` at its default,
    above these corpora, or 0)."""
    nodes, running = cluster
    lines = peoples_daily_lines()
    documents = ["\n".join(lines[i : i + 8]) for i in range(0, 1600, 8)]
    texts = news_corpus(documents, scale)
    expected = dedup.clean_report(texts, cross_document=True, with_clusters=True)
    # one scaling table per cluster and place of matching
    benchmark.group = f"distributed clean, {nodes} node{'s' * (nodes > 1)}, paragraphs matched on the {matching}"
    limit = 1_000_000 if matching == "driver" else 0
    results: list[dict[str, Any]] = []
    run = lambda: results.append(clean_on(running, texts, f"s{scale}", paragraph_limit=limit))  # noqa: E731
    benchmark.pedantic(run, rounds=2, iterations=1)
    last = results[-1]
    describe(
        benchmark,
        f"ray-{nodes}node",
        f"clean on {nodes} node{'s' * (nodes > 1)} (driver process)",
        texts,
        scale=scale,
        peak_rss_bytes=max(r["peak_rss_kb"] for r in results) * 1024,
        peak_heap_bytes=max(r["peak_anon_kb"] for r in results) * 1024,
        heap_before_bytes=min(r["anon_before_kb"] for r in results) * 1024,
        peak_shared_bytes=max(r["peak_shared_kb"] for r in results) * 1024,
        clean_seconds=min(r["seconds"] for r in results),
    )
    assert last["report"][0] == [c.to_dict() for c in expected.clusters]
