"""Statements run on the driver's own cursor store and read exactly what the ORM stores and
reads, and fail with the errors SQLAlchemy raises."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from ontolabel.services.workspace import Workspace
from ontolabel.storage.database import DriverStatement
from ontolabel.storage.tables import ItemRow, ProjectRow, UserRow, table_of

_users = table_of(UserRow)
_items = table_of(ItemRow)
_projects = table_of(ProjectRow)
WHEN = datetime(2024, 2, 29, 23, 59, 58, 123456, tzinfo=timezone(timedelta(hours=2)))
META = {"Straße": [1, 2.5, None], "nested": {"ok": True, "emoji": "👍🏽"}}


def test_values_written_on_the_driver_read_back_as_the_orm_would_store_them(
    workspace: Workspace,
) -> None:
    with workspace.session() as session:
        project = ProjectRow(name="p", modality="text")
        session.add(project)
        session.flush()
        db = session.connection()
        add_user = DriverStatement.render(
            insert(_users), db.dialect, ("username", "password_hash", "is_admin", "created_at")
        )
        add_user.run(
            db, {"username": "ana", "password_hash": "x", "is_admin": True, "created_at": WHEN}
        ).close()
        add_item = DriverStatement.render(
            insert(_items), db.dialect, ("project_id", "modality", "meta", "created_at")
        )
        add_item.run(
            db, {"project_id": project.id, "modality": "text", "meta": META, "created_at": WHEN}
        ).close()
        # read back by a statement run on the driver: columns decoded as the ORM decodes them
        read = DriverStatement.render(
            select(_users.c.is_admin, _users.c.created_at, _items.c.meta)
            .select_from(_users.join(_items, _items.c.project_id == bindparam("project")))
            .where(_users.c.username == bindparam("name")),
            db.dialect,
        )
        assert read.rows(db, {"project": project.id, "name": "ana"}) == [(True, WHEN, META)]
    with workspace.read_session() as session:
        user = session.scalars(select(UserRow).where(UserRow.username == "ana")).one()
        item = session.scalars(select(ItemRow)).one()
        assert (user.is_admin, user.created_at, item.meta) == (True, WHEN, META)
        assert user.created_at.tzinfo is UTC and item.created_at == WHEN


def test_a_refusal_of_the_database_is_the_error_sqlalchemy_raises(workspace: Workspace) -> None:
    with pytest.raises(IntegrityError), workspace.session() as session:
        db = session.connection()
        add = DriverStatement.render(
            insert(_users), db.dialect, ("username", "password_hash", "is_admin", "created_at")
        )
        for _ in range(2):  # the second breaks the unique user name
            add.run(
                db, {"username": "ana", "password_hash": "x", "is_admin": False, "created_at": WHEN}
            ).close()
