"""Items: adding them (one, many, from files), the keyset-paged list with the caller's
status, one item's content, and the caller's next item."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Literal

from pydantic import BaseModel
from pydantic_core import to_json
from sqlalchemy import Select, Text, and_, bindparam, cast, func, or_, select
from sqlalchemy.orm import Session

from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.errors import (
    AnnotationInvalid,
    InvalidError,
    Location,
    MediaError,
    NotFound,
    Violation,
)
from ontolabel.services.access import Role, require_item_role, require_project_role
from ontolabel.services.item_rows import (
    CHUNK,
    BulkResult,
    Ids,
    NewItem,
    check_chunk,
    chunks,
    insert_chunk,
    modality_mismatch,
    primary_mismatch,
)
from ontolabel.services.media import store_media
from ontolabel.services.projects import ontology_in_session
from ontolabel.services.workspace import Workspace
from ontolabel.storage.bulk import IdReserver
from ontolabel.storage.mappers import (
    item_content,
)
from ontolabel.storage.tables import (
    AnnotationRevisionRow,
    AnnotationRow,
    BlobRow,
    ItemMediaRow,
    ItemRow,
    ProjectRow,
    table_of,
)

ItemStatus = Literal["new", "draft", "submitted"]
MAX_PAGE = 500
PREVIEW_CHARS = 200

_items = table_of(ItemRow)
_heads = table_of(AnnotationRow)
_media = table_of(ItemMediaRow)
_blobs = table_of(BlobRow)
_revisions = table_of(AnnotationRevisionRow)


class MediaSummary(BaseModel):
    sha256: str
    name: str
    mime: str
    modality: Modality
    width: int | None = None
    height: int | None = None
    duration: float | None = None


class ItemSummary(BaseModel):
    id: int
    external_id: str | None
    modality: Modality
    media: list[MediaSummary]
    preview: str | None  # start of the text, for text items
    status: ItemStatus  # the caller's
    revision: int  # the caller's current revision, 0 when none


class ItemPage(BaseModel):
    items: list[ItemSummary]
    next_after: int | None  # pass as ``after`` for the next page; None on the last page


class ItemView(BaseModel):
    id: int
    project_id: int
    external_id: str | None
    created_at: datetime
    content: ItemContent
    status: ItemStatus
    revision: int


# --- adding ---------------------------------------------------------------------------


def add_items_bulk(
    ws: Workspace,
    project_id: int,
    records: Iterable[NewItem],
    *,
    user_id: int,
    validate: bool = True,
) -> BulkResult:
    """Add many items in one transaction: all of them or, on any error, none.

    A record whose ``external_id`` is already in the project is skipped (re-importing is
    a no-op). Annotations are checked against the project's current ontology when
    ``validate``; every violation of every record is reported in one AnnotationInvalid.
    Inserts go in chunks of a few statements, so 10,000 items take a few round trips.
    """
    result = BulkResult(item_ids=[], created=0, skipped=0)
    with ws.session() as session:
        require_project_role(session, project_id, user_id, Role.OWNER)
        modality = Modality(session.get_one(ProjectRow, project_id).modality)
        version, ontology = ontology_in_session(session, ws, project_id)
        violations: list[Violation] = []
        ids = Ids(IdReserver(session, _items), IdReserver(session, _heads))
        for chunk in chunks(records, CHUNK):
            check_chunk(chunk, modality, ontology if validate else None, violations)
            if not violations:
                insert_chunk(session, project_id, chunk, version, ids, result)
        if violations:
            raise AnnotationInvalid(
                f"{len(violations)} problem(s) in the items to add; nothing was added", violations
            )
    return result


def add_text_item(
    ws: Workspace,
    project_id: int,
    *,
    text: str,
    user_id: int,
    external_id: str | None = None,
    meta: dict[str, Any] | None = None,
) -> ItemSummary:
    """Add one text item (a no-op returning the existing one if ``external_id`` is taken).
    The text is stored exactly as given: offsets of spans refer to it."""
    with ws.read_session() as session:
        require_project_role(session, project_id, user_id, Role.OWNER)
        project = Modality(session.get_one(ProjectRow, project_id).modality)
    if project is not Modality.TEXT:
        raise InvalidError(
            modality_mismatch(Modality.TEXT, project),
            location=Location(item=external_id),
            hint="add files of the project's modality instead",
        )
    record = NewItem(Modality.TEXT, external_id=external_id, text=text, meta=meta or {})
    result = add_items_bulk(ws, project_id, [record], user_id=user_id)
    return get_item_summary(ws, result.item_ids[0], user_id=user_id)


def add_media_items(
    ws: Workspace,
    project_id: int,
    files: Sequence[tuple[str, Path | BinaryIO]],
    *,
    user_id: int,
    external_ids: Sequence[str | None] | None = None,
    meta: dict[str, Any] | None = None,
    as_one_item: bool = False,
) -> list[ItemSummary]:
    """Store and probe ``files`` (name, path or stream) and add one item per file, or one
    item holding all of them (e.g. a point cloud with its camera images)."""
    with ws.read_session() as session:
        require_project_role(session, project_id, user_id, Role.OWNER)
        modality = Modality(session.get_one(ProjectRow, project_id).modality)
    infos = [store_media(ws, source, name) for name, source in files]
    # a grouped item may carry companions (camera images beside a point cloud), but its
    # first file is what the item is; otherwise every file is an item of its own
    for info in infos[:1] if as_one_item else infos:
        if info.modality is not modality:
            raise MediaError(primary_mismatch(info, modality), location=Location(file=info.name))
    if as_one_item:
        ext = external_ids[0] if external_ids else None
        records = [NewItem(modality, external_id=ext, meta=meta or {}, media=infos)]
    else:
        ids = list(external_ids) if external_ids else [None] * len(infos)
        if len(ids) != len(infos):
            raise InvalidError(
                "give one external id per file", location=Location(path="external_id")
            )
        records = [
            NewItem(info.modality, external_id=ext, meta=meta or {}, media=[info])
            for info, ext in zip(infos, ids, strict=True)
        ]
    result = add_items_bulk(ws, project_id, records, user_id=user_id)
    return [get_item_summary(ws, i, user_id=user_id) for i in result.item_ids]


# --- reading --------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _listing(status: ItemStatus | Literal["unsubmitted"] | None) -> Select[Any]:
    """The item list's statement for one status filter, built once; parameters
    project_id, user_id, after (0 for the first page) and limit.

    One query answers a page: the page of items (with the caller's annotation head) joined
    to their media, one row per media file (or one with a null info for an item without
    media), in item and position order. The media info comes as its stored JSON text.
    """
    page = (
        select(
            _items.c.id,
            _items.c.external_id,
            _items.c.modality,
            func.substr(_items.c.text, 1, PREVIEW_CHARS).label("preview"),
            _heads.c.status,
            _heads.c.current_revision,
        )
        .select_from(
            _items.outerjoin(
                _heads,
                and_(_heads.c.item_id == _items.c.id, _heads.c.user_id == bindparam("user_id")),
            )
        )
        .where(_items.c.project_id == bindparam("project_id"), _items.c.id > bindparam("after"))
        .order_by(_items.c.id)
        .limit(bindparam("limit"))
    )
    if status == "new":
        page = page.where(_heads.c.id.is_(None))
    elif status == "unsubmitted":
        page = page.where(or_(_heads.c.id.is_(None), _heads.c.status != "submitted"))
    elif status is not None:
        page = page.where(_heads.c.status == status)
    listed = page.subquery("listed")
    return (
        select(listed, cast(_media.c.info, Text).label("info"))
        .select_from(listed.outerjoin(_media, _media.c.item_id == listed.c.id))
        .order_by(listed.c.id, _media.c.position)
    )


def _entries(
    session: Session,
    status: ItemStatus | Literal["unsubmitted"] | None,
    project_id: int,
    user_id: int,
    after: int | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Up to ``limit`` list entries after item ``after``, in ``ItemSummary``'s JSON form
    (its keys in its order), built from one query's plain rows without any model."""
    params = {"project_id": project_id, "user_id": user_id, "after": after or 0, "limit": limit}
    rows = session.connection().execute(_listing(status), params).all()
    # every media info of the page decoded in one call
    infos = iter(json.loads("[" + ",".join(r[6] for r in rows if r[6] is not None) + "]"))
    entries: list[dict[str, Any]] = []
    media: list[dict[str, Any]] = []
    last = None
    for item_id, external_id, modality, preview, head_status, revision, info in rows:
        if item_id != last:
            last, media = item_id, []
            entries.append(
                {
                    "id": item_id,
                    "external_id": external_id,
                    "modality": modality,
                    "media": media,
                    "preview": preview,
                    "status": head_status or "new",
                    "revision": revision or 0,
                }
            )
        if info is not None:
            media.append(_media_summary(next(infos)))
    return entries


def _media_summary(info: dict[str, Any]) -> dict[str, Any]:
    """``MediaSummary``'s JSON form of a stored ``MediaInfo`` (its other fields left out)."""
    duration = info.get("duration")
    return {
        "sha256": info["sha256"],
        "name": info["name"],
        "mime": info["mime"],
        "modality": info["modality"],
        "width": info.get("width"),
        "height": info.get("height"),
        # JSON has no infinity: the model writes null, and so does this
        "duration": duration if duration is None or math.isfinite(duration) else None,
    }


def _page_of(
    ws: Workspace,
    project_id: int,
    user_id: int,
    after: int | None,
    limit: int,
    status: ItemStatus | None,
) -> dict[str, Any]:
    limit = max(1, min(limit, MAX_PAGE))
    with ws.read_session() as session:
        require_project_role(session, project_id, user_id, Role.VIEWER)
        entries = _entries(session, status, project_id, user_id, after, limit + 1)
    more = len(entries) > limit
    entries = entries[:limit]
    return {"items": entries, "next_after": entries[-1]["id"] if more and entries else None}


def list_items(
    ws: Workspace,
    project_id: int,
    *,
    user_id: int,
    after: int | None = None,
    limit: int = 100,
    status: ItemStatus | None = None,
) -> ItemPage:
    """One page of the project's items in id order, after item ``after`` (keyset paging:
    each page costs the same however deep it is)."""
    return ItemPage.model_validate(_page_of(ws, project_id, user_id, after, limit, status))


def list_items_json(
    ws: Workspace,
    project_id: int,
    *,
    user_id: int,
    after: int | None = None,
    limit: int = 100,
    status: ItemStatus | None = None,
) -> bytes:
    """``list_items`` as the JSON of its ``ItemPage``, serialised straight from the rows
    (the REST API's hot read: no model is built)."""
    # pydantic's own encoder: the very bytes ItemPage.model_dump_json writes, 3x faster
    # than the json module
    return to_json(_page_of(ws, project_id, user_id, after, limit, status))


def next_item(
    ws: Workspace, project_id: int, *, user_id: int, after: int | None = None
) -> ItemSummary:
    """The first item (after ``after``, if given) the caller has not submitted; NotFound when
    every item is submitted."""
    with ws.read_session() as session:
        require_project_role(session, project_id, user_id, Role.ANNOTATOR)
        entries = _entries(session, "unsubmitted", project_id, user_id, after, 1)
    if not entries:
        raise NotFound("no item left to label in this project", hint="every item is submitted")
    return ItemSummary.model_validate(entries[0])


def get_item_summary(ws: Workspace, item_id: int, *, user_id: int) -> ItemSummary:
    with ws.read_session() as session:
        item, _ = require_item_role(session, item_id, user_id, Role.VIEWER)
        entries = _entries(session, None, item.project_id, user_id, item_id - 1, 1)
    return ItemSummary.model_validate(entries[0])


def get_item(ws: Workspace, item_id: int, *, user_id: int) -> ItemView:
    with ws.read_session() as session:
        item, _ = require_item_role(session, item_id, user_id, Role.VIEWER)
        media = session.scalars(select(ItemMediaRow).where(ItemMediaRow.item_id == item_id)).all()
        head = session.execute(
            select(AnnotationRow.status, AnnotationRow.current_revision).where(
                AnnotationRow.item_id == item_id, AnnotationRow.user_id == user_id
            )
        ).one_or_none()
        return ItemView(
            id=item.id,
            project_id=item.project_id,
            external_id=item.external_id,
            created_at=item.created_at,
            content=item_content(item, media),
            status=head[0] if head else "new",
            revision=head[1] if head else 0,
        )
