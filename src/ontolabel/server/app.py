"""``create_app(workspace)``: the FastAPI application over one workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI

from ontolabel import __version__
from ontolabel.formats import all_formats
from ontolabel.server.components import install_components
from ontolabel.server.errors import install_error_handlers
from ontolabel.server.routes import annotations as annotation_routes
from ontolabel.server.routes import auth, items, media, projects, quality, transfer
from ontolabel.server.static import STATIC_DIR, install_ui
from ontolabel.server.upload import UploadLimit
from ontolabel.services.workspace import Workspace

DESCRIPTION = """Ontology-driven labeling for text, image, audio, video and 3D point clouds.

Log in with `POST /api/auth/login` (browser session cookie) or send
`Authorization: Bearer <token>` with a token from `POST /api/tokens`.
Errors are `{"error", "message", "violations"?, "hint"?, "file"/"line"/"item"/"path"?}`.
Text span offsets are Unicode code points of the stored text.
"""


def create_app(workspace: Workspace, *, static_dir: Path = STATIC_DIR) -> FastAPI:
    app = FastAPI(
        title="ontolabel",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.workspace = workspace
    # the format plugins load now, with the app, not inside the first import or export
    # (a quarter of a second of CPU that the first bulk import paid)
    all_formats()
    install_error_handlers(app)
    install_components(app)
    # the autosave's shortcut sits inside the upload limit (added first = inner)
    app.add_middleware(annotation_routes.SaveShortcut)
    app.add_middleware(UploadLimit, max_bytes=workspace.settings.max_upload_bytes)
    # routes are tried in order: the editor's autosave, the busiest route, comes first
    # (no two routers share a path, so the order changes nothing else)
    for module in (annotation_routes, auth, projects, items, media, transfer, quality):
        app.include_router(module.router)
    # last: its catch-all path must not shadow the API
    install_ui(app, static_dir)
    return app


def build_routes(app: FastAPI) -> None:
    """Have FastAPI build every route's handler now (``serve`` calls it before listening).
    FastAPI builds them lazily, when a router first matches a request: the first request
    into each router paid tens of milliseconds, the first bulk import a fifth of a second.
    Tests, which make an app each, leave it lazy."""
    scope: dict[str, Any] = {
        "type": "http",
        "method": "GET",
        "path": "/api/",
        "root_path": "",
        "headers": [],
        "query_string": b"",
    }
    for route in app.router.routes:
        route.matches(dict(scope))
