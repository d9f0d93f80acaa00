"""Fit the line model of :mod:`dedup.webpage.model` on labelled pages, and validate it source by source.

::

    python -m benchmarks.webpages.fit --data DIR [--out dedup/webpage/line_model.npz]
    python -m benchmarks.webpages.fit --data DIR --loso        # leave one source out, no model written

``DIR`` holds the labelled pages as JSONL, one file per source (``aeb.jsonl``, ``wcxb.jsonl``…:
the 916 pages described in the README's *Web pages* section, regenerated from their public
repositories by ``benchmarks/webpages/build_dev.py``). Every file found is a source.

The model: scikit-learn's ``HistGradientBoostingClassifier`` (100 trees of at most 15 leaves,
learning rate 0.1, at least 100 lines a leaf, L2 1.0), lines weighted by the square root of
their non-space characters, target "boilerplate". Its decision cut is the lowest probability
that keeps ``target`` (0.965) of the content characters of pages it did not see: the training
sources are split into three groups, a model fitted on two groups predicts the third, and the
cut is read on those out-of-group predictions (in-sample predictions would keep more content
than the model keeps on new sites), over the pages that pass ``looks_like_webpage`` (the only
ones the model is applied to). The trees are
exported as plain arrays; :class:`dedup.webpage.model.LineModel` evaluates them with numpy and
the export is checked against scikit-learn's own probabilities.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.webpages import Page
from dedup.webpage import line_features, looks_like_webpage
from dedup.webpage.model import MODEL_FEATURES, MODEL_PATH, LineModel, model_features

PARAMS = {
    "max_iter": 100,
    "learning_rate": 0.1,
    "max_leaf_nodes": 15,
    "min_samples_leaf": 100,
    "l2_regularization": 1.0,
}
TARGET = 0.965
GROUPS = 3  # groups of training sources for the out-of-group cut


@dataclass(frozen=True)
class LabelledPage(Page):
    """One page of a source file (:class:`benchmarks.webpages.Page`), with its source and language."""

    source: str = ""
    lang: str = ""


def read_sources(folder: Path, limit: int | None = None) -> list[LabelledPage]:
    """Every page of every ``*.jsonl`` in ``folder`` (the first ``limit`` of each file if given)."""
    pages = []
    for path in sorted(folder.glob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            records = [json.loads(line) for line in handle if line.strip()]
        for record in records[:limit]:
            pages.append(
                LabelledPage(
                    id=str(record["id"]),
                    lines=tuple(record["lines"]),
                    labels=tuple(int(x) for x in record["labels"]),
                    source=path.stem,
                    lang=str(record.get("lang", "")),
                )
            )
    return pages


def page_matrix(page: Page) -> np.ndarray:
    """float64 ``[m, len(MODEL_FEATURES)]``: the model's features of one page."""
    return model_features(line_features(list(page.lines)), list(page.lines))


def _cut_for(probabilities: np.ndarray, boilerplate: np.ndarray, weights: np.ndarray, target: float) -> float:
    """The lowest probability cut that keeps ``target`` of the content weight."""
    content = ~boilerplate
    order = np.argsort(-probabilities[content], kind="stable")
    p, w = probabilities[content][order], weights[content][order]
    lost = np.cumsum(w) / max(w.sum(), 1e-12)
    k = int(np.searchsorted(lost, 1 - target))  # the k most likely content lines may go
    return float(p[k]) if k < len(p) else 0.0


def export(classifier: object, cut: float) -> LineModel:
    """The trees of a fitted binary ``HistGradientBoostingClassifier`` as a :class:`LineModel`."""
    trees = [predictors[0].nodes for predictors in classifier._predictors]  # type: ignore[attr-defined]
    n = max(len(t) for t in trees)
    feature = np.zeros((len(trees), n), dtype=np.int32)
    threshold = np.full((len(trees), n), np.inf)
    left = np.tile(np.arange(n, dtype=np.int32), (len(trees), 1))
    right = left.copy()
    value = np.zeros((len(trees), n))
    for t, nodes in enumerate(trees):
        k = len(nodes)
        inner = ~nodes["is_leaf"].astype(bool)
        feature[t, :k][inner] = nodes["feature_idx"][inner]
        threshold[t, :k][inner] = nodes["num_threshold"][inner]
        left[t, :k][inner] = nodes["left"][inner]
        right[t, :k][inner] = nodes["right"][inner]
        value[t, :k][~inner] = nodes["value"][~inner]
    depth = int(max(nodes["depth"].max() for nodes in trees))
    baseline = float(np.ravel(classifier._baseline_prediction)[0])  # type: ignore[attr-defined]
    return LineModel(feature, threshold, left, right, value, baseline, cut, depth, MODEL_FEATURES)


def fit(
    pages: Sequence[LabelledPage], target: float = TARGET, matrices: Sequence[np.ndarray] | None = None
) -> LineModel:
    """Fit the line model on ``pages`` and export it (checked against scikit-learn's probabilities)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    xs = list(matrices) if matrices is not None else [page_matrix(page) for page in pages]
    x = np.vstack(xs)
    y = np.concatenate([page.boilerplate for page in pages])
    w = np.concatenate([page.weights for page in pages])

    def fitted(rows: np.ndarray) -> HistGradientBoostingClassifier:
        return HistGradientBoostingClassifier(**PARAMS, random_state=0).fit(
            x[rows], y[rows], sample_weight=np.sqrt(w[rows])
        )

    # Out-of-group predictions for the cut: sources in round-robin groups (one group: in-sample).
    sources = sorted({page.source for page in pages})
    group_of = {source: i % GROUPS for i, source in enumerate(sources)}
    line_group = np.concatenate([np.full(len(page.lines), group_of[page.source]) for page in pages])
    unseen = np.zeros(len(y))
    for group in sorted(set(group_of.values())):
        held = line_group == group
        unseen[held] = fitted(~held if (~held).any() else held).predict_proba(x[held])[:, 1]
    classifier = fitted(np.ones(len(y), dtype=bool))
    probabilities = classifier.predict_proba(x)[:, 1]
    # The model only ever sees pages that pass looks_like_webpage: the cut is read on those.
    applied = np.concatenate([np.full(len(page.lines), looks_like_webpage(list(page.lines))) for page in pages])
    model = export(classifier, _cut_for(unseen[applied], y[applied], w[applied], target))
    exported = model.probability(x)
    if not np.allclose(exported, probabilities, atol=1e-9, rtol=0):
        raise AssertionError(f"exported trees differ from scikit-learn's by {np.abs(exported - probabilities).max()}")
    return model


def leave_one_source_out(
    pages: Sequence[LabelledPage], target: float = TARGET, out: Path | None = None
) -> dict[str, LineModel]:
    """One model per source, fitted on the other sources' pages (written to ``out/<source>.npz`` if given)."""
    matrices = [page_matrix(page) for page in pages]
    models = {}
    for source in sorted({page.source for page in pages}):
        train = [i for i, page in enumerate(pages) if page.source != source]
        models[source] = fit([pages[i] for i in train], target, [matrices[i] for i in train])
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            models[source].save(out / f"{source}.npz")
        print(f"fitted without {source}: cut {models[source].cut:.3f}", file=sys.stderr, flush=True)
    return models


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.webpages.fit", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder of labelled JSONL pages, one file a source")
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="model file to write (default: the shipped one)")
    parser.add_argument("--loso", type=Path, default=None, help="write one held-out model per source into this folder")
    parser.add_argument("--target", type=float, default=TARGET, help="content recall the cut keeps on training pages")
    parser.add_argument("--limit", type=int, default=None, help="use the first N pages of each file only")
    args = parser.parse_args(argv)
    pages = read_sources(args.data, args.limit)
    if not pages:
        print(f"no labelled pages (*.jsonl) in {args.data}", file=sys.stderr)
        return 2
    if args.loso is not None:
        leave_one_source_out(pages, args.target, args.loso)
        return 0
    model = fit(pages, args.target)
    model.save(args.out)
    print(f"{len(pages)} pages, {sum(len(p.lines) for p in pages):,} lines -> {args.out} (cut {model.cut:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
