"""A multi-node Ray cluster on this machine, and a driver process that cleans on it.

``ray start --head`` and ``ray start --address`` worker nodes on 127.0.0.1, each with its own
temp dir and CPU count (what ``tests/test_distributed_cluster.py`` and
``benchmarks/test_bench_nodes.py`` run on). Token authentication, on by default for
``ray start`` in recent Ray, is turned off for a cluster of one machine (``RAY_AUTH_MODE``).
Stopping kills this cluster's processes only (found by its temp dir), not other Ray
sessions of the machine.
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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: The driver: reads a JSONL corpus with Ray Data (on the workers), cleans it and has the
#: workers write the cleaned blocks; prints "started" once joined, then writes the findings as JSON to a file (Ray
#: may print a lost node's log lines on standard output, so the findings do not go there).
DRIVER = """
import json, logging, resource, sys, threading, time
import ray, ray.data
from dedup import distributed as dd

def status():
    with open("/proc/self/status") as f:
        return {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in f) if k.startswith("Rss")}

peaks, done = status(), threading.Event()
def sample():  # the peak of each part of the resident set: the driver's own heap (RssAnon), mapped files, shared
    while not done.wait(0.02):
        for k, v in status().items():
            peaks[k] = max(peaks[k], v)
threading.Thread(target=sample, daemon=True).start()
address, corpus, out, paragraph_limit, edge_limit, findings = sys.argv[1:7]
limits = {"paragraph_limit": int(paragraph_limit)}
if edge_limit != "default":  # and the passage runs' limit: 0 leaves every clustering to rounds on the nodes
    limits["edge_limit"] = limits["run_limit"] = int(edge_limit)
engine = dd.RayClusterEngine(**limits)
ray.init(address=address, log_to_driver=False, logging_level=logging.ERROR)
ray.data.DataContext.get_current().enable_progress_bars = False
logging.getLogger("ray.data").setLevel(logging.ERROR)
print("started", flush=True)
if "--signal-rounds" in sys.argv:  # "rounds" on standard output when the first centre rounds start (a kill's cue)
    engine_class, centre_labels = dd.RayClusterEngine, dd.RayClusterEngine._centre_labels
    def signalled(self, *args, **kwargs):
        print("rounds", flush=True)
        engine_class._centre_labels = centre_labels
        return centre_labels(self, *args, **kwargs)
    engine_class._centre_labels = signalled
batch_size = int(sys.argv[sys.argv.index("--batch-size") + 1]) if "--batch-size" in sys.argv else 100
spill = None
if "--spill" in sys.argv:  # the tables' columns to a folder, as the command's driver does (numbers as memory maps)
    import pathlib, tempfile
    spill = pathlib.Path(tempfile.mkdtemp(prefix="spill-", dir=pathlib.Path(out).parent))
before = status()
start = time.perf_counter()
report = dd.clean_report(
    ray.data.read_json(corpus),
    cross_document=True,
    with_clusters=True,
    batch_size=batch_size,
    out=out,
    engine=engine,
    spill=spill,
)
seconds = time.perf_counter() - start
done.set()
findings_ = {
    "seconds": seconds,
    "alive": sum(node["Alive"] for node in ray.nodes()),
    "report": [[x.to_dict() for x in part] for part in (report.clusters, report.passages, report.boilerplate)],
    "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "peak_anon_kb": peaks["RssAnon"],
    "anon_before_kb": before["RssAnon"],
    "peak_shared_kb": peaks["RssShmem"],
}
with open(findings, "w") as f:
    json.dump(findings_, f)
"""


@dataclass(frozen=True)
class LocalCluster:
    """A running cluster: its GCS address, the environment to join it with, its temp root."""

    address: str
    env: dict[str, str]
    root: Path

    def raylet(self, node: str) -> int:
        """The process id of node ``node``'s raylet (``"head"``, ``"worker1"`` …)."""
        (pid,) = [p for p in _pids_of(f"{self.root}/{node}/") if "raylet/raylet" in _command(p)]
        return pid


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
    except OSError:
        return ""


def _pids_of(marker: str) -> list[int]:
    """Processes whose command line holds ``marker``."""
    return [int(pid) for pid in filter(str.isdigit, os.listdir("/proc")) if marker in _command(int(pid))]


def ray_command() -> str | None:
    """The ``ray`` command of this Python, or None."""
    found = shutil.which("ray") or str(Path(sys.executable).parent / "ray")
    return found if Path(found).exists() else None


@contextmanager
def local_cluster(workers: int, cpus: int = 1) -> Iterator[LocalCluster]:
    """A head and ``workers`` worker nodes of ``cpus`` CPUs each, stopped on leaving."""
    command = ray_command()
    if command is None:
        raise RuntimeError("the ray command is not installed: pip install 'dedup[ray]'")
    env = {**os.environ, "RAY_AUTH_MODE": "disabled", "PYTHONPATH": str(ROOT)}
    root = Path(tempfile.mkdtemp(prefix="dr", dir="/tmp"))  # Ray's socket paths must stay short
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    common = ["--node-ip-address=127.0.0.1", f"--num-cpus={cpus}", "--disable-usage-stats"]
    try:
        head = [command, "start", "--head", f"--port={port}", "--include-dashboard=false", f"--temp-dir={root}/head"]
        subprocess.run([*head, *common], env=env, check=True, capture_output=True, timeout=120)
        for k in range(1, workers + 1):
            worker = [command, "start", f"--address=127.0.0.1:{port}", f"--temp-dir={root}/worker{k}"]
            subprocess.run([*worker, *common], env=env, check=True, capture_output=True, timeout=120)
        yield LocalCluster(f"127.0.0.1:{port}", env, root)
    finally:
        for pid in _pids_of(str(root)):  # this cluster's processes; their workers follow their raylet
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(root, ignore_errors=True)


def _await_line(process: subprocess.Popen[str], cue: str) -> None:
    """Read ``process``'s standard output up to a line that is ``cue`` (other lines — Ray's own — are passed
    over); raise if the output ends first."""
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip() == cue:
            return
    raise RuntimeError(f"the driver ended before printing {cue!r}: {process.communicate()[1][-3000:]}")


def _killed_mid_run(
    start: Callable[[], subprocess.Popen[str]], cluster: LocalCluster, node: str, after: float, what: str
) -> tuple[subprocess.Popen[str], float]:
    """Start a process (``start`` returns it at its cue: once started, or once it printed what it was awaited for)
    and SIGKILL ``node``'s raylet ``after`` seconds later. One that ends sooner — a faster machine — is started again,
    the kill at half the time it took, so that it lands mid-run (three tries); one that fails raises. Returns the
    running process and the seconds after its cue at which the node was killed."""
    for _ in range(3):
        process = start()
        cued = time.monotonic()
        try:
            _, stderr = process.communicate(timeout=after)
        except subprocess.TimeoutExpired:
            os.kill(cluster.raylet(node), signal.SIGKILL)
            return process, after
        if process.returncode != 0:
            raise RuntimeError(f"{what} failed: {stderr[-3000:]}")
        after = (time.monotonic() - cued) / 2
    raise RuntimeError(f"{what} ended each time before {node} was to be killed")


def clean_on(
    cluster: LocalCluster,
    texts: Sequence[str],
    name: str,
    kill: str | None = None,
    after: float = 0.0,
    paragraph_limit: int = 1_000_000,
    stall: float = 900.0,
    edge_limit: int | None = None,
    cue: str = "started",
    spill: bool = False,
    batch_size: int = 100,
) -> dict[str, Any]:
    """Run :data:`DRIVER` on ``texts`` (written as JSONL) in a new process joined to ``cluster``, its engine's
    ``paragraph_limit`` as given (the default's: the driver matches the long paragraphs of a small corpus), and its
    ``edge_limit`` and ``run_limit`` (None: the engine's defaults; 0: every document clustering by rounds on the
    nodes, and the passage runs' regions and components found there). With ``spill`` the driver's tables go to a
    folder beside the corpus, as the command's do (:class:`dedup.clean.TableBuilder`); ``batch_size``: documents a
    block.

    With ``kill`` (a node name), that node's raylet is SIGKILLed ``after`` seconds after the driver joined
    (``cue="started"``) or began its first centre rounds (``cue="rounds"``, with ``edge_limit=0``) — a driver that
    ends sooner is run again, the kill at half the time it took from the cue, so that it lands mid-run; a driver still
    running ``stall`` seconds later — Ray's recovery of a lost node can stall (README, "On a Ray cluster") — is stopped
    and run again on the nodes left, as a caller would (its name goes
    to :data:`RESUMED`). Returns the driver's JSON: ``seconds``, ``alive`` nodes at the end (a killed node may not be
    marked dead yet: Ray's health checks take seconds), ``killed_after`` (the seconds after the cue at which the node
    was killed while the driver ran; None without ``kill``),
    ``report`` (clusters, passages, boilerplate as dicts), ``peak_rss_kb`` (the whole resident set),
    ``peak_anon_kb`` (its own heap, sampled every 20 ms), ``anon_before_kb`` (its heap once joined, before the
    clean), ``peak_shared_kb`` (object-store pages it mapped), and ``out``, the folder the workers wrote.
    """
    corpus = cluster.root / f"{name}.jsonl"
    corpus.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts), encoding="utf-8")
    out = cluster.root / f"{name}-out"
    findings = cluster.root / f"{name}.json"
    limits = [str(paragraph_limit), "default" if edge_limit is None else str(edge_limit)]
    args = [sys.executable, "-c", DRIVER, cluster.address, str(corpus), str(out), *limits, str(findings)]
    if cue == "rounds":
        args.append("--signal-rounds")
    if spill:
        args.append("--spill")
    args += ["--batch-size", str(batch_size)]

    def start() -> subprocess.Popen[str]:
        shutil.rmtree(out, ignore_errors=True)
        findings.unlink(missing_ok=True)
        driver = subprocess.Popen(args, env=cluster.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if kill is not None:
            _await_line(driver, "started")
            if cue != "started":
                _await_line(driver, cue)
        return driver

    killed_at: float | None = None
    if kill is None:
        driver = start()
    else:
        driver, killed_at = _killed_mid_run(start, cluster, kill, after, f"the driver ({name})")
    try:
        _, stderr = driver.communicate(timeout=stall if kill is not None else 900)
    except subprocess.TimeoutExpired:
        driver.kill()
        driver.communicate()
        RESUMED.append(name)
        print(f"the driver ({name}) still running {stall:.0f} s after {kill} was killed: stopped, run again")
        shutil.rmtree(out, ignore_errors=True)
        driver = subprocess.Popen(args, env=cluster.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _, stderr = driver.communicate(timeout=900)
    if driver.returncode != 0:
        raise RuntimeError(f"the driver failed: {stderr[-3000:]}")
    return {**json.loads(findings.read_text()), "out": out, "killed_after": killed_at}


def command_on(
    cluster: LocalCluster | None,
    texts: Sequence[str],
    name: str,
    folder: Path,
    kill: str | None = None,
    after: float = 0.0,
    stall: float = 900.0,
) -> Path:
    """Run ``dedup clean`` on ``texts`` (written as ``folder/corpus.jsonl``, the same path for every run) with
    ``--engine ray`` joined to ``cluster`` (None: ``--engine local``); with ``kill``, that node's raylet is
    SIGKILLed ``after`` seconds after the command started. A run that ends sooner (a faster machine) is
    made again, the kill at half the time it took, so that it lands mid-run. A run still going ``stall``
    seconds after the kill — Ray's recovery of a lost node can stall (README, "On a Ray cluster") — is
    interrupted as a user would (Ctrl-C, then SIGKILL if it does not stop) and finished with ``--resume``;
    :data:`RESUMED` lists the names of such runs. Returns the output folder."""
    corpus = folder / "corpus.jsonl"
    corpus.write_text(
        "".join(json.dumps({"id": f"d{i}", "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts)),
        encoding="utf-8",
    )
    out = folder / f"{name}-out"
    engine = ["--engine", "ray", "--address", cluster.address] if cluster is not None else []
    args = [sys.executable, "-m", "dedup", "clean", str(corpus), "-o", str(out), "--cross-document", "--no-report"]

    def start() -> subprocess.Popen[str]:
        shutil.rmtree(out, ignore_errors=True)
        return subprocess.Popen(
            [*args, "--quiet", *engine],
            env=cluster.env if cluster is not None else None,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    if kill is None or cluster is None:
        command = start()
    else:
        command, _ = _killed_mid_run(start, cluster, kill, after, f"dedup clean ({name})")
    try:
        _, stderr = command.communicate(timeout=stall if kill is not None else 900)
    except subprocess.TimeoutExpired:
        command.send_signal(signal.SIGINT)
        try:
            command.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            command.kill()
            command.communicate()
        RESUMED.append(name)
        print(f"dedup clean ({name}) still running {stall:.0f} s after {kill} was killed: interrupted, --resume")
        resumed = subprocess.run(
            [*args, "--quiet", *engine, "--resume"], env=cluster.env if cluster is not None else None, cwd=ROOT,
            capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        command, stderr = resumed, resumed.stderr  # type: ignore[assignment]
    if command.returncode != 0:
        raise RuntimeError(f"dedup clean failed ({command.returncode}): {stderr[-3000:]}")
    return out


RESUMED: list[str] = []  # runs that stalled after the kill: finished with --resume (command_on) or run again (clean_on)


def news_corpus(documents: Sequence[str], copies: int) -> list[str]:
    """Documents (each copy with its own edition line), and 40 of them inside a site's template."""
    pages = [f"{doc}\n（第{k}版）" for k in range(copies) for doc in documents]
    return pages + [f"人民网 > 新闻 > 国内\n{doc}\n责任编辑：王明 版权所有 人民网" for doc in documents[:40]]
