"""Annotating: the caller's current document, saving with optimistic concurrency, history.

Every save appends a revision; nothing is overwritten. A save names the revision it was
based on; if someone (another tab, another device) saved in between, the save is refused
with Conflict carrying the current state, so the client can merge instead of losing work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import Connection, Dialect, and_, bindparam, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ontolabel.core.annotation import Annotation, AnnotationSource
from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology
from ontolabel.core.storable import json_for_storing
from ontolabel.errors import AnnotationInvalid, AuthError, Conflict, Location, Violation
from ontolabel.services.access import Role, decide_role, require_item_role
from ontolabel.services.projects import cached_ontology
from ontolabel.services.workspace import Workspace
from ontolabel.storage.database import WRITE_OPTION, DriverStatement
from ontolabel.storage.mappers import annotation_from_json, annotation_to_json, media_info_from_json
from ontolabel.storage.tables import (
    AnnotationRevisionRow,
    AnnotationRow,
    ItemMediaRow,
    ItemRow,
    OntologyVersionRow,
    ProjectMemberRow,
    UserRow,
    table_of,
)
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


# The save path runs once per autosave, so its statements are built once, here, on the
# tables (not the ORM classes): per call only parameters are bound. One query gathers all
# a save needs to decide: the item and its media (one row per media file, in order), the
# caller's role, their head revision and the project's current ontology version.
_items = table_of(ItemRow)
_members = table_of(ProjectMemberRow)
_users = table_of(UserRow)
_heads = table_of(AnnotationRow)
_revisions = table_of(AnnotationRevisionRow)
_versions = table_of(OntologyVersionRow)
_media = table_of(ItemMediaRow)

_SAVE_CONTEXT = (
    select(
        _items.c.project_id,
        _items.c.modality,
        _items.c.text,
        _items.c.meta,
        _members.c.role,
        _users.c.is_admin,
        _heads.c.id.label("head_id"),
        _heads.c.current_revision,
        select(func.max(_versions.c.version))
        .where(_versions.c.project_id == _items.c.project_id)
        .scalar_subquery()
        .label("ontology_version"),
        _media.c.info.label("media_info"),
    )
    .select_from(
        _users.outerjoin(_items, _items.c.id == bindparam("item_id"))
        .outerjoin(
            _members,
            and_(_members.c.project_id == _items.c.project_id, _members.c.user_id == _users.c.id),
        )
        .outerjoin(_heads, and_(_heads.c.item_id == _items.c.id, _heads.c.user_id == _users.c.id))
        .outerjoin(_media, _media.c.item_id == _items.c.id)
    )
    .where(_users.c.id == bindparam("user_id"))
    .order_by(_media.c.position)
)
# The first save of an item creates its head row. Two first saves racing (two tabs) both
# see no head; the loser's insert must become a 409, not an error that breaks the
# transaction. "ON CONFLICT DO NOTHING" answers no row for the loser without a savepoint
# (two statements fewer on every first save). On SQLite the race cannot happen (the save
# holds the write lock from its first read), but the statement is the same.
_NEW_HEAD_ON_CONFLICT = {
    "sqlite": sqlite_insert(_heads).on_conflict_do_nothing().returning(_heads.c.id),
    "postgresql": postgresql_insert(_heads).on_conflict_do_nothing().returning(_heads.c.id),
}
_NEW_HEAD = insert(_heads).returning(_heads.c.id)
_ADVANCE_HEAD = (
    update(_heads)
    .where(_heads.c.id == bindparam("head_id"), _heads.c.current_revision == bindparam("base"))
    .values(
        current_revision=bindparam("revision"),
        status=bindparam("status"),
        updated_at=bindparam("now"),
    )
)
_NEW_REVISION = insert(_revisions)
_HEAD_KEYS = ("item_id", "user_id", "current_revision", "status", "updated_at")
_REVISION_KEYS = (
    "annotation_id",
    "revision",
    "document",
    "author_id",
    "created_at",
    "ontology_version",
    "source",
    "status",
)


@dataclass(frozen=True)
class _SaveStatements:
    """The save's statements rendered for one dialect (run on the driver's cursor)."""

    context: DriverStatement
    new_head: DriverStatement | None  # None: a dialect without ON CONFLICT DO NOTHING
    advance_head: DriverStatement
    new_revision: DriverStatement


_RENDERED: dict[str, _SaveStatements] = {}


def _statements(dialect: Dialect) -> _SaveStatements:
    found = _RENDERED.get(dialect.name)
    if found is None:
        new_head = _NEW_HEAD_ON_CONFLICT.get(dialect.name)
        found = _RENDERED[dialect.name] = _SaveStatements(
            context=DriverStatement.render(_SAVE_CONTEXT, dialect),
            new_head=None
            if new_head is None
            else DriverStatement.render(new_head, dialect, _HEAD_KEYS),
            advance_head=DriverStatement.render(_ADVANCE_HEAD, dialect),
            new_revision=DriverStatement.render(_NEW_REVISION, dialect, _REVISION_KEYS),
        )
    return found


def _create_head(db: Connection, sql: _SaveStatements, values: dict[str, Any]) -> int | None:
    """Insert the head row; None when another request created it first."""
    if sql.new_head is not None:
        cursor = sql.new_head.run(db, values)
        try:
            row = cursor.fetchone()
        finally:
            cursor.close()
        return None if row is None else int(row[0])
    try:
        with db.begin_nested():
            return int(db.execute(_NEW_HEAD, values).scalar_one())
    except IntegrityError:
        return None


def save_annotation(
    ws: Workspace,
    item_id: int,
    document: Annotation,
    *,
    user_id: int,
    base_revision: int,
    status: AnnotationStatus = "draft",
    source: AnnotationSource = "human",
    on_behalf_by: int | None = None,
) -> AnnotationState:
    """Append a revision of the caller's annotation on the item.

    ``on_behalf_by``: the owner of the item's project who writes ``user_id``'s work (an
    import of labels made elsewhere); the owner's role is checked, not the annotator's,
    who need not be a member (as for the items an import creates).

    Raises Conflict (``current`` = the AnnotationState now stored) if ``base_revision`` is
    not the current revision, and AnnotationInvalid listing every violation of the
    project's current ontology. A draft may lack required attributes (they are checked
    when ``status`` is ``submitted``); anything wrong in it is refused all the same.
    One transaction of three statements.
    """
    # a bare connection, not an ORM session: this path only runs prebuilt statements (on
    # the driver's cursor), and the write lock is taken up front (BEGIN IMMEDIATE on
    # SQLite) as ws.session() does
    with ws.engine.connect() as db, db.execution_options(**{WRITE_OPTION: True}).begin():
        sql = _statements(db.dialect)
        rows = sql.context.rows(db, {"item_id": item_id, "user_id": user_id})
        if not rows:
            raise AuthError("unknown user")
        project_id, modality, text, meta, role, is_admin, head_id, current, version = rows[0][:9]
        if on_behalf_by is None:
            decide_role(project_id is not None, role, is_admin, Role.ANNOTATOR, "item")
        else:
            with Session(db) as session:
                require_item_role(session, item_id, on_behalf_by, Role.OWNER)
        current = current or 0
        if base_revision != current:
            raise _conflict(db, item_id, user_id, base_revision)
        version = int(version)
        ontology = _ontology(db, ws, project_id, version)
        content = ItemContent(
            modality=Modality(modality),
            media=[media_info_from_json(r[9]) for r in rows if r[9] is not None],
            text=text,
            meta=dict(meta or {}),
        )
        # a draft is work in progress: required attributes may wait until submission
        _validate(item_id, ontology, document, content, complete=status == "submitted")
        stored = annotation_to_json(document)
        _check_storable(item_id, stored)
        now = utcnow()
        revision = current + 1
        if head_id is None:
            head_id = _create_head(
                db,
                sql,
                {
                    "item_id": item_id,
                    "user_id": user_id,
                    "current_revision": revision,
                    "status": status,
                    "updated_at": now,
                },
            )
            if head_id is None:
                raise _conflict(db, item_id, user_id, base_revision)
        else:
            cursor = sql.advance_head.run(
                db,
                {
                    "head_id": head_id,
                    "base": current,
                    "revision": revision,
                    "status": status,
                    "now": now,
                },
            )
            moved = cursor.rowcount
            cursor.close()
            if moved != 1:
                raise _conflict(db, item_id, user_id, base_revision)
        sql.new_revision.run(
            db,
            {
                "annotation_id": head_id,
                "revision": revision,
                "document": stored,
                "author_id": user_id,
                "created_at": now,
                "ontology_version": version,
                "source": source,
                "status": status,
            },
        ).close()
        return AnnotationState(
            item_id=item_id,
            user_id=user_id,
            revision=revision,
            status=status,
            document=document,
            updated_at=now,
            ontology_version=version,
        )


def _validate(
    item_id: int, ontology: Ontology, document: Annotation, content: ItemContent, *, complete: bool
) -> None:
    violations = ontology.validate(document, content, complete=complete)
    if violations:
        n = len(violations)
        raise AnnotationInvalid(
            f"the annotation breaks the ontology in {n} place{'s' if n != 1 else ''}",
            list(violations),
            location=Location(item=str(item_id)),
        )


def _check_storable(item_id: int, stored: dict[str, Any]) -> None:
    """Refuse a document no database keeps (a NUL or a lone surrogate in a text
    attribute): PostgreSQL would refuse it at the insert, and SQLite must not keep what a
    move to PostgreSQL would lose."""
    _, problem = json_for_storing(stored)
    if problem is not None:
        raise AnnotationInvalid(
            f"the annotation {problem}",
            [Violation(f"the annotation {problem}", Location(item=str(item_id)))],
            location=Location(item=str(item_id)),
        )


def _ontology(db: Connection, ws: Workspace, project_id: int, version: int) -> Ontology:
    # the cache hit without an ORM session (its set-up costs more than the lookup)
    cached = ws.ontology_cache.get((project_id, version))
    if isinstance(cached, Ontology):
        return cached
    with Session(bind=db) as session:
        return cached_ontology(session, ws, project_id, version)


def _conflict(db: Connection, item_id: int, user_id: int, base: int) -> Conflict:
    with Session(bind=db) as session:
        current = _state(session, item_id, user_id)
    return Conflict(
        f"the annotation is at revision {current.revision}, not {base}: it was saved elsewhere",
        current=current,
        location=Location(item=str(item_id)),
        hint="merge your changes into the current revision and save again",
    )


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
