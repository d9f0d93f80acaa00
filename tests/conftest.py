"""Shared fixtures: the seeds and a slice of real news text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = ROOT / "examples" / "seeds"


@pytest.fixture(autouse=True)
def _fresh_worker_processes(request: pytest.FixtureRequest) -> Iterator[None]:
    """dedup keeps its worker processes between calls, forked as the modules were at the first call: after
    a test that patched a module, stop them, so that no later test runs on the patched code."""
    yield
    if "monkeypatch" in request.fixturenames:
        from dedup import pool

        pool.shutdown()


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """The five seed documents by file name, exactly as read from disk."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="session")
def news_lines() -> list[str]:
    """1,600 paragraphs of People's Daily (January 1998), one per line."""
    return (FIXTURES / "peoples_daily_sample.txt").read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="session")
def news_docs(news_lines: list[str]) -> list[str]:
    """Documents of eight consecutive paragraphs each."""
    return ["\n".join(news_lines[i : i + 8]) for i in range(0, len(news_lines) - 7, 8)]
