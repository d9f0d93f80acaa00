"""Boilerplate: lines that are furniture, not content.

Every non-blank line of every document gets three 64-bit keys (xxhash of
strings built once per line):

- ``exact``  — its matching view;
- ``masked`` — its matching view after variable slots are masked (digit runs,
  Latin/alphanumeric tokens, short quoted strings), so ``的会员“hanrui2009good”``
  and ``的会员“810723”`` agree;
- ``head``, ``tail`` — the first / last ``affix_chars`` characters of the masked
  view, so template lines whose slot (an embedded title) sits anywhere but at
  both ends form one family.

Keys are counted per document with array operations, and a line is boilerplate when

- its exact or masked key recurs in at least ``min_docs`` documents (and at
  least ``min_doc_fraction`` of them): site headers, footers, disclaimers, captions;
- its masked key, head or tail family recurs within one document with slots that
  differ, and the shared skeleton covers at least half the line: template lines
  of content farms, running heads with page numbers;
- it is a short line repeated exactly within a document whose neighbours differ
  at each occurrence (markers such as ``【正文】``; a heading repeated inside a
  reprinted passage is left to the passage finder);
- it is page furniture of PDF text: a page-number line, or a short line with no
  sentence punctuation right next to one (running heads).

Where things live: ``base`` (results, options, kinds and their one-byte codes), ``families`` (families of lines),
``classify`` (lines to kinds), ``overlap`` (lines that recur because their documents overlap), ``sentences``
(sentences among recurring lines: kept once, said, of figures), ``pages`` (the
web-page documents and their classifier's kinds), ``analysis`` (document families; the entry points). The line table
itself is :mod:`dedup.lines`.
"""

from .analysis import (
    LineAnalysis,
    analyse_lines,
    analyse_table,
    boilerplate_free_views,
    document_families,
    find_boilerplate,
)
from .base import KINDS, Boilerplate, BoilerplateOptions, Families, occurrences
from .classify import classify_lines
from .families import boilerplate_families

__all__ = [
    "Boilerplate",
    "BoilerplateOptions",
    "Families",
    "occurrences",
    "KINDS",
    "LineAnalysis",
    "analyse_lines",
    "analyse_table",
    "boilerplate_free_views",
    "boilerplate_families",
    "classify_lines",
    "document_families",
    "find_boilerplate",
]
