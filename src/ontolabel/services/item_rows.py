"""New items as rows: the records to add (``NewItem`` with its ``NewAnnotation``s), their
checks, and the chunked inserts that ``items.add_items_bulk`` runs in one transaction
(a few multi-row statements per thousand items: see storage.bulk)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any, Literal

from sqlalchemy.orm import Session

from ontolabel.core.annotation import Annotation, AnnotationSource
from ontolabel.core.item import ItemContent, MediaInfo, MediaInfoJson, as_media_info
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology
from ontolabel.errors import Location, Violation
from ontolabel.storage.bulk import BulkInsert, IdReserver, items_by_external_id
from ontolabel.storage.mappers import annotation_to_json, media_info_json_text
from ontolabel.storage.tables import (
    AnnotationRevisionRow,
    AnnotationRow,
    BlobRow,
    ItemMediaRow,
    ItemRow,
    table_of,
)
from ontolabel.storage.types import utcnow

AnnotationStatus = Literal["draft", "submitted"]
# records inserted together
CHUNK = 1000

_items = table_of(ItemRow)
_heads = table_of(AnnotationRow)
_media = table_of(ItemMediaRow)
_blobs = table_of(BlobRow)
_revisions = table_of(AnnotationRevisionRow)


@dataclass
class NewAnnotation:
    """An annotation arriving with an item (imports, pre-labels)."""

    document: Annotation
    user_id: int
    status: AnnotationStatus = "submitted"
    source: AnnotationSource = "human"
    # the revision number to store it under (an import keeps the number it exported with);
    # only this one revision is written, so earlier numbers have no stored document
    revision: int = 1
    # the document's JSON text as stored, when made already (an import checks what it
    # stores: core.storable.json_for_storing)
    json_text: str | None = None


@dataclass
class NewItem:
    """One item to add. ``media`` must already be in the blob store (see ``store_media``)."""

    modality: Modality
    external_id: str | None = None
    text: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    # an import's common file comes as its validated JSON (MediaInfoJson): no model is built
    media: Sequence[MediaInfo | MediaInfoJson] = field(default_factory=list)
    annotations: list[NewAnnotation] = field(default_factory=list)
    location: Location | None = None  # where the record came from, for error messages


@dataclass
class BulkResult:
    item_ids: list[int]  # one per record, in order; existing ids for skipped records
    created: int
    skipped: int  # records whose external_id was already in the project


def chunks(records: Iterable[NewItem], size: int) -> Iterator[list[NewItem]]:
    it = iter(records)
    while chunk := list(islice(it, size)):
        yield chunk


def check_chunk(
    chunk: Sequence[NewItem],
    project: Modality,
    ontology: Ontology | None,
    violations: list[Violation],
) -> None:
    for record in chunk:
        if (
            record.modality is project
            and (not record.media or record.media[0].modality is project)
            and (record.text is not None or project is not Modality.TEXT)
            and not record.annotations
        ):
            continue  # the common new item: nothing below could find anything wrong
        where = record.location or Location(item=record.external_id)
        if record.modality is not project:
            # the project's views and exports handle its own modality only: a stray item
            # would be shown by none and left out of exports without a word
            violations.append(Violation(modality_mismatch(record.modality, project), where))
        elif record.media and record.media[0].modality is not project:
            violations.append(Violation(primary_mismatch(record.media[0], project), where))
        if record.modality is Modality.TEXT and record.text is None:
            violations.append(Violation("a text item needs its text", where))
        for new in record.annotations:
            if new.revision < 1:
                violations.append(Violation(f"revision {new.revision} is not positive", where))
        if ontology is None:
            continue
        content = ItemContent(
            modality=record.modality,
            media=[as_media_info(m) for m in record.media],
            text=record.text,
            meta=record.meta,
        )
        for new in record.annotations:
            for v in ontology.validate(new.document, content):
                violations.append(
                    Violation(
                        v.message,
                        Location(
                            file=where.file,
                            line=where.line,
                            item=where.item or record.external_id,
                            path=v.location.path,
                        ),
                    )
                )


@dataclass
class Ids:
    """Fresh ids for one transaction's items and annotation heads."""

    items: IdReserver
    annotations: IdReserver


def insert_chunk(
    session: Session,
    project_id: int,
    chunk: list[NewItem],
    version: int,
    ids: Ids,
    result: BulkResult,
) -> None:
    db = session.connection()
    # one new item per external id: a repeat within the chunk maps to the first copy
    fresh: list[NewItem] = []
    seen: set[str] = set()
    for r in chunk:
        if r.external_id is not None:
            if r.external_id in seen:
                continue
            seen.add(r.external_id)
        fresh.append(r)
    now = utcnow()
    new_ids = ids.items.take(len(fresh))
    rows = BulkInsert(
        db,
        _items,
        ("id", "project_id", "external_id", "modality", "text", "meta", "created_at"),
        skip_conflicts_on=("project_id", "external_id"),
    )
    meta, created = rows.encoder("meta"), rows.encoder("created_at")(now)
    no_meta = meta({})  # most items have none: encode that once
    inserted = rows.run(
        [
            (
                item_id,
                project_id,
                r.external_id,
                r.modality.value,
                r.text,
                meta(r.meta) if r.meta else no_meta,
                created,
            )
            for item_id, r in zip(new_ids, fresh, strict=True)
        ]
    )
    stored: dict[str, int] = {}
    if inserted < len(fresh):
        # some external ids were in the project already (an earlier chunk, another import
        # since the caller looked, or a caller that did not look): those records are
        # skipped, and only the rows that went in get media and annotations. Looked up
        # only then: an import has already set aside the items it found.
        wanted = [r.external_id for r in fresh if r.external_id is not None]
        stored = {ext: item_id for item_id, ext in items_by_external_id(db, project_id, wanted)}
        kept = [
            (item_id, r)
            for item_id, r in zip(new_ids, fresh, strict=True)
            if r.external_id is None or stored[r.external_id] == item_id
        ]
        new_ids, fresh = [k[0] for k in kept], [k[1] for k in kept]
    blobs = {m.sha256: (m.sha256, m.size, m.mime) for r in fresh for m in r.media}
    # in key order: SQLite then walks the blobs' index pages once, not at random (its
    # keys are hashes), ~30% less work for a chunk of new files
    BulkInsert(db, _blobs, ("sha256", "size", "mime"), skip_conflicts_on=("sha256",)).run(
        sorted(blobs.values())
    )
    media = BulkInsert(db, _media, ("item_id", "position", "sha256", "name", "info"))
    media.run(
        [
            (item_id, i, m.sha256, m.name, media_info_json_text(m))
            for item_id, r in zip(new_ids, fresh, strict=True)
            for i, m in enumerate(r.media)
        ]
    )
    _insert_annotations(session, new_ids, fresh, version, now, ids.annotations)

    if len(fresh) == len(chunk):  # every record made an item (the usual chunk)
        result.item_ids.extend(new_ids)
        result.created += len(new_ids)
        return
    # ids in record order: new ones for the rows inserted, the stored ones for the rest
    fresh_ids = {id(r): item_id for item_id, r in zip(new_ids, fresh, strict=True)}
    for item_id, r in zip(new_ids, fresh, strict=True):
        if r.external_id is not None:
            stored[r.external_id] = item_id
    for r in chunk:
        new_id = fresh_ids.get(id(r))
        if new_id is not None:
            result.item_ids.append(new_id)
            result.created += 1
        else:
            result.item_ids.append(stored[r.external_id])  # type: ignore[index]
            result.skipped += 1


def _insert_annotations(
    session: Session,
    item_ids: list[int],
    records: list[NewItem],
    version: int,
    now: datetime,
    ids: IdReserver,
) -> None:
    heads = [
        (item_id, new)
        for item_id, r in zip(item_ids, records, strict=True)
        for new in r.annotations
    ]
    if not heads:
        return
    annotation_ids = ids.take(len(heads))
    db = session.connection()
    head_rows = BulkInsert(
        db, _heads, ("id", "item_id", "user_id", "current_revision", "status", "updated_at")
    )
    updated = head_rows.encoder("updated_at")(now)
    head_rows.run(
        [
            (annotation_id, item_id, new.user_id, new.revision, new.status, updated)
            for annotation_id, (item_id, new) in zip(annotation_ids, heads, strict=True)
        ]
    )
    revisions = BulkInsert(
        db,
        _revisions,
        (
            "annotation_id",
            "revision",
            "document",
            "author_id",
            "created_at",
            "ontology_version",
            "source",
            "status",
        ),
    )
    document, created = revisions.encoder("document"), revisions.encoder("created_at")(now)
    revisions.run(
        [
            (
                annotation_id,
                new.revision,
                new.json_text
                if new.json_text is not None
                else document(annotation_to_json(new.document)),
                new.user_id,
                created,
                version,
                new.source,
                new.status,
            )
            for annotation_id, (_, new) in zip(annotation_ids, heads, strict=True)
        ]
    )


def modality_mismatch(item: Modality, project: Modality) -> str:
    """Why an item of one modality cannot be added to a project of another."""
    return f"{_a(item)} item cannot join {_a(project)} project"


def primary_mismatch(info: MediaInfo | MediaInfoJson, project: Modality) -> str:
    return f"{info.name} is {info.modality.value}, but this is {_a(project)} project"


def _a(modality: Modality) -> str:
    """The modality's name with its article: "an image", "a text"."""
    article = "an" if modality.value[0] in "aeiou" else "a"
    return f"{article} {modality.value}"
