"""The ontology: classes in a hierarchy, typed attributes, relations, entity types; it
validates annotations and generates their JSON Schema.

Entry points: `load_ontology(path)`, `parse_ontology(document, file)`, and on the
returned `Ontology`: `validate(annotation, content)`, `json_schema()`, `class_path`,
`children`, `resolved_attributes`, `allowed_kinds`.
"""

from __future__ import annotations

from ontolabel.core.ontology.geometry_checks import PIXEL_TOLERANCE, SECONDS_TOLERANCE
from ontolabel.core.ontology.loading import load_ontology, parse_ontology, parse_ontology_text
from ontolabel.core.ontology.ontology import Ontology
from ontolabel.core.ontology.spec import (
    AttributeSpec,
    AttributeType,
    ClassSpec,
    EntityType,
    RelationSpec,
)

__all__ = [
    "PIXEL_TOLERANCE",
    "SECONDS_TOLERANCE",
    "AttributeSpec",
    "AttributeType",
    "ClassSpec",
    "EntityType",
    "Ontology",
    "RelationSpec",
    "load_ontology",
    "parse_ontology",
    "parse_ontology_text",
]
