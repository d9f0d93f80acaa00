"""The output folder: where OUT may be, its lock, the journal of a run, checkpoints, resume and the final publish."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from itertools import groupby
from pathlib import Path, PurePosixPath
from typing import Any

from ..dicts import dotted_keys
from ..io import (
    PathAllocator,
    Record,
    format_of,
    fsync_dir,
    sync_files,
    write_atomic,
)
from .common import (
    EXIT_OK,
    JOURNAL_FORMAT,
    KILL_ENV,
    OUTPUTS,
    PARTIAL,
    UsageError,
    _count,
    _dumps,
)
from .inputs import Corpus
from .outputs import Document, Rows
from .parquet import jsonl_to_parquet
from .progress import Reporter


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


def _differences(before: Any, now: Any, most: int = 4) -> str:
    """What differs between two descriptions of a run: ``settings.threshold 0.6 → 0.8; …``."""
    if not isinstance(before, dict) or not isinstance(now, dict):
        return ""
    old, new = dotted_keys(before), dotted_keys(now)
    changed = [k for k in sorted(old.keys() | new.keys()) if old.get(k) != new.get(k)]
    flags = [k for k in changed if k.startswith("settings.")]
    changed = flags or changed  # what was typed differently, if anything; else what it set
    shown = "; ".join(
        f"{k.removeprefix('settings.')} {_dumps(old.get(k))} → {_dumps(new.get(k))}" for k in changed[:most]
    )
    return shown + (f"; and {len(changed) - most} more" if len(changed) > most else "")


class Workspace:
    """OUT and its OUT/.partial: the journal, the batches written so far, the final renames.

    The journal (``.partial/journal.json``, replaced atomically after every batch) holds
    the fingerprint of the options, the digest of what was read, how many documents are
    written and how many bytes of ``cleaned.jsonl`` (and ``annotated.jsonl``) they fill.
    With ``--output-format parquet`` these two are converted at the end (:meth:`to_parquet`).
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
    def open(
        cls, out: Path, fingerprint: str, *, force: bool, resume: bool, described: dict[str, Any] | None = None
    ) -> Workspace | int:
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
                if not force:
                    raise UsageError(
                        f"{out} holds a finished run of other inputs or options (or an unreadable summary.json): "
                        "nothing to resume; use --force to replace it"
                    )
            if entries and not force and not (resume and entries == [PARTIAL]):
                hint = "use --force to replace the results in it" + (
                    "" if resume else ", or --resume to continue an interrupted run"
                )
                raise UsageError(f"output folder {out} is not empty: {hint}")
            if ws.partial.exists():
                shutil.rmtree(ws.partial)
            ws.partial.mkdir()
            ws.tmp.mkdir()
            (ws.partial / "cleaned.jsonl").touch()
            ws.journal = {
                "format": JOURNAL_FORMAT,
                "fingerprint": fingerprint,
                "described": described,
                "corpus": None,
                "phase": "write",
                "records_done": 0,
                "cleaned_bytes": 0,
                "annotated_bytes": 0,
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

    def write_documents(
        self, corpus: Corpus, documents: Iterator[Document], rows: Rows, batch_size: int, reporter: Reporter
    ) -> None:
        """cleaned.jsonl, text/ and (with ``rows.annotate``) annotated.jsonl of ``(record, cleaned, read again)`` in
        order, from the journal's checkpoint on, a checkpoint every ``batch_size`` documents (those before the
        checkpoint are read and skipped)."""
        outputs = allocate_text_paths(corpus.records)
        done = int(self.journal["records_done"])
        total = len(corpus.records)
        kill_after = int(os.environ[KILL_ENV]) if os.environ.get(KILL_ENV) else None
        if done:
            reporter.info(f"resuming after {done:,} of {total:,} documents")
        annotated = self.partial / "annotated.jsonl"
        if rows.annotate:
            annotated.touch()
        with (
            open(self.partial / "cleaned.jsonl", "r+b") as handle,
            open(annotated, "r+b") if rows.annotate else nullcontext(None) as notes,
            reporter.progress("writing", total, "docs") as progress,
        ):
            handle.truncate(int(self.journal["cleaned_bytes"]))
            handle.seek(0, os.SEEK_END)
            if notes is not None:
                notes.truncate(int(self.journal.get("annotated_bytes", 0)))
                notes.seek(0, os.SEEK_END)
            progress.advance(done)
            files: list[Path] = []
            for i, document, again in documents:
                if i < done:
                    continue
                handle.write(rows.cleaned(i, document, again, outputs[i]))
                if notes is not None:
                    notes.write(rows.annotated(document, again))
                if outputs[i] is not None:
                    files.append(self._write_text(outputs[i], document.text))
                # Checkpoints every batch_size documents counted from where this run started.
                batch, position = divmod(i - done, batch_size)
                if (
                    kill_after is not None
                    and batch == kill_after
                    and position == min(batch_size, total - done - batch * batch_size) // 2
                ):
                    handle.flush()
                    os.kill(os.getpid(), signal.SIGKILL)
                if position == batch_size - 1 or i == total - 1:
                    self._checkpoint(handle, notes, files, i + 1)
                    progress.advance(position + 1)
                    files = []

    def _checkpoint(self, handle: Any, notes: Any, files: list[Path], records_done: int) -> None:
        """Everything written so far made durable, then the journal says so."""
        for stream in (handle, notes) if notes is not None else (handle,):
            stream.flush()
            os.fsync(stream.fileno())
        sync_files(files)
        self.save_journal(
            records_done=records_done,
            cleaned_bytes=handle.tell(),
            annotated_bytes=notes.tell() if notes is not None else 0,
        )

    def to_parquet(self, names: Sequence[str], rows: int) -> list[str]:
        """Convert the JSONL outputs ``names`` in OUT/.partial into Parquet files beside them (``rows`` rows per
        row group); their names."""
        converted = []
        for name in names:
            stem = name.removesuffix(".jsonl")
            jsonl_to_parquet(self.partial / name, self.partial / f"{stem}.parquet", stem, rows, self.tmp)
            converted.append(f"{stem}.parquet")
        return converted

    def _write_text(self, rel: PurePosixPath, text: str) -> Path:
        return write_text(self.text_root, self.tmp, rel, text)

    def publish(self, reports: dict[str, bytes], exit_status: int = EXIT_OK, written: Sequence[str] = ()) -> None:
        """Write the reports, then rename every output from OUT/.partial into OUT: the reports, the files
        ``written`` there before (cleaned.jsonl …), and text/."""
        if self.journal["phase"] == "write":
            for name, data in reports.items():
                write_atomic(self.partial / name, data, tmp_dir=self.tmp)
            produced = [n for n in OUTPUTS if n in reports or n in written or (n == "text" and self.text_root.exists())]
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


def write_text(text_root: Path, tmp: Path, rel: PurePosixPath, text: str | Iterator[bytes]) -> Path:
    """Write a cleaned ``.txt`` document (or the pieces of a file's, encoded) to ``text_root/rel`` atomically (its
    temporary file in ``tmp``); its path, to make durable at the next checkpoint (:func:`dedup.io.sync_files`)."""
    dest = text_root.joinpath(*rel.parts)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not _inside(os.path.realpath(dest.parent), os.path.realpath(text_root)):
        raise OSError(f"refusing to write outside {text_root}: {dest}")
    write_atomic(dest, text.encode("utf-8") if isinstance(text, str) else text, tmp_dir=tmp, sync=False)
    return dest


def allocate_text_paths(records: Sequence[Record]) -> list[PurePosixPath | None]:
    """Paths under text/ of the documents read from whole files (None for records of JSONL, Parquet…): the file's
    path without its compression's suffix (the text written is not compressed), ``.txt`` added to a page's
    (``news/a.html`` → ``news/a.html.txt``)."""
    return _text_paths(records)[0]


def _text_paths(records: Sequence[Record]) -> tuple[list[PurePosixPath | None], dict[str, PurePosixPath]]:
    """:func:`allocate_text_paths`, and the path under text/ of each ``.txt`` file read split into documents (by its
    source: its records have line numbers), all allocated in the records' order, so none is taken twice."""
    allocator = PathAllocator()
    whole: list[PurePosixPath | None] = []
    split: dict[str, PurePosixPath] = {}
    for record in records:
        whole.append(allocator.allocate(text_name(record.rel)) if record.line is None else None)
        if record.line is not None and record.source not in split and format_of(record.rel).startswith("txt"):
            split[record.source] = allocator.allocate(text_name(record.rel))
    return whole, split


def write_split_texts(workspace: Workspace, records: Sequence[Record], rows: Iterable[bytes], split: str) -> None:
    """``text/NAME.txt`` of every ``.txt`` input read split into documents (``split``: ``line`` or
    ``blank-line``): the cleaned texts of its documents that are not empty, in order, a line each or a blank line
    between two — the file in its own shape, less what was cut and the documents emptied. ``rows`` are the lines
    of cleaned.jsonl, one a record in order; a file is streamed to disk, never held whole (and written whole, so a
    resumed run writes it again)."""
    paths = _text_paths(records)[1]
    if not paths:
        return
    gap = b"\n" if split == "line" else b"\n\n"

    def pieces(group: Iterator[tuple[Record, bytes]]) -> Iterator[bytes]:
        first = True
        for _, row in group:
            text = json.loads(row)["text"]
            if text:
                yield (b"" if first else gap) + text.encode("utf-8")
                first = False
        if not first:
            yield b"\n"

    written = []
    for source, group in groupby(zip(records, rows, strict=True), key=lambda pair: pair[0].source):
        if source in paths:
            written.append(write_text(workspace.text_root, workspace.tmp, paths[source], pieces(group)))
        else:
            deque(group, maxlen=0)
    sync_files(written)


def text_name(rel: str) -> str:
    """Where under text/ the cleaned text of the file at ``rel`` goes: ``a.txt.gz`` → ``a.txt``, ``a.html`` →
    ``a.html.txt``, ``notes.md`` → ``notes.md``."""
    kind, _, compression = format_of(rel).partition(".")
    if compression:
        rel = rel[: rel.rindex(".")]
    return f"{rel}.txt" if kind == "html" else rel


def index_beside(target: Path, force: bool) -> Path:
    """Where ``dedup index build --force`` builds the index that replaces the one in ``target`` (a non-empty
    folder): a fresh folder beside it, swapped in at the end (:func:`swap_in`), so that an interrupted
    rebuild leaves the old index. A usage error when ``target`` holds no index, or without ``force``."""
    if not (target / "manifest.json").is_file():
        raise UsageError(f"{target} exists and is not an empty folder: give a new folder for the index")
    if not force:
        raise UsageError(f"{target} holds an index: give a new folder, or --force to replace it")
    beside = target.with_name(f".{target.name}.building-{os.getpid()}")
    shutil.rmtree(beside, ignore_errors=True)
    return beside


def swap_in(built: Path, target: Path) -> Path:
    """Put the folder ``built`` where ``target`` is, and remove what ``target`` held: ``target``."""
    old = target.with_name(f".{target.name}.replaced-{os.getpid()}")
    target.rename(old)
    built.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def ids_held(held: Sequence[str], added: Sequence[str], index: Path) -> str | None:
    """What to say when documents added to a saved index have ids it holds already (the same INPUT added twice,
    say), or None: an index keeps every copy of an id, so they are indexed again, as second copies."""
    known = set(held)
    again = [i for i in added if i in known]
    if not again:
        return None
    shown = ", ".join(repr(i) for i in again[:3]) + (", ..." if len(again) > 3 else "")
    verb = "has" if len(again) == 1 else "have"
    return (
        f"{_count(len(again), 'document')} added {verb} an id {index} already holds ({shown}): indexed again, as "
        "second copies (were these INPUTs added before?)"
    )
