"""The command line: ``dedup clean INPUT... -o OUT`` and ``dedup find INPUT...``.

A ``clean`` run is a short sequence of timed phases::

    read     discover the inputs, stream every file into records (bad ones reported, skipped);
             each batch of about a million characters is sketched (dedup.clean) and dropped,
             the sketch's strings going to OUT/.partial/spill
    plan     boilerplate families, repeated passages, near-duplicate documents: every
             document's cuts (dedup.clean.plan_clean)
    write    the inputs read again batch by batch, cleaned with the plan; cleaned.jsonl and
             text/ into OUT/.partial, a journal after each batch
    publish  clusters.jsonl, boilerplate.jsonl, summary.json; everything renamed into OUT

The texts are never all in memory. An interrupted run leaves OUT/.partial with its journal;
``--resume`` reads, sketches and plans again (deterministic), checks that options and inputs
are the same, truncates the output to the last completed batch and goes on from there.
Every output file is byte-identical to an uninterrupted run's except ``timings.json``.
"""

from __future__ import annotations

import argparse
import codecs
import dataclasses
import fcntl
import hashlib
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any, TextIO

from . import __version__
from .boilerplate import Boilerplate
from .clean import CleanOptions, CleanPlan, CleanReport, SketchBuilder, apply_plan, plan_clean, sketch_batch
from .cluster import CLUSTERINGS, Cluster
from .duplicates import DuplicateFinder
from .errors import DedupError, InvalidOptionError
from .log import logger
from .io import (
    DEFAULT_MAX_RECORD_BYTES,
    Encoding,
    InputFile,
    PathAllocator,
    ReadOptions,
    Record,
    Skipped,
    discover,
    display_path,
    format_of,
    fsync_dir,
    read_file,
    write_atomic,
)
from .removals import REASONS, Cleaned
from .store import BATCH_CHARS, batches

__all__ = ["main", "build_parser"]

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3
PARTIAL = ".partial"
OUTPUTS = ("cleaned.jsonl", "clusters.jsonl", "boilerplate.jsonl", "text", "timings.json", "summary.json")
JOURNAL_FORMAT = 1
MAX_SKIP_LINES_PER_FILE = 20
KILL_ENV = "DEDUP_TEST_KILL_AFTER_BATCHES"  # tests only: SIGKILL itself midway through batch N + 1

_ESCAPES = {c: f"\\u{c:04x}" for c in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A))}


class UsageError(Exception):
    """Bad command line or output folder: exit status 2."""


# --------------------------------------------------------------------------- parser

_MAIN_HELP = """\
Find near-duplicate documents, repeated passages and boilerplate in text collections,
and write cleaned text with an exact account of every removal.

  dedup find  INPUT...          list clusters of near-duplicate documents
  dedup clean INPUT... -o OUT   write cleaned text and reports into folder OUT

INPUT is a .txt file, a folder (searched recursively for *.txt), a JSONL file (.jsonl,
.jsonl.gz, .jsonl.zst) or a Parquet file. Run 'dedup COMMAND --help' for the options.
"""

_CLEAN_HELP = """\
Clean a collection: cut repeated passages, boilerplate lines (headers, footers, templates,
page numbers) and inline noise (pinyin annotations, HTML remnants, mojibake) out of every
document, and report clusters of near-duplicate documents. Kept text is never rewritten:
every removal is recorded with its position and text, so each original can be rebuilt.

Files written into OUT:
  cleaned.jsonl      one line per document: id, source, cleaned text, and 'removed': each
                     cut's start/end (in the original), reason, kind, ref and text
  clusters.jsonl     one line per cluster of near-duplicate documents
  boilerplate.jsonl  one line per family of boilerplate lines, with every occurrence
  text/              the cleaned text of each .txt input, at its path relative to its INPUT
  summary.json       counts, bytes in/out, removals by reason, skipped inputs, options
  timings.json       seconds per phase (the only file that differs between two runs)
"""

_CLEAN_EPILOG = """\
examples:
  dedup clean corpus/ -o cleaned/
  dedup clean news.jsonl.gz --text-field content --id-field url -o out/ --cross-document
  dedup clean corpus/ -o out/ --remove noise,boilerplate      # keep repeated passages
  dedup clean corpus/ --dry-run                              # print the summary only
  dedup clean corpus/ -o out/ --resume                       # continue an interrupted run
  dedup clean corpus/ -o out/ --engine ray --address auto    # on a running Ray cluster

exit status: 0 every input was read; 1 some inputs or records were skipped (listed on
stderr and in summary.json); 2 usage error; 3 the run failed (rerun with --resume).
"""

_FIND_HELP = """\
List clusters of near-duplicate documents. Two documents are near-duplicates when their
matching views (text after normalizing script, width, punctuation, whitespace and noise,
boilerplate lines set aside) share at least THRESHOLD of their character n-grams (Jaccard
similarity), or when at least CONTAINMENT of the smaller one's n-grams lie in the larger.
With --clustering center (the default) every member is a verified near-duplicate of its
cluster's representative. In the table, '*' marks each cluster's representative and the
number is each member's Jaccard similarity to it.
"""

_FIND_EPILOG = """\
examples:
  dedup find examples/news examples/seeds
  dedup find corpus/ --threshold 0.8 --json > clusters.jsonl
  dedup find corpus/ --engine ray --address auto             # on a running Ray cluster

exit status: 0 every input was read; 1 some were skipped; 2 usage error; 3 the run failed.
"""


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _encoding(text: str) -> str:
    try:
        return codecs.lookup(text).name
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding {text!r}") from None


def _reasons(text: str) -> frozenset[str]:
    words = {w.strip() for w in text.split(",") if w.strip()}
    if words == {"none"}:
        return frozenset()
    if words == {"all"}:
        return frozenset(REASONS)
    unknown = sorted(words - set(REASONS))
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown reason(s) {', '.join(unknown)}; choose from {', '.join(REASONS)}, all, none")
    return frozenset(words)


def _add_input_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("inputs")
    group.add_argument(
        "inputs", nargs="+", metavar="INPUT",
        help=".txt file, folder (searched recursively), .jsonl[.gz|.zst] or .parquet file",
    )
    group.add_argument("--glob", default="*.txt", metavar="PATTERN", help="files read from folders, matched against the end of their relative path (default %(default)s; e.g. '*.jsonl*')")
    group.add_argument("--text-field", default="text", metavar="NAME", help="JSONL key / Parquet column holding the text (default %(default)s)")
    group.add_argument("--id-field", default="id", metavar="NAME", help="JSONL key / Parquet column holding the record id (default %(default)s; else FILE:LINE)")
    group.add_argument("--encoding", type=_encoding, metavar="NAME", help="read .txt and JSONL in this encoding (default: UTF-8 with or without BOM, UTF-16/32 with BOM, else GB18030 or Big5 when detected)")
    group.add_argument("--max-record-bytes", type=_positive_int, default=DEFAULT_MAX_RECORD_BYTES, metavar="N", help="skip (and report) any .txt file, JSONL line or Parquet text longer than this (default %(default)s)")


def _unit_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1], got {value!r}") from None
    if not 0.0 < number <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1], got {value!r}")
    return number


def _containment(value: str) -> float | str:
    return "off" if value.lower() in ("off", "none") else _unit_float(value)


def _add_matching_options(parser: argparse.ArgumentParser) -> None:
    defaults = CleanOptions().duplicates
    group = parser.add_argument_group("matching (defaults are the library's)")
    group.add_argument("--threshold", type=_unit_float, metavar="J", help=f"Jaccard similarity (of the documents' n-gram sets, boilerplate lines set aside) at or above which two documents are near-duplicates; it also shapes which pairs LSH proposes (default {defaults.threshold})")
    group.add_argument("--containment", type=_containment, metavar="C", help=f"a pair is also near-duplicate when this share of the smaller document's n-grams lies in the larger (excerpts, truncations); 'off' for Jaccard only (default {defaults.containment})")
    group.add_argument("--representative", choices=("first", "longest"), help=f"which member represents (and, with --cross-document, is kept for) a cluster among equally central ones (default {defaults.representative})")
    group.add_argument("--clustering", choices=CLUSTERINGS, help=f"center: every member is a verified near-duplicate of its representative; connected: connected components, which chain A~B~C (default {defaults.clustering})")
    group.add_argument("--ngram", type=_positive_int, metavar="N", help=f"characters per shingle (default {defaults.ngram})")
    group.add_argument("--num-perm", type=_positive_int, metavar="N", help=f"MinHash permutations (default {defaults.num_perm})")
    group.add_argument("--seed", type=int, metavar="N", help=f"MinHash seed (default {defaults.seed})")


def _add_engine_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("engine")
    group.add_argument("--engine", choices=("local", "ray"), default="local", help="where the work runs: this process (local, the default) or a Ray cluster (ray; needs pip install 'dedup[ray]' here and on every node); the results are the same")
    group.add_argument("--address", metavar="ADDR", help="with --engine ray: the cluster to join (e.g. 'auto', 'head:6379', 'ray://head:10001'; default $RAY_ADDRESS, else a new local Ray on this machine)")


def build_parser() -> argparse.ArgumentParser:
    """The ``dedup`` argument parser."""
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(prog="dedup", description=_MAIN_HELP, formatter_class=formatter)
    parser.add_argument("--version", action="version", version=f"dedup {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    find = commands.add_parser("find", help="list clusters of near-duplicate documents", description=_FIND_HELP, epilog=_FIND_EPILOG, formatter_class=formatter)
    _add_input_options(find)
    _add_matching_options(find)
    _add_engine_options(find)
    out = find.add_argument_group("output")
    out.add_argument("--json", action="store_true", help="one JSON object per cluster (as in clusters.jsonl) instead of a table")
    out.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr (skipped inputs are still reported)")
    out.add_argument("-v", "--verbose", action="store_true", help="also the timing and sizes of every step on stderr (the library's DEBUG log)")

    cleaner = commands.add_parser("clean", help="write cleaned text and reports into a folder", description=_CLEAN_HELP, epilog=_CLEAN_EPILOG, formatter_class=formatter)
    _add_input_options(cleaner)
    _add_matching_options(cleaner)
    _add_engine_options(cleaner)
    defaults = CleanOptions()
    what = cleaner.add_argument_group("cleaning")
    what.add_argument("--cross-document", action=argparse.BooleanOptionalAction, default=None, help=f"also cut passages already seen in earlier documents (only where the later copy adds no text of its own), and empty whole documents whose text their cluster's representative holds (default {'on' if defaults.cross_document else 'off'}: each document only loses its own repeats)")
    what.add_argument("--remove", type=_reasons, metavar="REASONS", help=f"comma-separated reasons to cut: {', '.join(REASONS)}, all or none (default {','.join(r for r in REASONS if r in defaults.remove)})")
    run = cleaner.add_argument_group("run")
    run.add_argument("-o", "--output", metavar="OUT", help="output folder (created; must be empty unless --force or --resume; never inside an input folder)")
    run.add_argument("--dry-run", action="store_true", help="write nothing: print the summary that a run would write, as JSON on stdout")
    run.add_argument("--stdout", action="store_true", help="write the rows of cleaned.jsonl to standard output instead of a folder (for pipelines; messages stay on stderr)")
    run.add_argument("--force", action="store_true", help="replace the results of an earlier run in OUT (other files in OUT are left alone)")
    run.add_argument("--resume", action="store_true", help="continue an interrupted run in OUT (same inputs and options); its results equal an uninterrupted run's")
    run.add_argument("--batch-size", type=_positive_int, default=1000, metavar="N", help="documents written between two checkpoints of the journal (default %(default)s)")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress or summary on stderr (skipped inputs are still reported)")
    run.add_argument("-v", "--verbose", action="store_true", help="also the timing and sizes of every step on stderr (the library's DEBUG log)")
    return parser


# --------------------------------------------------------------------------- options


def _read_options(args: argparse.Namespace) -> ReadOptions:
    return ReadOptions(glob=args.glob, text_field=args.text_field, id_field=args.id_field, encoding=args.encoding, max_record_bytes=args.max_record_bytes)


def _clean_options(args: argparse.Namespace) -> CleanOptions:
    """The library's defaults, overridden only by the flags given."""
    base = CleanOptions()
    sketch = {k: v for k, v in (("ngram", args.ngram), ("num_perm", args.num_perm), ("seed", args.seed)) if v is not None}
    matching = {k: getattr(args, k) for k in ("threshold", "representative", "clustering") if getattr(args, k) is not None}
    if args.containment is not None:
        matching["containment"] = None if args.containment == "off" else args.containment
    changes: dict[str, Any] = {
        "duplicates": replace(base.duplicates, **sketch, **matching),
        "passages": replace(base.passages, **sketch),
    }
    if getattr(args, "cross_document", None) is not None:
        changes["cross_document"] = args.cross_document
    if getattr(args, "remove", None) is not None:
        changes["remove"] = args.remove
    return replace(base, **changes)


def _jsonable(value: Any) -> Any:
    """Options as plain JSON: dataclasses as objects, sets sorted, callables by name."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (set, frozenset)):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if callable(value):
        return getattr(value, "__qualname__", repr(value))
    return value


def _settings(args: argparse.Namespace, read: ReadOptions, opts: CleanOptions) -> dict[str, Any]:
    """Everything that decides the outputs (and nothing that does not, like --quiet)."""
    return {
        "inputs": list(args.inputs),
        "glob": read.glob,
        "text_field": read.text_field,
        "id_field": read.id_field,
        "encoding": read.encoding,
        "max_record_bytes": read.max_record_bytes,
        "threshold": opts.duplicates.threshold,
        "containment": opts.duplicates.containment,
        "representative": _jsonable(opts.duplicates.representative),
        "clustering": opts.duplicates.clustering,
        "ngram": opts.duplicates.ngram,
        "num_perm": opts.duplicates.num_perm,
        "seed": opts.duplicates.seed,
        "cross_document": opts.cross_document,
        "remove": sorted(opts.remove),
    }


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# --------------------------------------------------------------------------- reporting


def _printable(text: str) -> str:
    """One line, safe for a terminal: control and bidi characters escaped."""
    return text.translate(_ESCAPES)


class Reporter:
    """Progress and messages on stderr: a progress bar when stderr is a terminal, plain
    log lines (at most one progress line every few seconds) otherwise."""

    LOG_EVERY = 5.0

    def __init__(self, quiet: bool, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.interactive = not quiet and self.stream.isatty() and os.environ.get("TERM") != "dumb"
        self._bar: Any = None
        self._skips_shown: Counter[str] = Counter()

    def _emit(self, line: str) -> None:
        line = _printable(line)
        if self._bar is not None:
            self._bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream, flush=True)

    def info(self, message: str) -> None:
        if not self.quiet:
            self._emit(f"dedup: {message}")

    def warn(self, message: str) -> None:
        self._emit(f"dedup: {message}")

    def skipped(self, item: Skipped) -> None:
        """Report a skipped input (always; at most a few lines per file)."""
        self._skips_shown[item.source] += 1
        shown = self._skips_shown[item.source]
        if shown <= MAX_SKIP_LINES_PER_FILE:
            self.warn(f"skipped {item}")
        elif shown == MAX_SKIP_LINES_PER_FILE + 1:
            self.warn(f"skipped more of {item.source}: see summary.json")

    @contextmanager
    def progress(self, description: str, total: int, unit: str) -> Iterator[Progress]:
        bar = None
        if self.interactive:
            try:
                from tqdm import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                try:
                    width = os.get_terminal_size(self.stream.fileno()).columns
                except (OSError, ValueError):
                    width = 0
                size: dict[str, Any] = {"dynamic_ncols": True} if width else {"ncols": 80}  # a pty without a size
                scale = {"unit_scale": True, "unit_divisor": 1024} if unit == "B" else {}
                bar = tqdm(total=total, desc=description, unit=unit, file=self.stream, leave=False, **size, **scale)
        self._bar = bar
        try:
            yield Progress(self, description, total, unit, bar)
        finally:
            if bar is not None:
                bar.close()
            self._bar = None


class _LogToReporter(logging.Handler):
    """The library's log (logger ``dedup``) as ``dedup: …`` lines of the reporter."""

    def __init__(self, reporter: Reporter) -> None:
        super().__init__()
        self.reporter = reporter

    def emit(self, record: logging.LogRecord) -> None:
        self.reporter._emit(f"dedup: {record.getMessage()}")


class Progress:
    """One phase's progress: ``advance(n)`` moves the bar or logs now and then."""

    def __init__(self, reporter: Reporter, description: str, total: int, unit: str, bar: Any) -> None:
        self.reporter, self.description, self.total, self.unit, self.bar = reporter, description, total, unit, bar
        self.done = 0
        self._last_log = time.monotonic()

    def advance(self, n: int = 1, note: str = "") -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
            if note:
                self.bar.set_postfix_str(note, refresh=False)
        elif time.monotonic() - self._last_log >= Reporter.LOG_EVERY:
            self._last_log = time.monotonic()
            extra = f" ({note})" if note else ""
            if self.unit == "B":
                self.reporter.info(f"{self.description}: {self.done / 2**20:,.1f} of {self.total / 2**20:,.1f} MB{extra}")
            else:
                self.reporter.info(f"{self.description}: {self.done:,}/{self.total:,} {self.unit}{extra}")


class Timer:
    """Seconds spent in each named phase."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._start = time.perf_counter()

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = round(self.seconds.get(name, 0.0) + time.perf_counter() - start, 3)

    def total(self) -> float:
        return round(time.perf_counter() - self._start, 3)


# --------------------------------------------------------------------------- read


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


def _feed(digest: Any, *fields: object) -> None:
    for value in fields:
        data = str(value).encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)


def _feed_item(digest: Any, item: Record | Skipped | Encoding) -> None:
    if isinstance(item, Record):
        _feed(digest, "record", item.id, item.source, item.line, item.text)
    elif isinstance(item, Skipped):
        _feed(digest, "skipped", item.source, item.line, item.reason)
    else:
        _feed(digest, "encoding", item.source, item.encoding, item.detected)


def _suggested_glob(names: Sequence[str]) -> str:
    """A ``--glob`` that would take the most common kind of file among ``names``."""
    kinds = Counter(format_of(n).partition(".")[0] for n in names)
    kind = kinds.most_common(1)[0][0]
    if kind == "txt":  # compressed .txt files, or names of no known kind
        return "'*.txt*'" if all(".txt" in n.lower() for n in names if format_of(n).startswith("txt")) else "'*'"
    return {"jsonl": "'*.jsonl*'", "parquet": "'*.parquet'"}[kind]


def _nothing_to_read(inputs: Sequence[str], glob: str, limit: int = 100_000) -> str:
    """Why a run found no file to read, and how to widen the search."""
    others: list[str] = []
    for given in inputs:
        if os.path.isdir(given):
            for _, _, names in os.walk(given):
                others.extend(names)
                if len(others) >= limit:
                    break
    where = ", ".join(_printable(display_path(p)) for p in inputs)
    if not others:
        return f"nothing to read: {where} holds no files"
    kinds = Counter(format_of(n) for n in others)
    listed = ", ".join(f"{n:,} {kind}" for kind, n in kinds.most_common(4))
    return (
        f"nothing to read: no file of {where} matches --glob '{glob}' ({_count(len(others), 'other file')}: {listed}); "
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
    else as one text document (it is read twice, so it is kept on disk, not in memory)."""
    stream = stream or sys.stdin.buffer
    head = stream.read(1 << 16)
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    name = "stdin.jsonl" if first == b"{" else "stdin.txt"
    path = Path(folder) / name
    with open(path, "wb") as out:
        out.write(head)
        shutil.copyfileobj(stream, out, 1 << 20)
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
            raise UsageError(f"{_printable(display_path(given))}: no such file or folder")
    files: list[InputFile] = []
    skipped: list[Skipped] = []
    for item in discover(inputs, options.glob):
        if isinstance(item, Skipped):
            skipped.append(item)
            reporter.skipped(item)
        else:
            files.append(item)
    if not files and not skipped:
        raise UsageError(_nothing_to_read(inputs, options.glob))
    return files, skipped


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

                for item in read_file(file, options, moved):
                    _feed_item(digest, item)
                    if isinstance(item, Record):
                        records.append(replace(item, text=""))
                        lengths.append(len(item.text))
                        text_bytes += len(item.text.encode("utf-8", "surrogatepass"))
                        yield item.text
                    elif isinstance(item, Skipped):
                        skipped.append(item)
                        reporter.skipped(item)
                    else:
                        encodings.append(item)
                        if item.unsure:
                            reporter.warn(
                                f"{item.source}: read as {item.encoding}, a guess on weak evidence "
                                f"({item.evidence:.0%} of its Han characters are common ones); check it or give --encoding"
                            )

        for batch in batches(texts(), batch_chars):
            take(batch)
    file_bytes = sum(f.size for f in files)
    return Corpus(records, lengths, files, skipped, encodings, file_bytes, text_bytes, digest.hexdigest())


def read_again(corpus: Corpus, options: ReadOptions, batch_size: int) -> Iterator[tuple[int, list[str]]]:
    """The texts of the corpus read a second time: ``(first record, texts)`` in batches of ``batch_size``.

    Raises :class:`InputsChangedError` as soon as a record differs from the first read
    (id, source, line or length), or, at the end, if anything read differs at all.
    """
    digest = hashlib.sha256()
    index = 0

    def texts() -> Iterator[str]:
        nonlocal index
        for file in corpus.files:
            for item in read_file(file, options):
                _feed_item(digest, item)
                if not isinstance(item, Record):
                    continue
                known = corpus.records[index] if index < len(corpus.records) else None
                if known is None or replace(item, text="") != known or len(item.text) != corpus.lengths[index]:
                    raise InputsChangedError(f"{item.source} changed while dedup was running: run the same command again")
                index += 1
                yield item.text

    first = 0
    for batch in batches(texts(), max_chars=sys.maxsize, max_items=batch_size):
        yield first, batch
        first += len(batch)
    if index != len(corpus.records) or digest.hexdigest() != corpus.digest:
        raise InputsChangedError("the inputs changed while dedup was running: run the same command again")


# --------------------------------------------------------------------------- engines


class LocalCleaner:
    """Cleans in this process: sketch each batch as it is read, plan, clean what is read again.

    Parameters
    ----------
    options : CleanOptions
    spill : Path
        Where the sketch's strings go (OUT/.partial/spill, or a temporary folder).
    """

    def __init__(self, options: CleanOptions, spill: Path) -> None:
        self.options = options
        self.builder = SketchBuilder(options, with_clusters=True, spill=spill)

    def add(self, texts: list[str]) -> None:
        self.builder.add(sketch_batch(texts, self.options, with_clusters=True))

    def plan(self) -> CleanPlan:
        return plan_clean(self.builder.result(), self.options, with_clusters=True)

    def cleaned(self, plan: CleanPlan, texts_again: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[Cleaned]]]:
        for first, texts in texts_again:
            yield first, apply_plan(texts, plan, first)


def start_engine(args: argparse.Namespace, reporter: Reporter) -> Any:
    """``dedup.distributed``, joined to its Ray cluster, for ``--engine ray``; None for ``local``."""
    if args.engine == "local":
        if args.address is not None:
            raise UsageError("--address is for --engine ray")
        return None
    from . import distributed  # imports Ray only when asked to

    try:
        distributed.require_ray()
    except distributed.RayUnavailableError as err:
        raise UsageError(f"--engine ray: {err}") from None
    import logging

    import ray.data

    # dedup reports progress itself: no Ray Data bars or per-dataset log lines (errors still raise).
    ray.data.DataContext.get_current().enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    init: dict[str, Any] = {"logging_level": logging.ERROR, "log_to_driver": False}
    if args.address is None and not os.environ.get("RAY_ADDRESS"):
        init["include_dashboard"] = False
    try:
        distributed.connect(args.address, **init)
    except distributed.RayRunError as err:
        raise UsageError(str(err)) from None
    except (ConnectionError, ValueError, RuntimeError) as err:
        raise UsageError(f"cannot join the Ray cluster{' at ' + args.address if args.address else ''}: {err}") from None
    reporter.info(f"running on Ray: {distributed.cluster_cpus()} CPUs")
    return distributed


@contextmanager
def _engine_failures(engine: Any) -> Iterator[None]:
    """A failed Ray task or a lost cluster becomes a run failure (exit 3), not a traceback."""
    if engine is None:
        yield
        return
    import ray.exceptions

    try:
        yield
    except ray.exceptions.RayError as err:
        raise engine.RayRunError(f"the Ray run failed: {err}") from err


# --------------------------------------------------------------------------- output lines


def _member(record: Record) -> dict[str, Any]:
    return {"id": record.id, "source": record.source}


def cluster_line(cluster: Cluster, records: Sequence[Record]) -> dict[str, Any]:
    """One line of clusters.jsonl (and of ``dedup find --json``)."""
    return {
        "cluster": cluster.id,
        "size": len(cluster.members),
        "representative": _member(records[cluster.representative]),
        "members": [
            {**_member(records[m]), "similarity": round(s, 6), **({"coverage": round(cluster.coverage[k], 6)} if cluster.coverage else {})}
            for k, (m, s) in enumerate(zip(cluster.members, cluster.similarity))
        ],
    }


def family_line(family: Boilerplate, records: Sequence[Record]) -> dict[str, Any]:
    """One line of boilerplate.jsonl."""
    return {
        "family": family.id,
        "kind": family.kind,
        "example": family.example,
        "documents": len({span.doc for span in family.spans}),
        "occurrences": [{**_member(records[s.doc]), "start": s.start, "end": s.end} for s in family.spans],
    }


def write_rows(corpus: Corpus, documents: Iterator[tuple[int, Cleaned]], out: TextIO) -> None:
    """The rows of ``cleaned.jsonl``, in order, to a stream (``--stdout``)."""
    for i, document in documents:
        out.write(_dumps(cleaned_line(corpus.records[i], document, None)) + "\n")
    out.flush()


def cleaned_line(record: Record, cleaned: Cleaned, output: PurePosixPath | None) -> dict[str, Any]:
    """One line of cleaned.jsonl: enough to rebuild the original (see :func:`dedup.restore`)."""
    line: dict[str, Any] = {
        "id": record.id,
        "source": record.source,
        "text": cleaned.text,
        "removed": [
            {"start": r.start, "end": r.end, "reason": r.reason, "kind": r.kind, "ref": r.ref, "text": r.text}
            for r in cleaned.removed
        ],
    }
    if record.line is not None:
        line["line"] = record.line
    if output is not None:
        line["output"] = f"text/{output}"
    return line


# --------------------------------------------------------------------------- summary


class Tally:
    """The summary's counts, document by document as they are cleaned."""

    def __init__(self) -> None:
        self.by_reason: dict[str, dict[str, int]] = {r: {"count": 0, "chars": 0} for r in REASONS}
        self.by_kind: Counter[str] = Counter()
        self.by_kind_chars: Counter[str] = Counter()
        self.chars_in = self.chars_out = self.bytes_out = self.changed = self.emptied = self.documents = 0

    def counted(self, cleaned: Iterator[tuple[int, list[Cleaned]]], lengths: Sequence[int]) -> Iterator[tuple[int, Cleaned]]:
        """Batches of ``(first record, cleaned documents)`` one document at a time, ``(record, cleaned)``, each counted."""
        for first, documents in cleaned:
            for i, document in enumerate(documents, first):
                self.add(lengths[i], document)
                yield i, document

    def add(self, length: int, cleaned: Cleaned) -> None:
        """Count one document of ``length`` characters and what cleaning it gave."""
        self.documents += 1
        self.chars_in += length
        self.chars_out += len(cleaned.text)
        self.bytes_out += len(cleaned.text.encode("utf-8", "surrogatepass"))
        self.changed += bool(cleaned.removed)
        self.emptied += length > 0 and not cleaned.text
        for r in cleaned.removed:
            self.by_reason[r.reason]["count"] += 1
            self.by_reason[r.reason]["chars"] += r.end - r.start
            key = f"{r.reason}/{r.kind}"
            self.by_kind[key] += 1
            self.by_kind_chars[key] += r.end - r.start


def build_summary(corpus: Corpus, tally: Tally, report: CleanReport, settings: dict[str, Any], options: CleanOptions, fingerprint: str) -> dict[str, Any]:
    """summary.json: the same bytes for the same inputs and options (no timings)."""
    status = EXIT_SKIPPED if corpus.skipped else EXIT_OK
    return {
        "version": __version__,
        "fingerprint": fingerprint,
        "options": settings,
        "library_options": _jsonable(options),
        "inputs": {"files": len(corpus.files), "file_bytes": corpus.file_bytes, "records": len(corpus.records), "skipped": len(corpus.skipped)},
        "documents": {"total": tally.documents, "changed": tally.changed, "emptied": tally.emptied},
        "chars": {"in": tally.chars_in, "out": tally.chars_out, "removed": tally.chars_in - tally.chars_out},
        "bytes": {"in": corpus.text_bytes, "out": tally.bytes_out},
        "removals": tally.by_reason,
        "removals_by_kind": {k: {"count": tally.by_kind[k], "chars": tally.by_kind_chars[k]} for k in sorted(tally.by_kind)},
        "clusters": {"count": len(report.clusters), "documents": sum(len(c.members) for c in report.clusters)},
        "boilerplate": {"families": len(report.boilerplate), "occurrences": sum(len(f.spans) for f in report.boilerplate)},
        "encodings": [dataclasses.asdict(e) for e in corpus.encodings],
        "skipped": [dataclasses.asdict(s) for s in corpus.skipped],
        "exit_status": status,
    }


# --------------------------------------------------------------------------- workspace


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def check_output_location(out: Path, inputs: Sequence[str]) -> None:
    """OUT must not be inside an input folder, nor hold an input."""
    real_out = os.path.realpath(out)
    for given in inputs:
        if not os.path.exists(given):
            continue
        real = os.path.realpath(given)
        if os.path.isdir(real) and _inside(real_out, real):
            raise UsageError(f"output folder {out} is inside input folder {given}: choose a folder outside the inputs")
        if _inside(real, real_out):
            raise UsageError(f"input {given} is inside output folder {out}: choose another output folder")


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested dicts as one dict of dotted keys."""
    if not isinstance(value, dict):
        return {prefix: value}
    out: dict[str, Any] = {}
    for key, item in value.items():
        out.update(_flat(item, f"{prefix}.{key}" if prefix else str(key)))
    return out


def _differences(before: Any, now: Any, most: int = 4) -> str:
    """What differs between two descriptions of a run: ``settings.threshold 0.6 → 0.8; …``."""
    if not isinstance(before, dict) or not isinstance(now, dict):
        return ""
    old, new = _flat(before), _flat(now)
    changed = [k for k in sorted(old.keys() | new.keys()) if old.get(k) != new.get(k)]
    flags = [k for k in changed if k.startswith("settings.")]
    changed = flags or changed  # what was typed differently, if anything; else what it set
    shown = "; ".join(f"{k.removeprefix('settings.')} {_dumps(old.get(k))} → {_dumps(new.get(k))}" for k in changed[:most])
    return shown + (f"; and {len(changed) - most} more" if len(changed) > most else "")


class Workspace:
    """OUT and its OUT/.partial: the journal, the batches written so far, the final renames.

    The journal (``.partial/journal.json``, replaced atomically after every batch) holds
    the fingerprint of the options, the digest of what was read, how many documents are
    written and how many bytes of ``cleaned.jsonl`` they fill.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.partial = out / PARTIAL
        self.text_root = self.partial / "text"
        self.tmp = self.partial / "tmp"
        self.journal: dict[str, Any] = {}
        self._lock_fd: int | None = None

    # ---- opening

    @classmethod
    def open(cls, out: Path, fingerprint: str, *, force: bool, resume: bool, described: dict[str, Any] | None = None) -> Workspace | int:
        """The workspace, or the exit status of a finished run found by ``--resume``.

        ``described`` is what the fingerprint was made of (inputs, options, version): kept in
        the journal, so that a resume with other ones can say which differ."""
        if out.exists() and not out.is_dir():
            raise UsageError(f"output {out} exists and is not a folder")
        out.mkdir(parents=True, exist_ok=True)
        ws = cls(out)
        if ws.partial.is_symlink():
            raise UsageError(f"{ws.partial} is a symbolic link: remove it (dedup writes only into real folders)")
        ws._lock()
        try:
            journal = ws._load_journal()
            entries = os.listdir(out)
            if resume and journal is not None:
                if journal.get("fingerprint") != fingerprint:
                    changed = _differences(journal.get("described"), described)
                    raise UsageError(
                        f"{out} holds an interrupted run with other inputs or options"
                        + (f" ({changed})" if changed else "")
                        + ": rerun it with the same ones, or use --force to start over"
                    )
                ws.journal = journal
                return ws
            if resume and journal is None and (out / "summary.json").is_file() and PARTIAL not in entries:
                finished = ws._finished_status(fingerprint)
                if finished is not None:
                    ws.release()
                    return finished
            if entries and not force and not (resume and entries == [PARTIAL]):
                hint = "use --force to replace the results in it" + ("" if resume else ", or --resume to continue an interrupted run")
                raise UsageError(f"output folder {out} is not empty: {hint}")
            if ws.partial.exists():
                shutil.rmtree(ws.partial)
            ws.partial.mkdir()
            ws.tmp.mkdir()
            (ws.partial / "cleaned.jsonl").touch()
            ws.journal = {
                "format": JOURNAL_FORMAT, "fingerprint": fingerprint, "described": described,
                "corpus": None, "phase": "write", "records_done": 0, "cleaned_bytes": 0,
            }
            ws.save_journal()
            return ws
        except BaseException:
            ws.release()
            raise

    def _lock(self) -> None:
        fd = os.open(self.out, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise UsageError(f"another dedup run is writing into {self.out}") from None
        self._lock_fd = fd

    def release(self) -> None:
        """Let other runs write into OUT again (the lock is also released when the process ends)."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def _load_journal(self) -> dict[str, Any] | None:
        try:
            journal = json.loads((self.partial / "journal.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return journal if isinstance(journal, dict) and journal.get("format") == JOURNAL_FORMAT else None

    def _finished_status(self, fingerprint: str) -> int | None:
        try:
            summary = json.loads((self.out / "summary.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if summary.get("fingerprint") != fingerprint:
            return None
        return int(summary.get("exit_status", EXIT_OK))

    def save_journal(self, **changes: Any) -> None:
        self.journal.update(changes)
        write_atomic(self.partial / "journal.json", (_dumps(self.journal) + "\n").encode("utf-8"), tmp_dir=self.tmp)

    def check_corpus(self, digest: str) -> None:
        """On resume, the inputs must read the same as in the interrupted run."""
        recorded = self.journal.get("corpus")
        if recorded is not None and recorded != digest:
            raise UsageError(f"the inputs changed since the interrupted run in {self.out}: use --force to start over")
        if recorded is None:
            self.save_journal(corpus=digest)

    # ---- writing

    def write_documents(self, corpus: Corpus, documents: Iterator[tuple[int, Cleaned]], batch_size: int, reporter: Reporter) -> None:
        """cleaned.jsonl and text/ of ``(record, cleaned)`` in order, from the journal's checkpoint on,
        a checkpoint every ``batch_size`` documents (those before the checkpoint are read and skipped)."""
        outputs = allocate_text_paths(corpus.records)
        done = int(self.journal["records_done"])
        total = len(corpus.records)
        kill_after = int(os.environ[KILL_ENV]) if os.environ.get(KILL_ENV) else None
        if done:
            reporter.info(f"resuming after {done:,} of {total:,} documents")
        with open(self.partial / "cleaned.jsonl", "r+b") as handle, reporter.progress("writing", total, "docs") as progress:
            handle.truncate(int(self.journal["cleaned_bytes"]))
            handle.seek(0, os.SEEK_END)
            progress.advance(done)
            folders: set[Path] = set()
            for i, document in documents:
                if i < done:
                    continue
                record = corpus.records[i]
                handle.write((_dumps(cleaned_line(record, document, outputs[i])) + "\n").encode("utf-8", "surrogatepass"))
                if outputs[i] is not None:
                    folders.add(self._write_text(outputs[i], document.text))
                # Checkpoints every batch_size documents counted from where this run started.
                batch, position = divmod(i - done, batch_size)
                if kill_after is not None and batch == kill_after and position == min(batch_size, total - done - batch * batch_size) // 2:
                    handle.flush()
                    os.kill(os.getpid(), signal.SIGKILL)
                if position == batch_size - 1 or i == total - 1:
                    self._checkpoint(handle, folders, i + 1)
                    progress.advance(position + 1)
                    folders = set()

    def _checkpoint(self, handle: Any, folders: set[Path], records_done: int) -> None:
        handle.flush()
        os.fsync(handle.fileno())
        for folder in folders:
            fsync_dir(folder)
        self.save_journal(records_done=records_done, cleaned_bytes=handle.tell())

    def _write_text(self, rel: PurePosixPath, text: str) -> Path:
        dest = self.text_root.joinpath(*rel.parts)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not _inside(os.path.realpath(dest.parent), os.path.realpath(self.text_root)):
            raise OSError(f"refusing to write outside {self.text_root}: {dest}")
        write_atomic(dest, text.encode("utf-8"), tmp_dir=self.tmp)
        return dest.parent

    def publish(self, reports: dict[str, bytes], exit_status: int = EXIT_OK) -> None:
        """Write the reports, then rename every output from OUT/.partial into OUT."""
        if self.journal["phase"] == "write":
            for name, data in reports.items():
                write_atomic(self.partial / name, data, tmp_dir=self.tmp)
            produced = [n for n in OUTPUTS if n in reports or n == "cleaned.jsonl" or (n == "text" and self.text_root.exists())]
            self.save_journal(phase="publish", outputs=produced, exit_status=exit_status)
        self._rename_into_place(self.journal["outputs"])

    def _rename_into_place(self, produced: Sequence[str]) -> None:
        """Idempotent: a run killed in here finishes the job on --resume."""
        old = self.partial / "old"
        old.mkdir(exist_ok=True)
        for name in OUTPUTS:  # summary.json last: its presence means the run is complete
            src, dst = self.partial / name, self.out / name
            if name in produced and not src.exists():
                continue  # already moved
            if os.path.lexists(dst) and (dst.is_dir() or name not in produced):
                stale = old / name
                if os.path.lexists(stale):
                    shutil.rmtree(stale) if stale.is_dir() and not stale.is_symlink() else stale.unlink()
                os.replace(dst, stale)
            if name in produced:
                os.replace(src, dst)
        fsync_dir(self.out)
        shutil.rmtree(self.partial)
        fsync_dir(self.out)


def allocate_text_paths(records: Sequence[Record]) -> list[PurePosixPath | None]:
    """Paths under text/ of the documents read from .txt files (None for the others)."""
    allocator = PathAllocator()
    return [allocator.allocate(r.rel) if r.line is None else None for r in records]


# --------------------------------------------------------------------------- commands


def _status_line(summary: dict[str, Any]) -> str:
    removals = ", ".join(f"{r} {v['count']:,} ({v['chars']:,} chars)" for r, v in summary["removals"].items() if v["count"])
    return (
        f"{_count(summary['documents']['total'], 'document')}, {summary['chars']['removed']:,} of {summary['chars']['in']:,} characters removed"
        f"{': ' + removals if removals else ''}; {_count(summary['clusters']['count'], 'cluster')} of near-duplicates; "
        f"{summary['inputs']['skipped']:,} skipped"
    )


def _spill_folder(workspace: Workspace | None) -> Any:
    """Where the sketch's strings go: OUT/.partial/spill (made anew), or a temporary folder for --dry-run."""
    if workspace is None:
        return tempfile.TemporaryDirectory(prefix="dedup-spill-")
    spill = workspace.partial / "spill"
    if spill.exists():
        shutil.rmtree(spill)
    spill.mkdir()
    return nullcontext(str(spill))


def run_clean(args: argparse.Namespace, reporter: Reporter) -> int:
    """``dedup clean``: read and sketch → plan → read again, clean and write → publish."""
    if args.output == "-":
        raise UsageError("-o - would make a folder named '-': give --stdout to write cleaned JSONL to standard output")
    if args.stdout and (args.output is not None or args.dry_run or args.resume or args.force):
        raise UsageError("--stdout writes to standard output: it takes no -o, --dry-run, --resume or --force")
    if args.output is None and not (args.dry_run or args.stdout):
        raise UsageError("the output folder is missing: give -o OUT (or --stdout, or --dry-run)")
    if args.resume and (args.force or args.dry_run):
        raise UsageError("--resume cannot be combined with --force or --dry-run")
    if args.resume and STDIN in args.inputs:
        raise UsageError("standard input cannot be read again: --resume needs the inputs as files")
    read_options = _read_options(args)
    options = _clean_options(args)
    engine = start_engine(args, reporter)
    settings = _settings(args, read_options, options)
    described = {"version": __version__, "settings": settings, "library": _jsonable(options)}
    fingerprint = hashlib.sha256(_dumps(described).encode("utf-8")).hexdigest()
    timer = Timer()
    workspace: Workspace | None = None
    stdin_folder = _stdin_folder(args.inputs)
    files, skipped = discover_inputs(args.inputs, read_options, reporter, stdin_folder.name)  # before OUT exists
    try:
        if not (args.dry_run or args.stdout):
            out = Path(args.output)
            check_output_location(out, args.inputs)
            opened = Workspace.open(out, fingerprint, force=args.force, resume=args.resume, described=described)
            if isinstance(opened, int):
                reporter.info(f"{out} already holds the finished run: nothing to resume")
                return opened
            workspace = opened
            if workspace.journal.get("phase") == "publish":  # killed while renaming: finish that
                workspace.publish({})
                reporter.info(f"finished publishing the interrupted run into {out}")
                return int(workspace.journal.get("exit_status", EXIT_OK))
        tally = Tally()
        with _spill_folder(workspace) as spill, _engine_failures(engine):
            cleaner = engine.RayCleaner(options, spill=Path(spill)) if engine is not None else LocalCleaner(options, Path(spill))
            with timer.phase("read"):
                corpus = read_corpus(files, skipped, read_options, reporter, cleaner.add)
            reporter.info(
                f"read {_count(len(corpus.records), 'document')} from {_count(len(corpus.files), 'file')} "
                f"({len(corpus.skipped):,} skipped) in {timer.seconds['read']:.1f} s"
            )
            if workspace is not None:
                workspace.check_corpus(corpus.digest)
            reporter.info(f"planning the cleaning of {_count(len(corpus.records), 'document')}")
            with timer.phase("plan"):
                plan = cleaner.plan()
            reporter.info(f"cleaning {_count(len(corpus.records), 'document')}")
            with timer.phase("write"):
                # Every document is counted, also those an interrupted run wrote already.
                documents = tally.counted(cleaner.cleaned(plan, read_again(corpus, read_options, args.batch_size)), corpus.lengths)
                if args.stdout:
                    write_rows(corpus, documents, sys.stdout)
                elif workspace is None:
                    deque(documents, maxlen=0)  # clean and count, write nothing
                else:
                    workspace.write_documents(corpus, documents, args.batch_size, reporter)
        report = plan.report
        summary = build_summary(corpus, tally, report, settings, options, fingerprint)
        if args.stdout:
            pass  # the rows went to stdout; the status line follows on stderr
        elif workspace is None:
            summary["timings"] = {**timer.seconds, "total": timer.total()}
            print(json.dumps(summary, ensure_ascii=False, sort_keys=True, indent=2))
        else:
            reports = {
                "clusters.jsonl": "".join(_dumps(cluster_line(c, corpus.records)) + "\n" for c in report.clusters).encode("utf-8", "surrogatepass"),
                "boilerplate.jsonl": "".join(_dumps(family_line(f, corpus.records)) + "\n" for f in report.boilerplate).encode("utf-8", "surrogatepass"),
                "summary.json": (json.dumps(summary, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8", "surrogatepass"),
            }
            timings = {**timer.seconds, "total": timer.total(), "resumed": bool(workspace.journal.get("records_done")) and args.resume}
            reports["timings.json"] = (json.dumps(timings, sort_keys=True, indent=2) + "\n").encode("utf-8")
            workspace.publish(reports, summary["exit_status"])
            reporter.info(f"wrote {workspace.out}")
        reporter.info(_status_line(summary))
        return summary["exit_status"]
    finally:
        if workspace is not None:
            workspace.release()
        stdin_folder.cleanup()


def run_find(args: argparse.Namespace, reporter: Reporter) -> int:
    """``dedup find``: clusters of near-duplicates as a table or JSON lines on stdout."""
    options = _clean_options(args).duplicates
    read_options = _read_options(args)
    stdin_folder = _stdin_folder(args.inputs)
    files, skipped = discover_inputs(args.inputs, read_options, reporter, stdin_folder.name)
    engine = start_engine(args, reporter)
    with stdin_folder, tempfile.TemporaryDirectory(prefix="dedup-spill-") as spill, _engine_failures(engine):
        finder = engine.RayFinder(options) if engine is not None else DuplicateFinder(options, spill=Path(spill))
        corpus = read_corpus(files, skipped, read_options, reporter, finder.add)
        clusters = finder.clusters()
    out = sys.stdout
    for cluster in clusters:
        if args.json:
            out.write(json.dumps(cluster_line(cluster, corpus.records), ensure_ascii=False, sort_keys=True) + "\n")
            continue
        out.write(f"cluster {cluster.id}: {len(cluster.members)} documents\n")
        for member, similarity in zip(cluster.members, cluster.similarity):
            record = corpus.records[member]
            mark = "*" if member == cluster.representative else " "
            where = f"  ({record.source})" if record.line is not None else ""
            out.write(f"  {mark} {similarity:.3f}  {_printable(record.id)}{_printable(where)}\n")
    if not args.json:
        out.write(f"{len(corpus.records)} documents, {len(clusters)} clusters of near-duplicates\n")
    out.flush()
    return EXIT_SKIPPED if corpus.skipped else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``dedup``; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    reporter = Reporter(args.quiet)
    handler = _LogToReporter(reporter)
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING if args.quiet else logging.DEBUG if args.verbose else logging.INFO)
    logger.propagate = False
    try:
        return run_clean(args, reporter) if args.command == "clean" else run_find(args, reporter)
    except (UsageError, InvalidOptionError) as err:
        parser.exit(EXIT_USAGE, f"dedup {args.command}: error: {_printable(str(err))}\n")
    except DedupError as err:
        reporter.warn(f"error: {err}")
        return EXIT_FAILED
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        reporter.warn("interrupted" + ("; run the same command with --resume to continue" if args.command == "clean" and not args.dry_run else ""))
        return 130
    except OSError as err:
        reporter.warn(f"error: {err}" + ("; fix it and run the same command with --resume to continue" if args.command == "clean" else ""))
        return EXIT_FAILED
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    return EXIT_FAILED  # not reached
