"""Mojibake among inline noise: text whose UTF-8 bytes were read in another encoding — Windows-1252 or Latin-1
(``Ã©`` for ``é``, ``ä¸­`` for ``中``, ``â€™`` for ``’``) or GBK (``浠婂ぉ澶╂皵`` for ``今天天气``). Each is a pattern
:mod:`dedup.normalize.noise` joins to its others and a check of what it takes (the bytes read back as UTF-8), and
for GBK the pieces a decoder's breaks left after a run (:func:`gbk_pieces`)."""

from __future__ import annotations

import bisect
import codecs
import re
from functools import lru_cache

from .._common_chars import COMMON_HAN

# UTF-8 read as Windows-1252 (or Latin-1): each byte of a character became a character of its own, the lead byte
# one of "Â" to "ô" and each continuation byte one of cp1252's 0x80-0xBF (€ ‚ ƒ … ’ “ ” • – — ™ and U+00A0-00BF) or
# Latin-1's (C1 controls): "é" is "Ã©", "中" is "ä¸­", "привет" is "Ð¿Ñ€Ð¸Ð²ÐµÑ‚". The pattern takes whole
# sequences; :func:`cp1252_mojibake` checks that they read back as UTF-8.
# Each byte 0x80-0xFF as Windows-1252 reads it and as Latin-1 does (a C1 control for 0x80-0x9F): both readings occur.
_CP1252_BYTE = {bytes([b]).decode("cp1252", "ignore") or chr(b): b for b in range(0x80, 0x100)} | {
    chr(b): b for b in range(0x80, 0xA0)
}
_CONTINUATION = "".join(re.escape(c) for c, b in _CP1252_BYTE.items() if b < 0xC0)
_SEQUENCE = (
    f"[\u00c2-\u00df][{_CONTINUATION}]|[\u00e0-\u00ef][{_CONTINUATION}]{{2}}|[\u00f0-\u00f4][{_CONTINUATION}]{{3}}"
)
#: The characters a sequence of UTF-8 read as cp1252 opens with: its lead bytes C2-F4 read so ("Â" to "ô").
CP1252_LEADS = "".join(map(chr, range(0xC2, 0xF5)))
CP1252_PATTERN = (
    CP1252_LEADS,
    f"(?:(?<=[\u00c2-\u00df])[{_CONTINUATION}]|(?<=[\u00e0-\u00ef])[{_CONTINUATION}]{{2}}"
    f"|(?<=[\u00f0-\u00f4])[{_CONTINUATION}]{{3}})(?:{_SEQUENCE})*",
)


@lru_cache(maxsize=1)
def gbk_classes() -> tuple[str, str]:
    """Regex classes of UTF-8 read as GBK: the characters whose two GBK bytes are a UTF-8 lead of a CJK ideograph
    (E4-E9) and a continuation byte (80-BF), with which such a run of Chinese text opens (``浠`` is E4 BB, the first
    two bytes of ``今``), less the common Han among them (``琛``, ``岚``: text that holds them is not scanned for
    their sake; a run opening so is missed), and every character GBK writes in two bytes (the run)."""
    first, run = [], set()
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            try:
                char = bytes([lead, trail]).decode("gbk")
            except UnicodeDecodeError:
                continue
            run.add(ord(char))
            if 0xE4 <= lead <= 0xE9 and 0x80 <= trail <= 0xBF and char not in COMMON_HAN:
                first.append(char)
    return "".join(sorted(first)), _ranges(sorted(run))


def _ranges(points: list[int]) -> str:
    """A regex class's body for sorted code points, consecutive ones as ranges."""
    out, lo = [], points[0]
    for prev, point in zip(points, [*points[1:], -1]):
        if point != prev + 1:
            out.append(re.escape(chr(lo)) if lo == prev else f"{re.escape(chr(lo))}-{re.escape(chr(prev))}")
            lo = point
    return "".join(out)


def gbk_pattern() -> tuple[str, str]:
    """UTF-8 of CJK read as GBK (``今天天气`` as ``浠婂ぉ澶╂皵``): a run of two-byte GBK characters, opening with a
    character of :func:`gbk_classes`' first class after none of the run's (where the bytes are aligned), four
    characters at least; :func:`gbk_mojibake` checks that its bytes read back as UTF-8 of common Han."""
    first, run = gbk_classes()
    return first, f"(?<=[{first}])(?<![{run}][{first}])[{run}]{{3,}}"


def cp1252_mojibake(run: str) -> bool:
    """Whether characters the mojibake pattern took are UTF-8 read as Windows-1252: their bytes in it read back as
    UTF-8 (no overlong form, no surrogate), to two characters or more, or to one of a 3- or 4-byte sequence, or to
    one of Latin-1 from "Â" or "Ã" (``Ã©``, the commonest); a capital and a sign that merely read so (``É»``, in
    ``«ÉTÉ»``) are text."""
    try:
        decoded = bytes(_CP1252_BYTE[c] for c in run).decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return False
    return len(decoded) >= 2 or ord(decoded) >= 0x800 or run[0] in "ÂÃ"


def gbk_mojibake(run: str) -> bool:
    """Whether a run the GBK mojibake pattern took is UTF-8 read as GBK: its GBK bytes read as UTF-8 of common Han
    (:func:`_common_utf8`), two characters or more. Chinese text in GBK reads as no UTF-8 beyond a character or two."""
    try:
        return _common_utf8(run.encode("gbk"), 2)
    except UnicodeEncodeError:
        return False


def _common_utf8(data: bytes, least: int) -> bool:
    """Whether bytes read as UTF-8 (a sequence cut at the end allowed: its next byte went to a character a run does
    not hold) to ``least`` characters or more, half of them common Han."""
    try:
        decoded = codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return len(decoded) >= least and 2 * sum(char in COMMON_HAN for char in decoded) >= len(decoded)


def gbk_pieces(text: str, starts: list[int], ends: list[int], kinds: list[str]) -> list[tuple[int, int, str]]:
    """What of UTF-8 read as GBK its breaks left (``(start, end, kind)`` in ``text``): a GBK decoder that meets bytes
    it cannot read writes a U+FFFD or a "?" and goes on out of step, so a run the pattern found aligned
    (``mojibake_gbk``) is followed by breaks and pieces of characters that read as UTF-8 only a byte or two on.
    From each such run on, a "?" the junk pattern left (one alone) is junk, and each piece after a break, up to the
    next character GBK does not write in two bytes, is mojibake when its bytes, less one or two leading continuation
    bytes, read as UTF-8 of common Han; the stretch ends at anything but a break and a piece."""
    run = _gbk_run()
    edit_at = {start: (end, kind) for start, end, kind in zip(starts, ends, kinds)}
    out: list[tuple[int, int, str]] = []
    for end, kind in zip(ends, kinds):
        if kind != "mojibake_gbk":
            continue
        pos = end
        while True:
            broke = False
            while True:  # the breaks
                if pos in edit_at and edit_at[pos][1] == "junk":
                    pos = edit_at[pos][0]
                elif pos < len(text) and text[pos] == "?" and pos not in edit_at:
                    out.append((pos, pos + 1, "junk"))
                    pos += 1
                else:
                    break
                broke = True
            piece = run.match(text, pos) if broke and pos not in edit_at else None
            if piece is None:
                break
            stop = min(piece.end(), starts[bisect.bisect(starts, pos)] if starts[-1] > pos else len(text))
            if _gbk_fragment(text[pos:stop]):
                out.append((pos, stop, "mojibake_gbk"))
            pos = stop
    return out


@lru_cache(maxsize=1)
def _gbk_run() -> re.Pattern[str]:
    return re.compile(f"[{gbk_classes()[1]}]+")


def _gbk_fragment(piece: str) -> bool:
    """Whether a piece of two-byte GBK characters reads, less none, one or two leading continuation bytes, as UTF-8
    of common Han (:func:`_common_utf8`)."""
    data = piece.encode("gbk")
    skips = [skip for skip in range(3) if all(0x80 <= byte <= 0xBF for byte in data[:skip])]
    return any(_common_utf8(data[skip:], 1) for skip in skips)
