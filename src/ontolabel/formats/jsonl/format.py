"""Canonical JSONL: ontolabel's lossless format (export, then import, gives the same data)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import TypeAdapter, ValidationError

from ontolabel.core.item import MediaInfo, MediaInfoJson, media_info_json
from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.core.ontology import Ontology
from ontolabel.errors import FormatError, Location
from ontolabel.formats.base import (
    AnnotationRecord,
    BareItems,
    Detection,
    ErrorPolicy,
    ExportRecord,
    Format,
    ImportRecord,
    MediaRef,
    WriteStats,
)
from ontolabel.formats.json_syntax import not_json
from ontolabel.formats.jsonl.guard import line_problem, value_problem
from ontolabel.formats.jsonl.json_items import JsonAnnotation, JsonItem, json_item
from ontolabel.formats.jsonl.lines import (
    FORMAT_TAG,
    SHA256_PATTERN,
    VERSION,
    AnnotationLine,
    BareItemLine,
    HeaderLine,
    ItemLine,
    MediaLine,
    ProbedItemLine,
)
from ontolabel.formats.media import MediaSource
from ontolabel.formats.registry import register
from ontolabel.formats.selection import SelectionOptions
from ontolabel.formats.violations import violations_from

# detection reads this much of the file's head: enough for a header with a large ontology
HEAD_BYTES = 1 << 20
_SHA256 = re.compile(SHA256_PATTERN)
_UTF16 = "not UTF-8 text: the line holds NUL bytes (UTF-16?); save the file as UTF-8"
# bare item lines handed over at once (an import's chunk)
BARE_BATCH = 500


class JsonlOptions(SelectionOptions):
    """Canonical JSONL export options (the defaults export everything, losslessly)."""


def dumps_line(obj: Any) -> bytes:
    """One JSON line, byte-stable: same data, same bytes (the golden round trip relies on it)."""
    return (
        json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"
    ).encode()


def ontology_document(ontology: Ontology) -> dict[str, Any]:
    return ontology.document()


@register
class JsonlFormat(Format[JsonlOptions]):
    name = "jsonl"
    title = "ontolabel canonical JSONL (lossless)"
    extension = ".jsonl"
    media_type = "application/x-ndjson"
    modalities = frozenset(Modality)
    kinds = frozenset(GeometryKind)
    options_model = JsonlOptions

    # -- detection -------------------------------------------------------------------------

    def detect(self, path: Path) -> Detection:
        with path.open("rb") as f:
            head = f.read(HEAD_BYTES)
        first = next((ln for ln in head.split(b"\n") if ln.strip()), b"")
        if not first:
            return Detection(0.0, "the file is empty")
        try:
            obj = json.loads(first)
        except (json.JSONDecodeError, UnicodeDecodeError):
            if b"\n" not in head.strip() and len(head) == HEAD_BYTES:
                return Detection(0.0, "the first line is over 1 MB and not JSON")
            return Detection(0.0, "the first line is not a JSON object")
        if not isinstance(obj, dict):
            return Detection(0.0, f"the first line is a JSON {type(obj).__name__}, not an object")
        if obj.get("format") == FORMAT_TAG:
            return Detection(1.0, f"header line says {FORMAT_TAG}")
        if "modality" in obj and ("media" in obj or "text" in obj or "annotations" in obj):
            return Detection(0.7, "item lines without a header")
        return Detection(0.0, "no ontolabel.jsonl header and no item line")

    # -- import ----------------------------------------------------------------------------

    def read(self, path: Path, policy: ErrorPolicy) -> Iterator[ImportRecord]:
        for got in self.read_batches(path, policy):
            if isinstance(got, BareItems):
                yield from got.records()
            else:
                yield got

    def read_batches(self, path: Path, policy: ErrorPolicy) -> Iterator[ImportRecord | BareItems]:
        """The records, consecutive bare item lines (no annotations, media given by sha256
        with their probed info) gathered as ``BareItems`` of up to ``BARE_BATCH``."""
        seen: dict[str, int] = {}
        first = True
        places = _Places(path)
        bare = BareItems(places.file, places.base)
        with path.open("rb") as f:
            for lineno, raw in enumerate(f, start=1):
                if not raw.strip():
                    continue
                is_first, first = first, False
                problem = line_problem(raw)
                if problem is not None:
                    policy.report(f"the line {problem}", Location(file=places.file, line=lineno))
                    continue
                if not is_first and _ANNOTATED not in raw:
                    added = _add_bare(bare, raw, lineno, seen)
                    if added is not None:
                        if not added:
                            _report_repeat(policy, places.file, lineno, raw, seen)
                        elif len(bare.lines) == BARE_BATCH:
                            yield bare
                            bare = BareItems(places.file, places.base)
                        continue
                record = None if is_first else _fast_record(raw, lineno, places)
                if record is None:
                    at = Location(file=places.file, line=lineno)
                    if b"\x00" in raw:
                        policy.report(_UTF16, at)
                        continue
                    try:
                        # decoded first: json.loads would guess UTF-16 from a line's bytes
                        obj = json.loads(raw.decode("utf-8"))
                    except UnicodeDecodeError:
                        policy.report("not UTF-8 text", at)
                        continue
                    except json.JSONDecodeError as exc:
                        policy.report(not_json(exc.msg, exc.colno), at)
                        continue
                    except RecursionError:
                        policy.report("not readable: the JSON is nested too deeply", at)
                        continue
                    if not isinstance(obj, dict):
                        kind = type(obj).__name__
                        policy.report(f"a line must be a JSON object, not a {kind}", at)
                        continue
                    # a header is the first line or says it is one; any other line with a
                    # "format" key is an item line with a field too many
                    if "format" in obj and (is_first or obj["format"] == FORMAT_TAG):
                        self._check_header(obj, at, is_first)
                        continue
                    record = self._record(obj, at, places, policy)
                    if record is None:
                        continue
                extras = [
                    m.info.extra if isinstance(m.info, MediaInfo) else None for m in record.media
                ]
                problem = _values_problem(record.meta, extras)
                if problem is not None:
                    where = Location(file=places.file, line=lineno, item=record.external_id)
                    policy.report(problem, where)
                    continue
                if record.external_id is not None:
                    if record.external_id in seen:
                        policy.report(
                            f"external_id {record.external_id!r} repeats line "
                            f"{seen[record.external_id]}",
                            Location(file=places.file, line=lineno, item=record.external_id),
                        )
                        continue
                    seen[record.external_id] = lineno
                if bare.lines:  # records keep the file's order
                    yield bare
                    bare = BareItems(places.file, places.base)
                yield record
        if bare.lines:
            yield bare

    def _check_header(self, obj: dict[str, Any], at: Location, is_first: bool) -> None:
        # a bad header makes every line doubtful, so it stops the import in either mode
        if not is_first:
            raise FormatError("the header line must be the first line", location=at)
        try:
            header = HeaderLine.model_validate(obj)
        except ValidationError as exc:
            raise FormatError("bad header line", violations_from(exc, at), location=at) from exc
        if header.version > VERSION:
            raise FormatError(
                f"{FORMAT_TAG} version {header.version} is newer than ontolabel reads ({VERSION})",
                location=at,
                hint="upgrade ontolabel",
            )

    def _record(
        self, obj: dict[str, Any], at: Location, places: _Places, policy: ErrorPolicy
    ) -> ImportRecord | None:
        item = obj.get("external_id") if isinstance(obj.get("external_id"), str) else None
        at = Location(file=at.file, line=at.line, item=item)
        try:
            line = ItemLine.model_validate(obj)
        except ValidationError as exc:
            policy.extend(violations_from(exc, at))
            return None
        return _import_record(line, at, places)

    # -- export ----------------------------------------------------------------------------

    def write(
        self,
        records: Iterable[ExportRecord],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: JsonlOptions,
        media: MediaSource | None = None,
    ) -> WriteStats:
        chosen = (json_item(r, options.select(r.annotations)) for r in records)
        return _write_lines(chosen, out, ontology, None)

    def write_json_items(
        self,
        items: Iterable[JsonItem],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: JsonlOptions,
    ) -> WriteStats:
        """The file ``write`` gives for the same items, from items already in JSON form."""
        return _write_lines(items, out, ontology, options)


def _chosen(options: JsonlOptions, annotation: JsonAnnotation) -> bool:
    # SelectionOptions.select's rule, for an annotation in JSON form
    return (options.status == "any" or annotation.status == "submitted") and (
        options.annotator is None or annotation.user == options.annotator
    )


def _write_lines(
    items: Iterable[JsonItem], out: BinaryIO, ontology: Ontology, choose: JsonlOptions | None
) -> WriteStats:
    """The file; with ``choose``, only the annotations those options select."""
    stats = WriteStats()
    out.write(
        dumps_line(
            {"format": FORMAT_TAG, "version": VERSION, "ontology": ontology_document(ontology)}
        )
    )
    for item in items:
        annotations = item.annotations
        if choose is not None:
            annotations = [a for a in annotations if _chosen(choose, a)]
        out.write(
            dumps_line(
                {
                    "external_id": item.external_id,
                    "modality": item.modality,
                    "text": item.text,
                    "meta": item.meta,
                    "media": item.media,
                    "annotations": [
                        {
                            "user": a.user,
                            "status": a.status,
                            "revision": a.revision,
                            "source": a.source,
                            "document": a.document,
                        }
                        for a in annotations
                    ],
                }
            )
        )
        stats.items += 1
        stats.objects += sum(len(a.document["objects"]) for a in annotations)
    return stats


class _Places:
    """Where the files a JSONL file names may be, worked out once per file."""

    def __init__(self, path: Path) -> None:
        self.file = path.name
        self.base = path.parent
        # an export folder may keep its media content-addressed beside the JSONL file
        self.media = self.base / "media"


_PROBED = ProbedItemLine.__pydantic_validator__
_BARE = TypeAdapter(BareItemLine).validator
# a line with annotations names a document: such lines skip the bare-line check
_ANNOTATED = b'"document"'


def _fast_record(raw: bytes, lineno: int, places: _Places) -> ImportRecord | None:
    """A good line parsed straight from its bytes by pydantic's JSON parser (the common
    case, several times faster); None sends the line down the path that explains errors.
    Runs once per line of a large import: no generator or empty comprehension per line."""
    try:
        line: ProbedItemLine = _PROBED.validate_json(raw)
    except ValidationError:
        try:
            other = ItemLine.model_validate_json(raw)
        except ValidationError:
            return None
        return _import_record(
            other, Location(file=places.file, line=lineno, item=other.external_id), places
        )
    media: list[MediaRef] = []
    base = places.base
    for m in line.media:
        sha256 = m.sha256
        if not _SHA256.match(sha256):
            return None  # the other path says which entry is wrong
        # paths built only if the store lacks these bytes
        media.append(
            MediaRef(
                name=m.name,
                sha256=sha256,
                info=m,
                width=m.width,
                height=m.height,
                folder=base,
                relative=(f"media/{sha256}", m.name),
            )
        )
    return ImportRecord(
        location=Location(file=places.file, line=lineno, item=line.external_id),
        modality=line.modality,
        external_id=line.external_id,
        media=media,
        text=line.text,
        meta=line.meta,
        annotations=_annotation_records(line.annotations) if line.annotations else [],
    )


def _add_bare(bare: BareItems, raw: bytes, lineno: int, seen: dict[str, int]) -> bool | None:
    """Append the bare item line ``raw`` to ``bare``'s columns: True when added, False for a
    repeated external id (not added), None when the line is not plainly a bare item line
    (it goes down the path that builds a record, or explains what is wrong)."""
    try:
        line: BareItemLine = _BARE.validate_json(raw)
    except ValidationError:
        return None
    infos: list[MediaInfoJson] = []
    extras = False
    for m in line.get("media", ()):
        if not _SHA256.match(m["sha256"]):
            return None  # the other path says which entry is wrong
        try:
            infos.append(media_info_json(m))
        except TypeError:  # a whole number past 64 bits in ``extra``: JSON's writer takes it
            return None
        extras = extras or "extra" in m
    meta = line.get("meta") or {}
    if (meta or extras) and _values_problem(meta, [m.get("extra") for m in line["media"]]):
        return None  # the other path reports it
    external_id = line.get("external_id")
    if external_id is not None:
        if external_id in seen:
            return False
        seen[external_id] = lineno
    bare.lines.append(lineno)
    bare.modalities.append(line["modality"])
    bare.external_ids.append(external_id)
    bare.texts.append(line.get("text"))
    bare.metas.append(meta)
    bare.media.append(infos)
    return True


def _values_problem(meta: dict[str, Any], extras: list[dict[str, Any] | None]) -> str | None:
    """Why an item's free-form values (its meta, its media entries' extra) cannot be
    stored, or None."""
    if meta:
        problem = value_problem(meta)
        if problem is not None:
            return f"meta {problem}"
    for index, extra in enumerate(extras):
        problem = value_problem(extra) if extra else None
        if problem is not None:
            return f"media[{index}].extra {problem}"
    return None


def _report_repeat(
    policy: ErrorPolicy, file: str, lineno: int, raw: bytes, seen: dict[str, int]
) -> None:
    external_id = _BARE.validate_json(raw).get("external_id")
    assert external_id is not None
    policy.report(
        f"external_id {external_id!r} repeats line {seen[external_id]}",
        Location(file=file, line=lineno, item=external_id),
    )


def _import_record(line: ItemLine, at: Location, places: _Places) -> ImportRecord:
    return ImportRecord(
        location=at,
        modality=line.modality,
        external_id=line.external_id,
        media=[_media_ref(m, places) for m in line.media],
        text=line.text,
        meta=line.meta,
        annotations=_annotation_records(line.annotations),
    )


def _annotation_records(lines: list[AnnotationLine]) -> list[AnnotationRecord]:
    return [
        AnnotationRecord(
            document=a.document,
            user=a.user,
            status=a.status,
            revision=a.revision,
            source=a.source,
        )
        for a in lines
    ]


def _media_ref(line: MediaLine, places: _Places) -> MediaRef:
    candidates: list[Path] = []
    if line.path:
        candidates.append(places.base / line.path)
    if line.sha256:
        candidates.append(places.media / line.sha256)
    candidates.append(places.base / line.name)
    info = line.info()
    return MediaRef(
        name=line.name,
        sha256=line.sha256,
        info=info,
        candidates=tuple(candidates),
        width=info.width if info else line.width,
        height=info.height if info else line.height,
    )
