"""A draft is checked for correctness, not completeness: `validate(..., complete=False)`
lets required attributes wait and reports everything else exactly as a full check does."""

from __future__ import annotations

from typing import Any

import pytest

from ontolabel.core.annotation import Annotation
from ontolabel.core.item import ItemContent
from ontolabel.core.ontology import Ontology
from ontolabel.errors import AnnotationInvalid

TEXT = "Took 500 mg ibuprofen; mild nausea followed. Ok 👍🏽 Köln"


def span(start: int, end: int, text: str | None = None) -> dict[str, Any]:
    return {
        "kind": "span",
        "start": start,
        "end": end,
        "text": TEXT[start:end] if text is None else text,
    }


def found(
    ontology: Ontology, document: dict[str, Any], content: ItemContent, *, complete: bool
) -> list[str]:
    annotation = Annotation.model_validate(document)
    return [
        v.location.path or "" for v in ontology.validate(annotation, content, complete=complete)
    ]


# a drug causing an adverse event, with every required attribute still empty: the event's
# Severity (own class), the relation's Certainty, and a product's Condition (inherited by
# Beverage, set to null as an editor leaves a cleared field)
HALF_FILLED: dict[str, Any] = {
    "objects": [
        {"id": "d", "class_name": "Name", "geometry": span(12, 21)},
        {"id": "e", "class_name": "AdverseEvent", "geometry": span(23, 34), "attributes": {}},
        {
            "id": "k",
            "class_name": "Beverage",
            "geometry": span(TEXT.index("Köln"), len(TEXT)),
            "attributes": {"Condition": None},
        },
    ],
    "relations": [{"id": "r", "name": "causes", "source": "d", "target": "e"}],
}
MISSING = [
    "objects[1].attributes.Severity",
    "objects[2].attributes.Condition",
    "relations[0].attributes.Certainty",
]


def test_a_complete_check_names_every_missing_required_attribute(
    ontology: Ontology, text_item: ItemContent
) -> None:
    assert sorted(found(ontology, HALF_FILLED, text_item, complete=True)) == MISSING


def test_a_draft_may_leave_required_attributes_empty(
    ontology: Ontology, text_item: ItemContent
) -> None:
    assert found(ontology, HALF_FILLED, text_item, complete=False) == []


def test_complete_is_the_default(ontology: Ontology, text_item: ItemContent) -> None:
    annotation = Annotation.model_validate(HALF_FILLED)
    assert len(ontology.validate(annotation, text_item)) == len(MISSING)
    with pytest.raises(AnnotationInvalid):
        ontology.check(annotation, text_item)
    ontology.check(annotation, text_item, complete=False)  # no error


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["objects"][0].update(class_name="Aspirin"), "objects[0].class_name"),
        (
            lambda d: d["objects"][1].update(attributes={"Severity": "fatal"}),
            "objects[1].attributes.Severity",
        ),
        (
            lambda d: d["objects"][0].update(attributes={"Refills": 13}),
            "objects[0].attributes.Refills",
        ),
        (
            lambda d: d["objects"][0].update(attributes={"Dose": {"value": 5, "unit": "kg"}}),
            "objects[0].attributes.Dose.unit",
        ),
        (
            lambda d: d["objects"][0].update(attributes={"Generic": "yes"}),
            "objects[0].attributes.Generic",
        ),
        (
            lambda d: d["objects"][0].update(attributes={"Colour": "red"}),
            "objects[0].attributes.Colour",
        ),
        (
            lambda d: d["objects"][0].update(geometry=span(12, 21, "Ibuprofen")),
            "objects[0].geometry.text",
        ),
        (lambda d: d["relations"][0].update(target="nobody"), "relations[0].target"),
    ],
    ids=[
        "unknown class",
        "unknown option",
        "above max",
        "wrong unit",
        "wrong type",
        "unknown attribute",
        "span text",
        "dangling relation",
    ],
)
def test_a_draft_is_still_checked_for_everything_else(
    ontology: Ontology, text_item: ItemContent, change: Any, path: str
) -> None:
    document = {
        "objects": [dict(o) for o in HALF_FILLED["objects"]],
        "relations": [dict(r) for r in HALF_FILLED["relations"]],
    }
    change(document)
    # the one problem, at the same path as the full check reports it
    assert found(ontology, document, text_item, complete=False) == [path]
    assert path in found(ontology, document, text_item, complete=True)
