"""The two YOLO layouts as registered formats: ``yolo`` (Darknet) and ``ultralytics``.

They share the label lines and the tree walk; they differ in where the class names are
(``obj.names`` / ``classes.txt`` vs ``data.yaml``), in the folders, and in the tasks:
Darknet files hold boxes (and, as Label Studio writes them, polygons), Ultralytics files
one task each: detect, segment, pose (``kpt_shape`` in data.yaml), obb (told by its lines:
every one 4 corners of a parallelogram, some turned; an ontolabel export says it in a
comment), or classify (``<split>/<class>/`` folders of images: whole-image tags).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.core.ontology import Ontology
from ontolabel.errors import FormatError
from ontolabel.formats.base import (
    Detection,
    ErrorPolicy,
    ExportRecord,
    Format,
    FormatOptions,
    ImportRecord,
    WriteStats,
)
from ontolabel.formats.media import MediaSource
from ontolabel.formats.registry import register
from ontolabel.formats.stored import StoredRecord
from ontolabel.formats.yolo.classes import (
    DARKNET_DATA,
    load_yaml,
    names_file,
    read_names_file,
    yaml_classes,
    yaml_file,
)
from ontolabel.formats.yolo.options import DarknetOptions, UltralyticsOptions
from ontolabel.formats.yolo.reader import YoloReader
from ontolabel.formats.yolo.tree import classification_splits, is_label
from ontolabel.formats.yolo.writer import YoloWriter

# detection reads a folder's listing down to this many entries, never the whole tree
PEEK_ENTRIES = 2000


def _some_label(root: Path) -> PurePosixPath | None:
    for seen, path in enumerate(root.rglob("*.txt")):
        relative = PurePosixPath(path.relative_to(root).as_posix())
        if is_label(relative):
            return relative
        if seen > PEEK_ENTRIES:
            break
    return None


@register
class DarknetFormat(Format[DarknetOptions]):
    name = "yolo"
    title = "YOLO Darknet (obj.names, obj.data, per-image .txt)"
    extension = ".zip"
    media_type = "application/zip"
    modalities = frozenset({Modality.IMAGE})
    kinds = frozenset(
        {GeometryKind.BOX, GeometryKind.ROTATED_BOX, GeometryKind.POLYGON, GeometryKind.MASK}
    )
    options_model = DarknetOptions
    inputs = frozenset({"folder"})

    def detect(self, path: Path) -> Detection:
        if yaml_file(path) is not None:
            return Detection(0.0, "a dataset YAML file: the Ultralytics layout")
        names = names_file(path)
        if names is None:
            return Detection(0.0, "no class list (obj.names or classes.txt) at the folder's top")
        label = _some_label(path)
        if label is None:
            return Detection(0.3, f"{names.name}, but no label .txt files in sub-folders")
        if (path / DARKNET_DATA).is_file():
            return Detection(0.95, f"obj.data, {names.name} and label files ({label})")
        return Detection(0.8, f"{names.name} and label files ({label})")

    def read(self, path: Path, policy: ErrorPolicy) -> Iterator[ImportRecord]:
        names = names_file(path)
        if names is None:
            raise FormatError(
                "a Darknet YOLO dataset has its class names in obj.names (or classes.txt) at "
                "the top of the folder, one per line; none was found",
                hint="add the class list: line n names class id n-1",
            )
        return YoloReader(path, policy, read_names_file(path, names), ultralytics=False).records()

    def write(
        self,
        records: Iterable[ExportRecord],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: DarknetOptions,
        media: MediaSource | None = None,
    ) -> WriteStats:
        return YoloWriter(out, ontology, options, media, "darknet").write(records)

    def write_stored(
        self,
        records: Iterable[StoredRecord],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: FormatOptions,
        media: MediaSource | None = None,
    ) -> WriteStats:
        """``write`` for items whose documents are in their stored JSON form (the
        exporter's, see formats/stored.py): the same file, without a model per box."""
        parsed = self.parse_options(options)
        return YoloWriter(out, ontology, parsed, media, "darknet").write(records)


@register
class UltralyticsFormat(Format[UltralyticsOptions]):
    name = "ultralytics"
    title = "YOLO Ultralytics (data.yaml; detect, segment, pose, obb)"
    extension = ".zip"
    media_type = "application/zip"
    modalities = frozenset({Modality.IMAGE})
    kinds = frozenset(
        {
            GeometryKind.BOX,
            GeometryKind.ROTATED_BOX,
            GeometryKind.POLYGON,
            GeometryKind.MASK,
            GeometryKind.KEYPOINTS,
            GeometryKind.TAG,
        }
    )
    options_model = UltralyticsOptions
    inputs = frozenset({"folder"})

    def detect(self, path: Path) -> Detection:
        found = yaml_file(path)
        if found is None:
            if classification_splits(path):
                return Detection(0.6, "<split>/<class>/ folders of images (classification)")
            return Detection(0.0, "no data.yaml (or one dataset YAML file) at the folder's top")
        try:
            data = load_yaml(path, found)
        except FormatError as exc:
            return Detection(0.2, f"{found.name}: {exc}")
        if "names" not in data:
            return Detection(0.3, f"{found.name} has no 'names' (the class list)")
        task = "pose, kpt_shape" if "kpt_shape" in data else "detect, segment or obb"
        return Detection(0.95, f"{found.name} with 'names' ({task})")

    def read(self, path: Path, policy: ErrorPolicy) -> Iterator[ImportRecord]:
        found = yaml_file(path)
        if found is None:
            if classification_splits(path):
                return YoloReader(path, policy, None, ultralytics=True).records()
            raise FormatError(
                "an Ultralytics YOLO dataset has a data.yaml with the class 'names' at the top "
                "of the folder; none was found",
                hint="a Darknet dataset (obj.names) imports with --format yolo",
            )
        classes = yaml_classes(path, found, load_yaml(path, found))
        return YoloReader(path, policy, classes, ultralytics=True).records()

    def write(
        self,
        records: Iterable[ExportRecord],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: UltralyticsOptions,
        media: MediaSource | None = None,
    ) -> WriteStats:
        return YoloWriter(out, ontology, options, media, "ultralytics").write(records)

    def write_stored(
        self,
        records: Iterable[StoredRecord],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: FormatOptions,
        media: MediaSource | None = None,
    ) -> WriteStats:
        """``write`` for items whose documents are in their stored JSON form (the
        exporter's, see formats/stored.py): the same file, without a model per box."""
        parsed = self.parse_options(options)
        return YoloWriter(out, ontology, parsed, media, "ultralytics").write(records)
