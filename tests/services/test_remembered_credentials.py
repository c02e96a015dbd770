"""A credential found valid is remembered for a moment (every request authenticates), and
forgotten at once when it stops being valid in this process: revoked, logged out, or its
user's password changed."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, update

from ontolabel.errors import AuthError
from ontolabel.services import users
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace
from ontolabel.storage.tables import ApiTokenRow, SessionRow
from ontolabel.storage.types import utcnow


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The digests looked up in the database, in order."""
    seen: list[str] = []
    real = users._lookup

    def counting(ws: Workspace, query: Any, digest: str) -> Any:
        seen.append(digest)
        return real(ws, query, digest)

    monkeypatch.setattr(users, "_lookup", counting)
    return seen


def test_a_token_in_use_is_looked_up_once_per_moment(
    workspace: Workspace, owner: UserInfo, lookups: list[str]
) -> None:
    token = users.create_token(workspace, owner.id, "ci").token
    for _ in range(5):
        assert users.user_for_token(workspace, token) == users.get_user(workspace, owner.id)
    assert len(lookups) == 1


def test_a_revoked_token_is_refused_at_once_even_right_after_use(
    workspace: Workspace, owner: UserInfo
) -> None:
    kept = users.create_token(workspace, owner.id, "kept")
    gone = users.create_token(workspace, owner.id, "gone")
    users.user_for_token(workspace, kept.token)
    users.user_for_token(workspace, gone.token)
    users.revoke_token(workspace, owner.id, gone.id)
    with pytest.raises(AuthError):
        users.user_for_token(workspace, gone.token)
    assert users.user_for_token(workspace, kept.token).id == owner.id


def test_logout_and_a_new_password_end_sessions_at_once_even_right_after_use(
    workspace: Workspace, owner: UserInfo
) -> None:
    first = users.start_session(workspace, owner.id)
    second = users.start_session(workspace, owner.id)
    users.user_for_session(workspace, first)
    users.user_for_session(workspace, second)
    users.end_session(workspace, first)
    with pytest.raises(AuthError):
        users.user_for_session(workspace, first)
    assert users.user_for_session(workspace, second).id == owner.id
    users.set_password(workspace, owner.id, "a brand new password")
    with pytest.raises(AuthError):
        users.user_for_session(workspace, second)


def test_a_lookup_that_raced_a_revocation_does_not_remember_what_it_read(
    workspace: Workspace, owner: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = users.create_token(workspace, owner.id, "ci")
    real = users._lookup

    def read_then_revoked(ws: Workspace, query: Any, digest: str) -> Any:
        row = real(ws, query, digest)  # valid when read...
        monkeypatch.setattr(users, "_lookup", real)
        users.revoke_token(ws, owner.id, new.id)  # ...revoked before it is remembered
        return row

    monkeypatch.setattr(users, "_lookup", read_then_revoked)
    assert users.user_for_token(workspace, new.token).id == owner.id  # the request in flight
    with pytest.raises(AuthError):
        users.user_for_token(workspace, new.token)


def test_a_token_deleted_by_another_process_is_refused_after_the_moment(
    workspace: Workspace, owner: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = users.create_token(workspace, owner.id, "ci")
    users.user_for_token(workspace, new.token)
    # what another process sharing the database would do: nothing here is told about it
    with workspace.session() as session:
        session.execute(delete(ApiTokenRow).where(ApiTokenRow.id == new.id))
    assert users.user_for_token(workspace, new.token).id == owner.id  # still remembered
    later = time.monotonic() + users._Remembered.REMEMBER_FOR + 0.1
    monkeypatch.setattr(time, "monotonic", lambda: later)
    with pytest.raises(AuthError):
        users.user_for_token(workspace, new.token)


def test_a_session_is_never_remembered_past_its_own_end(
    workspace: Workspace, owner: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = users.start_session(workspace, owner.id)
    now = utcnow()
    with workspace.session() as session:
        session.execute(update(SessionRow).values(expires_at=now + timedelta(seconds=1)))
    assert users.user_for_session(workspace, secret).id == owner.id
    # 1.5 s later: within the moment a credential is remembered, past the session's end
    later = time.monotonic() + 1.5
    monkeypatch.setattr(time, "monotonic", lambda: later)
    monkeypatch.setattr(users, "utcnow", lambda: now + timedelta(seconds=1.5))
    with pytest.raises(AuthError):
        users.user_for_session(workspace, secret)
