"""Users: argon2 passwords, API tokens shown once and stored hashed, browser sessions."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select
from tests.conftest import PASSWORD

from ontolabel.errors import AlreadyExists, AuthError, InvalidError
from ontolabel.services import users
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace
from ontolabel.storage.tables import ApiTokenRow, SessionRow, UserRow


def test_passwords_are_stored_as_argon2id_hashes(workspace: Workspace, owner: UserInfo) -> None:
    with workspace.read_session() as s:
        stored = s.scalars(select(UserRow.password_hash)).one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_authenticate_accepts_the_password_and_nothing_else(
    workspace: Workspace, owner: UserInfo
) -> None:
    assert users.authenticate(workspace, "olga", PASSWORD).id == owner.id
    with pytest.raises(AuthError) as wrong:
        users.authenticate(workspace, "olga", PASSWORD + "!")
    with pytest.raises(AuthError) as unknown:
        users.authenticate(workspace, "nobody", PASSWORD)
    # the same answer either way: the reply does not tell which usernames exist
    assert wrong.value.message == unknown.value.message


def test_usernames_are_unique_and_passwords_not_trivial(
    workspace: Workspace, owner: UserInfo
) -> None:
    with pytest.raises(AlreadyExists):
        users.create_user(workspace, "olga", "another password")
    with pytest.raises(InvalidError):
        users.create_user(workspace, "short", "1234567")


def test_a_token_is_shown_once_and_only_its_hash_is_kept(
    workspace: Workspace, owner: UserInfo
) -> None:
    new = users.create_token(workspace, owner.id, "ci")
    assert new.token.startswith("olt_") and len(new.token) > 40
    with workspace.read_session() as s:
        stored = s.scalars(select(ApiTokenRow.token_hash)).one()
    assert stored == hashlib.sha256(new.token.encode()).hexdigest()
    assert users.user_for_token(workspace, new.token).id == owner.id
    listed = users.list_tokens(workspace, owner.id)
    assert [t.name for t in listed] == ["ci"]
    assert listed[0].last_used_at is not None
    assert "token" not in listed[0].model_dump()


def test_a_revoked_or_made_up_token_is_refused(workspace: Workspace, owner: UserInfo) -> None:
    new = users.create_token(workspace, owner.id, "ci")
    users.revoke_token(workspace, owner.id, new.id)
    for token in (new.token, "olt_made_up"):
        with pytest.raises(AuthError):
            users.user_for_token(workspace, token)


def test_sessions_end_on_logout_and_on_password_change(
    workspace: Workspace, owner: UserInfo
) -> None:
    first = users.start_session(workspace, owner.id)
    second = users.start_session(workspace, owner.id)
    assert users.user_for_session(workspace, first).username == "olga"
    with workspace.read_session() as s:
        # only hashes are stored, never the cookie value
        assert first not in s.scalars(select(SessionRow.id_hash)).all()
    users.end_session(workspace, first)
    with pytest.raises(AuthError):
        users.user_for_session(workspace, first)
    users.set_password(workspace, owner.id, "a brand new password")
    with pytest.raises(AuthError):
        users.user_for_session(workspace, second)
    assert users.authenticate(workspace, "olga", "a brand new password").id == owner.id
