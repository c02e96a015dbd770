"""Streaming Label Studio JSON writer: one task per item, written as it comes.

Human work goes to ``annotations`` (submitted) or ``drafts``, model work to ``predictions``.
The task's ``data`` holds the image URL (``image_prefix`` + file name, or ``images`` for an
item of several images) or the text, beside the item's meta data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any, BinaryIO
from urllib.parse import quote

from pydantic import Field

from ontolabel.core.annotation import Annotation
from ontolabel.core.modality import Modality
from ontolabel.errors import Location, Violation
from ontolabel.formats.base import AnnotationRecord, ExportRecord, WriteStats
from ontolabel.formats.labelstudio.reader import EXTERNAL_ID
from ontolabel.formats.labelstudio.results import ResultWriter, Unwritable
from ontolabel.formats.selection import SelectionOptions


class LabelStudioOptions(SelectionOptions):
    image_prefix: str = Field(
        default="",
        description=(
            "put before each image's file name in data.image, e.g. "
            "'/data/local-files/?d=images/' for Label Studio's local storage"
        ),
    )


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(obj: Any) -> bytes:
    return json.dumps(
        obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_json_value
    ).encode()


class LabelStudioWriter:
    def __init__(self, out: BinaryIO, options: LabelStudioOptions, choices: frozenset[str]):
        self.out = out
        self.choices = choices  # enum attributes: written as Choices, not as a TextArea
        self.options = options
        self.stats = WriteStats()
        self.annotation_id = 0

    def write(self, records: Iterable[ExportRecord]) -> WriteStats:
        self.out.write(b"[")
        for record in records:
            task = self._task(record)
            if task is not None:
                self.out.write((b"\n" if self.stats.items == 0 else b",\n") + dumps(task))
                self.stats.items += 1
        self.out.write(b"\n]\n")
        return self.stats

    def _url(self, name: str) -> str:
        """The image's URL: a bare name stays as it is; behind a URL prefix it is
        percent-encoded, so that any name ('+', '%', 'é') reads back byte for byte."""
        prefix = self.options.image_prefix
        if prefix.startswith("/") or "://" in prefix or "?" in prefix:
            return prefix + quote(name, safe="")
        return prefix + name

    def _skip(self, message: str, record: ExportRecord, path: str | None = None) -> None:
        item = record.external_id if record.external_id is not None else str(record.item_id)
        self.stats.skipped.append(Violation(message, Location(item=item, path=path)))

    def _task(self, record: ExportRecord) -> dict[str, Any] | None:
        content = record.content
        data: dict[str, Any] = dict(content.meta)
        if content.modality is Modality.TEXT and content.text is not None:
            data["text"] = content.text
        elif content.modality is Modality.IMAGE and content.media:
            urls = [self._url(m.name) for m in content.media]
            if len(urls) == 1:
                data["image"] = urls[0]
            else:
                data["images"] = urls
        else:
            what = content.modality.value
            self._skip(f"Label Studio JSON holds image and text items; this one is {what}", record)
            return None
        external = record.external_id
        task: dict[str, Any] = {"id": record.item_id, "data": data}
        if external != str(record.item_id):
            # the item's own name (or its lack of one), so a re-import finds the same item
            task["meta"] = {EXTERNAL_ID: external}
        lists: dict[str, list[dict[str, Any]]] = {}
        writer = ResultWriter(content.media, content.text, self.choices)
        for index, annotation in enumerate(self.options.select(record.annotations)):
            results = self._results(writer, annotation.document, record, f"annotations[{index}]")
            key, entry = self._entry(annotation, results)
            lists.setdefault(key, []).append(entry)
        task.update(lists)
        return task

    def _entry(
        self, annotation: AnnotationRecord, results: list[dict[str, Any]]
    ) -> tuple[str, dict[str, Any]]:
        self.annotation_id += 1
        entry: dict[str, Any] = {"id": self.annotation_id, "result": results}
        if annotation.source == "model":
            entry["model_version"] = annotation.user or "ontolabel"
            return "predictions", entry
        user = {"email": annotation.user} if annotation.user is not None else None
        if annotation.status == "draft":
            return "drafts", {**entry, "user": user}
        return "annotations", {**entry, "completed_by": user, "was_cancelled": False}

    def _results(
        self, writer: ResultWriter, document: Annotation, record: ExportRecord, where: str
    ) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = []
        written: dict[str, str] = {}  # object id -> the id of its (first) region
        ids = {o.id for o in document.objects}
        for index, obj in enumerate(document.objects):
            path = f"{where}.objects[{index}]"
            try:
                found, notes = writer.results(obj, ids)
            except Unwritable as exc:
                self._skip(f"{exc} ({obj.class_name}, object {obj.id})", record, path)
                continue
            for note in notes:
                self._skip(f"{note} ({obj.class_name}, object {obj.id})", record, path)
            results += found
            written[obj.id] = found[0]["id"]
            self.stats.objects += 1
        for index, relation in enumerate(document.relations):
            if relation.source not in written or relation.target not in written:
                self._skip(
                    f"relation {relation.name!r} links an object that was not written",
                    record,
                    f"{where}.relations[{index}]",
                )
                continue
            if relation.attributes:
                self._skip(
                    f"relation {relation.name!r}: Label Studio relations carry no attributes",
                    record,
                    f"{where}.relations[{index}]",
                )
            results.append(
                {
                    "type": "relation",
                    # a pose is several point regions: its first one stands for it
                    "from_id": written[relation.source],
                    "to_id": written[relation.target],
                    "direction": "right",
                    "labels": [relation.name],
                }
            )
        return results
