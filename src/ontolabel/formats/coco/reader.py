"""Reading a COCO instances / keypoints file into import records, one per image.

A COCO file is one JSON document, so it is parsed whole (as every COCO tool does); records
are then produced image by image. Every bad category, image or annotation is reported with
its JSON path (``annotations[12].segmentation[0]``) and the image's file name; an image with
any bad annotation is skipped as a whole, so an item is never imported half-labelled.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry import Box, Keypoints, Mask, Polygon, RotatedBox, Tag
from ontolabel.core.geometry.keypoints import keypoints_bbox
from ontolabel.core.modality import Modality
from ontolabel.errors import FormatError, Location
from ontolabel.formats.base import AnnotationRecord, ErrorPolicy, ImportRecord, MediaRef
from ontolabel.formats.coco.shapes import (
    CROWD_META,
    EXACT_KEY,
    ID_KEY,
    KEYPOINTS_META,
    LABELS_KEY,
    ShapeError,
    read_bbox,
    read_exact,
    read_keypoints,
    read_polygon_segmentation,
    read_rle_segmentation,
)


@dataclass(frozen=True)
class _Category:
    name: str
    keypoints: list[str] | None
    skeleton: list[list[int]] | None = None

    def names(self, count: int) -> list[str]:
        """The names of a keypoints array of ``count`` points: the category's, or (files
        whose categories name none) 1, 2, 3, ..."""
        return self.keypoints or [str(i + 1) for i in range(count)]

    def keypoint_meta(self, count: int) -> dict[str, Any] | None:
        """What the category says of its keypoints that no annotation does (every name in
        order, even those no point carries, and the skeleton's edges), for the item's meta."""
        if self.keypoints is None and self.skeleton is None:
            return None
        return {"keypoints": self.names(count), "skeleton": self.skeleton or []}


def _is_skeleton(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(edge, list) and len(edge) == 2 and all(_is_int(v) for v in edge)
        for edge in value
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _has_shape(ann: dict[str, Any]) -> bool:
    return any(ann.get(k) for k in ("bbox", "segmentation", "keypoints"))


def _is_id(value: object) -> bool:
    # COCO's ids are integers; some tools (mmdetection's nuScenes files) use string tokens
    return _is_int(value) or (isinstance(value, str) and bool(value))


def _load(path: Path) -> dict[str, Any]:
    at = Location(file=path.name)
    try:
        data = json.loads(path.read_bytes())
    except UnicodeDecodeError as exc:
        raise FormatError("not UTF-8 text", location=at) from exc
    except RecursionError as exc:
        raise FormatError("the JSON is nested too deeply to be a COCO file", location=at) from exc
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"not valid JSON: {exc.msg} (column {exc.colno})",
            location=Location(file=path.name, line=exc.lineno),
        ) from exc
    if isinstance(data, list):
        first = data[0] if data else None
        if isinstance(first, dict) and "image_id" in first:
            raise FormatError(
                "this is a COCO results list (detections), not a dataset with images and "
                "categories",
                location=at,
                hint="evaluate it against its dataset with pycocotools' loadRes",
            )
        raise FormatError(
            "a JSON list, not a COCO dataset (an object with images, annotations and categories)",
            location=at,
        )
    if isinstance(data, dict) and isinstance(data.get("image"), dict) and "images" not in data:
        raise FormatError(
            "one image's masks (a Segment Anything / SA-1B file: 'image' and 'annotations', "
            "no categories), not a COCO dataset",
            location=at,
        )
    if not isinstance(data, dict) or not isinstance(data.get("images"), list):
        raise FormatError("a COCO file is a JSON object with an 'images' list", location=at)
    return data


def media_candidates(path: Path, file_name: str) -> tuple[Path, ...]:
    """Where the images of a COCO file usually are, relative to the JSON file."""
    here, up = path.parent, path.parent.parent
    # instances_train2017.json -> train2017: the image folder of that subset
    subset = path.stem.rsplit("_", 1)[-1]
    return (
        here / file_name,
        here / "images" / file_name,
        up / "images" / subset / file_name,
        up / "images" / file_name,
        up / subset / file_name,
    )


class CocoReader:
    def __init__(self, path: Path, policy: ErrorPolicy):
        self.path = path
        self.file = path.name
        self.policy = policy

    def _report(self, message: str, path: str, item: str | None = None) -> None:
        self.policy.report(message, Location(file=self.file, item=item, path=path))

    def records(self) -> Iterator[ImportRecord]:
        data = _load(self.path)
        categories = self._categories(data.get("categories", []))
        annotations = data.get("annotations", [])
        first = annotations[0] if annotations and isinstance(annotations, list) else None
        if isinstance(first, dict) and "segments_info" in first:
            raise FormatError(
                "COCO panoptic files (segments_info with PNG masks) cannot be imported yet",
                location=Location(file=self.file, path="annotations[0].segments_info"),
                hint="import the instances file of the dataset instead",
            )
        if not isinstance(annotations, list):
            raise FormatError(
                "'annotations' must be a list",
                location=Location(file=self.file, path="annotations"),
            )
        images: dict[int, tuple[int, dict[str, Any]]] = {}
        for index, image in enumerate(data["images"]):
            where = f"images[{index}]"
            if not isinstance(image, dict) or not _is_id(image.get("id")):
                self._report("an image needs an 'id' (an integer or a string)", where)
            elif not isinstance(image.get("file_name"), str) or not image["file_name"]:
                self._report("an image needs a 'file_name'", where)
            elif image["id"] in images:
                self._report(
                    f"image id {image['id']} repeats images[{images[image['id']][0]}]", where
                )
            else:
                images[image["id"]] = (index, image)
        labels = data.get(LABELS_KEY, [])
        if not isinstance(labels, list):
            raise FormatError(
                f"'{LABELS_KEY}' must be a list", location=Location(file=self.file, path=LABELS_KEY)
            )
        by_image: dict[int, list[tuple[str, int, dict[str, Any]]]] = {}
        for key, entries in (("annotations", annotations), (LABELS_KEY, labels)):
            for index, ann in enumerate(entries):
                where = f"{key}[{index}]"
                if not isinstance(ann, dict):
                    self._report("an annotation must be an object", where)
                elif ann.get("image_id") not in images:
                    self._report(
                        f"image_id {ann.get('image_id')!r} is not an image of this file", where
                    )
                else:
                    by_image.setdefault(ann["image_id"], []).append((where, index, ann))
        if labels:
            # ontolabel numbers an image's annotations and labels in one sequence, in the
            # order of its objects: that order is restored
            for anns in by_image.values():
                anns.sort(key=lambda a: a[2]["id"] if _is_int(a[2].get("id")) else math.inf)
        for image_id, (index, image) in images.items():
            record = self._record(index, image, by_image.get(image_id, []), categories)
            if record is not None:
                yield record

    def _categories(self, raw: object) -> dict[int, _Category]:
        if not isinstance(raw, list):
            raise FormatError(
                "'categories' must be a list", location=Location(file=self.file, path="categories")
            )
        found: dict[int, _Category] = {}
        for index, cat in enumerate(raw):
            where = f"categories[{index}]"
            if (
                not isinstance(cat, dict)
                or not _is_int(cat.get("id"))
                or not isinstance(cat.get("name"), str)
            ):
                self._report("a category needs an integer 'id' and a 'name'", where)
                continue
            names = cat.get("keypoints")
            if names is not None and not (
                isinstance(names, list) and all(isinstance(n, str) for n in names)
            ):
                self._report("category keypoints must be a list of names", f"{where}.keypoints")
                continue
            skeleton = cat.get("skeleton")
            if skeleton is not None and not _is_skeleton(skeleton):
                self._report(
                    "category skeleton must be a list of [a, b] keypoint index pairs",
                    f"{where}.skeleton",
                )
                continue
            if cat["id"] in found:
                self._report(f"category id {cat['id']} is used twice", where)
                continue
            found[cat["id"]] = _Category(cat["name"], names, skeleton)
        return found

    def _record(
        self,
        index: int,
        image: dict[str, Any],
        anns: list[tuple[str, int, dict[str, Any]]],
        categories: dict[int, _Category],
    ) -> ImportRecord | None:
        name: str = image["file_name"]
        width, height = image.get("width"), image.get("height")
        ok = True
        for key, value in (("width", width), ("height", height)):
            if value is not None and not (_is_int(value) and value > 0):
                self._report(
                    f"image {key} must be a positive integer, got {value!r}",
                    f"images[{index}].{key}",
                    name,
                )
                ok = False
        objects: list[AnnotationObject] = []
        origins: list[str] = []
        scored = False
        used_ids: set[str] = set()
        captions: list[str] = []
        # per class of this image's keypoints: the category's names and skeleton
        skeletons: dict[str, dict[str, Any]] = {}
        crowds: list[str] = []  # the objects of iscrowd annotations
        for where, ann_index, ann in anns:
            if isinstance(ann.get("caption"), str) and not _has_shape(ann):
                # COCO captions describe the whole image: kept as the item's meta data
                captions.append(ann["caption"])
                continue
            found = self._objects(where, ann_index, ann, categories, name, used_ids)
            if found is None:
                ok = False
                continue
            if ann.get("iscrowd") == 1:
                crowds.extend(o.id for o in found)
            for obj in found:
                used_ids.add(obj.id)
                scored = scored or obj.score is not None
                objects.append(obj)
                keypoints = obj.id.endswith(":keypoints")
                if isinstance(obj.geometry, Keypoints):
                    count = len(ann["keypoints"]) // 3
                    declared = categories[ann["category_id"]].keypoint_meta(count)
                    if declared is not None:
                        skeletons[obj.class_name] = declared
                origins.append(where + (".keypoints" if keypoints else ""))
        if not ok:
            return None
        return ImportRecord(
            location=Location(file=self.file, item=name, path=f"images[{index}]"),
            modality=Modality.IMAGE,
            external_id=name,
            meta=({"captions": captions} if captions else {})
            | ({KEYPOINTS_META: skeletons} if skeletons else {})
            | ({CROWD_META: crowds} if crowds else {}),
            media=[
                MediaRef(
                    name=name,
                    candidates=media_candidates(self.path, name),
                    width=width if _is_int(width) else None,
                    height=height if _is_int(height) else None,
                )
            ],
            annotations=[
                AnnotationRecord(
                    document=Annotation(objects=objects),
                    status="submitted",
                    source="model" if scored else "human",
                    origins=tuple(origins),
                )
            ]
            if objects
            else [],
        )

    def _objects(
        self,
        where: str,
        index: int,
        ann: dict[str, Any],
        categories: dict[int, _Category],
        item: str,
        used_ids: set[str],
    ) -> list[AnnotationObject] | None:
        """The objects of one COCO annotation: its shape, and its keypoints as a second object
        when it has both (a person's outline and skeleton), so neither is lost."""
        category = categories.get(ann.get("category_id"))  # type: ignore[arg-type]
        if category is None:
            self._report(
                f"category_id {ann.get('category_id')!r} is not a category of this file",
                where,
                item,
            )
            return None
        try:
            geometries = self._geometries(ann, category)
        except ShapeError as exc:
            self._report(str(exc), f"{where}.{exc.path}", item)
            return None
        raw_id = ann.get(ID_KEY, ann.get("id"))  # ontolabel's own object id, when it wrote it
        base_id = str(raw_id) if _is_int(raw_id) or isinstance(raw_id, str) else str(index + 1)
        attributes = ann.get("attributes", {})
        if not isinstance(attributes, dict):
            self._report("attributes must be an object", f"{where}.attributes", item)
            return None
        track_id, entity_id = ann.get("track_id"), ann.get("entity_id")
        objects: list[AnnotationObject] = []
        for suffix, geometry in geometries:
            object_id = base_id + suffix
            if object_id in used_ids:
                self._report(
                    f"annotation id {object_id} repeats within image {item!r}", f"{where}.id", item
                )
                return None
            try:
                objects.append(
                    AnnotationObject(
                        id=object_id,
                        class_name=category.name,
                        geometry=geometry,
                        attributes=attributes,
                        track_id=None if track_id is None else str(track_id),
                        entity_id=None if entity_id is None else str(entity_id),
                        score=ann.get("score"),
                    )
                )
            except ValueError as exc:  # pydantic: attribute values or score of the wrong type
                self._report(f"cannot read the annotation: {exc}", where, item)
                return None
        return objects

    def _geometries(
        self, ann: dict[str, Any], category: _Category
    ) -> list[tuple[str, Box | RotatedBox | Polygon | Mask | Keypoints | Tag]]:
        box = read_bbox(ann["bbox"]) if "bbox" in ann else None
        found: list[tuple[str, Box | RotatedBox | Polygon | Mask | Keypoints | Tag]] = []
        segmentation = ann.get("segmentation")
        if EXACT_KEY in ann:
            found.append(("", read_exact(ann[EXACT_KEY])))
        elif isinstance(segmentation, list) and segmentation:
            found.append(("", read_polygon_segmentation(segmentation)))
        elif isinstance(segmentation, dict):
            found.append(("", read_rle_segmentation(segmentation)))
        elif segmentation not in (None, []):
            raise ShapeError(
                "segmentation must be a list of polygons or an RLE object", "segmentation"
            )
        points = ann.get("keypoints")
        if points:
            # files whose categories name no keypoints still number them: 1, 2, 3, ...
            keypoints = read_keypoints(points, category.names(len(points) // 3))
            if not found and box is not None and box != keypoints_bbox(keypoints):
                # a person's box beside its keypoints (and no outline) says more than the
                # points do: kept as an object of its own (a box that is just the points'
                # hull, as ontolabel writes one for keypoints, adds nothing)
                found.append(("", box))
            found.append((":keypoints" if found else "", keypoints))
        if not found:
            # no shape at all: an image-level label (as in COCO "labels" files)
            found.append(("", box if box is not None else Tag()))
        return found
