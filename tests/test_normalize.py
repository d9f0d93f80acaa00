"""The matching view: exact views, offset maps, noise spans, properties and the seeds."""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import unicodedata
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dedup
from benchmarks.quality.corpus import generate_corpus
from dedup._common_chars import COMMON_HAN
from dedup._t2s_tables import KEY_CHARS

# internals under test, from the parts of the view that hold them
from dedup.arrays import compiled
from dedup.arrays import from_codepoints as _text
from dedup.arrays import to_codepoints as _codepoints
from dedup.normalize import (
    NOISE_KINDS,
    MatchingView,
    NormalizeOptions,
    matching_texts,
    noise_spans,
    noise_spans_many,
    normalize,
    normalize_many,
    t2s_tables,
)
from dedup.normalize.noise import _noise_literals, _noise_regex_for, _texts_holding_noise
from dedup.normalize.t2s import _t2s, _t2s_bits, _t2s_windows, _windows_by_arrays
from dedup.normalize.tables import _each_char, _tables
from dedup.normalize.view import _per_character_by_arrays, per_character, without_punctuation

t2s_module = importlib.import_module("dedup.normalize.t2s")  # the module (dedup.normalize re-exports functions)

LITERALS = importlib.import_module("dedup.literals")
ROOT = Path(__file__).parent.parent
SEEDS = ROOT / "examples" / "seeds"
KEY_SAMPLE = KEY_CHARS[::7]
FIXTURES = Path(__file__).parent / "fixtures"

DEFAULT = NormalizeOptions()
NOTHING = NormalizeOptions(
    nfkc=False,
    width=False,
    t2s=False,
    strip_pinyin=False,
    strip_html=False,
    strip_junk=False,
    drop_punctuation=False,
    casefold=False,
    fold_digits=False,
)


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def shingles(view: str, n: int = 5) -> set[str]:
    return {view[i : i + n] for i in range(max(len(view) - n + 1, 1))}


def jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)


# --------------------------------------------------------------------------- exact views


@pytest.mark.parametrize(
    ("text", "view", "offsets"),
    [
        ("鄉(xiāng)村", "乡村", [0, 8]),
        ("鄉（xiāng）村", "乡村", [0, 8]),
        ("銅川日?qǐng)?bào)", "铜川日", [0, 1, 2]),
        ("ＡＢＣ，１２３", "abc123", [0, 1, 2, 4, 5, 6]),
        ("㍻ﬁ", "平成fi", [0, 0, 1, 1]),
        ("e\u0301x", "\xe9x", [0, 2]),
        ("가\u11a8", "각", [0]),
        ('<p class="a">文本</p>&nbsp;&#20013;', "文本中", [13, 14, 25]),
        ("a\ud800b\x00c", "abc", [0, 2, 4]),
        ("锟斤拷锟斤拷正文", "正文", [6, 7]),
        ("İstanbul 1998", "istanbul1998", list(range(8)) + [9, 10, 11, 12]),
        ("", "", []),
    ],
)
def test_exact_views_and_offsets(text: str, view: str, offsets: list[int]) -> None:
    result = normalize(text)
    assert result == MatchingView(view, np.array(offsets, dtype=np.int64))
    assert result.offsets.dtype == np.int64
    assert matching_texts([text]) == [view]


def test_width_punctuation_and_wrapping_variants_give_one_view() -> None:
    paragraph = "全市通过签订医保管理服务协议确定定点机构3358家，符合条件的基层医疗卫生机构100%纳入医保定点。"
    half = paragraph.replace("，", ",").replace("。", ".")
    full = paragraph.translate(str.maketrans("0123456789%", "０１２３４５６７８９％"))
    rewrapped = "\n".join(paragraph[i : i + 26] for i in range(0, len(paragraph), 26))
    indented = "　　" + "\r\n".join(paragraph[i : i + 33] for i in range(0, len(paragraph), 33))
    views = matching_texts([paragraph, half, full, rewrapped, indented])
    assert views == [views[0]] * 5
    assert views[0] == "全市通过签订医保管理服务协议确定定点机构3358家符合条件的基层医疗卫生机构100纳入医保定点"


def test_each_step_can_be_switched_off() -> None:
    text = "鄉(xiāng)村 ＡＢ，12</span>"
    assert normalize(text, NOTHING).text == text
    assert normalize(text, replace(DEFAULT, t2s=False)).text == "鄉村ab12"
    assert normalize(text, replace(DEFAULT, strip_pinyin=False)).text == "乡xiāng村ab12"
    assert normalize(text, replace(DEFAULT, strip_html=False)).text == "乡村ab12span"
    assert normalize(text, replace(DEFAULT, casefold=False)).text == "乡村AB12"
    assert normalize(text, replace(DEFAULT, fold_digits=True)).text == "乡村ab00"
    assert normalize(text, replace(DEFAULT, drop_punctuation=False)).text == "乡村 ab,12"
    assert normalize("ＡＢ，", replace(NOTHING, width=True)).text == "AB,"
    assert normalize("ﬁ", replace(NOTHING, nfkc=True)).text == "fi"
    assert normalize("x\ufffd\ufffd中??", replace(NOTHING, strip_junk=True)).text == "x中"


def test_traditional_phrases_convert_as_phrases() -> None:
    assert normalize("乾燥的頭髮").text == "干燥的头发"
    assert normalize("乾隆").text == "乾隆"


def test_digits_are_kept_by_default() -> None:
    # Folding digits merged stock-table rows and datelines in People's Daily (see the notes).
    assert not DEFAULT.fold_digits
    assert normalize("上证指数917.02").text != normalize("上证指数1194.10").text


def test_view_span_maps_back_to_the_original() -> None:
    text = "本报讯(周亮)鄉(xiāng)村振興。"
    view = normalize(text)
    start = view.text.index("乡村")
    a, b = view.span(start, start + 2)
    assert text[a:b] == "鄉(xiāng)村"


# --------------------------------------------------------------------------- noise spans


def test_noise_spans_kinds_and_positions() -> None:
    text = "鄉(xiāng)村</span>&nbsp;&#20013;x\ufffd\ufffd?/span>\n??\n锟斤拷what?? AT&T;"
    spans, kinds = noise_spans(text)
    found = [(text[a:b], kind) for (a, b), kind in zip(spans.tolist(), kinds)]
    assert found == [
        ("(xiāng)", "pinyin"),
        ("</span>", "html_tag"),
        ("&nbsp;", "html_entity"),
        ("\ufffd\ufffd", "junk"),
        ("?/span>", "html_tag"),
        ("??", "junk"),
        ("锟斤拷", "junk"),
    ]
    assert set(kinds) <= set(NOISE_KINDS)
    assert spans.dtype == np.int64 and spans.shape == (7, 2)


def test_tags_of_html_and_word_are_noise_and_other_names_text() -> None:
    """Leftover HTML and Word's namespaced tags go; a tag of another name is text whatever its attributes — an XML
    example in prose lost its opening tag and kept its closing one until 2026-12-07, and JSX its component."""
    text = '文字<span style="x">加粗</span><o:p></o:p><st1:chsdate year="2004">日期</st1:chsdate>。'
    spans, kinds = noise_spans(text)
    assert [text[a:b] for a, b in spans.tolist()] == [
        '<span style="x">',
        "</span>",
        "<o:p>",
        "</o:p>",
        '<st1:chsdate year="2004">',
        "</st1:chsdate>",
    ]
    for kept in (
        '配置：<server port="8080"><host>localhost</host></server>。',
        "<Dashboard state={s} />",
        "glsa-check <option>",
    ):
        assert noise_spans(kept)[0].size == 0


def test_entities_are_noise_in_unspaced_text_and_text_between_words() -> None:
    """An entity for a space or a sign is cut where it stands in CJK text or between spaces, and kept
    (the view reading its character) next to words of an alphabetic script."""
    text = "中国&nbsp;人民。&amp;下一句 x &nbsp; y 2021&nbsp;年"
    spans, kinds = noise_spans(text)
    assert [text[a:b] for a, b in spans.tolist()] == ["&nbsp;", "&amp;", "&nbsp;", "&nbsp;"]
    assert set(kinds) == {"html_entity"}
    assert matching_texts(["Tom&nbsp;Cruise", "AT&amp;T", "400&percnt;"], NormalizeOptions(drop_punctuation=False)) == [
        "tom cruise",
        "at&t",
        "400%",
    ]


def test_utf8_read_as_cp1252_is_mojibake() -> None:
    """UTF-8 read as Windows-1252 or Latin-1 — "Ã©" for "é", "ä¸­" for "中", "â€™" for "’", a C1 control where
    cp1252 has no character — is noise of its own kind; a capital and a sign that merely read as one (``É»`` in
    ``«ÉTÉ»``, to one character of Latin Extended) and European text are not."""
    story = "今天天气很好，我们去公园散步。"
    text = f"café → cafÃ©; {story.encode().decode('cp1252')} Itâ€™s Earthâ\x80\x99s Ð¿Ñ€Ð¸Ð²ÐµÑ‚ Â©2024"
    spans, kinds = noise_spans(text)
    found = [text[a:b] for a, b in spans.tolist()]
    assert found == ["Ã©", story.encode().decode("cp1252"), "â€™", "â\x80\x99", "Ð¿Ñ€Ð¸Ð²ÐµÑ‚", "Â©"]
    assert set(kinds) == {"mojibake"}
    for kept in ("«ÉTÉ» est là", "Ça va? À bientôt. Déjà vu, naïve façade, Größe, SÃO PAULO", "Ã  la carte"):
        assert noise_spans(kept)[0].size == 0, kept
    assert noise_spans("cafÃ©", replace(DEFAULT, strip_junk=False))[0].size == 0
    (cleaned,) = dedup.clean([f"{story}\n{story.encode().decode('cp1252')}\n记者从有关部门获悉。"])
    assert cleaned.text == f"{story}\n\n记者从有关部门获悉。"


def test_utf8_read_as_gbk_is_mojibake() -> None:
    """UTF-8 of Chinese read as GBK (``今天天气`` as ``浠婂ぉ澶╂皵``), its breaks written as U+FFFD or "?": the runs
    that open aligned, and the pieces after each break that read as UTF-8 a byte or two on, are mojibake, the breaks
    junk; what breaks left unreadable (``ャ``) stays."""
    story = "今天天气很好，我们去公园散步。公园里有很多人在锻炼身体。"
    pieces = ["浠婂ぉ澶╂皵寰堝ソ锛屾垜浠", "鍘诲叕鍥", "鏁ｆ", "傚叕鍥", "閲屾湁寰堝", "氫汉鍦ㄩ敾鐐艰韩浣撱"]
    for mark in ("\ufffd", "?"):
        text = story.encode().decode("gbk", "replace").replace("\ufffd", mark)
        spans, kinds = noise_spans(text)
        found = [(text[a:b], kind) for (a, b), kind in zip(spans.tolist(), kinds)]
        assert [piece for piece, kind in found if kind == "mojibake"] == pieces
        assert {kind for _, kind in found} == {"mojibake", "junk"}
        assert sum(len(piece) for piece, _ in found) == len(text) - 1  # all but "ャ"


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(sorted(COMMON_HAN) + ["，", "。", "、", "“", "”", "（", "）"]), max_size=60))
def test_chinese_text_is_no_gbk_mojibake(text: str) -> None:
    """Common Han and Chinese punctuation, whatever their order, hold no mojibake: their GBK bytes read as no UTF-8."""
    assert noise_spans(text)[0].size == 0


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(min_codepoint=0x80, exclude_categories=("Cs",)), min_size=2, max_size=12))
def test_any_text_read_as_latin1_is_one_span_of_mojibake(text: str) -> None:
    """Two characters or more beyond ASCII, their UTF-8 read as Latin-1 (or as cp1252 where it reads a byte): one
    span, the whole of it."""
    for read in (text.encode().decode("latin-1"), text.encode().decode("cp1252", "replace")):
        if "\ufffd" in read:
            continue
        spans, kinds = noise_spans(read)
        assert spans.tolist() == [[0, len(read)]] and kinds == ("mojibake",), read


def test_noise_spans_respect_options() -> None:
    text = "鄉(xiāng)村</span>"
    spans, kinds = noise_spans(text, replace(DEFAULT, strip_pinyin=False))
    assert spans.tolist() == [[9, 16]] and kinds == ("html_tag",)
    spans, kinds = noise_spans("正文")
    assert spans.shape == (0, 2) and kinds == ()


@pytest.mark.parametrize(
    "text",
    [
        "a<b and c>d",  # comparison, not a tag
        "(DRG)付费",  # Latin in brackets without tone marks
        "what?? really",  # English double question mark
        "AT&T; R&D",  # entity-like but not entities
        "Tom&nbsp;Cruise",  # a space between words: cutting it would glue them
        "AT&amp;T and a 400&percnt; rise, &ldquo;quoted&rdquo;",  # signs next to words and numbers
        "x(xiāng)",  # annotation must follow a CJK character
    ],
)
def test_not_noise(text: str) -> None:
    spans, _ = noise_spans(text)
    assert spans.shape == (0, 2)


def test_seed_001_noise() -> None:
    text = seed("001")
    spans, kinds = noise_spans(text)
    assert kinds.count("pinyin") > 700
    pieces = [text[a:b] for a, b in spans.tolist()]
    assert "(xiāng)" in pieces and "?/span>" in pieces and "??" in pieces
    assert pieces[0] == "?"  # the lone "?" line the mirror put before the title
    assert np.all(spans[1:, 0] >= spans[:-1, 1])


# --------------------------------------------------------------------------- acceptance on the seeds


def test_seed_001_matches_its_simplified_rendering() -> None:
    original = "\n".join(seed("001").split("\n")[1:11])
    simplified = (FIXTURES / "seed001_simplified_excerpt.txt").read_text(encoding="utf-8")
    a, b = matching_texts([original, simplified])
    assert jaccard(a, b) >= 0.95
    assert "鄉" not in a and "xiāng" not in a
    assert jaccard(matching_texts([original], replace(DEFAULT, t2s=False, strip_pinyin=False))[0], b) < 0.2


def test_seed_views_equal_fast_path() -> None:
    texts = [seed(f"{i:03d}") for i in range(5)]
    views = normalize_many(texts)
    assert matching_texts(texts) == [view.text for view in views]
    assert views == [normalize(t) for t in texts]


# --------------------------------------------------------------------------- properties

NASTY = list(
    "\u0301\u0344\u0308\u1161\u11a8가ＡａⅡ…ﬁ㍻℃鄉鄉乾燥髮(（)）xiāng?？\ufffd<>&;#/span 　\t\n\r，。、"
    "\ud800\udfff\x00\u200b\ufeff\ufe0f锟斤拷İ"
)
characters = st.one_of(st.characters(), st.sampled_from(NASTY))
texts = st.text(alphabet=characters, max_size=60)
options = st.builds(
    NormalizeOptions,
    nfkc=st.booleans(),
    width=st.booleans(),
    t2s=st.booleans(),
    strip_pinyin=st.booleans(),
    strip_html=st.booleans(),
    strip_junk=st.booleans(),
    drop_punctuation=st.booleans(),
    casefold=st.booleans(),
    fold_digits=st.booleans(),
)
PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(st.lists(texts, max_size=6), options)
def test_fast_path_equals_normalize(batch: list[str], opts: NormalizeOptions) -> None:
    one_by_one = [normalize(t, opts) for t in batch]
    assert matching_texts(batch, opts) == [view.text for view in one_by_one]
    assert matching_texts(iter(batch), opts) == matching_texts(batch, opts)
    assert normalize_many(iter(batch), opts) == one_by_one


@PROPERTY
@given(texts, options)
def test_offsets_are_valid(text: str, opts: NormalizeOptions) -> None:
    view = normalize(text, opts)
    assert view.offsets.dtype == np.int64 and view.offsets.shape == (len(view.text),)
    assert np.all(np.diff(view.offsets) >= 0)
    assert np.all((view.offsets >= 0) & (view.offsets < max(len(text), 1)))


@PROPERTY
@given(texts, options)
def test_every_view_character_comes_from_its_original_character(text: str, opts: NormalizeOptions) -> None:
    # Without t2s (whose phrases depend on context) and with punctuation dropped (so "?"
    # whose junkness depends on its neighbours never shows), a view character is found in
    # the view of the original from its offset to the next view character's offset.
    opts = replace(opts, t2s=False, drop_punctuation=True)
    view = normalize(text, opts)
    bounds = np.append(view.offsets, len(text))
    for i, char in enumerate(view.text):
        end = bounds[np.searchsorted(bounds, view.offsets[i], side="right")]
        assert char in normalize(text[view.offsets[i] : end], opts).text


@PROPERTY
@given(texts)
def test_t2s_maps_position_to_position(text: str) -> None:
    with_t2s, without = normalize(text), normalize(text, replace(DEFAULT, t2s=False))
    assert len(with_t2s.text) == len(without.text)
    assert np.array_equal(with_t2s.offsets, without.offsets)


# --------------------------------------------------------------------------- windowed t2s


def test_t2s_tables_of_entries() -> None:
    # 乾隆 keeps its characters; 乾 alone and the 著 of 看著 change; 隆 and 看 only take part.
    assert t2s_tables([("看著", "看着"), ("乾隆", "乾隆"), ("乾", "干")]) == ("乾看著隆", "乾著")
    # An entry that changes length marks every character of its key.
    assert t2s_tables([("ab", "c")]) == ("ab", "ab")


def test_shipped_t2s_tables_are_those_of_the_installed_dictionaries() -> None:
    import opencc

    from dedup import _t2s_tables

    if opencc.__version__ != _t2s_tables.OPENCC_VERSION:
        pytest.skip(f"tables are for OpenCC {_t2s_tables.OPENCC_VERSION}, {opencc.__version__} installed")
    tool = Path(opencc.__file__).parent / "clib" / "bin" / "opencc_dict"
    if not tool.exists():
        pytest.skip("this OpenCC wheel ships no opencc_dict")
    spec = importlib.util.spec_from_file_location("t2s_tables_tool", ROOT / "tools" / "t2s_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    files = module.dictionary_files()
    assert tuple(Path(f).name for f in files) == _t2s_tables.DICTIONARIES
    dictionaries = [dict(module.entries(path)) for path in files]
    keys, changed = t2s_tables(entry for d in dictionaries for entry in d.items())
    assert (keys, changed) == (_t2s_tables.KEY_CHARS, _t2s_tables.CHANGED_CHARS)
    assert "\n" not in keys and set(changed) <= set(keys)
    normal, phrases, characters = module.conversion(dictionaries)
    assert ("".join(normal), "".join(normal.values())) == (_t2s_tables.NORMAL_FROM, _t2s_tables.NORMAL_TO)
    assert ("".join(characters), "".join(characters.values())) == (_t2s_tables.CHARACTER_FROM, _t2s_tables.CHARACTER_TO)
    assert " ".join(f"{k}={v}" for k, v in phrases.items()) == _t2s_tables.PHRASES
    # An earlier dictionary of the group wins: a character of both character dictionaries takes the first's value.
    both = sorted(set(dictionaries[2]) & set(dictionaries[3]))
    assert all(characters.get(c, c) == dictionaries[2][c] for c in both)


def _opencc_t2s(text: str) -> str:
    """OpenCC's own t2s of ``text``, when the installed release is the one the shipped tables were read from."""
    opencc = pytest.importorskip("opencc")
    from dedup._t2s_tables import OPENCC_VERSION

    if opencc.__version__ != OPENCC_VERSION:
        pytest.skip(f"the tables are OpenCC {OPENCC_VERSION}'s, {opencc.__version__} is installed")
    return opencc.OpenCC("t2s").convert(text)


def _t2s_both(text: str) -> tuple[str, str]:
    codepoints = _codepoints(text)
    return _text(_t2s(codepoints)), _opencc_t2s(text)


def test_windowed_t2s_is_whole_text_t2s_on_real_text() -> None:
    corpus = generate_corpus("small", seed=0)
    texts = [seed(prefix) for prefix in ("000", "001", "002", "003", "004")]
    texts += [(FIXTURES / "peoples_daily_sample.txt").read_text(encoding="utf-8"), *corpus.texts]
    joined = "\n".join(texts)
    windowed, whole = _t2s_both(joined)
    assert windowed == whole
    assert windowed != joined  # the texts hold traditional characters
    starts, ends = _t2s_windows(_codepoints(joined), _t2s_bits())
    assert (ends - starts).sum() < len(joined) / 4


T2S_PIECES = st.sampled_from(
    [
        "看著",
        "著名",
        "乾隆",
        "乾杯",
        "頭髮",
        "發現",
        "瞭解",
        "瞭望",
        "甚麼",
        "沈默",
        "深沈",
        "憑藉",
        "慰藉",
        "臺灣",
        "台灣",
        "後來",
        "皇后",
        "於是",
        "餘額",
        "余",
        "干",
        "幹部",
        "，",
        "。",
        "的",
        "a",
        "\n",
        " ",
        "𠀀",
    ]
)


@PROPERTY
@given(st.lists(st.one_of(T2S_PIECES, st.text(alphabet=st.sampled_from(KEY_SAMPLE), max_size=4)), max_size=30))
def test_windowed_t2s_is_whole_text_t2s(pieces: list[str]) -> None:
    windowed, whole = _t2s_both("".join(pieces))
    assert windowed == whole


def _phrase_pieces() -> list[str]:
    """Every phrase of the shipped tables, and its first and last two characters (to start or end overlapping
    matches), with the characters the normalization changes."""
    from dedup._t2s_tables import NORMAL_FROM, PHRASES

    phrases = [entry.split("=")[0] for entry in PHRASES.split(" ")]
    return [*phrases, *(p[:2] for p in phrases), *(p[-2:] for p in phrases), *NORMAL_FROM]


@PROPERTY
@given(st.lists(st.one_of(st.sampled_from(_phrase_pieces()), T2S_PIECES), max_size=20))
def test_t2s_of_the_tables_is_opencc_on_overlapping_phrases(pieces: list[str]) -> None:
    """The windows are converted from the shipped tables, by the kernel and in Python alike: the normalization,
    then the longest phrase at each position, else the character — OpenCC's t2s of the whole text, on texts of
    phrases that overlap, cut phrases and compatibility ideographs."""
    text = "".join(pieces)
    codepoints = _codepoints(text)
    converted = _text(_t2s(codepoints))
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(t2s_module, "_kernels", None)
        assert _text(_t2s(codepoints)) == converted
    assert converted == _opencc_t2s(text)


def test_t2s_needs_no_opencc_and_refuses_bad_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    # 乾隆 is a phrase that keeps its text (乾 alone becomes 干, as in 乾杯); 頭髮 two characters changed. OpenCC is
    # not imported: with it unimportable the conversion is the same, by the kernel and in Python.
    monkeypatch.setitem(sys.modules, "opencc", None)
    for kernels in (t2s_module._kernels, None):
        monkeypatch.setattr(t2s_module, "_kernels", kernels)
        assert _text(_t2s(_codepoints("乾隆看著乾杯\n頭髮著名"))) == "乾隆看著干杯\n头发著名"
    monkeypatch.undo()
    if t2s_module._kernels is None:
        return
    cps = _codepoints("頭髮")
    out, program = cps.copy(), t2s_module._t2s_program()
    bad_windows = ([1, 0], [2, 1]), ([0], [3]), ([-1], [1])
    for starts, ends in bad_windows:
        with pytest.raises(ValueError, match="windows"):
            t2s_module._kernels.t2s_convert(cps, out, np.array(starts), np.array(ends), _t2s_bits(), *program)
    with pytest.raises(ValueError, match="out writable"):
        t2s_module._kernels.t2s_convert(cps, out[:1], np.array([0]), np.array([2]), _t2s_bits(), *program)


ALPHABET = [0x41, 0x61, 0x30, 0x20, 0x2C, 0x4E00, 0x4E01, 0x4E02, 0x4E03, 0x9FA5, 0x20000, 0x10FFFF]


def _table_of(values: list[int], dtype: type, fill: int) -> np.ndarray:
    """A table over all of Unicode: ``fill`` everywhere but ALPHABET's code points, which take ``values``."""
    table = np.full(0x110000, fill, dtype=dtype)
    table[ALPHABET] = values
    return table


def _windows_by_definition(cps: list[int], bits: np.ndarray) -> list[tuple[int, int]]:
    """The maximal runs of key code points (bit 1) that hold one with bits 1 and 2, by walking them."""
    out, i = [], 0
    while i < len(cps):
        if not bits[cps[i]] & 1:
            i += 1
            continue
        j = i
        while j < len(cps) and bits[cps[j]] & 1:
            j += 1
        if any(bits[c] & 3 == 3 for c in cps[i:j]):
            out.append((i, j))
        i = j
    return out


@PROPERTY
@given(st.lists(st.sampled_from(ALPHABET), max_size=60), st.lists(st.integers(0, 3), min_size=12, max_size=12))
def test_t2s_windows_are_the_key_runs_holding_a_changed_character(cps: list[int], bits: list[int]) -> None:
    """The kernel (which reads runs around each changed character) and the array operations against walking the
    runs; bit 2 alone (a changed character that is no key: no real table has one) starts no window."""
    table = _table_of(bits, np.uint8, 0)
    codepoints = np.array(cps, dtype=np.uint32)
    expected = _windows_by_definition(cps, table)
    for found in (_t2s_windows(codepoints, table), _windows_by_arrays(codepoints, table)):
        assert list(zip(found[0].tolist(), found[1].tolist())) == expected


def test_t2s_windows_small_case() -> None:
    bits = _table_of([0] * 12, np.uint8, 0)
    bits[[0x4E00, 0x4E01, 0x4E02]] = 1
    bits[0x4E01] |= 2
    bits[0x4E03] = 2  # changed but no key
    text = [0x4E00, 0x4E01, 0x41, 0x4E00, 0x4E02, 0x4E03, 0x4E01, 0x4E01]
    starts, ends = _t2s_windows(np.array(text, dtype=np.uint32), bits)
    assert list(zip(starts.tolist(), ends.tolist())) == [(0, 2), (6, 8)]


def _per_character_by_definition(
    cps: list[int], separators: set[int], mapping: np.ndarray, drop: np.ndarray
) -> tuple[list[int], list[int], list[int]]:
    viewed, at, bare = [], [], []
    for i, c in enumerate(cps):
        if i in separators:
            at.append(len(viewed))
            viewed.append(10)
            bare.append(10)
        elif mapping[c] != 0xFFFFFFFF:
            viewed.append(int(mapping[c]))
            if not drop[mapping[c]]:
                bare.append(int(mapping[c]))
    return viewed, at, bare


@PROPERTY
@given(
    st.lists(st.sampled_from(ALPHABET), max_size=60),
    st.lists(st.booleans(), max_size=60),
    st.lists(st.sampled_from([*ALPHABET, 0xFFFFFFFF]), min_size=12, max_size=12),
    st.lists(st.booleans(), min_size=12, max_size=12),
)
def test_per_character_step_maps_drops_and_keeps_separators(
    cps: list[int], at_separator: list[bool], images: list[int], dropped: list[bool]
) -> None:
    """The kernel and the array operations against the step's definition: every code point mapped, the removed
    (0xFFFFFFFF) left out, separators kept as line feeds whatever they map to, and the bare view without the
    characters ``drop`` marks."""
    separators = {i for i, flag in zip(range(len(cps)), at_separator) if flag}
    mapping = _table_of(images, np.uint32, 0xFFFFFFFF)
    drop = _table_of(dropped, bool, True)
    codepoints = np.array(cps, dtype=np.uint32)
    positions = np.array(sorted(separators), dtype=np.int64)
    viewed, at, bare = _per_character_by_definition(cps, separators, mapping, drop)
    for step in (per_character, _per_character_by_arrays):
        got = step(codepoints, positions, mapping, drop)
        assert (got[0].tolist(), got[1].tolist(), got[2].tolist()) == (viewed, at, bare)
        alone = step(codepoints, positions, mapping, None)
        assert (alone[0].tolist(), alone[1].tolist(), alone[2]) == (viewed, at, None)


@pytest.mark.skipif(not compiled(), reason="dedup built without its compiled kernel")
def test_per_character_kernel_refuses_bad_separators() -> None:
    from dedup.kernel import kernels

    cps = np.array([0x41, 0x42, 0x43], dtype=np.uint32)
    mapping = np.arange(0x110000, dtype=np.uint32)
    out, at = np.empty(3, np.uint32), np.empty(2, np.int64)
    for bad in ([2, 1], [0, 3], [1, 1]):
        with pytest.raises(ValueError, match="separators increasing"):
            kernels.mapped_view(cps, mapping, np.array(bad, np.int64), None, out, at, None)
    with pytest.raises(ValueError, match="as long as the code points"):
        kernels.mapped_view(cps, mapping, np.array([1], np.int64), None, out[:2], at, None)


@PROPERTY
@given(st.text(alphabet=characters, max_size=60))
def test_nfkc_step_is_unicode_nfkc(text: str) -> None:
    # Lone surrogates are dropped first, always (they cannot even be encoded).
    without_surrogates = "".join(c for c in text if not "\ud800" <= c <= "\udfff")
    expected = unicodedata.normalize("NFKC", without_surrogates)
    assert normalize(text, replace(NOTHING, nfkc=True)).text == expected


def test_large_and_hostile_inputs() -> None:
    line = "鄉(xiāng)村振興，" * 70_000  # one 1 MB line
    view = normalize(line)
    assert view.text == "乡村振兴" * 70_000
    assert matching_texts([line]) == [view.text]
    zalgo = "a" + "\u0301\u0316" * 5_000 + "b"
    view = normalize(zalgo, replace(DEFAULT, drop_punctuation=False))
    assert view.text[0] == "á" and view.text[-1] == "b" and view.offsets[-1] == len(zalgo) - 1
    hostile = "\x00\ud800\udfff\U0010ffff" * 1000 + "<" * 1000 + "&#" * 1000 + "?" * 1000
    assert normalize(hostile).text == matching_texts([hostile])[0]


# --------------------------------------------------------------------------- batch scans

# Pieces that make noise, or almost: a comment or a quoted attribute that runs over the end
# of a text, a "?" line ending in "\r", annotations right at a text's start or end.
NOISE_PIECES = [
    "<!--",
    "-->",
    "<p",
    ' class="',
    '"',
    "'",
    ">",
    "</span>",
    "?/span>",
    "<br/>",
    "&nbsp;",
    "&#20013;",
    "&T;",
    "&amp",
    "??",
    "?",
    "？",
    "\ufffd",
    "锟斤拷",
    "Ã©",  # mojibake: UTF-8 read as cp1252, whole or cut, and text that reads alike
    "ä¸",
    "\xad",
    "â€\x9d",
    "É»",
    "é",
    "鄉",
    "(xiāng)",
    "（xiāng）",
    "(",
    "xiāng)",
    "\n",
    "\r",
    "\r\n",
    " ",
    "\t",
    "正文",
    "what",
    "\ud800",
    "ﬁ",
    "e\u0301",
    "。",
]
noisy_texts = st.lists(st.sampled_from(NOISE_PIECES), max_size=12).map("".join)


def reference_views(batch: list[str], opts: NormalizeOptions) -> list[str]:
    """Views text by text, the noise replaced by ``re.sub`` on each text alone."""
    return [normalize(text, opts).text for text in batch]


@PROPERTY
@given(st.lists(noisy_texts, max_size=6), options)
def test_noise_spans_many_equals_one_by_one(batch: list[str], opts: NormalizeOptions) -> None:
    spans, text_offsets, kinds = noise_spans_many(batch, opts)
    one_by_one = [noise_spans(text, opts) for text in batch]
    assert spans.dtype == np.int64 and spans.shape == (sum(len(s) for s, _ in one_by_one), 2)
    assert text_offsets.dtype == np.int64
    assert text_offsets.tolist() == np.cumsum([0] + [len(s) for s, _ in one_by_one]).tolist()
    for i, (text_spans, text_kinds) in enumerate(one_by_one):
        assert np.array_equal(spans[text_offsets[i] : text_offsets[i + 1]], text_spans)
        assert kinds[text_offsets[i] : text_offsets[i + 1]] == text_kinds


@PROPERTY
@given(st.lists(st.one_of(noisy_texts, texts), max_size=6), options)
def test_batch_scan_equals_scans_of_each_text(batch: list[str], opts: NormalizeOptions) -> None:
    # normalize() of one text scans that text alone; repeats exercise the repeated-text path.
    batch = batch + batch[:2]
    expected = reference_views(batch, opts)
    assert matching_texts(batch, opts) == expected
    assert [view.text for view in normalize_many(batch, opts)] == expected


def test_noise_that_would_cross_texts_is_found_text_by_text() -> None:
    cases = [
        ["a <!-- b", "c --> d", "e<br>"],  # a comment over a separator
        ['<p class="a', 'b">x &nbsp;', "?"],  # a quoted attribute over a separator
        ["?\r", "x"],  # "\r" then the separator would end a "?" line
        ["<span", " >y", "鄉(xiāng)"],
        ["", "?\r", "??"],
    ]
    pattern = _noise_regex_for(DEFAULT)
    for batch in cases:
        # The naive scan of the joined batch differs from the scans of each text...
        naive = [m.span() for m in pattern.finditer("\n".join(batch))]
        spans, text_offsets, kinds = noise_spans_many(batch)
        starts = np.repeat(np.cumsum([0] + [len(t) + 1 for t in batch[:-1]]), np.diff(text_offsets))
        assert [tuple(span) for span in (spans + starts[:, None]).tolist()] != naive
        # ... and the batch functions follow the latter.
        assert [(s.tolist(), k) for s, k in (noise_spans(t) for t in batch)] == [
            (spans[a:b].tolist(), kinds[a:b]) for a, b in zip(text_offsets[:-1], text_offsets[1:])
        ]
        assert matching_texts(batch) == reference_views(batch, DEFAULT)
    assert noise_spans_many([])[0].shape == (0, 2) and noise_spans_many([])[1].tolist() == [0]


@PROPERTY
@given(st.lists(st.one_of(noisy_texts, texts), max_size=6), options)
def test_every_noise_match_starts_with_a_noise_literal(batch: list[str], opts: NormalizeOptions) -> None:
    # The prefilter's soundness: a text holding none of the literals holds no noise.
    literals = _noise_literals(opts.strip_pinyin, opts.strip_html, opts.strip_junk)
    longest = max(map(len, literals))
    for text in batch:
        for match in _noise_regex_for(opts).finditer(text):
            head = text[match.start() : match.start() + longest]
            assert any(head.startswith(literal) for literal in literals), (text, match)


PROSE = "据新华社报道（记者王明），今年粮食产量再创新高。" * 20  # brackets, but no pinyin in them


@PROPERTY
@given(st.lists(st.one_of(noisy_texts, st.just(PROSE), texts), max_size=8), options, st.booleans())
def test_noise_scans_only_texts_holding_a_literal(batch: list[str], opts: NormalizeOptions, kernel: bool) -> None:
    # Prose makes up most of most batches: only the other texts are scanned (joined apart, their edits
    # shifted back); without the kernel every text is. Either way the edits are each text's own.
    batch = [PROSE, *batch, PROSE]
    compiled_kernels = LITERALS._kernels
    LITERALS._kernels = compiled_kernels if kernel else None
    try:
        spans, text_offsets, kinds = noise_spans_many(batch, opts)
        views = matching_texts(batch, opts)
    finally:
        LITERALS._kernels = compiled_kernels
    assert [(s.tolist(), k) for s, k in (noise_spans(t, opts) for t in batch)] == [
        (spans[a:b].tolist(), kinds[a:b]) for a, b in zip(text_offsets[:-1], text_offsets[1:])
    ]
    assert views == reference_views(batch, opts)


def test_prose_brackets_are_not_scanned_for_noise() -> None:
    if LITERALS._kernels is None:
        pytest.skip("without the compiled kernel every text is scanned")
    # Syllables may start with "ü" or a combining tone mark: pinyin all the same.
    batch = [PROSE, "鄉(xiāng)村", "a<b", "（记者）", "x&amp;", "锟斤拷", "问？（ǎ）", "女(ü\u0304)", "女(\u0301ā)"]
    assert [len(noise_spans(text)[0]) for text in batch] == [0, 1, 0, 0, 0, 1, 1, 1, 1]
    joined = "\n".join(batch)
    starts = np.cumsum([0] + [len(t) + 1 for t in batch[:-1]])
    held = _texts_holding_noise(_codepoints(joined), starts, starts + [len(t) for t in batch], DEFAULT)
    assert held.tolist() == [False, True, True, False, True, True, True, True, True]
    no_pinyin = replace(DEFAULT, strip_pinyin=False)
    held = _texts_holding_noise(_codepoints(joined), starts, starts + [len(t) for t in batch], no_pinyin)
    assert held.tolist() == [False, False, True, False, True, True, False, False, False]


# --------------------------------------------------------------------------- tables


def test_each_char_equals_normalizing_characters_alone() -> None:
    chars = [chr(cp) for cp in range(0x10000) if not 0xD800 <= cp < 0xE000]
    for form in ("NFKD", "NFKC"):
        assert _each_char(form, chars) == [unicodedata.normalize(form, c) for c in chars]


def test_nfkc_tables_equal_their_per_character_definition() -> None:
    tables = _tables()
    combining = np.array([unicodedata.combining(chr(cp)) for cp in range(0x30000)])
    seconds = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    decomposed = {}
    for cp in range(0x30000):
        char = chr(cp)
        if not 0xD800 <= cp < 0xE000 and unicodedata.normalize("NFKD", char) != char:
            decomposed[char] = unicodedata.normalize("NFKD", char)
            canonical = unicodedata.decomposition(char).split()
            if len(canonical) == 2 and not canonical[0].startswith("<"):
                seconds.add(int(canonical[1], 16))
    for char, nfkd in decomposed.items():
        cp, first, nfkc = ord(char), ord(nfkd[0]), unicodedata.normalize("NFKC", char)
        boundary = combining[first] == 0 and first not in seconds
        plain = boundary and len(nfkc) == 1
        dropped = plain or (boundary and all(tables.drop[ord(c)] for c in nfkc))
        assert tables.nfkc_boundary[cp] == boundary
        assert tables.nfkc_code[cp] == ord(nfkc[0]) | (0 if plain else 0x80000000)
        assert tables.nfkc_code_dropped[cp] == ord(nfkc[0]) | (0 if dropped else 0x80000000)
    width = {
        ord(c): int(unicodedata.decomposition(c).split()[1], 16)
        for c in decomposed
        if re.fullmatch(r"<(?:wide|narrow)> [0-9A-F]+", unicodedata.decomposition(c))
    }
    assert dict(zip(tables.width[0].tolist(), tables.width[1].tolist())) == width


_NFKC_ALPHABET = st.sampled_from(
    list("中國語，。！？（）：；“”「」abcAZ09 ０１ＡＺａｚ…ﬁ①²㍿㈱e\u0301\u0308\u0323ᄀ\u1161\u11a8가\u3000\t")
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(_NFKC_ALPHABET, max_size=30), max_size=8))
def test_nfkc_lines_equals_unicodedata(lines: list[str]) -> None:
    """Table lookup plus unicodedata on the chunks that need it = unicodedata on every line."""
    from dedup.normalize import nfkc_lines

    assert nfkc_lines(lines) == [unicodedata.normalize("NFKC", line) for line in lines]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.text(_NFKC_ALPHABET, max_size=30), st.sampled_from(["遽t(yī)療", "a<b>c</b>", "x"])), max_size=8
    )
)
def test_the_views_nfkc_is_each_untouched_lines_nfkc(lines: list[str]) -> None:
    """The NFKC the view pipeline makes on the way is each line's ``unicodedata`` NFKC, None for a line the
    noise step edited (pinyin, markup), for repeated lines too; the views are those made without it."""
    made: list[str | None] = []
    options = NormalizeOptions(drop_punctuation=False)
    assert matching_texts(lines + lines[:2], options, made) == matching_texts(lines + lines[:2], options)
    edited = [bool(noise_spans(line)[0].size) for line in lines + lines[:2]]
    assert made == [None if e else unicodedata.normalize("NFKC", t) for t, e in zip(lines + lines[:2], edited)]
    none: list[str | None] = []
    matching_texts(lines, NormalizeOptions(), none)  # drop_punctuation: no plain NFKC on the way
    assert none == [None] * len(lines)


def test_pinyin_after_a_mojibake_character_is_noise_and_real_brackets_are_not() -> None:
    """Seeds 001 and 003 garble a character before its annotation: ``遽t(yī)``, ``?yún)^(qū)``."""
    assert noise_spans("遽t(yī)療")[0].tolist() == [[2, 6]]
    assert noise_spans("深入?yún)^(qū)縣")[0].tolist() == [[2, 7], [8, 12]]
    for text in ["中文 (yī) x", "Python(yī)", "北京(běi jīng)", "见第(3)条", "甲方(乙)"]:
        assert noise_spans(text)[0].tolist() == [], text


# Traditional characters and phrases, NFKC expansions into dropped characters (… ‥ ⁇) and into
# kept ones (ﬁ ①), combining marks, pinyin, HTML, entities, full-width forms, case, spaces,
# an emoji and a lone surrogate.
_VIEW_ALPHABET = list("鄉國們發頭髮中文…‥⁇ﬁ①ＡＢａ１İÉe\u0301 \u3000\t，。!?.-<>&;") + [
    "(xiāng)",
    "<b>",
    "&amp;",
    "&#20013;",
    "😀",
    "\ud800",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_VIEW_ALPHABET), max_size=20).map("".join), max_size=8))
def test_views_without_punctuation_are_the_punctuation_dropping_views(lines: list[str]) -> None:
    kept = NormalizeOptions(drop_punctuation=False)
    assert without_punctuation(matching_texts(lines, kept)) == matching_texts(lines, NormalizeOptions())
    stripped = [view.strip() for view in matching_texts(lines, kept)]  # the web page's reading views
    assert without_punctuation(stripped) == matching_texts(lines, NormalizeOptions())
    # Made on the way from the views' code points (repeated lines too), as the line table takes them.
    bare: list[str] = []
    repeated = lines + lines[:3]
    assert matching_texts(repeated, kept, bare=bare) == matching_texts(repeated, kept)
    assert bare == matching_texts(repeated, NormalizeOptions())
    from dedup.webpage.features import reading_views

    bare_reading: list[str] = []
    assert reading_views(repeated, bare=bare_reading) == reading_views(repeated)
    assert bare_reading == without_punctuation(reading_views(repeated))
