"""Boosted regression trees as plain arrays, evaluated with numpy or the compiled kernel.

One :class:`Trees` is one fitted ensemble (scikit-learn's ``HistGradientBoostingClassifier``
exported by ``benchmarks/webpages/fit.py``); the line model of :mod:`dedup.webpage.model`
stacks two of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..arrays import run_tiles
from ..kernel import kernels as _kernels  # None without the compiled kernel: numpy paths

_ROWS = 2048  # rows whose leaves are held at once (rows × trees values), a tile a thread
_FIELDS = ("feature", "threshold", "left", "right", "value", "baseline", "depth")


@dataclass(frozen=True)
class Trees:
    """Boosted regression trees giving each row's log-odds.

    Attributes
    ----------
    feature : np.ndarray
        int32 ``[trees, nodes]``: the feature column a node tests (0 at leaves).
    threshold : np.ndarray
        float64 ``[trees, nodes]``: a row goes left when its feature is ``<=`` this (+inf at
        leaves; NaN goes right, as in scikit-learn's trees fitted without missing values).
    left, right : np.ndarray
        int32 ``[trees, nodes]``: the children (a leaf points at itself).
    value : np.ndarray
        float64 ``[trees, nodes]``: the leaf values (learning rate applied).
    baseline : float
        The log-odds every row starts from.
    depth : int
        Steps from the root to the deepest leaf.
    """

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    baseline: float
    depth: int

    def log_odds(self, x: np.ndarray, *, use_kernel: bool = True) -> np.ndarray:
        """float64 ``[m]``: each row's log-odds (``x``: float64 ``[m, features]``, best column-major).

        Rows are taken ``_ROWS`` at a time, so the leaf table (rows × trees) stays small, on
        threads (the kernel and the sums release the GIL). The compiled kernel finds the leaves
        when it was built (``use_kernel``; :meth:`_leaves_kernel`); the numpy path walks the trees to
        the same leaves, and both sum them alike, row by row.
        """
        out = np.empty(len(x), dtype=np.float64)
        kernel = use_kernel and _kernels is not None and self._bit_vectors is not None
        columns = np.asfortranarray(x, dtype=np.float64) if kernel else x

        def tile(bounds: tuple[int, int]) -> None:
            lo, hi = bounds
            leaves = self._leaves_kernel(columns, lo, hi) if kernel else self._leaves(x[lo:hi])
            out[lo:hi] = self.baseline + leaves.sum(axis=1)

        run_tiles(tile, [(i, min(i + _ROWS, len(x))) for i in range(0, len(x), _ROWS)], None)
        return out

    def _leaves(self, x: np.ndarray) -> np.ndarray:
        """float64 ``[m, trees]``: the value of the leaf each row reaches in each tree (numpy walks)."""
        trees, nodes = self.feature.shape
        # Nodes numbered across all trees, so that every step is a 1-D gather.
        base = (np.arange(trees, dtype=np.int64) * nodes)[:, None]
        feature, threshold = self.feature.ravel(), self.threshold.ravel()
        left, right = (self.left + base).ravel(), (self.right + base).ravel()
        node = np.broadcast_to(base.T, (len(x), trees)).copy()
        for _ in range(self.depth):
            goes_left = np.take_along_axis(x, feature[node], axis=1) <= threshold[node]
            node = np.where(goes_left, left[node], right[node])
        return self.value.ravel()[node]

    def _leaves_kernel(self, columns: np.ndarray, lo: int, hi: int) -> np.ndarray:
        """:meth:`_leaves` of rows ``lo:hi`` of column-major ``columns`` (float64 ``[m, features]``), by the compiled
        kernel: every node of a tree tested on a block of rows, no walk (:attr:`_bit_vectors`)."""
        assert self._bit_vectors is not None
        feature, threshold, mask, internal, leaf_value = self._bit_vectors
        trees = self.feature.shape[0]
        out = np.empty((hi - lo, trees), dtype=np.float64)
        if hi > lo:
            assert _kernels is not None
            m, n_features = columns.shape
            flat = columns.ravel(order="F")  # a view: feature f of row i is flat[f * m + i]
            _kernels.tree_leaves(feature, threshold, mask, internal, leaf_value, trees, flat, n_features, lo, hi, out)
        return out

    @cached_property
    def _bit_vectors(self) -> _BitVectors | None:
        """:func:`_bit_vectors` of these trees, made once (in the instance's ``__dict__``; not a field)."""
        return _bit_vectors(self)

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """The fields as arrays named ``prefix + field``, for ``np.savez``."""
        return {prefix + name: np.asarray(getattr(self, name)) for name in _FIELDS}

    @classmethod
    def from_arrays(cls, data: Mapping[str, np.ndarray], prefix: str) -> Trees:
        """The trees :meth:`arrays` wrote under ``prefix``."""
        return cls(
            data[prefix + "feature"].astype(np.int32),
            data[prefix + "threshold"].astype(np.float64),
            data[prefix + "left"].astype(np.int32),
            data[prefix + "right"].astype(np.int32),
            data[prefix + "value"].astype(np.float64),
            float(data[prefix + "baseline"]),
            int(data[prefix + "depth"]),
        )


def sigmoid(log_odds: np.ndarray) -> np.ndarray:
    """float64: probabilities of log-odds."""
    return 1.0 / (1.0 + np.exp(-log_odds))


_MAX_LEAVES = 32  # a tree's leaves are the bits of a uint32

_BitVectors = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _tree_bits(trees: Trees, t: int) -> tuple[list[tuple[int, float, int]], list[float]] | None:
    """Tree ``t``'s internal nodes as (feature, threshold, mask of the leaves outside its left subtree) and its leaf
    values left to right, or None when the arrays from node 0 are not a binary tree of at most 32 leaves, no deeper
    than ``depth`` (a node met twice, a node pointing at itself on one side: the walk is the only reading)."""
    left, right = trees.left[t].tolist(), trees.right[t].tolist()
    leaf_values: list[float] = []
    inner: list[tuple[int, float, int]] = []
    seen: set[int] = set()

    def visit(node: int, depth: int) -> tuple[int, int] | None:  # the leaves under node, as a range of leaf numbers
        if node in seen or depth > trees.depth:
            return None
        seen.add(node)
        if left[node] == node and right[node] == node:
            leaf_values.append(float(trees.value[t, node]))
            return len(leaf_values) - 1, len(leaf_values)
        at = len(inner)
        inner.append((0, 0.0, 0))
        under_left = visit(left[node], depth + 1)
        under_right = None if under_left is None else visit(right[node], depth + 1)
        if under_left is None or under_right is None:
            return None
        first, middle = under_left
        outside = ~((1 << middle) - (1 << first)) & 0xFFFFFFFF  # every leaf but those under its left child
        inner[at] = (int(trees.feature[t, node]), float(trees.threshold[t, node]), outside)
        return first, under_right[1]

    if visit(0, 0) is None or len(leaf_values) > _MAX_LEAVES:
        return None
    return inner, leaf_values


def _bit_vectors(trees: Trees) -> _BitVectors | None:
    """The trees as the kernel's ``tree_leaves`` reads them (QuickScorer's bit vectors), or None when one of them
    is not a tree it can read (:func:`_tree_bits`).

    Each tree's leaves are numbered left to right; each internal node keeps its feature and threshold and a
    mask of the leaves outside its left subtree, which a row going right there (its feature above the
    threshold, or NaN) cannot reach. The leaf a row reaches is the lowest leaf no such node clears.

    Returns
    -------
    feature, threshold, mask : np.ndarray
        int32, float64, uint32 ``[trees, k]``: the internal nodes of each tree (the first ``internal[t]``).
    internal : np.ndarray
        int32 ``[trees]``: each tree's internal nodes.
    leaf_value : np.ndarray
        float64 ``[trees, leaves]``: each tree's leaf values, left to right (then NaN).
    """
    read = [_tree_bits(trees, t) for t in range(trees.feature.shape[0])]
    if any(r is None for r in read):
        return None
    nodes, values = zip(*read)  # type: ignore[misc]
    k, leaves = max(1, max(map(len, nodes))), max(map(len, values))
    feature = np.zeros((len(read), k), dtype=np.int32)
    threshold = np.zeros((len(read), k), dtype=np.float64)
    mask = np.zeros((len(read), k), dtype=np.uint32)
    leaf_value = np.full((len(read), leaves), np.nan)
    for t, (inner, leaf_values) in enumerate(zip(nodes, values)):
        if inner:
            feature[t, : len(inner)], threshold[t, : len(inner)], mask[t, : len(inner)] = zip(*inner)
        leaf_value[t, : len(leaf_values)] = leaf_values
    return feature, threshold, mask, np.array(list(map(len, nodes)), dtype=np.int32), leaf_value
