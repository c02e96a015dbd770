"""Exporting a project in a registered format.

Export reads the project in keyset pages of items (bounded memory whatever its size) and
streams them through the format's writer: as core objects, or, for a format that writes the
stored JSON itself (``StoredWriter``, such as COCO), as the stored documents, since
building a model per object cost more than writing the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO, TypeVar

from pydantic import BaseModel
from sqlalchemy import Text, and_, bindparam, cast, func, select

from ontolabel.core.annotation import AnnotationSource
from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.errors import FormatError, Location, NotFound
from ontolabel.formats import (
    AnnotationRecord,
    ExportRecord,
    Format,
    WriteStats,
    formats_for,
    get_format,
)
from ontolabel.formats.base import AnnotationStatus
from ontolabel.formats.jsonl import JsonAnnotation, JsonItem, JsonlFormat, JsonlOptions
from ontolabel.formats.stored import StoredAnnotation, StoredRecord, StoredWriter
from ontolabel.services import projects, users
from ontolabel.services.access import Role
from ontolabel.services.progress import Progress
from ontolabel.services.workspace import Workspace
from ontolabel.storage.mappers import (
    annotations_as_json,
    annotations_from_json,
    documents_from_json_text,
    media_infos_as_json,
    media_infos_from_json,
)
from ontolabel.storage.tables import (
    AnnotationRevisionRow,
    AnnotationRow,
    ItemMediaRow,
    ItemRow,
    ProjectRow,
    UserRow,
    table_of,
)

EXPORT_PAGE = 500

_items = table_of(ItemRow)
_media = table_of(ItemMediaRow)
_heads = table_of(AnnotationRow)
_revisions = table_of(AnnotationRevisionRow)
_users = table_of(UserRow)
_Record = TypeVar("_Record")
_Value = TypeVar("_Value")


def export_project(
    ws: Workspace,
    project_id: int,
    fmt: str | Format[Any],
    out: BinaryIO,
    *,
    options: Mapping[str, Any] | BaseModel | None = None,
    progress: Progress | None = None,
    user_id: int | None = None,
) -> WriteStats:
    """Write the whole project to ``out`` in ``fmt``; with ``user_id``, check the caller may
    export (reviewer or owner) — callers that checked already leave it out."""
    if user_id is not None:
        projects.check_role(ws, project_id, user_id=user_id, minimum=Role.REVIEWER)
    fmt_obj = get_format(fmt) if isinstance(fmt, str) else fmt
    if not fmt_obj.can_write:
        raise FormatError(f"format {fmt_obj.name!r} cannot be exported")
    parsed = fmt_obj.parse_options(options)
    _check_fit(ws, project_id, fmt_obj, parsed)
    _, ontology = projects.current_ontology(ws, project_id)
    if isinstance(fmt_obj, JsonlFormat) and isinstance(parsed, JsonlOptions):
        # canonical JSONL is the stored JSON itself: no core objects in between
        items = _each(ws, project_id, progress, _json_items)
        return fmt_obj.write_json_items(items, out, ontology=ontology, options=parsed)
    if isinstance(fmt_obj, StoredWriter):
        stored = _each(ws, project_id, progress, _stored_records)
        return fmt_obj.write_stored(
            stored, out, ontology=ontology, options=parsed, media=StoredMedia(ws)
        )
    records = _each(ws, project_id, progress, _export_records)
    return fmt_obj.write(records, out, ontology=ontology, options=parsed, media=StoredMedia(ws))


def _check_fit(ws: Workspace, project_id: int, fmt: Format[Any], options: BaseModel) -> None:
    """Refuse an export that could only be empty: a format that does not carry the
    project's modality, or an annotator filter naming nobody (a typo would otherwise give
    a file without labels and no word why)."""
    with ws.read_session() as session:
        modality = Modality(session.get_one(ProjectRow, project_id).modality)
    if modality not in fmt.modalities:
        fitting = ", ".join(f.name for f in formats_for(modality, ()))
        raise FormatError(
            f"format {fmt.name!r} carries {', '.join(sorted(m.value for m in fmt.modalities))}"
            f" items; this project's are {modality.value}",
            hint=f"formats for {modality.value} projects: {fitting}",
        )
    annotator = getattr(options, "annotator", None)
    if isinstance(annotator, str) and users.get_user_by_name(ws, annotator) is None:
        raise FormatError(
            f"annotator {annotator!r} is not a user of this workspace",
            location=Location(path="annotator"),
            hint="give a user name as `ontolabel user` lists them, or leave annotator out",
        )


class StoredMedia:
    """The workspace's blob store as a writer's ``MediaSource``."""

    def __init__(self, ws: Workspace):
        self._blobs = ws.blobs

    def open(self, sha256: str) -> BinaryIO:
        if not self._blobs.exists(sha256):
            raise NotFound(
                f"media {sha256[:12]}... is not in the workspace's store",
                hint="import the media again, or export without media",
            )
        return self._blobs.path(sha256).open("rb")


@dataclass
class _Page:
    """One keyset page of items as stored: rows (id, external_id, modality, text, meta);
    the media info of all of them in item and position order, with the item each belongs
    to; each annotator's current revision (username, status, revision, source, document
    as its stored JSON text), oldest work first, with its item."""

    rows: list[Any]
    media_items: list[int]
    media: list[str]  # stored JSON text
    work_items: list[int]
    work: list[tuple[str, AnnotationStatus, int, AnnotationSource, Any]]


def _grouped(item_ids: list[int], values: list[_Value]) -> dict[int, list[_Value]]:
    """``values`` (one per id of ``item_ids``) as lists by item, in order."""
    by_item: dict[int, list[_Value]] = {}
    for item_id, value in zip(item_ids, values, strict=True):
        if item_id in by_item:
            by_item[item_id].append(value)
        else:
            by_item[item_id] = [value]
    return by_item


_ITEMS = (
    select(
        _items.c.id,
        _items.c.external_id,
        _items.c.modality,
        _items.c.text,
        cast(_items.c.meta, Text).label("meta"),  # decoded by _meta, as the documents are
    )
    .where(_items.c.project_id == bindparam("project_id"), _items.c.id > bindparam("after"))
    .order_by(_items.c.id)
    .limit(bindparam("limit"))
)
# The page's items are exactly the project's items with ids in (after, last]: a range
# and the project, rather than a list of 500 ids to bind, picks their media and work.
_MEDIA = (
    select(_media.c.item_id, cast(_media.c.info, Text))
    .join(_items, _items.c.id == _media.c.item_id)
    .where(
        _items.c.project_id == bindparam("project_id"),
        _media.c.item_id > bindparam("after"),
        _media.c.item_id <= bindparam("last"),
    )
    .order_by(_media.c.item_id, _media.c.position)
)
_CURRENT = (
    select(
        _heads.c.item_id,
        _users.c.username,
        _heads.c.status,
        _heads.c.current_revision,
        _revisions.c.source,
        # as text, decoded in one pass per page (orjson: half the time of the driver's json)
        cast(_revisions.c.document, Text),
    )
    .join(_users, _users.c.id == _heads.c.user_id)
    .join(
        _revisions,
        and_(
            _revisions.c.annotation_id == _heads.c.id,
            _revisions.c.revision == _heads.c.current_revision,
        ),
    )
    .join(_items, _items.c.id == _heads.c.item_id)
    .where(
        _items.c.project_id == bindparam("project_id"),
        _heads.c.item_id > bindparam("after"),
        _heads.c.item_id <= bindparam("last"),
    )
    # oldest work first: "the latest" is last, and an import keeps this order
    .order_by(_heads.c.item_id, _heads.c.updated_at, _heads.c.id)
)


def _read_page(ws: Workspace, project_id: int, after: int) -> _Page | None:
    # plain column rows, not ORM objects: an export reads every row once and never writes
    with ws.read_session() as session:
        db = session.connection()
        params = {"project_id": project_id, "after": after, "limit": EXPORT_PAGE}
        rows = list(db.execute(_ITEMS, params).all())
        if not rows:
            return None
        params["last"] = rows[-1].id
        page = _Page(rows, [], [], [], [])
        for item_id, info in db.execute(_MEDIA, params):
            page.media_items.append(item_id)
            page.media.append(info)
        for item_id, *current in db.execute(_CURRENT, params):
            page.work_items.append(item_id)
            page.work.append(tuple(current))
        return page


def _meta(stored: str | None) -> dict[str, Any]:
    """An item's meta from its stored JSON text (SQL NULL or JSON null: none)."""
    return dict((documents_from_json_text([stored])[0] if stored is not None else None) or {})


def _contents(page: _Page) -> Iterator[ItemContent]:
    """Each item's content, built as it is asked for (so that it dies young: see
    ``_stored_records``); the page's media infos are validated in one call."""
    media = _grouped(page.media_items, media_infos_from_json(page.media))
    for r in page.rows:
        yield ItemContent(
            modality=Modality(r.modality),
            media=media.get(r.id, []),
            text=r.text,
            meta=_meta(r.meta),
        )


def _export_records(page: _Page) -> list[ExportRecord]:
    """The page as core objects, for any format's writer."""
    documents = annotations_from_json(documents_from_json_text([w[4] for w in page.work]))
    work = _grouped(page.work_items, list(zip(page.work, documents, strict=True)))
    return [
        ExportRecord(
            item_id=r.id,
            external_id=r.external_id,
            content=content,
            annotations=[
                AnnotationRecord(
                    document=document,
                    user=username,
                    status=status,
                    revision=revision,
                    source=source,
                )
                for (username, status, revision, source, _), document in work.get(r.id, ())
            ],
        )
        for r, content in zip(page.rows, _contents(page), strict=True)
    ]


def _stored_records(page: _Page) -> Iterator[StoredRecord]:
    """The page with its documents as stored, for a ``StoredWriter``: no model per object
    (the writer builds those it needs). Each item's documents are decoded as it is
    handed over: the whole page's, decoded at once, outlived the young generation and
    made the garbage collector scan them again and again (a quarter of a COCO export)."""
    work = _grouped(page.work_items, page.work)
    for r, content in zip(page.rows, _contents(page), strict=True):
        current = work.get(r.id, [])
        documents = documents_from_json_text([w[4] for w in current])
        yield StoredRecord(
            item_id=r.id,
            external_id=r.external_id,
            content=content,
            annotations=[
                StoredAnnotation(document=doc, user=u, status=st, revision=rev, source=src)
                for (u, st, rev, src, _), doc in zip(current, documents, strict=True)
            ],
        )


def _json_items(page: _Page) -> list[JsonItem]:
    """The page in JSON form for canonical JSONL: the stored JSON goes through pydantic's
    core once per page (normalised exactly as the models dump it), no model per item."""
    media = _grouped(page.media_items, media_infos_as_json(page.media))
    documents = annotations_as_json(documents_from_json_text([w[4] for w in page.work]))
    work = _grouped(
        page.work_items,
        [
            JsonAnnotation(user=u, status=st, revision=rev, source=src, document=doc)
            for (u, st, rev, src, _), doc in zip(page.work, documents, strict=True)
        ],
    )
    return [
        JsonItem(
            external_id=r.external_id,
            modality=Modality(r.modality).value,
            text=r.text,
            meta=_meta(r.meta),
            media=media.get(r.id, []),
            annotations=work.get(r.id, []),
        )
        for r in page.rows
    ]


def _each(
    ws: Workspace,
    project_id: int,
    progress: Progress | None,
    build: Callable[[_Page], Iterable[_Record]],
) -> Iterator[_Record]:
    """Every item of the project, page by page, as ``build`` makes them."""
    with ws.read_session() as session:
        total = session.scalar(
            select(func.count()).select_from(_items).where(_items.c.project_id == project_id)
        )
    done = 0
    after = 0
    while (page := _read_page(ws, project_id, after)) is not None:
        for record in build(page):
            yield record
            done += 1
            if progress is not None:
                progress(done, total)
        after = page.rows[-1].id
