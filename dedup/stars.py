"""Connected components by large-star/small-star rounds (Kiveris et al.), as pure functions over edge arrays: what the
Ray engine runs in rounds above its edge limit, and equal to :func:`dedup.cluster.connected_components`."""

from __future__ import annotations

import numpy as np

from .arrays import sorted_unique, unique_rows

_EMPTY_PAIRS = np.empty((0, 2), dtype=np.int64)


def _unique_pairs(pairs: np.ndarray) -> np.ndarray:
    """Distinct rows of int64 ``[p, 2]``, sorted."""
    if not len(pairs):
        return _EMPTY_PAIRS
    return unique_rows(pairs.astype(np.int64, copy=False))[0]


def _adjacency(u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct directed rows without self-loops, sorted by ``u``, and ``min(u, N(u))`` of every row.

    Returns
    -------
    u, v : np.ndarray
        int64 ``[k]``.
    low : np.ndarray
        int64 ``[k]``, the smallest of ``u`` and its neighbours (in these rows), per row.
    """
    rows = _unique_pairs(np.stack([u, v], axis=1)) if len(u) else _EMPTY_PAIRS
    rows = rows[rows[:, 0] != rows[:, 1]]
    u, v = rows[:, 0], rows[:, 1]
    starts = np.flatnonzero(np.concatenate(([True], u[1:] != u[:-1]))) if u.size else np.empty(0, np.int64)
    group_min = np.minimum(np.minimum.reduceat(v, starts), u[starts]) if u.size else np.empty(0, np.int64)
    return u, v, np.repeat(group_min, np.diff(np.append(starts, u.size)))


def large_star(u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, int]:
    """One large-star step (Kiveris et al., 2014): every node links its larger neighbours to
    the smallest node of its closed neighbourhood.

    Parameters
    ----------
    u, v : np.ndarray
        int64 ``[k]``, directed rows ``v ∈ N(u)`` holding every neighbour of each ``u``
        present (both directions of every edge are given; duplicates allowed).

    Returns
    -------
    edges : np.ndarray
        int64 ``[e, 2]``, ``(m(u), v)`` for every ``v ∈ N(u)`` with ``v > u``, where
        ``m(u) = min({u} ∪ N(u))``; rows ``(a, b)`` with ``a < b``, unique and sorted.
    changed : int
        Edges replaced (``m(u) < u``); 0 for every node means the step changed nothing.
    """
    u, v, low = _adjacency(np.asarray(u, np.int64), np.asarray(v, np.int64))
    larger = v > u
    changed = int(np.count_nonzero(larger & (low < u)))
    return _unique_pairs(np.stack([low[larger], v[larger]], axis=1)), changed


def small_star(u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, int]:
    """One small-star step: every node links itself and its smaller neighbours to the
    smallest of them.

    Parameters
    ----------
    u, v : np.ndarray
        As for :func:`large_star`.

    Returns
    -------
    edges : np.ndarray
        int64 ``[e, 2]``: for every ``u`` with smaller neighbours ``S(u)``, with
        ``m = min(S(u))``, the rows ``(m, w)`` for ``w ∈ S(u) ∪ {u}``, ``w ≠ m``; unique, sorted.
    changed : int
        Edges replaced: ``|S(u)| - 1`` summed over those nodes.
    """
    u, v = np.asarray(u, np.int64), np.asarray(v, np.int64)
    smaller = v < u
    u, v, low = _adjacency(u[smaller], v[smaller])
    if not u.size:
        return _EMPTY_PAIRS, 0
    owners = sorted_unique(u)
    centre_of_owner = low[np.searchsorted(u, owners)]
    changed = int(u.size - owners.size)
    keep = v != low
    edges = np.concatenate([np.stack([low[keep], v[keep]], axis=1), np.stack([centre_of_owner, owners], axis=1)])
    return _unique_pairs(edges), changed


def _both_directions(edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Directed rows of undirected edges: ``u``, ``v`` int64 ``[2e]``."""
    return np.concatenate([edges[:, 0], edges[:, 1]]), np.concatenate([edges[:, 1], edges[:, 0]])


def labels_of_stars(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Component labels from converged stars: every leaf's one smaller neighbour is its centre.

    Parameters
    ----------
    n : int
    u, v : np.ndarray
        int64 ``[k]``, directed rows of a star forest whose centres are their components' minima.

    Returns
    -------
    np.ndarray
        int64 ``[n]``, as :func:`dedup.cluster.connected_components`.
    """
    labels = np.arange(n, dtype=np.int64)
    leaf = v < u
    labels[u[leaf]] = v[leaf]
    return labels


def star_components(n: int, pairs: np.ndarray, *, max_rounds: int = 1000) -> np.ndarray:
    """Connected components by alternating large-star and small-star until nothing changes.

    The in-process form of what :class:`dedup.distributed.RayClusterEngine` runs on Ray above its edge limit;
    labels equal :func:`dedup.cluster.connected_components` (the smallest member).

    Parameters
    ----------
    n : int
        Number of nodes.
    pairs : np.ndarray
        int64 ``[m, 2]`` undirected edges.
    max_rounds : int
        Guard; the steps converge in O(log² n) rounds.

    Returns
    -------
    np.ndarray
        int64 ``[n]``.
    """
    edges = _unique_pairs(np.sort(np.asarray(pairs, dtype=np.int64).reshape(-1, 2), axis=1))
    for _ in range(max_rounds):
        edges, changed_large = large_star(*_both_directions(edges))
        edges, changed_small = small_star(*_both_directions(edges))
        if changed_large + changed_small == 0:
            return labels_of_stars(n, *_both_directions(edges))
    raise RuntimeError(f"large-star/small-star did not converge in {max_rounds} rounds")
