"""The run report: ``OUT/report.html``, one self-contained page to judge a cleaning by eye.

``dedup clean … -o OUT`` writes it; ``dedup report OUT`` (or :func:`build_report`) rebuilds
it from the output files. It holds the run's summary (documents and characters in and
out, removals by reason and kind, time per phase, options that differ from the defaults),
SVG plots (removed characters by kind, cluster sizes, member-to-representative similarity
with the threshold, the LSH S-curve of the bands and rows in use, boilerplate families by
documents, document lengths before and after), the largest clusters and a sample of the
others with representative and member side by side, the boilerplate families with the
documents they came from, and a seeded sample of changed documents with every removed span
marked (hover: reason, kind and ref; click: the cluster or family).

It samples and paginates, so it stays small with any number of documents; no network, no
CDN: styles, script and charts are inline, and a Content-Security-Policy forbids every
request. Everything from the corpus is escaped.

Where things live: ``data`` (reading an output folder: :func:`read_run`, :class:`ReportOptions`),
``charts`` (SVG bars, histograms, curve), ``html`` (the page: :func:`render_report`, :func:`build_report`).
"""

from .data import Document, ReportOptions, RunData, read_run
from .html import build_report, render_report

__all__ = ["Document", "ReportOptions", "RunData", "build_report", "read_run", "render_report"]
