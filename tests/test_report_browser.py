"""The run report in a real browser: headless Chromium (Debian's ``chromium``) driven by playwright.

Skipped cleanly where playwright or a Chromium binary is missing (``.ci/run`` installs both).
Screenshots and the measured load times go to ``test-artifacts/report/`` (not a test
criterion: this machine is shared and noisy; the README quotes the figures).
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dedup.cli import main
from dedup.report import ReportOptions, build_report, read_run

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium binary (apt-get install chromium)")

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "report"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


class Loaded:
    """A report opened in a fresh page, with what it logged and asked for."""

    def __init__(self, browser: Any, path: Path, name: str) -> None:
        self.page = browser.new_page(viewport={"width": 1300, "height": 900})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        started = time.perf_counter()
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("body[data-ready='1']")
        self.seconds = time.perf_counter() - started
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
        timings = ARTIFACTS / "load-seconds.json"
        known = json.loads(timings.read_text()) if timings.exists() else {}
        known[name] = {"seconds": round(self.seconds, 3), "bytes": path.stat().st_size}
        timings.write_text(json.dumps(known, indent=2, sort_keys=True))
        self.path = path


def _clean(inputs: list[str], out: Path, *extra: str) -> Path:
    assert main(["clean", *inputs, "-o", str(out), "--quiet", *extra]) == 0
    return out


@pytest.fixture(scope="module")
def examples_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = _clean([str(ROOT / "examples")], tmp_path_factory.mktemp("browser") / "out", "--cross-document")
    return build_report(out, ReportOptions(documents=50))


def test_examples_report_loads_clean_and_draws_the_known_data(browser: Any, examples_report: Path) -> None:
    loaded = Loaded(browser, examples_report, "examples")
    page = loaded.page
    assert loaded.errors == [] and loaded.requests == [examples_report.as_uri()] and loaded.dialogs == []
    data = read_run(examples_report.parent, ReportOptions(documents=50))
    kinds = len(data.summary["removals_by_kind"])
    families = min(len(data.families), 20)
    largest = max(int(c["size"]) for c in data.clusters)
    size_bins = largest - 1  # one bin per size from 2
    # bars: kinds, cluster sizes, 20 similarity bins, families, 2 × 20 length bins
    assert page.locator("svg rect.bar").count() == kinds + size_bins + 20 + families + 40
    assert page.locator("svg circle.point").count() == 51 and page.locator("svg line.marker").count() == 2
    # every removed span of every shown document is marked, with its reason and kind, and nothing else is
    for document in data.sample:
        marks = page.locator(f"#doc-{document.row} mark.cut")
        shown = [r for r in document.removed if r.start < ReportOptions().max_chars]
        assert marks.count() == len(shown)
        texts = marks.evaluate_all("ms => ms.map(m => [m.textContent, m.dataset.kind, m.className, m.title])")
        for (text, kind, classes, title), r in zip(texts, shown):
            assert text == r.text[: ReportOptions().max_chars - r.start] and kind == (r.kind or "")
            assert f"reason-{r.reason}" in classes and title.startswith(f"{r.reason} / {r.kind or '-'}")


def test_links_open_the_page_that_holds_the_cluster_or_family(browser: Any, tmp_path: Path) -> None:
    lines = (ROOT / "tests" / "fixtures" / "peoples_daily_sample.txt").read_text(encoding="utf-8").splitlines()
    pages = [f"首页 | 新闻 | 体育\n{lines[2 * i]}\n{lines[2 * i + 1]}\n版权所有 © 2024 某网站" for i in range(30)]
    source = tmp_path / "pages.jsonl"
    rows = [json.dumps({"id": f"p{i}", "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(pages)]
    source.write_text("".join(rows), encoding="utf-8")
    out = _clean([str(source)], tmp_path / "out")
    report = build_report(out, ReportOptions(documents=30, page_size=5))
    loaded = Loaded(browser, report, "pagination")
    page = loaded.page
    assert loaded.errors == []
    documents = page.locator("#documents .paged > .page")
    assert documents.count() == 6
    assert [documents.nth(i).is_visible() for i in range(6)] == [True] + [False] * 5
    page.locator("#documents .pager .next").click()
    assert documents.nth(1).is_visible() and not documents.nth(0).is_visible()
    assert page.locator("#documents .pager .at").text_content() == "page 2 of 6"
    # a mark's link leads to its family, shown whatever page the family is on
    link = page.locator("#documents .page:visible mark.reason-boilerplate a").first
    target = link.get_attribute("href")
    link.click()
    assert page.locator(target).is_visible()


def test_right_to_left_text_reads_right_to_left(browser: Any, tmp_path: Path) -> None:
    """A document's text takes its direction from its first letters (``dir="auto"``): Arabic and Hebrew right to
    left in a page that is left to right, Chinese and English as the page."""
    texts = {
        "ar": "أعلنت الحكومة اليوم عن إجراءات جديدة، وقال الوزير إن هذه خطوة مهمة.",
        "he": "הממשלה הודיעה היום על צעדים חדשים, והשר אמר שזה צעד חשוב.",
        "zh": "政府今天宣布了新的措施，部长说这是重要的一步。",
        "en": "The government announced new measures today; the minister called it an important step.",
    }
    source = tmp_path / "scripts.jsonl"
    rows = [json.dumps({"id": k, "text": f"{t}<br>\n{t}"}, ensure_ascii=False) + "\n" for k, t in texts.items()]
    source.write_text("".join(rows), encoding="utf-8")
    report = build_report(_clean([str(source)], tmp_path / "out"))
    loaded = Loaded(browser, report, "right-to-left")
    assert loaded.errors == []
    directions = loaded.page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#documents article.document')].map(a => [
            a.querySelector('h3').firstChild.textContent.trim(), a.querySelector('.text').matches(':dir(rtl)')]))"""
    )
    assert directions == {"ar": True, "he": True, "zh": False, "en": False}
    assert loaded.page.evaluate("() => document.documentElement.matches(':dir(ltr)')")


def test_documents_cannot_run_code_in_the_report(browser: Any, tmp_path: Path) -> None:
    attacks = [
        "<script>alert('script')</script>",
        "<img src=x onerror=\"alert('img')\">",
        "</textarea><script>window.pwned = 1</script>",
        "<svg onload=\"alert('svg')\"></svg>",
        '"><iframe src="javascript:alert(\'iframe\')"></iframe>',
        "<a href=\"javascript:alert('link')\">click</a>",
    ]
    records = [
        {"id": f"{attack} {i}", "text": f"{attack}\n第{i}篇的正文，不一样的内容在这里。\n{attack}"}
        for i, attack in enumerate(attacks)
    ]
    source = tmp_path / "evil.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    out = _clean([str(source)], tmp_path / "out", "--cross-document")
    report = build_report(out)
    loaded = Loaded(browser, report, "untrusted")
    page = loaded.page
    page.wait_for_timeout(300)
    assert loaded.dialogs == [] and page.evaluate("window.pwned") is None
    assert loaded.requests == [report.as_uri()]
    assert page.locator("main script, main img, main iframe, main textarea, main svg:not(.chart)").count() == 0
    shown = page.locator("#documents").inner_text()
    for attack in attacks:
        assert attack in shown  # as text


def test_a_20k_document_report_stays_small_and_loads(browser: Any, tmp_path: Path) -> None:
    rng = random.Random(0)
    lines = (ROOT / "tests" / "fixtures" / "peoples_daily_sample.txt").read_text(encoding="utf-8").splitlines()
    header = "人民网 > 新闻中心 > 国内新闻"
    stories = len(lines) - 1  # story k is lines k and k + 1: each is reprinted about 20,000 / stories times
    records = []
    for i in range(20_000):
        k = rng.randrange(stories)
        body = f"{lines[k]}\n{lines[k + 1]}"
        records.append({"id": f"d{i}", "text": f"{header}\n{body}" if i % 4 == 0 else body})
    source = tmp_path / "big.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    out = _clean([str(source)], tmp_path / "out", "--cross-document")
    report = build_report(out)
    assert report.stat().st_size < 4_000_000
    loaded = Loaded(browser, report, "20k-documents")
    page = loaded.page
    assert loaded.errors == [] and loaded.requests == [report.as_uri()]
    assert page.locator("#documents article.document").count() == ReportOptions().documents
    assert page.locator("#clusters article.cluster").count() == 40
    assert page.locator("#documents .page:visible article.document").count() == ReportOptions().page_size
