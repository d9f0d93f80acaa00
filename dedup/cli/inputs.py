"""Reading a run's inputs: discovery before anything is written, standard input, the first read (texts to the tables in
batches) and the second (to clean)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import DedupError
from ..io import (
    Encoding,
    InputFile,
    ReadOptions,
    Record,
    Skipped,
    discover,
    display_path,
    format_of,
)
from ..io.compressed import compression_of
from ..io.discover import _IGNORED_KEPT
from ..io.ranges import FileDigest, file_pieces, read_pieces
from ..io.streams import decompressed_head
from ..store import BATCH_CHARS, batches
from .common import UsageError, _count, printable
from .progress import Reporter


@dataclass
class Corpus:
    """What a first read of the inputs found, without the texts.

    Attributes
    ----------
    records : list of Record
        Every record in input order, its ``text`` left out (``""``): the texts are handed
        on in batches while reading and read again when writing.
    lengths : list of int
        Each record's length in characters.
    files : list of InputFile
        The files read, in order (what the second read reads).
    skipped, encodings
        What was skipped and why; the files that were not UTF-8.
    file_bytes, text_bytes : int
        Bytes of the files; UTF-8 bytes of the records' texts.
    digest : str
        SHA-256 of every record, skip and encoding note in order: the same inputs read the same.
    """

    records: list[Record]
    lengths: list[int]
    files: list[InputFile]
    skipped: list[Skipped]
    encodings: list[Encoding]
    file_bytes: int
    text_bytes: int
    digest: str


class InputsChangedError(DedupError):
    """The inputs read differently the second time (a file changed during the run)."""


def _suggested_glob(names: Sequence[str]) -> str:
    """A ``--glob`` that would take the most common kind of file among ``names``."""
    kinds = Counter(format_of(n).partition(".")[0] for n in names)
    kind = kinds.most_common(1)[0][0]
    if kind == "txt":  # compressed .txt files, or names of no known kind
        return "'*.txt*'" if all(".txt" in n.lower() for n in names if format_of(n).startswith("txt")) else "'*'"
    if kind == "html":
        return "'*.htm*'"  # .html and .htm pages, compressed ones too
    return "'*.parquet'" if kind == "parquet" else f"'*.{kind}*'"  # jsonl, csv, tsv, json (crashed on the last three
    # until 2026-12-07), each with its compressed files


def _others(others: Sequence[str]) -> str:
    """``others`` (files of the input folders that the glob passes over) counted, and by kind."""
    kinds = Counter("".join(PurePosixPath(n).suffixes[-2:]).lower() or "without extension" for n in others)
    more = "+" if len(others) >= _IGNORED_KEPT else ""
    common = sorted(kinds.items(), key=lambda kn: (-kn[1], kn[0]))[:4]
    return f"{_count(len(others), 'other file')}{more}: " + ", ".join(f"{n:,} {k}" for k, n in common)


def _nothing_to_read(inputs: Sequence[str], glob: str, others: Sequence[str]) -> str:
    """Why a run found no file to read (``others``: the files ``glob`` passed over), and how to widen the search."""
    where = ", ".join(printable(display_path(p)) for p in inputs)
    if not others:
        return f"nothing to read: {where} holds no files"
    return (
        f"nothing to read: no file of {where} matches --glob '{glob}' ({_others(others)}); "
        f"widen the search, e.g. --glob {_suggested_glob(others)}"
    )


STDIN = "-"


class _NoFolder:
    """Stands for the spool folder of standard input when there is none to read."""

    name = ""

    def cleanup(self) -> None:
        pass

    def __enter__(self) -> _NoFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def _stdin_folder(inputs: Sequence[str]) -> Any:
    """A temporary folder for standard input, when INPUT ``-`` asks for it (it is read twice)."""
    if STDIN not in inputs:
        return _NoFolder()
    if len(inputs) > 1:
        raise UsageError("'-' reads standard input and cannot be combined with other INPUTs")
    return tempfile.TemporaryDirectory(prefix="dedup-stdin-")


def spool_stdin(folder: str, stream: Any = None) -> InputFile:
    """Standard input copied to ``folder`` and read as JSONL when its first character is ``{``,
    else as one text document (it is read twice, so it is kept on disk, not in memory). A gzip, zstd,
    bzip2 or xz stream (told by its first bytes) is read decompressed, as a file of that suffix would be."""
    stream = stream or sys.stdin.buffer
    head = stream.read(1 << 16)
    spooled = Path(folder) / "stdin"
    with open(spooled, "wb") as out:
        out.write(head)
        shutil.copyfileobj(stream, out, 1 << 20)
    compression = compression_of(head)
    if compression is not None:
        head = decompressed_head(InputFile(spooled, "stdin", STDIN, f"txt.{compression}", 0), 1 << 16)
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    name = ("stdin.jsonl" if first == b"{" else "stdin.txt") + (f".{compression}" if compression else "")
    path = spooled.rename(Path(folder) / name)
    return InputFile(path, "stdin", STDIN, format_of(name), path.stat().st_size)


def discover_inputs(
    inputs: Sequence[str], options: ReadOptions, reporter: Reporter, stdin_folder: str = ""
) -> tuple[list[InputFile], list[Skipped]]:
    """The files to read, before anything is written: a missing INPUT or a run with nothing
    to read is a usage error, not an empty result (what cannot be read is reported). INPUT
    ``-`` is standard input, spooled into ``stdin_folder``."""
    if list(inputs) == [STDIN]:
        return [spool_stdin(stdin_folder)], []
    for given in inputs:
        if not os.path.lexists(given):
            raise UsageError(f"{printable(display_path(given))}: no such file or folder")
    files: list[InputFile] = []
    skipped: list[Skipped] = []
    others: list[str] = []
    for item in discover(inputs, options.glob, others):
        if isinstance(item, Skipped):
            skipped.append(item)
            reporter.skipped(item)
        else:
            files.append(item)
    if not files and not skipped:
        raise UsageError(_nothing_to_read(inputs, options.glob, others))
    if others:  # read what was asked for, and say what was not
        reporter.info(
            f"read only the files matching --glob '{options.glob}' ({_others(others)}; "
            f"--glob {_suggested_glob(others)} reads them too)"
        )
    return files, skipped


def note(item: Skipped | Encoding, skipped: list[Skipped], encodings: list[Encoding], reporter: Reporter) -> None:
    """Keep and report what a read skipped, or an encoding note (a warning when the guess was weak)."""
    if isinstance(item, Skipped):
        skipped.append(item)
        reporter.skipped(item)
        return
    encodings.append(item)
    if item.unsure:
        reporter.warn(
            f"{item.source}: read as {item.encoding}, a guess on weak evidence "
            f"({item.evidence:.0%} of its characters are common in its script); check it or give --encoding"
        )


def read_corpus(
    files: Sequence[InputFile],
    skipped: list[Skipped],
    options: ReadOptions,
    reporter: Reporter,
    take: Callable[[list[str]], None],
    batch_chars: int = BATCH_CHARS,
) -> Corpus:
    """Read every file found by :func:`discover_inputs`, handing the texts to ``take`` in batches
    of about ``batch_chars`` characters.

    What is skipped is reported as it happens (and added to ``skipped``). Only the records'
    ids, sources and lengths are kept: memory is bounded by the batch, not the corpus.
    """
    files = list(files)
    records: list[Record] = []
    lengths: list[int] = []
    encodings: list[Encoding] = []
    digest = hashlib.sha256()
    text_bytes = 0
    reporter.info(f"reading {_count(len(files), 'input file')}")
    with reporter.progress("reading", sum(f.size for f in files), "B") as progress:

        def texts() -> Iterator[str]:
            nonlocal text_bytes
            for file in files:
                done = 0

                def moved(position: int) -> None:  # bytes of this file read so far
                    nonlocal done
                    if position > done:
                        progress.advance(position - done, f"{len(records):,} records")
                        done = position

                pieces = file_pieces(file, options)
                file_digest = FileDigest(pieces.count)
                for piece, item in read_pieces(file, options, moved, pieces=pieces):
                    file_digest.add(piece, item)
                    if isinstance(item, Record):
                        records.append(replace(item, text=""))
                        lengths.append(len(item.text))
                        text_bytes += len(item.text.encode("utf-8", "surrogatepass"))
                        yield item.text
                    else:
                        note(item, skipped, encodings, reporter)
                digest.update(file_digest.digest())

        for batch in batches(texts(), batch_chars):
            take(batch)
    file_bytes = sum(f.size for f in files)
    return Corpus(records, lengths, files, skipped, encodings, file_bytes, text_bytes, digest.hexdigest())


def read_again(
    corpus: Corpus, options: ReadOptions, batch_size: int, fields: bool = False
) -> Iterator[tuple[int, list[Record]]]:
    """The records of the corpus read a second time, texts included: ``(first record, records)`` in batches of
    ``batch_size``; with ``fields``, each JSONL or Parquet record carries all its fields.

    Raises :class:`InputsChangedError` as soon as a record differs from the first read
    (id, source, line or length), or, at the end, if anything read differs at all.
    """
    digest = hashlib.sha256()
    index = 0

    def records() -> Iterator[Record]:
        nonlocal index
        for file in corpus.files:
            pieces = file_pieces(file, options)
            file_digest = FileDigest(pieces.count)
            for piece, item in read_pieces(file, options, fields=fields, pieces=pieces):
                file_digest.add(piece, item)
                if not isinstance(item, Record):
                    continue
                known = corpus.records[index] if index < len(corpus.records) else None
                if known is None or replace(item, text="") != known or len(item.text) != corpus.lengths[index]:
                    raise InputsChangedError(
                        f"{item.source} changed while dedup was running: run the same command again"
                    )
                index += 1
                yield item
            digest.update(file_digest.digest())

    first = 0
    read = records()
    while batch := list(islice(read, batch_size)):
        yield first, batch
        first += len(batch)
    if index != len(corpus.records) or digest.hexdigest() != corpus.digest:
        raise InputsChangedError("the inputs changed while dedup was running: run the same command again")


class SecondRead:
    """One second read of the inputs, shared by the cleaner (the texts, batch by batch) and the writer (each
    record, with its fields, in order).

    Parameters
    ----------
    batches : iterator of (int, list of Record)
        What :func:`read_again` yields.
    keep_records : bool
        Whether :meth:`record` will be asked for every record in order; without it, a
        batch is dropped as soon as its texts are handed on.

    The writer asks for each record after the cleaner took its batch (the local engine),
    or the cleaner never asks (Ray keeps its texts itself): either way only the current
    batch is held.
    """

    def __init__(self, batches: Iterator[tuple[int, list[Record]]], keep_records: bool) -> None:
        self._batches = batches
        self._keep = keep_records
        self._held: deque[tuple[int, list[Record]]] = deque()
        self._texts_next = 0  # the first record whose text the cleaner has not had
        self._records_next = 0  # the first record the writer has not had
        self._texts_used = self._started = False

    def texts(self) -> Iterator[tuple[int, list[str]]]:
        """``(first record, texts)`` per batch, for :meth:`dedup.clean.Cleaner.cleaned`."""
        self._texts_used = True
        while True:
            batch = next((b for b in self._held if b[0] >= self._texts_next), None)
            if batch is None and not self._pull():
                return
            if batch is None:
                continue
            first, records = batch
            self._texts_next = first + len(records)
            self._drop()
            yield first, [r.text for r in records]

    def record(self, index: int) -> Record:
        """Record ``index`` as read again (text and fields); records before it are dropped."""
        self._records_next = index
        self._drop()
        while True:
            for first, records in self._held:
                if first <= index < first + len(records):
                    return records[index - first]
            if not self._pull():
                raise InputsChangedError("the inputs changed while dedup was running: run the same command again")

    def finish(self) -> None:
        """Read to the end if this read was started (its last check: nothing else changed)."""
        if self._started:
            deque(self._batches, maxlen=0)

    def _pull(self) -> bool:
        self._started = True
        batch = next(self._batches, None)
        if batch is None:
            return False
        self._held.append(batch)
        return True

    def _drop(self) -> None:
        while self._held:
            first, records = self._held[0]
            end = first + len(records)
            if (self._keep and end > self._records_next) or (self._texts_used and end > self._texts_next):
                return
            self._held.popleft()
