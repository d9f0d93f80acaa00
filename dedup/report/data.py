"""What the run report shows, read from a ``dedup clean`` output folder in one pass over its documents.

The folder's small files (``summary.json``, ``options.json``, ``timings.json``,
``clusters.jsonl``, ``boilerplate.jsonl``) are read whole; ``cleaned.jsonl`` (or
``cleaned.parquet``) is streamed once, keeping every document's length before and after,
a seeded sample of changed documents, and the documents the shown clusters need. Memory
is the sample plus two integers a document, whatever the corpus.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InvalidOptionError
from ..removals import Cleaned, Removal, restore


@dataclass(frozen=True)
class ReportOptions:
    """What the report samples (it stays small and fast with any number of documents).

    Attributes
    ----------
    documents : int
        Changed documents in the browsable sample (a seeded reservoir sample).
    largest_clusters, random_clusters : int
        Clusters shown: the largest, then a seeded random sample of the others.
    families : int
        Boilerplate families listed, most documents first.
    occurrences : int
        Documents named per family.
    page_size : int
        Items per page of the paginated sections.
    max_chars : int
        Characters of a document shown; the rest is elided (marked).
    seed : int
        Seed of every sample.
    """

    documents: int = 200
    largest_clusters: int = 20
    random_clusters: int = 20
    families: int = 100
    occurrences: int = 20
    page_size: int = 20
    max_chars: int = 5_000
    seed: int = 0

    def __post_init__(self) -> None:
        counts = ("documents", "largest_clusters", "random_clusters", "families", "occurrences", "max_chars", "seed")
        for name in counts:
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 0:
                raise InvalidOptionError(f"ReportOptions.{name} must be an int >= 0, got {getattr(self, name)!r}")
        if not isinstance(self.page_size, int) or self.page_size < 1:
            raise InvalidOptionError(f"ReportOptions.page_size must be an int >= 1, got {self.page_size!r}")


@dataclass(frozen=True)
class Document:
    """One document of the output, as the report shows it.

    Attributes
    ----------
    row : int
        Its line (from 0) in ``cleaned.jsonl``.
    id, source : str
    original : str
        The text before cleaning (restored from the row).
    removed : tuple of Removal
    """

    row: int
    id: str
    source: str
    original: str
    removed: tuple[Removal, ...]


@dataclass(frozen=True)
class RunData:
    """Everything the report is built from.

    Attributes
    ----------
    summary, timings, options : dict
        ``summary.json``, ``timings.json`` (empty if absent) and the library options
        (``options.json``, or the summary's ``library_options`` of older runs; empty if neither).
    clusters : list of dict
        Every line of ``clusters.jsonl``.
    families : list of dict
        Every line of ``boilerplate.jsonl``.
    shown_clusters : list of int
        Indices into ``clusters`` of the clusters shown: the largest first, then the sample.
    lengths_in, lengths_out : np.ndarray
        int64 ``[n_docs]``: every document's characters before and after cleaning.
    sample : list of Document
        Changed documents to browse, in output order.
    documents : dict
        ``(source, id)`` → :class:`Document`, for the shown clusters' representatives and members.
    """

    summary: dict[str, Any]
    timings: dict[str, Any]
    options: dict[str, Any]
    clusters: list[dict[str, Any]]
    families: list[dict[str, Any]]
    shown_clusters: list[int]
    lengths_in: np.ndarray
    lengths_out: np.ndarray
    sample: list[Document]
    documents: dict[tuple[str, str], Document] = field(default_factory=dict)


def _json_lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _json_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as handle:
        loaded = json.load(handle)
    return loaded if isinstance(loaded, dict) else {}


def _rows(out: Path) -> Iterator[dict[str, Any]]:
    """The rows of ``cleaned.jsonl``, of ``cleaned.parquet`` (read in batches), or of the parts of ``cleaned/``
    (``--output-layout parts``, through its manifest), in order."""
    jsonl, parquet = out / "cleaned.jsonl", out / "cleaned.parquet"
    if (out / "cleaned" / "manifest.json").exists():
        from ..cli.onray import read_parts

        for line in read_parts(out / "cleaned"):
            if line.strip():
                yield json.loads(line)
    elif jsonl.exists():
        with open(jsonl, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)
    elif parquet.exists():
        try:
            import pyarrow.parquet as pq
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise InvalidOptionError(f"{parquet} needs pyarrow to be read: pip install 'dedup[parquet]'") from error
        for batch in pq.ParquetFile(parquet).iter_batches(columns=["id", "source", "text", "removed"]):
            yield from batch.to_pylist()
    else:
        raise InvalidOptionError(f"{out} holds no cleaned.jsonl or cleaned.parquet: is it the output of dedup clean?")


def _document(row: int, record: dict[str, Any]) -> Document:
    cleaned = Cleaned.from_dict({"text": record["text"], "removed": record.get("removed") or []})  # checked once
    return Document(row, str(record.get("id", "")), str(record.get("source", "")), restore(cleaned), cleaned.removed)


def _shown_clusters(clusters: list[dict[str, Any]], options: ReportOptions) -> list[int]:
    """The largest clusters (ties: first found), then a seeded sample of the rest."""
    by_size = sorted(range(len(clusters)), key=lambda i: (-int(clusters[i]["size"]), i))
    largest = by_size[: options.largest_clusters]
    rest = sorted(set(range(len(clusters))) - set(largest))
    sample = sorted(random.Random(options.seed).sample(rest, min(options.random_clusters, len(rest))))
    return largest + sample


def read_run(out: str | Path, options: ReportOptions = ReportOptions()) -> RunData:
    """Read what the report shows from a ``dedup clean`` output folder.

    Parameters
    ----------
    out : str or Path
        The folder ``-o OUT`` named.
    options : ReportOptions

    Returns
    -------
    RunData

    Raises
    ------
    InvalidOptionError
        ``out`` is not the output of ``dedup clean`` (no ``summary.json``, no cleaned rows).
    """
    out = Path(out)
    if not (out / "summary.json").exists():
        raise InvalidOptionError(f"{out} holds no summary.json: give the folder dedup clean -o wrote")
    summary = _json_file(out / "summary.json")
    library = _json_file(out / "options.json") or summary.get("library_options") or {}
    clusters = _json_lines(out / "clusters.jsonl")
    families = _json_lines(out / "boilerplate.jsonl")
    shown = _shown_clusters(clusters, options)
    needed: set[tuple[str, str]] = set()
    for i in shown:
        members = clusters[i]["members"]
        needed.add((clusters[i]["representative"]["source"], clusters[i]["representative"]["id"]))
        needed.update((m["source"], m["id"]) for m in members[:4])
    rng = random.Random(options.seed)
    lengths_in: list[int] = []
    lengths_out: list[int] = []
    reservoir: list[tuple[int, dict[str, Any]]] = []  # rows: made documents once the sample is drawn
    documents: dict[tuple[str, str], Document] = {}
    changed = 0
    for row, record in enumerate(_rows(out)):
        removed = record.get("removed") or ()
        cut = sum(int(r["end"]) - int(r["start"]) for r in removed)
        lengths_out.append(len(record["text"]))
        lengths_in.append(len(record["text"]) + cut)
        key = (str(record.get("source", "")), str(record.get("id", "")))
        if key in needed and key not in documents:
            documents[key] = _document(row, record)
        if not removed:
            continue
        changed += 1  # reservoir sampling (Algorithm R) over the changed documents
        if len(reservoir) < options.documents:
            reservoir.append((row, record))
        else:
            slot = rng.randrange(changed)
            if slot < options.documents:
                reservoir[slot] = (row, record)
    sample = [_document(row, record) for row, record in sorted(reservoir, key=lambda kept: kept[0])]
    return RunData(
        summary=summary,
        timings=_json_file(out / "timings.json"),
        options=library,
        clusters=clusters,
        families=families,
        shown_clusters=shown,
        lengths_in=np.array(lengths_in, dtype=np.int64),
        lengths_out=np.array(lengths_out, dtype=np.int64),
        sample=sample,
        documents=documents,
    )
