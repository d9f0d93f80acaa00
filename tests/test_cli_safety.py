"""``dedup clean`` never harms its inputs, keeps every output inside OUT, and resumes exactly.

Every test runs the real command in a subprocess on a temporary folder.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dedup import cli, io
from dedup.io import readers

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
STORY = (EXAMPLES / "news" / "02_hefei_reemployment.txt").read_text(encoding="utf-8")


def dedup(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dedup", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env
    )


def snapshot(folder: Path) -> dict[bytes, tuple[str, bytes | str | None, int]]:
    """Every entry under ``folder`` (links not followed): kind, content or target, mtime."""
    state: dict[bytes, tuple[str, bytes | str | None, int]] = {}
    for dirpath, dirnames, filenames in os.walk(os.fsencode(folder)):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            info = os.lstat(path)
            if os.path.islink(path):
                state[path] = ("link", os.readlink(path).decode("utf-8", "surrogateescape"), info.st_mtime_ns)
            elif os.path.isdir(path):
                state[path] = ("dir", None, info.st_mtime_ns)
            elif not os.path.isfile(path):  # a FIFO: opening it would block
                state[path] = ("other", None, info.st_mtime_ns)
            else:
                with open(path, "rb") as handle:
                    state[path] = ("file", hashlib.sha256(handle.read()).digest(), info.st_mtime_ns)
    return state


def tree_bytes(out: Path) -> dict[str, bytes]:
    """Every output file's bytes, by path relative to OUT."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def corpus(folder: Path, copies: int = 4, seeds: bool = True) -> Path:
    """The examples, several times over with small edits: enough documents for many batches."""
    folder.mkdir()
    for n in range(copies):
        for src in sorted((EXAMPLES if seeds else EXAMPLES / "news").rglob("*.txt")):
            dest = folder / f"copy{n}" / src.relative_to(EXAMPLES)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(src.read_text(encoding="utf-8") + f"\n第{n}版\n", encoding="utf-8")
    return folder


# --------------------------------------------------------------------------- the output folder


def test_refuses_a_non_empty_output_and_force_replaces_only_its_own_files(tmp_path: Path) -> None:
    inputs = corpus(tmp_path / "in", copies=1)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.md").write_text("mine", encoding="utf-8")
    refused = dedup("clean", str(inputs), "-o", str(out))
    assert refused.returncode == 2
    assert "is not empty" in refused.stderr and "--force" in refused.stderr
    assert os.listdir(out) == ["notes.md"]

    assert dedup("clean", str(inputs), "-o", str(out), "--force").returncode == 0
    first = tree_bytes(out)
    assert (out / "notes.md").read_text(encoding="utf-8") == "mine"
    assert "text/news/02_hefei_reemployment.txt" not in first  # one input root: paths relative to it
    assert "text/copy0/news/02_hefei_reemployment.txt" in first

    # a forced rerun with fewer inputs leaves no stale outputs behind
    only = inputs / "copy0" / "news"
    again = dedup("clean", str(only), "-o", str(out), "--force", "--remove", "noise")
    assert again.returncode == 0, again.stderr
    files = tree_bytes(out)
    assert sorted(p for p in files if p.startswith("text/")) == [f"text/{p.name}" for p in sorted(only.glob("*.txt"))]
    assert not (out / ".partial").exists()


def test_usage_errors_exit_2_and_write_nothing(tmp_path: Path) -> None:
    inputs = corpus(tmp_path / "in", copies=1)
    before = snapshot(tmp_path)
    cases = [
        ("clean", str(inputs), "-o", str(inputs / "out")),  # inside an input folder
        (
            "clean",
            str(inputs / "copy0" / "news" / "01_beijing_relief.txt"),
            "-o",
            str(inputs / "copy0" / "news"),
        ),  # holds an input
        ("clean", str(inputs)),  # no -o
        ("clean", str(inputs), "-o", str(tmp_path / "o"), "--resume", "--force"),
        ("clean", str(inputs), "-o", str(tmp_path / "o"), "--threshold", "1.5"),
        ("clean", str(inputs), "-o", str(tmp_path / "o"), "--remove", "typos"),
        ("find",),
    ]
    for args in cases:
        result = dedup(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert "error" in result.stderr
    assert snapshot(tmp_path) == before

    busy = tmp_path / "busy"
    busy.mkdir()
    fd = os.open(busy, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as another run writing there holds it
        result = dedup("clean", str(inputs), "-o", str(busy))
    finally:
        os.close(fd)
    assert result.returncode == 2 and "another dedup run is writing into" in result.stderr


def test_dry_run_writes_nothing_and_prints_the_summary(tmp_path: Path) -> None:
    inputs = corpus(tmp_path / "in", copies=1, seeds=False)
    before = snapshot(tmp_path)
    result = dedup("clean", str(inputs), "--dry-run", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["documents"]["total"] == 5 and "timings" in summary
    assert snapshot(tmp_path) == before


# --------------------------------------------------------------------------- hostile inputs


def test_hostile_names_and_symlinks_stay_inside_out_and_inputs_are_untouched(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    (inputs / "sub").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("外面的秘密文件，不应被读取。", encoding="utf-8")
    names = [
        "..hidden.txt",
        "new\nline.txt",
        "\u202eevil\u202c.txt",
        "ＦＵＬＬ.txt",
        "e\u0301.txt",
        "\u00e9.txt",
        "Case.txt",
        "case.txt",
        "长" * 80 + ".txt",
        "sub/..txt",
    ]
    for i, name in enumerate(names):
        (inputs / name).write_text(f"第{i}篇。" + STORY[i * 10 :], encoding="utf-8")
    raw_name = os.path.join(os.fsencode(inputs), b"latin\xe9.txt")  # not UTF-8
    with open(raw_name, "wb") as handle:
        handle.write("非UTF-8文件名的文件。".encode())
    deep = inputs
    for _ in range(60):
        deep = deep / "d"
    deep.mkdir(parents=True)
    (deep / "deep.txt").write_text("很深的文件。", encoding="utf-8")
    os.symlink(outside / "secret.txt", inputs / "link_out.txt")
    os.symlink(outside, inputs / "dir_out")
    os.symlink(inputs, inputs / "sub" / "loop")  # a loop back to the root
    os.symlink(inputs / "Case.txt", inputs / "link_in.txt")
    os.symlink(tmp_path / "missing.txt", inputs / "broken.txt")
    os.mkfifo(inputs / "fifo.txt")  # reading it would block forever

    before = snapshot(tmp_path)
    out = tmp_path / "out"
    result = dedup("clean", str(inputs), "-o", str(out), timeout=120)
    assert result.returncode == 1, result.stderr
    after = snapshot(tmp_path)
    outside_out = {
        p: v for p, v in after.items() if p != os.fsencode(out) and not p.startswith(os.fsencode(out) + b"/")
    }
    assert outside_out == before  # inputs untouched, nothing written next to them

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    reasons = {Path(s["source"]).name: s["reason"] for s in summary["skipped"]}
    assert reasons == {
        "link_out.txt": "symbolic link to outside the input folders: not followed",
        "dir_out": "symbolic link to outside the input folders: not followed",
        "broken.txt": "broken symbolic link",
        "fifo.txt": "not a regular file",
    }
    cleaned = [json.loads(line) for line in (out / "cleaned.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(cleaned) == len(names) + 2  # + the non-UTF-8 name + deep.txt; no secret, no loop
    assert not any("秘密" in c["text"] for c in cleaned)
    assert "latin\\xe9.txt" in {c["id"] for c in cleaned}
    real_out = os.path.realpath(out)
    outputs = set()
    for c in cleaned:
        target = out / c["output"]
        assert os.path.realpath(target).startswith(real_out + os.sep)
        assert target.read_text(encoding="utf-8") == c["text"]
        outputs.add(c["output"].casefold())
    assert len(outputs) == len(cleaned)  # distinct even on a case-insensitive file system
    for _, _, filenames in os.walk(out):
        for name in filenames:
            assert not re.search("[\x00-\x1f\u202a-\u202e]", name), name


def test_my_regular_expressions_are_linear_on_adversarial_megabyte_lines() -> None:
    """The face's own patterns, on 1 MB strings built to make a backtracking engine stall."""
    megabyte = 1 << 20
    attacks = ["\x00" * megabyte, "\ud800" * megabyte, "a" * megabyte, "line " * (megabyte // 5), "\u202e" * megabyte]
    start = time.perf_counter()
    for attack in attacks:
        io.text_problem(attack)
        cli.printable(attack)
        readers._reason_line(attack)
    io.decode_text(b"\x01" * megabyte)
    io.decode_text(b"a\x00" * (megabyte // 2))
    assert time.perf_counter() - start < 10


ADVERSARIAL = {
    "digits": "1" * (1 << 20),
    "dots": "." * (1 << 20),
    "comments": "<!--" * (1 << 18),
    "quotes": "“" + "名" * (1 << 20),
    "spaces": " \t" * (1 << 19) + "x",
    "blank_lines": " \n" * (1 << 19) + "x",
    "questions": "?" * (1 << 20) + "x",
    "entities": "&#" * (1 << 19),
    "tags": "<a" + " b=c" * (1 << 18),
    "pinyin": "中(ā" * (1 << 18),
    "page": "第 " * (1 << 19),
}


@pytest.mark.slow
def test_adversarial_megabyte_lines_finish(tmp_path: Path) -> None:
    # Eleven 1 MB lines built to make regexes backtrack. Linear work finishes in about a
    # minute here; one quadratic pattern would need hours, so the bound separates the
    # two without timing anything finely.
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name, line in ADVERSARIAL.items():
        (inputs / f"{name}.txt").write_text(line, encoding="utf-8")
    result = dedup("clean", str(inputs), "-o", str(tmp_path / "out"), "--cross-document", timeout=300)
    assert result.returncode == 0, result.stderr


def test_nothing_is_loaded_with_pickle() -> None:
    for path in (ROOT / "dedup").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"\bimport (c?pickle|marshal|shelve|dill|joblib)\b|allow_pickle\s*=\s*True", source), path


# --------------------------------------------------------------------------- resume


def test_killed_midway_and_resumed_gives_byte_identical_outputs(tmp_path: Path) -> None:
    inputs = corpus(tmp_path / "in", copies=4, seeds=False)
    before = snapshot(inputs)
    whole = tmp_path / "whole"
    assert dedup("clean", str(inputs), "-o", str(whole), "--batch-size", "3").returncode == 0

    out = tmp_path / "out"
    env = {**os.environ, cli.KILL_ENV: "2"}  # SIGKILL itself halfway through the third batch
    killed = dedup("clean", str(inputs), "-o", str(out), "--batch-size", "3", env=env)
    assert killed.returncode == -signal.SIGKILL
    journal = json.loads((out / ".partial" / "journal.json").read_text(encoding="utf-8"))
    assert journal["records_done"] == 6
    assert (out / ".partial" / "cleaned.jsonl").stat().st_size > journal["cleaned_bytes"]  # a torn batch
    assert not (out / "summary.json").exists()

    again = dedup("clean", str(inputs), "-o", str(out), "--batch-size", "3")
    assert again.returncode == 2 and "--resume" in again.stderr
    resumed = dedup("clean", str(inputs), "-o", str(out), "--batch-size", "5", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming after 6 of 20 documents" in resumed.stderr
    expected, got = tree_bytes(whole), tree_bytes(out)
    del expected["timings.json"], got["timings.json"], expected["report.html"], got["report.html"]  # run times
    assert got == expected
    assert snapshot(inputs) == before

    finished = dedup("clean", str(inputs), "-o", str(out), "--batch-size", "3", "--resume")
    assert finished.returncode == 0 and "nothing to resume" in finished.stderr
    # a finished run of other options: nothing to resume either, and said so (it was "not empty" until 2026-12-06)
    other = dedup("clean", str(inputs), "-o", str(out), "--threshold", "0.8", "--resume")
    said = f"{out} holds a finished run of other inputs or options (or an unreadable summary.json): nothing to resume"
    assert other.returncode == 2 and f"{said}; use --force to replace it" in other.stderr


def test_killed_from_outside_and_resumed_gives_byte_identical_outputs(tmp_path: Path) -> None:
    inputs = corpus(tmp_path / "in", copies=4, seeds=False)
    whole = tmp_path / "whole"
    assert dedup("clean", str(inputs), "-o", str(whole), "--batch-size", "1").returncode == 0
    out = tmp_path / "out"
    args = [sys.executable, "-m", "dedup", "clean", str(inputs), "-o", str(out), "--batch-size", "1"]
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    journal = out / ".partial" / "journal.json"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if json.loads(journal.read_text(encoding="utf-8"))["records_done"] >= 3:
                break
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    assert not (out / "summary.json").exists()  # it was interrupted
    resumed = dedup("clean", str(inputs), "-o", str(out), "--batch-size", "1", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    expected, got = tree_bytes(whole), tree_bytes(out)
    del expected["timings.json"], got["timings.json"], expected["report.html"], got["report.html"]  # run times
    assert got == expected


def test_resume_refuses_other_options_or_changed_inputs(tmp_path: Path) -> None:
    inputs = corpus(tmp_path / "in", copies=1, seeds=False)
    out = tmp_path / "out"
    env = {**os.environ, cli.KILL_ENV: "0"}
    assert dedup("clean", str(inputs), "-o", str(out), "--batch-size", "2", env=env).returncode == -signal.SIGKILL
    other = dedup("clean", str(inputs), "-o", str(out), "--resume", "--threshold", "0.95")
    assert other.returncode == 2 and "other inputs or options (threshold 0.6 → 0.95)" in other.stderr
    other = dedup("clean", str(inputs), "-o", str(out), "--resume", "--cross-document", "--remove", "noise")
    assert 'cross_document false → true; remove ["boilerplate","duplicate","noise"] → ["noise"]' in other.stderr
    (inputs / "copy0" / "01_beijing_relief.txt").write_text("改过了。", encoding="utf-8")
    changed = dedup("clean", str(inputs), "-o", str(out), "--resume")
    assert changed.returncode == 2 and "inputs changed" in changed.stderr
    assert dedup("clean", str(inputs), "-o", str(out), "--force").returncode == 0


def test_a_run_killed_while_publishing_finishes_on_resume(tmp_path: Path) -> None:
    inputs = corpus(tmp_path / "in", copies=1, seeds=False)
    whole = tmp_path / "whole"
    assert dedup("clean", str(inputs), "-o", str(whole)).returncode == 0
    out = tmp_path / "out"
    shutil.copytree(whole, out / ".partial")  # as if killed after writing, before the renames
    (out / ".partial" / "tmp").mkdir()
    journal = {
        "format": cli.JOURNAL_FORMAT,
        "phase": "publish",
        "outputs": list(cli.OUTPUTS),
        "records_done": 5,
        "cleaned_bytes": 0,
        "corpus": None,
        "exit_status": 0,
    }
    summary = json.loads((whole / "summary.json").read_text(encoding="utf-8"))
    journal["fingerprint"] = summary["fingerprint"]
    os.replace(out / ".partial" / "summary.json", out / "summary.json.tmp")
    os.replace(out / "summary.json.tmp", out / ".partial" / "summary.json")
    os.replace(out / ".partial" / "cleaned.jsonl", out / "cleaned.jsonl")  # one rename already done
    (out / ".partial" / "journal.json").write_text(json.dumps(journal), encoding="utf-8")
    resumed = dedup("clean", str(inputs), "-o", str(out), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    expected, got = tree_bytes(whole), tree_bytes(out)
    assert got == expected


def test_a_run_releases_its_lock_when_it_ends(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """In one process (a notebook, a benchmark), runs into the same OUT follow each other; a refused run frees it
    too."""
    out = tmp_path / "out"
    news = str(Path(__file__).resolve().parent.parent / "examples" / "news")
    assert cli.main(["clean", news, "-o", str(out), "--quiet"]) == 0
    with pytest.raises(SystemExit) as refused:  # not empty, no --force: a usage error after the lock was taken
        cli.main(["clean", news, "-o", str(out), "--quiet"])
    assert refused.value.code == 2
    assert cli.main(["clean", news, "-o", str(out), "--quiet", "--force"]) == 0
    assert cli.main(["clean", news, "-o", str(out), "--quiet", "--resume"]) == 0  # finished: nothing to resume
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # nobody holds it any more
    finally:
        os.close(fd)
    capsys.readouterr()
