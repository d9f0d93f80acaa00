"""The web-page line model (dedup.webpage.model): its trees, its file, its fitting, and cleaning with it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import dedup
from benchmarks.webpages import DATA, load_pages
from benchmarks.webpages.fit import export, fit, page_matrix, read_sources
from benchmarks.webpages.loso import main as loso_main
from benchmarks.webpages.loso import removed_lines
from dedup.errors import InvalidOptionError
from dedup.webpage import classify_page_lines, notice_page
from dedup.webpage import model as model_module
from dedup.webpage.model import MODEL_FEATURES, LineModel, load_line_model

SUBSET = DATA / "subset"


def _tiny_model(cut: float = 0.5) -> LineModel:
    """One tree: feature 0 <= 0.5 goes to a leaf of -1, else to a leaf of +2; baseline 0.5."""
    return LineModel(
        feature=np.array([[0, 0, 0]], dtype=np.int32),
        threshold=np.array([[0.5, np.inf, np.inf]]),
        left=np.array([[1, 1, 2]], dtype=np.int32),
        right=np.array([[2, 1, 2]], dtype=np.int32),
        value=np.array([[0.0, -1.0, 2.0]]),
        baseline=0.5,
        cut=cut,
        depth=1,
        features=MODEL_FEATURES,
    )


@pytest.mark.parametrize("use_kernel", [True, False], ids=["kernel", "numpy"])
def test_trees_are_evaluated_exactly(use_kernel: bool) -> None:
    if use_kernel and model_module._kernels is None:
        pytest.skip("the compiled kernel was not built")
    x = np.zeros((4, len(MODEL_FEATURES)))
    x[:, 0] = [0.0, 0.5, 0.6, np.nan]  # NaN goes right, as in scikit-learn's trees without missing values
    expected = 1 / (1 + np.exp(-np.array([0.5 - 1, 0.5 - 1, 0.5 + 2, 0.5 + 2])))
    assert np.allclose(_tiny_model().probability(x, use_kernel=use_kernel), expected, rtol=0, atol=1e-15)


def test_the_kernel_walks_the_shipped_trees_as_numpy_does() -> None:
    if model_module._kernels is None:
        pytest.skip("the compiled kernel was not built")
    model = load_line_model()
    rng = np.random.default_rng(0)
    x = rng.normal(0.0, 2.0, (20_000, len(MODEL_FEATURES))) * rng.choice([0.0, 1.0, 30.0], (20_000, 1))
    x[::53, 7] = np.nan
    assert np.array_equal(model.probability(x), model.probability(x, use_kernel=False))


def test_a_model_file_round_trips_and_refuses_other_versions_and_features(tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    _tiny_model(0.25).save(path)
    loaded = LineModel.load(path)
    assert loaded.cut == 0.25 and loaded.depth == 1 and loaded.features == MODEL_FEATURES
    assert np.array_equal(loaded.value, _tiny_model().value)
    with np.load(path, allow_pickle=False) as data:
        arrays = dict(data)
    np.savez(tmp_path / "v2.npz", **{**arrays, "version": np.int64(2)})
    with pytest.raises(InvalidOptionError, match="line model format 2"):
        LineModel.load(tmp_path / "v2.npz")
    np.savez(tmp_path / "other.npz", **{**arrays, "features": np.array(["chars"])})
    with pytest.raises(InvalidOptionError, match="other features"):
        LineModel.load(tmp_path / "other.npz")


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
    """The fitting script on the 27 subset pages (three of each source): ``fit`` itself checks the
    exported trees against ``predict_proba``; the file written reads back to the same numbers."""
    pages = read_sources(SUBSET)
    assert len(pages) == 27 and len({p.source for p in pages}) == 9
    model = fit(pages)
    model.save(tmp_path / "m.npz")
    again = LineModel.load(tmp_path / "m.npz")
    x = page_matrix(pages[0])
    assert np.array_equal(model.probability(x), again.probability(x))
    # The cut keeps 96.5 % of the training pages' content characters.
    kept = sum(p.weights[~p.boilerplate & (model.probability(page_matrix(p)) < model.cut)].sum() for p in pages)
    assert kept / sum(p.weights[~p.boilerplate].sum() for p in pages) >= 0.965
    with pytest.raises(AttributeError):
        export(object(), 0.5)


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


@pytest.mark.slow
def test_the_leave_one_source_out_benchmark_runs_on_the_subset(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert (
        loso_main(["--data", str(SUBSET), "--models", str(tmp_path / "models"), "--json", str(tmp_path / "r.json")])
        == 0
    )
    assert sorted(p.stem for p in (tmp_path / "models").glob("*.npz")) == sorted(p.stem for p in SUBSET.glob("*.jsonl"))
    results = json.loads((tmp_path / "r.json").read_text())
    assert results["keep every line"]["one call"]["all"] == [0.0, 1.0]
    for method in results.values():
        for way in method.values():
            assert all(0 <= f1 <= 1 and 0 <= recall <= 1 for f1, recall in way.values())
    table = capsys.readouterr().out
    assert "| **all** | 27 |" in table and "| **zh** |" in table


def test_removed_lines_counts_a_line_removed_when_half_of_it_is() -> None:
    text = "abcd\nefgh\n\nij"
    quarter, half = dedup.Removal(0, 1, "noise", None, "a"), dedup.Removal(7, 9, "noise", None, "gh")
    cleaned = dedup.Cleaned("bcd\nef\n\nij", (quarter, half))
    assert removed_lines(text, cleaned).tolist() == [False, True, False, False]
