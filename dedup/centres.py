"""Greedy centre clustering by rounds over edge rows: what the Ray engine runs above its edge limit, so that the
verified pairs never reach the driver. Equal to :func:`dedup.cluster.center_labels` in the order of
:func:`dedup.cluster.center_order` (policies ``"first"`` and ``"longest"``).

The greedy visits the documents by priority — most verified neighbours first, then the representative policy — and
makes an unassigned one a centre that takes its unassigned neighbours. So a document's fate depends only on its
neighbours of higher priority (its *betters*): it is a centre when none of them is one, else a member of the best of
them that is (the first centre the greedy reached it from). Rounds decide that locally. Every node holds a row of its
own (its priority, state and label) and a row for each neighbour, on which that neighbour stamped its priority and
state the round before; a round is one group-by of the rows by node (:func:`centre_round`): each node decides what
its betters' stamps allow, then sends each row back to its neighbour stamped with its own state. A node is *final*
once all its betters are decided (centre or member), and its label is then known; an edge is dropped once its worse
end is final. On a collection of copies — cliques of a few to a few dozen documents — every node is final after
three or four rounds (the rows left then only drain, and are not run); a chain of overlapping excerpts, each better
than the next, settles a link or two a round, so the Ray engine finishes what is left on the driver once it is small
(:func:`finish_centres`), or after ``max_rounds``.
"""

from __future__ import annotations

import numpy as np

from .arrays import stable_order
from .cluster import Representative

UNDECIDED, CENTRE, MEMBER = 0, 1, 2

#: The columns of a row: the node whose group holds it, the other end (the node itself for its own row), the other
#: end's degree and length (its priority; lengths are 0 under the policy "first"), its state and whether it is final
#: (as stamped the round before), and the label of a final node (its own row; -1 elsewhere).
COLUMNS = ("node", "other", "degree", "length", "state", "final", "label")

_DTYPES = {"state": np.int8, "final": bool}


def _empty_rows() -> dict[str, np.ndarray]:
    return {name: np.zeros(0, dtype=_DTYPES.get(name, np.int64)) for name in COLUMNS}


def policy_lengths(representative: Representative, lengths: np.ndarray | None, n: int) -> np.ndarray:
    """The lengths the priority reads (int64 ``[n]``): the texts' under ``"longest"``, zeros under ``"first"``."""
    if representative == "first":
        return np.zeros(n, dtype=np.int64)
    if representative == "longest" and lengths is not None:
        return np.asarray(lengths, dtype=np.int64)
    raise ValueError(f"centre rounds take the policies 'first' and 'longest' (with lengths), not {representative!r}")


def better(
    degree: np.ndarray,
    length: np.ndarray,
    node: np.ndarray,
    than_degree: np.ndarray,
    than_length: np.ndarray,
    than: np.ndarray,
) -> np.ndarray:
    """bool ``[k]``: whether each node comes before another in the greedy's order (int64 ``[k]`` each): more
    neighbours, then longer (under ``"longest"``), then a smaller index (:func:`dedup.cluster.center_order`)."""
    return (degree > than_degree) | (
        (degree == than_degree) & ((length > than_length) | ((length == than_length) & (node < than)))
    )


def _order_keys(degree: np.ndarray, length: np.ndarray, node: np.ndarray) -> tuple[np.ndarray, ...]:
    """The keys of ``np.lexsort`` (last first) that put nodes in the greedy's order, as :func:`better` compares them."""
    return node, -length, -degree


def first_rows(node: np.ndarray, other: np.ndarray, length: np.ndarray) -> dict[str, np.ndarray]:
    """The rows of the first round from directed edge rows (int64 ``[k]`` each; both directions of every edge, each
    node's rows all given; ``length``: each row's ``node``'s length under the policy, :func:`policy_lengths`): each
    node's own row, undecided, and a row for each neighbour in that neighbour's group, stamped with the node's degree
    and length."""
    if not node.size:
        return _empty_rows()
    order = stable_order(node)
    node, other, length = node[order], other[order], length[order]
    starts = np.flatnonzero(np.concatenate(([True], node[1:] != node[:-1])))
    nodes = node[starts]
    degree = np.diff(np.append(starts, node.size))
    own_degree = np.repeat(degree, degree)
    m = nodes.size
    return {
        "node": np.concatenate([nodes, other]),
        "other": np.concatenate([nodes, node]),
        "degree": np.concatenate([degree, own_degree]).astype(np.int64),
        "length": np.concatenate([length[starts], length]).astype(np.int64),
        "state": np.zeros(m + node.size, dtype=np.int8),
        "final": np.zeros(m + node.size, dtype=bool),
        "label": np.full(m + node.size, -1, dtype=np.int64),
    }


def rows_of_pairs(pairs: np.ndarray, lengths: np.ndarray) -> dict[str, np.ndarray]:
    """:func:`first_rows` of undirected pairs (int64 ``[m, 2]``, distinct); ``lengths``: int64 ``[n]``, the
    documents' under the policy (:func:`policy_lengths`)."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    node = np.concatenate([pairs[:, 0], pairs[:, 1]])
    return first_rows(node, np.concatenate([pairs[:, 1], pairs[:, 0]]), np.asarray(lengths, dtype=np.int64)[node])


def centre_round(rows: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """One round over the rows of some nodes (every row of each node given, in any order; :data:`COLUMNS`).

    Returns
    -------
    rows : dict of np.ndarray
        The rows of the next round: each node's own row while it is not final or still hears from a neighbour, and
        each neighbour row sent back to its neighbour (``node`` and ``other`` swapped) stamped with the node's
        priority and state — while the worse end of the edge is not final.
    nodes, labels : np.ndarray
        int64 ``[f]``: the nodes that became final this round and their labels (a centre's is itself).
    """
    node = np.asarray(rows["node"], dtype=np.int64)
    if not node.size:
        return _empty_rows(), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = stable_order(node)
    node, other = node[order], np.asarray(rows["other"], dtype=np.int64)[order]
    degree, length = rows["degree"][order], rows["length"][order]
    state, final, label = rows["state"][order], rows["final"][order], rows["label"][order]
    new = np.concatenate(([True], node[1:] != node[:-1]))
    group = np.cumsum(new) - 1
    nodes = node[new]
    own = np.flatnonzero(other == node)
    if own.size != nodes.size or not np.array_equal(node[own], nodes):
        raise ValueError("centre_round: every node's rows must hold its own row, once")
    own_degree, own_length = degree[own][group], length[own][group]
    neighbour = other != node
    # The other end comes first in the greedy's order: the node reads its state.
    betters = neighbour & better(degree, length, other, own_degree, own_length, node)
    g = nodes.size
    centre_above = np.bincount(group[betters & (state == CENTRE)], minlength=g) > 0
    open_above = np.bincount(group[betters & (state == UNDECIDED)], minlength=g) > 0
    was_state, was_final = state[own], final[own]
    now_state = was_state.copy()
    undecided = was_state == UNDECIDED
    now_state[undecided & centre_above] = MEMBER
    now_state[undecided & ~centre_above & ~open_above] = CENTRE
    now_final = was_final | ~open_above
    now_label = label[own].copy()
    newly = now_final & ~was_final
    now_label[newly & (now_state == CENTRE)] = nodes[newly & (now_state == CENTRE)]
    joining = newly & (now_state == MEMBER)
    if joining.any():
        # the best better that is a centre: first in the order of (group, more neighbours, longer, smaller index)
        rows_of = np.flatnonzero(betters & (state == CENTRE) & joining[group])
        by = np.lexsort((*_order_keys(degree[rows_of], length[rows_of], other[rows_of]), group[rows_of]))
        rows_of = rows_of[by]
        first = np.concatenate(([True], group[rows_of][1:] != group[rows_of][:-1]))
        now_label[group[rows_of[first]]] = other[rows_of[first]]
    heard = np.bincount(group[neighbour], minlength=g) > 0
    keep_own = ~now_final | heard
    # A row is needed while the worse end of its edge is not final: the node itself, or the other end as stamped.
    back = neighbour & np.where(betters, ~now_final[group], ~final)
    kept = np.flatnonzero(keep_own)
    out = {
        "node": np.concatenate([nodes[kept], other[back]]),
        "other": np.concatenate([nodes[kept], node[back]]),
        "degree": np.concatenate([degree[own][kept], own_degree[back]]),
        "length": np.concatenate([length[own][kept], own_length[back]]),
        "state": np.concatenate([now_state[kept], now_state[group[back]]]).astype(np.int8),
        "final": np.concatenate([now_final[kept], now_final[group[back]]]),
        "label": np.concatenate([now_label[kept], np.full(int(back.sum()), -1, dtype=np.int64)]),
    }
    return out, nodes[newly], now_label[newly]


def open_nodes(rows: dict[str, np.ndarray]) -> int:
    """The nodes of ``rows`` not final yet: once none is, every label is known and the rows left only drain."""
    return int(np.count_nonzero((rows["node"] == rows["other"]) & ~rows["final"]))


def finish_centres(rows: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The labels of the nodes not final yet in ``rows`` (a round's output, whole), decided one at a time in the
    greedy's order: int64 ``[f]`` nodes and labels. Every better of such a node still holds its own row (it hears
    from the node), so its state is known; the row-by-row rule of :func:`centre_round`, without rounds."""
    node, other = np.asarray(rows["node"], dtype=np.int64), np.asarray(rows["other"], dtype=np.int64)
    own = np.flatnonzero(node == other)
    open_ = np.flatnonzero(~rows["final"][own])
    if not open_.size:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    ids = node[own]  # each node holding a row of its own, once: its position here is its number below
    sorter = np.argsort(ids)
    edges = np.unique(np.sort(np.stack([node[node != other], other[node != other]], axis=1), axis=1), axis=0)
    a, b = (sorter[np.searchsorted(ids, edges[:, k], sorter=sorter)] for k in (0, 1))
    src, dst = np.concatenate([a, b]), np.concatenate([b, a])
    by = stable_order(src)
    indptr = np.searchsorted(src[by], np.arange(ids.size + 1))
    priority = np.lexsort(_order_keys(rows["degree"][own], rows["length"][own], ids))  # the greedy's order
    rank = np.empty(ids.size, dtype=np.int64)
    rank[priority] = np.arange(ids.size)
    rank_list, dst_list, bounds = rank.tolist(), dst[by].tolist(), indptr.tolist()
    states, labels = rows["state"][own].astype(np.int64).tolist(), rows["label"][own].tolist()
    for i in priority[np.isin(priority, open_)].tolist():
        above = [j for j in dst_list[bounds[i] : bounds[i + 1]] if rank_list[j] < rank_list[i]]
        centres = [j for j in above if states[j] == CENTRE]
        if any(states[j] == UNDECIDED for j in above):
            raise ValueError("finish_centres: a better of an open node is undecided")
        if states[i] == UNDECIDED:
            states[i] = MEMBER if centres else CENTRE
        labels[i] = int(ids[min(centres, key=rank_list.__getitem__)]) if states[i] == MEMBER else int(ids[i])
    return ids[open_], np.array(labels, dtype=np.int64)[open_]


def centre_labels_by_rounds(
    n: int,
    pairs: np.ndarray,
    representative: Representative = "first",
    lengths: np.ndarray | None = None,
    *,
    max_rounds: int = 1000,
    finish_at: int = 0,
) -> tuple[np.ndarray, int]:
    """:func:`dedup.cluster.center_labels` of ``pairs`` (int64 ``[m, 2]``, distinct) in the order of
    :func:`dedup.cluster.center_order`, by :func:`centre_round` in process — the Ray engine's algorithm — and the
    rounds it took. What is left after ``max_rounds``, or once ``finish_at`` rows or fewer are, is finished by
    :func:`finish_centres`.

    Returns
    -------
    labels : np.ndarray
        int64 ``[n]``.
    rounds : int
    """
    labels = np.arange(n, dtype=np.int64)
    rows = rows_of_pairs(pairs, policy_lengths(representative, lengths, n))
    rounds = 0
    while open_nodes(rows):  # the rows left then only drain
        if rounds >= max_rounds or rows["node"].size <= finish_at:
            done, label = finish_centres(rows)
            labels[done] = label
            break
        rows, done, label = centre_round(rows)
        labels[done] = label
        rounds += 1
    return labels, rounds
