"""What a COCO file holds, read in one streamed pass: its images (a few fields each), its
categories, and its annotations spooled to disk by image (see spool.py).

Nothing is judged here beyond what must be known while streaming (is an annotation an
object, which image it names, is an image well formed); the reader then checks and reports
in the order it always has, once the whole file is known to be JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any

from ontolabel.collector import collector_paused
from ontolabel.formats.coco.packing import IMAGE_IDS, Packed, pack, pack_run
from ontolabel.formats.coco.shapes import LABELS_KEY
from ontolabel.formats.coco.spool import RUN, AnnotationSpool
from ontolabel.formats.coco.stream import JsonStream

# the two lists of annotations, in the order their entries are numbered per image
ANNOTATIONS, LABELS = 0, 1
SECTIONS = ("annotations", LABELS_KEY)
# the bucket of annotations whose image_id cannot name any image (a list, an object)
NO_IMAGE = -1
_NOTHING = object()  # equal to no image_id


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_id(value: object) -> bool:
    # COCO's ids are integers; some tools (mmdetection's nuScenes files) use string tokens
    return _is_int(value) or (isinstance(value, str) and bool(value))


@dataclass(slots=True)
class Image:
    """What a record needs of an image (not its whole object: 100,000 of them are held).
    Treat it as immutable: not frozen only because a frozen one costs 2.5x the time to
    build, once an image."""

    index: int
    file_name: str
    width: Any
    height: Any


@dataclass
class Section:
    """One annotation list: whether the file has it and as what, and its length."""

    kind: str = "absent"  # absent | list | other
    count: int = 0
    # the indices of entries that are not objects at all, in file order
    problems: list[int] = field(default_factory=list)


class CocoDocument:
    """One COCO file read to its end (or refused while reading: it is not JSON)."""

    def __init__(self, path: Path):
        self.kind = "other"  # object | list | other (the top-level value)
        self.first: object = None  # a top-level list's first element
        self.has_images = False
        self.images_is_list = False
        self.images: dict[Any, Image] = {}
        self.image_problems: list[tuple[str, str]] = []  # (message, where)
        self.categories: object = []
        self.image_is_object = False  # SA-1B: one 'image' object
        self.sections = (Section(), Section())
        self.panoptic = False
        # image_id -> bucket, in order of first appearance; dict lookup, as the old in-memory
        # grouping did (so image_id 1.0 names image 1)
        self.buckets: dict[Any, int] = {}
        self.unnamed = False  # some annotation's image_id is a list or an object
        self.spool = AnnotationSpool()
        try:
            with collector_paused():
                self._read(path)
        except BaseException:
            self.spool.close()
            raise

    def close(self) -> None:
        self.spool.close()

    def _read(self, path: Path) -> None:
        stream = JsonStream(path)
        try:
            if stream.is_object():
                self.kind = "object"
                for key in stream.members():
                    self._member(stream, key)
            elif stream.is_array():
                self.kind = "list"
                for index, element in enumerate(stream.elements()):
                    if index == 0:
                        self.first = element
            else:
                stream.value()
            stream.finish()
            self.spool.flush()
        finally:
            stream.close()

    def _member(self, stream: JsonStream, key: str) -> None:
        # a key given twice: the last value counts, as in json.loads
        if key == "images":
            self.has_images = True
            self.images, self.image_problems = {}, []
            self.images_is_list = stream.is_array()
            if self.images_is_list:
                for index, image in enumerate(stream.elements()):
                    self._image(index, image)
            else:
                stream.value()
        elif key in SECTIONS:
            section = SECTIONS.index(key)
            if self.sections[section].kind != "absent":
                self.spool.clear(section)
            if section == ANNOTATIONS:
                self.panoptic = False
            self.sections[section].problems.clear()
            if stream.is_array():
                self.sections[section].kind = "list"
                self.sections[section].count = self._annotations(stream, section)
            else:
                self.sections[section].kind = "other"
                self.sections[section].count = 0
                stream.value()
        elif key == "categories":
            self.categories = stream.value()
        elif key == "image":
            self.image_is_object = stream.is_object()
            stream.skip()
        else:
            stream.skip()  # info, licenses, and whatever else a tool wrote

    def _image(self, index: int, image: object) -> None:
        if not isinstance(image, dict) or not is_id(image.get("id")):
            self._image_problem("an image needs an 'id' (an integer or a string)", index)
        elif not isinstance(image.get("file_name"), str) or not image["file_name"]:
            self._image_problem("an image needs a 'file_name'", index)
        elif image["id"] in self.images:
            first = self.images[image["id"]].index
            self._image_problem(f"image id {image['id']} repeats images[{first}]", index)
        else:
            self.images[image["id"]] = Image(
                index, image["file_name"], image.get("width"), image.get("height")
            )

    def _image_problem(self, message: str, index: int) -> None:
        self.image_problems.append((message, f"images[{index}]"))

    def _annotations(self, stream: JsonStream, section: int) -> int:
        problems = self.sections[section].problems
        # consecutive annotations of one image (the usual layout) go to the spool as one run;
        # one image_id equal to the last one names the same image, as the dict says
        run: list[tuple[int, dict[str, Any] | Packed]] = []
        bucket = NO_IMAGE
        last_id: Any = _NOTHING
        count = 0
        for elements in stream.runs():
            if count == 0 and section == ANNOTATIONS:
                first = elements[0]
                self.panoptic = isinstance(first, dict) and "segments_info" in first
            packed = pack_run(elements)
            if packed is not None:
                if run:
                    self.spool.add(bucket, section, run)
                    run = []
                last_id = _NOTHING  # (the next run looks its image up again)
                self._add_columns(section, count, *packed)
                count += len(elements)
                continue
            for ann in elements:
                index = count
                count += 1
                if type(ann) is not dict:
                    problems.append(index)
                    continue
                image_id = ann.get("image_id")
                if image_id is not last_id and image_id != last_id:
                    if run:
                        self.spool.add(bucket, section, run)
                        run = []
                    last_id = image_id
                    bucket = self._bucket(image_id)
                run.append((index, pack(ann)))
                if len(run) >= RUN:  # held a few at a time, however many one image has
                    self.spool.add(bucket, section, run)
                    run = []
        if run:
            self.spool.add(bucket, section, run)
        return count

    def _bucket(self, image_id: Any) -> int:
        try:
            found = self.buckets.get(image_id)
        except TypeError:  # unhashable: a list or an object names no image
            self.unnamed = True
            return NO_IMAGE
        if found is None:
            found = self.buckets[image_id] = len(self.buckets)
        return found

    def _add_columns(
        self, section: int, first: int, layout: int, columns: list[tuple[Any, ...]]
    ) -> None:
        """Spool a packed run (packing.py), its annotations grouped by image."""
        # (groupby: consecutive ids equal or the same object, as the element loop compares)
        groups = [
            (self._bucket(image_id), len(list(same)))
            for image_id, same in groupby(columns[IMAGE_IDS])
        ]
        self.spool.add_packed(section, (first, layout, *columns), groups)
