"""The quality benchmark: its metrics, its corpus generator, and floors on ``dedup``."""

from __future__ import annotations

import importlib
import re

import numpy as np
import pytest

from benchmarks.quality import (
    clustering_metrics,
    evaluate,
    prediction_from_clean,
    span_metrics,
)
from benchmarks.quality.baseline import lsh_labels, minhashes
from benchmarks.quality.corpus import (
    TRANSFORMS,
    CorpusConfig,
    GeneratedCorpus,
    Story,
    cut_stories,
    generate_corpus,
    is_title_line,
    mask_to_spans,
    spans_to_mask,
)
from benchmarks.quality.generate import (
    FURNITURE_PATTERNS,
    NOISE_PATTERN,
    SOURCE_LINE_PATTERNS,
)
from benchmarks.quality.metrics import (
    adjusted_rand_index,
    char_scores,
    clusters_to_labels,
    found_mask,
    joint_pairs,
    merged_between,
    over_removal,
    pair_scores,
    recall_by_transform,
    spans_mask,
)

# Floors of the regression test; the lead tightens them towards the targets of issue 4
# (ARI >= 0.95, pair precision >= 0.99, boilerplate F1 >= 0.90, in-document duplicate
# recall >= 0.95, over-removal <= 0.5 %, every transformation's recall >= 0.9).
# The quality targets (README, "Quality"). Over-removal is held to 0.5 % on the full
# preset; this 60-story corpus measures 0.55 %, so its ceiling carries a margin.
FLOORS = {
    "ari": 0.95,
    "pair_precision": 0.99,
    "transform_recall": 0.9,
    "boilerplate_f1": 0.9,
    "duplicate_recall": 0.95,
}
CEILINGS = {"over_removal": 0.0075}


# --------------------------------------------------------------------------- metrics


def test_ari_identical_and_relabelled_is_one() -> None:
    labels = np.array([0, 0, 1, 2, 2, 2])
    assert adjusted_rand_index(labels, labels) == 1.0
    assert adjusted_rand_index(labels, np.array([7, 7, 3, 9, 9, 9])) == 1.0


def test_ari_hand_computed() -> None:
    # Cells 2,1,1,2: index = 2; class pairs 3+3 = 6; cluster pairs 1+1+1 = 3; 15 pairs.
    # expected = 6*3/15 = 1.2, max = 4.5 -> (2 - 1.2) / (4.5 - 1.2) = 8/33.
    true = np.array([0, 0, 0, 1, 1, 1])
    pred = np.array([0, 0, 1, 1, 2, 2])
    assert adjusted_rand_index(true, pred) == pytest.approx(8 / 33)


def test_ari_degenerate_cases() -> None:
    singletons = np.arange(5)
    assert adjusted_rand_index(singletons, singletons + 10) == 1.0
    assert adjusted_rand_index(np.zeros(4), np.ones(4)) == 1.0
    assert adjusted_rand_index(singletons, np.array([0, 0, 1, 2, 3])) == 0.0
    assert adjusted_rand_index(np.array([1]), np.array([2])) == 1.0


def test_ari_matches_sklearn() -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    for _ in range(20):
        true = rng.integers(0, 8, size=60)
        pred = rng.integers(0, 12, size=60)
        pred[:30] = true[:30]
        assert adjusted_rand_index(true, pred) == pytest.approx(metrics.adjusted_rand_score(true, pred))


def test_pair_scores_hand_computed() -> None:
    scores = pair_scores(np.array([0, 0, 0, 1, 1, 1]), np.array([0, 0, 1, 1, 2, 2]))
    assert (scores.true_positive, scores.predicted, scores.actual) == (2, 3, 6)
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.recall == pytest.approx(1 / 3)
    assert scores.f1 == pytest.approx(4 / 9)


def test_pair_scores_without_predicted_pairs() -> None:
    scores = pair_scores(np.array([0, 0, 1]), np.array([0, 1, 2]))
    assert (scores.precision, scores.recall) == (1.0, 0.0)


def test_clusters_to_labels() -> None:
    labels = clusters_to_labels([(0, 2), [3, 4]], 6)
    assert labels[0] == labels[2] and labels[3] == labels[4]
    assert len(set(labels.tolist())) == 4
    with pytest.raises(ValueError):
        clusters_to_labels([(0, 1), (1, 2)], 3)
    with pytest.raises(ValueError):
        clusters_to_labels([(0, 5)], 3)


def test_clusters_to_labels_reads_members() -> None:
    class Cluster:
        members = (1, 2)

    labels = clusters_to_labels([Cluster()], 3)
    assert labels[1] == labels[2] != labels[0]


def test_found_mask_and_recall_by_transform() -> None:
    true = np.array([0, 0, 0, 1, 1, 2])
    pred = np.array([5, 5, 6, 7, 8, 9])
    assert found_mask(true, pred).tolist() == [True, True, False, False, False, False]
    transforms = [(), ("width",), ("width", "excerpt"), ("excerpt",), (), ("width",)]
    recall = recall_by_transform(true, pred, transforms, ["width", "excerpt"])
    assert (recall["width"].true_positive, recall["width"].actual) == (1, 2)  # doc 5 is a singleton
    assert (recall["excerpt"].true_positive, recall["excerpt"].actual) == (0, 2)
    assert (recall["none"].true_positive, recall["none"].actual) == (1, 2)
    assert recall["all"].recall == pytest.approx(2 / 5)


def test_joint_pairs_and_merged_between() -> None:
    site = np.array([0, 0, 0, 1, 1])
    story = np.array([0, 1, 1, 2, 3])
    pred = np.array([0, 0, 1, 2, 2])
    assert joint_pairs(site) == 4
    assert joint_pairs(site) - joint_pairs(site, story) == 3  # same site, different story
    assert joint_pairs(site, pred) - joint_pairs(site, story, pred) == 2
    assert merged_between(pred, story == 0, story == 1) == (1, 2)
    assert merged_between(pred, np.array([3]), np.array([4])) == (1, 1)


def test_spans_mask_and_char_scores() -> None:
    lengths = np.array([10, 4])
    mask = spans_mask([[(0, 3), (2, 5)], [(1, 9)]], lengths)
    assert mask.tolist() == [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1]
    scores = char_scores([[(0, 5)], []], [[(2, 8)], []], lengths)
    assert (scores.true_positive, scores.predicted, scores.actual) == (3, 5, 6)
    ignore = np.zeros(14, dtype=bool)
    ignore[[0, 7]] = True
    scores = char_scores([[(0, 5)], []], [[(2, 8)], []], lengths, ignore)
    assert (scores.true_positive, scores.predicted, scores.actual) == (3, 4, 5)


def test_over_removal() -> None:
    body = [np.array([1, 1, 0, 0], dtype=bool), np.array([1, 1, 1, 1], dtype=bool)]
    assert over_removal([[(0, 4)], []], body) == pytest.approx(2 / 6)
    assert over_removal([[(2, 4)], []], body) == 0.0
    flat = np.concatenate(body)
    assert over_removal([[], [(0, 3)]], flat, np.array([4, 4])) == pytest.approx(3 / 6)


def test_mask_spans_round_trip() -> None:
    mask = np.array([0, 1, 1, 0, 1, 0, 0, 1], dtype=bool)
    spans = mask_to_spans(mask)
    assert spans == ((1, 3), (4, 5), (7, 8))
    assert spans_to_mask(spans, len(mask)).tolist() == mask.tolist()


# --------------------------------------------------------------------------- story cutting


def test_title_lines() -> None:
    assert is_title_line("北京举行新年音乐会")
    assert is_title_line("初步识“大盘”")
    assert is_title_line("对交通事故调解不服怎么办？")
    assert not is_title_line("今晚的长安街流光溢彩，火树银花。")
    assert not is_title_line("（新华社记者樊如钧摄）")
    assert not is_title_line("郝友好同志：")
    assert not is_title_line("“你好！”他说，“再见！”")


def test_cut_stories_drops_recurring_lines_and_captions() -> None:
    lines = [
        "第一个标题",
        "本报记者甲",
        "正文第一段。",
        "（新华社记者乙摄）",
        "正文第二段。",
        "图片新闻",
        "另一段话。",
        "第二个标题",
        "第二篇正文。",
        "图片新闻",
        "又一段话。",
    ]
    stories = cut_stories(lines)
    assert stories[0] == Story(("第一个标题", "本报记者甲"), ("正文第一段。", "正文第二段。"))
    assert stories[1] == Story(("第二个标题",), ("第二篇正文。",))
    assert len(stories) == 2  # "图片新闻" recurs, so its stories lose their title


# --------------------------------------------------------------------------- the generator


@pytest.fixture(scope="module")
def small() -> GeneratedCorpus:
    return generate_corpus("small", seed=0)


def test_same_seed_same_corpus(small: GeneratedCorpus) -> None:
    again = generate_corpus("small", seed=0)
    assert again.texts == small.texts
    assert np.array_equal(again.story, small.story)
    assert again.transforms == small.transforms
    assert again.boilerplate_spans == small.boilerplate_spans
    assert again.fingerprint() == small.fingerprint()


def test_other_seed_other_corpus(small: GeneratedCorpus) -> None:
    other = generate_corpus(CorpusConfig(n_stories=12, n_sites=6), seed=1)
    assert other.texts[:5] != small.texts[:5]
    assert other.fingerprint() != generate_corpus(CorpusConfig(n_stories=12, n_sites=6), seed=2).fingerprint()


def test_structure(small: GeneratedCorpus) -> None:
    n = len(small)
    assert small.story.shape == small.site.shape == small.original.shape == (n,)
    assert small.story.dtype == np.int64
    sizes = np.bincount(small.story)
    assert (sizes == 1).any() and (sizes >= 3).any()
    assert np.bincount(small.story[small.original]).tolist() == [1] * len(sizes)  # one original per story
    for story in np.flatnonzero(sizes > 1):
        sites = small.site[small.story == story]
        assert len(set(sites.tolist())) == len(sites)  # reprints appear on distinct sites
    # Hard negatives: some site carries several different stories.
    assert max(len(set(small.story[small.site == s].tolist())) for s in set(small.site.tolist())) >= 3
    # Every transformation occurs, and originals are never excerpted or edited.
    assert {t for ts in small.transforms for t in ts} == set(TRANSFORMS)
    for ts, original in zip(small.transforms, small.original):
        assert list(ts) == [t for t in TRANSFORMS if t in ts]
        assert not (original and ("excerpt" in ts or "edits" in ts))


def test_spans_lie_inside_and_do_not_collide(small: GeneratedCorpus) -> None:
    for i, text in enumerate(small.texts):
        kinds = {
            "boilerplate": small.boilerplate_spans[i],
            "repeat": small.repeat_spans[i],
            "noise": small.noise_spans[i],
        }
        for spans in kinds.values():
            flat = [x for span in spans for x in span]
            assert flat == sorted(flat) and all(0 <= x <= len(text) for x in flat)
            assert all(a < b for a, b in spans)
        boilerplate = spans_to_mask(kinds["boilerplate"], len(text))
        assert not (boilerplate & spans_to_mask(kinds["noise"], len(text))).any()
        assert not (boilerplate & spans_to_mask(kinds["repeat"], len(text))).any()
        assert small.body_mask(i).sum() > 50


def test_noise_spans_are_pinyin_or_html(small: GeneratedCorpus) -> None:
    count = 0
    for i, text in enumerate(small.texts):
        for a, b in small.noise_spans[i]:
            # Adjacent insertions merge into one span: it must be a run of noise tokens.
            assert re.fullmatch(f"(?:{NOISE_PATTERN.pattern})+", text[a:b]), text[a:b]
            count += 1
        if "pinyin" in small.transforms[i]:
            assert small.noise_spans[i]
    assert count > 0


def _view(text: str, keep: np.ndarray) -> tuple[str, np.ndarray]:
    """Kept non-space characters, and the original position of each."""
    positions = np.array([k for k, ch in enumerate(text) if keep[k] and not ch.isspace()], dtype=np.int64)
    return "".join(text[k] for k in positions.tolist()), positions


def test_repeat_spans_copy_earlier_text(small: GeneratedCorpus) -> None:
    checked = 0
    for i, text in enumerate(small.texts):
        if not small.repeat_spans[i]:
            continue
        assert "repeat" in small.transforms[i]
        keep = ~spans_to_mask(small.noise_spans[i] + small.boilerplate_spans[i], len(text))
        view, positions = _view(text, keep)
        for a, b in small.repeat_spans[i]:
            inside = (positions >= a) & (positions < b)
            copy = view[int(np.argmax(inside)) : int(np.argmax(inside)) + int(inside.sum())]
            before = view[: int(np.argmax(positions >= a))]
            assert copy and copy in before, (i, copy[:40])
            checked += 1
    assert checked > 0


def test_boilerplate_spans_are_whole_template_lines(small: GeneratedCorpus) -> None:
    plain = 0
    for i, text in enumerate(small.texts):
        site = small.sites[int(small.site[i])]
        patterns = site.template_patterns() + list(FURNITURE_PATTERNS) + list(SOURCE_LINE_PATTERNS)
        for a, b in small.boilerplate_spans[i]:
            before, after = text[:a].rstrip(" \u3000"), text[b:]
            assert not before or before[-1] in "\r\n", "a boilerplate span starts mid-line"
            assert not after or after[0] in "\r\n", "a boilerplate span ends mid-line"
            if set(small.transforms[i]) & {"traditional", "width", "punct", "wrap"}:
                continue  # character maps change source lines; templates are checked on plain pages
            for line in re.split(r"\r?\n", text[a:b]):
                if line.strip():
                    assert any(p.fullmatch(line) for p in patterns), line
                    plain += 1
    assert plain > 0


def test_template_slots_vary_between_pages(small: GeneratedCorpus) -> None:
    # A site's furniture differs between its pages (dates, counts, names): never exact copies.
    checked = 0
    for s, site in enumerate(small.sites):
        docs = np.flatnonzero(small.site == s)
        if len(docs) < 3 or not any(re.search(r"\{\w+\}", t) for t, _ in site.header + site.footer):
            continue
        furniture = {"\n".join(small.texts[d][a:b] for a, b in small.boilerplate_spans[d]) for d in docs}
        assert len(furniture) >= 0.8 * len(docs)
        checked += 1
    assert checked > 0


# --------------------------------------------------------------------------- evaluation plumbing


def test_perfect_predictions_score_perfectly(small: GeneratedCorpus) -> None:
    result = clustering_metrics(small, small.story)
    assert result["ari"] == 1.0 and result["pair_precision"] == 1.0 and result["pair_recall"] == 1.0
    assert all(result[f"recall_{t}"] == 1.0 for t in TRANSFORMS)
    truth = {
        "boilerplate": [list(s) for s in small.boilerplate_spans],
        "duplicate": [list(s) for s in small.repeat_spans],
        "noise": [list(s) for s in small.noise_spans],
    }
    spans = span_metrics(small, truth)
    for reason in truth:
        assert spans[f"{reason}_precision"] == 1.0 and spans[f"{reason}_recall"] == 1.0
    assert spans["over_removal"] == 0.0


def test_clean_removals_are_scored_by_reason(small: GeneratedCorpus) -> None:
    from types import SimpleNamespace as Obj

    def removals(doc: int) -> tuple:
        kinds = (
            ("boilerplate", small.boilerplate_spans),
            ("duplicate", small.repeat_spans),
            ("noise", small.noise_spans),
        )
        return tuple(Obj(start=a, end=b, reason=r, ref=None, text="") for r, spans in kinds for a, b in spans[doc])

    perfect = [Obj(text="", removed=removals(i)) for i in range(len(small))]
    spans = span_metrics(small, prediction_from_clean(small, perfect))
    assert spans["boilerplate_f1"] == spans["duplicate_f1"] == spans["noise_f1"] == 1.0
    assert spans["over_removal"] == 0.0 and spans["dropped_docs"] == 0
    # Dropping a whole reprint as a duplicate is scored by ARI, not as over-removal.
    whole = [Obj(text="", removed=(Obj(start=0, end=len(small.texts[0]), reason="duplicate", ref=1, text=""),))]
    whole += [Obj(text="", removed=()) for _ in range(len(small) - 1)]
    spans = span_metrics(small, prediction_from_clean(small, whole))
    assert spans["dropped_docs"] == 1 and spans["over_removal"] == 0.0
    # Removing a body paragraph as boilerplate is over-removal.
    body = np.flatnonzero(small.body_mask(0))
    wrong = [
        Obj(
            text="", removed=(Obj(start=int(body[0]), end=int(body[0]) + 100, reason="boilerplate", ref=None, text=""),)
        )
    ]
    wrong += [Obj(text="", removed=()) for _ in range(len(small) - 1)]
    assert span_metrics(small, prediction_from_clean(small, wrong))["over_removal"] > 0


def test_baseline_clusters_identical_texts() -> None:
    texts = [
        "今天天气很好，我们去公园散步吧。" * 3,
        "今天天气很好，我们去公园散步吧。" * 3,
        "完全不同的一段文字，讲的是另一件事情。" * 3,
    ]
    labels = lsh_labels(minhashes(texts), 0.5)
    assert labels[0] == labels[1] != labels[2]


# --------------------------------------------------------------------------- regression floors


def _dedup_function(name: str):  # noqa: ANN202
    try:
        module = importlib.import_module("dedup")
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"`import dedup` failed: {type(error).__name__}: {error}")
    if not callable(getattr(module, name, None)):
        pytest.skip(f"dedup.{name} is not available yet")


def test_find_duplicates_floors(small: GeneratedCorpus) -> None:
    _dedup_function("find_duplicates")
    result = evaluate(small, run_clean=False, raise_errors=True)
    report = ", ".join(f"{k}={v:.4f}" for k, v in result.items() if isinstance(v, float))
    assert result["ari"] >= FLOORS["ari"], report
    assert result["pair_precision"] >= FLOORS["pair_precision"], report
    transform_recalls = {k: v for k, v in result.items() if k.startswith("recall_") and isinstance(v, float)}
    assert transform_recalls and min(transform_recalls.values()) >= FLOORS["transform_recall"], report


def test_clean_floors(small: GeneratedCorpus) -> None:
    _dedup_function("clean")
    result = evaluate(small, raise_errors=True)
    report = ", ".join(f"{k}={v:.4f}" for k, v in result.items() if isinstance(v, float))
    assert result["boilerplate_f1"] >= FLOORS["boilerplate_f1"], report
    assert result["duplicate_recall"] >= FLOORS["duplicate_recall"], report
    assert result["over_removal"] <= CEILINGS["over_removal"], report
