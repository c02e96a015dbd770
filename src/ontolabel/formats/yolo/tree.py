"""Where a YOLO dataset keeps its images and label files, and how they pair up.

A label file has its image's name with ``.txt``, in the image's folder (Darknet:
``obj_train_data/1.jpg`` + ``1.txt``) or in the matching folder of a parallel tree
(Ultralytics: ``images/train/1.jpg`` + ``labels/train/1.txt``; Roboflow:
``train/images/`` + ``train/labels/``; older exports: ``Images/`` + ``Annotations/``;
DOTA-style oriented boxes: ``images/`` + ``labelTxt/``). The split is the folder beside
``images`` (``images/<split>/`` or ``<split>/images/``) or Darknet's ``obj_<split>_data``.
List files (``train.txt``, ``data.yaml``'s ``train:``) are not needed to find the images:
the tree is walked, so a list naming a file that is not there cannot lose anything.
"""

from __future__ import annotations

import os
import re
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


def dataset_files(root: Path) -> list[PurePosixPath]:
    """Every file under ``root`` (relative, sorted), leaving out hidden and macOS folders."""
    found: list[PurePosixPath] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
        base = PurePosixPath(Path(folder).relative_to(root).as_posix())
        found.extend(base / f for f in sorted(files) if not f.startswith("."))
    return sorted(found, key=lambda p: p.parts)


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


def pair(root: Path, files: list[PurePosixPath]) -> tuple[list[ImageEntry], list[PurePosixPath]]:
    """The images with their label files, and the label files no image claims."""
    labels = {f for f in files if is_label(f)}
    claimed: set[PurePosixPath] = set()
    images: list[ImageEntry] = []
    for relative in files:
        if not is_image(relative):
            continue
        label = next((c for c in label_candidates(relative) if c in labels), None)
        if label is not None:
            claimed.add(label)
        split, name = _split_and_name(relative.parts)
        images.append(ImageEntry(root.joinpath(*relative.parts), relative, name, split, label))
    orphans = sorted(labels - claimed, key=lambda p: p.parts)
    return images, orphans


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
