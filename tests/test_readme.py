"""The README tells the truth about what is registered: every format is in its table."""

from __future__ import annotations

import re
from pathlib import Path

from ontolabel.formats import all_formats

README = Path(__file__).resolve().parents[1] / "README.md"


def _formats_table() -> set[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Formats", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z0-9_-]+)`", section, flags=re.MULTILINE))


def test_every_registered_format_is_in_the_readme_and_no_other() -> None:
    assert _formats_table() == {f.name for f in all_formats()}
