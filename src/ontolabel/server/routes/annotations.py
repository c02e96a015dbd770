"""The caller's annotation of an item: read, save (optimistic concurrency), history."""

from __future__ import annotations

import re
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ontolabel.core.annotation import Annotation
from ontolabel.errors import Conflict, OntolabelError
from ontolabel.server.auth import SECURITY, CurrentUser, WorkspaceDep, request_user, workspace_of
from ontolabel.server.bodies import json_body_openapi, read_json
from ontolabel.server.errors import ERROR_RESPONSES, ErrorBody, StaleSave
from ontolabel.server.responses import ModelResponse
from ontolabel.services import annotations as service
from ontolabel.services.annotations import AnnotationState, AnnotationStatus, RevisionInfo
from ontolabel.services.users import UserInfo

router = APIRouter(prefix="/api/items", tags=["annotations"], responses=ERROR_RESPONSES)

# Reading is async and calls the service inline: a few milliseconds of CPU-bound work,
# less than a thread-pool hop costs on a busy machine. Saving stays in the pool: on SQLite
# it may wait for the write lock (e.g. behind an import), which must not stall the loop.
#
# Saving is the hottest route (the editor autosaves): it reads its caller, its body and
# its workspace by hand (see server.auth.request_user and server.bodies) instead of
# through FastAPI's dependency resolution, and documents them in openapi_extra.


class SaveRequest(BaseModel):
    base_revision: int = Field(ge=0, description="the revision this edit started from (0: none)")
    document: Annotation
    status: AnnotationStatus = Field(
        default="draft",
        description="draft: work in progress, required attributes may still be empty; "
        "submitted: the whole ontology must hold",
    )


class SaveConflictBody(ErrorBody):
    """The 409 answer to a stale save: nothing the client sent is lost."""

    current: AnnotationState = Field(description="what is stored now")
    yours: SaveRequest = Field(description="the refused request, whole")


@router.get("/{item_id}/annotation", response_model=AnnotationState)
async def get_annotation(
    item_id: int,
    user: CurrentUser,
    ws: WorkspaceDep,
    user_id: Annotated[
        int | None, Query(description="another annotator's work (reviewers)")
    ] = None,
) -> ModelResponse:
    """The caller's current annotation (revision 0 and an empty document if none)."""
    return ModelResponse(service.get_annotation(ws, item_id, user_id=user.id, annotator_id=user_id))


@router.put(
    "/{item_id}/annotation",
    response_model=AnnotationState,
    responses={409: {"model": SaveConflictBody, "description": "stale base_revision"}},
    openapi_extra={"security": SECURITY, **json_body_openapi(SaveRequest)},
)
async def save_annotation(item_id: int, request: Request) -> ModelResponse:
    """Save a new revision. 409 when ``base_revision`` is not the current one: the answer
    holds ``current`` (stored now) and ``yours`` (this request's body, not lost)."""
    # the caller first: without credentials the answer is 401 whatever the body
    user = request_user(request)
    body = await read_json(request, SaveRequest)
    try:
        saved = await run_in_threadpool(
            partial(
                service.save_annotation,
                workspace_of(request),
                item_id,
                body.document,
                user_id=user.id,
                base_revision=body.base_revision,
                status=body.status,
            )
        )
    except Conflict as exc:
        raise StaleSave(exc, yours=body.model_dump(mode="json")) from None
    return ModelResponse(saved)


@router.get("/{item_id}/annotation/revisions")
def list_revisions(
    item_id: int,
    user: CurrentUser,
    ws: WorkspaceDep,
    user_id: Annotated[
        int | None, Query(description="another annotator's work (reviewers)")
    ] = None,
) -> list[RevisionInfo]:
    return service.list_revisions(ws, item_id, user_id=user.id, annotator_id=user_id)


# -- the autosave's shortcut ------------------------------------------------------------
#
# Routing, dependency solving, the exception middleware and the response wrappers cost
# a save more than its statements do. ``SaveShortcut`` answers a well-formed, successful
# save from the outside of all that: same caller lookup, same body model, same service
# call, same bytes and headers as ``save_annotation`` above. Anything else (no or bad
# credentials, a body that is not a save, a refusal from the service, a body of unknown
# length) is handed to the app unchanged, with the body it read replayed, so every error
# answer is the declared route's own. The service raises before it commits, so handing
# over after a refusal never saves twice.

_SAVE_PATH = re.compile(r"/api/items/([1-9][0-9]{0,17})/annotation")
# a save's body is a few kilobytes; past this, the declared route reads it
_SHORTCUT_MAX_BODY = 1 << 20
_JSON_HEADERS = (b"content-type", b"application/json")


class SaveShortcut:
    """Plain ASGI in front of the router for ``PUT /api/items/{item_id}/annotation``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = (
            _SAVE_PATH.fullmatch(scope["path"])
            if scope["type"] == "http" and scope["method"] == "PUT" and not scope.get("root_path")
            else None
        )
        length = _json_body_length(scope) if found else None
        if found is None or length is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        try:
            user = request_user(request)
        except OntolabelError:
            # 401 before the body is read, as the declared route answers
            await self.app(scope, receive, send)
            return
        raw, messages = await _read_body(receive, length)
        saved = None if raw is None else await _save(request, user, int(found[1]), raw)
        if saved is None:
            await self.app(scope, _replaying(messages, receive), send)
            return
        body = saved.model_dump_json().encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", str(len(body)).encode()), _JSON_HEADERS],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _json_body_length(scope: Scope) -> int | None:
    """The declared length of a JSON body small enough for the shortcut, else None."""
    length: int | None = None
    json = False
    for name, value in scope["headers"]:
        if name == b"content-length":
            length = int(value) if value.isdigit() else None
        elif name == b"content-type":
            json = value.split(b";", 1)[0].strip().lower() == b"application/json"
        elif name == b"transfer-encoding":
            return None
    if not json or length is None or not 0 < length <= _SHORTCUT_MAX_BODY:
        return None
    return length


async def _read_body(receive: Receive, length: int) -> tuple[bytes | None, list[Message]]:
    """The whole body (None if the client left, or sent other than it declared) and the
    messages it came in, for handing them over."""
    messages: list[Message] = []
    parts: list[bytes] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return None, messages
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    raw = b"".join(parts)
    return (raw if len(raw) == length else None), messages


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


async def _save(
    request: Request, user: UserInfo, item_id: int, raw: bytes
) -> AnnotationState | None:
    """The saved state, or None when the declared route must answer (it says why)."""
    try:
        body = SaveRequest.model_validate_json(raw)
    except ValidationError:
        return None
    try:
        return await run_in_threadpool(
            partial(
                service.save_annotation,
                workspace_of(request),
                item_id,
                body.document,
                user_id=user.id,
                base_revision=body.base_revision,
                status=body.status,
            )
        )
    except Exception:  # noqa: BLE001 - the declared route runs again and answers it
        return None
