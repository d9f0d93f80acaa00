"""How much of a collection of source files cleaning removes, by reason (the README's "Source code" table).

Usage::

    python -m benchmarks.sourcecode 'python=/usr/lib/python3*/**/*.py' 'perl=/usr/share/perl/**/*.pm' \\
        [--files 300] [--seed 0] [--cross-document]

Each ``NAME=GLOB`` is a collection: at most ``--files`` of the files the glob finds (recursively), drawn with
``--seed``, read as UTF-8 (files that are not, or over 2 MB, are left out), cleaned in one ``dedup.clean`` call. A
line a collection: its documents, characters, and the characters removed, in all and by reason (``document`` for
the copies emptied whole). Source files lose nearly nothing but their copies; what they still lose is what to read.
"""

from __future__ import annotations

import argparse
import collections
import glob

import numpy as np

import dedup

_MAX_BYTES = 2_000_000


def collection(pattern: str, files: int, seed: int) -> list[str]:
    """The texts of at most ``files`` of the files ``pattern`` finds, drawn with ``seed``, in path order."""
    paths = sorted(glob.glob(pattern, recursive=True))
    if len(paths) > files:
        paths = sorted(np.random.default_rng(seed).choice(paths, files, replace=False).tolist())
    texts = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read(_MAX_BYTES + 1)
        except (OSError, UnicodeDecodeError):
            continue
        if text.strip() and len(text) <= _MAX_BYTES:
            texts.append(text)
    return texts


def removed(texts: list[str], cross_document: bool) -> tuple[int, collections.Counter[str]]:
    """Characters ``dedup.clean`` removes of ``texts``: in all, and by reason (``document`` for whole copies)."""
    reasons: collections.Counter[str] = collections.Counter()
    for cleaned in dedup.clean(texts, cross_document=cross_document):
        for r in cleaned.removed:
            reasons["document" if r.kind == "document" else r.reason] += r.end - r.start
    return sum(reasons.values()), reasons


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("collections", nargs="+", metavar="NAME=GLOB")
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cross-document", action="store_true")
    args = parser.parse_args(argv)
    print("| collection | documents | characters | removed | by reason |")
    print("|---|---:|---:|---:|---|")
    for item in args.collections:
        name, _, pattern = item.partition("=")
        texts = collection(pattern, args.files, args.seed)
        total = sum(map(len, texts))
        cut, reasons = removed(texts, args.cross_document)
        share = 100 * cut / max(total, 1)
        by = ", ".join(f"{k} {v:,}" for k, v in reasons.most_common())
        print(f"| {name} | {len(texts)} | {total:,} | {cut:,} ({share:.2f} %) | {by} |")


if __name__ == "__main__":
    main()
