"""Users, passwords (argon2id), API tokens (shown once, stored hashed) and login sessions."""

from __future__ import annotations

import contextlib
import hashlib
import math
import secrets
import time
import unicodedata
from datetime import datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel
from sqlalchemy import Engine, Select, bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError

from ontolabel.core.storable import text_problem
from ontolabel.errors import AlreadyExists, AuthError, InvalidError, Location, NotFound
from ontolabel.services.workspace import Workspace
from ontolabel.storage.tables import ApiTokenRow, SessionRow, UserRow, table_of
from ontolabel.storage.types import utcnow

TOKEN_PREFIX = "olt_"
# the lengths of the username and token name columns (tables.py), as the REST API's
# request models also cap them: PostgreSQL refuses a longer value, SQLite would keep it
MAX_USERNAME = 150
MAX_TOKEN_NAME = 150
# last_used_at is informational; refreshing it at most this often keeps reads read-only
_TOUCH_EVERY = timedelta(minutes=5)


class UserInfo(BaseModel):
    id: int
    username: str
    is_admin: bool
    created_at: datetime


class TokenInfo(BaseModel):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


class NewToken(TokenInfo):
    token: str  # the secret itself: returned once, never stored


def _info(row: UserRow) -> UserInfo:
    return UserInfo(
        id=row.id, username=row.username, is_admin=row.is_admin, created_at=row.created_at
    )


def _hasher(ws: Workspace) -> PasswordHasher:
    return PasswordHasher(
        time_cost=ws.settings.argon2_time_cost, memory_cost=ws.settings.argon2_memory_kib
    )


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_stored_name(value: str, what: str, limit: int, where: Location) -> None:
    """InvalidError unless ``value`` (a ``what``) is there, fits its column and is text."""
    if not value:
        raise InvalidError(f"a {what} cannot be empty", location=where)
    if len(value) > limit:
        raise InvalidError(
            f"a {what} has at most {limit} characters; this one has {len(value):,}",
            location=where,
        )
    problem = text_problem(value)
    if problem is not None:
        raise InvalidError(f"the {what} {problem}", location=where)


def check_username(username: str) -> None:
    """InvalidError (at ``username``) unless the name can be stored and typed back at a
    login prompt or on a command line."""
    where = Location(path="username")
    _check_stored_name(username, "username", MAX_USERNAME, where)
    for position, char in enumerate(username, start=1):
        # a blank or a control character makes one name look like another (or like none)
        # in lists, logs and the terminal
        if char.isspace() or unicodedata.category(char) == "Cc":
            raise InvalidError(
                "a username cannot contain whitespace or control characters; "
                f"character {position} is U+{ord(char):04X}",
                location=where,
            )


def create_user(ws: Workspace, username: str, password: str, *, is_admin: bool = False) -> UserInfo:
    username = username.strip()
    check_username(username)
    if len(password) < 8:
        raise InvalidError(
            "a password needs at least 8 characters", location=Location(path="password")
        )
    row = UserRow(username=username, password_hash=_hasher(ws).hash(password), is_admin=is_admin)
    try:
        with ws.session() as session:
            session.add(row)
            session.flush()
            return _info(row)
    except IntegrityError:
        raise AlreadyExists(f"user {username!r} already exists") from None


def get_user(ws: Workspace, user_id: int) -> UserInfo:
    with ws.read_session() as session:
        row = session.get(UserRow, user_id)
        if row is None:
            raise NotFound(f"no user {user_id}")
        return _info(row)


def get_user_by_name(ws: Workspace, username: str) -> UserInfo | None:
    with ws.read_session() as session:
        row = session.scalars(select(UserRow).where(UserRow.username == username)).one_or_none()
        return None if row is None else _info(row)


def set_password(ws: Workspace, user_id: int, password: str) -> None:
    if len(password) < 8:
        raise InvalidError(
            "a password needs at least 8 characters", location=Location(path="password")
        )
    with ws.session() as session:
        done = session.execute(
            update(UserRow)
            .where(UserRow.id == user_id)
            .values(password_hash=_hasher(ws).hash(password))
        )
        if done.rowcount == 0:  # type: ignore[attr-defined]
            raise NotFound(f"no user {user_id}")
        # a new password ends every open browser session of that user
        session.execute(delete(SessionRow).where(SessionRow.user_id == user_id))
    _remembered(ws).forget_all()


def authenticate(ws: Workspace, username: str, password: str) -> UserInfo:
    """The user with this name and password, else AuthError (the same one either way)."""
    hasher = _hasher(ws)
    with ws.read_session() as session:
        row = session.scalars(select(UserRow).where(UserRow.username == username)).one_or_none()
    if row is None:
        # spend the same time as a real check so response times do not reveal usernames
        _burn(hasher, password)
        raise AuthError("wrong username or password")
    try:
        hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise AuthError("wrong username or password") from None
    if hasher.check_needs_rehash(row.password_hash):
        with ws.session() as session:
            session.execute(
                update(UserRow)
                .where(UserRow.id == row.id)
                .values(password_hash=hasher.hash(password))
            )
    return _info(row)


def _burn(hasher: PasswordHasher, password: str) -> None:
    with contextlib.suppress(VerificationError):
        hasher.verify(hasher.hash("not-a-real-password"), password)


# --- API tokens -----------------------------------------------------------------------


def create_token(ws: Workspace, user_id: int, name: str) -> NewToken:
    _check_stored_name(name, "token name", MAX_TOKEN_NAME, Location(path="name"))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with ws.session() as session:
        if session.get(UserRow, user_id) is None:
            raise NotFound(f"no user {user_id}")
        row = ApiTokenRow(user_id=user_id, name=name, token_hash=_digest(token))
        session.add(row)
        session.flush()
        return NewToken(
            id=row.id, name=row.name, created_at=row.created_at, last_used_at=None, token=token
        )


def list_tokens(ws: Workspace, user_id: int) -> list[TokenInfo]:
    with ws.read_session() as session:
        rows = session.scalars(
            select(ApiTokenRow).where(ApiTokenRow.user_id == user_id).order_by(ApiTokenRow.id)
        )
        return [
            TokenInfo(id=r.id, name=r.name, created_at=r.created_at, last_used_at=r.last_used_at)
            for r in rows
        ]


def revoke_token(ws: Workspace, user_id: int, token_id: int) -> None:
    with ws.session() as session:
        done = session.execute(
            delete(ApiTokenRow).where(ApiTokenRow.id == token_id, ApiTokenRow.user_id == user_id)
        )
        if done.rowcount == 0:  # type: ignore[attr-defined]
            raise NotFound(f"no token {token_id}")
    _remembered(ws).forget_all()


# --- credentials seen valid a moment ago ---------------------------------------------


class _Remembered:
    """Credentials found valid, by digest, for a moment.

    Every request authenticates, and a script or the editor's autosave sends several a
    second: a lookup (a pooled connection, a transaction, a join) costs more than the
    request's own work. Revoking a token, logging out and changing a password forget
    everything at once, in this process. A generation counter keeps a lookup that read
    the database before such a change from remembering what it found after it. A change
    made by another process (none does one today) is seen within REMEMBER_FOR seconds.
    """

    REMEMBER_FOR = 2.0
    AT_MOST = 4096

    def __init__(self) -> None:
        self.known: dict[str, tuple[UserInfo, float]] = {}
        self.generation = 0

    def get(self, digest: str) -> UserInfo | None:
        found = self.known.get(digest)
        if found is None or found[1] < time.monotonic():
            return None
        return found[0]

    def put(self, digest: str, user: UserInfo, generation: int, until: float) -> None:
        if generation != self.generation:
            return  # credentials changed while this lookup ran: it may be stale
        if len(self.known) >= self.AT_MOST:
            self.known.clear()
        self.known[digest] = (user, min(until, time.monotonic() + self.REMEMBER_FOR))

    def forget_all(self) -> None:
        self.generation += 1
        self.known.clear()


# per database (the engine): a workspace object is not hashable, its engine is
_REMEMBERED: WeakKeyDictionary[Engine, _Remembered] = WeakKeyDictionary()


def _remembered(ws: Workspace) -> _Remembered:
    found = _REMEMBERED.get(ws.engine)
    if found is None:
        found = _REMEMBERED.setdefault(ws.engine, _Remembered())
    return found


# built once: every request authenticates with one of these
_users = table_of(UserRow)
_tokens = table_of(ApiTokenRow)
_sessions = table_of(SessionRow)
_USER_COLUMNS = (_users.c.id, _users.c.username, _users.c.is_admin, _users.c.created_at)
_BY_TOKEN = (
    select(*_USER_COLUMNS, _tokens.c.id.label("token_id"), _tokens.c.last_used_at)
    .join(_tokens, _tokens.c.user_id == _users.c.id)
    .where(_tokens.c.token_hash == bindparam("digest"))
)
_BY_SESSION = (
    select(*_USER_COLUMNS, _sessions.c.expires_at)
    .join(_sessions, _sessions.c.user_id == _users.c.id)
    .where(_sessions.c.id_hash == bindparam("digest"))
)


def _lookup(ws: Workspace, query: Select[Any], digest: str) -> Any:
    with ws.engine.connect() as connection:
        return connection.execute(query, {"digest": digest}).one_or_none()


def _user(row: Any) -> UserInfo:
    return UserInfo(
        id=row.id, username=row.username, is_admin=row.is_admin, created_at=row.created_at
    )


def user_for_token(ws: Workspace, token: str) -> UserInfo:
    digest = _digest(token)
    remembered = _remembered(ws)
    known = remembered.get(digest)
    if known is not None:
        return known
    generation = remembered.generation
    found = _lookup(ws, _BY_TOKEN, digest)
    if found is None:
        raise AuthError("invalid API token", hint="create one with `ontolabel user token`")
    now = utcnow()
    if found.last_used_at is None or now - found.last_used_at > _TOUCH_EVERY:
        with ws.session() as session:
            session.execute(
                update(ApiTokenRow).where(ApiTokenRow.id == found.token_id).values(last_used_at=now)
            )
    user = _user(found)
    remembered.put(digest, user, generation, until=math.inf)
    return user


# --- browser sessions -----------------------------------------------------------------


def start_session(ws: Workspace, user_id: int) -> str:
    """A new login session for the user; returns the secret for the cookie."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    with ws.session() as session:
        session.add(
            SessionRow(
                id_hash=_digest(secret),
                user_id=user_id,
                created_at=now,
                expires_at=now + timedelta(days=ws.settings.session_days),
            )
        )
        # housekeeping rides along with logins instead of needing a scheduler
        session.execute(delete(SessionRow).where(SessionRow.expires_at < now))
    return secret


def user_for_session(ws: Workspace, secret: str) -> UserInfo:
    digest = _digest(secret)
    remembered = _remembered(ws)
    known = remembered.get(digest)
    if known is not None:
        return known
    generation = remembered.generation
    found = _lookup(ws, _BY_SESSION, digest)
    now = utcnow()
    if found is None or found.expires_at < now:
        raise AuthError("not logged in, or the session has expired")
    user = _user(found)
    # never past the session's own end
    left = (found.expires_at - now).total_seconds()
    remembered.put(digest, user, generation, until=time.monotonic() + left)
    return user


def end_session(ws: Workspace, secret: str) -> None:
    with ws.session() as session:
        session.execute(delete(SessionRow).where(SessionRow.id_hash == _digest(secret)))
    _remembered(ws).forget_all()
