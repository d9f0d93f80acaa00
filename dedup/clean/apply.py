"""Phase 3, batch by batch again: inline noise and the planned cuts, resolved and cut out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..normalize import noise_spans_many
from ..removals import Cleaned, Cut, apply_cuts, resolve
from .plan import CleanPlan


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
    """
    if first_doc < 0 or first_doc + len(texts) > plan.n_docs:
        raise ValueError(f"documents {first_doc}..{first_doc + len(texts) - 1} are not in a plan of {plan.n_docs}")
    cuts: list[list[Cut]] = [[] for _ in texts]
    if plan.remove_noise:
        spans, offsets, kinds = noise_spans_many(texts)
        doc_of_span = np.repeat(np.arange(len(texts)), np.diff(offsets)).tolist()
        for doc, (s, e), kind in zip(doc_of_span, spans.tolist(), kinds):
            cuts[doc].append(Cut(s, e, "noise", None, kind))
    cleaned = []
    for i, (text, doc_cuts) in enumerate(zip(texts, cuts)):
        doc_cuts.extend(plan.cuts(first_doc + i, text))
        cleaned.append(apply_cuts(text, resolve(len(text), doc_cuts)))
    return cleaned
