"""Bytes to text: byte-order marks, strict UTF-8, and legacy encodings (GB18030, Big5, Shift-JIS, EUC-JP, EUC-KR,
ISO-2022, HZ, BOM-less UTF-16) accepted only on evidence: the share of characters common in the script they read as;
then single-byte encodings of other scripts (:mod:`dedup.io.single_byte`), on the evidence of their letters."""

from __future__ import annotations

import codecs
import re
from functools import lru_cache
from itertools import islice

import numpy as np

from .._common_chars import COMMON_HAN
from .._common_hangul import COMMON_HANGUL
from .base import SURE, Decoded
from .single_byte import AMBIGUOUS, SAMPLE_BYTES, guess_single_byte, is_prose

# Legacy encodings guessed without --encoding, best first on ties, each with the language whose text
# it must read as: cp932 and cp949 are the Windows supersets of Shift-JIS and EUC-KR.
_DETECTED = (("gb18030", "zh"), ("big5", "zh"), ("cp932", "ja"), ("euc_jp", "ja"), ("cp949", "ko"))
# 7-bit encodings that switch to double-byte text by escape sequences, with what announces them.
_ESCAPED = (("iso2022_jp_2", "ja", b"\x1b$"), ("iso2022_kr", "ko", b"\x1b$)C"), ("hz", "zh", b"~{"))
# A Japanese reading needs this share of kana; a Korean one this share of Hangul, and spaces or line breaks
# between words (one for every ten syllables: Korean prose has a space every three or four; Chinese and
# Japanese have none).
_MIN_KANA, _MIN_HANGUL, _MIN_KOREAN_SPACES = 0.1, 0.3, 0.1
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
#: What a file that is not UTF-8 and not recognisably in another encoding is told (after where UTF-8 fails).
NOT_RECOGNISED = (
    "nor recognisably GB18030, Big5, Shift-JIS, EUC-JP, EUC-KR, UTF-16 or a single-byte encoding of its language "
    "(cp1250-cp1257, KOI8, ISO 8859, cp866, cp874); give --encoding"
)
#: A sure CJK reading with fewer Han, kana or Hangul characters, or an unsure one with as many, is taken only when no
#: single-byte reading is prose too; an unsure one with fewer never (``ви маси.`` in KOI8-R is ``咨 土由.``).
FEW_WIDE = 8
_WIDE = re.compile("[\u3041-\u30ff\u3400-\u9fff\uac00-\ud7a3\uf900-\ufaff\U00020000-\U0003ffff]")
#: A file whose non-ASCII characters decode as UTF-8 this many times as often as its bytes fail is damaged UTF-8.
MIN_VALID = 4
_REPLACED_RUNS = re.compile("\ufffd+")
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if not _CONTROL_CHARS.match(chr(b)))  # what translate deletes
_MULTIBYTE = frozenset(name for name, _ in _DETECTED)  # GB18030, Big5, cp932, EUC-JP, cp949
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
    0.33 for the same GBK bytes read as Big5 (``斕疑ㄛ岍賜﹝``); 0 without such characters."""
    return script_shares(text)["zh"]


# Classes of code points for :func:`script_shares`.
_IGNORED, _COMMON, _HAN, _KANA, _HANGUL, _COMMON_HANGUL, _OTHER = range(7)


@lru_cache(maxsize=1)
def _script_table() -> np.ndarray:
    """uint8 ``[0x110000]``: the class of every code point (ASCII, CJK punctuation and full-width forms are ignored;
    Han characters, common ones, kana, Hangul syllables, common syllables and compatibility jamo, anything else)."""
    table = np.full(0x110000, _OTHER, dtype=np.uint8)
    for lo, hi, cls in (
        (0x3400, 0x9FFF, _HAN),
        (0xF900, 0xFAFF, _HAN),
        (0x20000, 0x10FFFF, _HAN),
        (0x3041, 0x3096, _KANA),  # hiragana and katakana letters, not their marks (ゞ, ー: a GBK 《 read as EUC-JP)
        (0x30A1, 0x30FA, _KANA),
        (0xAC00, 0xD7A3, _HANGUL),
        (0x3131, 0x318E, _COMMON_HANGUL),  # compatibility jamo: ㅋㅋ, ㅠㅠ
    ):
        table[lo : hi + 1] = cls
    table[[ord(c) for c in COMMON_HAN]] = _COMMON
    table[[ord(c) for c in COMMON_HANGUL]] = _COMMON_HANGUL
    table[:0x80] = _IGNORED
    table[0xFF01:0xFF5F] = _IGNORED
    table[[ord(c) for c in _CJK_PUNCTUATION]] = _IGNORED
    return table


def script_shares(text: str) -> dict[str, float]:
    """How much ``text`` reads as each language, from its non-ASCII characters (CJK punctuation and full-width
    forms aside; 0 for each without them).

    ``"zh"``: the share that are common Han characters (3,186 Simplified and Traditional ones);
    ``"ja"``: the share that are kana or common Han, when kana are at least a tenth (and two);
    ``"ko"``: the share that are common Hangul syllables (923, ``dedup/_common_hangul.py``),
    compatibility jamo or common Han, when Hangul are at least 30 % and the text has a space or line
    break for every ten of them (Korean separates its words, Chinese does not).

    A text read in the wrong legacy encoding comes out as rare characters of another script: the GBK
    bytes of ``你好，世界。`` read as Big5 give ``斕疑ㄛ岍賜﹝`` (``"zh"`` 0.33), read as EUC-KR
    ``콱봤，各썹。`` (Hangul without a space: ``"ko"`` 0); Korean EUC-KR bytes read as GB18030 give
    common-looking Han characters (about half common) but no Hangul.
    """
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    counts = np.bincount(_script_table()[cps], minlength=7)
    total = int(counts[1:].sum())
    if not total:
        return {"zh": 0.0, "ja": 0.0, "ko": 0.0}
    common, kana, common_hangul = (int(counts[c]) for c in (_COMMON, _KANA, _COMMON_HANGUL))
    hangul = common_hangul + int(counts[_HANGUL])
    breaks = text.count(" ") + text.count("\n")
    korean = hangul >= _MIN_HANGUL * total and breaks >= _MIN_KOREAN_SPACES * hangul
    return {
        "zh": common / total,
        "ja": (kana + common) / total if kana >= max(_MIN_KANA * total, 2) else 0.0,
        "ko": (common_hangul + common) / total if korean else 0.0,
    }


def _best_reading(data: bytes, candidates: list[tuple[str, str]]) -> Decoded | None:
    """The reading of ``data`` that is clearly text of its language, among ``(encoding, language)`` candidates
    (``"any"``: the best of the three; best first on ties), or None.

    Every candidate that decodes without error is weighed by :func:`script_shares` of its text in its
    language. The best is taken when at least half of its characters are common ones and it leads the
    runner-up by ``_MARGIN``; below ``SURE`` the guess is marked unsure (the caller warns).
    """
    scored = []
    control_bytes = None  # found once: in the multibyte encodings a control is its own byte, never a character's
    for rank, (name, language) in enumerate(candidates):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        # Control codes are no text (random bytes read as GB18030)
        if name in _MULTIBYTE:
            if control_bytes is None:
                control_bytes = bool(data.translate(None, _NOT_CONTROL_BYTES))  # 10 ms for 30 MB; re.search took 90
            if control_bytes:
                continue
        elif _CONTROL_CHARS.search(text):  # UTF-16's from pairs of bytes; ISO-2022's escapes are no characters
            continue
        shares = script_shares(text)
        scored.append((max(shares.values()) if language == "any" else shares[language], -rank, name, text))
    if not scored:
        return None
    scored.sort(reverse=True)
    share, _, name, text = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if share < _UNSURE or share - runner_up < _MARGIN:
        return None
    return Decoded(text, codecs.lookup(name).name, True, round(share, 3))


def damaged_utf8(data: bytes) -> str | None:
    """What to say of bytes that are not UTF-8 but mostly are — at least :data:`MIN_VALID` non-ASCII characters
    decode, :data:`MIN_VALID` times as many as the bytes that do not (one stray byte in a UTF-8 file) — or None.

    Bytes that fail next to each other count once (a stray byte inside a character breaks it). Such a file is
    refused rather than guessed: read as GB18030, a German UTF-8 file with one stray byte was
    ``zu 眉berpr眉fen`` (every ``ü``; until 2026-12-07, 57 of 740 such files of 37 languages; 10 more as cp949 or
    Big5). Text in a legacy encoding decodes as UTF-8 by accident at most 1.2 characters for each byte that does not
    (EUC-JP), 0.35 for the single-byte ones. Judged on the first :data:`SAMPLE_BYTES` (to a line end), as the
    encodings are: a file whose first megabyte is UTF-8 with such characters and whose rest is not is damaged too.
    """
    sample = data if len(data) <= SAMPLE_BYTES else data[: data.rfind(b"\n", 0, SAMPLE_BYTES) + 1 or SAMPLE_BYTES]
    text = sample.decode("utf-8", "replace")
    literal = sample.count("\ufffd".encode())  # replacement characters the file holds as text
    replaced = text.count("\ufffd") - literal
    damages = len(_REPLACED_RUNS.findall(text)) - literal  # a broken character, a stray byte
    valid = len(text) - len(text.encode("ascii", "ignore")) - replaced
    if valid < MIN_VALID * max(damages, 1) or (damages <= 0 and sample is data):
        return None
    if damages <= 0:
        said = f"the {valid:,} characters of its first megabyte decode, later bytes do not"
    else:
        said = f"{valid:,} of its characters decode, " + ("1 place does" if damages == 1 else f"{damages:,} places do")
        said += " not"
    return f" (a damaged UTF-8 file? {said}: repair it, or give --encoding)"


def _guess_legacy(data: bytes, single_byte: bool = True) -> Decoded | None:
    """The text of bytes that are not UTF-8, when one legacy reading is clearly Chinese, Japanese or Korean text:
    GB18030, Big5, Shift-JIS (cp932), EUC-JP, EUC-KR (cp949), and for an even number of bytes UTF-16
    without a BOM (:func:`_best_reading`); else when one single-byte reading is clearly prose of a language of
    its script (:func:`dedup.io.single_byte.guess_single_byte`: Windows code pages, KOI8, DOS and ISO 8859 of
    the Latin, Cyrillic, Greek, Hebrew, Arabic and Thai scripts; not with ``single_byte`` off, for bytes only
    UTF-16 may read). None when no reading is convincing: better refused than written as mojibake."""
    candidates = list(_DETECTED) + ([("utf-16-le", "any"), ("utf-16-be", "any")] if len(data) % 2 == 0 else [])
    guess = _best_reading(data, candidates)
    # Whether it holds FEW_WIDE CJK characters: counted up to there (a whole file's list took seconds).
    wide = 0 if guess is None else sum(1 for _ in islice(_WIDE.finditer(guess.text), FEW_WIDE))
    sure = guess is not None and guess.evidence is not None and guess.evidence >= SURE
    if sure and wide >= FEW_WIDE:
        return guess
    if guess is not None:  # unsure, or a few CJK characters: only when no single-byte reading could be prose
        could = guess_single_byte(data, loose=True)  # ``»D`` is no ``聞``, KOI8-R ``лице.`` no ``躺门.``
        return guess if could is None and (sure or wide >= FEW_WIDE) else None
    if not single_byte:
        return None
    single = guess_single_byte(data)
    return (
        None
        if single is None or single is AMBIGUOUS
        else Decoded(single.text, codecs.lookup(single.encoding).name, True)
    )


def _utf16_prose(data: bytes) -> Decoded | None:
    """The text of bytes in UTF-16 without a byte-order mark when exactly one of its two byte orders reads as prose of a
    language of the Latin, Cyrillic, Greek, Hebrew, Arabic or Thai script (:func:`dedup.io.single_byte.is_prose`, as a
    single-byte reading is weighed; the other order of such text is CJK characters and controls), else None.
    Russian, French or Arabic in BOM-less UTF-16 was "binary file" until 2026-12-07."""
    if len(data) % 2:
        return None
    sample = data[:SAMPLE_BYTES]  # judged on its first megabyte, as a single-byte reading is (an even count)
    prose = []
    for name in ("utf-16-le", "utf-16-be"):
        try:
            if is_prose(sample.decode(name)):
                prose.append(name)
        except UnicodeDecodeError:  # a bad surrogate, or one cut in two at the sample's end
            continue
    if len(prose) != 1:
        return None
    try:
        return Decoded(data.decode(prose[0]), prose[0], True)
    except UnicodeDecodeError:
        return None


def _guess_escaped(data: bytes) -> Decoded | None:
    """The text of 7-bit bytes in an escape-switched encoding (ISO-2022-JP, ISO-2022-KR, HZ), when one
    announces itself and reads clearly as its language (:func:`_best_reading`), else None."""
    if not data.isascii():  # most files: the first non-ASCII byte answers
        return None
    candidates = [(name, language) for name, language, mark in _ESCAPED if mark in data]
    if not candidates:
        return None
    guess = _best_reading(data, candidates)
    # The bytes are valid UTF-8 (or ASCII with the shift bytes of ISO-2022-KR) too: only a sure reading
    # replaces that one.
    return guess if guess is not None and guess.evidence is not None and guess.evidence >= SURE else None


def decode_text(data: bytes, encoding: str | None = None) -> Decoded | str:
    """Decode the bytes of a ``.txt`` file, or say why they are not text.

    Parameters
    ----------
    data : bytes
    encoding : str, optional
        Forced encoding; by default a BOM decides, else an escape-switched encoding that
        announces itself and reads surely as its language (ISO-2022-JP/KR, HZ:
        :func:`_guess_escaped`), else UTF-8, else the reading as GB18030, Big5, Shift-JIS,
        EUC-JP, EUC-KR or BOM-less UTF-16 whose text is clearly made of characters common
        in its script, else the single-byte reading that is clearly prose of one language
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
    elif (escaped := _guess_escaped(data)) is not None:
        result = escaped
    else:
        binary = _binary_problem(data)
        if binary:
            # UTF-16 without a BOM has NUL bytes (every ASCII and U+4E00 character): text
            # only when it reads clearly as common characters of its script
            guess = _guess_legacy(data, single_byte=False)
            if guess is None or not guess.encoding.startswith("utf-16"):
                guess = _utf16_prose(data)  # or as prose of another script
            return guess if guess is not None else binary
        result = _strict_decode(data, "utf-8", False)
        if isinstance(result, str):
            damaged = damaged_utf8(data)
            if damaged is not None:
                return result.replace("cannot decode as utf-8", "not UTF-8", 1) + damaged
            guess = _guess_legacy(data)
            if guess is None:
                return result.replace("cannot decode as utf-8", "not UTF-8", 1) + ", " + NOT_RECOGNISED
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
