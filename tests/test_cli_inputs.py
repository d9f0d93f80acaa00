"""``dedup clean`` on every input format, encoding and kind of bad input, as a real subprocess."""

from __future__ import annotations

import codecs
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dedup.io import PathAllocator, ReadOptions, Skipped, decode_text, read_records, safe_relpath
from dedup.io.streams import bounded_lines

ROOT = Path(__file__).resolve().parent.parent
NEWS = ROOT / "examples" / "news"
STORY = (NEWS / "02_hefei_reemployment.txt").read_text(encoding="utf-8")
REPRINT = (NEWS / "05_hefei_reemployment_reprint.txt").read_text(encoding="utf-8")
OTHER = (NEWS / "01_beijing_relief.txt").read_text(encoding="utf-8")
TRADITIONAL = "本報合肥１月１７日電記者劉傑報道：剛結束的安徽省再就業工作會議透露，去年全省共安置下崗職工十萬人。"


def dedup(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dedup", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env
    )


def outputs(out: Path) -> tuple[dict, list[dict]]:
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    cleaned = [json.loads(line) for line in (out / "cleaned.jsonl").read_text(encoding="utf-8").splitlines()]
    return summary, cleaned


def skipped_by_source(summary: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for item in summary["skipped"]:
        found.setdefault(Path(item["source"]).name, []).append(item)
    return found


def write_jsonl(path: Path, rows: list[object]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


# --------------------------------------------------------------------------- formats


def test_jsonl_plain_gzip_and_zstd(tmp_path: Path) -> None:
    zstandard = pytest.importorskip("zstandard")
    rows = [{"id": "a", "text": STORY}, {"id": 7, "text": REPRINT}, {"text": OTHER}]
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "plain.jsonl").write_bytes(data)
    (inputs / "packed.jsonl.gz").write_bytes(gzip.compress(data))
    # two zstd frames: streamed across frames
    (inputs / "packed.jsonl.zst").write_bytes(
        zstandard.ZstdCompressor().compress(data[:100]) + zstandard.ZstdCompressor().compress(data[100:])
    )
    out = tmp_path / "out"
    result = dedup("clean", str(inputs), "--glob", "*.jsonl*", "-o", str(out))
    assert result.returncode == 0, result.stderr
    summary, cleaned = outputs(out)
    assert summary["inputs"]["records"] == 9 and summary["skipped"] == []
    ids = [c["id"] for c in cleaned]
    assert ids[:3] == ["a", "7", "packed.jsonl.gz:3"]  # files sorted by name; id else FILE:LINE
    assert [c["line"] for c in cleaned[:3]] == [1, 2, 3]
    assert not (out / "text").exists()  # text/ only mirrors .txt inputs
    clusters = [json.loads(line) for line in (out / "clusters.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(clusters) == 2  # story + reprint ×3 formats, the other story ×3
    assert clusters[0]["size"] == 6


def test_text_and_id_fields_are_configurable(tmp_path: Path) -> None:
    src = tmp_path / "docs.jsonl"
    write_jsonl(src, [{"url": "u1", "content": STORY}, {"url": "u2", "content": OTHER}])
    out = tmp_path / "out"
    result = dedup("clean", str(src), "--text-field", "content", "--id-field", "url", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert [c["id"] for c in outputs(out)[1]] == ["u1", "u2"]


def _write_parquet(path: Path, **columns: list) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table(columns), path, row_group_size=2)


def test_parquet(tmp_path: Path) -> None:
    src = tmp_path / "docs.parquet"
    _write_parquet(src, id=["a", "b", "c", "d"], text=[STORY, None, REPRINT, "x" * 20_000])
    out = tmp_path / "out"
    result = dedup("clean", str(src), "--max-record-bytes", "10000", "-o", str(out))
    assert result.returncode == 1
    summary, cleaned = outputs(out)
    assert [c["id"] for c in cleaned] == ["a", "c"]
    reasons = {s["line"]: s["reason"] for s in summary["skipped"]}
    assert "null" in reasons[2] and "exceeds --max-record-bytes" in reasons[4]
    assert "docs.parquet:2: 'text' is null" in result.stderr


@pytest.mark.parametrize("stored", ["dictionary", "string_view", "large_string"])
def test_parquet_texts_stored_otherwise_are_read(tmp_path: Path, stored: str) -> None:
    """A pandas categorical written by pyarrow is a dictionary of strings, newer writers may store string views:
    their texts are read as plain strings' (until 2026-12-06 the file was skipped: "holds dictionary<…>, not
    strings"); a column of numbers is still skipped with its type."""
    from dedup.io import ReadOptions, read_records

    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    texts = pa.array([STORY, None, REPRINT, STORY])
    if stored == "string_view" and not hasattr(pa, "string_view"):
        pytest.skip("this pyarrow has no string views")
    column = {
        "dictionary": texts.dictionary_encode(),
        "string_view": texts.cast(pa.string_view()) if stored == "string_view" else None,
        "large_string": texts.cast(pa.large_string()),
    }[stored]
    pq.write_table(pa.table({"id": ["a", "b", "c", "d"], "text": column}), tmp_path / "docs.parquet", row_group_size=2)
    skipped: list = []
    records = list(read_records([tmp_path / "docs.parquet"], ReadOptions(), skipped))
    assert [(r.id, r.line, r.text) for r in records] == [("a", 1, STORY), ("c", 3, REPRINT), ("d", 4, STORY)]
    assert [(s.line, s.reason) for s in skipped] == [(2, "'text' is null")]
    pq.write_table(pa.table({"text": pa.array([1, 2])}), tmp_path / "numbers.parquet")
    list(read_records([tmp_path / "numbers.parquet"], ReadOptions(), skipped))
    assert skipped[-1].reason == "column 'text' holds int64, not strings"


def test_parquet_without_the_text_column_is_skipped(tmp_path: Path) -> None:
    src = tmp_path / "docs.parquet"
    _write_parquet(src, body=["x"])
    result = dedup("find", str(src))
    assert result.returncode == 1
    assert "no column 'text' (columns: body; name the text's with --text-field)" in result.stderr


def test_parquet_without_pyarrow_says_how_to_install_it(tmp_path: Path) -> None:
    shadow = tmp_path / "shadow" / "pyarrow"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('No module named pyarrow')\n")
    (tmp_path / "docs.parquet").write_bytes(b"PAR1")
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(shadow.parent)}
    out = tmp_path / "out"
    result = dedup("clean", str(tmp_path / "docs.parquet"), str(tmp_path / "a.txt"), "-o", str(out), env=env)
    assert result.returncode == 1
    assert "reading Parquet needs pyarrow: pip install 'dedup[parquet]'" in result.stderr
    assert outputs(out)[0]["inputs"]["records"] == 1  # the rest is processed


# --------------------------------------------------------------------------- encodings


def test_encodings_are_detected_or_refused_never_mangled(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    files = {
        "utf8.txt": STORY.encode("utf-8"),
        "utf8_bom.txt": codecs.BOM_UTF8 + STORY.encode("utf-8"),
        "utf16le_bom.txt": codecs.BOM_UTF16_LE + STORY.encode("utf-16-le"),
        "utf16be_bom.txt": codecs.BOM_UTF16_BE + STORY.encode("utf-16-be"),
        "gbk.txt": STORY.encode("gbk"),
        "gb18030.txt": (STORY + "𠀀").encode("gb18030"),
        "big5.txt": TRADITIONAL.encode("big5"),
        "latin1.txt": "Café crème brûlée, déjà vu. Ça va très bien, merci.".encode("latin-1"),
        # UTF-8 with one stray byte: read as GB18030 until 2026-12-07 (``眉`` for every ``ü``), refused now
        "damaged.txt": "Über die Prüfung: ".encode() + b"\xe9" + " für Grüße und Übersicht.".encode(),
    }
    for name, data in files.items():
        (inputs / name).write_bytes(data)
    out = tmp_path / "out"
    result = dedup("clean", str(inputs), "-o", str(out), "--remove", "none")
    assert result.returncode == 1
    summary, cleaned = outputs(out)
    texts = {c["id"]: c["text"] for c in cleaned}
    for name in ("utf8.txt", "utf8_bom.txt", "utf16le_bom.txt", "utf16be_bom.txt", "gbk.txt"):
        assert texts[name] == STORY, name
    assert texts["gb18030.txt"] == STORY + "𠀀"
    assert texts["big5.txt"] == TRADITIONAL
    encodings = {Path(e["source"]).name: (e["encoding"], e["detected"]) for e in summary["encodings"]}
    assert encodings["gbk.txt"] == ("gb18030", True)
    assert encodings["big5.txt"] == ("big5", True)
    assert encodings["utf16le_bom.txt"] == ("utf-16", False)
    assert texts["latin1.txt"] == "Café crème brûlée, déjà vu. Ça va très bien, merci."
    assert encodings["latin1.txt"] == ("cp1252", True)  # the same letters as Latin-1; refused until 2026-12-07
    (damaged,) = skipped_by_source(summary)["damaged.txt"]
    assert (
        damaged["line"] == 1
        and "a damaged UTF-8 file? 6 of its characters decode, 1 place does not" in (damaged["reason"])
    )
    # output text is always UTF-8
    assert (out / "text" / "gbk.txt").read_text(encoding="utf-8") == STORY


def test_short_files_are_read_by_evidence_not_guessed_into_mojibake(tmp_path: Path) -> None:
    """Short CJK files decode as more than one legacy encoding; the text of common characters wins."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    short = "你好，世界。"
    files = {
        "gbk.txt": short.encode("gbk"),  # also decodes as Big5: 斕疑ㄛ岍賜﹝
        "big5.txt": "鄉村振興，脫貧攻堅。".encode("big5"),
        "utf16le.txt": "你好，世界。这是一段中文。".encode("utf-16-le"),  # no BOM: NUL bytes
        "utf16be.txt": "你好，世界。这是一段中文。".encode("utf-16-be"),
        "sjis.txt": "こんにちは、世界。日本語の文章です。".encode("shift_jis"),
        "koi8.txt": "Привет, мир. Это русский текст.".encode("koi8-r"),  # refused until 2026-12-07
        "cp1251.txt": "Да, мир.".encode("cp1251"),  # six letters: as KOI8-R ``дЮ, ЛХП.``, too few to tell
        "unsure.txt": "你好世界龘靐齉麤".encode("gb18030"),  # half of its Han characters are rare
    }
    for name, data in files.items():
        (inputs / name).write_bytes(data)
    out = tmp_path / "out"
    result = dedup("clean", str(inputs), "-o", str(out), "--remove", "none")
    summary, cleaned = outputs(out)
    texts = {c["id"]: c["text"] for c in cleaned}
    assert texts["gbk.txt"] == short
    assert texts["big5.txt"] == "鄉村振興，脫貧攻堅。"
    assert texts["utf16le.txt"] == texts["utf16be.txt"] == "你好，世界。这是一段中文。"
    assert texts["unsure.txt"] == "你好世界龘靐齉麤"
    assert texts["sjis.txt"] == "こんにちは、世界。日本語の文章です。"
    encodings = {Path(e["source"]).name: (e["encoding"], e["detected"], e["evidence"]) for e in summary["encodings"]}
    assert encodings["gbk.txt"] == ("gb18030", True, 1.0)
    assert encodings["utf16be.txt"] == ("utf-16-be", True, 1.0)
    assert encodings["unsure.txt"] == ("gb18030", True, 0.5)
    assert (
        "unsure.txt: read as gb18030, a guess on weak evidence (50% of its characters are common in its script)"
        in result.stderr
    )
    assert encodings["sjis.txt"] == ("cp932", True, 1.0)
    assert texts["koi8.txt"] == "Привет, мир. Это русский текст." and encodings["koi8.txt"] == ("koi8-r", True, None)
    # Too little to tell a single-byte encoding by: refused, never written as mojibake
    (short_cyrillic,) = skipped_by_source(summary)["cp1251.txt"]
    assert "give --encoding" in short_cyrillic["reason"] and "cp1251.txt" not in texts
    assert result.returncode == 1
    assert (
        dedup("clean", str(inputs / "cp1251.txt"), "--encoding", "cp1251", "-o", str(tmp_path / "o2")).returncode == 0
    )


def test_forced_encoding(tmp_path: Path) -> None:
    src = tmp_path / "latin1.txt"
    src.write_bytes("Café crème brûlée.".encode("latin-1"))
    out = tmp_path / "out"
    result = dedup("clean", str(src), "--encoding", "latin-1", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert outputs(out)[1][0]["text"] == "Café crème brûlée."
    wrong = dedup("clean", str(src), "--encoding", "utf-8", "-o", str(tmp_path / "out2"))
    assert wrong.returncode == 1
    assert "latin1.txt:1: cannot decode as utf-8: byte 0xe9 at line 1" in wrong.stderr
    assert dedup("clean", str(src), "--encoding", "no-such-codec", "-o", str(tmp_path / "o3")).returncode == 2


# --------------------------------------------------------------------------- bad input


def test_every_kind_of_bad_input_is_reported_and_the_rest_processed(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text(STORY, encoding="utf-8")
    (inputs / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (inputs / "png.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    (inputs / "nul.txt").write_bytes(("正文第一行。\n" * 2000).encode("utf-8") + b"\x00tail\n")
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "undecodable.txt").write_bytes("好的\n".encode() + b"\xff\xfe\xfa broken \x80\n")
    with open(inputs / "huge.txt", "wb") as handle:  # a 50 MB single line
        handle.write(b"a" * (50 * 1024 * 1024))
    lines = [
        json.dumps({"id": "ok1", "text": OTHER}, ensure_ascii=False),
        '{"id": "broken", "text": "unterminated',
        json.dumps({"id": "no-text"}),
        json.dumps({"id": "number", "text": 42}),
        json.dumps({"id": "null", "text": None}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "nul", "text": "a\u0000b"}),
        '{"id": "surrogate", "text": "\\ud800 alone"}',
        "[" * 100_000 + "]" * 100_000,
        '{"id": "big-int", "text": "x", "n": ' + "9" * 5000 + "}",
        "",
        json.dumps({"id": "ok2", "text": REPRINT}, ensure_ascii=False),
    ]
    with open(inputs / "records.jsonl", "wb") as handle:
        handle.write("\n".join(lines[:3]).encode("utf-8") + b"\n")
        handle.write(b'{"id": "latin", "text": "caf\xe9"}\n')
        handle.write("\n".join(lines[3:]).encode("utf-8") + b"\n")
        handle.write(b'{"id": "long", "text": "' + b"b" * (50 * 1024 * 1024) + b'"}\n')
        handle.write(json.dumps({"id": "ok3", "text": "最后一行。"}, ensure_ascii=False).encode("utf-8") + b"\n")
    (inputs / "empty.jsonl").write_bytes(b"")
    (inputs / "corrupt.jsonl.zst").write_bytes(b"\x28\xb5\x2f\xfd" + bytes(range(200)))
    (inputs / "truncated.jsonl.gz").write_bytes(gzip.compress(("\n".join(lines[:1] * 50) + "\n").encode("utf-8"))[:-30])
    out = tmp_path / "out"
    result = dedup("clean", str(inputs), "--glob", "*", "-o", str(out), timeout=300)
    assert result.returncode == 1, result.stderr
    summary, cleaned = outputs(out)
    ids = [c["id"] for c in cleaned]
    assert set(ids) >= {"good.txt", "ok1", "ok2", "ok3"}
    assert not set(ids) & {"broken", "no-text", "number", "null", "nul", "surrogate", "latin", "long", "huge.txt"}
    skipped = skipped_by_source(summary)
    assert "binary" in skipped["binary.txt"][0]["reason"]
    assert "binary" in skipped["png.txt"][0]["reason"]
    assert skipped["nul.txt"][0] == {"source": str(inputs / "nul.txt"), "line": 2001, "reason": "NUL byte at line 2001"}
    assert skipped["empty.txt"][0]["reason"] == "empty file"
    assert skipped["empty.jsonl"][0]["reason"] == "empty file"
    assert skipped["undecodable.txt"][0]["line"] == 2
    assert skipped["huge.txt"][0]["reason"] == (
        "file of 52,428,800 bytes exceeds --max-record-bytes 8,388,608 (a .txt file is one document: give "
        "--max-record-bytes 52428800 to read it whole, or --split line if it holds a document a line (blank-line: "
        "between blank lines))"
    )
    by_line = {s["line"]: s["reason"] for s in skipped["records.jsonl"]}
    assert by_line[2].startswith("invalid JSON")
    assert by_line[3] == "no field 'text' (its fields: 'id'; name the text's with --text-field)"
    assert by_line[4] == (  # with no --encoding given, the reason says how to name one
        "not valid utf-8: byte 0xe9 at column 29 (a file in another encoding? name it with --encoding, e.g. "
        "--encoding cp1252)"
    )
    assert by_line[5] == "field 'text' is a number, not a string"
    assert by_line[6] == "field 'text' is null, not a string"
    assert by_line[7] == "not a JSON object but list"
    assert "NUL" in by_line[8]
    assert "surrogate" in by_line[9]
    assert by_line[10].startswith("invalid JSON")  # nested too deeply
    assert by_line[11].startswith("invalid JSON")  # integer too long
    assert "exceeds --max-record-bytes" in by_line[14]
    assert "corrupt or truncated" in skipped["truncated.jsonl.gz"][-1]["reason"]
    assert "corrupt or truncated" in skipped["corrupt.jsonl.zst"][-1]["reason"]
    # the lines of the truncated file before the damage are kept
    assert sum(1 for c in cleaned if c["source"].endswith("truncated.jsonl.gz")) >= 1
    # every report is on stderr with file and line too
    assert f"{inputs / 'records.jsonl'}:3: no field 'text' (its fields" in result.stderr
    assert f"{inputs / 'empty.txt'}: empty file" in result.stderr
    assert summary["exit_status"] == 1


def test_a_record_without_its_text_names_the_fields_it_has(tmp_path: Path) -> None:
    src = tmp_path / "pages.jsonl"
    rows = [
        {"lines": ["首页", "正文第一段。"], "n": 3, "url": "https://a", "title": "t"},
        {"id": "x", "lines": ["a", 1]},
        {},
        {f"f{i}": 0 for i in range(8)},
    ]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    skipped: list[Skipped] = []
    assert list(read_records([src], ReadOptions(), skipped)) == []
    assert [s.reason for s in skipped] == [
        "no field 'text' (its fields: 'url', 'title', 'lines', 'n'; name the text's with --text-field)",
        "no field 'text' (its fields: 'id', 'lines'; name the text's with --text-field)",
        "no field 'text'",
        "no field 'text' (its fields: 'f0', 'f1', 'f2', 'f3', 'f4', 'f5', ...; name the text's with --text-field)",
    ]
    skipped.clear()
    assert list(read_records([src], ReadOptions(text_field="lines"), skipped)) == []
    assert [s.reason for s in skipped[:2]] == [
        "field 'lines' is an array (of strings: join them into one text first, with newlines between lines), "
        "not a string",
        "field 'lines' is an array, not a string",
    ]


def test_a_nested_field_is_named_by_its_dotted_path(tmp_path: Path) -> None:
    """A text (or id) inside a nested object is named by its path of keys joined by dots; a key that holds the dots
    itself goes first; a record without the path names the nested fields so (until 2026-12-06 a nested text could not
    be read, and the skip named only the top-level object)."""
    src = tmp_path / "nested.jsonl"
    rows = [
        {"meta": {"url": "u1"}, "content": {"title": "t", "body": STORY}},
        {"meta": {"url": "u2"}, "content": {"title": "t", "body": OTHER}, "content.body": REPRINT},
        {"meta": {"url": "u3"}, "content": {"body": 3}},
        {"meta": {"url": "u4"}, "content": None},
        {"meta": "u5", "content": {"title": "t", "body": TRADITIONAL}},
    ]
    write_jsonl(src, rows)
    skipped: list[Skipped] = []
    options = ReadOptions(text_field="content.body", id_field="meta.url")
    records = list(read_records([src], options, skipped))
    assert [(r.id, r.text) for r in records] == [("u1", STORY), ("u2", REPRINT), ("nested.jsonl:5", TRADITIONAL)]
    assert [(s.line, s.reason) for s in skipped] == [
        (3, "field 'content.body' is a number, not a string"),
        (4, "no field 'content.body' (its fields: 'meta.url', 'content'; name the text's with --text-field)"),
    ]
    skipped.clear()
    list(read_records([src], ReadOptions(), skipped))
    assert skipped[0].reason == (
        "no field 'text' (its fields: 'meta.url', 'content.title', 'content.body'; name the text's with --text-field)"
    )


def test_a_field_of_a_parquet_struct_column_is_named_by_its_dotted_path(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    content = pa.array(
        [{"title": "a", "body": STORY}, {"title": "b", "body": None}, None, {"title": "d", "body": OTHER}]
    )
    meta = pa.array([{"url": f"u{i}", "rank": {"n": i}} for i in range(4)])
    pq.write_table(pa.table({"meta": meta, "content": content}), tmp_path / "docs.parquet", row_group_size=2)
    skipped: list[Skipped] = []
    options = ReadOptions(text_field="content.body", id_field="meta.url")
    records = list(read_records([tmp_path / "docs.parquet"], options, skipped))
    assert [(r.id, r.line, r.text) for r in records] == [("u0", 1, STORY), ("u3", 4, OTHER)]
    assert [(s.line, s.reason) for s in skipped] == [(2, "'content.body' is null"), (3, "'content.body' is null")]
    skipped.clear()
    for field in ("text", "content.subtitle", "meta.url.host"):
        list(read_records([tmp_path / "docs.parquet"], ReadOptions(text_field=field), skipped))
    columns = "(columns: meta.url, meta.rank.n, content.title, content.body; name the text's with --text-field)"
    assert [s.reason for s in skipped] == [
        f"no column {f!r} {columns}" for f in ("text", "content.subtitle", "meta.url.host")
    ]


def test_skips_are_capped_on_stderr_but_complete_in_the_summary(tmp_path: Path) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_text("not json\n" * 100 + json.dumps({"text": "好"}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = dedup("clean", str(src), "-o", str(out))
    assert result.returncode == 1
    assert result.stderr.count("invalid JSON") == 20
    assert "see summary.json" in result.stderr
    assert len(outputs(out)[0]["skipped"]) == 100


def test_memory_is_bounded_by_the_record_limit_not_the_line(tmp_path: Path) -> None:
    """A 200 MB line inside a 200 KB gzip file is skipped while streaming, never inflated whole."""
    src = tmp_path / "bomb.jsonl.gz"
    with gzip.open(src, "wb", compresslevel=1) as handle:
        handle.write(b'{"id": "bomb", "text": "')
        chunk = b"b" * (1 << 20)
        for _ in range(200):
            handle.write(chunk)
        handle.write(b'"}\n' + json.dumps({"id": "ok", "text": STORY}, ensure_ascii=False).encode("utf-8") + b"\n")
    out = tmp_path / "out"
    code = (
        "import re, sys\nfrom dedup.cli import main\n"
        f"status = main(['clean', {str(src)!r}, '-o', {str(out)!r}])\n"
        "status_file = open('/proc/self/status').read()\n"  # VmHWM: this process's peak, not its parent's
        "print(re.search(r'VmHWM:\\s*(\\d+)', status_file).group(1), file=sys.stderr)\nsys.exit(status)\n"
    )
    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc/self/status")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "bomb.jsonl.gz:1: line of 209,715," in result.stderr
    peak_mb = int(result.stderr.splitlines()[-1]) / 1024
    assert peak_mb < 150, peak_mb
    assert [c["id"] for c in outputs(out)[1]] == ["ok"]


# --------------------------------------------------------------------------- the reading helpers, in process


def test_bounded_lines_never_hold_a_long_line(tmp_path: Path) -> None:
    import io

    stream = io.BufferedReader(io.BytesIO(b"ab\n" + b"x" * 1000 + b"\ncd"))
    assert list(bounded_lines(stream, 10)) == [(1, b"ab\n"), (2, 1001), (3, b"cd")]
    stream = io.BufferedReader(io.BytesIO(b"0123456789\n"))
    assert list(bounded_lines(stream, 10)) == [(1, b"0123456789\n")]


def test_decode_text_reports_instead_of_replacing() -> None:
    assert decode_text(STORY.encode("gbk")).encoding == "gb18030"
    assert isinstance(decode_text(b"ok\n\x81\n"), str)  # undefined in cp1252, a C1 control in ISO 8859
    assert decode_text(b"ok\n\x80\n").text == "ok\n€\n"  # cp1252's euro sign (refused until 2026-12-07)
    assert decode_text(codecs.BOM_UTF16_LE + "a\nb\x00".encode("utf-16-le")) == "NUL character at line 2"
    assert decode_text("é".encode("latin-1"), "latin-1").text == "é"


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ("../../etc/passwd", "__/__/etc/passwd"),
        ("/etc/passwd", "etc/passwd"),
        ("a/./b.txt", "a/_/b.txt"),
        ("a\\..\\b.txt", "a_.._b.txt"),
        ("evil\u202etxt.exe", "evil_txt.exe"),
        ("new\nline.txt", "new_line.txt"),
        ("bad\\xff.txt", "bad_xff.txt"),
        ("", "_"),
    ],
)
def test_safe_relpath(rel: str, expected: str) -> None:
    assert str(safe_relpath(rel)) == expected


def test_safe_relpath_shortens_long_names() -> None:
    name = str(safe_relpath("长" * 300 + ".txt"))
    assert len(name.encode("utf-8")) <= 200 and name.endswith(".txt")


def test_path_allocator_keeps_paths_distinct_on_any_file_system() -> None:
    allocator = PathAllocator()
    got = [str(allocator.allocate(r)) for r in ["a.txt", "A.txt", "x.txt", "x.txt/y.txt", "e\u0301.txt", "\u00e9.txt"]]
    assert got == ["a.txt", "A~2.txt", "x.txt", "x.txt~2/y.txt", "é.txt", "é~2.txt"]
    assert ReadOptions().glob == "*.txt"


# ---------------------------------------------------------------------- runs that find nothing, compressed text, ids


def test_a_missing_input_is_refused_before_out_is_made(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = dedup("clean", str(tmp_path / "typo"), "-o", str(out))
    assert result.returncode == 2
    assert "typo: no such file or folder" in result.stderr
    assert not out.exists()


def test_a_run_with_nothing_to_read_says_what_was_looked_for(tmp_path: Path) -> None:
    records = tmp_path / "records"
    records.mkdir()
    write_jsonl(records / "a.jsonl", [{"text": STORY}])
    (records / "b.txt.gz").write_bytes(gzip.compress(STORY.encode("utf-8")))
    (records / "c.jsonl.gz").write_bytes(
        gzip.compress((json.dumps({"text": OTHER}, ensure_ascii=False) + "\n").encode("utf-8"))
    )
    result = dedup("find", str(records))
    assert result.returncode == 2
    assert f"nothing to read: no file of {records} matches --glob '*.txt' (3 other files: " in result.stderr
    assert "e.g. --glob '*.jsonl*'" in result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "out"
    result = dedup("clean", str(empty), "-o", str(out))
    assert result.returncode == 2 and f"nothing to read: {empty} holds no files" in result.stderr
    assert not out.exists()
    assert dedup("find", str(records), "--glob", "*.jsonl*").returncode == 0
    # A folder of CSV, TSV or JSON files: the advice names their kind (a KeyError until 2026-12-07)
    for kind in ("csv", "tsv", "json"):
        table = tmp_path / kind
        table.mkdir()
        for name in ("a", "b"):
            (table / f"{name}.{kind}").write_text("text\nsome text\n", encoding="utf-8")
        result = dedup("find", str(table))
        assert result.returncode == 2 and f"e.g. --glob '*.{kind}*'" in result.stderr, result.stderr


def test_files_the_glob_passes_over_are_named(tmp_path: Path) -> None:
    """A folder of .txt files with a JSONL file and notes beside them: the .txt files are read, and the run
    says what it passed over and how to read it too; with nothing passed over it says nothing."""
    folder = tmp_path / "mixed"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(STORY, encoding="utf-8")
    write_jsonl(folder / "sub" / "b.jsonl", [{"text": OTHER}])
    (folder / "notes.md").write_text("读我", encoding="utf-8")
    (folder / "LICENSE").write_text("MIT", encoding="utf-8")
    result = dedup("find", str(folder))
    assert result.returncode == 0
    assert (
        "read only the files matching --glob '*.txt' (3 other files: 1 .jsonl, 1 .md, 1 without extension; "
        "--glob '*' reads them too)" in result.stderr
    )
    assert "reading 1 input file" in result.stderr
    result = dedup("find", str(folder), "--glob", "*")
    assert result.returncode == 0 and "read only" not in result.stderr


def test_compressed_text_files_are_read(tmp_path: Path) -> None:
    import bz2
    import lzma

    zstandard = pytest.importorskip("zstandard")
    inputs = tmp_path / "in"
    inputs.mkdir()
    data = STORY.encode("utf-8")
    (inputs / "a.txt.gz").write_bytes(gzip.compress(data))
    (inputs / "b.txt.bz2").write_bytes(bz2.compress(data))
    (inputs / "c.txt.xz").write_bytes(lzma.compress(data))
    (inputs / "d.txt.zst").write_bytes(zstandard.ZstdCompressor().compress(STORY.encode("gb18030")))  # detected inside
    (inputs / "e.txt.gz").write_bytes(b"not gzip at all")
    (inputs / "f.txt.gz").write_bytes(gzip.compress(data)[:-12])  # truncated
    # truncated too: zstandard's reader stops where the file does (it was read as a shorter STORY until 2026-12-06)
    (inputs / "g.txt.zst").write_bytes(zstandard.ZstdCompressor().compress(data)[:-12])
    out = tmp_path / "out"
    result = dedup("clean", str(inputs), "--glob", "*.txt*", "-o", str(out), "--remove", "none")
    assert result.returncode == 1
    summary, cleaned = outputs(out)
    assert {c["id"]: c["text"] for c in cleaned} == {
        name: STORY for name in ("a.txt.gz", "b.txt.bz2", "c.txt.xz", "d.txt.zst")
    }
    # the cleaned text is written uncompressed, under the name without the compression's suffix (until 2026-12-07
    # text/a.txt.gz held plain text)
    assert {c["output"] for c in cleaned} == {f"text/{name}.txt" for name in "abcd"}
    assert (out / "text" / "a.txt").read_text(encoding="utf-8") == STORY
    skipped = skipped_by_source(summary)
    assert "corrupt or truncated compressed stream" in skipped["e.txt.gz"][0]["reason"]
    assert "corrupt or truncated compressed stream" in skipped["f.txt.gz"][0]["reason"]
    assert "zstd stream cut inside a frame" in skipped["g.txt.zst"][0]["reason"]


def test_text_files_of_the_same_name_in_different_inputs_keep_apart(tmp_path: Path) -> None:
    for folder, text in (("a", STORY), ("b", OTHER)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert dedup("clean", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(out)).returncode == 0
    _, cleaned = outputs(out)
    assert [(c["id"], c["output"]) for c in cleaned] == [("a/x.txt", "text/a/x.txt"), ("b/x.txt", "text/b/x.txt")]
    assert (out / "text" / "b" / "x.txt").read_text(encoding="utf-8") == OTHER
    # one folder: ids relative to it, as before
    result = dedup("find", "--json", str(tmp_path / "a"), str(tmp_path / "a" / "x.txt"))
    assert result.returncode == 0


def test_invalid_json_is_reported_at_its_column(tmp_path: Path) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_text(
        '{"text": "好", "id": 1}\n{"text": "ok", "id": 2, "x": tru}\n{"text":\n{"text": "a"} x\n{"text": "abc\n',
        encoding="utf-8",
    )
    result = dedup("find", str(src))
    assert result.returncode == 1
    assert "bad.jsonl:2: invalid JSON: Expecting value at column 30" in result.stderr
    assert (
        "bad.jsonl:3: invalid JSON: Expecting value at column 9" in result.stderr
    )  # the end of the line, not the next one
    assert "bad.jsonl:4: invalid JSON: Extra data at column 15" in result.stderr
    assert "bad.jsonl:5: invalid JSON: Unterminated string starting at column 10" in result.stderr
    assert "at at" not in result.stderr


def test_write_atomic_replaces_the_whole_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    from dedup.io import write_atomic

    target = tmp_path / "f.txt"
    write_atomic(target, b"old")
    write_atomic(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]
