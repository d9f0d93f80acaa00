"""The quality benchmark through a saved index: clusters of an index built in several saves.

::

    python -m benchmarks.quality.index [--preset full] [--seed N] [--saves 1 4 10]

Prints the ARI and pair precision/recall of ``find_duplicates`` (defaults, and without
the boilerplate analysis) beside ``Index.clusters()`` of indexes built from the same
shuffled pages in 1, 4 or 10 saves, with their defaults (boilerplate found within each
save and against the index) and with ``strip_boilerplate=False``; and, for the last tenth
of the pages queried against an index of the rest, the recall and precision of the
ground-truth pairs that cross the split.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

import dedup
from benchmarks.quality import clustering_metrics, generate_corpus
from benchmarks.quality.corpus import PRESETS
from benchmarks.quality.metrics import clusters_to_labels

WHOLE = dedup.DuplicateOptions(strip_boilerplate=False)


def index_clusters(texts: list[str], saves: int, options: dedup.DuplicateOptions, folder: Path) -> list:
    """``Index.clusters()`` of ``texts`` added in ``saves`` consecutive parts, each saved."""
    index = dedup.Index.create(folder, options)
    for part in np.array_split(np.arange(len(texts)), saves):
        index.add([texts[i] for i in part.tolist()])
        index.save()
    return index.clusters()


def query_pairs(texts: list[str], story: np.ndarray, options: dedup.DuplicateOptions, folder: Path) -> dict:
    """Recall and precision of the ground-truth pairs between the last tenth and the rest, found by query."""
    split = len(texts) * 9 // 10
    index = dedup.Index.create(folder, options)
    index.add(texts[:split])
    index.save()
    found = {(split + q, int(m.id)) for q, matches in enumerate(index.query(texts[split:])) for m in matches}
    truth = {(q, d) for q in range(split, len(texts)) for d in np.flatnonzero(story[:split] == story[q]).tolist()}
    hits = len(found & truth)
    return {"pairs": len(truth), "recall": hits / max(len(truth), 1), "precision": hits / max(len(found), 1)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="full")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--saves", type=int, nargs="+", default=[1, 4, 10])
    args = parser.parse_args(argv)
    corpus = generate_corpus(args.preset, seed=args.seed)
    texts, n = list(corpus.texts), len(corpus.texts)
    print(f"corpus: preset={args.preset} seed={args.seed} docs={n}")
    print("| clusters of | ARI | pair precision | pair recall |\n|---|---:|---:|---:|")

    def row(name: str, clusters: list) -> None:
        m = clustering_metrics(corpus, clusters_to_labels(clusters, n))
        print(f"| {name} | {m['ari']:.3f} | {m['pair_precision']:.3f} | {m['pair_recall']:.3f} |", flush=True)

    row("find_duplicates (defaults)", dedup.find_duplicates(texts))
    row("find_duplicates(strip_boilerplate=False)", dedup.find_duplicates(texts, options=WHOLE))
    with tempfile.TemporaryDirectory() as tmp:
        for saves in args.saves:
            for name, options in (("defaults", dedup.DuplicateOptions()), ("strip_boilerplate=False", WHOLE)):
                folder = Path(tmp) / f"{saves}-{len(name)}"
                row(f"Index ({name}), {saves} save{'s' * (saves > 1)}", index_clusters(texts, saves, options, folder))
        print("\n| query: last tenth against the rest | pairs | recall | precision |\n|---|---:|---:|---:|")
        for name, options in (("defaults", dedup.DuplicateOptions()), ("strip_boilerplate=False", WHOLE)):
            q = query_pairs(texts, corpus.story, options, Path(tmp) / f"q-{len(name)}")
            print(f"| Index ({name}) | {q['pairs']} | {q['recall']:.3f} | {q['precision']:.3f} |", flush=True)


if __name__ == "__main__":
    main()
