"""Legacy single-byte encodings — the Windows code pages, KOI8, DOS Cyrillic and ISO 8859 encodings of the Latin,
Cyrillic, Greek, Hebrew, Arabic and Thai scripts — accepted only when one reading is clearly text of a language.

Any byte string decodes in most of these encodings, so a reading is weighed by its non-ASCII characters:

- a reading in a Latin encoding must be in a language that encoding writes, told by the text's common short words
  (``de het een`` is Dutch; ``a v na je`` Czech or Slovak), whose alphabet holds its accented letters;
- a reading in another script must be made of that script's letters, in words of their own (``don’t`` read as DOS
  Cyrillic gives ``donТt``), with its most frequent letters most of them (Hebrew read as Cyrillic gives ``йшещмйн``);
- cased scripts read mostly in lower case (KOI8-R read as cp1251 inverts the case); no box drawing, control codes,
  stray symbols, or combining marks after nothing (an Italian ``è`` read as Thai is a lone tone mark).

A reading is taken when it leads every reading of a different text: two Latin readings that both pass (a short
Dutch text with ``ï`` alone reads as Slovak ``ď`` in cp1250 too) are ambiguous and refused — better refused than
written as mojibake.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

import numpy as np

# Per language: its non-ASCII letters (lower case; upper case derived) and common short words written in ASCII
# of two letters or more (their function words, as frequency lists give them; the accented ones left out, so that
# every Latin reading of a text finds the same). Western: cp1252 and ISO 8859-15; central: cp1250 and ISO 8859-2;
# Turkish: cp1254 and ISO 8859-9; Baltic: cp1257 and ISO 8859-13.
_GERMAN = ("äöüß", "der die das und ist nicht mit den von zu ein eine sich auf dem des auch es im")
_ALBANIAN = ("çë", "dhe nga nuk ka ky kjo duhet si me se mund")  # German and Albanian: in cp1252 and cp1250 alike
_LATIN_LANGUAGES: dict[str, dict[str, tuple[str, str]]] = {
    "western": {
        "en": ("éèêàçñïöü", "the and of to in is that for it with as was on are be this by not or from"),
        "fr": ("àâæçéèêëîïôœùûüÿ", "le la les de des et un une est dans pour que qui pas sur par au avec ce il"),
        "de": _GERMAN,
        "es": ("áéíñóúüªº", "el la los las de que en un una es por con para del se no al lo como"),
        "pt": ("áâãàçéêíóôõúªº", "os as de que do da em um uma para com por no na se dos nao"),
        "it": ("àèéìíîòóùúªº", "il la le di che un una per non in del della sono con si al lo gli"),
        "nl": ("áàéèëïíóöúü", "de het een van en in is dat op te zijn niet met voor die er aan als"),
        "ca": ("àçèéíïòóúüªº", "el la els les de que en un una per amb no es del al com"),
        "gl": ("áéíñóúüªº", "os as de que en un unha para con non do da se por"),
        "eu": ("ñ", "eta da ez ere bat du dira izan edo hau bere baina"),
        "da": ("æøåé", "og at det en er til af for med som den ikke de har"),
        "nb": ("æøåé", "og det er til at en som for med av ikke de har den"),
        "sv": ("åäöé", "och att det som en av med till den har inte om ett de"),
        "fi": ("äöåšž", "ja on ei se ovat tai kun mutta niin kuin jos ole voi"),
        "is": ("áðéíóúýþæö", "og er sem til um ekki en"),
        "sq": _ALBANIAN,
    },
    "central": {
        "pl": ("ąćęłńóśźż", "na nie do to jest jak od po tak co ale czy lub przez dla"),
        "cs": ("áčďéěíňóřšťúůýž", "se na je to do jak ale pro tak by jsou nebo jako podle"),
        "sk": ("áäčďéíĺľňóôŕšťúýž", "sa na je to do ako ale pre tak by su alebo podla"),
        "hu": ("áéíóöőúüű", "az es hogy nem egy is meg van de csak ez ki mint"),
        "sl": ("čšž", "in je da se na za so ki ne pa kot"),
        "hr": ("čćđšž", "je da se na za su ne od kao to ili"),
        "ro": ("ăâîșțşţ", "si de in la cu un nu pe ca se din este sau"),
        "sq": _ALBANIAN,
        "de": _GERMAN,
    },
    "turkish": {"tr": ("çğıöşüâîûİ", "bir ve bu da de ile ne ama gibi daha en her")},
    "baltic": {
        "lt": ("ąčęėįšųūž", "ir kad yra su tai ne bet kaip jo"),
        "lv": ("āčēģīķļņšūž", "un ir ka ar no uz par ne bet lai tas"),
        "et": ("äöõüšž", "ja on et ei see kui oma ning mis aga"),
    },
}
# The other scripts: their letters and marks, and their most frequent letters (from published frequency tables of
# Russian, Ukrainian and Belarusian, Greek, Hebrew, Arabic and Persian, Thai), most of the letters of prose.
_SCRIPTS = {
    "cyrillic": (((0x0400, 0x045F),), "оеаинтсрвлкмдпуіяызь"),
    "greek": (((0x0384, 0x03CE),), "αοιετσνηυρπκμλάέήίόύώς"),
    "hebrew": (((0x05B0, 0x05C7), (0x05D0, 0x05EA), (0x05F0, 0x05F4)), "יוהמלארבנתשעכםןך"),
    "arabic": (((0x060C, 0x06FF),), "اليمونرتبةعدسفهكقأیکشپگ"),
    "thai": (((0x0E01, 0x0E5B),), "านรอกเงมย่้ัิีลวดทสตะคไปบจขพแหชโใ"),
}
# The least share of Thai text's characters that are vowels and marks (about a third in prose).
MIN_THAI_VOWELS = 0.15
# Every group a reading is weighed as: the Latin encodings' languages and the other scripts.
PROSE_GROUPS: tuple[str, ...] = (
    "western",
    "central",
    "turkish",
    "baltic",
    "cyrillic",
    "greek",
    "hebrew",
    "arabic",
    "thai",
)
# Letters only Russian (and Belarusian) writes, and letters only Serbian and Macedonian write: not in one text.
_RUSSIAN_ONLY, _SOUTH_SLAVIC_ONLY = "ыэъ", "ђћџљњќѓѕј"
# Encodings tried, best first: the first that reads the winning text names it. Left out: Mac Cyrillic, which reads
# Russian cp1251 text as Russian with ``я`` → ``€`` and capitals → signs, too close to tell; DOS Western (cp437,
# cp850), whose accented letters are cp1252's quotes and capitals.
_CANDIDATES: tuple[tuple[str, str], ...] = (
    ("cp1252", "western"),
    ("cp1250", "central"),
    ("cp1251", "cyrillic"),
    ("koi8_r", "cyrillic"),
    ("koi8_u", "cyrillic"),
    ("cp1253", "greek"),
    ("cp1254", "turkish"),
    ("cp1257", "baltic"),
    ("cp1255", "hebrew"),
    ("cp1256", "arabic"),
    ("cp874", "thai"),
    ("iso8859_15", "western"),
    ("iso8859_2", "central"),
    ("iso8859_5", "cyrillic"),
    ("cp866", "cyrillic"),
    ("iso8859_7", "greek"),
    ("iso8859_9", "turkish"),
    ("iso8859_13", "baltic"),
    ("iso8859_4", "baltic"),
    ("iso8859_8", "hebrew"),
    ("iso8859_6", "arabic"),
)
# A reading may hold, of its non-ASCII characters, this share that are nothing prose writes (box drawing, controls,
# symbols, another script's letters, signs next to letters: "hard"), and this share of strays — hard or "soft":
# letters of another language of its encoding, a quoted word or name — or two, whichever is more.
MAX_HARD, MAX_SOFT, FEW_SOFT = 0.01, 0.03, 2
# The least share of the script's common letters a reading of a script without Latin letters needs; the lead the
# best reading needs over a reading of another script (within a script, and between Latin ones, a higher score does).
MIN_COMMON, MARGIN = 0.7, 0.2
# What ``guess_single_byte(loose=True)`` asks of such a reading instead: any number of letters, half of them common.
LOOSE_COMMON = 0.5
# The fewest letters a reading in a script without Latin letters needs (``РЕЧ`` in cp1251 is ``веп`` in KOI8-R).
MIN_LETTERS = 8
# A Latin reading whose fitting language is not one the text's short words tell scores this share: a Dutch text
# with ``ï`` reads as Slovak ``ď`` in cp1250, all Slovak letters, and as Dutch with a German ``ä`` in cp1252.
UNTOLD = 0.5
# What strays take off a score: a reading with fewer wins a tie (within a script, ISO 8859-7 Greek read as cp1253
# turns a quote into ``΅``).
TIE = 0.01
# The least stopword hits that name a text's language, and the share of the best language's hits another needs to
# be named with it.
MIN_HITS, NEAR_HITS = 3, 0.3
# With fewer non-ASCII bytes than this, a file in no language its short words tell is read only when no two readings
# of it pass.
FEW_HIGH = 8
# With fewer non-ASCII bytes than this, a reading of a script that falls short of :data:`MIN_COMMON` but reaches
# :data:`LOOSE_COMMON` contests the best reading, when that is of a script too, as a passing one does.
FEW_LETTERS = 16
_SYMBOLS = "°©®™№§´`"  # not ± × ÷ µ: GBK full-width ``１`` read as cp1252 is ``£±``
# What may stand next to a letter besides letters and ASCII: between two (apostrophes, the Catalan middle dot,
# dashes, the Hebrew maqaf, format characters), before one (opening quotes, Spanish's inverted marks, currency signs),
# after one (closing quotes, the ellipsis, signs). Any other non-ASCII character next to a letter is a letter read
# wrongly: ``wiązać`` in ISO 8859-2 read as cp1252 is ``wi±zaæ``, ``Άλλος`` in cp1253 read as ISO 8859-7 ``’λλος``.
_FORMAT = "\u00ad\u200c\u200d\u200e\u200f"  # the soft hyphen, the (non-)joiners of Persian, the direction marks
# Hebrew's geresh and gershayim stand in abbreviations, inside a word (``צה״ל``, ``ג׳ורג׳``), or the geresh after it.
_GERESH, _GERSHAYIM = "\u05f3", "\u05f4"
_BETWEEN = "’´`ʼ·–—\u05be" + _GERESH + _GERSHAYIM + _FORMAT
_OPENING = "‘“”„‚«»‹›¿¡–—€£¥" + _FORMAT  # ’ opens none here (``’λλος`` is not Greek)
# ” opens Swedish and Finnish quotes before a capital (``”Det``); before a small letter it is a DOS ``ö`` in cp1252
_OPENS_CAPITALS = "”"
# Arabic's comma, semicolon and question mark (cp1256, ISO 8859-6; Persian's too) end a word as ``,;?`` do: Arabic
# prose with more than one comma in a hundred letters was refused (a comma after a word counted as a wrong reading).
_ARABIC_PUNCTUATION = "\u060c\u061b\u061f"
_CLOSING = "’”“‘»«›‹…–—°™®©" + _GERESH + _ARABIC_PUNCTUATION + _FORMAT
_WORDS = re.compile(r"[^\W\d_]+")
_LOWER, _UPPER, _OTHER_LETTER, _MARK = 1, 2, 3, 4
_TEXT_CONTROLS = np.zeros(0x20, dtype=bool)
_TEXT_CONTROLS[[0x09, 0x0A, 0x0C, 0x0D]] = True  # tab, line feed, form feed, carriage return
SAMPLE_BYTES = 1 << 20


@lru_cache(maxsize=1)
def _tables() -> tuple[np.ndarray, np.ndarray]:
    """uint8 ``[0x10000]`` character classes (lower, upper, other letter, mark, 0 the rest) and bool ``[0x10000]``
    punctuation (with currency signs, spaces, decimal digits, the soft hyphen, bidirectional and joining controls, and
    :data:`_SYMBOLS`)."""
    codes = {
        "Ll": _LOWER,
        "Lu": _UPPER,
        "Lt": _UPPER,
        "Lo": _OTHER_LETTER,
        "Lm": _OTHER_LETTER,
        "Mn": _MARK,
    }
    categories = [unicodedata.category(chr(c)) for c in range(0x10000)]
    classes = np.fromiter((codes.get(c, 0) for c in categories), dtype=np.uint8, count=0x10000)
    punctuation = np.fromiter(  # and digits: of the single-byte encodings' non-ASCII ones, cp874's Thai (``๕,๐๐๐``)
        (c[0] == "P" or c in ("Sc", "Zs", "Nd") for c in categories),
        dtype=bool,
        count=0x10000,
    )
    punctuation[[ord(c) for c in _SYMBOLS + _FORMAT]] = True
    return classes, punctuation


@cache
def _table(chars: str, with_ascii: bool = False) -> np.ndarray:
    """bool ``[0x10000]``: ``chars`` (and ASCII with ``with_ascii``)."""
    table = np.zeros(0x10000, dtype=bool)
    table[:0x80] = with_ascii
    table[[ord(c) for c in chars]] = True
    return table


def _alphabet(letters: str) -> np.ndarray:
    """bool ``[0x10000]``: ``letters`` and their upper case."""
    return _table("".join(c for c in letters + letters.upper() if len(c) == 1))  # ``ß``'s upper case is two


@cache
def _script(group: str) -> np.ndarray:
    table = np.zeros(0x10000, dtype=bool)
    for low, high in _SCRIPTS[group][0]:
        table[low : high + 1] = True
    return table


def text_languages(text: str) -> frozenset[str]:
    """The Latin-script languages whose common short words ``text`` holds most: at least :data:`MIN_HITS`, and
    :data:`NEAR_HITS` of the best one's (a word in ``k`` languages' lists counts ``1 / k`` for each: Dutch's ``de``
    is French's, Spanish's and Hungarian's too). Empty when none is told."""
    counts: dict[str, int] = {}
    for word in _WORDS.findall(text.lower()):
        if word.isascii():  # a word with another letter is no ASCII stopword, whatever the reading
            counts[word] = counts.get(word, 0) + 1
    hits: dict[str, float] = {}
    for word, languages in _stopwords().items():
        for language in languages:
            hits[language] = hits.get(language, 0.0) + counts.get(word, 0) / len(languages)
    best = max(hits.values(), default=0.0)
    if best < MIN_HITS:
        return frozenset()
    return frozenset(language for language, n in hits.items() if n >= NEAR_HITS * best)


@lru_cache(maxsize=1)
def _stopwords() -> dict[str, frozenset[str]]:
    """Each common short word of :data:`_LATIN_LANGUAGES`, with the languages that list it."""
    languages: dict[str, set[str]] = {}
    for group in _LATIN_LANGUAGES.values():
        for language, (_, words) in group.items():
            for word in words.split():
                languages.setdefault(word, set()).add(language)
    return {word: frozenset(names) for word, names in languages.items()}


@dataclass(frozen=True)
class _Reading:
    """What weighing a reading reads of it, over its code points (all arrays ``[n]``).

    Attributes
    ----------
    cps : np.ndarray
        uint32, every code point below 0x10000.
    high : np.ndarray
        bool: not ASCII.
    classes : np.ndarray
        uint8: :func:`_tables`' classes.
    punctuation : np.ndarray
        bool.
    wrong : np.ndarray
        bool: a sign next to a letter that may not stand there, a capital right after a small letter
        (``обращаетсЯ``), a combining mark after no letter (an Italian ``è`` read as a Thai tone mark).
    with_plain : np.ndarray
        bool: in a word that holds an ASCII letter.
    alone : int
        Non-ASCII letters in words of three or more made of them alone (``Ìîñêâà``: Cyrillic read as Latin).
    """

    cps: np.ndarray
    high: np.ndarray
    classes: np.ndarray
    punctuation: np.ndarray
    wrong: np.ndarray
    with_plain: np.ndarray
    alone: int

    @classmethod
    def of(cls, cps: np.ndarray) -> _Reading:
        classes_table, punctuation_table = _tables()
        between, opening, closing = (_table(chars, with_ascii=True) for chars in (_BETWEEN, _OPENING, _CLOSING))
        classes, high = classes_table[cps], cps >= 0x80
        in_word = classes > 0
        word = np.cumsum(~in_word)  # each character's word: how many non-letters come before it
        plain = np.bincount(word[in_word & ~high], minlength=int(word[-1]) + 1)
        accented = np.bincount(word[in_word & high], minlength=int(word[-1]) + 1)
        before = np.concatenate(([0], classes[:-1]))
        after = np.concatenate((classes[1:], [0]))
        letter_before, letter_after = (before > 0) & (before != _MARK), (after > 0) & (after != _MARK)
        wrong = ~in_word & (
            (letter_before & letter_after & ~between[cps])
            | (letter_after & ~letter_before & ~opening[cps])
            | (letter_before & ~letter_after & ~closing[cps])
        )
        high_before = np.concatenate(([False], high[:-1]))
        wrong |= (high | high_before) & (classes == _UPPER) & (before == _LOWER)  # ``ťD``: not ASCII camel case
        wrong |= _table(_OPENS_CAPITALS)[cps] & (after == _LOWER) & ~letter_before
        wrong |= (classes == _MARK) & (before == 0)
        wrong |= ((cps < 0x20) & ~_TEXT_CONTROLS[np.minimum(cps, 0x1F)]) | (cps == 0x7F)  # control codes
        alone = int(accented[(plain == 0) & (accented >= 3)].sum())
        return cls(cps, high, classes, punctuation_table[cps], wrong, in_word & (plain[word] > 0), alone)

    def strays(self, ours: np.ndarray, hard: np.ndarray, soft: np.ndarray) -> float | None:
        """The share of the non-ASCII characters that are strays (hard or soft), or None for too many of them
        (:data:`MAX_HARD`, :data:`MAX_SOFT`) or for ``ours`` (bool ``[n]``, the language's letters) mostly
        capitals (a case-inverting reading; caseless scripts count neither)."""
        n_high, n_hard = int(np.count_nonzero(self.high)), int(np.count_nonzero(hard))
        n_strays = n_hard + int(np.count_nonzero(soft))
        if n_hard > MAX_HARD * n_high or n_strays > max(FEW_SOFT, MAX_SOFT * n_high):
            return None
        cases = self.classes[ours]
        if np.count_nonzero(cases == _UPPER) > np.count_nonzero(cases == _LOWER) + 2:
            return None
        return n_strays / n_high


def reading_score(
    text: str, group: str, languages: frozenset[str] = frozenset(), min_letters: int = MIN_LETTERS
) -> float:
    """How clearly ``text`` (a reading of bytes) is prose of a language of ``group``: 0 when it is not (see the
    module); else for the other scripts the share of its letters that are the script's common ones, for a Latin
    group 1 (:data:`UNTOLD` when the language that fits is none of ``languages``, :func:`text_languages` of the
    text) less a share of its non-ASCII characters that are strays. 1.0 for a text without non-ASCII characters.
    ``min_letters``: the fewest letters a reading of a script without Latin letters needs."""
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    if not np.any(cps >= 0x80):
        return 1.0
    if cps.max() >= 0x10000:
        return 0.0
    reading = _Reading.of(cps)
    if group in _SCRIPTS:
        return _script_score(reading, group, min_letters)
    return _latin_score(reading, group, languages)


def _script_score(reading: _Reading, group: str, min_letters: int) -> float:
    ours = _script(group)[reading.cps] & (reading.classes > 0) & ~reading.wrong
    hard = (reading.high & ~(ours | reading.punctuation)) | reading.wrong
    hard |= ours & reading.with_plain  # the script's letters in a word with ASCII letters: ``donТt``
    if group == "thai":
        hard |= _thai_misplaced(reading.cps)
    if group == "arabic":
        hard |= _tanween_misplaced(reading.cps)
    if group == "cyrillic":  # Serbian's and Macedonian's own letters in Russian text (``Џрограммы``: Mac Cyrillic)
        russian = _alphabet(_RUSSIAN_ONLY)[reading.cps]
        if russian.any():
            hard |= _alphabet(_SOUTH_SLAVIC_ONLY)[reading.cps]
    strays = reading.strays(ours, hard, np.zeros_like(hard))
    if strays is None:
        return 0.0
    letters = reading.cps[ours & (reading.classes != _MARK)]
    if letters.size < min_letters:  # too few to tell (punctuation alone is the Latin readings' to read)
        return 0.0
    return float(np.count_nonzero(_alphabet(_SCRIPTS[group][1])[letters])) / letters.size - TIE * strays


def _thai_misplaced(cps: np.ndarray) -> np.ndarray:
    """bool ``[n]``: Thai vowels and marks where Thai spelling never has them — a vowel or tone mark above or below, or
    ``ะ า ำ``, not after a consonant or such a mark; a leading vowel (``เ แ โ ใ ไ``) not before a consonant; a Thai
    digit next to a letter, vowel or mark — and every Thai character of a text with vowels for fewer than
    :data:`MIN_THAI_VOWELS` of them (GBK ``范、中专`` read as cp874 is ``ทถกขึะืจปนาช``, Big5 ``１６８８３３`` is
    ``ขฐขตขทขทขฒขฒ``)."""
    consonant = (cps >= 0x0E01) & (cps <= 0x0E2E)
    mark = (cps == 0x0E31) | ((cps >= 0x0E34) & (cps <= 0x0E3A)) | ((cps >= 0x0E47) & (cps <= 0x0E4E))
    following = np.isin(cps, (0x0E30, 0x0E32, 0x0E33, 0x0E45))
    leading = (cps >= 0x0E40) & (cps <= 0x0E44)
    after_base = np.concatenate(([False], consonant[:-1] | mark[:-1]))
    before_consonant = np.concatenate((consonant[1:], [False]))
    misplaced = ((mark | following) & ~after_base) | (leading & ~before_consonant)
    misplaced[-1:] &= ~leading[-1:]  # a text cut after one (``…หนังสือไ``): read as GB18030 before, on weak evidence
    # Thai digits stand apart from words (``๕,๐๐๐ บาท``, ``฿๑๐๐``); GBK ``增`` read as cp874 is ``ิ๖``.
    spelled = (cps >= 0x0E01) & (cps <= 0x0E4E) & (cps != 0x0E3F)  # not the baht sign
    misplaced |= ((cps >= 0x0E50) & (cps <= 0x0E59)) & (
        np.concatenate(([False], spelled[:-1])) | np.concatenate((spelled[1:], [False]))
    )
    thai = (cps >= 0x0E01) & (cps <= 0x0E5B)
    if np.count_nonzero(mark | following | leading) < MIN_THAI_VOWELS * np.count_nonzero(thai):
        misplaced |= thai
    return misplaced


def _tanween_misplaced(cps: np.ndarray) -> np.ndarray:
    """bool ``[n]``: a tanween (``ً ٌ ٍ``) before a letter of the word — it ends a word, and fathatan may stand
    before a final alef (``شكرًا``) or alef maqsura (``هدًى``) only. cp1256's ``ي`` and ``ى`` are ISO 8859-6's kasratan
    and dammatan: Arabic cp1256 read as ISO 8859-6 puts them inside words (``رئيس`` is ``رئٍس``)."""
    tanween = (cps >= 0x064B) & (cps <= 0x064D)
    following = np.concatenate((cps[1:], [0]))
    letter = ((following >= 0x0621) & (following <= 0x064A) & (following != 0x0640)) | (
        (following >= 0x0671) & (following <= 0x06D3)
    )
    final_alef = (cps == 0x064B) & ((following == 0x0627) | (following == 0x0649))
    return tanween & letter & ~final_alef


def _latin_score(reading: _Reading, group: str, languages: frozenset[str]) -> float:
    n_high = int(np.count_nonzero(reading.high))
    in_words = reading.classes > 0
    accented, plain = np.count_nonzero(in_words & reading.high), np.count_nonzero(in_words & ~reading.high)
    if 2 * reading.alone > n_high or max(accented, n_high) > plain:
        return 0.0  # Latin prose is mostly ASCII letters (Czech too), its accented ones inside words of them
    named = _LATIN_LANGUAGES[group]
    union = _alphabet("".join(letters for letters, _ in named.values()))[reading.cps] & reading.high
    fits = []
    for language, (letters, _) in named.items():
        ours = _alphabet(letters)[reading.cps] & reading.high
        soft = union & ~ours & ~reading.punctuation
        fits.append((language not in languages, int(np.count_nonzero(soft)), language, ours, soft))
    for untold, _, _, ours, soft in sorted(fits, key=lambda fit: fit[:3]):
        hard = (reading.high & ~(ours | soft | reading.punctuation)) | reading.wrong
        strays = reading.strays(ours, hard, soft)
        if strays is not None:  # a told language first, then the fewest strays
            return (UNTOLD if untold else 1.0) - UNTOLD * (1 - TIE) * strays
    return 0.0


def is_prose(text: str) -> bool:
    """Whether ``text`` reads as prose of a language of any group (:func:`reading_score`, as a single-byte reading
    must: a Latin group's above 0, another script's at least :data:`MIN_COMMON`); its characters weighed once."""
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    if not np.any(cps >= 0x80):
        return True
    if cps.max() >= 0x10000:
        return False
    reading, languages = _Reading.of(cps), text_languages(text)
    return any(_latin_score(reading, group, languages) > 0 for group in _LATIN_LANGUAGES) or any(
        _script_score(reading, group, MIN_LETTERS) >= MIN_COMMON for group in _SCRIPTS
    )


class Guess(NamedTuple):
    """A single-byte reading of a file: its text, its encoding and its score (:func:`reading_score`)."""

    text: str
    encoding: str
    score: float


#: What :func:`guess_single_byte` gives when two readings are prose alike (its fields empty).
AMBIGUOUS = Guess("", "", 0.0)


def guess_single_byte(data: bytes, loose: bool = False) -> Guess | None:
    """The reading of bytes in a legacy single-byte encoding, judged on the first :data:`SAMPLE_BYTES` (to a line
    end): None when no reading is prose, :data:`AMBIGUOUS` when two are alike.

    The readings among :data:`_CANDIDATES` that pass (:func:`reading_score`; a script without Latin letters needs
    :data:`MIN_COMMON`) are ranked by score; the best is taken when it leads every reading of a different text:
    within one script or between two Latin ones by a higher score (in a language the text's short words tell, with
    fewer strays); otherwise by :data:`MARGIN`. With fewer than :data:`FEW_HIGH` non-ASCII bytes and no language
    told, by being the only one; with fewer than :data:`FEW_LETTERS`, a reading of a script that reaches
    :data:`LOOSE_COMMON` contests a best reading of a script as a passing one does. The first encoding that reads the
    text names it. ``loose``: with any number of letters, :data:`LOOSE_COMMON` of them common (whether a short text
    could be such prose at all: KOI8-R ``це.`` is GB18030 ``门.``).
    """
    sample = data if len(data) <= SAMPLE_BYTES else data[: data.rfind(b"\n", 0, SAMPLE_BYTES) + 1 or SAMPLE_BYTES]
    languages = text_languages(sample.decode("latin-1"))
    readings: dict[str, tuple[float, int, str, str]] = {}  # text: score, rank, encoding, group
    doubts: dict[str, tuple[float, int, str, str]] = {}  # readings of a script that might be prose, not surely
    for rank, (encoding, group) in enumerate(_CANDIDATES):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = reading_score(text, group, languages, 1 if loose else MIN_LETTERS)
        sure = score > 0 and (group not in _SCRIPTS or score >= (LOOSE_COMMON if loose else MIN_COMMON))
        if sure or (group in _SCRIPTS and score >= LOOSE_COMMON):
            kept = readings if sure else doubts
            known = kept.get(text)
            kept[text] = (max(score, known[0]), *known[1:]) if known else (score, rank, encoding, group)
    if not readings:
        return None
    ranked = sorted(readings.values(), key=lambda r: (-r[0], r[1]))
    score, _, encoding, group = ranked[0]
    high = np.count_nonzero(np.frombuffer(sample, np.uint8) >= 0x80)
    if len(ranked) > 1 and score <= UNTOLD and high < FEW_HIGH:
        return AMBIGUOUS  # a few characters that read as prose two ways, in no language told: ``“`` and ``´`` alike
    contest = ranked[1:]
    if high < FEW_LETTERS and group in _SCRIPTS:  # a reading that might be prose contests a short one of a script
        contest += [reading for text, reading in doubts.items() if text not in readings]  # (``осок чми щм``: Hebrew)
    for other, _, _, other_group in contest:
        latin = group not in _SCRIPTS and other_group not in _SCRIPTS
        if score - other < (0.0 if latin or other_group == group else MARGIN) or score == other:
            return AMBIGUOUS  # two readings fit as well
    try:
        return Guess(data.decode(encoding), encoding, score)
    except UnicodeDecodeError:
        return None
