"""Character flags, one bit each, in a uint16 table over all code points, and the list-marker patterns."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np

# Character flags, one bit each, in a uint16 table over all code points.
_WS = 1
_BREAK = 2
_TERM = 4
_PERIOD = 8
_COLON = 16
_CLAUSE = 32
_OPEN = 64
_CLOSE = 128
_WIDE = 256
_LOWER = 512
_DIGIT = 1024
_HYPHEN = 2048
_LETTER = 4096
_BRACKET = 8192
_LIST_FIRST = 16384
_CARRIAGE = 32768

#: Sentence ends of scripts besides the CJK and Latin ones: the Devanagari and Bengali dandas (``।``, ``॥``), Arabic's
#: question mark and Urdu's full stop (``؟``, ``۔``), the Armenian, Ethiopic, Myanmar, Tibetan, Khmer and Mongolian
#: full stops and the Ethiopic question mark (``։ ። ፧ ။ ། ។ ᠃``), the Greek question mark (U+037E, ``;`` once NFKC
#: is applied). Every set of sentence ends of the package holds them (segmentation, the line marks, the paragraphs'
#: sentence ends, the overlap rules' prose); a Hindi refrain ending ``।`` was a marker, a Chinese one ending ``。`` not.
OTHER_SCRIPT_ENDS = "\u0964\u0965\u061f\u06d4\u0589\u1362\u1367\u104b\u0f0d\u17d4\u1803\u037e"
#: What ends a line or paragraph as a sentence (the line marks' ``ends_sentence``, the paragraphs' ``sentence_end``).
SENTENCE_ENDS = "。！？!?；;…" + OTHER_SCRIPT_ENDS

_FLAG_CHARS = {
    _BREAK: "\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029",
    _TERM: "。｡︒！!﹗？?﹖；;﹔…‥⁇⁈⁉‼" + OTHER_SCRIPT_ENDS,
    _PERIOD: ".．﹒",
    _COLON: "：:﹕",
    _CLAUSE: "，,﹐、﹑､",
    _OPEN: "（(［[｛{【〔〖《〈「『“‘﹙﹝",
    _CLOSE: "）)］]｝}】〕〗》〉」』”’﹚﹞\"'",
    _HYPHEN: "-‐\u00ad",
    _BRACKET: "）)］]｝}】〕〗》〉」』﹚﹞",
    _CARRIAGE: "\r",
}


_ALPHABETIC_END = 0x530

_NUMERAL = "0-9０-９一二三四五六七八九十百零〇"
_LIST_MARKER = re.compile(
    "(?:"
    rf"[(（［\[【〔][{_NUMERAL}a-zA-Zⅰ-ⅻⅠ-Ⅻ]{{1,4}}[)）］\]】〕]"
    rf"|[0-9０-９]{{1,3}}(?:[.．][0-9０-９]{{1,3}})*[、.．)）](?![0-9０-９])"
    rf"|[一二三四五六七八九十百零〇]{{1,4}}[、.．]"
    rf"|第[{_NUMERAL}]{{1,5}}[、，,.．章节条款项部篇]"
    r"|[一二三四五六七八九十]{1,2}[是要](?=\S)"
    r"|[①-⑳⑴-⒇⒈-⒛❶-❿➀-➉]"
    r"|[●•·▪■□◆◇▶►★☆○◎◉※→–—*+\-]"
    r"|[A-Za-z][.)](?=\s)"
    ")"
)
# Every character a _LIST_MARKER match can start with: only lines that start with one are
# matched against it.
_LIST_FIRST_CLASS = re.compile(rf"[(（［\[【〔{_NUMERAL}第①-⑳⑴-⒇⒈-⒛❶-❿➀-➉●•·▪■□◆◇▶►★☆○◎◉※→–—*+\-A-Za-z]")


@lru_cache(maxsize=1)
def _flags() -> np.ndarray:
    """uint16 ``[0x110000]`` of character flags (built once per process, about 0.05 s)."""
    flags = np.zeros(0x110000, dtype=np.uint16)
    for flag, chars in _FLAG_CHARS.items():
        flags[[ord(c) for c in chars]] |= flag
    bmp = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x10000)))
    bmp_values = np.concatenate([np.arange(0xD800), np.arange(0xE000, 0x10000)])
    is_space = np.frombuffer(bytes(map(str.isspace, bmp)), dtype=bool)
    flags[bmp_values[is_space]] |= _WS
    flags[[0x200B, 0xFEFF]] |= _WS
    widths = np.frombuffer(
        bytes(map({"W": 1, "F": 1}.get, map(unicodedata.east_asian_width, bmp), [0] * len(bmp))),
        dtype=np.uint8,
    ).astype(bool)
    flags[bmp_values[widths]] |= _WIDE
    flags[0x20000:0x40000] |= _WIDE
    alphabetic = [chr(cp) for cp in range(_ALPHABETIC_END)]  # Latin, Greek, Cyrillic
    flags[[ord(c) for c in alphabetic if c.isalpha()]] |= _LETTER
    flags[[ord(c) for c in alphabetic if c.islower()]] |= _LOWER
    flags[ord("0") : ord("9") + 1] |= _DIGIT
    flags[0xFF10:0xFF1A] |= _DIGIT
    flags[bmp_values[[match.start() for match in _LIST_FIRST_CLASS.finditer(bmp)]]] |= _LIST_FIRST
    return flags


def _has(flags: np.ndarray, flag: int) -> np.ndarray:
    return (flags & flag) != 0
