"""Whole copies: whether one of two matched paragraphs holds the other whole, no word of it replaced.

Verification of :mod:`dedup.passages`' matches, by characters. Shared n-grams say two paragraphs are alike; they do
not say how they differ. An edited reprint differs anywhere — a word corrected, a figure updated — and a match by
Jaccard accepts it. But two items of one list (``Go (Basic) Skills Certification``, ``SQL (Basic) Skills
Certification``), one instruction for two languages (``create send_sms.py`` / ``create send_sms.rb``), the same
template line with its slots filled (``$84/mo suggested payments`` / ``$96/mo …``) differ by a word *replaced*, share
as many n-grams, and each says something the other does not: removing one as a copy of the other loses it.

Two matching views are **whole copies** when one holds the other as it is: the later is a piece of the earlier (an
excerpt, a truncated copy, a sentence repeated) or the earlier with text added before or after it (a heading
repeated with a byline). A piece cut from the middle makes no whole copy: views keep no spaces, so a clause cut out
and ``Rust`` cut to ``R`` look the same.

Which pairs must be whole copies to repeat alone (:func:`must_be_whole`): any two of one document, and two of different
documents when one is short. The others — an edited paragraph inside a passage whose other paragraphs repeat, a
long reprint's paragraph with a word corrected — still match (:func:`edited_inner`).

Views are the matching views (:func:`dedup.normalize.matching_texts`): case, width, script and punctuation are
already folded, so what is left to differ is the words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .store import take

__all__ = ["edited_inner", "must_be_whole", "whole_copies", "whole_pairs"]


def whole_copies(earlier: Sequence[str], later: Sequence[str]) -> np.ndarray:
    """bool ``[p]``: whether ``later[i]`` is a piece of ``earlier[i]`` or holds it whole (two sequences of ``p``
    views)."""
    if len(earlier) != len(later):
        raise ValueError(f"whole_copies: {len(earlier)} earlier views against {len(later)} later ones")
    return np.fromiter(
        (b in a or a in b for a, b in zip(earlier, later)),
        dtype=bool,
        count=len(earlier),
    )


def whole_pairs(views: Sequence[str], pairs: np.ndarray) -> np.ndarray:
    """bool ``[p]``: :func:`whole_copies` of each pair's two views (``pairs`` int64 ``[p, 2]``, rows of ``views``: a
    list, or a column on disk read in bulk)."""
    return whole_copies(take(views, pairs[:, 0]), take(views, pairs[:, 1]))


def must_be_whole(pairs: np.ndarray, view_len: np.ndarray, doc: np.ndarray, edit_chars: int) -> np.ndarray:
    """bool ``[p]``: which matched paragraph pairs (int64 ``[p, 2]``) repeat alone only as whole copies: any two of
    one document (two paragraphs of a page alike but for a word are a list's items or parallel instructions; a
    passage printed twice prints the same words), and two of different documents of which one has a view shorter
    than ``edit_chars`` (a word replaced in a short line makes another line); ``view_len`` and ``doc`` int64
    ``[u]`` of every paragraph."""
    shorter = np.minimum(view_len[pairs[:, 0]], view_len[pairs[:, 1]])
    return (doc[pairs[:, 0]] == doc[pairs[:, 1]]) | (shorter < edit_chars)


def edited_inner(
    pairs: np.ndarray,
    view_len: np.ndarray,
    doc: np.ndarray,
    edit_chars: int,
    whole: Callable[[np.ndarray], np.ndarray],
) -> np.ndarray:
    """bool ``[p]``: the matched paragraph pairs (int64 ``[p, 2]``) that count only inside a passage, between two
    of its pairs that repeat alone: those that must be whole copies (:func:`must_be_whole`) and are not. ``whole``
    says which are (int64 ``[k]`` rows of ``pairs`` → bool ``[k]``: :func:`whole_pairs`, or a column that was
    read where the views are); it is asked only of the rows that must be."""
    inner = must_be_whole(pairs, view_len, doc, edit_chars)
    rows = np.flatnonzero(inner)
    inner[rows] = ~np.asarray(whole(rows), dtype=bool)
    return inner
