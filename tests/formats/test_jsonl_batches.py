"""The JSONL reader's batches: runs of bare item lines as columns (``BareItems``), every
other line as a record, in the file's order, with the same records and reports as ``read``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ontolabel.core.item import MediaInfo
from ontolabel.errors import Location
from ontolabel.formats import BareItems, ErrorPolicy, ImportRecord, get_format
from ontolabel.formats.jsonl.format import BARE_BATCH, _import_record, _Places
from ontolabel.formats.jsonl.lines import ItemLine


def _media(i: int, **changes: Any) -> dict[str, Any]:
    entry = {
        "modality": "image",
        "mime": "image/jpeg",
        "sha256": f"{i:064x}",
        "size": 40 + i,
        "name": f"im {i} é.jpg",
        "width": 640,
        "height": 480,
    }
    return {**entry, **changes}


def _bare(i: int, **changes: Any) -> dict[str, Any]:
    return {"external_id": f"e{i}", "modality": "image", "media": [_media(i)], **changes}


ANNOTATED = {
    "external_id": "annotated",
    "modality": "image",
    "media": [_media(9999)],
    "annotations": [{"document": {"objects": []}}],
}


def _file(tmp_path: Path, *lines: dict[str, Any] | str) -> Path:
    header = json.dumps({"format": "ontolabel.jsonl", "version": 1})
    body = [line if isinstance(line, str) else json.dumps(line) for line in lines]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    return path


def _read(path: Path) -> tuple[list[ImportRecord], list[str]]:
    policy = ErrorPolicy("collect")
    records = list(get_format("jsonl").read(path, policy))
    return records, [str(v) for v in policy.violations]


def _batches(path: Path) -> tuple[list[ImportRecord | BareItems], list[str]]:
    policy = ErrorPolicy("collect")
    got = list(get_format("jsonl").read_batches(path, policy))
    return got, [str(v) for v in policy.violations]


def _flat(got: list[ImportRecord | BareItems]) -> list[ImportRecord]:
    out: list[ImportRecord] = []
    for piece in got:
        out.extend(piece.records() if isinstance(piece, BareItems) else [piece])
    return out


def _line_of(record: ImportRecord) -> int:
    assert record.location.line is not None
    return record.location.line


def test_runs_of_bare_lines_come_as_batches_in_the_files_order(tmp_path: Path) -> None:
    lines: list[dict[str, Any] | str] = [_bare(i) for i in range(BARE_BATCH + 20)]
    lines.insert(7, ANNOTATED)
    lines.insert(300, "{not json")
    lines.insert(400, _bare(5))  # repeats e5 (line 6 of the file's items)
    lines.append(_bare(10_000, media=[_media(1, sha256="XY" * 32)]))  # not a sha256
    path = _file(tmp_path, *lines)
    got, reports = _batches(path)
    records, read_reports = _read(path)
    assert reports == read_reports
    assert reports == [
        "in.jsonl:302: not valid JSON: Expecting property name enclosed in double quotes "
        "at column 2",
        "in.jsonl:402, item e5: external_id 'e5' repeats line 7",
        f"in.jsonl:{len(lines) + 1}, item e10000, media[0].sha256: String should match "
        "pattern '^[0-9a-f]{64}$'",
    ]
    kinds = [type(g).__name__ for g in got]
    assert kinds[:3] == ["BareItems", "ImportRecord", "BareItems"]
    assert all(len(g) <= BARE_BATCH for g in got if isinstance(g, BareItems))
    flat = _flat(got)
    assert [_line_of(r) for r in flat] == [_line_of(r) for r in records]
    assert [_line_of(r) for r in flat] == sorted(_line_of(r) for r in flat)
    # every distinct bare item and the annotated one; the repeat and the bad line reported
    assert len(flat) == BARE_BATCH + 20 + 1


def test_a_bare_record_is_what_the_model_path_reads_from_the_same_line(tmp_path: Path) -> None:
    line = _bare(3, text=None, meta={"k": [1, None]})
    line["media"].append(_media(4, modality="image", width=None, height=None, extra={"a": 1}))
    path = _file(tmp_path, line)
    (batch,) = _batches(path)[0]
    assert isinstance(batch, BareItems)
    record = batch.record(0)
    model = _import_record(
        ItemLine.model_validate(line),
        Location(file="in.jsonl", line=2, item="e3"),
        _Places(path),
    )
    assert (record.location, record.modality, record.external_id, record.text, record.meta) == (
        model.location,
        model.modality,
        model.external_id,
        model.text,
        model.meta,
    )
    assert record.annotations == model.annotations == []
    for ours, theirs in zip(record.media, model.media, strict=True):
        assert (ours.name, ours.sha256, ours.width, ours.height) == (
            theirs.name,
            theirs.sha256,
            theirs.width,
            theirs.height,
        )
        assert ours.info is not None and theirs.info is not None
        assert ours.info.model() == theirs.info == MediaInfo.model_validate(theirs.info)  # type: ignore[union-attr]
        # the same places to look for missing bytes (the model path also tries ``path``)
        assert set(ours.paths()) == set(theirs.paths())
