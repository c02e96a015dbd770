"""JSON request bodies read by hand, for the hot routes.

A body declared as a route parameter costs FastAPI a ``json.loads``, then validation of
the resulting Python objects, inside its dependency resolution. ``read_json(request,
Model)`` hands the bytes to pydantic in one pass (``model_validate_json``), and
``json_body_openapi(Model)`` documents the body exactly as a declared one would be.
Errors are the same ``RequestValidationError`` (so the same 422 body, paths without the
leading ``body``).
"""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from ontolabel.server.components import schema_ref

M = TypeVar("M", bound=BaseModel)


def json_body_openapi(model: type[BaseModel]) -> dict[str, Any]:
    """The ``openapi_extra`` of a route that reads a required `model` JSON body by hand."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema_ref(model)}},
        }
    }


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return False  # as FastAPI (strict content types): a body without a type is no JSON
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


async def read_json(request: Request, model: type[M]) -> M:
    """The request's body as `model`; RequestValidationError (422) when it is not one."""
    raw = await request.body()
    if not raw:
        raise RequestValidationError(
            [{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}]
        )
    if not _is_json(request.headers.get("content-type")):
        raise RequestValidationError(
            [
                {
                    "type": "model_attributes_type",
                    "loc": ("body",),
                    "msg": "Input should be a valid dictionary or object to extract fields from",
                    "input": None,
                }
            ]
        )
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        ) from None
