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
    listed = names(all_formats())
    assert {"coco", "jsonl"} <= set(listed) and listed == sorted(listed)
    assert get_format("coco").modalities == {Modality.IMAGE}
    with pytest.raises(NotFound) as err:
        get_format("no-such-format")
    assert err.value.hint == "known formats: " + ", ".join(listed)


@pytest.mark.parametrize(
    ("modality", "kinds", "coco"),
    [
        (Modality.IMAGE, {K.BOX, K.POLYGON}, True),
        (Modality.IMAGE, {K.BOX, K.ROTATED_BOX, K.MASK, K.KEYPOINTS}, True),
        (Modality.IMAGE, set(), True),
        (Modality.IMAGE, {K.BOX, K.POLYLINE}, False),  # COCO has no polylines
        (Modality.TEXT, {K.SPAN, K.TAG}, False),
        (Modality.POINTCLOUD, {K.CUBOID}, False),
        (Modality.VIDEO, {K.TRACK}, False),
    ],
)
def test_which_formats_fit_a_project_is_computed(
    modality: Modality, kinds: set[GeometryKind], coco: bool
) -> None:
    fitting = names(formats_for(modality, kinds))
    assert "jsonl" in fitting  # the canonical format carries everything
    assert ("coco" in fitting) is coco
    for fmt in all_formats():
        carries = fmt.can_write and modality in fmt.modalities and kinds <= fmt.kinds
        assert (fmt.name in fitting) is carries, fmt.name


def test_detect_format_picks_the_most_confident(tmp_path: Path) -> None:
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text('{"format": "ontolabel.jsonl", "version": 1}\n')
    coco = tmp_path / "a.json"
    coco.write_text('{"images": [], "annotations": [], "categories": []}')
    assert detect_format(jsonl).name == "jsonl"
    assert detect_format(coco).name == "coco"
    verdicts = detect_all(coco)
    assert (verdicts[0][0].name, verdicts[0][1].confidence) == ("coco", 0.95)
    assert all(d.confidence < 0.95 for _, d in verdicts[1:])
    assert dict((f.name, d.confidence) for f, d in verdicts)["jsonl"] == 0.0


def test_when_no_format_fits_each_says_why(tmp_path: Path) -> None:
    path = tmp_path / "notes.bin"
    path.write_bytes(b"\x00\x01 hello\n")
    with pytest.raises(FormatError) as err:
        detect_format(path)
    reasons = {v.message.split(": ", 1)[0]: v.message for v in err.value.violations}
    assert set(reasons) == {f.name for f in all_formats() if f.can_read}
    assert reasons["coco"] == "coco: not a JSON object"
    assert reasons["jsonl"] == "jsonl: the first line is not a JSON object"
    assert err.value.location.file == str(path)


def test_formats_equally_sure_are_an_ambiguity_not_a_guess(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(registry, "_formats", dict(registry._formats))

    class Twin(TsvFormat):
        name = "tsv-twin"
        can_read = True

    class Other(TsvFormat):
        name = "tsv-other"
        can_read = True

    registry.register(Twin)
    registry.register(Other)
    path = tmp_path / "a.tsv"
    path.write_text("a\tb\n")
    with pytest.raises(FormatError) as err:
        detect_format(path)
    assert "fits 2 formats equally well" in err.value.message
    assert err.value.hint == "name the format explicitly: tsv-other or tsv-twin"


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
    assert {"jsonl", "tsv-test"} <= set(names(formats_for(Modality.TEXT, {K.TAG})))
    assert "tsv-test" not in names(formats_for(Modality.TEXT, {K.TAG}, writable=False))
    assert "tsv-test" not in names(formats_for(Modality.TEXT, {K.SPAN}))
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
