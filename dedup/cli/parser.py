"""The argument parser of ``dedup find``, ``dedup clean``, ``dedup index`` and ``dedup report`` (what the parsed
arguments mean: :mod:`dedup.cli.settings`)."""

from __future__ import annotations

import argparse
import codecs
from typing import Any

from .. import __version__, kernel
from ..clean import CleanOptions
from ..cluster import CLUSTERINGS
from ..io import DEFAULT_MAX_RECORD_BYTES
from ..io.base import SPLITS
from ..removals import REASONS
from ..report import ReportOptions
from .helptext import _CLEAN_EPILOG, _CLEAN_HELP, _FIND_EPILOG, _FIND_HELP, _MAIN_HELP


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
        raise argparse.ArgumentTypeError(
            f"unknown reason(s) {', '.join(unknown)}; choose from {', '.join(REASONS)}, all, none"
        )
    return frozenset(words)


def _add_input_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("inputs")
    group.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help=(
            ".txt file, folder (searched recursively), .jsonl[.gz|.zst], .csv, .tsv, .json or .parquet file, "
            ".html page (read as its visible text, a line per block), or .warc[.gz] web archive (its pages; a WET "
            "file's texts)"
        ),
    )
    group.add_argument(
        "--glob",
        default="*.txt",
        metavar="PATTERN",
        help=(
            "files read from folders, matched against the end of their relative path (default %(default)s; e.g. "
            "'*.jsonl*')"
        ),
    )
    group.add_argument(
        "--text-field",
        default="text",
        metavar="NAME",
        help=(
            "JSONL key / Parquet column holding the text (default %(default)s; a field of a nested object or "
            "struct column by its dotted path: content.body)"
        ),
    )
    group.add_argument(
        "--html",
        action="store_true",
        help=(
            "the texts are web pages: read each record's text field (and each .txt file) as the page's visible text, "
            "a line per block, as .html files always are"
        ),
    )
    group.add_argument(
        "--split",
        choices=SPLITS,
        default="none",
        help=(
            "how a .txt file holds documents: the whole file is one (none, the default), one a line (line: a corpus "
            "dumped a document a line), or runs of lines between blank lines (blank-line); each document is named "
            "FILE:LINE by its first line, and --max-record-bytes bounds a document, not the file"
        ),
    )
    group.add_argument(
        "--id-field",
        default="id",
        metavar="NAME",
        help="JSONL key / Parquet column holding the record id (default %(default)s, or a dotted path; else FILE:LINE)",
    )
    group.add_argument(
        "--encoding",
        type=_encoding,
        metavar="NAME",
        help=(
            "read .txt, JSONL and CSV in this encoding (default: UTF-8 with or without BOM, UTF-16/32 with BOM, else "
            "GB18030, Big5, Shift-JIS, EUC-JP, EUC-KR, ISO-2022 or HZ, else a single-byte code page of the Latin, "
            "Cyrillic, Greek, Hebrew, Arabic or Thai script (cp1250-cp1257, KOI8, ISO 8859, cp866, cp874), when "
            "detected)"
        ),
    )
    group.add_argument(
        "--max-record-bytes",
        type=_positive_int,
        default=DEFAULT_MAX_RECORD_BYTES,
        metavar="N",
        help="skip (and report) any .txt file, JSONL line or Parquet text longer than this (default %(default)s)",
    )


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
    group.add_argument(
        "--threshold",
        type=_unit_float,
        metavar="J",
        help=(
            "Jaccard similarity (of the documents' n-gram sets, boilerplate lines set aside) at or above which "
            "two documents are near-duplicates; it also shapes which pairs LSH proposes (default "
            f"{defaults.threshold})"
        ),
    )
    group.add_argument(
        "--containment",
        type=_containment,
        metavar="C",
        help=(
            "a pair is also near-duplicate when this share of the smaller document's n-grams lies in the larger "
            f"(excerpts, truncations); 'off' for Jaccard only (default {defaults.containment})"
        ),
    )
    group.add_argument(
        "--representative",
        choices=("first", "longest"),
        help=(
            "which member represents (and, with --cross-document, is kept for) a cluster among equally central "
            f"ones (default {defaults.representative})"
        ),
    )
    group.add_argument(
        "--clustering",
        choices=CLUSTERINGS,
        help=(
            "center: every member is a verified near-duplicate of its representative; connected: connected "
            f"components, which chain A~B~C (default {defaults.clustering})"
        ),
    )
    group.add_argument(
        "--ngram", type=_positive_int, metavar="N", help=f"characters per shingle (default {defaults.ngram})"
    )
    group.add_argument(
        "--num-perm", type=_positive_int, metavar="N", help=f"MinHash permutations (default {defaults.num_perm})"
    )
    group.add_argument("--seed", type=int, metavar="N", help=f"MinHash seed (default {defaults.seed})")


def _processes(value: str) -> int | None:
    """A whole number of processes >= 1, or None for ``auto``."""
    if value == "auto":
        return None
    try:
        processes = int(value)
    except ValueError:
        processes = 0
    if processes < 1:
        raise argparse.ArgumentTypeError(f"expected 'auto' or a whole number of processes >= 1, got {value!r}")
    return processes


#: Input bytes from which ``--processes auto`` tabulates on a process a CPU (below: this process alone), by
#: command: measured on 2 cores, clean gains from 2.6 MB on (2.25 → 1.89 s), find only at 10 MB (2.48 → 2.21 s;
#: at 2.6 MB 1.16 → 1.23 s).
AUTO_PROCESSES_BYTES = {"clean": 2 << 20, "find": 8 << 20}


def _add_engine_options(parser: argparse.ArgumentParser, processes: bool = False) -> None:
    group = parser.add_argument_group("engine")
    group.add_argument(
        "--engine",
        choices=("local", "ray"),
        default="local",
        help=(
            "where the work runs: this process (local, the default) or a Ray cluster (ray; needs pip install "
            "'dedup[ray]' here and on every node); the results are the same"
        ),
    )
    group.add_argument(
        "--address",
        metavar="ADDR",
        help=(
            "with --engine ray: the cluster to join (e.g. 'auto', 'head:6379', 'ray://head:10001'; default "
            "$RAY_ADDRESS, else a new local Ray on this machine)"
        ),
    )
    group.add_argument(
        "--on-workers",
        action="store_true",
        help=(
            "with --engine ray: match the paragraphs, cluster the documents and find the repeated passages' regions "
            "on the workers whatever the collection's size, for a driver with little memory (by default the driver "
            "does them below 1 M long paragraphs, 20 M verified pairs of documents and 1 M passage runs, which is "
            "faster on a small cluster); the results are the same"
        ),
    )
    if processes:
        group.add_argument(
            "--processes",
            type=_processes,
            default=None,
            metavar="N|auto",
            help=(
                "with --engine local: tabulate batches (clean: lines, paragraphs, the web-page classifier, most "
                "of the work; find: the line tables) on N processes; the outputs are the same; each process holds "
                "about one batch. Default auto: one process a CPU (at most 8) when the inputs hold at least "
                f"{AUTO_PROCESSES_BYTES['clean'] >> 20} MB (clean) or {AUTO_PROCESSES_BYTES['find'] >> 20} MB "
                "(find), else this process alone"
            ),
        )


def build_parser() -> argparse.ArgumentParser:
    """The ``dedup`` argument parser."""
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(prog="dedup", description=_MAIN_HELP, formatter_class=formatter)
    parser.add_argument("--version", action="version", version=f"dedup {__version__} ({kernel.described()})")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    find = commands.add_parser(
        "find",
        help="list clusters of near-duplicate documents",
        description=_FIND_HELP,
        epilog=_FIND_EPILOG,
        formatter_class=formatter,
    )
    _add_input_options(find)
    _add_matching_options(find)
    _add_engine_options(find, processes=True)
    out = find.add_argument_group("output")
    out.add_argument(
        "--against",
        metavar="INDEX",
        help=(
            "instead of clusters among the INPUTs, list each INPUT document that has near-duplicates in the saved "
            "INDEX (dedup index build), with them: id, Jaccard, containment"
        ),
    )
    out.add_argument(
        "--json", action="store_true", help="one JSON object per cluster (as in clusters.jsonl) instead of a table"
    )
    out.add_argument(
        "-q", "--quiet", action="store_true", help="no progress on stderr (skipped inputs are still reported)"
    )
    out.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also the timing and sizes of every step on stderr (the library's DEBUG log)",
    )

    cleaner = commands.add_parser(
        "clean",
        help="write cleaned text and reports into a folder",
        description=_CLEAN_HELP,
        epilog=_CLEAN_EPILOG,
        formatter_class=formatter,
    )
    _add_input_options(cleaner)
    _add_matching_options(cleaner)
    _add_engine_options(cleaner, processes=True)
    defaults = CleanOptions()
    what = cleaner.add_argument_group("cleaning")
    what.add_argument(
        "--cross-document",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=(
            "also cut passages already seen in earlier documents (only where the later copy adds no text of its "
            "own), and empty whole documents whose text their cluster's representative holds (default "
            f"{'on' if defaults.cross_document else 'off'}: each document only loses its own repeats)"
        ),
    )
    what.add_argument(
        "--remove",
        type=_reasons,
        metavar="REASONS",
        help=(
            f"comma-separated reasons to cut: {', '.join(REASONS)}, all or none (default "
            f"{','.join(r for r in REASONS if r in defaults.remove)})"
        ),
    )
    what.add_argument(
        "--keep-titles",
        action="store_true",
        help=(
            "keep a web page's title (its first line, an .html page's <title>) and the headline that repeats it, "
            "which the web-page classifier otherwise removes as boilerplate, as the labelled pages it was fit on do"
        ),
    )
    what.add_argument(
        "--against",
        metavar="INDEX",
        help=(
            "also remove what a saved INDEX (dedup index build) holds: documents, paragraphs and lines recurring "
            "across it; each such removal names the indexed document in held_by (--engine local only)"
        ),
    )
    run = cleaner.add_argument_group("run")
    run.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="output folder (created; must be empty unless --force or --resume; never inside an input folder)",
    )
    run.add_argument(
        "--dry-run",
        action="store_true",
        help="write nothing: print the summary that a run would write, as JSON on stdout",
    )
    run.add_argument(
        "--stdout",
        action="store_true",
        help=(
            "write the rows of cleaned.jsonl to standard output instead of a folder (for pipelines; messages stay "
            "on stderr)"
        ),
    )
    run.add_argument(
        "--output-format",
        choices=("jsonl", "parquet"),
        default="jsonl",
        help=(
            "write cleaned.jsonl (default) or cleaned.parquet, the same columns (parquet needs pip install "
            "'dedup[parquet]'); also the format of annotated.jsonl/.parquet"
        ),
    )
    run.add_argument(
        "--output-layout",
        choices=("file", "parts"),
        default="file",
        help=(
            "with --engine ray: file (default) joins the rows the workers wrote into cleaned.jsonl; parts keeps "
            "them, one file a block, as cleaned/part-*.jsonl with cleaned/manifest.json listing them in order "
            "(nothing is copied on the driver's node; annotated/ likewise)"
        ),
    )
    run.add_argument(
        "--annotate",
        action="store_true",
        help=(
            "also write annotated.jsonl: every input record unchanged, plus keep (false if cleaning emptied it) "
            "and duplicate_of (the id of its cluster's representative if it was emptied as a near-duplicate)"
        ),
    )
    run.add_argument(
        "--no-report",
        action="store_true",
        help="do not write report.html (building it reads cleaned.jsonl once more; dedup report OUT builds it later)",
    )
    run.add_argument(
        "--force",
        action="store_true",
        help="replace the results of an earlier run in OUT (other files in OUT are left alone)",
    )
    run.add_argument(
        "--resume",
        action="store_true",
        help="continue an interrupted run in OUT (same inputs and options); its results equal an uninterrupted run's",
    )
    run.add_argument(
        "--batch-size",
        type=_positive_int,
        default=1000,
        metavar="N",
        help="documents written between two checkpoints of the journal (default %(default)s)",
    )
    run.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress or summary on stderr (skipped inputs are still reported)",
    )
    run.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also the timing and sizes of every step on stderr (the library's DEBUG log)",
    )
    _add_report_command(commands, formatter)
    _add_index_command(commands, formatter)
    return parser


def _add_index_command(commands: Any, formatter: type[argparse.HelpFormatter]) -> None:
    index = commands.add_parser(
        "index",
        help="build or extend a saved near-duplicate index",
        description=(
            "A saved index of documents (band keys, shingle hashes, paragraph and line keys, ids; no text) to find "
            "what of tomorrow's crawl today's corpus already holds without recomputing it: dedup index build, "
            "dedup index add, dedup find --against, dedup clean --against."
        ),
        formatter_class=formatter,
    )
    actions = index.add_subparsers(dest="index_command", required=True, metavar="ACTION")
    build = actions.add_parser(
        "build", help="index INPUTs into a new folder", description="Index INPUTs into a new index folder."
    )
    build.add_argument("-o", "--output", required=True, metavar="INDEX", help="the new index folder")
    build.add_argument(
        "--force",
        action="store_true",
        help="replace the index INDEX holds, once the new one is built (never a folder that holds no index)",
    )
    build.add_argument(
        "--documents-only",
        action="store_true",
        help=(
            "keep no paragraph or line keys: a smaller index, with which dedup clean --against finds only whole "
            "documents the corpus holds"
        ),
    )
    build.add_argument(
        "--sample",
        type=_positive_int,
        default=1,
        metavar="N",
        help=(
            "keep 1 in N of each document's n-gram hashes: an index smaller and faster to query whose Jaccard and "
            "containment are estimated on that sample (default 1: exact)"
        ),
    )
    _add_input_options(build)
    _add_matching_options(build)
    add = actions.add_parser("add", help="add INPUTs to an index", description="Add INPUTs to an existing index.")
    add.add_argument("index", metavar="INDEX", help="the index folder")
    _add_input_options(add)
    for parser in (build, add):
        parser.add_argument("--batch-size", type=_positive_int, default=10_000, metavar="N", help=argparse.SUPPRESS)
        parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
        parser.add_argument("-v", "--verbose", action="store_true", help=argparse.SUPPRESS)


def _add_report_command(commands: Any, formatter: type[argparse.HelpFormatter]) -> None:
    report = commands.add_parser(
        "report",
        help="build OUT/report.html again from the files dedup clean wrote",
        description=(
            "Write OUT/report.html, the run report dedup clean writes: summary, plots, the largest clusters and a "
            "sample of the others side by side, boilerplate families and a browsable sample of changed documents "
            "with their removed spans marked. One self-contained file: open it from disk in any browser."
        ),
        formatter_class=formatter,
    )
    report.add_argument("output", metavar="OUT", help="the output folder of dedup clean")
    defaults = ReportOptions()
    report.add_argument(
        "--documents",
        type=_count_arg,
        default=defaults.documents,
        metavar="N",
        help="changed documents in the browsable sample (default %(default)s)",
    )
    report.add_argument(
        "--clusters",
        type=_count_arg,
        default=defaults.largest_clusters,
        metavar="N",
        help="the N largest clusters, and a sample of N others (default %(default)s)",
    )
    report.add_argument(
        "--sample-seed", type=_count_arg, default=defaults.seed, metavar="S", help="seed of the samples (default 0)"
    )
    report.add_argument("-q", "--quiet", action="store_true", help="no message on stderr")
    report.add_argument("-v", "--verbose", action="store_true", help=argparse.SUPPRESS)


def _count_arg(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {number}")
    return number
