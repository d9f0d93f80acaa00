"""dedup.distributed on a multi-node Ray cluster: a head and two worker nodes started with
``ray start`` on 127.0.0.1, one CPU and one temp dir each (:mod:`benchmarks.cluster`).

The driver runs in a subprocess joined to the cluster, as a user's would: it reads a JSONL
corpus with ``ray.data.read_json`` (so the workers read it), cleans it, and has the workers
write the cleaned blocks (``clean_report(..., out=...)``). Checked:

- the findings and every cleaned document equal the single machine's;
- with the long paragraphs matched on the driver and on the workers (passage runs merged and
  paragraphs compared where they are);
- a worker node killed mid-run (SIGKILL of its raylet) does not change them: Ray retries the
  node's tasks elsewhere and rebuilds its lost blocks from their lineage; also killed half a second into the first
  centre rounds, every document clustering running by rounds on the nodes;
- the driver's heap, with everything on the workers and the tables spilled, grows with the blocks, not the
  documents (4x and 16x the corpus in as many blocks);
- the command, ``dedup clean --engine ray`` on a JSONL file (its workers read the file and write the
  rows), writes the same files as ``--engine local``, also with a worker node killed mid-run.

Skipped without Ray or without the ``ray`` command.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import dedup
from benchmarks.cluster import LocalCluster, clean_on, command_on, local_cluster, news_corpus, ray_command


def _three_nodes() -> Iterator[LocalCluster]:
    pytest.importorskip("ray")
    pytest.importorskip("ray.data")
    if ray_command() is None:
        pytest.skip("the ray command is not installed")
    with local_cluster(workers=2) as running:
        yield running


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """Three nodes for the module's tests (they kill its worker nodes one after the other)."""
    yield from _three_nodes()


@pytest.fixture
def own_cluster() -> Iterator[LocalCluster]:
    """Three nodes for one test."""
    yield from _three_nodes()


def _expected(texts: list[str]) -> tuple[list, list]:
    report = dedup.clean_report(texts, cross_document=True, with_clusters=True)
    findings = [[x.to_dict() for x in part] for part in (report.clusters, report.passages, report.boilerplate)]
    return findings, report.cleaned


def _cleaned(result: dict) -> list[dedup.Cleaned]:
    from dedup.distributed import read_cleaned

    return list(read_cleaned(result["out"]))


@pytest.mark.parametrize("limit", [1_000_000, 0], ids=["paragraphs-and-pairs-on-driver", "both-on-workers"])
def test_three_nodes_read_clean_and_write_as_one_machine(
    cluster: LocalCluster, news_docs: list[str], limit: int
) -> None:
    """Both ways of matching long paragraphs and clustering documents: on the driver (the defaults below a million
    long paragraphs and 20 M verified pairs), and on the workers, where the passage runs are merged and the
    paragraphs compared on the nodes that hold them, and the documents clustered by centre rounds there."""
    texts = news_corpus(news_docs, 1)
    result = clean_on(cluster, texts, f"once{limit}", paragraph_limit=limit, edge_limit=None if limit else 0)
    findings, cleaned = _expected(texts)
    assert result["alive"] == 3
    assert result["report"] == findings and len(findings[0]) == 40  # the 40 pages in a template
    assert _cleaned(result) == cleaned
    assert {r.kind for c in cleaned for r in c.removed} >= {"document", "recurring"}


def test_a_worker_node_killed_mid_run_changes_nothing(cluster: LocalCluster, news_docs: list[str]) -> None:
    texts = news_corpus(news_docs, 4)
    # The long paragraphs matched on the workers: the node's share of the runs and comparisons is redone elsewhere.
    # Ray's retries and lineage reconstruction finish the run; one its recovery leaves stalled is run again.
    result = clean_on(cluster, texts, "killed", kill="worker1", after=4.0, paragraph_limit=0, stall=240.0)
    findings, cleaned = _expected(texts)
    assert result["killed_after"] is not None  # killed while the driver ran (Ray may not have marked it dead yet)
    assert result["report"] == findings
    assert _cleaned(result) == cleaned


def test_a_worker_node_killed_in_the_centre_rounds_changes_nothing(
    own_cluster: LocalCluster, news_docs: list[str]
) -> None:
    """Every document clustering by centre rounds on the nodes (``edge_limit=0``), a worker node killed half a second
    after the first rounds begin: the node's tasks are retried and the rows it held rebuilt from their lineage (one
    round's from the round before), and the findings and cleaned documents are one machine's."""
    texts = news_corpus(news_docs[:100], 4)
    killed = {"kill": "worker1", "cue": "rounds", "after": 0.5, "stall": 240.0}
    result = clean_on(own_cluster, texts, "rounds", paragraph_limit=0, edge_limit=0, **killed)
    findings, cleaned = _expected(texts)
    assert result["killed_after"] is not None
    assert result["report"] == findings
    assert _cleaned(result) == cleaned


@pytest.mark.slow
def test_the_drivers_heap_grows_with_the_blocks_not_the_documents(
    own_cluster: LocalCluster, news_docs: list[str]
) -> None:
    """Everything on the workers (long paragraphs, document clusterings, passage runs) and the tables spilled, as the
    command runs it: 4x and 16x the corpus in the same number of blocks (9), the heap the driver adds while it cleans
    (RssAnon, sampled every 20 ms) grows by less than 6 MB for 2,400 more documents (measured: 35.2 -> 38.0-38.5 MB;
    README, "On a Ray cluster"). What grows with the blocks is Ray's bookkeeping of them (issue #20 allows it)."""
    added = {}
    for scale, batch_size in ((4, 100), (16, 400)):
        texts = news_corpus(news_docs, scale)
        limits = {"paragraph_limit": 0, "edge_limit": 0, "spill": True, "batch_size": batch_size}
        result = clean_on(own_cluster, texts, f"flat{scale}", **limits)
        findings, cleaned = _expected(texts)
        assert result["report"] == findings and _cleaned(result) == cleaned
        assert len(list((own_cluster.root / f"flat{scale}-out").glob("part-*.jsonl"))) == 9
        added[scale] = (result["peak_anon_kb"] - result["anon_before_kb"]) / 1024
    assert added[16] - added[4] < 6.0, added


def test_the_command_on_three_nodes_writes_what_one_machine_writes(
    cluster: LocalCluster, news_docs: list[str], tmp_path: Path
) -> None:
    texts = news_corpus(news_docs, 4)
    local = command_on(None, texts, "local", tmp_path)
    # Ray's retries and lineage reconstruction finish the run; when its recovery stalls instead (a few runs in
    # twenty on this machine, README "On a Ray cluster"), Ctrl-C and --resume do, as a user would.
    on_ray = command_on(cluster, texts, "ray", tmp_path, kill="worker2", after=6.0, stall=240.0)
    for name in ("cleaned.jsonl", "clusters.jsonl", "boilerplate.jsonl", "summary.json"):
        assert (on_ray / name).read_bytes() == (local / name).read_bytes(), name
    assert len((local / "clusters.jsonl").read_text(encoding="utf-8").splitlines()) == 200
