"""Families of lines: keys recurring across documents or within one, slot skeletons, and the
document families (near-duplicate documents) within which recurrence does not count."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import chain

import numpy as np

from ..cluster import connected_components
from ..lines import LineTable
from ..spans import Span
from ..store import take
from .base import Boilerplate, BoilerplateOptions


def _doc_frequency(keys: np.ndarray, doc: np.ndarray) -> np.ndarray:
    """Number of distinct documents each line's key occurs in: int64 ``[m]``."""
    order = np.lexsort((doc, keys))
    k, d = keys[order], doc[order]
    new_key = np.concatenate(([True], k[1:] != k[:-1]))
    new_doc = new_key | np.concatenate(([True], d[1:] != d[:-1]))
    key_id = np.cumsum(new_key) - 1
    per_key = np.bincount(key_id, weights=new_doc).astype(np.int64)
    out = np.empty(keys.size, dtype=np.int64)
    out[order] = per_key[key_id]
    return out


def _group_ids(*columns: np.ndarray) -> np.ndarray:
    """Dense id of each row's combination of column values: int64 ``[m]``."""
    if not columns[0].size:
        return np.empty(0, dtype=np.int64)
    order = np.lexsort(columns[::-1])
    new = np.zeros(order.size, dtype=bool)
    new[0] = True
    for column in columns:
        c = column[order]
        new[1:] |= c[1:] != c[:-1]
    ids = np.empty(order.size, dtype=np.int64)
    ids[order] = np.cumsum(new) - 1
    return ids


def _common_prefix(strings: Sequence[str]) -> int:
    """Length of the prefix all strings share."""
    first, last = min(strings), max(strings)
    n = 0
    for a, b in zip(first, last):
        if a != b:
            break
        n += 1
    return n


def _enclosed_slots(views: Sequence[str], min_skeleton: float, min_end: int = 4) -> bool:
    """Whether the members differ only between a shared head and a shared tail.

    Fixed text on both sides of the slot, together covering ``min_skeleton`` of the
    longest member: ``…的会员“{name}”为你整理了这篇{title}范文，希望…``, not two
    sentences that merely open alike.
    """
    head = _common_prefix(views)
    tail = _common_prefix([v[::-1] for v in views])
    longest = max(map(len, views))
    return head >= min_end and tail >= min_end and head + tail >= min_skeleton * longest


def _shared_shares(views: Sequence[str], groups: Sequence[int], n: int = 4, max_members: int = 32) -> np.ndarray:
    """float64 ``[len(views)]``: each member's share of character n-grams that members of other groups also have.

    One template filled with different slots shares most of its n-grams; two different
    sentences that merely open (or close) alike share few. Members of the same group
    (reprints of one story) do not count as each other's evidence. Each distinct view counts
    once, with the group of its last copy; the grams of the first ``max_members`` distinct
    views are the evidence.
    """
    firsts = dict(zip(views, groups))  # one member per distinct view
    grams = {v: {v[i : i + n] for i in range(len(v) - n + 1)} or {v} for v in firsts}
    of_group: dict[int, set[str]] = {}
    for v, g in list(firsts.items())[:max_members]:
        of_group.setdefault(g, set()).update(grams[v])
    held = Counter(chain.from_iterable(of_group.values()))  # in how many groups each gram is
    share: dict[str, float] = {}
    for v, g in firsts.items():
        own = of_group.get(g, set())
        share[v] = sum(held[gram] - (gram in own) >= 1 for gram in grams[v]) / len(grams[v])
    return np.array([share[v] for v in views])


def _families(
    table: LineTable,
    key: np.ndarray,
    mask: np.ndarray,
    options: BoilerplateOptions,
    by_doc: bool,
    line_family: np.ndarray | None = None,
) -> np.ndarray:
    """Lines of ``mask`` in key families (per document if ``by_doc``) of 2+ lines that are variants of one skeleton.

    Variants differ in their exact text; identical lines are recurrence, not a template.
    ``line_family`` (int64 ``[m]``, each line's document family) is read across families only.
    """
    chosen = np.zeros(len(table), dtype=bool)
    idx = np.flatnonzero(mask)
    if idx.size < 2:
        return chosen
    group = _group_ids(key[idx], table.doc[idx]) if by_doc else _group_ids(key[idx])
    order = np.argsort(group, kind="stable")  # members of a group stay in line order
    sorted_group, sorted_lines = group[order], idx[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_group[1:] != sorted_group[:-1])))
    ends = np.append(starts[1:], order.size)
    multi = ends - starts >= 2
    undecided: list[np.ndarray] = []  # groups whose shape decides: their views are read at once
    for lo, hi in zip(starts[multi].tolist(), ends[multi].tolist()):
        members = sorted_lines[lo:hi]
        exact_variants = len(set(table.exact[members].tolist())) >= 2
        # Within a document, a template recurs between stretches of content; lines
        # on adjacent rows with the same shape are a table.
        apart = not by_doc or bool(np.all(np.diff(members) > 1))
        if not (exact_variants and apart):
            continue
        if len(set(table.masked[members].tolist())) == 1:
            chosen[members] = True
        else:
            undecided.append(members)
    if not undecided:
        return chosen
    all_views = take(table.masked_views, np.concatenate(undecided))
    bounds = np.cumsum([0] + [m.size for m in undecided]).tolist()
    for members, lo, hi in zip(undecided, bounds[:-1], bounds[1:]):
        views = all_views[lo:hi]
        if by_doc:
            if _enclosed_slots(views, options.min_skeleton):
                chosen[members] = True
            continue
        # Across families the members' median share of n-grams held by other families decides
        # (every member counted, copies included); a member over twice the family's median length
        # must hold that share itself: a long paragraph that merely ends like a recurring link
        # title is no variant of it.
        assert line_family is not None, "families across documents need the lines' families"
        shares = _shared_shares(views, line_family[members].tolist())
        if np.median(shares) >= options.min_skeleton:
            lengths = np.fromiter(map(len, views), dtype=np.int64, count=len(views))
            chosen[members[(shares >= options.min_skeleton) | (lengths <= 2 * np.median(lengths))]] = True
    return chosen


def _linked_by_keys(lines: np.ndarray, *keys: np.ndarray) -> np.ndarray:
    """Components of ``lines`` linked by sharing any non-zero key: int64 ``[len(lines)]``."""
    edges = []
    for key in keys:
        k = key[lines]
        order = np.argsort(k, kind="stable")
        sorted_k = k[order]
        same = (sorted_k[1:] == sorted_k[:-1]) & (sorted_k[1:] != 0)
        edges.append(np.stack([order[:-1][same], order[1:][same]], axis=1))
    return connected_components(lines.size, np.concatenate(edges))


def family_rows(table: LineTable, kind: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The classified lines of ``table`` grouped into :func:`boilerplate_families` families.

    Returns
    -------
    rows : np.ndarray
        int64 ``[k]``: the table rows of every line with a kind, family by family (families
        in order of their first line, each family's lines in table order).
    family : np.ndarray
        int64 ``[k]``: each row's family id (non-decreasing).
    """
    chosen = np.flatnonzero(kind != "")
    if not chosen.size:
        return chosen, np.zeros(0, dtype=np.int64)
    chosen_kind = kind[chosen]
    group_key = np.where(np.isin(chosen_kind, ["page-number", "running-head"]), np.uint64(0), table.exact[chosen])
    templates = chosen_kind == "template"
    if templates.any():
        linked = _linked_by_keys(chosen[templates], table.masked, table.head, table.tail)
        group_key[templates] = table.exact[chosen[templates]][linked]  # a component's first member names it
    kind_code = np.unique(chosen_kind, return_inverse=True)[1].astype(np.uint64)
    group = _group_ids(kind_code, group_key)
    first_line = np.full(group.max() + 1, np.iinfo(np.int64).max)
    np.minimum.at(first_line, group, chosen)
    rank = np.empty(first_line.size, dtype=np.int64)
    rank[np.argsort(first_line, kind="stable")] = np.arange(first_line.size)
    family = rank[group]
    by_family = np.argsort(family, kind="stable")  # chosen is in table order already
    return chosen[by_family], family[by_family]


def boilerplate_families(
    table: LineTable, kind: np.ndarray, rows: tuple[np.ndarray, np.ndarray] | None = None
) -> list[Boilerplate]:
    """Group classified lines into :class:`Boilerplate` families.

    Page numbers form one family and running heads another; recurring lines and
    markers group by their matching view; template lines by any key they share
    (masked view, head or tail), so one template with different slot fillings is
    one family. ``rows``: :func:`family_rows` of the same arguments, when the caller has it.
    """
    members, family = family_rows(table, kind) if rows is None else rows
    bounds = np.searchsorted(family, np.arange(int(family[-1]) + 2 if family.size else 0))
    doc, start, end = table.doc[members].tolist(), table.start[members].tolist(), table.end[members].tolist()
    out = []
    for new_id, (lo, hi) in enumerate(zip(bounds[:-1].tolist(), bounds[1:].tolist())):
        first = int(members[lo])
        spans = tuple(Span(doc[i], start[i], end[i]) for i in range(lo, hi))
        out.append(Boilerplate(new_id, str(kind[first]), spans, table.texts[first]))
    return out
