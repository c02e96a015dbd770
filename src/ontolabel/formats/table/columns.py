"""The columns of the objects table: fixed ones, measures of each geometry, and attributes.

One row per object. The fixed columns say which item, media file and annotation the object
belongs to; the measure columns give what an analyst wants without parsing anything
(a box's corners, a polygon's area, a span's offsets, an interval's seconds); ``geometry`` is
the object's whole geometry as JSON, so the table imports back without loss. Units:
image measures in displayed pixels (areas in square pixels), spans in code points
(half-open), seconds and metres where the column name says ``_s`` and ``_m``, angles where it
says ``_deg`` (clockwise) or ``_rad``.

Attributes get one column each, named ``attr.<name>``; a number with one declared unit is
``attr.<name>[<unit>]``; a number the annotator gives with a unit of several is two columns,
``attr.<name>`` (the value) and ``attr.<name>.unit``. When classes declare one attribute name
with different types, its column holds JSON (a table column has one type).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from ontolabel.core.annotation import AttributeValue, Quantity
from ontolabel.core.geometry import (
    Box,
    Cuboid,
    GeometryUnion,
    Interval,
    Keypoints,
    Mask,
    Polygon,
    Polyline,
    RotatedBox,
    Span,
    Track,
)
from ontolabel.core.geometry.box import rotated_box_hull
from ontolabel.core.geometry.keypoints import keypoints_bbox, labeled_points
from ontolabel.core.geometry.mask import rle_area, rle_bbox, rle_problem
from ontolabel.core.geometry.polygon import (
    polygon_area,
    polygon_bbox,
    polyline_bbox,
    polyline_length,
)
from ontolabel.core.ontology import Ontology
from ontolabel.core.ontology.spec import AttributeSpec, AttributeType

ColumnType = Literal["int", "float", "str", "bool", "date", "list", "json"]

# (name, type) of the columns every table has, in order; measures are empty where they do
# not apply to the object's geometry
ITEM_COLUMNS: tuple[tuple[str, ColumnType], ...] = (
    ("item_id", "int"),
    ("external_id", "str"),
    ("modality", "str"),
    ("media_index", "int"),
    ("media_name", "str"),
    ("media_sha256", "str"),
    ("media_width", "int"),
    ("media_height", "int"),
    ("annotator", "str"),
    ("status", "str"),
    ("revision", "int"),
    ("source", "str"),
    ("object_id", "str"),
    ("class", "str"),
    ("class_path", "str"),
    ("geometry_kind", "str"),
)
MEASURE_COLUMNS: tuple[tuple[str, ColumnType], ...] = (
    ("x1", "float"),
    ("y1", "float"),
    ("x2", "float"),
    ("y2", "float"),
    ("area", "float"),
    ("cx", "float"),
    ("cy", "float"),
    ("w", "float"),
    ("h", "float"),
    ("angle_deg", "float"),
    ("points", "int"),
    ("line_length", "float"),
    ("span_start", "int"),
    ("span_end", "int"),
    ("span_text", "str"),
    ("start_s", "float"),
    ("end_s", "float"),
    ("transcript", "str"),
    ("speaker", "str"),
    ("first_frame", "int"),
    ("last_frame", "int"),
    ("keyframes", "int"),
    ("x_m", "float"),
    ("y_m", "float"),
    ("z_m", "float"),
    ("length_m", "float"),
    ("width_m", "float"),
    ("height_m", "float"),
    ("yaw_rad", "float"),
)
IDENTITY_COLUMNS: tuple[tuple[str, ColumnType], ...] = (
    ("track_id", "str"),
    ("entity_id", "str"),
    ("score", "float"),
)
GEOMETRY_COLUMN = "geometry"
CLASS_PATH_SEPARATOR = " > "
ATTRIBUTE_PREFIX = "attr."
UNIT_SUFFIX = ".unit"

FIXED_TYPES: dict[str, ColumnType] = dict(
    ITEM_COLUMNS + MEASURE_COLUMNS + IDENTITY_COLUMNS + ((GEOMETRY_COLUMN, "json"),)
)
MEASURES = frozenset(name for name, _ in MEASURE_COLUMNS)


@dataclass(frozen=True)
class AttributeColumn:
    """The column(s) of one attribute name. ``unit_column`` is set for quantities."""

    attribute: str
    column: str
    type: ColumnType
    unit_column: str | None = None


_VALUE_TYPES: dict[AttributeType, ColumnType] = {
    AttributeType.ENUM: "str",
    AttributeType.TEXT: "str",
    AttributeType.MULTI_ENUM: "list",
    AttributeType.BOOL: "bool",
    AttributeType.INT: "int",
    AttributeType.FLOAT: "float",
    AttributeType.DATE: "date",
}


def _shape(spec: AttributeSpec) -> tuple[AttributeType, str | None, bool]:
    return spec.type, None if spec.takes_quantity else spec.unit, spec.takes_quantity


def attribute_columns(ontology: Ontology) -> list[AttributeColumn]:
    """One entry per attribute name of the ontology's classes, in the order first declared."""
    specs: dict[str, list[AttributeSpec]] = {}
    for cls in ontology.classes:
        for spec in ontology.resolved_attributes(cls.name):
            specs.setdefault(spec.name, []).append(spec)
    columns: list[AttributeColumn] = []
    for name, found in specs.items():
        shapes = {_shape(s) for s in found}
        column = ATTRIBUTE_PREFIX + name
        if len(shapes) > 1:
            columns.append(AttributeColumn(name, column, "json"))
            continue
        kind, unit, quantity = shapes.pop()
        if quantity:
            number: ColumnType = "int" if kind == AttributeType.INT else "float"
            columns.append(AttributeColumn(name, column, number, column + UNIT_SUFFIX))
        else:
            suffix = (
                f"[{unit}]" if unit and kind in (AttributeType.INT, AttributeType.FLOAT) else ""
            )
            columns.append(AttributeColumn(name, column + suffix, _VALUE_TYPES[kind]))
    return columns


def attribute_name(column: str) -> tuple[str, bool] | None:
    """(attribute name, whether it is the unit column) of an ``attr.`` column, else None."""
    if not column.startswith(ATTRIBUTE_PREFIX):
        return None
    name = column[len(ATTRIBUTE_PREFIX) :]
    if name.endswith(UNIT_SUFFIX):
        return name[: -len(UNIT_SUFFIX)], True
    if name.endswith("]") and "[" in name:
        name = name[: name.rindex("[")]
    return name, False


def class_path(ontology: Ontology, name: str) -> str | None:
    """ "Vehicle > Car" for class Car under Vehicle; None for a class the ontology lacks."""
    if not ontology.has_class(name):
        return None
    return CLASS_PATH_SEPARATOR.join(ontology.class_path(name))


# -- measures -------------------------------------------------------------------------------


def _corners(box: Box | None) -> dict[str, Any]:
    if box is None:
        return {}
    return {"x1": box.x1, "y1": box.y1, "x2": box.x2, "y2": box.y2}


def measures(geometry: GeometryUnion) -> dict[str, Any]:
    """The measure columns of ``geometry`` (only those that apply)."""
    if isinstance(geometry, Box):
        area = max(0.0, geometry.x2 - geometry.x1) * max(0.0, geometry.y2 - geometry.y1)
        return {**_corners(geometry), "area": area}
    if isinstance(geometry, RotatedBox):
        return {
            **_corners(rotated_box_hull(geometry)),
            "area": abs(geometry.w * geometry.h),
            "cx": geometry.cx,
            "cy": geometry.cy,
            "w": geometry.w,
            "h": geometry.h,
            "angle_deg": geometry.angle,
        }
    if isinstance(geometry, Polygon):
        vertices = sum(len(p.exterior) + sum(len(h) for h in p.holes) for p in geometry.parts)
        found = {"area": polygon_area(geometry), "points": vertices}
        if any(p.exterior for p in geometry.parts):
            found.update(_corners(polygon_bbox(geometry)))
        return found
    if isinstance(geometry, Mask):
        if rle_problem(geometry) is not None:
            return {}  # the geometry column still holds it; no measure to give
        return {**_corners(rle_bbox(geometry)), "area": float(rle_area(geometry))}
    if isinstance(geometry, Keypoints):
        return {**_corners(keypoints_bbox(geometry)), "points": len(labeled_points(geometry))}
    if isinstance(geometry, Polyline):
        found = {"points": len(geometry.points), "line_length": polyline_length(geometry)}
        if geometry.points:
            found.update(_corners(polyline_bbox(geometry)))
        return found
    if isinstance(geometry, Span):
        return {"span_start": geometry.start, "span_end": geometry.end, "span_text": geometry.text}
    if isinstance(geometry, Interval):
        return {
            "start_s": geometry.start,
            "end_s": geometry.end,
            "transcript": geometry.transcript,
            "speaker": geometry.speaker,
        }
    if isinstance(geometry, Track):
        frames = [k.frame for k in geometry.keyframes]
        return {
            "first_frame": min(frames, default=None),
            "last_frame": max(frames, default=None),
            "keyframes": len(frames),
        }
    if isinstance(geometry, Cuboid):
        return {
            "x_m": geometry.x,
            "y_m": geometry.y,
            "z_m": geometry.z,
            "length_m": geometry.length,
            "width_m": geometry.width,
            "height_m": geometry.height,
            "yaw_rad": geometry.yaw,
        }
    return {}  # a tag: the class says it all


def same_measure(given: object, expected: object) -> bool:
    """Whether a measure cell agrees with the geometry (floats within rounding)."""
    if isinstance(given, int | float) and isinstance(expected, int | float):
        return math.isclose(given, expected, rel_tol=1e-9, abs_tol=1e-9)
    return given == expected


# -- attribute values in text cells (CSV) ----------------------------------------------------


def _no_constants(name: str) -> float:
    raise ValueError(f"{name} is not a JSON value")


def loads_strict(text: str) -> Any:
    """JSON without NaN and Infinity (which are not JSON, and not attribute values)."""
    return json.loads(text, parse_constant=_no_constants)


def _is_json(text: str) -> bool:
    try:
        loads_strict(text)
    except ValueError:
        return False
    return True


def _json_value(value: object) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Quantity):
        return value.model_dump()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, default=_json_value)


def encode_text(value: str) -> str:
    """A text value as a cell: as it is, unless it would read back as something else (a
    number, true, null, a list, empty), in which case as a JSON string (``"12"``)."""
    return dumps(value) if value == "" or _is_json(value) else value


def encode_attribute(value: AttributeValue) -> str:
    """An attribute value as a text cell that ``decode_attribute`` reads back as it was."""
    if value is None:
        return ""
    if isinstance(value, str):
        return encode_text(value)
    if isinstance(value, date):
        return value.isoformat()  # read back as its ISO text, which date attributes take
    return dumps(value)


def decode_attribute(cell: str) -> Any:
    """An attribute cell: empty is unset, JSON is its value, anything else is text."""
    if cell == "":
        return None
    try:
        return loads_strict(cell)
    except ValueError:
        return cell
