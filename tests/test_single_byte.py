"""Files in legacy single-byte encodings (dedup.io.single_byte): read when one reading is clearly prose of a language,
refused otherwise — never written as mojibake. The paragraphs of ``fixtures/legacy_text.json`` are the project's own
(one news item in 24 languages)."""

from __future__ import annotations

import codecs
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.io.base import Decoded
from dedup.io.decode import decode_text
from dedup.io.single_byte import _CANDIDATES, SAMPLE_BYTES, reading_score, text_languages

TEXTS: dict[str, str] = json.loads((Path(__file__).parent / "fixtures" / "legacy_text.json").read_text("utf-8"))
CODE_PAGE = {
    **dict.fromkeys(("fr", "de", "es", "pt", "it", "nl", "sv", "da"), "cp1252"),
    **dict.fromkeys(("pl", "cs", "hu", "ro", "hr"), "cp1250"),
    **dict.fromkeys(("ru", "uk", "bg", "sr"), "cp1251"),
    "el": "cp1253",
    "tr": "cp1254",
    "he": "cp1255",
    "ar": "cp1256",
    "fa": "cp1256",
    "lt": "cp1257",
    "th": "cp874",
}
GROUP = dict(_CANDIDATES)


def test_every_paragraph_has_its_code_page() -> None:
    assert sorted(CODE_PAGE) == sorted(TEXTS)


@pytest.mark.parametrize("language", sorted(CODE_PAGE))
def test_a_paragraph_in_its_windows_code_page_is_read_exactly(language: str) -> None:
    decoded = decode_text(TEXTS[language].encode(CODE_PAGE[language]))
    assert decoded == Decoded(TEXTS[language], CODE_PAGE[language], True)


@pytest.mark.parametrize(
    ("language", "encoding", "named"),
    [
        ("ru", "koi8_r", "koi8-r"),
        ("uk", "koi8_u", "koi8-u"),
        ("ru", "cp866", "cp866"),
        ("ru", "iso8859_5", "iso8859-5"),
        ("bg", "iso8859_5", "iso8859-5"),
        ("el", "iso8859_7", "iso8859-7"),
        ("tr", "iso8859_9", "iso8859-9"),
        ("pl", "iso8859_2", "iso8859-2"),
        ("cs", "iso8859_2", "iso8859-2"),
        ("lt", "iso8859_13", "iso8859-13"),
    ],
)
def test_dos_koi8_and_iso_encodings_are_read_exactly(language: str, encoding: str, named: str) -> None:
    """With ASCII quotes and dashes (the ISO and DOS encodings have none of the typographic ones)."""
    text = TEXTS[language].translate(str.maketrans("«»„“”—–", '"""""--'))
    data = text.encode(encoding)
    decoded = decode_text(data)
    assert isinstance(decoded, Decoded) and decoded.text == text
    assert decoded.encoding == named or data.decode(decoded.encoding) == text  # cp1254 reads ISO 8859-9 Turkish so


WRITTEN_IN = {
    language: [encoding for encoding, group in _CANDIDATES if group == GROUP[CODE_PAGE[language]]]
    for language in CODE_PAGE
}


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(TEXTS)), st.data(), st.integers(0, 400), st.integers(40, 400))
def test_a_file_is_read_as_written_or_refused(language: str, data: st.DataObject, start: int, length: int) -> None:
    """Any piece of a paragraph in any encoding of its script that the guess tries: its text, or refused.
    Characters the encoding lacks are written as ``?``."""
    encoding = data.draw(st.sampled_from(WRITTEN_IN[language]))
    text = TEXTS[language]
    # A file starts at a letter: not at a mark, nor at a Thai vowel that follows its consonant (``า``, whose bytes
    # open GBK's ``一 业 也 要``: a piece of Thai opening with it may read as Chinese).
    dependent = "\u0e30\u0e32\u0e33\u0e45"
    while start < len(text) and (unicodedata.category(text[start]) == "Mn" or text[start] in dependent):
        start += 1
    written = text[start : start + length].encode(encoding, "replace")
    decoded = decode_text(written)
    assert isinstance(decoded, str) or decoded.text == written.decode(encoding)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(TEXTS)), st.integers(0, 10**6), st.sampled_from([b"\xe9", b"\xff", b"\xc0", b"\x80"]))
def test_utf8_with_a_stray_byte_is_refused(language: str, where: int, stray: bytes) -> None:
    """Never read as GB18030 or a code page (until 2026-12-07 German UTF-8 with one stray byte was
    ``眉berpr眉fen``), and said to be damaged UTF-8 when eight of its characters or more decode."""
    data = TEXTS[language].encode("utf-8")
    cut = where % len(data)
    decoded = decode_text(data[:cut] + stray + data[cut:])
    assert isinstance(decoded, str)
    if sum(not c.isascii() for c in TEXTS[language]) >= 9:
        assert "a damaged UTF-8 file?" in decoded


def test_arabic_punctuation_and_tanween_read_as_written() -> None:
    """Arabic's comma, semicolon and question mark end a word (prose with more than one comma in a hundred letters
    was refused); a tanween ends one, so Arabic cp1256 read as ISO 8859-6, which makes ``ي`` and ``ى`` kasratan and
    dammatan inside words, is no Arabic (a 40-character piece of the paragraph was read so: hypothesis found it)."""
    plain = "قال المدير: شكرا جزيلا، هذا كتاب جديد ومفيد جدا للطلاب في المدرسة، ونرجو أن يكون مفيدا لكم؟ نعم؛ بالتأكيد."
    marked = "قال المدير: شكرًا جزيلًا، هذا كتابٌ جديدٌ ومفيدٌ جدًا للطلاب في المدرسة، ونرجو أن يكون مفيدًا لكم."
    persian = "كتابخانه شهر، پس از سه ماه تعميرات، روز دوشنبه باز مي\u200cشود؟ بله؛ دانش\u200cآموزان همسايه شادند."
    both = ("cp1256", "iso8859_6")
    for text, encodings in ((plain, both), (marked, both), (persian, ("cp1256",))):
        for encoding in encodings:
            assert decode_text(text.encode(encoding)) == Decoded(text, codecs.lookup(encoding).name, True)
    piece = TEXTS["ar"][140:180]
    assert decode_text(piece.encode("cp1256")) == Decoded(piece, "cp1256", True)
    assert reading_score(piece.encode("cp1256").decode("iso8859_6"), "arabic") == 0  # ``رئٍس``


def test_hebrew_abbreviations_and_thai_numbers_read_as_written() -> None:
    """Hebrew's gershayim and geresh in and after a word (``צה״ל``, ``ג׳``) and Thai's own digits apart from words
    (``๕,๐๐๐ บาท``) are the languages' own (such prose was refused); a Thai digit against a letter is not (GBK
    ``增`` read as cp874 is ``ิ๖``: the six characters stay Chinese)."""
    hebrew = "צה״ל הודיע היום כי ח״כ לשעבר ד״ר כהן ז״ל ייקבר מחר. ג׳ורג׳ אמר: זה צעד חשוב – כך נמסר."
    thai = "ประชาชนจะได้รับเงินช่วยเหลือคนละ ๕,๐๐๐ บาท ราคา ฿๑๐๐ นายกรัฐมนตรีกล่าวว่า นี่เป็นก้าวสำคัญ"
    assert decode_text(hebrew.encode("cp1255")) == Decoded(hebrew, "cp1255", True)
    assert decode_text(thai.encode("cp874")) == Decoded(thai, "cp874", True)
    chinese = "、外来人口增"
    assert decode_text(chinese.encode("gbk")) == Decoded(chinese, "gb18030", True, 1.0)


@pytest.mark.parametrize("encoding", ["cp1255", "iso8859_8"])
def test_a_few_letters_that_nearly_read_as_their_script_are_refused(encoding: str) -> None:
    """Nine Hebrew letters among English messages, six of them common (short of the 70 % a reading needs), read as
    cp1251 ``осок чми щм``, seven of nine: with so few letters the near miss contests it, and the file is refused."""
    text = "A short description for the shortcut\nמסמך קלט של Troff MM\nThe desired width of the button widget."
    assert isinstance(decode_text(text.encode(encoding)), str)


def test_thai_cut_after_a_leading_vowel_is_not_read_as_chinese_or_korean() -> None:
    """Pieces of Thai that end on a vowel written before its consonant (``…หนังสือไ``: the word goes on past the cut)
    were read as GB18030 or cp949 on weak evidence: 33 of the paragraph's pieces of 40–60 characters."""
    for start, length in ((96, 40), (84, 52), (112, 42), (149, 53)):
        piece = TEXTS["th"][start : start + length]
        decoded = decode_text(piece.encode("cp874"))
        assert isinstance(decoded, str) or decoded.text == piece


def test_what_gives_a_wrong_reading_away() -> None:
    russian = "Москва, 3 декабря. Правительство объявило о новых мерах."
    assert reading_score(russian, "cyrillic") > 0.7
    assert reading_score(russian.encode("koi8_r").decode("cp1251"), "cyrillic") == 0  # mostly capitals
    assert reading_score(russian.encode("cp1251").decode("cp1252"), "western") == 0  # accented letters alone
    assert reading_score("Quanto è bello, è vero, è così.".encode("cp1252").decode("cp874"), "thai") == 0  # a mark
    polish = "Zażółć gęślą jaźń, powiedział wiązać."
    assert (
        reading_score(polish, "central") > 0
        and reading_score(polish.encode("iso8859_2").decode("cp1252"), "western") == 0
    )
    hebrew = "הספרייה העירונית תיפתח מחדש ביום שני אחרי שלושה חודשי שיפוצים."
    assert reading_score(hebrew, "hebrew") > 0.7
    assert reading_score(hebrew.encode("cp1255").decode("cp1251"), "cyrillic") < 0.7  # rare letters: ``йшещмйн``
    english = "I don’t know why, it’s fine, they’re here."
    assert reading_score(english.encode("cp1252").decode("cp866"), "cyrillic") == 0  # ``donТt``
    assert decode_text(english.encode("cp1252")) == Decoded(english, "cp1252", True)


def test_the_short_words_tell_the_language() -> None:
    assert text_languages(TEXTS["nl"]) == {"nl"}
    assert text_languages(TEXTS["de"]) == {"de"}
    assert text_languages("Zażółć gęślą jaźń.") == frozenset()  # too few to tell


def test_too_little_to_tell_is_refused() -> None:
    assert isinstance(decode_text("Да, мир.".encode("cp1251")), str)  # 6 letters; KOI8-R: ``дЮ, ЛХП.``
    assert codecs.lookup(decode_text("Да, это мир и дом.".encode("cp1251")).encoding).name == "cp1251"


NEWS = (Path(__file__).parent / "fixtures" / "peoples_daily_sample.txt").read_text("utf-8").split("\n")


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(NEWS) - 1), st.integers(0, 100), st.integers(1, 60), st.sampled_from(["gbk", "gb18030"]))
def test_short_chinese_is_read_as_chinese_or_refused(line: int, start: int, length: int, encoding: str) -> None:
    """The single-byte readings never take Chinese bytes; a few CJK characters whose bytes could be a short word of
    another script (KOI8-R ``це.`` is GB18030 ``门.``) are refused."""
    text = NEWS[line][start : start + length]
    data = text.encode(encoding)
    try:
        data.decode("utf-8")
        return  # valid UTF-8 too (``委`` in GBK is ``ί``): read as such, whatever else it is
    except UnicodeDecodeError:
        pass
    decoded = decode_text(data)
    assert isinstance(decoded, str) or decoded.text == text


@pytest.mark.parametrize("language", ["ru", "fr", "ar", "el", "th", "pl", "he"])
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read_as_prose_of_its_script(language: str, encoding: str) -> None:
    """Only CJK text was: Russian, French or Arabic in BOM-less UTF-16 was a "binary file" until 2026-12-07."""
    assert decode_text(TEXTS[language].encode(encoding)) == Decoded(TEXTS[language], encoding, True)


def test_binary_data_stays_binary() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00" * 40
    assert isinstance(decode_text(png), str) and decode_text(png).startswith("binary file")


def test_utf16_over_the_sampled_megabyte_is_judged_on_it_and_read_whole() -> None:
    text = "\n".join(TEXTS[language] for language in ("ru", "uk", "bg")) * 1500
    data = text.encode("utf-16-le")
    assert len(data) > 2 * SAMPLE_BYTES
    assert decode_text(data) == Decoded(text, "utf-16-le", True)


def test_utf8_damaged_after_the_sampled_megabyte_is_refused_as_damaged() -> None:
    """The damage is judged on the first megabyte, as the encodings are: one that is UTF-8 says so."""
    lines = (TEXTS["de"] + "\n").encode("utf-8") * (2 * SAMPLE_BYTES // len(TEXTS["de"]))
    decoded = decode_text(lines + b"\xe9" + lines[:100])
    assert isinstance(decoded, str) and "(a damaged UTF-8 file? the " in decoded
    assert "characters of its first megabyte decode, later bytes do not" in decoded
