"""Where the shared corpus of other projects' annotation files is (see its SOURCES.md).

It sits beside the checkout (``../shared/corpus``) on the team's machines and in CI; a
user's fresh clone has none, and the tests that read it are skipped there. In CI (``CI``
set) a missing corpus is an error, so the tests that prove the formats on it never skip
silently.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

_REPO = Path(__file__).resolve().parents[1]
_PLACES = (_REPO.parent / "shared" / "corpus", Path("/work/shared/corpus"))

CORPUS: Path = next((p for p in _PLACES if p.is_dir()), _PLACES[0])


def corpus_path(relative: str) -> Path:
    """``relative`` under the corpus; skips the test when there is no corpus (fails in CI)."""
    if not CORPUS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"the shared corpus is missing (looked in {', '.join(map(str, _PLACES))})")
        pytest.skip("the shared corpus is not on this machine")
    path = CORPUS / relative
    if not path.exists():
        pytest.fail(f"{relative} is not in the corpus at {CORPUS}")
    return path
