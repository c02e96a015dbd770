"""Exporting a project in a registered format.

Export reads the project in keyset pages of items (bounded memory whatever its size) and
streams them through the format's writer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from pydantic import BaseModel
from sqlalchemy import and_, func, select

from ontolabel.core.item import ItemContent, MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.errors import FormatError
from ontolabel.formats import AnnotationRecord, ExportRecord, Format, WriteStats, get_format
from ontolabel.services import projects
from ontolabel.services.access import Role
from ontolabel.services.progress import Progress
from ontolabel.services.workspace import Workspace
from ontolabel.storage.mappers import annotation_from_json, media_info_from_json
from ontolabel.storage.tables import (
    AnnotationRevisionRow,
    AnnotationRow,
    ItemMediaRow,
    ItemRow,
    UserRow,
)

EXPORT_PAGE = 500


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
    _, ontology = projects.current_ontology(ws, project_id)
    return fmt_obj.write(_records(ws, project_id, progress), out, ontology=ontology, options=parsed)


def _records(ws: Workspace, project_id: int, progress: Progress | None) -> Iterator[ExportRecord]:
    with ws.read_session() as session:
        total = session.scalar(
            select(func.count()).select_from(ItemRow).where(ItemRow.project_id == project_id)
        )
    done = 0
    after = 0
    while True:
        page = _page(ws, project_id, after)
        if not page:
            return
        for record in page:
            yield record
            done += 1
            if progress is not None:
                progress(done, total)
        after = page[-1].item_id


def _page(ws: Workspace, project_id: int, after: int) -> list[ExportRecord]:
    """One keyset page of items with their media and each annotator's current revision."""
    with ws.read_session() as session:
        # plain column rows, not ORM objects: an export reads every row once and never
        # writes, so identity tracking would only cost time
        rows = session.execute(
            select(ItemRow.id, ItemRow.external_id, ItemRow.modality, ItemRow.text, ItemRow.meta)
            .where(ItemRow.project_id == project_id, ItemRow.id > after)
            .order_by(ItemRow.id)
            .limit(EXPORT_PAGE)
        ).all()
        if not rows:
            return []
        ids = [r.id for r in rows]
        media: dict[int, list[MediaInfo]] = {}
        for item_id, info in session.execute(
            select(ItemMediaRow.item_id, ItemMediaRow.info)
            .where(ItemMediaRow.item_id.in_(ids))
            .order_by(ItemMediaRow.item_id, ItemMediaRow.position)
        ):
            media.setdefault(item_id, []).append(media_info_from_json(info))
        annotations: dict[int, list[AnnotationRecord]] = {}
        current = session.execute(
            select(
                AnnotationRow.item_id,
                UserRow.username,
                AnnotationRow.status,
                AnnotationRow.current_revision,
                AnnotationRevisionRow.document,
                AnnotationRevisionRow.source,
            )
            .join(UserRow, UserRow.id == AnnotationRow.user_id)
            .join(
                AnnotationRevisionRow,
                and_(
                    AnnotationRevisionRow.annotation_id == AnnotationRow.id,
                    AnnotationRevisionRow.revision == AnnotationRow.current_revision,
                ),
            )
            .where(AnnotationRow.item_id.in_(ids))
            # oldest work first: "the latest" is last, and an import keeps this order
            .order_by(AnnotationRow.item_id, AnnotationRow.updated_at, AnnotationRow.id)
        )
        for item_id, username, status, revision, document, source in current:
            annotations.setdefault(item_id, []).append(
                AnnotationRecord(
                    document=annotation_from_json(document),
                    user=username,
                    status=status,
                    revision=revision,
                    source=source,
                )
            )
        return [
            ExportRecord(
                item_id=r.id,
                external_id=r.external_id,
                content=ItemContent(
                    modality=Modality(r.modality),
                    media=media.get(r.id, []),
                    text=r.text,
                    meta=dict(r.meta or {}),
                ),
                annotations=annotations.get(r.id, []),
            )
            for r in rows
        ]
