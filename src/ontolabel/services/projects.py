"""Projects: creation with a validated ontology, listing with progress, members, ontology
versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology, parse_ontology
from ontolabel.core.storable import text_problem, value_problems
from ontolabel.errors import (
    AlreadyExists,
    InvalidError,
    Location,
    NotFound,
    OntologyError,
    Violation,
)
from ontolabel.services.access import Role, require_project_role
from ontolabel.services.workspace import Workspace
from ontolabel.storage.tables import (
    AnnotationRow,
    ItemRow,
    OntologyVersionRow,
    ProjectMemberRow,
    ProjectRow,
    UserRow,
)

# the length of the name column (tables.py), as the REST API's request model also caps it:
# PostgreSQL refuses a longer name, SQLite would keep it
MAX_PROJECT_NAME = 200


class ProjectInfo(BaseModel):
    id: int
    name: str
    description: str
    modality: Modality
    guideline: str
    created_at: datetime
    ontology_version: int
    role: Role  # the caller's


class ProjectSummary(ProjectInfo):
    item_count: int
    submitted_count: int  # items the caller has submitted


class OntologyVersionInfo(BaseModel):
    version: int
    document: dict[str, Any]
    created_at: datetime
    created_by: int | None


class MemberInfo(BaseModel):
    user_id: int
    username: str
    role: Role


def _project_info(row: ProjectRow, version: int, role: Role) -> ProjectInfo:
    return ProjectInfo(
        id=row.id,
        name=row.name,
        description=row.description,
        modality=Modality(row.modality),
        guideline=row.guideline,
        created_at=row.created_at,
        ontology_version=version,
        role=role,
    )


def _parse(document: dict[str, Any]) -> Ontology:
    """Parse an ontology document; OntologyError lists every problem with its path."""
    return parse_ontology(document)


def _parse_new(document: dict[str, Any]) -> Ontology:
    """``_parse`` for a document about to be stored: also refused, with the path of each,
    for values the database cannot keep (parsing accepts a class named "Ca\\u0000r",
    PostgreSQL does not)."""
    ontology = _parse(document)
    found = [Violation(m, Location(path=at)) for m, at in value_problems(document)]
    if found:
        count = f"{len(found)} problem{'s' if len(found) != 1 else ''}"
        raise OntologyError(f"the ontology cannot be stored ({count})", found)
    return ontology


def _check_text(field: str, text: str) -> None:
    problem = text_problem(text)
    if problem is not None:
        raise InvalidError(f"the {field} {problem}", location=Location(path=field))


# --- ontology versions ----------------------------------------------------------------


def _latest_version_row(session: Session, project_id: int) -> OntologyVersionRow:
    row = session.scalars(
        select(OntologyVersionRow)
        .where(OntologyVersionRow.project_id == project_id)
        .order_by(OntologyVersionRow.version.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        raise NotFound(f"project {project_id} has no ontology")
    return row


def latest_ontology_version(session: Session, project_id: int) -> int:
    version = session.scalar(
        select(func.max(OntologyVersionRow.version)).where(
            OntologyVersionRow.project_id == project_id
        )
    )
    if version is None:
        raise NotFound(f"project {project_id} has no ontology")
    return int(version)


def cached_ontology(session: Session, ws: Workspace, project_id: int, version: int) -> Ontology:
    """Version ``version`` of the project's ontology, parsed at most once per workspace."""
    key = (project_id, version)
    cached = ws.ontology_cache.get(key)
    if cached is None:
        document = session.scalar(
            select(OntologyVersionRow.document).where(
                OntologyVersionRow.project_id == project_id, OntologyVersionRow.version == version
            )
        )
        if document is None:
            raise NotFound(f"project {project_id} has no ontology version {version}")
        cached = _parse(document)
        with ws.cache_lock:
            ws.ontology_cache[key] = cached
    assert isinstance(cached, Ontology)
    return cached


def ontology_in_session(session: Session, ws: Workspace, project_id: int) -> tuple[int, Ontology]:
    """The project's current (version, parsed ontology)."""
    version = latest_ontology_version(session, project_id)
    return version, cached_ontology(session, ws, project_id, version)


def current_ontology(ws: Workspace, project_id: int) -> tuple[int, Ontology]:
    """The project's current ontology (no access check: for services such as transfer that
    checked the caller already)."""
    with ws.read_session() as session:
        return ontology_in_session(session, ws, project_id)


def get_ontology(ws: Workspace, project_id: int, *, user_id: int) -> OntologyVersionInfo:
    with ws.read_session() as session:
        require_project_role(session, project_id, user_id, Role.VIEWER)
        row = _latest_version_row(session, project_id)
        return OntologyVersionInfo(
            version=row.version,
            document=row.document,
            created_at=row.created_at,
            created_by=row.created_by,
        )


def ontology_json_schema(ws: Workspace, project_id: int, *, user_id: int) -> dict[str, Any]:
    with ws.read_session() as session:
        require_project_role(session, project_id, user_id, Role.VIEWER)
        _, ontology = ontology_in_session(session, ws, project_id)
    return ontology.json_schema()


def list_ontology_versions(
    ws: Workspace, project_id: int, *, user_id: int
) -> list[OntologyVersionInfo]:
    with ws.read_session() as session:
        require_project_role(session, project_id, user_id, Role.VIEWER)
        rows = session.scalars(
            select(OntologyVersionRow)
            .where(OntologyVersionRow.project_id == project_id)
            .order_by(OntologyVersionRow.version)
        )
        return [
            OntologyVersionInfo(
                version=r.version,
                document=r.document,
                created_at=r.created_at,
                created_by=r.created_by,
            )
            for r in rows
        ]


def set_ontology(
    ws: Workspace, project_id: int, document: dict[str, Any], *, user_id: int
) -> OntologyVersionInfo:
    """Store ``document`` as the project's next ontology version (owners only).

    Existing annotations keep the version they were saved under; migrating them is a
    separate step (see DESIGN.md), so nothing is rewritten here.
    """
    with ws.session() as session:
        require_project_role(session, project_id, user_id, Role.OWNER)
        _parse_new(document)
        version = latest_ontology_version(session, project_id) + 1
        row = OntologyVersionRow(
            project_id=project_id, version=version, document=document, created_by=user_id
        )
        session.add(row)
        session.flush()
        return OntologyVersionInfo(
            version=version, document=document, created_at=row.created_at, created_by=user_id
        )


# --- projects -------------------------------------------------------------------------


def create_project(
    ws: Workspace,
    *,
    name: str,
    modality: Modality | str,
    ontology: dict[str, Any],
    user_id: int,
    description: str = "",
    guideline: str = "",
) -> ProjectInfo:
    """Create a project whose first ontology version is ``ontology``; the creator owns it."""
    name = name.strip()
    if not name:
        raise InvalidError("a project needs a name", location=Location(path="name"))
    if len(name) > MAX_PROJECT_NAME:
        raise InvalidError(
            f"a project name has at most {MAX_PROJECT_NAME} characters; this one has {len(name):,}",
            location=Location(path="name"),
        )
    _check_text("name", name)
    _check_text("description", description)
    _check_text("guideline", guideline)
    try:
        modality = Modality(modality)
    except ValueError:
        known = ", ".join(m.value for m in Modality)
        raise InvalidError(
            f"unknown modality {modality!r}", location=Location(path="modality"), hint=known
        ) from None
    _parse_new(ontology)
    try:
        with ws.session() as session:
            if session.get(UserRow, user_id) is None:
                raise NotFound(f"no user {user_id}")
            project = ProjectRow(
                name=name,
                description=description,
                modality=modality.value,
                guideline=guideline,
                created_by=user_id,
            )
            session.add(project)
            session.flush()
            session.add(ProjectMemberRow(project_id=project.id, user_id=user_id, role=Role.OWNER))
            session.add(
                OntologyVersionRow(
                    project_id=project.id, version=1, document=ontology, created_by=user_id
                )
            )
            session.flush()
            return _project_info(project, 1, Role.OWNER)
    except IntegrityError:
        raise AlreadyExists(
            f"a project named {name!r} exists", location=Location(path="name")
        ) from None


def check_role(ws: Workspace, project_id: int, *, user_id: int, minimum: Role) -> Role:
    """The caller's role, if at least ``minimum`` (Forbidden/NotFound otherwise); for callers
    of services that take no user, such as transfer.export_project."""
    with ws.read_session() as session:
        return require_project_role(session, project_id, user_id, minimum)


def get_project(ws: Workspace, project_id: int, *, user_id: int) -> ProjectInfo:
    with ws.read_session() as session:
        role = require_project_role(session, project_id, user_id, Role.VIEWER)
        row = session.get(ProjectRow, project_id)
        assert row is not None
        return _project_info(row, latest_ontology_version(session, project_id), role)


def get_project_by_name(ws: Workspace, name: str, *, user_id: int) -> ProjectInfo | None:
    """The project called ``name`` if it exists (and the caller may see it), else None."""
    with ws.read_session() as session:
        project_id = session.scalar(select(ProjectRow.id).where(ProjectRow.name == name))
    if project_id is None:
        return None
    return get_project(ws, project_id, user_id=user_id)


def list_projects(ws: Workspace, *, user_id: int) -> list[ProjectSummary]:
    """Projects the caller can see (all, for administrators) with item and submitted counts."""
    with ws.read_session() as session:
        user = session.get(UserRow, user_id)
        if user is None:
            raise NotFound(f"no user {user_id}")
        role_of = ProjectMemberRow.role
        query = select(ProjectRow, role_of).outerjoin(
            ProjectMemberRow,
            and_(ProjectMemberRow.project_id == ProjectRow.id, ProjectMemberRow.user_id == user_id),
        )
        if not user.is_admin:
            query = query.where(role_of.is_not(None))
        rows = session.execute(query.order_by(ProjectRow.id)).all()
        ids = [p.id for p, _ in rows]
        if not ids:
            return []
        items = dict(
            session.execute(
                select(ItemRow.project_id, func.count())
                .where(ItemRow.project_id.in_(ids))
                .group_by(ItemRow.project_id)
            ).all()
        )
        submitted = dict(
            session.execute(
                select(ItemRow.project_id, func.count())
                .join(AnnotationRow, AnnotationRow.item_id == ItemRow.id)
                .where(
                    ItemRow.project_id.in_(ids),
                    AnnotationRow.user_id == user_id,
                    AnnotationRow.status == "submitted",
                )
                .group_by(ItemRow.project_id)
            ).all()
        )
        versions = dict(
            session.execute(
                select(OntologyVersionRow.project_id, func.max(OntologyVersionRow.version))
                .where(OntologyVersionRow.project_id.in_(ids))
                .group_by(OntologyVersionRow.project_id)
            ).all()
        )
        out: list[ProjectSummary] = []
        for project, role in rows:
            info = _project_info(
                project,
                versions.get(project.id, 0),
                Role.OWNER if user.is_admin else Role(role),
            )
            out.append(
                ProjectSummary(
                    **info.model_dump(),
                    item_count=items.get(project.id, 0),
                    submitted_count=submitted.get(project.id, 0),
                )
            )
        return out


# --- members --------------------------------------------------------------------------


def list_members(ws: Workspace, project_id: int, *, user_id: int) -> list[MemberInfo]:
    with ws.read_session() as session:
        require_project_role(session, project_id, user_id, Role.VIEWER)
        rows = session.execute(
            select(ProjectMemberRow.user_id, UserRow.username, ProjectMemberRow.role)
            .join(UserRow, UserRow.id == ProjectMemberRow.user_id)
            .where(ProjectMemberRow.project_id == project_id)
            .order_by(UserRow.username)
        ).all()
        return [MemberInfo(user_id=u, username=n, role=Role(r)) for u, n, r in rows]


def set_member(
    ws: Workspace, project_id: int, member_id: int, role: Role | str, *, user_id: int
) -> MemberInfo:
    """Add ``member_id`` to the project with ``role``, or change their role (owners only)."""
    role = Role(role)
    with ws.session() as session:
        require_project_role(session, project_id, user_id, Role.OWNER)
        member = session.get(UserRow, member_id)
        if member is None:
            raise NotFound(f"no user {member_id}")
        row = session.get(ProjectMemberRow, (project_id, member_id))
        if row is None:
            session.add(ProjectMemberRow(project_id=project_id, user_id=member_id, role=role.value))
        else:
            if row.role == Role.OWNER and role != Role.OWNER:
                _keep_an_owner(session, project_id, member_id)
            row.role = role.value
        return MemberInfo(user_id=member_id, username=member.username, role=role)


def remove_member(ws: Workspace, project_id: int, member_id: int, *, user_id: int) -> None:
    with ws.session() as session:
        require_project_role(session, project_id, user_id, Role.OWNER)
        row = session.get(ProjectMemberRow, (project_id, member_id))
        if row is None:
            raise NotFound(f"user {member_id} is not a member of project {project_id}")
        if row.role == Role.OWNER:
            _keep_an_owner(session, project_id, member_id)
        session.delete(row)


def _keep_an_owner(session: Session, project_id: int, leaving: int) -> None:
    others = session.scalar(
        select(func.count()).where(
            ProjectMemberRow.project_id == project_id,
            ProjectMemberRow.role == Role.OWNER.value,
            ProjectMemberRow.user_id != leaving,
        )
    )
    if not others:
        raise InvalidError("a project must keep at least one owner")
