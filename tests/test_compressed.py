"""dedup.io.compressed: a stream's compression from its first bytes, and whether a zstd file ends where a frame does
(python-zstandard's streaming reader stops where the file does, inside a frame too)."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.io.compressed import CheckedEnd, compression_of, zstd_problem

zstandard = pytest.importorskip("zstandard")


def test_compressions_are_told_by_their_first_bytes() -> None:
    data = b'{"text": "x"}\n'
    made = {
        "gz": gzip.compress(data),
        "zst": zstandard.ZstdCompressor().compress(data),
        "bz2": bz2.compress(data),
        "xz": lzma.compress(data),
    }
    assert {name: compression_of(blob) for name, blob in made.items()} == {name: name for name in made}
    assert compression_of(data) is None and compression_of(b"") is None and compression_of(b"\x1f") is None


payload = st.one_of(
    st.binary(max_size=3000),  # raw blocks, mostly
    st.builds(lambda b, n: b * n, st.binary(min_size=1, max_size=3), st.integers(1, 300_000)),  # RLE, long frames
    st.text(max_size=2000).map(lambda t: t.encode("utf-8")),
)
frame_options = st.fixed_dictionaries(
    {"level": st.integers(1, 19), "write_checksum": st.booleans(), "write_content_size": st.booleans()}
)


def _frames(parts: list[tuple[bytes, dict]], skippable: list[bool]) -> tuple[bytes, set[int]]:
    """The frames of ``parts`` one after the other (a skippable frame after those ``skippable`` marks), and every
    byte offset where a frame ends (a whole file when cut there)."""
    out, ends = b"", {0}
    for (data, options), skip in zip(parts, skippable):
        out += zstandard.ZstdCompressor(**options).compress(data)
        ends.add(len(out))
        if skip:
            out += (0x184D2A5A).to_bytes(4, "little") + (3).to_bytes(4, "little") + b"abc"
            ends.add(len(out))
    return out, ends


@settings(max_examples=60, deadline=None)
@given(
    parts=st.lists(st.tuples(payload, frame_options), min_size=1, max_size=3), skips=st.lists(st.booleans(), max_size=3)
)
def test_a_zstd_stream_is_whole_exactly_where_a_frame_ends(parts: list[tuple[bytes, dict]], skips: list[bool]) -> None:
    blob, ends = _frames(parts, skips + [False] * len(parts))
    for cut in range(len(blob) + 1):
        problem = zstd_problem(io.BytesIO(blob[:cut]))
        assert (problem is None) == (cut in ends), (cut, problem)
        if problem is not None:
            assert problem == f"zstd stream cut inside a frame (the file ends at byte {cut:,})"


def test_a_stream_that_is_no_zstd_frame_says_where() -> None:
    frame = zstandard.ZstdCompressor().compress(b"hello")
    assert zstd_problem(io.BytesIO(frame + b"garbage!")) == f"no zstd frame at byte {len(frame):,}"


def test_the_checked_stream_raises_at_its_end_only_when_cut() -> None:
    frame = zstandard.ZstdCompressor().compress(b"hello world " * 50)
    for blob, problem in ((frame, None), (frame[:-4], "zstd stream cut")):
        raw = io.BytesIO(blob)
        reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True, closefd=False)
        stream = io.BufferedReader(CheckedEnd(reader, lambda raw=raw: zstd_problem(raw)))
        if problem is None:
            assert stream.read() == b"hello world " * 50
            assert stream.read() == b""  # checked once, then plain ends
        else:
            with pytest.raises(EOFError, match=problem):
                stream.read()
