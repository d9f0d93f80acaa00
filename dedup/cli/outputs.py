"""The rows a run writes (cleaned.jsonl, clusters.jsonl, boilerplate.jsonl) and its summary."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import PurePosixPath
from typing import Any, TextIO

from .. import __version__
from ..boilerplate import Boilerplate
from ..clean import CleanOptions, CleanReport
from ..cluster import Cluster
from ..io import (
    Record,
)
from ..removals import REASONS, Cleaned
from .common import EXIT_OK, EXIT_SKIPPED, _dumps, _jsonable
from .inputs import Corpus


def _member(record: Record) -> dict[str, Any]:
    return {"id": record.id, "source": record.source}


def cluster_line(cluster: Cluster, records: Sequence[Record]) -> dict[str, Any]:
    """One line of clusters.jsonl (and of ``dedup find --json``)."""
    return {
        "cluster": cluster.id,
        "size": len(cluster.members),
        "representative": _member(records[cluster.representative]),
        "members": [
            {
                **_member(records[m]),
                "similarity": round(s, 6),
                **({"coverage": round(cluster.coverage[k], 6)} if cluster.coverage else {}),
            }
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


class Tally:
    """The summary's counts, document by document as they are cleaned."""

    def __init__(self) -> None:
        self.by_reason: dict[str, dict[str, int]] = {r: {"count": 0, "chars": 0} for r in REASONS}
        self.by_kind: Counter[str] = Counter()
        self.by_kind_chars: Counter[str] = Counter()
        self.chars_in = self.chars_out = self.bytes_out = self.changed = self.emptied = self.documents = 0

    def counted(
        self, cleaned: Iterator[tuple[int, list[Cleaned]]], lengths: Sequence[int]
    ) -> Iterator[tuple[int, Cleaned]]:
        """Batches of ``(first record, cleaned documents)`` one document at a time, ``(record, cleaned)``, each
        counted."""
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


def build_summary(
    corpus: Corpus, tally: Tally, report: CleanReport, settings: dict[str, Any], options: CleanOptions, fingerprint: str
) -> dict[str, Any]:
    """summary.json: the same bytes for the same inputs and options (no timings)."""
    status = EXIT_SKIPPED if corpus.skipped else EXIT_OK
    return {
        "version": __version__,
        "fingerprint": fingerprint,
        "options": settings,
        "library_options": _jsonable(options),
        "inputs": {
            "files": len(corpus.files),
            "file_bytes": corpus.file_bytes,
            "records": len(corpus.records),
            "skipped": len(corpus.skipped),
        },
        "documents": {"total": tally.documents, "changed": tally.changed, "emptied": tally.emptied},
        "chars": {"in": tally.chars_in, "out": tally.chars_out, "removed": tally.chars_in - tally.chars_out},
        "bytes": {"in": corpus.text_bytes, "out": tally.bytes_out},
        "removals": tally.by_reason,
        "removals_by_kind": {
            k: {"count": tally.by_kind[k], "chars": tally.by_kind_chars[k]} for k in sorted(tally.by_kind)
        },
        "clusters": {"count": len(report.clusters), "documents": sum(len(c.members) for c in report.clusters)},
        "boilerplate": {
            "families": len(report.boilerplate),
            "occurrences": sum(len(f.spans) for f in report.boilerplate),
        },
        "encodings": [dataclasses.asdict(e) for e in corpus.encodings],
        "skipped": [dataclasses.asdict(s) for s in corpus.skipped],
        "exit_status": status,
    }
