"""Schemas the OpenAPI document needs but FastAPI cannot see on its own.

FastAPI lists a model under ``components/schemas`` only when a route declares it as a
parameter or a response. Two kinds of body escape that: a body a route reads by hand (the
JSON alternative of a multipart upload) and a JSON field kept as a raw document but shaped
by a model (the ontology, checked by its own loader for file/path errors).

- ``ShapedLike(Model)`` on a ``dict`` field: the field stays a plain dict at run time and
  is documented as ``Model`` (FastAPI then lists ``Model`` like any other).
- ``schema_ref(Model)`` in a hand-written ``openapi_extra``: the reference, with the model
  remembered so reference and registration cannot drift apart; ``install_components`` adds
  every remembered model (with the models it refers to) when the app builds its document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

REF_TEMPLATE = "#/components/schemas/{model}"

_REFERENCED: dict[str, type[BaseModel]] = {}


@dataclass(frozen=True)
class ShapedLike:
    """Document a field as `model` without validating it as one."""

    model: type[BaseModel]

    def __get_pydantic_json_schema__(
        self, _schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # through a definitions schema, so the model becomes a named, referenced schema
        # (handed over bare, its schema would be inlined at every use)
        inner = self.model.__pydantic_core_schema__
        ref = inner.get("ref")
        if ref is None:
            return handler(inner)
        return handler(
            core_schema.definitions_schema(core_schema.definition_reference_schema(ref), [inner])
        )


def schema_ref(model: type[BaseModel]) -> dict[str, str]:
    """``{"$ref": ...}`` to `model`'s component schema, registered for the document."""
    name = model.__name__
    known = _REFERENCED.setdefault(name, model)
    if known is not model:
        raise ValueError(f"two models named {name!r} referenced from the OpenAPI document")
    return {"$ref": REF_TEMPLATE.format(model=name)}


def component_schemas(models: list[type[BaseModel]]) -> dict[str, dict[str, Any]]:
    """The component schemas of `models` and of every model they refer to, by name."""
    found: dict[str, dict[str, Any]] = {}
    for model in models:
        schema = model.model_json_schema(ref_template=REF_TEMPLATE, mode="validation")
        for name, sub in [*schema.pop("$defs", {}).items(), (model.__name__, schema)]:
            _merge(found, name, _without_nulls(sub))
    return found


def _without_nulls(value: Any) -> Any:
    """`value` without null-valued keys (``"default": null``): FastAPI encodes its whole
    document with ``exclude_none``, so a model it lists too must compare equal."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _merge(into: dict[str, dict[str, Any]], name: str, schema: dict[str, Any]) -> None:
    if name in into:
        if into[name] != schema:
            # two different shapes under one name would make the generated client lie
            raise ValueError(f"component schema {name!r} is defined twice, differently")
        return  # the same schema: keep the one already written (and its key order)
    into[name] = schema


def install_components(app: FastAPI) -> None:
    """Make `app`'s OpenAPI document carry every model named through ``schema_ref``."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = build()
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for name, schema in component_schemas(list(_REFERENCED.values())).items():
            _merge(schemas, name, schema)
        document["components"]["schemas"] = dict(sorted(schemas.items()))
        return document

    app.openapi = openapi  # type: ignore[method-assign]
