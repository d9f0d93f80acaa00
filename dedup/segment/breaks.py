"""Line breaks of a batch: where lines start and end, skipping whitespace and inline noise."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..normalize.noise import joined_noise_spans
from .chars import _BREAK, _CARRIAGE, _WS, _has


@dataclass(frozen=True)
class _Lines:
    """The non-blank lines of a batch, in joined-text coordinates.

    Attributes
    ----------
    raw_starts : np.ndarray
        int64 ``[k]``: where each line starts, indentation included.
    starts, ends : np.ndarray
        int64 ``[k]``: the line without surrounding whitespace.
    content_starts, content_ends : np.ndarray
        int64 ``[k]``: the line without surrounding whitespace and inline noise (pinyin
        annotations, HTML, encoding junk); ``content_ends <= content_starts`` for a line of
        noise only.
    doc : np.ndarray
        int64 ``[k]``: the document of each line.
    blank_before : np.ndarray
        bool ``[k]``: a blank line separates this line from the previous one.
    """

    raw_starts: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    content_starts: np.ndarray
    content_ends: np.ndarray
    doc: np.ndarray
    blank_before: np.ndarray


def _line_breaks(codepoints: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """int64 ``[b]``, sorted: the characters that end a line (``\\r`` only when not before ``\\n``)."""
    breaks = np.flatnonzero(_has(flags, _BREAK | _CARRIAGE))
    after = np.minimum(breaks + 1, len(codepoints) - 1)
    carriage_before_newline = (
        (codepoints[breaks] == 0x0D) & (breaks + 1 < len(codepoints)) & (codepoints[after] == 0x0A)
    )
    return breaks[~carriage_before_newline]


def _skip_forward(skip: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """int64 ``[k]``: the first index at or after each position where ``skip`` is False.

    Parameters
    ----------
    skip : np.ndarray
        bool ``[n]``: the characters to skip.
    positions : np.ndarray
        int64 ``[k]``, each in ``[0, n]``.

    Returns
    -------
    np.ndarray
        int64 ``[k]``; ``n`` where nothing but skipped characters follow.
    """
    skipped = np.flatnonzero(skip)
    result = positions.astype(np.int64, copy=True)
    if len(skipped) == 0:
        return result
    inside = np.flatnonzero(np.append(skip, False)[positions])
    # The last skipped character of each run of consecutive ones.
    run_last = np.flatnonzero(np.append(np.diff(skipped) > 1, True))
    index = np.searchsorted(skipped, result[inside])
    result[inside] = skipped[run_last[np.searchsorted(run_last, index)]] + 1
    return result


def _skip_backward(skip: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """int64 ``[k]``: just after the last index before each position where ``skip`` is False.

    Parameters
    ----------
    skip : np.ndarray
        bool ``[n]``: the characters to skip.
    positions : np.ndarray
        int64 ``[k]``, each in ``[0, n]``.

    Returns
    -------
    np.ndarray
        int64 ``[k]``; ``0`` where nothing but skipped characters precede.
    """
    skipped = np.flatnonzero(skip)
    result = positions.astype(np.int64, copy=True)
    if len(skipped) == 0:
        return result
    inside = np.flatnonzero(np.concatenate([[False], skip])[positions])
    # The first skipped character of each run of consecutive ones.
    run_first = np.flatnonzero(np.concatenate([[True], np.diff(skipped) > 1]))
    index = np.searchsorted(skipped, result[inside] - 1)
    result[inside] = skipped[run_first[np.searchsorted(run_first, index, side="right") - 1]]
    return result


def _lines(codepoints: np.ndarray, flags: np.ndarray, noise: np.ndarray, doc_starts: np.ndarray) -> _Lines:
    """The non-blank lines of the joined batch (``doc_starts``: int64 ``[n_docs]``)."""
    n = len(codepoints)
    breaks = _line_breaks(codepoints, flags)
    line_starts = np.concatenate([[0], breaks + 1])
    line_ends = np.concatenate([breaks, [n]])
    blank = _has(flags, _WS)
    starts = _skip_forward(blank, line_starts)
    non_blank = starts < line_ends
    line_number = np.flatnonzero(non_blank)
    starts = starts[non_blank]
    ends = _skip_backward(blank, line_ends[non_blank])
    if noise.any():
        blank |= noise
        content_starts = _skip_forward(blank, starts)
        content_ends = _skip_backward(blank, ends)
    else:
        content_starts, content_ends = starts, ends
    doc = np.searchsorted(doc_starts, line_starts[non_blank], side="right") - 1
    blank_before = np.diff(line_number, prepend=-1) > 1
    return _Lines(line_starts[non_blank], starts, ends, content_starts, content_ends, doc, blank_before)


def _noise_mask(text: str, doc_starts: np.ndarray, codepoints: np.ndarray) -> np.ndarray:
    """bool ``[n]``: characters of the documents joined by ``"\\n"`` (``text``, its ``codepoints`` uint32 ``[n]``, each
    document at ``doc_starts``) inside inline noise (:func:`dedup.normalize.noise_spans`), as found document by
    document, so that no match spans two documents."""
    n = codepoints.size
    spans, doc_offsets, _ = joined_noise_spans(text, doc_starts, codepoints=codepoints)
    starts = spans[:, 0] + np.repeat(doc_starts, np.diff(doc_offsets))
    lengths = spans[:, 1] - spans[:, 0]
    mask = np.zeros(n, dtype=bool)
    # Every position of every span: its start, repeated, plus its rank within the span.
    firsts = np.cumsum(lengths) - lengths
    mask[np.repeat(starts - firsts, lengths) + np.arange(lengths.sum())] = True
    return mask
