"""Values no database keeps are found whatever format they came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from ontolabel.core.modality import Modality
from ontolabel.errors import Location
from ontolabel.formats import ImportRecord
from ontolabel.formats.storable import (
    MAX_DEPTH,
    NUL,
    SURROGATE,
    record_problems,
    text_problem,
    value_problem,
)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("plain", None),
        ("Köln 東京 👍🏽", None),
        ("a\x00b", NUL),
        ("lone \ud800 half", SURROGATE),
        ("\udfff", SURROGATE),
        ("\\u0000 typed as six characters", None),
    ],
)
def test_text_problem(text: str, problem: str | None) -> None:
    assert text_problem(text) == problem


def test_value_problem_looks_into_keys_values_and_depth() -> None:
    assert value_problem({"a": [1, 2.5, {"b": "ok"}]}) is None
    assert value_problem({"a\x00": 1}) == NUL
    assert value_problem([1, [2, ["x\ud83d"]]]) == SURROGATE
    assert value_problem({"n": float("inf")}) is not None
    assert value_problem({"n": float("nan")}) is not None
    deep: list[object] = []
    inner = deep
    for _ in range(MAX_DEPTH + 1):
        inner.append([])
        inner = inner[0]  # type: ignore[assignment]
    assert value_problem(deep) == f"is nested more than {MAX_DEPTH} levels deep"


def _record(**fields: object) -> ImportRecord:
    return ImportRecord(
        location=Location(file="f", line=3),
        modality=Modality.TEXT,
        **fields,  # type: ignore[arg-type]
    )


def test_record_problems_name_the_field() -> None:
    assert record_problems(_record(external_id="a", text="fine", meta={"k": "v"})) == []
    assert record_problems(_record(external_id="x" * 501, text="t")) == [
        ("the item id has 501 characters; ontolabel keeps at most 500 (shorten it)", "external_id")
    ]
    assert record_problems(_record(external_id="x" * 500, text="t")) == []
    assert record_problems(_record(external_id="a\x00", text="b\x00", meta={"m": "\ud800"})) == [
        (f"the item id {NUL}", "external_id"),
        (f"the text {NUL}", "text"),
        (f"meta {SURROGATE}", "meta"),
    ]


def test_the_jsonl_guard_uses_the_same_rules(tmp_path: Path) -> None:
    from ontolabel.formats.jsonl import guard

    assert guard.value_problem is value_problem
    assert guard.line_problem(b'{"text": "a\\u0000b"}') == NUL
