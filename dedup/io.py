"""Readers: input paths → records (id, source, text). The only module that reads files."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import DedupError

__all__ = ["Record", "InputError", "iter_txt_paths", "read_records"]


class InputError(DedupError):
    """An input path cannot be read."""


@dataclass(frozen=True)
class Record:
    """One document of the input.

    Attributes
    ----------
    id : str
        Stable identifier (for ``.txt`` files: the path relative to its input root).
    source : str
        The file it came from.
    text : str
    """

    id: str
    source: str
    text: str


def iter_txt_paths(root: Path, pattern: str = "*.txt") -> Iterator[tuple[Path, str]]:
    """``.txt`` files under ``root`` (itself if a file), sorted, with ids relative to it."""
    if root.is_file():
        yield root, root.name
        return
    if not root.is_dir():
        raise InputError(f"{root}: no such file or folder")
    for path in sorted(p for p in root.rglob(pattern) if p.is_file() and not p.is_symlink()):
        yield path, path.relative_to(root).as_posix()


def read_records(paths: Sequence[str | Path]) -> Iterator[Record]:
    """Records of ``.txt`` files and folders of them, in a stable order (UTF-8, BOM allowed)."""
    for root in map(Path, paths):
        for path, rel in iter_txt_paths(root):
            try:
                text = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as err:
                raise InputError(f"{path}: {err}") from err
            yield Record(id=rel, source=str(path), text=text)
