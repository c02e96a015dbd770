"""Write the OpenAPI document: ``python -m ontolabel.server.openapi > web/openapi.json``.

The UI's API client is generated from it, so it is produced from the real app (over a
throw-away workspace) rather than written by hand.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from ontolabel.server.app import create_app
from ontolabel.services.workspace import Workspace


def openapi_document() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.open(Path(tmp))
        try:
            return create_app(ws).openapi()
        finally:
            ws.close()


def main() -> None:
    json.dump(openapi_document(), sys.stdout, indent=2, sort_keys=False, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
