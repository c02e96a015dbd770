"""Where a VOC dataset keeps what: annotation files, split lists, class lists, images.

Two layouts are read:
- VOC proper: ``Annotations/<id>.xml``, ``JPEGImages/<file>``, ``ImageSets/Main/<split>.txt``
  (one image id a line) and ``ImageSets/Main/<class>_<split>.txt`` (``<id> 1|0|-1``: the
  image shows the class, only as difficult objects, or not);
- relaxed (Roboflow, Kaggle): ``<annotation>`` XML files anywhere in the folder, the image
  beside the XML file or in an ``images`` folder; a sub-folder (``train/``) is the split.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ontolabel.formats.archive import walk

ANNOTATIONS = "Annotations"
IMAGES = "JPEGImages"
IMAGE_SETS = PurePosixPath("ImageSets")
MAIN = IMAGE_SETS / "Main"
SEGMENTATION = IMAGE_SETS / "Segmentation"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp")
# split lists that are unions of others: an image listed there too keeps the other name
UNION_SPLITS = ("trainval",)
# the split of images that belong to none (datumaro's name too): read back as no split
DEFAULT_SUBSET = "default"


@dataclass
class SplitLists:
    """What ``ImageSets/Main`` says: the split of each image id, and the class lists."""

    subset: dict[str, str] = field(default_factory=dict)
    # image id -> [(class name, 1 | 0 | -1, file, line)]
    classes: dict[str, list[tuple[str, int, str, int]]] = field(default_factory=dict)
    problems: list[tuple[str, int, str]] = field(default_factory=list)  # file, line, message


def is_voc_proper(root: Path) -> bool:
    return (root / ANNOTATIONS).is_dir() or (root / MAIN).is_dir()


def _lines(path: Path) -> Iterator[tuple[int, list[str]]]:
    with path.open(encoding="utf-8-sig") as f:
        for number, line in enumerate(f, start=1):
            text = line.split("#", 1)[0].strip()
            if text:
                yield number, text.split()


def read_split_lists(root: Path) -> SplitLists:
    """The split and class lists of ``ImageSets/Main`` (ids only: small beside the images)."""
    found = SplitLists()
    main = root / MAIN
    if not main.is_dir():
        _segmentation_lists(root, found)
        return found
    files = sorted(p for p in main.iterdir() if p.is_file() and p.suffix == ".txt")
    splits = {p.stem for p in files if not _is_class_list(p, set())}
    for path in files:
        shown = str(MAIN / path.name)
        if not _is_class_list(path, splits):
            for number, fields in _lines(path):
                if len(fields) != 1:
                    found.problems.append(
                        (shown, number, f"a split list holds one image id a line, got {fields}")
                    )
                    continue
                known = found.subset.get(fields[0])
                if known is None or known in UNION_SPLITS:
                    found.subset[fields[0]] = path.stem
            continue
        class_name = path.stem.rsplit("_", 1)[0]
        for number, fields in _lines(path):
            if len(fields) != 2 or fields[1] not in ("1", "0", "-1"):
                found.problems.append(
                    (shown, number, f"a class list line is '<image id> 1|0|-1', got {fields}")
                )
                continue
            found.classes.setdefault(fields[0], []).append(
                (class_name, int(fields[1]), shown, number)
            )
    _segmentation_lists(root, found)
    return found


def _segmentation_lists(root: Path, found: SplitLists) -> None:
    """Images only the segmentation task lists (VOC2012 has such) join the items too."""
    folder = root / SEGMENTATION
    if not folder.is_dir():
        return
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix == ".txt"):
        for number, fields in _lines(path):
            if len(fields) != 1:
                found.problems.append(
                    (
                        str(SEGMENTATION / path.name),
                        number,
                        f"a split list holds one image id a line, got {fields}",
                    )
                )
            elif fields[0] not in found.subset:
                found.subset[fields[0]] = path.stem


def _is_class_list(path: Path, splits: set[str]) -> bool:
    """``cat_train.txt`` (class ``cat`` of split ``train``) rather than a split list: its
    suffix names a split, or its lines have two columns."""
    if "_" in path.stem and path.stem.rsplit("_", 1)[1] in splits:
        return True
    first = next(_lines(path), None)
    return first is not None and len(first[1]) == 2


def annotation_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(image id, XML file) of a VOC-proper tree, ids relative to ``Annotations``."""
    folder = root / ANNOTATIONS
    if not folder.is_dir():
        return
    for path in walk(folder, (".xml",)):
        yield path.relative_to(folder).with_suffix("").as_posix(), path


def relaxed_files(root: Path) -> Iterator[Path]:
    """Every XML file of a relaxed layout (whether it is a VOC annotation is checked later)."""
    yield from walk(root, (".xml",))


def relaxed_subset(root: Path, xml: Path) -> str | None:
    """The split of a relaxed layout's file: its folder (``train/``), unless that is just the
    folder of all annotations."""
    parent = xml.parent
    if parent == root or parent.name.lower() == "annotations":
        return None
    return parent.relative_to(root).as_posix()


def image_of(root: Path, image_id: str) -> str | None:
    """The file of an image id that no annotation names (``JPEGImages/<id>.<ext>``)."""
    for suffix in IMAGE_SUFFIXES:
        if (root / IMAGES / f"{image_id}{suffix}").is_file():
            return f"{image_id}{suffix}"
    return None


def media_places(root: Path, xml: Path | None, file_name: str, image_id: str) -> tuple[str, ...]:
    """Where an image may be, relative to ``root``, most likely first (plain string joins:
    this runs once per image)."""
    places = [f"{IMAGES}/{file_name}"]
    parent = posixpath.dirname(image_id)
    if parent:
        places.append(f"{IMAGES}/{parent}/{file_name}")
    if xml is not None and xml.parent.name != ANNOTATIONS:
        # a relaxed layout: beside the XML file, or in an images folder next to it
        here = posixpath.relpath(xml.parent.as_posix(), root.as_posix())
        up = posixpath.dirname(here) if here != "." else ".."
        for folder in (here, f"{up}/images", f"{here}/images", up):
            places.append(posixpath.normpath(f"{folder}/{file_name}"))
    places.append(f"images/{file_name}")
    places.append(file_name)
    return tuple(dict.fromkeys(p for p in places if not p.startswith("..")))
