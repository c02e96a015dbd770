"""The OpenAPI document the UI's client is generated from: complete, valid, typed, and the
checked-in copy (web/openapi.json; every UI build generates web/src/api/schema.d.ts from it)
in step with what the app produces now."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from ontolabel.server.openapi import openapi_document

WEB = Path(__file__).resolve().parents[2] / "web"
CHECKED_IN = WEB / "openapi.json"
REGENERATE = "python -m ontolabel.server.openapi > web/openapi.json && cd web && npm run gen:api"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return openapi_document()


def _refs(node: Any, where: str = "#") -> Iterator[tuple[str, str]]:
    """Every ``$ref`` in the document, with where it sits."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                yield where, v
            else:
                yield from _refs(v, f"{where}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _refs(v, f"{where}/{i}")


def _resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"{ref} points outside the document"
    node: Any = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
        node = node[part]
    return node


def _json_bodies(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(operation and role, schema) of every JSON request and response body."""
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            name = f"{method.upper()} {path}"
            request = op.get("requestBody", {}).get("content", {})
            for media_type, body in request.items():
                if media_type == "application/octet-stream":
                    continue  # raw bytes (a file as the body) have no fields to name
                yield f"{name} request ({media_type})", body.get("schema", {})
            for status, answer in op["responses"].items():
                body = answer.get("content", {}).get("application/json")
                if body is not None:
                    yield f"{name} {status}", body.get("schema", {})


def test_the_checked_in_document_is_what_the_app_produces(document: dict[str, Any]) -> None:
    checked_in = json.loads(CHECKED_IN.read_text())
    assert checked_in == document, f"web/openapi.json is stale: run `{REGENERATE}`"


def test_every_reference_resolves(document: dict[str, Any]) -> None:
    refs = list(_refs(document))
    assert len(refs) > 100  # the walk really sees the document's references
    dangling = [f"{where} -> {ref}" for where, ref in refs if not _is_resolvable(document, ref)]
    assert dangling == []


def _is_resolvable(document: dict[str, Any], ref: str) -> bool:
    try:
        _resolve(document, ref)
    except AssertionError:
        return False
    return True


def test_a_dangling_reference_is_caught() -> None:
    # the check above must fail on the fault that once broke `npm run gen:api`
    broken = {"components": {"schemas": {}}, "x": {"$ref": "#/components/schemas/Missing"}}
    assert [ref for _, ref in _refs(broken) if not _is_resolvable(broken, ref)] == [
        "#/components/schemas/Missing"
    ]


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_the_text_item_body_read_by_hand_is_a_component(document: dict[str, Any]) -> None:
    add = document["paths"]["/api/projects/{project_id}/items"]["post"]["requestBody"]
    ref = add["content"]["application/json"]["schema"]["$ref"]
    schema = _resolve(document, ref)
    assert ref.endswith("/NewTextItemRequest")
    assert schema["required"] == ["text"]
    assert set(schema["properties"]) == {"text", "external_id", "meta"}


def test_every_json_body_has_a_shape(document: dict[str, Any]) -> None:
    """No request or response body is an untyped object: each names its fields (directly,
    through a component, or as an array of such)."""
    untyped = []
    for name, schema in _json_bodies(document):
        target = schema.get("items", schema)
        if "$ref" in target:
            target = _resolve(document, target["$ref"])
        if not target.get("properties"):
            untyped.append(name)
    assert untyped == []


def test_the_ontology_document_is_typed_not_a_free_object(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for model, field in [
        ("OntologyBody", "document"),
        ("OntologyRequest", "document"),
        ("NewProjectRequest", "ontology"),
    ]:
        assert schemas[model]["properties"][field]["$ref"].endswith("/OntologyDocument")
    ontology = schemas["OntologyDocument"]
    assert {"name", "classes", "relations", "entity_types"} <= set(ontology["properties"])
    assert ontology["properties"]["classes"]["items"]["$ref"].endswith("/ClassSpec")


def test_a_stale_save_answers_the_stored_state_and_the_refused_request(
    document: dict[str, Any],
) -> None:
    save = document["paths"]["/api/items/{item_id}/annotation"]["put"]
    conflict = _resolve(
        document, save["responses"]["409"]["content"]["application/json"]["schema"]["$ref"]
    )
    assert conflict["properties"]["current"]["$ref"].endswith("/AnnotationState")
    assert conflict["properties"]["yours"]["$ref"].endswith("/SaveRequest")
