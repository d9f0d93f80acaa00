"""dedup.distributed on a multi-node Ray cluster: a head and two worker nodes started with
``ray start`` on 127.0.0.1, one CPU and one temp dir each.

The driver runs in a subprocess joined to the cluster, as a user's would: it reads a JSONL
corpus with ``ray.data.read_json`` (so the workers read it), cleans it, and has the workers
write the cleaned blocks (``clean_report(..., out=...)``). Checked:

- the findings and every cleaned document equal the single machine's;
- a worker node killed mid-run (SIGKILL of its raylet) does not change them: Ray retries the
  node's tasks elsewhere and rebuilds its lost blocks from their lineage.

Skipped without Ray or without the ``ray`` command. Token authentication, on by default for
``ray start`` in recent Ray, is turned off for this cluster of one machine (``RAY_AUTH_MODE``).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import dedup

ROOT = Path(__file__).resolve().parent.parent
DRIVER = """
import json, logging, resource, sys
import ray, ray.data
from dedup import distributed as dd

address, corpus, out = sys.argv[1:4]
ray.init(address=address, log_to_driver=False, logging_level=logging.ERROR)
ray.data.DataContext.get_current().enable_progress_bars = False
logging.getLogger("ray.data").setLevel(logging.ERROR)
print("started", flush=True)
report = dd.clean_report(ray.data.read_json(corpus), cross_document=True, with_clusters=True, batch_size=100, out=out)
print(json.dumps({
    "alive": sum(node["Alive"] for node in ray.nodes()),
    "report": [[x.to_dict() for x in part] for part in (report.clusters, report.passages, report.boilerplate)],
    "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pids_of(marker: str) -> list[int]:
    """Processes whose command line holds ``marker`` (this cluster's temp dir)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        if marker in command:
            found.append(int(pid))
    return found


@pytest.fixture(scope="module")
def cluster() -> Iterator[dict[str, object]]:
    """Three Ray nodes on this machine; their address, environment and temp root."""
    pytest.importorskip("ray")
    pytest.importorskip("ray.data")
    ray_command = shutil.which("ray") or str(Path(sys.executable).parent / "ray")
    if not Path(ray_command).exists():
        pytest.skip("the ray command is not installed")
    env = {**os.environ, "RAY_AUTH_MODE": "disabled", "PYTHONPATH": str(ROOT)}
    root = Path(tempfile.mkdtemp(prefix="dr", dir="/tmp"))  # Ray's socket paths must stay short
    port = _free_port()
    common = ["--node-ip-address=127.0.0.1", "--num-cpus=1", "--disable-usage-stats"]
    head = [ray_command, "start", "--head", f"--port={port}", "--include-dashboard=false", f"--temp-dir={root}/head"]
    try:
        subprocess.run([*head, *common], env=env, check=True, capture_output=True, timeout=120)
        for k in (1, 2):
            worker = [ray_command, "start", f"--address=127.0.0.1:{port}", f"--temp-dir={root}/worker{k}"]
            subprocess.run([*worker, *common], env=env, check=True, capture_output=True, timeout=120)
        yield {"address": f"127.0.0.1:{port}", "env": env, "root": root}
    finally:
        for pid in _pids_of(str(root)):  # this cluster's processes only; their workers follow their raylet
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(root, ignore_errors=True)


def _corpus(news_docs: list[str], copies: int) -> list[str]:
    """News documents (each copy with its own edition line), and 40 of them inside a site's template."""
    pages = [f"{doc}\n（第{k}版）" for k in range(copies) for doc in news_docs]
    return pages + [f"人民网 > 新闻 > 国内\n{doc}\n责任编辑：王明 版权所有 人民网" for doc in news_docs[:40]]


def _run(cluster: dict[str, object], texts: list[str], name: str, kill_after: float | None = None) -> dict:
    root = Path(str(cluster["root"]))
    corpus = root / f"{name}.jsonl"
    corpus.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts), encoding="utf-8")
    out = root / f"{name}-out"
    driver = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(cluster["address"]), str(corpus), str(out)],
        env=cluster["env"],  # type: ignore[arg-type]
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if kill_after is not None:
        assert driver.stdout is not None and driver.stdout.readline().strip() == "started"
        time.sleep(kill_after)
        (raylet,) = [
            pid
            for pid in _pids_of(f"{root}/worker1/")
            if "raylet/raylet" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
        ]
        os.kill(raylet, signal.SIGKILL)
    stdout, stderr = driver.communicate(timeout=600)
    assert driver.returncode == 0, stderr[-3000:]
    result = json.loads(stdout.strip().splitlines()[-1])
    from dedup.distributed import read_cleaned

    result["cleaned"] = list(read_cleaned(out))
    return result


def _expected(texts: list[str]) -> tuple[list, list]:
    report = dedup.clean_report(texts, cross_document=True, with_clusters=True)
    findings = [[x.to_dict() for x in part] for part in (report.clusters, report.passages, report.boilerplate)]
    return findings, report.cleaned


def test_three_nodes_read_clean_and_write_as_one_machine(cluster: dict[str, object], news_docs: list[str]) -> None:
    texts = _corpus(news_docs, 1)
    result = _run(cluster, texts, "once")
    findings, cleaned = _expected(texts)
    assert result["alive"] == 3
    assert result["report"] == findings and len(findings[0]) == 40  # the 40 pages in a template
    assert result["cleaned"] == cleaned
    assert {r.kind for c in cleaned for r in c.removed} >= {"document", "recurring"}


def test_a_worker_node_killed_mid_run_changes_nothing(cluster: dict[str, object], news_docs: list[str]) -> None:
    texts = _corpus(news_docs, 4)
    result = _run(cluster, texts, "killed", kill_after=4.0)
    findings, cleaned = _expected(texts)
    assert result["alive"] == 2  # the run finished without the node
    assert result["report"] == findings
    assert result["cleaned"] == cleaned
