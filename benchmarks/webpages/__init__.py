"""Web-page boilerplate benchmark: labelled page lines, character-weighted scores.

::

    python -m benchmarks.webpages [--heldout] [--lines]

Pages are JSON lines ``{"id", "lines": [...], "labels": [...]}`` (label 1 = main content,
0 = boilerplate) in ``data/``:

- ``readability_zh.jsonl`` — the development set: four Chinese pages (gmw, qq, youth,
  pixnet) of mozilla/readability's test pages;
- ``heldout.jsonl`` — pages built the same way from other readability test pages, never
  used for tuning (see ``data/README.md``).

Every line weighs its number of non-space characters. Boilerplate precision, recall and
F1 treat boilerplate as the positive class; content recall is the share of content
characters kept. Scores are given per page and pooled over all pages of a set.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "DATA",
    "Page",
    "PageScores",
    "load_pages",
    "score",
    "evaluate",
    "classifier",
    "rules",
    "keep_all",
    "length_rule",
    "METHODS",
]

DATA = Path(__file__).resolve().parent / "data"
_SPACE = re.compile(r"\s+")

#: A method maps a page's lines to a bool array, True = boilerplate.
Method = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class Page:
    """One labelled page: its lines and, per line, 1 for content and 0 for boilerplate."""

    id: str
    lines: tuple[str, ...]
    labels: tuple[int, ...]

    @property
    def weights(self) -> np.ndarray:
        """float64 ``[m]``: non-space characters of each line."""
        return np.array([len(_SPACE.sub("", line)) for line in self.lines], dtype=np.float64)

    @property
    def boilerplate(self) -> np.ndarray:
        """bool ``[m]``: the lines labelled boilerplate."""
        return np.array(self.labels, dtype=np.int64) == 0


@dataclass(frozen=True)
class PageScores:
    """Character-weighted scores of one page or a pooled set.

    Attributes
    ----------
    precision, recall, f1 : float
        Of boilerplate (the positive class).
    content_recall : float
        Share of content characters kept.
    boilerplate_chars, content_chars : int
        The page's weight of each class.
    """

    precision: float
    recall: float
    f1: float
    content_recall: float
    boilerplate_chars: int
    content_chars: int


def load_pages(name: str = "readability_zh.jsonl") -> list[Page]:
    """The labelled pages of ``data/<name>``."""
    pages = []
    with open(DATA / name, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                record = json.loads(line)
                pages.append(Page(record["id"], tuple(record["lines"]), tuple(int(x) for x in record["labels"])))
    return pages


def _counts(page: Page, predicted: np.ndarray) -> np.ndarray:
    """float64 ``[4]``: weights of true positives, false positives, false negatives, content kept."""
    w, boiler = page.weights, page.boilerplate
    pred = np.asarray(predicted, dtype=bool)
    return np.array(
        [w[pred & boiler].sum(), w[pred & ~boiler].sum(), w[~pred & boiler].sum(), w[~pred & ~boiler].sum()]
    )


def _scores(counts: np.ndarray) -> PageScores:
    tp, fp, fn, kept = counts.tolist()
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    content = fp + kept
    return PageScores(precision, recall, f1, kept / content if content else 1.0, int(tp + fn), int(content))


def score(page: Page, predicted: np.ndarray) -> PageScores:
    """Character-weighted scores of one page's predicted boilerplate lines (bool ``[m]``)."""
    return _scores(_counts(page, predicted))


def evaluate(pages: Sequence[Page], method: Method) -> dict[str, PageScores]:
    """Scores of ``method`` per page id, and pooled over all pages under ``"all"``."""
    out: dict[str, PageScores] = {}
    total = np.zeros(4)
    for page in pages:
        counts = _counts(page, method(page.lines))
        out[page.id] = _scores(counts)
        total += counts
    out["all"] = _scores(total)
    return out


def classifier(lines: Sequence[str]) -> np.ndarray:
    """``dedup.webpage.classify_page_lines`` with default options (the line model)."""
    from dedup.webpage import classify_page_lines

    return classify_page_lines(list(lines))[0]


def rules(lines: Sequence[str]) -> np.ndarray:
    """``dedup.webpage.classify_page_lines`` with the hand rules (``method="rules"``)."""
    from dedup.webpage import WebpageOptions, classify_page_lines

    return classify_page_lines(list(lines), WebpageOptions(method="rules"))[0]


def keep_all(lines: Sequence[str]) -> np.ndarray:
    """Baseline: every line is content."""
    return np.zeros(len(lines), dtype=bool)


def length_rule(min_chars: int = 20) -> Method:
    """Baseline: a line with fewer than ``min_chars`` non-space characters is boilerplate."""

    def method(lines: Sequence[str]) -> np.ndarray:
        return np.array([len(_SPACE.sub("", line)) < min_chars for line in lines], dtype=bool)

    method.__name__ = f"length<{min_chars}"
    return method


#: The methods the benchmark reports, by row name.
METHODS: dict[str, Method] = {
    "keep every line": keep_all,
    "length < 10 chars": length_rule(10),
    "length < 20 chars": length_rule(20),
    "length < 30 chars": length_rule(30),
    "dedup.webpage hand rules": rules,
    "dedup.webpage line model": classifier,
}
