"""What a line's characters mark it as, for the line table (:mod:`dedup.lines`) and the boilerplate analysis:
variable slots to mask (:func:`mask_slots`), sentence ends (:func:`ends_sentence`, :func:`one_sentence`), cell
breaks of tables (:func:`cell_breaks`, :func:`row_cells`), page numbers, running heads and headings
(:func:`page_marks`, :func:`heading_marks`). Where a regular expression a line cost a Python call per match
(slots, cell breaks), a pass over the joined lines' code points finds the same; where it fails on a line's
first characters, or runs once a line in C, it stays; the heading patterns are searched only on the lines
holding a character they need (:mod:`dedup.literals`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from .arrays import collapse_runs, from_codepoints, to_codepoints, whitespace_table
from .kernel import kernels as _kernels  # None without the compiled kernel: numpy paths
from .literals import lines_holding, required_literals, searched_lines
from .segment.chars import OTHER_SCRIPT_ENDS, SENTENCE_ENDS
from .shingle import encode
from .sourcecode import code_candidates

# A clause's punctuation inside quotes makes them speech ("“别担心，”米洛斯说。", "“Wait,” she said."): two lines
# of dialogue with one speaker are no template with a name's slot filled. An ASCII full stop may be part of a name.
_OPENERS, _CLOSERS_OF_NAMES, _CLAUSE_ENDS = "“「『\"'‘", "”」』\"'’", "，。！？；,!?;…"
_NOT_IN_NAMES = "“”「」『』\"'‘’\n" + _CLAUSE_ENDS
_NAME_CHARS = 40
# A short quoted name: an opener, 1 to 40 characters of none of the quotes or a clause's punctuation, a closer
# (every closer is one of them).
_QUOTED = re.compile(f"[{_OPENERS}][^{_NOT_IN_NAMES}]{{1,{_NAME_CHARS}}}[{_CLOSERS_OF_NAMES}]")


_TOKEN = re.compile(r"[A-Za-z0-9_@.\-]+")  # maximal runs: each character is matched once


_HAS_LETTER = re.compile(r"[A-Za-z_@]")


_DIGITS = re.compile(r"\d+")


_MARKUP = re.compile(r"<[^<>\n]{0,200}>|&#?\w{1,10};")


_SENTENCE_END = re.compile(f"[{SENTENCE_ENDS}]")


# "Page" and "of" in page-number lines of many languages (matched ignoring case): Page 3 of 40, S. 3, Seite 3 von 40,
# Page 3 sur 40, Página 3 de 40, Pagina 3 di 40, Strona 3 z 40, Стр. 3 из 40, Сторінка 3 з 40, Sayfa 3, Sivu 3,
# Side 3 av 40, Oldal 3, Σελίδα 3, صفحة 3, עמוד 3, पृष्ठ 3, Trang 3.
_PAGE_WORDS = (
    "pages|page|pg|pp|p|seite|s\\.|página|pagina|pág|pag|strona|str|stránka|strana|sayfa|sivu|side|sida|oldal|σελίδα"
    "|σελ|страница|стр|сторінка|с\\.|صفحة|עמוד|पृष्ठ|trang"
)  # "S." and "с." with their full stop: "S2" is a season, a size
_PAGE_OF = "of|von|sur|de|di|od|ze|z|из|з|от|van|av|af|/"
_PAGE_NUMBER = re.compile(
    rf"(?:(?:{_PAGE_WORDS})\.?\s*)?\d{{1,4}}(?:\s*(?:{_PAGE_OF})\.?\s*\d{{1,4}})?"  # 47, P. 47, Seite 3 von 40
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"  # 第3页 共9页
    r"|[-—–－~]+\s*\d{1,4}\s*[-—–－~]+"  # — 3 —
    r"|\d{1,4}\s*/\s*\d{1,4}"  # 3 / 20
    r"|\d{4}\s*年\s*第\s*\d{1,3}\s*期\s*\d{1,4}"  # 2018 年第 9 期 45
    r"|\d{1,4}\s*\d{4}\s*年\s*第\s*\d{1,3}\s*期",  # 45 2018 年第 9 期
    re.IGNORECASE,
)


_RUNNING_HEAD = re.compile(rf"(?:{_PAGE_WORDS})\.?\s+\d{{1,4}}\s*[-—–:|]\s*\S.{{0,80}}", re.IGNORECASE)


# What sets a running head apart from a title printed under a page number.
_HEAD_MARK = re.compile(r"\s[/|｜]\s|[|｜]|第\s*\d{1,3}\s*期|\d{4}\s*年|vol\.|no\.", re.IGNORECASE)


_TOKEN_BIT, _LETTER_BIT, _DIGIT_BIT = 1, 2, 4


@lru_cache(maxsize=1)
def _slot_bits() -> np.ndarray:
    """uint8 ``[0x110000]``, read off the patterns that define masking: a character of :data:`_TOKEN`,
    of :data:`_HAS_LETTER` (both ASCII) and of :data:`_DIGITS` in the Basic Multilingual Plane (astral
    digits are asked of the code points a batch holds, :func:`_with_astral_digits`)."""
    table = np.zeros(0x110000, dtype=np.uint8)
    for pattern, bit, size in (
        (_TOKEN, _TOKEN_BIT, 0x80),
        (_HAS_LETTER, _LETTER_BIT, 0x80),
        (_DIGITS, _DIGIT_BIT, 0x10000),
    ):
        found = [c for c in range(size) if not 0xD800 <= c < 0xE000 and pattern.fullmatch(chr(c)) is not None]
        table[found] |= bit
    return table


def _with_astral_digits(table: np.ndarray, cps: np.ndarray) -> np.ndarray:
    """:func:`_slot_bits` with the digit bit of the astral decimal digits among ``cps`` (uint32 ``[n]``) set too
    (a copy, made only when ``cps`` holds astral code points)."""
    if not cps.size or cps.max() <= 0xFFFF:
        return table
    codes = np.unique(cps[cps > 0xFFFF])
    decimal = codes[np.array([chr(c).isdecimal() for c in codes.tolist()], dtype=bool)]
    if not decimal.size:
        return table
    table = table.copy()
    table[decimal] |= _DIGIT_BIT
    return table


def mask_slots(nfkc_lines: Sequence[str]) -> list[str]:
    """Lines with variable slots masked (quoted names and Latin tokens → ``a``, digit runs → ``0``).

    As ``_TOKEN.sub`` (runs with a letter → ``a``) then ``_DIGITS.sub("0")``, over the joined lines'
    code points (:func:`dedup.arrays.collapse_runs`: the compiled kernel, or array operations): a
    callback per token cost a Python call per Latin word.
    """
    if not nfkc_lines:
        return []
    cps = _without_quoted_names("\n".join(nfkc_lines))
    table = _with_astral_digits(_slot_bits(), cps)
    cps = collapse_runs(cps, table, _TOKEN_BIT, _LETTER_BIT, "a")
    cps = collapse_runs(cps, table, _DIGIT_BIT, 0, "0")
    return from_codepoints(cps).split("\n")


_OPEN_BIT, _CLOSE_BIT, _STOP_BIT = 1, 2, 4


@lru_cache(maxsize=1)
def _quote_bits() -> np.ndarray:
    """uint8 ``[0x10000]``: which characters open a quoted name, close one, or may not be in one (the sets of
    :data:`_QUOTED`, all in the Basic Multilingual Plane)."""
    table = np.zeros(0x10000, dtype=np.uint8)
    for chars, bit in ((_OPENERS, _OPEN_BIT), (_CLOSERS_OF_NAMES, _CLOSE_BIT), (_NOT_IN_NAMES, _STOP_BIT)):
        table[[ord(c) for c in chars]] |= bit
    return table


def _without_quoted_names(joined: str) -> np.ndarray:
    """The code points (uint32 ``[k]``) of ``_QUOTED.sub("a", joined)``: by the compiled kernel's one pass over the
    code points (``re`` reads about 4 ns a character looking for an opener), else by the regular expression."""
    if _kernels is None:
        return to_codepoints(_QUOTED.sub("a", joined))
    cps = to_codepoints(joined)
    out = np.empty_like(cps)
    n = _kernels.mask_quoted(cps, _quote_bits(), _OPEN_BIT, _CLOSE_BIT, _STOP_BIT, _NAME_CHARS, ord("a"), out)
    return out[:n]


_CLOSERS = "”’」』）)]】》〉\"'"


def one_sentence(lines: Sequence[str]) -> np.ndarray:
    """bool ``[len(lines)]``: whether each line holds no sentence end (``。！？!?；;…``, the other scripts' of
    :data:`dedup.segment.chars.OTHER_SCRIPT_ENDS`) before its last visible character. (A regular expression a line,
    searched up to that character rather than on a slice without it, which copied the line; one pass over the joined
    lines' code points measured 4× slower.)"""
    search = _SENTENCE_END.search
    return np.fromiter(
        (search(line, 0, len(line.rstrip()) - 1) is None for line in lines), dtype=bool, count=len(lines)
    )


# Either mark in one call a line. The two never match one line: a running head holds a separator and text after
# its page number, where a page number ends (tests/test_linemarks.py checks it on lines built to come close).
_PAGE_MARK = re.compile(f"(?P<number>{_PAGE_NUMBER.pattern})|(?P<head>{_RUNNING_HEAD.pattern})", re.IGNORECASE)


@lru_cache(maxsize=1)
def _decimal_digits() -> tuple[str, ...]:
    """Every character ``\\d`` matches (the decimal digits of every script, astral ones too), as literals for
    :func:`dedup.literals.lines_holding`: each of :data:`_PAGE_MARK`'s alternatives holds a ``\\d``."""
    found = []
    for plane in range(0, 0x110000, 0x10000):  # a plane at a time: 0.5 MB of arrays, not 19 MB at once
        codes = np.arange(plane, plane + 0x10000, dtype=np.uint32)
        found += _DIGITS.findall(from_codepoints(codes[(codes < 0xD800) | (codes >= 0xE000)]))
    return tuple("".join(found))


def line_marks(stripped: Sequence[str]) -> tuple[np.ndarray, ...]:
    """:func:`page_marks`, :func:`heading_marks` and :func:`figure_lines` of stripped lines, the literals they look
    for found in one pass (:func:`dedup.literals.lines_holding`): page number, running head, heading shape, heading
    with a running head's mark, figure, whether a line may be code by its first or last character
    (:func:`dedup.sourcecode.code_candidates`) and whether it ends a sentence (:func:`sentence_ends`), the last two
    read off the same code points (bool ``[len(stripped)]`` each)."""
    encoded = encode(stripped) if _kernels is not None and stripped else None
    held = lines_holding(stripped, [*_heading_literals(), _decimal_digits()], encoded)
    return (
        *page_marks(stripped, held[3]),
        *heading_marks(stripped, held[:3]),
        figure_lines(stripped, held[3]),
        code_candidates(stripped, encoded),
        sentence_ends(stripped, encoded),
    )


@lru_cache(maxsize=1)
def _end_tables() -> tuple[np.ndarray, np.ndarray]:
    """Two bool tables over the code points up to the largest sentence end or closer: which end a sentence (what
    :data:`_SENTENCE_END` matches) and which close a quote or bracket (:data:`_CLOSERS`)."""
    ends, closers = SENTENCE_ENDS, _CLOSERS
    size = max(map(ord, ends + closers)) + 1
    ending, closing = np.zeros(size, dtype=bool), np.zeros(size, dtype=bool)
    ending[[ord(c) for c in ends]] = True
    closing[[ord(c) for c in closers]] = True
    return ending, closing


def _of(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``table`` read at each of ``codes`` (uint32), False beyond its end."""
    return (codes < table.size) & table[np.minimum(codes, table.size - 1)]


def sentence_ends(stripped: Sequence[str], encoded: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """bool ``[len(stripped)]``: :func:`ends_sentence` of each stripped line, read off the lines' code points
    (``encoded``: ``dedup.shingle.encode(stripped)``, made when not given), closing quotes and brackets stepped over a
    character at a time for all lines at once; only the code points at the lines' ends are read. (On NFKC lines an
    ellipsis ``…`` is three dots, no end, as English web furniture's ``Loading...`` is none.)"""
    cps, offsets = encoded if encoded is not None else encode(stripped)
    if not cps.size:
        return np.zeros(len(stripped), dtype=bool)
    ending, closing = _end_tables()
    starts, pos = offsets[:-1], offsets[1:] - 1
    inside = pos >= starts
    last = cps[np.maximum(pos, 0)]
    while (step := inside & _of(closing, last)).any():
        pos = pos - step
        inside = pos >= starts
        last = np.where(step, cps[np.maximum(pos, 0)], last)
    return inside & _of(ending, last)


@lru_cache(maxsize=1)
def _page_mark_firsts() -> frozenset[str]:
    """The characters, case-folded, that a page mark (:data:`_PAGE_MARK`) may open with: every decimal digit
    (:func:`_decimal_digits`), the first letter of each page word, and the dashes and 第 of the other forms."""
    words = _PAGE_WORDS.replace("\\", "").split("|")
    return frozenset(_decimal_digits()) | {word[0] for word in words} | set("-—–－~第")


def page_marks(stripped: Sequence[str], digit: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Which stripped lines are a page number (:data:`_PAGE_NUMBER`) and which a running head
    (:data:`_RUNNING_HEAD`): two bool ``[len(stripped)]``. Both need a decimal digit, so only the lines holding one
    are matched (``digit``, bool ``[len(stripped)]``, when the caller found them; People's Daily's lines: 7,552 of
    19,484, 6.8 → 2.4 ms). (Both patterns fail on a line's first characters unless it is one; the two as one
    pattern, :data:`_PAGE_MARK`, are one call a line instead of two.)"""
    if digit is None:
        digit = lines_holding(stripped, [_decimal_digits()])[0]
    number, head = np.zeros(len(stripped), dtype=bool), np.zeros(len(stripped), dtype=bool)
    rows = np.flatnonzero(digit)
    # Both open with a digit, a page word, a dash or 第: a line that does not is no page mark (most lines holding a
    # digit; the page words of many languages made the pattern's first step slow).
    first = _page_mark_firsts()
    opens = (stripped[i][:1].casefold()[:1] in first for i in rows.tolist())
    rows = rows[np.fromiter(opens, dtype=bool, count=rows.size)]
    match = _PAGE_MARK.fullmatch
    group = [None if m is None else m.lastgroup for m in (match(stripped[i]) for i in rows.tolist())]
    number[rows] = np.fromiter((g == "number" for g in group), dtype=bool, count=rows.size)
    head[rows] = np.fromiter((g == "head" for g in group), dtype=bool, count=rows.size)
    return number, head


@lru_cache(maxsize=1)
def _heading_literals() -> tuple[tuple[str, ...] | None, ...]:
    """What :func:`heading_marks` looks for first: markup's "<" or "&", a sentence end, a running head's mark."""
    return ("<", "&"), required_literals(_SENTENCE_END), required_literals(_HEAD_MARK)


def heading_marks(stripped: Sequence[str], held: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Which stripped lines have a heading's shape — at most 40 characters and no sentence end, HTML remnants
    aside — and which of those also a running head's mark (:data:`_HEAD_MARK`): two bool ``[len(stripped)]``.
    The patterns are searched only on the lines holding a character they need (:mod:`dedup.literals`: markup's
    "<" or "&", a sentence end, a mark's "/", "|", "第", "年" or "."; ``held``, bool ``[3, len(stripped)]``, when
    the caller found them); removing markup adds no character."""
    markup, ends, marks = lines_holding(stripped, _heading_literals()) if held is None else held
    bare = list(stripped)
    for i in np.flatnonzero(markup).tolist():
        if "<" in bare[i] or "&" in bare[i]:
            bare[i] = _MARKUP.sub("", bare[i]).strip()
    lengths = np.fromiter(map(len, bare), dtype=np.int64, count=len(bare))
    plain = (lengths > 0) & (lengths <= 40)
    rows = np.flatnonzero(plain & ends)
    plain[rows] = ~searched_lines(_SENTENCE_END, bare, rows)
    marked = np.zeros(len(stripped), dtype=bool)
    rows = np.flatnonzero(plain & marks)
    marked[rows] = searched_lines(_HEAD_MARK, stripped, rows)
    return plain, marked


# Quotes of speech in other languages' styles: «…» and »…« (French, Russian; German, Danish), „…“ and ‚…‘ (German,
# Polish, Czech), ‹…› and ›…‹.
_SPEECH_OPENERS = _OPENERS + "«»„‚‹›"
_SPEECH_CLOSERS = _CLOSERS_OF_NAMES + "»«“‘›‹"
# A sentence's end in any script, which an utterance may close on ("“Fine.”", "« Oui. »"): the Latin full stop only
# right before the closing quote, since a quoted name may hold one ("“U.S. Steel”").
_UTTERANCE_ENDS = "。！？!?…." + OTHER_SCRIPT_ENDS
# Dashes that open a line of dialogue where Russian, French, Spanish or Polish print one ("— Да.", "—¿Sí?", "– Igen.").
_DIALOGUE_DASHES = "—–―"
_WIDE_LETTERS = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff"
# What a quote holds: no closing quote, but an apostrophe inside a word ("“I don't know.”", "« D'accord. »").
_QUOTE_TEXT = f"(?:[^{_SPEECH_CLOSERS}\\n]|(?<=[^\\W\\d_])['’](?=[^\\W\\d_]))"
# A line that opens with an utterance: an opening quote, then up to a closing quote text holding a clause's
# punctuation, or ending a sentence ("“为什么？”", "“好。”他说。", "“Wait,” she said.", "„Ja.“"), or the punctuation
# right after the closing quote, as Russian prints it, at the line's end or before a dash ("«Нет».", "«Да», —
# сказал он."; not a Chinese line of quoted terms, "“输血”,更需“造血”"); or a dash, a letter of a
# script written with spaces (a Chinese line opening with "——" is an attribution, "——新华社记者 王明。"), and a
# clause's punctuation or a sentence's end ("— Да, — сказал он.").
# (Linear on any line: the text before the first clause punctuation holds none, so no two runs of quoted text can
# trade characters; "“" and 40,000 "，字" took 19 s with them, as long as a chapter printed as one line.)
_BEFORE_CLAUSE = f"(?:[^{_SPEECH_CLOSERS}{_CLAUSE_ENDS}\\n]|(?<=[^\\W\\d_])['’](?=[^\\W\\d_]))"
_PUNCTUATION_AFTER_QUOTE = (
    f"[{_SPEECH_OPENERS}]{_QUOTE_TEXT}+[{_SPEECH_CLOSERS}][.,!?…](?=\\s*(?:[{_DIALOGUE_DASHES}]|$))"
)
_DASH_DIALOGUE = (
    f"[{_DIALOGUE_DASHES}][ \u00a0]?[¿¡]?(?![{_WIDE_LETTERS}])[^\\W\\d_][^\n]*?[{_CLAUSE_ENDS}{_UTTERANCE_ENDS}]"
)
_SPEECH = re.compile(
    f"[{_SPEECH_OPENERS}]{_BEFORE_CLAUSE}*[{_CLAUSE_ENDS}]{_QUOTE_TEXT}*[{_SPEECH_CLOSERS}]"
    f"|[{_SPEECH_OPENERS}]{_QUOTE_TEXT}*[{_UTTERANCE_ENDS}]\\s?[{_SPEECH_CLOSERS}]"
    f"|{_PUNCTUATION_AFTER_QUOTE}|{_DASH_DIALOGUE}"
)


def opens_with_speech(lines: Sequence[str]) -> np.ndarray:
    """bool ``[len(lines)]``: whether each line (stripped) opens with an utterance in quotes, or with a dash of
    dialogue — dialogue, which a story's chapters share (``“嗯。”``, ``“为什么？”``, ``“Yes.”``, ``« Oui. »``,
    ``— Да.``) and a site's furniture is not. Only the lines that open with a quote or a dash are matched."""
    first = _SPEECH_OPENERS + _DIALOGUE_DASHES
    out = np.fromiter((line[:1] in first for line in lines), dtype=bool, count=len(lines))
    rows = np.flatnonzero(out)
    match = _SPEECH.match
    out[rows] = np.fromiter((match(lines[i]) is not None for i in rows.tolist()), dtype=bool, count=rows.size)
    return out


def ends_sentence(lines: Sequence[str]) -> np.ndarray:
    """bool ``[len(lines)]``: whether each line's last visible character, closing quotes and brackets aside,
    ends a sentence (``。！？!?；;…`` and :data:`dedup.segment.chars.OTHER_SCRIPT_ENDS`)."""
    return np.array([_SENTENCE_END.match(line.rstrip().rstrip(_CLOSERS)[-1:]) is not None for line in lines], bool)


_CELL_BREAK = re.compile(r"\t|\s{2,}|[|｜]")
_NUMBER_CELL = re.compile(r"[-+−]?(?:\d[\d,.]*|\.\d+)\s*[%‰]?")


@lru_cache(maxsize=1)
def _cell_bits() -> np.ndarray:
    """uint8 ``[0x110000]``: 1 for ``str.isspace`` (``\\s``), 2 for a tab or a bar (``|``, ``｜``)."""
    bits = whitespace_table().astype(np.uint8)
    bits[[ord("\t"), ord("|"), ord("｜")]] |= 2
    return bits


def cell_breaks(lines: Sequence[str]) -> np.ndarray:
    """bool ``[len(lines)]``: whether each line holds a cell break of :data:`_CELL_BREAK` (a tab, a bar, or two
    whitespace characters in a row), from one pass over the joined lines' code points (``\\s`` is
    ``str.isspace``; the lines are joined by a NUL, which is neither, so no break spans two lines)."""
    if not lines:
        return np.zeros(0, dtype=bool)
    lengths = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    bits = _cell_bits().take(to_codepoints("\0".join(lines)))
    found = (bits & 2) != 0
    found[1:] |= (bits[1:] & bits[:-1] & 1) != 0
    out = np.zeros(len(lines), dtype=bool)
    out[np.searchsorted(np.cumsum(lengths + 1), np.flatnonzero(found), side="right")] = True
    return out


def row_shapes(lines: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Which lines read as a row of a table — two cells or more (:func:`row_cells`) — and which of those hold a
    number cell: two bool ``[len(lines)]``. Only lines with a cell break (:func:`cell_breaks`) are split; a text
    repeated (a site's recurring lines) is split once."""
    row, numeric = np.zeros(len(lines), dtype=bool), np.zeros(len(lines), dtype=bool)
    seen: dict[str, tuple[int, bool]] = {}
    for k in np.flatnonzero(cell_breaks(lines)).tolist():  # the others have one cell at most: no row
        text = lines[k]
        cells, number = seen.get(text) or seen.setdefault(text, row_cells(text))
        row[k], numeric[k] = cells >= 2, cells >= 2 and number
    return row, numeric


# An item of an enumerated list (A. 正确, B) Mars, (1) 盐, ① 适量, 一、…), a field with a short value (性别：男,
# Answer: A; not a headline, 藏北：部队力保灾民安度春节) or a label that introduces what follows (记者：, Q:) — a
# transcript's, a questionnaire's or a form's structure, which repeats them with other content each time; a URL's
# "://" is no field.
_ENUMERATOR = "(?:[A-Za-z]|\\d{1,3}|[一二三四五六七八九十]{1,3}|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅰⅱⅲⅳⅴⅵⅶⅷⅸⅹ])"
_LABEL = re.compile(
    f"(?:{_ENUMERATOR}\\s*[.)．、）]|[（(]{_ENUMERATOR}[）)]|[①-⑳])\\s*\\S.*"
    "|[^:：\\s][^:：]{0,15}[:：](?!//)\\s*\\S.{0,7}"
    "|[^:：]{1,16}[:：]"
)
LABEL_CHARS = 40  # a label's line, spaces around it included


def label_lines(lines: Sequence[str]) -> np.ndarray:
    """bool ``[len(lines)]``: which lines of at most :data:`LABEL_CHARS` characters, stripped, are an item of an
    enumerated list, a field or a label (:data:`_LABEL`: ``A. 正确``, ``(1) 盐``, ``Answer: A``, ``记者：``)."""
    match = _LABEL.fullmatch
    return np.fromiter(
        (len(line) <= LABEL_CHARS and match(line.strip()) is not None for line in lines), dtype=bool, count=len(lines)
    )


def exempt_lines(lines: Sequence[str]) -> np.ndarray:
    """bool ``[len(lines)]``: dialogue (:func:`opens_with_speech`) or a figure (:func:`figure_lines`) — lines that are
    never boilerplate, and found no repeated passage alone."""
    return opens_with_speech(lines) | figure_lines(lines)


def figure_lines(lines: Sequence[str], digit: np.ndarray | None = None) -> np.ndarray:
    """bool ``[len(lines)]``: whether each line, stripped, is one number cell (:data:`_NUMBER_CELL`: ``1200``,
    ``-3.1%``, ``1,024.5``) — a table's figure when PDF text prints its cells a line each. Only lines of at most
    :data:`_FIGURE_CHARS` characters that open with a digit, a sign or a point are matched (and only those holding a
    decimal digit, ``digit`` bool ``[len(lines)]``, when the caller found them)."""
    first = _figure_firsts()
    rows = range(len(lines)) if digit is None else np.flatnonzero(digit).tolist()
    rows = [i for i in rows if len(lines[i]) <= _FIGURE_CHARS and lines[i].lstrip()[:1] in first]
    out = np.zeros(len(lines), dtype=bool)
    match = _NUMBER_CELL.fullmatch
    out[rows] = [match(lines[i].strip()) is not None for i in rows]
    return out


_FIGURE_CHARS = 40  # a figure's line, spaces around it included


@lru_cache(maxsize=1)
def _figure_firsts() -> frozenset[str]:
    """What a figure (:data:`_NUMBER_CELL`) opens with: a decimal digit, a sign or a point."""
    return frozenset(_decimal_digits()) | set("+-−.")


def row_cells(line: str) -> tuple[int, bool]:
    """The cells of a line read as a row of a table (apart by a tab, two spaces or a bar), and whether one of them
    is a number (``17711``, ``-3.1%``, ``1,024.5``)."""
    cells = [cell for cell in (piece.strip() for piece in _CELL_BREAK.split(line.strip())) if cell]
    return len(cells), any(_NUMBER_CELL.fullmatch(cell) for cell in cells)
