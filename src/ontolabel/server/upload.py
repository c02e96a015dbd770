"""Reading multipart uploads and refusing oversized requests before they are read."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request, Response
from fastapi.responses import JSONResponse

from ontolabel.errors import Location
from ontolabel.server.errors import body_of
from ontolabel.storage.blobs import TooLarge

# multipart framing and form fields around the files themselves
_FRAMING_SLACK = 1024 * 1024


def upload_limit_middleware(
    max_bytes: int,
) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    """A request whose declared Content-Length is over the limit gets 413 at once, before
    a byte of its body is spooled to disk. (Bodies without a length are still bounded:
    stores stop copying at the limit, see BlobStore.stage.)"""

    async def check(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes + _FRAMING_SLACK:
            error = TooLarge(
                f"the upload is {int(declared)} bytes, above the limit of {max_bytes}",
                location=Location(path=request.url.path),
                hint="split it into smaller files",
            )
            return JSONResponse(body_of(error), status_code=413)
        return await call_next(request)

    return check
