"""Reading LabelMe JSON files (one per image) into import records, file by file.

Each file is one item: its image is the file at ``imagePath`` (relative to the JSON, as
LabelMe resolves it) or, when the JSON embeds one, its base64 ``imageData`` (which LabelMe
itself prefers). ``imageHeight``/``imageWidth`` are checked against the real image by the
importer. Objects, in the order of the shapes:
- polygons with the same label and ``group_id`` are one object of several parts (how
  LabelMe marks an instance split by an occluder; labelme2coco joins them the same way);
  other shapes keep their ``group_id`` in the item's meta data, so an export writes it back;
- shape ``flags`` become bool attributes and a non-empty ``description`` the attribute
  ``description`` (the project's ontology reports those it does not declare);
- image ``flags`` that are true become whole-image Tag objects of that class.
A file with any bad shape is reported (file, ``shapes[i].…``, cause) and skipped whole, so
an item is never imported half-labelled.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry import Keypoints, Polygon, PolygonPart, Polyline, Tag
from ontolabel.core.modality import Modality
from ontolabel.errors import FormatError, Location
from ontolabel.formats.base import AnnotationRecord, ErrorPolicy, ImportRecord, MediaRef
from ontolabel.formats.json_syntax import not_json
from ontolabel.formats.labelme.shapes import ReadShape, ShapeError, read_geometry

# the key under which an ontolabel export keeps, per shape, what LabelMe's fields lose
KEPT_KEY = "ontolabel"
# the item meta key of what LabelMe carries that core objects do not (circles, groups, types)
META_KEY = "labelme"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp")
_MAGIC = ((b"\xff\xd8\xff", ".jpg"), (b"\x89PNG", ".png"), (b"GIF8", ".gif"), (b"BM", ".bmp"))


class _BadFile(Exception):
    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.path = path
        self.line = line


def is_labelme(data: object) -> bool:
    return isinstance(data, dict) and isinstance(data.get("shapes"), list) and "imagePath" in data


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass
class _Draft:
    """One object being built from its shape(s)."""

    class_name: str
    origin: str  # where its first shape is in the file
    shape: ReadShape
    shape_type: str
    kept: dict[str, Any]
    attributes: dict[str, Any]
    group_id: int | None
    # the parts of a polygon and of the polygons grouped with it
    parts: list[PolygonPart] = field(default_factory=list)


class LabelmeReader:
    """Reads one LabelMe file, or every ``*.json`` under a folder (in name order)."""

    def __init__(self, path: Path, policy: ErrorPolicy):
        self.path = path
        self.root = path if path.is_dir() else path.parent
        self.policy = policy

    def records(self) -> Iterator[ImportRecord]:
        files = sorted(self.root.rglob("*.json")) if self.path.is_dir() else [self.path]
        files = [f for f in files if f.is_file()]
        if not files:
            raise FormatError(
                "no LabelMe JSON files (*.json) in the folder",
                location=Location(file=self.path.name),
            )
        for file in files:
            record = self._file(file)
            if record is not None:
                yield record

    def _file(self, file: Path) -> ImportRecord | None:
        shown = file.relative_to(self.root).as_posix()
        try:
            return self._read(file, shown)
        except _BadFile as exc:
            at = Location(file=shown, line=exc.line, item=_external_id(shown), path=exc.path)
            self.policy.report(str(exc), at)
            return None

    def _read(self, file: Path, shown: str) -> ImportRecord | None:
        try:
            data = json.loads(file.read_bytes())
        except UnicodeDecodeError as exc:
            raise _BadFile("not UTF-8 text") from exc
        except RecursionError as exc:
            raise _BadFile("the JSON is nested too deeply to be a LabelMe file") from exc
        except json.JSONDecodeError as exc:
            raise _BadFile(not_json(exc.msg, exc.colno, exc.lineno), line=exc.lineno) from exc
        if not is_labelme(data):
            raise _BadFile("not a LabelMe file: a JSON object with 'shapes' and 'imagePath'")
        external_id = _external_id(shown)
        size = self._size(data)
        media = self._media(file, data, size)
        labels = self._labels(data, size, external_id, shown)
        if labels is None:
            return None
        return ImportRecord(
            location=Location(file=shown, item=external_id),
            modality=Modality.IMAGE,
            external_id=external_id,
            media=[media],
            meta={META_KEY: labels.meta} if labels.meta else {},
            annotations=[
                AnnotationRecord(
                    document=Annotation(objects=labels.objects),
                    status="submitted",
                    origins=tuple(labels.origins),
                )
            ]
            if labels.objects
            else [],
        )

    def _size(self, data: dict[str, Any]) -> tuple[int, int] | None:
        height, width = data.get("imageHeight"), data.get("imageWidth")
        for key, value in (("imageHeight", height), ("imageWidth", width)):
            if value is not None and not (_is_int(value) and value > 0):
                raise _BadFile(f"{key} must be a positive integer, got {value!r}", key)
        if height is None or width is None:
            return None
        return height, width

    def _media(self, file: Path, data: dict[str, Any], size: tuple[int, int] | None) -> MediaRef:
        raw_path = data.get("imagePath")
        if raw_path is not None and not isinstance(raw_path, str):
            raise _BadFile("imagePath must be a string", "imagePath")
        # LabelMe on Windows writes backslashes
        relative = PureWindowsPath(raw_path).as_posix() if raw_path else ""
        name = PurePosixPath(relative).name
        height, width = size if size is not None else (None, None)
        embedded = data.get("imageData")
        if embedded is not None:
            if not isinstance(embedded, str):
                raise _BadFile("imageData must be a base64 string or null", "imageData")
            try:
                image = base64.b64decode(embedded, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise _BadFile(f"imageData is not valid base64: {exc}", "imageData") from exc
            if PurePosixPath(name).suffix.lower() not in IMAGE_SUFFIXES:
                # imagePath names no image (LabelMe's tutorial file names itself): name the
                # bytes after the JSON, by what they are
                suffix = next((s for magic, s in _MAGIC if image.startswith(magic)), "")
                name = file.stem + suffix
            return MediaRef(name=name, width=width, height=height, data=image)
        if not relative:
            raise _BadFile("the file names no image: imagePath is empty and imageData null")
        # as LabelMe resolves it, then beside the JSON (images moved with their labels)
        candidates = [file.parent / relative]
        if relative != name:
            candidates.append(file.parent / name)
        return MediaRef(
            name=name,
            candidates=tuple(c for c in candidates if c.resolve() != file.resolve()),
            width=width,
            height=height,
        )

    def _labels(
        self, data: dict[str, Any], size: tuple[int, int] | None, item: str, shown: str
    ) -> _Labels | None:
        drafts: list[_Draft] = []
        groups: dict[tuple[str, int], _Draft] = {}
        ok = True
        for index, shape in enumerate(data["shapes"]):
            where = f"shapes[{index}]"
            try:
                draft = self._draft(shape, where, size)
            except ShapeError as exc:
                path = f"{where}.{exc.path}" if exc.path else where
                self.policy.report(str(exc), Location(file=shown, item=item, path=path))
                ok = False
                continue
            key = (draft.class_name, draft.group_id) if draft.group_id is not None else None
            polygon = isinstance(draft.shape.geometry, Polygon) and draft.shape.circle is None
            if polygon and key is not None:
                first = groups.get(key)
                if first is not None:
                    first.parts.extend(draft.parts)
                    continue
                groups[key] = draft
            drafts.append(draft)
        tags = self._tags(data.get("flags"), shown, item)
        if not ok or tags is None:
            return None
        kept = data.get(KEPT_KEY)
        tag_ids = kept.get("flags") if isinstance(kept, dict) else None
        tag_ids = tag_ids if isinstance(tag_ids, dict) else {}
        try:
            return _finish(drafts, [(name, _text(tag_ids.get(name))) for name in tags])
        except _BadShape as exc:
            self.policy.report(str(exc), Location(file=shown, item=item, path=exc.origin))
            return None

    def _draft(self, shape: object, where: str, size: tuple[int, int] | None) -> _Draft:
        if not isinstance(shape, dict):
            raise ShapeError("a shape must be a JSON object")
        label = shape.get("label")
        if not isinstance(label, str) or not label:
            raise ShapeError("a shape needs a 'label' (a non-empty string)", "label")
        shape_type = shape.get("shape_type") or "polygon"  # LabelMe 3 wrote none for polygons
        if not isinstance(shape_type, str):
            raise ShapeError("shape_type must be a string", "shape_type")
        group_id = shape.get("group_id")
        if group_id is not None and not _is_int(group_id):
            raise ShapeError(f"group_id must be an integer or null, got {group_id!r}", "group_id")
        kept = shape.get(KEPT_KEY)
        kept = kept if isinstance(kept, dict) else {}
        read = read_geometry(shape, shape_type, size, kept)
        attributes: dict[str, Any] = {}
        flags = shape.get("flags")
        if flags is not None:
            if not isinstance(flags, dict) or not all(isinstance(v, bool) for v in flags.values()):
                raise ShapeError("shape flags must map names to true or false", "flags")
            attributes.update(flags)
        description = shape.get("description")
        if description is not None and not isinstance(description, str):
            raise ShapeError("description must be a string or null", "description")
        if description:
            attributes["description"] = description
        extra = kept.get("attributes")
        if isinstance(extra, dict):
            attributes.update(extra)
        parts = list(read.geometry.parts) if isinstance(read.geometry, Polygon) else []
        return _Draft(label, where, read, shape_type, kept, attributes, group_id, parts)

    def _tags(self, flags: object, shown: str, item: str) -> list[str] | None:
        if flags is None:
            return []
        if not isinstance(flags, dict) or not all(isinstance(v, bool) for v in flags.values()):
            self.policy.report(
                "image flags must map names to true or false",
                Location(file=shown, item=item, path="flags"),
            )
            return None
        return [name for name, value in flags.items() if value]


@dataclass
class _Labels:
    objects: list[AnnotationObject] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)
    # what the objects cannot hold: circles, group ids, shape types (see META_KEY)
    meta: dict[str, dict[str, Any]] = field(default_factory=dict)

    def note(self, what: str, object_id: str, value: Any) -> None:
        self.meta.setdefault(what, {})[object_id] = value


class _BadShape(Exception):
    def __init__(self, message: str, origin: str):
        super().__init__(message)
        self.origin = origin


class _Ids:
    """Object ids: those an ontolabel export kept, used again while unique; the rest
    numbered 1, 2, ... around them."""

    def __init__(self, kept: list[str | None]):
        self.claimed: set[str] = set()
        self.kept: list[str | None] = []
        for kept_id in kept:
            usable = kept_id if kept_id and kept_id not in self.claimed else None
            self.kept.append(usable)
            if usable is not None:
                self.claimed.add(usable)
        self.counter = 0

    def take(self, index: int) -> str:
        found = self.kept[index]
        if found is not None:
            return found
        self.counter += 1
        while str(self.counter) in self.claimed:
            self.counter += 1
        self.claimed.add(str(self.counter))
        return str(self.counter)


def _finish(drafts: list[_Draft], tags: list[tuple[str, str | None]]) -> _Labels:
    """The objects of a file's shapes (groups joined) and true flags, in that order."""
    ids = _Ids([_text(d.kept.get("id")) for d in drafts] + [kept for _, kept in tags])
    labels = _Labels()
    for index, draft in enumerate(drafts):
        object_id = ids.take(index)
        geometry = draft.shape.geometry
        if isinstance(geometry, Polygon) and len(draft.parts) > len(geometry.parts):
            geometry = Polygon(parts=draft.parts)
        kept = draft.kept
        try:
            labels.objects.append(
                AnnotationObject(
                    id=object_id,
                    class_name=draft.class_name,
                    geometry=geometry,
                    attributes=draft.attributes,
                    track_id=_text(kept.get("track_id")),
                    entity_id=_text(kept.get("entity_id")),
                    score=kept.get("score") if _is_number(kept.get("score")) else None,
                )
            )
        except ValueError as exc:  # pydantic: an attribute value of no known type
            raise _BadShape(f"cannot read the shape: {exc}", draft.origin) from exc
        labels.origins.append(draft.origin)
        if draft.shape.circle is not None:
            (cx, cy), (px, py) = draft.shape.circle
            labels.note("circles", object_id, [cx, cy, px, py])
        if draft.group_id is not None:
            labels.note("groups", object_id, draft.group_id)
        if _needs_hint(geometry, draft.shape_type):
            labels.note("types", object_id, draft.shape_type)
    for index, (name, _) in enumerate(tags, start=len(drafts)):
        labels.objects.append(AnnotationObject(id=ids.take(index), class_name=name, geometry=Tag()))
        labels.origins.append(f"flags.{name}")
    return labels


def _external_id(shown: str) -> str:
    """An item's id: its JSON's path under the import's folder, without ``.json``."""
    return str(PurePosixPath(shown).with_suffix(""))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _needs_hint(geometry: object, shape_type: str) -> bool:
    """Whether an export would write another shape type for ``geometry`` unless told: a
    2-point linestrip (else a line), a 1-point ``points`` (else a point)."""
    if isinstance(geometry, Polyline):
        return shape_type == "linestrip" and len(geometry.points) == 2
    if isinstance(geometry, Keypoints):
        return shape_type == "points" and len(geometry.points) == 1
    return False
