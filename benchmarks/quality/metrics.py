"""Quality metrics: clusterings against ground truth, and character spans against spans.

All functions are pure and work on numpy arrays; pair counts come from contingency tables,
never from enumerating pairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "Scores",
    "clusters_to_labels",
    "contingency",
    "adjusted_rand_index",
    "pair_scores",
    "joint_pairs",
    "merged_between",
    "found_mask",
    "recall_by_transform",
    "spans_mask",
    "char_scores",
    "over_removal",
]


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1, with the counts they come from."""

    precision: float
    recall: float
    f1: float
    true_positive: int
    predicted: int
    actual: int

    @classmethod
    def from_counts(cls, true_positive: int, predicted: int, actual: int) -> Scores:
        """Scores from counts; precision is 1 when nothing is predicted, recall 1 when nothing is true."""
        precision = true_positive / predicted if predicted else 1.0
        recall = true_positive / actual if actual else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(precision, recall, f1, int(true_positive), int(predicted), int(actual))


# --------------------------------------------------------------------------- clusterings


def clusters_to_labels(clusters: Iterable[Any], n_docs: int) -> np.ndarray:
    """Cluster memberships as one label per document; unclustered documents are singletons.

    Parameters
    ----------
    clusters : iterable
        Objects with a ``members`` attribute (``dedup.Cluster``) or sequences of doc indices.
    n_docs : int

    Returns
    -------
    numpy.ndarray
        int64 [n_docs]; cluster ``k`` gets label ``k``, singletons labels from ``len(clusters)`` up.

    Raises
    ------
    ValueError
        If a document is in two clusters or an index is out of range.
    """
    labels = np.full(n_docs, -1, dtype=np.int64)
    k = -1
    for k, cluster in enumerate(clusters):
        members = np.asarray(getattr(cluster, "members", cluster), dtype=np.int64)
        if members.size and (members.min() < 0 or members.max() >= n_docs):
            raise ValueError(f"cluster {k} has a member outside [0, {n_docs})")
        if (labels[members] >= 0).any():
            raise ValueError(f"cluster {k} shares a document with an earlier cluster")
        labels[members] = k
    alone = labels < 0
    labels[alone] = k + 1 + np.arange(int(alone.sum()))
    return labels


def contingency(true_labels: np.ndarray, pred_labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sizes of the non-empty cells, true classes and predicted clusters.

    Returns
    -------
    cells, true_sizes, pred_sizes : numpy.ndarray
        int64 counts of each non-empty (true, pred) cell, true class and predicted cluster.
    """
    true_labels = np.asarray(true_labels)
    pred_labels = np.asarray(pred_labels)
    if true_labels.shape != pred_labels.shape or true_labels.ndim != 1:
        raise ValueError("labelings must be 1-d and of equal length")
    _, t = np.unique(true_labels, return_inverse=True)
    _, p = np.unique(pred_labels, return_inverse=True)
    pairs = np.stack([t.ravel(), p.ravel()], axis=1)
    _, cells = np.unique(pairs, axis=0, return_counts=True) if len(pairs) else (None, np.zeros(0, np.int64))
    return cells.astype(np.int64), np.bincount(t).astype(np.int64), np.bincount(p).astype(np.int64)


def _pairs(counts: np.ndarray) -> int:
    counts = counts.astype(np.int64)
    return int((counts * (counts - 1) // 2).sum())


def adjusted_rand_index(true_labels: np.ndarray, pred_labels: np.ndarray) -> float:
    """Hubert–Arabie adjusted Rand index over all documents, singletons included.

    Parameters
    ----------
    true_labels, pred_labels : numpy.ndarray
        [n] labels of any dtype.

    Returns
    -------
    float
        1 for identical partitions (including when both are all-singletons or one block),
        about 0 for independent ones.
    """
    cells, a, b = contingency(true_labels, pred_labels)
    n = int(a.sum())
    index, sum_a, sum_b = _pairs(cells), _pairs(a), _pairs(b)
    total = n * (n - 1) // 2
    if total == 0:
        return 1.0
    expected = sum_a * sum_b / total
    maximum = (sum_a + sum_b) / 2
    if maximum == expected:  # both partitions trivial in the same way
        return 1.0
    return float((index - expected) / (maximum - expected))


def pair_scores(true_labels: np.ndarray, pred_labels: np.ndarray) -> Scores:
    """Precision, recall and F1 over all unordered document pairs.

    A pair is positive when both documents share a label; counts come from the contingency
    table (``sum C(n_ij, 2)`` etc.).
    """
    cells, a, b = contingency(true_labels, pred_labels)
    return Scores.from_counts(_pairs(cells), _pairs(b), _pairs(a))


def joint_pairs(*labelings: np.ndarray) -> int:
    """Unordered pairs of documents that agree on every one of the labelings.

    ``joint_pairs(site) - joint_pairs(site, story)`` counts the pairs on the same site with
    different stories, for instance.
    """
    if not labelings or len(labelings[0]) == 0:
        return 0
    codes = np.stack([np.unique(np.asarray(labels), return_inverse=True)[1].ravel() for labels in labelings], axis=1)
    _, counts = np.unique(codes, axis=0, return_counts=True)
    return _pairs(counts)


def merged_between(labels: np.ndarray, group_a: np.ndarray, group_b: np.ndarray) -> tuple[int, int]:
    """Pairs (one document from each group) given the same label, and all such pairs.

    Parameters
    ----------
    labels : numpy.ndarray
        [n] predicted labels.
    group_a, group_b : numpy.ndarray
        bool [n] or int indices of two disjoint document groups.
    """
    a, b = np.asarray(labels)[group_a], np.asarray(labels)[group_b]
    values, counts_a = np.unique(a, return_counts=True)
    at = np.searchsorted(values, b)
    hit = (at < len(values)) & (values[np.minimum(at, len(values) - 1)] == b)
    return int(counts_a[at[hit]].sum()), int(len(a) * len(b))


def found_mask(true_labels: np.ndarray, pred_labels: np.ndarray) -> np.ndarray:
    """bool [n]: the document shares its predicted cluster with another of its true class."""
    true_labels = np.asarray(true_labels)
    pred_labels = np.asarray(pred_labels)
    _, t = np.unique(true_labels, return_inverse=True)
    _, p = np.unique(pred_labels, return_inverse=True)
    key = t.astype(np.int64) * (int(p.max()) + 1 if len(p) else 1) + p
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    return counts[inverse] >= 2


def recall_by_transform(
    true_labels: np.ndarray,
    pred_labels: np.ndarray,
    transforms: Sequence[Sequence[str]],
    names: Sequence[str] | None = None,
) -> dict[str, Scores]:
    """Recall of reprinted documents, per transformation they carry.

    A document whose true class has at least two members counts as found when it is
    clustered with at least one other document of its class.

    Parameters
    ----------
    true_labels, pred_labels : numpy.ndarray
        [n] labels.
    transforms : sequence of sequence of str
        Transformations of each document.
    names : sequence of str, optional
        Keys of the result, in order; default every name that occurs, sorted. ``"all"`` and
        ``"none"`` (documents without transformations) are always added.

    Returns
    -------
    dict of str to Scores
        ``recall`` and ``true_positive`` / ``actual`` counts (precision is not defined here
        and set to 1).
    """
    true_labels = np.asarray(true_labels)
    _, t, sizes = np.unique(true_labels, return_inverse=True, return_counts=True)
    reprinted = sizes[t] >= 2
    found = found_mask(true_labels, pred_labels)
    if names is None:
        names = sorted({name for ts in transforms for name in ts})
    result: dict[str, Scores] = {}
    groups = {name: np.array([name in ts for ts in transforms], dtype=bool) for name in names}
    groups["none"] = np.array([len(ts) == 0 for ts in transforms], dtype=bool)
    groups["all"] = np.ones(len(true_labels), dtype=bool)
    for name, member in groups.items():
        actual = int((member & reprinted).sum())
        hit = int((member & reprinted & found).sum())
        result[name] = Scores(1.0, hit / actual if actual else float("nan"), float("nan"), hit, hit, actual)
    return result


# --------------------------------------------------------------------------- character spans


def spans_mask(spans: Sequence[Sequence[tuple[int, int]]], lengths: np.ndarray) -> np.ndarray:
    """Spans of many documents as one flat mask over their concatenation.

    Parameters
    ----------
    spans : sequence over documents of sequence of (start, end)
        Possibly overlapping, clipped to each document.
    lengths : numpy.ndarray
        int64 [n_docs], characters per document.

    Returns
    -------
    numpy.ndarray
        bool [lengths.sum()].
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    starts: list[int] = []
    ends: list[int] = []
    for doc, doc_spans in enumerate(spans):
        for start, end in doc_spans:
            starts.append(offsets[doc] + min(max(int(start), 0), int(lengths[doc])))
            ends.append(offsets[doc] + min(max(int(end), 0), int(lengths[doc])))
    delta = np.zeros(int(offsets[-1]) + 1, dtype=np.int64)
    if starts:
        s, e = np.array(starts), np.array(ends)
        keep = e > s
        np.add.at(delta, s[keep], 1)
        np.add.at(delta, e[keep], -1)
    return np.cumsum(delta[:-1]) > 0


def char_scores(
    pred_spans: Sequence[Sequence[tuple[int, int]]],
    true_spans: Sequence[Sequence[tuple[int, int]]],
    lengths: np.ndarray,
    ignore: np.ndarray | None = None,
) -> Scores:
    """Character precision, recall and F1 of predicted spans against true spans.

    Parameters
    ----------
    pred_spans, true_spans : sequence over documents of sequence of (start, end)
    lengths : numpy.ndarray
        int64 [n_docs].
    ignore : numpy.ndarray, optional
        bool [lengths.sum()]: characters counted neither way (whitespace, other categories).
    """
    pred = spans_mask(pred_spans, lengths)
    true = spans_mask(true_spans, lengths)
    if ignore is not None:
        pred &= ~ignore
        true &= ~ignore
    return Scores.from_counts(int((pred & true).sum()), int(pred.sum()), int(true.sum()))


def over_removal(
    pred_removed_spans: Sequence[Sequence[tuple[int, int]]],
    body_mask: Sequence[np.ndarray] | np.ndarray,
    lengths: np.ndarray | None = None,
) -> float:
    """Share of body characters that were removed.

    Parameters
    ----------
    pred_removed_spans : sequence over documents of sequence of (start, end)
        Everything removed, whatever the reason.
    body_mask : sequence of numpy.ndarray, or numpy.ndarray
        Per document a bool [len(doc)] mask of the characters that should be kept; or one
        flat bool mask over the concatenation, with ``lengths``.
    lengths : numpy.ndarray, optional
        int64 [n_docs]; required with a flat ``body_mask``.
    """
    if lengths is None:
        lengths = np.array([len(m) for m in body_mask], dtype=np.int64)
        flat = np.concatenate([np.asarray(m, dtype=bool) for m in body_mask]) if len(body_mask) else np.zeros(0, bool)
    else:
        flat = np.asarray(body_mask, dtype=bool)
    body = int(flat.sum())
    if body == 0:
        return 0.0
    removed = spans_mask(pred_removed_spans, lengths)
    return int((removed & flat).sum()) / body
