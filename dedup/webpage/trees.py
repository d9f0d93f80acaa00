"""Boosted regression trees as plain arrays, evaluated with numpy or the compiled kernel.

One :class:`Trees` is one fitted ensemble (scikit-learn's ``HistGradientBoostingClassifier``
exported by ``benchmarks/webpages/fit.py``); the line model of :mod:`dedup.webpage.model`
stacks two of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..arrays import run_tiles
from ..kernel import kernels as _kernels  # None without the compiled kernel: numpy paths

_ROWS = 8192  # rows whose tree walks are held at once
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
        """float64 ``[m]``: each row's log-odds (``x``: float64 ``[m, features]``).

        Rows are taken ``_ROWS`` at a time, so the leaf table (rows × trees) stays small, on
        threads (the tree walks and the sums release the GIL). The compiled kernel walks the
        trees when it was built (``use_kernel``); the numpy path gives the same leaves, and
        both sum them alike, row by row.
        """
        out = np.empty(len(x), dtype=np.float64)

        def tile(bounds: tuple[int, int]) -> None:
            part = x[bounds[0] : bounds[1]]
            leaves = self._leaves_kernel(part) if use_kernel and _kernels is not None else self._leaves(part)
            out[bounds[0] : bounds[1]] = self.baseline + leaves.sum(axis=1)

        run_tiles(tile, [(i, min(i + _ROWS, len(x))) for i in range(0, len(x), _ROWS)], None)
        return out

    def _leaves(self, x: np.ndarray) -> np.ndarray:
        """float64 ``[m, trees]``: the value of the leaf each row reaches in each tree (numpy)."""
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

    def _leaves_kernel(self, x: np.ndarray) -> np.ndarray:
        """:meth:`_leaves` by the compiled kernel (one pass a row, no temporaries)."""
        trees = self.feature.shape[0]
        x = np.ascontiguousarray(x, dtype=np.float64)
        out = np.empty((len(x), trees), dtype=np.float64)
        if len(x):
            assert _kernels is not None
            _kernels.tree_leaves(
                np.ascontiguousarray(self.feature, dtype=np.int32),
                np.ascontiguousarray(self.threshold, dtype=np.float64),
                np.ascontiguousarray(self.left, dtype=np.int32),
                np.ascontiguousarray(self.right, dtype=np.int32),
                np.ascontiguousarray(self.value, dtype=np.float64),
                trees,
                self.depth,
                x,
                x.shape[1],
                out,
            )
        return out

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
