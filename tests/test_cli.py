"""The command line, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dedup", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_find_reports_the_natural_reprint_in_the_examples() -> None:
    result = run("find", "examples/news", "examples/seeds")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "cluster 0: 2 documents"
    assert lines[1].split() == ["*", "1.000", "02_hefei_reemployment.txt"]
    assert lines[2].split()[1] == "05_hefei_reemployment_reprint.txt"
    assert lines[-1] == "10 documents, 1 clusters of near-duplicates"


def test_find_json_output() -> None:
    result = run("find", "--json", "examples/news")
    assert result.returncode == 0, result.stderr
    (cluster,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert cluster["representative"] == "02_hefei_reemployment.txt"
    assert [m["id"] for m in cluster["members"]] == ["02_hefei_reemployment.txt", "05_hefei_reemployment_reprint.txt"]
    assert cluster["members"][0]["similarity"] == 1.0


def test_missing_input_is_a_clear_error() -> None:
    result = run("find", "no/such/folder")
    assert result.returncode == 1
    assert "no/such/folder: no such file or folder" in result.stderr
    assert run("find").returncode == 2  # usage error
