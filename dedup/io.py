"""Reading inputs and writing outputs: the only module that touches files.

Reading
    :func:`discover` turns the paths a user gives into :class:`InputFile` s (folders are
    walked without following symbolic links out of them), and :func:`read_file` turns one
    file into :class:`Record` s, reporting every record it cannot use as a
    :class:`Skipped` instead of raising: one bad record never loses the others.

    ============================  ==========================================================
    ``.txt`` (and anything else)  one document per file; UTF-8 (BOM or not), UTF-16/32 with a
                                  BOM, else GB18030 or Big5 when detected, or ``encoding``
    ``.jsonl`` ``.ndjson``        one JSON object per line, optionally ``.gz`` or ``.zst``
                                  compressed (streamed, never inflated whole)
    ``.parquet`` ``.pq``          a string column (needs pyarrow: ``pip install 'dedup[parquet]'``)
    ============================  ==========================================================

Writing
    :func:`safe_relpath` and :class:`PathAllocator` build output paths that cannot leave
    the output folder; :func:`write_atomic` writes a file by temporary file and rename.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import hashlib
import io
import json
import lzma
import os
import re
import stat
import unicodedata
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from ._common_chars import COMMON_HAN
from .errors import DedupError

__all__ = [
    "DEFAULT_MAX_RECORD_BYTES",
    "Decoded",
    "Encoding",
    "InputError",
    "InputFile",
    "PathAllocator",
    "ReadOptions",
    "Record",
    "Skipped",
    "decode_text",
    "discover",
    "display_path",
    "fsync_dir",
    "read_file",
    "read_records",
    "safe_relpath",
    "text_problem",
    "write_atomic",
]

#: A file's kind, with its compression after a dot: ``txt``, ``txt.gz``, ``jsonl.zst``, ``parquet``…
Format = str
_COMPRESSIONS = ((".gz", "gz"), (".zst", "zst"), (".zstd", "zst"), (".bz2", "bz2"), (".xz", "xz"))

DEFAULT_MAX_RECORD_BYTES = 8 * 1024 * 1024
_DETECTED = ("gb18030", "big5")  # legacy encodings guessed without --encoding, best first on ties
_SURE, _UNSURE, _MARGIN = 0.8, 0.5, 0.2  # share of common Han characters: accept / accept with a warning; lead over the runner-up
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class InputError(DedupError):
    """An input cannot be read at all (used by :func:`read_records`)."""


@dataclass(frozen=True)
class Record:
    """One document of the input.

    Attributes
    ----------
    id : str
        For ``.txt`` files the path relative to its input root; for JSONL and Parquet the
        ``id_field`` value, else ``"<relative path>:<line>"``.
    source : str
        The file it came from, as the user's input path plus the relative path.
    text : str
    line : int or None
        Line (JSONL) or row (Parquet) number, 1-based; None for a whole file.
    rel : str
        Path of the file relative to its input root (what ``OUT/text/`` mirrors).
    """

    id: str
    source: str
    text: str
    line: int | None = None
    rel: str = ""


@dataclass(frozen=True)
class Skipped:
    """An input, or one record of it, that was not used, and why.

    ``line`` is the line (or Parquet row) number, 1-based, or None for the whole file.
    """

    source: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Encoding:
    """A note that ``source`` was not plain UTF-8: the encoding used, whether it was guessed,
    and for a guess the share of its Han characters that are common ones (``evidence``)."""

    source: str
    encoding: str
    detected: bool
    evidence: float | None = None

    @property
    def unsure(self) -> bool:
        """A guess with weak evidence: worth a warning, and a check by the user."""
        return self.detected and self.evidence is not None and self.evidence < _SURE


@dataclass(frozen=True)
class InputFile:
    """One file to read.

    Attributes
    ----------
    path : Path
        Where to open it (may hold undecodable bytes of the file name).
    rel : str
        Its path relative to the input root, for display and ``OUT/text/`` (valid Unicode).
    source : str
        The input path as given plus ``rel``, for display (valid Unicode).
    format : str
        ``"txt"``, ``"jsonl"`` or ``"parquet"``, compressed ones followed by ``.gz``,
        ``.zst``, ``.bz2`` or ``.xz`` (see :func:`format_of`).
    size : int
        Bytes on disk when discovered.
    """

    path: Path
    rel: str
    source: str
    format: Format
    size: int


@dataclass(frozen=True)
class ReadOptions:
    """How inputs are found and read.

    Attributes
    ----------
    glob : str
        Files of a folder that are read: the pattern is matched against the end of their
        path relative to the folder (``*.txt``, ``news/*.txt``, ``*.jsonl*``).
    text_field, id_field : str
        JSONL keys / Parquet columns of the text and of the record id.
    encoding : str, optional
        Force this encoding for ``.txt`` and JSONL instead of detecting it.
    max_record_bytes : int
        Longest ``.txt`` file, JSONL line or Parquet text read; longer ones are skipped
        (and never held in memory whole).
    """

    glob: str = "*.txt"
    text_field: str = "text"
    id_field: str = "id"
    encoding: str | None = None
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES


@dataclass(frozen=True)
class Decoded:
    """A decoded ``.txt`` file: its text and the encoding used (``detected`` if guessed, with
    the share of common Han characters that decided it as ``evidence``)."""

    text: str
    encoding: str
    detected: bool = False
    evidence: float | None = None


# --------------------------------------------------------------------------- names


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` as valid Unicode: bytes of the file name that are not UTF-8 become ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def format_of(name: str) -> Format:
    """The input format a file name implies: ``jsonl``, ``parquet`` or ``txt`` (anything
    unknown is read as text), followed by ``.gz``, ``.zst``, ``.bz2`` or ``.xz`` when the
    name ends so (``notes.txt.gz`` → ``txt.gz``, ``dump.jsonl.zst`` → ``jsonl.zst``)."""
    lower = name.lower()
    compression = next((c for suffix, c in _COMPRESSIONS if lower.endswith(suffix)), None)
    if compression is not None:
        lower = lower[: lower.rindex(".")]
    if lower.endswith((".jsonl", ".ndjson")):
        kind = "jsonl"
    elif lower.endswith((".parquet", ".pq")) and compression is None:
        kind = "parquet"
    else:
        kind = "txt"
    return f"{kind}.{compression}" if compression else kind


# --------------------------------------------------------------------------- discovery


def _inside(path: str, roots: Sequence[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def discover(inputs: Sequence[str], glob: str = "*.txt") -> Iterator[InputFile | Skipped]:
    """The files to read, in a stable order, and the inputs that cannot be read.

    Parameters
    ----------
    inputs : sequence of str
        Files (read whatever their name) and folders (walked recursively for ``glob``).
    glob : str
        See :class:`ReadOptions`.

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
            for item in _walk(Path(given), shown, glob, roots, seen):
                yield replace(item, rel=_join(prefix, item.rel)) if isinstance(item, InputFile) and prefix else item
        elif stat.S_ISREG(info.st_mode):
            name = display_path(os.path.basename(os.path.normpath(given)))
            if (info.st_dev, info.st_ino) not in seen:
                seen.add((info.st_dev, info.st_ino))
                yield InputFile(Path(given), _join(prefix, name) if prefix else name, shown, format_of(name), info.st_size)
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


def _walk(root: Path, shown_root: str, glob: str, roots: Sequence[str], seen: set[tuple[int, int]]) -> Iterator[InputFile | Skipped]:
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


# --------------------------------------------------------------------------- decoding


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _strict_decode(data: bytes, encoding: str, detected: bool) -> Decoded | str:
    """The decoded text, or why it cannot be decoded (no character is ever replaced)."""
    try:
        return Decoded(data.decode(encoding), codecs.lookup(encoding).name, detected)
    except UnicodeDecodeError as err:
        where = f"line {_line_of(data, err.start)}" if "16" not in encoding and "32" not in encoding else f"byte offset {err.start}"
        name = "utf-8" if codecs.lookup(encoding).name == "utf-8-sig" else codecs.lookup(encoding).name
        return f"cannot decode as {name}: byte 0x{data[err.start]:02x} at {where}"


_CJK_PUNCTUATION = frozenset("、。，！？：；“”‘’（）《》〈〉【】『』「」…—·．％　")


def common_share(text: str) -> float:
    """Share of the Han characters of ``text`` that are common ones, counting other non-ASCII
    characters (except CJK punctuation and full-width forms) as uncommon: 1.0 for ``你好，世界。``,
    0.25 for the same GBK bytes read as Big5 (``斕疑ㄛ岍賜﹝``); 0 without such characters."""
    han = odd = common = 0
    for ch in text:
        if ch < "\x80" or ch in _CJK_PUNCTUATION or "\uff01" <= ch <= "\uff5e":
            continue
        if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or ch >= "\U00020000":
            han += 1
            common += ch in COMMON_HAN
        else:
            odd += 1
    return common / (han + odd) if han + odd else 0.0


def _guess_legacy(data: bytes) -> Decoded | None:
    """The text of bytes that are not UTF-8, when one legacy reading is clearly Chinese text.

    Every candidate that decodes without error (GB18030, Big5; for an even number of bytes
    also UTF-16 without a BOM) is weighed by :func:`common_share` of its text. The best is
    taken when at least half of its characters are common Han characters and it leads the
    runner-up by ``_MARGIN``; below ``_SURE`` the guess is marked unsure (the caller warns).
    None when no reading is convincing: better refused than written as mojibake.
    """
    candidates = list(_DETECTED) + (["utf-16-le", "utf-16-be"] if len(data) % 2 == 0 else [])
    scored = []
    for rank, name in enumerate(candidates):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        scored.append((common_share(text), -rank, name, text))
    if not scored:
        return None
    scored.sort(reverse=True)
    share, _, name, text = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if share < _UNSURE or share - runner_up < _MARGIN:
        return None
    return Decoded(text, codecs.lookup(name).name, True, round(share, 3))


def decode_text(data: bytes, encoding: str | None = None) -> Decoded | str:
    """Decode the bytes of a ``.txt`` file, or say why they are not text.

    Parameters
    ----------
    data : bytes
    encoding : str, optional
        Forced encoding; by default a BOM decides, else UTF-8, else the reading as GB18030,
        Big5 or BOM-less UTF-16 whose text is clearly made of common Han characters
        (:func:`_guess_legacy`).

    Returns
    -------
    Decoded or str
        The text, or a reason (binary data, NUL bytes, undecodable bytes). Nothing is
        decoded with replacement characters: text is either exact or refused.
    """
    bom = _bom_encoding(data)
    if encoding is not None:
        name = codecs.lookup(encoding).name
        result = _strict_decode(data, "utf-8-sig" if name == "utf-8" else encoding, False)
    elif bom is not None:
        result = _strict_decode(data, bom, False)
    else:
        binary = _binary_problem(data)
        if binary:
            # UTF-16 without a BOM has NUL bytes (every ASCII and U+4E00 character): text
            # only when it reads clearly as common Han characters
            guess = _guess_legacy(data)
            return guess if guess is not None and guess.encoding.startswith("utf-16") else binary
        result = _strict_decode(data, "utf-8", False)
        if isinstance(result, str):
            guess = _guess_legacy(data)
            if guess is None:
                return result.replace("cannot decode as utf-8", "not UTF-8", 1) + ", nor recognisably GB18030, Big5 or UTF-16; give --encoding"
            result = guess
    if isinstance(result, Decoded) and "\x00" in result.text:
        return f"NUL character at line {result.text.count(chr(10), 0, result.text.index(chr(0))) + 1}"
    return result


def _binary_problem(data: bytes) -> str | None:
    sample = data[:8192]
    if len(_CONTROL_BYTES.findall(sample)) > max(8, len(sample) // 10):
        return "binary file (control bytes)"
    nul = data.find(b"\x00")
    if nul >= 0:
        return "binary file (NUL bytes)" if nul < len(sample) else f"NUL byte at line {_line_of(data, nul)}"
    return None


# --------------------------------------------------------------------------- readers


def read_file(
    file: InputFile, options: ReadOptions = ReadOptions(), progress: Callable[[int], None] | None = None
) -> Iterator[Record | Skipped | Encoding]:
    """Records of one input file, and a :class:`Skipped` for each one that cannot be used.

    A ``.txt`` file that is not plain UTF-8 also yields an :class:`Encoding` note.

    Never raises for bad content: an unreadable file is one ``Skipped``; a bad line of a
    JSONL file is one ``Skipped`` and the following lines are still read. ``progress``, if
    given, hears how many bytes of the file on disk have been read: every 1,024 lines of a
    JSONL file, and once a file is done.
    """
    kind = file.format.partition(".")[0]
    try:
        if kind == "txt":
            yield from _read_txt(file, options)
        elif kind == "parquet":
            yield from _read_parquet(file, options)
        else:
            yield from _read_jsonl(file, options, progress)
    except OSError as err:
        yield Skipped(file.source, None, f"cannot read: {err.strerror or err}")
    if progress is not None:
        progress(file.size)


def _read_txt(file: InputFile, options: ReadOptions) -> Iterator[Record | Skipped | Encoding]:
    if file.format != "txt":
        try:
            with _opened(file) as (stream, _):
                data = stream.read(options.max_record_bytes + 1)
        except _MissingModule as err:
            yield Skipped(file.source, None, str(err))
            return
        except Exception as err:
            problem = _compression_problem(err)
            if problem is None:
                raise
            yield Skipped(file.source, None, problem)
            return
        if not data:
            yield Skipped(file.source, None, "empty file")
            return
        if len(data) > options.max_record_bytes:
            yield Skipped(file.source, None, f"file exceeds --max-record-bytes {options.max_record_bytes:,} once decompressed")
            return
    else:
        with open(file.path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size == 0:
                yield Skipped(file.source, None, "empty file")
                return
            if size > options.max_record_bytes:
                yield Skipped(file.source, None, f"file of {size:,} bytes exceeds --max-record-bytes {options.max_record_bytes:,}")
                return
            data = handle.read(options.max_record_bytes + 1)
    if len(data) > options.max_record_bytes:  # grew while we read
        yield Skipped(file.source, None, f"file exceeds --max-record-bytes {options.max_record_bytes:,}")
        return
    decoded = decode_text(data, options.encoding)
    del data
    if isinstance(decoded, str):
        yield Skipped(file.source, _reason_line(decoded), decoded)
        return
    yield Record(id=file.rel, source=file.source, text=decoded.text, rel=file.rel)
    if decoded.detected or decoded.encoding not in ("utf-8", "utf-8-sig"):
        yield Encoding(file.source, decoded.encoding, decoded.detected, decoded.evidence)



def _reason_line(reason: str) -> int | None:
    match = re.search(r"\bline (\d+)", reason)
    return int(match.group(1)) if match else None


def _compression_problem(err: Exception) -> str | None:
    """The report of a corrupt or truncated compressed stream, or None for any other error."""
    corrupt = (
        isinstance(err, (EOFError, zlib.error, gzip.BadGzipFile, lzma.LZMAError))
        or type(err).__module__.startswith("zstandard")  # ZstdError, without importing it
        or (isinstance(err, OSError) and str(err) == "Invalid data stream")  # bz2
    )
    return f"corrupt or truncated compressed stream: {err}" if corrupt else None


@contextmanager
def _opened(file: InputFile) -> Iterator[tuple[BinaryIO, Callable[[], int]]]:
    """The (decompressed) bytes of a file as a buffered stream, and how far into the file on
    disk reading has come (for progress by bytes, also of a compressed file)."""
    compression = file.format.partition(".")[2]
    with open(file.path, "rb", buffering=1 << 20) as raw:
        if not compression:
            yield raw, raw.tell
            return
        if compression == "zst":
            try:
                import zstandard
            except ImportError:
                raise _MissingModule("reading .zst needs zstandard: pip install zstandard") from None
            reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True, closefd=False)
            stream: BinaryIO = io.BufferedReader(reader, buffer_size=1 << 20)  # type: ignore[arg-type]
        else:
            opener = {"gz": lambda f: gzip.GzipFile(fileobj=f, mode="rb"), "bz2": bz2.BZ2File, "xz": lzma.LZMAFile}[compression]
            stream = opener(raw)  # type: ignore[assignment]
        with stream:
            yield stream, raw.tell


class _MissingModule(Exception):
    pass


def _bounded_lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | int]]:
    """``(line number, bytes)`` per line; a line longer than ``limit`` gives its length
    instead, its bytes discarded as they are read (never held whole)."""
    number = 0
    while chunk := stream.readline(limit + 1):
        number += 1
        if len(chunk) <= limit or chunk.endswith(b"\n"):
            yield number, chunk
            continue
        length = len(chunk)
        while not chunk.endswith(b"\n"):
            chunk = stream.readline(1 << 20)
            if not chunk:
                break
            length += len(chunk)
        yield number, length


def _read_jsonl(file: InputFile, options: ReadOptions, progress: Callable[[int], None] | None = None) -> Iterator[Record | Skipped]:
    try:
        with _opened(file) as (stream, position):
            yield from _jsonl_lines(stream, position, file, options, progress)
    except _MissingModule as err:
        yield Skipped(file.source, None, str(err))


def _jsonl_lines(
    stream: BinaryIO, position: Callable[[], int], file: InputFile, options: ReadOptions, progress: Callable[[int], None] | None
) -> Iterator[Record | Skipped]:
    """The records of an open JSONL stream; ``progress`` hears the bytes read every 1,024 lines."""
    encoding = codecs.lookup(options.encoding).name if options.encoding else "utf-8"
    line = 0
    try:
        for line, raw in _bounded_lines(stream, options.max_record_bytes):
            if progress is not None and line % 1024 == 0:
                progress(position())
            if isinstance(raw, int):
                yield Skipped(file.source, line, f"line of {raw:,} bytes exceeds --max-record-bytes {options.max_record_bytes:,}")
                continue
            if line == 1:
                if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    yield Skipped(file.source, None, "UTF-16 JSONL is not supported: convert it to UTF-8")
                    return
                if raw.startswith(codecs.BOM_UTF8):
                    raw = raw[3:]
            item = _json_record(raw, line, file, options, encoding)
            if item is not None:
                yield item
    except Exception as err:  # zstandard.ZstdError and friends too, without importing them
        problem = _compression_problem(err)
        if problem is None:
            raise
        yield Skipped(file.source, line + 1, problem)
        return
    if line == 0:
        yield Skipped(file.source, None, "empty file")


def _json_record(raw: bytes, line: int, file: InputFile, options: ReadOptions, encoding: str) -> Record | Skipped | None:
    """One JSONL line as a record, a reason to skip it, or None for a blank line."""
    if not raw.strip():
        return None
    try:
        decoded = raw.decode(encoding)
    except UnicodeDecodeError as err:
        return Skipped(file.source, line, f"not valid {encoding}: byte 0x{raw[err.start]:02x} at column {err.start + 1}")
    decoded = decoded.rstrip("\r\n")  # the line break is not part of the record: errors point into the line
    try:
        obj = json.loads(decoded)
    except json.JSONDecodeError as err:
        where = "column" if err.msg.endswith(" at") else "at column"  # "Unterminated string starting at"
        return Skipped(file.source, line, f"invalid JSON: {err.msg} {where} {err.pos + 1}")
    except (ValueError, RecursionError) as err:
        return Skipped(file.source, line, f"invalid JSON: {str(err) or type(err).__name__}")
    if not isinstance(obj, dict):
        return Skipped(file.source, line, f"not a JSON object but {type(obj).__name__}")
    if options.text_field not in obj:
        return Skipped(file.source, line, f"no field {options.text_field!r}")
    return _make_record(obj[options.text_field], obj.get(options.id_field), line, file, options)


def _make_record(text: object, raw_id: object, line: int, file: InputFile, options: ReadOptions) -> Record | Skipped:
    if not isinstance(text, str):
        return Skipped(file.source, line, f"field {options.text_field!r} is {_kind(text)}, not a string")
    problem = text_problem(text)
    if problem:
        return Skipped(file.source, line, problem)
    return Record(id=_record_id(raw_id, file, line), source=file.source, text=text, line=line, rel=file.rel)


def _kind(value: object) -> str:
    return {type(None): "null", bool: "a boolean", int: "a number", float: "a number", list: "an array", dict: "an object"}.get(
        type(value), type(value).__name__
    )


def text_problem(text: str) -> str | None:
    """Why a decoded text cannot be used (NUL characters, unpaired surrogates), or None."""
    nul = text.find("\x00")
    if nul >= 0:
        return f"text contains a NUL character at position {nul}"
    surrogate = _SURROGATE.search(text)
    if surrogate:
        return f"text contains an unpaired surrogate U+{ord(surrogate.group()):04X} at position {surrogate.start()}"
    return None


def _record_id(raw_id: object, file: InputFile, line: int) -> str:
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)):
        return f"{file.rel}:{line}"
    text = str(raw_id)
    return f"{file.rel}:{line}" if _SURROGATE.search(text) or "\x00" in text else text


def _read_parquet(file: InputFile, options: ReadOptions) -> Iterator[Record | Skipped]:
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq
    except ImportError:
        yield Skipped(file.source, None, "reading Parquet needs pyarrow: pip install 'dedup[parquet]'")
        return
    try:
        parquet = pq.ParquetFile(file.path)
        names = parquet.schema_arrow.names
    except Exception as err:  # pyarrow raises its own ArrowInvalid, OSError …
        yield Skipped(file.source, None, f"not a readable Parquet file: {err}")
        return
    if options.text_field not in names:
        yield Skipped(file.source, None, f"no column {options.text_field!r} (columns: {', '.join(names)})")
        return
    text_type = parquet.schema_arrow.field(options.text_field).type
    if not (pa.types.is_string(text_type) or pa.types.is_large_string(text_type)):
        yield Skipped(file.source, None, f"column {options.text_field!r} holds {text_type}, not strings")
        return
    columns = [options.text_field] + ([options.id_field] if options.id_field in names and options.id_field != options.text_field else [])
    row = 0
    rows = parquet.iter_batches(batch_size=256, columns=columns)
    while True:
        try:
            batch = next(rows)
        except StopIteration:
            break
        except Exception as err:
            yield Skipped(file.source, row + 1, f"cannot read the rest of the Parquet file: {err}")
            return
        texts = batch.column(options.text_field)
        lengths = pc.binary_length(texts).to_pylist()
        ids = batch.column(options.id_field).to_pylist() if options.id_field in columns else [None] * batch.num_rows
        for i, length in enumerate(lengths):
            row += 1
            if length is None:
                yield Skipped(file.source, row, f"{options.text_field!r} is null")
            elif length > options.max_record_bytes:
                yield Skipped(file.source, row, f"text of {length:,} bytes exceeds --max-record-bytes {options.max_record_bytes:,}")
            else:
                yield _make_record(texts[i].as_py(), ids[i], row, file, options)
    if row == 0:
        yield Skipped(file.source, None, "empty file (no rows)")


def read_records(paths: Sequence[str | Path], options: ReadOptions = ReadOptions(), skipped: list[Skipped] | None = None) -> Iterator[Record]:
    """Records of all inputs in a stable order; what cannot be read goes to ``skipped``.

    Without a ``skipped`` list, the first unreadable input raises :class:`InputError`.
    """
    for item in discover([os.fspath(p) for p in paths], options.glob):
        items = [item] if isinstance(item, Skipped) else read_file(item, options)
        for got in items:
            if isinstance(got, Record):
                yield got
            elif isinstance(got, Skipped):
                if skipped is None:
                    raise InputError(str(got))
                skipped.append(got)


# --------------------------------------------------------------------------- output paths

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


# --------------------------------------------------------------------------- atomic writes


def fsync_dir(path: Path) -> None:
    """Make renames in folder ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, tmp_dir: Path | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Readers see the old file or the new one, never a part. ``tmp_dir`` (same file
    system) holds the temporary file; by default, ``path``'s folder.
    """
    folder = tmp_dir or path.parent
    tmp = folder / f".tmp-{os.getpid()}-{hashlib.sha256(os.fsencode(path)).hexdigest()[:16]}"
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
