"""The run report (dedup.report): its charts, what it reads from an output folder, and its HTML (without a browser).

The page itself is checked in headless Chromium in tests/test_report_browser.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

import dedup
from dedup.cli import main
from dedup.errors import InvalidOptionError
from dedup.report import ReportOptions, build_report, read_run, render_report
from dedup.report.charts import bar_chart, curve, histogram
from dedup.report.html import _diff

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def examples_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``dedup clean examples -o OUT --cross-document``, once for the module."""
    out = tmp_path_factory.mktemp("report") / "out"
    assert main(["clean", str(ROOT / "examples"), "-o", str(out), "--cross-document", "--quiet"]) == 0
    return out


def _rows(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "cleaned.jsonl").read_text(encoding="utf-8").splitlines()]


def test_bar_chart_has_one_bar_per_label_scaled_to_the_largest() -> None:
    svg = bar_chart(["a", "<b>", "c"], [10, 5, 0], title="t <x>")
    bars = re.findall(r'<rect class="bar" x="\d+" y="[\d.]+" width="([\d.]+)"', svg)
    assert [float(w) for w in bars] == [330.0, 165.0, 0.0]
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "t &lt;x&gt;" in svg


def test_histogram_counts_values_per_bin_and_series_and_marks_the_threshold() -> None:
    svg = histogram(
        np.array([0.1, 0.2, 0.9, 1.0]),
        np.linspace(0, 1, 5),
        title="h",
        marker=0.6,
        series=("before", "after"),
        more=(np.array([0.3]),),
    )
    assert re.findall(r'data-value="(\d+)"', svg) == ["2", "0", "0", "2", "0", "1", "0", "0"]
    assert svg.count('class="bar series-0"') == 4 and svg.count('class="bar series-1"') == 4
    assert svg.count('class="marker"') == 1
    whole = histogram(np.array([2.0, 2.0, 3.0]), np.arange(1.5, 4.0), title="sizes", whole=True)
    assert re.findall(r'data-value="(\d+)"', whole) == ["2", "1"] and ">2</text>" in whole and ">3</text>" in whole


def test_curve_has_one_point_per_value() -> None:
    xs = np.linspace(0, 1, 11)
    svg = curve(xs, xs**2, title="c", marker=0.5)
    assert svg.count('class="point"') == 11 and svg.count('class="marker"') == 1


def test_diff_marks_what_only_one_side_holds() -> None:
    left, right = _diff("same line\nold words here\nend", "same line\nnew words here\nend\nadded <tail>")
    assert left == 'same line\n<del class="diff">old</del> words here\nend'
    assert right == 'same line\n<ins class="diff">new</ins> words here\nend<ins class="diff">\nadded &lt;tail&gt;</ins>'


def test_read_run_streams_the_cleaned_rows(examples_run: Path) -> None:
    rows = _rows(examples_run)
    data = read_run(examples_run, ReportOptions(documents=3, seed=1))
    assert data.lengths_out.tolist() == [len(r["text"]) for r in rows]
    assert data.lengths_in.tolist() == [len(dedup.restore(r)) for r in rows]
    changed = [i for i, r in enumerate(rows) if r["removed"]]
    assert len(data.sample) == 3 and {d.row for d in data.sample} <= set(changed)
    assert [d.row for d in data.sample] == sorted(d.row for d in data.sample)
    for d in data.sample:
        assert d.original == dedup.restore(rows[d.row]) and d.id == rows[d.row]["id"]
    # the shown cluster's representative and members are at hand for the side-by-side view
    (cluster,) = data.clusters
    assert data.shown_clusters == [0]
    assert {(m["source"], m["id"]) for m in cluster["members"]} <= set(data.documents)
    other = read_run(examples_run, ReportOptions(documents=3, seed=2))
    assert [d.row for d in read_run(examples_run, ReportOptions(documents=3, seed=1)).sample] == [
        d.row for d in data.sample
    ]
    assert len(other.sample) == 3


def test_read_run_refuses_a_folder_that_is_no_output(tmp_path: Path) -> None:
    with pytest.raises(InvalidOptionError, match="no summary.json"):
        read_run(tmp_path)
    (tmp_path / "summary.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InvalidOptionError, match="no cleaned.jsonl or cleaned.parquet"):
        read_run(tmp_path)
    with pytest.raises(InvalidOptionError, match="page_size"):
        ReportOptions(page_size=0)


def test_report_holds_every_section_and_marks_every_removed_span(examples_run: Path) -> None:
    options = ReportOptions(documents=50)
    data = read_run(examples_run, options)
    html = render_report(data, options)
    for section in ("summary", "plots", "clusters", "boilerplate", "documents"):
        assert f"id='{section}'" in html
    marks = re.findall(r'<mark class="cut reason-(\w+)" data-kind="([^"]*)" data-start="(\d+)" data-end="(\d+)"', html)
    expected = [
        (r.reason, r.kind or "", str(r.start), str(r.end))
        for d in data.sample
        for r in d.removed
        if r.start < options.max_chars
    ]
    assert marks == expected and len(expected) > 100
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "default-src 'none'" in html


def test_build_report_writes_report_html(examples_run: Path) -> None:
    path = build_report(examples_run, ReportOptions(documents=5))
    assert path == examples_run / "report.html" and path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not list(examples_run.glob(".report*"))


def test_untrusted_text_is_escaped(tmp_path: Path) -> None:
    evil = [
        "<script>alert(1)</script> 首页 | 新闻\n正文第一段，很长的内容。" * 2,
        '<img src=x onerror="alert(2)"> </textarea><b>bold</b>\n第二篇文章的正文内容。',
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": f"<i>{i}</i>", "text": t}) + "\n" for i, t in enumerate(evil)))
    out = tmp_path / "out"
    assert main(["clean", str(source), "-o", str(out), "--quiet"]) == 0
    html = build_report(out).read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img" not in html and "</textarea>" not in html and "<i>0" not in html
    # shown as text (cut as inline HTML noise, so inside marks)
    assert "&lt;script&gt;" in html and "&lt;/textarea&gt;" in html and "&lt;i&gt;0&lt;/i&gt;" in html


def test_clean_writes_the_report_and_report_rebuilds_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["clean", str(ROOT / "examples"), "-o", str(out), "--quiet"]) == 0
    first = (out / "report.html").read_text(encoding="utf-8")
    assert "dedup run report" in first and "id='documents'" in first
    (out / "report.html").unlink()
    assert main(["report", str(out), "--documents", "1", "--quiet"]) == 0
    rebuilt = (out / "report.html").read_text(encoding="utf-8")
    assert rebuilt.count('<article class="document"') == 1
    # --no-report: none, and a rerun with --force clears the earlier run's
    assert main(["clean", str(ROOT / "examples"), "-o", str(out), "--quiet", "--force", "--no-report"]) == 0
    assert not (out / "report.html").exists()
    with pytest.raises(SystemExit) as exit_info:
        main(["report", str(tmp_path / "missing")])
    assert exit_info.value.code == 2 and "is no folder" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["report", str(tmp_path)])
    assert exit_info.value.code == 2 and "no summary.json" in capsys.readouterr().err


def test_a_removal_against_an_index_names_the_indexed_copy_in_its_mark() -> None:
    from dedup.removals import Removal
    from dedup.report.html import _mark

    mark = _mark(Removal(0, 4, "duplicate", None, "甲乙丙丁", "passage", "c3"), "甲乙丙丁")
    assert 'title="duplicate / passage, held by indexed document c3"' in mark
    assert "href" not in mark  # no cluster of the run to go to
