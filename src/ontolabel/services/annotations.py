"""Annotating: the caller's current document, saving with optimistic concurrency, history.

Every save appends a revision; nothing is overwritten. A save names the revision it was
based on; if someone (another tab, another device) saved in between, the save is refused
with Conflict carrying the current state, so the client can merge instead of losing work.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ontolabel.core.annotation import Annotation, AnnotationSource
from ontolabel.core.ontology import Ontology
from ontolabel.errors import AnnotationInvalid, Conflict, Location
from ontolabel.services.access import Role, require_item_role
from ontolabel.services.projects import ontology_in_session
from ontolabel.services.workspace import Workspace
from ontolabel.storage.mappers import annotation_from_json, annotation_to_json, item_content
from ontolabel.storage.tables import AnnotationRevisionRow, AnnotationRow, ItemMediaRow, ItemRow
from ontolabel.storage.types import utcnow

AnnotationStatus = Literal["draft", "submitted"]


class AnnotationState(BaseModel):
    """One annotator's current work on one item (revision 0 and empty when nothing saved)."""

    item_id: int
    user_id: int
    revision: int
    status: AnnotationStatus
    document: Annotation
    updated_at: datetime | None
    ontology_version: int | None


class RevisionInfo(BaseModel):
    revision: int
    status: AnnotationStatus
    source: AnnotationSource
    author_id: int | None
    created_at: datetime
    ontology_version: int
    document: Annotation


def _state(session: Session, item_id: int, user_id: int) -> AnnotationState:
    found = session.execute(
        select(AnnotationRow, AnnotationRevisionRow)
        .join(
            AnnotationRevisionRow,
            (AnnotationRevisionRow.annotation_id == AnnotationRow.id)
            & (AnnotationRevisionRow.revision == AnnotationRow.current_revision),
        )
        .where(AnnotationRow.item_id == item_id, AnnotationRow.user_id == user_id)
    ).one_or_none()
    if found is None:
        return AnnotationState(
            item_id=item_id,
            user_id=user_id,
            revision=0,
            status="draft",
            document=Annotation(),
            updated_at=None,
            ontology_version=None,
        )
    head, rev = found
    return AnnotationState(
        item_id=item_id,
        user_id=user_id,
        revision=head.current_revision,
        status=head.status,
        document=annotation_from_json(rev.document),
        updated_at=head.updated_at,
        ontology_version=rev.ontology_version,
    )


def _reading_role(annotator_id: int | None, user_id: int) -> tuple[int, Role]:
    # reading someone else's work is review
    if annotator_id is None or annotator_id == user_id:
        return user_id, Role.VIEWER
    return annotator_id, Role.REVIEWER


def get_annotation(
    ws: Workspace, item_id: int, *, user_id: int, annotator_id: int | None = None
) -> AnnotationState:
    """The current annotation of ``annotator_id`` (default: the caller) on the item."""
    whose, minimum = _reading_role(annotator_id, user_id)
    with ws.read_session() as session:
        require_item_role(session, item_id, user_id, minimum)
        return _state(session, item_id, whose)


def save_annotation(
    ws: Workspace,
    item_id: int,
    document: Annotation,
    *,
    user_id: int,
    base_revision: int,
    status: AnnotationStatus = "draft",
    source: AnnotationSource = "human",
) -> AnnotationState:
    """Append a revision of the caller's annotation on the item.

    Raises Conflict (``current`` = the AnnotationState now stored) if ``base_revision`` is
    not the current revision, and AnnotationInvalid listing every violation of the
    project's current ontology. One transaction.
    """
    with ws.session() as session:
        item, _ = require_item_role(session, item_id, user_id, Role.ANNOTATOR)
        head = session.scalars(
            select(AnnotationRow).where(
                AnnotationRow.item_id == item_id, AnnotationRow.user_id == user_id
            )
        ).one_or_none()
        current = 0 if head is None else head.current_revision
        if base_revision != current:
            raise _conflict(session, item_id, user_id, base_revision)
        version, ontology = ontology_in_session(session, ws, item.project_id)
        _validate(session, item, ontology, document)
        now = utcnow()
        revision = current + 1
        if head is None:
            head = AnnotationRow(
                item_id=item_id,
                user_id=user_id,
                current_revision=revision,
                status=status,
                updated_at=now,
            )
            session.add(head)
            try:
                session.flush()
            except IntegrityError:
                # another request created this annotation first (PostgreSQL race); the
                # unit of work rolls back as the error leaves it
                raise _conflict_after_race(ws, item_id, user_id, base_revision) from None
        else:
            moved = session.execute(
                update(AnnotationRow)
                .where(AnnotationRow.id == head.id, AnnotationRow.current_revision == current)
                .values(current_revision=revision, status=status, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            if moved.rowcount != 1:  # type: ignore[attr-defined]
                raise _conflict(session, item_id, user_id, base_revision)
        session.execute(
            insert(AnnotationRevisionRow).values(
                annotation_id=head.id,
                revision=revision,
                document=annotation_to_json(document),
                author_id=user_id,
                created_at=now,
                ontology_version=version,
                source=source,
                status=status,
            )
        )
        return AnnotationState(
            item_id=item_id,
            user_id=user_id,
            revision=revision,
            status=status,
            document=document,
            updated_at=now,
            ontology_version=version,
        )


def _validate(session: Session, item: ItemRow, ontology: Ontology, document: Annotation) -> None:
    media = session.scalars(select(ItemMediaRow).where(ItemMediaRow.item_id == item.id)).all()
    violations = ontology.validate(document, item_content(item, media))
    if violations:
        n = len(violations)
        raise AnnotationInvalid(
            f"the annotation breaks the ontology in {n} place{'s' if n != 1 else ''}",
            list(violations),
            location=Location(item=str(item.id)),
        )


def _conflict(session: Session, item_id: int, user_id: int, base: int) -> Conflict:
    current = _state(session, item_id, user_id)
    return Conflict(
        f"the annotation is at revision {current.revision}, not {base}: it was saved elsewhere",
        current=current,
        location=Location(item=str(item_id)),
        hint="merge your changes into the current revision and save again",
    )


def _conflict_after_race(ws: Workspace, item_id: int, user_id: int, base: int) -> Conflict:
    with ws.read_session() as session:
        return _conflict(session, item_id, user_id, base)


def list_revisions(
    ws: Workspace, item_id: int, *, user_id: int, annotator_id: int | None = None
) -> list[RevisionInfo]:
    """Every saved revision of one annotator's work on the item, oldest first."""
    whose, minimum = _reading_role(annotator_id, user_id)
    with ws.read_session() as session:
        require_item_role(session, item_id, user_id, minimum)
        rows = session.scalars(
            select(AnnotationRevisionRow)
            .join(AnnotationRow, AnnotationRow.id == AnnotationRevisionRow.annotation_id)
            .where(AnnotationRow.item_id == item_id, AnnotationRow.user_id == whose)
            .order_by(AnnotationRevisionRow.revision)
        )
        return [
            RevisionInfo(
                revision=r.revision,
                status=r.status,
                source=r.source,
                author_id=r.author_id,
                created_at=r.created_at,
                ontology_version=r.ontology_version,
                document=annotation_from_json(r.document),
            )
            for r in rows
        ]
