"""Worker processes that run one function on consecutive batches and hand the results back in order.

What ``clean(processes=N)`` and ``find_duplicates(processes=N)`` tabulate on: each batch's
tables depend on that batch alone, so they can be made anywhere, as long as they are joined
in the order the batches came. On Linux the processes are forked (they start in
milliseconds and the caller's script needs no ``if __name__ == "__main__"`` guard);
elsewhere they are spawned.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Generic, TypeVar

from .errors import InvalidOptionError
from .store import BATCH_CHARS

R = TypeVar("R")

_MIN_PARALLEL_BATCH = 1 << 16  # characters: smaller batches cost more to hand over than they save


def check_processes(processes: int) -> int:
    """``processes`` if it is a whole number of processes ≥ 1, else :class:`dedup.InvalidOptionError`."""
    if isinstance(processes, bool) or not isinstance(processes, int) or processes < 1:
        raise InvalidOptionError(f"processes must be a whole number >= 1, got {processes!r}")
    return processes


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the system has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def auto_processes(input_bytes: int, min_bytes: int, most: int = 8) -> int:
    """Processes to tabulate on when the user did not say: one below ``min_bytes`` of input (starting
    the pool and handing the tables over would cost what it saves), else a process a usable CPU, at
    most ``most``."""
    return 1 if input_bytes < min_bytes else min(most, usable_cpus())


def parallel_batch_chars(processes: int, texts: Sequence[str] | None = None) -> int:
    """Characters a batch for ``processes`` processes: :data:`dedup.store.BATCH_CHARS` for one; a quarter
    of it for more (batches of 256 K characters tabulate as fast, and the processes share the
    work more evenly), and with ``texts`` in memory small enough that each process has about four."""
    if processes == 1:
        return BATCH_CHARS
    chars = BATCH_CHARS // 4
    if texts is not None:
        chars = min(chars, -(-sum(map(len, texts)) // (4 * processes)))
    return max(chars, _MIN_PARALLEL_BATCH)


def _process_pool(processes: int) -> ProcessPoolExecutor:
    fork = sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    return ProcessPoolExecutor(max_workers=processes, mp_context=context)


class InOrder(Generic[R]):
    """Runs ``work`` on batches, here or on ``processes`` worker processes, and gives each result
    to ``take`` in the order the batches were submitted.

    At most ``2 * processes`` batches are in flight, so memory stays bounded by the batch.
    The pool starts with the first batch and stops in :meth:`finish` or :meth:`close`.

    Parameters
    ----------
    work : callable
        ``work(batch, **kwargs)``, a module-level function (it is pickled by name).
    take : callable
        ``take(result, context)``, called in this process, in submission order.
    processes : int
        1 runs ``work`` here, at once.
    **kwargs
        Passed to every ``work`` call.
    """

    def __init__(
        self, work: Callable[..., R], take: Callable[[R, Any], None], processes: int = 1, **kwargs: Any
    ) -> None:
        self.work = work
        self.take = take
        self.processes = check_processes(processes)
        self.kwargs = kwargs
        self._pool: ProcessPoolExecutor | None = None
        self._pending: deque[tuple[Any, Future[R]]] = deque()

    def submit(self, batch: Sequence[Any], context: Any = None) -> None:
        """Run ``work`` on the next batch; ``context`` is handed to ``take`` with its result."""
        if self.processes == 1:
            self.take(self.work(batch, **self.kwargs), context)
            return
        if self._pool is None:
            self._pool = _process_pool(self.processes)
        self._pending.append((context, self._pool.submit(self.work, list(batch), **self.kwargs)))
        while len(self._pending) > 2 * self.processes:
            self._take_oldest()

    def _take_oldest(self) -> None:
        context, future = self._pending.popleft()
        self.take(future.result(), context)

    def finish(self) -> None:
        """Take every pending result, then stop the processes."""
        try:
            while self._pending:
                self._take_oldest()
        finally:
            self.close()

    def close(self) -> None:
        """Stop the processes; pending batches are dropped (after a failure)."""
        if self._pool is not None:
            for _, future in self._pending:
                future.cancel()
            self._pending.clear()
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
