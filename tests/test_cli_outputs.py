"""``dedup clean``'s outputs (issue #21): a lean summary.json beside options.json, every input field kept in the
cleaned rows, ``--output-format parquet`` and ``--annotate``."""

from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

import dedup
from dedup import cli
from dedup.cli.common import _jsonable
from dedup.cli.inputs import SecondRead, discover_inputs, read_corpus
from dedup.cli.outputs import annotated_line, input_fields, options_changed
from dedup.io import ReadOptions, Record
from dedup.removals import Cleaned, Removal

ROOT = Path(__file__).resolve().parent.parent
NEWS = ROOT / "examples" / "news"
STORY = (NEWS / "02_hefei_reemployment.txt").read_text(encoding="utf-8")
REPRINT = (NEWS / "05_hefei_reemployment_reprint.txt").read_text(encoding="utf-8")
OTHER = (NEWS / "01_beijing_relief.txt").read_text(encoding="utf-8")

#: Records whose extra fields differ, some named like the fields of a cleaned row.
RECORDS = [
    {"id": "a", "text": STORY, "url": "https://a.example/1", "lang": "zh", "meta": {"site": "a", "tags": ["news"]}},
    {"id": "b", "text": REPRINT, "url": "https://b.example/2", "source": "paper", "line": 9, "removed": False},
    {"text": OTHER, "url": "https://c.example/3"},
]


def clean(*args: str) -> int:
    return cli.main(["clean", *args, "--quiet"])


def dedup_process(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dedup", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env
    )


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def without(row: dict, *names: str) -> dict:
    return {k: v for k, v in row.items() if k not in names}


def tree_bytes(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- summary.json and options.json


def test_summary_holds_the_settings_and_only_the_library_options_that_differ(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, again, plain = tmp_path / "out", tmp_path / "again", tmp_path / "plain"
    assert clean(str(NEWS), "-o", str(out), "--cross-document", "--seed", "3") == 0
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
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert "library_options" not in summary and "stopwords" not in (out / "summary.json").read_text(encoding="utf-8")
    assert summary["options_changed"] == {"cross_document": True, "duplicates.seed": 3, "passages.seed": 3}
    assert summary["options"]["seed"] == 3 and summary["options"]["cross_document"] is True
    assert summary["options"]["output_format"] == "jsonl" and summary["options"]["annotate"] is False
    defaults = dedup.CleanOptions()
    expected = replace(
        defaults,
        cross_document=True,
        duplicates=replace(defaults.duplicates, seed=3),
        passages=replace(defaults.passages, seed=3),
    )
    library = json.loads((out / "options.json").read_text(encoding="utf-8"))
    assert library == json.loads(json.dumps(_jsonable(expected)))  # the JSON summary.json's library_options was

    # the same inputs and options: the same bytes
    assert clean(str(NEWS), "-o", str(again), "--cross-document", "--seed", "3") == 0
    for name in ("summary.json", "options.json", "cleaned.jsonl"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name
    assert clean(str(NEWS), "-o", str(plain)) == 0
    assert json.loads((plain / "summary.json").read_text(encoding="utf-8"))["options_changed"] == {}

    capsys.readouterr()
    assert clean(str(NEWS), "--dry-run", "--threshold", "0.9") == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["options_changed"] == {"duplicates.threshold": 0.9} and "timings" in printed
    assert "library_options" not in printed


def test_options_changed_names_nested_options_by_dotted_path() -> None:
    defaults = dedup.CleanOptions()
    assert options_changed(defaults) == {}
    changed = replace(defaults, cross_document=True, boilerplate=replace(defaults.boilerplate, min_docs=5))
    assert options_changed(changed) == {"boilerplate.min_docs": 5, "cross_document": True}
    assert options_changed(replace(defaults, remove=frozenset({"noise"}))) == {"remove": ["noise"]}


# --------------------------------------------------------------------------- input fields in cleaned rows


def test_cleaned_rows_keep_every_field_of_jsonl_records(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", RECORDS)
    out = tmp_path / "out"
    assert clean(str(src), "-o", str(out), "--cross-document") == 0
    rows = read_jsonl(out / "cleaned.jsonl")
    assert [without(r, "text", "removed") for r in rows] == [
        {
            "id": "a",
            "source": str(src),
            "line": 1,
            "url": "https://a.example/1",
            "lang": "zh",
            "meta": RECORDS[0]["meta"],
        },
        {
            "id": "b",
            "source": str(src),
            "line": 2,
            "url": "https://b.example/2",
            "input_source": "paper",  # ours win; the input's value keeps its own place
            "input_line": 9,
            "input_removed": False,
        },
        {"id": "in.jsonl:3", "source": str(src), "line": 3, "url": "https://c.example/3"},
    ]
    assert rows[1]["text"] == "" and [r["kind"] for r in rows[1]["removed"]] == ["document"]
    assert [dedup.restore(r) for r in rows] == [STORY, REPRINT, OTHER]


def test_the_text_field_becomes_text_and_the_id_field_keeps_its_name(tmp_path: Path) -> None:
    src = write_jsonl(
        tmp_path / "in.jsonl",
        [{"url": "u1", "content": STORY, "text": "a field, not the text"}, {"url": "u2", "content": OTHER}],
    )
    out = tmp_path / "out"
    assert clean(str(src), "-o", str(out), "--text-field", "content", "--id-field", "url") == 0
    rows = read_jsonl(out / "cleaned.jsonl")
    assert [without(r, "removed") for r in rows] == [
        {"id": "u1", "url": "u1", "source": str(src), "line": 1, "text": STORY, "input_text": "a field, not the text"},
        {"id": "u2", "url": "u2", "source": str(src), "line": 2, "text": rows[1]["text"]},
    ]
    assert dedup.restore(rows[1]) == OTHER


def test_a_nested_text_field_is_taken_out_of_its_object(tmp_path: Path) -> None:
    """The cleaned text replaces the nested field it was read from: its object keeps its other fields, and no
    uncleaned copy of the text stays in the row."""
    src = write_jsonl(
        tmp_path / "in.jsonl",
        [{"doc": {"title": "t1", "body": STORY, "lang": "zh"}}, {"doc": {"title": "t2", "body": STORY}, "n": 2}],
    )
    out = tmp_path / "out"
    assert clean(str(src), "-o", str(out), "--text-field", "doc.body", "--cross-document") == 0
    rows = read_jsonl(out / "cleaned.jsonl")
    assert [without(r, "removed", "text") for r in rows] == [
        {"id": "in.jsonl:1", "source": str(src), "line": 1, "doc": {"title": "t1", "lang": "zh"}},
        {"id": "in.jsonl:2", "source": str(src), "line": 2, "doc": {"title": "t2"}, "n": 2},
    ]
    assert [r["text"] for r in rows] == [STORY, ""] and [dedup.restore(r) for r in rows] == [STORY, STORY]
    assert input_fields({"doc": {"body": "b"}, "x": 1}, "doc.body.more", "id") == {"doc": {"body": "b"}, "x": 1}
    assert input_fields({"doc": "flat"}, "doc.body", "id") == {"doc": "flat"}


def test_input_fields_are_renamed_only_where_a_row_field_has_their_name() -> None:
    fields = {"id": 7, "text": "t", "body": "b", "line": 3, "input_line": "mine", "output": None, "x": [1]}
    assert input_fields(fields, "body", "url") == {
        "input_id": 7,
        "input_text": "t",
        "input_input_line": 3,  # input_line is the input's own
        "input_line": "mine",
        "input_output": None,
        "x": [1],
    }
    assert input_fields(fields, "text", "id") == {
        "body": "b",
        "input_input_line": 3,
        "input_line": "mine",
        "input_output": None,
        "x": [1],
    }
    assert input_fields(None, "text", "id") == {}


def test_cleaned_rows_keep_every_column_of_parquet_records(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "in.parquet"
    table = pa.table(
        {
            "id": ["a", "b"],
            "text": [STORY, OTHER],
            "score": [0.5, None],
            "tags": [["x", "y"], []],
            "published": pa.array([datetime.datetime(2024, 1, 2, 3, 4, 5), None], pa.timestamp("s")),
            "raw": [b"\x00\xff", None],
        }
    )
    pq.write_table(table, src)
    out = tmp_path / "out"
    assert clean(str(src), "-o", str(out)) == 0
    rows = read_jsonl(out / "cleaned.jsonl")
    assert [without(r, "text", "removed") for r in rows] == [
        {
            "id": "a",
            "source": str(src),
            "line": 1,
            "score": 0.5,
            "tags": ["x", "y"],
            "published": "2024-01-02T03:04:05",  # what JSON cannot hold, as a string
            "raw": "AP8=",  # base64
        },
        {"id": "b", "source": str(src), "line": 2, "score": None, "tags": [], "published": None, "raw": None},
    ]
    assert [dedup.restore(r) for r in rows] == [STORY, OTHER]


def test_the_first_read_keeps_no_fields_and_the_second_holds_one_batch(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": str(i), "text": f"{i} {OTHER}", "n": i} for i in range(7)])
    options = ReadOptions()
    reporter = cli.Reporter(quiet=True)
    files, skipped = discover_inputs([str(src)], options, reporter)
    corpus = read_corpus(files, skipped, options, reporter, lambda texts: None)
    assert [r.fields for r in corpus.records] == [None] * 7  # only ids, sources and lengths are kept

    from dedup.cli.inputs import read_again

    # the local engine: the cleaner takes each batch's texts, then the writer each record
    again = SecondRead(read_again(corpus, options, 3, fields=True), keep_records=True)
    held = []
    for first, texts in again.texts():
        for i in range(first, first + len(texts)):
            assert again.record(i).fields == {"id": str(i), "text": texts[i - first], "n": i}
            held.append(len(again._held))
    assert held == [1] * 7
    again.finish()
    # Ray: the cleaner never asks for the texts; the writer pulls the records itself
    again = SecondRead(read_again(corpus, options, 3, fields=True), keep_records=True)
    assert [again.record(i).fields["n"] for i in range(7)] == list(range(7))
    assert len(again._held) == 1
    # without rows to make, batches are dropped as soon as their texts are taken
    again = SecondRead(read_again(corpus, options, 3), keep_records=False)
    assert [len(t) for _, t in again.texts()] == [3, 3, 1] and len(again._held) == 0


# --------------------------------------------------------------------------- --annotate


def test_annotate_text_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert clean(str(NEWS), "-o", str(out), "--annotate", "--cross-document") == 0
    rows = read_jsonl(out / "annotated.jsonl")
    files = sorted(NEWS.glob("*.txt"))
    assert [list(r) for r in rows] == [["id", "source", "text", "keep", "duplicate_of"]] * len(files)
    assert [(r["id"], r["source"], r["text"]) for r in rows] == [
        (p.name, f"{NEWS}/{p.name}", p.read_text(encoding="utf-8")) for p in files
    ]
    assert [(r["id"], r["keep"], r["duplicate_of"]) for r in rows] == [
        ("01_beijing_relief.txt", True, None),
        ("02_hefei_reemployment.txt", True, None),
        ("03_shenyang_counters.txt", True, None),
        ("04_khamenei.txt", True, None),
        ("05_hefei_reemployment_reprint.txt", False, "02_hefei_reemployment.txt"),
    ]
    (cluster,) = read_jsonl(out / "clusters.jsonl")
    assert cluster["representative"]["id"] == "02_hefei_reemployment.txt"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["options"]["annotate"] is True and summary["documents"]["emptied"] == 1

    without_cross = tmp_path / "plain"
    assert clean(str(NEWS), "-o", str(without_cross), "--annotate") == 0
    assert {(r["keep"], r["duplicate_of"]) for r in read_jsonl(without_cross / "annotated.jsonl")} == {(True, None)}


def test_annotate_jsonl_records_leaves_them_unchanged(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", RECORDS)
    out = tmp_path / "out"
    assert clean(str(src), "-o", str(out), "--annotate", "--cross-document") == 0
    rows = read_jsonl(out / "annotated.jsonl")
    assert rows == [
        {**RECORDS[0], "keep": True, "duplicate_of": None},
        {**RECORDS[1], "keep": False, "duplicate_of": "a"},
        {**RECORDS[2], "keep": True, "duplicate_of": None},
    ]
    assert [list(r)[:-2] for r in rows] == [list(r) for r in RECORDS]  # the input's order of fields


def test_annotated_rows_move_fields_named_like_ours_aside() -> None:
    record = Record("x", "in.jsonl", "ab", 1, "in.jsonl", fields={"text": "ab", "keep": "yes"})
    cleaned = Cleaned("", (Removal(0, 2, "duplicate", 4, "ab", "document"),))
    assert annotated_line(record, cleaned, {4: "rep"}) == {
        "text": "ab",
        "input_keep": "yes",
        "keep": False,
        "duplicate_of": "rep",
    }
    passage = Cleaned("", (Removal(0, 2, "duplicate", 4, "ab", "passage"),))  # emptied, not as a near-duplicate
    assert annotated_line(record, passage, {4: "rep"})["duplicate_of"] is None


# --------------------------------------------------------------------------- --output-format parquet


def test_parquet_output_has_the_columns_of_the_jsonl_output(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    src = write_jsonl(tmp_path / "in.jsonl", RECORDS)
    as_jsonl, as_parquet = tmp_path / "jsonl", tmp_path / "parquet"
    assert clean(str(src), "-o", str(as_jsonl), "--cross-document", "--annotate") == 0
    assert clean(str(src), "-o", str(as_parquet), "--cross-document", "--annotate", "--output-format", "parquet") == 0
    assert sorted(os.listdir(as_parquet)) == [
        "annotated.parquet",
        "boilerplate.jsonl",
        "cleaned.parquet",
        "clusters.jsonl",
        "options.json",
        "report.html",
        "summary.json",
        "timings.json",
    ]
    table = pq.read_table(as_parquet / "cleaned.parquet")
    assert table.column_names == [
        *("id", "source", "text", "removed", "line", "output"),
        *("lang", "meta", "url", "input_line", "input_removed", "input_source"),  # extra fields as first seen
    ]
    removal = table.schema.field("removed").type.value_type
    assert [(f.name, str(f.type)) for f in removal] == [
        ("start", "int64"),
        ("end", "int64"),
        ("reason", "string"),
        ("kind", "string"),
        ("ref", "int64"),
        ("text", "string"),
        ("held_by", "string"),  # set only when cleaning against an index; cleaned.jsonl then leaves it out
    ]
    assert table.schema.field("meta").type == pa.struct([("site", pa.string()), ("tags", pa.list_(pa.string()))])
    rows = table.to_pylist()
    assert [r["lang"] for r in rows] == ["zh", None, None]  # missing fields are null
    assert [dedup.restore(r) for r in rows] == [STORY, REPRINT, OTHER]  # the originals, from text and removed
    nulls_dropped = [{k: v for k, v in r.items() if v is not None} for r in rows]
    for row in nulls_dropped:
        row["removed"] = [{k: v for k, v in r.items() if k != "held_by" or v is not None} for r in row["removed"]]
    assert nulls_dropped == read_jsonl(as_jsonl / "cleaned.jsonl")

    annotated = pq.read_table(as_parquet / "annotated.parquet")
    assert annotated.column_names == ["id", "text", "url", "lang", "meta", "source", "line", "removed"] + [
        "keep",
        "duplicate_of",
    ]
    assert annotated.column("text").to_pylist() == [STORY, REPRINT, OTHER]
    assert annotated.column("keep").to_pylist() == [True, False, True]
    assert annotated.column("duplicate_of").to_pylist() == [None, "a", None]
    summary = json.loads((as_parquet / "summary.json").read_text(encoding="utf-8"))
    assert summary["options"]["output_format"] == "parquet"


def test_parquet_columns_of_mixed_values_hold_json_text(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    rows = [
        {"id": "a", "text": STORY, "n": 1, "x": "one", "empty": {}},
        {"id": "b", "text": OTHER, "n": 2.5, "x": 2, "empty": {}},
    ]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out"
    assert clean(str(src), "-o", str(out), "--output-format", "parquet", "--batch-size", "1") == 0
    table = pq.read_table(out / "cleaned.parquet")
    assert str(table.schema.field("n").type) == "double"  # integers and floats: floats
    assert table.column("n").to_pylist() == [1.0, 2.5]
    assert table.column("x").to_pylist() == ['"one"', "2"]  # a string and a number: JSON text
    assert table.column("empty").to_pylist() == ["{}", "{}"]  # Parquet holds no struct without fields
    assert pq.ParquetFile(out / "cleaned.parquet").num_row_groups == 2  # written batch by batch


def test_parquet_output_without_pyarrow_is_refused_before_out_exists(tmp_path: Path) -> None:
    shadow = tmp_path / "shadow" / "pyarrow"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('No module named pyarrow')\n")
    env = {**os.environ, "PYTHONPATH": str(shadow.parent)}
    out = tmp_path / "out"
    result = dedup_process("clean", str(NEWS), "-o", str(out), "--output-format", "parquet", env=env)
    assert result.returncode == 2
    assert "--output-format parquet needs pyarrow: pip install 'dedup[parquet]'" in result.stderr
    assert not out.exists()
    assert dedup_process("clean", str(NEWS), "-o", str(out), env=env).returncode == 0  # JSONL needs no pyarrow


def test_stdout_carries_the_input_fields_and_refuses_other_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", RECORDS)
    capsys.readouterr()
    assert clean(str(src), "--stdout") == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["url"] for r in rows] == [r["url"] for r in RECORDS] and rows[1]["input_source"] == "paper"
    for flags in (["--annotate"], ["--output-format", "parquet"]):
        with pytest.raises(SystemExit) as refused:
            clean(str(src), "--stdout", *flags)
        assert refused.value.code == 2
    assert "--stdout writes the rows of cleaned.jsonl" in capsys.readouterr().err


def test_standard_output_carries_only_the_data_while_others_print(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ray prints a lost node's last log lines from a thread of the driver on standard output (log_to_driver=False
    # or not): with --stdout, find's clusters or --dry-run's summary there, they would corrupt the data.
    import threading

    from dedup.cli import commands

    def noisy(*args: object, **kwargs: object) -> object:
        thread = threading.Thread(target=print, args=("    [2026-12-07 15:50:45,221 I 6894 6894] (raylet) lost",))
        thread.start()
        thread.join()
        return read_corpus(*args, **kwargs)

    monkeypatch.setattr(commands, "read_corpus", noisy)
    src = write_jsonl(tmp_path / "in.jsonl", RECORDS)
    capsys.readouterr()
    for argv in (["clean", str(src), "--stdout"], ["clean", str(src), "--dry-run"], ["find", str(src), "--json"]):
        assert cli.main(argv) == 0
        captured = capsys.readouterr()
        assert "(raylet) lost" not in captured.out and "(raylet) lost" in captured.err
        if argv[-1] == "--stdout":
            assert [json.loads(line)["url"] for line in captured.out.splitlines()] == [r["url"] for r in RECORDS]
        elif argv[-1] == "--dry-run":
            assert json.loads(captured.out)["documents"]["total"] == len(RECORDS)
        else:
            assert [len(json.loads(line)["members"]) for line in captured.out.splitlines()] == [2]  # a and b
    print("after the command", end="")  # the command's redirection ends with it
    assert capsys.readouterr().out == "after the command"


def test_parquet_and_annotated_outputs_resume_byte_identical(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    news = sorted(NEWS.glob("*.txt"))
    src = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": f"{n}/{p.name}", "text": p.read_text(encoding="utf-8") + f"\n第{n}版\n", "n": n, "page": {"no": n}}
            for n in range(3)
            for p in news
        ],
    )
    flags = ["--output-format", "parquet", "--annotate", "--cross-document", "--batch-size", "2"]
    whole, out = tmp_path / "whole", tmp_path / "out"
    assert dedup_process("clean", str(src), "-o", str(whole), *flags).returncode == 0
    killed = dedup_process("clean", str(src), "-o", str(out), *flags, env={**os.environ, cli.KILL_ENV: "2"})
    assert killed.returncode == -signal.SIGKILL
    journal = json.loads((out / ".partial" / "journal.json").read_text(encoding="utf-8"))
    assert journal["records_done"] == 4 and journal["annotated_bytes"] > 0
    resumed = dedup_process("clean", str(src), "-o", str(out), *flags, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming after 4 of 15 documents" in resumed.stderr
    expected, got = tree_bytes(whole), tree_bytes(out)
    del expected["timings.json"], got["timings.json"], expected["report.html"], got["report.html"]  # run times
    assert sorted(got) == [
        "annotated.parquet",
        "boilerplate.jsonl",
        "cleaned.parquet",
        "clusters.jsonl",
        "options.json",
        "summary.json",
    ]
    assert got == expected


def test_tallies_merged_count_as_one(tmp_path: Path) -> None:
    """Ray workers count their blocks; merged, the counts are those of one tally over every document."""
    from dedup.cli.outputs import Tally

    documents = [
        (5, Cleaned("ab", (Removal(2, 5, "noise", None, "xyz", "pinyin"),))),
        (4, Cleaned("", (Removal(0, 4, "duplicate", 3, "abcd", "document"),))),
        (3, Cleaned("abc")),
        (6, Cleaned("abcd", (Removal(0, 2, "boilerplate", 1, "xy", "recurring"),))),
    ]
    whole, first, second = Tally(), Tally(), Tally()
    for k, (length, cleaned) in enumerate(documents):
        whole.add(length, cleaned)
        (first if k < 2 else second).add(length, cleaned)
    first.merge(second)
    assert vars(first) == vars(whole)
    assert (whole.documents, whole.changed, whole.emptied, whole.chars_in, whole.chars_out) == (4, 3, 1, 18, 9)


def test_parts_are_joined_also_where_the_kernel_cannot_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dedup.cli import onray

    parts = [tmp_path / f"p{i}" for i in range(3)]
    for i, path in enumerate(parts):
        path.write_bytes(f"part {i}\n".encode() * (i * 100_000))  # the first is empty
    expected = b"".join(p.read_bytes() for p in parts)
    assert onray._join(parts, tmp_path / "a") == len(expected) and (tmp_path / "a").read_bytes() == expected

    def no_kernel_copy(*args: object) -> int:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(onray.os, "copy_file_range", no_kernel_copy)
    assert onray._join(parts, tmp_path / "b") == len(expected) and (tmp_path / "b").read_bytes() == expected
    assert onray.block_chars([], 2) == 1 << 16  # never below 64 K characters
    files = [dedup.io.InputFile(tmp_path / "x", "x", "in/x", "jsonl", size) for size in (3 << 20, 1 << 20)]
    assert onray.block_chars(files, 2) == (4 << 20) // 8 + 1  # about four blocks a CPU
    assert onray.block_chars(files, 1) == 1 << 20  # at most a batch of 1 M characters
