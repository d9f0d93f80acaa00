"""The library's log: logger ``dedup``, phases announced and timed.

dedup prints nothing; it logs. A caller sees the phases of a long run (``plan: near-duplicate
documents …``) by giving the logger a handler — ``logging.basicConfig(level=logging.INFO)`` —
and their timings and sizes at ``DEBUG``. The command line forwards the log to stderr: INFO by
default, DEBUG with ``-v``, warnings only with ``-q``.

Also what a long phase needs of the interpreter: :func:`collector_paused`.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused", "logger", "phase"]

logger = logging.getLogger("dedup")


@contextmanager
def phase(name: str, what: str = "", level: int = logging.INFO) -> Iterator[dict[str, object]]:
    """Announce ``name`` at ``level`` (INFO: a phase a user waits for; DEBUG: a step inside
    one), then log its seconds and whatever the block put in the yielded dict at DEBUG
    (``facts["clusters"] = 12``)."""
    facts: dict[str, object] = {}
    logger.log(level, "%s%s", name, f": {what}" if what else "")
    start = time.perf_counter()
    try:
        yield facts
    finally:
        shown = ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in facts.items())
        logger.debug("%s done in %.2f s%s", name, time.perf_counter() - start, f" ({shown})" if shown else "")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a block builds many small objects, then restore it.

    Building the removals and findings of a large collection (a ``Span`` a boilerplate line, a
    ``Removal`` a cut) makes hundreds of thousands of tracked objects; each full collection the
    collector starts meanwhile walks all of them again. The objects made here hold no cycles, so
    reference counting frees them as before; a collector disabled by the caller stays disabled.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
