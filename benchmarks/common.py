"""What every benchmark records about its call, for :mod:`benchmarks.report`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def describe(benchmark: Any, impl: str, label: str, texts: Sequence[str] | None = None, **extra: Any) -> None:
    """Record one call: the implementation, a label, and what it processes.

    Parameters
    ----------
    benchmark : pytest_benchmark fixture
    impl : str
        ``"dedup"``, ``"datasketch"``, ``"rensa"``… (the report's ratios are per ``impl``).
    label : str
        The row's name in the report.
    texts : sequence of str, optional
        The documents of one call: their count, characters and UTF-8 bytes are recorded.
    **extra
        More fields (e.g. ``scale``, ``peak_rss_bytes``); they override the counted ones.
    """
    info: dict[str, Any] = {"impl": impl, "label": label}
    if texts is not None:
        info.update(
            docs=len(texts),
            total_chars=sum(map(len, texts)),
            total_bytes=sum(len(text.encode("utf-8")) for text in texts),
        )
    benchmark.extra_info.update(info | extra)
