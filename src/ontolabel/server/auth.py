"""Who is calling: a Bearer token (scripts) or the HttpOnly session cookie (the browser)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param

from ontolabel.errors import AuthError
from ontolabel.services import users
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

SESSION_COOKIE = "ontolabel_session"

# declared so OpenAPI (and /docs) show both ways in; auto_error=False lets us answer with
# our own error body instead of FastAPI's
_bearer = HTTPBearer(auto_error=False, description="an API token from POST /api/tokens")
_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="set by login")


# async: it does no I/O, and a sync dependency would cost a thread-pool hop per request
async def get_workspace(request: Request) -> Workspace:
    return workspace_of(request)


WorkspaceDep = Annotated[Workspace, Depends(get_workspace)]


def _caller(ws: Workspace, token: str | None, session: str | None) -> UserInfo:
    if token is not None:
        return users.user_for_token(ws, token)
    if session:
        return users.user_for_session(ws, session)
    raise AuthError(
        "not logged in",
        hint="log in with POST /api/auth/login or send 'Authorization: Bearer <token>'",
    )


# async on purpose: the lookup is one indexed read (well under a millisecond), and most
# often not even that (services.users remembers a credential for a moment), cheaper
# than the thread-pool hop a sync dependency costs on every request
async def current_user(
    ws: WorkspaceDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    session: Annotated[str | None, Depends(_cookie)],
) -> UserInfo:
    return _caller(ws, None if bearer is None else bearer.credentials, session)


CurrentUser = Annotated[UserInfo, Depends(current_user)]


# The hot routes (saving an annotation) skip FastAPI's dependency resolution, whose
# bookkeeping for the three dependencies above costs more than the lookup itself: they
# read the same header and cookie here, the way HTTPBearer and APIKeyCookie read them,
# and declare the same security requirement in their ``openapi_extra``.
SECURITY: list[dict[str, list[str]]] = [{_bearer.scheme_name: []}, {_cookie.scheme_name: []}]


def workspace_of(request: Request) -> Workspace:
    ws = request.app.state.workspace
    assert isinstance(ws, Workspace)
    return ws


def request_user(request: Request) -> UserInfo:
    """The caller of `request`, as ``current_user`` finds it (AuthError: 401)."""
    scheme, credentials = get_authorization_scheme_param(request.headers.get("authorization"))
    token = credentials if credentials and scheme.lower() == "bearer" else None
    return _caller(workspace_of(request), token, request.cookies.get(SESSION_COOKIE))


def set_session_cookie(request: Request, response: Response, secret: str, days: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=days * 86400,
        path="/",
        httponly=True,
        samesite="lax",
        # over plain http (the local default) a Secure cookie would never come back
        secure=request.url.scheme == "https",
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
