"""Build labelled page lines from a page's HTML and a reference extraction of its main text.

::

    python -m benchmarks.webpages.build ID SOURCE.html EXPECTED.html [--provenance TEXT] >> data/heldout.jsonl

The same recipe as the development set: the page's visible text blocks in order (block
boundaries and ``<br>`` become line breaks; ``script``, ``style``, ``noscript`` and
``template`` dropped; whitespace collapsed; the ``<title>`` is the first block), and a
line is labelled content (1) when its text occurs in the text of the reference
extraction (for mozilla/readability's test pages, ``expected.html``), else boilerplate (0).
Only the standard library's :mod:`html.parser` is used.
"""

from __future__ import annotations

import argparse
import json
import sys
from html.parser import HTMLParser

__all__ = ["html_blocks", "label_lines", "build_record"]

_BLOCK = frozenset(
    "address article aside blockquote body br caption center dd details dialog div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr html legend li main nav ol option p pre section summary table tbody td "
    "tfoot th thead title tr ul".split()
)
_DROPPED = frozenset({"script", "style", "noscript", "template", "svg", "head"})


class _Blocks(HTMLParser):
    """Collects visible text, cutting a block at every block-level tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._dropped = 0  # depth inside dropped elements
        self._in_title = False

    def _cut(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "title":
            self._cut()
            self._in_title = True
        elif tag in _DROPPED:
            self._dropped += 1
        elif tag in _BLOCK:
            self._cut()

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _BLOCK:
            self._cut()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._cut()
            self._in_title = False
        elif tag in _DROPPED:
            self._dropped = max(self._dropped - 1, 0)
        elif tag in _BLOCK:
            self._cut()

    def handle_data(self, data: str) -> None:
        if self._in_title or not self._dropped:
            self._current.append(data)

    def close(self) -> None:
        super().close()
        self._cut()


def html_blocks(html: str) -> list[str]:
    """The visible text blocks of an HTML page, in order, whitespace collapsed."""
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    return parser.blocks


def label_lines(lines: list[str], expected_html: str) -> list[int]:
    """1 for each line whose text occurs in the reference extraction's text, else 0."""
    blocks = html_blocks(expected_html)
    joined = "\n".join(blocks) + "\n" + " ".join(blocks)
    return [1 if line in joined else 0 for line in lines]


def build_record(page_id: str, source_html: str, expected_html: str, provenance: str = "") -> dict:
    """One JSON record ``{"id", "lines", "labels", "provenance"}``."""
    lines = html_blocks(source_html)
    record = {"id": page_id, "lines": lines, "labels": label_lines(lines, expected_html)}
    if provenance:
        record["provenance"] = provenance
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.webpages.build", description=__doc__)
    parser.add_argument("id")
    parser.add_argument("source")
    parser.add_argument("expected")
    parser.add_argument("--provenance", default="")
    args = parser.parse_args(argv)
    with open(args.source, encoding="utf-8") as f:
        source = f.read()
    with open(args.expected, encoding="utf-8") as f:
        expected = f.read()
    sys.stdout.write(json.dumps(build_record(args.id, source, expected, args.provenance), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
