"""Centre clustering by rounds (dedup.centres, what the Ray engine runs above its edge limit) against the greedy of
dedup.cluster, in process: the same labels for any graph, policy, partition of the rows and point of finishing."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.centres import (
    CENTRE,
    COLUMNS,
    centre_labels_by_rounds,
    centre_round,
    finish_centres,
    first_rows,
    policy_lengths,
    rows_of_pairs,
)
from dedup.cluster import center_labels, center_order
from dedup.distributed.steps import RESULT, _centre_edge_rows, _first_centre_rows, partition_of

graphs = st.integers(1, 40).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=120),
        st.lists(st.integers(0, 5), min_size=n, max_size=n),
    )
)


def _pairs(edges: list[tuple[int, int]]) -> np.ndarray:
    """Distinct undirected pairs (``i < j``), as the verification gives them."""
    pairs = np.sort(np.array([e for e in edges if e[0] != e[1]], dtype=np.int64).reshape(-1, 2), axis=1)
    return np.unique(pairs, axis=0).reshape(-1, 2)


@settings(max_examples=300, deadline=None)
@given(graphs, st.sampled_from(["first", "longest"]), st.integers(0, 6), st.integers(0, 300))
def test_rounds_give_the_greedy_centres(
    graph: tuple[int, list[tuple[int, int]], list[int]], policy: str, max_rounds: int, finish_at: int
) -> None:
    n, edges, lengths = graph
    pairs, lengths_arr = _pairs(edges), np.array(lengths, dtype=np.int64)
    expected = center_labels(n, pairs, center_order(n, pairs, policy, lengths_arr))
    labels, _ = centre_labels_by_rounds(n, pairs, policy, lengths_arr)  # rounds only
    assert np.array_equal(labels, expected)
    labels, rounds = centre_labels_by_rounds(n, pairs, policy, lengths_arr, max_rounds=max_rounds, finish_at=finish_at)
    assert np.array_equal(labels, expected) and rounds <= max_rounds


@settings(max_examples=200, deadline=None)
@given(graphs, st.integers(1, 4), st.randoms(use_true_random=False))
def test_a_round_over_partitions_is_the_round_over_all(
    graph: tuple[int, list[tuple[int, int]], list[int]], parts: int, rng: random.Random
) -> None:
    """As Ray runs it: each partition's nodes, with all their rows in any order, one call each; the rows and results
    together are those of one call over every row."""
    n, edges, lengths = graph
    pairs = _pairs(edges)
    rows = rows_of_pairs(pairs, np.array(lengths, dtype=np.int64))
    while rows["node"].size:
        whole, done, labels = centre_round(rows)
        part = rows["node"] % parts
        pieces = []
        for p in range(parts):
            chosen = np.flatnonzero(part == p).tolist()
            rng.shuffle(chosen)
            pieces.append(centre_round({name: rows[name][chosen] for name in COLUMNS}))
        assert _as_rows(*(p[0] for p in pieces)) == _as_rows(whole)
        found = [(u, label) for p in pieces for u, label in zip(p[1].tolist(), p[2].tolist())]
        assert sorted(found) == sorted(zip(done.tolist(), labels.tolist()))
        rows = whole


def _as_rows(*tables: dict[str, np.ndarray]) -> list[tuple[int, ...]]:
    """The rows of tables of :data:`COLUMNS`, sorted."""
    return sorted(row for table in tables for row in zip(*(table[name].tolist() for name in COLUMNS)))


def test_a_chain_and_a_clique_round_by_round() -> None:
    """A chain of five (degrees 1, 2, 2, 2, 1: node 1 first, then input order) and a clique of three beside it."""
    chain_and_clique = np.array([[0, 1], [1, 2], [2, 3], [3, 4], [5, 6], [5, 7], [6, 7]])
    rows = rows_of_pairs(chain_and_clique, policy_lengths("first", None, 8))
    assert sorted(rows["node"].tolist()) == [0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5, 6, 6, 6, 7, 7, 7]
    finals, sizes = [], []
    while rows["node"].size:
        rows, done, labels = centre_round(rows)
        finals.append(dict(zip(done.tolist(), labels.tolist())))
        sizes.append(rows["node"].size)
    # 1 and 5 have no better. 0, 2 and 6 read them as centres and all their betters decided; 7 reads 5 a centre, but
    # 6 undecided a round ago: its label waits a round. 3 reads 2 a member (3's betters are 2 alone): a centre. 4
    # joins 3. Then the rows drain: an edge goes once its worse end is final, a node's own row once it hears nothing.
    assert finals == [{1: 1, 5: 5}, {0: 1, 2: 1, 6: 5}, {3: 3, 7: 5}, {4: 3}, {}, {}]
    assert sizes == [22, 19, 12, 4, 1, 0]
    expected = center_labels(8, chain_and_clique, center_order(8, chain_and_clique, "first"))
    assert expected.tolist() == [1, 1, 1, 3, 3, 5, 5, 5]
    labels, rounds = centre_labels_by_rounds(8, chain_and_clique)
    assert labels.tolist() == expected.tolist() and rounds == 4  # not the rounds that only drain


def test_finishing_a_round_on_the_driver() -> None:
    """After one round of the chain, the open nodes are decided one at a time in the greedy's order."""
    chain = np.array([[0, 1], [1, 2], [2, 3], [3, 4]])
    rows = rows_of_pairs(chain, np.zeros(5, dtype=np.int64))
    rows, done, labels = centre_round(rows)
    own = rows["node"] == rows["other"]
    assert dict(zip(done.tolist(), labels.tolist())) == {1: 1}
    assert dict(zip(rows["node"][own].tolist(), rows["state"][own].tolist())) == {0: 0, 1: CENTRE, 2: 0, 3: 0, 4: 0}
    nodes, labels = finish_centres(rows)
    assert dict(zip(nodes.tolist(), labels.tolist())) == {0: 1, 2: 1, 3: 3, 4: 3}


def test_rows_without_their_node_and_callable_policies_are_refused() -> None:
    rows = first_rows(np.array([0, 1]), np.array([1, 0]), np.zeros(2, dtype=np.int64))  # one pair, both ways
    without_own = {name: values[rows["node"] != rows["other"]] for name, values in rows.items()}
    with pytest.raises(ValueError, match="own row"):
        centre_round(without_own)
    with pytest.raises(ValueError, match="policies"):
        policy_lengths(len, None, 2)
    with pytest.raises(ValueError, match="policies"):
        policy_lengths("longest", None, 2)


@settings(max_examples=100, deadline=None)
@given(graphs, st.integers(1, 3), st.booleans())
def test_the_ray_steps_join_each_document_s_length_to_its_rows(
    graph: tuple[int, list[tuple[int, int]], list[int]], partitions: int, longest: bool
) -> None:
    """On Ray the first rows are made a partition at a time from the verified edges' directed rows, and under
    ``"longest"`` from a row a document carrying its length (never an array of all lengths in every task): the same
    rows as in process, each in its node's partition."""
    n, edges, lengths = graph
    pairs, lengths_arr = _pairs(edges), np.array(lengths, dtype=np.int64)
    directed = _centre_edge_rows({"left": pairs[:, 0], "right": pairs[:, 1]}, partitions=partitions)
    if longest:
        documents = np.arange(n, dtype=np.int64)
        given = {"part": partition_of(documents, partitions), "u": documents, "v": np.full(n, RESULT)}
        length_rows = {**given, "length": lengths_arr}
        directed = {name: np.concatenate([directed[name], values]) for name, values in length_rows.items()}
    made = []
    for part in range(partitions):
        chosen = directed["part"] == part
        rows = _first_centre_rows({name: values[chosen] for name, values in directed.items()}, partitions=partitions)
        assert (rows["part"] == partition_of(rows["node"], partitions)).all()
        made.append(rows)
    expected = rows_of_pairs(pairs, lengths_arr if longest else np.zeros(n, dtype=np.int64))
    assert _as_rows(*made) == _as_rows(expected)
