"""Compressed inputs: which compression a stream's first bytes name, and whether a zstd file ends where a frame does.

gzip, bzip2 and xz readers raise on a stream cut short; python-zstandard's streaming readers return what they
decoded and stop, so a truncated ``.zst`` file (an interrupted download) read as a shorter, complete file. Its
frames are walked here instead — headers and block headers only, nothing decompressed (RFC 8878) — when its
reader reaches the end.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from typing import BinaryIO

#: The first bytes of each compressed format the readers open, and its format suffix.
MAGIC = ((b"\x1f\x8b", "gz"), (b"\x28\xb5\x2f\xfd", "zst"), (b"BZh", "bz2"), (b"\xfd7zXZ\x00", "xz"))

_ZSTD_MAGIC = 0xFD2FB528
_SKIPPABLE = 0x184D2A50  # the 16 magic numbers of skippable frames share all but their last 4 bits
_DICTIONARY_BYTES = (0, 1, 2, 4)
_CONTENT_SIZE_BYTES = (0, 2, 4, 8)


def compression_of(head: bytes) -> str | None:
    """The compression whose magic number ``head`` (a stream's first bytes) opens with — ``"gz"``, ``"zst"``,
    ``"bz2"`` or ``"xz"`` — or None."""
    return next((name for magic, name in MAGIC if head.startswith(magic)), None)


def zstd_problem(raw: BinaryIO) -> str | None:
    """Why the zstd stream ``raw`` (a seekable binary file, read from its start) is not whole frames up to its
    end — cut inside a frame, or not a frame where one starts — or None when it is (an empty stream is)."""
    end = raw.seek(0, os.SEEK_END)
    at = raw.seek(0)
    cut = f"zstd stream cut inside a frame (the file ends at byte {end:,})"
    while at < end:
        head = raw.read(4)
        if len(head) < 4:
            return cut
        magic = int.from_bytes(head, "little")
        if magic & 0xFFFFFFF0 == _SKIPPABLE:
            size = raw.read(4)
            if len(size) < 4:
                return cut
            at = raw.seek(int.from_bytes(size, "little"), os.SEEK_CUR)
            continue
        if magic != _ZSTD_MAGIC:
            return f"no zstd frame at byte {at:,}"
        descriptor = raw.read(1)
        if not descriptor:
            return cut
        flags = descriptor[0]
        single_segment = (flags >> 5) & 1
        content_size = _CONTENT_SIZE_BYTES[flags >> 6] or single_segment
        skip = (1 - single_segment) + _DICTIONARY_BYTES[flags & 3] + content_size
        pos = raw.seek(skip, os.SEEK_CUR)
        last = False
        while not last:
            block = raw.read(3)
            if len(block) < 3:
                return cut
            header = int.from_bytes(block, "little")
            last, kind, size = bool(header & 1), (header >> 1) & 3, header >> 3
            if kind == 3:
                return f"a reserved zstd block type at byte {pos:,}"
            pos = raw.seek(1 if kind == 1 else size, os.SEEK_CUR)
        at = raw.seek(4 * ((flags >> 2) & 1), os.SEEK_CUR)  # the content checksum
    return None if at == end else cut


class CheckedEnd(io.RawIOBase):
    """A decompressed stream that, when it reaches its end, raises ``EOFError`` if ``problem()`` names one (the
    compressed file was cut short): :func:`zstd_problem` of the file on disk."""

    def __init__(self, stream: BinaryIO, problem: Callable[[], str | None]) -> None:
        super().__init__()
        self._stream = stream
        self._problem: Callable[[], str | None] | None = problem

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        read = self._stream.readinto(buffer)  # straight into the buffered reader's buffer
        if not read and self._problem is not None:
            problem = self._problem()
            if problem:
                raise EOFError(problem)
            self._problem = None  # checked: whole frames
        return read

    def close(self) -> None:
        self._stream.close()
        super().close()
