"""Durable writes of many small files: write_atomic without fsync, then one sync_files at a checkpoint."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from dedup.io import paths, sync_files, write_atomic


def _written(tmp_path: Path, n: int) -> list[Path]:
    files = []
    for i in range(n):
        folder = tmp_path / f"d{i % 3}"
        folder.mkdir(exist_ok=True)
        write_atomic(folder / f"{i}.txt", f"text {i}".encode(), tmp_dir=tmp_path, sync=False)
        files.append(folder / f"{i}.txt")
    return files


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="syncfs is Linux's")
def test_sync_files_on_linux_is_one_syncfs_a_file_system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = _written(tmp_path, 7)
    assert paths._syncfs() is not None
    sync_files(files)  # the real system call
    calls: list[int] = []
    monkeypatch.setattr(paths, "_syncfs", lambda: lambda fd: calls.append(fd) or 0)
    sync_files(files)
    assert len(calls) == 1
    sync_files([])
    assert len(calls) == 1
    monkeypatch.setattr(paths, "_syncfs", lambda: lambda fd: -1)
    with pytest.raises(OSError, match="syncfs"):
        sync_files(files)


def test_sync_files_elsewhere_fsyncs_every_file_and_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = _written(tmp_path, 7)
    synced: list[str] = []
    real_fsync = paths.os.fsync
    monkeypatch.setattr(paths, "_syncfs", lambda: None)
    monkeypatch.setattr(paths.os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    sync_files(files)
    assert len(synced) == 7 + 3  # the files and their three folders
    assert sorted(p.read_text() for p in files) == sorted(f"text {i}" for i in range(7))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d0", "d1", "d2"]  # no temporary left
