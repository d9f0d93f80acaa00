"""Documents → units: paragraphs, lines and sentences as ``[start, end)`` spans of the original.

Spans never include the whitespace around a unit and are never empty. Lines are cut at
line breaks (``\n``, ``\r\n``, ``\r``, U+2028/2029 …). Paragraphs are lines joined by the
layout of each document, detected on its own:

- *blank-line* layout — blank lines separate paragraphs (at least half the line gaps are
  blank, or some are and the text is hard-wrapped): the lines of a block are one paragraph;
- *indented* layout — at least one line in ten starts with two columns of indentation
  (``"　　"``): an indented line starts a paragraph, a flush line after a long one (0.8 of
  the document's 90th-percentile line width) continues;
- *hard-wrapped* text — at least half of four or more lines are as wide as the document's
  90th-percentile line width (at least 40 columns), give or take 2 columns or 5 %: a line that fills that width
  (less a column) continues on the next, even after a full stop;
- otherwise every line is a paragraph (the single-newline layout of seeds 001-003).

On top of the layout, ``rejoin_wraps`` (the default) re-joins two lines — across blank lines
too, for page and column breaks (seed 000's ``医保医`` / ``师服务…``) — that break
mid-sentence: the first does not end a sentence (``。！？!?；;…：:``, possibly followed by a
closing quote or bracket), the second does not start a list item (``1、``, ``(二)``,
``第三条``, ``一是``, ``●``, ``——``), and either the break is plainly inside a sentence (the
first ends with ``，、``, an opening bracket or a hyphen; the second starts with punctuation,
a lower-case letter, or a fragment of at most two characters that ends a sentence, as in
``围。``) or the first line is full (at least 0.8 of the 90th-percentile width, but at least
40 and at most 80 columns; CJK characters count two; not ending in a closing bracket) and the second has
punctuation or is full too, so that titles, bylines, credits and dates stay on their own.
Line features ignore inline noise (:func:`dedup.normalize.noise_spans`): pinyin annotations
do not make a title look long, a trailing ``</span>`` does not hide a full stop.

Sentences split paragraphs after runs of ``。！？!?；;…`` and their half-width and small
forms, taking closing quotes and brackets along; ``.`` and ``．`` end a sentence only before
whitespace, or before a CJK character when not after a digit (``93.62`` stays whole).

Everything runs on numpy arrays of code points for a whole batch of documents at once;
Python runs only per line that starts like a list marker, to match it.
:func:`segment_lines_and_paragraphs` gives lines and paragraphs from one pass.

Where things live: ``chars`` (character flags), ``breaks`` (line breaks), ``layout`` (each
document's layout and line joins), ``units`` (lines, paragraphs, sentences; the public functions).
"""

from .units import (
    UNITS,
    Unit,
    UnitSpans,
    segment,
    segment_lines_and_paragraphs,
    segment_many,
    sentences_within,
    split_long,
)

__all__ = [
    "UNITS",
    "Unit",
    "UnitSpans",
    "segment",
    "segment_lines_and_paragraphs",
    "segment_many",
    "sentences_within",
    "split_long",
]
