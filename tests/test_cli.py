"""The command line, run as a real subprocess: ``dedup find`` and ``dedup clean`` on the examples."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

import dedup

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dedup", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env
    )


# --------------------------------------------------------------------------- find


def test_find_reports_the_natural_reprint_in_the_examples() -> None:
    result = run("find", "examples/news", "examples/seeds")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "cluster 0: 2 documents"
    # ids are paths relative to the folder holding every input
    assert lines[1].split() == ["*", "1.000", "news/02_hefei_reemployment.txt"]
    assert lines[2].split()[1] == "news/05_hefei_reemployment_reprint.txt"
    assert lines[-1] == "10 documents, 1 cluster of near-duplicates"


def test_find_json_output() -> None:
    result = run("find", "--json", "examples/news")
    assert result.returncode == 0, result.stderr
    (cluster,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert cluster["representative"] == {
        "id": "02_hefei_reemployment.txt",
        "source": "examples/news/02_hefei_reemployment.txt",
    }
    assert [m["id"] for m in cluster["members"]] == ["02_hefei_reemployment.txt", "05_hefei_reemployment_reprint.txt"]
    assert cluster["members"][0]["similarity"] == 1.0
    assert cluster["size"] == 2
    on_processes = run("find", "--json", "--processes", "2", "examples/news")
    assert on_processes.returncode == 0, on_processes.stderr
    assert on_processes.stdout == result.stdout


def test_missing_input_is_a_clear_error() -> None:
    result = run("find", "no/such/folder")
    assert result.returncode == 2  # a usage error, found before anything runs
    assert "dedup find: error: no/such/folder: no such file or folder" in result.stderr
    assert run("find").returncode == 2  # usage error


def test_find_reads_jsonl_and_names_the_source_of_each_record(tmp_path: Path) -> None:
    story = (EXAMPLES / "news" / "02_hefei_reemployment.txt").read_text(encoding="utf-8")
    src = tmp_path / "docs.jsonl"
    src.write_text(
        json.dumps({"id": "first", "text": story}, ensure_ascii=False)
        + "\n{oops\n"
        + json.dumps({"id": "again", "text": story}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    result = run("find", str(src))
    assert result.returncode == 1  # one line skipped
    assert f"{src}:2: invalid JSON" in result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].split() == ["*", "1.000", "first", f"({src})"]
    assert lines[-1] == "2 documents, 1 cluster of near-duplicates"


# --------------------------------------------------------------------------- help


def test_help_explains_both_commands() -> None:
    top = run("--help")
    assert top.returncode == 0
    assert "dedup find  INPUT..." in top.stdout and "dedup clean INPUT... -o OUT" in top.stdout
    clean_help = run("clean", "--help").stdout
    for text in (
        "cleaned.jsonl",
        "clusters.jsonl",
        "boilerplate.jsonl",
        "summary.json",
        "text/",
        "--resume",
        "--dry-run",
        "exit status",
        "examples:",
    ):
        assert text in clean_help, text
    assert f"(default {dedup.DuplicateOptions().threshold})" in " ".join(clean_help.split())  # the library's default
    assert "--json" in run("find", "--help").stdout


def test_the_dedup_entry_point_is_the_same_command() -> None:
    exe = shutil.which("dedup")
    if exe is None:
        pytest.skip("the dedup entry point is not installed")
    result = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    kernel = "compiled kernel" if dedup.arrays.compiled() else "no compiled kernel: numpy reference path, slower"
    assert result.stdout.strip() == f"dedup {dedup.__version__} ({kernel})"


# --------------------------------------------------------------------------- clean


def test_clean_the_examples_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("clean", "examples", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert sorted(os.listdir(out)) == [
        "boilerplate.jsonl",
        "cleaned.jsonl",
        "clusters.jsonl",
        "options.json",
        "report.html",
        "summary.json",
        "text",
        "timings.json",
    ]
    assert "dedup: read 10 documents from 10 files (0 skipped)" in result.stderr  # plain log lines: not a terminal

    cleaned = [json.loads(line) for line in (out / "cleaned.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [c["id"] for c in cleaned][:2] == ["news/01_beijing_relief.txt", "news/02_hefei_reemployment.txt"]
    for line in cleaned:
        original = (ROOT / line["source"]).read_text(encoding="utf-8")
        removals = tuple(
            dedup.Removal(r["start"], r["end"], r["reason"], r["ref"], r["text"], r["kind"]) for r in line["removed"]
        )
        assert dedup.restore(dedup.Cleaned(line["text"], removals)) == original  # rebuilt from the output alone
        assert (out / line["output"]).read_text(encoding="utf-8") == line["text"]
        assert line["output"] == f"text/{line['id']}"

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    defaults = dedup.CleanOptions()
    assert summary["options"]["threshold"] == defaults.duplicates.threshold
    assert summary["options"]["ngram"] == defaults.duplicates.ngram
    assert summary["options"]["cross_document"] == defaults.cross_document
    assert summary["options"]["remove"] == sorted(defaults.remove)
    assert summary["version"] == dedup.__version__
    assert summary["documents"]["total"] == 10 and summary["skipped"] == [] and summary["exit_status"] == 0
    removed = sum(r["end"] - r["start"] for c in cleaned for r in c["removed"])
    assert summary["chars"]["removed"] == removed == sum(v["chars"] for v in summary["removals"].values())
    assert summary["bytes"]["in"] == sum(p.stat().st_size for p in EXAMPLES.rglob("*.txt"))
    assert summary["bytes"]["out"] == sum(len(c["text"].encode("utf-8")) for c in cleaned)
    timings = json.loads((out / "timings.json").read_text(encoding="utf-8"))
    assert {"read", "plan", "write", "total"} <= set(timings)

    clusters = [json.loads(line) for line in (out / "clusters.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [m["id"] for c in clusters for m in c["members"]] == [
        "news/02_hefei_reemployment.txt",
        "news/05_hefei_reemployment_reprint.txt",
    ]
    families = [json.loads(line) for line in (out / "boilerplate.jsonl").read_text(encoding="utf-8").splitlines()]
    assert any(f["example"] == "【正文】" for f in families)
    by_id = {c["id"]: c for c in cleaned}
    refs = {r["ref"] for r in by_id["seeds/002_e0c37a3b3045e9a1.txt"]["removed"] if r["reason"] == "boilerplate"}
    assert refs <= {f["family"] for f in families}  # boilerplate refs point into boilerplate.jsonl


def test_flags_reach_the_library(tmp_path: Path) -> None:
    noise_only = json.loads(run("clean", "examples", "--dry-run", "--remove", "noise", "--threshold", "0.9").stdout)
    assert noise_only["options"]["remove"] == ["noise"] and noise_only["options"]["threshold"] == 0.9
    assert {r for r, v in noise_only["removals"].items() if v["count"]} == {"noise"}
    assert noise_only["options_changed"] == {"duplicates.threshold": 0.9, "remove": ["noise"]}
    assert "library_options" not in noise_only  # every option is in options.json

    out = tmp_path / "cross"
    assert run("clean", "examples/news", "-o", str(out), "--cross-document", "--seed", "3").returncode == 0
    cross = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert cross["options"]["cross_document"] is True
    assert cross["options_changed"] == {"cross_document": True, "duplicates.seed": 3, "passages.seed": 3}
    library = json.loads((out / "options.json").read_text(encoding="utf-8"))
    assert library["passages"]["seed"] == 3 and library["duplicates"]["seed"] == 3 and library["cross_document"]
    assert library["boilerplate"]["min_docs"] == dedup.CleanOptions().boilerplate.min_docs
    assert cross["documents"]["emptied"] == 1  # the reprint, a near-duplicate of an earlier story
    assert cross["removals_by_kind"]["duplicate/document"]["count"] == 1
    cleaned = {
        json.loads(line)["id"]: json.loads(line)
        for line in (out / "cleaned.jsonl").read_text(encoding="utf-8").splitlines()
    }
    (removal,) = cleaned["05_hefei_reemployment_reprint.txt"]["removed"]
    (cluster,) = [json.loads(line) for line in (out / "clusters.jsonl").read_text(encoding="utf-8").splitlines()]
    assert removal["kind"] == "document" and removal["ref"] == cluster["cluster"]  # refs point into clusters.jsonl
    assert (out / "text" / "05_hefei_reemployment_reprint.txt").read_bytes() == b""


def test_quiet_runs_say_nothing_and_terminals_get_a_progress_bar(tmp_path: Path) -> None:
    quiet = run("clean", "examples/news", "-o", str(tmp_path / "quiet"), "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == ""

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "dedup", "clean", "examples/news", "-o", str(tmp_path / "tty")],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=follower,
        env={**os.environ, "TERM": "xterm"},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=60) == 0
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert "writing:   0%|" in screen and "| 0/5 [" in screen  # tqdm's bar


# --------------------------------------------------------------------------- visibility on long runs


def test_one_large_file_shows_progress_by_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from dedup import cli

    story = (EXAMPLES / "news" / "02_hefei_reemployment.txt").read_text(encoding="utf-8")
    src = tmp_path / "big.jsonl"
    src.write_text(
        "".join(json.dumps({"text": f"{i} {story}"}, ensure_ascii=False) + "\n" for i in range(6000)), encoding="utf-8"
    )
    monkeypatch.setattr(cli.Reporter, "LOG_EVERY", 0.0)  # every advance logs
    assert cli.main(["find", str(src)]) == 0
    err = capsys.readouterr().err
    size = src.stat().st_size / 2**20
    steps = [line for line in err.splitlines() if line.startswith("dedup: reading: ") and line.endswith("records)")]
    assert len(steps) >= 5  # one file, several steps: every 1,024 lines
    assert steps[-1].startswith(f"dedup: reading: {size:,.1f} of {size:,.1f} MB")


def test_a_missing_compiled_kernel_is_said_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Installed without a C compiler, dedup runs its numpy path: the command says so once, on stderr,
    and its findings are the same."""
    from dedup import arrays, cli

    news = str(EXAMPLES / "news")
    warning = "the compiled kernel was not built"
    assert cli.main(["find", news]) == 0
    built = capsys.readouterr()
    assert (warning in built.err) == (not arrays.compiled())
    monkeypatch.setattr(arrays, "_kernels", None)
    assert not arrays.compiled()
    assert cli.main(["find", news]) == 0
    fallback = capsys.readouterr()
    assert fallback.err.count(warning) == 1 and fallback.out == built.out and fallback.out.strip()
    assert cli.main(["find", news, "--quiet"]) == 0  # a warning: --quiet still shows it
    assert warning in capsys.readouterr().err


def test_the_library_logs_its_phases_and_the_command_forwards_them(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    news = [p.read_text(encoding="utf-8") for p in sorted((EXAMPLES / "news").glob("*.txt"))]
    with caplog.at_level(logging.DEBUG, logger="dedup"):
        dedup.clean(news, cross_document=True)
    messages = [r.getMessage() for r in caplog.records if r.name == "dedup"]
    assert "plan: near-duplicate documents" in messages
    assert any(m.startswith("plan: near-duplicate documents done in") and m.endswith("(clusters 1)") for m in messages)
    planning = run("clean", "examples/news", "-o", str(tmp_path / "a"))
    assert "dedup: plan: repeated passages: " in planning.stderr and "done in" not in planning.stderr
    verbose = run("clean", "examples/news", "-o", str(tmp_path / "b"), "-v")
    assert "dedup: cluster documents done in" in verbose.stderr
    quiet = run("clean", "examples/news", "-o", str(tmp_path / "c"), "-q")
    assert quiet.returncode == 0 and quiet.stderr == ""


# --------------------------------------------------------------------------- pipes


def _piped(*args: str, data: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "dedup", *args], cwd=ROOT, input=data, capture_output=True, timeout=120
    )


def test_standard_input_and_output_make_a_pipeline(tmp_path: Path) -> None:
    story = (EXAMPLES / "news" / "02_hefei_reemployment.txt").read_text(encoding="utf-8")
    reprint = (EXAMPLES / "news" / "05_hefei_reemployment_reprint.txt").read_text(encoding="utf-8")
    rows = "".join(
        json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in (("a", story), ("b", reprint))
    )
    result = _piped("clean", "-", "--stdout", "--cross-document", data=rows.encode("utf-8"))
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert [(r["id"], r["source"], r["line"]) for r in out] == [("a", "-", 1), ("b", "-", 2)]
    assert [dedup.restore(r) for r in out] == [story, reprint]  # the rows are cleaned.jsonl rows
    assert out[1]["text"] == "" and out[1]["removed"][0]["kind"] == "document"
    assert b"dedup: 2 documents" in result.stderr  # messages on stderr, rows alone on stdout
    # plain text on standard input is one document
    text = _piped("clean", "-", "--stdout", data=story.encode("utf-8"))
    (row,) = [json.loads(line) for line in text.stdout.decode("utf-8").splitlines()]
    assert row["id"] == "stdin" and dedup.restore(row) == story
    found = _piped("find", "-", "--json", data=rows.encode("utf-8"))
    assert [m["id"] for m in json.loads(found.stdout)["members"]] == ["a", "b"]


@pytest.mark.parametrize("compression", ["gz", "zst", "bz2", "xz"])
def test_compressed_standard_input_is_read_decompressed(compression: str) -> None:
    """``zcat``-less pipelines: a gzip, zstd, bzip2 or xz stream on standard input is told by its first bytes and
    read as its file would be — JSONL rows or one text; a truncated one is a skip that says why (until 2026-12-06,
    thirteenth session, every compressed stream was skipped as a binary file)."""
    import bz2
    import gzip
    import lzma

    import zstandard

    compress = {
        "gz": gzip.compress,
        "zst": zstandard.ZstdCompressor().compress,
        "bz2": bz2.compress,
        "xz": lzma.compress,
    }[compression]
    story = (EXAMPLES / "news" / "02_hefei_reemployment.txt").read_text(encoding="utf-8")
    reprint = (EXAMPLES / "news" / "05_hefei_reemployment_reprint.txt").read_text(encoding="utf-8")
    rows = "".join(
        json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in (("a", story), ("b", reprint))
    )
    found = _piped("find", "-", "--json", data=compress(rows.encode("utf-8")))
    assert found.returncode == 0, found.stderr
    assert [m["id"] for m in json.loads(found.stdout)["members"]] == ["a", "b"]
    text = _piped("clean", "-", "--stdout", data=compress(("\ufeff" + story).encode("utf-8")))
    (row,) = [json.loads(line) for line in text.stdout.decode("utf-8").splitlines()]
    assert row["id"] == "stdin" and dedup.restore(row) == story
    broken = _piped("find", "-", data=compress(rows.encode("utf-8"))[:-12])
    assert broken.returncode == 1 and b"skipped -: corrupt or truncated compressed stream" in broken.stderr


def test_pipes_refuse_what_they_cannot_do(tmp_path: Path) -> None:
    dash = run("clean", "examples", "-o", "-")
    assert dash.returncode == 2 and "--stdout" in dash.stderr and not (ROOT / "-").exists()
    assert run("clean", "examples", "--stdout", "-o", str(tmp_path / "o")).returncode == 2
    assert _piped("clean", "-", "examples", "--stdout", data=b"x").returncode == 2
    assert b"cannot be read again" in _piped("clean", "-", "-o", str(tmp_path / "r"), "--resume", data=b"x").stderr
