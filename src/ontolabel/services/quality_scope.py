"""What the quality reports read: a project's submitted work, item by item.

For each item with submitted work in scope: each annotator's current revision (when it was
saved, under which ontology version) and the item's gold, if any. Filters: classes (a class
includes its descendants; objects of other classes are dropped from every document),
annotators (usernames) and a time window on the current revision's save time.

Items stream in keyset pages (bounded memory whatever the project's size), all within one
read transaction, so a report sees one consistent state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from ontolabel.core.annotation import Annotation
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology
from ontolabel.errors import InvalidError, Location, Violation
from ontolabel.services.access import Role, require_project_role
from ontolabel.services.gold import gold_documents
from ontolabel.services.projects import ontology_in_session
from ontolabel.services.workspace import Workspace
from ontolabel.storage.mappers import annotation_from_json
from ontolabel.storage.tables import (
    AnnotationRevisionRow,
    AnnotationRow,
    ItemRow,
    ProjectRow,
    UserRow,
)

# progress(items done, items in all)
ItemProgress = Callable[[int, int], None]

PAGE_SIZE = 200


def start_of(day: date | datetime) -> datetime:
    """A date as the start of that day (UTC); a datetime as itself (UTC if naive)."""
    if isinstance(day, datetime):
        return day if day.tzinfo else day.replace(tzinfo=UTC)
    return datetime.combine(day, time.min, tzinfo=UTC)


def end_of(day: date | datetime) -> datetime:
    """The first instant after ``day`` (a date: the next midnight, so ``until`` includes
    the whole day; a datetime: itself)."""
    if isinstance(day, datetime):
        return start_of(day)
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


@dataclass(frozen=True)
class QualityFilters:
    classes: tuple[str, ...] = ()
    annotators: tuple[str, ...] = ()
    since: date | datetime | None = None  # from this day (or instant) on
    until: date | datetime | None = None  # through this day (or up to this instant)

    def to_dict(self) -> dict[str, Any]:
        return {
            "class": list(self.classes),
            "annotator": list(self.annotators),
            "since": None if self.since is None else self.since.isoformat(),
            "until": None if self.until is None else self.until.isoformat(),
        }


@dataclass(frozen=True)
class Submitted:
    """One annotator's submitted work on one item (its current revision)."""

    annotator: str
    document: Annotation  # only the objects of the classes in scope
    time: datetime
    ontology_version: int


@dataclass(frozen=True)
class ItemWork:
    item_id: int
    external_id: str | None
    submissions: dict[str, Submitted]  # by username
    gold: Annotation | None  # only the objects of the classes in scope


@dataclass
class Scope:
    project_id: int
    project_name: str
    modality: Modality
    ontology_version: int
    ontology: Ontology
    filters: QualityFilters
    # the classes in scope, descendants included (None: every class)
    classes: frozenset[str] | None
    n_items: int  # items with submitted work in scope
    items: Iterator[ItemWork] = field(default_factory=lambda: iter(()))


def expand_classes(ontology: Ontology, names: Sequence[str]) -> frozenset[str] | None:
    """The classes named and all their descendants; InvalidError naming each unknown one."""
    if not names:
        return None
    unknown = [n for n in names if not ontology.has_class(n)]
    if unknown:
        raise InvalidError(
            f"the ontology has no class {', '.join(repr(n) for n in unknown)}",
            [Violation(f"unknown class {n!r}", Location(path="class")) for n in unknown],
            hint="classes: " + ", ".join(ontology.class_names()),
        )
    out: set[str] = set()
    for n in names:
        out.add(n)
        out.update(ontology.descendants(n))
    return frozenset(out)


def keep_classes(document: Annotation, classes: frozenset[str] | None) -> Annotation:
    """The document with only objects of ``classes`` (and relations between those)."""
    if classes is None:
        return document
    objects = [o for o in document.objects if o.class_name in classes]
    if len(objects) == len(document.objects):
        return document
    kept = {o.id for o in objects}
    relations = [r for r in document.relations if r.source in kept and r.target in kept]
    return Annotation(objects=objects, relations=relations)


def _in_scope(project_id: int, filters: QualityFilters) -> Any:
    """The WHERE clause of "submitted, current, in scope" over annotations+revisions+users."""
    clauses = [
        ItemRow.project_id == project_id,
        AnnotationRow.status == "submitted",
    ]
    if filters.annotators:
        clauses.append(UserRow.username.in_(list(filters.annotators)))
    if filters.since is not None:
        clauses.append(AnnotationRevisionRow.created_at >= start_of(filters.since))
    if filters.until is not None:
        clauses.append(AnnotationRevisionRow.created_at < end_of(filters.until))
    return and_(*clauses)


def _joined(statement: Select[Any]) -> Select[Any]:
    return (
        statement.select_from(AnnotationRow)
        .join(ItemRow, ItemRow.id == AnnotationRow.item_id)
        .join(UserRow, UserRow.id == AnnotationRow.user_id)
        .join(
            AnnotationRevisionRow,
            (AnnotationRevisionRow.annotation_id == AnnotationRow.id)
            & (AnnotationRevisionRow.revision == AnnotationRow.current_revision),
        )
    )


def _pages(
    session: Session,
    scope: Scope,
    page_size: int,
    progress: ItemProgress | None,
) -> Iterator[ItemWork]:
    where = _in_scope(scope.project_id, scope.filters)
    after = 0
    done = 0
    while True:
        ids = session.scalars(
            _joined(select(AnnotationRow.item_id).distinct())
            .where(where, AnnotationRow.item_id > after)
            .order_by(AnnotationRow.item_id)
            .limit(page_size)
        ).all()
        if not ids:
            return
        first, last = ids[0], ids[-1]
        rows = session.execute(
            _joined(
                select(
                    AnnotationRow.item_id,
                    ItemRow.external_id,
                    UserRow.username,
                    AnnotationRevisionRow.document,
                    AnnotationRevisionRow.created_at,
                    AnnotationRevisionRow.ontology_version,
                )
            )
            .where(where, AnnotationRow.item_id >= first, AnnotationRow.item_id <= last)
            .order_by(AnnotationRow.item_id, UserRow.username)
        ).all()
        golds = gold_documents(session, ids)
        by_item: dict[int, ItemWork] = {}
        for r in rows:
            work = by_item.get(r.item_id)
            if work is None:
                gold = golds.get(r.item_id)
                work = ItemWork(
                    r.item_id,
                    r.external_id,
                    {},
                    None if gold is None else keep_classes(gold, scope.classes),
                )
                by_item[r.item_id] = work
            work.submissions[r.username] = Submitted(
                r.username,
                keep_classes(annotation_from_json(r.document), scope.classes),
                r.created_at,
                r.ontology_version,
            )
        for item_id in ids:
            yield by_item[item_id]
            done += 1
            if progress is not None:
                progress(done, scope.n_items)
        after = last


@contextmanager
def collecting(
    ws: Workspace,
    project_id: int,
    *,
    user_id: int,
    filters: QualityFilters,
    page_size: int = PAGE_SIZE,
    progress: ItemProgress | None = None,
) -> Iterator[Scope]:
    """The project's submitted work in scope: ``scope.items`` yields it item by item, in
    item id order, while the block runs (one read transaction). Viewers may read quality."""
    with ws.read_session() as session:
        require_project_role(session, project_id, user_id, Role.VIEWER)
        project = session.get(ProjectRow, project_id)
        assert project is not None
        version, ontology = ontology_in_session(session, ws, project_id)
        classes = expand_classes(ontology, filters.classes)
        n_items = session.scalar(
            _joined(select(func.count(func.distinct(AnnotationRow.item_id)))).where(
                _in_scope(project_id, filters)
            )
        )
        scope = Scope(
            project_id=project_id,
            project_name=project.name,
            modality=Modality(project.modality),
            ontology_version=version,
            ontology=ontology,
            filters=filters,
            classes=classes,
            n_items=int(n_items or 0),
        )
        scope.items = _pages(session, scope, page_size, progress)
        yield scope
