"""The line model: gradient-boosted trees over page-line features, fitted on labelled pages.

The trees were fitted by ``tools/fit_line_model.py`` on 916 real pages of nine public
sources (see the README's *Web pages* section) and ship as ``line_model.npz``: plain
numpy arrays, read with ``allow_pickle=False``. Evaluating them needs numpy only.

Features of a line (:func:`model_features`, float64 ``[m, len(MODEL_FEATURES)]``):
the hand-made features of :func:`dedup.webpage.line_features` (sizes, character
shares, sentence ends, function-word density, furniture patterns, position), and
its context on the page — log sizes, where the page's long text lines are (before
the first, after the last, lines and characters to the nearest), the share of the
page's text before it, means over windows of 1, 3 and 8 lines of size, sentence
ends, density, short lines, link titles, labels, stamps and long lines, the length
of the run of short lines it is in, how often it repeats on the page, and the
page's own shape (lines, mean size, short share, text, long-line shares).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..arrays import concat_ranges
from ..errors import InvalidOptionError
from .base import _F, FEATURES

try:  # the compiled kernel, when the package was built with a C compiler
    from .. import _kernels
except ImportError:  # pragma: no cover - depends on the build
    _kernels = None

MODEL_PATH = Path(__file__).with_name("line_model.npz")
FORMAT_VERSION = 1

_WINDOWED = ("log_size", "sentence", "density", "short", "link_title", "label", "stamp", "long")
_RADII = (1, 3, 8)
#: Names of the model's feature columns, in order.
MODEL_FEATURES: tuple[str, ...] = (
    *FEATURES,
    "log_chars",
    "log_size",
    "log_index",
    "log_index_from_end",
    "before_text",
    "after_text",
    "log_lines_to_text",
    "text_share_before",
    "long",
    *(f"{name}_mean{r}" for r in _RADII for name in _WINDOWED),
    "log_short_run",
    "log_repeats",
    "line_text_share",
    "text_share_window2",
    "text_share_window6",
    "text_share_to_long",
    "page_log_lines",
    "page_mean_log_size",
    "page_short_share",
    "page_log_chars",
    "page_long_share",
    "page_long_text_share",
    "page_short_text_share",
)
_LONG_SIZE = 40.0  # size units of a long text line (with a sentence end or function words)
_LONG_DENSITY = 0.1
_SHORT_SIZE = 10.0
_ROWS = 8192  # rows whose tree walks are held at once
_MATRIX_CELLS = 1 << 21  # cells of the page-by-line matrix of running sums


class _Pages:
    """Row-to-page bookkeeping of lines of many pages: ``bounds`` int64 ``[n_pages + 1]``."""

    def __init__(self, bounds: np.ndarray) -> None:
        self.bounds = np.asarray(bounds, dtype=np.int64)
        self.lengths = np.diff(self.bounds)
        self.page = np.repeat(np.arange(self.lengths.size), self.lengths)
        self.start = self.bounds[:-1][self.page]
        self.size = self.lengths[self.page]  # the page length of each row
        self.index = np.arange(self.page.size) - self.start  # the row's index on its page

    def sums(self, values: np.ndarray) -> np.ndarray:
        """float64 ``[n_pages]``: the sum of ``values`` over each page."""
        return np.bincount(self.page, weights=values, minlength=self.lengths.size)

    def prefix(self, values: np.ndarray) -> np.ndarray:
        """float64 ``[m + n_pages]``: each page's running sums of ``values`` from 0, page after page.

        Page ``p``'s sum of its first ``k`` values is at ``bounds[p] + p + k``. Summed page by
        page, as one page alone would be, so the trees see the same values whatever else is
        classified with the page (they split at values the columns take).
        """
        # Pages of like length side by side in a matrix, one row each: a row-wise cumsum adds
        # each page's values in order, as np.cumsum of the page alone does.
        out = np.zeros(self.page.size + self.lengths.size)
        order = np.argsort(self.lengths, kind="stable")
        widths = self.lengths[order] + 1
        i = 0
        while i < order.size:
            fits = (np.arange(1, order.size - i + 1) * widths[i:]) <= _MATRIX_CELLS  # widths grow
            j = i + max(int(np.searchsorted(~fits, True)), 1)
            pages, width = order[i:j], int(widths[j - 1])
            matrix = np.zeros((pages.size, width))
            row = np.repeat(np.arange(pages.size), self.lengths[pages])
            col = concat_ranges(np.ones(pages.size, dtype=np.int64), self.lengths[pages])
            matrix[row, col] = values[concat_ranges(self.bounds[pages], self.lengths[pages])]
            np.cumsum(matrix, axis=1, out=matrix)
            row = np.repeat(np.arange(pages.size), widths[i:j])
            col = concat_ranges(np.zeros(pages.size, dtype=np.int64), widths[i:j])
            out[concat_ranges(self.bounds[pages] + pages, widths[i:j])] = matrix[row, col]
            i = j
        return out

    def at(self, local: np.ndarray) -> np.ndarray:
        """Positions in :meth:`prefix` of each row's page's sum of its first ``local`` values."""
        return self.bounds[self.page] + self.page + local

    def window_mean(self, values: np.ndarray, radius: int) -> np.ndarray:
        """float64 ``[m]``: the mean of ``values`` over each window of ``radius`` lines each side, on its page."""
        sums = self.prefix(values)
        lo = np.maximum(self.index - radius, 0)
        hi = np.minimum(self.index + radius + 1, self.size)
        return (sums[self.at(hi)] - sums[self.at(lo)]) / (hi - lo)

    def run_lengths(self, mask: np.ndarray) -> np.ndarray:
        """float64 ``[m]``: the length of the run of True values each line is in on its page (0 outside runs)."""
        begins = mask.copy()
        begins[1:] &= ~mask[:-1] | (self.index[1:] == 0)
        run = np.cumsum(begins) - 1
        out = np.zeros(mask.size)
        out[mask] = np.bincount(run[mask])[run[mask]]
        return out

    def repeats(self, lines: Sequence[str]) -> np.ndarray:
        """float64 ``[m]``: how many other lines of its page are the same text."""
        ids: dict[tuple[int, str], int] = {}
        key = np.fromiter(
            (ids.setdefault((p, line), len(ids)) for p, line in zip(self.page.tolist(), lines)),
            dtype=np.int64,
            count=len(lines),
        )
        return np.bincount(key)[key] - 1.0


def model_features(features: np.ndarray, lines: Sequence[str]) -> np.ndarray:
    """The model's features of one page's lines.

    Parameters
    ----------
    features : np.ndarray
        float64 ``[m, len(FEATURES)]``, :func:`dedup.webpage.line_features` of ``lines``.
    lines : sequence of str
        The page's lines (for repeats).

    Returns
    -------
    np.ndarray
        float64 ``[m, len(MODEL_FEATURES)]``.
    """
    return pages_model_features(features, lines, np.array([0, len(lines)], dtype=np.int64))


def pages_model_features(features: np.ndarray, lines: Sequence[str], bounds: np.ndarray) -> np.ndarray:
    """The model's features of the lines of many pages, each line in the context of its own page.

    Parameters
    ----------
    features : np.ndarray
        float64 ``[m, len(FEATURES)]``, the line features of all pages' lines.
    lines : sequence of str
        The lines, page after page.
    bounds : np.ndarray
        int64 ``[n_pages + 1]``: page ``p`` is rows ``bounds[p]:bounds[p + 1]``.

    Returns
    -------
    np.ndarray
        float64 ``[m, len(MODEL_FEATURES)]``.
    """
    m = len(features)
    if m == 0:
        return np.zeros((0, len(MODEL_FEATURES)))
    pages = _Pages(bounds)
    index, page_lines = pages.index, pages.size
    size, chars = features[:, _F["size"]], features[:, _F["chars"]]
    sentence = (features[:, _F["sentence_ends"]] > 0).astype(np.float64)
    density = features[:, _F["function_density"]]
    log_size = np.log1p(size)
    long_line = (size >= _LONG_SIZE) & ((sentence > 0) | (density >= _LONG_DENSITY))
    short = (size < _SHORT_SIZE).astype(np.float64)
    page_chars = pages.sums(chars)
    total = np.where(page_chars > 0, page_chars, 1.0)[pages.page]
    sums = pages.prefix(chars)

    def text_before(rows: np.ndarray) -> np.ndarray:  # the page's characters before each of ``rows``
        return sums[pages.at(rows - pages.start)]

    rows = np.arange(m)
    longs = np.flatnonzero(long_line)
    first_long = np.searchsorted(longs, pages.bounds[:-1])[pages.page]  # the page's long lines: longs[first:last]
    last_long = np.searchsorted(longs, pages.bounds[1:])[pages.page]
    has_long = last_long > first_long
    at = np.searchsorted(longs, rows)
    safe = np.maximum(longs.size - 1, 0)
    before = longs[np.minimum(np.maximum(at - 1, first_long), safe)] if longs.size else rows
    after = longs[np.minimum(np.minimum(at, last_long - 1), safe)] if longs.size else rows
    lines_to_text = np.where(has_long, np.minimum(np.abs(rows - before), np.abs(rows - after)), page_lines)
    chars_to = np.where(
        has_long,
        np.minimum(
            np.abs(text_before(np.maximum(before, rows)) - text_before(np.minimum(before, rows))),
            np.abs(text_before(np.maximum(after, rows)) - text_before(np.minimum(after, rows))),
        ),
        total,
    )
    first = np.where(has_long, longs[np.minimum(first_long, safe)] - pages.start if longs.size else 0, page_lines)
    last = np.where(has_long, longs[np.minimum(last_long - 1, safe)] - pages.start if longs.size else 0, -1)
    windowed = {
        "log_size": log_size,
        "sentence": sentence,
        "density": density,
        "short": short,
        "link_title": (features[:, _F["link_title"]] > 0).astype(np.float64),
        "label": (features[:, _F["label"]] > 0).astype(np.float64),
        "stamp": (features[:, _F["stamp"]] > 0).astype(np.float64),
        "long": long_line.astype(np.float64),
    }
    n = pages.lengths.astype(np.float64)
    page = [
        np.log1p(n),
        # np.mean's pairwise sum, page by page: the trees split on this column at values it takes
        np.array([log_size[a:b].mean() if b > a else 0.0 for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist())]),
        pages.sums(short) / np.maximum(n, 1),
        np.log1p(np.where(page_chars > 0, page_chars, 1.0)),
        pages.sums(long_line.astype(np.float64)) / np.maximum(n, 1),
        pages.sums(chars * long_line) / np.where(page_chars > 0, page_chars, 1.0),
        pages.sums(chars * short) / np.where(page_chars > 0, page_chars, 1.0),
    ]
    columns = [
        *features.T,
        np.log1p(chars),
        log_size,
        np.log1p(index),
        np.log1p(page_lines - 1 - index),
        (index < first).astype(np.float64),
        (index > last).astype(np.float64),
        np.log1p(lines_to_text),
        text_before(rows) / total,
        long_line.astype(np.float64),
        *(pages.window_mean(windowed[name], r) for r in _RADII for name in _WINDOWED),
        np.log1p(pages.run_lengths(size < _SHORT_SIZE)),
        np.log1p(pages.repeats(lines)),
        chars / total,
        pages.window_mean(chars, 2) * 5 / total,
        pages.window_mean(chars, 6) * 13 / total,
        chars_to / total,
        *(value[pages.page] for value in page),
    ]
    return np.column_stack(columns)


@dataclass(frozen=True)
class LineModel:
    """Boosted regression trees giving each line's log-odds of being boilerplate.

    Attributes
    ----------
    feature : np.ndarray
        int32 ``[trees, nodes]``: the feature column a node tests (0 at leaves).
    threshold : np.ndarray
        float64 ``[trees, nodes]``: a line goes left when its feature is ``<=`` this (+inf at leaves).
    left, right : np.ndarray
        int32 ``[trees, nodes]``: the children (a leaf points at itself).
    value : np.ndarray
        float64 ``[trees, nodes]``: the leaf values (learning rate applied).
    baseline : float
        The log-odds every line starts from.
    cut : float
        Probability at or above which a line is boilerplate (chosen when fitting).
    depth : int
        Steps from the root to the deepest leaf.
    features : tuple of str
        The feature columns the trees were fitted on (must equal :data:`MODEL_FEATURES`).
    """

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    baseline: float
    cut: float
    depth: int
    features: tuple[str, ...]

    def probability(self, x: np.ndarray, *, use_kernel: bool = True) -> np.ndarray:
        """float64 ``[m]``: each row's probability of being boilerplate (``x``: float64 ``[m, features]``).

        Rows are taken ``_ROWS`` at a time, so the leaf table (rows × trees) stays small. The
        compiled kernel walks the trees when it was built (``use_kernel``); the numpy path
        gives the same leaves, and both sum them alike.
        """
        if len(x) > _ROWS:
            return np.concatenate(
                [self.probability(x[i : i + _ROWS], use_kernel=use_kernel) for i in range(0, len(x), _ROWS)]
            )
        leaves = self._leaves_kernel(x) if use_kernel and _kernels is not None else self._leaves(x)
        raw = self.baseline + leaves.sum(axis=1)
        return 1.0 / (1.0 + np.exp(-raw))

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

    def save(self, path: str | Path) -> None:
        """Write the model as a ``.npz`` of plain arrays."""
        np.savez_compressed(
            path,
            version=np.int64(FORMAT_VERSION),
            feature=self.feature,
            threshold=self.threshold,
            left=self.left,
            right=self.right,
            value=self.value,
            baseline=np.float64(self.baseline),
            cut=np.float64(self.cut),
            depth=np.int64(self.depth),
            features=np.array(self.features),
        )

    @classmethod
    def load(cls, path: str | Path) -> LineModel:
        """Read a model written by :meth:`save` (no pickle); refuses other versions and feature sets."""
        with np.load(path, allow_pickle=False) as data:
            version = int(data["version"])
            if version != FORMAT_VERSION:
                raise InvalidOptionError(f"{path}: line model format {version}, this dedup reads {FORMAT_VERSION}")
            model = cls(
                data["feature"].astype(np.int32),
                data["threshold"].astype(np.float64),
                data["left"].astype(np.int32),
                data["right"].astype(np.int32),
                data["value"].astype(np.float64),
                float(data["baseline"]),
                float(data["cut"]),
                int(data["depth"]),
                tuple(str(name) for name in data["features"]),
            )
        if model.features != MODEL_FEATURES:
            raise InvalidOptionError(f"{path}: the model was fitted on other features than this dedup computes")
        return model


@lru_cache(maxsize=4)
def load_line_model(path: str | None = None) -> LineModel:
    """The model at ``path``, or the one shipped with dedup (read once per process)."""
    return LineModel.load(path or MODEL_PATH)
