"""Streaming YOLO writer: a dataset tree in one zip, image by image.

Layouts, exactly as the trainers (and datumaro) read them:
- Darknet: ``obj.names``, ``obj.data`` (``classes``, one ``<split> = data/<split>.txt`` per
  split, ``names``, ``backup``), ``<split>.txt`` listing ``data/obj_<split>_data/<image>``,
  and ``obj_<split>_data/`` holding each image and its ``.txt``;
- Ultralytics: ``data.yaml`` (one ``<split>: images/<split>`` per split, ``names``
  as an id map; ``kpt_shape`` for pose), ``images/<split>/`` and ``labels/<split>/``;
  classification: ``dataset/<split>/<class>/<image>`` and nothing else (the folders are
  the labels).
The split is the item's ``meta["subset"]`` (as the YOLO, VOC and CVAT readers record it);
none, or VOC's and CVAT's ``default``, is ``train``, the split trainers start from.
Every image gets a label file, empty when it has no objects (a background image).
Label files go out as each item comes; pose label files wait in a disk spool, because the
keypoint order (the union of the names seen, numerically when they are numbers) is known
only at the end. Image names are kept (UTF-8 in the zip); two images with one name in a
split get ``_2``, ``_3`` suffixes, since a label file is named after its image.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from pathlib import PurePosixPath
from typing import IO, Any, BinaryIO, Literal, cast

import yaml

from ontolabel.core.annotation import AnnotationObject
from ontolabel.core.geometry import Box, Keypoints, Tag
from ontolabel.core.geometry.keypoints import keypoints_bbox, labeled_points
from ontolabel.core.item import MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology
from ontolabel.errors import Location, Violation
from ontolabel.formats.archive import ZipTree
from ontolabel.formats.base import AnnotationRecord, ExportRecord, WriteStats
from ontolabel.formats.media import MediaSource
from ontolabel.formats.stored import StoredAnnotation, StoredRecord, selected
from ontolabel.formats.yolo.batch import LabelBatch
from ontolabel.formats.yolo.classes import DARKNET_RESERVED, TASK_COMMENT, leaf_classes
from ontolabel.formats.yolo.lines import (
    box_fields,
    box_lines,
    clamp01,
    clamp_box_fields,
    line,
    outside,
)
from ontolabel.formats.yolo.options import DarknetOptions, Task, UltralyticsOptions
from ontolabel.formats.yolo.shapes import fields_for
from ontolabel.formats.yolo.stored import objects_of, plain_box, plain_box_rows, plain_objects

Layout = Literal["darknet", "ultralytics"]
# items with core documents (``write``) or with their stored JSON (``write_stored``)
Record = ExportRecord | StoredRecord
Work = AnnotationRecord | StoredAnnotation
# an object of an image and its index in its document: its model, or (detect) the JSON of
# a plain stored box (stored.plain_box)
Placed = tuple[int, AnnotationObject | dict[str, Any]]
DEFAULT_SPLIT = "train"
_SPLIT = re.compile(r"^[A-Za-z0-9_-]+$")
SPOOL_IN_MEMORY = 8 << 20
SPOOL_LINES = 1024  # image list lines gathered before they go to the spool
KEYPOINTS_SUFFIX = ":keypoints"
# a classification tree is its split folders; in one top folder, so that an archive of a
# single split unpacks to the dataset (train/...), not to that split's class folders
CLASSIFY_ROOT = "dataset"


def _safe_name(name: str) -> str:
    """``name`` as a relative path inside the archive (its base name if it would escape)."""
    if name and "\\" not in name and ".." not in name and ":" not in name and name[0] != "/":
        return name
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts or ":" in path.parts[0]:
        return PurePosixPath(name.replace("\\", "/")).name or "image"
    return path.as_posix()


def _stem_and_suffix(name: str) -> tuple[str, str]:
    """``name`` without its suffix, and the suffix, as PurePosixPath gives them; by string
    operations where they agree (no empty part, none starting with a dot, no dot last)."""
    if "//" in name or "/." in name or name.startswith(("/", ".")) or name.endswith(("/", ".")):
        path = PurePosixPath(name)
        return path.with_suffix("").as_posix(), path.suffix
    # os.path.splitext, for such a name: the suffix is from the last dot of its last part
    dot = name.rfind(".")
    if dot > name.rfind("/"):
        return name[:dot], name[dot:]
    return name, ""


class YoloWriter:
    def __init__(
        self,
        out: BinaryIO,
        ontology: Ontology,
        options: DarknetOptions,
        media: MediaSource | None,
        layout: Layout,
    ):
        self.zip = ZipTree(out)
        self.ontology = ontology
        self.options = options
        self.media = media if options.include_media else None
        self.layout = layout
        self.task: Task = options.task if isinstance(options, UltralyticsOptions) else "detect"
        self.names = leaf_classes(ontology)
        self.ids = {name: i for i, name in enumerate(self.names)}
        self.stats = WriteStats()
        # outlines a detect export writes as their boxes, by kind (said once, at the end)
        self.boxed: Counter[str] = Counter()
        self.stack = ExitStack()
        self.splits: dict[str, IO[bytes]] = {}  # the image list of each split, spooled
        self.listed: dict[str, list[str]] = {}  # ... its lines not spooled yet
        self.folders: dict[str, tuple[str, str]] = {}  # ... its images' and labels' folders
        self.labels = LabelBatch(self.zip)
        self.used: set[tuple[str, str]] = set()
        self.pose: IO[bytes] | None = None
        self.keypoint_names: list[str] = []

    # -- the whole export -----------------------------------------------------------------

    def write(self, records: Iterable[Record]) -> WriteStats:
        with self.stack, self.zip:
            if self.task == "pose":
                self.pose = self._spool()
            for record in records:
                self._record(record)
            self.labels.flush()
            self._spool_lists()
            if self.pose is not None:
                self._write_pose_labels(self.pose)
            if self.layout == "darknet":
                self._write_darknet_files()
            elif self.task != "classify":
                self._write_data_yaml()
        if self.boxed:
            shapes = ", ".join(f"{n} {kind.replace('_', ' ')}(s)" for kind, n in self.boxed.items())
            self.stats.changed.append(
                Violation(
                    f"{shapes} written as their axis-aligned boxes: YOLO detect holds boxes "
                    "only (export with task=segment or task=obb to keep the outlines)"
                )
            )
        return self.stats

    def _spool(self) -> IO[bytes]:
        # closed with the stack when the export ends (or fails)
        spool = self.stack.enter_context(
            tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, mode="w+b")  # noqa: SIM115
        )
        return cast(IO[bytes], spool)

    def _write_darknet_files(self) -> None:
        self.zip.write_text("obj.names", "".join(f"{n}\n" for n in self.names))
        lines = [f"classes = {len(self.names)}"]
        for split, spool in sorted(self.splits.items()):
            lines.append(f"{split} = data/{split}.txt")
            spool.seek(0)
            self.zip.copy_from(f"{split}.txt", cast(BinaryIO, spool), compress=True)
        lines += ["names = data/obj.names", "backup = backup/"]
        self.zip.write_text("obj.data", "\n".join(lines) + "\n")

    def _write_data_yaml(self) -> None:
        # no `path`: Ultralytics then takes the YAML's own folder as the root (a relative
        # `path: .` it would resolve against its settings' datasets_dir instead)
        data: dict[str, Any] = {}
        for split in sorted(self.splits):
            data[split] = f"images/{split}"
        if (
            isinstance(self.options, UltralyticsOptions)
            and self.options.val_from_train
            and "val" not in data
            and DEFAULT_SPLIT in data
        ):
            data["val"] = data[DEFAULT_SPLIT]
        if self.task == "pose":
            data["kpt_shape"] = [max(1, len(self.keypoint_names)), 3]
        data["names"] = dict(enumerate(self.names))
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None)
        self.zip.write_text("data.yaml", TASK_COMMENT.format(task=self.task) + "\n" + text)

    # -- one item ------------------------------------------------------------------------

    def _skip(self, message: str, record: Record, path: str | None = None) -> None:
        # WriteStats.skip, for either form of record
        item = record.external_id if record.external_id is not None else str(record.item_id)
        self.stats.skipped.append(Violation(message, Location(item=item, path=path)))

    def _chosen(self, annotations: Sequence[Work]) -> list[Work]:
        if len(annotations) == 1:  # most items: that one, if the options select it
            return selected(self.options, annotations)
        chosen = selected(self.options, annotations)
        if self.options.merge == "all" or not chosen:
            return chosen
        # one label set per image (SelectionOptions.latest): the last submitted, else draft
        submitted = [a for a in chosen if a.status == "submitted"]
        return [(submitted or chosen)[-1]]

    def _split(self, record: Record) -> str:
        split = record.content.meta.get("subset")
        if not isinstance(split, str) or not _SPLIT.match(split) or split == "default":
            return DEFAULT_SPLIT
        if self.layout == "darknet" and split in DARKNET_RESERVED:
            return DEFAULT_SPLIT
        return split

    def _member(self, split: str, name: str) -> tuple[str, str]:
        """The image's name in its split folder, unique by stem (its label file's name),
        and that stem."""
        stem, suffix = _stem_and_suffix(_safe_name(name))
        candidate, n = stem, 1
        key = (split, stem.casefold())
        while key in self.used:
            n += 1
            candidate = f"{stem}_{n}"
            key = (split, candidate.casefold())
        self.used.add(key)
        return candidate + suffix, candidate

    def _record(self, record: Record) -> None:
        if self.task == "detect" and isinstance(record, StoredRecord) and self._boxes(record):
            return
        content = record.content
        if content.modality != Modality.IMAGE:
            self._skip(f"YOLO holds images; this item is {content.modality.value}", record)
            return
        if not content.media:
            self._skip("the item has no image file", record)
            return
        split = self._split(record)
        objects: list[list[Placed]] = [[] for _ in content.media]
        detect = self.task == "detect"
        for annotation in self._chosen(record.annotations):
            for index, obj in enumerate(objects_of(annotation)):
                if type(obj) is dict:
                    if detect and plain_box(obj):
                        objects[0].append((index, obj))  # kept as its JSON
                        continue
                    obj = AnnotationObject.model_validate(obj)
                if 0 <= obj.media_index < len(content.media):
                    objects[obj.media_index].append((index, obj))
                else:
                    self._skip(
                        f"media_index {obj.media_index} is not an image of the item",
                        record,
                        f"objects[{index}]",
                    )
        for media, found in zip(content.media, objects, strict=True):
            if not media.width or not media.height:
                self._skip(f"the size of image {media.name!r} is unknown", record)
                continue
            self.stats.items += 1
            self._image(record, media, split, found)

    def _boxes(self, record: StoredRecord) -> bool:
        """Write a detect item of one image whose objects are all plain stored boxes within
        it (``plain_box_rows``: no report to make) by the batch; False for any other item,
        untouched, for ``_record`` to take object by object."""
        content = record.content
        if content.modality != Modality.IMAGE or len(content.media) != 1:
            return False
        media = content.media[0]
        width, height = media.width, media.height
        if not width or not height:
            return False
        rows: list[Any] = []
        for annotation in self._chosen(record.annotations):
            document = annotation.document  # a dict: the item is stored
            objects = plain_objects(document) if isinstance(document, dict) else None
            if objects is None or not plain_box_rows(objects, self.ids, width, height, rows):
                return False
        split = self._split(record)
        self.stats.items += 1
        self.stats.objects += len(rows) // 5
        self.labels.add_boxes(self._place(record, media, split), rows, width, height)
        return True

    def _folders(self, split: str) -> tuple[str, str]:
        if self.layout == "darknet":
            return f"obj_{split}_data", f"obj_{split}_data"
        return f"images/{split}", f"labels/{split}"

    def _image(
        self,
        record: Record,
        media: MediaInfo,
        split: str,
        objects: list[Placed],
    ) -> None:
        if self.task != "detect":
            # stored boxes are kept as their JSON for detect only
            models = [(i, o) for i, o in objects if isinstance(o, AnnotationObject)]
            assert len(models) == len(objects)
        if self.task == "classify":
            self._classified(record, media, split, models)
            return
        label_member = self._place(record, media, split)
        if self.task == "pose":
            self._spool_pose(record, media, label_member, models)
            return
        self.labels.add_text(label_member, self._label_text(record, media, objects))

    def _place(self, record: Record, media: MediaInfo, split: str) -> str:
        """Give the image its name in its split, list it there and copy it (with
        include_media); the name of its label file."""
        name, stem = self._member(split, media.name)
        listed = self.listed.get(split)
        if listed is None:
            self.splits[split] = self._spool()
            listed = self.listed[split] = []
            self.folders[split] = self._folders(split)
        images, labels = self.folders[split]
        image_member = f"{images}/{name}"
        listed.append(f"data/{image_member}\n")
        if len(listed) >= SPOOL_LINES:
            self._spool_lists()
        if self.media is not None:
            self._copy_image(record, media, image_member)
        return f"{labels}/{stem}.txt"

    def _spool_lists(self) -> None:
        for split, listed in self.listed.items():
            self.splits[split].write("".join(listed).encode())
            listed.clear()

    def _label_text(
        self,
        record: Record,
        media: MediaInfo,
        objects: list[Placed],
    ) -> str:
        """The label file of one image. A detect box of a leaf class, without a track, that
        lies in the image (most objects of most exports) is written in bulk by box_lines;
        any other object takes the way of _lines, with its reports, in its place."""
        width, height = media.width or 0, media.height or 0
        ids, detect = self.ids, self.task == "detect"
        rows: list[float] = []  # boxes waiting for box_lines, flat
        parts: list[str] = []
        bulk = 0
        for index, obj in objects:
            class_id = None
            if isinstance(obj, dict):  # a plain stored box (stored.plain_box)
                class_id = ids.get(obj["class_name"])
                if class_id is not None:
                    g = obj["geometry"]
                    x1, y1, x2, y2 = g["x1"], g["y1"], g["x2"], g["y2"]
            elif detect and type(obj.geometry) is Box and obj.track_id is None:
                class_id = ids.get(obj.class_name)
                box = obj.geometry
                x1, y1, x2, y2 = box.x1, box.y1, box.x2, box.y2
            if class_id is not None:
                # box_fields, inline: the same arithmetic, so the same numbers
                cx = (x1 + x2) / 2 / width
                cy = (y1 + y2) / 2 / height
                w = (x2 - x1) / width
                h = (y2 - y1) / height
                if 0 <= cx <= 1 and 0 <= cy <= 1 and 0 <= w <= 1 and 0 <= h <= 1:
                    rows += (class_id, cx, cy, w, h)
                    bulk += 1
                    continue
            if rows:
                parts.append(box_lines(rows))
                rows = []
            # the model of a stored box, for what _lines says about it (as for write)
            model = AnnotationObject.model_validate(obj) if isinstance(obj, dict) else obj
            parts.extend(f"{t}\n" for t in self._lines(record, media, index, model))
        if rows:
            parts.append(box_lines(rows))
        self.stats.objects += bulk
        return "".join(parts)

    def _copy_image(self, record: Record, media: MediaInfo, member: str) -> None:
        self.labels.flush()  # the label files of the images before it go first
        problem = self.zip.bundle(member, media.sha256, self.media)
        if problem is not None:
            self._skip(f"image {media.name!r} is not in the store ({problem}); labels only", record)

    def _class_id(self, record: Record, obj: AnnotationObject, path: str) -> int | None:
        class_id = self.ids.get(obj.class_name)
        if class_id is None:
            if self.ontology.has_class(obj.class_name):
                self._skip(
                    f"class {obj.class_name!r} has subclasses: YOLO ids are the ontology's "
                    "leaf classes",
                    record,
                    path,
                )
            else:
                self._skip(f"class {obj.class_name!r} is not in the ontology", record, path)
        return class_id

    def _clip(self, record: Record, path: str, fields: list[float], box: bool) -> list[float]:
        """``fields`` within 0..1, reported when that changed them; with ``box`` the first
        4 are cx cy w h (the box is cut to the image), any others x y pairs."""
        if not self.options.clip or not outside(fields):
            return fields
        self._skip(
            "reaches outside the image: clipped to it (export with clip=false to keep it)",
            record,
            path,
        )
        if not box:
            return [clamp01(v) for v in fields]
        return clamp_box_fields(fields[:4]) + [clamp01(v) for v in fields[4:]]

    def _lines(
        self, record: Record, media: MediaInfo, index: int, obj: AnnotationObject
    ) -> list[str]:
        path = f"objects[{index}]"
        class_id = self._class_id(record, obj, path)
        if class_id is None:
            return []
        shaped = fields_for(self.task, obj.geometry, media.width or 0, media.height or 0)
        if isinstance(shaped, str):
            reason = shaped or f"YOLO {self.task} has no form for a {obj.geometry.kind}"
            self._skip(f"{reason} ({obj.class_name}); not written", record, path)
            return []
        for note in shaped.notes:
            self._skip(note, record, path)
        if self.task == "detect" and not isinstance(obj.geometry, Box):
            self.boxed[obj.geometry.kind] += 1
        self._no_track(record, obj, path)
        self.stats.objects += 1
        return [line(class_id, self._clip(record, path, f, shaped.box)) for f in shaped.lines]

    def _no_track(self, record: Record, obj: AnnotationObject, path: str) -> None:
        # trainers refuse a line with a field more (CVAT's video exports add track ids)
        if obj.track_id is not None:
            self._skip(
                f"YOLO lines have no track ids: track {obj.track_id!r} not written", record, path
            )

    # -- classification ------------------------------------------------------------------

    def _classified(
        self,
        record: Record,
        media: MediaInfo,
        split: str,
        objects: list[tuple[int, AnnotationObject]],
    ) -> None:
        """The image goes into the folder of its one whole-image class (a Tag); anything
        else on it has no form here, and an image with no class or several is not written."""
        tags: list[tuple[int, AnnotationObject]] = []
        for index, obj in objects:
            if isinstance(obj.geometry, Tag):
                tags.append((index, obj))
            else:
                self._skip(
                    f"YOLO classify has no form for a {obj.geometry.kind} ({obj.class_name}); "
                    "not written",
                    record,
                    f"objects[{index}]",
                )
        classes = {obj.class_name for _, obj in tags}
        if len(classes) != 1:
            found = ", ".join(sorted(classes)) or "none"
            self._skip(
                f"image {media.name!r} not written: classification needs one whole-image class "
                f"(found {found})",
                record,
            )
            return
        index, tag = tags[0]
        if self._class_id(record, tag, f"objects[{index}]") is None:
            return
        if self.media is None:
            self._skip(
                f"image {media.name!r} not written: a classification tree is its images "
                "(export with include_media)",
                record,
            )
            return
        name, _ = self._member(split, media.name)
        self.stats.objects += 1
        folder = f"{CLASSIFY_ROOT}/{split}/{_safe_name(tag.class_name)}"
        self._copy_image(record, media, f"{folder}/{name}")

    # -- pose ------------------------------------------------------------------------------

    def _spool_pose(
        self,
        record: Record,
        media: MediaInfo,
        member: str,
        objects: list[tuple[int, AnnotationObject]],
    ) -> None:
        """Pose lines wait for the final keypoint order: each is spooled as its class id,
        box fields and {name: normalised point}. A keypoints object ``n:keypoints`` takes
        the box ``n`` (as the reader makes them); a lone one takes its points' hull."""
        assert self.pose is not None
        width, height = media.width or 1, media.height or 1
        boxes = {o.id: o.geometry for _, o in objects if isinstance(o.geometry, Box)}
        with_points = {o.id for _, o in objects if isinstance(o.geometry, Keypoints)}
        entries: list[Any] = []
        for index, obj in objects:
            path = f"objects[{index}]"
            geometry = obj.geometry
            if isinstance(geometry, Box) and obj.id + KEYPOINTS_SUFFIX in with_points:
                continue  # written with its keypoints
            if not isinstance(geometry, Keypoints | Box):
                self._skip(
                    f"YOLO pose has no form for a {geometry.kind} ({obj.class_name}); not written",
                    record,
                    path,
                )
                continue
            class_id = self._class_id(record, obj, path)
            if class_id is None:
                continue
            box, points = geometry, []
            if isinstance(geometry, Keypoints):
                points = labeled_points(geometry)
                owner = boxes.get(obj.id.removesuffix(KEYPOINTS_SUFFIX))
                if not obj.id.endswith(KEYPOINTS_SUFFIX) or owner is None:
                    owner = keypoints_bbox(geometry) or Box(x1=0, y1=0, x2=0, y2=0)
                box = owner
            assert isinstance(box, Box)
            xy = [c for p in points for c in (p.x / width, p.y / height)]
            fields = self._clip(record, path, box_fields(box, width, height) + xy, True)
            placed: dict[str, list[float]] = {}
            for i, p in enumerate(points):
                if p.name not in self.keypoint_names:
                    self.keypoint_names.append(p.name)
                placed[p.name] = [fields[4 + 2 * i], fields[5 + 2 * i], p.visibility]
            entries.append([class_id, fields[:4], placed])
            self._no_track(record, obj, path)
            self.stats.objects += 1
        self.pose.write(json.dumps([member, entries], ensure_ascii=False).encode() + b"\n")

    def _ordered_keypoint_names(self) -> list[str]:
        names = self.keypoint_names
        if names and all(n.isdigit() and int(n) > 0 for n in names):
            # YOLO numbers points by position: "1".."k" keep their places, gaps included
            return [str(i) for i in range(1, max(int(n) for n in names) + 1)]
        return names

    def _write_pose_labels(self, spool: IO[bytes]) -> None:
        self.keypoint_names = self._ordered_keypoint_names()
        spool.seek(0)
        for raw in spool:
            member, entries = json.loads(raw)
            text: list[str] = []
            for class_id, fields, points in entries:
                flat = list(fields)
                for name in self.keypoint_names:
                    flat.extend(points.get(name, [0, 0, 0]))
                text.append(line(class_id, flat))
            self.zip.write_text(member, "".join(f"{t}\n" for t in text))
