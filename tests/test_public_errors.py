"""The whole public surface refuses what it cannot mean with a DedupError, never another exception."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dedup

TEXTS = [
    "第一篇文章，讲的是合肥市再就业工作。",
    "第二篇文章，讲的是北京市的救灾工作。",
    "第一篇文章，讲的是合肥市再就业工作。",
]

#: Values of every kind, most of them wrong for any given option.
junk = st.one_of(
    st.text(max_size=6),
    st.integers(-3, 300),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.booleans(),
    st.lists(st.integers(0, 3), max_size=3),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.just(object()),
    st.just(b"bytes"),
)


def outcome(call: Callable[[], Any]) -> None:
    """The call returns, or raises a DedupError: any other exception fails the test."""
    try:
        call()
    except dedup.DedupError:
        pass


OPTION_FUNCTIONS = [
    (dedup.find_duplicates, dedup.DuplicateOptions),
    (dedup.find_repeated_passages, dedup.PassageOptions),
    (dedup.find_boilerplate, dedup.BoilerplateOptions),
    (dedup.clean, dedup.CleanOptions),
]


@pytest.mark.parametrize(("function", "options"), OPTION_FUNCTIONS, ids=lambda x: getattr(x, "__name__", ""))
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_option_of_every_finder_refuses_wrong_values(
    function: Callable[..., Any], options: type, data: st.DataObject
) -> None:
    name = data.draw(st.sampled_from([f.name for f in fields(options)]))
    value = data.draw(junk)
    outcome(lambda: function(TEXTS, **{name: value}))


@settings(max_examples=150, deadline=None)
@given(junk, junk, junk)
def test_the_plain_functions_refuse_wrong_values(a: Any, b: Any, c: Any) -> None:
    outcome(lambda: dedup.signatures(TEXTS, num_perm=a, ngram=b, seed=c))
    outcome(lambda: dedup.signatures(TEXTS, scheme=a, workers=b, normalize=c))
    outcome(lambda: dedup.normalize(a))
    outcome(lambda: dedup.normalize("文本", a))
    outcome(lambda: dedup.segment(a))
    outcome(lambda: dedup.segment("一段。\n两段。", a, b))
    outcome(lambda: dedup.hash_shingle(a))
    outcome(lambda: dedup.restore(a))
    outcome(lambda: dedup.optimal_params(a, b))
    outcome(lambda: dedup.s_curve(a, b))
    outcome(lambda: dedup.to_lean_minhash(a, b))
    for function, _ in OPTION_FUNCTIONS:
        outcome(lambda function=function: function(a))


def _table() -> object:
    """A pyarrow Table of a text and an id column: iterating it would give its column names."""
    import pyarrow as pa

    return pa.table({"text": ["一段文本", "一段文本"], "id": [1, 2]})


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: dedup.find_duplicates("一段文本"),
            "texts: expected a collection of str, one per document, got a bare str",
        ),
        (lambda: dedup.clean(b"bytes"), "got a bare bytes"),
        (lambda: dedup.clean({"a": "文本"}), "got a dict, whose keys would be read as the documents (pass list("),
        (
            lambda: dedup.find_duplicates(_table()),
            "got a table (Table of columns 'text', 'id'; iterating a DataFrame gives its column names): pass its",
        ),
        (lambda: dedup.clean(["文本", b"bytes"]), "record 1: expected str, got bytes (decode it first: data.decode("),
        (lambda: dedup.clean(["文本", None]), "record 1: expected str, got NoneType (a missing text: drop it"),
        (lambda: dedup.find_boilerplate(None), "texts: expected a collection of str, one per document, got NoneType"),
        (
            lambda: dedup.find_duplicates(TEXTS, threshold="0.5"),
            "DuplicateOptions.threshold must be float, got str '0.5'",
        ),
        (lambda: dedup.find_duplicates(TEXTS, num_perm=0), "num_perm must be >= 1, got 0"),
        (lambda: dedup.signatures(TEXTS, num_perm=0), "num_perm must be an int >= 1, got int 0"),
        (lambda: dedup.clean(TEXTS, cross_document="yes"), "CleanOptions.cross_document must be bool, got str 'yes'"),
        (
            lambda: dedup.find_duplicates(TEXTS, representative="oldest"),
            'representative must be "first", "longest" or a function',
        ),
        (lambda: dedup.to_lean_minhash(np.zeros((2, 3))), "signature must be one row of dedup.signatures"),
    ],
)
def test_refusals_name_the_option_and_what_is_allowed(call: Callable[[], Any], message: str) -> None:
    with pytest.raises(dedup.DedupError, match=None) as raised:
        call()
    assert message in str(raised.value)


def test_remove_takes_one_reason_as_a_string() -> None:
    assert dedup.CleanOptions(remove="noise").remove == frozenset({"noise"})
    assert dedup.CleanOptions(remove=["noise", "duplicate"]).remove == frozenset({"noise", "duplicate"})
    with pytest.raises(dedup.InvalidOptionError, match="unknown reason"):
        dedup.CleanOptions(remove="noize")


# --------------------------------------------------------------------------- round trips


def test_results_round_trip_exactly_through_json(seed_texts: dict[str, str]) -> None:
    import json

    texts = list(seed_texts.values())
    report = dedup.clean_report(texts + [texts[0][:3000]], cross_document=True, with_clusters=True)
    for value in [*report.cleaned, *report.clusters, *report.passages, *report.boilerplate]:
        row = json.loads(json.dumps(value.to_dict(), ensure_ascii=False))
        assert type(value).from_dict(row) == value
    # a row of cleaned.jsonl (with its id, source and output) restores its document
    for text, cleaned in zip(texts, report.cleaned):
        row = {"id": "x.txt", "source": "in/x.txt", "output": "text/x.txt", **cleaned.to_dict()}
        assert dedup.restore(json.loads(json.dumps(row))) == text


@pytest.mark.parametrize(
    "row",
    [
        {"removed": []},
        {"text": 3},
        {"text": "ab", "removed": [{"start": 0, "end": 2, "reason": "noise", "ref": None, "text": "abc"}]},
        {"text": "ab", "removed": [{"start": 0, "end": 1, "reason": "gone", "ref": None, "text": "a"}]},
        {
            "text": "",
            "removed": [
                {"start": 1, "end": 2, "reason": "noise", "ref": None, "text": "b"},
                {"start": 0, "end": 1, "reason": "noise", "ref": None, "text": "a"},
            ],
        },
    ],
)
def test_restore_refuses_rows_that_cannot_be_a_cleaned_document(row: dict[str, Any]) -> None:
    with pytest.raises(dedup.DedupError):
        dedup.restore(row)


@pytest.mark.parametrize(("name", "value"), [("fragment_window", -1), ("max_unit_chars", 0), ("ngram", 0)])
def test_passage_options_refuse_negative_windows_and_empty_units(name: str, value: int) -> None:
    """Found by the property above: fragment_window=-1 reached numpy as a negative repeat count."""
    with pytest.raises(dedup.InvalidOptionError, match=f"{name} must be >= "):
        dedup.PassageOptions(**{name: value})
