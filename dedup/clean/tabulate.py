"""Phase 1, batch by batch: the line and paragraph tables of the collection (:class:`CleanTables`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..arrays import group_ids
from ..boilerplate import BoilerplateOptions
from ..boilerplate.analysis import Lines
from ..boilerplate.classify import speaker_lines
from ..boilerplate.pages import _WEB_PAGE, PageLines, judged_alone, no_page_lines, page_lines
from ..boilerplate.sentences import said_again
from ..index import Index
from ..linemarks import LABEL_CHARS, ends_sentence, label_lines
from ..lines import LineTable, line_table, line_texts, texts_at
from ..normalize import KnownViews, matching_texts
from ..passages import UnitTable, unit_table
from ..pool import InOrder, parallel_batch_chars
from ..segment import segment_lines_and_paragraphs
from ..sourcecode import CodeLines
from ..store import StringSpill, TableSink, batches, take
from ..webpage.features import reading_views, shares_reading_views
from .against import IndexedCuts, indexed_cuts, no_cuts
from .base import CleanOptions


@dataclass(frozen=True)
class CleanTables:
    """What planning the cleaning of a collection needs, without its texts.

    Attributes
    ----------
    lengths : np.ndarray
        int64 ``[n_docs]``, each document's length in characters.
    lines : LineTable or Lines
        The lines of every document under ``CleanOptions.boilerplate`` (a
        :class:`dedup.boilerplate.analysis.Lines` where they stay elsewhere: on Ray, in the
        object store).
    units : UnitTable
        The paragraphs of every document under ``CleanOptions.passages``.
    duplicate_lines : LineTable or Lines or None
        The lines under ``CleanOptions.duplicates.boilerplate`` when near-duplicate
        documents are compared without boilerplate found under other line options than
        ``lines`` (None: ``lines`` serves, or no document clustering is planned).
    duplicate_views : sequence of str or None
        The documents' whole matching views, when near-duplicate documents are compared
        with their boilerplate (``duplicates.strip_boilerplate=False``).
    indexed : IndexedCuts or None
        Cleaning against a saved index: what of the documents it holds (:mod:`dedup.clean.against`).
    pages : PageLines or None
        What the web-page classifier says of each document of ``lines`` from its own lines
        (:func:`dedup.boilerplate.pages.page_lines`; None when it does not run on its own).
    """

    lengths: np.ndarray
    lines: LineTable | Lines
    units: UnitTable
    duplicate_lines: LineTable | Lines | None = None
    duplicate_views: Sequence[str] | None = None
    indexed: IndexedCuts | None = None
    pages: PageLines | None = None

    @property
    def n_docs(self) -> int:
        return int(self.lengths.size)


def _same_line_options(a: BoilerplateOptions, b: BoilerplateOptions) -> bool:
    """Whether two options key lines alike (the web-page classifier comes after the table)."""
    return replace(a, webpage=None) == replace(b, webpage=None)


def _duplicate_input(options: CleanOptions, with_clusters: bool) -> str | None:
    """What comparing documents needs beyond ``CleanTables.lines``: ``"lines"``, ``"views"`` or None."""
    dup = options.duplicates
    if not (options.cross_document or with_clusters):
        return None
    if not dup.strip_boilerplate:
        return "views"
    return None if _same_line_options(dup.boilerplate, options.boilerplate) else "lines"


def tabulate_batch(
    texts: Sequence[str], options: CleanOptions, *, with_clusters: bool = False, against: Index | None = None
) -> CleanTables:
    """The :class:`CleanTables` of one batch of documents (in memory), for :class:`TableBuilder`.

    Each batch is cut into lines and paragraphs once, for the line and the paragraph table.
    With ``against`` (a saved index), what of the batch the index holds is found too. The
    web-page classifier judges every document of the batch here, from its own lines: that
    is most of its cost, and it needs nothing of the rest of the collection.
    """
    opts = options
    segments = segment_lines_and_paragraphs(texts)
    extra = _duplicate_input(opts, with_clusters)
    texts_of_lines = line_texts(texts, segments[0])
    reading = views = nfkc = None
    if judged_alone(opts.boilerplate) and shares_reading_views(opts.boilerplate.normalize):
        # The page classifier's reading views of the lines, less punctuation, are their matching views; the
        # lines' NFKC, which the line table masks, is made on the way.
        nfkc, views = [], []
        reading = reading_views(texts_of_lines, nfkc, views)
    lines = line_table(texts, opts.boilerplate, segments, lines=texts_of_lines, views=views, nfkc=nfkc)
    # A paragraph that is one line takes the line's view when both are viewed alike.
    known = KnownViews(lines.doc, lines.start, lines.end, lines.views)
    same_view = opts.passages.normalize == opts.boilerplate.normalize
    pages = page_lines(lines, opts.boilerplate, reading)
    # Paragraphs of code, and off web pages of a transcript's, a questionnaire's or a form's labels, found no passage.
    exempt = CodeLines(lines.doc, lines.start, lines.end, lines.code | _labels_off_web(lines, pages))
    units = unit_table(texts, opts.passages, segments[1], known if same_view else None, exempt=exempt)
    return CleanTables(
        np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)),
        lines,
        units,
        line_table(texts, opts.duplicates.boilerplate, segments, cuts=False) if extra == "lines" else None,
        matching_texts(texts, opts.duplicates.normalize) if extra == "views" else None,
        None if against is None else indexed_cuts(texts, against, opts, lines, units),
        pages,
    )


def _labels_off_web(lines: LineTable, pages: PageLines | None) -> np.ndarray:
    """bool ``[m]``: the lines of ``lines`` that are labels (:func:`dedup.linemarks.label_lines`: ``A. 正确``,
    ``记者：``), speakers' names (:func:`dedup.boilerplate.classify.speaker_lines`: ``张三`` / ``李四``) or short
    sentences said again (:func:`dedup.boilerplate.sentences.said_again`: ``谢谢。``) and that their document repeats,
    in documents that ``pages`` judges no web pages (all of them without ``pages``): a menu printed twice on a page is
    its boilerplate."""
    out = np.zeros(len(lines), dtype=bool)
    copies = group_ids(lines.exact, lines.doc)  # only a line its document repeats may be a passage's or a marker
    rows = np.flatnonzero((lines.end - lines.start <= LABEL_CHARS) & (np.bincount(copies)[copies] >= 2))
    if pages is not None:
        rows = rows[pages.state[rows] != _WEB_PAGE]
    texts = take(lines.texts, rows)
    out[rows] = label_lines(texts)
    named = np.zeros(len(lines), dtype=bool)  # a chat's speakers, who alternate (classify.speaker_lines)
    named[rows[~ends_sentence(texts)]] = True
    return out | speaker_lines(lines, named, copies) | said_again(lines, rows, copies)


class TableBuilder:
    """Joins the tables of consecutive batches into the tables of the collection.

    Parameters
    ----------
    options : CleanOptions
        The options every batch was tabulated with.
    with_clusters : bool
        Near-duplicate documents will be planned even without ``cross_document``.
    spill : str or Path, optional
        A folder for the tables' columns: their strings (views, lines) and their numbers, read back as memory
        maps (:class:`dedup.store.ArraySpill`); None keeps them in memory.

    Notes
    -----
    The result equals :func:`tabulate_batch` of all documents at once, however they were
    batched; with ``spill`` the builder holds no batch's table once added.
    """

    def __init__(self, options: CleanOptions, *, with_clusters: bool = False, spill: str | Path | None = None) -> None:
        spill = None if spill is None else Path(spill)  # a str too
        self.options = options
        self._lengths: list[np.ndarray] = []
        self._lines: TableSink[LineTable] = TableSink(LineTable, spill, "lines.")
        self._units: TableSink[UnitTable] = TableSink(UnitTable, spill, "units.")
        extra = _duplicate_input(options, with_clusters)
        self._duplicate_lines: TableSink[LineTable] | None = (
            TableSink(LineTable, spill, "duplicate-lines.") if extra == "lines" else None
        )
        self._duplicate_views: StringSpill | None = None
        if extra == "views":
            self._duplicate_views = StringSpill(spill / "duplicate-views.utf32" if spill is not None else None)
        self._indexed: TableSink[IndexedCuts] | None = None
        self._pages: TableSink[PageLines] | None = TableSink(PageLines) if judged_alone(options.boilerplate) else None
        self._spill = spill

    def add(self, part: CleanTables) -> None:
        """Append the tables of the next batch of documents."""
        n = part.n_docs
        self._lengths.append(part.lengths)
        self._lines.add(part.lines, n)
        self._units.add(part.units, n)
        if self._duplicate_lines is not None:
            if part.duplicate_lines is None:
                raise ValueError("a batch was tabulated with other options than the builder's")
            self._duplicate_lines.add(part.duplicate_lines, n)
        if self._duplicate_views is not None:
            if part.duplicate_views is None:
                raise ValueError("a batch was tabulated with other options than the builder's")
            self._duplicate_views.append(part.duplicate_views)
        if (part.indexed is None) != (self._indexed is None) and self._lengths[:-1]:
            raise ValueError("some batches were tabulated against an index and some were not")
        if part.indexed is not None:
            if self._indexed is None:
                self._indexed = TableSink(IndexedCuts, self._spill, "indexed.")
            self._indexed.add(part.indexed, n)
        if self._pages is not None:
            if part.pages is None:
                raise ValueError("a batch was tabulated with other options than the builder's")
            self._pages.add(part.pages, n)

    def result(self) -> CleanTables:
        """The tables of every document added, in order."""
        opts = self.options
        lengths = np.concatenate(self._lengths) if self._lengths else np.zeros(0, dtype=np.int64)
        duplicate_lines = (
            self._duplicate_lines.result(line_table([], opts.duplicates.boilerplate)) if self._duplicate_lines else None
        )
        duplicate_views = self._duplicate_views.column() if self._duplicate_views is not None else None
        return CleanTables(
            lengths,
            self._lines.result(line_table([], opts.boilerplate)),
            self._units.result(unit_table([], opts.passages)),
            duplicate_lines,
            duplicate_views,
            self._indexed.result(no_cuts()) if self._indexed is not None else None,
            self._pages.result(no_page_lines()) if self._pages is not None else None,
        )


def tabulate_for_caller(texts: Sequence[str], options: CleanOptions, *, with_clusters: bool = False) -> CleanTables:
    """:func:`tabulate_batch` in a worker process, for a caller that holds ``texts``: without the lines' texts, which
    the caller cuts from its documents again (:func:`with_line_texts`) — handing them back cost more (People's
    Daily's tables in two processes, 2.5 MB a batch of 223,000 characters: 187 → 175–178 ms)."""
    tables = tabulate_batch(texts, options, with_clusters=with_clusters)
    return replace(tables, **{name: replace(table, texts=[]) for name, table in _line_tables(tables)})


def with_line_texts(tables: CleanTables, texts: Sequence[str]) -> CleanTables:
    """``tables`` of the batch ``texts`` (from :func:`tabulate_for_caller`) with the lines' texts cut again."""
    return replace(
        tables, **{name: replace(t, texts=texts_at(texts, t.doc, t.start, t.end)) for name, t in _line_tables(tables)}
    )


def _line_tables(tables: CleanTables) -> list[tuple[str, LineTable]]:
    """The line tables of a batch's tables, by field name."""
    return [
        (name, table)
        for name in ("lines", "duplicate_lines")
        for table in (getattr(tables, name),)
        if isinstance(table, LineTable)
    ]


class Tabulator:
    """Tabulates consecutive batches (:func:`tabulate_batch`) into a :class:`TableBuilder`, on
    ``processes`` worker processes when there are more than one (:class:`dedup.pool.InOrder`).

    Batches are handed to the builder in the order they were added, whatever order the
    processes finish them in, so the tables are those of one process. At most
    ``2 * processes`` batches are in flight: memory stays bounded by the batch. What a saved
    index holds (``against``) is found in this process, from each batch's tables. The processes
    hand back the tables without the lines' texts, which this process cuts from the batch again.

    Parameters
    ----------
    builder : TableBuilder
    options : CleanOptions
    with_clusters : bool
    against : Index, optional
    processes : int
        Processes (1: tabulate in this process, no pool).
    """

    def __init__(
        self,
        builder: TableBuilder,
        options: CleanOptions,
        *,
        with_clusters: bool = False,
        against: Index | None = None,
        processes: int = 1,
    ) -> None:
        self.builder = builder
        self.options = options
        self.against = against
        work = tabulate_batch if processes == 1 else tabulate_for_caller
        self._batches = InOrder(work, self._take, processes, options=options, with_clusters=with_clusters)
        self.processes = self._batches.processes

    def add(self, texts: Sequence[str]) -> None:
        """Tabulate the next batch (in a worker process, or here)."""
        self._batches.submit(texts, texts)

    def _take(self, part: CleanTables, texts: Sequence[str]) -> None:
        if self.processes > 1:
            part = with_line_texts(part, texts)
        if self.against is not None:
            part = replace(part, indexed=indexed_cuts(texts, self.against, self.options, part.lines, part.units))
        self.builder.add(part)

    def result(self) -> CleanTables:
        """The tables of every batch added (:meth:`TableBuilder.result`); the processes are shut down."""
        self._batches.finish()
        return self.builder.result()

    def close(self) -> None:
        """Shut the processes down (pending batches are dropped)."""
        self._batches.close()


def tabulate(
    texts: Sequence[str],
    options: CleanOptions,
    *,
    with_clusters: bool = False,
    spill: str | Path | None = None,
    batch_chars: int | None = None,
    against: Index | None = None,
    processes: int = 1,
) -> CleanTables:
    """The :class:`CleanTables` of texts in memory, built in batches of about ``batch_chars`` characters
    (default :func:`parallel_batch_chars`), on ``processes`` processes (see :class:`Tabulator`); the tables
    are the same however they are batched."""
    tabulator = Tabulator(
        TableBuilder(options, with_clusters=with_clusters, spill=spill),
        options,
        with_clusters=with_clusters,
        against=against,
        processes=processes,
    )
    try:
        for batch in batches(texts, batch_chars or parallel_batch_chars(tabulator.processes, texts)):
            tabulator.add(batch)
        return tabulator.result()
    finally:
        tabulator.close()
