"""Refusing oversized requests before their body is read."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Receive, Scope, Send

from ontolabel.errors import Location, TooLarge
from ontolabel.server.errors import body_of

# multipart framing and form fields around the files themselves
_FRAMING_SLACK = 1024 * 1024


class UploadLimit:
    """A request whose declared Content-Length is over the limit gets 413 at once, before
    a byte of its body is spooled to disk. (Bodies without a length are still bounded:
    stores stop copying at the limit, see BlobStore.stage.)

    Plain ASGI rather than a BaseHTTPMiddleware: it sits in front of every request, and
    the latter costs a task and a stream per request."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            declared = _content_length(scope)
            if declared is not None and declared > self.max_bytes + _FRAMING_SLACK:
                await _refuse(send, declared, self.max_bytes, scope.get("path", ""))
                return
        await self.app(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


async def _refuse(send: Send, declared: int, limit: int, path: str) -> None:
    error = TooLarge(
        f"the upload is {declared} bytes, above the limit of {limit}",
        location=Location(path=path),
        hint="split it into smaller files",
    )
    body = json.dumps(body_of(error)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
