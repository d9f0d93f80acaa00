"""dedup.pool: batches worked on in processes, results taken in order."""

from __future__ import annotations

import multiprocessing
import os
import select
import signal
import sys
import time
from typing import Any

import pytest

from dedup import InvalidOptionError, pool
from dedup.pool import InOrder, auto_processes, check_processes, parallel_batch_chars
from dedup.store import BATCH_CHARS


def _slow_square(batch: list[int], *, delay: float) -> tuple[list[int], int]:
    """The squares of a batch, later for smaller first numbers (so batches finish out of order)."""
    time.sleep(delay * (5 - batch[0] % 5))
    return [x * x for x in batch], os.getpid()


@pytest.mark.parametrize("processes", [1, 2, 3])
def test_results_are_taken_in_submission_order(processes: int) -> None:
    taken: list[tuple[list[int], str]] = []
    pids: set[int] = set()

    def take(result: tuple[list[int], int], context: str) -> None:
        taken.append((result[0], context))
        pids.add(result[1])

    pool = InOrder(_slow_square, take, processes, delay=0.01)
    for k in range(12):
        pool.submit([k, k + 1], context=f"batch {k}")
        assert len(pool._pending) <= 2 * processes  # bounded in flight
    pool.finish()
    assert taken == [([k * k, (k + 1) ** 2], f"batch {k}") for k in range(12)]
    assert (pids == {os.getpid()}) == (processes == 1)  # one process works here, more elsewhere


def _pid(batch: list[int]) -> int:
    return os.getpid()


def _worker_pids(processes: int, batches: int = 6) -> set[int]:
    """The processes an :class:`InOrder` of ``processes`` ran its batches on."""
    pids: set[int] = set()
    run = InOrder(_pid, lambda pid, _: pids.add(pid), processes)
    for k in range(batches):
        run.submit([k])
    run.finish()
    return pids


def test_closing_drops_what_is_pending_and_hands_the_processes_back() -> None:
    taken: list[list[int]] = []
    run = InOrder(_slow_square, lambda result, _: taken.append(result[0]), 2, delay=0.05)
    for k in range(4):
        run.submit([k])
    executor = run._pool
    run.close()
    assert run._pool is None and not run._pending and executor is not None
    run.close()  # twice is fine
    assert taken == []
    assert executor.submit(_pid, [0]).result() != os.getpid()  # kept for the next call
    pool.shutdown()
    with pytest.raises(RuntimeError, match="shutdown"):
        executor.submit(_pid, [0])


def test_processes_are_kept_between_calls_and_replaced_when_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    pool.shutdown()
    used = _worker_pids(2)
    kept_pool = pool._KEPT.pool
    assert kept_pool is not None and os.getpid() not in used
    first = set(kept_pool._processes)  # every process of the pool, used or not
    assert used <= first and _worker_pids(2) <= first and pool._KEPT.pool is kept_pool  # the same processes again
    other = _worker_pids(3)
    assert not other & first  # another size: new processes, the others stopped
    for pid in other:  # a worker killed: the next call starts new ones
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    assert not _worker_pids(3) & other
    monkeypatch.setattr(pool, "IDLE_SECONDS", 0.05)
    kept = _worker_pids(3)
    time.sleep(0.5)
    assert pool._KEPT.pool is None  # idle: stopped
    assert not _worker_pids(3) & kept


_BOTH: Any = None  # a barrier the forked processes inherit


def _meet(batch: list[int]) -> int:
    """Wait for the other process's batch: each process has run a batch, and so its first step, when both return."""
    _BOTH.wait(timeout=60)
    return os.getpid()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="processes are forked on Linux only")
def test_kept_processes_do_not_hold_the_callers_files_open() -> None:
    """A pipe the caller opened before the processes were forked ends when the caller closes it, though the
    processes live on (they held its write end for a minute, and its reader waited)."""
    global _BOTH
    pool.shutdown()
    read_end, write_end = os.pipe()
    _BOTH = multiprocessing.get_context("fork").Barrier(2)
    try:
        pids: set[int] = set()
        run = InOrder(_meet, lambda pid, _: pids.add(pid), 2)
        run.submit([0])
        run.submit([1])
        run.finish()
        assert len(pids) == 2 and pool._KEPT.pool is not None  # both processes closed what they had to
        os.close(write_end)
        assert select.select([read_end], [], [], 0)[0] == [read_end]  # readable at once: its end
        assert os.read(read_end, 1) == b""
        assert _worker_pids(2) <= set(pool._KEPT.pool._processes)  # the same processes work on
    finally:
        os.close(read_end)
        pool.shutdown()


def test_two_calls_at_once_at_two_sizes() -> None:
    """The kept processes busy at one size, a call at another has processes of its own, stopped at its end."""
    pool.shutdown()
    busy = InOrder(_pid, lambda pid, _: None, 2)
    busy.submit([0])
    kept = busy._pool
    assert _worker_pids(3)  # ran on its own processes
    assert pool._KEPT.pool is kept and pool._KEPT.processes == 2
    busy.finish()
    pool.shutdown()


@pytest.mark.parametrize("processes", [0, -1, True, 1.5, "2"])
def test_processes_must_be_a_whole_number(processes: object) -> None:
    with pytest.raises(InvalidOptionError, match="processes must be a whole number"):
        check_processes(processes)  # type: ignore[arg-type]


def test_batches_are_smaller_for_more_processes() -> None:
    assert parallel_batch_chars(1) == BATCH_CHARS
    assert parallel_batch_chars(2) == BATCH_CHARS // 4
    assert parallel_batch_chars(2, ["x" * 800_000]) == 100_000  # four batches a process
    assert parallel_batch_chars(4, ["x" * 1000]) == 1 << 16  # not below 64 K characters


def test_auto_processes_start_at_a_size_and_stop_at_the_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    assert pool.usable_cpus() == len(os.sched_getaffinity(0))
    monkeypatch.setattr(pool, "usable_cpus", lambda: 12)
    assert auto_processes(999, 1000) == 1  # too little to share out
    assert auto_processes(1000, 1000) == 8  # at most 8 by default
    assert auto_processes(1000, 1000, most=4) == 4
    monkeypatch.setattr(pool, "usable_cpus", lambda: 2)
    assert auto_processes(10**12, 1000) == 2


def test_the_commands_resolve_processes_auto_from_the_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    from dedup.cli.commands import resolve_processes
    from dedup.cli.parser import AUTO_PROCESSES_BYTES, build_parser
    from dedup.io import InputFile

    monkeypatch.setattr(pool, "usable_cpus", lambda: 2)
    parser = build_parser()

    def resolved(size: int, *argv: str) -> int:
        files = [InputFile(Path("a.jsonl"), "a.jsonl", "in/a.jsonl", "jsonl", size)]
        return resolve_processes(parser.parse_args([*argv, "in"]), files)

    clean_from, find_from = AUTO_PROCESSES_BYTES["clean"], AUTO_PROCESSES_BYTES["find"]
    assert parser.parse_args(["clean", "in", "--dry-run"]).processes is None  # auto is the default
    assert resolved(clean_from - 1, "clean") == 1 and resolved(clean_from, "clean") == 2
    assert resolved(clean_from, "find") == 1 and resolved(find_from, "find") == 2
    assert resolved(find_from, "clean", "--processes", "auto") == 2
    assert resolved(find_from, "clean", "--processes", "3") == 3  # as asked, whatever the CPUs
    assert resolved(find_from, "clean", "--engine", "ray") == 1  # Ray has its own workers
