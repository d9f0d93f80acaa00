"""Clusters of near-duplicates from verified pairs: centres (the default) or connected components.

Two semantics, chosen by ``DuplicateOptions.clustering``:

``"center"`` (default)
    Greedy centre clustering. Documents are visited by their number of verified
    near-duplicates (most first), ties in the order of the representative policy
    (``"first"``: input order; ``"longest"``: longest first; a key function: smallest key
    first); a document not yet in a cluster becomes a *centre*, the cluster's
    representative, and takes every verified neighbour not yet in a cluster. So every member is a verified
    near-duplicate *of its representative* (A~B and B~C does not put A and C together
    unless A~C), no two centres are verified neighbours, and every document with a
    verified neighbour is a centre or a member. A chain of overlapping excerpts cannot
    grow one cluster. The result is a function of the verified pairs and the order only,
    so it does not depend on batch size, threads or engine.
``"connected"``
    Connected components of the verified pairs (labels = smallest member), found by
    vectorized hooking and pointer jumping; a member may be linked to its
    representative only through others (similarity then may be low, even 0).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .arrays import concat_ranges, sorted_unique, stable_order
from .dicts import DictRoundTrip
from .errors import InvalidOptionError
from .kernel import kernels as _kernels  # None without the compiled kernel: numpy paths
from .spans import Groups

__all__ = [
    "CLUSTERINGS",
    "Cluster",
    "Clusters",
    "Representative",
    "center_labels",
    "center_order",
    "cluster_pairs",
    "clusters_of_centres",
    "clusters_of_labels",
    "connected_components",
    "group_members",
    "pick_representatives",
    "priority_order",
]

Representative = str | Callable[[int], Any]

#: The clustering semantics of ``DuplicateOptions.clustering`` (see the module docstring).
CLUSTERINGS = ("center", "connected")

#: ``measure(representatives, members)`` → ``(jaccard, coverage)``, float64 ``[k]`` each: every
#: (representative, member) pair's exact Jaccard, and the share of the member's n-grams that
#: lie in its representative. Both int64 ``[k]``; a member standing for itself gets 1.0, 1.0.
Measure = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Cluster(DictRoundTrip):
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
    coverage : tuple of float
        The share of each member's n-grams that lie in the representative (1.0 for
        itself), aligned with ``members``: 1.0 for an excerpt of the representative, low
        for a member that adds text of its own. Empty when not measured.
    """

    id: int
    members: tuple[int, ...]
    representative: int
    similarity: tuple[float, ...]
    coverage: tuple[float, ...] = ()

    def __len__(self) -> int:
        return len(self.members)


class Clusters(Groups[Cluster]):
    """Near-duplicate clusters held as arrays, each :class:`Cluster` made when it is read (:class:`dedup.spans.Groups`:
    it reads like the list). A list of clusters costs about 100 bytes a member (tuples of Python ints and floats);
    these arrays, 24.

    Attributes
    ----------
    bounds : np.ndarray
        int64 ``[k + 1]``: cluster ``i``'s members are rows ``bounds[i]:bounds[i + 1]``.
    members : np.ndarray
        int64 ``[m]``: each cluster's members, ascending.
    representative : np.ndarray
        int64 ``[k]``.
    similarity : np.ndarray
        float64 ``[m]``: each member's Jaccard similarity to its representative.
    coverage : np.ndarray
        float64 ``[m]``, or ``[0]`` when no cluster was measured for it (``Cluster.coverage`` empty).
    ids : np.ndarray
        int64 ``[k]``: each cluster's ``id`` (its position, for every clustering of this package).
    """

    def __init__(
        self,
        bounds: np.ndarray,
        members: np.ndarray,
        representative: np.ndarray,
        similarity: np.ndarray,
        coverage: np.ndarray,
        ids: np.ndarray | None = None,
    ) -> None:
        self.members = np.asarray(members, dtype=np.int64).reshape(-1)
        super().__init__(bounds, self.members.size, "members")
        self.representative = np.asarray(representative, dtype=np.int64).reshape(-1)
        self.similarity = np.asarray(similarity, dtype=np.float64).reshape(-1)
        self.coverage = np.asarray(coverage, dtype=np.float64).reshape(-1)
        self.ids = np.arange(len(self), dtype=np.int64) if ids is None else np.asarray(ids, dtype=np.int64)
        sizes = (self.representative.size, self.ids.size, self.similarity.size, self.coverage.size)
        if sizes[:2] != (len(self),) * 2 or self.similarity.size != self.members.size or sizes[3] not in (0, sizes[2]):
            raise ValueError("Clusters: members, representatives, similarities and coverages do not agree")

    @classmethod
    def of(cls, clusters: Sequence[Cluster]) -> Clusters:
        """``clusters`` as arrays (themselves if they are already)."""
        if isinstance(clusters, Clusters):
            return clusters
        sizes = np.fromiter((len(c.members) for c in clusters), dtype=np.int64, count=len(clusters))
        measured = [len(c.coverage) == len(c.members) for c in clusters]
        if any(measured) and not all(measured):
            raise ValueError("Clusters: some clusters have coverages and some have none")

        def column(name: str, dtype: type) -> np.ndarray:
            return np.fromiter((v for c in clusters for v in getattr(c, name)), dtype=dtype, count=int(sizes.sum()))

        return cls(
            np.concatenate(([0], np.cumsum(sizes))),
            column("members", np.int64),
            np.array([c.representative for c in clusters], dtype=np.int64),
            column("similarity", np.float64),
            column("coverage", np.float64) if clusters and all(measured) else np.zeros(0),
            np.array([c.id for c in clusters], dtype=np.int64),
        )

    def _args(self) -> tuple[Any, ...]:
        return (self.bounds, self.members, self.representative, self.similarity, self.coverage, self.ids)

    def _items(self, first: int, last: int) -> list[Cluster]:
        bounds = self.bounds[first : last + 1].tolist()
        rows = slice(bounds[0], bounds[-1])
        members, similarity = self.members[rows].tolist(), self.similarity[rows].tolist()
        coverage = self.coverage[rows].tolist() if self.coverage.size else None
        out, base = [], bounds[0]
        heads = zip(self.ids[first:last].tolist(), self.representative[first:last].tolist())
        for (i, rep), lo, hi in zip(heads, bounds[:-1], bounds[1:]):
            lo, hi = lo - base, hi - base
            cover = () if coverage is None else tuple(coverage[lo:hi])
            out.append(Cluster(i, tuple(members[lo:hi]), rep, tuple(similarity[lo:hi]), cover))
        return out

    def cluster_of_members(self) -> np.ndarray:
        """int64 ``[m]``: the cluster (position) of every row of ``members``."""
        return np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.bounds))


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
    members, bounds = _member_groups(labels, by_first=False)
    return np.split(members, bounds[1:-1]) if bounds.size > 1 else []


def _member_groups(labels: np.ndarray, by_first: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """:func:`group_members` as arrays: every group's members, ascending, groups in order of their smallest
    member (int64 ``[m]``; without ``by_first``, of their labels), and the groups' bounds in them (int64
    ``[g + 1]``)."""
    order = stable_order(labels)
    sorted_labels = labels[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_labels[1:] != sorted_labels[:-1])))
    sizes = np.diff(np.append(starts, labels.size))
    several = sizes > 1  # only these are kept: most nodes of a collection are alone
    starts, sizes = starts[several], sizes[several]
    if by_first:  # a label need not be its group's smallest member (centres)
        first = stable_order(order[starts])
        starts, sizes = starts[first], sizes[first]
    return order[concat_ranges(starts, sizes)], np.concatenate(([0], np.cumsum(sizes)))


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
    return np.array([priority_order(g, representative, lengths)[0] for g in groups], dtype=np.int64).reshape(-1)


def _representatives(
    members: np.ndarray, bounds: np.ndarray, representative: Representative, lengths: np.ndarray | None
) -> np.ndarray:
    """:func:`pick_representatives` of groups held as arrays (:func:`_member_groups`): int64 ``[g]``."""
    if representative == "first" or not members.size:
        return members[bounds[:-1]]
    if representative == "longest" and lengths is not None:
        group = np.repeat(np.arange(bounds.size - 1), np.diff(bounds))
        order = np.lexsort((members, -np.asarray(lengths, dtype=np.int64)[members], group))
        return members[order[bounds[:-1]]]
    return pick_representatives(np.split(members, bounds[1:-1]), representative, lengths)


def priority_order(nodes: np.ndarray, representative: Representative, lengths: np.ndarray | None = None) -> np.ndarray:
    """``nodes`` in the order the representative policy considers them as centres.

    Parameters
    ----------
    nodes : np.ndarray
        int64 ``[k]`` document indices, ascending.
    representative : {"first", "longest"} or callable
        As for :func:`pick_representatives`: input order; longest first (ties: input
        order); smallest ``key(index)`` first (ties: input order).
    lengths : np.ndarray, optional
        int64 ``[n]`` text lengths, for ``"longest"``.

    Returns
    -------
    np.ndarray
        int64 ``[k]``, a permutation of ``nodes``.
    """
    nodes = np.asarray(nodes, dtype=np.int64)
    if representative == "first":
        return nodes
    if representative == "longest":
        if lengths is None:
            raise InvalidOptionError('representative="longest" needs the text lengths')
        return nodes[np.lexsort((nodes, -np.asarray(lengths, dtype=np.int64)[nodes]))]
    if callable(representative):
        return np.array(sorted(nodes.tolist(), key=lambda i: (representative(i), i)), dtype=np.int64).reshape(-1)
    raise InvalidOptionError(f'representative must be "first", "longest" or a callable, got {representative!r}')


def center_order(
    n: int, pairs: np.ndarray, representative: Representative, lengths: np.ndarray | None = None
) -> np.ndarray:
    """The order in which documents are considered as centres: most verified near-duplicates first.

    A document with more verified neighbours is the better centre (the full story its
    excerpts and edited copies all match); ties go by the representative policy
    (:func:`priority_order`). On the quality benchmark this keeps ARI at 1.000, where the
    representative policy alone (input order) gives 0.984: an excerpt printed first would
    be the centre its siblings do not match.

    Parameters
    ----------
    n : int
    pairs : np.ndarray
        int64 ``[m, 2]`` verified pairs.
    representative : "first", "longest" or callable
    lengths : np.ndarray, optional
        int64 ``[n]``, for ``"longest"``.

    Returns
    -------
    np.ndarray
        int64 ``[k]``: every node that has an edge, once.
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    order = priority_order(sorted_unique(pairs), representative, lengths)
    degree = np.bincount(pairs.ravel(), minlength=n)
    return order[stable_order(-degree[order])]


def _adjacency(nodes: np.ndarray, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """CSR adjacency (both directions) of ``pairs`` over the local indices of ``nodes``: ``(indptr [k + 1], indices
    [2m])``."""
    local = np.searchsorted(nodes, pairs)
    src = np.concatenate([local[:, 0], local[:, 1]])
    dst = np.concatenate([local[:, 1], local[:, 0]])
    order = stable_order(src, dst)
    indptr = np.zeros(nodes.size + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=nodes.size), out=indptr[1:])
    return indptr, np.ascontiguousarray(dst[order])


def _center_loop(order: np.ndarray, indptr: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """The centre of every node, one node at a time (the reference of the compiled kernel): int64 ``[k]``."""
    centre = [-1] * (indptr.size - 1)
    bounds = indptr.tolist()
    targets = indices.tolist()
    for u in order.tolist():
        if centre[u] >= 0:
            continue
        centre[u] = u
        for v in targets[bounds[u] : bounds[u + 1]]:
            if centre[v] < 0:
                centre[v] = u
    return np.array(centre, dtype=np.int64)


def center_labels(n: int, pairs: np.ndarray, order: np.ndarray, *, use_kernel: bool = True) -> np.ndarray:
    """Greedy centre clustering: the centre of every node.

    Nodes are visited in ``order``; an unassigned node becomes a centre and takes every
    unassigned neighbour as a member, so every member is adjacent to its centre.

    Parameters
    ----------
    n : int
        Number of nodes.
    pairs : np.ndarray
        int64 ``[m, 2]`` undirected edges (verified near-duplicate pairs).
    order : np.ndarray
        int64 ``[k]``: every node that has an edge, highest priority first (see
        :func:`priority_order`); may hold other nodes too.
    use_kernel : bool
        Use the compiled loop when it was built (else, or if False, the Python loop).

    Returns
    -------
    np.ndarray
        int64 ``[n]``: ``labels[u]`` is ``u`` for a centre and for a node without edges,
        else the centre whose cluster ``u`` joined.
    """
    labels = np.arange(n, dtype=np.int64)
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if not pairs.size:
        return labels
    nodes = sorted_unique(pairs)
    order = np.asarray(order, dtype=np.int64)
    order = order[np.isin(order, nodes)]
    if order.size != nodes.size:
        raise ValueError("order must hold every node that has an edge, once")
    indptr, indices = _adjacency(nodes, pairs)
    local_order = np.ascontiguousarray(np.searchsorted(nodes, order))
    if use_kernel and _kernels is not None:
        centre = np.empty(nodes.size, dtype=np.int64)
        _kernels.center_labels(local_order, indptr, indices, centre)
    else:
        centre = _center_loop(local_order, indptr, indices)
    labels[nodes] = nodes[centre]
    return labels


def _cluster_rows(members: np.ndarray, bounds: np.ndarray, reps: np.ndarray, measure: Measure) -> Clusters:
    """Clusters of member groups (:func:`_member_groups`) with their representatives (int64 ``[g]``), measured."""
    if bounds.size < 2:
        return Clusters(np.zeros(1, dtype=np.int64), members[:0], reps[:0], np.zeros(0), np.zeros(0))
    rep_all = np.repeat(np.asarray(reps, dtype=np.int64), np.diff(bounds))
    jaccard, coverage = (np.asarray(a, dtype=np.float64).copy() for a in measure(rep_all, members))
    itself = members == rep_all
    jaccard[itself] = 1.0
    coverage[itself] = 1.0
    return Clusters(bounds, members, reps, jaccard, coverage)


def clusters_of_centres(labels: np.ndarray, measure: Measure) -> Clusters:
    """The :class:`Cluster` of every centre with members; the centre represents it.

    Parameters
    ----------
    labels : np.ndarray
        int64 ``[n]``, from :func:`center_labels`.
    measure : callable
        See :data:`Measure`.

    Returns
    -------
    Clusters
        In order of their smallest member (a sequence that reads like the list of them).
    """
    members, bounds = _member_groups(labels)
    return _cluster_rows(members, bounds, labels[members[bounds[:-1]]], measure)


def clusters_of_labels(
    labels: np.ndarray, representative: Representative, lengths: np.ndarray, measure: Measure
) -> Clusters:
    """The :class:`Cluster` of every connected component of two or more members.

    Parameters
    ----------
    labels : np.ndarray
        int64 ``[n]``, from :func:`connected_components`.
    representative : "first", "longest" or callable
        See :func:`pick_representatives`.
    lengths : np.ndarray
        int64 ``[n]``, for ``"longest"``.
    measure : callable
        See :data:`Measure`.

    Returns
    -------
    Clusters
        In order of their smallest member (a sequence that reads like the list of them).
    """
    members, bounds = _member_groups(labels)
    return _cluster_rows(members, bounds, _representatives(members, bounds, representative, lengths), measure)


def cluster_pairs(
    n: int,
    pairs: np.ndarray,
    measure: Measure,
    *,
    clustering: str,
    representative: Representative,
    lengths: np.ndarray | None,
) -> Clusters:
    """Clusters of ``n`` documents from their verified near-duplicate pairs.

    Parameters
    ----------
    n : int
    pairs : np.ndarray
        int64 ``[m, 2]`` verified pairs.
    measure : callable
        See :data:`Measure`.
    clustering : {"center", "connected"}
        See the module docstring.
    representative : "first", "longest" or callable
    lengths : np.ndarray, optional
        int64 ``[n]`` text lengths, for ``"longest"``.

    Returns
    -------
    Clusters
        In order of their smallest member (a sequence that reads like the list of them).
    """
    if clustering == "center":
        return clusters_of_centres(center_labels(n, pairs, center_order(n, pairs, representative, lengths)), measure)
    if clustering == "connected":
        return clusters_of_labels(connected_components(n, pairs), representative, lengths, measure)  # type: ignore[arg-type]
    raise InvalidOptionError(f"clustering must be one of {CLUSTERINGS}, got {clustering!r}")
