"""The line table: every non-blank line of a collection with its keys, the first step of the
boilerplate analysis (:mod:`dedup.boilerplate`) and of comparing documents without it.

Every line gets three 64-bit keys (xxhash of strings built once per line): ``exact`` (its
matching view), ``masked`` (the view with variable slots masked: digit runs, Latin or
alphanumeric tokens, short quoted strings) and ``head``/``tail`` (the first and last
``affix_chars`` characters of the masked view), and flags for what the analysis asks of it
(a paragraph of its own, one sentence, page-number and running-head shapes). A batch's
table is built at once; tables of consecutive batches join (:func:`concat_line_tables`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import ne
from pathlib import Path
from typing import Any

import numpy as np

from .arrays import concat_ranges, found_in, joined_codepoints, sorted_unique
from .errors import InvalidOptionError
from .linemarks import line_marks, mask_slots, one_sentence, opens_with_speech, row_shapes
from .normalize import NormalizeOptions, matching_texts, nfkc_lines
from .options import KeywordOptions, check_types
from .segment import UnitSpans, segment_lines_and_paragraphs
from .shingle import exact_hashes
from .sourcecode import code_lines, opens_indented
from .spans import expand_spans_to_lines
from .store import TableSink, join_runs, take

__all__ = [
    "DocumentViews",
    "LineOptions",
    "LineTable",
    "concat_line_tables",
    "document_views",
    "line_table",
    "line_texts",
    "texts_at",
]


@dataclass(frozen=True)
class LineOptions(KeywordOptions):
    """How lines are viewed and keyed (the fields of the same names of :class:`dedup.BoilerplateOptions`).

    Attributes
    ----------
    affix_chars : int
        Characters of the masked view's head and tail that key a template family.
    normalize : NormalizeOptions
        The matching view lines are keyed on.
    """

    affix_chars: int = 8
    normalize: NormalizeOptions = NormalizeOptions()

    def __post_init__(self) -> None:
        check_types(self)
        if self.affix_chars < 1:
            raise InvalidOptionError(f"affix_chars must be >= 1, got {self.affix_chars}")


_MIN_SKELETON_CHARS = 4  # a masked line must keep this much fixed text to key a template


@lru_cache(maxsize=1)
def _latin_letters() -> np.ndarray:
    """bool ``[0x110000]``: the letters and marks of the Latin script (ASCII's, Latin-1's, the Latin Extended blocks',
    the combining diacritics) — what masking turns into slots, or leaves between them (``système`` → ``aèa``)."""
    table = np.zeros(0x110000, dtype=bool)
    for lo, hi in (
        (0x41, 0x5A),
        (0x61, 0x7A),
        (0xC0, 0x24F),
        (0x300, 0x36F),
        (0x1E00, 0x1EFF),
        (0x2C60, 0x2C7F),
        (0xA720, 0xA7FF),
        (0xAB30, 0xAB6F),
    ):
        codes = range(lo, hi + 1)
        table[[c for c in codes if unicodedata.category(chr(c))[0] in "LM"]] = True
    return table


def skeleton_chars(masked_views: Sequence[str]) -> np.ndarray:
    """int64 ``[len(masked_views)]``: the fixed text of each masked view — its characters that are neither a slot
    (``a``, ``0``) nor a letter of the Latin script. Masking turns runs of ASCII letters into ``a``; the accented
    letters of French, German, Polish or Vietnamese stay between them (``aèaéa``), and such a view keys no
    template: its fixed text would be the accents, which most lines of the language share."""
    cps, starts, ends = joined_codepoints(masked_views)  # apart by "\n", which no view holds
    before = np.concatenate(([0], np.cumsum(~_latin_letters()[cps] & (cps != ord("0")))))
    return before[ends] - before[starts]


@dataclass(frozen=True)
class LineTable:
    """Every non-blank line of a batch of documents, with its keys.

    Attributes
    ----------
    doc : np.ndarray
        int64 ``[m]``, document of each line (lines are in document order).
    start, end : np.ndarray
        int64 ``[m]``, the line's span in its document, without surrounding whitespace.
    cut_start, cut_end : np.ndarray
        int64 ``[m]``, what cutting the line removes (:func:`dedup.spans.expand_to_lines`:
        with its indentation, line break and the blank lines after it); the line's own
        span in a table built with ``cuts=False``.
    views : sequence of str
        The lines' matching views (a ``list``, or a :class:`dedup.store.SpilledStrings`
        for a table kept on disk; the other string columns likewise).
    view_len : np.ndarray
        int64 ``[m]``, length of the line's matching view.
    exact, masked, head, tail : np.ndarray
        uint64 ``[m]``; ``head`` and ``tail`` are 0 for lines too short to have them.
    standalone : np.ndarray
        bool ``[m]``: the line is a paragraph of its own, not a piece of a hard-wrapped one.
    one_sentence : np.ndarray
        bool ``[m]``: no sentence end before the line's last character (a template line is
        one sentence at most; body paragraphs run to several).
    sentence_end : np.ndarray
        bool ``[m]``: the line ends a sentence, closing quotes and brackets aside (``。”``; after NFKC:
        :func:`dedup.linemarks.sentence_ends`).
    speech : np.ndarray
        bool ``[m]``: the line opens with an utterance in quotes (:func:`dedup.linemarks.opens_with_speech`):
        dialogue, which recurs across a story's chapters and is no boilerplate; or it is a figure
        (:func:`dedup.linemarks.figure_lines`: ``5``, ``1,200``, ``-3.1%``), which recurs in tables by chance;
        or it is source code (``code``). No line rule takes such a line.
    code : np.ndarray
        bool ``[m]``: the line is source code (:func:`dedup.sourcecode.code_lines`), which the web-page
        classifier and the page furniture leave too.
    page_number, running_head, head_like, head_like_plain : np.ndarray
        bool ``[m]``: the line is a page number; a ``Page 47 - …`` running head; short,
        with no sentence end and a running-head mark (`` / ``, ``|``, issue numbers);
        short with no sentence end (a heading).
    texts : sequence of str
        The lines' original text.
    masked_views : sequence of str
    """

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    cut_start: np.ndarray
    cut_end: np.ndarray
    views: Sequence[str]
    view_len: np.ndarray
    exact: np.ndarray
    masked: np.ndarray
    head: np.ndarray
    tail: np.ndarray
    standalone: np.ndarray
    one_sentence: np.ndarray
    sentence_end: np.ndarray
    speech: np.ndarray
    code: np.ndarray
    page_number: np.ndarray
    running_head: np.ndarray
    head_like: np.ndarray
    head_like_plain: np.ndarray
    texts: Sequence[str]
    masked_views: Sequence[str]

    def __len__(self) -> int:
        return int(self.doc.size)


def _same_spans(doc: np.ndarray, spans: np.ndarray, other: UnitSpans, doc_starts: np.ndarray) -> np.ndarray:
    """Which ``(doc, start, end)`` rows are also units of ``other``: bool ``[m]``.

    ``doc_starts`` (int64 ``[n_docs]``) places each document in one global coordinate;
    ``other``'s units do not overlap, so their global starts are unique and sorted.
    """
    other_starts = doc_starts[other.doc_ids()] + other.spans[:, 0]
    other_ends = doc_starts[other.doc_ids()] + other.spans[:, 1]
    starts, ends = doc_starts[doc] + spans[:, 0], doc_starts[doc] + spans[:, 1]
    idx, found = found_in(other_starts, starts)
    if not other_starts.size:
        return found
    return found & (other_ends[idx] == ends)


def in_numeric_table(
    table: LineTable, rows: np.ndarray, shapes: tuple[np.ndarray, np.ndarray] | None = None
) -> np.ndarray:
    """Which of ``rows`` (bool ``[m]``) are rows of a table of figures: a line of two cells or more
    (:func:`dedup.linemarks.row_cells`) next to another in its document (the line before or after it in ``table``),
    one of the two with a number cell. bool ``[m]``.

    Such a row is the table's data, or its header, whatever other documents share: the figures of a statistical
    table (``黑龙江省\t376\t8.9%``) fill the slots of the same masked line in every report of a series, and are
    found nowhere else. ``shapes``: :func:`dedup.linemarks.row_shapes` of every line of ``table``, when the caller
    has them (otherwise they are made of the texts of ``rows`` and their neighbours).
    """
    out = np.zeros(len(table), dtype=bool)
    chosen = np.flatnonzero(rows)
    if not chosen.size:
        return out
    if shapes is None:
        near = sorted_unique(np.concatenate([chosen - 1, chosen, chosen + 1]))
        near = near[(near >= 0) & (near < len(table))]
        row, numeric = np.zeros(len(table), dtype=bool), np.zeros(len(table), dtype=bool)
        row[near], numeric[near] = row_shapes(take(table.texts, near))
    else:
        row, numeric = shapes
    beside = np.zeros(chosen.size, dtype=bool)
    for other in (np.maximum(chosen - 1, 0), np.minimum(chosen + 1, len(table) - 1)):
        real = (other != chosen) & (table.doc[other] == table.doc[chosen])
        beside |= real & row[other] & (numeric[other] | numeric[chosen])
    out[chosen] = row[chosen] & beside
    return out


def line_texts(texts: Sequence[str], units: UnitSpans) -> list[str]:
    """The text of every line of ``units`` (``segment_lines_and_paragraphs(texts)[0]``), in order."""
    return texts_at(texts, units.doc_ids(), units.spans[:, 0], units.spans[:, 1])


def texts_at(texts: Sequence[str], doc: np.ndarray, start: np.ndarray, end: np.ndarray) -> list[str]:
    """``[texts[d][s:e] for d, s, e in zip(doc, start, end)]`` (int64 ``[k]`` each), cut from the joined texts."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    at = (np.cumsum(lengths) - lengths)[doc]  # where each span's document starts in the joined texts
    joined = "".join(texts)
    return [joined[a:b] for a, b in zip((at + start).tolist(), (at + end).tolist())]


def line_table(
    texts: Sequence[str],
    options: LineOptions = LineOptions(),
    segments: tuple[UnitSpans, UnitSpans] | None = None,
    *,
    cuts: bool = True,
    lines: Sequence[str] | None = None,
    views: Sequence[str] | None = None,
    nfkc: Sequence[str | None] | None = None,
) -> LineTable:
    """Split documents into lines and key every line (see the module docstring).

    Parameters
    ----------
    texts : sequence of str
    options : LineOptions
        How lines are viewed and keyed (:class:`dedup.BoilerplateOptions` is one).
    segments : (UnitSpans, UnitSpans), optional
        ``segment_lines_and_paragraphs(texts)``, when the caller has it.
    cuts : bool
        Find what cutting each line removes (``cut_start``, ``cut_end``:
        :func:`dedup.spans.expand_spans_to_lines`). Without it, for tables that only
        compare documents, the cut columns hold the lines' own spans.
    lines, views : sequence of str, optional
        The lines' texts (:func:`line_texts`) and their matching views under ``options.normalize``,
        when the caller has them.
    nfkc : sequence of str or None, optional
        The lines' NFKC where the caller made it (None where it did not: those are made here).
    """
    units, paragraphs = segment_lines_and_paragraphs(texts) if segments is None else segments
    flat, doc = units.spans, units.doc_ids()
    doc_starts = np.concatenate(([0], np.cumsum([len(t) + 1 for t in texts])[:-1])).astype(np.int64)
    standalone = _same_spans(doc, flat, paragraphs, doc_starts)
    lines = line_texts(texts, units) if lines is None else list(lines)
    if len(lines) != len(flat):
        raise ValueError(f"line_table: {len(lines)} line texts for {len(flat)} lines")
    if views is None:
        views = matching_texts(lines, options.normalize)
    elif len(views) != len(lines):
        raise ValueError(f"line_table: {len(views)} views for {len(lines)} lines")
    else:
        views = list(views)
    nfkc = _nfkc_of(lines, nfkc)
    # Masking leaves most lines as they were; only the others need a view of their own.
    masked_nfkc = mask_slots(nfkc)
    changed = np.flatnonzero(np.fromiter(map(ne, masked_nfkc, nfkc), dtype=bool, count=len(nfkc))).tolist()
    masked_views = list(views)
    made = matching_texts([masked_nfkc[i] for i in changed], options.normalize)
    for i, masked, fixed in zip(changed, made, skeleton_chars(made).tolist()):
        if fixed >= _MIN_SKELETON_CHARS:
            masked_views[i] = masked
    stripped = list(map(str.strip, nfkc))
    page_number, running_head, head_like_plain, head_like, figure, may_be_code, sentence_end = line_marks(stripped)
    code = code_lines(lines, doc, lambda rows: opens_indented(texts, doc, flat[:, 0], rows), may_be_code)
    cut = np.column_stack(expand_spans_to_lines(texts, doc, flat[:, 0], flat[:, 1])) if cuts else flat
    exact = exact_hashes(views)
    masked = exact.copy()
    distinct = [i for i in changed if masked_views[i] is not views[i]]
    masked[distinct] = exact_hashes([masked_views[i] for i in distinct])
    k = options.affix_chars
    short = np.fromiter(map(len, masked_views), dtype=np.int64, count=len(masked_views)) < 2 * k + 2
    head = exact_hashes(masked_views, head=k)
    tail = exact_hashes(masked_views, tail=k)
    head[short] = 0
    tail[short] = 0
    return LineTable(
        doc=doc,
        start=flat[:, 0].copy(),
        end=flat[:, 1].copy(),
        cut_start=cut[:, 0].copy(),
        cut_end=cut[:, 1].copy(),
        views=views,
        view_len=np.fromiter(map(len, views), dtype=np.int64, count=len(views)),
        exact=exact,
        masked=masked,
        head=head,
        tail=tail,
        standalone=standalone,
        one_sentence=one_sentence(lines),
        sentence_end=sentence_end,
        speech=opens_with_speech(lines) | figure | code,
        code=code,
        page_number=page_number,
        running_head=running_head,
        head_like=head_like,
        head_like_plain=head_like_plain,
        texts=lines,
        masked_views=masked_views,
    )


def _nfkc_of(lines: Sequence[str], known: Sequence[str | None] | None) -> list[str]:
    """The NFKC of every line: ``known``'s where it holds one, the others made (:func:`nfkc_lines`, in one call)."""
    if known is None:
        return nfkc_lines(lines)
    if len(known) != len(lines):
        raise ValueError(f"line_table: {len(known)} NFKC texts for {len(lines)} lines")
    missing = [i for i, text in enumerate(known) if text is None]
    out = list(known)
    for i, text in zip(missing, nfkc_lines([lines[i] for i in missing])):
        out[i] = text
    return out  # type: ignore[return-value]


def concat_line_tables(
    tables: Sequence[LineTable], n_docs: Sequence[int], spill: str | Path | None = None, prefix: str = ""
) -> LineTable:
    """One table of consecutive batches' tables: ``line_table`` of the concatenated documents.

    Parameters
    ----------
    tables : sequence of LineTable
        ``line_table`` of consecutive batches of documents.
    n_docs : sequence of int
        Documents in each batch (a batch's last documents may have no lines).
    spill : str or Path, optional
        A folder for the joined table's numeric columns, read back as memory maps (files ``<prefix><column>.bin``:
        :class:`dedup.store.TableSink`); its strings stay in memory.
    prefix : str
    """
    if len(tables) != len(n_docs):
        raise ValueError(f"{len(tables)} tables but {len(n_docs)} batch sizes")
    sink: TableSink[LineTable] = TableSink(LineTable, spill, prefix, spill_strings=False)
    for table, n in zip(tables, n_docs):
        sink.add(table, n)
    return sink.result(line_table([]))


_MAX_MEASURED_DOCS = 3_037_000_499  # the most documents whose pairs (i * n + j) fit in int64


class DocumentViews(Sequence[str]):
    """Each document's matching view as the concatenation of its kept lines' views, made on demand.

    A sequence of ``n_docs`` strings; slices and :meth:`take` build many at once (reading
    the lines' views in bulk when the table is on disk), so the clustering that reads them
    batch by batch never holds the views of the whole collection.

    Parameters
    ----------
    table : LineTable
    n_docs : int
    keep : np.ndarray, optional
        bool ``[len(table)]``: the lines that count (default all). A document none of whose lines counts counts
        them all: copies of a document made only of boilerplate (a notice, a dated headline recurring as a
        template) are one text, compared as such, not empty views that match nothing.
    memo : dict, optional
        Shared by the views of one table that are sketched one after the other (the two family passes
        and the comparison of documents): :meth:`sketched` keeps there the last sketches made under
        each key, and the lines they were made of; :meth:`measured` the last pairs measured.
    """

    def __init__(
        self, table: LineTable, n_docs: int, keep: np.ndarray | None = None, memo: dict[Hashable, Any] | None = None
    ) -> None:
        self.table = table
        self.n_docs = n_docs
        self._line_bounds = np.searchsorted(table.doc, np.arange(n_docs + 1))
        if keep is None:
            self.keep = np.ones(len(table), dtype=bool)
        else:
            keep = np.asarray(keep, dtype=bool)
            none_kept = np.bincount(table.doc[keep], minlength=n_docs) == 0
            self.keep = keep | none_kept[table.doc]
        self._memo = memo

    def sketched(self, key: Hashable, sketch: Callable[[Sequence[str]], np.ndarray]) -> np.ndarray:
        """``sketch(self)``, reusing the memo's last sketches under ``key``: a document whose kept lines are
        those of the views sketched last keeps its row (its view is the same), and only the others are sketched.

        Parameters
        ----------
        key : hashable
            What the rows depend on besides the view (the sketch's options).
        sketch : callable
            Views (a sequence of str) to rows, one a view, each a function of its view alone: an array
            ``[len(views), ...]``.

        Returns
        -------
        np.ndarray
            ``[n_docs, ...]``, as ``sketch(self)``. With a memo the array is the memo's: the next call under
            ``key`` updates it in place, so a caller reads it before that call.
        """
        last = None if self._memo is None else self._memo.get(key)
        if last is None or last[0].shape != self.keep.shape:
            rows = sketch(self)
        else:  # the last rows are updated in place: the memo holds one array a key, and its caller is done with it
            changed = np.flatnonzero(self._changed_since(last[0]))
            rows = last[1]
            if changed.size:
                rows[changed] = sketch(self.take(changed))
        if self._memo is not None:
            self._memo[key] = (self.keep.copy(), rows)
        return rows

    def _changed_since(self, keep: np.ndarray) -> np.ndarray:
        """bool ``[n_docs]``: the documents whose kept lines differ from those of ``keep`` (bool ``[len(table)]``)."""
        changed = np.zeros(self.n_docs, dtype=bool)
        changed[self.table.doc[self.keep != keep]] = True
        return changed

    def measured(self, key: Hashable, pairs: np.ndarray, measure: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """``measure(pairs)``, reusing the memo's rows of the pairs measured last under ``key``: a pair of documents
        whose kept lines are both those of the views measured last has the same row (its two views are the same),
        and only the other pairs are measured (:data:`dedup.verify.Measured`).

        Parameters
        ----------
        key : hashable
            What a pair's row depends on besides its two views (the n-gram size of its shingle sets).
        pairs : np.ndarray
            int64 ``[p, 2]``: documents, any order.
        measure : callable
            Pairs (int64 ``[k, 2]``) to rows (``[k, ...]``), each a function of the pair's two views alone.

        Returns
        -------
        np.ndarray
            ``[p, ...]``, as ``measure(pairs)``.
        """
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        if self._memo is None or self.n_docs >= _MAX_MEASURED_DOCS:  # a pair's code must fit 63 bits
            return measure(pairs)
        codes = pairs[:, 0] * self.n_docs + pairs[:, 1]
        last = self._memo.get(key)
        if last is None or last[0].shape != self.keep.shape or not last[1].size:
            rows = measure(pairs)
        else:
            last_keep, last_codes, last_rows = last
            at, known = found_in(last_codes, codes)
            changed = self._changed_since(last_keep)
            known &= ~changed[pairs[:, 0]] & ~changed[pairs[:, 1]]
            rows = np.empty((len(pairs), *last_rows.shape[1:]), dtype=last_rows.dtype)
            rows[known] = last_rows[at[known]]
            if not known.all():
                rows[~known] = measure(pairs[~known])
        order = np.argsort(codes, kind="stable")
        self._memo[key] = (self.keep.copy(), codes[order], rows[order])
        return rows

    def __len__(self) -> int:
        return self.n_docs

    @property
    def lengths(self) -> np.ndarray:
        """int64 ``[n_docs]``: each view's length (from the lines' view lengths, no view built)."""
        kept = self.keep
        return np.bincount(self.table.doc[kept], weights=self.table.view_len[kept], minlength=self.n_docs).astype(
            np.int64
        )

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return self.take(range(*index.indices(self.n_docs)))
        if not -self.n_docs <= index < self.n_docs:
            raise IndexError(f"document {index} of {self.n_docs}")
        return self.take([index % self.n_docs])[0]

    def __iter__(self) -> Any:
        step = 4096
        for lo in range(0, self.n_docs, step):
            yield from self.take(range(lo, min(lo + step, self.n_docs)))

    def take(self, docs: Sequence[int] | np.ndarray) -> list[str]:
        """The views of documents ``docs`` (int ``[k]``, any order, repeats allowed)."""
        docs = np.asarray(docs, dtype=np.int64).reshape(-1)
        lo, hi = self._line_bounds[docs], self._line_bounds[docs + 1]
        counts = hi - lo
        lines = concat_ranges(lo, counts)
        owner = np.repeat(np.arange(docs.size, dtype=np.int64), counts)
        kept = self.keep[lines]
        lines, owner = lines[kept], owner[kept]
        if not lines.size:
            return [""] * docs.size
        # Runs of consecutive kept lines of one document: one slice of the views each.
        new_run = np.ones(lines.size, dtype=bool)
        new_run[1:] = (lines[1:] != lines[:-1] + 1) | (owner[1:] != owner[:-1])
        starts = np.flatnonzero(new_run)
        ends = np.append(starts[1:], lines.size) - 1
        return join_runs(self.table.views, lines[starts], lines[ends] + 1, owner[starts], docs.size)


def document_views(table: LineTable, n_docs: int, keep: np.ndarray | None = None) -> DocumentViews:
    """Each document's matching view as the concatenation of its (kept) lines' views (see :class:`DocumentViews`)."""
    return DocumentViews(table, n_docs, keep)
