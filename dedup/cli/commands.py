"""The commands: ``dedup clean`` (read and tabulate → plan → read again, clean and write → publish) and ``dedup find``,
and the engine they run on."""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
from collections import deque
from collections.abc import Sequence
from contextlib import AbstractContextManager, ExitStack, nullcontext, redirect_stdout
from pathlib import Path
from typing import Any, Protocol, TextIO

from .. import __version__, kernel
from ..arrays import compiled
from ..clean import Cleaner, CleanOptions, LocalCleaner
from ..clean.against import check_against, index_views
from ..duplicates import DuplicateFinder, DuplicateOptions, Finder
from ..errors import DedupError, InvalidOptionError
from ..index import Index, Match
from ..io import InputFile
from ..log import logger
from ..pool import auto_processes, parallel_batch_chars
from ..report import build_report
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_SKIPPED,
    EXIT_USAGE,
    UsageError,
    _count,
    _dumps,
    _jsonable,
    printable,
)
from .inputs import STDIN, SecondRead, _stdin_folder, discover_inputs, read_again, read_corpus
from .onray import join_ray, read_on_ray, read_parts, write_on_ray
from .outputs import (
    Rows,
    Tally,
    build_summary,
    cluster_line,
    family_line,
    markup_hint,
    options_json,
    representatives,
    with_records,
    write_rows,
)
from .parquet import require_pyarrow
from .parser import AUTO_PROCESSES_BYTES, build_parser
from .progress import Reporter, Timer, _LogToReporter
from .settings import _clean_options, _read_options, _settings, report_options
from .workspace import Workspace, check_output_location, ids_held, index_beside, swap_in, write_split_texts


class Engine(Protocol):
    """What the commands run on, chosen once by ``--engine``."""

    name: str

    def cleaner(self, options: CleanOptions, spill: Path | None) -> Cleaner: ...

    def finder(self, options: DuplicateOptions, spill: Path | None) -> Finder: ...

    def failures(self) -> AbstractContextManager[None]:
        """Turns the engine's own failures into :class:`dedup.DedupError` s (exit 3)."""
        ...


class LocalEngine:
    """This process: :class:`dedup.clean.LocalCleaner` and :class:`dedup.duplicates.DuplicateFinder`."""

    name = "local"

    def __init__(self, processes: int = 1) -> None:
        self.processes = processes

    def cleaner(self, options: CleanOptions, spill: Path | None) -> Cleaner:
        return LocalCleaner(options, spill=spill, processes=self.processes)

    def finder(self, options: DuplicateOptions, spill: Path | None) -> Finder:
        return DuplicateFinder(options, spill=spill, processes=self.processes)

    def failures(self) -> AbstractContextManager[None]:
        return nullcontext()


def resolve_processes(args: argparse.Namespace, files: Sequence[InputFile]) -> int:
    """The processes ``--processes`` asks for, ``auto`` (None) resolved from the inputs' size; 1 on Ray."""
    if args.processes is not None:
        if args.engine != "local" and args.processes != 1:
            raise UsageError("--processes is for --engine local (Ray runs the batches on its own workers)")
        return int(args.processes)
    if args.engine != "local":
        return 1
    return auto_processes(sum(f.size for f in files), AUTO_PROCESSES_BYTES[args.command])


def start_engine(args: argparse.Namespace, reporter: Reporter) -> Engine:
    """The engine ``--engine`` names: :class:`LocalEngine` (on ``args.processes``, resolved), or the Ray one
    joined to its cluster."""
    if args.engine == "local":
        for option, given in (("--address", args.address is not None), ("--on-workers", args.on_workers)):
            if given:
                raise UsageError(f"{option} is for --engine ray")
        processes = getattr(args, "processes", 1)
        if processes > 1:
            reporter.info(f"tabulating on {processes} processes")
        return LocalEngine(processes)
    return join_ray(args, reporter)


def _status_line(summary: dict[str, Any]) -> str:
    removals = ", ".join(
        f"{r} {v['count']:,} ({v['chars']:,} chars)" for r, v in summary["removals"].items() if v["count"]
    )
    return (
        f"{_count(summary['documents']['total'], 'document')}, {summary['chars']['removed']:,} of "
        f"{summary['chars']['in']:,} characters removed"
        f"{': ' + removals if removals else ''}; {_count(summary['clusters']['count'], 'cluster')} of near-duplicates; "
        f"{summary['inputs']['skipped']:,} skipped"
    )


def _spill_folder(workspace: Workspace | None) -> Any:
    """Where the tables' strings go: OUT/.partial/spill (made anew), or a temporary folder for --dry-run."""
    if workspace is None:
        return tempfile.TemporaryDirectory(prefix="dedup-spill-")
    spill = workspace.partial / "spill"
    if spill.exists():
        shutil.rmtree(spill)
    spill.mkdir()
    return nullcontext(str(spill))


def _needs_records(files: Sequence[InputFile], args: argparse.Namespace) -> bool:
    """Whether the rows need each record's fields (read again, or kept by Ray): inputs of records (JSONL, Parquet,
    CSV, JSON), or --annotate."""
    if args.dry_run:
        return False
    return args.annotate or any(not file.format.startswith(("txt", "html")) for file in files)


def run_clean(args: argparse.Namespace, reporter: Reporter, out: TextIO | None = None) -> int:
    """``dedup clean``: read and tabulate → plan → read again, clean and write → publish; ``--stdout`` rows and
    ``--dry-run``'s summary go to ``out`` (None: standard output)."""
    data = sys.stdout if out is None else out
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
    if args.stdout and (args.annotate or args.output_format != "jsonl"):
        raise UsageError("--stdout writes the rows of cleaned.jsonl: it takes no --annotate or --output-format parquet")
    if args.output_layout == "parts" and (args.engine != "ray" or STDIN in args.inputs):
        raise UsageError("--output-layout parts is for --engine ray with files as inputs (its workers write the parts)")
    if args.output_layout == "parts" and (args.stdout or args.dry_run or args.output_format == "parquet"):
        raise UsageError("--output-layout parts writes JSON-lines parts into OUT: no --stdout, --dry-run or parquet")
    if args.output_format == "parquet":
        require_pyarrow()
    read_options = _read_options(args)
    options = _clean_options(args)
    against = None
    if args.against is not None:
        if args.engine != "local":
            raise UsageError("--against runs with --engine local")
        against = _open_index(args.against)
        options = index_views(options, against)
        check_against(against, options)
    settings = _settings(args, read_options, options)
    if against is not None:  # which index, as saved: a resumed run must meet the same one
        manifest = (against.path / "manifest.json").read_bytes()
        settings["against"] = {"index": str(args.against), "manifest": hashlib.sha256(manifest).hexdigest()}
    described = {"version": __version__, "settings": settings, "library": _jsonable(options)}
    fingerprint = hashlib.sha256(_dumps(described).encode("utf-8")).hexdigest()
    timer = Timer()
    workspace: Workspace | None = None
    stdin_folder = _stdin_folder(args.inputs)
    files, skipped = discover_inputs(args.inputs, read_options, reporter, stdin_folder.name)  # before OUT exists
    args.processes = resolve_processes(args, files)
    engine = start_engine(args, reporter)
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
        with _spill_folder(workspace) as spill, engine.failures(), ExitStack() as stack:
            cleaner = (
                engine.cleaner(options, Path(spill))
                if against is None
                else LocalCleaner(options, spill=Path(spill), against=against, processes=args.processes)
            )
            stack.callback(cleaner.close)  # a failed run stops the tabulating processes
            # With Ray and files to read, the workers read them and (with OUT) write the rows: no text on the driver.
            on_workers = engine.name == "ray" and STDIN not in args.inputs and not args.stdout
            needed = _needs_records(files, args)
            with timer.phase("read"):
                if on_workers:
                    corpus = read_on_ray(
                        files,
                        skipped,
                        read_options,
                        reporter,
                        cleaner.add_block,
                        keep_fields=needed,
                        max_docs=args.batch_size,
                    )
                else:
                    chars = parallel_batch_chars(args.processes)
                    corpus = read_corpus(files, skipped, read_options, reporter, cleaner.add, chars)
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
                rows = Rows(
                    corpus.records,
                    read_options.text_field,
                    read_options.id_field,
                    representatives(plan.report, corpus.records),
                    args.annotate,
                )
                parts = args.output_layout == "parts"
                if on_workers and workspace is not None:  # the workers clean and write; nothing is read again
                    tally = write_on_ray(
                        cleaner, plan, corpus, rows, workspace, reporter, keep_fields=needed, parts=parts
                    )
                else:
                    again = SecondRead(read_again(corpus, read_options, args.batch_size, fields=needed), needed)
                    # Every document is counted, also those an interrupted run wrote already.
                    documents = with_records(
                        tally.counted(cleaner.cleaned(plan, again.texts()), corpus.lengths), again, needed
                    )
                    if args.stdout:
                        write_rows(documents, rows, data)
                    elif workspace is None:
                        deque(documents, maxlen=0)  # clean and count, write nothing
                    else:
                        workspace.write_documents(corpus, documents, rows, args.batch_size, reporter)
                    again.finish()
                names = ["cleaned", *(["annotated"] if args.annotate else [])]
                written = names if parts else [f"{name}.jsonl" for name in names]
                if workspace is not None and read_options.split != "none":  # the split .txt files, in their shape
                    cleaned = workspace.partial / "cleaned"
                    with nullcontext(read_parts(cleaned)) if parts else open(f"{cleaned}.jsonl", "rb") as rows_read:
                        write_split_texts(workspace, corpus.records, rows_read, read_options.split)
                if workspace is not None and args.output_format == "parquet":
                    written = workspace.to_parquet(written, args.batch_size)
        report = plan.report
        summary = build_summary(corpus, tally, report, settings, options, fingerprint)
        if args.stdout:
            pass  # the rows went to stdout; the status line follows on stderr
        elif workspace is None:
            summary["timings"] = {**timer.seconds, "total": timer.total()}
            print(json.dumps(summary, ensure_ascii=False, sort_keys=True, indent=2), file=data)
        else:
            reports = {
                "clusters.jsonl": "".join(
                    _dumps(cluster_line(c, corpus.records)) + "\n" for c in report.clusters
                ).encode("utf-8", "surrogatepass"),
                "boilerplate.jsonl": "".join(
                    _dumps(family_line(f, corpus.records)) + "\n" for f in report.boilerplate
                ).encode("utf-8", "surrogatepass"),
                "summary.json": (json.dumps(summary, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode(
                    "utf-8", "surrogatepass"
                ),
                "options.json": options_json(options),
            }
            timings = {
                **timer.seconds,
                "total": timer.total(),
                "resumed": bool(workspace.journal.get("records_done")) and args.resume,
            }
            reports["timings.json"] = (json.dumps(timings, sort_keys=True, indent=2) + "\n").encode("utf-8")
            workspace.publish(reports, summary["exit_status"], written)
            reporter.info(f"wrote {workspace.out}")
            if not args.no_report:
                with timer.phase("report"):
                    build_report(workspace.out, report_options(args))
                reporter.info(f"wrote {workspace.out / 'report.html'} in {timer.seconds['report']:.1f} s")
        reporter.info(_status_line(summary))
        if not read_options.html and (hint := markup_hint(summary)) is not None:
            reporter.warn(hint)
        return summary["exit_status"]
    finally:
        if workspace is not None:
            workspace.release()
        stdin_folder.cleanup()


def run_find(args: argparse.Namespace, reporter: Reporter, out: TextIO | None = None) -> int:
    """``dedup find``: clusters of near-duplicates as a table or JSON lines on ``out`` (None: standard output)."""
    options = _clean_options(args).duplicates
    read_options = _read_options(args)
    stdin_folder = _stdin_folder(args.inputs)
    files, skipped = discover_inputs(args.inputs, read_options, reporter, stdin_folder.name)
    args.processes = resolve_processes(args, files)
    engine = start_engine(args, reporter)
    with stdin_folder, tempfile.TemporaryDirectory(prefix="dedup-spill-") as spill, engine.failures():
        finder = engine.finder(options, Path(spill))
        try:
            if engine.name == "ray" and STDIN not in args.inputs:
                corpus = read_on_ray(
                    files,
                    skipped,
                    read_options,
                    reporter,
                    finder.add_block,
                    keep_fields=False,
                    max_docs=options.batch_size,
                )
            else:
                corpus = read_corpus(
                    files, skipped, read_options, reporter, finder.add, parallel_batch_chars(args.processes)
                )
            clusters = finder.clusters()
        finally:
            finder.close()
    out = sys.stdout if out is None else out
    for cluster in clusters:
        if args.json:
            out.write(json.dumps(cluster_line(cluster, corpus.records), ensure_ascii=False, sort_keys=True) + "\n")
            continue
        out.write(f"cluster {cluster.id}: {len(cluster.members)} documents\n")
        for member, similarity in zip(cluster.members, cluster.similarity):
            record = corpus.records[member]
            mark = "*" if member == cluster.representative else " "
            where = f"  ({record.source})" if record.line is not None else ""
            out.write(f"  {mark} {similarity:.3f}  {printable(record.id)}{printable(where)}\n")
    if not args.json:
        out.write(f"{_count(len(corpus.records), 'document')}, {_count(len(clusters), 'cluster')} of near-duplicates\n")
    out.flush()
    return EXIT_SKIPPED if corpus.skipped else EXIT_OK


def run_index(args: argparse.Namespace, reporter: Reporter, out: TextIO | None = None) -> int:
    """``dedup index build|add``: read the INPUTs twice (ids, then texts batch by batch) into a saved index."""
    read_options = _read_options(args)
    stdin_folder = _stdin_folder(args.inputs)
    if STDIN in args.inputs:
        raise UsageError("an index reads its inputs twice: give them as files, not standard input")
    replaced: Path | None = None
    if args.index_command == "build":
        target = Path(args.output)
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            replaced, target = target, index_beside(target, args.force)
        clean_options = _clean_options(args)
        options = clean_options.duplicates
        keys: dict[str, Any] = {"passages": None, "lines": None, "sample": args.sample}
        if not args.documents_only:
            keys.update(passages=clean_options.passages, lines=clean_options.boilerplate.normalize)
    else:
        target = Path(args.index)
    index_add = args.index_command == "add"
    files, skipped = discover_inputs(args.inputs, read_options, reporter, stdin_folder.name)
    with stdin_folder:
        index = Index.create(target, options, **keys) if args.index_command == "build" else Index.open(target)
        try:
            try:
                corpus = read_corpus(files, skipped, read_options, reporter, lambda texts: None)
                held = ids_held(index.ids(), [r.id for r in corpus.records], target) if index_add else None
                if held:
                    reporter.warn(held)
                for _, records in read_again(corpus, read_options, args.batch_size):
                    index.add([r.text for r in records], ids=[r.id for r in records])
                index.save()
                total = len(index)
            finally:
                index.close()
        except BaseException:
            if replaced is not None:  # the old index stays
                shutil.rmtree(target, ignore_errors=True)
            raise
    if replaced is not None:
        target = swap_in(target, replaced)
    reporter.info(f"{target}: {_count(len(corpus.records), 'document')} added, {total:,} in all")
    return EXIT_SKIPPED if corpus.skipped else EXIT_OK


def _open_index(path: str) -> Index:
    """The saved index ``--against`` names (a usage error when there is none)."""
    if not (Path(path) / "manifest.json").is_file():
        raise UsageError(f"{path} holds no index: build one with dedup index build INPUT... -o INDEX")
    return Index.open(path)


def run_find_against(args: argparse.Namespace, reporter: Reporter, out: TextIO | None = None) -> int:
    """``dedup find INPUT... --against INDEX``: each input document's near-duplicates in a saved index, on ``out``
    (None: standard output)."""
    index = _open_index(args.against)
    read_options = _read_options(args)
    stdin_folder = _stdin_folder(args.inputs)
    files, skipped = discover_inputs(args.inputs, read_options, reporter, stdin_folder.name)
    found: list[tuple[Match, ...]] = []
    with stdin_folder:
        corpus = read_corpus(files, skipped, read_options, reporter, lambda texts: found.extend(index.query(texts)))
    out = sys.stdout if out is None else out
    hits = 0
    for record, matches in zip(corpus.records, found):
        if not matches:
            continue
        hits += 1
        if args.json:
            line = {
                "id": record.id,
                "source": record.source,
                "matches": [
                    {"id": m.id, "jaccard": round(m.jaccard, 6), "containment": round(m.containment, 6)}
                    for m in matches
                ],
            }
            out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
            continue
        out.write(f"{printable(record.id)}\n")
        for m in matches:
            out.write(f"  {m.jaccard:.3f}  {m.containment:.3f}  {printable(m.id)}\n")
    if not args.json:
        out.write(f"{len(corpus.records)} documents, {hits} with near-duplicates in {args.against}\n")
    out.flush()
    return EXIT_SKIPPED if corpus.skipped else EXIT_OK


def run_report(args: argparse.Namespace, reporter: Reporter, out: TextIO | None = None) -> int:
    """``dedup report OUT``: build OUT/report.html from the files of a finished ``dedup clean`` run."""
    out = Path(args.output)
    if not out.is_dir():
        raise UsageError(f"{out} is no folder: give the output folder of dedup clean")
    path = build_report(out, report_options(args))
    reporter.info(f"wrote {path}")
    return EXIT_OK


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
    if not compiled():
        logger.warning(kernel.not_used())
    try:
        commands = {"clean": run_clean, "find": run_find, "report": run_report, "index": run_index}
        command = run_find_against if args.command == "find" and args.against else commands[args.command]
        # Standard output carries the data only (rows, clusters, a summary): whatever else prints there while the
        # command runs — Ray announces a lost node or worker so, even with log_to_driver=False — goes to stderr.
        data = sys.stdout
        with redirect_stdout(sys.stderr):
            return command(args, reporter, data)
    except (UsageError, InvalidOptionError) as err:
        parser.exit(EXIT_USAGE, f"dedup {args.command}: error: {printable(str(err))}\n")
    except DedupError as err:
        reporter.warn(f"error: {err}")
        return EXIT_FAILED
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        reporter.warn(
            "interrupted"
            + (
                "; run the same command with --resume to continue"
                if args.command == "clean" and not args.dry_run
                else ""
            )
        )
        return 130
    except OSError as err:
        reporter.warn(
            f"error: {err}"
            + ("; fix it and run the same command with --resume to continue" if args.command == "clean" else "")
        )
        return EXIT_FAILED
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    return EXIT_FAILED  # not reached
