"""The matching view: what two texts are compared on, and the way back to the original.

A text's *matching view* is the text with every difference that should not count as a
difference folded away. The steps run in this order, each switchable in
:class:`NormalizeOptions`:

1. inline noise dropped — pinyin annotations (``鄉(xiāng)``), HTML tags and entities left in
   text (``</span>``, ``&nbsp;``), replacement characters and ``?`` runs from broken
   encodings (:func:`noise_spans` reports these spans in the original); lone surrogates are
   always dropped (they cannot be encoded and carry no text);
2. NFKC (compatibility forms, composed accents, ``㍻`` → ``平成``);
3. Traditional → Simplified as OpenCC's ``t2s`` converts (phrase-aware; no entry changes length), from tables of
   its dictionaries shipped with dedup;
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
or expand, which go through ``unicodedata``) and one pass of the compiled kernel over the stretches of
the batch that ``t2s`` can change (found by table lookup, :func:`_t2s_windows`).
Python runs per match and to cut the batch back into texts, never per character.
:func:`noise_spans_many` gives the noise of many texts from the same single scan.

Where things live: ``base`` (options, the view, code points), ``noise`` (pinyin, HTML, junk),
``tables`` (per-code-point maps), ``nfkc`` (table-driven NFKC with offsets), ``t2s``
(windowed, from OpenCC's tables), ``view`` (``normalize``, ``normalize_many``, ``matching_texts``).
"""

from .base import NOISE_KINDS, MatchingView, NormalizeOptions
from .nfkc import nfkc_lines
from .noise import noise_spans, noise_spans_many
from .t2s import t2s_tables
from .view import KnownViews, matching_texts, normalize, normalize_many, span_views

__all__ = [
    "NOISE_KINDS",
    "KnownViews",
    "MatchingView",
    "NormalizeOptions",
    "matching_texts",
    "nfkc_lines",
    "noise_spans",
    "noise_spans_many",
    "normalize",
    "normalize_many",
    "span_views",
    "t2s_tables",
]
