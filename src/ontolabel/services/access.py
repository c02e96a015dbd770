"""Who may do what in a project: roles, ranked, and the one membership check every use case runs."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from ontolabel.errors import AuthError, Forbidden, Location, NotFound
from ontolabel.storage.tables import ItemRow, ProjectMemberRow, ProjectRow, UserRow, table_of


class Role(StrEnum):
    OWNER = "owner"  # everything: ontology, members, data, export
    REVIEWER = "reviewer"  # annotate, read everyone's annotations, export
    ANNOTATOR = "annotator"  # annotate, read own annotations
    VIEWER = "viewer"  # read items and own (empty) state only

    @property
    def rank(self) -> int:
        return _RANK[self]

    def at_least(self, minimum: Role) -> bool:
        return self.rank >= minimum.rank


_RANK = {Role.VIEWER: 0, Role.ANNOTATOR: 1, Role.REVIEWER: 2, Role.OWNER: 3}


def decide_role(found: bool, role: str | None, is_admin: bool, minimum: Role, what: str) -> Role:
    """The effective role from a membership lookup, or NotFound/Forbidden.
    ``found``: the project/item exists; ``role``: the membership's, None if not a member."""
    if not found:
        raise NotFound(f"no {what}")
    # administrators act as owners everywhere (they set up projects and members)
    effective = Role.OWNER if is_admin else (Role(role) if role else None)
    if effective is None:
        raise Forbidden(
            "you are not a member of this project"
            if what == "project"
            else f"you are not a member of this {what}'s project",
            hint="a project owner or an administrator can add you",
        )
    if not effective.at_least(minimum):
        raise Forbidden(f"this needs the {minimum.value} role or higher; you are {effective.value}")
    return effective


_projects = table_of(ProjectRow)
_members = table_of(ProjectMemberRow)
_users = table_of(UserRow)

# built once: every project-scoped request runs it
_PROJECT_ROLE = (
    select(_projects.c.id, _members.c.role, _users.c.is_admin)
    .select_from(
        _users.outerjoin(_projects, _projects.c.id == bindparam("project_id")).outerjoin(
            _members,
            and_(_members.c.project_id == _projects.c.id, _members.c.user_id == _users.c.id),
        )
    )
    .where(_users.c.id == bindparam("user_id"))
)


def require_project_role(session: Session, project_id: int, user_id: int, minimum: Role) -> Role:
    """The caller's role in the project, if at least ``minimum``; one query."""
    row = (
        session.connection()
        .execute(_PROJECT_ROLE, {"project_id": project_id, "user_id": user_id})
        .one_or_none()
    )
    if row is None:
        raise AuthError("unknown user")
    try:
        return decide_role(row[0] is not None, row[1], row[2], minimum, "project")
    except NotFound as exc:
        raise NotFound(exc.message, location=Location(path=f"projects/{project_id}")) from None


def require_item_role(
    session: Session, item_id: int, user_id: int, minimum: Role
) -> tuple[ItemRow, Role]:
    """The item and the caller's role in its project, if at least ``minimum``; one query."""
    row = session.execute(
        select(ItemRow, ProjectMemberRow.role, UserRow.is_admin)
        .select_from(UserRow)
        .outerjoin(ItemRow, ItemRow.id == item_id)
        .outerjoin(
            ProjectMemberRow,
            and_(
                ProjectMemberRow.project_id == ItemRow.project_id,
                ProjectMemberRow.user_id == UserRow.id,
            ),
        )
        .where(UserRow.id == user_id)
    ).one_or_none()
    if row is None:
        raise AuthError("unknown user")
    item, role, is_admin = row
    try:
        effective = decide_role(item is not None, role, is_admin, minimum, "item")
    except NotFound as exc:
        raise NotFound(exc.message, location=Location(item=str(item_id))) from None
    return item, effective
