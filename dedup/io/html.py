"""HTML pages as text: the visible text of a page, a line per block, as the web-page classifier reads it.

A ``.html`` file (``.htm``, ``.xhtml``, ``.shtml``, compressed or not; or a file not named ``.txt`` that opens as a
page does, :func:`opens_a_page`) is read as one document whose text is the page's visible
text: the ``<title>`` first, then every text block of the body in order. The rules are those of the labelled web
pages the classifier of :mod:`dedup.webpage` was fit on, so what it measured there holds for these lines:

- the contents of ``<script>``, ``<style>``, ``<noscript>``, ``<template>``, ``<svg>`` and ``<head>`` are dropped
  (the head's ``<title>`` is the first line);
- a line ends at every block-level tag (``p``, ``div``, ``li``, ``h1``–``h6``, table rows and cells, ``br``,
  ``hr``, …) and at every newline of the source text; an HTML comment counts as a space;
- entities are unescaped; whitespace is collapsed, and empty lines dropped.

Two things differ: a line inside ``<pre>`` keeps its indentation (a code example stays code, see
:mod:`dedup.sourcecode`), and the page is read by a loop of this module, not Python's ``html.parser``, which takes
quadratic time on some broken markup (13 s for 40 KB of ``<a `` on Python 3.11): here a step reads a tag, a comment
or a run of text, and never scans past the next ``<`` but for a comment's end or a script's, so a page's time is
linear in its length. Its one simplification: a quoted attribute value holding ``<`` ends no tag (the ``<`` and
what follows are read as text).
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from html import unescape

from .base import Decoded
from .decode import _bom_encoding, decode_text

__all__ = [
    "NO_VISIBLE_TEXT",
    "charset_codec",
    "declared_charset",
    "decode_html",
    "html_lines",
    "html_text",
    "opens_a_page",
]

#: Why a page is skipped when nothing of it is visible text.
NO_VISIBLE_TEXT = "no visible text in the page"

SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "head"})
BLOCKS = frozenset(
    """
    address article aside blockquote body br caption center dd details dialog dir div dl dt fieldset
    figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr html iframe legend li
    main menu nav noframes ol option p pre section select summary table tbody td textarea tfoot th
    thead tr ul
    """.split()
)
_SPACES = re.compile(r"\s+")
# How a page starts: <!DOCTYPE html> or <html…>, after a BOM, spaces or comments.
_PAGE_START = re.compile(
    rb"(?:\xef\xbb\xbf)?\s*(?:<!--.{0,500}?-->\s*){0,5}<(?:!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL
)
# <meta charset="gbk">, <meta http-equiv="Content-Type" content="text/html; charset=gb2312">
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
# What a browser reads for these labels (the WHATWG Encoding Standard): GB2312 and GBK pages are GB18030's subsets;
# a page that says Shift_JIS, EUC-KR, ISO-8859-1 or ASCII is read in the Windows code page that extends it.
_ALIASES = {
    **dict.fromkeys(("gb2312", "gbk", "x-gbk", "gb_2312-80", "chinese", "csgb2312"), "gb18030"),
    **dict.fromkeys(("big5", "big5-hkscs", "cn-big5", "x-x-big5"), "big5hkscs"),
    **dict.fromkeys(("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "windows-31j"), "cp932"),
    **dict.fromkeys(("euc-kr", "ks_c_5601-1987", "korean", "windows-949"), "cp949"),
    **dict.fromkeys(("iso-8859-1", "latin1", "l1", "ascii", "us-ascii", "iso8859-1"), "cp1252"),
    **dict.fromkeys(("iso-8859-9", "latin5"), "cp1254"),
    **dict.fromkeys(("tis-620", "iso-8859-11"), "cp874"),
}


# A start or end tag: its name, then attributes (a quoted value may not hold "<", so a scan never passes the next
# "<" and a page is read in linear time, whatever its broken markup: html.parser took 13 s on 40 KB of "<a ").
_TAG = re.compile(r"""<(/?)([A-Za-z][^\s/<>]*)((?:[^<>"']|"[^"<]*"|'[^'<]*')*+)>""")
# Where markup may start: a "<" before anything else is text.
_OPENING = re.compile(r"<[A-Za-z/!?]")
# What ends at the next ">" (or runs to the end of the page, as a browser reads it): <!DOCTYPE …>, <?xml …?>, </ …>.
_BOGUS = re.compile(r"<(?:!|\?|/[^A-Za-z>])")
# Where the text of a <script> or <style> ends: their text is no markup.
_RAW_END = {name: re.compile(rf"</{name}[^>]*+>?", re.IGNORECASE) for name in ("script", "style")}


class _Blocks:
    """The page's lines as its tags and text are met: ``lines`` (with a flag: inside ``<pre>``) and ``title``."""

    def __init__(self) -> None:
        self.skipped: list[str] = []  # the open elements whose text is dropped, innermost last
        self.open = Counter[str]()  # how many of each are open: no scan of a deep stack a tag
        self.pre = 0  # open <pre> elements
        self.in_title = False
        self.title_done = False
        self.title: list[str] = []
        self.parts: list[str] = []  # the line being read
        self.verbatim = False  # it holds text of a <pre>
        self.lines: list[tuple[str, bool]] = []

    def end_line(self) -> None:
        if self.parts:
            self.lines.append(("".join(self.parts), self.verbatim))
        self.parts = []
        self.verbatim = False

    def start(self, tag: str, closed: bool) -> None:
        if closed:  # <br/>, <hr/>, <svg …/>
            if tag in BLOCKS and not self.skipped and tag != "pre":
                self.end_line()
            return
        if tag == "title" and not self.title_done and not self.open["svg"]:
            self.in_title = True
            return
        if tag == "body" and self.open["head"]:  # a <head> never closed
            self.close("head")
        if tag in SKIPPED:
            self.skipped.append(tag)
            self.open[tag] += 1
        elif tag in BLOCKS and not self.skipped:
            self.end_line()
            self.pre += tag == "pre"

    def end(self, tag: str) -> None:
        if tag == "title" and self.in_title:
            self.in_title, self.title_done = False, True
        elif tag in SKIPPED:
            if self.open[tag]:
                self.close(tag)
        elif tag in BLOCKS and not self.skipped:
            self.end_line()
            if tag == "pre" and self.pre:
                self.pre -= 1

    def close(self, tag: str) -> None:
        """Close the innermost open ``tag`` of :data:`SKIPPED`, and whatever was left open inside it."""
        while (inner := self.skipped.pop()) != tag:
            self.open[inner] -= 1
        self.open[tag] -= 1

    def comment(self) -> None:
        if not self.skipped and not self.in_title:
            self.parts.append(" ")

    def text(self, data: str) -> None:
        if not data:
            return
        data = unescape(data)
        if self.in_title and len(self.skipped) == self.open["head"]:  # not a <script> opened in the title
            self.title.append(data)
            return
        if self.skipped:
            return
        first, *rest = data.split("\n")
        self.parts.append(first)
        self.verbatim |= bool(self.pre and first.strip())
        for piece in rest:
            self.end_line()
            self.parts.append(piece)
            self.verbatim = bool(self.pre and piece.strip())


def _read(markup: str, blocks: _Blocks) -> None:
    """Walk ``markup``'s tags, comments and text into ``blocks``: a step a tag, each reading on from where the last
    stopped, so linear in the page's length. Broken markup is read as a browser reads it in the common cases: a
    ``<`` that opens no tag is text; a comment, ``<!…`` or ``<script>`` never closed runs to the end of the page."""
    pos, size, text = 0, len(markup), 0  # markup[text:pos] is text not yet given to blocks
    while pos < size:
        opening = _OPENING.search(markup, pos)
        if opening is None:
            break
        lt = opening.start()
        blocks.text(markup[text:lt])
        text = lt
        if markup.startswith("<!--", lt):
            close = markup.find("-->", lt + 4)
            if close < 0:
                return
            blocks.comment()
            pos = close + 3
        elif (tag := _TAG.match(markup, lt)) is not None:
            name, pos = tag.group(2).lower(), tag.end()
            if tag.group(1):
                blocks.end(name)
            elif name in _RAW_END:  # its text is no markup, and is dropped (SKIPPED)
                blocks.start(name, False)
                close = _RAW_END[name].search(markup, pos)
                if close is None:
                    return
                blocks.end(name)
                pos = close.end()
            else:
                blocks.start(name, tag.group(3).endswith("/"))
        elif _BOGUS.match(markup, lt):
            gt = markup.find(">", lt + 2)
            if gt < 0:
                return
            pos = gt + 1
        else:  # a "<" that opens nothing: text
            pos = lt + 1
            continue
        text = pos
    blocks.text(markup[text:])


def html_lines(markup: str) -> list[str]:
    """The visible text of an HTML page, a line per text block (the module's rules).

    Parameters
    ----------
    markup : str
        An HTML page or fragment, decoded (see :func:`decode_html` for bytes).

    Returns
    -------
    list of str
        The ``<title>`` (when it has text), then the body's text blocks in order; no line is empty, none holds a
        newline, and only a line of ``<pre>`` keeps leading whitespace.

    Examples
    --------
    >>> html_lines('<html><head><title>新闻</title><style>p {}</style></head><body><div>首页 | 国内</div>'
    ...            '<p>正文第一段，<b>加粗</b>的词。</p><pre>if x:\\n    y()</pre></body></html>')
    ['新闻', '首页 | 国内', '正文第一段，加粗的词。', 'if x:', '    y()']
    """
    parser = _Blocks()
    _read(markup, parser)
    parser.end_line()
    title = _SPACES.sub(" ", "".join(parser.title)).strip()
    lines = [title] if title else []
    for text, verbatim in parser.lines:
        line = text.rstrip() if verbatim else _SPACES.sub(" ", text).strip()
        if line.strip():
            lines.append(line)
    return lines


def html_text(markup: str) -> str:
    """:func:`html_lines` joined by newlines: the text a ``.html`` input is cleaned as."""
    return "\n".join(html_lines(markup))


def opens_a_page(data: bytes) -> bool:
    """Whether a file's bytes start as an HTML page does (``<!DOCTYPE html>`` or ``<html>``, after a UTF-8 BOM,
    spaces or comments): how a page saved without its extension (``news?id=3`` of a mirrored site) is known."""
    return _PAGE_START.match(data, 0, 1024) is not None


def declared_charset(data: bytes) -> str | None:
    """The encoding a page's ``<meta>`` declares in its first 4 KB, as Python names it and browsers read it (GB2312
    and GBK as GB18030, Big5 as Big5-HKSCS, Shift_JIS as cp932, EUC-KR as cp949, ISO-8859-1 and ASCII as cp1252), or
    None when it declares none Python knows."""
    found = _CHARSET.search(data[:4096])
    return None if found is None else charset_codec(found.group(1).decode("ascii"))


def charset_codec(label: str) -> str | None:
    """The Python codec a charset label names, as browsers read it (see :func:`declared_charset`), or None for a
    label Python does not know; for a page's ``<meta>`` and an HTTP ``Content-Type`` alike."""
    label = label.strip().strip("\"'").lower()
    try:
        return codecs.lookup(_ALIASES.get(label, label)).name
    except LookupError:
        return None


def decode_html(data: bytes, encoding: str | None = None) -> Decoded | str:
    """Decode an HTML file's bytes, or say why they are not text.

    As :func:`dedup.io.decode_text`, with one step added: bytes that are not UTF-8 (and hold no BOM) are read in the
    encoding the page declares, when they are valid in it, before any guess.
    """
    if encoding is None and _bom_encoding(data) is None:
        declared = declared_charset(data)
        if declared is not None and declared != "utf-8":
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    return Decoded(data.decode(declared), declared)
                except UnicodeDecodeError:
                    pass
    return decode_text(data, encoding)
