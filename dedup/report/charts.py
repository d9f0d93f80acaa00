"""SVG charts for the run report: bars, histograms and a curve, as self-contained ``<svg>`` strings.

Every chart is a pure function of its numbers. Marks carry classes the report's tests
count: ``rect.bar`` (one per bar), ``circle.point`` (one per point of a curve),
``line.marker`` (a threshold). Labels are escaped; nothing is loaded from elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import numpy as np

_WIDTH, _ROW, _PAD = 640, 22, 8
_LABEL_WIDTH = 220


def _fmt(value: float) -> str:
    """A number as a chart label: thousands separated, at most three decimals."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def bar_chart(labels: Sequence[str], values: Sequence[float], *, title: str, unit: str = "") -> str:
    """Horizontal bars, one per label, longest scaled to the chart's width.

    Parameters
    ----------
    labels : sequence of str
    values : sequence of float
        One per label, at least 0.
    title : str
        The chart's accessible name (``<title>``).
    unit : str
        Appended to each value label.

    Returns
    -------
    str
        An ``<svg>`` element with one ``rect.bar`` per label.
    """
    n = len(labels)
    top = max(max(values, default=0.0), 1e-12)
    plot = _WIDTH - _LABEL_WIDTH - 90
    height = max(n, 1) * _ROW + 2 * _PAD
    parts = [_svg_open(_WIDTH, height, title)]
    for i, (label, value) in enumerate(zip(labels, values)):
        y = _PAD + i * _ROW
        width = plot * float(value) / top
        parts.append(
            f'<text x="{_LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end" class="axis">{escape(label)}</text>'
            f'<rect class="bar" x="{_LABEL_WIDTH}" y="{y + 3}" width="{width:.1f}" height="{_ROW - 6}"'
            f' data-label="{escape(label)}" data-value="{float(value)!r}"><title>{escape(label)}: '
            f"{_fmt(value)}{escape(unit)}</title></rect>"
            f'<text x="{_LABEL_WIDTH + width + 4:.1f}" y="{y + 15}" class="value">{_fmt(value)}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def histogram(
    values: np.ndarray,
    edges: np.ndarray,
    *,
    title: str,
    marker: float | None = None,
    marker_label: str = "",
    series: tuple[str, ...] = ("",),
    more: Sequence[np.ndarray] = (),
    whole: bool = False,
) -> str:
    """Vertical bars of the counts of ``values`` (and of ``more`` series) in the bins ``edges``.

    Parameters
    ----------
    values : np.ndarray
        float64 ``[n]``.
    edges : np.ndarray
        float64 ``[bins + 1]``, increasing; a value equal to the last edge falls in the last bin.
    title : str
    marker : float, optional
        A vertical ``line.marker`` at this x (a threshold).
    marker_label : str
    series : tuple of str
        Names of ``values`` and of each of ``more``, for a legend when there are several.
    more : sequence of np.ndarray
        Further series binned alike, drawn side by side in each bin.
    whole : bool
        The bins are whole numbers (edges ``k - 0.5, k + 0.5``): label each bin by its number.

    Returns
    -------
    str
        An ``<svg>`` with one ``rect.bar`` per bin and series.
    """
    all_series = [np.asarray(values, dtype=np.float64), *(np.asarray(m, dtype=np.float64) for m in more)]
    counts = [np.histogram(v, bins=edges)[0] for v in all_series]
    bins = len(edges) - 1
    left, bottom, plot_w, plot_h = 50, 170, _WIDTH - 70, 140
    top = max(max((int(c.max()) for c in counts if c.size), default=0), 1)
    width = plot_w / max(bins, 1)
    parts = [_svg_open(_WIDTH, 210, title)]
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{left + plot_w}" y2="{bottom}" class="axis-line"/>')
    for s, count in enumerate(counts):
        bar_w = width / len(counts)
        for b in range(bins):
            h = plot_h * int(count[b]) / top
            x = left + b * width + s * bar_w
            span = _fmt((edges[b] + edges[b + 1]) / 2) if whole else f"{_fmt(edges[b])}–{_fmt(edges[b + 1])}"
            label = f"{series[s] + ': ' if series[s] else ''}{span}"
            parts.append(
                f'<rect class="bar series-{s}" x="{x + 0.5:.1f}" y="{bottom - h:.1f}"'
                f' width="{max(bar_w - 1, 0.5):.1f}" height="{h:.1f}" data-value="{int(count[b])}">'
                f"<title>{escape(label)}: {int(count[b]):,}</title></rect>"
            )
    ticks = (edges[:-1] + edges[1:]) / 2 if whole and bins <= 40 else np.array([edges[0], edges[-1]])
    for x_value in ticks:
        x = left + plot_w * (x_value - edges[0]) / max(edges[-1] - edges[0], 1e-12)
        parts.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" class="axis">{_fmt(x_value)}</text>')
    parts.append(f'<text x="{left - 6}" y="{bottom - plot_h + 4}" text-anchor="end" class="axis">{top:,}</text>')
    if marker is not None:
        x = left + plot_w * (marker - edges[0]) / max(edges[-1] - edges[0], 1e-12)
        parts.append(
            f'<line class="marker" x1="{x:.1f}" y1="{bottom - plot_h - 10}" x2="{x:.1f}" y2="{bottom}"/>'
            f'<text x="{x + 4:.1f}" y="{bottom - plot_h - 2}" class="marker-label">{escape(marker_label)}</text>'
        )
    if len(series) > 1:
        for s, name in enumerate(series):
            parts.append(
                f'<rect class="legend series-{s}" x="{left + 10 + 130 * s}" y="194" width="10" height="10"/>'
                f'<text x="{left + 24 + 130 * s}" y="203" class="axis">{escape(name)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def curve(xs: np.ndarray, ys: np.ndarray, *, title: str, marker: float | None = None, marker_label: str = "") -> str:
    """A curve through the points ``(xs, ys)`` in the unit square (an LSH S-curve).

    Parameters
    ----------
    xs, ys : np.ndarray
        float64 ``[k]`` in ``[0, 1]``.
    title : str
    marker : float, optional
        A vertical ``line.marker`` at this x.
    marker_label : str

    Returns
    -------
    str
        An ``<svg>`` with a ``polyline`` and one ``circle.point`` per point.
    """
    left, bottom, plot_w, plot_h = 50, 170, _WIDTH - 70, 150
    px = left + plot_w * np.asarray(xs, dtype=np.float64)
    py = bottom - plot_h * np.asarray(ys, dtype=np.float64)
    parts = [_svg_open(_WIDTH, 200, title)]
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{left + plot_w}" y2="{bottom}" class="axis-line"/>')
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{left}" y2="{bottom - plot_h}" class="axis-line"/>')
    parts.append('<polyline class="curve" points="' + " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(px, py)) + '"/>')
    for x, y, xv, yv in zip(px, py, xs, ys):
        parts.append(
            f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="2"><title>J = {float(xv):.2f}: '
            f"P = {float(yv):.3f}</title></circle>"
        )
    for v in (0.0, 0.5, 1.0):
        x, y = left + plot_w * v, bottom - plot_h * v
        parts.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" class="axis">{v}</text>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">{v}</text>')
    if marker is not None:
        x = left + plot_w * marker
        parts.append(
            f'<line class="marker" x1="{x:.1f}" y1="{bottom - plot_h}" x2="{x:.1f}" y2="{bottom}"/>'
            f'<text x="{x + 4:.1f}" y="{bottom - plot_h + 10}" class="marker-label">{escape(marker_label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _svg_open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" width="{width}"'
        f' height="{height}" role="img"><title>{escape(title)}</title>'
    )
