"""Inline noise — pinyin annotations, HTML remnants, junk, mojibake (:mod:`dedup.normalize.mojibake`) — found by one
regex per option set, for many texts at once (spans to cut, edits for the view)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..arrays import joined_starts, to_codepoints
from ..literals import texts_holding
from .base import NormalizeOptions
from .mojibake import CP1252_LEADS, CP1252_PATTERN, cp1252_mojibake, gbk_classes, gbk_mojibake, gbk_pattern, gbk_pieces

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_LETTERS = "a-zü" + _TONED
_TONE_MARKS = "\u0300\u0301\u0304\u030c"
# One syllable: pinyin letters (combining tone marks allowed), at least one toned vowel.
_SYLLABLE = (
    f"(?=[{_PINYIN_LETTERS}{_TONE_MARKS}]*(?:[{_TONED}]|[aeiouü][{_TONE_MARKS}]))"
    f"[{_PINYIN_LETTERS}{_TONE_MARKS}]{{1,10}}"
)
# Each kind is a first character and the rest of the match, which re-checks the first
# character by lookbehind; the combined pattern then starts with one character class, which
# lets ``re`` skip ahead fast (it cannot for an alternation of groups).
#
# Pinyin: a bracket after a CJK character (or after another annotation's closing bracket);
# mirror sites sometimes garble the opening bracket into "?" or U+FFFD.
# A mojibake character may stand between the CJK text and the bracket (``醫(yī)`` garbled to
# ``遽t(yī)``, ``區(qū)`` to ``^(qū)``): one character that is not a space or a bracket, right
# after CJK or an annotation.
_PINYIN = (
    "(（?？\ufffd",
    f"(?:(?<=[{_CJK})）][(（?？\ufffd])|(?<=[{_CJK})）][^\\s(（)）][(（?？\ufffd])){_SYLLABLE}[)）]",
)
# The HTML elements text extraction leaves behind, and the namespaced ones Word leaves in pasted text (o:p,
# st1:chsdate, v:shape). A tag of another name is text, attributes or not: an XML example in prose
# (<server port="8080">…</server>), JSX (<Dashboard state={s} />), a usage line's <option>, a generic type.
_HTML_TAG_NAMES = (
    "a|abbr|b|big|blockquote|body|br|center|code|col|dd|del|div|dl|dt|em|font|footer|"
    "h[1-6]|head|header|hr|html|i|iframe|img|ins|li|link|meta|nav|nobr|noscript|ol|p|"
    "pre|s|script|section|small|span|strike|strong|style|sub|sup|table|tbody|td|th|thead|"
    "title|tr|tt|u|ul|wbr|(?:o|st1|v|w|x):[a-z]+"
)
_ATTRIBUTE = (
    r"""\s+[A-Za-z_:][-A-Za-z0-9_:.]*\s*=\s*"""
    r"""(?:"[^"<>]{0,2000}"|'[^'<>]{0,2000}'|[^\s"'<>=]{1,2000})"""
)
# A comment; a known tag name with optional name=value attributes (until 2026-12-07 any name with attributes too:
# it took the opening tag of an XML example in prose and left its closing one).
# A closing tag whose "<" a broken encoding turned into "?" ("?/span>") counts too.
_HTML_TAG = (
    "<?",
    # A comment left in text is short; the bound keeps a line of thousands of
    # unclosed "<!--" linear (each scans at most 200 characters for its "-->").
    r"(?<=<)(?:!--.{0,200}?-->"
    rf"|/?(?i:{_HTML_TAG_NAMES})(?:{_ATTRIBUTE}){{0,50}}\s*/?>)"
    rf"|(?<=\?)/(?i:{_HTML_TAG_NAMES})>",
)
_COMMON_ENTITIES = (
    "nbsp|amp|lt|gt|quot|apos|ldquo|rdquo|lsquo|rsquo|mdash|ndash|hellip|middot|emsp|ensp|copy|reg|times|bull"
)
_HTML_ENTITY = (
    "&",
    r"(?<=&)(?:(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
    rf"|(?:{_COMMON_ENTITIES})(?![A-Za-z0-9;]))",
)
# A "?" right before "/span>" is the "<" of a broken closing tag: leave it to _HTML_TAG.
_QUESTION = r"\?(?!/)"
_JUNK = (
    "?\ufffd锟",
    rf"(?<=\ufffd)(?:\ufffd|{_QUESTION})*"
    rf"|(?<=\?)(?!/)(?:{_QUESTION})*\ufffd(?:\ufffd|{_QUESTION})*"
    # two or more "?" not right after a Latin letter or digit ("what??" is English)
    rf"|(?<=\?)(?!/)(?<![A-Za-z0-9?]\?)(?:{_QUESTION})+"
    # a line of nothing but "?"
    rf"|(?<=\?)(?<![^\n]\?)(?:{_QUESTION})*(?=[ \t]*(?:\r?\n|$))"
    r"|(?<=锟)斤拷(?:锟斤拷)*",
)
#: The kinds of :data:`NOISE_KINDS` some groups of the pattern report as.
_KIND_OF = {"surrogate": "junk", "mojibake_gbk": "mojibake"}
_SURROGATES = ("\ud800-\udfff", "(?<=[\ud800-\udfff])[\ud800-\udfff]*")


@lru_cache(maxsize=16)
def _noise_regex(pinyin: bool, html_markup: bool, junk: bool) -> re.Pattern[str]:
    """One pattern for the enabled kinds of noise, plus lone surrogates (always)."""
    kinds = [
        ("pinyin", _PINYIN, pinyin),
        ("html_tag", _HTML_TAG, html_markup),
        ("html_entity", _HTML_ENTITY, html_markup),
        ("junk", _JUNK, junk),
        ("mojibake", CP1252_PATTERN, junk),
        ("mojibake_gbk", gbk_pattern() if junk else ("", ""), junk),
        ("surrogate", _SURROGATES, True),
    ]
    enabled = [(name, first, rest) for name, (first, rest), on in kinds if on]
    first_chars = "".join(dict.fromkeys(first for _, first, _ in enabled))
    alternatives = "|".join(f"(?P<{name}>{rest})" for name, _, rest in enabled)
    return re.compile(f"[{first_chars}](?:{alternatives})", re.DOTALL)


def _noise_regex_for(options: NormalizeOptions) -> re.Pattern[str]:
    return _noise_regex(options.strip_pinyin, options.strip_html, options.strip_junk)


# The characters a pinyin syllable may start with (its letters and combining tone marks).
_SYLLABLE_FIRST = "abcdefghijklmnopqrstuvwxyzü" + _TONED + _TONE_MARKS


@lru_cache(maxsize=16)
def _noise_literals(pinyin: bool, html_markup: bool, junk: bool) -> tuple[str, ...]:
    """Strings one of which every match of :func:`_noise_regex` holds: a pinyin bracket followed by a character a
    syllable starts with; ``<``, ``?`` (a broken ``</``) and ``&`` of markup; ``?``, U+FFFD and ``锟斤`` of junk,
    and the characters mojibake opens with (:mod:`dedup.normalize.mojibake`); every lone surrogate. Read off each
    kind's first character and what its pattern takes right after it, so that text whose brackets enclose no pinyin
    (Chinese prose prints many ``（``) holds none."""
    literals = {chr(c) for c in range(0xD800, 0xE000)}
    if pinyin:
        literals |= {bracket + first for bracket in _PINYIN[0] for first in _SYLLABLE_FIRST}
    if html_markup:
        literals |= {"<", "?", "&"}
    if junk:
        literals |= {"?", "\ufffd", "锟斤"} | set(CP1252_LEADS) | set(gbk_classes()[0])  # and mojibake's firsts
    return tuple(sorted(literals))


def _texts_holding_noise(
    codepoints: np.ndarray, text_starts: np.ndarray, text_ends: np.ndarray, options: NormalizeOptions
) -> np.ndarray | None:
    """bool ``[t]``: the texts (spans of the joined ``codepoints``, uint32) that may hold noise under ``options``
    (one of :func:`_noise_literals`; no other text can), or None without the compiled kernel (any may)."""
    literals = _noise_literals(options.strip_pinyin, options.strip_html, options.strip_junk)
    held = texts_holding(codepoints, text_starts, text_ends, [literals])
    return None if held is None else held[0]


def _word_char(text: str, at: int) -> bool:
    """Whether ``text[at]`` exists and is a letter or digit of an alphabetic script (Latin, Greek, Cyrillic…;
    not CJK, kana, Hangul or full-width forms), which words are spaced in."""
    return 0 <= at < len(text) and text[at].isalnum() and ord(text[at]) < 0x2E80


def _replacement(match: re.Match[str]) -> str | None:
    """What the view keeps of one noise match, or ``None`` if the match is not noise.

    Entities that stand for letters or digits (``&#20013;``, ``&eacute;``) are text, not
    noise: the view keeps the character. So are an entity for a space between two words of an
    alphabetic script (``Tom&nbsp;Cruise``) and one for a sign next to such a word or number
    (``AT&amp;T``, ``400&percnt;``): cutting them would glue the words or change what the text
    says, so the text keeps them and the view reads the character. Strings that only look like
    entities (``&T;``) are left alone.
    """
    if match.lastgroup == "mojibake":
        return "" if cp1252_mojibake(match.group()) else None
    if match.lastgroup == "mojibake_gbk":
        return "" if gbk_mojibake(match.group()) else None
    if match.lastgroup != "html_entity":
        return ""
    entity = match.group()
    decoded = html.unescape(entity)
    if decoded == entity:
        return None
    if decoded.isalnum():
        return decoded
    before, after = _word_char(match.string, match.start() - 1), _word_char(match.string, match.end())
    if decoded.isspace():
        return " " if before and after else ""
    return decoded if before or after else ""


def _noise_edits(text: str, pattern: re.Pattern[str]) -> tuple[list[int], list[int], list[str], list[str]]:
    """Starts, ends, view replacements and kinds of the noise matches in ``text``."""
    starts: list[int] = []
    ends: list[int] = []
    replacements: list[str] = []
    kinds: list[str] = []
    for match in pattern.finditer(text):
        kept = _replacement(match)
        if kept is None:
            continue
        starts.append(match.start())
        ends.append(match.end())
        replacements.append(kept)
        kinds.append(match.lastgroup or "")
    pieces = gbk_pieces(text, starts, ends, kinds) if "mojibake_gbk" in kinds else []  # rare: what its breaks left
    if pieces:  # merged in order by one sort (no two edits start alike)
        rows = sorted([*zip(starts, ends, replacements, kinds), *((lo, hi, "", kind) for lo, hi, kind in pieces)])
        starts, ends, replacements, kinds = (list(column) for column in zip(*rows))
    return starts, ends, replacements, kinds


def noise_spans(text: str, options: NormalizeOptions = NormalizeOptions()) -> tuple[np.ndarray, tuple[str, ...]]:
    """The inline noise of ``text``, in original coordinates: what cleaning may cut out.

    Reports what the matching view drops as noise under ``options`` (its ``strip_pinyin``,
    ``strip_html`` and ``strip_junk`` switches): pinyin annotations, HTML tags, comments and
    non-text entities, and encoding junk. Entities that encode a letter or digit
    (``&#20013;``) are text and are not reported.

    Parameters
    ----------
    text : str
        The original text.
    options : NormalizeOptions, optional
        Which kinds to look for.

    Returns
    -------
    spans : np.ndarray
        int64 ``[m, 2]`` of ``[start, end)``, sorted, non-overlapping, non-empty.
    kinds : tuple of str
        ``m`` labels from :data:`NOISE_KINDS`: ``"pinyin"``, ``"html_tag"``,
        ``"html_entity"`` or ``"junk"`` (lone surrogates count as junk).

    Examples
    --------
    >>> spans, kinds = noise_spans("鄉(xiāng)村</span>")
    >>> spans.tolist(), kinds
    ([[1, 8], [9, 16]], ('pinyin', 'html_tag'))
    """
    edits = zip(*_noise_edits(text, _noise_regex_for(options)))
    noise = [(start, end, kind) for start, end, kept, kind in edits if not kept]
    spans = np.array([(start, end) for start, end, _ in noise], dtype=np.int64).reshape(-1, 2)
    return spans, tuple(_KIND_OF.get(kind, kind) for _, _, kind in noise)


@dataclass(frozen=True)
class _Edits:
    """The noise matches of a ``"\\n"``-joined batch, in joined coordinates.

    Attributes
    ----------
    starts, ends : np.ndarray
        int64 ``[m]``: sorted, non-overlapping, non-empty; none covers a separator.
    replacements : list of str
        ``m`` strings: what the view keeps of each match (``""`` for noise).
    kinds : list of str
        ``m`` group names of the noise pattern.
    """

    starts: np.ndarray
    ends: np.ndarray
    replacements: list[str]
    kinds: list[str]


def _batch_noise_edits(
    joined: str, text_starts: np.ndarray, options: NormalizeOptions, codepoints: np.ndarray | None = None
) -> _Edits:
    """:func:`_noise_edits` of every text of a ``"\\n"``-joined batch under ``options``, scanning only the texts
    that hold one of :func:`_noise_literals` (the compiled kernel finds them in one pass over the batch's code
    points, ``codepoints`` (uint32) when the caller has them): a scan by ``re`` reads about 4 ns a character
    whether it matches or not, and most text holds no noise. The texts scanned are scanned together
    (:func:`_scanned_edits`), each as it would be alone, so leaving the others out changes nothing.
    """
    n_texts = len(text_starts)
    pattern = _noise_regex_for(options)
    if n_texts == 0:
        return _scanned_edits(joined, text_starts, pattern)
    text_ends = np.append(text_starts[1:] - 1, len(joined))
    cps = to_codepoints(joined) if codepoints is None else codepoints
    held = _texts_holding_noise(cps, text_starts, text_ends, options)
    if held is None or int((text_ends - text_starts)[held].sum()) * 2 > len(joined):
        return _scanned_edits(joined, text_starts, pattern)
    rows = np.flatnonzero(held)
    lengths = (text_ends - text_starts)[rows]
    sub_starts = joined_starts(lengths)
    pieces = [joined[a:b] for a, b in zip(text_starts[rows].tolist(), text_ends[rows].tolist())]
    edits = _scanned_edits("\n".join(pieces), sub_starts, pattern)
    shift = (text_starts[rows] - sub_starts)[np.searchsorted(sub_starts, edits.starts, side="right") - 1]
    return _Edits(edits.starts + shift, edits.ends + shift, edits.replacements, edits.kinds)


def _scanned_edits(joined: str, text_starts: np.ndarray, pattern: re.Pattern[str]) -> _Edits:
    """:func:`_noise_edits` of every text of a ``"\\n"``-joined batch, from one scan of it.

    The scan of the batch finds what scans of the texts alone find, shifted by each text's
    start: no match starts at a separator, and every lookbehind and lookahead treats the
    separator as it treats the start or end of a text. The two exceptions are re-scanned
    text by text: a match that runs over a separator (a comment or a quoted attribute may
    hold a line break), which also moves where the scan resumes, and a text that ends with
    ``"\\r"`` (``"\\r\\n"`` ends a line where ``"\\r"`` at the end of a text does not).

    Parameters
    ----------
    joined : str
        The texts joined by ``"\\n"``.
    text_starts : np.ndarray
        int64 ``[n_texts]``: where each text starts in ``joined``.
    pattern : re.Pattern
        A pattern from :func:`_noise_regex`.

    Returns
    -------
    _Edits
        In ``joined`` coordinates, sorted.
    """
    starts, ends, replacements, kinds = _noise_edits(joined, pattern)
    n_texts = len(text_starts)
    if n_texts == 0:
        return _Edits(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), [], [])
    text_ends = np.append(text_starts[1:] - 1, len(joined))
    edit_starts = np.array(starts, dtype=np.int64)
    edit_ends = np.array(ends, dtype=np.int64)
    first_text = np.searchsorted(text_starts, edit_starts, side="right") - 1
    crossing = np.flatnonzero(edit_ends > text_ends[first_text])
    redo = np.zeros(n_texts + 1, dtype=np.int64)
    # Every text from the one a crossing match starts in to the one the scan resumes in.
    np.add.at(redo, first_text[crossing], 1)
    np.add.at(redo, np.searchsorted(text_starts, edit_ends[crossing], side="right"), -1)
    rescan = np.cumsum(redo[:-1]) > 0
    if "\r" in joined:
        bounds = zip(text_starts.tolist(), text_ends.tolist())
        rescan |= np.array([end > start and joined[end - 1] == "\r" for start, end in bounds], dtype=bool)
    if not rescan.any():
        return _Edits(edit_starts, edit_ends, replacements, kinds)
    keep = ~rescan[first_text]
    parts_starts = [edit_starts[keep]]
    parts_ends = [edit_ends[keep]]
    kept_indices = np.flatnonzero(keep).tolist()
    replacements = [replacements[i] for i in kept_indices]
    kinds = [kinds[i] for i in kept_indices]
    for start, end in zip(text_starts[rescan].tolist(), text_ends[rescan].tolist()):
        text_edits = _noise_edits(joined[start:end], pattern)
        parts_starts.append(np.array(text_edits[0], dtype=np.int64) + start)
        parts_ends.append(np.array(text_edits[1], dtype=np.int64) + start)
        replacements.extend(text_edits[2])
        kinds.extend(text_edits[3])
    all_starts = np.concatenate(parts_starts)
    order = np.argsort(all_starts, kind="stable")
    order_list = order.tolist()
    return _Edits(
        all_starts[order],
        np.concatenate(parts_ends)[order],
        [replacements[i] for i in order_list],
        [kinds[i] for i in order_list],
    )


def noise_spans_many(
    texts: Iterable[str], options: NormalizeOptions = NormalizeOptions()
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """:func:`noise_spans` of many texts at once, in CSR form.

    Equals ``[noise_spans(t, options) for t in texts]``, from one regex scan of the batch
    instead of one per text.

    Parameters
    ----------
    texts : iterable of str
        The original texts (materialised once).
    options : NormalizeOptions, optional
        Which kinds to look for.

    Returns
    -------
    spans : np.ndarray
        int64 ``[m, 2]``: ``[start, end)`` in each text's own coordinates, texts in order,
        sorted, non-overlapping and non-empty within each text.
    text_offsets : np.ndarray
        int64 ``[n_texts + 1]``: the spans of text ``i`` are
        ``spans[text_offsets[i]:text_offsets[i + 1]]``.
    kinds : tuple of str
        ``m`` labels from :data:`NOISE_KINDS`.

    Examples
    --------
    >>> spans, text_offsets, kinds = noise_spans_many(["鄉(xiāng)村", "</span>"])
    >>> spans.tolist(), text_offsets.tolist(), kinds
    ([[1, 8], [0, 7]], [0, 1, 2], ('pinyin', 'html_tag'))
    """
    docs: Sequence[str] = texts if isinstance(texts, Sequence) else list(texts)
    text_starts = joined_starts(np.fromiter(map(len, docs), dtype=np.int64, count=len(docs)))
    return joined_noise_spans("\n".join(docs), text_starts, options)


def joined_noise_spans(
    joined: str,
    text_starts: np.ndarray,
    options: NormalizeOptions = NormalizeOptions(),
    codepoints: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """:func:`noise_spans_many` of texts the caller has joined by ``"\\n"`` already (``joined``, each text at
    ``text_starts``, int64 ``[n_texts]``), and whose code points (uint32) it may have too: the segmentation of a
    batch, which reads them anyway."""
    edits = _batch_noise_edits(joined, text_starts, options, codepoints)
    is_noise = np.array([not kept for kept in edits.replacements], dtype=bool)
    starts, ends = edits.starts[is_noise], edits.ends[is_noise]
    noise_kinds = (kind for kind, noise in zip(edits.kinds, is_noise.tolist()) if noise)
    kinds = tuple(_KIND_OF.get(kind, kind) for kind in noise_kinds)
    text_offsets = np.append(np.searchsorted(starts, text_starts), len(starts)).astype(np.int64)
    shift = np.repeat(text_starts, np.diff(text_offsets))
    spans = np.stack([starts - shift, ends - shift], axis=1).reshape(-1, 2)
    return spans, text_offsets, kinds
