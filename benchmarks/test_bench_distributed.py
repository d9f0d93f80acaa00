"""dedup.distributed on a local Ray with 1 and 2 worker CPUs, beside the single-machine path.

The texts: People's Daily, January 1998, as 975 documents of 20 paragraphs, plus every
fourth of them reprinted inside a site's header and footer (1,219 documents, 2.3 million
characters, 244 clusters). Groups ``distributed find_duplicates`` (defaults: boilerplate
stripped, so the line analysis and three clustering passes run) and ``distributed clean``
(``cross_document=True``). Rows: ``dedup`` (this process, threads on every core),
``ray-1cpu`` and ``ray-2cpu`` (``ray.init(num_cpus=…)``, restarted between the two). Every
row checks that its result equals the single-machine one. Skipped without Ray
(``pip install 'dedup[ray]'``).

    python -m pytest benchmarks/test_bench_distributed.py --benchmark-json=ray.json
    python -m benchmarks.report ray.json                       # ratios to the single machine
    python -m benchmarks.report ray.json --subject ray-2cpu    # 2 CPUs against 1
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from benchmarks.common import describe
from benchmarks.data import peoples_daily_lines

ROUNDS = 3
HEADER = "人民网 > 新闻 > 国内新闻"
FOOTER = "责任编辑：王明 版权所有 人民网"
find_group = pytest.mark.benchmark(group="distributed find_duplicates")
clean_group = pytest.mark.benchmark(group="distributed clean")


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """975 documents of 20 paragraphs, then every fourth again between a header and a footer."""
    lines = peoples_daily_lines()
    documents = ["\n".join(lines[i : i + 20]) for i in range(0, len(lines), 20)]
    return documents + [f"{HEADER}\n{doc}\n{FOOTER}" for doc in documents[::4]]


@pytest.fixture(scope="module")
def local_results(texts: list[str]) -> dict[str, Any]:
    import dedup

    return {"find": dedup.find_duplicates(texts), "clean": dedup.clean(texts, cross_document=True)}


@pytest.fixture(scope="module", params=[1, 2], ids=["1cpu", "2cpu"])
def ray_cpus(request: pytest.FixtureRequest) -> Iterator[int]:
    """A local Ray with this many CPUs (a fresh one for each count)."""
    ray = pytest.importorskip("ray")
    pytest.importorskip("ray.data")
    if ray.is_initialized():
        ray.shutdown()
    ray.init(num_cpus=request.param, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    import ray.data

    ray.data.DataContext.get_current().enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    yield request.param
    ray.shutdown()


@find_group
def test_find_duplicates_single_machine(benchmark: Any, texts: list[str], local_results: dict[str, Any]) -> None:
    import dedup

    describe(benchmark, "dedup", "dedup.find_duplicates (this process)", texts)
    clusters = benchmark.pedantic(dedup.find_duplicates, args=(texts,), rounds=ROUNDS, iterations=1, warmup_rounds=1)
    assert clusters == local_results["find"] and len(clusters) == 244


@find_group
def test_find_duplicates_on_ray(benchmark: Any, texts: list[str], local_results: dict[str, Any], ray_cpus: int) -> None:
    from dedup import distributed

    describe(benchmark, f"ray-{ray_cpus}cpu", f"dedup.distributed.find_duplicates (Ray, {ray_cpus} CPU)", texts)
    clusters = benchmark.pedantic(
        distributed.find_duplicates, args=(texts,), rounds=ROUNDS, iterations=1, warmup_rounds=1
    )
    assert clusters == local_results["find"]


@clean_group
def test_clean_single_machine(benchmark: Any, texts: list[str], local_results: dict[str, Any]) -> None:
    import dedup

    describe(benchmark, "dedup", "dedup.clean cross_document=True (this process)", texts)
    cleaned = benchmark.pedantic(
        dedup.clean, args=(texts,), kwargs={"cross_document": True}, rounds=ROUNDS, iterations=1, warmup_rounds=1
    )
    assert cleaned == local_results["clean"]


@clean_group
def test_clean_on_ray(benchmark: Any, texts: list[str], local_results: dict[str, Any], ray_cpus: int) -> None:
    from dedup import distributed

    describe(
        benchmark, f"ray-{ray_cpus}cpu", f"dedup.distributed.clean cross_document=True (Ray, {ray_cpus} CPU)", texts
    )
    cleaned = benchmark.pedantic(
        distributed.clean, args=(texts,), kwargs={"cross_document": True}, rounds=ROUNDS, iterations=1, warmup_rounds=1
    )
    assert cleaned == local_results["clean"]
