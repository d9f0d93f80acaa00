"""Worker processes that run one function on consecutive batches and hand the results back in order.

What ``clean(processes=N)`` and ``find_duplicates(processes=N)`` tabulate on: each batch's
tables depend on that batch alone, so they can be made anywhere, as long as they are joined
in the order the batches came. On Linux the processes are forked (they start in
milliseconds and the caller's script needs no ``if __name__ == "__main__"`` guard);
elsewhere they are spawned.

The processes outlive a call: the next call with as many processes takes them up again (a fresh
fork of a large caller costs about 0.2 s of a People's Daily month's 0.6 s with two processes), and
they stop after :data:`IDLE_SECONDS` without work, at exit, or with :func:`shutdown`. They are forked
when a call first needs them, so they hold the caller's modules as they were then.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import sys
import threading
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
    if not fork:
        return ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("spawn"))
    # Taken before the pool makes its own pipes, which the processes keep.
    inherited = _open_files()
    return ProcessPoolExecutor(
        max_workers=processes,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_close_files,
        initargs=(inherited,),
    )


def _open_files() -> tuple[tuple[int, int, int], ...]:
    """``(descriptor, device, inode)`` of each file this process has open above stderr (Linux's ``/proc/self/fd``;
    none elsewhere)."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return ()
    files = []
    for fd in sorted(int(name) for name in names if int(name) > 2):
        try:
            status = os.fstat(fd)
        except OSError:  # the listing's own descriptor, closed since
            continue
        files.append((fd, status.st_dev, status.st_ino))
    return tuple(files)


def _close_files(files: tuple[tuple[int, int, int], ...]) -> None:
    """A forked process's first step: close the caller's files (:func:`_open_files` before the fork) that it
    holds still, so they close when the caller closes them.

    A kept process outlives the call: holding the write end of a pipe the caller opened before (to
    ``gzip``, to a browser's driver), it kept the reader from ever seeing the end of its input until the
    processes stopped (:data:`IDLE_SECONDS` later). A descriptor whose number now names another file (a
    pipe of the pool's own, made after the list) is left.
    """
    for fd, device, inode in files:
        try:
            status = os.fstat(fd)
            if (status.st_dev, status.st_ino) == (device, inode):
                os.close(fd)
        except OSError:
            continue


#: Seconds the kept processes wait for the next call before they stop.
IDLE_SECONDS = 60.0


class _Kept:
    """The processes kept between calls: one pool, its size, the process that made it, how many
    :class:`InOrder` use it, and the timer that stops it when idle."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.forget()

    def forget(self) -> None:
        self.pool: ProcessPoolExecutor | None = None
        self.processes, self.pid, self.users = 0, 0, 0
        self.timer: threading.Timer | None = None

    def acquire(self, processes: int) -> tuple[ProcessPoolExecutor, bool]:
        """A pool of ``processes``, and whether it is the kept one (else the caller's own, when the kept one
        is busy at another size)."""
        with self.lock:
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
            kept = self.pool
            unusable = kept is not None and (self.pid != os.getpid() or _broken(kept))
            if kept is not None and (unusable or (self.processes != processes and not self.users)):
                if self.pid == os.getpid():
                    kept.shutdown(wait=False, cancel_futures=True)
                self.forget()
            if self.pool is None:
                self.pool, self.processes, self.pid = _process_pool(processes), processes, os.getpid()
            if self.processes != processes:
                return _process_pool(processes), False
            self.users += 1
            return self.pool, True

    def release(self, pool: ProcessPoolExecutor) -> None:
        with self.lock:
            if pool is not self.pool:  # replaced meanwhile (broken): already stopped
                return
            self.users -= 1
            if not self.users and self.pool is not None:
                self.timer = threading.Timer(IDLE_SECONDS, self.stop_if_idle)
                self.timer.daemon = True
                self.timer.start()

    def stop_if_idle(self) -> None:
        with self.lock:
            if self.users or self.pool is None:
                return
            pool, mine = self.pool, self.pid == os.getpid()
            self.forget()
        if mine:
            pool.shutdown(wait=True, cancel_futures=True)


def _broken(pool: ProcessPoolExecutor) -> bool:
    """Whether a pool lost a process (killed, out of memory): marked broken, or a process found dead
    before the pool noticed."""
    processes = getattr(pool, "_processes", None) or {}
    return bool(getattr(pool, "_broken", False)) or not all(p.is_alive() for p in list(processes.values()))


_KEPT = _Kept()


def shutdown() -> None:
    """Stop the worker processes kept between calls, unless a call is using them (they also stop after
    :data:`IDLE_SECONDS` idle and at exit); a call that needs them again starts new ones."""
    _KEPT.stop_if_idle()


atexit.register(shutdown)


def _in_forked_child() -> None:
    """A forked child owns none of its parent's processes, nor a lock another thread of it held."""
    _KEPT.lock = threading.Lock()
    _KEPT.forget()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_in_forked_child)


class InOrder(Generic[R]):
    """Runs ``work`` on batches, here or on ``processes`` worker processes, and gives each result
    to ``take`` in the order the batches were submitted.

    At most ``2 * processes`` batches are in flight, so memory stays bounded by the batch.
    The processes are taken with the first batch (the kept ones, see the module docstring) and
    handed back in :meth:`finish` or :meth:`close`.

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
        self._kept = False
        self._pending: deque[tuple[Any, Future[R]]] = deque()

    def submit(self, batch: Sequence[Any], context: Any = None) -> None:
        """Run ``work`` on the next batch; ``context`` is handed to ``take`` with its result."""
        if self.processes == 1:
            self.take(self.work(batch, **self.kwargs), context)
            return
        if self._pool is None:
            self._pool, self._kept = _KEPT.acquire(self.processes)
        self._pending.append((context, self._pool.submit(self.work, list(batch), **self.kwargs)))
        while len(self._pending) > 2 * self.processes:
            self._take_oldest()

    def _take_oldest(self) -> None:
        context, future = self._pending.popleft()
        self.take(future.result(), context)

    def finish(self) -> None:
        """Take every pending result, then hand the processes back."""
        try:
            while self._pending:
                self._take_oldest()
        finally:
            self.close()

    def close(self) -> None:
        """Hand the processes back; pending batches are dropped (after a failure: a batch already running
        finishes in its process, unseen)."""
        if self._pool is not None:
            for _, future in self._pending:
                future.cancel()
            self._pending.clear()
            if self._kept:
                _KEPT.release(self._pool)
            else:
                self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
