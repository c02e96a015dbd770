"""Serving the built UI: files from ``static/``, and index.html for client-side routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse

from ontolabel.errors import NotFound

STATIC_DIR = Path(__file__).parent / "static"


def install_ui(app: FastAPI, static_dir: Path = STATIC_DIR) -> None:
    """Serve ``static_dir`` at ``/`` when it holds a built UI; unknown non-API paths get
    index.html so that deep links into the single-page app work after a reload."""
    root = static_dir.resolve()

    @app.get("/{path:path}", include_in_schema=False)
    def ui(path: str) -> FileResponse:
        if path == "api" or path.startswith("api/"):
            raise NotFound(f"no API endpoint /{path}")
        index = root / "index.html"
        if not index.is_file():
            raise NotFound("the UI is not built", hint="run `make web` (or `make run`)")
        if "\x00" in path:
            # no file name holds a NUL; resolve() would raise on it
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        wanted = (root / path).resolve()
        # resolve() then the containment check refuses ../ escapes and symlinks out
        if path and wanted.is_relative_to(root) and wanted.is_file():
            # hashed asset names change with content; index.html must always be fresh
            cache = (
                "public, max-age=31536000, immutable" if "/assets/" in f"/{path}" else "no-cache"
            )
            return FileResponse(wanted, headers={"Cache-Control": cache})
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
