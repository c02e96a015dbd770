"""Reading a YOLO dataset tree into import records, one per image, label file by label file.

Each image is one item (its external id is ``<split>/<name>``, ``meta["subset"]`` its split);
each label line is one object, its id the line number (a pose line gives a box ``n`` and
its keypoints ``n:keypoints``, as COCO's reader splits a person's box and skeleton). An image
without a label file is an item with no objects (a background image, as trainers read it).
Every bad line is reported with the label file and line; an image with any bad line is
skipped whole, so no item is imported half-labelled. A label file that no image claims is
an error: its coordinates are fractions of an image size that is not there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ontolabel.core.annotation import Annotation, AnnotationObject, AttributeValue
from ontolabel.core.geometry import Keypoints, Polygon, RotatedBox, Tag
from ontolabel.core.geometry.box import Box
from ontolabel.core.modality import Modality
from ontolabel.errors import Location
from ontolabel.formats.base import AnnotationRecord, ErrorPolicy, ImportRecord, MediaRef
from ontolabel.formats.trusted import box_object, document
from ontolabel.formats.yolo.classes import ClassList
from ontolabel.formats.yolo.image_header import image_size
from ontolabel.formats.yolo.lines import (
    LineError,
    class_index,
    corners_to_rotated,
    floats,
    is_axis_aligned,
    is_parallelogram,
    read_box,
    read_oriented,
    read_polygon,
    read_pose,
)
from ontolabel.formats.yolo.tree import (
    ImageEntry,
    Tree,
    classification_splits,
    is_dota,
    is_image,
    labels,
)

ShapeGeometry = Box | RotatedBox | Polygon | Keypoints


@dataclass
class _Line:
    number: int
    tokens: list[str]


def _lines(path: str | Path) -> Iterator[_Line]:
    # utf-8-sig: a byte-order mark (Windows editors) is not part of the first class id
    with open(path, encoding="utf-8-sig") as f:
        for number, text in enumerate(f, start=1):
            tokens = text.split()
            if tokens:
                yield _Line(number, tokens)


def _read_text(path: str) -> str:
    """The file's text as ``_lines`` reads it (BOM dropped, newlines translated), by
    os.read: a text file object costs more than reading a label file."""
    fd = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
    finally:
        os.close(fd)
    text = b"".join(chunks).decode("utf-8-sig")
    if "\r" in text:  # universal newlines, as a file opened in text mode reads them
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def looks_oriented(root: Path) -> bool:
    """Whether the dataset is Ultralytics OBB, which its data.yaml does not say: every label
    line is 4 corners of a parallelogram, and some are turned (all along the axes: boxes
    written as 4-point polygons by a segment export, read as the polygons they are).
    Stops at the first line that rules it out."""
    turned = False
    for label in labels(root):
        if is_dota(label):
            continue
        try:
            for entry in _lines(os.path.join(root, label)):
                if len(entry.tokens) != 9:
                    return False
                values = floats(entry.tokens[1:], "")
                if not is_parallelogram(values):
                    return False
                turned = turned or not is_axis_aligned(values)
        except (LineError, UnicodeDecodeError):
            return False
    return turned


class YoloReader:
    def __init__(
        self,
        root: Path,
        policy: ErrorPolicy,
        classes: ClassList | None,
        *,
        ultralytics: bool,
    ):
        self.root = root
        self.policy = policy
        self.classes = classes
        self.ultralytics = ultralytics
        self.oriented = False
        self.box_classes: dict[str, str] | None = None

    def records(self) -> Iterator[ImportRecord]:
        if self.classes is None:
            yield from self._classification()
            return
        if self.ultralytics and self.classes.keypoints is None:
            task = self.classes.task
            self.oriented = task == "obb" or (task is None and looks_oriented(self.root))
        if self.classes.keypoints is None and not self.oriented:
            # the class id tokens a box line of the bulk path may have (any other form,
            # "2.0" or "02", takes the line-by-line path, which reads them too)
            self.box_classes = {str(i): n for i, n in self.classes.names.items() if i >= 0}
        tree = Tree(self.root)
        for entry in tree.images():
            record = self._record(entry)
            if record is not None:
                yield record
        for label in tree.orphans:
            self._orphan(label)

    def _report(
        self, message: str, file: str, line: int | None = None, item: str | None = None
    ) -> None:
        self.policy.report(message, Location(file=file, line=line, item=item))

    def _orphan(self, label: str) -> None:
        try:
            first = next((entry.number for entry in _lines(os.path.join(self.root, label))), None)
        except UnicodeDecodeError:
            first = 1
        if first is None:
            return  # an empty label file places nothing: there is nothing to lose
        stem = os.path.splitext(label.rpartition("/")[2])[0]
        self._report(
            f"no image {stem}.* for this label file (looked beside it and in the "
            "images/ folder matching its labels/ folder); YOLO coordinates are fractions of "
            "the image size, so its objects cannot be placed",
            label,
            first,
        )

    def _record(self, entry: ImageEntry) -> ImportRecord | None:
        item = entry.external_id
        try:
            width, height = image_size(os.path.join(self.root, entry.relative))
        except ValueError as exc:
            self._report(f"cannot read the image size: {exc}", entry.relative, item=item)
            return None
        objects: list[AnnotationObject] = []
        origins: tuple[str, ...] = ()
        if entry.label is not None:
            found = self._objects(entry.label, width, height, item)
            if found is None:
                return None
            objects, origins = found
        return ImportRecord(
            location=Location(file=entry.label or entry.relative, item=item),
            modality=Modality.IMAGE,
            external_id=item,
            # the path is built only if the importer looks for the file
            media=[
                MediaRef(
                    name=entry.name,
                    folder=self.root,
                    relative=(entry.relative,),
                    width=width,
                    height=height,
                )
            ],
            meta={"subset": entry.split} if entry.split is not None else {},
            annotations=[
                # origins: where each object is in the label file, for problems found
                # later (the ontology's), reported at that line
                AnnotationRecord(document=document(objects), origins=origins)
            ]
            if objects
            else [],
        )

    def _objects(
        self, label: str, width: int, height: int, item: str
    ) -> tuple[list[AnnotationObject], tuple[str, ...]] | None:
        """The objects of a label file and their origins; None when it has a bad line (each
        reported). A file of plain box lines is read in bulk; any other, or any line the
        bulk path doubts, is read line by line, which says what is wrong where."""
        path = os.path.join(self.root, label)
        if self.box_classes is not None and not is_dota(label):
            try:
                text = _read_text(path)
            except UnicodeDecodeError:
                pass  # reported by the line-by-line path, after the lines before it
            else:
                bulk = _bulk_boxes(text, self.box_classes, width, height)
                if bulk is not None:
                    return bulk
        shown = label
        dota = is_dota(label)
        objects: list[AnnotationObject] = []
        ok = True
        try:
            for entry in _lines(path):
                try:
                    found = self._dota(entry) if dota else self._line(entry, width, height)
                except (LineError, ValueError) as exc:
                    self._report(str(exc), shown, entry.number, item)
                    ok = False
                    continue
                if found is not None:
                    objects.extend(found)
        except UnicodeDecodeError as exc:
            self._report(f"not UTF-8 text ({exc.reason})", shown, item=item)
            return None
        return (objects, tuple(_origin(o.id) for o in objects)) if ok else None

    def _line(self, entry: _Line, width: int, height: int) -> list[AnnotationObject]:
        assert self.classes is not None
        name = self.classes.name_of(class_index(entry.tokens[0]))
        tokens, track = self._track(entry.tokens[1:])
        values = floats(tokens, "a coordinate")
        oid = str(entry.number)
        shape = self.classes.keypoints
        if shape is not None:
            box, points = read_pose(values, shape, width, height)
            return [
                _object(oid, name, box, track=track),
                _object(f"{oid}:keypoints", name, points, track=track),
            ]
        geometry: ShapeGeometry
        if len(values) == 4:
            geometry = read_box(values, width, height)
        elif self.oriented:
            geometry = read_oriented(values, width, height)
        elif len(values) >= 6 and len(values) % 2 == 0:
            geometry = read_polygon(values, width, height)
        else:
            raise LineError(
                f"{len(entry.tokens)} fields: expected a class id and 4 numbers (a box: cx cy "
                "w h) or a class id and x y pairs of a polygon (at least 3 points)"
            )
        return [_object(oid, name, geometry, track=track)]

    def _track(self, tokens: list[str]) -> tuple[list[str], str | None]:
        """The coordinates, and the track id CVAT and datumaro write after them in video
        exports: one more field than the shape takes, a plain integer."""
        assert self.classes is not None
        shape = self.classes.keypoints
        if shape is not None:
            extra = len(tokens) == shape.fields + 1
        elif self.oriented:
            extra = len(tokens) == 9
        else:
            extra = len(tokens) == 5 or (len(tokens) >= 7 and len(tokens) % 2 == 1)
        if extra and tokens[-1].isdigit():
            return tokens[:-1], tokens[-1]
        return tokens, None

    def _dota(self, entry: _Line) -> list[AnnotationObject] | None:
        """A DOTA-style line (Roboflow's "YOLO OBB" labelTxt): 4 corners in pixels, the class
        name, a difficulty flag; ``imagesource:``/``gsd:`` header lines carry no object."""
        tokens = entry.tokens
        if tokens[0].endswith(":"):
            return None
        if len(tokens) not in (9, 10):
            raise LineError(
                f"{len(tokens)} fields: a DOTA line is x1 y1 x2 y2 x3 y3 x4 y4, the class "
                "name and an optional difficulty (0 or 1)"
            )
        values = floats(tokens[:8], "a corner")
        assert self.classes is not None
        name = tokens[8]
        if self.classes.names and name not in self.classes.names.values():
            raise LineError(f"class {name!r} is not in {self.classes.file}")
        attributes: dict[str, AttributeValue] = {}
        if len(tokens) == 10:
            if tokens[9] not in ("0", "1"):
                raise LineError(f"difficulty must be 0 or 1, got {tokens[9]!r}")
            if tokens[9] == "1":
                attributes["difficult"] = True
        corners = [(values[i], values[i + 1]) for i in range(0, 8, 2)]
        return [_object(str(entry.number), name, corners_to_rotated(corners), attributes)]

    def _classification(self) -> Iterator[ImportRecord]:
        """Ultralytics classification: ``<split>/<class>/<image>``, a whole-image Tag."""
        for split in classification_splits(self.root):
            for folder in sorted(p for p in split.iterdir() if p.is_dir()):
                for path in sorted(folder.iterdir()):
                    relative = PurePosixPath(path.relative_to(self.root).as_posix())
                    if not path.is_file() or not is_image(relative):
                        continue
                    item = f"{split.name}/{path.name}"
                    try:
                        width, height = image_size(path)
                    except ValueError as exc:
                        self._report(
                            f"cannot read the image: {exc}", relative.as_posix(), item=item
                        )
                        continue
                    yield ImportRecord(
                        location=Location(file=relative.as_posix(), item=item),
                        modality=Modality.IMAGE,
                        external_id=item,
                        media=[
                            MediaRef(name=path.name, candidates=(path,), width=width, height=height)
                        ],
                        meta={"subset": split.name},
                        annotations=[
                            AnnotationRecord(
                                document=Annotation(objects=[_object("1", folder.name, Tag())])
                            )
                        ],
                    )


# the fields the line path gives an object of a box line (``_object``)
_BOX_LINE_FIELDS = frozenset(("id", "class_name", "geometry", "attributes", "track_id"))
_INF = float("inf")


def _bulk_boxes(
    text: str, classes: dict[str, str], width: int, height: int
) -> tuple[list[AnnotationObject], tuple[str, ...]] | None:
    """The box objects of a label file's text (as `_line` makes them, ids and all), or None
    at the first line that is not a plain box line (5 fields, a class id of ``classes``,
    numbers, no negative size, finite corners). Every value is checked here, so the
    objects are built without validating them again (``formats.trusted``)."""
    objects: list[AnnotationObject] = []
    origins: list[str] = []
    # text.split("\n") numbers lines as iterating the (newline-translated) file does
    for number, line in enumerate(text.split("\n"), start=1):
        tokens = line.split()
        if len(tokens) != 5:
            if tokens:
                return None
            continue
        name = classes.get(tokens[0])
        if name is None:
            return None
        try:
            cx, cy, w, h = map(float, tokens[1:])
        except ValueError:
            return None
        if not (w >= 0 and h >= 0):  # negative, or NaN
            return None
        # read_box's arithmetic, so the same numbers
        x1, y1 = (cx - w / 2) * width, (cy - h / 2) * height
        x2, y2 = (cx + w / 2) * width, (cy + h / 2) * height
        if not -_INF < x1 + y1 + x2 + y2 < _INF:  # a corner is inf or NaN (or the sum is)
            return None
        objects.append(box_object(str(number), name, x1, y1, x2, y2, _BOX_LINE_FIELDS))
        origins.append(f"line {number}")
    return objects, tuple(origins)


def _origin(object_id: str) -> str:
    # "line 3": the importer reports the ontology's problems with the object at file:3
    return f"line {object_id.partition(':')[0]}"


def _object(
    oid: str,
    name: str,
    geometry: ShapeGeometry | Tag,
    attributes: dict[str, AttributeValue] | None = None,
    *,
    track: str | None = None,
) -> AnnotationObject:
    return AnnotationObject(
        id=oid, class_name=name, geometry=geometry, attributes=attributes or {}, track_id=track
    )
