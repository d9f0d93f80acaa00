"""Sentences among recurring lines: what a line that ends a sentence shows that a site's furniture does not.

A site's furniture is mostly short lines without a sentence end, at its pages' edges or beside the same lines each
time. A sentence recurring across unrelated documents is most often text reused, said or reported, and no rule may
take it from every document: prose keeps its first copy (:func:`_kept_once`), a short sentence said in running text
is content in every copy (:func:`_said`; within one document, :func:`said_again`), and a sentence whose slots are
its report's figures is no template (:func:`_figure_sentences`). :func:`dedup.boilerplate.classify.collection_kinds`
applies them, from the line table's columns where it can (on Ray the strings stay in the object store).
"""

from __future__ import annotations

import re

import numpy as np

from ..arrays import group_ids, sorted_unique
from ..lines import LineTable
from ..store import take
from .base import CONTENT, KIND
from .overlap import _beside, _neighbours_differ

#: Matching-view characters from which a line that ends a sentence, or holds one end, is prose (:func:`_prose`).
PROSE_CHARS = 10


def _prose(table: LineTable, rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` (bool ``[m]``) are prose — a sentence or more: at least :data:`PROSE_CHARS` characters of
    matching view, and a sentence end inside or at the end — bool ``[m]``, from the table's columns (no text read:
    on Ray the strings stay in the object store)."""
    return rows & (table.view_len >= PROSE_CHARS) & (~table.one_sentence | table.sentence_end)


def _kept_once(table: LineTable, kind: np.ndarray, recurring: np.ndarray) -> np.ndarray:
    """The one copy kept of each line of prose (:func:`_prose`) that recurs across families by its exact view with
    no copy left as content: its first occurrence, bool ``[m]``.

    A site's furniture is mostly short lines without a sentence end; prose recurring in unrelated documents is most
    often text reused — passages quoted or compiled into many documents, leads shown as teasers, a review said the
    same way — which no rule may take from every document: the text is kept somewhere, the other copies go. The
    price is one copy in the collection of a site's sentences of furniture (a disclaimer, an ad line).
    """
    out = np.zeros(len(table), dtype=bool)
    rows = np.flatnonzero(_prose(table, recurring & (kind == KIND["recurring"])))
    if not rows.size:
        return out
    keys, first = np.unique(table.exact[rows], return_index=True)  # rows ascend: the first occurrence of each
    kept_elsewhere = np.isin(keys, table.exact[kind == CONTENT])
    out[rows[first[~kept_elsewhere]]] = True
    return out


def _sides(table: LineTable, rows: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """For the line before and the line after each of ``rows`` (int64 ``[k]``): :func:`overlap._beside`'s
    ``(near, inside)`` and ``edge`` (bool ``[k]``: the row has no such line in its document)."""
    sides = []
    for step in (-1, 1):
        near, inside = _beside(table, rows, step)
        edge = np.ones(rows.size, dtype=bool)
        edge[inside] = False
        sides.append((near, inside, edge))
    return sides


#: The largest share of a line's copies that may sit at their document's edge, or beside one same line, for the
#: line to be said in running text (:func:`_said`).
SAID_SHARE = 0.5


def _said(table: LineTable, recurring: np.ndarray) -> np.ndarray:
    """Which of the ``recurring`` rows (bool ``[m]``) are a sentence said in running text: it ends a sentence, and
    its copies sit mostly between two lines of their documents, beside other lines each time (``谢谢。``, ``好的。``
    in every episode's subtitles): at most :data:`SAID_SHARE` of them at an edge, or beside the same line on either
    side. A site's sentence of furniture sits at its page's edge or beside the same line of the site's each time.
    bool ``[m]``."""
    out = np.zeros(len(table), dtype=bool)
    rows = np.flatnonzero(recurring & table.sentence_end & (table.view_len < PROSE_CHARS))  # longer: _kept_once
    if not rows.size:
        return out
    group = group_ids(table.exact[rows])
    copies = np.bincount(group).astype(np.float64)
    worst = np.zeros(copies.size)
    for near, inside, at_edge in _sides(table, rows):
        edge = np.bincount(group, weights=at_edge, minlength=copies.size)
        pairs = np.stack([group[inside], table.exact[near[inside]].astype(np.int64, copy=False)])
        _, first, counts = np.unique(pairs, axis=1, return_index=True, return_counts=True)
        same = np.zeros(copies.size)
        np.maximum.at(same, pairs[0, first], counts)
        worst = np.maximum(worst, np.maximum(edge, same) / copies)
    out[rows] = worst[group] <= SAID_SHARE
    return out


def said_again(table: LineTable, rows: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Which of ``rows`` (int64 ``[k]``: lines their document repeats; ``group``: each line's copies in its document,
    ``group_ids(table.exact, table.doc)``) are a short sentence said again — under :data:`PROSE_CHARS` view
    characters, ending a sentence, every copy between two lines of its document, none beside another copy, and
    beside other lines each time (``好的。`` said three times in a dialogue, in a subtitle file): bool ``[m]``. A
    headline printed again opens its page; a paragraph printed twice by a layout error sits beside itself, or beside
    the same lines each time."""
    out = np.zeros(len(table), dtype=bool)
    rows = rows[table.sentence_end[rows] & (table.view_len[rows] < PROSE_CHARS)]
    if not rows.size:
        return out
    bad = np.zeros(rows.size, dtype=bool)
    for near, inside, edge in _sides(table, rows):  # a copy at its document's edge, or right beside another
        bad |= edge
        bad[inside] |= group[near[inside]] == group[rows[inside]]
    rows = rows[~np.isin(group[rows], group[rows[bad]])]
    if rows.size:
        out[rows] = _neighbours_differ(table, group, sorted_unique(group[rows]))[rows]
    return out


#: How many different numbers make a sentence one of figures (:func:`_figure_sentences`).
FIGURES = 2
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _figure_sentences(table: LineTable, rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` (bool ``[m]``) are sentences of figures: prose (:func:`_prose`) whose masked view's slots
    are numbers and no word or name, :data:`FIGURES` different numbers or more, bool ``[m]``. A daily report says
    ``今日上证指数收于3097.63点，涨幅0.04%。`` with other figures each day: a template by its masked view, whose
    slots are the report's data, found nowhere else. A content farm's template fills its slots with names (a
    member's ``wuuxmtav363``, a title in quotes), a series' lead its year (``2001年…公报。…2001年全国…``): they
    stay templates."""
    out = np.zeros(len(table), dtype=bool)
    chosen = np.flatnonzero(_prose(table, rows))
    if chosen.size:  # the masked views first: many candidates have a word for a slot, or one number
        masked = take(table.masked_views, chosen)
        slots = (view.count("0") >= FIGURES and "a" not in view for view in masked)  # a "0" a digit run
        chosen = chosen[np.fromiter(slots, dtype=bool, count=chosen.size)]
    if chosen.size:  # then the different numbers of their texts
        texts = take(table.texts, chosen)
        out[chosen] = np.fromiter((len(set(_NUMBER.findall(t))) >= FIGURES for t in texts), bool, len(texts))
    return out
