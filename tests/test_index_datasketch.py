"""A saved index and datasketch: MinHashes exported bit for bit, and imported."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import dedup
from dedup.errors import InvalidOptionError
from dedup.index import Index
from dedup.normalize import matching_texts

datasketch = pytest.importorskip("datasketch")

WHOLE = dedup.DuplicateOptions(strip_boilerplate=False)  # documents compared by their matching views


@pytest.fixture(scope="module")
def docs(news_lines: list[str]) -> list[str]:
    stories = ["\n".join(news_lines[i : i + 5]) for i in range(0, 200, 5)]
    return stories + [s[: int(len(s) * 0.9)] for s in stories[:5]]  # 40 stories, 5 cut copies


def _minhash(view: str, num_perm: int = 128, seed: int = 1):  # what a datasketch user computes
    m = datasketch.MinHash(num_perm=num_perm, seed=seed, hashfunc=dedup.hash_shingle)
    for i in range(len(view) - 4):
        m.update(view[i : i + 5])
    return m


def test_exported_minhashes_are_datasketchs_and_its_lsh_proposes_the_clusters(docs: list[str], tmp_path: Path) -> None:
    with Index.create(tmp_path / "idx", WHOLE) as index:
        index.add(docs, ids=[f"d{i}" for i in range(len(docs))])
    index = Index.open(tmp_path / "idx")
    views = matching_texts(docs, index.options.normalize)
    exported = list(index.minhashes())
    assert [k for k, _ in exported] == [f"d{i}" for i in range(len(docs))]
    for (_, lean), view in zip(exported, views):
        assert isinstance(lean, datasketch.LeanMinHash)
        assert np.array_equal(lean.hashvalues, _minhash(view).hashvalues)
    lsh = index.to_datasketch()
    assert (lsh.b, lsh.r) == (index.options.lsh.bands, index.options.lsh.rows)
    for cluster in index.clusters():  # the five cut copies with their stories
        members = [f"d{m}" for m in cluster.members]
        assert set(members) <= set(lsh.query(exported[cluster.members[0]][1]))
    assert sorted(len(c.members) for c in index.clusters()) == [2] * 5


def test_imported_minhashes_are_found_by_query_and_cleaning(docs: list[str], tmp_path: Path) -> None:
    index = Index.create(tmp_path / "idx", WHOLE)
    views = matching_texts(docs[:40], index.options.normalize)
    assert index.add_minhashes((f"m{i}", _minhash(v)) for i, v in enumerate(views)) == 40
    index.add(docs[:2], ids=["t0", "t1"])
    index.save()
    index = Index.open(tmp_path / "idx")
    found = index.query([docs[7], docs[40]])  # a story, and a cut copy of story 0
    assert found[0] == (dedup.Match("m7", 1.0, 1.0),)
    by_id = {m.id: m for m in found[1]}
    assert sorted(by_id) == ["m0", "t0"]
    exact = by_id["t0"].jaccard  # exact for a text: measured on the n-grams
    assert exact == pytest.approx(0.9, abs=0.05) and by_id["t0"].containment == 1.0
    estimate = by_id["m0"].jaccard  # estimated for a MinHash: a share of 128 signature values
    assert 0.75 < estimate < 1.0 and estimate * 128 == round(estimate * 128) and by_id["m0"].containment == estimate
    assert [(r.kind, r.held_by) for r in dedup.clean([docs[7]], against=index)[0].removed] == [("document", "m7")]
    assert index.clusters() == []  # MinHashes alone are not verified exactly: no clusters
    # A round trip: exported from one index, imported into another, the same answers to whole copies.
    other = Index.create(tmp_path / "other", WHOLE)
    other.add_minhashes(index.minhashes())
    other.save()
    assert [[m.id for m in ms] for ms in other.query(docs[5:8])] == [["m5"], ["m6"], ["m7"]]
    merged = Index.merge([index, other], tmp_path / "merged")
    assert len(merged) == 84 and [m.id for m in merged.query([docs[9]])[0]] == ["m9", "m9"]


def test_minhashes_of_other_parameters_are_refused(tmp_path: Path) -> None:
    index = Index.create(tmp_path / "idx")
    with pytest.raises(InvalidOptionError, match="num_perm=128 and seed=1"):
        index.add_minhashes([("a", _minhash("一二三四五六七八", num_perm=64))])
    with pytest.raises(InvalidOptionError, match="num_perm=128 and seed=1"):
        index.add_minhashes([("a", _minhash("一二三四五六七八", seed=7))])
    oph = Index.create(tmp_path / "oph", dedup.DuplicateOptions(strip_boilerplate=False, scheme="oph"))
    with pytest.raises(InvalidOptionError, match="only 'affine32'"):
        list(oph.minhashes())
