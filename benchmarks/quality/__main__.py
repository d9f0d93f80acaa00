"""``python -m benchmarks.quality``: the quality table, side by side with datasketch.

::

    python -m benchmarks.quality                      # small preset, seed 0
    python -m benchmarks.quality --preset full --seed 1
    python -m benchmarks.quality -o containment=0.5   # any find_duplicates option
    python -m benchmarks.quality --sweep              # ARI / P / R over thresholds × ngram sizes
    python -m benchmarks.quality --dump corpus.jsonl  # the generated pages and ground truth
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Sequence
from typing import Any

from benchmarks.quality import TARGETS, evaluate, evaluate_baseline
from benchmarks.quality.corpus import (
    PRESETS,
    TRANSFORMS,
    GeneratedCorpus,
    generate_corpus,
)

NOT_IMPLEMENTED = "n/a (not implemented yet)"

# (key, label, kind) rows of the table; kind "pct" prints a percentage, "num" a ratio.
ROWS: tuple[tuple[str, str, str], ...] = (
    ("ari", "ARI (all docs, singletons included)", "num"),
    ("pair_precision", "pair precision", "num"),
    ("pair_recall", "pair recall", "num"),
    ("pair_f1", "pair F1", "num"),
    ("recall_all", "recall: every reprinted doc", "num"),
    ("recall_none", "recall: no transformation", "num"),
    *((f"recall_{t}", f"recall: {t}", "num") for t in TRANSFORMS),
    ("same_site_merged", "hard negatives merged: same-site pairs", "pct"),
    ("related_merged", "hard negatives merged: related-story pairs", "pct"),
    ("boilerplate_precision", "boilerplate char precision", "num"),
    ("boilerplate_recall", "boilerplate char recall", "num"),
    ("boilerplate_f1", "boilerplate char F1", "num"),
    ("duplicate_precision", "in-doc duplicate char precision", "num"),
    ("duplicate_recall", "in-doc duplicate char recall", "num"),
    ("duplicate_f1", "in-doc duplicate char F1", "num"),
    ("noise_precision", "noise char precision", "num"),
    ("noise_recall", "noise char recall", "num"),
    ("over_removal", "body over-removal", "pct"),
    ("find_seconds", "find_duplicates seconds", "sec"),
    ("clean_seconds", "clean seconds", "sec"),
)
CLUSTER_KEYS = {
    "ari",
    "pair_precision",
    "pair_recall",
    "pair_f1",
    "find_seconds",
    "same_site_merged",
    "related_merged",
} | {k for k, _, _ in ROWS if k.startswith("recall_")}


def _cell(value: Any, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if kind == "pct":
        return f"{100 * value:.2f}%"
    if kind == "sec":
        return f"{value:.2f}"
    return f"{value:.3f}"


def _target(key: str) -> str:
    if key not in TARGETS:
        return ""
    op, bound = TARGETS[key]
    shown = f"{100 * bound:.1f}%" if key == "over_removal" else f"{bound:g}"
    return f"{'≥' if op == '>=' else '≤'} {shown}"


def format_table(corpus: GeneratedCorpus, ours: dict[str, Any], baseline: dict[str, Any] | None) -> str:
    """One Markdown table: metric | dedup | datasketch best | target."""
    threshold = f" (t={baseline['threshold']:g}{', verified' if baseline['verify'] else ''})" if baseline else ""
    lines = [f"| metric | dedup | datasketch best{threshold} | target |", "|---|---|---|---|"]
    missing_find = "ari" not in ours
    missing_spans = "over_removal" not in ours
    errors = ours.get("errors", {})
    find_gap = "error (see below)" if "find_duplicates" in errors else NOT_IMPLEMENTED
    span_gap = "error (see below)" if set(errors) - {"find_duplicates"} else NOT_IMPLEMENTED
    for key, label, kind in ROWS:
        if key.startswith("recall_") and key not in ("recall_all", "recall_none"):
            label += f" (n={ours.get('count_' + key[7:], baseline.get('count_' + key[7:]) if baseline else '?')})"
        if key in ours:
            mine = _cell(ours[key], kind)
        elif key in CLUSTER_KEYS and missing_find:
            mine = find_gap
        elif key not in CLUSTER_KEYS and missing_spans:
            mine = span_gap
        else:
            mine = "—"
        theirs = _cell(baseline.get(key), kind) if baseline and key in CLUSTER_KEYS else "—"
        lines.append(f"| {label} | {mine} | {theirs} | {_target(key)} |")
    return "\n".join(lines)


def check_targets(result: dict[str, Any]) -> list[str]:
    """Metrics that miss their target (missing metrics are not counted)."""
    misses = []
    for key, (op, bound) in TARGETS.items():
        value = result.get(key)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        if (op == ">=" and value < bound) or (op == "<=" and value > bound):
            misses.append(f"{key} = {value:.4f} (target {op} {bound})")
    return misses


def run_sweep(
    corpus: GeneratedCorpus,
    thresholds: Sequence[float],
    ngrams: Sequence[int],
    num_perms: Sequence[int],
    containments: Sequence[float | None] = (None,),
    bands_rows: Sequence[tuple[int, int]] = (),
) -> str:
    """``find_duplicates`` over thresholds × ngram sizes × containment; at the best, num_perm and bands × rows.

    Returns
    -------
    str
        A Markdown table: options, ARI, pair precision / recall, the lowest recall of any
        transformation, seconds.
    """
    keys = ("threshold", "ngram", "containment", "num_perm", "bands", "rows")
    lines = [
        (
            "| threshold | ngram | containment | num_perm | bands | rows | ARI | pair P | pair R | min transform "
            "recall | seconds |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    best: tuple[float, dict[str, Any]] | None = None

    def row(options: dict[str, Any]) -> None:
        nonlocal best
        result = evaluate(corpus, run_clean=False, **options)
        shown = " | ".join(str(options.get(k, "default")) for k in keys)
        if "ari" not in result:
            reason = result["errors"].get("find_duplicates", NOT_IMPLEMENTED)
            lines.append(f"| {shown} | {reason} | | | | |")
            return
        recalls = [result[f"recall_{t}"] for t in TRANSFORMS if not math.isnan(result[f"recall_{t}"])]
        lines.append(
            f"| {shown} | {result['ari']:.3f} | {result['pair_precision']:.3f} | {result['pair_recall']:.3f} "
            f"| {min(recalls):.3f} | {result['find_seconds']:.2f} |"
        )
        if best is None or result["ari"] > best[0]:
            best = (result["ari"], options)

    for containment in containments:
        for ngram in ngrams:
            for threshold in thresholds:
                options: dict[str, Any] = {"threshold": threshold, "ngram": ngram}
                if containment is not None:
                    options["containment"] = containment
                row(options)
    if best is not None:
        stage = best[1]
        for num_perm in num_perms:
            row({**stage, "num_perm": num_perm})
        for bands, rows in bands_rows:
            row({**stage, "num_perm": bands * rows, "bands": bands, "rows": rows})
    return "\n".join(lines)


def dump(corpus: GeneratedCorpus, path: str) -> None:
    """Write the pages and their ground truth as JSON lines."""
    with open(path, "w", encoding="utf-8") as out:
        for i, text in enumerate(corpus.texts):
            record = {
                "id": i,
                "text": text,
                "story": int(corpus.story[i]),
                "site": int(corpus.site[i]),
                "archetype": corpus.sites[int(corpus.site[i])].archetype,
                "original": bool(corpus.original[i]),
                "transforms": list(corpus.transforms[i]),
                "boilerplate_spans": corpus.boilerplate_spans[i],
                "repeat_spans": corpus.repeat_spans[i],
                "noise_spans": corpus.noise_spans[i],
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def parse_options(pairs: Sequence[str]) -> dict[str, Any]:
    """``KEY=VALUE`` strings as keyword arguments; values are JSON when they parse (``0.5``, ``null``)."""
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise SystemExit(f"option {pair!r} is not KEY=VALUE")
        try:
            options[key] = json.loads(value)
        except json.JSONDecodeError:
            options[key] = value
    return options


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.quality", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--preset", choices=sorted(PRESETS), default="small")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--threshold", type=float, default=None, help="find_duplicates threshold (default: the library's)"
    )
    parser.add_argument(
        "-o",
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="another find_duplicates option, e.g. -o containment=0.5 -o ngram=5 (value parsed as JSON if it can be)",
    )
    parser.add_argument("--clean-option", action="append", default=[], metavar="KEY=VALUE", help="a dedup.clean option")
    parser.add_argument(
        "--sweep", action="store_true", help="sweep threshold × ngram (then num_perm) instead of the table"
    )
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.5, 0.6, 0.7, 0.8, 0.9])
    parser.add_argument("--ngrams", type=int, nargs="+", default=[3, 4, 5, 6])
    parser.add_argument("--num-perms", type=int, nargs="+", default=[64, 128, 256])
    parser.add_argument(
        "--containments", nargs="+", default=["none"], help="containment values to sweep ('none' = option not passed)"
    )
    parser.add_argument(
        "--bands-rows",
        nargs="*",
        default=["8x16", "16x8", "32x4", "64x2"],
        help="LSH shapes BxR tried at the best setting",
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the datasketch baseline")
    parser.add_argument("--dump", metavar="PATH", help="also write the corpus as JSON lines")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    corpus = generate_corpus(args.preset, seed=args.seed)
    summary = corpus.summary()
    print(
        f"corpus: preset={args.preset} seed={args.seed} docs={summary['docs']} stories={summary['stories']} "
        f"(reprinted {summary['reprinted_stories']}, singletons {summary['singletons']}) chars={summary['chars']:,} "
        f"boilerplate={summary['boilerplate_share']:.1%} repeats={summary['repeat_share']:.1%} "
        f"noise={summary['noise_share']:.1%} [{time.perf_counter() - start:.1f}s]"
    )
    if args.dump:
        dump(corpus, args.dump)
    if args.sweep:
        containments = [None if c == "none" else float(c) for c in args.containments]
        shapes = [tuple(int(x) for x in shape.split("x")) for shape in args.bands_rows]
        print(run_sweep(corpus, args.thresholds, args.ngrams, args.num_perms, containments, shapes))
        return 0
    options = parse_options(args.option)
    if args.threshold is not None:
        options["threshold"] = args.threshold
    ours = evaluate(corpus, clean_options=parse_options(args.clean_option), **options)
    if options:
        print("find_duplicates options: " + ", ".join(f"{k}={v!r}" for k, v in options.items()))
    baseline = None if args.no_baseline else evaluate_baseline(corpus)
    print()
    print(format_table(corpus, ours, baseline))
    for name, message in ours["errors"].items():
        print(f"\n{name} failed: {message}", file=sys.stderr)
    if "span_source" in ours and ours["span_source"] != "clean":
        print("\n(span metrics from find_boilerplate / find_repeated_passages: dedup.clean is not available)")
    misses = check_targets(ours)
    if misses:
        print("\nbelow target: " + "; ".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
