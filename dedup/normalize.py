"""The matching view: what two texts are compared on.

Minimal version (core-engine issue): NFKC, Latin case folded, whitespace and
punctuation removed. The full Chinese-aware view (Traditional→Simplified,
pinyin annotations, HTML remnants, offset maps) replaces it behind the same
names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

__all__ = ["NormalizeOptions", "MatchingView", "normalize", "matching_texts"]

# Whitespace, and every character in a Unicode punctuation (P*) or symbol (S*) category.
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass(frozen=True)
class NormalizeOptions:
    """Which folds build the matching view."""

    nfkc: bool = True
    casefold: bool = True
    drop_punctuation: bool = True


@dataclass(frozen=True)
class MatchingView:
    """A text as it is matched, with the way back to the original.

    Attributes
    ----------
    text : str
        The matching view.
    offsets : np.ndarray
        int64 ``[len(text)]``; ``offsets[i]`` is the index in the original
        string of the character the view's ``i``-th character came from.
    """

    text: str
    offsets: np.ndarray


def _fold(text: str, options: NormalizeOptions) -> str:
    if options.nfkc:
        text = unicodedata.normalize("NFKC", text)
    if options.casefold:
        text = text.lower()
    if options.drop_punctuation:
        text = _DROP.sub("", text)
    return text


def normalize(text: str, options: NormalizeOptions = NormalizeOptions()) -> MatchingView:
    """Build the matching view of one text with its offset map (folds each character alone)."""
    pieces = [_fold(ch, options) for ch in text]
    offsets = np.repeat(np.arange(len(text), dtype=np.int64), [len(p) for p in pieces])
    return MatchingView("".join(pieces), offsets)


def matching_texts(texts: Iterable[str], options: NormalizeOptions = NormalizeOptions()) -> list[str]:
    """The matching views of many texts, without offset maps (the fast path)."""
    return [_fold(t, options) for t in texts]
