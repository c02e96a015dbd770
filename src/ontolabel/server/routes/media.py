"""Media bytes, with HTTP Range for seeking in audio and video."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from ontolabel.server.auth import CurrentUser, WorkspaceDep
from ontolabel.server.errors import ERROR_RESPONSES
from ontolabel.services import media

router = APIRouter(prefix="/api/media", tags=["media"], responses=ERROR_RESPONSES)


@router.get(
    "/{sha256}",
    response_class=FileResponse,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "the file"},
        206: {"description": "the requested byte range"},
        416: {"description": "range not satisfiable"},
    },
)
def get_media(
    sha256: str,
    user: CurrentUser,
    ws: WorkspaceDep,
    display: Annotated[
        bool, Query(description="a browser-displayable rendition (DICOM as PNG)")
    ] = False,
) -> FileResponse:
    """The bytes of a media file of an item the caller may see. Honours ``Range``
    (206 with Content-Range; 416 outside the file) so players can seek."""
    blob = media.blob_for(ws, sha256, user_id=user.id)
    path, mime = media.display_rendition(ws, blob) if display else (blob.path, blob.info.mime)
    return FileResponse(
        path,
        media_type=mime,
        headers={
            # content-addressed: the bytes behind this URL never change
            "Cache-Control": "private, max-age=31536000, immutable",
            "ETag": f'"{sha256}{"-display" if display else ""}"',
        },
    )
