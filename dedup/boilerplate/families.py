"""Families of lines: keys recurring across documents or within one, slot skeletons, and the
document families (near-duplicate documents) within which recurrence does not count."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..arrays import (
    concat_ranges,
    dense_ids,
    distinct_strings,
    group_ids,
    group_medians,
    numbered,
    rows_sharing,
    sorted_groups,
    sorted_unique,
    stable_order,
    to_codepoints,
)
from ..cluster import connected_components
from ..lines import LineTable
from ..store import take
from ..webpage.base import in_cjk_ranges
from .base import CONTENT, KIND, BoilerplateOptions, Families, kind_names


def _doc_frequency(keys: np.ndarray, doc: np.ndarray) -> np.ndarray:
    """Number of distinct documents each line's key occurs in: int64 ``[m]`` (``keys``: 64-bit integers ``[m]``).

    A key no other line holds is in one document; only the others are sorted, when the kernel finds them."""
    out = np.ones(keys.size, dtype=np.int64)
    rows = rows_sharing(keys, max(keys.size, 1))
    order = rows[stable_order(keys[rows], doc[rows])]
    k, d = keys[order], doc[order]
    new_key = np.concatenate(([True], k[1:] != k[:-1]))
    new_doc = new_key | np.concatenate(([True], d[1:] != d[:-1]))
    key_id = np.cumsum(new_key) - 1
    out[order] = np.bincount(key_id, weights=new_doc).astype(np.int64)[key_id]
    return out


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


def _gram_ids(views: Sequence[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """The character ``n``-grams of every view, as dense ids (equal grams, equal ids; a view shorter than ``n`` is
    its one gram): how many each view has (int64 ``[len(views)]``) and the ids, view by view (int64 ``[k]``).

    Characters become their rank among the characters present, and every view is followed by ``n`` ranks past
    them, so a gram is ``n`` consecutive ranks of one array and its ``n`` ranks one integer, made for every
    position in place (a view shorter than ``n``, even empty, is padded by those ranks). The ids number the
    distinct grams in the order of their ranks, as a sort of the ``n`` columns would; a text of more distinct
    characters than ``n`` ranks can pack into 62 bits (about 46,000 for ``n = 4``) is numbered from the columns.
    """
    lengths = np.fromiter(map(len, views), dtype=np.int64, count=len(views))
    counts = np.maximum(lengths - n + 1, 1)
    if not counts.size:
        return counts, counts
    cps = to_codepoints("".join(views))
    present = np.zeros(0x110000, dtype=bool)
    present[cps] = True
    chars = np.flatnonzero(present)
    rank = np.empty(present.size, dtype=np.int32)  # read only where a character is present (4.5 MB, not 8.9)
    rank[chars] = np.arange(chars.size, dtype=np.int32)
    radix = chars.size + 1  # the rank past every character's pads the views
    padded = np.insert(rank[cps], np.repeat(np.cumsum(lengths), n), np.int32(chars.size))
    at = concat_ranges(np.cumsum(lengths + n) - lengths - n, counts)  # each gram's first character
    if float(radix) ** n >= 2.0**62:
        return counts, dense_ids(*(padded[at + j].astype(np.int64) for j in range(n)))
    width = padded.size - n + 1
    key = padded[:width].astype(np.int64)
    for j in range(1, n):
        key *= radix
        key += padded[j : j + width]
    del padded
    key = key[at]
    order, new = sorted_groups(key)
    del key  # numbered while only the order is held: a crawl's grams run to tens of millions
    return counts, numbered(order, new)


def _shared_shares_many(
    views: Sequence[str], groups: np.ndarray, unit: np.ndarray, n: int = 4, max_members: int = 32
) -> np.ndarray:
    """Each member's share of character ``n``-grams that members of other groups of its unit also have, for many
    units (key families) at once: float64 ``[k]``.

    One template filled with different slots shares most of its n-grams; two different sentences
    that merely open (or close) alike share few. Members of the same group (reprints of one story)
    are not each other's evidence. In a unit, each distinct view counts once, with the group of its
    last copy, and the grams of its first ``max_members`` distinct views are the evidence; a view
    shorter than ``n`` is its one gram. Member ``i`` is ``views[i]`` of group ``groups[i]`` in unit
    ``unit[i]`` (int64 ``[k]``, groups non-negative; a unit's members consecutive and in order, units
    numbered in order). tests/test_boilerplate.py holds the definition with Python sets this equals.

    One sort of every (unit, gram, distinct view) row: a gram of a view is shared when the evidence of
    its unit holds it in a group other than the view's, that is, when the least or the greatest group
    holding it there is not the view's own.
    """
    k = len(views)
    if not k:
        return np.zeros(0)
    vid, distinct = distinct_strings(views)
    # One row per distinct view of a unit, in order of its first member; its group is its last member's.
    pair = dense_ids(unit, vid)
    order = np.argsort(pair, kind="stable")
    new = np.concatenate(([True], pair[order][1:] != pair[order][:-1]))
    first, last = order[new], order[np.append(np.flatnonzero(new)[1:] - 1, k - 1)]
    by_first = np.argsort(first, kind="stable")
    first, last = first[by_first], last[by_first]
    d_unit, d_view, d_group = unit[first], vid[first], groups[last]
    unit_start = np.searchsorted(d_unit, d_unit)
    evidence = np.arange(d_unit.size) - unit_start < max_members
    # Each distinct view's grams (repeats included), sorted by (unit, gram, view row).
    counts, gram_ids = _gram_ids(distinct, n)
    per_row = counts[d_view]
    rows = np.repeat(np.arange(d_unit.size), per_row)
    gram = gram_ids[concat_ranges((np.cumsum(counts) - counts)[d_view], per_row)]
    del gram_ids
    by, distinct = sorted_groups(d_unit[rows], gram, rows)
    # One array permuted at a time (a web crawl's rows run to tens of millions: each copy is their size).
    rows = rows[by]
    gram = gram[by]
    del by
    r_unit = d_unit[rows]
    # A (unit, gram) run: the least and greatest group of the evidence rows in it.
    new_run = np.concatenate(([True], (r_unit[1:] != r_unit[:-1]) | (gram[1:] != gram[:-1])))
    del r_unit, gram
    run_start = np.flatnonzero(new_run)
    run_sizes = np.diff(np.append(run_start, rows.size))
    del new_run
    group, held_in = d_group[rows], evidence[rows]
    least = np.repeat(np.minimum.reduceat(np.where(held_in, group, np.iinfo(np.int64).max), run_start), run_sizes)
    shared = least != group
    del least
    most = np.repeat(np.maximum.reduceat(np.where(held_in, group, -1), run_start), run_sizes)
    shared = (most >= 0) & (shared | (most != group))
    del most, group, held_in
    # Each distinct gram of a view once: its share of them.
    share = np.bincount(rows[distinct], weights=shared[distinct], minlength=d_unit.size) / np.bincount(
        rows[distinct], minlength=d_unit.size
    )
    # back to the members: the share of their unit's distinct view
    where = np.empty(k, dtype=np.int64)
    where[order] = np.cumsum(new) - 1
    of_pair = np.empty(d_unit.size, dtype=np.int64)
    of_pair[by_first] = np.arange(d_unit.size)
    return share[of_pair[where]]


#: Characters of the members' views whose shares one sort measures (a unit is never split): its rows, grams and
#: their orders — 8 bytes a gram each, half a dozen at once — are bounded by this, not by the collection.
SHARES_CHARS = 1 << 18


#: The n-grams whose shares say a unit's members are variants of one skeleton: 4 characters of a script whose
#: characters are words or syllables (Han, kana, Hangul), :data:`NARROW_GRAM` of any other (Latin, Cyrillic, Arabic,
#: Indic…), whose 4 letters are common to most texts of a language (see :func:`unit_grams`).
WIDE_GRAM, NARROW_GRAM = 4, 6


def unit_grams(views: Sequence[str], bounds: np.ndarray) -> np.ndarray:
    """The n-gram size of each unit's shares (int64 ``[units]``; unit ``i``: ``views[bounds[i]:bounds[i + 1]]``):
    :data:`WIDE_GRAM` when half its characters or more are of a wide script (Han, kana, Hangul and their
    radicals: :func:`dedup.webpage.base.in_cjk_ranges`), else
    :data:`NARROW_GRAM`.

    A view drops spaces and case, so 4 of its letters are a piece of a word: a paragraph of an English or a Russian
    web page shares a median third of its 4-grams with 32 random others of its language (a Russian one half or more in
    15 % of cases), a Chinese one none; of 6-grams a twentieth to a tenth. Read on 4-grams, paragraphs of German,
    French or Russian that opened or ended alike (a dateline, a sentence-final verb) were taken for a template's
    variants, the more often the more documents a call held."""
    lengths = np.fromiter(map(len, views), dtype=np.int64, count=len(views))
    starts = bounds[:-1]
    if not lengths.size:
        return np.full(starts.size, WIDE_GRAM, dtype=np.int64)
    chars = np.add.reduceat(lengths, starts)
    wide_chars = np.add.reduceat(_wide_chars(views, lengths), starts)
    wide_chars[np.diff(bounds) == 0] = 0
    return np.where(2 * wide_chars >= chars, WIDE_GRAM, NARROW_GRAM).astype(np.int64)


def _wide_chars(views: Sequence[str], lengths: np.ndarray, chunk: int = 1 << 20) -> np.ndarray:
    """int64 ``[len(views)]``: each view's characters of a wide script (:func:`unit_grams`), read about ``chunk``
    characters of views at a time (the per-character arrays of the 916 web pages' shared lines at once were 20 MB of
    a Ray driver's peak)."""
    out = np.zeros(lengths.size, dtype=np.int64)
    ends = np.cumsum(lengths)
    cuts = np.searchsorted(ends, np.arange(chunk, int(ends[-1]), chunk), side="right")
    wide_table = in_cjk_ranges()
    for lo, hi in zip([0, *cuts.tolist()], [*cuts.tolist(), lengths.size]):
        some = np.flatnonzero(lengths[lo:hi])  # views with characters (reduceat counts an empty one's next)
        if lo == hi or not some.size:
            continue
        wide = wide_table[to_codepoints("".join(views[lo:hi]))]
        firsts = (ends[lo:hi] - lengths[lo:hi] - (ends[lo - 1] if lo else 0))[some]
        out[lo + some] = np.add.reduceat(wide, firsts, dtype=np.int64)
    return out


def _shares_in_chunks(
    views: Sequence[str], groups: np.ndarray, bounds: np.ndarray, budget: int = SHARES_CHARS
) -> np.ndarray:
    """:func:`_shared_shares_many` of units of consecutive members (unit ``i``: members ``bounds[i]:bounds[i + 1]``,
    int64 ``[units + 1]``), each on the n-grams of its script (:func:`unit_grams`), a run of units of about ``budget``
    characters at a time: the same shares, since a unit's depend on nothing else (float64 ``[len(views)]``). On the
    916 web pages in one call, on a Ray driver, the whole collection's sort was 48 MB of the plan's 146 MB peak."""
    sizes = np.diff(bounds)
    if not sizes.size:
        return np.zeros(0)
    grams = unit_grams(views, bounds)
    if (grams == grams[0]).all():
        return _shares_of_units(views, groups, bounds, budget, int(grams[0]))
    out = np.zeros(len(views))
    for n in np.unique(grams).tolist():
        units = np.flatnonzero(grams == n)
        members = concat_ranges(bounds[units], sizes[units])
        some = np.concatenate(([0], np.cumsum(sizes[units])))
        out[members] = _shares_of_units([views[i] for i in members.tolist()], groups[members], some, budget, n)
    return out


def _shares_of_units(views: Sequence[str], groups: np.ndarray, bounds: np.ndarray, budget: int, n: int) -> np.ndarray:
    """:func:`_shares_in_chunks` of units whose shares are all read on ``n``-grams."""
    sizes = np.diff(bounds)
    chars = np.fromiter(map(len, views), dtype=np.int64, count=len(views))
    unit_chars = np.add.reduceat(chars, bounds[:-1]) if chars.size else np.zeros(sizes.size, dtype=np.int64)
    chunk = (np.cumsum(unit_chars) - unit_chars) // max(budget, 1)  # non-decreasing: runs of whole units
    firsts = np.flatnonzero(np.concatenate(([True], chunk[1:] != chunk[:-1])))
    parts = []
    for a, b in zip(firsts.tolist(), [*firsts[1:].tolist(), sizes.size]):
        lo, hi = int(bounds[a]), int(bounds[b])
        parts.append(_shared_shares_many(views[lo:hi], groups[lo:hi], np.repeat(np.arange(b - a), sizes[a:b]), n))
    return np.concatenate(parts)


#: Shares of n-grams (:func:`_shared_shares_many`) of units already measured, by their members' views and groups.
SharesMemo = dict[tuple[tuple[str, ...], bytes], np.ndarray]


def units_shares(
    views: Sequence[str], groups: np.ndarray, bounds: np.ndarray, memo: SharesMemo | None = None
) -> np.ndarray:
    """:func:`_shared_shares_many` of units of consecutive members: unit ``i`` is members
    ``bounds[i]:bounds[i + 1]`` (int64 ``[units + 1]``, no unit empty); float64 ``[len(views)]``.

    With ``memo``, units it holds (the same views of the same groups, in the same order) are taken from it and the
    others measured and added: the second family pass of a collection leaves most units of the first as they were.
    A unit's shares depend on nothing else (the group ids stand for themselves, a family being named by its first
    document), so a memo serves any classification of the same lines.
    """
    sizes = np.diff(bounds)
    if memo is None:
        return _shares_in_chunks(views, groups, bounds)
    keys = [(tuple(views[lo:hi]), groups[lo:hi].tobytes()) for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist())]
    missing = np.array([i for i, key in enumerate(keys) if key not in memo], dtype=np.int64)
    if missing.size:
        members = concat_ranges(bounds[missing], sizes[missing])
        made_bounds = np.concatenate(([0], np.cumsum(sizes[missing])))
        made = _shares_in_chunks([views[i] for i in members.tolist()], groups[members], made_bounds)
        made_bounds = made_bounds.tolist()
        for i, lo, hi in zip(missing.tolist(), made_bounds[:-1], made_bounds[1:]):
            memo[keys[i]] = made[lo:hi]
    return np.concatenate([memo[key] for key in keys]) if keys else np.zeros(0)


LIST_PREFIX = 3  # a numbered list's item has a number's slot among its first characters


def numbered_items(table: LineTable, rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` (int64 ``[k]``) are items of a numbered list whose numbers stand in the same words — a
    chapter list (第0章…, 0.第0章…, 第0回…): bool ``[k]``. An item's masked view (without punctuation) holds a
    number's slot among its first :data:`LIST_PREFIX` characters and opens, up to the character after that slot, as
    the line before or after it in its document does (``第0章``, ``0第``). The entries of a ranking (``0菜篮子…``,
    ``0加拿大…``) differ there: a title it prints twice under two ranks stays a template's member."""
    near = sorted_unique(np.concatenate([rows - 1, rows, rows + 1]))
    near = near[(near >= 0) & (near < len(table))]
    heads = {row: _item_head(view) for row, view in zip(near.tolist(), take(table.masked_views, near))}
    doc = table.doc
    out = np.zeros(rows.size, dtype=bool)
    for i, row in enumerate(rows.tolist()):
        head = heads[row]
        if head is None:
            continue
        out[i] = any(other in heads and doc[other] == doc[row] and heads[other] == head for other in (row - 1, row + 1))
    return out


def _item_head(masked_view: str) -> str | None:
    """A masked view up to the character after its first number's slot, if that slot is among its first
    :data:`LIST_PREFIX` characters and a character follows it; else None."""
    slot = masked_view.find("0", 0, LIST_PREFIX)
    return masked_view[: slot + 2] if 0 <= slot < len(masked_view) - 1 else None


def _families(
    table: LineTable,
    key: np.ndarray,
    mask: np.ndarray,
    options: BoilerplateOptions,
    by_doc: bool,
    line_family: np.ndarray | None = None,
    shares: SharesMemo | None = None,
) -> np.ndarray:
    """Lines of ``mask`` in key families (per document if ``by_doc``) of 2+ lines that are variants of one skeleton.

    Variants differ in their exact text; identical lines are recurrence, not a template.
    ``line_family`` (int64 ``[m]``, each line's document family) and ``shares`` (see :func:`units_shares`) are
    read across families only.
    """
    chosen = np.zeros(len(table), dtype=bool)
    idx = np.flatnonzero(mask)
    if idx.size < 2:
        return chosen
    group = group_ids(key[idx], table.doc[idx]) if by_doc else group_ids(key[idx])
    order = np.argsort(group, kind="stable")  # members of a group stay in line order
    sorted_group, sorted_lines = group[order], idx[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_group[1:] != sorted_group[:-1])))
    ends = np.append(starts[1:], order.size)
    # Per group, at once: its exact keys differ (variants, not copies); within a document, its
    # members are apart (a template recurs between stretches of content; lines on adjacent rows
    # with the same shape are a table); one masked key settles it, more leave it to the views.
    exact, masked = table.exact[sorted_lines], table.masked[sorted_lines]
    variants = np.maximum.reduceat(exact, starts) != np.minimum.reduceat(exact, starts)
    apart = np.ones(starts.size, dtype=bool)
    if by_doc:
        close = np.flatnonzero((np.diff(sorted_lines) <= 1) & (sorted_group[1:] == sorted_group[:-1]))
        apart[np.searchsorted(starts, close, side="right") - 1] = False
    one_mask = np.maximum.reduceat(masked, starts) == np.minimum.reduceat(masked, starts)
    kept = (ends - starts >= 2) & variants & apart
    if by_doc and kept.any():
        # Members that are items of a chapter list (numbered_items) share their skeleton with other items by chance
        # (第14章 风暴 and 第1214章 风暴): a template needs two members outside such lists.
        members = concat_ranges(starts[kept], (ends - starts)[kept])
        itemised = numbered_items(table, sorted_lines[members])
        outside = np.bincount(np.searchsorted(starts, members, side="right") - 1, ~itemised, minlength=starts.size)
        kept &= outside >= 2
    settled = kept & one_mask
    chosen[sorted_lines[concat_ranges(starts[settled], (ends - starts)[settled])]] = True
    shaped = kept & ~one_mask  # groups whose shape decides: their views are read at once
    if not shaped.any():
        return chosen
    sizes = (ends - starts)[shaped]
    lines = sorted_lines[concat_ranges(starts[shaped], sizes)]
    all_views = take(table.masked_views, lines)
    bounds = np.concatenate(([0], np.cumsum(sizes)))
    if by_doc:
        for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
            if _enclosed_slots(all_views[lo:hi], options.min_skeleton):
                chosen[lines[lo:hi]] = True
        return chosen
    # Across families the members' median share of n-grams held by other families decides
    # (every member counted, copies included); a member over twice the family's median length
    # must hold that share itself: a long paragraph that merely ends like a recurring link
    # title is no variant of it. A shorter member must hold half of it: a sentence of its own
    # that ends alike ("... mock out AWS Services.") is none either.
    assert line_family is not None, "families across documents need the lines' families"
    all_shares = units_shares(all_views, line_family[lines], bounds, shares)
    all_lengths = np.fromiter(map(len, all_views), dtype=np.int64, count=len(all_views))
    unit = np.repeat(np.arange(sizes.size), sizes)
    decided = (group_medians(all_shares, bounds) >= options.min_skeleton)[unit]
    short = all_lengths <= 2 * group_medians(all_lengths.astype(np.float64), bounds)[unit]
    holds = (all_shares >= options.min_skeleton) | (short & (all_shares >= options.min_skeleton / 2))
    chosen[lines[decided & holds]] = True
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
    chosen = np.flatnonzero(kind != CONTENT)
    if not chosen.size:
        return chosen, np.zeros(0, dtype=np.int64)
    chosen_kind = kind[chosen]
    furniture = (chosen_kind == KIND["page-number"]) | (chosen_kind == KIND["running-head"])
    group_key = np.where(furniture, np.uint64(0), table.exact[chosen])
    templates = chosen_kind == KIND["template"]
    if templates.any():
        linked = _linked_by_keys(chosen[templates], table.masked, table.head, table.tail)
        group_key[templates] = table.exact[chosen[templates]][linked]  # a component's first member names it
    group = group_ids(chosen_kind.astype(np.uint64), group_key)
    first_line = np.full(group.max() + 1, np.iinfo(np.int64).max)
    np.minimum.at(first_line, group, chosen)
    rank = np.empty(first_line.size, dtype=np.int64)
    rank[np.argsort(first_line, kind="stable")] = np.arange(first_line.size)
    family = rank[group]
    by_family = np.argsort(family, kind="stable")  # chosen is in table order already
    return chosen[by_family], family[by_family]


def boilerplate_families(
    table: LineTable, kind: np.ndarray, rows: tuple[np.ndarray, np.ndarray] | None = None
) -> Families:
    """Group classified lines into :class:`Boilerplate` families (held as :class:`Families`, arrays).

    Page numbers form one family and running heads another; recurring lines and
    markers group by their matching view; template lines by any key they share
    (masked view, head or tail), so one template with different slot fillings is
    one family. ``rows``: :func:`family_rows` of the same arguments, when the caller has it.
    """
    members, family = family_rows(table, kind) if rows is None else rows
    bounds = np.searchsorted(family, np.arange(int(family[-1]) + 2 if family.size else 1))
    spans = np.stack([table.doc[members], table.start[members], table.end[members]], axis=1)
    firsts = members[bounds[:-1]]
    examples = take(table.texts, firsts)  # one a family, read in bulk (on disk, on Ray)
    names, codes = np.unique(kind_names(kind[firsts]), return_inverse=True)
    return Families(names.tolist(), codes.reshape(-1), bounds, spans, examples)
