"""The matching view: ``normalize`` (with offsets), ``normalize_many`` and ``matching_texts`` (the hot path), batch by
batch."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from ..arrays import (
    distinct_strings,
    found_in,
    from_codepoints,
    joined_starts,
    sorted_unique,
    split_at_separators,
    to_codepoints,
)
from ..errors import check_text
from ..kernel import kernels as _kernels  # None without the compiled kernel: numpy paths
from ..options import check_arg
from ..store import batches, take
from .base import _BATCH_CHARS, _DELETE, MatchingView, NormalizeOptions
from .nfkc import _interleave, _moved, _nfkc_aligned, _nfkc_moving, _splice
from .noise import _batch_noise_edits, _Edits
from .t2s import _t2s
from .tables import _char_map_for, _tables


def normalize(text: str, options: NormalizeOptions = NormalizeOptions()) -> MatchingView:
    """Build the matching view of one text, with its offset map.

    Parameters
    ----------
    text : str
        Any string (lone surrogates, NUL and combining marks included).
    options : NormalizeOptions, optional
        The steps to run.

    Returns
    -------
    MatchingView
        ``text`` the view; ``offsets`` int64 ``[len(view)]``, non-decreasing, each a valid
        index into ``text``.

    Examples
    --------
    >>> view = normalize("鄉(xiāng)村，ＡＢ 1")
    >>> view.text, view.offsets.tolist()
    ('乡村ab1', [0, 8, 10, 11, 13])
    """
    check_text(text)
    check_arg("options", options, NormalizeOptions)
    return _aligned_views_of_batch([text], options)[0]


def normalize_many(texts: Iterable[str], options: NormalizeOptions = NormalizeOptions()) -> list[MatchingView]:
    """The matching views of many texts with their offset maps, batch by batch.

    Equals ``[normalize(t, options) for t in texts]``, at close to the speed of
    :func:`matching_texts` (per-text overhead is a few microseconds, not a hundred).

    Parameters
    ----------
    texts : iterable of str
        Consumed once, in batches of about a million characters.
    options : NormalizeOptions, optional
        The steps to run.

    Returns
    -------
    list of MatchingView
        One per text, in order; offsets index each text itself.
    """
    views: list[MatchingView] = []
    for batch in batches(texts, _BATCH_CHARS):
        views.extend(_aligned_views_of_batch(batch, options))
    return views


def _aligned_views_of_batch(texts: list[str], options: NormalizeOptions) -> list[MatchingView]:
    """Views with offsets of one batch: the texts joined by ``"\\n"``, every step run once."""
    text_starts = joined_starts(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))
    joined = "\n".join(texts)
    codepoints = to_codepoints(joined)
    edits = _batch_noise_edits(joined, text_starts, options, codepoints)
    offsets = np.arange(len(codepoints), dtype=np.int64)
    if len(edits.starts):
        codepoints, offsets = _splice(codepoints, offsets, edits.starts, edits.ends, edits.replacements)
    if options.nfkc:
        # Where the texts start now that noise is gone (a separator keeps its offset).
        starts_now = np.searchsorted(offsets, text_starts[1:] - 1) + 1
        codepoints, offsets = _nfkc_aligned(
            codepoints, offsets, options.drop_punctuation, np.concatenate([[0], starts_now])
        )
    if options.t2s:
        codepoints = _t2s(codepoints)
    mapped = _char_map_for(options).take(codepoints)
    # Noise never covers a separator and a separator starts its NFKC chunk, so each
    # separator is still the first character carrying its offset.
    separators = np.searchsorted(offsets, text_starts[1:] - 1)
    kept, bounds = _kept_and_bounds(mapped, separators)
    view_text = from_codepoints(mapped[kept])
    view_offsets = offsets[kept]
    return [
        MatchingView(view_text[a:b], view_offsets[a:b] - start)
        for a, b, start in zip(bounds[:-1], bounds[1:], text_starts.tolist())
    ]


def _kept_and_bounds(mapped: np.ndarray, separators: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """What the views of a batch keep of it, and where each view starts among the kept.

    Parameters
    ----------
    mapped : np.ndarray
        uint32 ``[n]``: the batch after the per-character step (``_DELETE`` marks removal).
    separators : np.ndarray
        int64 ``[n_texts - 1]``: the positions of the separators, sorted.

    Returns
    -------
    kept : np.ndarray
        bool ``[n]``: neither removed nor a separator.
    bounds : list of int
        ``n_texts + 1`` positions in ``mapped[kept]``: view ``i`` is ``[bounds[i], bounds[i + 1])``.
    """
    kept = mapped != _DELETE
    kept[separators] = False
    return kept, [0, *_among_kept(separators, ~kept).tolist(), int(np.count_nonzero(kept))]


def _among_kept(positions: np.ndarray, dropped: np.ndarray) -> np.ndarray:
    """int64 ``[s]``: how many characters not ``dropped`` (bool ``[n]``) come before each of ``positions`` (int64
    ``[s]``, increasing): where a position falls once the dropped characters are taken out."""
    return positions - np.searchsorted(np.flatnonzero(dropped), positions)


def _apply_edits(joined: str, separators: np.ndarray, edits: _Edits) -> tuple[str, np.ndarray]:
    """The batch with its noise edits made, and where its separators (int64 ``[s]``) moved."""
    if len(edits.starts) == 0:
        return joined, separators
    kept_runs = zip([0, *edits.ends.tolist()], [*edits.starts.tolist(), len(joined)])
    pieces = [joined[a:b] for a, b in kept_runs]
    edited = "".join(_interleave(pieces, edits.replacements))
    # No edit covers a separator: each moves by what the edits before it changed.
    return edited, _moved(separators, edits.starts, edits.ends, edits.replacements)


def _views_of_batch(
    texts: list[str],
    options: NormalizeOptions,
    nfkc: list[str | None] | None = None,
    bare: list[str] | None = None,
) -> list[str]:
    """Matching views of one batch: the texts joined by ``"\\n"``, every step run once. With ``nfkc`` (a list), the
    NFKC of each text the noise step left alone is appended to it (None for the others, and for every text
    without the NFKC step or with ``drop_punctuation``, whose NFKC is not plain): what
    ``unicodedata.normalize("NFKC", text)`` gives, for callers that need it too. With ``bare`` (a list), each view
    less what ``drop_punctuation`` drops is appended to it (:func:`without_punctuation` of the views, or of the views
    stripped: every whitespace character is dropped), from the same code points."""
    text_starts = joined_starts(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))
    joined = "\n".join(texts)
    codepoints = to_codepoints(joined)
    edits = _batch_noise_edits(joined, text_starts, options, codepoints)
    prepared, separators = _apply_edits(joined, text_starts[1:] - 1, edits)
    # "\n" is an NFKC boundary and stops OpenCC's phrase matching: no step crosses texts.
    if prepared is not joined:
        codepoints = to_codepoints(prepared)
    if options.nfkc:
        codepoints, separators = _nfkc_moving(
            codepoints, separators, options.drop_punctuation, np.concatenate([[0], separators + 1])
        )
    if nfkc is not None:
        nfkc.extend(_plain_nfkc(codepoints, separators, text_starts, edits, options))
    if options.t2s:
        codepoints = _t2s(codepoints)
    viewed, at, unpunctuated = per_character(
        codepoints, separators, _char_map_for(options), None if bare is None else _tables().drop
    )
    if unpunctuated is not None:
        bare.extend(from_codepoints(unpunctuated).split("\n"))  # type: ignore[union-attr]  # its only line feeds
    return split_at_separators(from_codepoints(viewed), separators.size, lambda: at)


def per_character(
    codepoints: np.ndarray, separators: np.ndarray, mapping: np.ndarray, drop: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The view's per-character step over a batch: each code point mapped (``_DELETE``: removed), each separator a
    ``"\\n"`` whatever it maps to. One pass of the compiled kernel, else array operations.

    Parameters
    ----------
    codepoints : np.ndarray
        uint32 ``[n]``, the batch.
    separators : np.ndarray
        int64 ``[s]``, increasing: the positions of the separators between its texts.
    mapping : np.ndarray
        uint32 ``[0x110000]``, from :func:`dedup.normalize.tables._char_map_for`.
    drop : np.ndarray, optional
        bool ``[0x110000]``: the characters ``drop_punctuation`` drops, to take out of the kept ones too.

    Returns
    -------
    viewed : np.ndarray
        uint32 ``[k]``: the code points kept, separators included.
    at : np.ndarray
        int64 ``[s]``: where each separator is among them.
    bare : np.ndarray or None
        uint32 ``[b]``: ``viewed`` less the characters ``drop`` marks, separators kept (None without ``drop``).
    """
    codepoints = np.ascontiguousarray(codepoints, dtype=np.uint32)
    separators = np.ascontiguousarray(separators, dtype=np.int64)
    if _kernels is None:
        return _per_character_by_arrays(codepoints, separators, mapping, drop)
    viewed, at = np.empty_like(codepoints), np.empty_like(separators)
    out_bare = None if drop is None else np.empty_like(codepoints)
    written, bare_written = _kernels.mapped_view(
        codepoints, mapping, separators, None if drop is None else drop.view(np.uint8), viewed, at, out_bare
    )
    return viewed[:written], at, None if out_bare is None else out_bare[:bare_written]


def _per_character_by_arrays(
    codepoints: np.ndarray, separators: np.ndarray, mapping: np.ndarray, drop: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """:func:`per_character` by array operations."""
    mapped = mapping.take(codepoints)
    mapped[separators] = 10  # each text's view ends at a "\n"
    kept = mapped != _DELETE
    viewed = mapped[kept]
    at = _among_kept(separators, ~kept)  # where the separators are among the kept characters
    if drop is None:
        return viewed, at, None
    undropped = ~drop[viewed]
    undropped[at] = True  # the separators stay
    return viewed, at, viewed[undropped]


def _plain_nfkc(
    codepoints: np.ndarray, separators: np.ndarray, text_starts: np.ndarray, edits: _Edits, options: NormalizeOptions
) -> list[str | None]:
    """Each text's NFKC as the batch's NFKC step made it (uint32 ``codepoints``, texts apart at ``separators``),
    None for a text the noise step edited (its NFKC is of other characters) or when the step is not plain NFKC."""
    if not options.nfkc or options.drop_punctuation:
        return [None] * len(text_starts)
    out: list[str | None] = list(split_at_separators(from_codepoints(codepoints), separators.size, lambda: separators))
    for i in sorted_unique(np.searchsorted(text_starts, edits.starts, side="right") - 1).tolist():
        out[i] = None
    return out


def matching_texts(
    texts: Iterable[str],
    options: NormalizeOptions = NormalizeOptions(),
    nfkc: list[str | None] | None = None,
    bare: list[str] | None = None,
) -> list[str]:
    """The matching views of many texts, without offset maps (the fast path).

    Equals ``[normalize(t, options).text for t in texts]``; works on batches of about a
    million characters, so per-text overhead is a few microseconds, and views a text that
    repeats within a batch (a boilerplate line, a reprint) once.

    Parameters
    ----------
    texts : iterable of str
        Consumed once, batch by batch.
    options : NormalizeOptions, optional
        The steps to run.
    nfkc : list, optional
        Receives each text's NFKC, or None (see :func:`_views_of_batch`), in order.
    bare : list, optional
        Receives each view without the characters ``drop_punctuation`` drops (:func:`without_punctuation` of it), in
        order: made from the same code points, not from the views' strings again.

    Returns
    -------
    list of str
        One view per text, in order.
    """
    views: list[str] = []
    for batch in batches(texts, _BATCH_CHARS):
        numbers, distinct = distinct_strings(batch)
        ids = numbers.tolist()  # each text's number among the distinct
        made: list[str | None] | None = None if nfkc is None else []
        unpunctuated: list[str] | None = None if bare is None else []
        if len(distinct) == len(batch):
            views.extend(_views_of_batch(batch, options, made, unpunctuated))
        else:
            views.extend(map(_views_of_batch(distinct, options, made, unpunctuated).__getitem__, ids))
            if made is not None:
                made = list(map(made.__getitem__, ids))
            if unpunctuated is not None:
                unpunctuated = list(map(unpunctuated.__getitem__, ids))
        if made is not None:
            nfkc.extend(made)
        if unpunctuated is not None:
            bare.extend(unpunctuated)  # type: ignore[union-attr]
    return views


def without_punctuation(views: Sequence[str]) -> list[str]:
    """The views with the characters ``drop_punctuation`` removes taken out (punctuation, symbols,
    whitespace, controls).

    Views made with ``drop_punctuation=False`` become those of the same options with
    ``drop_punctuation=True``: the step drops characters after every other step has mapped
    them, and where NFKC expands a character into ones the view drops (``…`` → ``...``), the
    expansion is dropped either way. One pass over the joined views.

    Returns
    -------
    list of str
        One per view.
    """
    if not views:
        return []
    cps = to_codepoints("\n".join(views))
    separators = joined_starts(np.fromiter(map(len, views), dtype=np.int64, count=len(views)))[1:] - 1
    keep = ~_tables().drop[cps]
    keep[separators] = True  # a "\n": each view ends at one
    return split_at_separators(from_codepoints(cps[keep]), separators.size, lambda: _among_kept(separators, ~keep))


@dataclass(frozen=True)
class KnownViews:
    """Views already made of some spans of a batch: ``doc``, ``start``, ``end`` int64 ``[k]``
    sorted by (doc, start) and not overlapping, and their ``views``."""

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    views: Sequence[str]


def span_views(
    texts: Sequence[str], doc: np.ndarray, spans: np.ndarray, normalize: NormalizeOptions, known: KnownViews | None
) -> list[str]:
    """Matching views of the spans ``(doc[i], spans[i])`` of ``texts``.

    A span that ``known`` holds takes its view from there; the others are made, in one
    :func:`matching_texts` call. ``doc`` is int64 ``[k]``, ``spans`` int64 ``[k, 2]``.
    """
    if known is None or not len(known.doc) or not len(doc):
        return matching_texts([texts[d][s:e] for d, (s, e) in zip(doc.tolist(), spans.tolist())], normalize)
    width = int(max(known.end.max(), spans[:, 1].max())) + 1
    keys = known.doc * width + known.start
    wanted = doc * width + spans[:, 0]
    at, found = found_in(keys, wanted)
    found &= known.end[at] == spans[:, 1]
    views = [""] * len(doc)
    for i, view in zip(np.flatnonzero(found).tolist(), take(known.views, at[found])):
        views[i] = view
    missing = np.flatnonzero(~found)
    pieces = [texts[d][s:e] for d, (s, e) in zip(doc[missing].tolist(), spans[missing].tolist())]
    for i, view in zip(missing.tolist(), matching_texts(pieces, normalize)):
        views[i] = view
    return views
