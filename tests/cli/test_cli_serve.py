"""`ontolabel serve`: one uvicorn process on the app, the per-request access log off
unless asked for (errors are logged either way)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from ontolabel.cli.main import app


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda _app, **options: calls.append(options))
    return calls


@pytest.mark.parametrize(
    ("flags", "logged"), [([], False), (["--access-log"], True), (["--no-access-log"], False)]
)
def test_the_access_log_is_off_unless_asked_for(
    tmp_path: Path, served: list[dict[str, Any]], flags: list[str], logged: bool
) -> None:
    result = CliRunner().invoke(app, ["serve", "--data-dir", str(tmp_path), *flags])
    assert result.exit_code == 0, result.output
    assert len(served) == 1
    assert served[0]["access_log"] is logged
    assert served[0]["log_level"] == "info"
    assert "workers" not in served[0]  # one process: SQLite has one writer
