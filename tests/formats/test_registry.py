"""The format registry: lookup by name, fit to a project, auto-detection, plugins."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.core.ontology import Ontology
from ontolabel.errors import FormatError, NotFound
from ontolabel.formats import (
    Detection,
    ErrorPolicy,
    ExportRecord,
    Format,
    FormatOptions,
    ImportRecord,
    WriteStats,
    all_formats,
    detect_all,
    detect_format,
    formats_for,
    get_format,
    registry,
)

K = GeometryKind


def names(formats: Iterable[Format[Any]]) -> list[str]:
    return [f.name for f in formats]


def test_builtin_formats_are_registered_by_name() -> None:
    assert names(all_formats()) == ["coco", "jsonl"]
    assert get_format("coco").modalities == {Modality.IMAGE}
    with pytest.raises(NotFound) as err:
        get_format("yolo")
    assert err.value.hint == "known formats: coco, jsonl"


@pytest.mark.parametrize(
    ("modality", "kinds", "expected"),
    [
        (Modality.IMAGE, {K.BOX, K.POLYGON}, ["coco", "jsonl"]),
        (Modality.IMAGE, {K.BOX, K.ROTATED_BOX, K.MASK, K.KEYPOINTS}, ["coco", "jsonl"]),
        (Modality.IMAGE, set(), ["coco", "jsonl"]),
        (Modality.IMAGE, {K.BOX, K.POLYLINE}, ["jsonl"]),  # COCO has no polylines
        (Modality.TEXT, {K.SPAN, K.TAG}, ["jsonl"]),
        (Modality.POINTCLOUD, {K.CUBOID}, ["jsonl"]),
        (Modality.VIDEO, {K.TRACK}, ["jsonl"]),
    ],
)
def test_which_formats_fit_a_project_is_computed(
    modality: Modality, kinds: set[GeometryKind], expected: list[str]
) -> None:
    assert names(formats_for(modality, kinds)) == expected


def test_detect_format_picks_the_most_confident(tmp_path: Path) -> None:
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text('{"format": "ontolabel.jsonl", "version": 1}\n')
    coco = tmp_path / "a.json"
    coco.write_text('{"images": [], "annotations": [], "categories": []}')
    assert detect_format(jsonl).name == "jsonl"
    assert detect_format(coco).name == "coco"
    verdicts = detect_all(coco)
    assert [(f.name, d.confidence) for f, d in verdicts] == [("coco", 0.95), ("jsonl", 0.0)]


def test_when_no_format_fits_each_says_why(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello\n")
    with pytest.raises(FormatError) as err:
        detect_format(path)
    reasons = {v.message for v in err.value.violations}
    assert reasons == {"coco: not a JSON object", "jsonl: the first line is not a JSON object"}
    assert err.value.location.file == str(path)


class TsvOptions(FormatOptions):
    header: bool = True


class TsvFormat(Format[TsvOptions]):
    """A minimal plugin, as a third party would write one."""

    name = "tsv-test"
    title = "test TSV"
    extension = ".tsv"
    media_type = "text/tab-separated-values"
    modalities = frozenset({Modality.TEXT})
    kinds = frozenset({K.TAG})
    options_model = TsvOptions
    can_read = False

    def detect(self, path: Path) -> Detection:
        return Detection(1.0, "always")

    def read(self, path: Path, policy: ErrorPolicy) -> Iterator[ImportRecord]:
        raise NotImplementedError

    def write(
        self,
        records: Iterable[ExportRecord],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: TsvOptions,
    ) -> WriteStats:
        return WriteStats()


def test_a_plugin_registers_and_is_offered_where_it_fits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_formats", dict(registry._formats))
    registry.register(TsvFormat)
    assert names(formats_for(Modality.TEXT, {K.TAG})) == ["jsonl", "tsv-test"]
    assert names(formats_for(Modality.TEXT, {K.TAG}, writable=False)) == ["jsonl"]
    assert names(formats_for(Modality.TEXT, {K.SPAN})) == ["jsonl"]
    registry.register(TsvFormat)  # registering the same class again is harmless

    class Impostor(TsvFormat):
        pass

    with pytest.raises(ValueError, match="taken"):
        registry.register(Impostor)


def test_options_are_typed_per_format() -> None:
    coco = get_format("coco")
    assert coco.parse_options({"merge": "all"}).merge == "all"
    with pytest.raises(FormatError) as err:
        coco.parse_options({"merge": "some", "colour": 1})
    assert sorted(v.location.path or "" for v in err.value.violations) == ["colour", "merge"]
    described = coco.describe()
    assert set(described["options_schema"]["properties"]) == {"status", "annotator", "merge"}
    assert described["modalities"] == ["image"] and "polyline" not in described["kinds"]


def test_every_builtin_format_loads() -> None:
    all_formats()
    assert registry.broken == {}
