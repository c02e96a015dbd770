"""The parts of an ontology document: classes, typed attributes, relations, entity types.

These are plain value types; how they fit together (hierarchy, inheritance, checks)
lives in `document.py` and `checks.py`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ontolabel.core.annotation import AttributeValue
from ontolabel.core.modality import GeometryKind, Modality


class AttributeType(StrEnum):
    ENUM = "enum"
    MULTI_ENUM = "multi_enum"
    BOOL = "bool"
    INT = "int"
    FLOAT = "float"
    TEXT = "text"
    DATE = "date"


NUMBER_TYPES = frozenset({AttributeType.INT, AttributeType.FLOAT})
OPTION_TYPES = frozenset({AttributeType.ENUM, AttributeType.MULTI_ENUM})


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AttributeSpec(Spec):
    """One typed attribute of a class or relation.

    Numbers: `unit` alone fixes the unit and the value is a plain number in it
    (`Weight`, unit kg -> 72.5). `units` lists the units an annotator may choose and the
    value is then a Quantity `{value, unit}` (`Dose`, units [mg, g, mL, units] ->
    {"value": 500, "unit": "mg"}); `unit`, if also given, is the one the editor offers
    first. `min`/`max` bound the number as written, in whatever unit it was given.
    """

    name: str = Field(min_length=1)
    type: AttributeType
    description: str = ""
    required: bool = False
    # the value the editor pre-fills; a required attribute must still be present when saved
    default: AttributeValue = None
    options: list[str] | None = Field(default=None, description="choices of enum / multi_enum")
    min: float | None = None
    max: float | None = None
    unit: str | None = None
    units: list[str] | None = None

    @property
    def takes_quantity(self) -> bool:
        """Whether values are {value, unit} rather than a plain number."""
        return self.type in NUMBER_TYPES and self.units is not None


GeometryByModality = dict[Modality, list[GeometryKind]]


class ClassSpec(Spec):
    """A class of the hierarchy. `geometry` and `attributes` are inherited: a class without
    `geometry` takes its parent's; its attributes are its parent's plus its own (an own
    attribute with an inherited name replaces the inherited one)."""

    name: str = Field(min_length=1, description="unique across the whole ontology")
    parent: str | None = None
    description: str = ""
    color: str | None = Field(default=None, pattern=r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
    hotkey: str | None = Field(default=None, min_length=1)
    geometry: GeometryByModality | None = None
    attributes: list[AttributeSpec] = Field(default_factory=list)


class RelationSpec(Spec):
    """A typed, directed relation between two objects. An empty `sources` / `targets`
    admits every class; a listed class admits its descendants too."""

    name: str = Field(min_length=1)
    description: str = ""
    sources: list[str] = Field(default_factory=list)
    targets: list[str] = Field(default_factory=list)
    attributes: list[AttributeSpec] = Field(default_factory=list)


class EntityType(Spec):
    """A thing that appears in several media under one entity_id: which classes carry it in
    each modality (a Product is a box in video, a span in text, an interval in audio)."""

    name: str = Field(min_length=1)
    description: str = ""
    classes: dict[Modality, list[str]] = Field(default_factory=dict)


class OntologyHeader(Spec):
    """The ontology's own fields, apart from its lists."""

    name: str = Field(min_length=1)
    version: str = Field(default="1", description="the document's own version label")
    description: str = ""
    guideline: str = Field(default="", description="annotation guideline, markdown")

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        # YAML reads `version: 2` or `version: 1.1` as numbers; they are labels.
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value
