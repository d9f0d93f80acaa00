"""Phase 3, batch by batch again: inline noise and the planned cuts, resolved and cut out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..arrays import unique_rows
from ..normalize import noise_spans_many
from ..removals import REASONS, Cleaned, cut_spans, resolve_many, strengths
from ..sourcecode import noise_in_code
from ..spans import expand_spans_to_lines
from .plan import CleanPlan

_NOISE = REASONS.index("noise")


def _batch_cuts(texts: Sequence[str], plan: CleanPlan, first_doc: int) -> tuple[np.ndarray, list[str]]:
    """Every cut of a batch, inline noise first then the plan's, each document's in the order proposed.

    Returns
    -------
    cuts : np.ndarray
        int64 ``[c, 7]``: document (in the batch), start, end, reason (index into
        :data:`dedup.removals.REASONS`), ref (-1: None), kind (index into ``kinds``), held_by
        (index into ``plan.holders``, -1: None).
    kinds : list of str
    """
    n = len(texts)
    kinds = list(plan.kinds)
    parts = []
    if plan.remove_noise:
        spans, offsets, noise_kinds = noise_spans_many(texts)
        kinds += [name for name in dict.fromkeys(noise_kinds) if name not in kinds]
        index = {name: k for k, name in enumerate(kinds)}
        code = np.array([index[name] for name in noise_kinds], dtype=np.int64)
        doc = np.repeat(np.arange(n, dtype=np.int64), np.diff(offsets))
        spans = spans.reshape(-1, 2)
        keep = ~noise_in_code(texts, doc, spans, plan.code_docs_in(first_doc, first_doc + n))
        parts.append(
            np.column_stack(
                [
                    doc[keep],
                    spans[keep],
                    np.full((int(keep.sum()), 2), (_NOISE, -1), dtype=np.int64),
                    code[keep],
                    np.full(int(keep.sum()), -1, dtype=np.int64),
                ]
            )
        )
    lo, hi = int(plan.doc_offsets[first_doc]), int(plan.doc_offsets[first_doc + n])
    doc = np.repeat(np.arange(n, dtype=np.int64), np.diff(plan.doc_offsets[first_doc : first_doc + n + 1]))
    start, end = plan.start[lo:hi].astype(np.int64), plan.end[lo:hi].astype(np.int64)  # copies
    rows = np.flatnonzero(plan.to_lines[lo:hi])  # grown to whole lines, with the text at hand
    start[rows], end[rows] = expand_spans_to_lines(texts, doc[rows], start[rows], end[rows])
    planned = (doc, start, end, plan.reason[lo:hi], plan.ref[lo:hi], plan.kind[lo:hi], plan.held_by[lo:hi])
    parts.append(np.column_stack(planned).astype(np.int64))
    return np.concatenate(parts).reshape(-1, 7), kinds


def apply_plan(texts: Sequence[str], plan: CleanPlan, first_doc: int = 0) -> list[Cleaned]:
    """Clean consecutive documents of a planned collection.

    Parameters
    ----------
    texts : sequence of str
        Documents ``first_doc .. first_doc + len(texts) - 1`` of the collection planned.
    plan : CleanPlan
    first_doc : int

    Returns
    -------
    list of Cleaned
        One per text; whatever the batches, the same as applying the plan to all at once.

    Notes
    -----
    The cuts of the whole batch are resolved at once (:func:`dedup.removals.resolve_many`):
    what stays per cut is growing a cut to whole lines and cutting the text.
    """
    if first_doc < 0 or first_doc + len(texts) > plan.n_docs:
        raise ValueError(f"documents {first_doc}..{first_doc + len(texts) - 1} are not in a plan of {plan.n_docs}")
    cuts, kinds = _batch_cuts(texts, plan, first_doc)
    # Each cut's (reason, ref, kind, held_by); ref and held_by -1 for None, so shifted to pack into one key.
    shift = np.array([0, 1, 0, 1], dtype=np.int64)
    labels, label = unique_rows(cuts[:, 3:] + shift)
    labels -= shift
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    passage = cuts[:, 5] == (kinds.index("passage") if "passage" in kinds else -1)
    doc, start, end, owner = resolve_many(
        lengths, cuts[:, 0], cuts[:, 1], cuts[:, 2], strengths(cuts[:, 3], passage), label
    )
    bounds = np.searchsorted(doc, np.arange(len(texts) + 1)).tolist()
    named = [
        (REASONS[reason], None if ref < 0 else ref, kinds[kind], None if held < 0 else plan.holders[held])
        for reason, ref, kind, held in labels.tolist()
    ]
    rows = list(zip(start.tolist(), end.tolist(), map(named.__getitem__, owner.tolist())))
    return [cut_spans(text, rows[a:b]) for text, a, b in zip(texts, bounds[:-1], bounds[1:])]
