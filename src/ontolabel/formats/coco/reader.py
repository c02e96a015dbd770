"""Reading a COCO instances / keypoints file into import records, one per image.

A COCO file is one JSON document whose annotations may come in any order (and before its
images), so it is read to its end before the first record: streamed, with the annotations
spooled to disk by image (document.py), so that memory does not grow with their number.
Records are then produced image by image, in the file's image order. Every bad category,
image or annotation is reported with its JSON path (``annotations[12].segmentation[0]``) and
the image's file name; an image with any bad annotation is skipped as a whole, so an item
is never imported half-labelled.
"""

from __future__ import annotations

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
from ontolabel.formats.coco.document import NO_IMAGE, SECTIONS, CocoDocument, Image
from ontolabel.formats.coco.objects import (
    Entries,
    ImageObjects,
    PackedBoxes,
    PlainEntries,
    quick_bbox,
    quick_objects,
)
from ontolabel.formats.coco.packing import entries, unpack
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
from ontolabel.formats.coco.spool import Piece
from ontolabel.formats.coco.stream import JsonSyntaxError
from ontolabel.formats.json_syntax import not_json


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


def _all_packed(pieces: list[Piece]) -> bool:
    """Whether every run of an image is packed as columns (no list of annotations)."""
    if len(pieces) == 1:
        return type(pieces[0][1]) is not list
    return all(type(run) is not list for _, run in pieces)


def _is_size(value: object) -> bool:
    """A width or height nothing need be said of: none, or a positive int."""
    return value is None or (type(value) is int and value > 0)


def _has_shape(ann: dict[str, Any]) -> bool:
    return any(ann.get(k) for k in ("bbox", "segmentation", "keypoints"))


def _box(xywh: tuple[float, float, float, float] | Box | None) -> Box | None:
    if xywh is None or isinstance(xywh, Box):
        return xywh
    x, y, w, h = xywh
    return Box(x1=x, y1=y, x2=x + w, y2=y + h)  # as read_bbox builds it


def _open(path: Path) -> CocoDocument:
    at = Location(file=path.name)
    try:
        return CocoDocument(path)
    except UnicodeDecodeError as exc:
        raise FormatError("not UTF-8 text", location=at) from exc
    except RecursionError as exc:
        raise FormatError("the JSON is nested too deeply to be a COCO file", location=at) from exc
    except JsonSyntaxError as exc:
        raise FormatError(
            not_json(exc.msg, exc.colno, exc.lineno),
            location=Location(file=path.name, line=exc.lineno),
        ) from exc


def _refuse_other_files(doc: CocoDocument, at: Location) -> None:
    """Refuse what is JSON but no COCO dataset, saying what it is instead."""
    if doc.kind == "list":
        first = doc.first
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
    if doc.kind == "object" and doc.image_is_object and not doc.has_images:
        raise FormatError(
            "one image's masks (a Segment Anything / SA-1B file: 'image' and 'annotations', "
            "no categories), not a COCO dataset",
            location=at,
        )
    if doc.kind != "object" or not doc.images_is_list:
        raise FormatError("a COCO file is a JSON object with an 'images' list", location=at)


def media_folders(path: Path) -> tuple[Path, ...]:
    """Where the images of a COCO file usually are, relative to the JSON file."""
    here, up = path.parent, path.parent.parent
    # instances_train2017.json -> train2017: the image folder of that subset
    subset = path.stem.rsplit("_", 1)[-1]
    return (here, here / "images", up / "images" / subset, up / "images", up / subset)


def _media_places(path: Path) -> tuple[Path, tuple[str, ...]]:
    """A folder, and the prefixes under it of ``media_folders``, in their order: the folder
    joined with a prefix and a file name is that folder joined with the file name."""
    up = path.parent.parent
    return up, tuple(f"{folder.relative_to(up)}/" for folder in media_folders(path))


class CocoReader:
    def __init__(self, path: Path, policy: ErrorPolicy):
        self.path = path
        self.file = path.name
        self.policy = policy
        # the folders are the same for every image: each image's places are strings under
        # one of them, made paths only if the importer looks (most imports never do)
        self._media_root, self._media_prefixes = _media_places(path)

    def _report(self, message: str, path: str, item: str | None = None) -> None:
        self.policy.report(message, Location(file=self.file, item=item, path=path))

    def records(self) -> Iterator[ImportRecord]:
        doc = _open(self.path)
        try:
            yield from self._records(doc)
        finally:
            doc.close()

    def _records(self, doc: CocoDocument) -> Iterator[ImportRecord]:
        # checked and reported in the order of the time the file was parsed whole: what
        # refuses the file first, then categories, images, annotations, and image by image
        _refuse_other_files(doc, Location(file=self.file))
        categories = self._categories(doc.categories)
        self._boxes = PackedBoxes(categories, SECTIONS)
        annotations, labels = doc.sections
        if doc.panoptic:
            raise FormatError(
                "COCO panoptic files (segments_info with PNG masks) cannot be imported yet",
                location=Location(file=self.file, path="annotations[0].segments_info"),
                hint="import the instances file of the dataset instead",
            )
        if annotations.kind == "other":
            raise FormatError(
                "'annotations' must be a list",
                location=Location(file=self.file, path="annotations"),
            )
        for message, where in doc.image_problems:
            self._report(message, where)
        if labels.kind == "other":
            raise FormatError(
                f"'{LABELS_KEY}' must be a list", location=Location(file=self.file, path=LABELS_KEY)
            )
        self._annotation_problems(doc)
        buckets = [doc.buckets.get(image_id) for image_id in doc.images]
        placed = [b for b in buckets if b is not None]
        if all(a < b for a, b in zip(placed, placed[1:], strict=False)):
            groups = doc.spool.in_order(buckets)
        else:  # images listed in another order than their annotations: one query each
            groups = ([] if b is None else doc.spool.of(b) for b in buckets)
        for image, pieces in zip(doc.images.values(), groups, strict=True):
            record = self._record(image, pieces, categories, bool(labels.count))
            if record is not None:
                yield record

    @staticmethod
    def _entries(pieces: list[Piece], labelled: bool) -> Entries:
        """An image's annotations, (where, index, annotation) each, in the order of its
        objects."""
        anns: Entries = [
            (f"{SECTIONS[s]}[{i}]", i, ann) for s, run in pieces for i, ann in entries(run)
        ]
        if labelled:
            # ontolabel numbers an image's annotations and labels in one sequence, in the
            # order of its objects: that order is restored
            plain: PlainEntries = [(where, i, unpack(ann)) for where, i, ann in anns]
            plain.sort(key=lambda a: a[2]["id"] if _is_int(a[2].get("id")) else math.inf)
            anns = plain
        return anns

    def _annotation_problems(self, doc: CocoDocument) -> None:
        """Report the entries that are no annotation, or name no image of the file, in the
        order of the file (annotations first, then image-level labels)."""
        found = [
            (s, i, "an annotation must be an object")
            for s, section in enumerate(doc.sections)
            for i in section.problems
        ]
        lost = [b for image_id, b in doc.buckets.items() if image_id not in doc.images]
        if lost or doc.unnamed:
            for s, i, packed in doc.spool.of_many([*lost, NO_IMAGE]):
                image_id = unpack(packed).get("image_id")
                found.append((s, i, f"image_id {image_id!r} is not an image of this file"))
        for s, i, message in sorted(found, key=lambda f: (f[0], f[1])):
            self._report(message, f"{SECTIONS[s]}[{i}]")

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
        self, image: Image, pieces: list[Piece], categories: dict[int, _Category], labelled: bool
    ) -> ImportRecord | None:
        name, index = image.file_name, image.index
        width, height = image.width, image.height
        ok = (_is_size(width) and _is_size(height)) or self._sizes_ok(image)
        # runs of boxes packed whole at once; the usual annotations in one validation; the
        # exact path for the rest, and for every image with anything to report
        found = None
        anns: Entries | None = None
        if ok:
            if pieces and not labelled and _all_packed(pieces):
                found = self._boxes.image(pieces)  # type: ignore[arg-type]
            if found is None:
                anns = self._entries(pieces, labelled)
                found = quick_objects(anns, categories)
        if found is None:
            if anns is None:
                anns = self._entries(pieces, labelled)
            unpacked: PlainEntries = [(where, i, unpack(ann)) for where, i, ann in anns]
            found = self._exact_objects(unpacked, categories, name)
        if found is None or not ok:
            return None
        meta: dict[str, Any] = {}
        if found.captions or found.skeletons or found.crowds:
            meta = (
                ({"captions": found.captions} if found.captions else {})
                | ({KEYPOINTS_META: found.skeletons} if found.skeletons else {})
                | ({CROWD_META: found.crowds} if found.crowds else {})
            )
        return ImportRecord(
            location=Location(file=self.file, item=name, path=f"images[{index}]"),
            modality=Modality.IMAGE,
            external_id=name,
            meta=meta,
            media=[self._media(name, width, height)],
            annotations=[
                AnnotationRecord(
                    document=found.document,
                    status="submitted",
                    source="model" if found.scored else "human",
                    origins=found.origins,
                )
            ]
            if found.document is not None
            else [],
        )

    def _sizes_ok(self, image: Image) -> bool:
        """Whether the image's width and height are positive integers (or absent), each
        that is not reported."""
        ok = True
        for key, value in (("width", image.width), ("height", image.height)):
            if value is not None and not (_is_int(value) and value > 0):
                self._report(
                    f"image {key} must be a positive integer, got {value!r}",
                    f"images[{image.index}].{key}",
                    image.file_name,
                )
                ok = False
        return ok

    def _media(self, name: str, width: Any, height: Any) -> MediaRef:
        width = width if type(width) is int or _is_int(width) else None
        height = height if type(height) is int or _is_int(height) else None
        if name.startswith("/"):  # an absolute name is itself, under any folder
            candidates = tuple(folder / name for folder in media_folders(self.path))
            return MediaRef(name, candidates=candidates, width=width, height=height)
        relative = tuple([prefix + name for prefix in self._media_prefixes])
        return MediaRef(
            name, folder=self._media_root, relative=relative, width=width, height=height
        )

    def _exact_objects(
        self, anns: PlainEntries, categories: dict[int, _Category], name: str
    ) -> ImageObjects | None:
        """The image's objects read annotation by annotation, each problem reported; None
        when any annotation is bad (after reporting every one)."""
        ok = True
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
        document = Annotation(objects=objects) if objects else None
        return ImageObjects(document, tuple(origins), scored, captions, crowds, skeletons)

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
        try:
            category = categories.get(ann.get("category_id"))  # type: ignore[arg-type]
        except TypeError:  # unhashable: a list or an object names no category
            category = None
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
        # read_bbox only where the quick check fails: it raises, saying what is wrong
        xywh = (quick_bbox(ann["bbox"]) or read_bbox(ann["bbox"])) if "bbox" in ann else None
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
            box = _box(xywh)
            if not found and box is not None and box != keypoints_bbox(keypoints):
                # a person's box beside its keypoints (and no outline) says more than the
                # points do: kept as an object of its own (a box that is just the points'
                # hull, as ontolabel writes one for keypoints, adds nothing)
                found.append(("", box))
            found.append((":keypoints" if found else "", keypoints))
        if not found:
            # no shape at all: an image-level label (as in COCO "labels" files)
            box = _box(xywh)
            found.append(("", box if box is not None else Tag()))
        return found
