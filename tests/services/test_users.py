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


NUL = "holds a NUL character (\\u0000), which ontolabel does not store"
SURROGATE = (
    "holds a lone surrogate escape (\\ud800-\\udfff without its pair), which is not Unicode text"
)
BLANK_OR_CONTROL = "a username cannot contain whitespace or control characters; "


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("", "a username cannot be empty"),
        ("  \t ", "a username cannot be empty"),
        ("x" * 151, "a username has at most 150 characters; this one has 151"),
        ("é" * 200, "a username has at most 150 characters; this one has 200"),
        ("a\x00b", f"the username {NUL}"),
        ("a\ud800b", f"the username {SURROGATE}"),
        ("a\x01b", BLANK_OR_CONTROL + "character 2 is U+0001"),
        ("has space", BLANK_OR_CONTROL + "character 4 is U+0020"),
        ("tab\tbed", BLANK_OR_CONTROL + "character 4 is U+0009"),
        ("new\nline", BLANK_OR_CONTROL + "character 4 is U+000A"),
        ("no\u00a0break", BLANK_OR_CONTROL + "character 3 is U+00A0"),
        ("ideo\u3000space", BLANK_OR_CONTROL + "character 5 is U+3000"),
        ("del\x7f", BLANK_OR_CONTROL + "character 4 is U+007F"),
        ("c1\x85x", BLANK_OR_CONTROL + "character 3 is U+0085"),
    ],
)
def test_a_username_that_cannot_be_stored_or_typed_back_is_refused(
    workspace: Workspace, username: str, message: str
) -> None:
    with pytest.raises(InvalidError) as refused:
        users.create_user(workspace, username, PASSWORD)
    assert refused.value.message == message
    assert refused.value.location.path == "username"
    # refused before hashing or writing: no row, and no hash in any error text
    assert "$argon2" not in str(refused.value)
    with workspace.read_session() as s:
        assert s.scalars(select(UserRow)).all() == []


def test_a_username_may_fill_its_column_in_any_script(workspace: Workspace) -> None:
    longest = users.create_user(workspace, "é" * 150, PASSWORD)
    assert longest.username == "é" * 150
    assert users.create_user(workspace, " Ünï-名前_0.x@y ", PASSWORD).username == "Ünï-名前_0.x@y"
    assert users.authenticate(workspace, "é" * 150, PASSWORD).id == longest.id


def test_the_username_limit_is_the_columns() -> None:
    assert UserRow.__table__.c.username.type.length == users.MAX_USERNAME  # type: ignore[attr-defined]
    assert ApiTokenRow.__table__.c.name.type.length == users.MAX_TOKEN_NAME  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "a token name cannot be empty"),
        ("t" * 151, "a token name has at most 150 characters; this one has 151"),
        ("ci\x00", f"the token name {NUL}"),
        ("ci\udfff", f"the token name {SURROGATE}"),
    ],
)
def test_a_token_name_that_cannot_be_stored_is_refused(
    workspace: Workspace, owner: UserInfo, name: str, message: str
) -> None:
    with pytest.raises(InvalidError) as refused:
        users.create_token(workspace, owner.id, name)
    assert refused.value.message == message
    assert refused.value.location.path == "name"
    assert users.list_tokens(workspace, owner.id) == []
