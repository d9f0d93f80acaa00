"""The matching view: what two texts are compared on, and the way back to the original.

A text's *matching view* is the text with every difference that should not count as a
difference folded away. The steps run in this order, each switchable in
:class:`NormalizeOptions`:

1. inline noise dropped — pinyin annotations (``鄉(xiāng)``), HTML tags and entities left in
   text (``</span>``, ``&nbsp;``), replacement characters and ``?`` runs from broken
   encodings (:func:`noise_spans` reports these spans in the original); lone surrogates are
   always dropped (they cannot be encoded and carry no text);
2. NFKC (compatibility forms, composed accents, ``㍻`` → ``平成``);
3. Traditional → Simplified with OpenCC ``t2s`` (phrase-aware; no entry changes length);
4. one table lookup per character: full/half width, Latin (and every other) case folded,
   digits folded to ``0`` when asked, punctuation, symbols, whitespace, control and format
   characters and variation selectors removed.

Every view character keeps the index of the original character it came from
(:attr:`MatchingView.offsets`), so spans found in the view map back to the caller's text.

:func:`normalize` builds one view with offsets, :func:`normalize_many` many, and
:func:`matching_texts` many without offsets (the deduplication hot path); all three give
the same text. The work is whole-batch: texts are joined by ``"\\n"`` (which no step
crosses: the rare noise match that would is redone on its texts alone), then one regex
scan, code-point table lookups (NFKC is a lookup except for the rare chunks that compose
or expand, which go through ``unicodedata``) and one OpenCC call over the stretches of the
batch that ``t2s`` can change (found by table lookup, :func:`_t2s_windows`).
Python runs per match and to cut the batch back into texts, never per character.
:func:`noise_spans_many` gives the noise of many texts from the same single scan.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .arrays import concat_ranges, sorted_unique
from .errors import check_text
from .options import check_arg, check_types

__all__ = [
    "NOISE_KINDS",
    "MatchingView",
    "NormalizeOptions",
    "matching_texts",
    "nfkc_lines",
    "noise_spans",
    "noise_spans_many",
    "normalize",
    "normalize_many",
]

#: Labels :func:`noise_spans` gives its spans.
NOISE_KINDS: tuple[str, ...] = ("pinyin", "html_tag", "html_entity", "junk")

_N_CODEPOINTS = 0x110000
_DELETE = np.uint32(0xFFFFFFFF)
# In the NFKC code tables the top bit marks a character that is not "plain" (see _Tables).
_NOT_PLAIN = np.uint32(0x80000000)
_CODE_MASK = np.uint32(0x7FFFFFFF)
_BATCH_CHARS = 1 << 20


@dataclass(frozen=True)
class NormalizeOptions:
    """Which steps build the matching view.

    Attributes
    ----------
    nfkc : bool, default True
        Unicode NFKC (compatibility characters, composition).
    width : bool, default True
        Full-width and half-width forms to their ordinary forms (``ａ１，`` → ``a1,``);
        NFKC already does this, the switch matters when ``nfkc`` is off.
    t2s : bool, default True
        Traditional → Simplified Chinese with OpenCC ``t2s``.
    strip_pinyin : bool, default True
        Drop pinyin annotations: a tone-marked syllable in brackets after a CJK character
        (``鄉(xiāng)``, ``鄉（xiāng）``, and ``?xiāng)`` where the bracket was garbled).
    strip_html : bool, default True
        Drop HTML tags and comments, and entities that do not stand for a letter or digit
        (``&nbsp;``, ``&amp;``); ``&#20013;`` becomes ``中``.
    strip_junk : bool, default True
        Drop U+FFFD, runs of two or more ``?``, lines of only ``?``, and ``锟斤拷``.
    drop_punctuation : bool, default True
        Remove punctuation, symbols, whitespace, control and format characters and
        variation selectors (everything but letters, marks, numbers and private-use or
        unassigned code points).
    casefold : bool, default True
        Lower-case every cased letter (one character to one character).
    fold_digits : bool, default False
        Every decimal digit becomes ``0``. Off by default: on real news text it merges
        paragraphs that differ only in their figures (stock tables, dated notices) and
        helps almost no true duplicate (see the project notes).
    """

    nfkc: bool = True
    width: bool = True
    t2s: bool = True
    strip_pinyin: bool = True
    strip_html: bool = True
    strip_junk: bool = True
    drop_punctuation: bool = True
    casefold: bool = True
    fold_digits: bool = False

    def __post_init__(self) -> None:
        check_types(self)


@dataclass(frozen=True)
class MatchingView:
    """A text as it is matched, with the way back to the original.

    Attributes
    ----------
    text : str
        The matching view.
    offsets : np.ndarray
        int64 ``[len(text)]``, non-decreasing; ``offsets[i]`` is the index in the original
        string of the character the view's ``i``-th character came from (for a character
        made from several, such as a composed accent or a decoded entity, the first).
    """

    text: str
    offsets: np.ndarray

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MatchingView):
            return NotImplemented
        return self.text == other.text and np.array_equal(self.offsets, other.offsets)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``[start, end)`` covered by the view's ``[start, end)``.

        Parameters
        ----------
        start, end : int
            A non-empty range of view positions, ``0 <= start < end <= len(text)``.

        Returns
        -------
        tuple of int
            From the source of the first view character to just after the (first) source
            character of the last one.
        """
        return int(self.offsets[start]), int(self.offsets[end - 1]) + 1


# --------------------------------------------------------------------------- code points


def _codepoints(text: str) -> np.ndarray:
    """uint32 ``[len(text)]``: the code points of ``text`` (lone surrogates included)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def _text(codepoints: np.ndarray) -> str:
    """Inverse of :func:`_codepoints`."""
    return codepoints.astype("<u4", copy=False).tobytes().decode("utf-32-le", "surrogatepass")


# --------------------------------------------------------------------------- noise

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
_PINYIN = ("(（?？\ufffd", f"(?<=[{_CJK})）][(（?？\ufffd]){_SYLLABLE}[)）]")
_HTML_TAG_NAMES = (
    "a|abbr|b|big|blockquote|body|br|center|code|col|dd|del|div|dl|dt|em|font|footer|"
    "h[1-6]|head|header|hr|html|i|iframe|img|ins|li|link|meta|nav|nobr|noscript|o:p|ol|p|"
    "pre|s|script|section|small|span|strike|strong|style|sub|sup|table|tbody|td|th|thead|"
    "title|tr|tt|u|ul|wbr"
)
_ATTRIBUTE = (
    r"""\s+[A-Za-z_:][-A-Za-z0-9_:.]*\s*=\s*"""
    r"""(?:"[^"<>]{0,2000}"|'[^'<>]{0,2000}'|[^\s"'<>=]{1,2000})"""
)
# A comment; a known tag name with optional name=value attributes, or any name with some.
# A closing tag whose "<" a broken encoding turned into "?" ("?/span>") counts too.
_HTML_TAG = (
    "<?",
    # A comment left in text is short; the bound keeps a line of thousands of
    # unclosed "<!--" linear (each scans at most 200 characters for its "-->").
    r"(?<=<)(?:!--.{0,200}?-->"
    rf"|/?(?:(?i:{_HTML_TAG_NAMES})(?:{_ATTRIBUTE}){{0,50}}"
    rf"|[A-Za-z][A-Za-z0-9]{{0,20}}(?:{_ATTRIBUTE}){{1,50}})\s*/?>)"
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
_SURROGATES = ("\ud800-\udfff", "(?<=[\ud800-\udfff])[\ud800-\udfff]*")


@lru_cache(maxsize=16)
def _noise_regex(pinyin: bool, html_markup: bool, junk: bool) -> re.Pattern[str]:
    """One pattern for the enabled kinds of noise, plus lone surrogates (always)."""
    kinds = [
        ("pinyin", _PINYIN, pinyin),
        ("html_tag", _HTML_TAG, html_markup),
        ("html_entity", _HTML_ENTITY, html_markup),
        ("junk", _JUNK, junk),
        ("surrogate", _SURROGATES, True),
    ]
    enabled = [(name, first, rest) for name, (first, rest), on in kinds if on]
    first_chars = "".join(dict.fromkeys(first for _, first, _ in enabled))
    alternatives = "|".join(f"(?P<{name}>{rest})" for name, _, rest in enabled)
    return re.compile(f"[{first_chars}](?:{alternatives})", re.DOTALL)


def _noise_regex_for(options: NormalizeOptions) -> re.Pattern[str]:
    return _noise_regex(options.strip_pinyin, options.strip_html, options.strip_junk)


def _replacement(match: re.Match[str]) -> str | None:
    """What the view keeps of one noise match, or ``None`` if the match is not noise.

    Entities that stand for letters or digits (``&#20013;``, ``&eacute;``) are text, not
    noise: the view keeps the character. Strings that only look like entities (``&T;``) are
    left alone.
    """
    if match.lastgroup != "html_entity":
        return ""
    entity = match.group()
    decoded = html.unescape(entity)
    if decoded == entity:
        return None
    return decoded if decoded.isalnum() else ""


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
    return starts, ends, replacements, kinds


def noise_spans(
    text: str, options: NormalizeOptions = NormalizeOptions()
) -> tuple[np.ndarray, tuple[str, ...]]:
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
    return spans, tuple("junk" if kind == "surrogate" else kind for _, _, kind in noise)


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


def _text_starts(lengths: np.ndarray) -> np.ndarray:
    """int64 ``[n_texts]``: where each text starts in the ``"\\n"``-joined batch."""
    return np.cumsum(lengths + 1) - lengths - 1


def _batch_noise_edits(joined: str, text_starts: np.ndarray, pattern: re.Pattern[str]) -> _Edits:
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
    text_starts = _text_starts(np.fromiter(map(len, docs), dtype=np.int64, count=len(docs)))
    edits = _batch_noise_edits("\n".join(docs), text_starts, _noise_regex_for(options))
    is_noise = np.array([not kept for kept in edits.replacements], dtype=bool)
    starts, ends = edits.starts[is_noise], edits.ends[is_noise]
    noise_kinds = (kind for kind, noise in zip(edits.kinds, is_noise.tolist()) if noise)
    kinds = tuple("junk" if kind == "surrogate" else kind for kind in noise_kinds)
    text_offsets = np.append(np.searchsorted(starts, text_starts), len(starts)).astype(np.int64)
    shift = np.repeat(text_starts, np.diff(text_offsets))
    spans = np.stack([starts - shift, ends - shift], axis=1).reshape(-1, 2)
    return spans, text_offsets, kinds


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class _Tables:
    """Code-point tables, built once per process (about 0.1 s, 8 MB).

    Attributes
    ----------
    nfkc_boundary : np.ndarray
        bool ``[0x110000]``: NFKC may split the text just before this character (its full
        decomposition starts with a starter that never composes with what precedes it).
    nfkc_code : np.ndarray
        uint32 ``[0x110000]``: the (first) character of NFKC of the character alone, plus
        the top bit unless the character is *plain* — a boundary whose NFKC alone is one
        character, which NFKC then maps by this table alone.
    nfkc_code_dropped : np.ndarray
        uint32 ``[0x110000]``: the same, where a boundary whose NFKC the view drops entirely
        (``…`` → ``...``) also counts as plain.
    lower, width, digit : tuple of np.ndarray
        Sparse one-to-one maps as (keys, values) uint32 arrays.
    drop : np.ndarray
        bool ``[0x110000]``: removed with punctuation and whitespace.
    """

    nfkc_boundary: np.ndarray
    nfkc_code: np.ndarray
    nfkc_code_dropped: np.ndarray
    lower: tuple[np.ndarray, np.ndarray]
    width: tuple[np.ndarray, np.ndarray]
    digit: tuple[np.ndarray, np.ndarray]
    drop: np.ndarray


_ALL_CATEGORIES = frozenset(
    "Lu Ll Lt Lm Lo Mn Mc Me Nd Nl No Pc Pd Ps Pe Pi Pf Po Sm Sc Sk So Zs Zl Zp Cc Cf Cs Co Cn".split()
)
_KEPT_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Co", "Cn"})
_VARIATION_SELECTORS = ((0x180B, 0x180D), (0x180F, 0x180F), (0xFE00, 0xFE0F), (0xE0100, 0xE01EF))
# Hangul vowel and trailing-consonant jamo compose algorithmically with what precedes them.
_HANGUL_SECONDS = ((0x1161, 0x1175), (0x11A8, 0x11C2))
_BLOCK = 512


def _scanned_codepoints() -> tuple[str, np.ndarray]:
    """The code points whose properties are looked up, as one string and as uint32.

    Planes 0-2 and 14 less the surrogates. Every other code point is a CJK ideograph,
    private-use or unassigned (Lo, Co, Cn) in every Unicode version so far: kept by the
    view, unchanged by NFKC, case and width folds, and a boundary for NFKC.
    """
    values = np.concatenate(
        [np.arange(0xD800), np.arange(0xE000, 0x30000), np.arange(0xE0000, 0xE1000)]
    ).astype(np.uint32)
    return _text(values), values


def _changed_blocks(chars: str, is_unchanged: Callable[[str], bool]) -> Iterator[int]:
    """Start indices of the ``_BLOCK``-sized blocks of ``chars`` that ``is_unchanged`` rejects."""
    for start in range(0, len(chars), _BLOCK):
        if not is_unchanged(chars[start : start + _BLOCK]):
            yield start


def _one_to_one(
    chars: str, values: np.ndarray, transform: Callable[[str], str]
) -> tuple[np.ndarray, np.ndarray]:
    """Sparse (keys, values) of a per-character transform, first character of longer results."""
    keys: list[int] = []
    images: list[int] = []
    for start in range(0, len(chars), _BLOCK):
        block = chars[start : start + _BLOCK]
        mapped = transform(block)
        if mapped == block:
            continue
        if len(mapped) == len(block):
            old, new = values[start : start + len(block)], _codepoints(mapped)
            differs = old != new
            keys.extend(old[differs].tolist())
            images.extend(new[differs].tolist())
            continue
        for char in block:
            image = transform(char)
            if image != char and image:
                keys.append(ord(char))
                images.append(ord(image[0]))
    return np.array(keys, dtype=np.uint32), np.array(images, dtype=np.uint32)


def _each_char(form: str, chars: Sequence[str]) -> list[str]:
    """``[unicodedata.normalize(form, c) for c in chars]`` in one call.

    ``"\\n"`` is a starter that composes with nothing and no decomposition holds one, so
    normalizing the characters joined by ``"\\n"`` normalizes each on its own.
    """
    normalized = unicodedata.normalize(form, "\n".join(chars)).split("\n")
    if len(normalized) != len(chars):  # pragma: no cover - a Unicode version that breaks the above
        return [unicodedata.normalize(form, char) for char in chars]
    return normalized


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    chars, values = _scanned_codepoints()
    combining = np.zeros(_N_CODEPOINTS, dtype=np.uint8)
    combining[values] = np.frombuffer(bytes(map(unicodedata.combining, chars)), dtype=np.uint8)
    category_names = sorted(_ALL_CATEGORIES)
    category_codes = {name: code for code, name in enumerate(category_names)}
    categories = np.frombuffer(
        bytes(map(category_codes.__getitem__, map(unicodedata.category, chars))), dtype=np.uint8
    )

    # NFKC: characters whose compatibility decomposition differs from themselves.
    decomposed: dict[str, str] = {}
    for start in _changed_blocks(chars, lambda block: unicodedata.is_normalized("NFKD", block)):
        block = chars[start : start + _BLOCK]
        for char, nfkd in zip(block, _each_char("NFKD", block)):
            if nfkd != char:
                decomposed[char] = nfkd
    keys = list(decomposed)
    decompositions = [unicodedata.decomposition(char) for char in keys]
    seconds = np.zeros(_N_CODEPOINTS, dtype=bool)
    for decomposition in decompositions:
        canonical = decomposition.split()
        if len(canonical) == 2 and not canonical[0].startswith("<"):
            seconds[int(canonical[1], 16)] = True
    for low, high in _HANGUL_SECONDS:
        seconds[low : high + 1] = True
    kept_codes = [category_codes[name] for name in _KEPT_CATEGORIES]
    drop = np.zeros(_N_CODEPOINTS, dtype=bool)
    drop[values] = ~np.isin(categories, kept_codes)
    drop[0xD800:0xE000] = True
    for low, high in _VARIATION_SELECTORS:
        drop[low : high + 1] = True

    boundary = (combining == 0) & ~seconds
    boundary[0xD800:0xE000] = True
    plain = boundary.copy()
    plain_or_dropped = boundary.copy()
    nfkc_map = np.arange(_N_CODEPOINTS, dtype=np.uint32)
    # Per decomposed character: a boundary if its decomposition starts with a starter that
    # nothing composes onto; plain if also its NFKC is one character; "dropped" if every
    # character of its NFKC is one the view drops.
    codes = _codepoints("".join(keys))
    firsts = _codepoints("".join(nfkd[0] for nfkd in decomposed.values()))
    boundary[codes] = (combining[firsts] == 0) & ~seconds[firsts]
    nfkcs = _each_char("NFKC", keys)
    nfkc_lengths = np.fromiter(map(len, nfkcs), dtype=np.int64, count=len(nfkcs))
    nfkc_starts = np.cumsum(nfkc_lengths) - nfkc_lengths
    nfkc_codes = _codepoints("".join(nfkcs))
    nfkc_map[codes] = nfkc_codes[nfkc_starts]
    plain[codes] = boundary[codes] & (nfkc_lengths == 1)
    all_dropped = np.logical_and.reduceat(drop[nfkc_codes], nfkc_starts)
    plain_or_dropped[codes] = plain[codes] | (boundary[codes] & all_dropped)

    width_keys = [
        (ord(char), int(decomposition.split()[1], 16))
        for char, decomposition in zip(keys, decompositions)
        if decomposition.startswith(("<wide>", "<narrow>")) and len(decomposition.split()) == 2
    ]
    width = (
        np.array([k for k, _ in width_keys], dtype=np.uint32),
        np.array([v for _, v in width_keys], dtype=np.uint32),
    )
    digit_keys = values[categories == category_codes["Nd"]]
    digit = (digit_keys, np.full(len(digit_keys), ord("0"), dtype=np.uint32))
    lower = _one_to_one(chars, values, str.lower)
    nfkc_code = nfkc_map | np.where(plain, 0, _NOT_PLAIN).astype(np.uint32)
    nfkc_code_dropped = nfkc_map | np.where(plain_or_dropped, 0, _NOT_PLAIN).astype(np.uint32)
    return _Tables(boundary, nfkc_code, nfkc_code_dropped, lower, width, digit, drop)


@lru_cache(maxsize=16)
def _char_map(width: bool, casefold: bool, fold_digits: bool, drop_punctuation: bool) -> np.ndarray:
    """uint32 ``[0x110000]``: the per-character step of the view; ``_DELETE`` marks removal."""
    tables = _tables()
    mapping = np.arange(_N_CODEPOINTS, dtype=np.uint32)
    for enabled, (keys, images) in (
        (width, tables.width),
        (casefold, tables.lower),
        (fold_digits, tables.digit),
    ):
        if enabled:
            step = np.arange(_N_CODEPOINTS, dtype=np.uint32)
            step[keys] = images
            mapping = step[mapping]
    if drop_punctuation:
        mapping[tables.drop[mapping]] = _DELETE
    mapping[0xD800:0xE000] = _DELETE
    return mapping


def _char_map_for(options: NormalizeOptions) -> np.ndarray:
    return _char_map(options.width, options.casefold, options.fold_digits, options.drop_punctuation)


# --------------------------------------------------------------------------- aligned steps


def _splice(
    codepoints: np.ndarray,
    offsets: np.ndarray | None,
    starts: np.ndarray,
    ends: np.ndarray,
    replacements: Sequence[str],
) -> tuple[np.ndarray, np.ndarray | None]:
    """Replace ``[starts[j], ends[j])`` by ``replacements[j]``, carrying the offsets along.

    Parameters
    ----------
    codepoints : np.ndarray
        uint32 ``[n]``.
    offsets : np.ndarray or None
        int64 ``[n]``, original index of each code point (None: none carried).
    starts, ends : np.ndarray
        int64 ``[m]``, sorted, non-overlapping spans into ``codepoints``.
    replacements : sequence of str
        ``m`` strings; every character of a replacement maps to its span's first offset.

    Returns
    -------
    codepoints, offsets : np.ndarray
        uint32 and int64 ``[n + sum(len(replacement) - span length)]`` (offsets None when
        given None).
    """
    rep_lengths = np.fromiter(map(len, replacements), dtype=np.int64, count=len(replacements))
    cut_at = np.cumsum(rep_lengths)[:-1]
    rep_codepoints = np.split(_codepoints("".join(replacements)), cut_at)
    kept = list(zip([0, *ends.tolist()], [*starts.tolist(), len(codepoints)]))
    # Kept run 0, replacement 0, kept run 1, replacement 1, ..., kept run m.
    pieces: list[np.ndarray] = [codepoints[a:b] for a, b in kept]
    out_codepoints = np.concatenate(_interleave(pieces, rep_codepoints)).astype(codepoints.dtype, copy=False)
    if offsets is None:
        return out_codepoints, None
    rep_offsets = np.split(np.repeat(offsets[starts], rep_lengths), cut_at)
    offset_pieces: list[np.ndarray] = [offsets[a:b] for a, b in kept]
    return out_codepoints, np.concatenate(_interleave(offset_pieces, rep_offsets))


def _interleave(outer: list[np.ndarray], inner: list[np.ndarray]) -> list[np.ndarray]:
    """``outer[0], inner[0], outer[1], inner[1], ..., outer[-1]`` (``len(outer) = len(inner) + 1``)."""
    merged: list[np.ndarray] = [outer[0]] * (len(outer) + len(inner))
    merged[0::2] = outer
    merged[1::2] = inner
    return merged


def _nfkc_chunks(
    codepoints: np.ndarray, plain: np.ndarray, boundary: np.ndarray, text_starts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The ``[start, end)`` of the chunks NFKC must see whole.

    A chunk runs from a boundary character to the next one, or from the start of a text
    (``text_starts``, sorted; the character before is a ``"\\n"`` separator, with which
    nothing composes). It needs ``unicodedata`` if it holds more than one character (a base
    and its combining marks) or if its one character is not ``plain`` (it expands, such as
    ``ﬁ`` → ``fi``).
    """
    n = len(codepoints)
    unusual = np.flatnonzero(~plain)
    inner = unusual[~boundary[codepoints[unusual]]]
    run_starts = inner[np.concatenate([[True], np.diff(inner) > 1])] if len(inner) else inner
    run_ends = inner[np.concatenate([np.diff(inner) > 1, [True]])] + 1 if len(inner) else inner
    nearest = np.minimum(np.searchsorted(text_starts, run_starts), len(text_starts) - 1)
    at_text_start = text_starts[nearest] == run_starts
    starts = np.where(at_text_start, run_starts, np.maximum(run_starts - 1, 0))
    lone = unusual[boundary[codepoints[unusual]]]
    lone = lone[~np.isin(lone, starts)]
    chunk_starts = np.concatenate([starts, lone])
    chunk_ends = np.concatenate([run_ends, lone + 1])
    order = np.argsort(chunk_starts, kind="stable")
    return chunk_starts[order], np.minimum(chunk_ends[order], n)


def _nfkc_chunked(
    codepoints: np.ndarray, collapse_dropped: bool, text_starts: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """The looked-up code points, and the chunks that need ``unicodedata`` with their NFKC.

    Returns
    -------
    mapped : np.ndarray
        uint32 ``[n]``: every character looked up.
    starts, ends : np.ndarray
        int64 ``[m]``: the chunks to replace, sorted (see :func:`_nfkc_chunks`).
    normalized : list of str
        ``m`` strings: the NFKC of each chunk.
    """
    tables = _tables()
    coded = (tables.nfkc_code_dropped if collapse_dropped else tables.nfkc_code).take(codepoints)
    mapped = coded & _CODE_MASK
    if coded.max(initial=0) <= _CODE_MASK:
        none = np.empty(0, dtype=np.int64)
        return mapped, none, none, []
    plain = coded <= _CODE_MASK
    if text_starts is None:
        text_starts = np.zeros(1, dtype=np.int64)
    starts, ends = _nfkc_chunks(codepoints, plain, tables.nfkc_boundary, text_starts)
    text = _text(codepoints)
    normalized = [unicodedata.normalize("NFKC", text[a:b]) for a, b in zip(starts.tolist(), ends.tolist())]
    return mapped, starts, ends, normalized


def _nfkc_aligned(
    codepoints: np.ndarray,
    offsets: np.ndarray,
    collapse_dropped: bool = False,
    text_starts: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """NFKC with offsets: a table lookup, plus ``unicodedata`` on the chunks that need it.

    The text is cut before every NFKC-safe boundary character; a chunk of one character
    whose NFKC is one character is looked up, any other chunk (a base with combining
    marks, an expansion such as ``ﬁ`` → ``fi``) is normalized on its own. The result equals
    ``unicodedata.normalize("NFKC", text)``.

    Parameters
    ----------
    codepoints : np.ndarray
        uint32 ``[n]``.
    offsets : np.ndarray
        int64 ``[n]``.
    collapse_dropped : bool, default False
        Look up, as its first character, a character whose NFKC expands to characters the
        view drops anyway (``…`` → ``...``): the same view, without the slow path.
    text_starts : np.ndarray, optional
        int64, sorted: where the texts of a ``"\\n"``-joined batch start; a chunk never
        reaches back over a separator.

    Returns
    -------
    codepoints, offsets : np.ndarray
        uint32 and int64, of the normalized length.
    """
    mapped, starts, ends, normalized = _nfkc_chunked(codepoints, collapse_dropped, text_starts)
    if not normalized:
        return mapped, offsets
    spliced, moved = _splice(mapped, offsets, starts, ends, normalized)
    assert moved is not None
    return spliced, moved


def _nfkc_moving(
    codepoints: np.ndarray, points: np.ndarray, collapse_dropped: bool, text_starts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_nfkc_aligned` without offsets: the normalized code points, and where ``points`` went.

    Parameters
    ----------
    codepoints : np.ndarray
        uint32 ``[n]``.
    points : np.ndarray
        int64 ``[k]``, sorted positions that start or lie outside every chunk (the
        separators of a batch): each moves by what the chunks before it grew.
    collapse_dropped, text_starts
        As for :func:`_nfkc_aligned`.

    Returns
    -------
    codepoints : np.ndarray
        uint32, of the normalized length.
    points : np.ndarray
        int64 ``[k]``.
    """
    mapped, starts, ends, normalized = _nfkc_chunked(codepoints, collapse_dropped, text_starts)
    if not normalized:
        return mapped, points
    spliced, _ = _splice(mapped, None, starts, ends, normalized)
    return spliced, _moved(points, starts, ends, normalized)


def _moved(points: np.ndarray, starts: np.ndarray, ends: np.ndarray, replacements: Sequence[str]) -> np.ndarray:
    """Where sorted ``points`` (int64 ``[k]``) land once spans ``[starts, ends)`` are replaced.

    No span may hold a point past its start: each point moves by what the spans that start
    before it grew or shrank.
    """
    growth = np.fromiter(map(len, replacements), dtype=np.int64, count=len(replacements)) - (ends - starts)
    return points + np.concatenate([[0], np.cumsum(growth)])[np.searchsorted(starts, points)]


def nfkc_lines(lines: Sequence[str]) -> list[str]:
    """``unicodedata.normalize("NFKC", line)`` of many lines, by table lookup.

    Characters whose NFKC is one plain character are looked up in a table over the
    joined batch; only chunks with combining marks or expansions go through
    ``unicodedata`` (see :func:`_nfkc_aligned`). 3-4× faster than ``unicodedata`` on
    Chinese text, where almost every line holds full-width punctuation.

    Parameters
    ----------
    lines : sequence of str
        Texts without ``"\n"`` (NFKC never composes across one, so they are joined by it).

    Returns
    -------
    list of str
        One per line, in order.
    """
    if not lines:
        return []
    codepoints = _codepoints("\n".join(lines))
    lengths = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    normalized, _ = _nfkc_moving(codepoints, np.empty(0, dtype=np.int64), False, _text_starts(lengths))
    out = _text(normalized).split("\n")
    if len(out) != len(lines):
        raise ValueError("nfkc_lines: a line holds a line break")
    return out


# --------------------------------------------------------------------------- t2s


@lru_cache(maxsize=1)
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


_FIRST_CJK = 0x2E80


def t2s_tables(entries: Iterable[tuple[str, str]]) -> tuple[str, str]:
    """What a set of OpenCC dictionary entries can touch: the basis of the windowed ``t2s``.

    Parameters
    ----------
    entries : iterable of (str, str)
        ``(key, value)`` of every entry of the dictionaries of one conversion.

    Returns
    -------
    key_chars : str
        Every character of every key, sorted: the only characters a match can cover.
    changed_chars : str
        Sorted: the characters of a key that its value replaces (every character of a key
        whose value has another length). A text holding none of them converts to itself.

    Examples
    --------
    >>> t2s_tables([("看著", "看着"), ("乾隆", "乾隆"), ("乾", "干")])
    ('乾看著隆', '乾著')
    """
    keys: set[str] = set()
    changed: set[str] = set()
    for key, value in entries:
        keys.update(key)
        if len(key) != len(value):
            changed.update(key)
        else:
            changed.update(k for k, v in zip(key, value) if k != v)
    return "".join(sorted(keys)), "".join(sorted(changed))


@lru_cache(maxsize=1)
def _t2s_masks() -> tuple[np.ndarray, np.ndarray] | None:
    """bool ``[0x110000]`` each: the key characters and the changed characters of ``t2s``.

    ``None`` when the installed OpenCC is not the release the tables were read from: the
    tables then say nothing, and whole texts are converted.
    """
    import opencc

    from . import _t2s_tables as tables

    if getattr(opencc, "__version__", None) != tables.OPENCC_VERSION:
        return None
    keys = np.zeros(0x110000, dtype=bool)
    keys[_codepoints(tables.KEY_CHARS)] = True
    changed = np.zeros(0x110000, dtype=bool)
    changed[_codepoints(tables.CHANGED_CHARS)] = True
    return keys, changed


def _t2s_windows(codepoints: np.ndarray, masks: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The stretches of a text that ``t2s`` may change: int64 ``[w]`` starts and ends, sorted.

    OpenCC segments by longest match, left to right, so no segment covers a character that
    is in no key (a *boundary*: every character outside the dictionaries, and ``"\\n"``):
    converting the text equals converting, on its own, each maximal run of key characters.
    Only a run holding a changed character can differ from itself.

    Parameters
    ----------
    codepoints : np.ndarray
        uint32 ``[n]``.
    masks : (np.ndarray, np.ndarray)
        From :func:`_t2s_masks`.
    """
    keys, changed = masks
    inside = np.flatnonzero(keys.take(codepoints))
    hits = np.flatnonzero(changed.take(codepoints[inside]))
    if len(hits) == 0:
        return hits, hits
    # Run r of consecutive key characters is inside[first[r] .. last[r]].
    last = np.append(np.flatnonzero(inside[1:] - inside[:-1] != 1), len(inside) - 1)
    first = np.append(0, last[:-1] + 1)
    runs = sorted_unique(np.searchsorted(last, hits))
    begins, finals = first[runs], last[runs]
    return inside[begins], inside[finals] + 1


def _t2s(codepoints: np.ndarray) -> np.ndarray:
    """OpenCC ``t2s`` of a text given as uint32 code points; the length never changes.

    None of OpenCC's ``t2s`` entries changes length (checked on the dictionaries of
    OpenCC 1.4.2), so the conversion maps position to position. Under the release the
    tables of :mod:`dedup._t2s_tables` were read from, OpenCC sees only the runs that can
    change (:func:`_t2s_windows`; 6 % of the quality corpus, 0.1 % of People's Daily), in
    one call; under any other release, the whole text.
    """
    if len(codepoints) == 0 or codepoints.max() < _FIRST_CJK:
        return codepoints
    masks = _t2s_masks()
    if masks is None:
        return _t2s_whole(codepoints)
    starts, ends = _t2s_windows(codepoints, masks)
    if len(starts) == 0:
        return codepoints
    lengths = ends - starts
    # Windows joined by "\n", a boundary: one call converts each as if alone.
    at = concat_ranges(starts, lengths)
    slots = np.arange(len(at)) + np.repeat(np.arange(len(starts)), lengths)
    picked = np.full(len(at) + len(starts) - 1, ord("\n"), dtype=np.uint32)
    picked[slots] = codepoints[at]
    converted = _codepoints(_converter().convert(_text(picked)))
    if len(converted) != len(picked):
        return _t2s_whole(codepoints)
    out = codepoints.copy()
    out[at] = converted[slots]
    return out


def _t2s_whole(codepoints: np.ndarray) -> np.ndarray:
    """OpenCC ``t2s`` of the whole text; a line whose length changes is kept as it was."""
    text = _text(codepoints)
    converted: str = _converter().convert(text)
    if len(converted) != len(text):
        lines = [(line, _converter().convert(line)) for line in text.split("\n")]
        converted = "\n".join(new if len(new) == len(line) else line for line, new in lines)
    return _codepoints(converted)


# --------------------------------------------------------------------------- the view


def normalize(text: str, options: NormalizeOptions = NormalizeOptions()) -> MatchingView:
    """Build the matching view of one text, with its offset map.

    Parameters
    ----------
    text : str
        Any string (lone surrogates, NUL and combining marks included).
    options : NormalizeOptions, optional
        The steps to run.

    Returns
    -------
    MatchingView
        ``text`` the view; ``offsets`` int64 ``[len(view)]``, non-decreasing, each a valid
        index into ``text``.

    Examples
    --------
    >>> view = normalize("鄉(xiāng)村，ＡＢ 1")
    >>> view.text, view.offsets.tolist()
    ('乡村ab1', [0, 8, 10, 11, 13])
    """
    check_text(text)
    check_arg("options", options, NormalizeOptions)
    return _aligned_views_of_batch([text], options)[0]


def normalize_many(
    texts: Iterable[str], options: NormalizeOptions = NormalizeOptions()
) -> list[MatchingView]:
    """The matching views of many texts with their offset maps, batch by batch.

    Equals ``[normalize(t, options) for t in texts]``, at close to the speed of
    :func:`matching_texts` (per-text overhead is a few microseconds, not a hundred).

    Parameters
    ----------
    texts : iterable of str
        Consumed once, in batches of about a million characters.
    options : NormalizeOptions, optional
        The steps to run.

    Returns
    -------
    list of MatchingView
        One per text, in order; offsets index each text itself.
    """
    views: list[MatchingView] = []
    for batch in _batches(texts, _BATCH_CHARS):
        views.extend(_aligned_views_of_batch(batch, options))
    return views


def _aligned_views_of_batch(texts: list[str], options: NormalizeOptions) -> list[MatchingView]:
    """Views with offsets of one batch: the texts joined by ``"\\n"``, every step run once."""
    text_starts = _text_starts(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))
    joined = "\n".join(texts)
    edits = _batch_noise_edits(joined, text_starts, _noise_regex_for(options))
    codepoints = _codepoints(joined)
    offsets = np.arange(len(codepoints), dtype=np.int64)
    if len(edits.starts):
        codepoints, offsets = _splice(codepoints, offsets, edits.starts, edits.ends, edits.replacements)
    if options.nfkc:
        # Where the texts start now that noise is gone (a separator keeps its offset).
        starts_now = np.searchsorted(offsets, text_starts[1:] - 1) + 1
        codepoints, offsets = _nfkc_aligned(
            codepoints, offsets, options.drop_punctuation, np.concatenate([[0], starts_now])
        )
    if options.t2s:
        codepoints = _t2s(codepoints)
    mapped = _char_map_for(options).take(codepoints)
    # Noise never covers a separator and a separator starts its NFKC chunk, so each
    # separator is still the first character carrying its offset.
    separators = np.searchsorted(offsets, text_starts[1:] - 1)
    kept, bounds = _kept_and_bounds(mapped, separators)
    view_text = _text(mapped[kept])
    view_offsets = offsets[kept]
    return [
        MatchingView(view_text[a:b], view_offsets[a:b] - start)
        for a, b, start in zip(bounds[:-1], bounds[1:], text_starts.tolist())
    ]


def _kept_and_bounds(mapped: np.ndarray, separators: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """What the views of a batch keep of it, and where each view starts among the kept.

    Parameters
    ----------
    mapped : np.ndarray
        uint32 ``[n]``: the batch after the per-character step (``_DELETE`` marks removal).
    separators : np.ndarray
        int64 ``[n_texts - 1]``: the positions of the separators, sorted.

    Returns
    -------
    kept : np.ndarray
        bool ``[n]``: neither removed nor a separator.
    bounds : list of int
        ``n_texts + 1`` positions in ``mapped[kept]``: view ``i`` is ``[bounds[i], bounds[i + 1])``.
    """
    kept = mapped != _DELETE
    kept[separators] = False
    dropped = np.flatnonzero(~kept)
    before = separators - np.searchsorted(dropped, separators)
    return kept, [0, *before.tolist(), len(mapped) - len(dropped)]


def _apply_edits(joined: str, separators: np.ndarray, edits: _Edits) -> tuple[str, np.ndarray]:
    """The batch with its noise edits made, and where its separators (int64 ``[s]``) moved."""
    if len(edits.starts) == 0:
        return joined, separators
    kept_runs = zip([0, *edits.ends.tolist()], [*edits.starts.tolist(), len(joined)])
    pieces = [joined[a:b] for a, b in kept_runs]
    edited = "".join(_interleave(pieces, edits.replacements))
    # No edit covers a separator: each moves by what the edits before it changed.
    return edited, _moved(separators, edits.starts, edits.ends, edits.replacements)


def _views_of_batch(texts: list[str], options: NormalizeOptions) -> list[str]:
    """Matching views of one batch: the texts joined by ``"\\n"``, every step run once."""
    text_starts = _text_starts(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))
    joined = "\n".join(texts)
    edits = _batch_noise_edits(joined, text_starts, _noise_regex_for(options))
    prepared, separators = _apply_edits(joined, text_starts[1:] - 1, edits)
    # "\n" is an NFKC boundary and stops OpenCC's phrase matching: no step crosses texts.
    codepoints = _codepoints(prepared)
    if options.nfkc:
        codepoints, separators = _nfkc_moving(
            codepoints, separators, options.drop_punctuation, np.concatenate([[0], separators + 1])
        )
    if options.t2s:
        codepoints = _t2s(codepoints)
    mapped = _char_map_for(options).take(codepoints)
    kept, bounds = _kept_and_bounds(mapped, separators)
    views = _text(mapped[kept])
    return [views[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


def _batches(texts: Iterable[str], max_chars: int) -> Iterator[list[str]]:
    """Consecutive lists of texts holding about ``max_chars`` characters each."""
    iterator = iter(texts)
    while True:
        batch: list[str] = []
        size = 0
        for text in iterator:
            batch.append(text)
            size += len(text)
            if size >= max_chars:
                break
        if not batch:
            return
        yield batch


def matching_texts(texts: Iterable[str], options: NormalizeOptions = NormalizeOptions()) -> list[str]:
    """The matching views of many texts, without offset maps (the fast path).

    Equals ``[normalize(t, options).text for t in texts]``; works on batches of about a
    million characters, so per-text overhead is a few microseconds, and views a text that
    repeats within a batch (a boilerplate line, a reprint) once.

    Parameters
    ----------
    texts : iterable of str
        Consumed once, batch by batch.
    options : NormalizeOptions, optional
        The steps to run.

    Returns
    -------
    list of str
        One view per text, in order.
    """
    views: list[str] = []
    for batch in _batches(texts, _BATCH_CHARS):
        distinct = list(dict.fromkeys(batch))
        if len(distinct) == len(batch):
            views.extend(_views_of_batch(batch, options))
        else:
            view_of = dict(zip(distinct, _views_of_batch(distinct, options)))
            views.extend(map(view_of.__getitem__, batch))
    return views
