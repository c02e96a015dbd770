"""Import and export of a project's data in registered formats, and the format list."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.errors import InvalidError, Location, TooLarge, Violation
from ontolabel.formats.registry import all_formats, get_format
from ontolabel.server.auth import CurrentUser, WorkspaceDep
from ontolabel.server.errors import ERROR_RESPONSES, ErrorBody, ViolationBody
from ontolabel.services import projects, transfer
from ontolabel.services.access import Role
from ontolabel.services.transfer import ImportReport, ProjectFormats
from ontolabel.services.workspace import Workspace

router = APIRouter(prefix="/api", tags=["transfer"], responses=ERROR_RESPONSES)


class FormatInfo(BaseModel):
    name: str
    title: str
    extension: str
    media_type: str
    modalities: list[Modality]
    kinds: list[GeometryKind]
    can_read: bool
    can_write: bool
    inputs: list[str] = Field(description="what import reads: 'file', 'folder' (upload a zip)")
    options_schema: dict[str, Any] = Field(description="JSON Schema of the export options")


class DetectionBody(BaseModel):
    confidence: float = Field(description="0..1: how sure the format was that it reads the file")
    reason: str


class ImportResult(BaseModel):
    format: str = Field(description="the format the file was read as")
    detected: DetectionBody | None = Field(
        default=None, description="set when the format was detected rather than named"
    )
    imported: int = Field(description="items created")
    skipped: int = Field(description="bad records left out (errors=collect)")
    existing: int = Field(description="records naming items the project already has")
    updated: int = Field(description="of those, items whose annotations got a new revision")
    errors: list[ViolationBody] = Field(description="every bad record, with its line or item")


@router.get("/formats")
def list_formats(_: CurrentUser) -> list[FormatInfo]:
    return [
        FormatInfo(
            name=f.name,
            title=f.title,
            extension=f.extension,
            media_type=f.media_type,
            modalities=sorted(f.modalities),
            kinds=sorted(f.kinds),
            can_read=f.can_read,
            can_write=f.can_write,
            inputs=sorted(f.inputs),
            options_schema=f.options_model.model_json_schema(),
        )
        for f in all_formats()
    ]


@router.get("/projects/{project_id}/formats")
def project_formats(project_id: int, user: CurrentUser, ws: WorkspaceDep) -> ProjectFormats:
    """The formats that fit the project: exports of its modality (each with the geometry
    kinds of its ontology it would lose, lossless ones first) and imports that read it."""
    return transfer.project_formats(ws, project_id, user_id=user.id)


def _import_query(request: Request) -> None:
    """An import takes `format` and `errors` only: an unknown parameter (a misspelt
    `error=collect`) is refused, as export refuses an unknown option, rather than ignored."""
    unknown = sorted(set(request.query_params) - {"format", "errors"})
    if unknown:
        raise InvalidError(
            f"unknown import parameter{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}",
            [Violation("not a parameter of import", Location(path=k)) for k in unknown],
            hint="import takes format=NAME and errors=fail|collect",
        )


ImportQuery = Annotated[None, Depends(_import_query)]


@router.post("/projects/{project_id}/import", responses={413: {"model": ErrorBody}})
async def import_file(
    project_id: int,
    user: CurrentUser,
    ws: WorkspaceDep,
    _checked: ImportQuery,
    file: Annotated[UploadFile, File(description="the file to import")],
    format: Annotated[str | None, Query(description="format name; detected when omitted")] = None,
    errors: Annotated[
        Literal["fail", "collect"],
        Query(description="fail: write nothing if any record is bad; collect: skip bad ones"),
    ] = "fail",
) -> ImportResult:
    """Import items (and their annotations) from a file. Every bad record is reported with
    its line or item; with ``errors=fail`` nothing is written if any is bad."""
    name = file.filename or "upload"
    path = await _spool(ws, _upload_chunks(file), name)
    try:
        report = await run_in_threadpool(
            transfer.import_file,
            ws,
            project_id,
            path,
            format,
            user_id=user.id,
            errors=errors,
            display_name=name,
        )
    finally:
        _unspool(path)
    return _result(report)


@router.put(
    "/projects/{project_id}/import/{name}",
    responses={413: {"model": ErrorBody}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "the file's bytes (a zip for folder formats)",
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        }
    },
)
async def import_body(
    project_id: int,
    name: str,
    user: CurrentUser,
    ws: WorkspaceDep,
    _checked: ImportQuery,
    request: Request,
    format: Annotated[str | None, Query(description="format name; detected when omitted")] = None,
    errors: Annotated[
        Literal["fail", "collect"],
        Query(description="fail: write nothing if any record is bad; collect: skip bad ones"),
    ] = "fail",
) -> ImportResult:
    """Import the request body as the file ``name`` (`curl -T labels.jsonl`): the same
    import as the multipart `POST .../import`, without a form to parse (a 2.6 MB upload
    spends ~0.1 s in the multipart parser), so scripts and large uploads should use it."""
    path = await _spool(ws, request.stream(), name)
    try:
        report = await run_in_threadpool(
            transfer.import_file,
            ws,
            project_id,
            path,
            format,
            user_id=user.id,
            errors=errors,
            display_name=name,
        )
    finally:
        _unspool(path)
    return _result(report)


async def _upload_chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(1 << 20):
        yield chunk


async def _spool(ws: Workspace, chunks: AsyncIterator[bytes], name: str) -> Path:
    """An upload (a form's file or the request body) in a file of the workspace, which is
    what formats read, within the upload limit. The file keeps the upload's name, in a
    folder of its own: formats detect by the suffix, and some take an item's id from the
    file's name (a LabelMe JSON), which must be the same from the server as from the CLI."""
    limit = ws.settings.max_upload_bytes
    folder = Path(tempfile.mkdtemp(dir=ws.tmp_dir, prefix="upload-"))
    tmp = folder / _spooled_name(name)
    size = 0
    try:
        with tmp.open("wb") as out:
            pending: list[bytes] = []
            held = 0
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise TooLarge(
                        f"{name} is larger than {limit} bytes", location=Location(file=name)
                    )
                pending.append(chunk)
                held += len(chunk)
                # one hop to a thread per megabyte written, not one per network chunk
                if held >= 1 << 20:
                    await run_in_threadpool(out.writelines, pending)
                    pending, held = [], 0
            await run_in_threadpool(out.writelines, pending)
    except BaseException:
        _unspool(tmp)
        raise
    return tmp


def _spooled_name(name: str) -> str:
    """The upload's own file name when it is a plain one, else "upload" with its suffix."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    if base in ("", ".", "..") or len(base.encode()) > 200 or any(c < " " for c in base):
        return "upload" + "".join(c for c in Path(base).suffix[:16] if c >= " ")
    return base


def _unspool(path: Path) -> None:
    shutil.rmtree(path.parent, ignore_errors=True)


def _result(report: ImportReport) -> ImportResult:
    detected = report.detected
    return ImportResult(
        format=report.format,
        detected=None
        if detected is None
        else DetectionBody(confidence=detected.confidence, reason=detected.reason),
        imported=report.imported,
        skipped=report.skipped,
        existing=report.existing,
        updated=report.updated,
        errors=[ViolationBody(**v.to_dict()) for v in report.errors],
    )


@router.get(
    "/projects/{project_id}/export",
    response_class=FileResponse,
    responses={
        200: {
            "content": {"application/octet-stream": {}},
            "description": "the file; X-Ontolabel-Items, -Objects and -Skipped headers count "
            "what it holds and what the format could not carry (X-Ontolabel-First-Skipped "
            "says the first)",
        }
    },
)
async def export(
    project_id: int,
    user: CurrentUser,
    ws: WorkspaceDep,
    request: Request,
    format: Annotated[str, Query()] = "jsonl",
) -> FileResponse:
    """The whole project in ``format``, as a download (written to disk first, so memory
    stays bounded whatever the project's size). Every other query parameter is an export
    option of the format (`GET /api/formats` gives each format's `options_schema`); an
    unknown or bad option is a 422 naming it."""
    fmt = get_format(format)
    options = fmt.parse_options({k: v for k, v in request.query_params.items() if k != "format"})
    await run_in_threadpool(
        projects.check_role, ws, project_id, user_id=user.id, minimum=Role.REVIEWER
    )
    project = await run_in_threadpool(projects.get_project, ws, project_id, user_id=user.id)
    fd, tmp = tempfile.mkstemp(dir=ws.tmp_dir, suffix=fmt.extension)
    try:
        with os.fdopen(fd, "wb") as out:
            stats = await run_in_threadpool(
                transfer.export_project, ws, project_id, fmt.name, out, options=options
            )
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", project.name).strip("_") or "project"
    # what the format could not carry travels with the file, so a script can tell a
    # complete export from one that left work out (the CLI lists each)
    counts = {
        "X-Ontolabel-Items": str(stats.items),
        "X-Ontolabel-Objects": str(stats.objects),
        "X-Ontolabel-Skipped": str(len(stats.skipped)),
        "X-Ontolabel-Changed": str(len(stats.changed)),
    }
    if stats.skipped:
        first = str(stats.skipped[0])
        counts["X-Ontolabel-First-Skipped"] = first.encode("ascii", "replace").decode()[:500]
    return FileResponse(
        tmp,
        media_type=fmt.media_type,
        filename=f"{safe}{fmt.extension}",
        headers=counts,
        background=BackgroundTask(Path(tmp).unlink, missing_ok=True),
    )
