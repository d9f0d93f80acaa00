"""Scaling: ``clean(cross_document=True)`` and ``find_duplicates`` at 1×, 4× and 16× corpus size,
and ``dedup clean --cross-document`` (the command, streaming its input) at 1×, 4×, 16× and 64×.

Time is measured in this process by pytest-benchmark (medians); peak memory in a fresh child
process per size and task (``python -m benchmarks.scaling``), recorded in ``extra_info`` as
``peak_rss_bytes`` next to ``total_bytes`` and ``scale``. ``python -m benchmarks.report`` turns
each group into a table with the time growth between sizes, the memory added per MB of text,
and the memory budget of issue #6 (peak RSS at 16× ≤ 3× the text size + 300 MB).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from benchmarks.common import describe
from benchmarks.scaling import (
    CLI_SCALES,
    SCALES,
    run_cli_clean,
    scaled_texts,
    write_texts,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[list[str], Path]]:
    folder = tmp_path_factory.mktemp("scaling")
    out = {}
    for scale in sorted(set(SCALES) | set(CLI_SCALES)):
        texts = scaled_texts(scale)
        path = folder / f"texts-{scale}x.jsonl"
        write_texts(texts, path)
        out[scale] = (texts, path)
    return out


def child_measurement(path: Path, task: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.scaling", str(path), task],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize("scale", SCALES, ids=[f"{s}x" for s in SCALES])
@pytest.mark.parametrize("task", ["clean", "find_duplicates"])
def test_scaling(
    benchmark: Any, corpora: dict[int, tuple[list[str], Path]], dedup_api: Callable[[str], Any], task: str, scale: int
) -> None:
    texts, path = corpora[scale]
    function = dedup_api(task)
    run = (lambda: function(texts, cross_document=True)) if task == "clean" else (lambda: function(texts))
    benchmark.group = f"scaling: {task}"
    describe_scaling(benchmark, f"{task} {scale}x", scale, child_measurement(path, task))
    result = benchmark.pedantic(run, rounds=3, iterations=1, warmup_rounds=0)
    assert len(result) == len(texts) if task == "clean" else all(len(c.members) >= 2 for c in result)


@pytest.mark.parametrize("scale", CLI_SCALES, ids=[f"{s}x" for s in CLI_SCALES])
def test_scaling_cli_clean(
    benchmark: Any, corpora: dict[int, tuple[list[str], Path]], tmp_path: Path, scale: int
) -> None:
    _, path = corpora[scale]
    benchmark.group = "scaling: dedup clean (command)"
    describe_scaling(benchmark, f"dedup clean {scale}x", scale, child_measurement(path, "cli-clean"))
    status = benchmark.pedantic(run_cli_clean, args=(path, tmp_path / "out"), rounds=3, iterations=1, warmup_rounds=0)
    assert status == 0


def describe_scaling(benchmark: Any, label: str, scale: int, memory: dict[str, Any]) -> None:
    """What the report needs of a scaling row: its size and the child's peak memory."""
    describe(
        benchmark,
        "dedup",
        label,
        scale=scale,
        docs=memory["docs"],
        total_bytes=memory["text_bytes"],
        peak_rss_bytes=memory["peak_rss_bytes"],
        rss_before_bytes=memory["rss_before_bytes"],
        child_seconds=round(memory["seconds"], 4),
    )
