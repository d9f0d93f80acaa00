"""find_duplicates end to end: exact small cases, planted copies in real text, the seeds."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest

import dedup
from dedup import (
    BoilerplateOptions,
    Cluster,
    DuplicateOptions,
    InvalidOptionError,
    InvalidTextError,
    NormalizeOptions,
    find_duplicates,
)
from dedup.normalize import matching_texts
from dedup.shingle import shingle_sets
from dedup.verify import similarities

BASE = (
    "织密扎牢安全网管好活用救命钱市医保局加强医保协议管理侧记医保制度是保障公众健康平安的生命线而医保基金则堪称老百"
    "姓的救命钱"
)
OTHER = (
    "近年来市医保局在建立健全基本医疗保险经办机构与协议定点医药机构工作的协商谈判机制基础上以甲方的名义抓牢医保协议管理"
)


def exact_jaccard(a: str, b: str, n: int = 5) -> float:
    sets, offsets = shingle_sets(matching_texts([a, b]), n)
    return float(similarities(sets, offsets, np.array([[0, 1]]))[0][0])


def test_exact_copy_and_punctuation_variant_form_one_cluster() -> None:
    texts = [BASE, OTHER, "，".join([BASE[:30], BASE[30:]]) + "。", BASE]
    clusters = find_duplicates(texts)
    assert clusters == [
        Cluster(id=0, members=(0, 2, 3), representative=0, similarity=(1.0, 1.0, 1.0), coverage=(1.0, 1.0, 1.0))
    ]


def test_nothing_to_compare_is_nobodys_duplicate() -> None:
    assert find_duplicates(["", "", "！！", "。"]) == []
    assert find_duplicates([]) == [] and find_duplicates([BASE]) == []


def test_similarity_is_exact_jaccard_to_the_representative() -> None:
    edited = BASE[:20] + "某" + BASE[21:]
    clusters = find_duplicates([edited, BASE, OTHER], threshold=0.5, representative="longest")
    assert len(clusters) == 1
    (cluster,) = clusters
    assert cluster.members == (0, 1)
    assert cluster.representative == 0  # equal lengths: the first
    assert cluster.similarity == (1.0, pytest.approx(exact_jaccard(edited, BASE)))


def test_dissimilar_documents_never_chain_through_band_collisions() -> None:
    # One row per band makes every pair sharing a single MinHash value a candidate;
    # verification must still keep only truly similar pairs.
    rng = random.Random(3)
    chars = [chr(0x4E00 + i) for i in range(300)]
    docs = ["".join(rng.choice(chars) for _ in range(400)) for _ in range(30)]
    clusters = find_duplicates(docs, threshold=0.5, bands=128, rows=1)
    assert clusters == []


def planted_corpus(news_docs: list[str], n_plants: int, seed: int) -> tuple[list[str], list[tuple[int, int, str]]]:
    rng = random.Random(seed)
    docs = list(news_docs)
    plants: list[tuple[int, int, str]] = []
    sources = rng.sample(range(len(news_docs)), n_plants)
    filler = (
        "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方"
        "后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开"
        "它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此"
        "变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老"
        "头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研"
    )
    for k, src in enumerate(sources):
        text = news_docs[src]
        kind = ("exact", "edits-2%", "excerpt-85%")[k % 3]
        if kind == "exact":
            copy = text
        elif kind == "edits-2%":
            chars = list(text)
            for pos in rng.sample(range(len(chars)), int(len(chars) * 0.02)):
                chars[pos] = rng.choice(filler)
            copy = "".join(chars)
        else:
            start = rng.randrange(0, int(len(text) * 0.15) + 1)
            copy = text[start : start + int(len(text) * 0.85)]
        docs.append(copy)
        plants.append((src, len(docs) - 1, kind))
    order = list(range(len(docs)))
    rng.shuffle(order)
    position = {old: new for new, old in enumerate(order)}
    return [docs[i] for i in order], [(position[s], position[c], kind) for s, c, kind in plants]


def test_planted_copies_in_real_news_are_all_found_and_nothing_else(news_docs: list[str]) -> None:
    docs, plants = planted_corpus(news_docs, 60, seed=11)
    clusters = find_duplicates(docs)
    label = {m: c.id for c in clusters for m in c.members}
    missed = [p for p in plants if label.get(p[0]) is None or label.get(p[0]) != label.get(p[1])]
    assert missed == []
    planted_members = {m for s, c, _ in plants for m in (s, c)}
    assert all(set(c.members) <= planted_members for c in clusters)
    assert len(clusters) == len(plants)


def test_results_do_not_depend_on_batch_size_threads_or_processes(news_docs: list[str]) -> None:
    docs, _ = planted_corpus(news_docs, 30, seed=5)
    reference = find_duplicates(docs)
    assert find_duplicates(docs, batch_size=7, workers=1) == reference
    assert find_duplicates(iter(docs), batch_size=64, workers=2) == reference
    # line tables made on worker processes, from a list and from a stream
    assert find_duplicates(docs, batch_size=7, processes=2) == reference
    assert find_duplicates(iter(docs), processes=3, strip_boilerplate=False) == find_duplicates(
        docs, strip_boilerplate=False
    )


def test_the_seeds_are_not_duplicates_of_each_other(seed_texts: dict[str, str]) -> None:
    assert find_duplicates(list(seed_texts.values())) == []


def test_options_are_validated() -> None:
    with pytest.raises(InvalidOptionError, match="unknown option"):
        find_duplicates([BASE], thresold=0.5)
    with pytest.raises(InvalidOptionError):
        find_duplicates([BASE], threshold=0)
    with pytest.raises(InvalidOptionError):
        find_duplicates([BASE, BASE], bands=40, rows=4)  # 160 > num_perm
    with pytest.raises(InvalidOptionError):
        DuplicateOptions(bands=4)
    with pytest.raises(InvalidTextError, match="record 2"):
        find_duplicates(["a", "b", None])  # type: ignore[list-item]


def test_options_object_and_keyword_overrides() -> None:
    base = DuplicateOptions(threshold=0.9, containment=None, representative="longest")
    texts = [BASE, BASE + "补充一句很长的话来改变", OTHER]
    assert 0.8 < exact_jaccard(texts[0], texts[1]) < 0.9
    assert find_duplicates(texts, options=base) == []
    (cluster,) = find_duplicates(texts, options=base, threshold=0.8)
    assert cluster.representative == 1
    defaults = dedup.DuplicateOptions()
    assert defaults.lsh == dedup.optimal_params(defaults.threshold, defaults.num_perm)


def test_the_view_options_are_read_with_boilerplate_stripping_too(tmp_path) -> None:
    """``normalize`` is the view documents are compared on, lines and all: until 2026-12-07 it was read only with
    ``strip_boilerplate=False``, and ``find_duplicates(texts, normalize=...)`` changed nothing by default."""
    traditional = "他們說這個國家的經濟發展很快，人民生活水平不斷提高。" * 6
    simplified = "他们说这个国家的经济发展很快，人民生活水平不断提高。" * 6
    no_t2s = NormalizeOptions(t2s=False)
    assert [c.members for c in find_duplicates([traditional, simplified])] == [(0, 1)]
    for strip in (True, False):
        assert find_duplicates([traditional, simplified], normalize=no_t2s, strip_boilerplate=strip) == []
    options = DuplicateOptions(normalize=no_t2s)
    assert options.boilerplate.normalize == no_t2s and options.boilerplate.webpage is False
    # Given as the lines' view alone, it is the documents' view; a later override of normalize moves both.
    lines_only = DuplicateOptions(boilerplate=BoilerplateOptions(webpage=False, normalize=no_t2s))
    assert lines_only.normalize == no_t2s and lines_only == options
    moved = replace(options, normalize=NormalizeOptions(casefold=False))
    assert moved.boilerplate.normalize == NormalizeOptions(casefold=False)
    # A saved index keeps the view and compares on it.
    index = dedup.Index.create(tmp_path / "idx", options, passages=None, lines=None)
    index.add([traditional])
    index.save()
    assert dedup.Index.open(tmp_path / "idx").options == options
    assert list(dedup.Index.open(tmp_path / "idx").query([simplified])[0]) == []
    assert [m.id for m in dedup.Index.open(tmp_path / "idx").query([traditional])[0]] == ["0"]


def test_shingle_sets_do_not_depend_on_tiles_or_threads(news_docs: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiles of a few characters on two threads give the sets one pass gives: each view's distinct hashes, sorted."""
    from dedup import shingle
    from dedup.shingle import encode, shingle_hashes

    views = matching_texts(news_docs[:40]) + ["", "短", "医保协议管理"]
    whole_hashes, whole_offsets = shingle_sets(views, 5, workers=1)
    monkeypatch.setattr(shingle, "_TILE_CHARS", 7)
    tiled_hashes, tiled_offsets = shingle_sets(views, 5, workers=2)
    assert np.array_equal(whole_hashes, tiled_hashes) and np.array_equal(whole_offsets, tiled_offsets)
    hashes, offsets = shingle_hashes(*encode(views), 5)
    for i in range(len(views)):
        expected = np.unique(hashes[offsets[i] : offsets[i + 1]])
        assert np.array_equal(tiled_hashes[tiled_offsets[i] : tiled_offsets[i + 1]], expected)


def test_texts_may_be_str_subclasses_and_the_first_other_record_is_named() -> None:
    """The check of the texts (``dedup.errors.check_texts``) passes a list of exact ``str`` at once; a subclass of str
    is a text too, and a record of another type is named by its index whatever else the list holds."""
    from dedup.errors import check_texts

    class Marked(str):
        pass

    texts = [BASE, Marked(BASE), OTHER]
    assert check_texts(texts) == texts and check_texts(iter(texts)) == texts
    assert [c.members for c in find_duplicates(texts)] == [(0, 1)]
    for bad, index in ((["a", Marked("b"), b"c"], 2), ([b"a", "b"], 0), (["a", "b", 3, None], 2)):
        with pytest.raises(InvalidTextError, match=f"record {index + 10}"):
            check_texts(bad, first_index=10)


def test_copies_of_a_document_made_of_boilerplate_are_one_text() -> None:
    """Three copies of a dated headline among others of its template: the line is a template, so stripped of its
    boilerplate each copy's view was empty and matched nothing; cleaning then took all three as a line recurring in
    three families (data gone, kept nowhere). A document none of whose lines counts is compared by all of them:
    the copies are one cluster, two emptied for the first, whose line goes as the template it is."""
    headline = "明天气象预报（１月３０日２０时—１月３１日２０时）"
    others = [f"明天气象预报（１月{d}日２０时—１月{d + 1}日２０时）" for d in (10, 15, 20, 25)]
    stories = [f"第{k}篇报道：记者从有关部门获悉，今年全省粮食总产量比上年增加{k}万吨，创历史新高。" for k in range(6)]
    docs = [headline] * 3 + others + stories
    assert [c.members for c in dedup.find_duplicates(docs)] == [(0, 1, 2), (7, 8, 9, 10, 11, 12)]
    report = dedup.clean_report(docs, cross_document=True, with_clusters=True)
    assert [[(r.reason, r.kind) for r in c.removed] for c in report.cleaned[:4]] == [
        [("boilerplate", "template")],
        [("duplicate", "document")],
        [("duplicate", "document")],
        [("boilerplate", "template")],
    ]
