"""The JSON Schema an ontology emits for its annotation documents: a valid draft 2020-12
schema that accepts what validation accepts and refuses what it can express."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest

from ontolabel.core.annotation import Annotation
from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology

TEXT = "Took 500 mg ibuprofen; mild nausea followed."


@pytest.fixture(scope="module")
def validator(ontology: Ontology) -> jsonschema.Draft202012Validator:
    schema = ontology.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def schema_errors(validator: jsonschema.Draft202012Validator, document: Any) -> list[str]:
    return sorted(
        ".".join(str(p) for p in error.absolute_path) for error in validator.iter_errors(document)
    )


VALID: dict[str, Any] = {
    "objects": [
        {
            "id": "d",
            "class_name": "Name",
            "geometry": {"kind": "span", "start": 12, "end": 21, "text": "ibuprofen"},
            "attributes": {
                "Dose": {"value": 500, "unit": "mg"},
                "Refills": 2,
                "Prescribed": "2024-02-29",
                "Generic": None,
            },
        },
        {
            "id": "e",
            "class_name": "AdverseEvent",
            "geometry": {"kind": "span", "start": 23, "end": 34, "text": "mild nausea"},
            "attributes": {"Severity": "mild"},
        },
        {
            "id": "b",
            "class_name": "Beverage",
            "geometry": {"kind": "box", "x1": 1, "y1": 2, "x2": 3, "y2": 4},
            "attributes": {"Condition": "new", "Tags": ["organic"], "Volume": 330.5},
            "score": 0.9,
        },
        {
            "id": "t",
            "class_name": "Car",
            "track_id": "7",
            "geometry": {
                "kind": "track",
                "keyframes": [
                    {"frame": 0, "shape": {"kind": "box", "x1": 1, "y1": 2, "x2": 3, "y2": 4}},
                    {
                        "frame": 9,
                        "outside": True,
                        "shape": {"kind": "rotated_box", "cx": 1, "cy": 2, "w": 3, "h": 4},
                    },
                ],
            },
        },
        {
            "id": "m",
            "class_name": "Product",
            "geometry": {"kind": "mask", "height": 2, "width": 2, "counts": "04"},
            "attributes": {"Condition": "expired"},
        },
    ],
    "relations": [
        {
            "id": "r",
            "name": "causes",
            "source": "d",
            "target": "e",
            "attributes": {"Certainty": "confirmed"},
        },
    ],
}


def test_the_schema_is_draft_2020_12_and_names_the_ontology(ontology: Ontology) -> None:
    schema = ontology.json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "retail-and-clinic" in schema["$id"] and ":3:" in schema["$id"]
    assert (
        schema["$defs"]["AnnotationObject"]["properties"]["class_name"]["enum"]
        == ontology.class_names()
    )


def test_a_valid_document_passes_schema_and_validation(
    ontology: Ontology, validator: jsonschema.Draft202012Validator
) -> None:
    assert schema_errors(validator, VALID) == []
    annotation = Annotation.model_validate(VALID)
    # the document survives the model unchanged, so the schema describes what is stored
    assert annotation.model_dump(mode="json", exclude_defaults=True) == VALID
    text_objects = Annotation(objects=annotation.objects[:2], relations=annotation.relations)
    assert ontology.validate(text_objects, ItemContent(modality=Modality.TEXT, text=TEXT)) == []


def changed(path: list[Any], value: Any) -> dict[str, Any]:
    document = copy.deepcopy(VALID)
    target: Any = document
    for step in path[:-1]:
        target = target[step]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return document


DELETE = object()


@pytest.mark.parametrize(
    ("document", "where"),
    [
        (changed(["objects", 0, "class_name"], "Spaceship"), "objects.0.class_name"),
        (
            changed(
                ["objects", 0, "geometry"],
                {"kind": "cuboid", "x": 0, "y": 0, "z": 0, "length": 1, "width": 1, "height": 1},
            ),
            "objects.0.geometry.kind",
        ),
        (changed(["objects", 1, "attributes", "Severity"], DELETE), "objects.1.attributes"),
        (
            changed(["objects", 1, "attributes", "Severity"], "fatal"),
            "objects.1.attributes.Severity",
        ),
        (changed(["objects", 1, "attributes", "Colour"], "red"), "objects.1.attributes"),
        (
            changed(["objects", 0, "attributes", "Dose"], {"value": -1, "unit": "mg"}),
            "objects.0.attributes.Dose.value",
        ),
        (
            changed(["objects", 0, "attributes", "Dose"], {"value": 1, "unit": "kg"}),
            "objects.0.attributes.Dose.unit",
        ),
        (changed(["objects", 0, "attributes", "Dose"], 500), "objects.0.attributes.Dose"),
        (changed(["objects", 0, "attributes", "Refills"], 2.5), "objects.0.attributes.Refills"),
        (changed(["objects", 0, "attributes", "Refills"], 13), "objects.0.attributes.Refills"),
        (
            changed(["objects", 0, "attributes", "Prescribed"], "29/02/2024"),
            "objects.0.attributes.Prescribed",
        ),
        (
            changed(["objects", 2, "attributes", "Tags"], ["organic", "organic"]),
            "objects.2.attributes.Tags",
        ),
        (changed(["objects", 2, "attributes", "Tags"], ["vegan"]), "objects.2.attributes.Tags.0"),
        (changed(["objects", 2, "attributes", "Volume"], "big"), "objects.2.attributes.Volume"),
        (changed(["objects", 2, "score"], 2), "objects.2.score"),
        (changed(["objects", 2, "media_index"], -1), "objects.2.media_index"),
        (changed(["objects", 2, "geometry", "x2"], DELETE), "objects.2.geometry"),
        (changed(["objects", 2, "geometry", "z"], 1), "objects.2.geometry"),
        (changed(["objects", 2, "geometry", "kind"], DELETE), "objects.2.geometry"),
        (
            changed(["objects", 3, "geometry", "keyframes", 0, "frame"], "first"),
            "objects.3.geometry.keyframes.0.frame",
        ),
        (changed(["relations", 0, "name"], "treats"), "relations.0.name"),
        (
            changed(["relations", 0, "attributes", "Certainty"], "maybe"),
            "relations.0.attributes.Certainty",
        ),
        (changed(["objects", 0, "colour"], "red"), "objects.0"),
    ],
)
def test_invalid_documents_fail_the_schema_where_validation_fails_them(
    ontology: Ontology,
    validator: jsonschema.Draft202012Validator,
    document: dict[str, Any],
    where: str,
) -> None:
    errors = schema_errors(validator, document)
    assert errors, "the schema accepted an invalid document"
    assert any(e == where or e.startswith(where) or where.startswith(e) for e in errors), errors


def test_an_ontology_without_relations_admits_no_relations() -> None:
    onto = Ontology.model_validate(
        {"name": "o", "classes": [{"name": "X", "geometry": {"image": ["tag"]}}]}
    )
    validator = jsonschema.Draft202012Validator(onto.json_schema())
    tag = {"id": "a", "class_name": "X", "geometry": {"kind": "tag"}}
    assert schema_errors(validator, {"objects": [tag]}) == []
    assert schema_errors(
        validator,
        {"objects": [tag], "relations": [{"id": "r", "name": "x", "source": "a", "target": "a"}]},
    ) == ["relations"]


def test_the_schema_follows_the_ontology(ontology: Ontology) -> None:
    schema = ontology.json_schema()
    beverage = next(d for d in schema["$defs"].values() if d.get("title") == "Beverage")
    assert beverage["description"] == "Product > Beverage"
    attrs = beverage["properties"]["attributes"]
    assert list(attrs["properties"]) == ["Brand", "Condition", "Volume", "Tags"]
    assert attrs["required"] == ["Condition"]
    assert attrs["properties"]["Volume"]["anyOf"][0] == {
        "type": "number",
        "minimum": 0,
        "maximum": 5000,
        "description": "(in mL)",
    }
    assert beverage["properties"]["geometry"]["properties"]["kind"]["enum"] == [
        "box",
        "interval",
        "mask",
        "polygon",
        "span",
        "track",
    ]
