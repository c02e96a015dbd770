"""Gold items: a reference annotation per item, against which annotators are scored.

Setting gold needs the reviewer role (a reference answer is a review decision); reading the
list needs only membership. A gold document is checked against the project's current
ontology as a complete (submitted) annotation: a reference may not be a draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ontolabel.core.annotation import Annotation
from ontolabel.errors import InvalidError, Location, NotFound
from ontolabel.services.access import Role, require_project_role
from ontolabel.services.projects import ontology_in_session
from ontolabel.services.workspace import Workspace
from ontolabel.storage.mappers import annotation_from_json, annotation_to_json, item_content
from ontolabel.storage.tables import (
    AnnotationRevisionRow,
    AnnotationRow,
    GoldAnnotationRow,
    ItemMediaRow,
    ItemRow,
    UserRow,
)
from ontolabel.storage.types import utcnow


class GoldInfo(BaseModel):
    """One gold item, as listed."""

    item_id: int
    external_id: str | None
    set_by: str | None  # username; None once that account is gone
    set_at: datetime
    ontology_version: int


class GoldRecord(GoldInfo):
    """A gold item with its reference document."""

    document: Annotation


def _project_item(session: Session, project_id: int, item_id: int) -> ItemRow:
    item = session.get(ItemRow, item_id)
    if item is None or item.project_id != project_id:
        raise NotFound(
            f"project {project_id} has no item {item_id}", location=Location(item=str(item_id))
        )
    return item


def _username(session: Session, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    return session.scalar(select(UserRow.username).where(UserRow.id == user_id))


def _current_document(session: Session, item_id: int, username: str) -> Annotation:
    found = session.execute(
        select(AnnotationRevisionRow.document)
        .join(AnnotationRow, AnnotationRow.id == AnnotationRevisionRow.annotation_id)
        .join(UserRow, UserRow.id == AnnotationRow.user_id)
        .where(
            AnnotationRow.item_id == item_id,
            UserRow.username == username,
            AnnotationRevisionRow.revision == AnnotationRow.current_revision,
        )
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(
            f"{username!r} has no annotation on item {item_id} to copy",
            location=Location(item=str(item_id)),
        )
    return annotation_from_json(found)


def set_gold(
    ws: Workspace,
    project_id: int,
    item_id: int,
    *,
    user_id: int,
    document: Annotation | None = None,
    from_user: str | None = None,
) -> GoldRecord:
    """Make ``document`` (or ``from_user``'s current annotation of the item) the item's gold,
    replacing any earlier gold. Exactly one of the two must be given. The document must
    satisfy the project's current ontology completely (AnnotationInvalid otherwise)."""
    if (document is None) == (from_user is None):
        raise InvalidError(
            "give either an annotation document or the user whose annotation to copy",
            location=Location(item=str(item_id)),
        )
    with ws.session() as session:
        require_project_role(session, project_id, user_id, Role.REVIEWER)
        item = _project_item(session, project_id, item_id)
        if document is None:
            assert from_user is not None
            document = _current_document(session, item_id, from_user)
        version, ontology = ontology_in_session(session, ws, project_id)
        media = session.scalars(select(ItemMediaRow).where(ItemMediaRow.item_id == item_id)).all()
        ontology.check(document, item_content(item, media), item=str(item_id), complete=True)
        now = utcnow()
        session.execute(delete(GoldAnnotationRow).where(GoldAnnotationRow.item_id == item_id))
        session.add(
            GoldAnnotationRow(
                item_id=item_id,
                document=annotation_to_json(document),
                ontology_version=version,
                set_by=user_id,
                set_at=now,
            )
        )
        return GoldRecord(
            item_id=item_id,
            external_id=item.external_id,
            set_by=_username(session, user_id),
            set_at=now,
            ontology_version=version,
            document=document,
        )


def clear_gold(ws: Workspace, project_id: int, item_id: int, *, user_id: int) -> None:
    """Remove the item's gold (NotFound when it has none)."""
    with ws.session() as session:
        require_project_role(session, project_id, user_id, Role.REVIEWER)
        _project_item(session, project_id, item_id)
        removed = session.execute(
            delete(GoldAnnotationRow).where(GoldAnnotationRow.item_id == item_id)
        )
        if getattr(removed, "rowcount", 0) == 0:
            raise NotFound(f"item {item_id} has no gold", location=Location(item=str(item_id)))


def list_gold(ws: Workspace, project_id: int, *, user_id: int) -> list[GoldInfo]:
    """The project's gold items, in item order."""
    with ws.read_session() as session:
        require_project_role(session, project_id, user_id, Role.VIEWER)
        rows = session.execute(
            select(
                GoldAnnotationRow.item_id,
                ItemRow.external_id,
                UserRow.username,
                GoldAnnotationRow.set_at,
                GoldAnnotationRow.ontology_version,
            )
            .join(ItemRow, ItemRow.id == GoldAnnotationRow.item_id)
            .outerjoin(UserRow, UserRow.id == GoldAnnotationRow.set_by)
            .where(ItemRow.project_id == project_id)
            .order_by(GoldAnnotationRow.item_id)
        ).all()
    return [
        GoldInfo(
            item_id=r.item_id,
            external_id=r.external_id,
            set_by=r.username,
            set_at=r.set_at,
            ontology_version=r.ontology_version,
        )
        for r in rows
    ]


def gold_documents(session: Session, item_ids: Sequence[int]) -> dict[int, Annotation]:
    """The gold documents of those of ``item_ids`` that have one (for scoring)."""
    if not item_ids:
        return {}
    rows = session.execute(
        select(GoldAnnotationRow.item_id, GoldAnnotationRow.document).where(
            GoldAnnotationRow.item_id.in_(list(item_ids))
        )
    ).all()
    return {r.item_id: annotation_from_json(r.document) for r in rows}


def find_item_id(ws: Workspace, project_id: int, reference: str, *, user_id: int) -> int:
    """An item of the project by external id, or by id when ``reference`` is a number that
    no item's external id is (for commands that name items the way people know them)."""
    with ws.read_session() as session:
        require_project_role(session, project_id, user_id, Role.VIEWER)
        found = session.scalar(
            select(ItemRow.id).where(
                ItemRow.project_id == project_id, ItemRow.external_id == reference
            )
        )
        if found is not None:
            return found
        if reference.isdigit():
            return _project_item(session, project_id, int(reference)).id
    raise NotFound(
        f"project {project_id} has no item {reference!r} (by external id or id)",
        location=Location(item=reference),
    )
