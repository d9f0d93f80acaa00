"""The per-code-point tables of the view: NFKC one-to-one mappings, width, case, punctuation and digits, built once from
``unicodedata``."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..arrays import from_codepoints, to_codepoints
from .base import _DELETE, _N_CODEPOINTS, _NOT_PLAIN, NormalizeOptions


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
# Optional vowel and reading marks (all nonspacing, Mn) and Arabic's tatweel (Lm), dropped with strip_vowel_marks:
# Arabic honorific and Quranic signs, harakat to sukun, the marks after the hamza and madda (which compose with
# letters and stay), the superscript alef, the Quranic small high and low marks, Arabic Extended-A's marks; Hebrew
# cantillation and points (not maqaf, paseq, sof pasuq, nun hafukha: punctuation); Syriac vowels and marks.
_VOWEL_MARKS = (
    (0x0610, 0x061A),
    (0x0640, 0x0640),
    (0x064B, 0x0652),
    (0x0656, 0x065F),
    (0x0670, 0x0670),
    (0x06D6, 0x06DC),
    (0x06DF, 0x06E4),
    (0x06E7, 0x06E8),
    (0x06EA, 0x06ED),
    (0x08D3, 0x08E1),
    (0x08E3, 0x08FF),
    (0x0591, 0x05BD),
    (0x05BF, 0x05BF),
    (0x05C1, 0x05C2),
    (0x05C4, 0x05C5),
    (0x05C7, 0x05C7),
    (0x0730, 0x074A),
)


def _scanned_codepoints() -> tuple[str, np.ndarray]:
    """The code points whose properties are looked up, as one string and as uint32.

    Planes 0-2 and 14 less the surrogates. Every other code point is a CJK ideograph,
    private-use or unassigned (Lo, Co, Cn) in every Unicode version so far: kept by the
    view, unchanged by NFKC, case and width folds, and a boundary for NFKC.
    """
    values = np.concatenate([np.arange(0xD800), np.arange(0xE000, 0x30000), np.arange(0xE0000, 0xE1000)]).astype(
        np.uint32
    )
    return from_codepoints(values), values


def _changed_blocks(chars: str, is_unchanged: Callable[[str], bool]) -> Iterator[int]:
    """Start indices of the ``_BLOCK``-sized blocks of ``chars`` that ``is_unchanged`` rejects."""
    for start in range(0, len(chars), _BLOCK):
        if not is_unchanged(chars[start : start + _BLOCK]):
            yield start


def _one_to_one(chars: str, values: np.ndarray, transform: Callable[[str], str]) -> tuple[np.ndarray, np.ndarray]:
    """Sparse (keys, values) of a per-character transform, first character of longer results."""
    keys: list[int] = []
    images: list[int] = []
    for start in range(0, len(chars), _BLOCK):
        block = chars[start : start + _BLOCK]
        mapped = transform(block)
        if mapped == block:
            continue
        if len(mapped) == len(block):
            old, new = values[start : start + len(block)], to_codepoints(mapped)
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
    categories = np.frombuffer(bytes(map(category_codes.__getitem__, map(unicodedata.category, chars))), dtype=np.uint8)

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
    codes = to_codepoints("".join(keys))
    firsts = to_codepoints("".join(nfkd[0] for nfkd in decomposed.values()))
    boundary[codes] = (combining[firsts] == 0) & ~seconds[firsts]
    nfkcs = _each_char("NFKC", keys)
    nfkc_lengths = np.fromiter(map(len, nfkcs), dtype=np.int64, count=len(nfkcs))
    nfkc_starts = np.cumsum(nfkc_lengths) - nfkc_lengths
    nfkc_codes = to_codepoints("".join(nfkcs))
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
def _char_map(width: bool, casefold: bool, fold_digits: bool, drop_punctuation: bool, vowel_marks: bool) -> np.ndarray:
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
    if vowel_marks:
        for low, high in _VOWEL_MARKS:
            mapping[low : high + 1] = _DELETE
    mapping[0xD800:0xE000] = _DELETE
    return mapping


def _char_map_for(options: NormalizeOptions) -> np.ndarray:
    return _char_map(
        options.width, options.casefold, options.fold_digits, options.drop_punctuation, options.strip_vowel_marks
    )
