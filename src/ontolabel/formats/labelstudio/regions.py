"""One Label Studio annotation (its ``result`` list) as ontolabel objects and relations.

Label Studio splits a region over several results that share an ``id``: the tool's shape
(``rectangle``), its labels (``labels``, which repeats the shape) and per-region controls (a
``textarea`` or ``choices`` about that region). Results are grouped by id first; a group with
a shape becomes one object per label, its per-region controls become attributes named after
the control (``from_name``). A group without a shape is about the whole item: each choice is
a Tag of that class, and a free value (textarea, number, rating, datetime) is a Tag whose
class is the control's name, with the value in one attribute named after the control type
(``text``, ``number``, ``rating``, ``datetime``). Text spans are in code points, as the
editor counts them now (older versions counted UTF-16 units: recognised by the quoted text),
and are checked against the text the result quotes.
Anything else is refused with the task, annotation, result id and type, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from ontolabel.core.annotation import Annotation, AnnotationObject, AttributeValue, Relation
from ontolabel.core.geometry import (
    Box,
    Keypoint,
    Keypoints,
    Mask,
    Polygon,
    PolygonPart,
    RotatedBox,
    Span,
    Tag,
)
from ontolabel.core.text_offsets import utf16_span_to_codepoints
from ontolabel.errors import TextOffsetError
from ontolabel.formats.labelstudio import skeleton
from ontolabel.formats.labelstudio.brush import BrushError, brush_to_mask
from ontolabel.formats.labelstudio.coords import percent_to_px, rectangle_to_geometry

ImageGeometry = Box | RotatedBox | Polygon | Mask | Keypoints | Span
SHAPES = {
    "rectangle": "rectangle",
    "rectanglelabels": "rectangle",
    "polygon": "polygon",
    "polygonlabels": "polygon",
    "keypoint": "keypoint",
    "keypointlabels": "keypoint",
    "brush": "brush",
    "brushlabels": "brush",
    "magicwand": "brush",
}
# per-region or whole-item controls, and the attribute their value goes to on a Tag
CONTROLS = {"textarea": "text", "number": "number", "rating": "rating", "datetime": "datetime"}
CLASS_CONTROLS = ("choices", "taxonomy")
# result types ontolabel has no geometry for yet (their own issues), and why
UNSUPPORTED = {
    "ellipse": "ellipses",
    "ellipselabels": "ellipses",
    "hypertextlabels": "HTML spans (XPath ranges)",
    "paragraphlabels": "dialogue paragraphs",
    "timeserieslabels": "time series",
    "videorectangle": "video tracks",
    "ranker": "rankings",
    "pairwise": "pairwise comparisons",
    "chatmessage": "chat messages",
}


class RegionError(ValueError):
    """A result that cannot be read; the message names the result and the cause."""


@dataclass
class ImageSize:
    """The original sizes the results claim, per image of the task (``item_index``)."""

    sizes: dict[int, tuple[int, int]] = field(default_factory=dict)
    # where to look when no result gives a size: the image itself, if it is at hand
    # (asked only for a result that needs a size, so plain image tasks open no file)
    fallback: Callable[[int], tuple[int, int] | None] = lambda index: None

    def learn(self, result: Mapping[str, Any]) -> None:
        w, h = result.get("original_width"), result.get("original_height")
        if _is_int(w) and _is_int(h) and w > 0 and h > 0:
            self.sizes.setdefault(_item_index(result), (w, h))

    def of(self, result: Mapping[str, Any]) -> tuple[int, int]:
        index = _item_index(result)
        found = self.sizes.get(index)
        if found is None:
            found = self.fallback(index)
            if found is not None:
                self.sizes[index] = found
        if found is None:
            raise RegionError(
                "has no original_width/original_height, no other result of the task gives the "
                "image's size and the image is not beside the file: its percent coordinates "
                "cannot be turned into pixels (Label Studio writes the size once the image was "
                "opened in its editor)"
            )
        return found


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _item_index(result: Mapping[str, Any]) -> int:
    index = result.get("item_index")
    return index if _is_int(index) and index >= 0 else 0


def _numbers(value: Mapping[str, Any], *keys: str) -> list[float]:
    found = [value.get(k) for k in keys]
    bad = [k for k, v in zip(keys, found, strict=True) if not _is_number(v)]
    if bad:
        raise RegionError(f"value.{bad[0]} must be a number, got {value.get(bad[0])!r}")
    return [float(v) for v in found]  # type: ignore[arg-type]


def _labels(group: list[dict[str, Any]]) -> list[str]:
    """The distinct labels of a region, in order, from any ``*labels`` result of the group."""
    found: list[str] = []
    for result in group:
        kind = result.get("type")
        if not isinstance(kind, str) or not kind.endswith("labels"):
            continue
        names = result.get("value", {}).get(kind)
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise RegionError(f"value.{kind} must be a list of label names")
        found += [n for n in names if n not in found]
    return found


def _shape_kind(group: list[dict[str, Any]], text: str | None) -> str | None:
    for result in group:
        kind = SHAPES.get(str(result.get("type")))
        if kind is not None:
            return kind
    for result in group:  # a bare ``labels`` result: the shape is told by its value
        if result.get("type") != "labels":
            continue
        value = result.get("value", {})
        if "start" in value and "end" in value and text is not None:
            return "span"
        if "rle" in value:
            return "brush"
        if "points" in value:
            return "polygon"
        if "x" in value and "y" in value:
            return "rectangle" if "height" in value else "keypoint"
    return None


def _shape(
    kind: str, group: list[dict[str, Any]], text: str | None, sizes: ImageSize
) -> ImageGeometry:
    result = next((r for r in group if _has_shape(kind, r)), None)
    if result is None:
        raise RegionError(f"a {kind} needs value.{_SHAPE_KEYS.get(kind, 'rle')}")
    value: dict[str, Any] = result["value"]
    if kind == "span":
        return _span(value, text or "")
    rotation = result.get("image_rotation", 0)
    if rotation not in (0, None):
        raise RegionError(
            f"the image was turned by {rotation}° in the editor; such results are not read yet"
        )
    width, height = sizes.of(result)
    if kind == "rectangle":
        x, y, w, h = _numbers(value, "x", "y", "width", "height")
        angle = value.get("rotation", 0) or 0
        if not _is_number(angle):
            raise RegionError(f"value.rotation must be a number, got {angle!r}")
        return rectangle_to_geometry(x, y, w, h, float(angle), width, height)
    if kind == "keypoint":
        x, y = _numbers(value, "x", "y")
        # the point's name is its class: Label Studio keypoints are separate labelled points
        name = _labels(group)[0] if _labels(group) else "point"
        point = Keypoint(name=name, x=percent_to_px(x, width), y=percent_to_px(y, height))
        return Keypoints(points=[point])
    if kind == "polygon":
        return _polygon(value, width, height)
    return _brush(value, width, height)


_SHAPE_KEYS = {"span": "start", "rectangle": "width", "keypoint": "x", "polygon": "points"}


def _has_shape(kind: str, result: Mapping[str, Any]) -> bool:
    return _SHAPE_KEYS.get(kind, "rle") in result.get("value", {})


def _polygon(value: Mapping[str, Any], width: int, height: int) -> Polygon:
    points = value.get("points")
    if not isinstance(points, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(_is_number(c) for c in p) for p in points
    ):
        raise RegionError("value.points must be a list of [x, y] pairs (percent)")
    if len(points) < 3:
        raise RegionError(f"a polygon needs at least 3 points, this one has {len(points)}")
    ring = [(percent_to_px(x, width), percent_to_px(y, height)) for x, y in points]
    return Polygon(parts=[PolygonPart(exterior=ring)])


def _brush(value: Mapping[str, Any], width: int, height: int) -> Mask:
    if value.get("format", "rle") != "rle" or not isinstance(value.get("rle"), list):
        raise RegionError(
            f"a brush needs format 'rle' and an rle list, got {value.get('format')!r}"
        )
    try:
        return brush_to_mask(value["rle"], width, height)
    except BrushError as exc:
        raise RegionError(f"value.rle: {exc}") from exc


def _span(value: Mapping[str, Any], text: str) -> Span:
    start, end = value.get("start"), value.get("end")
    if not (_is_int(start) and _is_int(end)):
        raise RegionError(f"value.start/end must be integers, got {start!r}, {end!r}")
    quoted = value.get("text")
    # Label Studio's editor stores code points (since its 2022 fix for emoji; its own e2e
    # test "NER - Emoji - Text" pins start 21 for "test" after a cat emoji); older versions
    # stored JavaScript's UTF-16 units. The quoted text decides; without one, code points.
    fits = 0 <= start <= end <= len(text)
    if fits and (quoted is None or text[start:end] == quoted):
        return Span(start=start, end=end, text=text[start:end])
    try:
        cp_start, cp_end = utf16_span_to_codepoints(text, start, end)
    except TextOffsetError:
        cp_start, cp_end = -1, -1
    if cp_start >= 0 and text[cp_start:cp_end] == quoted:
        return Span(start=cp_start, end=cp_end, text=quoted)
    seen = f"it reads {text[start:end]!r}" if fits else f"the text has {len(text)} characters"
    raise RegionError(
        f"span [{start}, {end}) does not quote {quoted!r} in the task's text ({seen}; "
        "counted in UTF-16 units neither)"
    )


def _control_value(result: Mapping[str, Any]) -> AttributeValue:
    kind = result["type"]
    value = result.get("value", {})
    if kind == "choices":
        choices = _choices(value)
        return choices[0] if len(choices) == 1 else choices
    if kind == "taxonomy":
        return ["/".join(path) for path in _taxonomy(value)]
    if kind == "textarea":
        lines = value.get("text")
        if not isinstance(lines, list) or not all(isinstance(t, str) for t in lines):
            raise RegionError("value.text must be a list of strings")
        return "\n".join(lines)
    found = value.get(kind)
    if kind in ("number", "rating") and not _is_number(found):
        raise RegionError(f"value.{kind} must be a number, got {found!r}")
    if kind == "datetime" and not isinstance(found, str):
        raise RegionError(f"value.datetime must be a string, got {found!r}")
    return found  # type: ignore[no-any-return]


def _choices(value: Mapping[str, Any]) -> list[str]:
    choices = value.get("choices")
    if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
        raise RegionError("value.choices must be a list of names")
    return list(choices)


def _taxonomy(value: Mapping[str, Any]) -> list[list[str]]:
    paths = value.get("taxonomy")
    if not isinstance(paths, list) or not all(
        isinstance(p, list) and p and all(isinstance(n, str) for n in p) for p in paths
    ):
        raise RegionError("value.taxonomy must be a list of paths (lists of names)")
    return paths


class AnnotationReader:
    """Reads the ``result`` list of one annotation or prediction of a task."""

    def __init__(self, text: str | None, sizes: ImageSize, images: int):
        self.text = text
        self.sizes = sizes
        self.images = images  # how many images the task has (item_index must be one)

    def read(self, results: list[Any], default_score: float | None) -> Annotation:
        """The annotation; raises RegionError naming the first bad result."""
        groups: dict[str, list[dict[str, Any]]] = {}
        relations: list[dict[str, Any]] = []
        for index, result in enumerate(results):
            if not isinstance(result, dict) or not isinstance(result.get("type"), str):
                raise RegionError(f"result[{index}] must be an object with a 'type'")
            if not isinstance(result.get("value", {}), dict):
                raise RegionError(f"result {result.get('id', index)!r}: value must be an object")
            if result["type"] == "relation":
                relations.append(result)
                continue
            key = result.get("id")
            groups.setdefault(str(key) if key is not None else f"result{index}", []).append(result)
        objects: list[AnnotationObject] = []
        first_id: dict[str, str] = {}
        for rid, group in groups.items():
            try:
                found = self._objects(rid, group, default_score)
            except RegionError as exc:
                raise RegionError(f"result {rid!r} ({group[0]['type']}): {exc}") from exc
            if found:
                first_id[rid] = found[0].id
            objects += found
        objects, joined = skeleton.merge(objects, skeleton.members(groups))
        first_id.update(joined)
        return Annotation(objects=objects, relations=self._relations(relations, first_id))

    def _objects(
        self, rid: str, group: list[dict[str, Any]], default_score: float | None
    ) -> list[AnnotationObject]:
        for result in group:
            why = UNSUPPORTED.get(result["type"])
            if why is not None or (result["type"] == "labels" and self._is_timed(result)):
                raise RegionError(f"ontolabel cannot carry {why or 'audio or video segments'} yet")
        score = next((r["score"] for r in group if _is_number(r.get("score"))), default_score)
        kind = _shape_kind(group, self.text)
        if kind is None:
            return self._whole_item(rid, group, score)
        labels = _labels(group)
        if not labels:
            raise RegionError("the region has no label, so it has no class")
        index = _item_index(group[0])
        if self.text is None and index >= self.images:
            raise RegionError(
                f"item_index {index} names an image the task does not have (it has {self.images})"
            )
        geometry = _shape(kind, group, self.text, self.sizes)
        attributes: dict[str, AttributeValue] = {}
        for result in group:
            if result["type"] in CLASS_CONTROLS or result["type"] in CONTROLS:
                attributes[str(result.get("from_name"))] = _control_value(result)
            elif result["type"] not in SHAPES and result["type"] != "labels":
                raise RegionError(f"ontolabel cannot read {result['type']!r} results yet")
        return [
            AnnotationObject(
                id=rid if n == 0 else f"{rid}:{n + 1}",
                class_name=label,
                geometry=geometry,
                attributes=attributes,
                media_index=index,
                score=score,
            )
            for n, label in enumerate(labels)
        ]

    def _is_timed(self, result: Mapping[str, Any]) -> bool:
        value = result.get("value", {})
        return self.text is None and ("start" in value or "end" in value) and "x" not in value

    def _whole_item(
        self, rid: str, group: list[dict[str, Any]], score: float | None
    ) -> list[AnnotationObject]:
        found: list[tuple[str, dict[str, AttributeValue]]] = []
        for result in group:
            kind = result["type"]
            if kind == "choices":
                found += [(c, {}) for c in _choices(result.get("value", {}))]
            elif kind == "taxonomy":
                found += [(path[-1], {}) for path in _taxonomy(result.get("value", {}))]
            elif kind in CONTROLS:
                name = result.get("from_name")
                if not isinstance(name, str) or not name:
                    raise RegionError("a control result needs a from_name")
                found.append((name, {CONTROLS[kind]: _control_value(result)}))
            else:
                raise RegionError(f"ontolabel cannot read {kind!r} results yet")
        return [
            AnnotationObject(
                id=rid if n == 0 else f"{rid}:{n + 1}",
                class_name=name,
                geometry=Tag(),
                attributes=attributes,
                score=score,
            )
            for n, (name, attributes) in enumerate(found)
        ]

    def _relations(self, results: list[dict[str, Any]], ids: dict[str, str]) -> list[Relation]:
        found: list[Relation] = []
        used: set[str] = set()
        for result in results:
            ends = [result.get("from_id"), result.get("to_id")]
            missing = [str(e) for e in ends if str(e) not in ids]
            if missing:
                raise RegionError(f"a relation names region {missing[0]!r}, which is not a region")
            source, target = ids[str(ends[0])], ids[str(ends[1])]
            direction = result.get("direction", "right")
            if direction == "left":
                source, target = target, source
            elif direction not in ("right", None):
                raise RegionError(
                    f"relation {ends[0]}->{ends[1]}: direction {direction!r} cannot be carried "
                    "(ontolabel relations go one way)"
                )
            names = result.get("labels") or ["related"]
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise RegionError(f"relation {ends[0]}->{ends[1]}: labels must be a list of names")
            for name in names:
                rel_id = f"{source}>{target}"
                n = 1
                while rel_id in used:
                    n += 1
                    rel_id = f"{source}>{target}:{n}"
                used.add(rel_id)
                found.append(Relation(id=rel_id, name=name, source=source, target=target))
        return found
