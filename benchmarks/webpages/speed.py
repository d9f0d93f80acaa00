"""Time ``clean(cross_document=True)`` and ``find_duplicates`` on labelled web pages against the datasketch pipeline.

    python -m benchmarks.webpages.speed --data DIR [--rounds N]

Every page of every ``*.jsonl`` file of ``DIR`` as :func:`benchmarks.webpages.fit.read_sources` reads them (a page
that two files hold, once), each page's lines joined by newlines, in one call; the three timed one after the other,
the best of ``--rounds``: the README's row for the labelled web pages, which do not ship
with the project (so it is no pytest-benchmark file). The pipeline is the benchmarks' own
(:func:`benchmarks.quality.baseline.lsh_labels` of :func:`benchmarks.quality.baseline.minhashes`).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import dedup
from benchmarks.quality.baseline import lsh_labels, minhashes
from benchmarks.webpages.fit import read_sources


def pages(folder: Path) -> list[str]:
    """Each page's lines joined by newlines, in :func:`benchmarks.webpages.fit.read_sources`' order."""
    return ["\n".join(page.lines) for page in read_sources(folder)]


def best(fn: Callable[[], object], rounds: int) -> float:
    """The shortest of ``rounds`` timings of ``fn()`` in seconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.webpages.speed", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder of labelled JSONL pages, one file a source")
    parser.add_argument("--rounds", type=int, default=2, help="timings of each, the best reported (default 2)")
    args = parser.parse_args(argv)
    texts = pages(args.data)
    if not texts:
        parser.error(f"no records in {args.data}/*.jsonl")
    mb = sum(len(text.encode("utf-8", "surrogatepass")) for text in texts) / 1e6
    dedup.clean(texts[:5], cross_document=True)  # the tables, outside the timing
    clean = best(lambda: dedup.clean(texts, cross_document=True), args.rounds)
    find = best(lambda: dedup.find_duplicates(texts), args.rounds)
    pipeline = best(lambda: lsh_labels(minhashes(texts), 0.3, verify=True), args.rounds)
    print(
        f"{len(texts)} pages, {mb:.1f} MB: clean {clean:.2f} s ({pipeline / clean:.2f}x the pipeline, "
        f"{mb / clean:.2f} MB/s); find_duplicates {find:.2f} s ({pipeline / find:.2f}x); pipeline {pipeline:.2f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
