"""An annotation of one item: objects (each a class, a geometry and attributes) and relations.

This is the canonical, lossless shape that the API, the storage and the JSONL format carry.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ontolabel.core.geometry import Geometry


class Quantity(BaseModel):
    """A number with the unit it was given in, for attributes that allow several units
    (a Dose in mg, g, mL or units). The units are not converted: mg and mL do not mix."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    value: int | float
    unit: str


# Attribute values by ontology type: enum -> str, multi_enum -> list[str], bool -> bool,
# int -> int, float -> float (in the attribute's one declared `unit`), text -> str,
# date -> date (or its ISO string); int/float attributes that declare `units` take a
# Quantity {value, unit}. None means "not set".
AttributeValue = bool | int | float | str | date | list[str] | Quantity | None


class AnnotationObject(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="object_id: unique within the annotation")
    class_name: str = Field(description="leaf or inner class of the ontology, by name")
    geometry: Geometry
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)
    # which media file of the item this object lies on (index into Item.media), for
    # items that hold several files (e.g. a point cloud and its camera images)
    media_index: int = 0
    track_id: str | None = Field(default=None, description="identity across frames")
    entity_id: str | None = Field(default=None, description="identity across media and items")
    score: float | None = Field(default=None, description="model confidence, for pre-labels")


class Relation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    source: str = Field(description="object id")
    target: str = Field(description="object id")
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)


class Annotation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    objects: list[AnnotationObject] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)


AnnotationSource = Literal["human", "model"]
