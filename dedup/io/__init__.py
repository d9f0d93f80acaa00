"""Reading inputs and writing outputs: the only module that touches files.

Reading
    :func:`discover` turns the paths a user gives into :class:`InputFile` s (folders are
    walked without following symbolic links out of them), and :func:`read_file` turns one
    file into :class:`Record` s, reporting every record it cannot use as a
    :class:`Skipped` instead of raising: one bad record never loses the others.

    ============================  ==========================================================
    ``.txt`` (and anything else)  one document per file; UTF-8 (BOM or not), UTF-16/32 with a
                                  BOM, else GB18030 or Big5 when detected, or ``encoding``;
                                  with ``split``, a document a line or between blank lines
    ``.jsonl`` ``.ndjson``        one JSON object per line, optionally ``.gz`` or ``.zst``
                                  compressed (streamed, never inflated whole)
    ``.parquet`` ``.pq``          a string column (needs pyarrow: ``pip install 'dedup[parquet]'``)
    ``.html`` ``.htm``            one document per page: its visible text, a line per block (:mod:`dedup.io.html`)
    ``.warc`` ``.warc.wet``       one document per page (HTML response) or text of a web archive (:mod:`dedup.io.warc`)
    ============================  ==========================================================

Writing
    :func:`safe_relpath` and :class:`PathAllocator` build output paths that cannot leave
    the output folder; :func:`write_atomic` writes a file by temporary file and rename.

Where things live: ``base`` (records, options, format names), ``discover`` (finding files),
``decode`` (bytes to text), ``html`` (a page's visible text), ``warc`` (web archives), ``readers`` (files to
records), ``streams`` (compressed streams, bounded lines), ``split`` (a ``.txt`` file of many documents), ``records``
(a record's checks and hints), ``delimited`` (CSV/TSV and JSON files), ``ranges`` (big files in pieces), ``paths``
(output paths, atomic writes, :func:`sync_files`).
"""

from .base import (
    DEFAULT_MAX_RECORD_BYTES,
    Decoded,
    Encoding,
    InputError,
    InputFile,
    ReadOptions,
    Record,
    Skipped,
    display_path,
    format_of,
)
from .decode import common_share, decode_text, script_shares
from .discover import discover
from .html import decode_html, html_lines, html_text
from .paths import PathAllocator, fsync_dir, safe_relpath, sync_files, write_atomic
from .readers import feed_item, read_file, read_records
from .records import text_problem

__all__ = [
    "DEFAULT_MAX_RECORD_BYTES",
    "Decoded",
    "Encoding",
    "InputError",
    "InputFile",
    "PathAllocator",
    "ReadOptions",
    "Record",
    "Skipped",
    "common_share",
    "decode_html",
    "decode_text",
    "script_shares",
    "discover",
    "display_path",
    "feed_item",
    "format_of",
    "html_lines",
    "html_text",
    "fsync_dir",
    "sync_files",
    "read_file",
    "read_records",
    "safe_relpath",
    "text_problem",
    "write_atomic",
]
