"""ontolabel objects as Label Studio results (the inverse of ``regions``).

Control names are fixed, so one labelling config fits every export (``label_config``):
``box`` (RectangleLabels), ``polygon`` (PolygonLabels), ``keypoint`` (KeyPointLabels),
``brush`` (BrushLabels), ``label`` (Labels on text) and ``choice`` (Choices), all on the
object ``image`` or ``text``. Attributes become per-region controls named after the attribute.
What Label Studio cannot hold (polygon holes, polylines, booleans, quantities) is returned as
a reason, for the writer's skipped list; nothing is left out without one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ontolabel.core.annotation import AnnotationObject, AttributeValue, Quantity
from ontolabel.core.geometry import Box, Keypoints, Mask, Polygon, RotatedBox, Span, Tag
from ontolabel.core.geometry.mask import rle_problem
from ontolabel.core.item import MediaInfo
from ontolabel.formats.labelstudio import skeleton
from ontolabel.formats.labelstudio.brush import mask_to_brush
from ontolabel.formats.labelstudio.coords import geometry_to_rectangle, px_to_percent
from ontolabel.formats.labelstudio.regions import CONTROLS

CONTROL_NAMES = {
    "rectanglelabels": "box",
    "polygonlabels": "polygon",
    "keypointlabels": "keypoint",
    "brushlabels": "brush",
    "labels": "label",
    "choices": "choice",
}
# the Tag attribute that marks a free-value control, and the control's type
TAG_CONTROLS = {attribute: control for control, attribute in CONTROLS.items()}


class Unwritable(ValueError):
    """Why an object (or part of it) cannot be written as Label Studio results."""


def _attribute_result(
    name: str, value: AttributeValue, choices: frozenset[str]
) -> tuple[str, dict[str, Any]]:
    """The control type and value of a per-region attribute (``choices``: enum attributes)."""
    if isinstance(value, bool | Quantity) or value is None:
        raise Unwritable(
            f"attribute {name!r} = {value!r}: Label Studio has no per-region control that "
            "gives it back as the same value"
        )
    if isinstance(value, list):
        return "choices", {"choices": list(value)}
    if isinstance(value, str) and name in choices:
        return "choices", {"choices": [value]}
    if isinstance(value, int | float):
        return "number", {"number": value}
    if isinstance(value, date):
        return "datetime", {"datetime": value.isoformat()}
    return "textarea", {"text": [value]}


class ResultWriter:
    """Writes the results of one annotation of one item."""

    def __init__(self, media: list[MediaInfo], text: str | None, choices: frozenset[str]):
        self.media = media
        self.choices = choices
        self.text = text
        self.to_name = "text" if text is not None else "image"

    def _base(self, rid: str, control: str, obj: AnnotationObject) -> dict[str, Any]:
        result: dict[str, Any] = {
            "id": rid,
            "type": control,
            "from_name": CONTROL_NAMES.get(control, control),
            "to_name": self.to_name,
        }
        if self.text is None:
            if not 0 <= obj.media_index < len(self.media):
                raise Unwritable(f"media_index {obj.media_index} is not an image of the item")
            media = self.media[obj.media_index]
            result["original_width"] = media.width
            result["original_height"] = media.height
            result["image_rotation"] = 0
            if len(self.media) > 1:
                result["item_index"] = obj.media_index
        if obj.score is not None:
            result["score"] = obj.score
        return result

    def _size(self, obj: AnnotationObject) -> tuple[int, int]:
        if not 0 <= obj.media_index < len(self.media):
            raise Unwritable(f"media_index {obj.media_index} is not an image of the item")
        media = self.media[obj.media_index]
        if not media.width or not media.height:
            raise Unwritable(f"the size of {media.name} is unknown, so percent cannot be had")
        return media.width, media.height

    def results(
        self, obj: AnnotationObject, ids: set[str] | None = None
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """The object's results, and what of it could not be written (reasons); ``ids``
        are the annotation's object ids (a pose ``<id>:keypoints`` joins its box ``<id>``)."""
        geometry = obj.geometry
        notes: list[str] = []
        parent = skeleton.parent_of(obj, ids or set())
        if parent is not None and isinstance(geometry, Keypoints):
            return self._pose(obj, geometry, parent, notes), notes
        if isinstance(geometry, Tag):
            return [self._tag(obj)], notes
        shapes = self._shapes(obj, notes)
        results: list[dict[str, Any]] = []
        for rid, control, value in shapes:
            results.append({**self._base(rid, control, obj), "value": value})
            shape = {k: v for k, v in value.items() if k != control}
            for name, attr in obj.attributes.items():
                try:
                    kind, control_value = _attribute_result(name, attr, self.choices)
                except Unwritable as exc:
                    if rid == obj.id:
                        notes.append(str(exc))
                    continue
                result = {**self._base(rid, kind, obj), "from_name": name}
                results.append({**result, "value": {**shape, **control_value}})
        return results, notes

    def _tag(self, obj: AnnotationObject) -> dict[str, Any]:
        keys = list(obj.attributes)
        if len(keys) == 1 and keys[0] in TAG_CONTROLS:
            control = TAG_CONTROLS[keys[0]]
            value: Any = obj.attributes[keys[0]]
            payload = {"text": [value]} if control == "textarea" else {control: value}
            base = {**self._base(obj.id, control, obj), "from_name": obj.class_name}
            return {**base, "value": payload}
        if obj.attributes:
            raise Unwritable(
                f"a whole-item label with attributes ({', '.join(keys)}): Label Studio "
                "choices carry none"
            )
        return {**self._base(obj.id, "choices", obj), "value": {"choices": [obj.class_name]}}

    def _shapes(
        self, obj: AnnotationObject, notes: list[str]
    ) -> list[tuple[str, str, dict[str, Any]]]:
        geometry, cls = obj.geometry, obj.class_name
        if isinstance(geometry, Span):
            if self.text is None:
                raise Unwritable("a text span on an item without text")
            inside = 0 <= geometry.start <= geometry.end <= len(self.text)
            if not inside or self.text[geometry.start : geometry.end] != geometry.text:
                raise Unwritable(
                    f"span [{geometry.start}, {geometry.end}) does not quote {geometry.text!r} "
                    "in the item's text"
                )
            # code points, as Label Studio's editor counts them (see ``regions._span``)
            value = {
                "start": geometry.start,
                "end": geometry.end,
                "text": geometry.text,
                "labels": [cls],
            }
            return [(obj.id, "labels", value)]
        if self.text is not None:
            raise Unwritable(f"a {geometry.kind} on a text item")
        width, height = self._size(obj)
        if isinstance(geometry, Box | RotatedBox):
            x, y, w, h, angle = geometry_to_rectangle(geometry, width, height)
            value = {"x": x, "y": y, "width": w, "height": h, "rotation": angle}
            return [(obj.id, "rectanglelabels", {**value, "rectanglelabels": [cls]})]
        if isinstance(geometry, Polygon):
            if any(part.holes for part in geometry.parts):
                raise Unwritable("a polygon with holes: Label Studio polygons have none")
            if len(geometry.parts) > 1:
                notes.append(
                    f"a polygon of {len(geometry.parts)} parts is written as "
                    f"{len(geometry.parts)} regions ({obj.id}, {obj.id}:part2, ...)"
                )
            return [
                (
                    obj.id if n == 0 else f"{obj.id}:part{n + 1}",
                    "polygonlabels",
                    {
                        "points": [
                            [px_to_percent(x, width), px_to_percent(y, height)]
                            for x, y in part.exterior
                        ],
                        "closed": True,
                        "polygonlabels": [cls],
                    },
                )
                for n, part in enumerate(geometry.parts)
            ]
        if isinstance(geometry, Keypoints):
            return self._keypoints(obj, geometry, width, height, notes)
        if isinstance(geometry, Mask):
            problem = rle_problem(geometry)
            if problem is not None:
                raise Unwritable(f"the mask cannot be decoded: {problem}")
            if (geometry.width, geometry.height) != (width, height):
                raise Unwritable(
                    f"a {geometry.width}x{geometry.height} mask on a {width}x{height} image"
                )
            value = {"format": "rle", "rle": mask_to_brush(geometry), "brushlabels": [cls]}
            return [(obj.id, "brushlabels", value)]
        raise Unwritable(f"Label Studio has no form for a {geometry.kind} here")

    def _pose(
        self, obj: AnnotationObject, geometry: Keypoints, parent: str, notes: list[str]
    ) -> list[dict[str, Any]]:
        """A pose as Label Studio's skeleton: each placed joint a point labelled with its name,
        ``parentID`` naming the box."""
        width, height = self._size(obj)
        if obj.attributes:
            notes.append(
                f"attributes {', '.join(obj.attributes)} of a pose: Label Studio's skeleton "
                "points carry none"
            )
        hidden = [p.name for p in geometry.points if p.visibility == 1]
        if hidden:
            notes.append(
                f"keypoints {', '.join(hidden)} are hidden (visibility 1); Label Studio points "
                "have no visibility, so they are written as visible"
            )
        found: list[dict[str, Any]] = []
        for point in geometry.points:
            if point.visibility == 0:
                continue  # not placed: nothing to draw
            value = {
                "x": px_to_percent(point.x, width),
                "y": px_to_percent(point.y, height),
                "width": 0.5,
                "keypointlabels": [point.name],
            }
            result = self._base(f"{obj.id}:{point.name}", "keypointlabels", obj)
            found.append({**result, "parentID": parent, "value": value})
        if not found:
            raise Unwritable("keypoints without a placed point")
        return found

    def _keypoints(
        self, obj: AnnotationObject, geometry: Keypoints, width: int, height: int, notes: list[str]
    ) -> list[tuple[str, str, dict[str, Any]]]:
        points = [p for p in geometry.points if p.visibility > 0]
        if not points:
            raise Unwritable("keypoints without a labelled point")
        if len(points) > 1 or points[0].name != obj.class_name:
            # Label Studio keypoints are single labelled points: a skeleton's grouping and its
            # joints' names have no place there
            notes.append(
                f"keypoints {', '.join(p.name for p in points)} are written as separate "
                f"points of class {obj.class_name!r} (their names are not carried)"
            )
        return [
            (
                obj.id if n == 0 else f"{obj.id}:{p.name}",
                "keypointlabels",
                {
                    "x": px_to_percent(p.x, width),
                    "y": px_to_percent(p.y, height),
                    "width": 0.5,
                    "keypointlabels": [obj.class_name],
                },
            )
            for n, p in enumerate(points)
        ]
