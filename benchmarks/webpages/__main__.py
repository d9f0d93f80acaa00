"""``python -m benchmarks.webpages``: the character-weighted table, dev set and held-out set."""

from __future__ import annotations

import argparse
import sys

from benchmarks.webpages import DATA, METHODS, evaluate, load_pages


def _table(title: str, pages, methods) -> str:
    rows = [
        f"## {title}",
        "",
        "| method | page | boilerplate P | boilerplate R | boilerplate F1 | content recall |",
        "|---|---|---|---|---|---|",
    ]
    for name, method in methods.items():
        results = evaluate(pages, method)
        for page_id, s in results.items():
            label = f"**{page_id}**" if page_id == "all" else page_id
            rows.append(
                f"| {name} | {label} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.content_recall:.3f} |"
            )
    return "\n".join(rows)


def _lines(pages) -> str:
    """Every line with its label and prediction (for error analysis on the dev set)."""
    from dedup.webpage import classify_page_lines

    out = []
    for page in pages:
        labels, kinds = classify_page_lines(list(page.lines))
        out.append(f"=== {page.id}")
        for i, (line, gold, pred, kind) in enumerate(zip(page.lines, page.labels, labels, kinds)):
            mark = "  " if (gold == 0) == bool(pred) else ("FP" if pred else "FN")
            gold_mark = "C" if gold else "B"
            out.append(f"{mark} {i:4d} gold={gold_mark} {kind or 'content':14s} {line[:80]}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.webpages", description=__doc__)
    parser.add_argument("--lines", action="store_true", help="print every dev-set line with its label and prediction")
    parser.add_argument("--no-heldout", action="store_true", help="score the development set only")
    args = parser.parse_args(argv)
    dev = load_pages("readability_zh.jsonl")
    if args.lines:
        print(_lines(dev))
        return 0
    print(_table(f"Development set ({len(dev)} pages, {DATA.name}/readability_zh.jsonl)", dev, METHODS))
    if not args.no_heldout and (DATA / "heldout.jsonl").exists():
        held = load_pages("heldout.jsonl")
        print()
        title = (
            f"Held-out set ({len(held)} pages, {DATA.name}/heldout.jsonl; first runs blind, see {DATA.name}/README.md)"
        )
        print(_table(title, held, METHODS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
