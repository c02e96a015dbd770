"""Items: the keyset-paged list, adding (JSON text or uploaded files), next, one item."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ontolabel.errors import InvalidError, Location, Violation
from ontolabel.media import needs_display_rendition
from ontolabel.server.auth import CurrentUser, WorkspaceDep
from ontolabel.server.components import schema_ref
from ontolabel.server.errors import ERROR_RESPONSES, ErrorBody
from ontolabel.services import items, media
from ontolabel.services.items import ItemPage, ItemStatus, ItemSummary, ItemView

router = APIRouter(prefix="/api", tags=["items"], responses=ERROR_RESPONSES)


class NewTextItemRequest(BaseModel):
    text: str = Field(description="stored exactly as sent; span offsets refer to it")
    external_id: str | None = Field(default=None, description="re-adding the same id is a no-op")
    meta: dict[str, Any] = Field(default_factory=dict)


class AddedItems(BaseModel):
    items: list[ItemSummary]


class ItemBody(ItemView):
    media_urls: list[str] = Field(description="one per content.media entry, browser-displayable")


class Waveform(BaseModel):
    buckets: int
    duration: float | None
    peaks: list[tuple[float, float]] = Field(description="(min, max) in [-1, 1] per bucket")


_ADD_ITEMS_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": schema_ref(NewTextItemRequest)},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                        "external_id": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "one per file, in order (optional)",
                        },
                        "meta": {"type": "string", "description": "JSON object for every item"},
                        "as_one_item": {
                            "type": "boolean",
                            "description": "all files form one item (cloud + camera images)",
                        },
                    },
                }
            },
        },
    }
}


# The hot read routes are async and call the services inline: each is a few milliseconds
# of CPU-bound work (threads would not run it in parallel under the GIL), and a thread-pool
# hop per request costs more than the work itself on a busy machine. Reads never wait for
# locks (SQLite WAL, PostgreSQL MVCC), so the loop is not stalled.
@router.get("/projects/{project_id}/items", response_model=ItemPage)
async def list_items(
    project_id: int,
    user: CurrentUser,
    ws: WorkspaceDep,
    after: Annotated[
        int | None, Query(description="id of the last item of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=items.MAX_PAGE)] = 100,
    status: Annotated[
        ItemStatus | None, Query(description="only items with the caller's status")
    ] = None,
) -> Response:
    # the service serialises the page straight from its rows; response_model documents it
    body = items.list_items_json(
        ws, project_id, user_id=user.id, after=after, limit=limit, status=status
    )
    return Response(body, media_type="application/json")


@router.post(
    "/projects/{project_id}/items",
    status_code=201,
    openapi_extra=_ADD_ITEMS_BODY,
    responses={413: {"model": ErrorBody}, 415: {"model": ErrorBody}},
)
async def add_items(
    project_id: int, request: Request, user: CurrentUser, ws: WorkspaceDep
) -> AddedItems:
    """Add a text item (JSON body) or one item per uploaded file (multipart ``files``)."""
    kind = request.headers.get("content-type", "")
    if kind.startswith("multipart/form-data"):
        return await _add_files(project_id, request, user.id, ws)
    try:
        body = NewTextItemRequest.model_validate_json(await request.body())
    except ValidationError as exc:
        raise InvalidError(
            "the item is invalid",
            [
                Violation(e["msg"], Location(path=".".join(str(p) for p in e["loc"]) or None))
                for e in exc.errors()
            ],
        ) from None
    added = await run_in_threadpool(
        items.add_text_item,
        ws,
        project_id,
        text=body.text,
        user_id=user.id,
        external_id=body.external_id,
        meta=body.meta,
    )
    return AddedItems(items=[added])


async def _add_files(
    project_id: int, request: Request, user_id: int, ws: WorkspaceDep
) -> AddedItems:
    async with request.form(max_files=10_000, max_fields=10_000) as form:
        files = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
        if not files:
            raise InvalidError("no files uploaded", location=Location(path="files"))
        external_ids = [str(x) for x in form.getlist("external_id")] or None
        meta_raw = form.get("meta")
        try:
            meta = json.loads(meta_raw) if isinstance(meta_raw, str) and meta_raw else {}
        except json.JSONDecodeError as exc:
            raise InvalidError(
                f"meta is not JSON ({exc})", location=Location(path="meta")
            ) from None
        if not isinstance(meta, dict):
            raise InvalidError("meta must be a JSON object", location=Location(path="meta"))
        as_one = str(form.get("as_one_item", "")).lower() in ("1", "true", "yes", "on")
        added = await run_in_threadpool(
            items.add_media_items,
            ws,
            project_id,
            [(f.filename or "upload", f.file) for f in files],
            user_id=user_id,
            external_ids=external_ids,
            meta=meta,
            as_one_item=as_one,
        )
    return AddedItems(items=added)


@router.get("/projects/{project_id}/next")
async def next_item(
    project_id: int,
    user: CurrentUser,
    ws: WorkspaceDep,
    after: Annotated[int | None, Query(description="skip items up to this id")] = None,
) -> ItemSummary:
    """The first item the caller has not submitted (404 when all are done)."""
    return items.next_item(ws, project_id, user_id=user.id, after=after)


@router.get("/items/{item_id}")
async def get_item(item_id: int, user: CurrentUser, ws: WorkspaceDep) -> ItemBody:
    view = items.get_item(ws, item_id, user_id=user.id)
    urls = [
        f"/api/media/{m.sha256}" + ("?display=1" if needs_display_rendition(m) else "")
        for m in view.content.media
    ]
    return ItemBody(**view.model_dump(), media_urls=urls)


@router.get("/items/{item_id}/waveform", responses={415: {"model": ErrorBody}})
def waveform(
    item_id: int,
    user: CurrentUser,
    ws: WorkspaceDep,
    buckets: Annotated[int, Query(ge=1, le=20_000)] = 2000,
    media_index: Annotated[int, Query(ge=0)] = 0,
) -> Waveform:
    """(min, max) audio peaks for drawing the waveform."""
    peaks = media.item_waveform(
        ws, item_id, user_id=user.id, buckets=buckets, media_index=media_index
    )
    view = items.get_item(ws, item_id, user_id=user.id)
    duration = view.content.media[media_index].duration if view.content.media else None
    return Waveform(buckets=buckets, duration=duration, peaks=peaks)
