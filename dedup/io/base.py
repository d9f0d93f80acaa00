"""What reading and writing share: the records, skips, encodings and files passed around, the read options, and the
names of formats."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DedupError

#: A file's kind, with its compression after a dot: ``txt``, ``txt.gz``, ``jsonl.zst``, ``parquet``…
Format = str
_COMPRESSIONS = ((".gz", "gz"), (".zst", "zst"), (".zstd", "zst"), (".bz2", "bz2"), (".xz", "xz"))

DEFAULT_MAX_RECORD_BYTES = 8 * 1024 * 1024
#: How a ``.txt`` file may hold documents (:attr:`ReadOptions.split`): ``none``, the whole file is one.
SPLITS = ("none", "line", "blank-line")
SURE = 0.8  # share of common Han characters above which a guessed encoding is sure


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
    fields : dict or None
        Every field of a JSONL object or Parquet row as read, the text field included, when
        :func:`read_file` is asked for them (``fields=True``); else None (always for ``.txt``).
        Not compared: two records are equal whatever their fields.
    """

    id: str
    source: str
    text: str
    line: int | None = None
    rel: str = ""
    fields: dict[str, Any] | None = field(default=None, compare=False, repr=False)


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
        return self.detected and self.evidence is not None and self.evidence < SURE


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
    html : bool
        The texts are web pages: every record's text (and every ``.txt`` file) is read as the page's visible text
        (:func:`dedup.io.html_text`), as ``.html`` files always are.
    encoding : str, optional
        Force this encoding for ``.txt`` and JSONL instead of detecting it.
    max_record_bytes : int
        Longest ``.txt`` file (or document of one split), JSONL line or Parquet text read; longer ones are skipped
        (and never held in memory whole).
    split : {"none", "line", "blank-line"}
        How a ``.txt`` file holds documents: the whole file is one (``none``), one a line, or one a run of lines
        between blank lines (:mod:`dedup.io.split`; records numbered and named by their first line, as JSONL's).
    """

    glob: str = "*.txt"
    text_field: str = "text"
    id_field: str = "id"
    html: bool = False
    encoding: str | None = None
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    split: str = "none"

    def __post_init__(self) -> None:
        if self.split not in SPLITS:
            raise ValueError(f"split must be 'none', 'line' or 'blank-line', not {self.split!r}")


@dataclass(frozen=True)
class Decoded:
    """A decoded ``.txt`` file: its text and the encoding used (``detected`` if guessed, with
    the share of common Han characters that decided it as ``evidence``)."""

    text: str
    encoding: str
    detected: bool = False
    evidence: float | None = None


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` as valid Unicode: bytes of the file name that are not UTF-8 become ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def not_valid(encoding: str, byte: int, where: str, options: ReadOptions) -> str:
    """Why a record, or a file read whole, is skipped: not valid in ``encoding`` at a ``byte`` (``where`` it is: "at
    column 5", "at offset 80"), and — when no encoding was named — what to do if the file is in another."""
    hint = "" if options.encoding else " (a file in another encoding? name it with --encoding, e.g. --encoding cp1252)"
    return f"not valid {encoding}: byte 0x{byte:02x} {where}{hint}"


def format_of(name: str) -> Format:
    """The input format a file name implies: ``jsonl``, ``csv``, ``tsv``, ``json``, ``parquet``, ``html`` (``.htm``,
    ``.xhtml``, ``.shtml``: a page, read as its visible text), ``warc`` (``.warc``, ``.warc.wet``: a web archive's
    pages or texts) or ``txt`` (anything unknown is read as text), followed by
    ``.gz``, ``.zst``, ``.bz2`` or ``.xz`` when the name ends so (``notes.txt.gz`` → ``txt.gz``, ``dump.jsonl.zst``
    → ``jsonl.zst``)."""
    lower = name.lower()
    compression = next((c for suffix, c in _COMPRESSIONS if lower.endswith(suffix)), None)
    if compression is not None:
        lower = lower[: lower.rindex(".")]
    if lower.endswith((".jsonl", ".ndjson")):
        kind = "jsonl"
    elif lower.endswith((".csv", ".tsv", ".json")):
        kind = lower.rpartition(".")[2]
    elif lower.endswith((".warc", ".wet")):
        kind = "warc"
    elif lower.endswith((".html", ".htm", ".xhtml", ".shtml")):
        kind = "html"
    elif lower.endswith((".parquet", ".pq")) and compression is None:
        kind = "parquet"
    else:
        kind = "txt"
    return f"{kind}.{compression}" if compression else kind
