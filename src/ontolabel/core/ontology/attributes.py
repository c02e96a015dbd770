"""Typed attributes: checking a spec for consistency, checking a value against its spec,
and the JSON Schema of a value. One place, so the three never disagree.

Problems are returned as (sub-path, message) pairs; the sub-path is relative to the
attribute (`""`, `"value"`, `"unit"`, `"[2]"`) and the caller prefixes where it lives.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

from ontolabel.core.annotation import AttributeValue, Quantity
from ontolabel.core.ontology.paths import join_path
from ontolabel.core.ontology.spec import NUMBER_TYPES, OPTION_TYPES, AttributeSpec, AttributeType

Problem = tuple[str, str]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _describe(value: object) -> str:
    if isinstance(value, Quantity):
        return f"{{value: {value.value!r}, unit: {value.unit!r}}}"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def check_spec(spec: AttributeSpec) -> list[Problem]:
    """Everything inconsistent within one attribute declaration."""
    problems: list[Problem] = []
    if spec.type in OPTION_TYPES:
        if not spec.options:
            problems.append(("options", f"{spec.type} attributes need a non-empty list of options"))
        else:
            seen: set[str] = set()
            for i, option in enumerate(spec.options):
                if option in seen:
                    problems.append((f"options[{i}]", f"duplicate option {option!r}"))
                seen.add(option)
    elif spec.options is not None:
        problems.append(("options", f"options apply to enum and multi_enum, not {spec.type}"))
    if spec.type in NUMBER_TYPES:
        if spec.min is not None and spec.max is not None and spec.min > spec.max:
            problems.append(("min", f"min ({spec.min}) is greater than max ({spec.max})"))
        if spec.units is not None:
            if not spec.units:
                problems.append(("units", "units, when given, lists at least one unit"))
            for i, unit in enumerate(spec.units):
                if unit in spec.units[:i]:
                    problems.append((f"units[{i}]", f"duplicate unit {unit!r}"))
            if spec.unit is not None and spec.units and spec.unit not in spec.units:
                problems.append(("unit", f"unit {spec.unit!r} is not one of units {spec.units}"))
    else:
        for key in ("min", "max", "unit", "units"):
            if getattr(spec, key) is not None:
                problems.append(
                    (key, f"{key} applies to int and float attributes, not {spec.type}")
                )
    if spec.default is not None and not problems:
        for sub, message in check_value(spec, spec.default):
            problems.append((join_path("default", sub), f"default: {message}"))
    return problems


def _check_number(spec: AttributeSpec, number: object, where: str) -> list[Problem]:
    if isinstance(number, bool) or not isinstance(number, int | float):
        return [(where, f"expected a number, got {_describe(number)}")]
    if not math.isfinite(number):
        return [(where, f"expected a finite number, got {number!r}")]
    if spec.type == AttributeType.INT and isinstance(number, float) and not number.is_integer():
        return [(where, f"expected a whole number, got {number!r}")]
    problems: list[Problem] = []
    if spec.min is not None and number < spec.min:
        problems.append((where, f"{number!r} is below the minimum {spec.min:g}"))
    if spec.max is not None and number > spec.max:
        problems.append((where, f"{number!r} is above the maximum {spec.max:g}"))
    return problems


def _is_date(value: object) -> bool:
    if isinstance(value, datetime):
        return False  # a date attribute holds a calendar day, not a moment
    if isinstance(value, date):
        return True
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
        return True
    return False


def check_value(spec: AttributeSpec, value: AttributeValue | Any) -> list[Problem]:
    """Every way `value` breaks `spec` (None, "not set", is checked by the caller)."""
    kind = spec.type
    if kind == AttributeType.ENUM:
        if not isinstance(value, str):
            return [("", f"expected one of {spec.options}, got {_describe(value)}")]
        if value not in (spec.options or []):
            return [("", f"unknown option {value!r}; allowed: {spec.options}")]
        return []
    if kind == AttributeType.MULTI_ENUM:
        if not isinstance(value, list):
            return [("", f"expected a list of options from {spec.options}, got {_describe(value)}")]
        problems: list[Problem] = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or item not in (spec.options or []):
                problems.append((f"[{i}]", f"unknown option {item!r}; allowed: {spec.options}"))
            elif item in value[:i]:
                problems.append((f"[{i}]", f"option {item!r} is chosen twice"))
        return problems
    if kind == AttributeType.BOOL:
        return (
            []
            if isinstance(value, bool)
            else [("", f"expected true or false, got {_describe(value)}")]
        )
    if kind in NUMBER_TYPES:
        if spec.units is None:
            if isinstance(value, Quantity):
                unit = f" (in {spec.unit})" if spec.unit else ""
                return [("", f"expected a plain number{unit}, got {_describe(value)}")]
            return _check_number(spec, value, "")
        if not isinstance(value, Quantity):
            return [
                (
                    "",
                    f"expected {{value, unit}} with unit one of {spec.units}, "
                    f"got {_describe(value)}",
                )
            ]
        problems = _check_number(spec, value.value, "value")
        if value.unit not in spec.units:
            problems.append(("unit", f"unit {value.unit!r} is not allowed; allowed: {spec.units}"))
        return problems
    if kind == AttributeType.TEXT:
        return [] if isinstance(value, str) else [("", f"expected text, got {_describe(value)}")]
    if kind == AttributeType.DATE:
        return (
            [] if _is_date(value) else [("", f"expected a date YYYY-MM-DD, got {_describe(value)}")]
        )
    return [("", f"unknown attribute type {kind!r}")]


def _number_schema(spec: AttributeSpec) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer" if spec.type == AttributeType.INT else "number"}
    if spec.min is not None:
        schema["minimum"] = spec.min
    if spec.max is not None:
        schema["maximum"] = spec.max
    return schema


def value_schema(spec: AttributeSpec) -> dict[str, Any]:
    """JSON Schema (2020-12) of a set value of this attribute."""
    schema: dict[str, Any]
    kind = spec.type
    if kind == AttributeType.ENUM:
        schema = {"type": "string", "enum": list(spec.options or [])}
    elif kind == AttributeType.MULTI_ENUM:
        schema = {"type": "array", "items": {"enum": list(spec.options or [])}, "uniqueItems": True}
    elif kind == AttributeType.BOOL:
        schema = {"type": "boolean"}
    elif kind in NUMBER_TYPES and spec.units is not None:
        schema = {
            "type": "object",
            "properties": {"value": _number_schema(spec), "unit": {"enum": list(spec.units)}},
            "required": ["value", "unit"],
            "additionalProperties": False,
        }
    elif kind in NUMBER_TYPES:
        schema = _number_schema(spec)
    elif kind == AttributeType.TEXT:
        schema = {"type": "string"}
    else:
        schema = {"type": "string", "format": "date", "pattern": _ISO_DATE.pattern}
    if spec.description:
        schema["description"] = spec.description
    if spec.unit is not None and spec.units is None:
        schema["description"] = f"{spec.description} (in {spec.unit})".strip()
    return schema


def attribute_schema(spec: AttributeSpec) -> dict[str, Any]:
    """Schema of the attribute's slot: its value, or null (not set) when not required."""
    value = value_schema(spec)
    if spec.required:
        return value
    return {"anyOf": [value, {"type": "null"}]}
