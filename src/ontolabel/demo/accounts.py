"""The demo's two accounts: ``demo`` (password ``demo``, owner of the demo projects) and
``admin`` (a random password, shown once when the account is made)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy.exc import IntegrityError

from ontolabel.services import users
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace
from ontolabel.storage.tables import UserRow

DEMO_USER = "demo"
DEMO_PASSWORD = "demo"
ADMIN_USER = "admin"


@dataclass(frozen=True)
class Account:
    user: UserInfo
    created: bool
    # the password, when this run chose it (None for an account that already existed)
    password: str | None


def ensure_admin(ws: Workspace) -> Account:
    existing = users.get_user_by_name(ws, ADMIN_USER)
    if existing is not None:
        return Account(existing, False, None)
    password = secrets.token_urlsafe(12)
    return Account(users.create_user(ws, ADMIN_USER, password, is_admin=True), True, password)


def ensure_demo_user(ws: Workspace) -> Account:
    existing = users.get_user_by_name(ws, DEMO_USER)
    if existing is not None:
        return Account(existing, False, None)
    # "demo" is shorter than create_user allows for real accounts, on purpose: it is a
    # published password for a local sandbox. The hash uses the workspace's argon2 cost.
    hasher = PasswordHasher(
        time_cost=ws.settings.argon2_time_cost, memory_cost=ws.settings.argon2_memory_kib
    )
    row = UserRow(username=DEMO_USER, password_hash=hasher.hash(DEMO_PASSWORD), is_admin=False)
    try:
        with ws.session() as session:
            session.add(row)
    except IntegrityError:
        # another process made it between our look-up and insert
        pass
    made = users.get_user_by_name(ws, DEMO_USER)
    assert made is not None
    return Account(made, True, DEMO_PASSWORD)
