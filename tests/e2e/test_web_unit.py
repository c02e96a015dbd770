"""The UI's own unit tests (Vitest: text offsets, geometry, ontology, history, point-cloud
readers, layout) run as part of the Python suite, so CI runs them with everything else."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

WEB = Path(__file__).resolve().parents[2] / "web"


def test_vitest_suite_passes() -> None:
    vitest = WEB / "node_modules" / ".bin" / "vitest"
    if not vitest.exists() or shutil.which("node") is None:
        pytest.skip("web/node_modules is not installed (make web)")
    r = subprocess.run(
        [str(vitest), "run", "--reporter=dot"],
        cwd=WEB,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert " passed" in r.stdout


@pytest.mark.parametrize("name", ["clinical_text", "medical"])
def test_ontology_fixtures_of_the_ui_match_the_demo_ontologies(name: str) -> None:
    # the UI's ontology tests read the demo ontologies as JSON; they must not drift
    demo = WEB.parent / "src" / "ontolabel" / "demo" / "ontologies" / f"{name}.yaml"
    fixture = WEB / "src" / "domain" / "fixtures" / f"{name}_ontology.json"
    assert json.loads(fixture.read_text()) == yaml.safe_load(demo.read_text())
