"""The Ray driver's traced memory peak while it cleans the node benchmark's corpus, scale by scale.

Usage::

    python -m benchmarks.driver_memory [--scales 4 16 32 64] [--edge-limit 0] [--run-limit 0] [--batch-size 100]
        [--cpus 2] [--top 5] [--spill]

The corpus is ``benchmarks/test_bench_nodes.py``'s (200 People's Daily stories printed ``scale`` times, plus pages
in a site's template: :func:`benchmarks.ray_phases.corpus`), written as JSONL and read by ``ray.data.read_json`` on
a local Ray of ``--cpus`` CPUs; ``dedup.distributed.clean_report`` cleans it with the long paragraphs matched on the
workers (``paragraph_limit=0``), blocks of ``--batch-size`` documents, the workers writing the cleaned documents. A
first clean warms the workers; the second runs inside ``memray.Tracker`` (Python allocations of the driver process,
Ray's own included, the object store's mapping and the imports not), and the table gives its seconds, the traced
peak and the allocation sites that hold the most at that peak (``--top``). ``--edge-limit 0`` makes every document
clustering run by rounds on Ray, ``--run-limit 0`` the passage runs' regions, as a collection above the limits would.
"""

from __future__ import annotations

import argparse
import collections
import json
import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.ray_phases import corpus


def peak_sites(trace: Path, top: int) -> list[tuple[float, str]]:
    """The ``top`` allocation sites holding the most at a memray trace's peak: (MB, the three innermost frames of the
    library, else the innermost frame), largest first."""
    import memray

    sizes: collections.Counter[str] = collections.Counter()
    for record in memray.FileReader(trace).get_high_watermark_allocation_records(merge_threads=True):
        frames = record.stack_trace(max_stacks=40)
        ours = [f for f in frames if "/dedup/" in f[1]] or frames[:1]
        site = " <- ".join(f"{name} ({path.rsplit('/', 1)[-1]}:{line})" for name, path, line in ours[:3])
        sizes[site or "no Python frame (Ray's own)"] += record.size
    return [(size / 1e6, site) for site, size in sizes.most_common(top)]


def measure(
    texts: list[str],
    folder: Path,
    edge_limit: int | None,
    top: int,
    run_limit: int | None = None,
    batch_size: int = 100,
    spill: bool = False,
) -> dict[str, Any]:
    """One traced clean of ``texts`` (Ray already initialised), after one untraced: ``seconds``, ``peak_mb`` and the
    ``sites`` of :func:`peak_sites`."""
    import memray
    import ray.data

    import dedup.distributed as dd

    source = folder / "corpus.jsonl"
    source.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts), encoding="utf-8")
    limits = {"edge_limit": edge_limit, "run_limit": run_limit}
    engine = dd.RayClusterEngine(paragraph_limit=0, **{k: v for k, v in limits.items() if v is not None})

    def clean(out: str) -> None:
        dataset = ray.data.read_json(str(source))
        options = {"cross_document": True, "with_clusters": True, "batch_size": batch_size, "engine": engine}
        spilled = folder / f"{out}-spill" if spill else None
        if spilled is not None:
            spilled.mkdir()
        dd.clean_report(dataset, out=folder / out, spill=spilled, **options)

    clean("warm")
    trace = folder / "driver.bin"
    start = time.perf_counter()
    with memray.Tracker(trace):
        clean("out")
    seconds = time.perf_counter() - start
    peak = memray.FileReader(trace).metadata.peak_memory
    return {"seconds": seconds, "peak_mb": peak / 1e6, "sites": peak_sites(trace, top)}


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.driver_memory", description=__doc__.split("\n")[0])
    parser.add_argument("--cpus", type=int, default=2)
    parser.add_argument("--scales", type=int, nargs="+", default=[4, 16, 32, 64])
    parser.add_argument("--edge-limit", type=int, default=None, help="RayClusterEngine.edge_limit (default: 20 M)")
    parser.add_argument("--run-limit", type=int, default=None, help="RayClusterEngine.run_limit (default: 1 M)")
    parser.add_argument("--batch-size", type=int, default=100, help="documents a block (default 100)")
    parser.add_argument("--top", type=int, default=3, help="allocation sites listed at each peak")
    parser.add_argument("--spill", action="store_true", help="the tables' columns to a folder, as the command does")
    args = parser.parse_args(argv)
    import ray
    import ray.data

    ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    ray.data.DataContext.get_current().enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    rows = []
    try:
        for scale in args.scales:
            texts = corpus(scale)
            with tempfile.TemporaryDirectory() as folder:
                measured = measure(
                    texts, Path(folder), args.edge_limit, args.top, args.run_limit, args.batch_size, args.spill
                )
            rows.append({"scale": scale, "docs": len(texts), **measured})
    finally:
        ray.shutdown()
    out("| scale | documents | clean | traced peak | largest at the peak |")
    out("|---:|---:|---:|---:|---|")
    for row in rows:
        sites = "; ".join(f"{mb:.1f} MB {site}" for mb, site in row["sites"])
        out(f"| {row['scale']}× | {row['docs']:,} | {row['seconds']:.1f} s | {row['peak_mb']:.1f} MB | {sites} |")
    return rows


if __name__ == "__main__":
    main()
