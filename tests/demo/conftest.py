"""The demo's wheels, downloaded once per checkout (shared with `make run`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def wheels() -> Path:
    return Path(os.environ.get("ONTOLABEL_WHEEL_CACHE") or REPO / ".ontolabel" / "cache" / "wheels")
