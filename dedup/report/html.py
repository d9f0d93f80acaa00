"""The run report as one self-contained HTML file: summary, SVG plots, clusters side by side, boilerplate
families and a browsable sample of documents with their removed spans marked.

Document text is untrusted: every string from the corpus or the run's files goes through
:func:`html.escape`; the page's own script runs under a Content-Security-Policy nonce,
so nothing injected could run, and ``default-src 'none'`` forbids every network request.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher
from html import escape
from pathlib import Path
from typing import Any

import numpy as np

from ..dicts import dotted_keys
from ..lsh import LSHParams, optimal_params, s_curve
from ..removals import Removal
from .charts import bar_chart, curve, histogram
from .data import Document, ReportOptions, RunData, read_run

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d232a;background:#f6f7f9}
header{background:#20303f;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}
nav a{color:#cfe3ff;margin-right:14px}main{padding:8px 24px 40px;max-width:1200px}
section{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:12px 18px;margin:16px 0}
h2{font-size:17px;margin:4px 0 10px}h3{font-size:15px;margin:12px 0 6px}
table{border-collapse:collapse;margin:6px 0}td,th{border-bottom:1px solid #e7e9ec;padding:3px 10px;text-align:left;
vertical-align:top}th{background:#f0f2f5}td.n{text-align:right;font-variant-numeric:tabular-nums}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:10px}figure{margin:0}
.chart{width:100%;height:auto}.chart .bar{fill:#4a7bd0}.chart .series-1{fill:#e39b3b}
.chart .axis,.chart .value,.chart .marker-label{font-size:11px;fill:#444}.chart .axis-line{stroke:#999}
.chart .marker{stroke:#c0392b;stroke-width:2;stroke-dasharray:4 3}.chart .curve{fill:none;stroke:#4a7bd0;stroke-width:2}
.chart .point{fill:#20303f}.chart .legend{fill:#4a7bd0}.chart .legend.series-1{fill:#e39b3b}
.text{white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:12.5px;
background:#fbfbfc;border:1px solid #e7e9ec;padding:8px;max-height:480px;overflow:auto}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:10px}
mark.cut{background:#ffd7d7;text-decoration:line-through;text-decoration-color:#b33}
mark.reason-boilerplate{background:#ffe9b8}mark.reason-noise{background:#e2d9f7}mark.reason-duplicate{background:#ffd0d0}
del.diff{background:#ffd0d0;text-decoration:none}ins.diff{background:#cdf2d2;text-decoration:none}
.pager{margin:8px 0}.pager button{margin-right:6px}.page[hidden]{display:none}.muted{color:#667}
.elided{color:#667;font-style:italic}
"""

_JS = """
(function(){
  function show(pager, k){
    var pages = pager.querySelectorAll(':scope > .page');
    k = Math.max(0, Math.min(k, pages.length - 1));
    pages.forEach(function(p, i){ p.hidden = i !== k; });
    pager.dataset.current = k;
    var label = pager.querySelector(':scope > .pager .at');
    if (label) label.textContent = 'page ' + (k + 1) + ' of ' + pages.length;
  }
  document.querySelectorAll('.paged').forEach(function(pager){
    var bar = pager.querySelector(':scope > .pager');
    bar.querySelector('.prev').addEventListener('click', function(){ show(pager, +pager.dataset.current - 1); });
    bar.querySelector('.next').addEventListener('click', function(){ show(pager, +pager.dataset.current + 1); });
    show(pager, 0);
  });
  function reveal(){
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) return;
    var page = target.closest('.page');
    if (page && page.hidden){
      var pager = page.parentElement;
      show(pager, Array.prototype.indexOf.call(pager.querySelectorAll(':scope > .page'), page));
      target.scrollIntoView();
    }
  }
  window.addEventListener('hashchange', reveal);
  reveal();
  document.body.dataset.ready = '1';
})();
"""

#: A text block of the report: its direction is its text's (Arabic and Hebrew right to left), not the page's.
_TEXT = '<div class="text" dir="auto">'


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]], numeric: Sequence[bool] = ()) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            is_num = i < len(numeric) and numeric[i]
            value = f"{cell:,}" if is_num and isinstance(cell, int) else str(cell)
            cells.append(f'<td class="n">{escape(value)}</td>' if is_num else f"<td>{cell}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _paged(items: Sequence[str], page_size: int, empty: str) -> str:
    """Items in pages of ``page_size``, one shown at a time (the script pages them)."""
    if not items:
        return f'<p class="muted">{escape(empty)}</p>'
    pages = [items[i : i + page_size] for i in range(0, len(items), page_size)]
    bar = (
        '<div class="pager"><button class="prev">◀</button><button class="next">▶</button>'
        '<span class="at"></span></div>'
    )
    return '<div class="paged">' + bar + "".join(f'<div class="page">{"".join(p)}</div>' for p in pages) + "</div>"


def _summary_section(data: RunData) -> str:
    s = data.summary
    docs, chars = s.get("documents", {}), s.get("chars", {})
    rows: list[Sequence[Any]] = [
        ("documents in", docs.get("total", 0)),
        ("documents changed", docs.get("changed", 0)),
        ("documents emptied", docs.get("emptied", 0)),
        ("documents out (not empty)", int(docs.get("total", 0)) - int(docs.get("emptied", 0))),
        ("characters in", chars.get("in", 0)),
        ("characters out", chars.get("out", 0)),
        ("characters removed", chars.get("removed", 0)),
        ("clusters of near-duplicates", s.get("clusters", {}).get("count", 0)),
        ("boilerplate families", s.get("boilerplate", {}).get("families", 0)),
    ]
    parts = ["<h2>Summary</h2>", '<div class="pair"><div>', _table(("", "count"), rows, (False, True))]
    reasons = [(r, v.get("count", 0), v.get("chars", 0)) for r, v in s.get("removals", {}).items()]
    parts.append(_table(("removed by reason", "removals", "characters"), reasons, (False, True, True)))
    kinds = [(k, v.get("count", 0), v.get("chars", 0)) for k, v in s.get("removals_by_kind", {}).items()]
    parts.append(_table(("removed by kind", "removals", "characters"), kinds, (False, True, True)))
    parts.append("</div><div>")
    if data.timings:
        timing_rows = [
            (k, f"{v:.2f} s") for k, v in data.timings.items() if isinstance(v, int | float) and k != "resumed"
        ]
        parts.append(_table(("phase", "time"), timing_rows, (False, True)))
    changed = s.get("options_changed")
    if changed is None:
        changed = dotted_keys(s.get("options", {}))
        title = "options"
    else:
        title = "options that differ from the defaults"
    option_rows = [(escape(k), escape(repr(v) if not isinstance(v, str) else v)) for k, v in sorted(changed.items())]
    none = f'<p class="muted">{escape(title)}: none</p>'
    parts.append(_table((title, "value"), option_rows) if option_rows else none)
    parts.append("</div></div>")
    return "<section id='summary'>" + "".join(parts) + "</section>"


def _duplicate_options(options: dict[str, Any]) -> tuple[float, float, LSHParams]:
    dup = options.get("duplicates", {}) if isinstance(options.get("duplicates"), dict) else {}
    threshold = float(dup.get("threshold", 0.6))
    containment = float(dup.get("containment", 0.6))
    num_perm = int(dup.get("num_perm", 128))
    bands, rows = dup.get("bands"), dup.get("rows")
    params = LSHParams(int(bands), int(rows)) if bands and rows else optimal_params(min(threshold, 0.999), num_perm)
    return threshold, containment, params


def _edges(values: np.ndarray, bins: int = 20) -> np.ndarray:
    top = float(values.max()) if values.size else 1.0
    return np.linspace(0.0, max(top, 1.0), bins + 1)


def _plots_section(data: RunData) -> str:
    kinds = data.summary.get("removals_by_kind", {})
    by_kind = sorted(((k, int(v.get("chars", 0))) for k, v in kinds.items()), key=lambda kv: (-kv[1], kv[0]))
    sizes = np.array([int(c["size"]) for c in data.clusters], dtype=np.float64)
    similarity = np.array(
        [
            float(m["similarity"])
            for c in data.clusters
            for m in c["members"]
            if (m["source"], m["id"]) != (c["representative"]["source"], c["representative"]["id"])
        ],
        dtype=np.float64,
    )
    threshold, _, params = _duplicate_options(data.options)
    js = np.linspace(0.0, 1.0, 51)
    families = sorted(data.families, key=lambda f: (-int(f["documents"]), int(f["family"])))[:20]
    largest = int(sizes.max()) if sizes.size else 2
    # one bin per size up to 40 documents, else 20 even bins
    size_edges = np.arange(1.5, largest + 1.0) if largest <= 41 else _edges(sizes)
    s_title = f"LSH S-curve: {params.bands} bands × {params.rows} rows"
    titles = (
        "removed characters by kind",
        "clusters by size (documents)",
        "member-to-representative similarity (Jaccard)",
        s_title,
        "boilerplate families by number of documents",
        "document length before and after cleaning (characters)",
    )
    charts = [
        bar_chart([k for k, _ in by_kind], [v for _, v in by_kind], title=titles[0], unit=" chars"),
        histogram(sizes, size_edges, title=titles[1], whole=largest <= 41),
        histogram(
            similarity,
            np.linspace(0.0, 1.0, 21),
            title=titles[2],
            marker=threshold,
            marker_label=f"threshold {threshold:g}",
        ),
        curve(js, s_curve(params, js), title=s_title, marker=threshold, marker_label=f"threshold {threshold:g}"),
        bar_chart(
            [f"#{f['family']} {_short(f['example'], 16)}" for f in families],
            [int(f["documents"]) for f in families],
            title=titles[4],
            unit=" docs",
        ),
        histogram(
            data.lengths_in.astype(np.float64),
            _edges(data.lengths_in.astype(np.float64)),
            title=titles[5],
            series=("before", "after"),
            more=(data.lengths_out.astype(np.float64),),
        ),
    ]
    figures = "".join(
        f"<figure>{chart}<figcaption>{escape(title)}</figcaption></figure>" for title, chart in zip(titles, charts)
    )
    return f"<section id='plots'><h2>Plots</h2><div class='charts'>{figures}</div></section>"


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _marked(document: Document, max_chars: int) -> str:
    """The document's original text, escaped, each removed span a ``<mark>`` naming its reason, kind and ref."""
    text, parts, at = document.original[:max_chars], [], 0
    for r in document.removed:
        if r.start >= len(text):
            break
        end = min(r.end, len(text))
        parts.append(escape(text[at : r.start]))
        parts.append(_mark(r, text[r.start : end]))
        at = end
    parts.append(escape(text[at:]))
    if len(document.original) > max_chars:
        parts.append(f'<span class="elided">… {len(document.original) - max_chars:,} more characters</span>')
    return "".join(parts)


def _mark(removal: Removal, text: str) -> str:
    ref = removal.ref
    target = None
    if removal.reason == "boilerplate" and ref is not None:
        target = f"family-{ref}"
    elif removal.reason == "duplicate" and removal.kind == "document" and ref is not None:
        target = f"cluster-{ref}"
    title = f"{removal.reason} / {removal.kind or '-'}" + (f", ref {ref}" if ref is not None else "")
    if removal.held_by is not None:  # cleaned against a saved index
        title += f", held by indexed document {removal.held_by}"
    body = escape(text)
    if target:
        body = f'<a href="#{target}">{body}</a>'
    return (
        f'<mark class="cut reason-{escape(removal.reason)}" data-kind="{escape(removal.kind or "")}"'
        f' data-start="{removal.start}" data-end="{removal.end}" title="{escape(title)}">{body}</mark>'
    )


def _diff(a: str, b: str) -> tuple[str, str]:
    """Two texts side by side: what both hold plain, what only one holds marked (escaped HTML each)."""
    left, right = [], []
    lines_a, lines_b = a.splitlines(keepends=True), b.splitlines(keepends=True)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, lines_a, lines_b, autojunk=False).get_opcodes():
        block_a, block_b = "".join(lines_a[i1:i2]), "".join(lines_b[j1:j2])
        if tag == "equal":
            left.append(escape(block_a))
            right.append(escape(block_b))
        elif tag == "replace" and len(block_a) + len(block_b) <= 6_000:
            matcher = SequenceMatcher(None, block_a, block_b, autojunk=False)
            for t, x1, x2, y1, y2 in matcher.get_opcodes():
                if t == "equal":
                    left.append(escape(block_a[x1:x2]))
                    right.append(escape(block_b[y1:y2]))
                else:
                    left.append(f'<del class="diff">{escape(block_a[x1:x2])}</del>' if x2 > x1 else "")
                    right.append(f'<ins class="diff">{escape(block_b[y1:y2])}</ins>' if y2 > y1 else "")
        else:
            left.append(f'<del class="diff">{escape(block_a)}</del>' if block_a else "")
            right.append(f'<ins class="diff">{escape(block_b)}</ins>' if block_b else "")
    return "".join(left), "".join(right)


def _clusters_section(data: RunData, options: ReportOptions) -> str:
    items = []
    for rank, i in enumerate(data.shown_clusters):
        c = data.clusters[i]
        rep_key = (c["representative"]["source"], c["representative"]["id"])
        rows = [
            (
                ("★ " if (m["source"], m["id"]) == rep_key else "") + escape(m["id"]),
                f"{float(m['similarity']):.3f}",
                f"{float(m['coverage']):.3f}" if "coverage" in m else "",
            )
            for m in c["members"]
        ]
        which = "largest" if rank < options.largest_clusters else "sample"
        parts = [
            f'<article class="cluster" id="cluster-{int(c["cluster"])}"><h3>cluster {int(c["cluster"])}: '
            f"{int(c['size']):,} documents <span class='muted'>({which})</span></h3>",
            _table(("member (★ representative)", "similarity", "coverage"), rows[:50]),
        ]
        other = next(((m["source"], m["id"]) for m in c["members"] if (m["source"], m["id"]) != rep_key), None)
        rep, member = data.documents.get(rep_key), data.documents.get(other) if other else None
        if rep is not None and member is not None:
            left, right = _diff(rep.original[: options.max_chars], member.original[: options.max_chars])
            parts.append(
                f'<div class="pair"><div><b>representative</b> {escape(rep.id)}{_TEXT}{left}</div></div>'
                f"<div><b>member</b> {escape(member.id)}{_TEXT}{right}</div></div></div>"
            )
        items.append("".join(parts) + "</article>")
    body = _paged(items, max(1, options.page_size // 4), "No clusters of near-duplicate documents.")
    note = (
        f"<p class='muted'>{len(data.clusters):,} clusters; shown: the {options.largest_clusters} largest and a "
        f"sample of {options.random_clusters} others. Shared text is plain, text only one side holds is marked.</p>"
    )
    return f"<section id='clusters'><h2>Clusters</h2>{note}{body}</section>"


def _families_section(data: RunData, options: ReportOptions) -> str:
    families = sorted(data.families, key=lambda f: (-int(f["documents"]), int(f["family"])))[: options.families]
    items = []
    for f in families:
        occurrences = f.get("occurrences", [])
        names = sorted({o["id"] for o in occurrences})
        shown = ", ".join(escape(n) for n in names[: options.occurrences])
        more = f" … and {len(names) - options.occurrences:,} more" if len(names) > options.occurrences else ""
        items.append(
            f'<article class="family" id="family-{int(f["family"])}"><h3>family {int(f["family"])}: '
            f"{escape(f['kind'])}, {len(occurrences):,} lines in {int(f['documents']):,} documents</h3>"
            f'{_TEXT}{escape(f["example"])}</div><p class="muted">from: {shown}{more}</p></article>'
        )
    note = f"<p class='muted'>{len(data.families):,} families; the {len(families):,} in most documents listed.</p>"
    return f"<section id='boilerplate'><h2>Boilerplate</h2>{note}{_paged(items, options.page_size, 'None.')}</section>"


def _documents_section(data: RunData, options: ReportOptions) -> str:
    items = [
        f'<article class="document" id="doc-{d.row}"><h3>{escape(d.id)} <span class="muted">{escape(d.source)}, '
        f"{len(d.original):,} → {len(d.original) - sum(r.end - r.start for r in d.removed):,} characters</span></h3>"
        f"{_TEXT}{_marked(d, options.max_chars)}</div></article>"
        for d in data.sample
    ]
    changed = int(data.summary.get("documents", {}).get("changed", len(items)))
    note = (
        f"<p class='muted'>A sample of {len(items):,} of the {changed:,} changed documents (seed {options.seed}). "
        "Removed spans are marked by reason: <mark class='cut reason-boilerplate'>boilerplate</mark> "
        "<mark class='cut reason-duplicate'>duplicate</mark> <mark class='cut reason-noise'>noise</mark>; "
        "hover for the kind and ref, click to go to the cluster or family.</p>"
    )
    return f"<section id='documents'><h2>Documents</h2>{note}{_paged(items, options.page_size, 'None.')}</section>"


def render_report(data: RunData, options: ReportOptions = ReportOptions()) -> str:
    """The report's HTML (one self-contained page).

    Parameters
    ----------
    data : RunData
        From :func:`dedup.report.read_run`.
    options : ReportOptions

    Returns
    -------
    str
    """
    nonce = secrets.token_hex(16)
    csp = f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'"
    version = escape(str(data.summary.get("version", "")))
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>dedup run report</title><style>{_CSS}</style></head><body>"
        f"<header><h1>dedup run report</h1><div>dedup {version}</div><nav><a href='#summary'>Summary</a>"
        "<a href='#plots'>Plots</a><a href='#clusters'>Clusters</a><a href='#boilerplate'>Boilerplate</a>"
        "<a href='#documents'>Documents</a></nav></header><main>"
        + _summary_section(data)
        + _plots_section(data)
        + _clusters_section(data, options)
        + _families_section(data, options)
        + _documents_section(data, options)
        + f"</main><script nonce='{nonce}'>{_JS}</script></body></html>"
    )


def build_report(out: str | Path, options: ReportOptions = ReportOptions()) -> Path:
    """Write ``OUT/report.html`` from a ``dedup clean`` output folder (atomically) and return its path."""
    out = Path(out)
    html = render_report(read_run(out, options), options)
    path = out / "report.html"
    partial = out / ".report.html.partial"
    partial.write_text(html, encoding="utf-8")
    os.replace(partial, path)
    return path
