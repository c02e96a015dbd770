"""Values no database keeps are found whatever format they came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from ontolabel.core.modality import Modality
from ontolabel.core.storable import (
    MAX_DEPTH,
    NUL,
    SURROGATE,
    json_for_storing,
    text_problem,
    value_problem,
    value_problems,
)
from ontolabel.errors import Location
from ontolabel.formats import ImportRecord
from ontolabel.formats.storable import record_problems


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


def test_value_problems_name_every_path() -> None:
    # a key cannot be shown in a path (a lone surrogate would not even print): the path of
    # the object holding it is given; the walk keeps the document's order
    assert value_problems({"name": "N", "extra": [{"ok": 1, "b\ud800d": 2}], "x\x00": 3}) == [
        (f"a key {NUL}", ""),
        (f"a key {SURROGATE}", "extra[0]"),
    ]
    assert value_problems({"classes": [{"name": "Car"}]}) == []
    document = {
        "classes": [{"name": "Ca\x00r"}, {"name": "ok", "Drug dose": ["mg", "\ud800"]}],
        "bad\x00key": 1,
    }
    assert sorted(value_problems(document)) == sorted(
        [
            (f"the value {NUL}", "classes[0].name"),
            (f"the value {SURROGATE}", 'classes[1]["Drug dose"][1]'),
            (f"a key {NUL}", ""),
        ]
    )


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

    assert guard.value_problem is value_problem  # one rule, from core.storable
    assert guard.line_problem(b'{"text": "a\\u0000b"}') == NUL


def test_json_for_storing_gives_the_text_or_the_reason() -> None:
    assert json_for_storing({"note": "ok", "n": 1}) == ('{"note":"ok","n":1}', None)
    assert json_for_storing({"note": "a\x00b"}) == (None, NUL)
    assert json_for_storing({"note": "half \udc00"}) == (None, SURROGATE)
    # a backslash and "u0000" typed as text are six plain characters
    assert json_for_storing({"path": "C:\\u0000"}) == ('{"path":"C:\\\\u0000"}', None)
