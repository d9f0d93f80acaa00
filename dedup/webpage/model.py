"""The line model: gradient-boosted trees over page-line features, fitted on labelled pages.

The trees were fitted by ``python -m benchmarks.webpages.fit`` on 916 real pages of nine
public sources (see the README's *Web pages* section) and ship as ``line_model.npz``: plain
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

Two stages (:class:`LineModel`): the first reads those features; the second reads them and
the first's probabilities of the line, its neighbours and its page (:func:`context_features`),
so that a line is judged with what the first stage thought of the lines around it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import InvalidOptionError
from .base import _F, FEATURES
from .rows import PageRows
from .topic import topic_overlap
from .trees import Trees, sigmoid

MODEL_PATH = Path(__file__).with_name("line_model.npz")
FORMAT_VERSION = 2  # 2: two stacked stages

_WINDOWED = ("log_size", "sentence", "density", "short", "link_title", "label", "stamp", "long")
_RADII = (1, 3, 8)
_RELATIVE = ("density", "sentence", "short", "link_title", "label")  # also read against the page's mean
_CONTEXT_RADII = (1, 2, 4, 8, 16)
_LIST_PAGE_SHARE = 0.9
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
    "topic_overlap",
    "has_tokens",
    "topic_weight",
    *(f"topic_mean{r}" for r in _RADII),
    "log_size_to_page",
    "size_rank",
    "log_size_to_median",
    "log_size_to_text_mean",
    *(f"{name}{suffix}_to_page" for name in _RELATIVE for suffix in ("", "_mean3")),
)
_LONG_SIZE = 40.0  # size units of a long text line (with a sentence end or function words)
_LONG_DENSITY = 0.1
_SHORT_SIZE = 10.0


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
    pages = PageRows(bounds)
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
    means = {
        (name, r): mean for name in _WINDOWED for r, mean in zip(_RADII, pages.window_means(windowed[name], _RADII))
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
        *(means[name, r] for r in _RADII for name in _WINDOWED),
        np.log1p(pages.run_lengths(size < _SHORT_SIZE)),
        np.log1p(pages.repeats(lines)),
        chars / total,
        *(mean * width / total for mean, width in zip(pages.windows(sums, (2, 6)), (5, 13))),
        chars_to / total,
        *(value[pages.page] for value in page),
        *_page_relative(
            lines, pages, windowed, {name: means[name, 3] for name in _RELATIVE}, size, chars, page_chars, page[1]
        ),
    ]
    return np.stack(columns).T  # column-major: each column one copy (column_stack wrote 86 strided ones)


def _page_relative(
    lines: Sequence[str],
    pages: PageRows,
    windowed: dict[str, np.ndarray],
    means3: dict[str, np.ndarray],
    size: np.ndarray,
    chars: np.ndarray,
    page_chars: np.ndarray,
    mean_log_size: np.ndarray,
) -> list[np.ndarray]:
    """The model's last columns (float64 ``[m]`` each): a line against the rest of its page.

    How much of its vocabulary the page's long text lines share (:func:`dedup.webpage.topic.topic_overlap`,
    with the log of its tokens times that share, and its means over windows), its size
    against the page's mean log size, rank, median and character-weighted mean size, and the
    windowed cues of :data:`_RELATIVE` (the line's and their 3-line mean) less their page mean.
    """
    overlap, tokens = topic_overlap(lines, pages.page, windowed["long"] > 0)
    log_size = windowed["log_size"]
    order = np.lexsort((log_size, pages.page))
    rank = np.empty(size.size)
    rank[order] = pages.index  # rows of a page stay together in order: the i-th of a page gets i
    middle = pages.bounds[:-1] + (pages.lengths - 1) // 2
    upper = pages.bounds[:-1] + pages.lengths // 2
    sorted_size = size[order]
    median = np.zeros(pages.lengths.size)
    full = pages.lengths > 0
    median[full] = (sorted_size[middle[full]] + sorted_size[upper[full]]) / 2
    text_mean = pages.sums(size * chars) / np.where(page_chars > 0, page_chars, 1.0)
    n = np.maximum(pages.lengths, 1).astype(np.float64)
    relative = []
    for name in _RELATIVE:
        mean = (pages.sums(windowed[name]) / n)[pages.page]
        relative += [windowed[name] - mean, means3[name] - mean]
    return [
        overlap,
        (tokens > 0).astype(np.float64),
        np.log1p(tokens) * overlap,
        *pages.window_means(overlap, _RADII),
        log_size - mean_log_size[pages.page],
        rank / np.maximum(pages.size - 1, 1),
        log_size - np.log1p(median)[pages.page],
        log_size - np.log1p(text_mean)[pages.page],
        *relative,
    ]


#: Names of the second stage's extra columns: the first stage's probability of the line, and
#: of its neighbours and its page.
CONTEXT_FEATURES: tuple[str, ...] = (
    "p",
    *(f"p_mean{r}" for r in _CONTEXT_RADII),
    "p_previous",
    "p_next",
    "page_p_mean",
    "page_p_text_mean",
    "kept_text_before",
    "kept_text_after",
    "kept_share_before",
    "log_lines_to_sure_text",
)
_SURE_TEXT_P, _SURE_TEXT_CHARS = 0.3, 20.0  # a line the first stage surely keeps


def context_features(probability: np.ndarray, chars: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """The second stage's extra columns: each line's first-stage probability in the context of its page.

    Parameters
    ----------
    probability : np.ndarray
        float64 ``[m]``: the first stage's probability of each line.
    chars : np.ndarray
        float64 ``[m]``: the lines' non-space characters (the ``chars`` feature).
    bounds : np.ndarray
        int64 ``[n_pages + 1]``: page ``p`` is rows ``bounds[p]:bounds[p + 1]``.

    Returns
    -------
    np.ndarray
        float64 ``[m, len(CONTEXT_FEATURES)]``: the probability, its means over windows of
        1, 2, 4, 8 and 16 lines each side, the previous and next line's (-1 at the page's
        edges), the page's mean and character-weighted mean, the page's characters the first
        stage keeps (probability < 0.5) before and after the line (shares of the page's
        text, and of what it keeps), and the lines to the nearest line it surely keeps.
    """
    m = probability.size
    if m == 0:
        return np.zeros((0, len(CONTEXT_FEATURES)))
    pages = PageRows(bounds)
    index, last = pages.index, pages.size - 1
    text = np.maximum(pages.sums(chars), 1.0)[pages.page]
    previous = np.full(m, -1.0)
    previous[1:] = probability[:-1]
    previous[index == 0] = -1.0
    following = np.full(m, -1.0)
    following[:-1] = probability[1:]
    following[index == last] = -1.0
    kept = chars * (probability < 0.5)
    sums = pages.prefix(kept)
    before = sums[pages.at(index)]
    after = sums[pages.at(pages.size)] - sums[pages.at(index + 1)]
    sure = np.flatnonzero((probability < _SURE_TEXT_P) & (chars >= _SURE_TEXT_CHARS))
    rows = np.arange(m)
    far = np.full(m, np.inf)
    if sure.size:
        at = np.searchsorted(sure, rows)
        below, above = sure[np.maximum(at - 1, 0)], sure[np.minimum(at, sure.size - 1)]
        page_start, page_end = pages.bounds[pages.page], pages.bounds[pages.page + 1]
        far = np.minimum(
            np.where((at > 0) & (below >= page_start), rows - below, np.inf),
            np.where((at < sure.size) & (above < page_end), above - rows, np.inf),
        )
    far = np.where(np.isfinite(far), far, pages.size)
    lines = pages.lengths[pages.page].astype(np.float64)
    return np.stack(  # column-major, as pages_model_features: .T of the columns stacked
        [
            probability,
            *pages.window_means(probability, _CONTEXT_RADII),
            previous,
            following,
            pages.sums(probability)[pages.page] / lines,
            pages.sums(probability * chars)[pages.page] / text,
            before / text,
            after / text,
            before / np.maximum(pages.sums(kept), 1.0)[pages.page],
            np.log1p(far),
        ]
    ).T


def list_pages(probability: np.ndarray, chars: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """bool ``[n_pages]``: pages the model would strip of nearly all their text.

    A page of which at least ``_LIST_PAGE_SHARE`` (0.9) of the characters are more likely
    boilerplate than not (probability ≥ 0.5) has no main text to set its furniture apart
    from: it is a list (a novel's chapter list, a product table, a forum index). On such a
    page only lines that match a furniture pattern go (:func:`dedup.webpage.model_page_lines`).
    ``probability`` and ``chars`` are float64 ``[m]``, ``bounds`` int64 ``[n_pages + 1]``.
    """
    pages = PageRows(bounds)
    text = pages.sums(chars)
    return (text > 0) & (pages.sums(chars * (probability >= 0.5)) >= _LIST_PAGE_SHARE * text)


def kept_on_list_pages(
    probability: np.ndarray, chars: np.ndarray, furniture: np.ndarray, bounds: np.ndarray
) -> np.ndarray:
    """bool ``[m]``: the lines the model may not remove because their page is a list page
    (:func:`list_pages`) and no furniture pattern names them (``furniture``: bool ``[m]``)."""
    return np.repeat(list_pages(probability, chars, bounds), np.diff(bounds)) & ~furniture


@dataclass(frozen=True)
class LineModel:
    """Two stacked tree ensembles giving each line's probability of being boilerplate.

    The first reads a line's :data:`MODEL_FEATURES`; the second reads them and
    :func:`context_features` of the first's probabilities (fitted on the first's
    out-of-group predictions, so it learns how far to trust them on unseen sites).

    Attributes
    ----------
    first : Trees
        Over :data:`MODEL_FEATURES`.
    second : Trees or None
        Over :data:`MODEL_FEATURES` + :data:`CONTEXT_FEATURES` (None: one stage).
    cut : float
        Probability at or above which a line is boilerplate (chosen when fitting).
    features : tuple of str
        The feature columns the trees were fitted on (must equal :data:`MODEL_FEATURES`).
    """

    first: Trees
    second: Trees | None
    cut: float
    features: tuple[str, ...]

    def probability(self, x: np.ndarray, bounds: np.ndarray | None = None, *, use_kernel: bool = True) -> np.ndarray:
        """float64 ``[m]``: each line's probability of being boilerplate.

        Parameters
        ----------
        x : np.ndarray
            float64 ``[m, len(MODEL_FEATURES)]``.
        bounds : np.ndarray, optional
            int64 ``[n_pages + 1]``: the pages of the rows (default: one page).
        use_kernel : bool
            Walk the trees with the compiled kernel when it was built.
        """
        p = sigmoid(self.first.log_odds(x, use_kernel=use_kernel))
        if self.second is None or len(x) == 0:
            return p
        bounds = np.array([0, len(x)], dtype=np.int64) if bounds is None else np.asarray(bounds, dtype=np.int64)
        context = context_features(p, x[:, _F["chars"]], bounds)
        # The columns of both, column-major as pages_model_features makes them (hstack wrote each row).
        return sigmoid(self.second.log_odds(np.concatenate([x.T, context.T]).T, use_kernel=use_kernel))

    def save(self, path: str | Path) -> None:
        """Write the model as a ``.npz`` of plain arrays."""
        second = {} if self.second is None else self.second.arrays("second_")
        np.savez_compressed(
            path,
            version=np.int64(FORMAT_VERSION),
            cut=np.float64(self.cut),
            features=np.array(self.features),
            **self.first.arrays("first_"),
            **second,
        )

    @classmethod
    def load(cls, path: str | Path) -> LineModel:
        """Read a model written by :meth:`save` (no pickle); refuses other versions and feature sets."""
        with np.load(path, allow_pickle=False) as data:
            version = int(data["version"])
            if version != FORMAT_VERSION:
                raise InvalidOptionError(f"{path}: line model format {version}, this dedup reads {FORMAT_VERSION}")
            model = cls(
                Trees.from_arrays(data, "first_"),
                Trees.from_arrays(data, "second_") if "second_value" in data else None,
                float(data["cut"]),
                tuple(str(name) for name in data["features"]),
            )
        if model.features != MODEL_FEATURES:
            raise InvalidOptionError(f"{path}: the model was fitted on other features than this dedup computes")
        return model


@lru_cache(maxsize=4)
def load_line_model(path: str | None = None) -> LineModel:
    """The model at ``path``, or the one shipped with dedup (read once per process)."""
    return LineModel.load(path or MODEL_PATH)
