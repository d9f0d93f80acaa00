"""Turn a pytest-benchmark JSON file into Markdown tables with speed ratios to peers.

Usage::

    python -m pytest benchmarks/test_bench_signatures.py --benchmark-json=run.json
    python -m benchmarks.report run.json [--subject dedup]

One table per benchmark group. Each row is one benchmark: its label, implementation, median
seconds, throughput and how many times faster the subject (``dedup``) is than it. Below the
table a line reads e.g. ``dedup.signatures = 23.1× datasketch …, 2.4× rensa …``. Nothing is
typed by hand: labels and implementations come from each benchmark's ``extra_info``
(``label``, ``impl``) or, failing that, its name; throughput from ``extra_info["docs"]``
(docs/s) and ``extra_info["total_bytes"]`` (MB/s, 10^6 bytes) divided by the median.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Row:
    """One benchmark's result, as the report needs it.

    Attributes
    ----------
    label : str
        Human name (``extra_info["label"]``, else the test name without ``test_``).
    impl : str
        Implementation (``extra_info["impl"]``, else the label); ratios are taken between impls.
    median : float
        Median seconds per call.
    rounds : int
        Number of timed rounds.
    docs : int or None
        Documents per call, if recorded.
    total_bytes : int or None
        Input bytes per call, if recorded.
    scale : int or None
        Corpus size multiple, for scaling benchmarks (``extra_info["scale"]``).
    peak_rss_bytes : int or None
        Peak resident memory of a run, if measured (``extra_info["peak_rss_bytes"]``).
    ari : float or None
        Adjusted Rand index of the clusters found, for end-to-end runs (``extra_info["ari"]``).
    """

    label: str
    impl: str
    median: float
    rounds: int
    docs: int | None
    total_bytes: int | None
    scale: int | None = None
    peak_rss_bytes: int | None = None
    ari: float | None = None


def row_from_benchmark(benchmark: Mapping[str, Any]) -> Row:
    """Build a :class:`Row` from one entry of the JSON's ``benchmarks`` list."""
    info = benchmark.get("extra_info") or {}
    name = str(benchmark["name"])
    label = str(info.get("label") or name.removeprefix("test_"))
    return Row(
        label=label,
        impl=str(info.get("impl") or label),
        median=float(benchmark["stats"]["median"]),
        rounds=int(benchmark["stats"]["rounds"]),
        docs=info.get("docs"),
        total_bytes=info.get("total_bytes"),
        scale=info.get("scale"),
        peak_rss_bytes=info.get("peak_rss_bytes"),
        ari=info.get("ari"),
    )


def rows_by_group(run: Mapping[str, Any]) -> dict[str, list[Row]]:
    """Group a run's benchmarks, fastest first within each group; groups in first-seen order."""
    groups: dict[str, list[Row]] = {}
    for benchmark in run.get("benchmarks", []):
        groups.setdefault(str(benchmark.get("group") or "(no group)"), []).append(row_from_benchmark(benchmark))
    return {group: sorted(rows, key=lambda row: row.median) for group, rows in groups.items()}


def format_ratio(ratio: float) -> str:
    """``23.1×``-style ratio: three significant digits, whole numbers from 100 up."""
    return f"{ratio:,.0f}×" if ratio >= 100 else f"{ratio:.3g}×"


def format_rate(rate: float) -> str:
    """Throughput with thousands separators, decimals only below 100."""
    return f"{rate:,.0f}" if rate >= 100 else f"{rate:.3g}"


def group_table(rows: Sequence[Row], subject: str) -> list[str]:
    """Markdown table lines for one group; one ratio column per subject row.

    The ratio in a row is ``row.median / subject.median``: how many times faster the subject
    is than that row (below 1 means the subject is slower).
    """
    subjects = [row for row in rows if row.impl == subject]
    show_docs = any(row.docs for row in rows)
    show_bytes = any(row.total_bytes for row in rows)
    show_ari = any(row.ari is not None for row in rows)
    header = ["benchmark", "impl", "median (s)", "rounds"]
    header += ["docs/s"] * show_docs + ["MB/s"] * show_bytes + ["ARI"] * show_ari
    header += [f"{s.label} speed-up" for s in subjects]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * 2 + "---:|" * (len(header) - 2)]
    for row in rows:
        cells = [row.label, row.impl, f"{row.median:.4g}", str(row.rounds)]
        if show_docs:
            cells.append(format_rate(row.docs / row.median) if row.docs else "")
        if show_bytes:
            mb_per_s = row.total_bytes / 1e6 / row.median if row.total_bytes else None
            cells.append(format_rate(mb_per_s) if mb_per_s is not None else "")
        if show_ari:
            cells.append(f"{row.ari:.3f}" if row.ari is not None else "")
        cells += [format_ratio(row.median / s.median) for s in subjects]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


RSS_TEXT_FACTOR = 3  # issue #6: peak RSS at 16x <= 3x the text size + 300 MB
RSS_ALLOWANCE = 300e6


def scaling_table(rows: Sequence[Row]) -> list[str]:
    """Markdown lines for a scaling group: per size the time, its growth, and peak memory.

    ``growth`` is the time ratio to the previous size divided by the text-size ratio: 1.0
    is linear, above 1 superlinear. ``RSS per added MB`` is the peak memory added per MB of
    text added since the previous size. ``budget`` is ``3 × text + 300 MB``.
    """
    rows = sorted(rows, key=lambda row: row.scale or 0)
    lines = [
        (
            "| size | docs | text (MB) | median (s) | MB/s | growth vs previous size | peak RSS (MB) | RSS per "
            "added MB of text | budget (MB) |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    previous: Row | None = None
    for row in rows:
        mb = (row.total_bytes or 0) / 1e6
        growth = per_mb = ""
        if previous is not None and previous.total_bytes and row.total_bytes:
            growth = f"{(row.median / previous.median) / (row.total_bytes / previous.total_bytes):.2f}× linear"
            if row.peak_rss_bytes and previous.peak_rss_bytes and row.total_bytes != previous.total_bytes:
                per_mb = (
                    f"{(row.peak_rss_bytes - previous.peak_rss_bytes) / (row.total_bytes - previous.total_bytes):.1f}"
                )
        rss = f"{row.peak_rss_bytes / 1e6:,.0f}" if row.peak_rss_bytes else ""
        budget = f"{(RSS_TEXT_FACTOR * (row.total_bytes or 0) + RSS_ALLOWANCE) / 1e6:,.0f}"
        lines.append(
            f"| {row.scale}× | {row.docs or ''} | {mb:.2f} | {row.median:.4g} | {format_rate(mb / row.median)} "
            f"| {growth} | {rss} | {per_mb} | {budget} |"
        )
        previous = row
    return lines


def ratio_sentences(rows: Sequence[Row], subject: str) -> list[str]:
    """One line per subject row: ``<subject> = 23.1× <peer>, 2.4× <peer>, …``."""
    sentences = []
    for s in (row for row in rows if row.impl == subject):
        peers = [row for row in rows if row.impl != subject]
        if peers:
            parts = ", ".join(f"{format_ratio(p.median / s.median)} {p.label}" for p in peers)
            sentences.append(f"{s.label} = {parts}")
    return sentences


def run_context(run: Mapping[str, Any]) -> str:
    """One line naming when and where the run happened, from the JSON's own metadata."""
    machine = run.get("machine_info") or {}
    cpu = machine.get("cpu") or {}
    commit = (run.get("commit_info") or {}).get("id")
    parts = [
        f"run {run.get('datetime', '?')}",
        f"Python {machine.get('python_version', '?')}",
        f"{cpu.get('brand_raw', machine.get('processor', '?'))}",
        f"{cpu.get('count', '?')} logical CPUs",
    ]
    if commit:
        parts.append(f"commit {str(commit)[:10]}")
    return "; ".join(parts)


def render(run: Mapping[str, Any], subject: str = "dedup") -> str:
    """The whole Markdown report for a pytest-benchmark JSON run.

    Parameters
    ----------
    run : mapping
        The parsed JSON written by ``--benchmark-json``.
    subject : str, default ``"dedup"``
        The ``impl`` whose speed the ratios express.

    Returns
    -------
    str
        Markdown: a context line, then per group a heading, a table and the ratio lines.
    """
    out = [f"_{run_context(run)}_", ""]
    for group, rows in rows_by_group(run).items():
        if all(row.scale for row in rows):
            out += [f"### {group}", "", *scaling_table(rows), ""]
            continue
        out += [f"### {group}", "", *group_table(rows, subject), ""]
        sentences = ratio_sentences(rows, subject)
        if sentences:
            out += [f"- {sentence}" for sentence in sentences]
        else:
            out.append(f"- no `{subject}` benchmark in this group: no ratios")
        out.append("")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print the report for one JSON file. Returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report", description=__doc__.split("\n")[0])
    parser.add_argument("run_json", type=Path, help="file written by pytest --benchmark-json")
    parser.add_argument("--subject", default="dedup", help="impl the ratios are about (default: dedup)")
    args = parser.parse_args(argv)
    try:
        run = json.loads(args.run_json.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        print(f"cannot read {args.run_json}: {error}", file=sys.stderr)
        return 2
    print(render(run, args.subject))
    return 0


if __name__ == "__main__":
    sys.exit(main())
