"""Writing: output paths that cannot leave the output folder, and atomic writes by temporary file and rename."""

from __future__ import annotations

import ctypes
import hashlib
import os
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path, PurePosixPath

_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_MAX_NAME_BYTES = 200  # room for a temporary suffix within the usual 255-byte limit


def _safe_component(name: str) -> str:
    name = unicodedata.normalize("NFC", name)
    name = "".join("_" if unicodedata.category(c) in _UNSAFE_CATEGORIES or c in "/\\" else c for c in name)
    if name in ("", ".", ".."):
        return "_" * max(1, len(name))
    if len(name.encode("utf-8")) > _MAX_NAME_BYTES:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]
        stem, dot, suffix = name.rpartition(".")
        keep = "." + suffix if dot and len(suffix.encode("utf-8")) <= 16 else ""
        head = (stem if keep else name).encode("utf-8")[: _MAX_NAME_BYTES - 30].decode("utf-8", "ignore")
        name = f"{head}~{digest}{keep}"
    return name


def safe_relpath(rel: str) -> PurePosixPath:
    """A relative output path built from an input's relative path that cannot escape its folder.

    Every component is NFC-normalized; control, format (bidi overrides, zero-width),
    surrogate and unassigned characters and backslashes become ``_``; ``.`` and ``..`` become
    ``_`` and ``__``; empty components (leading ``/``) are dropped; overlong names are
    shortened with a hash. The result is never absolute and never climbs.
    """
    parts = [_safe_component(part) for part in rel.split("/") if part != ""]
    return PurePosixPath(*parts) if parts else PurePosixPath("_")


class PathAllocator:
    """Unique, safe relative output paths, in the order asked for.

    Two inputs whose paths differ only in case or Unicode normalization, or where one
    would need the other's file as a folder, get distinct paths (``name~2.txt`` …), so the
    output is the same on case-insensitive file systems.
    """

    def __init__(self) -> None:
        self._files: set[str] = set()
        self._dirs: set[str] = set()

    @staticmethod
    def _key(parts: Sequence[str]) -> str:
        return unicodedata.normalize("NFC", "/".join(parts)).casefold()

    def _free(self, parts: Sequence[str]) -> bool:
        key = self._key(parts)
        if key in self._files or key in self._dirs:
            return False
        return not any(self._key(parts[:i]) in self._files for i in range(1, len(parts)))

    def allocate(self, rel: str) -> PurePosixPath:
        parts = list(safe_relpath(rel).parts)
        candidate = parts
        n = 1
        while not self._free(candidate):
            n += 1
            stem, dot, suffix = parts[-1].rpartition(".")
            leaf = f"{stem}~{n}.{suffix}" if dot and stem else f"{parts[-1]}~{n}"
            candidate = [f"{parts[0]}~{n}", *parts[1:]] if self._parent_taken(parts) else [*parts[:-1], leaf]
        self._files.add(self._key(candidate))
        self._dirs.update(self._key(candidate[:i]) for i in range(1, len(candidate)))
        return PurePosixPath(*candidate)

    def _parent_taken(self, parts: Sequence[str]) -> bool:
        return any(self._key(parts[:i]) in self._files for i in range(1, len(parts)))


def fsync_dir(path: Path) -> None:
    """Make renames in folder ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes | Iterable[bytes], tmp_dir: Path | None = None, *, sync: bool = True) -> None:
    """Write ``data`` (or its pieces, in order, never held together) to ``path`` through a temporary file and a
    rename.

    Readers see the old file or the new one, never a part. ``tmp_dir`` (same file
    system) holds the temporary file; by default, ``path``'s folder. ``sync=False``
    leaves the data to the caller's next :func:`sync_files` (many small files).
    """
    folder = tmp_dir or path.parent
    tmp = folder / f".tmp-{os.getpid()}-{hashlib.sha256(os.fsencode(path)).hexdigest()[:16]}"
    with open(tmp, "wb") as handle:
        if isinstance(data, bytes):
            handle.write(data)
        else:
            handle.writelines(data)
        if sync:
            handle.flush()
            os.fsync(handle.fileno())
    os.replace(tmp, path)


@lru_cache(maxsize=1)
def _syncfs() -> ctypes._CFuncPtr | None:
    """Linux's ``syncfs(2)`` from the C library, or None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    function.argtypes, function.restype = [ctypes.c_int], ctypes.c_int
    return function


def sync_files(paths: Iterable[Path]) -> None:
    """Make files written with ``write_atomic(..., sync=False)`` and their names durable.

    On Linux one ``syncfs`` a file system holding them: an fsync a file cost 0.4 ms, so that
    writing 20,000 small cleaned ``.txt`` files spent 7 of its 10 seconds in fsync. Elsewhere, an
    fsync each and one a folder.
    """
    paths = list(paths)
    syncfs = _syncfs()
    if syncfs is None:
        for path in paths:
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        for folder in {path.parent for path in paths}:
            fsync_dir(folder)
        return
    devices: dict[int, Path] = {}
    for path in paths:
        devices.setdefault(os.stat(path).st_dev, path)
    for path in devices.values():
        fd = os.open(path, os.O_RDONLY)
        try:
            if syncfs(fd) != 0:
                error = ctypes.get_errno()
                raise OSError(error, f"syncfs: {os.strerror(error)}", str(path))
        finally:
            os.close(fd)
