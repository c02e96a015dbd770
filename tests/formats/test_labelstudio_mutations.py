"""Damaged Label Studio files never raise a traceback: every problem is a located report.

Corpus files are damaged at random places (seeded, so each run is the same): values replaced
by ones of other types, keys removed. Reading must end in records, reports with the file and
line, or one FormatError; never another exception."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corpus import corpus_path
from ontolabel.errors import FormatError
from ontolabel.formats import ErrorPolicy, get_format

FORMAT = get_format("labelstudio")
FILES = [
    "label-studio-converter/tests/data/test_export_yolo/data_obb.json",
    "label-studio-sdk/tests/custom/converter/data/test_export_yolo/data_keypoints.json",
    "label-studio-sdk/tests/custom/converter/data/test_export_coco/data.json",
    "label-studio-frontend/examples/named_entity/annotations/1.json",
    "label-studio-converter/tests/data/test_export_csv/csv_test.json",
]
JUNK: list[Any] = [None, 0, -1, 1.5, "", "x", [], {}, [1], {"a": 1}, True, 1e308]


def _places(value: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if at:
        yield at
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _places(inner, (*at, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _places(inner, (*at, index))


def _damage(document: Any, rng: random.Random) -> Any:
    damaged = copy.deepcopy(document)
    places = list(_places(damaged))
    for _ in range(rng.choice((1, 1, 2, 3))):
        at = rng.choice(places)
        parent = damaged
        try:
            for key in at[:-1]:
                parent = parent[key]
            if isinstance(parent, dict) and rng.random() < 0.2:
                del parent[at[-1]]
            else:
                parent[at[-1]] = copy.deepcopy(rng.choice(JUNK))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change took this place away
    return damaged


@pytest.mark.parametrize("file", FILES, ids=[Path(f).parent.name for f in FILES])
def test_damaged_files_give_reports_never_tracebacks(file: str, tmp_path: Path) -> None:
    document = json.loads(corpus_path(file).read_text())
    rng = random.Random(file)
    path = tmp_path / "damaged.json"
    reported = 0
    for _ in range(150):
        path.write_text(json.dumps(_damage(document, rng)))
        policy = ErrorPolicy("collect")
        try:
            list(FORMAT.read(path, policy))
        except FormatError as exc:
            assert exc.location is not None and exc.location.file == "damaged.json"
            reported += 1
            continue
        for violation in policy.violations:
            assert violation.location.file == "damaged.json"
            assert violation.location.line is not None
            assert violation.message
        reported += bool(policy.violations)
    assert reported > 0  # the damage reached things the reader checks
