"""Whether a line speaks of what its page's text speaks of: token overlap with the page's long text lines.

A story's own lines — its paragraphs, but also its captions, list items and table cells — share
words with the rest of the story; a site's menu, its cookie notice or the titles of other
articles mostly do not. :func:`topic_overlap` measures, for every line of many pages at once,
the share of its tokens that occur in another long text line of its own page. Tokens are the
character bigrams of CJK runs (kana and Hangul included) and the words of four or more letters
of other scripts (ASCII case folded, hashed); everything is array operations over
the joined text, grouped by page, so a line's value never depends on the other pages of a call.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..arrays import concat_ranges, joined_codepoints, shared_in_blocks, sorted_values, stable_order
from ..kernel import kernels as _kernels  # None without the compiled kernel: numpy paths
from .base import _CJK, _LETTER, _char_classes

_MIN_WORD = 4  # letters of a word token (shorter words are mostly function words)
_WORD_POSITIONS = 32  # a word's hash reads at most its first 32 letters
_KEY_BITS = 37  # a token's key: a CJK bigram's two code points (18 bits each) and a flag, or a word's hash
_BIGRAM_FLAG = np.uint64(1 << 36)
_MAX_PAGES = 1 << (64 - _KEY_BITS)
_MAX_ROWS = 1 << 32  # lines and tokens of a call: a (token, line) pair is one 64-bit integer


def _position_weights() -> np.ndarray:
    """uint64 ``[_WORD_POSITIONS]``: fixed odd multipliers, one per letter position of a word."""
    return np.random.default_rng(0x70C1C).integers(1, 1 << 62, _WORD_POSITIONS, dtype=np.uint64) | np.uint64(1)


_WEIGHTS = _position_weights()


def line_tokens(lines: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The tokens of each line, with repeats.

    Parameters
    ----------
    lines : sequence of str

    Returns
    -------
    line : np.ndarray
        int64 ``[t]``: the line of each token; ascending among the tokens of one key.
    key : np.ndarray
        uint64 ``[t]``: the token's 37-bit key: a CJK bigram's two code points (CJK code points
        are below 2**18) with bit 36 set, or a 36-bit hash of a word's first 32 letters. Two
        words of one page share a key with odds of about one in 10**10 a pair.
    """
    m = len(lines)
    if m == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    cps, line_starts, _ = joined_codepoints(lines)
    classes = _char_classes()[cps]
    cjk = (classes & _CJK) != 0
    letter = ((classes & _LETTER) != 0) & ~cjk

    pair = np.flatnonzero(cjk[:-1] & cjk[1:])  # newlines are no CJK: pairs stay within a line
    first, second = cps[pair].astype(np.uint64), cps[pair + 1].astype(np.uint64)
    bigram_key = (first << np.uint64(18)) | second | _BIGRAM_FLAG

    edges = np.diff(letter.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    words = (ends - starts) >= _MIN_WORD
    starts, ends = starts[words], np.minimum(ends[words], starts[words] + _WORD_POSITIONS)
    word_key = _word_keys(cps, starts, ends - starts)

    # Each code point's line, gathered (a binary search a token cost three times as much).
    line_of = np.repeat(np.arange(m, dtype=np.int64), np.diff(np.append(line_starts, cps.size)))
    line = line_of[np.concatenate((pair, starts))]
    return line, np.concatenate((bigram_key, word_key))


def _word_keys(cps: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """uint64 ``[w]``: each word's key, the 36 high bits of the sum of its letters (uint32 ``cps[start:start +
    length]``, ASCII case folded) times their positions' weights (:data:`_WEIGHTS`), wrapping at 2**64 —
    by the compiled kernel, or by a gather of every letter."""
    shift = 64 - _KEY_BITS + 1
    if _kernels is not None:
        out = np.empty(starts.size, dtype=np.uint64)
        _kernels.word_keys(cps, starts.astype(np.int64), lengths.astype(np.int64), _WEIGHTS, shift, out)
        return out
    at = concat_ranges(starts, lengths)
    letters = cps[at].astype(np.uint64)
    letters[(letters >= 65) & (letters <= 90)] += np.uint64(32)  # ASCII case folded
    products = letters * _WEIGHTS[at - np.repeat(starts, lengths)]
    keys = np.add.reduceat(products, np.cumsum(lengths) - lengths) if starts.size else products[:0]
    return keys >> np.uint64(shift)


def topic_overlap(lines: Sequence[str], page: np.ndarray, core: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The share of each line's tokens that another core line of its page holds.

    Parameters
    ----------
    lines : sequence of str
        The lines of many pages, page after page.
    page : np.ndarray
        int64 ``[m]``: the page of each line (non-decreasing).
    core : np.ndarray
        bool ``[m]``: the page's long text lines, whose tokens are the page's topic.

    Returns
    -------
    overlap : np.ndarray
        float64 ``[m]``: tokens of the line found in another core line of its page, over its
        tokens (0 for a line without tokens).
    tokens : np.ndarray
        float64 ``[m]``: the line's distinct tokens.
    """
    m = len(lines)
    line, key = line_tokens(lines)
    if line.size == 0:
        return np.zeros(m), np.zeros(m)
    if (page.size and int(page[-1]) >= _MAX_PAGES) or max(m, line.size) >= _MAX_ROWS:
        raise ValueError(f"topic_overlap: at most {_MAX_PAGES:,} pages and {_MAX_ROWS - 1:,} lines and tokens a call")
    tokens, found = (_counts_by_kernel if _kernels is not None else _counts_by_arrays)(line, key, page, core)
    return found / np.maximum(tokens, 1.0), tokens


def _counts_by_kernel(
    line: np.ndarray, key: np.ndarray, page: np.ndarray, core: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each line's distinct tokens and how many of them another core line of its page holds (float64 ``[m]`` each),
    by the compiled kernel: a small hash table a page, over the tokens of :func:`line_tokens` (``line`` int64 ``[t]``,
    ``key`` uint64 ``[t]``), whose CJK bigrams come before its words, each part in the lines' order. The 916 labelled
    web pages' 1.4 M tokens: 21–23 ms, against 86–87 ms by :func:`_counts_by_arrays`; the 1,054 generated pages'
    0.65 M: 8–9 ms against 24–27."""
    m = core.size
    tokens, found = np.zeros(m), np.zeros(m)
    n_pages = int(page[-1]) + 1 if m else 0
    bigrams = int(np.count_nonzero(key & _BIGRAM_FLAG))  # the first part
    token_page = page[line]
    edges = np.arange(n_pages + 1)
    bounds = np.stack(
        [np.searchsorted(token_page[:bigrams], edges), bigrams + np.searchsorted(token_page[bigrams:], edges)]
    ).astype(np.int64)
    _kernels.topic_counts(key, line, bounds, 2, core.astype(np.uint8), tokens, found)
    return tokens, found


def _counts_by_arrays(
    line: np.ndarray, key: np.ndarray, page: np.ndarray, core: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_counts_by_kernel` by array operations: every (page, token) sorted."""
    m = core.size
    # Tokens by (page, key), the page in the high bits (pages stay apart exactly), then the
    # (token, line) pairs sorted once more as one integer each, so a line's repeats of a token
    # are neighbours: two radix sorts of one integer each (the kernel's), cheaper than one of two columns.
    packed = (page[line].astype(np.uint64) << np.uint64(_KEY_BITS)) | key
    # A token its page holds once is one distinct token of its line and in no other line: counted, not sorted
    # (the kernel finds them in one pass; without it every token is sorted).
    tokens = np.zeros(m, dtype=np.float64)
    shared = shared_in_blocks(packed, max(packed.size, 1))
    if shared is not None:
        tokens += np.bincount(line[~shared], minlength=m)
        packed, line = packed[shared], line[shared]
    order = stable_order(packed)
    packed = packed[order]
    new_key = np.ones(packed.size, dtype=bool)
    new_key[1:] = packed[1:] != packed[:-1]
    pairs = ((np.cumsum(new_key) - 1).astype(np.uint64) << np.uint64(32)) | line[order].astype(np.uint64)
    pairs = sorted_values(pairs)
    distinct = np.ones(pairs.size, dtype=bool)
    distinct[1:] = pairs[1:] != pairs[:-1]
    pairs = pairs[distinct]
    group = (pairs >> np.uint64(32)).astype(np.int64)
    line = (pairs & np.uint64(_MAX_ROWS - 1)).astype(np.int64)
    own = core[line].astype(np.int64)
    in_core = np.bincount(group, weights=own)[group]  # core lines of the page holding the token
    tokens += np.bincount(line, minlength=m)
    found = np.bincount(line, weights=(in_core - own) > 0, minlength=m)
    return tokens, found
