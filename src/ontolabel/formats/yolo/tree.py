"""Where a YOLO dataset keeps its images and label files, and how they pair up.

A label file has its image's name with ``.txt``, in the image's folder (Darknet:
``obj_train_data/1.jpg`` + ``1.txt``) or in the matching folder of a parallel tree
(Ultralytics: ``images/train/1.jpg`` + ``labels/train/1.txt``; Roboflow:
``train/images/`` + ``train/labels/``; older exports: ``Images/`` + ``Annotations/``;
DOTA-style oriented boxes: ``images/`` + ``labelTxt/``). The split is the folder beside
``images`` (``images/<split>/`` or ``<split>/images/``) or Darknet's ``obj_<split>_data``.
List files (``train.txt``, ``data.yaml``'s ``train:``) are not needed to find the images:
the tree is walked, so a list naming a file that is not there cannot lose anything.
The walk goes folder by folder and keeps only a few folder listings at a time, so memory
does not grow with the dataset (only with its largest folder).
"""

from __future__ import annotations

import os
import re
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from PIL import Image, UnidentifiedImageError

IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".gif", ".dng", ".mpo"}
)
LABEL_FOLDERS = ("labels", "labelTxt", "Labels", "Annotations")
DOTA_FOLDER = "labelTxt"
_DARKNET_SPLIT = re.compile(r"^obj_(.+)_data$")
EXIF_ORIENTATION = 0x0112


@dataclass(frozen=True)
class ImageEntry:
    path: Path
    relative: PurePosixPath  # from the dataset root
    name: str  # the image's name within its split folder (``sub/1.jpg``)
    split: str | None
    label: PurePosixPath | None  # its label file, when there is one

    @property
    def external_id(self) -> str:
        return self.name if self.split is None else f"{self.split}/{self.name}"


def _walk(root: Path) -> Iterator[tuple[PurePosixPath, list[str]]]:
    """Each folder under ``root`` (relative) with its file names, in a stable order, leaving
    out hidden and macOS folders and files."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
        relative = PurePosixPath(Path(folder).relative_to(root).as_posix())
        yield relative, sorted(f for f in files if not f.startswith("."))


@dataclass(frozen=True)
class _Folder:
    files: frozenset[str]
    dirs: tuple[str, ...]
    images_by_stem: dict[str, tuple[str, ...]]


class _Listings:
    """The contents of a few folders, most recently asked first: pairing looks at an image's
    folder and its labels' folder in turn, so a handful of listings is all it needs."""

    SIZE = 8

    def __init__(self, root: Path):
        self.root = root
        self._folders: OrderedDict[PurePosixPath, _Folder] = OrderedDict()

    def _list(self, folder: PurePosixPath) -> _Folder:
        files: set[str] = set()
        dirs: list[str] = []
        try:
            with os.scandir(self.root.joinpath(*folder.parts)) as entries:
                for entry in entries:
                    if entry.is_dir():
                        dirs.append(entry.name)
                    else:
                        files.add(entry.name)
        except (FileNotFoundError, NotADirectoryError):
            pass
        stems: dict[str, list[str]] = {}
        for name in sorted(files):
            stem, suffix = os.path.splitext(name)
            if suffix.lower() in IMAGE_SUFFIXES:
                stems.setdefault(stem, []).append(name)
        return _Folder(
            frozenset(files), tuple(sorted(dirs)), {k: tuple(v) for k, v in stems.items()}
        )

    def get(self, folder: PurePosixPath) -> _Folder:
        found = self._folders.get(folder)
        if found is None:
            found = self._folders[folder] = self._list(folder)
            while len(self._folders) > self.SIZE:
                self._folders.popitem(last=False)
        self._folders.move_to_end(folder)
        return found


def is_image(path: PurePosixPath) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES


def is_label(path: PurePosixPath) -> bool:
    # files at the root are the dataset's own lists (train.txt, obj.names, classes.txt)
    return path.suffix == ".txt" and len(path.parts) > 1 and not path.name.startswith("README")


def is_dota(label: PurePosixPath) -> bool:
    return DOTA_FOLDER in label.parts[:-1]


def _split_and_name(parts: tuple[str, ...]) -> tuple[str | None, str]:
    for i in range(len(parts) - 2, -1, -1):
        if parts[i].lower() == "images":
            if i + 2 < len(parts):  # images/<split>/<name>
                return parts[i + 1], "/".join(parts[i + 2 :])
            return (parts[i - 1] if i > 0 else None), "/".join(parts[i + 1 :])
    for i in range(len(parts) - 2, -1, -1):
        match = _DARKNET_SPLIT.match(parts[i])
        if match:
            return match.group(1), "/".join(parts[i + 1 :])
    return None, "/".join(parts)


def label_candidates(image: PurePosixPath) -> Iterator[PurePosixPath]:
    """Where an image's label file may be, most usual first."""
    parts = image.parts
    stem = image.stem + ".txt"
    for i in range(len(parts) - 2, -1, -1):
        if parts[i].lower() == "images":
            for folder in LABEL_FOLDERS:
                yield PurePosixPath(*parts[:i], folder, *parts[i + 1 : -1], stem)
            break
    yield image.with_suffix(".txt")


def _label_of(image: PurePosixPath, listings: _Listings) -> PurePosixPath | None:
    return next(
        (
            c
            for c in label_candidates(image)
            if is_label(c) and c.name in listings.get(c.parent).files
        ),
        None,
    )


def images(root: Path) -> Iterator[ImageEntry]:
    """The images of the tree, each with its label file when it has one."""
    listings = _Listings(root)
    for folder, names in _walk(root):
        for name in names:
            if os.path.splitext(name)[1].lower() not in IMAGE_SUFFIXES:
                continue
            relative = folder / name
            split, within = _split_and_name(relative.parts)
            yield ImageEntry(
                root.joinpath(*relative.parts),
                relative,
                within,
                split,
                _label_of(relative, listings),
            )


def labels(root: Path) -> Iterator[PurePosixPath]:
    """Every label file of the tree."""
    for folder, names in _walk(root):
        for name in names:
            if name.endswith(".txt") and is_label(folder / name):
                yield folder / name


def _image_folders(label: PurePosixPath, listings: _Listings) -> Iterator[PurePosixPath]:
    """Where the image of a label file may be: beside it, or in an images/ folder where a
    labels/ (labelTxt/, Annotations/) folder is on its path."""
    yield label.parent
    parts = label.parts
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] in LABEL_FOLDERS:
            parent = PurePosixPath(*parts[:i])
            for sibling in listings.get(parent).dirs:
                if sibling.lower() == "images":
                    yield parent.joinpath(sibling, *parts[i + 1 : -1])


def orphan_labels(root: Path) -> Iterator[PurePosixPath]:
    """The label files that no image claims (as ``images`` pairs them)."""
    listings = _Listings(root)
    for label in labels(root):
        claimed = any(
            _label_of(folder / name, listings) == label
            for folder in list(_image_folders(label, listings))
            for name in listings.get(folder).images_by_stem.get(label.stem, ())
        )
        if not claimed:
            yield label


def image_size(path: Path) -> tuple[int, int]:
    """(width, height) as displayed (EXIF orientation applied), from the file's header only:
    YOLO normalises by the size a viewer (and the trainer, after exif_transpose) sees."""
    try:
        with Image.open(path) as img:
            width, height = img.size
            try:
                orientation = img.getexif().get(EXIF_ORIENTATION, 1)
            except Exception:  # noqa: BLE001 - a broken EXIF block leaves the stored size
                orientation = 1
    except Image.DecompressionBombError as exc:
        raise ValueError(f"the image is too large to read ({exc})") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValueError(f"not a readable image ({exc})") from exc
    if orientation in (5, 6, 7, 8):
        return height, width
    return width, height


def classification_splits(root: Path) -> list[Path]:
    """The split folders of an Ultralytics classification tree (``train/<class>/<image>``):
    folders whose sub-folders hold images directly. Empty when the tree is not one."""
    splits: list[Path] = []
    for split in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        classes = [c for c in split.iterdir() if c.is_dir()]
        if split.name.lower() in ("images", "labels") or not classes:
            return []
        for cls in classes:
            if not any(is_image(PurePosixPath(f.name)) for f in cls.iterdir() if f.is_file()):
                return []
        splits.append(split)
    return splits
