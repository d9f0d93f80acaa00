"""Where a Ray clean's time goes, driver or workers, and what that predicts for N nodes (issue #20).

::

    python -m benchmarks.ray_phases [--cpus 2] [--scales 4 16] [--paragraph-limit N] [--edge-limit N]
        [--run-limit N] [--json OUT]

Runs :func:`dedup.distributed.clean_report` (``cross_document=True``, the workers writing the
cleaned blocks) on a local Ray with ``--cpus`` CPUs, on the corpus of
``benchmarks/test_bench_nodes.py`` (People's Daily as 200 documents of 8 paragraphs, copied
``scale`` times, plus pages in a site's template), read from JSONL by ``ray.data.read_json`` on
the workers. Each phase is timed from the driver by wrapping the function that runs it:

- ``read + tabulate`` (workers): the dataset cut into blocks and every block tabulated — what
  :meth:`RayCleaner.plan` waits for before it joins the first table;
- ``join tables`` (driver): :class:`dedup.clean.TableBuilder` taking and joining the blocks' tables;
- ``paragraph matching`` (workers): the long paragraphs' buckets and verification, and the merge of
  every matched pair into passage runs (:func:`dedup.distributed.passages.passages_on_ray`: above the edge
  limit, their regions and components too), and the filter of the runs the plan cuts by
  (:meth:`dedup.distributed.regions.PassagesOnRay.cutting`, called from the plan);
- ``line classification`` (workers): every step of :class:`dedup.distributed.lines.RayLines` —
  the documents' own kinds, the recurring keys, the shared lines, the kinds, the web-page
  classifier, the views, the classified lines — but the driver's reading of the shared lines
  (:func:`dedup.boilerplate.classify.collection_kinds`), which counts as the driver's plan;
- ``document clustering`` (workers, with the driver building the views it ships): every call of
  the Ray cluster engine (the two family passes and the near-duplicate documents);
- ``plan on the driver``: :func:`dedup.clean.plan_clean` minus the clustering and the workers' line
  classification — the shared lines' kinds, the boilerplate families, the rest of paragraph matching
  (fragments, short paragraphs, runs), the cuts;
- ``paragraph comparisons`` (workers): what the plan's comparisons of paragraphs (duplicate members'
  own text, what passage runs' earlier copies hold) run as tasks where the views are
  (:meth:`dedup.distributed.lines.RemoteViews.each_call`), taken out of the driver's plan;
- ``clean + write`` (workers): :func:`dedup.distributed.io.write_cleaned`.

The model: the driver's phases do not shrink with nodes; the workers' phases are assumed to
shrink with the CPUs (``seconds × cpus / (nodes × cpus per node)``), which is the best case —
shuffles and scheduling add to it. It is printed for 1–64 nodes of 16 CPUs, with each phase's
seconds per million characters measured at the largest scale.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DRIVER_PHASES = ("join tables", "plan on the driver")
WORKER_PHASES = (
    "read + tabulate",
    "paragraph matching",
    "line classification",
    "document clustering",
    "paragraph comparisons",
    "clean + write",
)
#: The order the table prints them in.
PHASES = (
    "read + tabulate",
    "join tables",
    "paragraph matching",
    "line classification",
    "document clustering",
    "plan on the driver",
    "paragraph comparisons",
    "clean + write",
)


@contextmanager
def _timed(owner: Any, name: str, seconds: dict[str, float], key: str) -> Iterator[None]:
    """Time every call of ``owner.name`` into ``seconds[key]`` while the block runs."""
    original = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            seconds[key] = seconds.get(key, 0.0) + time.perf_counter() - start

    setattr(owner, name, wrapper)
    try:
        yield
    finally:
        setattr(owner, name, original)


def corpus(scale: int) -> list[str]:
    """The texts of ``benchmarks/test_bench_nodes.py`` at ``scale``."""
    from benchmarks.cluster import news_corpus
    from benchmarks.data import peoples_daily_lines

    lines = peoples_daily_lines()
    return news_corpus(["\n".join(lines[i : i + 8]) for i in range(0, 1600, 8)], scale)


def measure(
    texts: list[str],
    folder: Path,
    paragraph_limit: int = 0,
    edge_limit: int | None = None,
    run_limit: int | None = None,
) -> dict[str, float]:
    """Seconds per phase of one Ray clean of ``texts`` (Ray already initialised); ``paragraph_limit``, ``edge_limit``
    and ``run_limit`` as for :class:`dedup.distributed.RayClusterEngine` (``paragraph_limit`` 0, the default: long
    paragraphs matched on the workers, as a large corpus would be; ``edge_limit`` 0: documents clustered by rounds on
    Ray, ``run_limit`` 0: the passage runs' regions found there, as a large corpus would; None: the engine's
    default)."""
    import ray.data

    import dedup.distributed as dd
    from dedup.clean import TableBuilder
    from dedup.distributed import api, engine, lines, regions

    source = folder / "corpus.jsonl"
    source.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts), encoding="utf-8")
    seconds: dict[str, float] = {}
    timers: list[tuple[Any, str, str]] = [
        (api.RayCleaner, "plan", "plan (all)"),
        (TableBuilder, "add", "join tables"),
        (TableBuilder, "result", "join tables"),
        (engine.RayClusterEngine, "__call__", "document clustering"),
        (api, "passages_on_ray", "paragraph matching"),
        (api, "plan_clean", "plan_clean"),
        (api, "write_cleaned", "clean + write"),
        *((lines.RayLines, name, "lines (all)") for name in ("views", "corpus_kinds", "page_kinds", "chosen")),
        (lines, "collection_kinds", "shared lines' kinds"),
        (lines.RemoteViews, "each_call", "paragraph comparisons"),
        (regions.PassagesOnRay, "cutting", "runs filtered"),
    ]
    start = time.perf_counter()
    with _all(timers, seconds):
        dataset = ray.data.read_json(str(source))
        limits = {"paragraph_limit": paragraph_limit, "edge_limit": edge_limit, "run_limit": run_limit}
        limits = {name: value for name, value in limits.items() if value is not None}
        ray_engine = dd.RayClusterEngine(**limits)
        dd.clean_report(dataset, cross_document=True, out=str(folder / "out"), engine=ray_engine)
    seconds["total"] = time.perf_counter() - start
    seconds.setdefault("join tables", 0.0)
    seconds.setdefault("paragraph matching", 0.0)
    waited = seconds["plan (all)"] - seconds["join tables"] - seconds["plan_clean"] - seconds["paragraph matching"]
    seconds["read + tabulate"] = seconds["total"] - seconds["plan (all)"] - seconds["clean + write"] + waited
    seconds["line classification"] = seconds.get("lines (all)", 0.0) - seconds.get("shared lines' kinds", 0.0)
    clustered = seconds.get("document clustering", 0.0)
    seconds.setdefault("paragraph comparisons", 0.0)
    compared = seconds["paragraph comparisons"]
    filtered = seconds.get("runs filtered", 0.0)  # in the workers, from the plan: paragraph matching's
    seconds["paragraph matching"] += filtered
    seconds["plan on the driver"] = (
        seconds["plan_clean"] - clustered - seconds["line classification"] - compared - filtered
    )
    return seconds


@contextmanager
def _all(timers: list[tuple[Any, str, str]], seconds: dict[str, float]) -> Iterator[None]:
    if not timers:
        yield
        return
    (owner, name, key), rest = timers[0], timers[1:]
    with _timed(owner, name, seconds, key), _all(rest, seconds):
        yield


def model(per_mchar: dict[str, float], cpus: int, nodes: int, cpus_per_node: int) -> float:
    """Predicted seconds per million characters on ``nodes`` × ``cpus_per_node`` CPUs."""
    driver = sum(per_mchar[p] for p in DRIVER_PHASES)
    workers = sum(per_mchar[p] for p in WORKER_PHASES)
    return driver + workers * cpus / (nodes * cpus_per_node)


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ray_phases", description=__doc__.split("\n")[0])
    parser.add_argument("--cpus", type=int, default=2)
    parser.add_argument("--scales", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--paragraph-limit", type=int, default=0, help="RayClusterEngine.paragraph_limit (default 0: on the workers)"
    )
    parser.add_argument(
        "--edge-limit",
        type=int,
        default=None,
        help="RayClusterEngine.edge_limit (default: the engine's, 20 M; 0: documents clustered by rounds on Ray)",
    )
    parser.add_argument(
        "--run-limit",
        type=int,
        default=None,
        help="RayClusterEngine.run_limit (default: the engine's, 1 M; 0: the passage runs' regions on Ray)",
    )
    args = parser.parse_args(argv)
    import ray

    ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    rows = []
    try:
        for scale in args.scales:
            texts = corpus(scale)
            with tempfile.TemporaryDirectory() as folder:
                limits = (args.paragraph_limit, args.edge_limit, args.run_limit)
                measure(texts, Path(folder), *limits)  # warm the workers
                seconds = measure(texts, Path(folder), *limits)
            rows.append({"scale": scale, "docs": len(texts), "mchars": sum(map(len, texts)) / 1e6, **seconds})
    finally:
        ray.shutdown()
    phases = PHASES
    out(
        "| phase | where | "
        + " | ".join(f"{r['scale']}× ({r['docs']:,} docs, {r['mchars']:.2f} M chars)" for r in rows)
        + " |"
    )
    out("|---|---|" + "---:|" * len(rows))
    for phase in (*phases, "total"):
        where = "driver" if phase in DRIVER_PHASES else "workers" if phase in WORKER_PHASES else ""
        out(f"| {phase} | {where} | " + " | ".join(f"{r[phase]:.2f} s" for r in rows) + " |")
    largest = rows[-1]
    per_mchar = {p: largest[p] / largest["mchars"] for p in phases}
    out("")
    out(f"Model from the {largest['scale']}× run ({args.cpus} CPUs), seconds per million characters:")
    out("| nodes × 16 CPUs | predicted s / M chars | driver's share |")
    out("|---:|---:|---:|")
    predictions = {}
    for nodes in (1, 4, 16, 64):
        predicted = model(per_mchar, args.cpus, nodes, 16)
        driver = sum(per_mchar[p] for p in DRIVER_PHASES)
        predictions[nodes] = predicted
        out(f"| {nodes} | {predicted:.3f} | {driver / predicted:.0%} |")
    result = {"cpus": args.cpus, "rows": rows, "per_mchar": per_mchar, "predicted_s_per_mchar": predictions}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
