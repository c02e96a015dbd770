"""The caller's annotation of an item: read, save (optimistic concurrency), history."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from ontolabel.core.annotation import Annotation
from ontolabel.errors import Conflict
from ontolabel.server.auth import SECURITY, CurrentUser, WorkspaceDep, request_user, workspace_of
from ontolabel.server.bodies import json_body_openapi, read_json
from ontolabel.server.errors import ERROR_RESPONSES, ErrorBody, StaleSave
from ontolabel.server.responses import ModelResponse
from ontolabel.services import annotations as service
from ontolabel.services.annotations import AnnotationState, AnnotationStatus, RevisionInfo

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
