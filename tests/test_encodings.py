"""Legacy encodings guessed by evidence: Chinese, Japanese and Korean readings, escape-switched encodings."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dedup.io import decode_text, script_shares
from dedup.io.decode import common_share

FIXTURES = Path(__file__).resolve().parent / "fixtures"

JAPANESE = (
    "政府は中小企業への新たな支援策を発表した。財務大臣は、来月一日から制度を開始し、一万社以上を対象とすると述べた。"
)
KOREAN = (
    "정부는 중소기업을 위한 새로운 지원 대책을 발표했다. "
    "재정부 장관은 다음 달 1일부터 제도를 시작하며 만 개 이상의 기업이 대상이 될 것이라고 밝혔다."
)
# One word a line, as in a glossary or a list of names: no spaces, but a line break between words.
KOREAN_WORDS = "\n".join(["바타크어", "만주어", "코모로", "마요트", "뉴저지", "아일랜드어", "몽골어", "스와힐리어"])
CHINESE = "这是一段用来检验编码识别的中文文字，看看能否原样读出来。"


@pytest.mark.parametrize(
    ("text", "encoding", "read_as"),
    [
        (JAPANESE, "shift_jis", "cp932"),
        (JAPANESE, "cp932", "cp932"),
        (JAPANESE, "euc_jp", "euc_jp"),
        (JAPANESE, "iso2022_jp", "iso2022_jp_2"),
        (KOREAN, "euc_kr", "cp949"),
        (KOREAN, "cp949", "cp949"),
        (KOREAN, "iso2022_kr", "iso2022_kr"),
        (KOREAN_WORDS, "euc_kr", "cp949"),
        (CHINESE, "gbk", "gb18030"),
        (CHINESE, "hz", "hz"),
    ],
)
def test_east_asian_encodings_are_read_exactly(text: str, encoding: str, read_as: str) -> None:
    decoded = decode_text(text.encode(encoding))
    assert not isinstance(decoded, str), decoded
    assert (decoded.text, decoded.encoding, decoded.detected) == (text, read_as, True)
    assert decoded.evidence is not None and decoded.evidence >= 0.8


def test_a_chinese_word_list_is_not_read_as_korean() -> None:
    """Read as EUC-KR, Chinese GBK bytes are Hangul, and a word list has a line break between words:
    only the syllables' commonness tells the readings apart (``홍벌`` for 全国 is common, most are not)."""
    words = "\n".join(["全国", "平均", "北京", "代表团", "市场", "质量", "规模", "教育", "学院", "加拿大"])
    data = words.encode("gbk")
    assert 0.5 < script_shares(data.decode("cp949"))["ko"] < 0.8
    assert decode_text(data).text == words


def test_korean_is_not_read_as_chinese_mojibake() -> None:
    """EUC-KR Hangul occupy the bytes of GB2312's common Han characters: read as GB18030, a Korean word list
    looks half Chinese (官鸥农绢 …, 69 % common); it used to be taken for GB18030."""
    data = KOREAN_WORDS.encode("euc_kr")
    assert common_share(data.decode("gb18030")) > 0.5
    assert decode_text(data).text == KOREAN_WORDS


def test_script_shares_exact() -> None:
    assert script_shares("") == script_shares("abc, 123.") == {"zh": 0.0, "ja": 0.0, "ko": 0.0}
    assert script_shares("你好，世界。") == {"zh": 1.0, "ja": 0.0, "ko": 0.0}
    # GBK bytes read as Big5 and as EUC-KR: rare characters, and Hangul without a space between words
    assert script_shares("斕疑ㄛ岍賜﹝")["zh"] == 1 / 3
    assert script_shares("콱봤，各썹。") == {"zh": 0.25, "ja": 0.0, "ko": 0.0}
    # Kana make a reading Japanese (a tenth of the characters, and two); kana marks (ゞ, ー) do not count
    assert script_shares("日本語です") == {"zh": 0.6, "ja": 1.0, "ko": 0.0}
    assert script_shares("発表です")["ja"] == 0.75  # 発 is no common Chinese character
    assert script_shares("一ゞゞゞ")["ja"] == script_shares("一ーーー・")["ja"] == 0.0
    assert script_shares("日本お") == {"zh": 2 / 3, "ja": 0.0, "ko": 0.0}
    # Hangul with a space or line break for every ten syllables; compatibility jamo count as common
    assert script_shares("한국어 문장 ㅋㅋ")["ko"] == 1.0
    assert script_shares("한국어문장입니다")["ko"] == 0.0


def test_escaped_encodings_need_sure_evidence() -> None:
    """ASCII is valid UTF-8: an escape-switched reading replaces it only on sure evidence."""
    code = b"if (x) ~{ return y; ~}\n"  # "~{" announces HZ, but this is not Chinese
    assert decode_text(code).encoding == "utf-8"
    assert decode_text(code).text == code.decode()
    assert decode_text(b"plain \x1b$B text").encoding == "utf-8"
    # Valid HZ, but half its characters are rare (亍丌兀丐): the file stays what it also is, ASCII
    weak = b"note: " + "你好世界亍丌兀丐".encode("hz") + b"\n"
    assert script_shares(weak.decode("hz"))["zh"] == 0.5
    assert decode_text(weak).text == weak.decode("ascii")


_PARAGRAPHS = [
    line.strip()
    for line in (FIXTURES / "peoples_daily_sample.txt").read_text(encoding="utf-8").splitlines()
    if len(line.strip()) >= 12
]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, len(_PARAGRAPHS) - 1), st.integers(12, 200), st.sampled_from(["gbk", "big5"]))
def test_chinese_stays_chinese(index: int, length: int, encoding: str) -> None:
    """The Japanese and Korean readings never take Chinese text of a dozen characters or more (eight of them Han:
    a line of full-width figures, ``１２１３·９６２``, is no evidence of any language, and is refused)."""
    text = _PARAGRAPHS[index][:length]
    assume(sum("\u4e00" <= ch <= "\u9fff" for ch in text) >= 8)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:  # a Simplified character Big5 lacks
        return
    decoded = decode_text(data)
    assert not isinstance(decoded, str) and decoded.text == text
