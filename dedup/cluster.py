"""Connected components over verified pairs, and a representative per cluster.

Components are found with array operations only: every edge hooks the root of
its larger-labelled end under the smaller label (``np.minimum.at``), then
pointer jumping (``labels = labels[labels]``) flattens the forest; this repeats
until every edge's ends share a root. Each component is labelled by its
smallest member, so labels do not depend on edge order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Union

import numpy as np

from .errors import InvalidOptionError

__all__ = ["Cluster", "Representative", "clusters_of_labels", "connected_components", "group_members", "pick_representatives"]

Representative = Union[str, Callable[[int], Any]]


@dataclass(frozen=True)
class Cluster:
    """A group of near-duplicate documents.

    Attributes
    ----------
    id : int
        Cluster number, ``0 .. n_clusters-1`` in order of smallest member.
    members : tuple of int
        Sorted document indices, at least two.
    representative : int
        The member kept when the others are dropped.
    similarity : tuple of float
        Each member's exact Jaccard similarity to the representative (1.0 for itself),
        aligned with ``members``.
    """

    id: int
    members: tuple[int, ...]
    representative: int
    similarity: tuple[float, ...]

    def __len__(self) -> int:
        return len(self.members)


def connected_components(n: int, pairs: np.ndarray) -> np.ndarray:
    """Component label of every node: the smallest node index in its component.

    Parameters
    ----------
    n : int
        Number of nodes.
    pairs : np.ndarray
        int64 ``[m, 2]`` undirected edges.

    Returns
    -------
    np.ndarray
        int64 ``[n]``.
    """
    labels = np.arange(n, dtype=np.int64)
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if not pairs.size:
        return labels
    u, v = pairs[:, 0], pairs[:, 1]
    while True:
        lu, lv = labels[u], labels[v]
        differ = lu != lv
        if not differ.any():
            return labels
        lu, lv = lu[differ], lv[differ]
        # labels[x] <= x always holds, so hooking roots downward keeps a forest.
        np.minimum.at(labels, np.maximum(lu, lv), np.minimum(lu, lv))
        while True:
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped


def group_members(labels: np.ndarray) -> list[np.ndarray]:
    """Members of every component with two or more nodes, in order of smallest member.

    Parameters
    ----------
    labels : np.ndarray
        int64 ``[n]``, from :func:`connected_components`.

    Returns
    -------
    list of np.ndarray
        Each int64, ascending.
    """
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_labels[1:] != sorted_labels[:-1])))
    groups = np.split(order, starts[1:])
    return [g for g in groups if g.size > 1]


def pick_representatives(
    groups: Sequence[np.ndarray], representative: Representative, lengths: np.ndarray | None = None
) -> np.ndarray:
    """The representative member of every group.

    Parameters
    ----------
    groups : sequence of np.ndarray
        int64 member indices, ascending.
    representative : {"first", "longest"} or callable
        ``"first"``: the smallest index. ``"longest"``: the longest text (ties:
        smallest index); needs ``lengths``. A callable ``key(index)``: the member
        with the smallest key (ties: smallest index).
    lengths : np.ndarray, optional
        int64 ``[n]`` text lengths, for ``"longest"``.

    Returns
    -------
    np.ndarray
        int64 ``[len(groups)]``.
    """
    if representative == "first":
        return np.array([g[0] for g in groups], dtype=np.int64)
    if representative == "longest":
        if lengths is None:
            raise InvalidOptionError('representative="longest" needs the text lengths')
        return np.array([g[np.argmax(lengths[g])] for g in groups], dtype=np.int64)
    if callable(representative):
        return np.array([min(g.tolist(), key=lambda i: (representative(i), i)) for g in groups], dtype=np.int64)
    raise InvalidOptionError(f'representative must be "first", "longest" or a callable, got {representative!r}')


def clusters_of_labels(
    labels: np.ndarray,
    representative: Representative,
    lengths: np.ndarray,
    similarity: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> list[Cluster]:
    """The :class:`Cluster` of every component of two or more members.

    Parameters
    ----------
    labels : np.ndarray
        int64 ``[n]``, from :func:`connected_components`.
    representative : "first", "longest" or callable
        See :func:`pick_representatives`.
    lengths : np.ndarray
        int64 ``[n]``, for ``"longest"``.
    similarity : callable
        ``similarity(representatives, members)``: exact Jaccard (float64 ``[k]``) of each
        (representative, member) pair, both int64 ``[k]``; a member is its own representative
        once per cluster (given 1.0 whatever ``similarity`` says).

    Returns
    -------
    list of Cluster
        In order of their smallest member.
    """
    groups = group_members(labels)
    if not groups:
        return []
    reps = pick_representatives(groups, representative, lengths)
    sizes = np.array([g.size for g in groups])
    member_all = np.concatenate(groups)
    rep_all = np.repeat(reps, sizes)
    jaccard = np.asarray(similarity(rep_all, member_all), dtype=np.float64).copy()
    jaccard[member_all == rep_all] = 1.0
    bounds = np.cumsum(sizes)[:-1]
    return [
        Cluster(id=i, members=tuple(g.tolist()), representative=int(r), similarity=tuple(s.tolist()))
        for i, (g, r, s) in enumerate(zip(groups, reps, np.split(jaccard, bounds)))
    ]
