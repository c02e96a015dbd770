"""Importing annotation history: revisions with the times they were made, for bringing in
work done elsewhere (another tool's export with timestamps) and for simulated demo data.

This is not a user's save: the project owner brings in other people's revisions, each with
its own author, time and ontology version. Revisions are still appended, never overwritten,
and checked against the ontology version they claim; a revision older than the newest one
already stored for that annotator and item is refused (history is not rewritten).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ontolabel.core.annotation import Annotation, AnnotationSource
from ontolabel.errors import InvalidError, Location, NotFound, Violation
from ontolabel.services.access import Role, require_project_role
from ontolabel.services.annotations import AnnotationStatus
from ontolabel.services.projects import cached_ontology, latest_ontology_version
from ontolabel.services.workspace import Workspace
from ontolabel.storage.mappers import annotation_to_json, item_content
from ontolabel.storage.tables import (
    AnnotationRevisionRow,
    AnnotationRow,
    ItemMediaRow,
    ItemRow,
)


@dataclass(frozen=True)
class PastRevision:
    item_id: int
    annotator_id: int
    document: Annotation
    created_at: datetime  # timezone-aware
    status: AnnotationStatus = "submitted"
    ontology_version: int | None = None  # None: the project's current version
    source: AnnotationSource = "human"


def import_history(
    ws: Workspace, project_id: int, revisions: Sequence[PastRevision], *, user_id: int
) -> int:
    """Append ``revisions`` (in the order given; owners only) in one transaction; returns
    how many were written. Every problem is collected and raised at once, writing nothing."""
    problems: list[Violation] = []
    with ws.session() as session:
        require_project_role(session, project_id, user_id, Role.OWNER)
        current_version = latest_ontology_version(session, project_id)
        for position, past in enumerate(revisions):
            where = Location(item=str(past.item_id), path=f"revisions[{position}]")
            if past.created_at.tzinfo is None:
                problems.append(Violation("the time has no timezone", where))
                continue
            item = session.get(ItemRow, past.item_id)
            if item is None or item.project_id != project_id:
                raise NotFound(f"project {project_id} has no item {past.item_id}", location=where)
            version = past.ontology_version or current_version
            ontology = cached_ontology(session, ws, project_id, version)
            media = session.scalars(
                select(ItemMediaRow).where(ItemMediaRow.item_id == past.item_id)
            ).all()
            for v in ontology.validate(
                past.document, item_content(item, media), complete=past.status == "submitted"
            ):
                problems.append(
                    Violation(v.message, Location(item=where.item, path=v.location.path))
                )
            head = session.scalar(
                select(AnnotationRow).where(
                    AnnotationRow.item_id == past.item_id,
                    AnnotationRow.user_id == past.annotator_id,
                )
            )
            if head is None:
                head = AnnotationRow(
                    item_id=past.item_id,
                    user_id=past.annotator_id,
                    current_revision=0,
                    status=past.status,
                    updated_at=past.created_at,
                )
                session.add(head)
                session.flush()
            elif head.updated_at > past.created_at:
                problems.append(
                    Violation(
                        f"the revision is dated {past.created_at.isoformat()}, before the newest "
                        f"one stored ({head.updated_at.isoformat()}); history is not rewritten",
                        where,
                    )
                )
                continue
            head.current_revision += 1
            head.status = past.status
            head.updated_at = past.created_at
            session.add(
                AnnotationRevisionRow(
                    annotation_id=head.id,
                    revision=head.current_revision,
                    document=annotation_to_json(past.document),
                    author_id=past.annotator_id,
                    created_at=past.created_at,
                    ontology_version=version,
                    source=past.source,
                    status=past.status,
                )
            )
        if problems:
            raise InvalidError(
                f"{len(problems)} problem(s) in the history; nothing was imported", problems
            )
    return len(revisions)


def annotated_items(ws: Workspace, project_id: int, annotator_id: int, *, user_id: int) -> set[int]:
    """The items of the project on which ``annotator_id`` has any saved work (for importers
    that must not bring the same history in twice)."""
    with ws.read_session() as session:
        require_project_role(session, project_id, user_id, Role.REVIEWER)
        return set(
            session.scalars(
                select(AnnotationRow.item_id)
                .join(ItemRow, ItemRow.id == AnnotationRow.item_id)
                .where(ItemRow.project_id == project_id, AnnotationRow.user_id == annotator_id)
            )
        )
