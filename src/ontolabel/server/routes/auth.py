"""Login, logout, the current user, API tokens, and user accounts (administrators)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from ontolabel.errors import Forbidden
from ontolabel.server.auth import (
    SESSION_COOKIE,
    CurrentUser,
    WorkspaceDep,
    clear_session_cookie,
    set_session_cookie,
)
from ontolabel.server.errors import ERROR_RESPONSES
from ontolabel.services import users
from ontolabel.services.users import NewToken, TokenInfo, UserInfo

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)


class LoginRequest(BaseModel):
    username: str
    password: str


class TokenRequest(BaseModel):
    name: str = Field(min_length=1, max_length=150)


class NewUserRequest(BaseModel):
    username: str = Field(min_length=1, max_length=150)
    password: str
    is_admin: bool = False


@router.post("/auth/login", tags=["auth"])
def login(body: LoginRequest, request: Request, response: Response, ws: WorkspaceDep) -> UserInfo:
    """Check the password and start a browser session (HttpOnly, SameSite=Lax cookie)."""
    user = users.authenticate(ws, body.username, body.password)
    secret = users.start_session(ws, user.id)
    set_session_cookie(request, response, secret, ws.settings.session_days)
    return user


@router.post("/auth/logout", tags=["auth"], status_code=204)
def logout(request: Request, response: Response, ws: WorkspaceDep) -> None:
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        users.end_session(ws, secret)
    clear_session_cookie(request, response)


@router.get("/auth/me", tags=["auth"])
async def me(user: CurrentUser) -> UserInfo:
    return user


@router.post("/tokens", tags=["auth"], status_code=201)
def create_token(body: TokenRequest, user: CurrentUser, ws: WorkspaceDep) -> NewToken:
    """A new API token; its secret is in this answer only."""
    return users.create_token(ws, user.id, body.name)


@router.get("/tokens", tags=["auth"])
def list_tokens(user: CurrentUser, ws: WorkspaceDep) -> list[TokenInfo]:
    return users.list_tokens(ws, user.id)


@router.delete("/tokens/{token_id}", tags=["auth"], status_code=204)
def revoke_token(token_id: int, user: CurrentUser, ws: WorkspaceDep) -> None:
    users.revoke_token(ws, user.id, token_id)


@router.post("/users", tags=["auth"], status_code=201)
def create_user(body: NewUserRequest, user: CurrentUser, ws: WorkspaceDep) -> UserInfo:
    if not user.is_admin:
        raise Forbidden("only administrators create users")
    return users.create_user(ws, body.username, body.password, is_admin=body.is_admin)
