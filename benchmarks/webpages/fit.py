"""Fit the line model of :mod:`dedup.webpage.model` on labelled pages, and validate it source by source.

::

    python -m benchmarks.webpages.fit --data DIR [--out dedup/webpage/line_model.npz] [--loso MODELS]

``DIR`` holds the labelled pages as JSONL, one file per source (``aeb.jsonl``, ``wcxb.jsonl``…:
the 916 pages described in the README's *Web pages* section, regenerated from their public
repositories by ``benchmarks/webpages/build_dev.py``). Every file found is a source.

The model: two stages of scikit-learn's ``HistGradientBoostingClassifier`` (100 trees of at
most 15 leaves, learning rate 0.1, at least 100 lines a leaf, L2 1.0), lines weighted by the
square root of their non-space characters, target "boilerplate". The first stage reads the
line features; the second reads them and the first stage's probabilities of the line, its
neighbours and its page, fitted on out-of-group predictions (the training sources in three
groups of about equal size, each predicted by a first stage fitted on the other two).

The decision cut is the lowest probability that keeps ``target`` (0.98) of the content
characters of pages from sources the model did not see: one model is fitted without each
source (leave one source out), every page is predicted by the model that did not see its
source, as cleaning applies it (on a list page only furniture lines go), on the pages that
pass the strict clause of ``looks_like_webpage`` (the others count as kept), and the cut is read
on those predictions pooled. A
held-out model's own cut is read the same way on the other sources only (``--loso`` writes
them, for :mod:`benchmarks.webpages.loso`). The trees are exported as plain arrays;
:class:`dedup.webpage.model.LineModel` evaluates them with numpy and the export is checked
against scikit-learn's own probabilities.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from benchmarks.webpages import Page
from dedup.webpage import line_features
from dedup.webpage.base import _F, FEATURES, _default_options
from dedup.webpage.classes import _furniture_kinds
from dedup.webpage.model import (
    MODEL_FEATURES,
    MODEL_PATH,
    LineModel,
    context_features,
    kept_on_list_pages,
    model_features,
)
from dedup.webpage.pages import _clearly_a_page, _figures, page_evidence
from dedup.webpage.trees import Trees

PARAMS = {
    "max_iter": 100,
    "learning_rate": 0.1,
    "max_leaf_nodes": 15,
    "min_samples_leaf": 100,
    "l2_regularization": 1.0,
}
TARGET = 0.98
GROUPS = 3  # groups of training sources for the out-of-group cut


@dataclass(frozen=True)
class LabelledPage(Page):
    """One page of a source file (:class:`benchmarks.webpages.Page`), with its source and language."""

    source: str = ""
    lang: str = ""


def read_sources(folder: Path, limit: int | None = None) -> list[LabelledPage]:
    """Every page of every ``*.jsonl`` in ``folder`` (the first ``limit`` of each file if given), files in name order.

    A page whose lines and labels a file read before holds is read once, as that file's: the data set's
    ``readability_zh.jsonl`` repeats four pages of ``readability.jsonl``, and read twice they would be in the
    training sources of the model that leaves the other file out (a leak in the leave-one-source-out figures).
    """
    pages: list[LabelledPage] = []
    seen: dict[tuple[tuple[str, ...], tuple[int, ...]], str] = {}
    for path in sorted(folder.glob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            records = [json.loads(line) for line in handle if line.strip()]
        again: dict[str, int] = {}
        for record in records[:limit]:
            page = LabelledPage(
                id=str(record["id"]),
                lines=tuple(record["lines"]),
                labels=tuple(int(x) for x in record["labels"]),
                source=path.stem,
                lang=str(record.get("lang", "")),
            )
            first = seen.setdefault((page.lines, page.labels), path.stem)
            if first == path.stem:
                pages.append(page)
            else:
                again[first] = again.get(first, 0) + 1
        for first, count in again.items():
            print(f"{path.name}: {count} page(s) already read from {first}.jsonl, read once", file=sys.stderr)
    return pages


def page_matrix(page: Page) -> np.ndarray:
    """float64 ``[m, len(MODEL_FEATURES)]``: the model's features of one page."""
    return model_features(line_features(list(page.lines)), list(page.lines))


def _cut_for(probabilities: np.ndarray, boilerplate: np.ndarray, weights: np.ndarray, target: float) -> float:
    """The lowest probability cut that keeps ``target`` of the content weight (lines at or above it go)."""
    content = ~boilerplate
    order = np.argsort(-probabilities[content], kind="stable")
    p, w = probabilities[content][order], weights[content][order]
    lost = np.cumsum(w) / max(w.sum(), 1e-12)
    k = int(np.searchsorted(lost, 1 - target))  # the k most likely content lines may go, line k may not
    return float(np.nextafter(p[k], np.inf)) if k < len(p) else 0.0


def export_trees(classifier: object) -> Trees:
    """The trees of a fitted binary ``HistGradientBoostingClassifier`` as plain arrays."""
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
    return Trees(feature, threshold, left, right, value, baseline, depth)


def _bounds(pages: Sequence[Page]) -> np.ndarray:
    """int64 ``[n_pages + 1]``: the pages' rows in the stacked matrix."""
    return np.concatenate(([0], np.cumsum([len(page.lines) for page in pages]))).astype(np.int64)


def _groups(pages: Sequence[LabelledPage]) -> dict[str, int]:
    """Training sources in ``GROUPS`` groups of about equal lines (largest source first into the smallest group)."""
    lines: dict[str, int] = {}
    for page in pages:
        lines[page.source] = lines.get(page.source, 0) + len(page.lines)
    load, group_of = [0] * GROUPS, {}
    for source in sorted(lines, key=lambda s: (-lines[s], s)):
        group_of[source] = min(range(GROUPS), key=lambda g: (load[g], g))
        load[group_of[source]] += lines[source]
    return group_of


def fit_stages(pages: Sequence[LabelledPage], matrices: Sequence[np.ndarray] | None = None) -> LineModel:
    """Fit the two stages on ``pages`` and export them (checked against scikit-learn's probabilities).

    The second stage is fitted on the first stage's out-of-group predictions (the training
    sources in ``GROUPS`` groups of about equal size, each predicted by a first stage fitted
    on the others), as it will read the first stage's predictions on new sites. The cut is
    left at 0.5 (see :func:`fit`).
    """
    from sklearn.ensemble import HistGradientBoostingClassifier

    x = np.vstack(list(matrices) if matrices is not None else [page_matrix(page) for page in pages])
    y = np.concatenate([page.boilerplate for page in pages])
    w = np.concatenate([page.weights for page in pages])
    bounds = _bounds(pages)
    chars = x[:, _F["chars"]]

    def fitted(features: np.ndarray, rows: np.ndarray) -> HistGradientBoostingClassifier:
        return HistGradientBoostingClassifier(**PARAMS, random_state=0).fit(
            features[rows], y[rows], sample_weight=np.sqrt(w[rows])
        )

    group_of = _groups(pages)
    line_group = np.concatenate([np.full(len(page.lines), group_of[page.source]) for page in pages])
    unseen = np.zeros(len(y))  # out-of-group (one group: in-sample)
    for group in sorted(set(group_of.values())):
        held = line_group == group
        unseen[held] = fitted(x, ~held if (~held).any() else held).predict_proba(x[held])[:, 1]
    everything = np.ones(len(y), dtype=bool)
    first = fitted(x, everything)
    second = fitted(np.hstack([x, context_features(unseen, chars, bounds)]), everything)
    model = LineModel(export_trees(first), export_trees(second), 0.5, MODEL_FEATURES)
    expected = second.predict_proba(np.hstack([x, context_features(first.predict_proba(x)[:, 1], chars, bounds)]))[:, 1]
    exported = model.probability(x, bounds)
    if not np.allclose(exported, expected, atol=1e-9, rtol=0):
        raise AssertionError(f"exported trees differ from scikit-learn's by {np.abs(exported - expected).max()}")
    return model


def page_probabilities(model: LineModel, page: LabelledPage, matrix: np.ndarray) -> np.ndarray:
    """float64 ``[m]``: the model's probabilities for one page's lines as cleaning uses them: 0 for
    the lines a list page keeps (:func:`dedup.webpage.model.list_pages`), and for all lines of
    a page that is not clearly a web page: the cut is read on the pages that pass the strict clause of
    ``looks_like_webpage`` (the model is applied to the pages of its wider clause too, with that cut)."""
    if not _clearly_a_page(*_figures(page_evidence(list(page.lines), features=matrix[:, : len(FEATURES)])))[0]:
        return np.zeros(len(matrix))
    bounds = np.array([0, len(matrix)], dtype=np.int64)
    p = model.probability(matrix, bounds)
    furniture = _furniture_kinds(matrix, _default_options()) != ""
    return np.where(kept_on_list_pages(p, matrix[:, _F["chars"]], furniture, bounds), 0.0, p)


def _cut_on(pages: Sequence[LabelledPage], probabilities: Sequence[np.ndarray], target: float) -> float:
    """The cut that keeps ``target`` of the content characters of ``pages`` (one array of probabilities a page)."""
    if not pages:
        return 0.5
    y = np.concatenate([page.boilerplate for page in pages])
    w = np.concatenate([page.weights for page in pages])
    return _cut_for(np.concatenate(list(probabilities)), y, w, target)


def leave_one_source_out(
    pages: Sequence[LabelledPage],
    target: float = TARGET,
    out: Path | None = None,
    matrices: Sequence[np.ndarray] | None = None,
) -> tuple[dict[str, LineModel], list[np.ndarray]]:
    """One model per source, fitted on the other sources' pages, with its cut (saved to ``out/<source>.npz``).

    The cut of the model without source ``s`` is read on the held-out predictions of the
    *other* sources (each predicted by the model fitted without it): the cut that keeps
    ``target`` of their content characters. Nothing of ``s`` chooses it.

    Returns
    -------
    models : dict
        Source → its held-out model.
    probabilities : list of np.ndarray
        Every page's held-out probabilities (:func:`page_probabilities`), in ``pages`` order.
    """
    matrices = list(matrices) if matrices is not None else [page_matrix(page) for page in pages]
    sources = sorted({page.source for page in pages})
    models = {}
    for source in sources:
        train = [i for i, page in enumerate(pages) if page.source != source]
        models[source] = fit_stages([pages[i] for i in train], [matrices[i] for i in train])
        print(f"fitted without {source}", file=sys.stderr, flush=True)
    held = [page_probabilities(models[page.source], page, m) for page, m in zip(pages, matrices)]
    for source in sources:
        others = [i for i, page in enumerate(pages) if page.source != source]
        cut = _cut_on([pages[i] for i in others], [held[i] for i in others], target)
        models[source] = replace(models[source], cut=cut)
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            models[source].save(out / f"{source}.npz")
        print(f"model without {source}: cut {cut:.3f}", file=sys.stderr, flush=True)
    return models, held


def fit(pages: Sequence[LabelledPage], target: float = TARGET, loso: Path | None = None) -> LineModel:
    """The line model fitted on all ``pages``, its cut read on every source's held-out predictions.

    The cut is the lowest probability that keeps ``target`` of the content characters of
    pages whose source the model did not see (the models of :func:`leave_one_source_out`,
    written to ``loso`` if given): predictions on the training pages themselves would keep
    far more content than the model keeps on new sites.
    """
    matrices = [page_matrix(page) for page in pages]
    _, held = leave_one_source_out(pages, target, loso, matrices)
    return replace(fit_stages(pages, matrices), cut=_cut_on(pages, held, target))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.webpages.fit", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder of labelled JSONL pages, one file a source")
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="model file to write (default: the shipped one)")
    parser.add_argument("--loso", type=Path, default=None, help="also write the held-out model of each source here")
    parser.add_argument("--target", type=float, default=TARGET, help="content recall the cut keeps on unseen sources")
    parser.add_argument("--limit", type=int, default=None, help="use the first N pages of each file only")
    args = parser.parse_args(argv)
    pages = read_sources(args.data, args.limit)
    if not pages:
        print(f"no labelled pages (*.jsonl) in {args.data}", file=sys.stderr)
        return 2
    model = fit(pages, args.target, args.loso)
    model.save(args.out)
    print(f"{len(pages)} pages, {sum(len(p.lines) for p in pages):,} lines -> {args.out} (cut {model.cut:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
