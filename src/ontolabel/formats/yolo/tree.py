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
from pathlib import Path, PurePosixPath
from typing import NamedTuple

IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".gif", ".dng", ".mpo"}
)
LABEL_FOLDERS = ("labels", "labelTxt", "Labels", "Annotations")
DOTA_FOLDER = "labelTxt"
_DARKNET_SPLIT = re.compile(r"^obj_(.+)_data$")


class ImageEntry(NamedTuple):
    # a tuple: one per image of a dataset, built ~4x faster than a frozen dataclass
    relative: str  # from the dataset root, POSIX
    name: str  # the image's name within its split folder (``sub/1.jpg``)
    split: str | None
    label: str | None  # its label file (from the root), when there is one

    @property
    def external_id(self) -> str:
        return self.name if self.split is None else f"{self.split}/{self.name}"


# Paths here are POSIX strings relative to the root ("" is the root, "a/b" a folder): a
# dataset of 100,000 images walks ~200,000 of them, and path objects cost ~10x more.


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def _walk(root: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    """Each folder under ``root`` (relative) with its file names, in a stable order, leaving
    out hidden and macOS folders and files; and all its sub-folders' names."""
    top = os.fspath(root)
    for folder, dirs, files in os.walk(top):
        every = list(dirs)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
        relative = "" if folder == top else os.path.relpath(folder, top).replace(os.sep, "/")
        yield relative, sorted(f for f in files if not f.startswith(".")), every


class _Folder:
    def __init__(self, files: frozenset[str], dirs: tuple[str, ...]):
        self.files = files
        self.dirs = dirs
        self._stems: dict[str, tuple[str, ...]] | None = None

    @property
    def images_by_stem(self) -> dict[str, tuple[str, ...]]:
        # built when first asked (by the orphan check), once per folder
        if self._stems is None:
            stems: dict[str, list[str]] = {}
            for name in sorted(self.files):
                stem, suffix = os.path.splitext(name)
                if suffix.lower() in IMAGE_SUFFIXES:
                    stems.setdefault(stem, []).append(name)
            self._stems = {k: tuple(v) for k, v in stems.items()}
        return self._stems


class _Listings:
    """The contents of a few folders, most recently asked first: pairing looks at an image's
    folder and its labels' folder in turn, so a handful of listings is all it needs."""

    SIZE = 8

    def __init__(self, root: Path):
        self.root = os.fspath(root)
        self._folders: OrderedDict[str, _Folder] = OrderedDict()

    def _list(self, folder: str) -> _Folder:
        files: set[str] = set()
        dirs: list[str] = []
        try:
            with os.scandir(os.path.join(self.root, folder)) as entries:
                for entry in entries:
                    if entry.is_dir():
                        dirs.append(entry.name)
                    else:
                        files.add(entry.name)
        except (FileNotFoundError, NotADirectoryError):
            pass
        return _Folder(frozenset(files), tuple(sorted(dirs)))

    def put(self, folder: str, files: list[str], dirs: list[str]) -> None:
        """A folder the walk has just listed (``files`` all its files), so as not to list
        it twice."""
        self._keep(folder, _Folder(frozenset(files), tuple(sorted(dirs))))

    def _keep(self, folder: str, found: _Folder) -> None:
        self._folders[folder] = found
        self._folders.move_to_end(folder)
        while len(self._folders) > self.SIZE:
            self._folders.popitem(last=False)

    def get(self, folder: str) -> _Folder:
        found = self._folders.get(folder)
        if found is None:
            found = self._list(folder)
        self._keep(folder, found)
        return found


def is_image(path: PurePosixPath | str) -> bool:
    return os.path.splitext(str(path))[1].lower() in IMAGE_SUFFIXES


def _is_label_name(folder: str, name: str) -> bool:
    # files at the root are the dataset's own lists (train.txt, obj.names, classes.txt)
    return name.endswith(".txt") and bool(folder) and not name.startswith("README")


def is_label(path: PurePosixPath) -> bool:
    return path.suffix == ".txt" and len(path.parts) > 1 and not path.name.startswith("README")


def is_dota(label: PurePosixPath | str) -> bool:
    return DOTA_FOLDER in str(label).split("/")[:-1]


def _split_and_prefix(parts: list[str]) -> tuple[str | None, str]:
    """The split of the images in the folder ``parts``, and what precedes a file's name in
    an image's name within its split (``images/train/sub`` -> ``train``, ``sub/``)."""
    for i in range(len(parts) - 1, -1, -1):
        if parts[i].lower() == "images":
            if i + 1 < len(parts):  # images/<split>/...
                return parts[i + 1], "".join(f"{p}/" for p in parts[i + 2 :])
            return (parts[i - 1] if i > 0 else None), ""
    for i in range(len(parts) - 1, -1, -1):
        match = _DARKNET_SPLIT.match(parts[i])
        if match:
            return match.group(1), "".join(f"{p}/" for p in parts[i + 1 :])
    return None, "".join(f"{p}/" for p in parts)


def _label_folders(parts: list[str]) -> list[str]:
    """Where the label files of the images in the folder ``parts`` may be, most usual first
    (the folders of label_candidates)."""
    folders: list[str] = []
    for i in range(len(parts) - 1, -1, -1):
        if parts[i].lower() == "images":
            folders += ["/".join([*parts[:i], f, *parts[i + 1 :]]) for f in LABEL_FOLDERS]
            break
    folders.append("/".join(parts))
    return folders


def label_candidates(image: PurePosixPath) -> Iterator[PurePosixPath]:
    """Where an image's label file may be, most usual first."""
    stem = image.stem + ".txt"
    for folder in _label_folders(list(image.parts[:-1])):
        yield PurePosixPath(folder, stem)


def _label_in(folders: list[str], stem: str, listings: _Listings) -> str | None:
    name = stem + ".txt"
    if name.startswith("README"):
        return None
    for folder in folders:
        if folder and name in listings.get(folder).files:
            return _join(folder, name)
    return None


class Tree:
    """One walk of a dataset tree: its images, each with its label file when it has one,
    and (once the walk is over) the label files that no image claims, in walk order."""

    def __init__(self, root: Path):
        self.root = root
        self.orphans: list[str] = []
        self._listings = _Listings(root)

    def images(self) -> Iterator[ImageEntry]:
        listings = self._listings
        for folder, names, dirs in _walk(self.root):
            listings.put(folder, names, dirs)
            parts = folder.split("/") if folder else []
            split, prefix = _split_and_prefix(parts)
            label_folders = _label_folders(parts)
            # the label files the images of this folder claim: a label file beside its
            # image (Darknet) is known to be claimed without looking for its image
            claimed: set[str] = set()
            labels: list[tuple[str, str]] = []
            for name in names:
                stem, suffix = os.path.splitext(name)
                if suffix.lower() in IMAGE_SUFFIXES:
                    label = _label_in(label_folders, stem, listings)
                    if label is not None:
                        claimed.add(label)
                    yield ImageEntry(_join(folder, name), prefix + name, split, label)
                elif _is_label_name(folder, name):
                    labels.append((name, stem))
            for name, stem in labels:
                label = _join(folder, name)
                if label not in claimed and not self._claimed(folder, parts, stem):
                    self.orphans.append(label)

    def _image_folders(self, folder: str, parts: list[str]) -> Iterator[str]:
        """Where the image of a label file in ``folder`` may be: beside it, or in an images/
        folder where a labels/ (labelTxt/, Annotations/) folder is on its path."""
        yield folder
        for i in range(len(parts) - 1, -1, -1):
            if parts[i] in LABEL_FOLDERS:
                parent = "/".join(parts[:i])
                for sibling in self._listings.get(parent).dirs:
                    if sibling.lower() == "images":
                        yield "/".join(p for p in (parent, sibling, *parts[i + 1 :]) if p)

    def _claimed(self, folder: str, parts: list[str], stem: str) -> bool:
        label = _join(folder, stem + ".txt")
        for images in list(self._image_folders(folder, parts)):
            # an image's label file follows from its folder and stem alone
            if stem in self._listings.get(images).images_by_stem:
                image_parts = images.split("/") if images else []
                if _label_in(_label_folders(image_parts), stem, self._listings) == label:
                    return True
        return False


def labels(root: Path) -> Iterator[str]:
    """Every label file of the tree."""
    for folder, names, _ in _walk(root):
        for name in names:
            if _is_label_name(folder, name):
                yield _join(folder, name)


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
