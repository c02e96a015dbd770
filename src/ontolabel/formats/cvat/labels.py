"""CVAT's ``<meta>`` label list: reading attribute types, writing it from the ontology.

CVAT attribute input types map to ontology attribute types: ``checkbox`` <-> bool,
``number`` <-> int / float (CVAT's values are min, max, step), ``select`` / ``radio`` <->
enum (the values are the options), ``text`` <-> text and date. CVAT has no multiple choice:
a multi_enum attribute is not offered (its values are reported when exported). A skeleton
label lists its points as sub-labels (``<parent>``) and draws them in ``<svg>``; the
ontology does not name keypoints, so the sub-labels are the point names seen in the data.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, SubElement

from ontolabel.core.annotation import AttributeValue
from ontolabel.core.ontology import AttributeSpec, AttributeType, Ontology
from ontolabel.formats.cvat.shapes import number

# shape properties of CVAT that ontolabel keeps as attributes of these names
SHAPE_ATTRIBUTES = ("occluded", "z_order")


@dataclass
class Label:
    name: str
    kind: str = "any"
    parent: str | None = None
    # attribute name -> CVAT input type
    inputs: dict[str, str] = field(default_factory=dict)


def read_labels(meta: Element) -> dict[str, Label]:
    """The labels of a ``<meta>`` element (a task's, a project's or a job's)."""
    labels: dict[str, Label] = {}
    for element in meta.iter("label"):
        name = (element.findtext("name") or "").strip()
        if not name:
            continue
        label = Label(
            name=name,
            kind=(element.findtext("type") or "any").strip(),
            parent=(element.findtext("parent") or "").strip() or None,
        )
        for attribute in element.iterfind("attributes/attribute"):
            attr_name = (attribute.findtext("name") or "").strip()
            if attr_name:
                label.inputs[attr_name] = (attribute.findtext("input_type") or "text").strip()
        if label.parent is None:  # a skeleton's points reuse names: the top level wins
            labels[name] = label
        else:
            labels.setdefault(name, label)
    return labels


def typed_value(text: str, input_type: str | None) -> AttributeValue:
    """An attribute's text as the value its CVAT input type means."""
    if input_type == "checkbox":
        lowered = text.strip().lower()
        if lowered not in ("true", "false"):
            raise ValueError(f"a checkbox is true or false, got {text!r}")
        return lowered == "true"
    if input_type == "number":
        try:
            return int(text)
        except ValueError:
            pass
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"a number attribute must be a number, got {text!r}") from None
        if not math.isfinite(value):
            raise ValueError(f"a number attribute must be finite, got {text!r}")
        return value
    return text


def value_text(value: AttributeValue) -> str | None:
    """The text of an attribute value in CVAT, or None when CVAT has no form for it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, str):
        return value
    if hasattr(value, "isoformat"):
        return str(value.isoformat())  # type: ignore[union-attr]
    return None  # a list (multi_enum) or a quantity with its unit


def _cvat_attribute(spec: AttributeSpec) -> tuple[str, str, list[str]] | None:
    """(input type, default value, values) of an ontology attribute; None: no CVAT form."""
    kind = spec.type
    default = value_text(spec.default) if spec.default is not None else None
    if kind == AttributeType.BOOL:
        return "checkbox", default or "false", ["false", "true"]
    if kind == AttributeType.ENUM:
        options = spec.options or []
        return "select", default or (options[0] if options else ""), options
    if kind in (AttributeType.INT, AttributeType.FLOAT):
        low = spec.min if spec.min is not None else -1e9
        high = spec.max if spec.max is not None else 1e9
        step = "1" if kind == AttributeType.INT else "0.01"
        return (
            "number",
            default or number(max(low, min(0, high))),
            [number(low), number(high), step],
        )
    if kind in (AttributeType.TEXT, AttributeType.DATE):
        return "text", default or "", []
    return None


def write_labels(parent: Element, ontology: Ontology, skeletons: dict[str, list[str]]) -> None:
    """``<labels>`` for every class of the ontology (skeleton classes with their points)."""
    labels = SubElement(parent, "labels")
    for cls in ontology.classes:
        label = SubElement(labels, "label")
        SubElement(label, "name").text = cls.name
        if cls.color:
            SubElement(label, "color").text = cls.color
        points = skeletons.get(cls.name)
        SubElement(label, "type").text = "skeleton" if points else "any"
        attributes = SubElement(label, "attributes")
        for spec in ontology.resolved_attributes(cls.name):
            form = _cvat_attribute(spec) if spec.name not in SHAPE_ATTRIBUTES else None
            if form is None:
                continue
            input_type, default, values = form
            attribute = SubElement(attributes, "attribute")
            SubElement(attribute, "name").text = spec.name
            SubElement(attribute, "mutable").text = "False"
            SubElement(attribute, "input_type").text = input_type
            SubElement(attribute, "default_value").text = default
            SubElement(attribute, "values").text = "\n".join(values)
        if points:
            SubElement(label, "svg").text = _svg(points)
            for point in points:
                sub = SubElement(labels, "label")
                SubElement(sub, "name").text = point
                SubElement(sub, "type").text = "points"
                SubElement(sub, "attributes")
                SubElement(sub, "parent").text = cls.name


def _svg(points: Iterable[str]) -> str:
    """The skeleton's drawing: its points on a circle (the ontology has no layout, no edges)."""
    names = list(points)
    circles: list[str] = []
    for index, name in enumerate(names, start=1):
        angle = 2 * math.pi * (index - 1) / max(1, len(names))
        cx, cy = 50 + 40 * math.cos(angle), 50 + 40 * math.sin(angle)
        safe = name.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        circles.append(
            f'<circle r="1.5" stroke="black" fill="#b3b3b3" cx="{cx:.3f}" cy="{cy:.3f}" '
            f'stroke-width="0.1" data-type="element node" data-element-id="{index}" '
            f'data-node-id="{index}" data-label-name="{safe}"></circle>'
        )
    return "".join(circles)
