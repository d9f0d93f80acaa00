"""dedup.io.split: a ``.txt`` file read as many documents, one a line or one a run between blank lines."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.cli import main
from dedup.io import Encoding, InputFile, ReadOptions, Record, Skipped, read_file
from dedup.io.ranges import count_chunks, count_newlines, first_lines, line_ranges, read_pieces, read_range
from dedup.io.split import blank_line_runs


def _file(tmp: Path, data: bytes, name: str = "docs.txt") -> InputFile:
    path = tmp / name
    path.write_bytes(data)
    fmt = "txt.gz" if name.endswith(".gz") else "txt"
    return InputFile(path, name, f"in/{name}", fmt, len(data))


def _read(file: InputFile, **options: object) -> list[Record | Skipped | Encoding]:
    return list(read_file(file, ReadOptions(**options)))  # type: ignore[arg-type]


def test_a_document_a_line(tmp_path: Path) -> None:
    """Each line that is not blank is a document named by its line, without its line break (CRLF too); a UTF-8
    BOM is dropped; a line of full-width spaces is blank."""
    data = "\ufeff第一篇\r\n\n  \n第二篇 \n\u3000\u3000\nlast".encode()
    got = _read(_file(tmp_path, data), split="line")
    assert [(r.id, r.line, r.text) for r in got if isinstance(r, Record)] == [
        ("docs.txt:1", 1, "第一篇"),
        ("docs.txt:4", 4, "第二篇 "),
        ("docs.txt:6", 6, "last"),
    ]
    assert len(got) == 3


def test_documents_between_blank_lines(tmp_path: Path) -> None:
    """A run of lines between blank lines (whitespace only, full-width too) is one document, named by its first
    line; its line breaks kept inside, its last one dropped."""
    data = "\n\na1\na2\r\n \t\nb1\n\u3000\n\nc1\nc2\n".encode()
    got = _read(_file(tmp_path, data), split="blank-line")
    assert [(r.id, r.text) for r in got if isinstance(r, Record)] == [
        ("docs.txt:3", "a1\na2"),
        ("docs.txt:6", "b1"),
        ("docs.txt:9", "c1\nc2"),
    ]
    assert _read(_file(tmp_path, b"one\ntwo\n"), split="none") == [
        Record("docs.txt", "in/docs.txt", "one\ntwo\n", None, "docs.txt")
    ]


def test_what_is_skipped_and_why(tmp_path: Path) -> None:
    """--max-record-bytes bounds a document, not the file; bytes not valid in the encoding skip their document,
    saying the line and column; UTF-16 is refused whole; an empty file is one skip."""
    data = b"short\n" + b"x" * 30 + b"\nok \xff here\n"
    got = _read(_file(tmp_path, data), split="line", max_record_bytes=20)
    assert [r.text for r in got if isinstance(r, Record)] == ["short"]
    assert [(s.line, s.reason.split(" (")[0]) for s in got if isinstance(s, Skipped)] == [
        (2, "line of 31 bytes exceeds --max-record-bytes 20"),
        (3, "not valid utf-8: byte 0xff at column 4"),
    ]
    runs = b"a\nb\n\nc\nok \xff\n\n" + b"y\n" * 12
    got = _read(_file(tmp_path, runs), split="blank-line", max_record_bytes=20)
    assert [r.text for r in got if isinstance(r, Record)] == ["a\nb"]
    assert [(s.line, s.reason.split(" (")[0]) for s in got if isinstance(s, Skipped)] == [
        (4, "not valid utf-8: byte 0xff at line 5, column 4"),
        (7, "text of 24 bytes exceeds --max-record-bytes 20"),
    ]
    utf16 = "一\n二\n".encode("utf-16")
    assert _read(_file(tmp_path, utf16), split="line") == [
        Skipped("in/docs.txt", None, "UTF-16 text read a document a line is not supported: convert it to UTF-8")
    ]
    assert _read(_file(tmp_path, b""), split="line") == [Skipped("in/docs.txt", None, "empty file")]
    binary = bytes(range(256)) * 40
    assert _read(_file(tmp_path, binary), split="line") == [Skipped("in/docs.txt", None, "binary file (control bytes)")]
    with pytest.raises(ValueError, match="split must be"):
        ReadOptions(split="lines")


def test_compressed_and_legacy_encodings(tmp_path: Path) -> None:
    """A compressed file is streamed the same way; a GB18030 file is read as such, with the note that says so."""
    text = "\n".join(f"第{i}篇新闻报道，记者从有关部门获悉，会议在北京召开。" for i in range(40)) + "\n"
    gz = _read(_file(tmp_path, gzip.compress(text.encode()), "docs.txt.gz"), split="line")
    assert [r.text for r in gz if isinstance(r, Record)] == text.splitlines()
    legacy = _read(_file(tmp_path, text.encode("gb18030")), split="line")
    assert [r.text for r in legacy if isinstance(r, Record)] == text.splitlines()
    assert [(n.encoding, n.detected) for n in legacy if isinstance(n, Encoding)] == [("gb18030", True)]


_TEXT_LINES = st.lists(
    st.sampled_from(["", " ", "\u3000", "a", "文字", "长长长长长长长长长长长长", "b c"]), max_size=16
)


@settings(max_examples=200, deadline=None)
@given(lines=_TEXT_LINES, newline=st.sampled_from(["\n", "\r\n"]), last=st.booleans())
def test_runs_are_the_text_between_blank_lines(lines: list[str], newline: str, last: bool) -> None:
    """blank_line_runs over numbered lines: each run's first line and bytes are the non-blank lines between
    blank ones, joined as they were; runs over the limit give their length."""
    raw = [(k + 1, (line + newline).encode()) for k, line in enumerate(lines)]
    if raw and not last:
        raw[-1] = (raw[-1][0], lines[-1].encode())
    expected, current = [], []
    for number, data in raw:
        if data.decode().strip():
            current.append((number, data))
        elif current:
            expected.append(current)
            current = []
    if current:
        expected.append(current)
    got = list(blank_line_runs(raw, 30, "utf-8"))
    sizes = [sum(len(d) for _, d in run) for run in expected]
    assert got == [
        (run[0][0], b"".join(d for _, d in run) if size <= 30 else size) for run, size in zip(expected, sizes)
    ]


@settings(max_examples=200, deadline=None)
@given(lines=_TEXT_LINES, newline=st.sampled_from(["\n", "\r\n"]), range_bytes=st.integers(1, 40))
def test_a_split_file_is_read_in_ranges_as_whole(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str], newline: str, range_bytes: int
) -> None:
    """A file split a document a line is cut in byte ranges as JSONL is: read in order, or each range from the
    newlines counted before it, the ranges give the whole read's records and skips."""
    data = newline.join(lines).encode()
    file = _file(tmp_path_factory.mktemp("s"), data)
    options = ReadOptions(split="line", max_record_bytes=20)
    whole = list(read_file(file, options))
    assert line_ranges(file, ReadOptions(), range_bytes) is None  # not split: read whole
    ranges = line_ranges(file, options, range_bytes)
    if ranges is None:
        assert len(data) <= range_bytes
        return
    firsts = first_lines(ranges, [count_newlines(file, *chunk) for chunk in count_chunks(ranges)[:-1]])
    apart = [i for (start, stop), first in zip(ranges, firsts) for i in read_range(file, options, start, stop, first)]
    assert apart == whole


def test_the_command_writes_the_file_in_its_shape(tmp_path: Path) -> None:
    """``dedup clean FILE --split line``: one row of cleaned.jsonl a line, named FILE:LINE, and text/FILE holding
    the kept documents a line each — the copy emptied, the cut text gone; --split blank-line the same with runs."""
    story = "记者从有关部门获悉，今年全国粮食总产量再创新高，达到四千九百亿公斤，比上年增加一百亿公斤。"
    other = "本报讯 城市公共交通条例近日施行，规定公交企业应当按照规定的线路、站点、班次和时间运营。"
    third = "新年前夕，各地举办形式多样的文艺演出，丰富群众的节日文化生活，受到广大群众的欢迎。"
    source = tmp_path / "in" / "corpus.txt"
    source.parent.mkdir()
    source.write_text(f"{story}\n{other}\n\n{story}\n{third}\n", encoding="utf-8")
    out = tmp_path / "out"
    argv = ["clean", str(source), "-o", str(out), "--split", "line", "--cross-document", "--no-report", "--quiet"]
    assert main(argv) == 0
    rows = [json.loads(line) for line in (out / "cleaned.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["line"], r["text"]) for r in rows] == [
        ("corpus.txt:1", 1, story),
        ("corpus.txt:2", 2, other),
        ("corpus.txt:4", 4, ""),
        ("corpus.txt:5", 5, third),
    ]
    assert rows[2]["removed"][0]["reason"] == "duplicate"
    assert (out / "text" / "corpus.txt").read_text(encoding="utf-8") == f"{story}\n{other}\n{third}\n"
    source.write_text(f"{story}\n{other}\n\n{story}\n\n\n{third}\n", encoding="utf-8")
    assert main([*argv[:5], "blank-line", *argv[6:], "--force"]) == 0
    rows = [json.loads(line) for line in (out / "cleaned.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], bool(r["text"])) for r in rows] == [
        ("corpus.txt:1", True),
        ("corpus.txt:4", False),
        ("corpus.txt:7", True),
    ]
    assert (out / "text" / "corpus.txt").read_text(encoding="utf-8") == f"{story}\n{other}\n\n{third}\n"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["options"]["split"] == "blank-line"


def test_read_pieces_of_a_split_file_follow_its_ranges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's reader (read_pieces) cuts a big split file in ranges and reads the same records."""
    from dedup.io import ranges

    data = "".join(f"第{i}行文字\n" for i in range(200)).encode()
    file = _file(tmp_path, data)
    options = ReadOptions(split="line")
    monkeypatch.setattr(ranges, "RANGE_BYTES", 256)
    pieces = list(read_pieces(file, options))
    assert max(p for p, _ in pieces) == -(-len(data) // 256) - 1
    assert [item for _, item in pieces] == list(read_file(file, options))
    binary = _file(tmp_path, bytes(range(256)) * 4)
    assert list(read_pieces(binary, options)) == [(0, Skipped("in/docs.txt", None, "binary file (control bytes)"))]
