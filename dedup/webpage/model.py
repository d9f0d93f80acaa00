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

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import InvalidOptionError
from .base import _F, FEATURES

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


def _window_mean(values: np.ndarray, radius: int) -> np.ndarray:
    """float64 ``[m]``: the mean of ``values`` over each line's window of ``radius`` lines each side."""
    m = len(values)
    sums = np.concatenate(([0.0], np.cumsum(values)))
    index = np.arange(m)
    lo, hi = np.maximum(index - radius, 0), np.minimum(index + radius + 1, m)
    return (sums[hi] - sums[lo]) / (hi - lo)


def _run_lengths(mask: np.ndarray) -> np.ndarray:
    """float64 ``[m]``: the length of the run of True values each line is in (0 outside runs)."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(np.int8), [0]))))
    starts, ends = edges[::2], edges[1::2]
    out = np.zeros(len(mask))
    out[mask] = np.repeat(ends - starts, ends - starts)
    return out


def _nearest(long_lines: np.ndarray, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The long line before-or-at and at-or-after each index (int64 ``[m]`` each)."""
    at = np.searchsorted(long_lines, index)
    return long_lines[np.maximum(at - 1, 0)], long_lines[np.minimum(at, len(long_lines) - 1)]


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
    m = len(features)
    if m == 0:
        return np.zeros((0, len(MODEL_FEATURES)))
    size, chars = features[:, _F["size"]], features[:, _F["chars"]]
    sentence = (features[:, _F["sentence_ends"]] > 0).astype(np.float64)
    density = features[:, _F["function_density"]]
    log_size = np.log1p(size)
    long_line = (size >= _LONG_SIZE) & ((sentence > 0) | (density >= _LONG_DENSITY))
    short = (size < _SHORT_SIZE).astype(np.float64)
    index = np.arange(m)
    total = chars.sum() or 1.0
    text_before = np.concatenate(([0.0], np.cumsum(chars)))
    if long_line.any():
        longs = np.flatnonzero(long_line)
        before, after = _nearest(longs, index)
        lines_to_text = np.minimum(np.abs(index - before), np.abs(index - after))
        chars_to = np.minimum(
            np.abs(text_before[np.maximum(before, index)] - text_before[np.minimum(before, index)]),
            np.abs(text_before[np.maximum(after, index)] - text_before[np.minimum(after, index)]),
        )
        first, last = longs[0], longs[-1]
    else:
        lines_to_text, chars_to, first, last = np.full(m, m), np.full(m, total), m, -1
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
    counts = Counter(lines)
    page = [
        np.log1p(m),
        log_size.mean(),
        short.mean(),
        np.log1p(total),
        long_line.mean(),
        chars[long_line].sum() / total,
        (chars * short).sum() / total,
    ]
    columns = [
        *features.T,
        np.log1p(chars),
        log_size,
        np.log1p(index),
        np.log1p(m - 1 - index),
        (index < first).astype(np.float64),
        (index > last).astype(np.float64),
        np.log1p(lines_to_text),
        text_before[:-1] / total,
        long_line.astype(np.float64),
        *(_window_mean(windowed[name], r) for r in _RADII for name in _WINDOWED),
        np.log1p(_run_lengths(size < _SHORT_SIZE)),
        np.log1p(np.fromiter((counts[line] - 1 for line in lines), dtype=np.float64, count=m)),
        chars / total,
        _window_mean(chars, 2) * 5 / total,
        _window_mean(chars, 6) * 13 / total,
        chars_to / total,
        *(np.full(m, value, dtype=np.float64) for value in page),
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

    def probability(self, x: np.ndarray) -> np.ndarray:
        """float64 ``[m]``: each row's probability of being boilerplate (``x``: float64 ``[m, features]``)."""
        trees, nodes = self.feature.shape
        # Nodes numbered across all trees, so that every step is a 1-D gather.
        base = (np.arange(trees, dtype=np.int64) * nodes)[:, None]
        feature, threshold = self.feature.ravel(), self.threshold.ravel()
        left, right = (self.left + base).ravel(), (self.right + base).ravel()
        node = np.broadcast_to(base.T, (len(x), trees)).copy()
        for _ in range(self.depth):
            goes_left = np.take_along_axis(x, feature[node], axis=1) <= threshold[node]
            node = np.where(goes_left, left[node], right[node])
        raw = self.baseline + self.value.ravel()[node].sum(axis=1)
        return 1.0 / (1.0 + np.exp(-raw))

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
