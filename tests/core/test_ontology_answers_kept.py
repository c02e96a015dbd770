"""The hierarchy answers validation asks for every object are worked out once per class
and kept (a document is frozen): asking again, or changing a list one was given, changes
no later answer, and what a document was asked never makes it unequal to another."""

from __future__ import annotations

from tests.core.conftest import DATA

from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.core.ontology import Ontology, load_ontology


def test_a_list_one_was_given_is_one_own_copy(ontology: Ontology) -> None:
    for _ in range(2):
        kinds = ontology.allowed_kinds("Car", Modality.POINTCLOUD)
        path = ontology.class_path("Beverage")
        attributes = ontology.resolved_attributes("Beverage")
        assert kinds == [GeometryKind.CUBOID]
        assert path == ["Product", "Beverage"]
        assert [a.name for a in attributes] == ["Brand", "Condition", "Volume", "Tags"]
        kinds.clear()
        path.append("Spaceship")
        attributes.pop()


def test_answers_asked_do_not_make_documents_unequal() -> None:
    asked, fresh = load_ontology(DATA / "retail.yaml"), load_ontology(DATA / "retail.yaml")
    asked.allowed_kinds("Car", "image")
    asked.resolved_attributes("Beverage")
    asked.is_a("Car", "Vehicle")
    assert asked == fresh
