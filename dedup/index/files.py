"""The files of an index: segments of plain arrays, read memory-mapped (see :mod:`dedup.index`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..arrays import concat_ranges, stable_order, unique_rows
from ..boilerplate import analyse_table, classify_lines
from ..boilerplate.base import CONTENT
from ..duplicates import DuplicateOptions
from ..errors import DedupError, InvalidOptionError
from ..linemarks import exempt_lines
from ..lines import document_views as line_views
from ..lines import line_table
from ..lsh import band_keys
from ..minhash import signatures
from ..near import NearOptions
from ..normalize import KnownViews, NormalizeOptions, matching_texts
from ..passages import PassageOptions, UnitTable, unit_table
from ..segment import UnitSpans, segment_lines_and_paragraphs, segment_many
from ..shingle import exact_hashes, shingle_sets
from ..sourcecode import CodeLines, code_lines, opens_indented

FORMAT_VERSION = 3
#: Formats read besides FORMAT_VERSION, with the NormalizeOptions fields their manifests lack and the value that
#: gives their views: format 2 (before 2026-12-07) had no ``strip_vowel_marks``, its views kept the marks.
LEGACY_FORMATS: dict[int, dict[str, Any]] = {2: {"strip_vowel_marks": False}}

#: For exact line keys (uint64 ``[m]``): in how many families of an index they recur, and the first document.
Recurring = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
_ARRAYS = (
    "sorted_keys",
    "sorted_docs",
    "set_hashes",
    "set_offsets",
    "lengths",
    "id_bytes",
    "id_offsets",
    "family",
    "unit_keys",
    "unit_docs",
    "line_keys",
    "line_docs",
    "signatures",
)


class IndexFileError(DedupError):
    """An index that cannot be used: another format version or options, a corrupt or missing file, a second writer."""


@dataclass(frozen=True)
class Match:
    """A document of the index that is a near-duplicate of a queried text.

    Attributes
    ----------
    id : str
    jaccard : float
        Exact Jaccard similarity of the two matching views' n-gram sets.
    containment : float
        The share of the smaller set that lies in the larger.
    """

    id: str
    jaccard: float
    containment: float


@dataclass(frozen=True)
class _Segment:
    """The arrays of one segment (memory-mapped when read from disk)."""

    sorted_keys: np.ndarray
    sorted_docs: np.ndarray
    set_hashes: np.ndarray
    set_offsets: np.ndarray
    lengths: np.ndarray
    id_bytes: np.ndarray
    id_offsets: np.ndarray
    family: np.ndarray
    unit_keys: np.ndarray
    unit_docs: np.ndarray
    line_keys: np.ndarray
    line_docs: np.ndarray
    signatures: np.ndarray

    def __len__(self) -> int:
        return int(self.lengths.shape[0])

    def keys(self) -> np.ndarray:
        """uint64 ``[n, bands]``: every document's band keys, put back from the sorted tables."""
        out = np.empty(self.sorted_keys.shape, dtype=np.uint64)
        np.put_along_axis(out, np.asarray(self.sorted_docs, dtype=np.int64), np.asarray(self.sorted_keys), axis=1)
        return out.T

    def ids(self) -> list[str]:
        data = bytes(self.id_bytes)
        cuts = self.id_offsets.tolist()
        return [data[a:b].decode("utf-8", "surrogatepass") for a, b in zip(cuts, cuts[1:])]


def normalize_of(stored: dict[str, Any] | None, format_version: int) -> NormalizeOptions | None:
    """The :class:`NormalizeOptions` a manifest of ``format_version`` stores (None stays None), the fields its format
    did not know set as it built its views."""
    if stored is None:
        return None
    return NormalizeOptions(**{**LEGACY_FORMATS.get(format_version, {}), **stored})


def _options_json(options: DuplicateOptions) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(NearOptions):
        if f.name in ("batch_size", "workers"):  # how, not what: free to differ
            continue
        value = getattr(options, f.name)
        if callable(value):
            raise InvalidOptionError("an index needs a named representative policy ('first' or 'longest')")
        out[f.name] = value
    out["normalize"] = {f.name: getattr(options.normalize, f.name) for f in fields(NormalizeOptions)}
    out["strip_boilerplate"] = options.strip_boilerplate
    default = replace(DuplicateOptions().boilerplate, normalize=options.normalize)  # the lines' view is normalize
    if options.strip_boilerplate and options.boilerplate != default:
        raise InvalidOptionError("an index strips boilerplate with DuplicateOptions' default boilerplate options only")
    return out


@dataclass(frozen=True)
class _Lines:
    """The columns of a :class:`dedup.lines.LineTable` that comparing documents by their lines and
    keying their lines read (a line table serves as well)."""

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    views: list[str]
    view_len: np.ndarray
    exact: np.ndarray
    speech: np.ndarray
    code: np.ndarray

    def __len__(self) -> int:
        return int(self.doc.size)


def _line_rows(texts: Sequence[str], normalize: NormalizeOptions, spans: UnitSpans) -> _Lines:
    """The lines ``spans`` (``segment_many(texts, "line")``) with their matching views and exact keys."""
    doc = spans.doc_ids()
    pieces = [texts[d][a:b] for d, (a, b) in zip(doc.tolist(), spans.spans.tolist())]
    views = matching_texts(pieces, normalize)
    view_len = np.fromiter(map(len, views), np.int64, len(views))
    starts, ends = spans.spans[:, 0].copy(), spans.spans[:, 1].copy()
    code = code_lines(pieces, doc, lambda rows: opens_indented(texts, doc, spans.spans[:, 0], rows))
    return _Lines(doc, starts, ends, views, view_len, exact_hashes(views), exempt_lines(pieces) | code, code)


def document_views(
    texts: Sequence[str],
    options: DuplicateOptions,
    recurring: Recurring | None = None,
    batch: bool = True,
    table: Any = None,
) -> list[str]:
    """The views documents are compared by: their matching views, or with ``strip_boilerplate``
    the views of their lines but boilerplate.

    Boilerplate is the lines (of at most ``max_line_chars``) that ``recurring`` says recur in
    ``min_docs`` families of an index (its :meth:`~dedup.index.Index.line_families`), and
    with ``batch`` what :func:`dedup.find_duplicates` strips, found within ``texts``
    (without it, each document's view depends on the index alone, not on the other texts).
    ``table`` is ``line_table(texts, options.boilerplate, cuts=False)`` when the caller has it.
    """
    if not options.strip_boilerplate:
        return matching_texts(texts, options.normalize)
    lines = options.boilerplate
    if batch:
        table = line_table(texts, lines, cuts=False) if table is None else table
        analysis = analyse_table(table, np.fromiter(map(len, texts), np.int64, len(texts)), lines)
        keep = classify_lines(table, analysis.families, lines, codes=True) == CONTENT
    else:  # the lines' views and keys are all that is read
        table = _line_rows(texts, lines.normalize, segment_many(texts, "line")) if table is None else table
        keep = np.ones(len(table), dtype=bool)
    if recurring is not None and len(table):
        families, _ = recurring(table.exact)
        keep &= ~((families >= lines.min_docs) & (table.view_len <= lines.max_line_chars) & ~table.speech)
    return list(line_views(table, len(texts), keep))


def _sorted_table(keys: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keys (uint64 ``[k, bands]``) of rows owned by ``docs`` (int64 ``[k]``) as per-band sorted
    tables: keys uint64 and docs int64, ``[bands, k]`` each."""
    order = np.stack([stable_order(keys[:, band]) for band in range(keys.shape[1])])  # [bands, k]
    return np.ascontiguousarray(np.take_along_axis(keys.T, order, axis=1)), np.ascontiguousarray(docs[order])


def _assemble(
    keys: np.ndarray,
    set_hashes: np.ndarray,
    set_offsets: np.ndarray,
    lengths: np.ndarray,
    ids: Sequence[str],
    family: np.ndarray,
    units: tuple[np.ndarray, np.ndarray],
    lines: tuple[np.ndarray, np.ndarray],
    sigs: np.ndarray | None = None,
) -> _Segment:
    """A segment of documents from their band keys (uint64 ``[n, bands]``), shingle sets, lengths
    (int64 ``[n, 2]``), ids, family labels (uint64 ``[n]``), the sorted paragraph band table
    (:func:`_sorted_table`) and the sorted distinct (line key, document) pairs (uint64, int64
    ``[l]``), and for documents known only by their MinHash (imported from datasketch) their
    signatures (uint32 ``[n, num_perm]``; None: ``[0, 0]``): the document band table is sorted
    and the ids encoded here."""
    sorted_keys, sorted_docs = _sorted_table(keys, np.arange(len(keys), dtype=np.int32))
    encoded = [i.encode("utf-8", "surrogatepass") for i in ids]
    id_offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=id_offsets[1:])
    return _Segment(
        sorted_keys,
        sorted_docs,
        set_hashes,
        set_offsets,
        lengths,
        np.frombuffer(b"".join(encoded), dtype=np.uint8),
        id_offsets,
        family,
        *units,
        *lines,
        np.zeros((0, 0), dtype=np.uint32) if sigs is None else sigs,
    )


def sampled(sets: tuple[np.ndarray, np.ndarray], sample: int) -> tuple[np.ndarray, np.ndarray]:
    """The n-gram hashes (uint32, with int64 offsets) divisible by ``sample``: a consistent sample
    of every set, on which Jaccard and containment are estimated (1: the sets as they are)."""
    if sample == 1:
        return sets
    hashes, offsets = sets
    keep = hashes % np.uint32(sample) == 0
    kept_before = np.zeros(hashes.size + 1, dtype=np.int64)
    np.cumsum(keep, out=kept_before[1:])
    return hashes[keep], kept_before[offsets]


def document_arrays(
    texts: Sequence[str],
    options: DuplicateOptions,
    sample: int = 1,
    recurring: Recurring | None = None,
    batch: bool = True,
    table: Any = None,
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray], np.ndarray]:
    """What the index keeps of documents to compare them whole: of their :func:`document_views`
    (``table`` as there), with their sets sampled (:func:`sampled`).

    Returns
    -------
    keys : np.ndarray
        uint64 ``[n, bands]``, the band keys of the matching views' signatures.
    sigs : np.ndarray
        uint32 ``[n, num_perm]``, the signatures.
    sets : (np.ndarray, np.ndarray)
        The views' sorted distinct n-gram hashes (uint32) and offsets (int64 ``[n + 1]``).
    lengths : np.ndarray
        int64 ``[n, 2]``: text length and view length.
    """
    views = document_views(texts, options, recurring, batch, table)
    sigs = signatures(views, num_perm=options.num_perm, ngram=options.ngram, seed=options.seed, scheme=options.scheme)
    keys = band_keys(sigs, options.lsh) if len(views) else np.zeros((0, options.lsh.bands), dtype=np.uint64)
    lengths = np.stack(
        [np.fromiter(map(len, texts), np.int64, len(texts)), np.fromiter(map(len, views), np.int64, len(views))],
        axis=1,
    ).reshape(-1, 2)
    return keys, sigs, sampled(shingle_sets(views, options.ngram), sample), lengths


def unit_keys(units: UnitTable, options: PassageOptions) -> tuple[np.ndarray, np.ndarray]:
    """The paragraphs of a unit table that are matched by their n-grams (views of at least
    ``min_chars``): their rows (int64 ``[l]``) and band keys (uint64 ``[l, bands]``)."""
    return np.flatnonzero(units.view_len >= options.min_chars), units.band_keys


def segment_of(
    texts: Sequence[str],
    ids: Sequence[str],
    options: DuplicateOptions,
    passages: PassageOptions | None,
    lines: NormalizeOptions | None,
    family: Callable[[np.ndarray], np.ndarray],
    sample: int = 1,
    recurring: Recurring | None = None,
) -> _Segment:
    """The arrays of new documents; ``family`` gives their family labels from their band keys.

    The texts are cut into lines and paragraphs once; with ``strip_boilerplate`` the line
    table that comparing documents reads also gives the line keys and the one-line
    paragraphs' views, when it views lines as they are keyed.
    """
    segments = segment_lines_and_paragraphs(texts)
    table = line_table(texts, options.boilerplate, segments, cuts=False) if options.strip_boilerplate else None
    keys, _, (set_hashes, set_offsets), lengths = document_arrays(texts, options, sample, recurring, table=table)
    viewed = lines if lines is not None else options.normalize  # how the line keys and paragraph views see lines
    rows: Any = None
    if lines is not None or passages is not None:
        same = table is not None and viewed == options.boilerplate.normalize
        rows = table if same else _line_rows(texts, viewed, segments[0])
    units = (np.zeros((0, 0), dtype=np.uint32), np.zeros((0, 0), dtype=np.int32))
    if passages is not None:
        # a paragraph that is one line takes the line's view when both are viewed alike
        known = KnownViews(rows.doc, rows.start, rows.end, rows.views) if viewed == passages.normalize else None
        code = CodeLines(rows.doc, rows.start, rows.end, rows.code)
        paragraphs = unit_table(texts, passages, segments[1], known, fragments=False, exempt=code)
        found_rows, band = unit_keys(paragraphs, passages)
        # 32 bits of each key and document number are plenty: a rare collision only adds a
        # candidate, which the exact check then drops.
        units = _sorted_table(band.astype(np.uint32), paragraphs.doc[found_rows].astype(np.int32))
    found = (np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32))
    if lines is not None:
        some = rows.view_len > 0  # keyed as LineTable.exact, blank views left out
        pairs = unique_rows(np.stack([rows.exact[some].view(np.int64), rows.doc[some]], axis=1))[0]
        order = stable_order(pairs[:, 0].view(np.uint64))  # distinct (key, document), by key
        found = (np.ascontiguousarray(pairs[order, 0].view(np.uint64)), pairs[order, 1].astype(np.int32))
    return _assemble(keys, set_hashes, set_offsets, lengths, ids, family(keys), units, found)


def _read_segment(folder: Path, docs: int, bands: int) -> _Segment:
    arrays = {}
    for name in _ARRAYS:
        path = folder / f"{name}.npy"
        try:
            arrays[name] = np.load(path, mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError) as error:
            raise IndexFileError(f"{path}: unreadable ({error}); the index is damaged") from error
    segment = _Segment(**arrays)
    ok = (
        segment.sorted_keys.shape == (bands, docs)
        and segment.sorted_docs.shape == (bands, docs)
        and segment.set_offsets.shape == (docs + 1,)
        and segment.lengths.shape == (docs, 2)
        and segment.id_offsets.shape == (docs + 1,)
        and int(segment.set_offsets[-1]) == segment.set_hashes.shape[0]
        and int(segment.id_offsets[-1]) == segment.id_bytes.shape[0]
        and segment.family.shape == (docs,)
        and segment.unit_keys.shape == segment.unit_docs.shape
        and segment.unit_keys.ndim == 2
        and segment.line_keys.shape == segment.line_docs.shape
        and segment.signatures.shape[0] in (0, docs)
    )
    if not ok:
        raise IndexFileError(f"{folder}: the arrays do not fit together (truncated or mixed): the index is damaged")
    return segment


def _subset(segment: _Segment, rows: np.ndarray, ids: list[str]) -> _Segment:
    """The documents ``rows`` (int64, ascending) of a segment, as a segment of their own."""
    offsets = np.asarray(segment.set_offsets)
    counts = offsets[rows + 1] - offsets[rows]
    set_offsets = np.zeros(rows.size + 1, dtype=np.int64)
    np.cumsum(counts, out=set_offsets[1:])
    hashes = np.asarray(segment.set_hashes)[concat_ranges(offsets[rows], counts)]
    renumber = np.full(len(segment), -1, dtype=np.int32)
    renumber[rows] = np.arange(rows.size, dtype=np.int32)
    unit_docs = np.asarray(segment.unit_docs)
    kept = renumber[unit_docs] >= 0  # [bands, u]: every unit once in each band, so each row keeps as many
    shape = (unit_docs.shape[0], int(kept.sum()) // max(unit_docs.shape[0], 1))
    units = (np.asarray(segment.unit_keys)[kept].reshape(shape), renumber[unit_docs[kept]].reshape(shape))
    line_docs = np.asarray(segment.line_docs)
    keep_lines = renumber[line_docs] >= 0
    return _assemble(
        segment.keys()[rows],
        hashes,
        set_offsets,
        np.asarray(segment.lengths)[rows],
        ids,
        np.asarray(segment.family)[rows],
        units,
        (np.asarray(segment.line_keys)[keep_lines], renumber[line_docs[keep_lines]]),
        np.asarray(segment.signatures)[rows] if segment.signatures.shape[0] else None,
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
