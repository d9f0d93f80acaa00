"""dedup.store: string columns on disk read back exactly; tables of batches join into the whole."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.store import ArraySpill, SpilledStrings, StringSpill, TableSink, batches, take

# Any code point, lone surrogates included (they occur in broken crawls and must survive).
any_text = st.text(
    alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=()), max_size=30
)


@settings(max_examples=150, deadline=None)
@given(
    batches=st.lists(st.lists(any_text, max_size=12), max_size=5), picks=st.lists(st.integers(0, 10_000), max_size=40)
)
def test_spilled_strings_read_back_what_was_appended(
    tmp_path_factory: pytest.TempPathFactory, batches: list[list[str]], picks: list[int]
) -> None:
    path = tmp_path_factory.mktemp("spill") / "column.utf32"
    spill = StringSpill(path)
    for batch in batches:
        spill.append(batch)
    column = spill.column()
    strings = [s for batch in batches for s in batch]
    assert len(column) == len(strings)
    assert list(column) == strings
    assert column[1:-1] == strings[1:-1] and column[::-2] == strings[::-2]
    if strings:
        indices = [p % len(strings) for p in picks]  # any order, repeats
        assert column.take(indices) == [strings[i] for i in indices]
        assert take(column, np.array(indices)) == take(strings, np.array(indices))
        assert column[-1] == strings[-1] and column[0] == strings[0]


def test_reads_are_chunked_and_gaps_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dedup.store as store

    strings = ["甲" * 5000, "b", "", "丙" * 70_000, "d"]
    spill = StringSpill(tmp_path / "c.utf32")
    spill.append(strings)
    column = spill.column()
    assert column.offsets.tolist() == [0, 5_000, 5_001, 5_001, 75_001, 75_002]  # code points
    reads: list[tuple[int, int]] = []
    real_pread = store.os.pread

    def counting_pread(fd: int, size: int, offset: int) -> bytes:
        reads.append((size, offset))
        return real_pread(fd, size, offset)

    store.os.pread = counting_pread  # type: ignore[assignment]
    try:
        assert column.take([4, 0, 1]) == ["d", strings[0], "b"]
    finally:
        store.os.pread = real_pread  # type: ignore[assignment]
    # strings 0 and 1 are neighbours (one read); 4 lies past the 280 kB of string 3 (its own read)
    assert reads == [(20_004, 0), (4, 300_004)]
    reads.clear()
    store.os.pread = counting_pread  # type: ignore[assignment]
    monkeypatch.setattr(store, "_READ_CHUNK", 40_000)
    try:
        assert column[0:5] == strings  # runs longer than the chunk are read in pieces
    finally:
        store.os.pread = real_pread  # type: ignore[assignment]
    assert reads == [(20_004, 0), (280_000, 20_004), (4, 300_004)]


def test_errors_name_the_problem(tmp_path: Path) -> None:
    spill = StringSpill(tmp_path / "c.utf32")
    spill.append(["一", "二"])
    column = spill.column()
    with pytest.raises(IndexError):
        column[2]
    with pytest.raises(IndexError):
        column.take([0, -1])
    (tmp_path / "c.utf32").write_bytes(b"\x00\x4e\x00\x00")
    with pytest.raises(OSError, match="truncated"):
        column.take([1])


@dataclass(frozen=True)
class _Table:
    doc: np.ndarray
    score: np.ndarray
    names: list[str]


def test_table_sink_joins_batches_into_the_whole(tmp_path: Path) -> None:
    batches = [
        (_Table(np.array([0, 0, 2]), np.array([1.5, 2.5, 3.5]), ["a", "b", "c"]), 3),
        (_Table(np.zeros(0, np.int64), np.zeros(0), []), 2),  # documents without rows
        (_Table(np.array([1]), np.array([9.0]), ["丁"]), 2),
    ]
    for spill in (None, tmp_path):
        sink: TableSink[_Table] = TableSink(_Table, spill, "t.")
        for table, n in batches:
            sink.add(table, n)
        joined = sink.result(_Table(np.zeros(0, np.int64), np.zeros(0), []))
        assert joined.doc.tolist() == [0, 0, 2, 6] and joined.score.tolist() == [1.5, 2.5, 3.5, 9.0]
        assert list(joined.names) == ["a", "b", "c", "丁"]
        assert isinstance(joined.names, SpilledStrings) == (spill is not None)
        assert isinstance(joined.score, np.memmap) == (spill is not None)  # read through the page cache
        assert sink.docs == 7
    empty: TableSink[_Table] = TableSink(_Table)
    assert empty.result(_Table(np.zeros(0, np.int64), np.zeros(0), [])).names == []


@settings(max_examples=60, deadline=None)
@given(
    dtype=st.sampled_from([np.int64, np.uint64, np.int8, np.float64, np.bool_, np.uint8]),
    width=st.sampled_from([None, 0, 1, 3]),
    sizes=st.lists(st.integers(0, 6), max_size=6),
    reads=st.sets(st.integers(0, 5)),
)
def test_spilled_arrays_read_back_what_was_appended(
    tmp_path_factory: pytest.TempPathFactory, dtype: Any, width: int | None, sizes: list[int], reads: set[int]
) -> None:
    """A numeric column on disk reads back as the batches joined in memory do — 1-D or rows of any width (zero:
    the band keys a Ray block keeps), empty batches among them, read between appends (the plan may read a table
    and add more) — and as a memory map whose writes stay in this process."""
    rng = np.random.default_rng(len(sizes))
    shape = (lambda n: (n,)) if width is None else (lambda n: (n, width))
    batches = [(rng.integers(0, 100, size=shape(n)) % (2 if dtype is np.bool_ else 100)).astype(dtype) for n in sizes]
    path = tmp_path_factory.mktemp("arrays") / "column.bin"
    on_disk, in_memory = ArraySpill(path), ArraySpill(None)
    for i, batch in enumerate(batches):
        on_disk.append(batch)
        in_memory.append(batch)
        if i in reads:
            assert np.array_equal(on_disk.column(), in_memory.column())
    if not batches:
        return
    column, expected = on_disk.column(), np.concatenate(batches)
    assert column.dtype == expected.dtype and column.shape == expected.shape and np.array_equal(column, expected)
    assert np.array_equal(in_memory.column(), expected)
    if column.size:
        column[0] = column[-1]  # copy-on-write: the file keeps what was appended
        assert np.array_equal(on_disk.column(), expected)


def test_spilled_arrays_refuse_a_batch_of_another_kind(tmp_path: Path) -> None:
    """A column is one dtype and row shape: a batch of rows of another is refused (not cast, which would lose
    values), an empty one of another dtype is no row and changes nothing; a first batch that is empty gives way to
    the first with rows."""
    spill = ArraySpill(tmp_path / "c.bin")
    spill.append(np.zeros(0))  # float64, no rows
    spill.append(np.array([1, 2], dtype=np.int64))
    spill.append(np.zeros(0, dtype=np.float32))
    assert spill.column().tolist() == [1, 2] and spill.column().dtype == np.int64
    with pytest.raises(ValueError, match="int32"):
        spill.append(np.array([3], dtype=np.int32))
    with pytest.raises(ValueError, match=r"\(2,\)"):
        spill.append(np.zeros((1, 2), dtype=np.int64))


@settings(max_examples=100, deadline=None)
@given(
    strings=st.lists(any_text, min_size=1, max_size=30),
    runs=st.lists(st.tuples(st.integers(0, 29), st.integers(0, 30), st.integers(0, 3)), max_size=12),
)
def test_runs_join_the_same_on_disk_and_in_memory(
    tmp_path_factory: pytest.TempPathFactory, strings: list[str], runs: list[tuple[int, int, int]]
) -> None:
    from dedup.store import join_runs

    spill = StringSpill(tmp_path_factory.mktemp("runs") / "c.utf32")
    spill.append(strings)
    column = spill.column()
    n = len(strings)
    lo = np.array([min(a, n) for a, _, _ in runs], dtype=np.int64)
    hi = np.array([max(min(b, n), min(a, n)) for a, b, _ in runs], dtype=np.int64)
    owner = np.array([g for _, _, g in runs], dtype=np.int64)
    expected = ["".join("".join(strings[a:b]) for a, b, g in zip(lo, hi, owner) if g == group) for group in range(4)]
    assert join_runs(strings, lo, hi, owner, 4) == expected
    assert join_runs(column, lo, hi, owner, 4) == expected


@given(st.lists(st.integers(0, 12), max_size=40), st.integers(1, 30), st.sampled_from([list, tuple, iter]))
def test_batches_close_once_they_hold_max_chars(lengths: list[int], max_chars: int, kind: type) -> None:
    """A list or tuple, cut by its running sum of lengths, gives the batches a pass over any iterable gives: each
    closes at the first text that brings it to max_chars, the last holds the rest, none is empty."""
    texts = ["x" * n for n in lengths]
    expected: list[list[str]] = []
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if sum(map(len, batch)) >= max_chars:
            expected.append(batch)
            batch = []
    expected += [batch] if batch else []
    assert list(batches(kind(texts), max_chars)) == expected


def test_take_cuts_the_wanted_strings_out_of_pieces_smaller_than_a_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pieces of 16 code points: a run of wanted strings spans many reads, each string cut out of its own."""
    import dedup.store as store

    rng = np.random.default_rng(5)
    strings = ["".join(chr(0x4E00 + int(c)) for c in rng.integers(0, 50, size=int(n))) for n in rng.integers(0, 9, 300)]
    spill = StringSpill(tmp_path / "c.utf32")
    spill.append(strings)
    column = spill.column()
    monkeypatch.setattr(store, "_READ_CHUNK", 64)
    for _ in range(20):
        picks = rng.integers(0, len(strings), size=int(rng.integers(1, 80))).tolist()
        assert column.take(picks) == [strings[i] for i in picks]


@settings(max_examples=150, deadline=None)
@given(
    strings=st.lists(any_text, min_size=1, max_size=12),
    data=st.data(),
    spilled=st.booleans(),
)
def test_rows_of_a_column_read_what_taking_them_reads(
    tmp_path_factory: pytest.TempPathFactory, strings: list[str], data: st.DataObject, spilled: bool
) -> None:
    """``RowsOf(column, rows)`` (``take_rows(..., lazy=True)``) reads, by index, slice or ``take``, what
    ``take(column, rows)`` holds, over a list or a spilled column, and over rows of rows."""
    from dedup.store import RowsOf, take_rows

    column: Any = strings
    if spilled:
        spill = StringSpill(tmp_path_factory.mktemp("spill") / "column.utf32")
        spill.append(strings)
        column = spill.column()
    rows = np.array(data.draw(st.lists(st.integers(0, len(strings) - 1), max_size=15)), dtype=np.int64)
    taken = take(column, rows)
    lazy = RowsOf(column, rows)
    assert len(lazy) == len(taken) and list(lazy) == taken
    assert lazy[1:-1] == taken[1:-1] and lazy[::-2] == taken[::-2]
    if taken:
        picks = data.draw(st.lists(st.integers(0, len(taken) - 1), max_size=10))  # any order, repeats
        assert lazy.take(picks) == take(lazy, np.array(picks, dtype=np.int64)) == [taken[i] for i in picks]
        assert lazy[0] == taken[0] and lazy[-1] == taken[-1]
        again = RowsOf(lazy, np.array(picks, dtype=np.int64))  # rows of rows: rows of the column itself
        assert list(again) == [taken[i] for i in picks]
        assert again.column is column and again.rows.tolist() == rows[picks].tolist()

    @dataclass(frozen=True)
    class Table:
        number: np.ndarray
        text: Any

    table = Table(np.arange(len(strings)), column)
    eager, deferred = take_rows(table, rows), take_rows(table, rows, lazy=True)
    assert isinstance(deferred.text, RowsOf) and list(deferred.text) == eager.text == taken
    assert np.array_equal(deferred.number, eager.number)
