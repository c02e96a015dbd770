"""Label Studio JSON export (a list of tasks) into import records, one per task.

A task is ``{id, data, annotations, predictions, drafts}``. ``data`` names the image (``image``,
or an ``images`` list for multi-image tasks) or holds the ``text``; its other fields become the
item's meta data. Each annotation is one annotation record (its user from ``completed_by``:
the e-mail or user name when the export includes users; a bare numeric id is the importing
user's). Predictions are model pre-labels (drafts of source ``model``); drafts of annotators
are drafts. A task with any bad result is reported (task id, annotation id, result id, type,
cause) and skipped whole, so an item is never imported half-labelled. A task whose id an
earlier task has is reported and left out (the first is the item); consecutive JSON-MIN rows
of one task are its annotations, one row each, and make one record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from PIL import Image, UnidentifiedImageError

from ontolabel.core.modality import Modality
from ontolabel.errors import FormatError, Location
from ontolabel.formats.base import (
    AnnotationRecord,
    AnnotationStatus,
    ErrorPolicy,
    ImportRecord,
    MediaRef,
)
from ontolabel.formats.labelstudio.json_min import is_json_min, task_from_row
from ontolabel.formats.labelstudio.regions import AnnotationReader, ImageSize, RegionError
from ontolabel.formats.labelstudio.stream import JsonStreamError, elements

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp")
# the key of a task's meta that keeps an item's external id when it is not the task id
EXTERNAL_ID = "ontolabel_external_id"
# files uploaded to Label Studio are stored as "<8 hex digits>-<original name>"
_UPLOAD_PREFIX = re.compile(r"^[0-9a-f]{8}-")
UPLOADS = "/data/upload/"


def media_name(url: str) -> str:
    """The file name, as the user gave it, that a Label Studio task's image URL refers to."""
    return _media_files(url)[0]


def _media_files(url: str) -> tuple[str, ...]:
    """The image's name as the user gave it, then the name Label Studio stored it under if
    that differs (uploads are kept as "<8 hex digits>-<name>" under /data/upload/)."""
    if "://" in url or url.startswith("/"):
        parsed = urlparse(url)
        local = parse_qs(parsed.query).get("d")  # /data/local-files/?d=folder/name.jpg
        path = local[0] if local else unquote(parsed.path)
        stored = path.rsplit("/", 1)[-1]
        if not local and parsed.path.startswith(UPLOADS):
            original = _UPLOAD_PREFIX.sub("", stored)
            if original and original != stored:
                return original, stored
        return (stored,)
    return (url.rsplit("/", 1)[-1],)


def _candidates(folder: Path, url: str) -> tuple[Path, ...]:
    names = _media_files(url)
    return tuple(p for n in names for p in (folder / n, folder / "images" / n))


def local_size(paths: tuple[Path, ...]) -> tuple[int, int] | None:
    """The displayed size (EXIF orientation applied) of the first of ``paths`` that is an
    image, for results that give no original size (the editor's percent are of that view)."""
    for path in paths:
        if not path.is_file():
            continue
        try:
            with Image.open(path) as img:
                width, height = img.size
                # orientations 5-8 turn the picture a quarter: the viewer swaps the sides
                if img.getexif().get(0x0112, 1) in (5, 6, 7, 8):
                    width, height = height, width
                return width, height
        except (OSError, UnidentifiedImageError):
            continue
    return None


def user_of(completed_by: object) -> str | None:
    """The annotator's name: e-mail or user name when the export includes users."""
    if isinstance(completed_by, dict):
        for key in ("email", "username"):
            if isinstance(completed_by.get(key), str) and completed_by[key]:
                return str(completed_by[key])
    return None


def _image_sources(data: dict[str, Any]) -> tuple[str, list[str]] | None:
    """The data key of the task's image(s) and their URLs, or None for a task of no image."""
    if isinstance(data.get("image"), str):
        return "image", [data["image"]]
    images = data.get("images")
    if isinstance(images, list) and images and all(isinstance(i, str) for i in images):
        return "images", list(images)
    found = [
        k
        for k, v in data.items()
        if isinstance(v, str) and urlparse(v).path.lower().endswith(IMAGE_SUFFIXES)
    ]
    return (found[0], [data[found[0]]]) if len(found) == 1 else None


def _text_key(data: dict[str, Any], spans: list[tuple[int, int, str]]) -> str | None:
    """The data field holding the task's text: ``text``, else the one string field that every
    span of the task quotes (Label Studio's config may name it anything, e.g. ``$ner``)."""
    if isinstance(data.get("text"), str):
        return "text"
    if not spans:
        return None
    fits = [
        k
        for k, v in data.items()
        if isinstance(v, str) and all(v[s:e] == quoted or quoted in v for s, e, quoted in spans)
    ]
    return fits[0] if len(fits) == 1 else None


def _spans(task: dict[str, Any]) -> list[tuple[int, int, str]]:
    """The (start, end, text) every text span result of the task gives."""
    found: list[tuple[int, int, str]] = []
    for list_key in ("annotations", "completions", "predictions"):
        entries = task.get(list_key)
        for ann in entries if isinstance(entries, list) else []:
            results = ann.get("result") if isinstance(ann, dict) else None
            for result in results if isinstance(results, list) else []:
                value = result.get("value") if isinstance(result, dict) else None
                if isinstance(value, dict) and isinstance(value.get("text"), str):
                    start, end = value.get("start"), value.get("end")
                    if isinstance(start, int) and isinstance(end, int):
                        found.append((start, end, value["text"]))
    return found


def _names(record: ImportRecord) -> list[str]:
    return [m.name for m in record.media]


def _row_task(value: object) -> object:
    """The task id of a JSON-MIN row (None: not a row, or a row of no id)."""
    return value.get("id") if isinstance(value, dict) and is_json_min(value) else None


class LabelStudioReader:
    def __init__(self, path: Path, policy: ErrorPolicy):
        self.path = path
        self.file = path.name
        self.policy = policy
        # an item's id -> the index of the task that gave it first
        self.seen: dict[str, int] = {}

    def records(self) -> Iterator[ImportRecord]:
        pending: ImportRecord | None = None  # held while the next task may be its next row
        rows_of: object = None  # the task id of the JSON-MIN rows being read
        first_row = 0
        broken: JsonStreamError | None = None
        try:
            for element in elements(self.path):
                index, line = element.index, element.line
                row_of = _row_task(element.value)
                more_rows = row_of is not None and row_of == rows_of
                rows_of = row_of
                record = self._task(index, line, element.value, more_rows)
                if not more_rows:
                    if pending is not None:
                        yield pending
                    pending, first_row = record, index
                elif pending is None or record is None:
                    pending = None  # a bad row of a task leaves the whole task out
                elif (record.text, _names(record)) == (pending.text, _names(pending)):
                    pending.annotations.extend(record.annotations)
                else:
                    self._report(
                        f"task id {row_of!r} repeats task [{first_row}] with other data",
                        line,
                        record.external_id,
                        f"[{index}].id",
                    )
        except JsonStreamError as exc:
            broken = exc
        if pending is not None:
            yield pending
        if broken is not None:
            at = Location(file=self.file, line=broken.line)
            raise FormatError(str(broken), location=at) from broken

    def _report(self, message: str, line: int, item: str | None, path: str) -> None:
        self.policy.report(message, Location(file=self.file, line=line, item=item, path=path))

    def _task(self, index: int, line: int, task: object, more_rows: bool) -> ImportRecord | None:
        """The task's record, or None when it is reported; ``more_rows``: a further JSON-MIN
        row of the task before (its id is that task's, not a repeat)."""
        where = f"[{index}]"
        if not isinstance(task, dict):
            self._report("a task must be a JSON object", line, None, where)
            return None
        if is_json_min(task):
            task = task_from_row(task)
        if not isinstance(task.get("data"), dict):
            self._report(
                "the task has no 'data' object (its image or text): Label Studio exports each "
                "task with its data",
                line,
                None if task.get("id") is None else str(task["id"]),
                f"{where}.data",
            )
            return None
        data: dict[str, Any] = task["data"]
        task_id = task.get("id")
        # a task's meta (Label Studio keeps it beside the data) may name the item's own id
        meta_of_task = task.get("meta")
        if isinstance(meta_of_task, dict) and EXTERNAL_ID in meta_of_task:
            external, id_key = meta_of_task[EXTERNAL_ID], f"meta.{EXTERNAL_ID}"
        else:
            external, id_key = task_id, "id"
        item = None if external is None else str(external)
        if item is not None and not more_rows:
            # the importer keeps one item per id: a second task of it would be lost unsaid
            first = self.seen.setdefault(item, index)
            if first != index:
                message = f"task {id_key} {external!r} repeats task [{first}]"
                self._report(message, line, item, f"{where}.{id_key}")
                return None
        label = f"task {task_id}" if task_id is not None else f"task [{index}]"
        images = _image_sources(data)
        text_key = None if images is not None else _text_key(data, _spans(task))
        if images is not None:
            key, urls = images
            modality, text = Modality.IMAGE, None
        elif text_key is not None:
            key, urls, modality, text = text_key, [], Modality.TEXT, data[text_key]
        else:
            self._report(
                f"{label}: its data ({', '.join(sorted(data)) or 'empty'}) has no image and "
                "no 'text' field (nor one that its spans quote); ontolabel reads Label Studio "
                "image and text tasks (name the field holding a task's text 'text')",
                line,
                item,
                f"{where}.data",
            )
            return None
        sizes = ImageSize(
            fallback=lambda i: (
                local_size(_candidates(self.path.parent, urls[i])) if i < len(urls) else None
            )
        )
        sources = [("annotations", "submitted"), ("completions", "submitted")]
        sources += [("drafts", "draft"), ("predictions", "draft")]
        for list_key, _ in sources:
            if not isinstance(task.get(list_key) or [], list):
                self._report(f"{label}: {list_key} must be a list", line, item, where)
                return None
            for ann in task.get(list_key) or []:
                results = ann.get("result") if isinstance(ann, dict) else None
                for result in results if isinstance(results, list) else []:
                    if isinstance(result, dict):
                        sizes.learn(result)
        reader = AnnotationReader(text, sizes, len(urls))
        records: list[AnnotationRecord] = []
        ok = True
        for list_key, status in sources:
            for n, ann in enumerate(task.get(list_key) or []):
                record = self._annotation(reader, ann, (list_key, n), status, label)
                if isinstance(record, str):
                    self._report(record, line, item, f"{where}.{list_key}[{n}]")
                    ok = False
                elif record is not None:
                    records.append(record)
        if not ok:
            return None
        meta = {k: v for k, v in data.items() if k != key}
        media = [
            MediaRef(
                name=media_name(url),
                candidates=_candidates(self.path.parent, url),
                width=sizes.sizes.get(i, (None, None))[0],
                height=sizes.sizes.get(i, (None, None))[1],
            )
            for i, url in enumerate(urls)
        ]
        return ImportRecord(
            location=Location(file=self.file, line=line, item=item, path=where),
            modality=modality,
            external_id=item,
            media=media,
            text=text,
            meta=meta,
            annotations=records,
        )

    def _annotation(
        self,
        reader: AnnotationReader,
        ann: object,
        entry: tuple[str, int],
        status: str,
        label: str,
    ) -> AnnotationRecord | str | None:
        """The record of one annotation, prediction or draft, or why it cannot be read."""
        list_key, index = entry
        if not isinstance(ann, dict):
            return f"{label}: an entry of {list_key} must be an object"
        results = ann.get("result") or []
        if not isinstance(results, list):
            return f"{label}: result must be a list"
        name = f"{label}, {list_key[:-1]} {ann.get('id', f'[{index}]')}"
        model = list_key == "predictions"
        score = ann.get("score") if model and isinstance(ann.get("score"), int | float) else None
        try:
            document = reader.read(results, score)
        except RegionError as exc:
            return f"{name}, {exc}"
        except ValueError as exc:  # pydantic: a value core refuses (e.g. a non-finite number)
            return f"{name}: {exc}"
        if not document.objects and not results:
            return None  # an empty annotation or prediction carries nothing
        user = ann.get("user") if list_key == "drafts" else ann.get("completed_by")
        by: AnnotationStatus = "submitted" if status == "submitted" else "draft"
        return AnnotationRecord(
            document=document,
            user=None if model else (user if isinstance(user, str) else user_of(user)),
            status=by,
            source="model" if model else "human",
        )
