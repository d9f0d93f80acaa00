"""dedup.io.ranges: a big JSONL file read in byte ranges gives what reading it whole gives."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.io import InputFile, ReadOptions, feed_item, read_file
from dedup.io.ranges import (
    FileDigest,
    count_chunks,
    count_newlines,
    first_lines,
    jsonl_ranges,
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
    ranges = jsonl_ranges(file, range_bytes)
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
    assert jsonl_ranges(_file(tmp_path, data), len(data)) is None
    assert jsonl_ranges(_file(tmp_path, data), 50) == [(0, 50), (50, 100), (100, None)]  # 140 bytes
    gz = InputFile(tmp_path / "x.jsonl.gz", "x.jsonl.gz", "in/x.jsonl.gz", "jsonl.gz", 10**9)
    assert jsonl_ranges(gz, 10) is None
    assert list(read_pieces(_file(tmp_path, data), ReadOptions())) == [(0, r) for r in read_file(_file(tmp_path, data))]
    assert FileDigest(1).digest() != FileDigest(2).digest()


def test_a_utf16_file_is_skipped_once(tmp_path: Path) -> None:
    file = _file(tmp_path, "\n".join(['{"text": "一"}'] * 40).encode("utf-16"))
    ranges = jsonl_ranges(file, 64)
    assert ranges is not None
    firsts = first_lines(ranges, [count_newlines(file, *chunk) for chunk in count_chunks(ranges)[:-1]])
    items = [
        i for (start, stop), first in zip(ranges, firsts) for i in read_range(file, ReadOptions(), start, stop, first)
    ]
    assert [str(i) for i in items] == ["in/big.jsonl: UTF-16 JSONL is not supported: convert it to UTF-8"]
    assert items == list(read_file(file))
