"""Finding input files: folders walked without following links out of them, ids relative to the deepest folder holding
every input."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath

from .base import InputFile, Skipped, display_path, format_of


def _inside(path: str, roots: Sequence[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


_IGNORED_KEPT = 100_000  # file names :func:`discover` hands back of those its glob passes over


def discover(
    inputs: Sequence[str], glob: str = "*.txt", ignored: list[str] | None = None
) -> Iterator[InputFile | Skipped]:
    """The files to read, in a stable order, and the inputs that cannot be read.

    Parameters
    ----------
    inputs : sequence of str
        Files (read whatever their name) and folders (walked recursively for ``glob``).
    glob : str
        See :class:`ReadOptions`.
    ignored : list of str, optional
        When given, the paths (as shown) of the regular files of the folders that ``glob``
        passes over are appended to it, the first 100,000 of them.

    Yields
    ------
    InputFile or Skipped
        A walk never follows a symbolic link to a folder (so it cannot loop) and never
        reads through a link that leads outside the input folders (reported). A file
        reached twice (overlapping inputs, hard links) is read once.
    """
    roots = [os.path.realpath(p) for p in inputs if os.path.isdir(p)]
    root = _common_root(inputs)
    seen: set[tuple[int, int]] = set()
    for given in inputs:
        shown = display_path(given)
        prefix = _rel_prefix(given, root)
        try:
            info = os.stat(given)
        except FileNotFoundError:
            yield Skipped(shown, None, "no such file or folder")
            continue
        except OSError as err:
            yield Skipped(shown, None, f"cannot open: {err.strerror}")
            continue
        if stat.S_ISDIR(info.st_mode):
            for item in _walk(Path(given), shown, glob, roots, seen, ignored):
                yield replace(item, rel=_join(prefix, item.rel)) if isinstance(item, InputFile) and prefix else item
        elif stat.S_ISREG(info.st_mode):
            name = display_path(os.path.basename(os.path.normpath(given)))
            if (info.st_dev, info.st_ino) not in seen:
                seen.add((info.st_dev, info.st_ino))
                yield InputFile(
                    Path(given), _join(prefix, name) if prefix else name, shown, format_of(name), info.st_size
                )
        else:
            yield Skipped(shown, None, "not a regular file or folder")


def _folder_of(given: str) -> str:
    """The folder an input stands for: itself, or a file's parent."""
    return os.path.abspath(given if _is_dir(given) else os.path.dirname(os.path.abspath(given)))


def _common_root(inputs: Sequence[str]) -> str | None:
    """The deepest folder holding every input (a folder input counts as itself): ids and
    ``OUT/text/`` paths are relative to it, so ``a/x.txt`` and ``b/x.txt`` stay apart."""
    folders = [_folder_of(p) for p in inputs if os.path.lexists(p)]
    try:
        return os.path.commonpath(folders) if folders else None
    except ValueError:  # different drives
        return None


def _rel_prefix(given: str, root: str | None) -> str:
    """The path from the common root to an input's folder, as shown (``""`` when it is the root)."""
    if root is None or not os.path.lexists(given):
        return ""
    rel = os.path.relpath(_folder_of(given), root)
    return "" if rel == "." else display_path(rel).replace(os.sep, "/")


def _walk(
    root: Path,
    shown_root: str,
    glob: str,
    roots: Sequence[str],
    seen: set[tuple[int, int]],
    ignored: list[str] | None = None,
) -> Iterator[InputFile | Skipped]:
    """Depth-first, entries sorted by name, with an explicit stack (no recursion limit)."""
    stack: list[Iterator[tuple[os.DirEntry[str], str]]] = [_listing(root, "")]
    while stack:
        try:
            entry, rel = next(stack[-1])
        except StopIteration:
            stack.pop()
            continue
        except OSError as err:
            stack.pop()
            yield Skipped(_join(shown_root, getattr(err, "rel", "")), None, f"cannot list folder: {err.strerror}")
            continue
        shown_rel = display_path(rel)
        source = _join(shown_root, shown_rel)
        wanted = PurePosixPath(shown_rel).match(glob)
        try:
            if entry.is_symlink():
                problem = _link_problem(entry.path, roots)
                if problem and (wanted or _is_dir(entry.path)):
                    yield Skipped(source, None, problem)
            elif entry.is_dir(follow_symlinks=False):
                stack.append(_listing(Path(entry.path), rel + "/"))
            elif wanted:
                info = entry.stat(follow_symlinks=False)
                if not stat.S_ISREG(info.st_mode):
                    yield Skipped(source, None, "not a regular file")
                elif (info.st_dev, info.st_ino) not in seen:
                    seen.add((info.st_dev, info.st_ino))
                    yield InputFile(Path(entry.path), shown_rel, source, format_of(shown_rel), info.st_size)
            elif ignored is not None and len(ignored) < _IGNORED_KEPT and entry.is_file(follow_symlinks=False):
                ignored.append(source)
        except OSError as err:
            yield Skipped(source, None, f"cannot open: {err.strerror}")


def _listing(folder: Path, prefix: str) -> Iterator[tuple[os.DirEntry[str], str]]:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as err:
        err.rel = display_path(prefix.rstrip("/"))  # type: ignore[attr-defined]
        raise
    for entry in entries:
        yield entry, prefix + entry.name


def _join(root: str, rel: str) -> str:
    return f"{root.rstrip('/')}/{rel}" if rel else root


def _is_dir(path: str) -> bool:
    try:
        return os.path.isdir(path)
    except OSError:
        return False


def _link_problem(path: str, roots: Sequence[str]) -> str | None:
    """Why a symbolic link met in a walk is reported, or None (links inside the inputs are
    not followed either: what they point to is read where it lies)."""
    target = os.path.realpath(path)
    if not os.path.exists(target):
        return "broken symbolic link"
    if _inside(target, roots):
        return None
    return "symbolic link to outside the input folders: not followed"
