"""Reading CVAT for images XML 1.1 into import records, one per ``<image>``, streamed.

The file is parsed incrementally (``iterparse``): ``<meta>`` first (the labels' attribute
types), then each ``<image>`` is turned into a record and dropped, so memory stays bounded
by the largest image, not the file.

Mapping: ``box`` -> box (rotated box when ``rotation`` is not 0), ``polygon`` -> polygon,
``polyline`` -> polyline, ``points`` -> keypoints named ``1``..``n``, ``skeleton`` ->
keypoints named by its points' labels (``outside`` -> visibility 0, ``occluded`` -> 1, else
2), ``mask`` -> a mask of the whole image, ``tag`` -> tag. ``<attribute>`` values are typed
by the label's input type (checkbox -> bool, number -> int/float). CVAT's shape properties
``occluded="1"`` and a non-zero ``z_order`` become the attributes ``occluded`` and
``z_order`` (the project's ontology must declare them, like any attribute).

Groups (``group_id``): the polygons of one group with the same label and attributes are one
object whose parts they are (a multi-part object: a car seen on both sides of a pole). A
group that still holds several objects after that (a person's box and face points) keeps
its identity as the objects' shared ``entity_id`` ``group:<id>``.

A shape that cannot be read (no label, bad points, an ellipse or cuboid, which ontolabel
has no form for) is reported and left out; the rest of its image imports (errors=collect).
CVAT for video (``<track>``) is refused: tracks come with the video formats.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import iterparse  # type: ignore[import-untyped]

from ontolabel.core.annotation import Annotation, AnnotationObject, AttributeValue
from ontolabel.core.geometry import (
    Box,
    GeometryUnion,
    Keypoint,
    Keypoints,
    Polygon,
    PolygonPart,
    Polyline,
    RotatedBox,
    Tag,
)
from ontolabel.core.modality import Modality
from ontolabel.errors import FormatError, Location
from ontolabel.formats.base import AnnotationRecord, ErrorPolicy, ImportRecord, MediaRef
from ontolabel.formats.cvat.labels import Label, read_labels, typed_value
from ontolabel.formats.cvat.shapes import ShapeError, cvat_mask, parse_points

SHAPES = ("box", "polygon", "polyline", "points", "mask", "tag", "skeleton")
NO_FORM = ("ellipse", "cuboid", "cuboid_3d")
# the subset of a project export's images that belong to none (datumaro's name too)
DEFAULT_SUBSET = "default"
VIDEO_REFUSAL = (
    "this is CVAT for video (<track> elements): tracks are imported with the video formats, not yet"
)


@dataclass
class _Shape:
    obj: AnnotationObject
    group: int


def _int(element: Element, key: str, default: int | None = None) -> int | None:
    text = element.get(key)
    if text is None or text.strip() == "":
        return default
    try:
        value = float(text)
    except ValueError:
        raise ShapeError(f"{key} must be a whole number, got {text!r}") from None
    if not value.is_integer():
        raise ShapeError(f"{key} must be a whole number, got {text!r}")
    return int(value)


def _float(element: Element, key: str) -> float:
    text = element.get(key)
    if text is None:
        raise ShapeError(f"has no {key}")
    try:
        value = float(text)
    except ValueError:
        raise ShapeError(f"{key} must be a number, got {text!r}") from None
    if value != value or abs(value) == float("inf"):
        raise ShapeError(f"{key} must be a finite number, got {text!r}")
    return value


def _flag(element: Element, key: str) -> bool:
    return (element.get(key) or "0").strip().lower() in ("1", "true")


def read_box(element: Element) -> Box | RotatedBox:
    xtl, ytl, xbr, ybr = (_float(element, k) for k in ("xtl", "ytl", "xbr", "ybr"))
    if xbr < xtl or ybr < ytl:
        raise ShapeError(f"the box ends before it starts ({xtl:g},{ytl:g} to {xbr:g},{ybr:g})")
    rotation = _float(element, "rotation") if element.get("rotation") else 0.0
    if rotation % 360 == 0:
        return Box(x1=xtl, y1=ytl, x2=xbr, y2=ybr)
    return RotatedBox(
        cx=(xtl + xbr) / 2, cy=(ytl + ybr) / 2, w=xbr - xtl, h=ybr - ytl, angle=rotation % 360
    )


def read_skeleton(element: Element) -> Keypoints:
    points: list[Keypoint] = []
    for index, child in enumerate(element.findall("points")):
        name = (child.get("label") or "").strip()
        if not name:
            raise ShapeError(f"skeleton point {index} has no label")
        if child.find("attribute") is not None:
            raise ShapeError(f"skeleton point {name!r} has attributes, which are not kept")
        (x, y), *rest = parse_points(child.get("points", ""), 1, "skeleton point")
        if rest:
            raise ShapeError(f"skeleton point {name!r} has {len(rest) + 1} points, not one")
        visibility = 0 if _flag(child, "outside") else 1 if _flag(child, "occluded") else 2
        points.append(Keypoint(name=name, x=x, y=y, visibility=visibility))
    if not points:
        raise ShapeError("a skeleton needs its points")
    return Keypoints(points=points)


class CvatReader:
    def __init__(self, path: Path, policy: ErrorPolicy, shown: str | None = None):
        self.path = path
        self.file = shown or path.name
        self.policy = policy

    def _report(self, message: str, item: str | None, path: str | None = None) -> None:
        self.policy.report(message, Location(file=self.file, item=item, path=path))

    def records(self) -> Iterator[ImportRecord]:
        labels: dict[str, Label] = {}
        depth = 0
        root: Element | None = None
        index = 0
        try:
            for event, element in iterparse(str(self.path), events=("start", "end")):
                if event == "start":
                    depth += 1
                    if root is None:
                        root = element
                        if element.tag != "annotations":
                            raise FormatError(
                                f"the root element is <{element.tag}>, not <annotations>",
                                location=Location(file=self.file),
                            )
                    continue
                depth -= 1
                if depth != 1 or root is None:
                    continue  # inside a top-level element: handled at its end
                if element.tag == "meta":
                    labels = read_labels(element)
                elif element.tag == "track":
                    raise FormatError(
                        VIDEO_REFUSAL,
                        location=Location(file=self.file, path="track"),
                        hint="export the task as 'CVAT for images 1.1'",
                    )
                elif element.tag == "image":
                    record = self._image(element, index, labels)
                    index += 1
                    if record is not None:
                        yield record
                root.clear()  # what was read is dropped: memory stays bounded
        except ParseError as exc:
            line = exc.position[0] if exc.position else None
            self.policy.report(f"not well-formed XML: {exc}", Location(file=self.file, line=line))
        except DefusedXmlException as exc:
            raise FormatError(f"refused: {exc}", location=Location(file=self.file)) from exc

    def _image(self, element: Element, index: int, labels: dict[str, Label]) -> ImportRecord | None:
        where = f"image[{index}]"
        name = (element.get("name") or "").strip()
        if not name:
            self._report("an image needs a name", None, where)
            return None
        subset = (element.get("subset") or "").strip() or None
        if subset == DEFAULT_SUBSET:
            subset = None  # a project export's images of no subset
        item = f"{subset}/{name}" if subset else name
        try:
            width, height = _int(element, "width"), _int(element, "height")
        except ShapeError as exc:
            self._report(str(exc), item, where)
            return None
        shapes: list[_Shape] = []
        for position, child in enumerate(element):
            at = f"{where}.{child.tag}[{position}]"
            try:
                shape = self._shape(child, len(shapes), labels, (width, height))
            except (ShapeError, ValueError) as exc:
                self._report(str(exc), item, at)
                continue
            if shape is not None:
                shapes.append(shape)
        objects = _grouped(shapes)
        places = [f"images/{subset}/{name}"] if subset else []
        return ImportRecord(
            location=Location(file=self.file, item=item, path=where),
            modality=Modality.IMAGE,
            external_id=item,
            media=[
                MediaRef(
                    name=name,
                    folder=self.path.parent,
                    relative=(*places, f"images/{name}", name),
                    width=width,
                    height=height,
                )
            ],
            meta={"subset": subset} if subset else {},
            annotations=[AnnotationRecord(document=Annotation(objects=objects))] if objects else [],
        )

    def _shape(
        self,
        element: Element,
        count: int,
        labels: dict[str, Label],
        size: tuple[int | None, int | None],
    ) -> _Shape | None:
        tag = element.tag
        if tag in NO_FORM:
            raise ShapeError(f"ontolabel has no form for a CVAT {tag}")
        if tag not in SHAPES:
            raise ShapeError(f"<{tag}> is not a CVAT for images shape")
        label = (element.get("label") or "").strip()
        if not label:
            raise ShapeError(f"the {tag} has no label (every ontolabel object has a class)")
        geometry = self._geometry(element, size)
        inputs = labels[label].inputs if label in labels else {}
        attributes: dict[str, AttributeValue] = {}
        for attribute in element.findall("attribute"):
            name = attribute.get("name") or ""
            if not name:
                raise ShapeError("an <attribute> needs a name")
            try:
                attributes[name] = typed_value(attribute.text or "", inputs.get(name))
            except ValueError as exc:
                raise ShapeError(f"attribute {name!r}: {exc}") from None
        if _flag(element, "occluded"):
            attributes["occluded"] = True
        z_order = _int(element, "z_order", 0)
        if z_order:
            attributes["z_order"] = z_order
        group = _int(element, "group_id", 0) or 0
        obj = AnnotationObject(
            id=str(count + 1), class_name=label, geometry=geometry, attributes=attributes
        )
        return _Shape(obj, group)

    @staticmethod
    def _geometry(element: Element, size: tuple[int | None, int | None]) -> GeometryUnion:
        tag = element.tag
        if tag == "box":
            return read_box(element)
        if tag == "polygon":
            return Polygon(
                parts=[PolygonPart(exterior=parse_points(element.get("points", ""), 3, tag))]
            )
        if tag == "polyline":
            return Polyline(points=parse_points(element.get("points", ""), 2, tag))
        if tag == "points":
            points = parse_points(element.get("points", ""), 1, tag)
            return Keypoints(
                points=[Keypoint(name=str(i + 1), x=x, y=y) for i, (x, y) in enumerate(points)]
            )
        if tag == "skeleton":
            return read_skeleton(element)
        if tag == "mask":
            width, height = size
            if width is None or height is None:
                raise ShapeError("a mask needs the image's width and height")
            try:
                runs = [int(r) for r in (element.get("rle") or "").split(",")]
            except ValueError:
                raise ShapeError("mask rle must be whole numbers separated by commas") from None
            box = [_int(element, k) for k in ("left", "top", "width", "height")]
            if any(v is None for v in box):
                raise ShapeError("a mask needs left, top, width and height")
            left, top, w, h = (int(v) for v in box if v is not None)
            return cvat_mask(runs, left, top, w, h, (width, height))
        return Tag()


def _grouped(shapes: list[_Shape]) -> list[AnnotationObject]:
    """Objects of an image with CVAT groups applied (see the module's docstring)."""
    merged: dict[tuple[int, str, str], int] = {}
    kept: list[tuple[AnnotationObject, int]] = []
    for shape in shapes:
        obj = shape.obj
        if shape.group and isinstance(obj.geometry, Polygon):
            key = (shape.group, obj.class_name, repr(sorted(obj.attributes.items())))
            if key in merged:
                first, group = kept[merged[key]]
                assert isinstance(first.geometry, Polygon)
                parts = [*first.geometry.parts, *obj.geometry.parts]
                kept[merged[key]] = (
                    first.model_copy(update={"geometry": Polygon(parts=parts)}),
                    group,
                )
                continue
            merged[key] = len(kept)
        kept.append((obj, shape.group))
    sizes: dict[int, int] = {}
    for _, group in kept:
        if group:
            sizes[group] = sizes.get(group, 0) + 1
    return [
        obj.model_copy(update={"entity_id": f"group:{group}"})
        if group and sizes[group] > 1
        else obj
        for obj, group in kept
    ]
