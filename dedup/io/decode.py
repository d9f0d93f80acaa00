"""Bytes to text: byte-order marks, strict UTF-8, and legacy encodings (GB18030, Big5, BOM-less UTF-16) accepted only on
evidence of common Han characters."""

from __future__ import annotations

import codecs
import re

from .._common_chars import COMMON_HAN
from .base import Decoded

_DETECTED = ("gb18030", "big5")  # legacy encodings guessed without --encoding, best first on ties
_UNSURE, _MARGIN = (
    0.5,
    0.2,
)  # share of common Han characters: accept with a warning (below SURE); lead over the runner-up
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _strict_decode(data: bytes, encoding: str, detected: bool) -> Decoded | str:
    """The decoded text, or why it cannot be decoded (no character is ever replaced)."""
    try:
        return Decoded(data.decode(encoding), codecs.lookup(encoding).name, detected)
    except UnicodeDecodeError as err:
        where = (
            f"line {_line_of(data, err.start)}"
            if "16" not in encoding and "32" not in encoding
            else f"byte offset {err.start}"
        )
        name = "utf-8" if codecs.lookup(encoding).name == "utf-8-sig" else codecs.lookup(encoding).name
        return f"cannot decode as {name}: byte 0x{data[err.start]:02x} at {where}"


_CJK_PUNCTUATION = frozenset("、。，！？：；“”‘’（）《》〈〉【】『』「」…—·．％　")


def common_share(text: str) -> float:
    """Share of the Han characters of ``text`` that are common ones, counting other non-ASCII
    characters (except CJK punctuation and full-width forms) as uncommon: 1.0 for ``你好，世界。``,
    0.25 for the same GBK bytes read as Big5 (``斕疑ㄛ岍賜﹝``); 0 without such characters."""
    han = odd = common = 0
    for ch in text:
        if ch < "\x80" or ch in _CJK_PUNCTUATION or "\uff01" <= ch <= "\uff5e":
            continue
        if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or ch >= "\U00020000":
            han += 1
            common += ch in COMMON_HAN
        else:
            odd += 1
    return common / (han + odd) if han + odd else 0.0


def _guess_legacy(data: bytes) -> Decoded | None:
    """The text of bytes that are not UTF-8, when one legacy reading is clearly Chinese text.

    Every candidate that decodes without error (GB18030, Big5; for an even number of bytes
    also UTF-16 without a BOM) is weighed by :func:`common_share` of its text. The best is
    taken when at least half of its characters are common Han characters and it leads the
    runner-up by ``_MARGIN``; below ``SURE`` the guess is marked unsure (the caller warns).
    None when no reading is convincing: better refused than written as mojibake.
    """
    candidates = list(_DETECTED) + (["utf-16-le", "utf-16-be"] if len(data) % 2 == 0 else [])
    scored = []
    for rank, name in enumerate(candidates):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        scored.append((common_share(text), -rank, name, text))
    if not scored:
        return None
    scored.sort(reverse=True)
    share, _, name, text = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if share < _UNSURE or share - runner_up < _MARGIN:
        return None
    return Decoded(text, codecs.lookup(name).name, True, round(share, 3))


def decode_text(data: bytes, encoding: str | None = None) -> Decoded | str:
    """Decode the bytes of a ``.txt`` file, or say why they are not text.

    Parameters
    ----------
    data : bytes
    encoding : str, optional
        Forced encoding; by default a BOM decides, else UTF-8, else the reading as GB18030,
        Big5 or BOM-less UTF-16 whose text is clearly made of common Han characters
        (:func:`_guess_legacy`).

    Returns
    -------
    Decoded or str
        The text, or a reason (binary data, NUL bytes, undecodable bytes). Nothing is
        decoded with replacement characters: text is either exact or refused.
    """
    bom = _bom_encoding(data)
    if encoding is not None:
        name = codecs.lookup(encoding).name
        result = _strict_decode(data, "utf-8-sig" if name == "utf-8" else encoding, False)
    elif bom is not None:
        result = _strict_decode(data, bom, False)
    else:
        binary = _binary_problem(data)
        if binary:
            # UTF-16 without a BOM has NUL bytes (every ASCII and U+4E00 character): text
            # only when it reads clearly as common Han characters
            guess = _guess_legacy(data)
            return guess if guess is not None and guess.encoding.startswith("utf-16") else binary
        result = _strict_decode(data, "utf-8", False)
        if isinstance(result, str):
            guess = _guess_legacy(data)
            if guess is None:
                return (
                    result.replace("cannot decode as utf-8", "not UTF-8", 1)
                    + ", nor recognisably GB18030, Big5 or UTF-16; give --encoding"
                )
            result = guess
    if isinstance(result, Decoded) and "\x00" in result.text:
        return f"NUL character at line {result.text.count(chr(10), 0, result.text.index(chr(0))) + 1}"
    return result


def _binary_problem(data: bytes) -> str | None:
    sample = data[:8192]
    if len(_CONTROL_BYTES.findall(sample)) > max(8, len(sample) // 10):
        return "binary file (control bytes)"
    nul = data.find(b"\x00")
    if nul >= 0:
        return "binary file (NUL bytes)" if nul < len(sample) else f"NUL byte at line {_line_of(data, nul)}"
    return None
