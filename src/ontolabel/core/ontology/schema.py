"""JSON Schema (draft 2020-12) of an annotation document of one ontology.

Generated, never written by hand: the envelope (objects, relations, every geometry kind)
comes from the pydantic models of `core.annotation` and `core.geometry`, and the
ontology narrows it: class and relation names as enums and, per class and per relation,
the geometry kinds it may take and the schema of each of its attributes.

What a schema cannot say is left to `Ontology.validate`: which modality an item has (so
a class's kinds are the union over its modalities), bounds that depend on the media
(image size, text, duration), cross-references (relation endpoints, duplicate ids).
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from pydantic.json_schema import models_json_schema

from ontolabel.core.annotation import Annotation
from ontolabel.core.ontology.attributes import attribute_schema
from ontolabel.core.ontology.document import OntologyDocument
from ontolabel.core.ontology.spec import AttributeSpec

DIALECT = "https://json-schema.org/draft/2020-12/schema"


@cache
def _envelope() -> dict[str, Any]:
    """The ontology-independent schema of an Annotation, from the models themselves."""
    _, schema = models_json_schema([(Annotation, "validation")], ref_template="#/$defs/{model}")
    defs: dict[str, Any] = schema["$defs"]
    obj = defs["AnnotationObject"]["properties"]
    obj["media_index"]["minimum"] = 0
    obj["score"]["anyOf"][0].update({"minimum": 0, "maximum": 1})
    return schema


def _attributes_schema(specs: list[AttributeSpec]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {spec.name: attribute_schema(spec) for spec in specs},
        "required": [spec.name for spec in specs if spec.required],
        "additionalProperties": False,
    }


def annotation_schema(ontology: OntologyDocument) -> dict[str, Any]:
    """The JSON Schema of an annotation document valid for `ontology`."""
    envelope = copy.deepcopy(_envelope())
    defs: dict[str, Any] = envelope["$defs"]
    root = defs.pop("Annotation")

    obj = defs["AnnotationObject"]
    obj["properties"]["class_name"]["enum"] = ontology.class_names()
    per_class: list[dict[str, Any]] = []
    for index, name in enumerate(ontology.class_names()):
        kinds = sorted({str(k) for ks in ontology.resolved_geometry(name).values() for k in ks})
        def_name = f"class_{index}"
        defs[def_name] = {
            "title": name,
            "description": " > ".join(ontology.class_path(name)),
            "properties": {
                "geometry": {"properties": {"kind": {"enum": kinds}}},
                "attributes": _attributes_schema(ontology.resolved_attributes(name)),
            },
        }
        per_class.append(
            {
                "if": {"properties": {"class_name": {"const": name}}, "required": ["class_name"]},
                "then": {"$ref": f"#/$defs/{def_name}"},
            }
        )
    obj["allOf"] = per_class  # never empty: an ontology has at least one class

    relation = defs["Relation"]
    names = [r.name for r in ontology.relations]
    if names:
        relation["properties"]["name"]["enum"] = names
    else:
        root["properties"]["relations"]["maxItems"] = 0  # no relation types, no relations
    per_relation: list[dict[str, Any]] = []
    for index, spec in enumerate(ontology.relations):
        def_name = f"relation_{index}"
        defs[def_name] = {
            "title": spec.name,
            "properties": {"attributes": _attributes_schema(spec.attributes)},
        }
        per_relation.append(
            {
                "if": {"properties": {"name": {"const": spec.name}}, "required": ["name"]},
                "then": {"$ref": f"#/$defs/{def_name}"},
            }
        )
    if per_relation:
        relation["allOf"] = per_relation

    return {
        "$schema": DIALECT,
        "$id": f"urn:ontolabel:ontology:{ontology.name}:{ontology.version}:annotation",
        "title": f"Annotation for ontology {ontology.name} (version {ontology.version})",
        **{k: v for k, v in root.items() if k != "title"},
        "$defs": defs,
    }
