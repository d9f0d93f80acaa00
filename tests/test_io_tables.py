"""CSV, TSV and JSON inputs: records like a JSONL file's, never one document of the whole file."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.io import ReadOptions, Record, Skipped, read_records
from dedup.io.base import format_of
from dedup.io.delimited import SAMPLE_BYTES
from dedup.io.discover import discover
from dedup.io.readers import read_file

NEWS = "今天天气很好，市民纷纷外出游玩，公园里人山人海。"


def _read(path: Path, **options: object) -> tuple[list[Record], list[Skipped]]:
    skipped: list[Skipped] = []
    return list(read_records([path], ReadOptions(**options), skipped)), skipped


def test_formats_by_name() -> None:
    assert [format_of(n) for n in ("a.csv", "b.TSV", "c.json", "d.csv.gz", "e.json.zst", "f.jsonl")] == [
        "csv",
        "tsv",
        "json",
        "csv.gz",
        "json.zst",
        "jsonl",
    ]


def test_csv_rows_are_records_with_quotes_line_breaks_and_ids(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text(
        'id,title,text\n1,晴,"今天天气很好，\n公园里人山人海。"\n2,"雨, 大","说：""下雨了""。"\n\n3,雪,\n',
        encoding="utf-8",
    )
    records, skipped = _read(path)
    assert [(r.id, r.line, r.text) for r in records] == [
        ("1", 2, "今天天气很好，\n公园里人山人海。"),
        ("2", 4, '说："下雨了"。'),
        ("3", 6, ""),
    ]
    assert skipped == []
    with_fields = [r for r in read_file(next(iter(discover([str(path)]))), ReadOptions(), fields=True)]
    assert with_fields[1].fields == {"id": "2", "title": "雨, 大", "text": '说："下雨了"。'}


def test_csv_problems_are_reported_per_row_or_per_file(tmp_path: Path) -> None:
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("id,text\n1,a\n2,b,extra\n3,c\n", encoding="utf-8")
    records, skipped = _read(ragged)
    assert [r.text for r in records] == ["a", "c"]
    assert [(s.line, s.reason) for s in skipped] == [(3, "row of 3 cells, the header names 2")]
    other = tmp_path / "other.csv"
    other.write_text("id,content,lang\n1,a,zh\n", encoding="utf-8")
    records, skipped = _read(other)
    assert records == [] and [s.reason for s in skipped] == [
        "no column 'text' (columns: 'id', 'content', 'lang'; name the text's with --text-field)"
    ]
    assert [r.text for r in _read(other, text_field="content")[0]] == ["a"]
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert [s.reason for s in _read(empty)[1]] == ["empty file"]


def test_csv_encodings_tsv_and_compression(tmp_path: Path) -> None:
    """Excel writes UTF-8 with a BOM, or the system's code page (GBK in China): both read exactly."""
    rows = f"text\tid\n{NEWS}\ta\n"
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbf" + rows.replace("\t", ",").encode("utf-8"))
    (tmp_path / "gbk.csv").write_bytes(rows.replace("\t", ",").encode("gbk"))
    (tmp_path / "t.tsv").write_text(rows, encoding="utf-8")
    with gzip.open(tmp_path / "z.csv.gz", "wt", encoding="utf-8") as handle:
        handle.write(rows.replace("\t", ","))
    for name in ("bom.csv", "gbk.csv", "t.tsv", "z.csv.gz"):
        records, skipped = _read(tmp_path / name)
        assert [(r.id, r.text) for r in records] == [("a", NEWS)], name
        assert skipped == [], name


def test_csv_rows_with_bytes_their_encoding_cannot_read_are_skipped_one_by_one(tmp_path: Path) -> None:
    """A UTF-8 CSV with a stray byte in its first megabyte was refused whole, one after it ended the file there (and
    the line it named was off); until 2026-12-07. Now only their rows go, each named by line and column."""
    rows = [f"{i},Über die Prüfung Nummer {i}: für Grüße und Übersicht.".encode() for i in range(30_000)]
    for i in (10, 25_000):  # the second lies beyond the sampled megabyte
        rows[i] = rows[i].replace("für".encode(), b"f\xfcr")
    path = tmp_path / "damaged.csv"
    path.write_bytes(b"id,text\n" + b"\n".join(rows) + b"\n")
    assert path.stat().st_size > SAMPLE_BYTES
    records, skipped = _read(path)
    assert len(records) == 29_998 and records[-1].text.endswith("29999: für Grüße und Übersicht.")
    assert [(s.line, s.reason.split(" (")[0]) for s in skipped] == [
        (12, "not valid utf-8: byte 0xfc in column 'text'"),
        (25_002, "not valid utf-8: byte 0xfc in column 'text'"),
    ]


def test_json_files_are_read_in_the_encoding_their_bytes_show(tmp_path: Path) -> None:
    """As CSV and JSONL files are: GBK, a code page, UTF-16 with its BOM (refused as not UTF-8 until 2026-12-07)."""
    russian = "Городская библиотека в понедельник снова откроется после трёх месяцев ремонта."
    for text, encoding in ((NEWS, "gbk"), (russian, "cp1251"), (russian, "utf-16"), (NEWS, "utf-8-sig")):
        path = tmp_path / f"{encoding}.json"
        path.write_bytes(json.dumps([{"text": text, "id": "a"}], ensure_ascii=False).encode(encoding))
        records, skipped = _read(path)
        assert [(r.id, r.text) for r in records] == [("a", text)] and skipped == [], encoding


def test_csv_separated_by_semicolons_is_read_so(tmp_path: Path) -> None:
    """Spreadsheets where the comma is the decimal mark write ``;``-separated ``.csv`` files (with a BOM, in
    Excel's case): a header with semicolons and no comma is read so; a header with a comma stays comma-separated,
    whatever its cells hold (until 2026-12-06 the semicolon header was one column, ``'id;text'``)."""
    semi = tmp_path / "semi.csv"
    semi.write_bytes(b"\xef\xbb\xbf" + 'id;text\n1;"今天天气很好; 3,5 度。"\n2;雨\n'.encode())
    records, skipped = _read(semi)
    assert [(r.id, r.text) for r in records] == [("1", "今天天气很好; 3,5 度。"), ("2", "雨")] and skipped == []
    comma = tmp_path / "comma.csv"
    comma.write_text('id,text\n1,"a; b"\n', encoding="utf-8")
    assert [(r.id, r.text) for r in _read(comma)[0]] == [("1", "a; b")]
    tab = tmp_path / "t.tsv"
    tab.write_text("id;x\ttext\n1;2\tc\n", encoding="utf-8")  # a TSV keeps its tabs
    assert [(r.id, r.text) for r in _read(tab)[0]] == [("t.tsv:2", "c")]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet='ab,"\n\r\t 中文。', max_size=12), min_size=1, max_size=6))
def test_csv_round_trips_any_text(tmp_path_factory: object, texts: list[str]) -> None:
    """Whatever a text holds (commas, quotes, line breaks), the csv module's writing of it reads back exactly."""
    import csv
    import io

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["id", "text"])
    writer.writerows([[str(i), text] for i, text in enumerate(texts)])
    folder = tmp_path_factory.mktemp("csv")  # type: ignore[attr-defined]
    path = folder / "t.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    records, skipped = _read(path)
    assert skipped == [] and [(r.id, r.text) for r in records] == [(str(i), t) for i, t in enumerate(texts)]


def test_json_arrays_and_objects(tmp_path: Path) -> None:
    array = tmp_path / "a.json"
    array.write_text(json.dumps([{"id": "x", "text": NEWS}, {"text": "二"}, 3, {"body": "三"}, "四"]), encoding="utf-8")
    records, skipped = _read(array)
    assert [(r.id, r.line, r.text) for r in records] == [("x", 1, NEWS), ("a.json:2", 2, "二"), ("a.json:5", 5, "四")]
    assert [(s.line, s.reason) for s in skipped] == [
        (3, "element 3 is neither an object nor a string"),
        (4, "no field 'text' (its fields: 'body'; name the text's with --text-field)"),
    ]
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"text": NEWS}), encoding="utf-8")
    assert [r.text for r in _read(one)[0]] == [NEWS]
    broken = tmp_path / "broken.json"
    broken.write_text('[{"text": "a"},\n {"text": }]', encoding="utf-8")
    assert [(s.line, s.reason) for s in _read(broken)[1]] == [(2, "invalid JSON: Expecting value at column 11")]


def test_the_command_reads_csv_and_json_as_records(tmp_path: Path) -> None:
    """A new user's CSV or JSON file was one document before: its duplicates were never found."""
    (tmp_path / "a.csv").write_text(f"id,text\n1,{NEWS}\n2,{NEWS}\n", encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps([{"id": 3, "text": NEWS}]), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "dedup", "find", str(tmp_path / "a.csv"), str(tmp_path / "b.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "3 documents, 1 cluster of near-duplicates" in result.stdout
