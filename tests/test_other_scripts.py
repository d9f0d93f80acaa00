"""Text in scripts other than Chinese: what each rule reads of other scripts' text.

A template across families is lines that open or end alike (their first or last 8 characters, slots masked) and
share most of their n-grams with other families' members. Read on 4-grams, that test took paragraphs of French,
German, Russian, Arabic, Bengali or Thai for a template's variants when they merely opened with the same dateline:
4 letters of a view (spaces and case dropped) are a piece of a word that most texts of the language hold, and
masking left French's and German's accented letters as a "skeleton" (``aèaéa``). Paragraphs are kept now; real
templates of those scripts are still found.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import (
    BoilerplateOptions,
    DuplicateOptions,
    NormalizeOptions,
    clean_report,
    find_boilerplate,
    find_duplicates,
    normalize,
)
from dedup.boilerplate.families import NARROW_GRAM, WIDE_GRAM, unit_grams
from dedup.index import Index, IndexFileError
from dedup.linemarks import ends_sentence, one_sentence, opens_with_speech, page_marks
from dedup.lines import skeleton_chars
from dedup.normalize import matching_texts
from dedup.normalize import view as view_module
from dedup.passages import PassageOptions, unit_table

WORDS = json.loads((Path(__file__).parent / "fixtures" / "lorem_words.json").read_text(encoding="utf-8"))
DATELINES = {
    "ru_RU": "МОСКВА, {d} декабря (Рейтер) - ",
    "ar_AA": "القاهرة {d} ديسمبر (رويترز) - ",
    "el_GR": "ΑΘΗΝΑ, {d} Δεκεμβρίου (Ρόιτερς) - ",
    "hy_AM": "ԵՐԵՎԱՆ, դեկտեմբերի {d} (Ռոյթերս) - ",
    "bn_BD": "ঢাকা, {d} ডিসেম্বর (বাসস) ",
    "he_IL": "ירושלים, {d} בדצמבר (רויטרס) - ",
    "th_TH": "กรุงเทพฯ {d} ธ.ค. (รอยเตอร์) - ",
    "fr_FR": "PARIS, {d} décembre (Reuters) - ",
    "de_DE": "BERLIN, {d}. Dezember (Reuters) - ",
    "pl_PL": "WARSZAWA, {d} grudnia (Reuters) - ",
}
SENTENCE_ENDS = {"bn_BD": "।", "th_TH": " "}


def _words(rng: random.Random, locale: str, n: int) -> str:
    """``n`` random words of ``locale``'s list, apart by spaces (Thai by none)."""
    return ("" if locale == "th_TH" else " ").join(rng.choice(WORDS[locale]) for _ in range(n))


def _articles(locale: str, n: int, seed: int = 0) -> list[str]:
    """``n`` articles of five paragraphs of 2–3 sentences of random words, the first opening with a dateline."""
    rng = random.Random(seed)
    end = SENTENCE_ENDS.get(locale, ".")

    def sentence() -> str:
        text = _words(rng, locale, rng.randint(8, 14))
        return text[:1].upper() + text[1:] + end

    texts = []
    for _ in range(n):
        paragraphs = [" ".join(sentence() for _ in range(rng.randint(2, 3))).strip() for _ in range(5)]
        paragraphs[0] = DATELINES[locale].format(d=rng.randint(1, 28)) + paragraphs[0]
        texts.append("\n".join(paragraphs))
    return texts


def test_unit_grams_read_wide_scripts_on_4_grams_and_others_on_longer() -> None:
    views = ["关于举办培训班的通知", "ab中文字", "lesétudiants", "москварейтер", "東京のニュース", "서울뉴스"]
    bounds = np.array([0, 1, 2, 3, 4, 5, 6])
    assert unit_grams(views, bounds).tolist() == [WIDE_GRAM, WIDE_GRAM, NARROW_GRAM, NARROW_GRAM, WIDE_GRAM, WIDE_GRAM]
    # A unit is read as a whole: half its characters wide or more.
    assert unit_grams(["abcd", "中文"], np.array([0, 2])).tolist() == [NARROW_GRAM]
    assert unit_grams(["ab", "中文"], np.array([0, 2])).tolist() == [WIDE_GRAM]
    assert WIDE_GRAM == 4 < NARROW_GRAM


@settings(max_examples=150, deadline=None)
@given(
    views=st.lists(st.text(alphabet="中文のa b한ж", max_size=6), min_size=1, max_size=30),
    sizes=st.lists(st.integers(1, 3), min_size=30, max_size=30),
    chunk=st.integers(1, 8),
)
def test_wide_characters_counted_in_chunks_are_counted_alike(views: list[str], sizes: list[int], chunk: int) -> None:
    """A view's wide characters are counted a few characters of views at a time (empty views among them): the same
    counts as one pass over every character."""
    from dedup.arrays import to_codepoints
    from dedup.boilerplate.families import _wide_chars
    from dedup.webpage.base import in_cjk_ranges

    lengths = np.array([len(v) for v in views], dtype=np.int64)
    expected = [int(in_cjk_ranges()[to_codepoints(v)].sum()) for v in views]
    assert _wide_chars(views, lengths, chunk).tolist() == expected == _wide_chars(views, lengths).tolist()
    bounds = np.unique(np.minimum(np.concatenate(([0], np.cumsum(sizes))), len(views)))
    grams = unit_grams(views, bounds)
    for unit, (lo, hi) in enumerate(zip(bounds[:-1].tolist(), bounds[1:].tolist())):
        wide, chars = sum(expected[lo:hi]), int(lengths[lo:hi].sum())
        assert grams[unit] == (WIDE_GRAM if 2 * wide >= chars else NARROW_GRAM)


def test_skeleton_chars_count_neither_slots_nor_latin_letters() -> None:
    # "système" masked: ASCII runs become "a", the accented letters stay between them.
    assert skeleton_chars(["aèaéa", "关于a的0通知", "aaaa", "", "a0a", "москваa0", "aßa"]).tolist() == [
        0,
        5,
        0,
        0,
        0,
        6,
        0,
    ]


@pytest.mark.parametrize("locale", sorted(DATELINES))
def test_datelined_paragraphs_of_other_scripts_are_no_template(locale: str) -> None:
    """60 articles whose first paragraphs open with one agency's dateline: nothing is removed. Before, each script
    lost 20–64 paragraphs as templates (Thai 43, French 55, German 64 of 300)."""
    texts = _articles(locale, 60)
    removed = [(i, r.kind, r.text[:40]) for i, c in enumerate(clean_report(texts).cleaned) for r in c.removed]
    assert removed == []


@pytest.mark.parametrize("locale", ["ru_RU", "fr_FR"])
def test_more_articles_take_nothing_more_from_the_first(locale: str) -> None:
    """The first 40 articles lose the same cleaned among 160 as alone (before, most lost their first paragraph in the
    larger call)."""
    texts = _articles(locale, 160, seed=1)
    alone = clean_report(texts[:40]).cleaned
    among = clean_report(texts).cleaned[:40]
    assert [c.removed for c in among] == [c.removed for c in alone]
    assert all(not c.removed for c in alone)


@pytest.mark.parametrize("locale", ["ru_RU", "fr_FR", "de_DE"])
def test_templates_of_other_scripts_are_still_found(locale: str) -> None:
    """A line with a slot, one in each of six articles of other stories, is still a template of those scripts."""
    rng = random.Random(2)
    skeleton = {
        "ru_RU": "Фильм «{}» можно посмотреть онлайн в хорошем качестве на нашем сайте бесплатно и без регистрации.",
        "fr_FR": "Le film « {} » est disponible en streaming sur notre site, gratuitement et sans inscription.",
        "de_DE": "Der Film „{}“ ist auf unserer Seite kostenlos und ohne Anmeldung im Stream verfügbar.",
    }[locale]
    texts = []
    for article in _articles(locale, 6, seed=3):
        title = _words(rng, locale, 2).title()
        texts.append(article + "\n" + skeleton.format(title))
    found = find_boilerplate(texts, webpage=False)
    assert [(b.kind, len(b.spans)) for b in found] == [("template", 6)]


def test_sentence_ends_of_other_scripts_end_sentences() -> None:
    """The dandas, Arabic's question mark, Urdu's and Armenian's full stops end a sentence as ``。`` does."""
    assert ends_sentence(["আমরা একসাথে আছি।", "ہم ساتھ ہیں۔", "هل نحن معا؟", "Մենք միասին ենք։", "we"]).tolist() == [
        True,
        True,
        True,
        True,
        False,
    ]
    two = "সরকার আজ নতুন পরিকল্পনা ঘোষণা করেছে। এতে কৃষকরা উপকৃত হবেন।"
    assert one_sentence([two, "আমরা একসাথে আছি।", "政府宣布新计划。农民将受益。"]).tolist() == [False, True, False]


@pytest.mark.parametrize(
    ("locale", "refrain"),
    [("bn_BD", "আমরা একসাথে আছি।"), ("ar_AA", "ہم ساتھ ہیں۔"), ("ar_AA", "هل نحن معا؟"), ("ru_RU", "我们在一起。")],
)
def test_a_refrain_that_ends_a_sentence_is_no_marker(locale: str, refrain: str) -> None:
    """A poem's refrain after each of four verses stays: a short line repeated within a document is a marker (a label
    such as ``【正文】``) unless it ends a sentence. Before, the Bengali, Urdu and Arabic refrains went three times as
    markers; the Chinese one stayed."""
    rng = random.Random(4)
    verses = [_words(rng, locale, 9) for _ in range(4)]
    text = "\n".join(line for verse in verses for line in (verse, refrain))
    assert clean_report([text]).cleaned[0].removed == ()


def test_long_paragraphs_of_other_scripts_are_matched_sentence_by_sentence() -> None:
    """A paragraph over ``max_unit_chars`` is matched sentence by sentence, split at its dandas too."""
    sentences = ["সরকার আজ নতুন পরিকল্পনা ঘোষণা করেছে।", "এতে কৃষকরা উপকৃত হবেন।", "মন্ত্রী সংসদে বাজেটের কথা বলেছেন।"]
    paragraph = " ".join(sentences * 5)
    units = unit_table([paragraph], PassageOptions())
    assert len(paragraph) > PassageOptions().max_unit_chars
    assert len(units) == 15 and units.sentence_end.all()


def test_dialogue_in_the_quotes_and_dashes_of_other_languages_is_speech() -> None:
    lines = [
        "“Fine.”",
        "« Oui. »",
        "„Ja.“",
        "»Nein.«",
        "‚Ja.‘",
        "«Нет».",
        "«Да», — сказал он.",
        "— Да.",
        "—¿Sí?",
        "– Igen.",
    ]
    lines += ["“I don't know.”", "« D'accord. »", "“好。”", "“Wait,” she said."]
    assert opens_with_speech(lines).all()
    # Not speech: quoted names and terms, a Chinese attribution, furniture between dashes, a list item.
    others = [
        "“Mr. Smith”",
        "“U.S. Steel”",
        "«Известия» сообщили.",
        '"输血",更需"造血"',
        "“枯立木”。",
        "——新华社记者 王明。",
    ]
    others += ["— 完 —", "— Advertisement —", "- Home.", "— 3 —", "【正文】"]
    assert not opens_with_speech(others).any()


DIALOGUE = {
    "ru_RU": ["— Да.", "— Нет.", "— Почему?", "«Хорошо».", "«Да», — сказал он.", "— Не знаю."],
    "fr_FR": ["« Oui. »", "« Non. »", "« Pourquoi ? »", "— Merci.", "« D'accord. »", "« Je ne sais pas. »"],
    "de_DE": ["„Ja.“", "„Nein.“", "„Warum?“", "»Danke.«", "»Gut.«", "„Ich weiß nicht.“"],
    "pl_PL": ["— Tak.", "— Nie.", "— Dlaczego?", "„Dziękuję.”", "— Dobrze.", "— Nie wiem."],
    "el_GR": ["«Ναι.»", "«Όχι.»", "«Γιατί;»", "— Ευχαριστώ.", "«Καλά.»", "«Δεν ξέρω.»"],
}


@pytest.mark.parametrize("locale", sorted(DIALOGUE))
def test_lines_of_dialogue_that_every_novel_has_are_kept(locale: str) -> None:
    """Chapters of 30 novels: paragraphs of their own, and short lines of dialogue (``— Да.``, ``« Oui. »``) that recur
    in most chapters. They went from every chapter as recurring boilerplate (224 of 224 lines in each language), as
    ``“Yes.”`` did in English; ``“嗯。”`` stayed."""
    rng = random.Random(5)
    texts = []
    for _ in range(30):
        lines = []
        for _ in range(12):
            lines.append(_words(rng, locale, rng.randint(15, 30)) + ".")
            if rng.random() < 0.6:
                lines.append(rng.choice(DIALOGUE[locale]))
        texts.append("\n".join(lines))
    assert [r.text for c in clean_report(texts).cleaned for r in c.removed] == []


def test_a_line_of_dialogue_said_twice_in_a_chapter_stays_twice() -> None:
    """``“好。”`` twice in a chapter went as a repeated passage (its first copy kept), ``“Fine.”`` as a marker."""
    zh = [
        "他走进房间，看见桌上放着一封信，信封上写着他的名字，字迹很陌生。",
        "“好。”",
        "她转过身去，望着窗外的雨，很久没有说话。",
    ]
    zh += ["“为什么？”", "他把信放回桌上，慢慢地坐下来，心里想着这些年发生的事情。", "“好。”", "第二天早上，雨停了。"]
    en = ["He walked into the room and saw a letter on the table with his name on it.", "“Fine.”"]
    en += ["She turned away and looked at the rain for a long time.", "“Why?”", "He put the letter back.", "“Fine.”"]
    assert [c.removed for c in clean_report(["\n".join(zh), "\n".join(en)]).cleaned] == [(), ()]


PAGE_NUMBERS = {
    "fr_FR": ("Page {n} sur 40", "Rapport annuel 2023"),
    "de_DE": ("Seite {n} von 40", "Jahresbericht 2023"),
    "ru_RU": ("Стр. {n}", "Годовой отчёт 2023"),
    "pl_PL": ("Strona {n}", "Raport roczny 2023"),
    "el_GR": ("Σελίδα {n}", "Ετήσια έκθεση 2023"),
}


@pytest.mark.parametrize("locale", sorted(PAGE_NUMBERS))
def test_page_numbers_of_other_languages_are_page_furniture(locale: str) -> None:
    """PDF text of 30 pages, each with a running head and a page-number line in the language's words (``Seite 3 von
    40``, ``Стр. 3``): every page number goes as one, as ``Page 3`` and ``第3页`` did; before, all 30 stayed."""
    number, head = PAGE_NUMBERS[locale]
    rng = random.Random(6)
    lines = []
    for n in range(1, 31):
        lines.append(head)
        lines += [_words(rng, locale, 30) + "." for _ in range(3)]
        lines.append(number.format(n=n))
    removed = clean_report(["\n".join(lines)]).cleaned[0].removed
    numbers = {number.format(n=n) for n in range(1, 31)}
    assert sorted(r.text.strip() for r in removed if r.kind == "page-number") == sorted(numbers)
    assert all(r.text.strip() in numbers | {head} for r in removed)  # nothing of the prose


def test_page_words_mark_only_whole_page_number_lines() -> None:
    lines = [
        "Seite 3",
        "S. 12",
        "Page 3 of 40",
        "Стр. 3 из 40",
        "Strona 3 z 40",
        "Página 3 de 40",
        "Sayfa 7",
        "12",
        "P2",
    ]
    assert page_marks(lines)[0].all()
    prose = ["Siehe Seite 3 für Details.", "Seite", "Seite 3 Absatz 2 regelt das.", "Page three", "Стр. 3, абзац 2"]
    prose += ["S2", "s 3"]  # a season, a size: "S." takes its full stop
    assert not page_marks(prose)[0].any()
    heads = ["Seite 3 | Jahresbericht 2023", "Стр. 3 — Годовой отчёт"]
    assert page_marks(heads)[1].all() and not page_marks(heads)[0].any()


_SPEECH_PIECES = ["“", "”", "«", "»", "„", "'", "’", "，", ",", ".", "。", "a", "字", " ", "—", "\n", "?"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_SPEECH_PIECES), max_size=10).map("".join), max_size=8))
def test_the_linear_speech_pattern_is_the_pattern_as_written(lines: list[str]) -> None:
    """The speech pattern reads the text before the first clause punctuation apart (linear on any line); it marks
    what the plain form marks — an opener, quoted text, a clause's punctuation or a sentence's end, more quoted text,
    a closer — whose two runs of quoted text made a line of a chapter printed whole quadratic."""
    import re

    from dedup import linemarks as marks

    quoted = marks._QUOTE_TEXT
    plain = re.compile(
        f"[{marks._SPEECH_OPENERS}]{quoted}*(?:[{marks._CLAUSE_ENDS}]{quoted}*|[{marks._UTTERANCE_ENDS}]\\s?)"
        f"[{marks._SPEECH_CLOSERS}]|{marks._PUNCTUATION_AFTER_QUOTE}|{marks._DASH_DIALOGUE}"
    )
    first = marks._SPEECH_OPENERS + marks._DIALOGUE_DASHES
    expected = [line[:1] in first and plain.match(line) is not None for line in lines]
    assert opens_with_speech(lines).tolist() == expected


def test_a_chapter_printed_as_one_line_is_read_in_linear_time() -> None:
    """A line of 80,000 characters that opens with a quote and holds clause punctuation but no closing quote (a novel's
    chapter scraped without line breaks): no speech, read at once (the plain form took minutes)."""
    assert opens_with_speech(["“" + "，字" * 40_000, "«" + "a, " * 30_000]).tolist() == [False, False]


# ------------------------------------------------------------------ optional vowel marks

ARABIC_MARKS = [chr(c) for c in (0x064B, 0x064C, 0x064D, 0x064E, 0x064F, 0x0650, 0x0651, 0x0652, 0x0670)]
HEBREW_MARKS = [chr(c) for c in (*range(0x05B0, 0x05BE), 0x05BF, 0x05C1, 0x05C2, 0x05C7, 0x0591, 0x05A5)]


def _vocalized(text: str, marks: list[str], share: float, rng: random.Random, tatweel: float = 0.0) -> str:
    """``text`` with a mark after ``share`` of its letters (and a tatweel before it after ``tatweel`` of them)."""
    out = []
    for char in text:
        out.append(char)
        if char.isalpha():
            if rng.random() < tatweel:
                out.append("\u0640")
            if rng.random() < share:
                out.append(rng.choice(marks))
    return "".join(out)


def test_the_view_drops_arabic_and_hebrew_vowel_marks_and_tatweel() -> None:
    assert normalize("كَتَبَ").text == normalize("كـتـب").text == "كتب"
    assert normalize("شَدَّة").text == "شدة"  # shadda
    assert normalize("שָׁלוֹם").text == "שלום"  # points, the shin dot
    assert normalize("בְּרֵאשִׁ֖ית").text == "בראשית"  # cantillation (tipeha)
    assert normalize("ܟ݁ܬ݂ܳܒ݂ܳܐ").text == "ܟܬܒܐ"  # Syriac
    view = normalize("كَتَبَ")
    assert view.offsets.tolist() == [0, 2, 4]  # each letter points at itself, the marks at nothing
    # A hamza or madda that composes with its letter is a letter; the maqaf is punctuation either way.
    assert normalize("أ").text == normalize("ا\u0654").text == "أ" != normalize("ا").text
    assert normalize("آ").text == "آ"
    assert normalize("בית־ספר").text == "ביתספר"
    # Off: the marks stay, as in indexes of format 2.
    assert normalize("كَتَبَ", NormalizeOptions(strip_vowel_marks=False)).text == "كَتَبَ"
    assert normalize("كـتـب", NormalizeOptions(strip_vowel_marks=False)).text == "كـتـب"


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["ar_AA", "he_IL"]),
    st.integers(0, 2**32 - 1),
    st.floats(0, 1),
    st.floats(0, 0.3),
    st.booleans(),
)
def test_a_vocalized_text_has_the_bare_text_s_view(
    locale: str, seed: int, share: float, tatweel: float, kernel: bool
) -> None:
    rng = random.Random(seed)
    bare = _words(rng, locale, 30) + "."
    marks = ARABIC_MARKS if locale == "ar_AA" else HEBREW_MARKS
    vocalized = _vocalized(bare, marks, share, rng, tatweel if locale == "ar_AA" else 0.0)
    with pytest.MonkeyPatch.context() as patched:
        if not kernel:
            patched.setattr(view_module, "_kernels", None)
        assert matching_texts([vocalized, bare]) == [normalize(bare).text] * 2
        view = normalize(vocalized)
    assert view.text == normalize(bare).text
    assert "".join(vocalized[i] for i in view.offsets.tolist()) == view.text  # letters point at themselves


@pytest.mark.parametrize("locale", ["ar_AA", "he_IL"])
def test_reprints_with_and_without_vowel_marks_are_duplicates(locale: str) -> None:
    """Before the marks were dropped, a tenth of letters marked left 68 (Arabic) and 75 (Hebrew) of 100 such
    pairs found, a third none; tatweel on one letter in twenty cost nothing."""
    rng = random.Random(1)
    marks = ARABIC_MARKS if locale == "ar_AA" else HEBREW_MARKS
    base = [_words(rng, locale, 120) + "." for _ in range(40)]
    for share in (0.1, 1.0):
        texts = base + [_vocalized(text, marks, share, rng, 0.05 if locale == "ar_AA" else 0.0) for text in base]
        pairs = {(c.members[0], m) for c in find_duplicates(texts) for m in c.members[1:]}
        assert pairs == {(i, 40 + i) for i in range(40)}
    kept = [_vocalized(text, marks, 1.0, rng) for text in base]
    assert (
        find_duplicates(base + kept, options=DuplicateOptions(normalize=NormalizeOptions(strip_vowel_marks=False)))
        == []
    )


def _as_format_2(path: Path) -> None:
    """Rewrite an index's manifest as dedup wrote it before ``strip_vowel_marks``: format 2, the field absent."""
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["format"] = 2
    for view in (manifest["options"]["normalize"], manifest["passages"]["normalize"], manifest["lines"]):
        assert view.pop("strip_vowel_marks") is False
    (path / "manifest.json").write_text(json.dumps(manifest))


def test_an_index_of_format_2_keeps_its_views(tmp_path: Path) -> None:
    """Its keys were made with the marks kept: it is read so (its options, queries, clusters, cleaning against it),
    and a save keeps it format 2. An index made now strips them."""
    rng = random.Random(3)
    bare = [
        "\n".join(_words(rng, "ar_AA", 40) + "." for _ in range(3)) + "\n" + "القائمة الرئيسية اتصل بنا"
        for _ in range(8)
    ]
    vocalized = [_vocalized(text, ARABIC_MARKS, 0.5, rng) for text in bare]
    kept = NormalizeOptions(strip_vowel_marks=False)
    old = DuplicateOptions(normalize=kept)
    legacy = Index.create(tmp_path / "old", old, passages=PassageOptions(normalize=kept), lines=kept)
    legacy.add(bare[:6])
    legacy.save()
    legacy.close()
    _as_format_2(tmp_path / "old")
    index = Index.open(tmp_path / "old")
    assert index.format == 2 and index.options == old and index.lines == kept
    assert index.passages == PassageOptions(normalize=kept)
    assert [list(hits) for hits in index.query(vocalized[:6])] == [[]] * 6  # marks kept: other text
    assert [[m.id for m in hits] for hits in index.query(bare[:6])] == [[str(i)] for i in range(6)]
    with pytest.raises(IndexFileError, match="other options"):
        Index.open(tmp_path / "old", DuplicateOptions())
    # Cleaning against it views the batch as the index does, equal to cleaning with those views against a new one.
    current = Index.create(tmp_path / "new", old, passages=PassageOptions(normalize=kept), lines=kept)
    current.add(bare[:6])
    current.save()
    batch = [bare[6], vocalized[0], bare[1], bare[7]]
    against_old = clean_report(batch, against=index).cleaned
    viewed = dict(boilerplate=BoilerplateOptions(normalize=kept), passages=PassageOptions(normalize=kept))
    assert against_old == clean_report(batch, against=current, **viewed).cleaned
    assert against_old[2].text == "" and against_old[1].text == vocalized[0]
    index.add(bare[6:])
    index.save()
    assert json.loads((tmp_path / "old" / "manifest.json").read_text())["format"] == 2
    # A format-2 index that compared documents on lines with other view options cannot be read exactly.
    manifest = json.loads((tmp_path / "old" / "manifest.json").read_text())
    manifest["options"]["normalize"]["t2s"] = False
    (tmp_path / "old" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexFileError, match="rebuild the index"):
        Index.open(tmp_path / "old")
    fresh = Index.create(tmp_path / "fresh")
    assert fresh.format == 3 and fresh.options.normalize.strip_vowel_marks
