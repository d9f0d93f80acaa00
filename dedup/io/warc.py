"""Web archives: the pages of a WARC file (``.warc``, ``.warc.gz``), the texts of a WET file (``.warc.wet.gz``).

A crawl (Common Crawl, Heritrix, wget ``--warc-file``) stores its pages as WARC records: a version line, named
headers, a blank line, ``Content-Length`` bytes of block and two line breaks. The documents are

- ``response`` records of an HTTP response whose payload is a web page (``text/html``, XHTML): the page's visible
  text (:func:`dedup.io.html.html_text`), decoded by the charset its HTTP ``Content-Type`` names, else as a page's
  bytes are (:func:`dedup.io.html.decode_html`); a payload sent chunked or compressed (``Transfer-Encoding``,
  ``Content-Encoding``: gzip, deflate) is read as sent. A ``text/plain`` payload is read as text;
- ``resource`` records of a page or of text (what ``wget`` keeps of a local file);
- ``conversion`` records: the text a crawler extracted (Common Crawl's WET files), read as it is.

Requests, metadata, ``warcinfo``, revisits and DNS answers are no documents and are passed over, and so are
responses whose payload is not text (an image, a PDF) or whose status is not 2xx (a redirect, an error page): a
crawl holds many, and they are not inputs gone wrong. A text record that cannot be used (undecodable, over the record
limit, a page with no visible text) is skipped, saying so. A record's id is its ``WARC-Target-URI``
(else its ``WARC-Record-ID``), its line the record's number in the file; its fields, when asked for, are the URL,
the record's id and date and the payload's media type. A block longer than the record limit is read past, never
held. Only Python's standard library is used.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import BinaryIO

from .base import InputFile, ReadOptions, Record, Skipped
from .decode import decode_text
from .html import NO_VISIBLE_TEXT, charset_codec, decode_html, html_text
from .records import text_problem

__all__ = ["warc_documents", "warc_records"]

_PAGE_TYPES = ("text/html", "application/xhtml+xml")
_HEADER_LIMIT = 1 << 16  # a header line, or all of a record's headers, longer than this is no WARC


class WarcError(ValueError):
    """The bytes are not WARC records from here on."""


def _headers(stream: BinaryIO) -> dict[str, str] | None:
    """A record's named headers (names lower-cased), read past its version line; None at the end of the file."""
    line = stream.readline(_HEADER_LIMIT)
    while line in (b"\r\n", b"\n"):  # the line breaks that end the record before
        line = stream.readline(_HEADER_LIMIT)
    if not line:
        return None
    if not line.startswith(b"WARC/"):
        raise WarcError(f"a record opens with {line[:20]!r}, not a WARC version line")
    lines: list[str] = []
    size = 0
    while (line := stream.readline(_HEADER_LIMIT)) not in (b"\r\n", b"\n"):
        size += len(line)
        if not line or size > _HEADER_LIMIT:
            raise WarcError("a record's headers do not end")
        lines.append(line.decode("utf-8", "replace"))
    return _named(lines)


def _named(lines: list[str]) -> dict[str, str]:
    """``Name: value`` lines (a WARC record's headers, an HTTP response's) as a dict, names lower-cased; a line
    without a colon is passed over."""
    fields = {}
    for line in lines:
        name, colon, value = line.partition(":")
        if colon:
            fields[name.strip().lower()] = value.strip()
    return fields


def warc_records(stream: BinaryIO, limit: int) -> Iterator[tuple[int, dict[str, str], bytes | int]]:
    """``(record number, headers, block)`` of every record of a WARC stream, numbered from 1; a block longer than
    ``limit`` gives its length instead, read past in pieces. Raises :class:`WarcError` where the bytes stop being
    WARC records (the records before are given)."""
    number = 0
    while (headers := _headers(stream)) is not None:
        number += 1
        try:
            length = int(headers.get("content-length", ""))
        except ValueError:
            raise WarcError(f"record {number} has no Content-Length") from None
        if length > limit:
            left = length
            while left and (piece := stream.read(min(left, 1 << 20))):
                left -= len(piece)
            if left:
                raise WarcError(f"record {number} is cut short")
            yield number, headers, length
            continue
        block = stream.read(length)
        if len(block) < length:
            raise WarcError(f"record {number} is cut short")
        yield number, headers, block


def _http_payload(block: bytes, limit: int) -> tuple[int, dict[str, str], bytes]:
    """The status, headers (names lower-cased) and payload of an HTTP response block, the payload as sent: a
    chunked or compressed one is joined and decompressed, to at most ``limit + 1`` bytes (a payload that inflates
    past the record limit is not inflated whole)."""
    head, _, payload = block.partition(b"\r\n\r\n")
    if not _:
        head, _, payload = block.partition(b"\n\n")
    lines = head.decode("iso-8859-1").splitlines()
    status_words = lines[0].split() if lines else []
    status = int(status_words[1]) if len(status_words) > 1 and status_words[1].isdigit() else 0
    headers = _named(lines[1:])
    if "chunked" in headers.get("transfer-encoding", "").lower():
        payload = _dechunked(payload)
    encoding = headers.get("content-encoding", "").lower().strip()
    if encoding in ("gzip", "x-gzip", "deflate"):
        try:
            # gzip (16 + window bits), or zlib-wrapped deflate and raw deflate (which servers also send as "deflate")
            payload = zlib.decompressobj(47 if "gzip" in encoding else 15).decompress(payload, limit + 1)
        except zlib.error:
            payload = zlib.decompressobj(-15).decompress(payload, limit + 1)
    return status, headers, payload


def _dechunked(payload: bytes) -> bytes:
    """An HTTP body sent in chunks (a hexadecimal size line, the chunk, a line break; size 0 ends it), joined."""
    out, pos = [], 0
    while pos < len(payload):
        eol = payload.find(b"\n", pos)
        if eol < 0:
            break
        size_text = payload[pos:eol].split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return payload  # not chunked after all
        if size == 0:
            break
        out.append(payload[eol + 1 : eol + 1 + size])
        pos = eol + 1 + size
        pos = payload.find(b"\n", pos) + 1 or len(payload)  # the chunk's own line break
    return b"".join(out)


def _media_type(content_type: str) -> tuple[str, str | None]:
    """A Content-Type's media type (lower case) and charset (a Python codec name, None if unknown or absent)."""
    media, *params = (part.strip() for part in content_type.split(";"))
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = charset_codec(value)
    return media.lower(), charset


def _text_of(payload: bytes, media: str, charset: str | None, options: ReadOptions) -> tuple[str, str | None]:
    """A payload's text (a page's visible text), and why it cannot be used (None when it can)."""
    page = media in _PAGE_TYPES or options.html
    decoded = None
    if charset is not None and options.encoding is None:
        try:
            decoded = payload.decode(charset)
        except UnicodeDecodeError:
            pass
    if decoded is None:
        result = (decode_html if page else decode_text)(payload, options.encoding)
        if isinstance(result, str):
            return "", result
        decoded = result.text
    text = html_text(decoded) if page else decoded
    return text, (NO_VISIBLE_TEXT if not text.strip() else text_problem(text))


def _document(headers: dict[str, str], block: bytes | int, options: ReadOptions) -> tuple[str, str] | str | None:
    """A record's text and media type; or why it is skipped; or None when it is no document (a request, metadata,
    a DNS answer…)."""
    kind = headers.get("warc-type", "").lower()
    limit = f"--max-record-bytes {options.max_record_bytes:,}"
    if kind not in ("response", "resource", "conversion"):
        return None
    if isinstance(block, int):  # read past: a video the crawler named so is no document, else say it went
        identified = headers.get("warc-identified-payload-type", "text/html").lower()
        text = identified.startswith(("text/", _PAGE_TYPES[1]))
        return f"record of {block:,} bytes exceeds {limit}" if text else None
    status, media, charset, payload = 200, "text/plain", "utf-8", block  # a conversion: extracted text
    if kind == "response":
        if not headers.get("content-type", "").lower().startswith("application/http"):
            return None  # a DNS answer, a WHOIS reply: no page
        try:
            status, http, payload = _http_payload(block, options.max_record_bytes)
        except zlib.error:
            return "payload cannot be decompressed"
        media, charset = _media_type(http.get("content-type", "text/html"))
        if len(payload) > options.max_record_bytes:
            return f"payload inflates past {limit}"
    elif kind == "resource":
        media, charset = _media_type(headers.get("content-type", ""))
    if not 200 <= status < 300 or (media not in _PAGE_TYPES and media != "text/plain" and not options.html):
        return None  # a redirect, an error page, an image, a PDF: no text document
    text, problem = _text_of(payload, media, charset, options)
    return problem if problem else (text, media)


def warc_documents(
    stream: BinaryIO, file: InputFile, options: ReadOptions, fields: bool = False
) -> Iterator[Record | Skipped]:
    """The documents of a WARC (or WET) stream, and a :class:`Skipped` for every record that holds text but cannot
    be used (see the module): one bad record never loses the others; bytes that stop being WARC end the file with
    one ``Skipped`` after the documents before them."""
    try:
        for number, headers, block in warc_records(stream, options.max_record_bytes):
            found = _document(headers, block, options)
            url = headers.get("warc-target-uri", "") or headers.get("warc-record-id", "")
            if isinstance(found, str):
                yield Skipped(file.source, number, f"{found} ({url})")
            elif found is not None:
                text, media = found
                row = None
                if fields:
                    row = {
                        "url": headers.get("warc-target-uri"),
                        "warc_record_id": headers.get("warc-record-id"),
                        "warc_date": headers.get("warc-date"),
                        "content_type": media,
                    }
                yield Record(url or f"{file.rel}:{number}", file.source, text, number, file.rel, row)
    except WarcError as err:
        yield Skipped(file.source, None, f"not a WARC file from here on: {err}")
