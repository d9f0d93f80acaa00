"""Cleaning against a saved index: what of a batch the indexed corpus already holds.

Found batch by batch while the texts are at hand (phase 1), planned with the batch's own
findings (phase 2). Three findings, each cut pointing at an indexed document that holds the
text (``Removal.held_by``), never at text of the batch:

    document   the document's n-grams lie in an indexed near-duplicate at least ``cover``
               (the rule that empties a member of a cluster for its representative)
    passage    a paragraph (a view of at least ``passages.min_chars``) whose n-grams lie in
               one indexed document at least ``passages.containment`` — all of them, for a view
               shorter than ``passages.edit_chars`` (a word replaced in a short line makes another
               line: :mod:`dedup.copies`): candidates share a paragraph band key, the check is
               exact, on the document's stored n-grams
    line       a line recurring, as its exact key, in indexed documents of at least
               ``boilerplate.min_docs`` families (documents sharing a band key count as one)

Against an index that keeps 1 in ``sample`` n-grams the shares are estimated: a document or
paragraph is then cut only when at least :data:`MIN_SAMPLED` of its n-grams are sampled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..errors import InvalidOptionError
from ..fragments import sets_of_units
from ..index import Index
from ..index.files import LEGACY_FORMATS, document_arrays, sampled, unit_keys
from ..index.lookup import band_hits, intersections
from ..lines import LineTable
from ..normalize import NormalizeOptions
from ..passages import UnitTable
from .base import CleanOptions, covered

#: ``IndexedCuts.kind`` codes: what a cut removes, and the (reason, Removal.kind) it gets.
KINDS = ("document", "passage", "line")
REMOVALS = (("duplicate", "document"), ("duplicate", "passage"), ("boilerplate", "corpus-line"))
MIN_SAMPLED = 32  # sampled n-grams a document or paragraph needs to be cut against a sampled index


@dataclass(frozen=True)
class IndexedCuts:
    """Cuts of a batch's documents that a saved index justifies (a :class:`dedup.store.TableSink` table).

    Attributes
    ----------
    doc, start, end : np.ndarray
        int64 ``[c]``: document of the batch and span, in its original coordinates.
    kind : np.ndarray
        int64 ``[c]``: an index into :data:`KINDS`.
    held_by : sequence of str
        The id of the indexed document holding each cut's text.
    """

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    kind: np.ndarray
    held_by: Sequence[str]


def no_cuts() -> IndexedCuts:
    """The cuts of no documents."""
    empty = np.zeros(0, dtype=np.int64)
    return IndexedCuts(empty, empty, empty, empty, [])


def index_views(options: CleanOptions, index: Index) -> CleanOptions:
    """``options`` with the lines and paragraphs viewed as ``index`` keys them where its format predates a view
    option (:data:`dedup.index.files.LEGACY_FORMATS`: format 2 kept Arabic's and Hebrew's vowel marks), so that an
    index saved before a view option came keeps serving; ``options`` as they are for an index of this format."""
    legacy = LEGACY_FORMATS.get(index.format)
    if not legacy:
        return options
    boilerplate, passages = options.boilerplate, options.passages
    if index.lines is not None and index.lines == replace(boilerplate.normalize, **legacy):
        boilerplate = replace(boilerplate, normalize=index.lines)
    if index.passages is not None and index.passages == replace(
        passages, normalize=replace(passages.normalize, **legacy)
    ):
        passages = index.passages
    return replace(options, boilerplate=boilerplate, passages=passages)


def check_against(index: Index, options: CleanOptions) -> None:
    """Refuse an index whose keys were made otherwise than ``options`` make the batch's."""
    if index.passages is not None and index.passages != options.passages:
        raise InvalidOptionError(
            f"{index.path} keys paragraphs with other passage options than the cleaning's: "
            "clean with the index's (Index.open(path).passages) or build the index with the cleaning's"
        )
    if index.lines is not None and index.lines != options.boilerplate.normalize:
        raise InvalidOptionError(
            f"{index.path} keys lines with another view than the cleaning's boilerplate.normalize: "
            "clean with the index's (Index.open(path).lines) or build the index with the cleaning's"
        )


def _best(rows: np.ndarray, docs: np.ndarray, share: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the document of the largest share (ties: the first indexed): rows and documents, int64."""
    order = np.lexsort((docs, -share, rows))
    first = np.ones(order.size, dtype=bool)
    first[1:] = rows[order][1:] != rows[order][:-1]
    return rows[order][first], docs[order][first]


def _enough(sizes: np.ndarray, sample: int) -> np.ndarray:
    """bool: n-gram sets (sizes int64 ``[p]``) large enough to cut on. An index that keeps 1 in
    ``sample`` n-grams estimates a share on what is left: a cut then needs at least
    :data:`MIN_SAMPLED` of them, so that no text goes on the word of a few n-grams."""
    return np.ones(sizes.size, dtype=bool) if sample == 1 else sizes >= MIN_SAMPLED


def _documents(
    texts: Sequence[str], index: Index, cover: float, lines: LineTable, line_view: NormalizeOptions
) -> tuple[np.ndarray, np.ndarray]:
    """Documents whose n-grams lie at least ``cover`` in an indexed near-duplicate, and that document.

    ``lines`` (viewed under ``line_view``) serves as the documents' lines when the index views
    its documents' lines alike."""
    table = lines if index.options.boilerplate.normalize == line_view else None
    keys, sigs, sets, _ = document_arrays(texts, index.options, index.sample, index._recurring(), False, table)
    pairs = index._live_pairs(band_hits(index._all_segments(), keys))
    if not len(pairs):
        return pairs[:, 0], pairs[:, 1]
    measured = index.measures(sets, sigs, pairs)
    near = measured[:, 0] >= index.options.threshold
    if index.options.containment is not None:
        near |= measured[:, 1] >= index.options.containment
    ok = near & (measured[:, 2] >= cover) & _enough(np.diff(sets[1])[pairs[:, 0]], index.sample)
    return _best(pairs[ok, 0], pairs[ok, 1], measured[ok, 2])


def _passages(units: UnitTable, index: Index, skip: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``units`` whose n-grams lie at least ``passages.containment`` in one indexed document (all of them
    when the view is shorter than ``passages.edit_chars``)."""
    options = index.passages
    assert options is not None
    rows, keys = unit_keys(units, options)
    wanted = ~skip[units.doc[rows]] & ~units.speech[rows]  # dialogue, figures and code found no passage
    rows, keys = rows[wanted], keys[wanted]
    pairs = index._live_pairs(band_hits(index._all_segments(), keys, "unit"))
    if not len(pairs):
        return pairs[:, 0], pairs[:, 1]
    candidates = np.unique(pairs[:, 0])
    hashes, offsets = sampled(sets_of_units(units, options, rows)(candidates), index.sample)
    local = np.stack([np.searchsorted(candidates, pairs[:, 0]), pairs[:, 1]], axis=1)
    inter, size, _ = intersections(index._all_segments(), (hashes, offsets), local)
    share = inter / np.maximum(size, 1)
    short = units.view_len[rows[pairs[:, 0]]] < options.edit_chars
    ok = (share >= np.where(short, 1.0, options.containment)) & (size > 0) & _enough(size, index.sample)
    found, docs = _best(pairs[ok, 0], pairs[ok, 1], share[ok])
    return rows[found], docs


def _lines(lines: LineTable, index: Index, options: CleanOptions, skip: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``lines`` whose exact key recurs in indexed documents of ``boilerplate.min_docs`` families."""
    short = (lines.view_len > 0) & (lines.view_len <= options.boilerplate.max_line_chars) & ~skip[lines.doc]
    short &= ~lines.speech  # dialogue, figures and code are no boilerplate (dedup.boilerplate.classify)
    rows = np.flatnonzero(short)
    families, first = index.line_families(lines.exact[rows])
    ok = families >= options.boilerplate.min_docs
    return rows[ok], first[ok]


def indexed_cuts(
    texts: Sequence[str], index: Index, options: CleanOptions, lines: LineTable, units: UnitTable
) -> IndexedCuts:
    """What of a batch of documents the index holds (see the module docstring).

    Parameters
    ----------
    texts : sequence of str
    index : Index
        Checked with :func:`check_against` first.
    options : CleanOptions
        ``cover``, ``remove``, ``boilerplate.min_docs`` and ``max_line_chars`` are read.
    lines, units : LineTable, UnitTable
        The batch's tables under ``options`` (cut spans, exact keys, paragraph band keys).

    Returns
    -------
    IndexedCuts
        Whole documents first, then lines, then paragraphs (but those that are recurring
        lines); a document emptied is not cut further.
    """
    n = len(texts)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, int, np.ndarray]] = []  # doc, start, end, kind, held
    emptied = np.zeros(n, dtype=bool)
    if "duplicate" in options.remove:
        doc, held = _documents(texts, index, options.cover, lines, options.boilerplate.normalize)
        emptied[doc] = True
        length = np.fromiter(map(len, texts), np.int64, n)
        parts.append((doc, np.zeros(doc.size, dtype=np.int64), length[doc], 0, held))
    empty = np.zeros(0, dtype=np.int64)
    line_cuts = (empty, empty, empty)
    if "boilerplate" in options.remove and index.lines is not None:
        row, held = _lines(lines, index, options, emptied)
        parts.append((lines.doc[row], lines.cut_start[row], lines.cut_end[row], 2, held))
        line_cuts = (lines.doc[row], lines.start[row], lines.end[row])
    if "duplicate" in options.remove and index.passages is not None:
        row, held = _passages(units, index, emptied)
        # a paragraph that is recurring lines is boilerplate, as in one collection
        own = ~covered(units.doc[row], units.start[row], units.end[row], *line_cuts)
        row, held = row[own], held[own]
        parts.append((units.doc[row], units.start[row], units.end[row], 1, held))
    if not parts:
        return no_cuts()
    held = np.concatenate([p[4] for p in parts])
    named, name_of = np.unique(held, return_inverse=True)
    names = index._ids_of(named)
    return IndexedCuts(
        np.concatenate([p[0] for p in parts]).astype(np.int64),
        np.concatenate([p[1] for p in parts]).astype(np.int64),
        np.concatenate([p[2] for p in parts]).astype(np.int64),
        np.concatenate([np.full(p[0].size, p[3], dtype=np.int64) for p in parts]),
        [names[k] for k in name_of.reshape(-1).tolist()],
    )
