"""Lines that recur because their documents overlap (excerpts of one text cut at different points), not as
boilerplate: the exemptions :func:`dedup.boilerplate.classify.collection_kinds` makes from the lines that recur across
families."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ..arrays import group_ids
from ..cluster import connected_components
from ..linemarks import _CLOSERS
from ..lines import LineTable
from ..segment.chars import OTHER_SCRIPT_ENDS
from ..store import take


def _overlap_context(
    table: LineTable, keys: np.ndarray, candidates: np.ndarray, recurring: np.ndarray, share: float = 0.5
) -> np.ndarray:
    """Candidate lines that recur because their documents overlap, not as boilerplate: bool ``[m]``.

    A line recurring across families sits, in each document, next to other text. Where the
    documents are excerpts of one text cut at different points, that neighbour is the same
    paragraph, whole or cut: its last (or first) characters are the same next to every
    occurrence. A site's header or footer sits next to a different story on every page.
    Neighbours that recur across families themselves (the next line of a two-line header,
    a dateline template) say nothing and are skipped. The neighbours must be one paragraph
    cut at different points (:func:`_cut_copies`): the same whole line next to every
    occurrence is a site's own furniture, recurring too rarely to be a candidate, and lines
    that only share a masked head or tail are a template with its slots filled.

    Parameters
    ----------
    keys : np.ndarray
        uint64 ``[m]``, the key the candidates recur by.
    candidates : np.ndarray
        bool ``[m]``, the lines that recur across families by that key.
    recurring : np.ndarray
        bool ``[m]``, the lines that are no neighbour: every line that recurs across
        families by its view or masked view, and the candidates of a masked key.
    share : float
        Share of a key's occurrences with a non-candidate neighbour on that side that must
        have the same neighbouring text (at least two of them).

    Returns
    -------
    np.ndarray
        bool ``[m]``: the candidates whose key has such a shared neighbour, before or after.
    """
    out = np.zeros(len(table), dtype=bool)
    rows = np.flatnonzero(candidates)
    if not rows.size:
        return out
    key_id = group_ids(keys[rows])
    before, after = (
        _same_neighbour(table, rows, key_id, step, affix, share, recurring)
        for step, affix in ((-1, table.tail), (1, table.head))
    )
    out[rows] = before | after
    return out


def _same_neighbour(
    table: LineTable,
    rows: np.ndarray,
    key_id: np.ndarray,
    step: int,
    affix: np.ndarray,
    share: float,
    exclude: np.ndarray,
) -> np.ndarray:
    """For each of ``rows``: whether its key's occurrences mostly have the same neighbour on the ``step`` side.

    The neighbour is the nearest line on that side that is not in ``exclude``, in the same
    document, so a run of recurring lines is judged by the text around the run. It is
    known by its ``affix`` (its first or last masked characters, which a copy cut short on
    the far side keeps), a line too short for one by its whole view. bool ``[len(rows)]``.
    """
    other, valid = _beside(table, rows, step, exclude)
    if not valid.size:
        return np.zeros(rows.size, dtype=bool)
    beside = other[valid]
    with_context = np.bincount(key_id[valid], minlength=key_id.max() + 1)
    keys, lines = key_id[valid], table.exact[beside]
    contexts = np.where(affix[beside] != 0, affix[beside], lines)
    pair_id = group_ids(keys, contexts)
    count = np.bincount(pair_id)
    # The shared neighbour must be cut differently somewhere (a partial paragraph next to
    # some copies, the whole one next to others): the same line next to every copy is a
    # site's template, however rare.
    line_id = group_ids(keys, contexts, lines)
    pair_of_line = np.zeros(line_id.max() + 1, dtype=np.int64)
    pair_of_line[line_id] = pair_id
    distinct = np.bincount(pair_of_line, minlength=count.size)
    key_of_pair = np.zeros(count.size, dtype=np.int64)
    key_of_pair[pair_id] = keys
    qualifies = (count >= 2) & (distinct >= 2) & (count >= share * with_context[key_of_pair])
    if qualifies.any():
        qualifies &= _cut_copies(table.views, beside, line_id, pair_of_line, qualifies, step)
    shared = np.zeros(with_context.size, dtype=bool)
    shared[key_of_pair[qualifies]] = True
    return shared[key_id]


#: View characters of a line of prose (:func:`_cut_at_edges`, :func:`_quoted`): as many as a paragraph of its own
#: (``PassageOptions.min_chars``).
EXCERPT_CHARS = 20
# What ends a paragraph of prose, closing quotes and brackets aside (the Latin full stop too: a paragraph's last
# character, not a sentence's end inside a line, where it may end an abbreviation).
_PROSE_END = re.compile(f"[。！？!?.…{OTHER_SCRIPT_ENDS}]")
# A note in brackets after a paragraph's last sentence: a photo's credit (（新华社记者 张三摄）), an agency ((Reuters)).
_TRAILING_NOTE = re.compile(r"[（(][^（()）]{1,30}[）)]\s*$")


def _ends_prose(texts: Sequence[str]) -> np.ndarray:
    """bool ``[len(texts)]``: whether each line ends as a paragraph of prose does (:data:`_PROSE_END`), a note in
    brackets after it aside (:data:`_TRAILING_NOTE`): ``下井作业。（宋振平摄）`` does, ``(Reuters)`` alone does not."""
    ends = [_TRAILING_NOTE.sub("", text.rstrip()).rstrip().rstrip(_CLOSERS)[-1:] for text in texts]
    return np.array([_PROSE_END.fullmatch(end) is not None for end in ends], bool)


def _long_candidates(table: LineTable, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Which lines are long enough for prose (bool ``[m]``: :data:`EXCERPT_CHARS` view characters), the long
    ``candidates`` (int64 ``[k]``, rows), their keys' numbers (int64 ``[k]``, by ``table.exact``) and how many."""
    long = table.view_len >= EXCERPT_CHARS
    rows = np.flatnonzero(candidates & long)
    key_id = group_ids(table.exact[rows]) if rows.size else np.zeros(0, dtype=np.int64)
    return long, rows, key_id, int(key_id.max(initial=-1)) + 1


def _prose_rows(table: LineTable, rows: np.ndarray) -> np.ndarray:
    """bool ``[m]``: which of ``rows`` (int64, any shape, repeats allowed) end as prose does (:func:`_ends_prose`);
    their texts are read once, a few rows (on Ray the texts stay in the object store)."""
    lines = np.unique(rows)
    prose = np.zeros(len(table), dtype=bool)
    prose[lines] = _ends_prose(take(table.texts, lines))
    return prose


def _beside(
    table: LineTable, rows: np.ndarray, step: int, skip: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The line ``step`` (-1 or 1) rows from each of ``rows`` (int64 ``[k]``), or the nearest on that side not in
    ``skip`` (bool ``[m]``; :func:`_nearest_included`), and which of ``rows`` have one in their document (int64
    indices into them, increasing)."""
    near = rows + step if skip is None else _nearest_included(skip, step)[rows]
    inside = (near >= 0) & (near < len(table))
    inside[inside] &= table.doc[near[inside]] == table.doc[rows[inside]]
    return near, np.flatnonzero(inside)


def _cut_at_edges(table: LineTable, candidates: np.ndarray, share: float = 0.5) -> np.ndarray:
    """Candidate lines that recur because their documents are excerpts of one text cut between its paragraphs:
    bool ``[m]``.

    :func:`_overlap_context` knows excerpts by a neighbouring paragraph cut at different points. Excerpts cut
    between paragraphs (a long text in overlapping windows, a story reprinted up to its k-th paragraph, each maybe
    in a site's header and footer) keep their neighbours whole, and those recur too. The cut shows on one side of a
    line instead: its copies mostly sit next to the same paragraph there, and at least one copy sits at its
    document's start or end, or next to a short line (a site's), the text cut at that point. Both the line and that
    paragraph must be prose: at least :data:`EXCERPT_CHARS` view characters, ending as a paragraph does
    (:func:`_ends_prose`). A site's template shows no such cut: its header opens the page in every copy, the line
    next to a line of it is the same in every copy or a story's, different in each; a list of links cut at
    different points (related headlines) is no prose. Occurrences of one key: ``table.exact``.

    Parameters
    ----------
    candidates : np.ndarray
        bool ``[m]``, the lines to judge (those that recur by their exact key).
    share : float
        Share of a key's occurrences that must sit next to the same paragraph on that side (at least two of them).

    Returns
    -------
    np.ndarray
        bool ``[m]``: the candidates whose key shows such a cut, before or after.
    """
    m = len(table)
    out = np.zeros(m, dtype=bool)
    long, rows, key_id, n_keys = _long_candidates(table, candidates)
    if not rows.size:
        return out
    occurrences = np.bincount(key_id, minlength=n_keys)
    first_row = np.full(n_keys, m, dtype=np.int64)
    np.minimum.at(first_row, key_id, rows)
    asked = []  # (key, its first row, the row of the paragraph its copies mostly sit next to) for each side
    for step in (-1, 1):
        near, beside = _beside(table, rows, step)
        beside = beside[long[near[beside]]]  # next to a long line; the others at an edge or next to a short line
        if not beside.size:
            continue
        key, neighbour = key_id[beside], near[beside]
        cut = occurrences - np.bincount(key, minlength=n_keys)
        # Each key's most frequent long neighbour on this side: how often it is there, and one of its rows.
        pair = group_ids(key, table.exact[neighbour])
        count = np.bincount(pair)[pair]
        by_count = np.lexsort((-count, key))
        first = by_count[np.concatenate(([True], key[by_count][1:] != key[by_count][:-1]))]
        key, most, neighbour = key[first], count[first], neighbour[first]
        keep = (cut[key] >= 1) & (most >= 2) & (most >= share * occurrences[key])
        asked.append(np.stack([key[keep], first_row[key[keep]], neighbour[keep]], axis=1))
    pairs = np.concatenate(asked) if asked else np.zeros((0, 3), dtype=np.int64)
    if not pairs.size:
        return out
    prose = _prose_rows(table, pairs[:, 1:])
    seeded = np.zeros(n_keys, dtype=bool)
    seeded[pairs[prose[pairs[:, 1]] & prose[pairs[:, 2]], 0]] = True
    out[rows] = seeded[key_id]
    return out


def _quoted(table: LineTable, candidates: np.ndarray, line_family: np.ndarray, recurring: np.ndarray) -> np.ndarray:
    """Candidate lines that recur because other texts quote them: bool ``[m]``.

    A paragraph of a speech or a statement, quoted in articles of other families, recurs with a different text
    around every copy: its long neighbours are never the same line in copies of two families, and somewhere it
    sits inside running text, a paragraph of prose on either side (a short line that recurs itself, the quote's
    introduction ``他在讲话中指出：`` or a share button, is stepped over). A site's long lines (a disclaimer after
    the article, a cookie notice, a form's instructions) sit next to the site's other lines — the same long line
    in every copy (an English notice under the Chinese one, the notice's next paragraph) — or at the text's end
    with furniture after it, never between two paragraphs of prose. Lines and neighbours of prose: at least
    :data:`EXCERPT_CHARS` view characters, ending as a paragraph does (:func:`_ends_prose`).

    Parameters
    ----------
    candidates : np.ndarray
        bool ``[m]``, the lines to judge (those that recur by their exact key).
    line_family : np.ndarray
        int64 ``[m]``, the family of each line's document.
    recurring : np.ndarray
        bool ``[m]``, the lines that recur across families (the short ones are stepped over).

    Returns
    -------
    np.ndarray
        bool ``[m]``: the candidates whose key is quoted so.
    """
    m = len(table)
    out = np.zeros(m, dtype=bool)
    long, rows, key_id, n_keys = _long_candidates(table, candidates)
    if not rows.size:
        return out
    between = np.ones(rows.size, dtype=bool)  # a long line on either side
    shared = np.zeros(n_keys, dtype=bool)  # a long neighbour that copies in two families have
    sides = []
    for step in (-1, 1):
        near, at = _beside(table, rows, step, recurring & ~long)
        at = at[long[near[at]]]
        beside = np.zeros(rows.size, dtype=bool)
        beside[at] = True
        between &= beside
        # (key, neighbour) pairs and the families holding each
        neighbour = table.exact[near[at]]
        first = np.unique(group_ids(key_id[at], neighbour, line_family[rows[at]]), return_index=True)[1]
        pair = group_ids(key_id[at][first], neighbour[first])
        key_of_pair = np.zeros(int(pair.max(initial=-1)) + 1, dtype=np.int64)
        key_of_pair[pair] = key_id[at][first]
        shared[key_of_pair[np.bincount(pair) >= 2]] = True
        sides.append(near)
    inner = np.flatnonzero(between & ~shared[key_id])
    if not inner.size:
        return out
    prose = _prose_rows(table, np.concatenate([rows[inner], sides[0][inner], sides[1][inner]]))
    inner = inner[prose[rows[inner]] & prose[sides[0][inner]] & prose[sides[1][inner]]]
    quoted = np.zeros(n_keys, dtype=bool)
    quoted[key_id[inner]] = True
    out[rows] = quoted[key_id]
    return out


def _nearest_included(exclude: np.ndarray, step: int) -> np.ndarray:
    """For each line, the nearest line ``step`` (-1 or 1) lines away or further that is not in ``exclude``.

    A run of recurring lines (the rows of a table, a three-line header) is judged by what
    sits around the whole run. int64 ``[m]``, -1 where there is none.
    """
    m = exclude.size
    index = np.where(exclude, -1 if step < 0 else m, np.arange(m))
    if step < 0:
        nearest = np.maximum.accumulate(np.concatenate(([-1], index[:-1])))
    else:
        nearest = np.minimum.accumulate(np.concatenate((index[1:], [m]))[::-1])[::-1]
    return np.where(nearest >= m, -1, nearest)


def _same_run(table: LineTable, lines: np.ndarray, seeds: np.ndarray, share: float = 0.3) -> np.ndarray:
    """Lines of ``lines`` that run, line after line, with a line of ``seeds``: bool ``[m]``.

    Two recurring lines are one run when, in most documents holding either, one follows
    the other (the rows of a table, the lines of a header). A run recurs as a whole: where
    one of its lines recurs because its documents overlap (``seeds``, judged by the text
    around it), so do the others, although the text around them is the run itself or a
    row cut at an excerpt's edge.
    """
    out = np.zeros(len(table), dtype=bool)
    if not seeds.any() or len(table) < 2:
        return out
    key_id = group_ids(table.exact)
    n_keys = int(key_id.max()) + 1
    follows = np.flatnonzero(lines[:-1] & lines[1:] & (table.doc[:-1] == table.doc[1:]))
    if not follows.size:
        return out
    first, second = key_id[follows], key_id[follows + 1]
    pair = group_ids(first, second)
    count = np.bincount(pair)
    with_next = np.bincount(first, minlength=n_keys)
    with_prev = np.bincount(second, minlength=n_keys)
    a = np.zeros(count.size, dtype=np.int64)
    b = np.zeros(count.size, dtype=np.int64)
    a[pair], b[pair] = first, second
    strong = (count >= 2) & (count >= share * with_next[a]) & (count >= share * with_prev[b])
    run = connected_components(n_keys, np.stack([a[strong], b[strong]], axis=1))
    seeded = np.zeros(n_keys, dtype=bool)
    seeded[run[key_id[seeds]]] = True
    return lines & seeded[run[key_id]]


def _cut_copies(
    views: Sequence[str],
    neighbour: np.ndarray,
    line_id: np.ndarray,
    pair_of_line: np.ndarray,
    asked: np.ndarray,
    step: int,
) -> np.ndarray:
    """Which asked groups of neighbouring lines are one paragraph cut at different points.

    Before a line (``step`` -1) a copy cut short keeps the paragraph's end, so every
    distinct neighbour of the group must end the longest one; after it (``step`` 1) they
    must begin it. Lines that merely share a masked head or tail (a template with a date
    or a name filled in) are not cut copies.

    Parameters
    ----------
    views : sequence of str
        The table's matching views.
    neighbour : np.ndarray
        int64 ``[k]``, the neighbouring line of each occurrence.
    line_id, pair_of_line : np.ndarray
        int64 ``[k]``, the distinct (key, context, line) of each occurrence, and the
        (key, context) group of each distinct line.
    asked : np.ndarray
        bool ``[groups]``.

    Returns
    -------
    np.ndarray
        bool ``[groups]``.
    """
    first = np.full(pair_of_line.size, neighbour.size, dtype=np.int64)
    np.minimum.at(first, line_id, np.arange(neighbour.size))
    lines = np.flatnonzero(asked[pair_of_line])
    text = dict(zip(lines.tolist(), take(views, neighbour[first[lines]])))
    members: dict[int, list[str]] = {}
    for line in lines.tolist():
        members.setdefault(int(pair_of_line[line]), []).append(text[line])
    out = np.zeros(asked.size, dtype=bool)
    for group, copies in members.items():
        whole = max(copies, key=len)
        out[group] = all(whole.endswith(c) if step < 0 else whole.startswith(c) for c in copies)
    return out


def _neighbours_differ(table: LineTable, group: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """The rows of the ``chosen`` groups (int64 ids into ``group``, int64 ``[m]``: each row's group) whose
    occurrences all have neighbours unlike the other occurrences' (no two share the line before, nor the
    line after, in their document): bool ``[m]``. All groups at once."""
    m = len(table)
    picked = np.zeros(int(max(group.max(initial=-1), chosen.max(initial=-1))) + 1, dtype=bool)
    picked[chosen] = True
    rows = np.flatnonzero(picked[group])
    differ = picked.copy()
    for step in (-1, 1):
        near, inside = _beside(table, rows, step)
        g, key = group[rows[inside]], table.exact[near[inside]]
        order = np.lexsort((key, g))
        g, key = g[order], key[order]
        shared = (g[1:] == g[:-1]) & (key[1:] == key[:-1])
        differ[g[1:][shared]] = False
    out = np.zeros(m, dtype=bool)
    out[rows] = differ[group[rows]]
    return out
