"""Progress and messages on stderr: a bar on a terminal, plain ``dedup: …`` lines otherwise; the library's log
forwarded; phase timings."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from ..io import (
    Skipped,
)
from .common import MAX_SKIP_LINES_PER_FILE, printable


class Reporter:
    """Progress and messages on stderr: a progress bar when stderr is a terminal, plain
    log lines (at most one progress line every few seconds) otherwise."""

    LOG_EVERY = 5.0

    def __init__(self, quiet: bool, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.interactive = not quiet and self.stream.isatty() and os.environ.get("TERM") != "dumb"
        self._bar: Any = None
        self._skips_shown: Counter[str] = Counter()

    def _emit(self, line: str) -> None:
        line = printable(line)
        if self._bar is not None:
            self._bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream, flush=True)

    def info(self, message: str) -> None:
        if not self.quiet:
            self._emit(f"dedup: {message}")

    def warn(self, message: str) -> None:
        self._emit(f"dedup: {message}")

    def skipped(self, item: Skipped) -> None:
        """Report a skipped input (always; at most a few lines per file)."""
        self._skips_shown[item.source] += 1
        shown = self._skips_shown[item.source]
        if shown <= MAX_SKIP_LINES_PER_FILE:
            self.warn(f"skipped {item}")
        elif shown == MAX_SKIP_LINES_PER_FILE + 1:
            self.warn(f"skipped more of {item.source}: see summary.json")

    @contextmanager
    def progress(self, description: str, total: int, unit: str) -> Iterator[Progress]:
        bar = None
        if self.interactive:
            try:
                from tqdm import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                try:
                    width = os.get_terminal_size(self.stream.fileno()).columns
                except (OSError, ValueError):
                    width = 0
                size: dict[str, Any] = {"dynamic_ncols": True} if width else {"ncols": 80}  # a pty without a size
                scale = {"unit_scale": True, "unit_divisor": 1024} if unit == "B" else {}
                bar = tqdm(total=total, desc=description, unit=unit, file=self.stream, leave=False, **size, **scale)
        self._bar = bar
        try:
            yield Progress(self, description, total, unit, bar)
        finally:
            if bar is not None:
                bar.close()
            self._bar = None


class _LogToReporter(logging.Handler):
    """The library's log (logger ``dedup``) as ``dedup: …`` lines of the reporter."""

    def __init__(self, reporter: Reporter) -> None:
        super().__init__()
        self.reporter = reporter

    def emit(self, record: logging.LogRecord) -> None:
        self.reporter._emit(f"dedup: {record.getMessage()}")


class Progress:
    """One phase's progress: ``advance(n)`` moves the bar or logs now and then."""

    def __init__(self, reporter: Reporter, description: str, total: int, unit: str, bar: Any) -> None:
        self.reporter, self.description, self.total, self.unit, self.bar = reporter, description, total, unit, bar
        self.done = 0
        self._last_log = time.monotonic()

    def advance(self, n: int = 1, note: str = "") -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
            if note:
                self.bar.set_postfix_str(note, refresh=False)
        elif time.monotonic() - self._last_log >= Reporter.LOG_EVERY:
            self._last_log = time.monotonic()
            extra = f" ({note})" if note else ""
            if self.unit == "B":
                self.reporter.info(
                    f"{self.description}: {self.done / 2**20:,.1f} of {self.total / 2**20:,.1f} MB{extra}"
                )
            else:
                self.reporter.info(f"{self.description}: {self.done:,}/{self.total:,} {self.unit}{extra}")


class Timer:
    """Seconds spent in each named phase."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._start = time.perf_counter()

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = round(self.seconds.get(name, 0.0) + time.perf_counter() - start, 3)

    def total(self) -> float:
        return round(time.perf_counter() - self._start, 3)
