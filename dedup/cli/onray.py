"""``dedup clean/find --engine ray`` on input files: the workers read the files and write the cleaned rows.

The driver sends each worker a file to read — or a piece of one, a byte range of a big JSONL
file or a group of a big Parquet file's row groups (:mod:`dedup.io.ranges`) — with dedup's own
readers (so encodings, skips, ids and fields are exactly those of a local run) and gets back the
records' ids, sources and lengths, never a text: the texts stay in the object store as blocks of
consecutive documents. After the plan, each block is cleaned and its rows written by a worker
into ``OUT/.partial/cleaned/`` (and ``annotated/``); the driver joins the parts into
``cleaned.jsonl`` (``annotated.jsonl``) with ``os.copy_file_range``, a copy inside the kernel,
or with ``--output-layout parts`` keeps them and writes their manifest. Every node must reach the
inputs and OUT at the same paths (a shared filesystem), as Ray Data's readers need.

Ray is imported inside the functions: importing this module does not import Ray.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ..clean import CleanPlan, apply_plan
from ..distributed.arrow import string_column, strings_of
from ..errors import DedupError
from ..io import (
    Encoding,
    InputFile,
    ReadOptions,
    Record,
    Skipped,
    feed_item,
    fsync_dir,
    read_file,
    sync_files,
    write_atomic,
)
from ..io.ranges import (
    count_chunks,
    count_newlines,
    file_digest,
    first_lines,
    line_ranges,
    parquet_pieces,
    read_range,
)
from ..removals import REASONS
from ..store import BATCH_CHARS
from .common import UsageError, _count
from .inputs import Corpus, note
from .outputs import Rows, Tally
from .progress import Reporter
from .workspace import Workspace, write_text


class UnreachableInputError(DedupError):
    """A worker node cannot open an input file: the inputs must be on a filesystem every node reaches."""


class UnreachableOutputError(DedupError):
    """What the workers wrote is not in OUT on the driver's node: OUT must be on a filesystem every node reaches."""


@dataclass(frozen=True)
class FileRead:
    """What a worker read of one file sends to the driver: everything but the texts.

    Attributes
    ----------
    records : list of Record
        The file's records in order, ``text`` empty and ``fields`` None.
    notes : list of Skipped or Encoding
        What was skipped and the encoding notes, in the order read.
    digest : bytes
        SHA-256 of everything read (:func:`dedup.io.feed_item`), as the local read makes it.
    text_bytes : int
        UTF-8 bytes of the texts.
    unreachable : str or None
        The node that could not open the file (nothing else is set then).
    """

    records: list[Record]
    notes: list[Skipped | Encoding]
    digest: bytes
    text_bytes: int
    unreachable: str | None = None


def _block(texts: list[str], fields: list[bytes] | None) -> Iterator[Any]:
    """What a read task yields of one block: its documents' lengths (int64), then the block (a ``pyarrow.Table``
    of ``text`` and, given ``fields``, ``fields``)."""
    import pyarrow as pa

    yield np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    columns = {"text": string_column(texts)}
    if fields is not None:
        columns["fields"] = pa.array(fields, type=pa.large_binary())
    yield pa.table(columns)


def read_file_blocks(
    file: InputFile,
    options: ReadOptions,
    max_chars: int,
    max_docs: int,
    keep_fields: bool,
    piece: tuple[int, int | None, int] | None = None,
    row_groups: list[int] | None = None,
) -> Iterator[Any]:
    """Ray streaming task: one input file read with :func:`dedup.io.read_file` (with ``piece``, ``(start, stop,
    first line)``, one range of a JSONL file: :func:`dedup.io.ranges.read_range`; with ``row_groups``, those of a
    Parquet file), as blocks of at most ``max_docs``
    documents and about ``max_chars`` characters, each yielded as its documents' lengths (int64) then the block
    (a ``pyarrow.Table`` of ``text`` and, with ``keep_fields``, ``fields``: each record's fields pickled), and last
    the :class:`FileRead` of what was read."""
    if not os.path.exists(file.path):
        import ray.util

        yield FileRead([], [], b"", 0, ray.util.get_node_ip_address())
        return
    digest = hashlib.sha256()
    records: list[Record] = []
    notes: list[Skipped | Encoding] = []
    texts: list[str] = []  # the block being filled
    fields: list[bytes] | None = [] if keep_fields else None
    chars = text_bytes = 0
    items = (
        read_file(file, options, fields=keep_fields, row_groups=row_groups)
        if piece is None
        else read_range(file, options, *piece, fields=keep_fields)
    )
    for item in items:
        feed_item(digest, item)
        if not isinstance(item, Record):
            notes.append(item)
            continue
        records.append(replace(item, text="", fields=None))
        text_bytes += len(item.text.encode("utf-8", "surrogatepass"))
        texts.append(item.text)
        if fields is not None:
            fields.append(pickle.dumps(item.fields, protocol=pickle.HIGHEST_PROTOCOL))
        chars += len(item.text)
        if len(texts) >= max_docs or chars >= max_chars:
            yield from _block(texts, fields)
            texts, fields, chars = [], [] if keep_fields else None, 0
    if texts:
        yield from _block(texts, fields)
    yield FileRead(records, notes, digest.digest(), text_bytes)


def join_blocks(*blocks: Any) -> Any:
    """Ray task: consecutive blocks of :func:`read_file_blocks` (``pyarrow.Table`` s of one schema) as one."""
    import pyarrow as pa

    return pa.concat_tables(blocks)


class JoinedBlocks:
    """``take(ref, first, lengths)`` of consecutive blocks read on the workers, joined until they hold ``max_docs``
    documents or ``max_chars`` characters: a folder of many small files (a document a file, a block a file as read)
    is tabulated in blocks of many documents, not a task a file — Ray keeps a task's results under 100 KB in the
    driver's own memory (3,000 one-document files: the driver's resident peak 572 MB against 299 MB for the same
    documents in one JSONL file, and 43.6 s against 12.7 s, before the blocks were joined). Call :meth:`flush` after
    the last block."""

    def __init__(self, take: Callable[[Any, int, np.ndarray], None], max_docs: int, max_chars: int) -> None:
        self.take, self.max_docs, self.max_chars = take, max_docs, max_chars
        self.refs: list[Any] = []
        self.lengths: list[np.ndarray] = []
        self.first = self.docs = self.chars = 0

    def __call__(self, ref: Any, first: int, lengths: np.ndarray) -> None:
        if not self.refs:
            self.first = first
        self.refs.append(ref)
        self.lengths.append(lengths)
        self.docs += lengths.size
        self.chars += int(lengths.sum())
        if self.docs >= self.max_docs or self.chars >= self.max_chars:
            self.flush()

    def flush(self) -> None:
        """Hand on the blocks taken since the last flush, joined (one block as it is)."""
        if not self.refs:
            return
        from ..distributed.driver import _remote

        ref = self.refs[0] if len(self.refs) == 1 else _remote(join_blocks).remote(*self.refs)
        self.take(ref, self.first, np.concatenate(self.lengths))
        self.refs, self.lengths, self.docs, self.chars = [], [], 0, 0


def _take_piece(
    generator: Any, first: int, take: Callable[[Any, int, np.ndarray], None], lengths: list[np.ndarray]
) -> FileRead:
    """Hand each block a :func:`read_file_blocks` task yields to ``take`` as it comes (its first document
    ``first`` on), its lengths to ``lengths``; the task's :class:`FileRead`."""
    import ray

    for ref in generator:  # lengths, block, lengths, block …, the FileRead
        read = ray.get(ref)
        if isinstance(read, FileRead):
            return read
        take(next(generator), first, read)  # tabulating starts while the file is read
        lengths.append(read)
        first += read.size
    raise RuntimeError("a read task ended without its FileRead")


def block_chars(files: Sequence[InputFile], cpus: int) -> int:
    """Characters a block holds at most: about four blocks a CPU for the inputs' bytes, between 64 K and
    :data:`dedup.store.BATCH_CHARS`."""
    return max(1 << 16, min(BATCH_CHARS, sum(f.size for f in files) // (4 * cpus) + 1))


def read_on_ray(
    files: Sequence[InputFile],
    skipped: list[Skipped],
    options: ReadOptions,
    reporter: Reporter,
    take: Callable[[Any, int, np.ndarray], None],
    *,
    keep_fields: bool,
    max_docs: int,
) -> Corpus:
    """Read every file on the workers, one streaming task a file, handing each block to ``take(ref, first
    document, lengths)`` in order, small ones joined (:class:`JoinedBlocks`); the corpus as
    :func:`dedup.cli.inputs.read_corpus` gives it (same records, skips and digest), without a text on the driver."""
    import ray

    from ..distributed.driver import _remote, cluster_cpus

    files = list(files)
    reporter.info(f"reading {_count(len(files), 'input file')} on the Ray workers")
    task = _remote(read_file_blocks).options(num_returns="streaming")
    chars = block_chars(files, cluster_cpus())
    ranges = [line_ranges(file, options) for file in files]  # a big JSONL file is read in ranges, in parallel
    counting = [
        [] if r is None else [_remote(count_newlines).remote(f, *chunk) for chunk in count_chunks(r)[:-1]]
        for f, r in zip(files, ranges)
    ]
    joined = JoinedBlocks(take, max_docs, chars)
    generators = []
    for file, r, counts in zip(files, ranges, counting):
        if r is None:  # read whole, or a big Parquet file in groups of row groups
            groups = parquet_pieces(file) or [None]
            generators.append([task.remote(file, options, chars, max_docs, keep_fields, None, g) for g in groups])
            continue
        firsts = first_lines(r, ray.get(counts))
        pieces = [(start, stop, first) for (start, stop), first in zip(r, firsts)]
        generators.append([task.remote(file, options, chars, max_docs, keep_fields, piece) for piece in pieces])
    records: list[Record] = []
    lengths: list[np.ndarray] = []
    encodings: list[Encoding] = []
    digest = hashlib.sha256()
    text_bytes = 0
    with reporter.progress("reading", sum(f.size for f in files), "B") as progress:
        for file, pieces in zip(files, generators):
            parts = []
            for generator in pieces:
                read = _take_piece(generator, len(records), joined, lengths)
                if read.unreachable is not None:
                    raise UnreachableInputError(
                        f"{file.source}: no such file on the Ray node {read.unreachable}; with --engine ray every "
                        "node reads the inputs itself, so they must be at the same path on every node (a shared "
                        "filesystem)"
                    )
                records.extend(read.records)
                for item in read.notes:
                    note(item, skipped, encodings, reporter)
                parts.append(read.digest)
                text_bytes += read.text_bytes
            digest.update(file_digest(parts))
            progress.advance(file.size, f"{len(records):,} records")
    joined.flush()
    sizes = np.concatenate(lengths).tolist() if lengths else []
    file_bytes = sum(f.size for f in files)
    return Corpus(records, sizes, files, skipped, encodings, file_bytes, text_bytes, digest.hexdigest())


@dataclass(frozen=True)
class PartWritten:
    """What a worker wrote of one block: its documents' counts and the parts' sizes in bytes."""

    documents: int
    tally: Tally
    sizes: dict[str, int]


def _part(partial: Path, name: str, first: int) -> Path:
    """Where the part of ``name`` (``cleaned``, ``annotated``) beginning at document ``first`` is written."""
    return partial / name / f"part-{first:012d}.jsonl"


#: The format of ``cleaned/manifest.json`` (``--output-layout parts``).
PARTS_FORMAT = 1


def _block_rows(rows: Rows, plan: CleanPlan, first: int, stop: int) -> Rows:
    """``rows`` for documents ``first .. stop - 1``: no records, and the representatives of the clusters whose
    members among them are emptied only (what their rows name)."""
    lo, hi = int(plan.doc_offsets[first]), int(plan.doc_offsets[stop])
    document = plan.kinds.index("document") if "document" in plan.kinds else -1
    emptied = (plan.reason[lo:hi] == REASONS.index("duplicate")) & (plan.kind[lo:hi] == document)
    refs = np.unique(plan.ref[lo:hi][emptied]).tolist()
    named = {ref: rows.representatives[ref] for ref in refs if ref in rows.representatives}
    return replace(rows, records=(), representatives=named)


def write_part(
    block: Any,
    first: int,
    plan: CleanPlan,
    rows: Rows,
    records: Sequence[Record],
    outputs: Sequence[PurePosixPath | None],
    partial: str,
    keep_fields: bool,
) -> PartWritten:
    """Ray task: clean one engine block (documents ``first`` on) with the plan and write its rows of
    cleaned.jsonl (and annotated.jsonl) to ``partial/cleaned/`` (``partial/annotated/``) and its ``.txt``
    documents to ``partial/text/``, as :meth:`dedup.cli.workspace.Workspace.write_documents` would write them.
    ``plan`` is the block's own (:meth:`dedup.clean.CleanPlan.documents`), ``rows`` its :func:`_block_rows`."""
    texts = strings_of(block.column("text"))
    fields = [pickle.loads(b) for b in block.column("fields").to_pylist()] if keep_fields else None
    rows = replace(rows, records=records)
    folder = Path(partial)
    tally = Tally()
    lines: list[bytes] = []
    notes: list[bytes] = []
    files: list[Path] = []
    for k, document in enumerate(apply_plan(texts, plan)):
        tally.add(len(texts[k]), document)
        again = replace(records[k], text=texts[k], fields=fields[k]) if fields is not None else None
        lines.append(rows.cleaned(k, document, again, outputs[k]))
        if rows.annotate:
            notes.append(rows.annotated(document, again))
        if outputs[k] is not None:
            files.append(write_text(folder / "text", folder / "tmp", outputs[k], document.text))
    written = {"cleaned": b"".join(lines), **({"annotated": b"".join(notes)} if rows.annotate else {})}
    for name, data in written.items():
        write_atomic(_part(folder, name, first), data, tmp_dir=folder / "tmp")
    sync_files(files)
    return PartWritten(len(texts), tally, {name: len(data) for name, data in written.items()})


def _join(parts: Sequence[Path], dest: Path) -> int:
    """Concatenate ``parts`` into ``dest`` (copied inside the kernel where it can), durably; its size."""
    with open(dest, "wb", buffering=0) as out:
        for path in parts:
            with open(path, "rb", buffering=0) as part:
                left = os.fstat(part.fileno()).st_size
                try:
                    while left > 0:
                        copied = os.copy_file_range(part.fileno(), out.fileno(), left)
                        if copied == 0:
                            break
                        left -= copied
                except OSError:  # not on this filesystem: copy through user space
                    pass
                if left > 0:
                    while chunk := part.read(1 << 20):
                        out.write(chunk)
        os.fsync(out.fileno())
        return out.tell()


def write_on_ray(
    cleaner: Any,
    plan: CleanPlan,
    corpus: Corpus,
    rows: Rows,
    workspace: Workspace,
    reporter: Reporter,
    *,
    keep_fields: bool,
    parts: bool = False,
) -> Tally:
    """Clean and write every block of a :class:`dedup.distributed.RayCleaner` on the workers
    (:func:`write_part`), then join the parts into ``cleaned.jsonl`` (and ``annotated.jsonl``) in OUT/.partial,
    or with ``parts`` keep them and write ``cleaned/manifest.json`` (``annotated/…``); the counts of every
    document."""
    import ray

    from ..distributed.driver import _remote
    from .workspace import allocate_text_paths

    outputs = allocate_text_paths(corpus.records)
    names = ["cleaned", *(["annotated"] if rows.annotate else [])]
    for name in names:  # anew: an interrupted run's parts may be cut otherwise
        shutil.rmtree(workspace.partial / name, ignore_errors=True)
        (workspace.partial / name).mkdir()
    workspace.tmp.mkdir(exist_ok=True)
    plans = cleaner.blocks.plans(plan)  # a block's task fetches its own documents' cuts
    task = _remote(write_part)
    firsts, refs = plans.starts[:-1].tolist(), []
    for b, (block, first) in enumerate(zip(cleaner.blocks.refs, firsts)):
        stop = int(plans.starts[b + 1])
        part = (corpus.records[first:stop], outputs[first:stop], str(workspace.partial), keep_fields)
        refs.append(task.remote(block, first, plans.refs[b], _block_rows(rows, plan, first, stop), *part))
    tally = Tally()
    written: list[PartWritten] = []
    with reporter.progress("writing", len(corpus.records), "docs") as progress:
        for ref in refs:
            written.append(ray.get(ref))
            tally.merge(written[-1].tally)
            progress.advance(written[-1].documents)
    sizes = {}
    try:
        for name in names:
            paths = [_part(workspace.partial, name, f) for f in firsts]
            if parts:
                sizes[name] = _manifest(workspace.partial / name, paths, firsts, written, name)
            else:
                sizes[name] = _join(paths, workspace.partial / f"{name}.jsonl")
                shutil.rmtree(workspace.partial / name)
    except FileNotFoundError as missing:
        raise UnreachableOutputError(
            f"a part the workers wrote is not here ({missing.filename}): with --engine ray the workers write OUT "
            "themselves, so it must be at the same path on every node (a shared filesystem)"
        ) from None
    workspace.save_journal(
        records_done=len(corpus.records),
        cleaned_bytes=sizes["cleaned"],
        annotated_bytes=sizes.get("annotated", 0),
    )
    return tally


def _manifest(
    folder: Path, paths: Sequence[Path], firsts: Sequence[int], written: Sequence[PartWritten], name: str
) -> int:
    """Write ``folder/manifest.json``: the parts in document order with their first document, documents and
    bytes (each checked on disk); the parts' bytes in all."""
    files = []
    for path, first, part in zip(paths, firsts, written):
        size = path.stat().st_size  # a part the driver cannot see fails here
        if size != part.sizes[name]:
            raise UnreachableOutputError(f"{path}: {size:,} bytes here, {part.sizes[name]:,} written by the worker")
        files.append({"name": path.name, "first": first, "documents": part.documents, "bytes": size})
    manifest = {"format": PARTS_FORMAT, "documents": sum(p.documents for p in written), "files": files}
    write_atomic(folder / "manifest.json", (json.dumps(manifest, indent=2) + "\n").encode("utf-8"))
    fsync_dir(folder)
    return sum(f["bytes"] for f in files)


def read_parts(folder: str | Path) -> Iterator[bytes]:
    """The rows (lines, with their newline) of ``--output-layout parts`` output, ``OUT/cleaned`` or
    ``OUT/annotated``, in document order through its manifest: the lines of the ``cleaned.jsonl`` the file
    layout writes. A part missing, or of another size than the manifest says, is an error."""
    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format") != PARTS_FORMAT:
        raise DedupError(f"{folder}/manifest.json: format {manifest.get('format')}, not {PARTS_FORMAT}")
    expected = 0
    for entry in manifest["files"]:
        path = folder / entry["name"]
        if entry["first"] != expected or path.stat().st_size != entry["bytes"]:
            raise DedupError(
                f"{path}: not the part the manifest lists (documents from {expected}, {entry['bytes']} bytes)"
            )
        with open(path, "rb") as handle:
            yield from handle
        expected += entry["documents"]


def join_ray(args: Any, reporter: Reporter) -> Any:
    """The commands' Ray engine (:class:`dedup.distributed.RayEngine`), joined to the cluster ``--address`` names (a
    local Ray without it), on a :class:`dedup.distributed.RayClusterEngine` with no limit left to the driver under
    ``--on-workers``; a usage error when Ray is missing or the cluster cannot be joined."""
    from .. import distributed  # imports Ray only when asked to

    try:
        distributed.require_ray()
    except distributed.RayUnavailableError as err:
        raise UsageError(f"--engine ray: {err}") from None
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
    reporter.info(f"running on Ray: {distributed.cluster_cpus()} CPUs{', everything on the workers' * args.on_workers}")
    if args.on_workers:  # no limit below which the driver matches, clusters or finds regions itself
        return distributed.RayEngine(distributed.RayClusterEngine(paragraph_limit=0, edge_limit=0, run_limit=0))
    return distributed.RayEngine()
