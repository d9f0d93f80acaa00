"""The rows a run writes (cleaned.jsonl, annotated.jsonl, clusters.jsonl, boilerplate.jsonl), its summary and
options.json."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, TextIO

from .. import __version__
from ..boilerplate import Boilerplate, occurrences
from ..clean import CleanOptions, CleanReport
from ..cluster import Cluster
from ..dicts import dotted_keys
from ..io import (
    Record,
)
from ..removals import REASONS, Cleaned, Removal
from .common import EXIT_OK, EXIT_SKIPPED, _dumps_row, _jsonable
from .inputs import Corpus, SecondRead

#: The fields of a cleaned.jsonl row; an input field of the same name is kept as ``input_<name>`` (``text`` aside:
#: the input's text field is what was cleaned).
CLEANED_FIELDS = ("id", "source", "text", "removed", "line", "output")

#: The fields annotated.jsonl adds to each input record.
ANNOTATION_FIELDS = ("keep", "duplicate_of")

#: A document, what cleaning gave, and the record read again (with its fields) when the rows need it.
Document = tuple[int, Cleaned, Record | None]


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


def _renamed(name: str, ours: Sequence[str], theirs: Mapping[str, Any]) -> str:
    """An input field's name in a row that also holds ``ours``: ``input_<name>`` when ours has it (and again, while
    that is taken)."""
    if name not in ours:
        return name
    name = f"input_{name}"
    while name in ours or name in theirs:
        name = f"input_{name}"
    return name


def input_fields(fields: Mapping[str, Any] | None, text_field: str, id_field: str) -> dict[str, Any]:
    """The fields of an input record a cleaned.jsonl row carries besides its own: all but the text field (the row's
    ``text`` is its cleaned text) and an id field named ``id`` (the row's ``id`` is its value); the others under
    their own names, or ``input_<name>`` when a row field has that name."""
    if not fields:
        return {}
    if text_field not in fields and "." in text_field:  # a nested text: its object without it
        fields = _without_path(fields, text_field.split("."))
    return {
        _renamed(name, CLEANED_FIELDS, fields): value
        for name, value in fields.items()
        if name != text_field and not (name == id_field == "id")
    }


def _without_path(fields: Mapping[str, Any], path: list[str]) -> dict[str, Any]:
    """``fields`` without the value at ``path`` (keys through nested objects), the objects on the way copied;
    unchanged when it holds no such path."""
    head, rest = path[0], path[1:]
    value = fields.get(head)
    if not rest:
        return {name: v for name, v in fields.items() if name != head}
    if not isinstance(value, Mapping):
        return dict(fields)
    return {**fields, head: _without_path(value, rest)}


def _removal_row(removal: Removal) -> dict[str, Any]:
    """A removal as cleaned.jsonl writes it; ``held_by`` only when cleaning against an index set it."""
    row = {
        "start": removal.start,
        "end": removal.end,
        "reason": removal.reason,
        "kind": removal.kind,
        "ref": removal.ref,
        "text": removal.text,
    }
    if removal.held_by is not None:
        row["held_by"] = removal.held_by
    return row


def cleaned_line(
    record: Record, cleaned: Cleaned, output: PurePosixPath | None, fields: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """One line of cleaned.jsonl: enough to rebuild the original (see :func:`dedup.restore`), and ``fields`` (see
    :func:`input_fields`)."""
    line: dict[str, Any] = {
        **(fields or {}),
        "id": record.id,
        "source": record.source,
        "text": cleaned.text,
        "removed": [_removal_row(r) for r in cleaned.removed],
    }
    if record.line is not None:
        line["line"] = record.line
    if output is not None:
        line["output"] = f"text/{output}"
    return line


def duplicate_of(cleaned: Cleaned, representatives: Mapping[int, str]) -> str | None:
    """The id of the representative of the cluster a document was emptied for as a near-duplicate (or of the
    indexed document that holds it, cleaning against an index), else None."""
    for r in cleaned.removed:
        if r.reason == "duplicate" and r.kind == "document" and r.held_by is not None:
            return r.held_by
        if r.reason == "duplicate" and r.kind == "document" and r.ref in representatives:
            return representatives[r.ref]
    return None


def annotated_line(record: Record, cleaned: Cleaned, representatives: Mapping[int, str]) -> dict[str, Any]:
    """One line of annotated.jsonl: the input record as read (for ``.txt`` its ``id``, ``source`` and ``text``), its
    fields in their order, then ``keep`` and ``duplicate_of`` (an input field of either name becomes
    ``input_<name>``)."""
    fields = record.fields if record.fields is not None else {"id": record.id, "source": record.source}
    row = {_renamed(k, ANNOTATION_FIELDS, fields): v for k, v in fields.items()}
    if record.fields is None:
        row["text"] = record.text
    row["keep"] = bool(cleaned.text)
    row["duplicate_of"] = duplicate_of(cleaned, representatives)
    return row


@dataclass(frozen=True)
class Rows:
    """How the rows of cleaned.jsonl and annotated.jsonl are made.

    Attributes
    ----------
    records : sequence of Record
        The corpus's records (ids, sources, lines), in order.
    text_field, id_field : str
        The input's field names (``--text-field``, ``--id-field``).
    representatives : mapping of int to str
        The id of each cluster's representative, by cluster id.
    annotate : bool
        Whether annotated rows are written too.
    """

    records: Sequence[Record]
    text_field: str
    id_field: str
    representatives: Mapping[int, str]
    annotate: bool = False

    def cleaned(self, i: int, cleaned: Cleaned, again: Record | None, output: PurePosixPath | None) -> bytes:
        """The line of cleaned.jsonl of record ``i`` (``again``: the record read again, with its fields)."""
        fields = input_fields(again.fields if again is not None else None, self.text_field, self.id_field)
        return (_dumps_row(cleaned_line(self.records[i], cleaned, output, fields)) + "\n").encode(
            "utf-8", "surrogatepass"
        )

    def annotated(self, cleaned: Cleaned, again: Record | None) -> bytes:
        """The line of annotated.jsonl of a record read again (its fields in their input order)."""
        if again is None:
            raise ValueError("annotated rows need the records read again")
        row = annotated_line(again, cleaned, self.representatives)
        return (_dumps_row(row, sort_keys=False) + "\n").encode("utf-8", "surrogatepass")


def representatives(report: CleanReport, records: Sequence[Record]) -> dict[int, str]:
    """The id of each cluster's representative, by cluster id."""
    return {c.id: records[c.representative].id for c in report.clusters}


def with_records(documents: Iterator[tuple[int, Cleaned]], again: SecondRead, needed: bool) -> Iterator[Document]:
    """Each cleaned document with its record as read again, when ``needed`` (else None)."""
    for i, document in documents:
        yield i, document, again.record(i) if needed else None


def write_rows(documents: Iterator[Document], rows: Rows, out: TextIO) -> None:
    """The rows of ``cleaned.jsonl``, in order, to a stream (``--stdout``)."""
    for i, document, again in documents:
        out.write(rows.cleaned(i, document, again, None).decode("utf-8", "surrogatepass"))
    out.flush()


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

    def merge(self, other: Tally) -> None:
        """Add the counts of ``other`` (documents counted elsewhere, e.g. by a Ray worker)."""
        for reason, counts in other.by_reason.items():
            for name, value in counts.items():
                self.by_reason[reason][name] += value
        self.by_kind.update(other.by_kind)
        self.by_kind_chars.update(other.by_kind_chars)
        for name in ("chars_in", "chars_out", "bytes_out", "changed", "emptied", "documents"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

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


def options_changed(options: CleanOptions) -> dict[str, Any]:
    """The library options that differ from ``CleanOptions()``, by dotted path: ``{"boilerplate.min_docs": 5}``."""
    default, now = dotted_keys(_jsonable(CleanOptions())), dotted_keys(_jsonable(options))
    return {k: now.get(k) for k in sorted(default.keys() | now.keys()) if now.get(k) != default.get(k)}


def options_json(options: CleanOptions) -> bytes:
    """options.json: every library option in force (``CleanOptions`` as JSON)."""
    return (json.dumps(_jsonable(options), ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def build_summary(
    corpus: Corpus, tally: Tally, report: CleanReport, settings: dict[str, Any], options: CleanOptions, fingerprint: str
) -> dict[str, Any]:
    """summary.json: the same bytes for the same inputs and options (no timings); the library options only where
    they differ from the defaults (all of them are in options.json)."""
    status = EXIT_SKIPPED if corpus.skipped else EXIT_OK
    return {
        "version": __version__,
        "fingerprint": fingerprint,
        "options": settings,
        "options_changed": options_changed(options),
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
            "occurrences": occurrences(report.boilerplate),
        },
        "encodings": [dataclasses.asdict(e) for e in corpus.encodings],
        "skipped": [dataclasses.asdict(s) for s in corpus.skipped],
        "exit_status": status,
    }


#: Markup cut as noise above this share of the characters read suggests the texts are web pages (:func:`markup_hint`).
MARKUP_SHARE = 0.05


def markup_hint(summary: dict[str, Any]) -> str | None:
    """What to tell a user whose texts were pages read as text: ``--html`` reads their visible text, when the HTML
    tags and entities cut as noise are :data:`MARKUP_SHARE` of the characters read or more (a page's scripts and
    styles, which are no tags, stay in the cleaned text otherwise); None when they are fewer."""
    kinds = summary.get("removals_by_kind", {})
    markup = sum(kinds.get(f"noise/{kind}", {}).get("chars", 0) for kind in ("html_tag", "html_entity"))
    read = summary["chars"]["in"]
    if markup < 1000 or markup < MARKUP_SHARE * read:
        return None
    return (
        f"{markup:,} characters of HTML markup ({markup / read:.0%} of the text) were cut as noise: if the texts are "
        "web pages, give --html to read their visible text instead (scripts, styles and comments out, a line per block)"
    )
