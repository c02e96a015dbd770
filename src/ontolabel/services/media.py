"""Media files: storing an upload (probe, upright copy, content address) and serving bytes
only to callers who may see an item holding them."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import and_, select

from ontolabel.core.item import MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.errors import AuthError, Forbidden, NotFound
from ontolabel.media import normalize_image, probe, render_display, waveform_peaks
from ontolabel.services.access import Role, require_item_role
from ontolabel.services.workspace import Workspace
from ontolabel.storage.mappers import media_info_from_json
from ontolabel.storage.tables import ItemMediaRow, ItemRow, ProjectMemberRow, UserRow


@dataclass(frozen=True)
class StoredBlob:
    path: Path
    info: MediaInfo


def store_media(
    ws: Workspace, source: Path | BinaryIO, name: str, *, max_size: int | None = None
) -> MediaInfo:
    """Probe ``source`` and keep its bytes in the blob store; returns what probing found,
    with ``sha256``/``size`` of the stored bytes.

    An image with an EXIF rotation is stored upright (so every consumer, the browser, the
    exporters, sees the displayed orientation and pixels are never turned twice).
    Raises MediaError for corrupt or unsupported files and TooLarge past ``max_size``.
    The blob row is written with the item that uses it (see items.add_items_bulk).
    """
    limit = ws.settings.max_upload_bytes if max_size is None else max_size
    with ws.blobs.stage(source, name=name, max_size=limit) as staged:
        info = probe(staged.path, name)
        if info.modality is Modality.IMAGE and info.extra.get("orientation", 1) != 1:
            upright = normalize_image(staged.path)
            sha = ws.blobs.put_bytes(upright)
            stored = probe(ws.blobs.path(sha), name)
            extra = {**stored.extra, "source_orientation": info.extra["orientation"]}
            return stored.model_copy(update={"extra": extra})
        ws.blobs.commit(staged)
        return info.model_copy(update={"sha256": staged.sha256, "size": staged.size})


def blob_for(ws: Workspace, sha256: str, *, user_id: int) -> StoredBlob:
    """The stored file and its MediaInfo, if the caller is a member of a project with an
    item holding it (any member may see media; administrators see all)."""
    path = ws.blobs.path(sha256)  # NotFound for anything not shaped like a sha256
    with ws.read_session() as session:
        is_admin = session.scalar(select(UserRow.is_admin).where(UserRow.id == user_id))
        if is_admin is None:
            raise AuthError("unknown user")
        rows = session.execute(
            select(ItemMediaRow.info, ProjectMemberRow.user_id)
            .join(ItemRow, ItemRow.id == ItemMediaRow.item_id)
            .outerjoin(
                ProjectMemberRow,
                and_(
                    ProjectMemberRow.project_id == ItemRow.project_id,
                    ProjectMemberRow.user_id == user_id,
                ),
            )
            .where(ItemMediaRow.sha256 == sha256)
            .order_by(ProjectMemberRow.user_id.is_(None))
            .limit(1)
        ).first()
    if rows is None or not path.is_file():
        raise NotFound(f"no media {sha256}")
    info, member = rows
    if member is None and not is_admin:
        raise Forbidden("this media belongs to projects you are not a member of")
    return StoredBlob(path=path, info=media_info_from_json(info))


def display_rendition(ws: Workspace, blob: StoredBlob) -> tuple[Path, str]:
    """A file the browser can show for ``blob`` (DICOM/TIFF as PNG), cached by content."""
    cached = ws.cache_dir / "display" / f"{blob.info.sha256}.png"
    if cached.is_file():
        return cached, "image/png"
    rendered = render_display(blob.path, blob.info)
    if rendered is None:
        return blob.path, blob.info.mime
    data, mime = rendered
    _write_atomically(cached, data)
    return cached, mime


def item_waveform(
    ws: Workspace, item_id: int, *, user_id: int, buckets: int = 2000, media_index: int = 0
) -> list[tuple[float, float]]:
    """(min, max) peaks of an audio (or video) item's sound, cached by content."""
    with ws.read_session() as session:
        require_item_role(session, item_id, user_id, Role.VIEWER)
        row = session.get(ItemMediaRow, (item_id, media_index))
        if row is None:
            raise NotFound(f"item {item_id} has no media file {media_index}")
        sha, name = row.sha256, row.name
    cached = ws.cache_dir / "waveform" / f"{sha}-{buckets}.json"
    if cached.is_file():
        return [(lo, hi) for lo, hi in json.loads(cached.read_text())]
    peaks = waveform_peaks(ws.blobs.path(sha), buckets, name=name)
    _write_atomically(cached, json.dumps(peaks).encode())
    return peaks


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, path)
