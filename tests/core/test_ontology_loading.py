"""Loading an ontology file: a good one gives the hierarchy and inheritance; a bad one is
refused with every problem, each with its file, line and path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.core.ontology import (
    AttributeType,
    Ontology,
    load_ontology,
    parse_ontology,
    parse_ontology_text,
)
from ontolabel.errors import NotFound, OntologyError

DATA = Path(__file__).parent / "data"


def test_the_fixture_loads_with_its_header(ontology: Ontology) -> None:
    assert ontology.name == "retail-and-clinic"
    assert ontology.version == "3"  # YAML's number 3 is kept as the label "3"
    assert ontology.guideline.startswith("# Guideline")
    assert ontology.roots() == ["Product", "Drug", "AdverseEvent", "Vehicle", "Pedestrian", "Lane"]


def test_hierarchy_queries(ontology: Ontology) -> None:
    assert ontology.class_path("Beverage") == ["Product", "Beverage"]
    assert ontology.class_path("Product") == ["Product"]
    assert ontology.children("Vehicle") == ["Car"]
    assert ontology.descendants("Product") == ["Beverage"]
    assert ontology.is_a("Car", "Vehicle") and not ontology.is_a("Vehicle", "Car")
    with pytest.raises(NotFound):
        ontology.class_path("Spaceship")


def test_geometry_is_inherited_when_absent(ontology: Ontology) -> None:
    assert ontology.allowed_kinds("Car", Modality.POINTCLOUD) == [GeometryKind.CUBOID]
    assert ontology.allowed_kinds("Beverage", "video") == [GeometryKind.TRACK]
    assert ontology.allowed_kinds("Lane", "text") == []
    assert ontology.classes_for("pointcloud") == ["Vehicle", "Car", "Pedestrian"]


def test_attributes_are_inherited_parent_first(ontology: Ontology) -> None:
    names = [a.name for a in ontology.resolved_attributes("Beverage")]
    assert names == ["Brand", "Condition", "Volume", "Tags"]
    dose = next(a for a in ontology.resolved_attributes("Name") if a.name == "Dose")
    assert dose.type == AttributeType.FLOAT and dose.units == ["mg", "g", "mL", "units"]
    assert dose.takes_quantity


def test_a_child_attribute_replaces_the_inherited_one_of_that_name() -> None:
    onto = parse_ontology(
        {
            "name": "o",
            "classes": [
                {
                    "name": "A",
                    "geometry": {"image": ["box"]},
                    "attributes": [{"name": "size", "type": "enum", "options": ["s", "l"]}],
                },
                {
                    "name": "B",
                    "parent": "A",
                    "attributes": [{"name": "size", "type": "int", "min": 0}],
                },
            ],
        }
    )
    assert [(a.name, a.type) for a in onto.resolved_attributes("B")] == [
        ("size", AttributeType.INT)
    ]


def test_entity_types_per_class(ontology: Ontology) -> None:
    assert ontology.entity_types_of("Car", "pointcloud") == ["Road user"]
    assert ontology.entity_types_of("Beverage", "audio") == ["ProductEntity"]
    assert ontology.entity_types_of("Drug", "text") == []


def test_json_and_yaml_files_load_the_same(ontology: Ontology, tmp_path: Path) -> None:
    path = tmp_path / "retail.json"
    path.write_text(json.dumps(ontology.document()))
    assert load_ontology(path) == ontology
    # the stored document parses back to the same ontology
    assert parse_ontology(ontology.document()) == ontology


def base(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "name": "t",
        "classes": [
            {"name": "Vehicle", "geometry": {"image": ["box"]}},
            {"name": "Car", "parent": "Vehicle"},
        ],
    }
    document.update(changes)
    return document


def problems(document: Any) -> list[tuple[str | None, str]]:
    with pytest.raises(OntologyError) as caught:
        parse_ontology(document, "onto.yaml")
    assert all(v.location.file == "onto.yaml" for v in caught.value.violations)
    return [(v.location.path, v.message) for v in caught.value.violations]


CLASS = {"name": "X", "geometry": {"image": ["box"]}}


@pytest.mark.parametrize(
    ("document", "path", "reason"),
    [
        (
            base(classes=[{**CLASS, "attributes": [{"name": "a", "type": "colour"}]}]),
            "classes[0].attributes[0].type",
            "unknown value 'colour'",
        ),
        (
            base(classes=[CLASS, {"name": "X", "geometry": {"text": ["span"]}}]),
            "classes[1].name",
            "duplicate class name 'X'",
        ),
        (
            base(classes=[{**CLASS, "parent": "Nope"}]),
            "classes[0].parent",
            "unknown parent class 'Nope'",
        ),
        (base(classes=[{**CLASS, "parent": "X"}]), "classes[0].parent", "parent cycle: X -> X"),
        (
            base(classes=[CLASS, {"name": "A", "parent": "B"}, {"name": "B", "parent": "A"}]),
            "classes[1].parent",
            "parent cycle: A -> B -> A",
        ),
        (
            base(classes=[{**CLASS, "attributes": [{"name": "a", "type": "enum"}]}]),
            "classes[0].attributes[0].options",
            "need a non-empty list of options",
        ),
        (
            base(
                classes=[
                    {**CLASS, "attributes": [{"name": "a", "type": "int", "min": 5, "max": 1}]}
                ]
            ),
            "classes[0].attributes[0].min",
            "min (5.0) is greater than max (1.0)",
        ),
        (
            base(classes=[{**CLASS, "attributes": [{"name": "a", "type": "text", "unit": "kg"}]}]),
            "classes[0].attributes[0].unit",
            "unit applies to int and float attributes",
        ),
        (
            base(
                classes=[{**CLASS, "attributes": [{"name": "a", "type": "bool", "options": ["x"]}]}]
            ),
            "classes[0].attributes[0].options",
            "options apply to enum and multi_enum",
        ),
        (
            base(
                classes=[
                    {
                        **CLASS,
                        "attributes": [
                            {"name": "a", "type": "float", "units": ["mg", "g"], "unit": "kg"}
                        ],
                    }
                ]
            ),
            "classes[0].attributes[0].unit",
            "unit 'kg' is not one of units",
        ),
        (
            base(
                classes=[
                    {
                        **CLASS,
                        "attributes": [
                            {"name": "a", "type": "enum", "options": ["x", "y"], "default": "z"}
                        ],
                    }
                ]
            ),
            "classes[0].attributes[0].default",
            "default: unknown option 'z'",
        ),
        (
            base(
                classes=[
                    {**CLASS, "attributes": [{"name": "a", "type": "int", "max": 3, "default": 7}]}
                ]
            ),
            "classes[0].attributes[0].default",
            "default: 7 is above the maximum 3",
        ),
        (
            base(
                classes=[
                    {
                        **CLASS,
                        "attributes": [
                            {"name": "a", "type": "bool"},
                            {"name": "a", "type": "text"},
                        ],
                    }
                ]
            ),
            "classes[0].attributes[1].name",
            "duplicate attribute name 'a'",
        ),
        (
            base(classes=[{"name": "X", "geometry": {"text": ["box"]}}]),
            "classes[0].geometry.text[0]",
            "geometry kind 'box' does not exist in text",
        ),
        (
            base(classes=[{"name": "X", "geometry": {"image": ["hexagon"]}}]),
            "classes[0].geometry.image[0]",
            "unknown value 'hexagon'",
        ),
        (
            base(classes=[{"name": "X", "geometry": {"lidar": ["cuboid"]}}]),
            "classes[0].geometry.lidar",
            "unknown key 'lidar'",
        ),
        (base(classes=[{**CLASS, "colour": "#fff"}]), "classes[0].colour", "unknown field"),
        (
            base(classes=[{**CLASS, "color": "red"}]),
            "classes[0].color",
            "String should match pattern",
        ),
        (
            base(classes=[CLASS, {"name": "Y", "hotkey": "x"}, {"name": "Z", "hotkey": "x"}]),
            "classes[2].hotkey",
            "hotkey 'x' is already used by classes[1]",
        ),
        (
            base(relations=[{"name": "r", "sources": ["Car"], "targets": ["Boat"]}]),
            "relations[0].targets[0]",
            "relation 'r' names unknown class 'Boat'",
        ),
        (
            base(relations=[{"name": "r"}, {"name": "r"}]),
            "relations[1].name",
            "duplicate relation name 'r' (first at relations[0])",
        ),
        (
            base(
                entity_types=[
                    {"name": "E", "classes": {"image": ["Car"]}},
                    {"name": "E", "classes": {"image": ["Car"]}},
                ]
            ),
            "entity_types[1].name",
            "duplicate entity type 'E' (first at entity_types[0])",
        ),
        (
            base(relations=[{"name": "r", "attributes": [{"name": "w", "type": "multi_enum"}]}]),
            "relations[0].attributes[0].options",
            "need a non-empty list of options",
        ),
        (
            base(entity_types=[{"name": "E", "classes": {"video": ["Car"]}}]),
            "entity_types[0].classes.video[0]",
            "class 'Car' takes no geometry in video",
        ),
        (
            base(entity_types=[{"name": "E", "classes": {"image": ["Boat"]}}]),
            "entity_types[0].classes.image[0]",
            "names unknown class 'Boat'",
        ),
        (base(classes=[]), "classes", "at least one class"),
        (base(name=""), "name", "at least 1 character"),
        ({"classes": [CLASS]}, "name", "required field is missing"),
        (base(classes=[CLASS, "Car"]), "classes[1]", "expected a mapping"),
    ],
)
def test_bad_ontologies_are_refused_with_path_and_reason(
    document: dict[str, Any], path: str, reason: str
) -> None:
    found = problems(document)
    assert any(p == path and reason in m for p, m in found), found


def test_every_problem_is_reported_at_once() -> None:
    document = base(
        classes=[
            {
                "name": "A",
                "geometry": {"image": ["box"]},
                "attributes": [{"name": "x", "type": "quantity"}, {"name": "y", "type": "enum"}],
            },
            {"name": "A", "parent": "B"},
            {"name": "B", "parent": "A"},
        ],
        relations=[{"name": "r", "sources": ["Nope"]}],
    )
    paths = [p for p, _ in problems(document)]
    assert paths == [
        "classes[0].attributes[0].type",
        "classes[0].attributes[1].options",
        "classes[1].name",
        "relations[0].sources[0]",
    ]


def test_a_malformed_class_is_not_echoed_as_unknown_elsewhere() -> None:
    document = base(
        classes=[
            {"name": "Vehicle", "geometry": {"image": ["box"]}, "colour": "red"},
            {"name": "Car", "parent": "Vehicle"},
        ],
        relations=[{"name": "tows", "sources": ["Vehicle"], "targets": ["Car"]}],
    )
    assert problems(document) == [("classes[0].colour", "unknown field")]


BAD_YAML = """\
name: clinic
classes:
  - name: Drug
    geometry: {text: [span]}
  - name: Dose
    parent: Drug
    attributes:
      - name: amount
        type: number
  - name: Drug
"""


def test_yaml_problems_carry_the_line(tmp_path: Path) -> None:
    path = tmp_path / "clinic.yaml"
    path.write_text(BAD_YAML)
    with pytest.raises(OntologyError) as caught:
        load_ontology(path)
    found = [(v.location.file, v.location.line, v.location.path) for v in caught.value.violations]
    assert found == [
        (str(path), 9, "classes[1].attributes[0].type"),
        (str(path), 10, "classes[2].name"),
    ]
    assert "clinic.yaml:9, classes[1].attributes[0].type" in str(caught.value)
    payload = caught.value.to_dict()
    assert payload["error"] == "OntologyError" and len(payload["violations"]) == 2


def test_unreadable_and_unparsable_files_say_so(tmp_path: Path) -> None:
    with pytest.raises(OntologyError, match="cannot read"):
        load_ontology(tmp_path / "missing.yaml")
    with pytest.raises(OntologyError, match="not valid YAML") as caught:
        parse_ontology_text("name: [unclosed\nclasses: []\n", "x.yaml")
    assert caught.value.location.line is not None
    with pytest.raises(OntologyError, match="not valid JSON"):
        parse_ontology_text("{", "x.json", json_syntax=True)
    with pytest.raises(OntologyError, match="a mapping"):
        parse_ontology(["not", "a", "mapping"])


def test_constructing_an_inconsistent_ontology_directly_is_refused_too() -> None:
    with pytest.raises(OntologyError, match="parent cycle"):
        Ontology.model_validate(base(classes=[{**CLASS, "parent": "X"}]))


def test_a_malformed_class_still_reports_its_unknown_parent() -> None:
    with pytest.raises(OntologyError) as err:
        parse_ontology(
            {
                "name": "bad",
                "classes": [
                    {
                        "name": "Drug",
                        "parent": "Nope",
                        "geometry": {"image": ["circle"]},
                        "attributes": [{"name": "Dose", "type": "flaot"}],
                    }
                ],
            }
        )
    found = {(v.location.path, v.message.split(";")[0]) for v in err.value.violations}
    assert found == {
        ("classes[0].geometry.image[0]", "unknown value 'circle'"),
        ("classes[0].attributes[0].type", "unknown value 'flaot'"),
        ("classes[0].parent", "unknown parent class 'Nope' of 'Drug'"),
    }
