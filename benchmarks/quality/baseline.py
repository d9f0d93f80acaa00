"""The reference point: datasketch ``MinHashLSH`` on raw text.

What a user gets without ``dedup``: no normalization, character 5-gram shingles of the raw
page, ``MinHash(num_perm=128)``, ``MinHashLSH(threshold=t)`` insert and query, and
connected components (union-find) over the query results — optionally keeping only the
pairs whose estimated Jaccard reaches ``t``. The threshold is swept and the best ARI kept.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from benchmarks.quality.metrics import Scores, adjusted_rand_index, pair_scores

__all__ = ["BaselineRun", "minhashes", "lsh_labels", "sweep", "best_run", "THRESHOLDS"]

THRESHOLDS: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass(frozen=True)
class BaselineRun:
    """One threshold of the datasketch baseline."""

    threshold: float
    verify: bool
    labels: np.ndarray  # int64 [n_docs]
    ari: float
    pairs: Scores
    seconds: float


def minhashes(texts: Sequence[str], *, ngram: int = 5, num_perm: int = 128, seed: int = 1) -> list[MinHash]:
    """datasketch MinHashes of the raw texts' character ``ngram``-shingle sets.

    A text shorter than ``ngram`` is one shingle.
    """
    result = []
    for text in texts:
        shingles = {text[i : i + ngram] for i in range(len(text) - ngram + 1)} or {text}
        m = MinHash(num_perm=num_perm, seed=seed)
        m.update_batch([s.encode("utf-8") for s in sorted(shingles)])
        result.append(m)
    return result


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def lsh_labels(
    signatures: Sequence[MinHash], threshold: float, *, num_perm: int = 128, verify: bool = False
) -> np.ndarray:
    """Connected components of the LSH candidate graph.

    Parameters
    ----------
    signatures : sequence of datasketch.MinHash
    threshold : float
        ``MinHashLSH`` Jaccard threshold (it picks bands × rows).
    verify : bool
        Keep only candidates whose estimated Jaccard is at least ``threshold``.

    Returns
    -------
    numpy.ndarray
        int64 [n_docs]: component id (the smallest member index).
    """
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    for i, m in enumerate(signatures):
        lsh.insert(i, m)
    parent = list(range(len(signatures)))
    for i, m in enumerate(signatures):
        for j in lsh.query(m):
            if j <= i or (verify and m.jaccard(signatures[j]) < threshold):
                continue
            a, b = _find(parent, i), _find(parent, j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return np.array([_find(parent, i) for i in range(len(parent))], dtype=np.int64)


def sweep(
    texts: Sequence[str],
    true_labels: np.ndarray,
    thresholds: Sequence[float] = THRESHOLDS,
    *,
    ngram: int = 5,
    num_perm: int = 128,
    verify_modes: Sequence[bool] = (False, True),
) -> list[BaselineRun]:
    """Run the baseline at every threshold (and verification mode).

    The signatures are computed once; each run's ``seconds`` is signature time plus its own
    LSH time.
    """
    start = time.perf_counter()
    signatures = minhashes(texts, ngram=ngram, num_perm=num_perm)
    sketch_seconds = time.perf_counter() - start
    runs = []
    for verify in verify_modes:
        for t in thresholds:
            start = time.perf_counter()
            labels = lsh_labels(signatures, t, num_perm=num_perm, verify=verify)
            seconds = sketch_seconds + time.perf_counter() - start
            runs.append(
                BaselineRun(
                    t,
                    verify,
                    labels,
                    adjusted_rand_index(true_labels, labels),
                    pair_scores(true_labels, labels),
                    seconds,
                )
            )
    return runs


def best_run(runs: Sequence[BaselineRun]) -> BaselineRun:
    """The run with the highest ARI (ties: the higher pair F1, then the lower threshold)."""
    return max(runs, key=lambda r: (r.ari, r.pairs.f1, -r.threshold))
