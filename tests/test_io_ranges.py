"""dedup.io.ranges: a big JSONL file read in byte ranges gives what reading it whole gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.io import InputFile, ReadOptions, feed_item, read_file
from dedup.io.ranges import (
    FileDigest,
    count_chunks,
    count_newlines,
    first_lines,
    line_ranges,
    read_pieces,
    read_range,
)

_LINES = st.one_of(
    st.builds(
        lambda t, i: json.dumps({"id": i, "text": t}, ensure_ascii=False), st.text(max_size=30), st.text(max_size=3)
    ),
    st.builds(lambda t: json.dumps({"text": t}), st.text(alphabet="ab文", min_size=40, max_size=120)),  # too long
    st.sampled_from(["", "   ", "{not json", '{"other": 1}', "[1, 2]"]),
)


def _file(tmp: Path, data: bytes) -> InputFile:
    path = tmp / "big.jsonl"
    path.write_bytes(data)
    return InputFile(path, "big.jsonl", "in/big.jsonl", "jsonl", len(data))


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(_LINES, max_size=14),
    newline=st.sampled_from(["\n", "\r\n"]),
    last=st.booleans(),
    bom=st.booleans(),
    range_bytes=st.integers(1, 60),
)
def test_ranges_read_as_the_whole_file(
    tmp_path_factory: object, lines: list[str], newline: str, last: bool, bom: bool, range_bytes: int
) -> None:
    """Every line read once, with its number: the ranges read in order (as one machine reads them), or each
    from the newlines counted before it (as workers read them), give the records and skips of the whole file."""
    data = ("\ufeff" * bom + newline.join(lines) + newline * last).encode("utf-8")
    file = _file(tmp_path_factory.mktemp("r"), data)  # type: ignore[attr-defined]
    options = ReadOptions(max_record_bytes=100)
    whole = list(read_file(file, options))
    ranges = line_ranges(file, ReadOptions(), range_bytes)
    if ranges is None:
        assert len(data) <= range_bytes
        return
    assert ranges[0][0] == 0 and ranges[-1][1] is None and len(ranges) == -(-len(data) // range_bytes)
    firsts = first_lines(ranges, [count_newlines(file, *chunk) for chunk in count_chunks(ranges)[:-1]])
    apart = [[*read_range(file, options, start, stop, first)] for (start, stop), first in zip(ranges, firsts)]
    assert [item for part in apart for item in part] == whole
    # One machine reads them in order, each range from one past the last line of the one before.
    digest, after = FileDigest(len(ranges)), []
    for piece, item in _pieces(file, options, range_bytes):
        digest.add(piece, item)
        after.append(item)
    assert after == whole
    # The digest is the same however the ranges were read.
    workers = FileDigest(len(ranges))
    for piece, part in enumerate(apart):
        for item in part:
            feed_item(workers.parts[piece], item)
    assert digest.digest() == workers.digest()


def _pieces(file: InputFile, options: ReadOptions, range_bytes: int) -> list[tuple[int, object]]:
    import dedup.io.ranges as ranges

    saved, ranges.RANGE_BYTES = ranges.RANGE_BYTES, range_bytes
    try:
        return list(read_pieces(file, options))
    finally:
        ranges.RANGE_BYTES = saved


def test_small_compressed_and_other_files_are_read_whole(tmp_path: Path) -> None:
    data = b'{"text": "a"}\n' * 10
    assert line_ranges(_file(tmp_path, data), ReadOptions(), len(data)) is None
    assert line_ranges(_file(tmp_path, data), ReadOptions(), 50) == [(0, 50), (50, 100), (100, None)]  # 140 bytes
    gz = InputFile(tmp_path / "x.jsonl.gz", "x.jsonl.gz", "in/x.jsonl.gz", "jsonl.gz", 10**9)
    assert line_ranges(gz, ReadOptions(), 10) is None
    assert list(read_pieces(_file(tmp_path, data), ReadOptions())) == [(0, r) for r in read_file(_file(tmp_path, data))]
    assert FileDigest(1).digest() != FileDigest(2).digest()


def test_a_utf16_file_is_skipped_once(tmp_path: Path) -> None:
    file = _file(tmp_path, "\n".join(['{"text": "一"}'] * 40).encode("utf-16"))
    ranges = line_ranges(file, ReadOptions(), 64)
    assert ranges is not None
    firsts = first_lines(ranges, [count_newlines(file, *chunk) for chunk in count_chunks(ranges)[:-1]])
    items = [
        i for (start, stop), first in zip(ranges, firsts) for i in read_range(file, ReadOptions(), start, stop, first)
    ]
    assert [str(i) for i in items] == ["in/big.jsonl: UTF-16 JSONL is not supported: convert it to UTF-8"]
    assert items == list(read_file(file))


def _parquet(tmp: Path, texts: list[object], ids: list[object], group: int) -> InputFile:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp / "big.parquet"
    pq.write_table(pa.table({"id": ids, "text": texts, "n": list(range(len(texts)))}), path, row_group_size=group)
    return InputFile(path, "big.parquet", "in/big.parquet", "parquet", path.stat().st_size)


@settings(max_examples=40, deadline=None)
@given(
    texts=st.lists(
        st.one_of(st.none(), st.text(max_size=20), st.text(alphabet="ab", min_size=90, max_size=120)), max_size=40
    ),
    group=st.integers(1, 9),
    pieces_bytes=st.integers(1, 4000),
)
def test_a_parquet_file_read_in_groups_of_row_groups_reads_as_whole(
    tmp_path_factory: pytest.TempPathFactory, texts: list[object], group: int, pieces_bytes: int
) -> None:
    import dedup.io.ranges as ranges

    file = _parquet(tmp_path_factory.mktemp("p"), texts, [f"r{i}" if i % 2 else None for i in range(len(texts))], group)
    options = ReadOptions(max_record_bytes=100)
    whole = list(read_file(file, options, fields=True))
    saved, ranges.RANGE_BYTES = ranges.RANGE_BYTES, pieces_bytes
    try:
        pieces = ranges.parquet_pieces(file)
        read = list(read_pieces(file, options, fields=True))
    finally:
        ranges.RANGE_BYTES = saved
    assert [item for _, item in read] == whole
    assert [getattr(i, "fields", None) for _, i in read] == [getattr(i, "fields", None) for i in whole]
    if pieces is not None:
        assert len(pieces) >= 2 and [g for p in pieces for g in p] == list(range(-(-len(texts) // group)))
        assert [k for k, _ in read] == sorted(k for k, _ in read)


def test_parquet_pieces_keep_row_numbers_and_say_file_problems_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dedup.io.ranges as ranges

    texts: list[object] = [f"第{i}行" if i % 7 else None for i in range(30)]
    file = _parquet(tmp_path, texts, [None] * 30, 4)  # 8 row groups
    monkeypatch.setattr(ranges, "RANGE_BYTES", file.size // 3 + 1)  # three pieces
    assert ranges.parquet_pieces(file) == [[0, 1], [2, 3, 4], [5, 6, 7]]
    read = list(read_pieces(file, ReadOptions()))
    assert [item for _, item in read] == list(read_file(file, ReadOptions()))
    assert [k for k, _ in read][::10] == [0, 1, 2] and str(read[7][1]) == "in/big.parquet:8: 'text' is null"
    assert read[29][1].id == "big.parquet:30"  # type: ignore[union-attr]
    pieces = [list(read_file(file, ReadOptions(text_field="body"), row_groups=p)) for p in ranges.parquet_pieces(file)]
    assert [len(p) for p in pieces] == [1, 0, 0]  # "no column 'body'": said by the piece of row group 0 only


def test_a_gbk_file_read_in_ranges_as_whole(tmp_path: Path) -> None:
    """A JSONL file in GBK (Chinese dumps often are) is read in GB18030, decided on its first megabyte by every
    range alike, the note said once: before, every line was skipped as not UTF-8."""
    texts = [f"第{i}条：今天天气很好，市民纷纷外出游玩，公园里人山人海。" for i in range(40)]
    data = "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts))
    file = _file(tmp_path, data.encode("gbk"))
    whole = list(read_file(file, ReadOptions()))
    assert [item.encoding for item in whole[:1]] == ["gb18030"] and [r.text for r in whole[1:]] == texts
    ranges = line_ranges(file, ReadOptions(), 500)
    assert ranges is not None and len(ranges) > 3
    firsts = first_lines(ranges, [count_newlines(file, *chunk) for chunk in count_chunks(ranges)[:-1]])
    apart = [
        item
        for (start, stop), first in zip(ranges, firsts)
        for item in read_range(file, ReadOptions(), start, stop, first)
    ]
    assert apart == whole
    forced = list(read_file(file, ReadOptions(encoding="utf-8")))
    assert all(item.reason.startswith("not valid utf-8") for item in forced)  # --encoding is obeyed
    assert not any("--encoding" in item.reason for item in forced)  # named: no hint to name one
