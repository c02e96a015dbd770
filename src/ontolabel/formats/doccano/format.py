"""doccano JSONL: text items with spans, document categories and relations."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, ClassVar, Literal

from pydantic import Field

from ontolabel.core.annotation import Annotation
from ontolabel.core.geometry import Span, Tag
from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.core.ontology import Ontology
from ontolabel.core.text_offsets import codepoint_span_to_utf16
from ontolabel.errors import Location
from ontolabel.formats.base import (
    AnnotationRecord,
    Detection,
    ErrorPolicy,
    ExportRecord,
    Format,
    ImportRecord,
    WriteStats,
)
from ontolabel.formats.doccano.lines import (
    LABEL_KEYS,
    RESERVED,
    TEXT_KEYS,
    LineReader,
    Units,
    has_wide_characters,
    id_value,
)
from ontolabel.formats.json_syntax import not_json
from ontolabel.formats.media import MediaSource
from ontolabel.formats.registry import register
from ontolabel.formats.selection import SelectionOptions

HEAD_BYTES = 1 << 20
BOM = b"\xef\xbb\xbf"


class DoccanoOptions(SelectionOptions):
    form: Literal["entities", "label"] = Field(
        default="entities",
        description=(
            "entities: doccano's relation form (entities with ids, relations, cats); "
            "label: the legacy 'label' list ([start, end, label] spans, then category names; "
            "relations cannot be written)"
        ),
    )


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _dumps(obj: Any) -> bytes:
    return (
        json.dumps(obj, ensure_ascii=False, allow_nan=False, default=_json_value) + "\n"
    ).encode()


def _detect_line(obj: dict[str, Any]) -> Detection:
    if "format" in obj or "modality" in obj:
        return Detection(0.0, "an ontolabel JSONL line, not doccano")
    text_key = next((k for k in TEXT_KEYS if k in obj), None)
    if text_key is None or not isinstance(obj[text_key], str):
        if "filename" in obj:
            return Detection(0.0, "a doccano image/audio line ('filename'): not read here")
        return Detection(0.0, "the first line has no 'text' string")
    if isinstance(obj.get("cats"), list):
        # spaCy's cats is an object of scores; a list of names is doccano's intent form
        return Detection(0.9, "doccano 'cats' as a list of names")
    entities = obj.get("entities")
    if isinstance(entities, list) and entities:
        first = entities[0]
        if isinstance(first, dict) and "start_offset" in first:
            return Detection(0.9, "doccano entities with start_offset/end_offset")
        if isinstance(first, list) and len(first) == 3:
            return Detection(0.8, "doccano entities as [start, end, label]")
    if isinstance(obj.get("cats"), dict):
        return Detection(0.0, "'cats' is an object of scores (spaCy textcat), not doccano")
    label_key = next((k for k in LABEL_KEYS if k in obj), None)
    label = obj.get(label_key) if label_key else None
    if isinstance(label, list) and label and isinstance(label[0], list) and len(label[0]) == 3:
        return Detection(0.85, "doccano 'label' spans [start, end, label]")
    if label_key is not None or "entities" in obj or "relations" in obj or "cats" in obj:
        return Detection(0.6, f"a 'text' with doccano's {label_key or 'entities/cats'} list")
    return Detection(0.3, "a JSON line with 'text' but no doccano labels")


@register
class DoccanoFormat(Format[DoccanoOptions]):
    """Offsets in UTF-16 code units, as doccano's editor counts them (see lines.py)."""

    name = "doccano"
    title = "doccano JSONL (spans, categories, relations; offsets in UTF-16 units)"
    extension = ".jsonl"
    media_type = "application/x-ndjson"
    modalities = frozenset({Modality.TEXT})
    kinds = frozenset({GeometryKind.SPAN, GeometryKind.TAG})
    options_model = DoccanoOptions
    units: ClassVar[Units] = "utf16"

    def detect(self, path: Path) -> Detection:
        with path.open("rb") as f:
            head = f.read(HEAD_BYTES)
        first = next((ln for ln in head.removeprefix(BOM).split(b"\n") if ln.strip()), b"")
        if not first:
            return Detection(0.0, "the file is empty")
        try:
            obj = json.loads(first)
        except (json.JSONDecodeError, UnicodeDecodeError):
            if first.strip() in (b"{", b"["):
                return Detection(0.0, "pretty-printed JSON, not JSON Lines")
            return Detection(0.0, "the first line is not a JSON object")
        if not isinstance(obj, dict):
            return Detection(0.0, "the first line is not a JSON object")
        return _detect_line(obj)

    def read(self, path: Path, policy: ErrorPolicy) -> Iterator[ImportRecord]:
        file = path.name
        seen: dict[str, int] = {}
        first = True
        with path.open("rb") as f:
            for lineno, raw in enumerate(f, start=1):
                if lineno == 1:
                    raw = raw.removeprefix(BOM)  # written by Windows tools as "UTF-8"
                if not raw.strip():
                    continue
                at = Location(file=file, line=lineno)
                if first and raw.strip() in (b"{", b"["):
                    # every line of a pretty-printed file is broken: say so once
                    policy.report(
                        "the file is pretty-printed JSON over many lines, not JSON Lines "
                        "(doccano JSONL has one object per line)",
                        at,
                    )
                    return
                first = False
                try:
                    obj = json.loads(raw)
                except UnicodeDecodeError:
                    policy.report("not UTF-8 text", at)
                    continue
                except json.JSONDecodeError as exc:
                    policy.report(not_json(exc.msg, exc.colno), at)
                    continue
                if not isinstance(obj, dict):
                    policy.report("a line must be a JSON object", at)
                    continue
                reader = LineReader(obj, self.units)
                line = reader.read()
                item = line.external_id if line else None
                for where, message in reader.problems:
                    policy.report(message, Location(file=file, line=lineno, path=where or None))
                if line is None:
                    continue
                if item is not None:
                    if item in seen:
                        policy.report(
                            f"id {item!r} repeats line {seen[item]}",
                            Location(file=file, line=lineno, item=item, path="id"),
                        )
                        continue
                    seen[item] = lineno
                annotations = []
                if line.objects or line.relations:
                    document = Annotation(objects=line.objects, relations=line.relations)
                    annotations.append(AnnotationRecord(document=document))
                yield ImportRecord(
                    location=Location(file=file, line=lineno, item=item),
                    modality=Modality.TEXT,
                    external_id=item,
                    text=line.text,
                    meta=line.meta,
                    annotations=annotations,
                )

    def write(
        self,
        records: Iterable[ExportRecord],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: DoccanoOptions,
        media: MediaSource | None = None,
    ) -> WriteStats:
        writer = _Writer(options, self.units)
        for record in records:
            line = writer.line(record)
            if line is not None:
                out.write(_dumps(line))
        return writer.stats


@register
class DoccanoCodepointsFormat(DoccanoFormat):
    """doccano JSONL whose offsets count code points: doccano 0.x, and files written by
    Python scripts. Never detected over ``doccano`` (they agree but for characters beyond
    U+FFFF, which detection does not look for): chosen by name."""

    name = "doccano-codepoints"
    title = "doccano JSONL with offsets in code points (doccano 0.x, Python scripts)"
    units = "codepoints"

    def detect(self, path: Path) -> Detection:
        verdict = super().detect(path)
        return Detection(
            max(0.0, verdict.confidence - 0.1), f"{verdict.reason} (if offsets count code points)"
        )


class _Writer:
    def __init__(self, options: DoccanoOptions, units: Units):
        self.options = options
        self.units = units
        self.stats = WriteStats()
        self.wide = False  # the current line's offsets need converting to UTF-16
        self.text = ""

    def line(self, record: ExportRecord) -> dict[str, Any] | None:
        content = record.content
        if content.modality != Modality.TEXT or content.text is None:
            self.stats.skip(
                f"doccano JSONL holds texts; this item is {content.modality.value}", record
            )
            return None
        self.stats.items += 1
        line: dict[str, Any] = {}
        if record.external_id is not None:
            line["id"] = id_value(record.external_id)
        line["text"] = content.text
        for key, value in content.meta.items():
            if key in RESERVED:
                self.stats.skip(
                    f"meta key {key!r} is one of doccano's own keys", record, f"meta.{key}"
                )
            else:
                line[key] = value
        chosen = self.options.one_label_set(record, self.stats, "a doccano line")
        document = chosen.document if chosen is not None else Annotation()
        self.wide = self.units == "utf16" and has_wide_characters(content.text)
        self.text = content.text
        if self.options.form == "label":
            line["label"] = self._legacy(record, document)
        else:
            line.update(self._entities(record, document))
        return line

    def _offsets(self, span: Span) -> tuple[int, int]:
        if self.wide:
            return codepoint_span_to_utf16(self.text, span.start, span.end)
        return span.start, span.end

    def _check_object(self, record: ExportRecord, index: int, document: Annotation) -> bool:
        obj = document.objects[index]
        path = f"objects[{index}]"
        if not isinstance(obj.geometry, Span | Tag):
            self.stats.skip(f"doccano has no form for a {obj.geometry.kind}", record, path)
            return False
        lost = [
            name
            for name, value in (
                ("attributes", obj.attributes),
                ("entity_id", obj.entity_id),
                ("track_id", obj.track_id),
                ("score", obj.score),
            )
            if value
        ]
        if lost:
            self.stats.skip(
                f"{', '.join(lost)} of {obj.id!r} not written: doccano has none", record, path
            )
        self.stats.objects += 1
        return True

    def _legacy(self, record: ExportRecord, document: Annotation) -> list[Any]:
        spans: list[Any] = []
        tags: list[str] = []
        for index, obj in enumerate(document.objects):
            if not self._check_object(record, index, document):
                continue
            if isinstance(obj.geometry, Span):
                spans.append([*self._offsets(obj.geometry), obj.class_name])
            else:
                tags.append(obj.class_name)
        for k, relation in enumerate(document.relations):
            self.stats.skip(
                f"relation {relation.id!r} ({relation.name}) not written: the legacy "
                "'label' form has no relations (export with form=entities)",
                record,
                f"relations[{k}]",
            )
        return spans + tags

    def _entities(self, record: ExportRecord, document: Annotation) -> dict[str, Any]:
        entities: list[dict[str, Any]] = []
        cats: list[str] = []
        written: set[str] = set()
        for index, obj in enumerate(document.objects):
            if not self._check_object(record, index, document):
                continue
            geometry = obj.geometry
            if isinstance(geometry, Span):
                written.add(obj.id)
                start, end = self._offsets(geometry)
                entities.append(
                    {
                        "id": id_value(obj.id),
                        "label": obj.class_name,
                        "start_offset": start,
                        "end_offset": end,
                    }
                )
            else:
                cats.append(obj.class_name)
        relations: list[dict[str, Any]] = []
        for k, relation in enumerate(document.relations):
            path = f"relations[{k}]"
            if relation.source not in written or relation.target not in written:
                self.stats.skip("doccano relations join two spans", record, path)
                continue
            if relation.attributes:
                self.stats.skip(f"attributes of relation {relation.id!r} not written", record, path)
            relations.append(
                {
                    "id": id_value(relation.id),
                    "from_id": id_value(relation.source),
                    "to_id": id_value(relation.target),
                    "type": relation.name,
                }
            )
        line: dict[str, Any] = {"entities": entities, "relations": relations}
        if cats:
            line["cats"] = cats
        return line
