"""dedup.pool: batches worked on in processes, results taken in order."""

from __future__ import annotations

import os
import time

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


def test_closing_drops_what_is_pending_and_stops_the_processes() -> None:
    taken: list[list[int]] = []
    pool = InOrder(_slow_square, lambda result, _: taken.append(result[0]), 2, delay=0.05)
    for k in range(4):
        pool.submit([k])
    executor = pool._pool
    pool.close()
    assert pool._pool is None and not pool._pending and executor is not None
    with pytest.raises(RuntimeError, match="shutdown"):
        executor.submit(_slow_square, [1], delay=0.0)
    pool.close()  # twice is fine
    assert taken == []


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
