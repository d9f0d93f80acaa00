"""What every step of the view shares: the options, the view with its offset map, and text ↔ code points."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..options import check_types

NOISE_KINDS: tuple[str, ...] = ("pinyin", "html_tag", "html_entity", "junk", "mojibake")

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
        Traditional → Simplified Chinese as OpenCC's ``t2s`` converts (OpenCC 1.4.2's dictionaries, shipped as
        tables: :mod:`dedup.normalize.t2s`).
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
    strip_vowel_marks : bool, default True
        Drop the optional vowel and reading marks of Arabic (harakat, shadda, sukun, the superscript alef,
        Quranic marks), Hebrew (niqqud, cantillation) and Syriac, and Arabic's tatweel (``كَتَبَ``, ``كـتـب`` →
        ``كتب``; ``שָׁלוֹם`` → ``שלום``): texts are written with them or without, so a reprint with or without
        vocalization reads as the same text. The hamza and madda that compose with a letter stay (``أ`` is not
        ``ا``). Indexes saved before this option (format 2) read as if it were off.
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
    strip_vowel_marks: bool = True

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
