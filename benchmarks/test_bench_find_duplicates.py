"""find_duplicates end to end against a datasketch MinHashLSH pipeline, same texts, same run.

The texts are the quality benchmark's full generated corpus (1,054 pages with known reprint
clusters, ``benchmarks/quality``), so each row also records the ARI it reaches. dedup runs
with its defaults (also with ``processes=2``: line tables made on two processes), and without
the boilerplate analysis (``strip_boilerplate=False``),
the pipeline closest to datasketch's in what it does. The datasketch
pipeline is the one the quality benchmark sweeps: raw-text character 5-grams → ``MinHash`` →
``MinHashLSH`` insert/query → verified pairs → union-find, at its best threshold (0.3).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from benchmarks.common import describe
from benchmarks.quality.baseline import lsh_labels, minhashes
from benchmarks.quality.corpus import generate_corpus
from benchmarks.quality.metrics import adjusted_rand_index, clusters_to_labels

ROUNDS = 7
group = pytest.mark.benchmark(group="find_duplicates")


@pytest.fixture(scope="module")
def corpus() -> Any:
    return generate_corpus("full", seed=0)


@group
@pytest.mark.parametrize(
    ("label", "options"),
    [
        ("dedup.find_duplicates (defaults)", {}),
        ("dedup.find_duplicates (defaults, processes=2)", {"processes": 2}),
        ("dedup.find_duplicates(strip_boilerplate=False)", {"strip_boilerplate": False}),
    ],
    ids=["defaults", "defaults-2-processes", "no-boilerplate-stripping"],
)
def test_dedup_find_duplicates(
    benchmark: Any, corpus: Any, dedup_api: Callable[[str], Any], label: str, options: dict[str, Any]
) -> None:
    find_duplicates = dedup_api("find_duplicates")
    texts = list(corpus.texts)
    describe(benchmark, "dedup", label, corpus.texts)
    clusters = benchmark.pedantic(
        find_duplicates, args=(texts,), kwargs=options, rounds=ROUNDS, iterations=1, warmup_rounds=1
    )
    ari = adjusted_rand_index(corpus.story, clusters_to_labels(clusters, len(texts)))
    benchmark.extra_info["ari"] = round(float(ari), 4)
    assert ari >= 0.9


@group
def test_datasketch_minhashlsh_pipeline(benchmark: Any, corpus: Any) -> None:
    texts = list(corpus.texts)
    describe(benchmark, "datasketch", "datasketch MinHash + MinHashLSH(0.3) + union-find", corpus.texts)
    labels = benchmark.pedantic(lambda: lsh_labels(minhashes(texts), 0.3, verify=True), rounds=ROUNDS, iterations=1)
    benchmark.extra_info["ari"] = round(float(adjusted_rand_index(corpus.story, np.asarray(labels))), 4)
