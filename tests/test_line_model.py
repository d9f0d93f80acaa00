"""The web-page line model (dedup.webpage.model): its trees, its file, its fitting, and cleaning with it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedup
from benchmarks.webpages import DATA, load_pages
from benchmarks.webpages.fit import TARGET, export_trees, fit, page_matrix, page_probabilities, read_sources
from benchmarks.webpages.loso import main as loso_main
from benchmarks.webpages.loso import removed_lines
from dedup.errors import InvalidOptionError
from dedup.webpage import classify_page_lines, notice_page
from dedup.webpage import trees as trees_module
from dedup.webpage.model import (
    CONTEXT_FEATURES,
    MODEL_FEATURES,
    LineModel,
    context_features,
    list_pages,
    load_line_model,
)
from dedup.webpage.trees import Trees

SUBSET = DATA / "subset"


def _tree(feature: int, threshold: float, low: float, high: float, baseline: float) -> Trees:
    """One tree: ``feature <= threshold`` goes to a leaf of ``low``, else to one of ``high``."""
    return Trees(
        feature=np.array([[feature, 0, 0]], dtype=np.int32),
        threshold=np.array([[threshold, np.inf, np.inf]]),
        left=np.array([[1, 1, 2]], dtype=np.int32),
        right=np.array([[2, 1, 2]], dtype=np.int32),
        value=np.array([[0.0, low, high]]),
        baseline=baseline,
        depth=1,
    )


def _tiny_model(cut: float = 0.5, second: Trees | None = None) -> LineModel:
    """First stage: feature 0 <= 0.5 goes to a leaf of -1, else to a leaf of +2; baseline 0.5."""
    return LineModel(first=_tree(0, 0.5, -1.0, 2.0, 0.5), second=second, cut=cut, features=MODEL_FEATURES)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


@pytest.mark.parametrize("use_kernel", [True, False], ids=["kernel", "numpy"])
def test_trees_are_evaluated_exactly(use_kernel: bool) -> None:
    if use_kernel and trees_module._kernels is None:
        pytest.skip("the compiled kernel was not built")
    x = np.zeros((4, len(MODEL_FEATURES)))
    x[:, 0] = [0.0, 0.5, 0.6, np.nan]  # NaN goes right, as in scikit-learn's trees without missing values
    expected = _sigmoid(np.array([0.5 - 1, 0.5 - 1, 0.5 + 2, 0.5 + 2]))
    assert np.allclose(_tiny_model().probability(x, use_kernel=use_kernel), expected, rtol=0, atol=1e-15)


def test_the_second_stage_reads_the_first_stages_probabilities_on_each_page() -> None:
    """Second stage: the mean of the first stage's probability over one line each side
    (column ``p_mean1``) <= 0.7 goes to -3, else to +1; baseline 0."""
    column = len(MODEL_FEATURES) + CONTEXT_FEATURES.index("p_mean1")
    model = _tiny_model(second=_tree(column, 0.7, -3.0, 1.0, 0.0))
    x = np.zeros((5, len(MODEL_FEATURES)))
    x[:, 0] = [0.0, 1.0, 0.0, 1.0, 1.0]  # first stage: 0.378, 0.924, 0.378 | 0.924, 0.924
    low, high = _sigmoid(np.array(-0.5)), _sigmoid(np.array(2.5))
    means = [(low + high) / 2, (2 * low + high) / 3, (low + high) / 2, high, high]  # pages of 3 and 2 lines
    expected = _sigmoid(np.where(np.array(means) <= 0.7, -3.0, 1.0))
    assert expected.tolist() == [_sigmoid(-3.0)] * 3 + [_sigmoid(1.0)] * 2
    assert np.allclose(model.probability(x, np.array([0, 3, 5])), expected, rtol=0, atol=1e-15)
    # One page: the third line's window now takes the fourth line in, (low + 2 high) / 3 > 0.7.
    assert model.probability(x)[2] == _sigmoid(1.0)


def test_context_features_of_two_pages_are_exact() -> None:
    p = np.array([0.9, 0.1, 0.2, 0.8, 0.6])
    chars = np.array([10.0, 30.0, 20.0, 5.0, 15.0])
    ctx = context_features(p, chars, np.array([0, 3, 5]))
    column = {name: ctx[:, i] for i, name in enumerate(CONTEXT_FEATURES)}
    assert ctx.shape == (5, len(CONTEXT_FEATURES))
    assert np.array_equal(column["p"], p)
    assert np.allclose(column["p_mean1"], [0.5, 0.4, 0.15, 0.7, 0.7])
    assert np.array_equal(column["p_previous"], [-1, 0.9, 0.1, -1, 0.8])
    assert np.array_equal(column["p_next"], [0.1, 0.2, -1, 0.6, -1])
    assert np.allclose(column["page_p_mean"], [0.4, 0.4, 0.4, 0.7, 0.7])
    assert np.allclose(column["page_p_text_mean"], [(9 + 3 + 4) / 60] * 3 + [(4 + 9) / 20] * 2)
    # kept (p < 0.5): lines 1 and 2 of the first page (50 of its 60 characters), none of the second
    assert np.allclose(column["kept_text_before"], [0, 0, 30 / 60, 0, 0])
    assert np.allclose(column["kept_text_after"], [50 / 60, 20 / 60, 0, 0, 0])
    assert np.allclose(column["kept_share_before"], [0, 0, 30 / 50, 0, 0])
    # surely kept: p < 0.3 and at least 20 characters (lines 1 and 2); the second page has none
    assert np.allclose(column["log_lines_to_sure_text"], np.log1p([1, 0, 0, 2, 2]))


def test_a_page_the_model_would_strip_of_nearly_everything_is_a_list_page() -> None:
    p = np.array([0.9, 0.9, 0.4, 0.9, 0.6, 0.2])
    chars = np.array([50.0, 45.0, 10.0, 10.0, 10.0, 10.0])
    assert list_pages(p, chars, np.array([0, 3, 6])).tolist() == [True, False]  # 95 of 105; 20 of 30
    assert list_pages(p, np.zeros(6), np.array([0, 3, 6])).tolist() == [False, False]


def test_the_kernel_walks_the_shipped_trees_as_numpy_does() -> None:
    if trees_module._kernels is None:
        pytest.skip("the compiled kernel was not built")
    model = load_line_model()
    rng = np.random.default_rng(0)
    x = rng.normal(0.0, 2.0, (20_000, len(MODEL_FEATURES))) * rng.choice([0.0, 1.0, 30.0], (20_000, 1))
    x[::53, 7] = np.nan
    assert np.array_equal(model.probability(x), model.probability(x, use_kernel=False))


def test_arrays_that_are_not_a_tree_are_walked_by_numpy_on_either_path() -> None:
    """The kernel reads trees as bit vectors of their leaves; a node that points at itself on one side only (node 0
    loops left while feature 1 <= 0, and numpy's fixed-depth walk stays there) is no tree, so both paths walk."""
    trees = Trees(
        feature=np.array([[1, 0, 0, 0], [0, 2, 0, 0]], dtype=np.int32),
        threshold=np.array([[0.0, 0.5, np.inf, np.inf], [1.0, -1.0, np.inf, np.inf]]),
        left=np.array([[0, 2, 2, 3], [1, 2, 2, 3]], dtype=np.int32),
        right=np.array([[1, 3, 2, 3], [3, 3, 2, 3]], dtype=np.int32),
        value=np.array([[0.0, 0.0, -1.0, 2.0], [0.5, 0.0, 4.0, 8.0]]),
        baseline=0.0,
        depth=3,
    )
    assert trees._bit_vectors is None
    x = np.random.default_rng(1).normal(0.0, 1.0, (500, 3))
    x[::7, 1] = np.nan
    assert np.array_equal(trees.log_odds(x), trees.log_odds(x, use_kernel=False))
    stays = x[:, 1] <= 0
    assert np.array_equal(
        trees.log_odds(x)[stays], 0.0 + np.where(x[stays, 0] <= 1.0, np.where(x[stays, 2] <= -1.0, 4.0, 8.0), 8.0)
    )


def _grown_trees(
    seed: int, n_trees: int, most_leaves: int, n_features: int, cuts: list[float], least_leaves: int = 1
) -> Trees:
    """Trees grown by splitting a random leaf until each has its drawn number of leaves (``least_leaves`` to
    ``most_leaves``), nodes in the order made, thresholds from ``cuts``; ``depth`` is the deepest leaf's."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(least_leaves, most_leaves + 1, n_trees)
    nodes = 2 * int(sizes.max()) - 1
    feature, left, right = (np.zeros((n_trees, nodes), dtype=np.int32) for _ in range(3))
    threshold, value = np.full((n_trees, nodes), np.inf), np.zeros((n_trees, nodes))
    deepest = 0
    for t, size in enumerate(sizes.tolist()):
        left[t], right[t] = np.arange(nodes), np.arange(nodes)
        leaves, depth, made = [0], {0: 0}, 1
        while len(leaves) < size:
            node = leaves.pop(int(rng.integers(len(leaves))))
            left[t, node], right[t, node] = made, made + 1
            feature[t, node], threshold[t, node] = rng.integers(n_features), cuts[rng.integers(len(cuts))]
            depth[made] = depth[made + 1] = depth[node] + 1
            leaves += [made, made + 1]
            made += 2
        value[t, leaves] = rng.normal(0.0, 1.0, len(leaves))
        deepest = max(deepest, max(depth.values()))
    return Trees(feature, threshold, left, right, value, float(rng.normal()), deepest)


_CUTS = [-np.inf, -1.0, 0.0, 0.5, 1.0, np.inf]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 40), st.sampled_from([1, 2, 15, 32]), st.integers(0, 300))
def test_the_kernel_finds_the_leaves_a_walk_reaches(seed: int, n_trees: int, most_leaves: int, rows: int) -> None:
    """Bit vectors of leaves (QuickScorer) against numpy's walk, on trees of up to 32 leaves whose thresholds the
    features hit exactly, with NaN and infinite features: the same leaves, so the same sums."""
    if trees_module._kernels is None:
        pytest.skip("the compiled kernel was not built")
    trees = _grown_trees(seed, n_trees, most_leaves, 4, _CUTS)
    assert trees._bit_vectors is not None
    rng = np.random.default_rng(seed + 1)
    x = np.array(_CUTS + [np.nan, 0.25, 2.0])[rng.integers(0, len(_CUTS) + 3, (rows, 4))]
    assert np.array_equal(trees._leaves_kernel(np.asfortranarray(x), 0, rows), trees._leaves(x))
    assert np.array_equal(trees.log_odds(x), trees.log_odds(x, use_kernel=False))
    assert np.array_equal(trees.log_odds(np.ascontiguousarray(x)), trees.log_odds(x, use_kernel=False))


def test_the_bit_vectors_of_a_small_tree() -> None:
    """Node 0 splits feature 0 at 1.0; its left child feature 1 at 0.0 (leaves 0 and 1), its right child is leaf 2:
    leaving node 0 rightwards clears leaves 0 and 1, leaving node 1 rightwards clears leaf 0."""
    trees = Trees(
        feature=np.array([[0, 1, 0, 0, 0]], dtype=np.int32),
        threshold=np.array([[1.0, 0.0, np.inf, np.inf, np.inf]]),
        left=np.array([[1, 3, 2, 3, 4]], dtype=np.int32),
        right=np.array([[2, 4, 2, 3, 4]], dtype=np.int32),
        value=np.array([[0.0, 0.0, 30.0, 10.0, 20.0]]),
        baseline=0.5,
        depth=2,
    )
    assert trees._bit_vectors is not None
    feature, threshold, mask, internal, leaf_value = trees._bit_vectors
    assert feature.tolist() == [[0, 1]] and threshold.tolist() == [[1.0, 0.0]] and internal.tolist() == [2]
    assert mask.tolist() == [[0xFFFFFFFC, 0xFFFFFFFE]] and leaf_value.tolist() == [[10.0, 20.0, 30.0]]
    x = np.array([[1.0, 0.0], [1.0, 0.5], [1.5, -9.0], [np.nan, 0.0], [0.0, np.nan]])
    assert trees.log_odds(x).tolist() == [10.5, 20.5, 30.5, 30.5, 20.5]
    assert trees.log_odds(x, use_kernel=False).tolist() == [10.5, 20.5, 30.5, 30.5, 20.5]


def test_trees_of_more_leaves_than_bits_are_walked() -> None:
    assert _grown_trees(3, 2, 32, 3, [0.0, 1.0], least_leaves=32)._bit_vectors is not None
    trees = _grown_trees(3, 2, 33, 3, [0.0, 1.0], least_leaves=33)
    assert trees._bit_vectors is None
    x = np.random.default_rng(4).normal(0.5, 1.0, (300, 3))
    assert np.array_equal(trees.log_odds(x), trees.log_odds(x, use_kernel=False))


def test_the_kernel_refuses_a_node_testing_a_feature_outside_x() -> None:
    if trees_module._kernels is None:
        pytest.skip("the compiled kernel was not built")
    trees = _tree(5, 0.0, 1.0, 2.0, 0.0)
    with pytest.raises(IndexError):
        trees._leaves_kernel(np.zeros((4, 3), order="F"), 0, 4)


def test_a_model_file_round_trips_and_refuses_other_versions_and_features(tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    _tiny_model(0.25).save(path)
    loaded = LineModel.load(path)
    assert loaded.cut == 0.25 and loaded.second is None
    assert loaded.first.depth == 1 and loaded.features == MODEL_FEATURES
    assert np.array_equal(loaded.first.value, _tiny_model().first.value)
    stacked = _tiny_model(0.25, second=_tree(3, 0.5, 1.0, -1.0, 0.25))
    stacked.save(tmp_path / "s.npz")
    x = np.random.default_rng(0).normal(size=(7, len(MODEL_FEATURES)))
    assert np.array_equal(LineModel.load(tmp_path / "s.npz").probability(x), stacked.probability(x))
    with np.load(path, allow_pickle=False) as data:
        arrays = dict(data)
    np.savez(tmp_path / "v1.npz", **{**arrays, "version": np.int64(1)})
    with pytest.raises(InvalidOptionError, match="line model format 1"):
        LineModel.load(tmp_path / "v1.npz")
    np.savez(tmp_path / "other.npz", **{**arrays, "features": np.array(["chars"])})
    with pytest.raises(InvalidOptionError, match="other features"):
        LineModel.load(tmp_path / "other.npz")


def test_a_page_two_files_hold_is_read_once_as_the_first_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As the data set's readability_zh.jsonl repeats four pages of readability.jsonl: read twice, a held-out
    source's pages would be among its model's training pages. Equal lines with other labels are another page."""

    def record(name: str, labels: list[int]) -> str:
        return json.dumps({"id": name, "lines": [f"{name} one", f"{name} two"], "labels": labels}) + "\n"

    (tmp_path / "a.jsonl").write_text(record("p", [1, 0]) + record("q", [1, 1]))
    (tmp_path / "b.jsonl").write_text(record("p", [1, 0]) + record("r", [0, 1]) + record("q", [0, 0]))
    pages = read_sources(tmp_path)
    assert [(p.source, p.id, p.labels) for p in pages] == [
        ("a", "p", (1, 0)),
        ("a", "q", (1, 1)),
        ("b", "r", (0, 1)),
        ("b", "q", (0, 0)),
    ]
    assert "b.jsonl: 1 page(s) already read from a.jsonl, read once" in capsys.readouterr().err


def test_the_shipped_model_reads_the_features_this_version_computes() -> None:
    model = load_line_model()
    assert model.features == MODEL_FEATURES and 0 < model.cut < 1
    page = load_pages("readability_zh.jsonl")[0]
    x = page_matrix(page)
    assert x.shape == (len(page.lines), len(MODEL_FEATURES))
    p = model.probability(x)
    assert p.shape == (len(page.lines),) and ((p > 0) & (p < 1)).all()


@pytest.mark.slow
def test_fitting_exports_trees_that_give_scikit_learns_probabilities(tmp_path: Path) -> None:
    """The fitting script on the subset pages of three sources: ``fit_stages`` itself checks the
    exported trees against ``predict_proba``; the files written read back to the same numbers;
    every cut keeps 98 % of the content of the sources its model did not see."""
    pages = [p for p in read_sources(SUBSET) if p.source in ("aeb", "gne", "wcxb")]
    assert len(pages) == 9
    model = fit(pages, loso=tmp_path / "loso")
    model.save(tmp_path / "m.npz")
    again = LineModel.load(tmp_path / "m.npz")
    x = page_matrix(pages[0])
    assert np.array_equal(model.probability(x), again.probability(x)) and model.second is not None
    models = {path.stem: LineModel.load(path) for path in (tmp_path / "loso").glob("*.npz")}
    assert sorted(models) == ["aeb", "gne", "wcxb"]
    held = [page_probabilities(models[p.source], p, page_matrix(p)) for p in pages]

    def kept(chosen: list[int], cut: float) -> float:
        content = [(pages[i].weights, ~pages[i].boilerplate, held[i]) for i in chosen]
        return sum(w[c & (h < cut)].sum() for w, c, h in content) / sum(w[c].sum() for w, c, _ in content)

    assert kept(list(range(9)), model.cut) >= TARGET
    for source, held_out in models.items():
        assert kept([i for i, p in enumerate(pages) if p.source != source], held_out.cut) >= TARGET
    with pytest.raises(AttributeError):
        export_trees(object())


def test_list_pages_lose_only_their_furniture() -> None:
    """The pages of the subset the model would strip of nearly all their text (a forum thread,
    two listings, at least): only lines a furniture pattern names go, and each keeps at least
    the content the cut alone would keep."""
    from dedup.webpage.classes import _furniture_kinds

    model = load_line_model()
    guarded, alone, ids = [], [], []
    for page in read_sources(SUBSET):
        x, bounds = page_matrix(page), np.array([0, len(page.lines)])
        p = model.probability(x, bounds)
        if not list_pages(p, x[:, 0], bounds)[0]:
            continue
        ids.append(page.id)
        labels, kinds = classify_page_lines(list(page.lines))
        assert set(kinds) <= set(_furniture_kinds(x, dedup.webpage.WebpageOptions())) | {"", "title"}
        content = ~page.boilerplate
        guarded.append(page.weights[content & ~labels].sum() / page.weights[content].sum())
        alone.append(page.weights[content & (p < model.cut)].sum() / page.weights[content].sum())
    lists = ("forum-064630183c16", "dev-2919-listing", "dev-2972-listing")
    assert all(any(i.startswith(name) for i in ids) for name in lists), ids
    assert all(g >= a for g, a in zip(guarded, alone)) and sum(guarded) > sum(alone), (guarded, alone)


def test_a_page_loses_no_removal_when_other_pages_share_the_call(news_docs: list[str]) -> None:
    """Cleaned with 30 other pages of nine sites and 40 news articles, every page keeps every
    boilerplate removal it gets alone: corpus evidence only adds."""
    pages = load_pages("readability_zh.jsonl") + [p for p in read_sources(SUBSET)]
    texts = ["\n".join(p.lines) for p in pages]
    together = dedup.clean(texts + news_docs[:40])
    for i, text in enumerate(texts):
        alone = removed_lines(text, dedup.clean([text])[0])
        assert not (alone & ~removed_lines(text, together[i])).any(), i


def test_the_model_cleans_the_development_pages() -> None:
    """The four Chinese development pages (seen when fitting: a floor, not a validation)."""
    from benchmarks.webpages import evaluate

    results = evaluate(load_pages("readability_zh.jsonl"), lambda lines: classify_page_lines(list(lines))[0])
    assert results["all"].f1 >= 0.75 and results["all"].content_recall >= 0.95, results["all"]


def test_plain_prose_is_never_judged_as_a_page(news_docs: list[str], seed_texts: dict[str, str]) -> None:
    """News articles and the seeds lose nothing to the page model or the notice rule."""
    page_kinds = set(dedup.webpage.KINDS) - {"recurring"}
    for result in dedup.clean(news_docs[:200]) + dedup.clean(list(seed_texts.values())):
        assert not {r.kind for r in result.removed} & page_kinds


@pytest.mark.parametrize(
    "notice",
    [
        "本平台仅提供信息存储空间服务，如有侵权请联系删除。",
        "该内容已被发布者删除\n返回首页",
        "应版权方要求，该视频暂不显示\n登录\n注册",
        "登录后查看更多精彩内容\n登录\n注册",
        "Sorry, this content is not available.\nThe page was removed in response to a legal request.\nHome",
    ],
)
def test_a_page_that_is_only_a_notice_is_emptied_however_many_copies(notice: str) -> None:
    alone = dedup.clean([notice] * 5 + ["另一篇文章。"])
    for result in alone[:5]:  # the copies form one family, so recurrence cannot see them: the rule does
        assert result.text.strip() == ""
        assert {r.kind for r in result.removed} == {"notice"} and {r.reason for r in result.removed} == {"boilerplate"}
    assert alone[5].text == "另一篇文章。"
    # Across documents the copies are duplicates of the first, and the first is a notice: nothing is kept.
    assert [r.text.strip() for r in dedup.clean([notice] * 5, cross_document=True)] == [""] * 5


def test_a_notice_page_has_at_most_twelve_non_blank_lines() -> None:
    """Blank lines do not count; the thirteenth non-blank line makes the page more than a notice."""
    labels = ["登录", "注册", "首页", "新闻", "体育", "娱乐", "财经", "科技", "汽车", "房产", "旅游", "教育"]
    twelve = ["本平台仅提供信息存储空间服务。", "", "  "] + labels[:11]
    assert notice_page(twelve)
    assert not notice_page(twelve + ["", labels[11]])


_NOTICE_PIECES = [
    "本平台仅提供信息存储空间服务。",
    "该内容已被发布者删除",
    "登录",
    "注册",
    "Home",
    "返回首页。",
    "",
    " ",
    "新华社北京1月5日电 今天召开了会议，会议指出要扎实做好各项工作。",
    "The page was removed in response to a legal request.",
    "这是一个比较长的句子，它说明了很多事情，也没有结束",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_NOTICE_PIECES), min_size=1, max_size=14), min_size=1, max_size=6))
def test_pages_are_notices_as_notice_page_says(pages: list[list[str]]) -> None:
    """A batch's documents are notice pages exactly where :func:`notice_page` says so of each alone (the batch's
    check runs it only on the documents whose every line is a label or of a notice's size)."""
    from dedup.boilerplate.base import BoilerplateOptions
    from dedup.boilerplate.pages import _NOTICE_PAGE, page_lines
    from dedup.lines import line_table

    texts = ["\n".join(page) for page in pages]
    table = line_table(texts, BoilerplateOptions())
    state = page_lines(table, BoilerplateOptions())
    assert state is not None
    for d, text in enumerate(texts):
        rows = np.flatnonzero(table.doc == d)
        expected = bool(rows.size) and notice_page([table.texts[i] for i in rows.tolist()])
        assert bool((state.state[rows] == _NOTICE_PAGE).any()) == expected, text


@pytest.mark.parametrize(
    "text",
    [
        "新华社北京1月5日电 今天召开了会议。\n本平台仅提供信息存储空间服务。",
        "会议指出，要扎实做好各项工作。登录后查看的做法不可取。" * 10,
        "请登录系统后，按照要求填写申报材料，并于本月底前提交。",
    ],
)
def test_text_that_mentions_a_notice_is_not_a_notice_page(text: str) -> None:
    assert not notice_page(text.split("\n"))
    assert dedup.clean([text])[0].text == text


def test_the_subset_fixture_is_what_its_readme_says() -> None:
    readme = (SUBSET / "README.md").read_text(encoding="utf-8")
    for path in sorted(SUBSET.glob("*.jsonl")):
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        assert len(records) == 3 and path.stem in readme
        assert (SUBSET / f"LICENSE-{path.stem}.md").exists()


def test_a_lower_cut_removes_a_superset_and_the_cut_is_checked() -> None:
    from dedup.webpage import WebpageOptions

    for page in load_pages("readability_zh.jsonl"):
        lines = list(page.lines)
        low, default, high = (classify_page_lines(lines, WebpageOptions(cut=c))[0] for c in (0.5, None, 0.99))
        assert (high <= default).all() and (default <= low).all() and low.sum() > high.sum()
    with pytest.raises(InvalidOptionError, match="cut must be in"):
        WebpageOptions(cut=1.0)


def test_held_out_models_of_other_features_are_fitted_again(tmp_path: Path) -> None:
    """A cache of held-out models from an earlier release (other features) is not reused."""
    from benchmarks.webpages.loso import models_ready

    for source in ("a", "b"):
        _tiny_model(0.25).save(tmp_path / f"{source}.npz")
    assert models_ready(tmp_path, ["a", "b"])
    assert not models_ready(tmp_path, ["a", "b", "c"])  # one missing
    with np.load(tmp_path / "b.npz", allow_pickle=False) as data:
        arrays = dict(data)
    np.savez(tmp_path / "b.npz", **{**arrays, "features": np.array(["chars"])})
    assert not models_ready(tmp_path, ["a", "b"])


@pytest.mark.slow
def test_the_leave_one_source_out_benchmark_runs_on_the_subset(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Three of the subset's sources (two English, one Chinese): a third of the time of all nine, which fit 45
    scikit-learn models whose weighted binning costs about 2 s each whatever the lines."""
    data = tmp_path / "data"
    data.mkdir()
    for source in ("aeb", "gne", "wcxb"):
        shutil.copy(SUBSET / f"{source}.jsonl", data)
    models, figures = tmp_path / "models", tmp_path / "r.json"
    assert loso_main(["--data", str(data), "--models", str(models), "--json", str(figures)]) == 0
    assert sorted(p.stem for p in models.glob("*.npz")) == ["aeb", "gne", "wcxb"]
    results = json.loads(figures.read_text())
    assert results["keep every line"]["one call"]["all"] == [0.0, 1.0]
    for method in results.values():
        for way in method.values():
            assert all(0 <= f1 <= 1 and 0 <= recall <= 1 for f1, recall in way.values())
    table = capsys.readouterr().out
    assert "| **all** | 9 |" in table and "| **zh** | 3 |" in table


def test_removed_lines_counts_a_line_removed_when_half_of_it_is() -> None:
    text = "abcd\nefgh\n\nij"
    quarter, half = dedup.Removal(0, 1, "noise", None, "a"), dedup.Removal(7, 9, "noise", None, "gh")
    cleaned = dedup.Cleaned("bcd\nef\n\nij", (quarter, half))
    assert removed_lines(text, cleaned).tolist() == [False, True, False, False]


def test_copies_of_a_line_on_a_page_are_labelled_alike() -> None:
    """A line the model labels boilerplate in one place is boilerplate wherever its page repeats it (spaces
    around it aside), and only on that page."""
    from dedup.webpage.classes import _copies_alike

    lines = ["首页", "正文第一段。", " 首页", "正文第二段。", "首页", "首页"]
    bounds = np.array([0, 4, 6])  # two pages: the first four lines, the last two
    labels = np.array([True, False, False, False, False, False])
    assert _copies_alike(lines, bounds, labels).tolist() == [True, False, True, False, False, False]
    assert _copies_alike(lines, bounds, np.zeros(6, dtype=bool)).tolist() == [False] * 6


def test_the_model_takes_every_copy_of_a_line_it_takes_on_a_page() -> None:
    """On real pages of the subset where the model reads copies of a line differently (a share bar
    above and below a story, a section name in two menus), every copy goes or none does."""
    from dedup.webpage.classes import model_page_evidence
    from dedup.webpage.features import line_features

    pages = [p for p in read_sources(SUBSET) if p.id in ("chinese_article", "test_wiwo")]
    assert len(pages) == 2
    for page in pages:
        lines = list(page.lines)
        labels, _ = model_page_evidence(lines, line_features(lines), np.array([0, len(lines)]))
        copies: dict[str, set[bool]] = {}
        for line, label in zip(lines, labels.tolist()):
            copies.setdefault(line.strip(), set()).add(label)
        assert all(len(seen) == 1 for seen in copies.values()), page.id
        assert {"Twitter", "Facebook"} & {line for line, seen in copies.items() if seen == {True}}
