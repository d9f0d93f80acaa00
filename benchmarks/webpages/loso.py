"""Web-page boilerplate through ``dedup.clean``, leaving one source out: the table of the README.

::

    python -m benchmarks.webpages.loso --data DIR [--models DIR] [--json OUT]

``DIR`` holds the labelled pages, one JSONL file a source (see :mod:`benchmarks.webpages.fit`).
For every source, the line model is fitted on the *other* sources' pages (written to
``--models``, reused when present and readable by this dedup), and the source's pages are cleaned with it two ways:

- **one call**: every page of the file in one ``clean()`` call (corpus evidence of the site's
  recurring lines adds to the page model);
- **per page**: one ``clean()`` call per page.

A line counts as removed when at least half of its characters are. Scores are character-weighted
(a line weighs its non-space characters): boilerplate F1 at content recall. Rows: the
baselines "keep every line" and "lines under 5 characters", the hand rules
(``WebpageOptions(method="rules")``, which were tuned on the four development pages), and
the held-out line model, with the defaults and with repeated passages kept
(``remove={"boilerplate", "noise"}``: the copies of a passage a page repeats are labelled
content, so removing the repeat counts against content recall). ``all`` pools the pages of
every file, ``zh`` the Chinese ones. ``--only NAME`` runs the named methods only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

import dedup
from benchmarks.webpages import _counts, _scores
from benchmarks.webpages.fit import LabelledPage, leave_one_source_out, read_sources
from dedup.boilerplate import BoilerplateOptions
from dedup.errors import InvalidOptionError
from dedup.removals import REASONS
from dedup.webpage import WebpageOptions
from dedup.webpage.model import LineModel


def removed_lines(text: str, cleaned: dedup.Cleaned) -> np.ndarray:
    """bool ``[lines]``: the lines of ``text`` (split at ``\\n``) of which at least half is removed."""
    removed = np.zeros(len(text) + 1, dtype=np.int64)
    for r in cleaned.removed:
        removed[r.start] += 1
        removed[r.end] -= 1
    cut = np.cumsum(removed)[: len(text)] > 0
    lines = text.split("\n")
    starts = np.cumsum([0] + [len(line) + 1 for line in lines[:-1]])
    return np.array([len(line) > 0 and cut[s : s + len(line)].mean() >= 0.5 for s, line in zip(starts, lines)])


def _f1_recall(counts: np.ndarray) -> list[float]:
    """Boilerplate F1 and content recall of pooled counts (see :func:`benchmarks.webpages.evaluate`)."""
    pooled = _scores(counts)
    return [pooled.f1, pooled.content_recall]


def clean_method(
    options: WebpageOptions, remove: frozenset[str] = frozenset(REASONS)
) -> Callable[[Sequence[LabelledPage], bool], list[np.ndarray]]:
    """Predicted boilerplate lines of pages cleaned by ``dedup.clean`` in one call or one call a page."""
    boilerplate = BoilerplateOptions(webpage_options=options)

    def run(pages: Sequence[LabelledPage], one_call: bool) -> list[np.ndarray]:
        texts = ["\n".join(page.lines) for page in pages]
        if one_call:
            cleaned = dedup.clean(texts, boilerplate=boilerplate, remove=remove)
        else:
            cleaned = [dedup.clean([text], boilerplate=boilerplate, remove=remove)[0] for text in texts]
        return [removed_lines(text, c) for text, c in zip(texts, cleaned)]

    return run


#: ``remove`` without "duplicate": boilerplate and noise only. A page's repeated passages (a menu
#: printed twice, a list of chapters twice) are labelled content in both copies; this way shows
#: the boilerplate removal alone.
KEEP_REPEATS = frozenset({"boilerplate", "noise"})


def line_rule(predicate: Callable[[str], bool]) -> Callable[[Sequence[LabelledPage], bool], list[np.ndarray]]:
    def run(pages: Sequence[LabelledPage], one_call: bool) -> list[np.ndarray]:
        return [np.array([predicate(line) for line in page.lines], dtype=bool) for page in pages]

    return run


def models_ready(models: Path, sources: Sequence[str]) -> bool:
    """Whether ``models`` holds a held-out model of every source that this dedup can read.

    A model written by an earlier release, fitted on other features (or of another format), is
    not: the held-out models are fitted again rather than the run stopping on it.
    """
    for source in sources:
        try:
            LineModel.load(models / f"{source}.npz")
        except (FileNotFoundError, InvalidOptionError):
            return False
    return True


def evaluate(
    pages: Sequence[LabelledPage], models: Path, only: Sequence[str] = ()
) -> dict[str, dict[str, dict[str, list[float]]]]:
    """``{method: {way: {"file"|"all"|"zh": [f1, content recall]}}}`` (of the methods named in ``only``, if given)."""
    sources = sorted({page.source for page in pages})
    methods = {
        "keep every line": {s: line_rule(lambda line: False) for s in sources},
        "lines under 5 characters": {s: line_rule(lambda line: len("".join(line.split())) < 5) for s in sources},
        "hand rules": {s: clean_method(WebpageOptions(method="rules")) for s in sources},
        "line model, held out": {s: clean_method(WebpageOptions(model=str(models / f"{s}.npz"))) for s in sources},
        "line model, held out, no repeats removed": {
            s: clean_method(WebpageOptions(model=str(models / f"{s}.npz")), KEEP_REPEATS) for s in sources
        },
    }
    if only:
        methods = {name: methods[name] for name in only}
    out: dict[str, dict[str, dict[str, list[float]]]] = {}
    for name, per_source in methods.items():
        out[name] = {}
        for way, one_call in (("one call", True), ("per page", False)):
            rows: dict[str, list[float]] = {}
            total, zh = np.zeros(4), np.zeros(4)
            for source in sources:
                these = [page for page in pages if page.source == source]
                predicted = per_source[source](these, one_call)
                c = [_counts(page, p) for page, p in zip(these, predicted)]
                rows[source] = _f1_recall(np.sum(c, axis=0))
                total += np.sum(c, axis=0)
                zh += np.sum([x for page, x in zip(these, c) if page.lang == "zh"] or [np.zeros(4)], axis=0)
            rows["all"], rows["zh"] = _f1_recall(total), _f1_recall(zh)
            out[name][way] = rows
            print(f"{name}, {way}: all {rows['all'][0]:.3f} @ {rows['all'][1]:.3f}", file=sys.stderr, flush=True)
    return out


def table(results: dict[str, dict[str, dict[str, list[float]]]], pages: Sequence[LabelledPage]) -> str:
    """Markdown: one row per file (and all, zh), one column pair per method."""
    names = list(results)
    head = "| file | pages | " + " | ".join(f"{n}: one call | {n}: per page" for n in names) + " |"
    lines = [head, "|---|---:|" + "---|---|" * len(names)]
    sizes = {s: sum(p.source == s for p in pages) for s in {p.source for p in pages}}
    sizes["all"], sizes["zh"] = len(pages), sum(p.lang == "zh" for p in pages)
    for row in [*sorted(s for s in sizes if s not in ("all", "zh")), "all", "zh"]:
        cells = []
        for n in names:
            for way in ("one call", "per page"):
                f1, recall = results[n][way][row]
                cells.append(f"{f1:.3f} @ {recall:.3f}")
        label = f"**{row}**" if row in ("all", "zh") else row
        lines.append(f"| {label} | {sizes[row]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.webpages.loso", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder of labelled JSONL pages, one file a source")
    parser.add_argument("--models", type=Path, default=Path(".cache/dedup-loso-models"), help="held-out models")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    parser.add_argument("--only", action="append", default=[], help="run only this method (repeatable)")
    args = parser.parse_args(argv)
    pages = read_sources(args.data)
    if not pages:
        print(f"no labelled pages (*.jsonl) in {args.data}", file=sys.stderr)
        return 2
    sources = sorted({page.source for page in pages})
    if not models_ready(args.models, sources):
        leave_one_source_out(pages, out=args.models)
    results = evaluate(pages, args.models, args.only)
    print(table(results, pages))
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
