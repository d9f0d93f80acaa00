"""Row-to-page bookkeeping of the lines of many pages, and the sums the line model's columns read page by page
(running sums, window means, runs, repeats), each summed as one page alone would be."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..arrays import concat_ranges, dense_ids
from ..kernel import kernels as _kernels  # None without the compiled kernel: numpy paths

MATRIX_CELLS = 1 << 21  # cells of the page-by-line matrix of running sums


class PageRows:
    """Row-to-page bookkeeping of lines of many pages: ``bounds`` int64 ``[n_pages + 1]``."""

    def __init__(self, bounds: np.ndarray) -> None:
        self.bounds = np.asarray(bounds, dtype=np.int64)
        self.lengths = np.diff(self.bounds)
        self.page = np.repeat(np.arange(self.lengths.size), self.lengths)
        self.start = self.bounds[:-1][self.page]
        self.size = self.lengths[self.page]  # the page length of each row
        self.index = np.arange(self.page.size) - self.start  # the row's index on its page
        self._layout: list[Any] | None = None  # :meth:`_blocks`, made on the first prefix sum without the kernel
        self._bounds_of: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}  # :meth:`windows`, by radius

    def sums(self, values: np.ndarray) -> np.ndarray:
        """float64 ``[n_pages]``: the sum of ``values`` over each page."""
        return np.bincount(self.page, weights=values, minlength=self.lengths.size)

    def prefix(self, values: np.ndarray) -> np.ndarray:
        """float64 ``[m + n_pages]``: each page's running sums of ``values`` from 0, page after page.

        Page ``p``'s sum of its first ``k`` values is at ``bounds[p] + p + k``. Summed page by
        page, as one page alone would be, so the trees see the same values whatever else is
        classified with the page (they split at values the columns take).
        """
        out = np.zeros(self.page.size + self.lengths.size)
        if _kernels is not None:  # the sums of each page in one pass, from 0, in order
            _kernels.page_prefix(np.ascontiguousarray(values, dtype=np.float64), self.bounds, out)
            return out
        for shape, put_at, take_from, read_at, write_to in self._blocks():
            matrix = np.zeros(shape)
            matrix[put_at] = values[take_from]
            np.cumsum(matrix, axis=1, out=matrix)
            out[write_to] = matrix[read_at]
        return out

    def _blocks(self) -> list[tuple[tuple[int, int], tuple[np.ndarray, np.ndarray], np.ndarray, Any, np.ndarray]]:
        """How :meth:`prefix` lays pages out, made once for all the columns summed: pages of like length side
        by side in a matrix, one row each, so that a row-wise cumsum adds each page's values in order, as
        np.cumsum of the page alone does. Each block: the matrix's shape, where the values go in it and which
        rows they are, where the sums are read and where they go in the output."""
        if self._layout is not None:
            return self._layout
        blocks = []
        order = np.argsort(self.lengths, kind="stable")
        widths = self.lengths[order] + 1
        i = 0
        while i < order.size:
            fits = (np.arange(1, order.size - i + 1) * widths[i:]) <= MATRIX_CELLS  # widths grow
            j = i + max(int(np.searchsorted(~fits, True)), 1)
            pages, width = order[i:j], int(widths[j - 1])
            put_at = (
                np.repeat(np.arange(pages.size), self.lengths[pages]),
                concat_ranges(np.ones(pages.size, dtype=np.int64), self.lengths[pages]),
            )
            take_from = concat_ranges(self.bounds[pages], self.lengths[pages])
            read_at = (
                np.repeat(np.arange(pages.size), widths[i:j]),
                concat_ranges(np.zeros(pages.size, dtype=np.int64), widths[i:j]),
            )
            write_to = concat_ranges(self.bounds[pages] + pages, widths[i:j])
            blocks.append(((pages.size, width), put_at, take_from, read_at, write_to))
            i = j
        self._layout = blocks
        return blocks

    def at(self, local: np.ndarray) -> np.ndarray:
        """Positions in :meth:`prefix` of each row's page's sum of its first ``local`` values."""
        return self.bounds[self.page] + self.page + local

    def window_means(self, values: np.ndarray, radii: Sequence[int]) -> list[np.ndarray]:
        """float64 ``[m]`` for each radius: the mean of ``values`` over each window of ``radius`` lines each side,
        on its page, from one prefix sum."""
        return self.windows(self.prefix(values), radii)

    def windows(self, sums: np.ndarray, radii: Sequence[int]) -> list[np.ndarray]:
        """:meth:`window_means` of the values whose :meth:`prefix` is ``sums``."""
        out = []
        for radius in radii:
            lo, hi, lines = self._window(radius)
            out.append((sums[hi] - sums[lo]) / lines)
        return out

    def _window(self, radius: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Where each row's window of ``radius`` lines each side starts and ends in a :meth:`prefix` (int64 ``[m]``
        each), and its lines (int64 ``[m]``): made once a radius, for every column summed."""
        known = self._bounds_of.get(radius)
        if known is None:
            lo = np.maximum(self.index - radius, 0)
            hi = np.minimum(self.index + radius + 1, self.size)
            known = self._bounds_of[radius] = (self.at(lo), self.at(hi), hi - lo)
        return known

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
        last = dict(zip(lines, range(len(lines))))  # a text's id: its last line (no (page, text) tuple a line)
        text = np.fromiter(map(last.__getitem__, lines), dtype=np.int64, count=len(lines))
        key = dense_ids(self.page, text)
        return np.bincount(key)[key] - 1.0
