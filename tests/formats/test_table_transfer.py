"""The objects table through the import and export use cases: labels exported from one
project attach to the same items in another (matched by external id, else by file name),
give the same table again, and change nothing when imported twice."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from PIL import Image
from tests.conftest import IMAGE_ONTOLOGY, PASSWORD, TEXT_ONTOLOGY

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.errors import FormatError
from ontolabel.services import annotations, items, projects, transfer, users
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

TEXT = "Ok 👍🏽 meet Ana in Köln"


def export(ws: Workspace, pid: int, fmt: str) -> bytes:
    out = io.BytesIO()
    transfer.export_project(ws, pid, fmt, out)
    return out.getvalue()


def frame(data: bytes, fmt: str) -> pd.DataFrame:
    source = io.BytesIO(data)
    if fmt == "csv":
        df = pd.read_csv(source, dtype=str, keep_default_na=False)
    else:
        df = pd.read_parquet(source)
    return df.drop(columns=["item_id"])  # the projects' own numbering


def photo(folder: Path, name: str, size: tuple[int, int], colour: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (colour, 10, 10)).save(folder / name, "JPEG")
    return folder / name


def obj(oid: str, cls: str, geometry: dict[str, Any], **extra: Any) -> AnnotationObject:
    return AnnotationObject.model_validate(
        {"id": oid, "class_name": cls, "geometry": geometry, **extra}
    )


def image_project(ws: Workspace, owner: UserInfo, files: list[Path], name: str) -> list[int]:
    pid = projects.create_project(
        ws, name=name, modality="image", ontology=IMAGE_ONTOLOGY, user_id=owner.id
    ).id
    added = items.add_media_items(
        ws, pid, [(f.name, f) for f in files], user_id=owner.id, external_ids=["e1", None]
    )
    return [pid, *(i.id for i in added)]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_labels_attach_to_the_same_items_of_another_project(
    workspace: Workspace, owner: UserInfo, tmp_path: Path, fmt: str
) -> None:
    files = [
        photo(tmp_path, "café 東京.jpg", (60, 40), 200),
        photo(tmp_path, "b.jpg", (30, 20), 90),
    ]
    pid, first, second = image_project(workspace, owner, files, "Street")
    bea = users.create_user(workspace, "bea", PASSWORD)
    projects.set_member(workspace, pid, bea.id, "annotator", user_id=owner.id)
    box = {"kind": "box", "x1": 2, "y1": 3, "x2": 12, "y2": 8}
    annotations.save_annotation(
        workspace,
        first,
        Annotation(
            objects=[
                obj("a", "Car", box, attributes={"occluded": True}),
                obj("p", "Pedestrian", box, attributes={"age": 7}),
            ]
        ),
        user_id=owner.id,
        base_revision=0,
        status="submitted",
    )
    annotations.save_annotation(
        workspace,
        first,
        Annotation(objects=[obj("t", "Truck", box)]),
        user_id=bea.id,
        base_revision=0,
    )
    two_squares = {
        "kind": "polygon",
        "parts": [
            {"exterior": [(1, 1), (5, 1), (5, 5), (1, 5)]},
            {"exterior": [(10, 2), (14, 2), (14, 6), (10, 6)]},
        ],
    }
    annotations.save_annotation(
        workspace,
        second,
        Annotation(objects=[obj("v", "Vehicle", two_squares)]),
        user_id=owner.id,
        base_revision=0,
        status="submitted",
    )
    table = export(workspace, pid, fmt)
    df = frame(table, fmt)
    assert list(df["object_id"]) == ["a", "p", "t", "v"]
    assert list(df["annotator"]) == ["olga", "olga", "bea", "olga"]
    # the same images, uploaded to a new project, get the labels from the table
    other, *_ = image_project(workspace, owner, files, "Street again")
    projects.set_member(workspace, other, bea.id, "annotator", user_id=owner.id)
    path = tmp_path / f"labels.{fmt}"
    path.write_bytes(table)
    report = transfer.import_file(workspace, other, path, user_id=owner.id)
    assert (report.imported, report.existing, report.updated, report.violations) == (0, 2, 2, [])
    again = export(workspace, other, fmt)
    assert frame(again, fmt).equals(df)
    # the same labels again change nothing: no new revision
    twice = transfer.import_file(workspace, other, path, user_id=owner.id)
    assert (twice.existing, twice.updated) == (2, 0)


def test_an_edit_made_in_the_table_becomes_a_new_revision(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    pid = projects.create_project(
        workspace, name="News", modality="text", ontology=TEXT_ONTOLOGY, user_id=owner.id
    ).id
    item = items.add_text_item(workspace, pid, text=TEXT, user_id=owner.id, external_id="n1")
    annotations.save_annotation(
        workspace,
        item.id,
        Annotation(
            objects=[obj("a", "Person", {"kind": "span", "start": 11, "end": 14, "text": "Ana"})]
        ),
        user_id=owner.id,
        base_revision=0,
        status="submitted",
    )
    table = export(workspace, pid, "csv")
    df = pd.read_csv(io.BytesIO(table), dtype=str, keep_default_na=False)
    assert (df.loc[0, "span_start"], df.loc[0, "span_end"], df.loc[0, "span_text"]) == (
        "11",
        "14",
        "Ana",
    )
    # a reviewer changes the class and the span in a spreadsheet (clearing the JSON)
    df.loc[0, ["class", "span_start", "span_end", "span_text", "geometry"]] = [
        "Location",
        "18",
        "22",
        "Köln",
        "",
    ]
    path = tmp_path / "edited.csv"
    df.to_csv(path, index=False)
    report = transfer.import_file(workspace, pid, path, user_id=owner.id)
    assert (report.existing, report.updated, report.violations) == (1, 1, [])
    state = annotations.get_annotation(workspace, item.id, user_id=owner.id)
    (found,) = state.document.objects
    assert state.revision == 2 and found.class_name == "Location"
    assert (found.geometry.start, found.geometry.end, TEXT[18:22]) == (18, 22, "Köln")  # type: ignore[union-attr]
    # a span the text does not have is the ontology's to refuse, at the row it came from
    df.loc[0, "span_text"] = "Oslo"
    df.to_csv(path, index=False)
    with pytest.raises(FormatError) as err:
        transfer.import_file(workspace, pid, path, user_id=owner.id)
    (violation,) = err.value.violations
    assert violation.location.file == "edited.csv" and violation.location.item == "n1"
    # the row's own line, and where in the object
    assert (violation.location.line, violation.location.path) == (2, "geometry.text")


def test_labels_for_items_the_project_lacks_are_reported(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(
        "external_id,modality,media_name,class,geometry_kind,x1,y1,x2,y2\n"
        "gone,image,gone.jpg,Car,box,1,1,2,2\n"
    )
    pid = projects.create_project(
        workspace, name="Street", modality="image", ontology=IMAGE_ONTOLOGY, user_id=owner.id
    ).id
    report = transfer.import_file(workspace, pid, path, user_id=owner.id, errors="collect")
    assert report.imported == 0
    assert [(v.location.item, v.message) for v in report.violations] == [
        ("gone", "media file 'gone.jpg' not found beside the import file")
    ]


def test_a_row_for_an_item_the_project_lacks_says_so_though_the_bytes_are_stored(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    pid, first, _ = image_project(
        workspace, owner, [photo(tmp_path, "b.jpg", (30, 20), 90)] * 2, "A"
    )
    annotations.save_annotation(
        workspace,
        first,
        Annotation(objects=[obj("a", "Car", {"kind": "box", "x1": 2, "y1": 3, "x2": 12, "y2": 8})]),
        user_id=owner.id,
        base_revision=0,
        status="submitted",
    )
    path = tmp_path / "elsewhere" / "labels.csv"  # not beside the image file
    path.parent.mkdir()
    path.write_bytes(export(workspace, pid, "csv"))
    other = projects.create_project(
        workspace, name="B", modality="image", ontology=IMAGE_ONTOLOGY, user_id=owner.id
    ).id
    report = transfer.import_file(workspace, other, path, user_id=owner.id, errors="collect")
    assert report.imported == 0
    (problem,) = report.violations
    assert problem.message.startswith(
        "the project has no item of this record, and the file names 'b.jpg' (sha256 "
    )
    assert problem.message.endswith(
        "a table labels the items a project has (import the items first, e.g. as JSONL)"
    )
