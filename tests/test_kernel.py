"""The compiled kernel of another version is set aside (dedup.kernel): numpy paths, a warning, the same results."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from dedup import arrays, cli, kernel

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_a_kernel_is_used_only_when_it_is_of_this_version() -> None:
    assert kernel.checked(None) == (None, "not built")
    stale = types.ModuleType("_kernels")  # built before dedup/_kernels.c had a version, or of another one
    assert kernel.checked(stale) == (None, "out of date")
    stale.VERSION = kernel.VERSION + 1  # type: ignore[attr-defined]
    assert kernel.checked(stale) == (None, "out of date")
    current = types.ModuleType("_kernels")
    current.VERSION = kernel.VERSION  # type: ignore[attr-defined]
    assert kernel.checked(current) == (current, "")


@pytest.mark.skipif(not arrays.compiled(), reason="dedup built without its compiled kernel")
def test_the_built_kernel_is_of_this_version() -> None:
    assert kernel.kernels is not None and kernel.kernels.VERSION == kernel.VERSION and kernel.problem == ""


def test_loading_an_out_of_date_kernel_warns_and_sets_it_aside(monkeypatch: pytest.MonkeyPatch) -> None:
    stale = types.ModuleType("dedup._kernels")
    monkeypatch.setitem(sys.modules, "dedup._kernels", stale)
    monkeypatch.setattr(sys.modules["dedup"], "_kernels", stale, raising=False)
    with pytest.warns(RuntimeWarning, match="another version of dedup/_kernels.c"):
        assert kernel._load() == (None, "out of date")


def test_the_command_says_the_kernel_is_out_of_date(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same findings on the numpy paths, and the command says why once, with how to rebuild."""
    news = str(EXAMPLES / "news")
    assert cli.main(["find", news]) == 0
    built = capsys.readouterr()
    monkeypatch.setattr(arrays, "_kernels", None)
    monkeypatch.setattr(kernel, "problem", "out of date")
    assert cli.main(["find", news]) == 0
    stale = capsys.readouterr()
    assert stale.err.count("the compiled kernel is out of date") == 1 and "pip install -e ." in stale.err
    assert stale.out == built.out and stale.out.strip()
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert "compiled kernel out of date" in capsys.readouterr().out


@pytest.mark.skipif(not arrays.compiled(), reason="dedup built without its compiled kernel")
def test_a_wrapper_names_a_buffer_of_the_wrong_item_size_and_releases_those_it_took() -> None:
    """The buffers taken before the wrong one are released: a memoryview with an export still held refuses release()."""
    import numpy as np

    k = kernel.kernels
    codepoints = memoryview(bytearray(16)).cast("I")  # 4 code points
    with pytest.raises(TypeError, match="starts: expected items of 8 bytes, got 4"):
        k.class_counts(codepoints, np.zeros(1, np.int32), np.zeros(1, np.int64), np.zeros(8, np.uint16), 1, None)
    codepoints.release()
    hashes, offsets = memoryview(bytearray(8)).cast("I"), memoryview(bytearray(24)).cast("q")
    pairs, out = np.zeros((1, 2), np.int64), np.zeros(1, np.int64)
    with pytest.raises(TypeError, match="need: expected items of 8 bytes, got 1"):
        k.intersection_sizes(hashes, offsets, pairs, out, np.zeros(1, np.uint8))
    hashes.release(), offsets.release()
    k.intersection_sizes(np.array([1, 2], np.uint32), np.array([0, 1, 2], np.int64), pairs + [0, 1], out)  # need: None
    assert out.tolist() == [0]
