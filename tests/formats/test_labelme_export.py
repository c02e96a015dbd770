"""LabelMe JSON export: every image geometry written as LabelMe writes it and read back the
same, what LabelMe cannot carry reported, names byte for byte, images bundled or embedded."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pytest
from format_builders import image, obj
from PIL import Image

from ontolabel.core.annotation import Annotation, AnnotationObject, Relation
from ontolabel.core.geometry.box import rotated_box_corners
from ontolabel.core.geometry.mask import rle_area, rle_decode, rle_encode
from ontolabel.core.item import ItemContent, MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology, parse_ontology
from ontolabel.errors import NotFound
from ontolabel.formats import AnnotationRecord, ErrorPolicy, ExportRecord, WriteStats, get_format
from ontolabel.formats.labelme.shapes import circle_ring

LABELME = get_format("labelme")
GEOMETRY = ["box", "rotated_box", "polygon", "mask", "keypoints", "polyline"]
ONTOLOGY = {
    "name": "labelme export",
    "classes": [
        {
            "name": "Vehicle",
            "geometry": {"image": GEOMETRY},
            "attributes": [
                {"name": "occluded", "type": "bool"},
                {"name": "colour", "type": "enum", "options": ["red", "blue"]},
                {"name": "description", "type": "text"},
            ],
        },
        {"name": "Größe", "geometry": {"image": GEOMETRY}},
        {"name": "night", "geometry": {"image": ["tag"]}},
        {"name": "東京", "geometry": {"image": ["tag"]}},
    ],
}


@pytest.fixture()
def onto() -> Ontology:
    return parse_ontology(ONTOLOGY)


class Store:
    """A media store of real PNG files, by sha256."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def add(self, name: str, width: int = 60, height: int = 40, shade: int = 0) -> MediaInfo:
        buffer = io.BytesIO()
        Image.new("RGB", (width, height), (shade, 0, 0)).save(buffer, format="PNG")
        sha = f"{len(self.files) + 1:064x}"
        self.files[sha] = buffer.getvalue()
        return image(name, width, height).model_copy(update={"sha256": sha, "mime": "image/png"})

    def open(self, sha256: str) -> BinaryIO:
        if sha256 not in self.files:
            raise NotFound(f"no media {sha256}")
        return io.BytesIO(self.files[sha256])


def record(
    item_id: int,
    media: MediaInfo,
    objects: list[AnnotationObject],
    *,
    external_id: str | None = None,
    meta: dict[str, Any] | None = None,
    relations: list[Relation] | None = None,
) -> ExportRecord:
    return ExportRecord(
        item_id=item_id,
        external_id=external_id,
        content=ItemContent(modality=Modality.IMAGE, media=[media], meta=meta or {}),
        annotations=[
            AnnotationRecord(
                document=Annotation(objects=objects, relations=relations or []), user="ana"
            )
        ],
    )


def export(
    records: list[ExportRecord], onto: Ontology, store: Store | None, **options: Any
) -> tuple[zipfile.ZipFile, WriteStats]:
    out = io.BytesIO()
    stats = LABELME.write(
        records, out, ontology=onto, options=LABELME.parse_options(options), media=store
    )
    return zipfile.ZipFile(io.BytesIO(out.getvalue())), stats


def reimport(archive: zipfile.ZipFile, tmp_path: Path) -> dict[str, Any]:
    folder = tmp_path / "unpacked"
    archive.extractall(folder)
    policy = ErrorPolicy("fail")
    records = {r.external_id: r for r in LABELME.read(folder, policy)}
    assert policy.violations == []
    return records


SQUARE = [[10, 10], [30, 10], [30, 30], [10, 30]]
HOLE = [[15, 15], [25, 15], [25, 25], [15, 25]]


def every_geometry() -> list[AnnotationObject]:
    return [
        obj(
            "b",
            "Vehicle",
            {"kind": "box", "x1": 1.5, "y1": 2, "x2": 20, "y2": 30},
            attributes={"occluded": True, "colour": "red", "description": "parked"},
            score=0.75,
            track_id="t7",
        ),
        obj(
            "r",
            "Vehicle",
            {"kind": "rotated_box", "cx": 30, "cy": 20, "w": 16, "h": 8, "angle": 33},
        ),
        obj(
            "two parts",
            "Größe",
            {
                "kind": "polygon",
                "parts": [{"exterior": SQUARE}, {"exterior": [[40, 5], [50, 5], [50, 15]]}],
            },
        ),
        obj("l", "Vehicle", {"kind": "polyline", "points": [[1, 1], [5, 9], [9, 2]]}),
        obj("l2", "Vehicle", {"kind": "polyline", "points": [[1, 1], [5, 9]]}),
        obj(
            "k",
            "Vehicle",
            {
                "kind": "keypoints",
                "points": [
                    {"name": "nose", "x": 3, "y": 4},
                    {"name": "tail", "x": 13, "y": 14, "visibility": 1},
                ],
            },
        ),
        obj("k1", "Vehicle", {"kind": "keypoints", "points": [{"name": "1", "x": 7, "y": 8}]}),
        obj("n", "night", {"kind": "tag"}),
    ]


def test_every_geometry_reads_back_the_same(onto: Ontology, tmp_path: Path) -> None:
    store = Store()
    pixels = rle_decode(rle_encode(_disc(40, 60)))
    mask = obj("m", "Vehicle", rle_encode(pixels).model_dump())
    # tags last: an import puts the image flags after the shapes
    *shapes, tag = every_geometry()
    objects = [*shapes, mask, tag]
    archive, stats = export([record(1, store.add("a.png"), objects, external_id="a")], onto, store)
    assert stats.skipped == [] and (stats.items, stats.objects) == (1, len(objects))
    assert sorted(archive.namelist()) == ["a.json", "a.png"]
    assert archive.read("a.png") == next(iter(store.files.values()))
    written = json.loads(archive.read("a.json"))
    assert written["flags"] == {"night": True, "東京": False}
    assert written["ontolabel"] == {"flags": {"night": "n"}}  # the tag object's id
    assert [s["shape_type"] for s in written["shapes"]] == [
        "rectangle",
        "oriented_rectangle",
        "polygon",
        "polygon",
        "linestrip",
        "line",
        "points",
        "point",
        "mask",
    ]
    box = written["shapes"][0]
    assert (box["flags"], box["description"]) == ({"occluded": True}, "parked")
    assert box["ontolabel"] == {
        "id": "b",
        "attributes": {"colour": "red"},
        "track_id": "t7",
        "score": 0.75,
    }
    # the two parts share a group of their own, so LabelMe tools join them again
    assert [s["group_id"] for s in written["shapes"][2:4]] == [0, 0]
    [again] = reimport(archive, tmp_path).values()
    assert again.annotations[0].document.objects == objects


def _disc(height: int, width: int) -> Any:
    ys, xs = np.mgrid[:height, :width]
    return ((ys - 20) ** 2 + (xs - 33) ** 2 <= 81).astype(np.uint8)


def test_a_square_with_a_hole_is_a_mask_of_300_pixels(onto: Ontology, tmp_path: Path) -> None:
    holed = obj(
        "h", "Vehicle", {"kind": "polygon", "parts": [{"exterior": SQUARE, "holes": [HOLE]}]}
    )
    archive, stats = export(
        [record(1, image("a.jpg"), [holed], external_id="a")], onto, None, include_media=False
    )
    assert stats.skipped == []
    [written] = json.loads(archive.read("a.json"))["shapes"]
    assert (written["shape_type"], written["points"]) == ("mask", [[10, 10], [29, 29]])
    pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(written["mask"]))))
    assert pixels.shape == (20, 20) and pixels.sum() == 300
    # our import gets the polygon back; a LabelMe edit of the mask makes the mask win
    [again] = reimport(archive, tmp_path).values()
    assert again.annotations[0].document.objects == [holed]
    data = json.loads(archive.read("a.json"))
    pixels = pixels.copy()
    pixels[0, 0] = 0
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    data["shapes"][0]["mask"] = base64.b64encode(buffer.getvalue()).decode()
    (tmp_path / "edited.json").write_text(json.dumps(data))
    [edited] = LABELME.read(tmp_path / "edited.json", ErrorPolicy())
    [mask] = edited.annotations[0].document.objects
    assert mask.geometry.kind == "mask" and rle_area(mask.geometry) == 299  # type: ignore[arg-type]


def test_a_circle_is_written_as_the_circle_it_was_until_edited(
    onto: Ontology, tmp_path: Path
) -> None:
    ring = circle_ring((30, 20), (40, 20))
    circle = obj("c", "Vehicle", {"kind": "polygon", "parts": [{"exterior": ring}]})
    edited = obj(
        "e", "Vehicle", {"kind": "polygon", "parts": [{"exterior": [(31, 20), *ring[1:]]}]}
    )
    meta = {"labelme": {"circles": {"c": [30, 20, 40, 20], "e": [30, 20, 40, 20]}}}
    archive, _ = export(
        [record(1, image("a.jpg"), [circle, edited], meta=meta)], onto, None, include_media=False
    )
    shapes = json.loads(archive.read("a.json"))["shapes"]
    assert [(s["shape_type"], len(s["points"])) for s in shapes] == [
        ("circle", 2),
        ("polygon", len(ring)),
    ]
    assert shapes[0]["points"] == [[30, 20], [40, 20]]
    [again] = reimport(archive, tmp_path).values()
    assert again.annotations[0].document.objects == [circle, edited]
    assert again.meta == {"labelme": {"circles": {"c": [30, 20, 40, 20]}}}


def test_an_oriented_rectangle_edited_in_labelme_is_read_from_its_points(tmp_path: Path) -> None:
    rotated = {"kind": "rotated_box", "cx": 30.0, "cy": 20.0, "w": 16.0, "h": 8.0, "angle": 33.0}
    corners = [[x + 5, y] for x, y in rotated_box_corners(obj("r", "V", rotated).geometry)]  # type: ignore[arg-type]
    shape = {
        "label": "Vehicle",
        "points": corners,
        "shape_type": "oriented_rectangle",
        "ontolabel": {"id": "r", "geometry": rotated},  # kept from before the move
    }
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"shapes": [shape], "imagePath": "a.jpg", "imageData": None}))
    [again] = LABELME.read(path, ErrorPolicy())
    [moved] = again.annotations[0].document.objects
    assert moved.id == "r"
    assert moved.geometry.model_dump() == pytest.approx({**rotated, "cx": 35.0})


def test_what_labelme_cannot_carry_is_reported(onto: Ontology) -> None:
    objects = [
        obj("ok", "Vehicle", {"kind": "box", "x1": 1, "y1": 1, "x2": 5, "y2": 5}),
        obj("far", "Vehicle", {"kind": "box", "x1": 1, "y1": 1, "x2": 5, "y2": 5}, media_index=1),
        obj("void", "Vehicle", rle_encode(np.zeros((40, 60), dtype=np.uint8)).model_dump()),
        obj(
            "hidden",
            "Vehicle",
            {"kind": "keypoints", "points": [{"name": "a", "x": 0, "y": 0, "visibility": 0}]},
        ),
    ]
    relation = Relation(id="x", name="tows", source="ok", target="far")
    text = ExportRecord(
        item_id=2, external_id="t", content=ItemContent(modality=Modality.TEXT, text="hi")
    )
    _, stats = export(
        [record(1, image("a.jpg"), objects, external_id="a", relations=[relation]), text],
        onto,
        None,
        include_media=False,
    )
    assert (stats.items, stats.objects) == (1, 1)
    found = [(v.location.item, v.location.path, v.message) for v in stats.skipped]
    assert found == [
        ("a", "relations[0]", "LabelMe has no relations (tows ok -> far)"),
        ("a", "objects[1]", "LabelMe labels one image; object 'far' lies on media 1"),
        ("a", "objects[2]", "an empty mask (no pixel set) (Vehicle, object 'void')"),
        ("a", "objects[3]", "keypoints without a labeled point (Vehicle, object 'hidden')"),
        ("t", None, "LabelMe holds images; this item is text"),
    ]


def test_non_ascii_names_round_trip_byte_for_byte(onto: Ontology, tmp_path: Path) -> None:
    store = Store()
    media = store.add("é 東京.png")
    box = obj("1", "Größe", {"kind": "box", "x1": 1, "y1": 1, "x2": 5, "y2": 5})
    tag = obj("2", "東京", {"kind": "tag"})
    archive, _ = export([record(1, media, [box, tag], external_id="café/östlich")], onto, store)
    names = [info.filename for info in archive.infolist()]
    assert names == ["café/é 東京.png", "café/östlich.json"]
    assert all(info.flag_bits & 0x800 for info in archive.infolist())  # stored as UTF-8
    raw = archive.read("café/östlich.json")
    assert "Größe".encode() in raw and "東京".encode() in raw  # not \\u escapes
    assert json.loads(raw)["imagePath"] == "é 東京.png"
    again = reimport(archive, tmp_path)
    [(external_id, rec)] = again.items()
    assert external_id == "café/östlich"
    assert rec.media[0].name == "é 東京.png" and rec.media[0].candidates[0].is_file()
    assert [(o.class_name, o.geometry.kind) for o in rec.annotations[0].document.objects] == [
        ("Größe", "box"),
        ("東京", "tag"),
    ]


def test_images_are_bundled_once_embedded_on_request_and_never_overwritten(
    onto: Ontology,
) -> None:
    store = Store()
    shared = store.add("same.png")
    other = store.add("same.png", shade=200)  # another picture under the same name
    records = [
        record(1, shared, [], external_id="x"),
        record(2, shared, [], external_id="y"),
        record(3, other, [], external_id="z"),
        record(4, shared, [], external_id="x"),  # the same external id again
    ]
    archive, stats = export(records, onto, store, image_data=True)
    assert stats.skipped == []
    assert sorted(archive.namelist()) == [
        "same-3.png",
        "same.png",
        "x-4.json",
        "x.json",
        "y.json",
        "z.json",
    ]
    paths = {
        n: json.loads(archive.read(n))["imagePath"]
        for n in archive.namelist()
        if n.endswith(".json")
    }
    assert paths == {
        "x.json": "same.png",
        "y.json": "same.png",
        "z.json": "same-3.png",
        "x-4.json": "same.png",
    }
    assert archive.read("same-3.png") == store.files[other.sha256]
    embedded = json.loads(archive.read("z.json"))["imageData"]
    assert base64.b64decode(embedded) == store.files[other.sha256]

    plain, _ = export(records, onto, store, include_media=False)
    assert sorted(plain.namelist()) == ["x-4.json", "x.json", "y.json", "z.json"]
    assert json.loads(plain.read("x.json"))["imageData"] is None
    # without the images, the other picture is still told apart by its name
    assert json.loads(plain.read("z.json"))["imagePath"] == "same-3.png"


def test_a_missing_image_is_reported_not_fatal(onto: Ontology) -> None:
    archive, stats = export([record(1, image("gone.jpg"), [], external_id="g")], onto, Store())
    assert archive.namelist() == ["g.json"]
    [problem] = stats.skipped
    assert problem.location.item == "g" and "gone.jpg" in problem.message


def test_the_latest_submitted_annotation_is_written(onto: Ontology) -> None:
    def labelled(user: str, status: str, x2: float) -> AnnotationRecord:
        box = obj("1", "Vehicle", {"kind": "box", "x1": 1, "y1": 1, "x2": x2, "y2": 5})
        return AnnotationRecord(
            document=Annotation(objects=[box]),
            user=user,
            status=status,  # type: ignore[arg-type]
        )

    item = ExportRecord(
        item_id=1,
        external_id="a",
        content=ItemContent(modality=Modality.IMAGE, media=[image("a.jpg")]),
        annotations=[
            labelled("ana", "submitted", 9),
            labelled("bo", "submitted", 7),
            labelled("cy", "draft", 8),
        ],
    )

    def right_edge(**options: Any) -> float:
        archive, _ = export([item], onto, None, include_media=False, **options)
        return float(json.loads(archive.read("a.json"))["shapes"][0]["points"][1][0])

    assert right_edge() == 7
    assert right_edge(annotator="ana") == 9
    assert right_edge(annotator="cy") == 8


def test_grouped_polygons_never_merge_two_objects(onto: Ontology, tmp_path: Path) -> None:
    one = obj("1", "Vehicle", {"kind": "polygon", "parts": [{"exterior": SQUARE}]})
    two = obj(
        "2", "Vehicle", {"kind": "polygon", "parts": [{"exterior": HOLE}, {"exterior": SQUARE}]}
    )
    # both were imported in group 0 (e.g. the user split an object): written apart
    meta = {"labelme": {"groups": {"1": 0, "2": 0}}}
    archive, _ = export(
        [record(1, image("a.jpg"), [one, two], meta=meta, external_id="a")],
        onto,
        None,
        include_media=False,
    )
    assert [s["group_id"] for s in json.loads(archive.read("a.json"))["shapes"]] == [0, 1, 1]
    [again] = reimport(archive, tmp_path).values()
    assert again.annotations[0].document.objects == [one, two]


def test_options_are_one_typed_model() -> None:
    schema = LABELME.describe()["options_schema"]["properties"]
    assert {"include_media", "image_data", "status", "annotator"} <= set(schema)
    assert LABELME.parse_options({"include_media": "false"}).include_media is False
    with pytest.raises(Exception, match="invalid options"):
        LABELME.parse_options({"embed": True})


GOLDEN = Path(__file__).parent / "golden" / "labelme"


def golden_objects() -> list[AnnotationObject]:
    ring = circle_ring((45, 30), (50, 33))
    *shapes, tag = every_geometry()
    return [
        *shapes,
        obj("h", "Vehicle", {"kind": "polygon", "parts": [{"exterior": SQUARE, "holes": [HOLE]}]}),
        obj("c", "Größe", {"kind": "polygon", "parts": [{"exterior": ring}]}),
        tag,
        obj("t", "東京", {"kind": "tag"}),
    ]


def test_export_matches_the_golden_file(onto: Ontology, tmp_path: Path) -> None:
    # the golden file is the format's specification (checked by hand against LabelMe's
    # own loader): regenerate it only on purpose
    meta = {"labelme": {"circles": {"c": [45, 30, 50, 33]}}}
    item = record(1, image("東京 é.jpg"), golden_objects(), external_id="every", meta=meta)
    archive, stats = export([item], onto, None, include_media=False)
    assert stats.skipped == []
    assert archive.read("every.json") == (GOLDEN / "every.json").read_bytes()
    # and the golden file reads back into the very objects
    [again] = LABELME.read(GOLDEN / "every.json", ErrorPolicy("fail"))
    assert again.annotations[0].document.objects == golden_objects()
    # the group the two-part polygon was written in is learnt
    assert again.meta == {"labelme": {**meta["labelme"], "groups": {"two parts": 0}}}


def test_each_item_is_written_as_it_comes(onto: Ontology) -> None:
    out = io.BytesIO()
    seen: list[int] = []

    def records() -> Any:
        for item_id in (1, 2, 3):
            seen.append(out.getbuffer().nbytes)
            yield record(item_id, image(f"{item_id}.jpg"), [], external_id=str(item_id))

    options = LABELME.parse_options({"include_media": False})
    stats = LABELME.write(records(), out, ontology=onto, options=options)
    assert stats.items == 3
    # the first item's JSON is in the output before the second item is asked for
    assert seen[0] == 0 and 0 < seen[1] < seen[2]


def test_a_two_point_linestrip_and_a_one_point_points_stay_what_they_were(
    onto: Ontology, tmp_path: Path
) -> None:
    shapes = [
        {"label": "Vehicle", "points": [[1, 1], [9, 9]], "shape_type": "linestrip"},
        {"label": "Vehicle", "points": [[4, 4]], "shape_type": "points"},
        {"label": "Vehicle", "points": [[1, 1], [9, 9]], "shape_type": "line"},
    ]
    path = tmp_path / "in" / "a.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"shapes": shapes, "imagePath": "a.jpg", "imageData": None}))
    [read] = LABELME.read(path, ErrorPolicy("fail"))
    assert read.meta == {"labelme": {"types": {"1": "linestrip", "2": "points"}}}
    item = record(1, image("a.jpg"), read.annotations[0].document.objects, meta=read.meta)
    archive, _ = export([item], onto, None, include_media=False)
    written = json.loads(archive.read("a.json"))["shapes"]
    assert [s["shape_type"] for s in written] == ["linestrip", "points", "line"]


def test_renamed_files_never_collide_with_later_names(onto: Ontology) -> None:
    store = Store()
    first, second, third = (store.add("p.png", shade=s) for s in (0, 90, 180))
    records = [
        record(1, first, [], external_id="x"),
        record(2, second, [], external_id="x"),  # -> x-2.json, p-2.png
        record(3, third, [], external_id="x-2"),  # its own name is taken now
    ]
    archive, stats = export(records, onto, store)
    assert stats.skipped == [] and stats.items == 3
    assert sorted(archive.namelist()) == [
        "p-2.png",
        "p-3.png",
        "p.png",
        "x-2-3.json",
        "x-2.json",
        "x.json",
    ]
