"""Shared base for geometry value types: immutable, strict about unknown fields, and
always written with their `kind`."""

from __future__ import annotations

from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    GetJsonSchemaHandler,
    SerializerFunctionWrapHandler,
    model_serializer,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema


class GeometryModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @model_serializer(mode="wrap")
    def _keep_kind(self, handler: SerializerFunctionWrapHandler) -> Any:
        # `kind` has a default, so exclude_defaults / exclude_unset would drop it, and a
        # shape without its kind cannot be read back: it is always written.
        data = handler(self)
        if isinstance(data, dict) and "kind" in type(self).model_fields and "kind" not in data:
            data = {"kind": self.__dict__["kind"], **data}
        return data

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # The serializer above only restores `kind`: a written shape has exactly the
        # fields of the model, so describe it by them (not as "any", which the custom
        # serializer would otherwise make the OpenAPI response schema say).
        plain = {k: v for k, v in core_schema.items() if k != "serialization"}
        json_schema = handler(plain)
        target = handler.resolve_ref_schema(json_schema)
        if "kind" in target.get("properties", {}):
            # Documents always carry `kind` (it tells shapes apart), whatever the default.
            target["required"] = ["kind", *[r for r in target.get("required", []) if r != "kind"]]
        return json_schema
