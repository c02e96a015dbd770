"""The one mapping from ontolabel's exceptions to HTTP responses.

Every error body has the same shape: ``{"error", "message", "violations"?, "hint"?,
file/line/item/path?}``; a 409 on an annotation adds ``current`` (what is stored now) and
``yours`` (the refused request, so nothing the client sent is lost; its body model lives
beside the save route).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ontolabel.errors import (
    AuthError,
    Conflict,
    Forbidden,
    InvalidError,
    Location,
    MediaError,
    NotFound,
    OntolabelError,
    TooLarge,
    Violation,
)

# the first matching class wins, so subclasses come before their bases
STATUS_BY_ERROR: list[tuple[type[OntolabelError], int]] = [
    (InvalidError, 422),  # AnnotationInvalid, OntologyError, FormatError, TextOffsetError
    (NotFound, 404),
    (Conflict, 409),  # AlreadyExists too
    (AuthError, 401),
    (Forbidden, 403),
    (TooLarge, 413),
    (MediaError, 415),
]


class ViolationBody(BaseModel):
    message: str
    file: str | None = None
    line: int | None = None
    item: str | None = None
    path: str | None = None


class ErrorBody(BaseModel):
    """What every 4xx answer carries."""

    error: str
    message: str
    hint: str | None = None
    violations: list[ViolationBody] | None = None
    file: str | None = None
    line: int | None = None
    item: str | None = None
    path: str | None = None


# documented on every route, so the generated client knows the error shape
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "not logged in"},
    403: {"model": ErrorBody, "description": "not allowed in this project"},
    404: {"model": ErrorBody, "description": "no such thing"},
    422: {"model": ErrorBody, "description": "invalid input, with every violation"},
}


class StaleSave(Conflict):
    """A Conflict on saving, carrying the refused body back to the client."""

    def __init__(self, conflict: Conflict, yours: dict[str, Any]):
        self.yours = yours
        super().__init__(
            conflict.message,
            current=conflict.current,
            location=conflict.location,
            hint=conflict.hint,
        )


def status_of(exc: OntolabelError) -> int:
    for cls, status in STATUS_BY_ERROR:
        if isinstance(exc, cls):
            return status
    return 400


def body_of(exc: OntolabelError) -> dict[str, Any]:
    body = exc.to_dict()
    if isinstance(exc, Conflict) and exc.current is not None:
        current = exc.current
        body["current"] = (
            current.model_dump(mode="json") if isinstance(current, BaseModel) else current
        )
    if isinstance(exc, StaleSave):
        body["error"] = "Conflict"  # a transport detail; clients see the domain error
        body["yours"] = exc.yours
    return body


async def _ontolabel_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OntolabelError)
    status = status_of(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body_of(exc), status_code=status, headers=headers)


async def _request_invalid(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    violations = [
        Violation(
            str(e.get("msg", "invalid")),
            # drop the leading "body"/"query" of FastAPI's locations: paths name the field
            Location(path=".".join(str(p) for p in e.get("loc", ())[1:]) or None),
        )
        for e in exc.errors()
    ]
    error = InvalidError(f"the request is invalid in {len(violations)} place(s)", violations)
    body = error.to_dict()
    body["error"] = "InvalidRequest"
    return JSONResponse(body, status_code=422)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return JSONResponse(
        {"error": "HTTPError", "message": str(exc.detail)},
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


async def _number_out_of_range(request: Request, exc: Exception) -> JSONResponse:
    """A number too large for the database's column (an id of 30 digits, say) reaches the
    driver as OverflowError (SQLite) or a DataError (PostgreSQL: integer out of range, or a
    text with a NUL or longer than its column).
    Every value that reaches a query passed the request's validation, so this is the
    caller's input: a 422, not a 500."""
    assert isinstance(exc, (OverflowError, DataError))
    error = InvalidError(_out_of_range(exc), location=Location(path=request.url.path))
    body = error.to_dict()
    body["error"] = "InvalidRequest"
    return JSONResponse(body, status_code=422)


def _out_of_range(exc: Exception) -> str:
    """What the database refused, in the caller's terms (PostgreSQL says which)."""
    reason = str(getattr(exc, "orig", exc))
    if "0x00" in reason or "\\u0000" in reason:
        return (
            "a text in the request holds a NUL character (\\u0000), which ontolabel does not store"
        )
    if "too long" in reason:
        return "a text in the request is longer than the database keeps (names: 500 characters)"
    return "a number in the request is out of range for the database (ids are at most 2147483647)"


async def _nested_too_deeply(request: Request, exc: Exception) -> JSONResponse:
    """JSON nested past the parser's recursion limit (e.g. a million '[')."""
    assert isinstance(exc, RecursionError)
    error = InvalidError(
        "the input is nested too deeply to read", location=Location(path=request.url.path)
    )
    body = error.to_dict()
    body["error"] = "InvalidRequest"
    return JSONResponse(body, status_code=422)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(OntolabelError, _ontolabel_error)
    app.add_exception_handler(OverflowError, _number_out_of_range)
    app.add_exception_handler(DataError, _number_out_of_range)
    app.add_exception_handler(RecursionError, _nested_too_deeply)
    app.add_exception_handler(RequestValidationError, _request_invalid)
    app.add_exception_handler(StarletteHTTPException, _http_error)
