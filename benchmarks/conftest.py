"""Shared fixtures for the benchmarks: the real texts, and ``dedup`` entry points or a skip."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest

from benchmarks.data import real_documents

SIGNATURE_DOCS = 2_000
SIGNATURE_CHARS = 2_000


@pytest.fixture(scope="session")
def signature_texts() -> list[str]:
    """2,000 documents of exactly 2,000 characters of People's Daily text (seed 0).

    Returns
    -------
    list of str
        See :func:`benchmarks.data.real_documents` for how the windows are cut.
    """
    return real_documents(SIGNATURE_DOCS, SIGNATURE_CHARS, seed=0)


@pytest.fixture(scope="session")
def dedup_api() -> Callable[[str], Callable[..., Any]]:
    """Look up a public ``dedup`` function, skipping the test if it is not there yet.

    Returns
    -------
    callable
        ``dedup_api(name)`` returns ``dedup.<name>``, or calls :func:`pytest.skip` with the
        reason (import error or missing name).
    """

    def lookup(name: str) -> Callable[..., Any]:
        try:
            module = importlib.import_module("dedup")
        except Exception as error:  # any import failure means "not ready", not a crash
            pytest.skip(f"`import dedup` failed: {type(error).__name__}: {error}")
        function = getattr(module, name, None)
        if not callable(function):
            pytest.skip(f"dedup.{name} is not available yet")
        return function

    return lookup
