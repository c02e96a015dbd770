"""Validating an annotation against the ontology and its item: every violation, each at
an exact path into the annotation document."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ontolabel.core.annotation import Annotation
from ontolabel.core.item import ItemContent, MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology
from ontolabel.errors import AnnotationInvalid

TEXT = "Took 500 mg ibuprofen; mild nausea followed. Ok 👍🏽 Köln"


def media(modality: Modality, **info: Any) -> MediaInfo:
    return MediaInfo(modality=modality, mime="x/y", sha256="0" * 64, size=1, name="f", **info)


IMAGE = ItemContent(modality=Modality.IMAGE, media=[media(Modality.IMAGE, width=640, height=480)])
TEXT_ITEM = ItemContent(modality=Modality.TEXT, text=TEXT)
VIDEO = ItemContent(
    modality=Modality.VIDEO,
    media=[
        media(
            Modality.VIDEO, width=320, height=240, duration=10.0, frame_rate="25", frame_count=250
        )
    ],
)
AUDIO = ItemContent(modality=Modality.AUDIO, media=[media(Modality.AUDIO, duration=12.5)])
SCENE = ItemContent(
    modality=Modality.POINTCLOUD,
    media=[
        media(Modality.POINTCLOUD, point_count=1000),
        media(Modality.IMAGE, width=1242, height=375),
    ],
)


def box(x1: float, y1: float, x2: float, y2: float) -> dict[str, Any]:
    return {"kind": "box", "x1": x1, "y1": y1, "x2": x2, "y2": y2}


def span(start: int, end: int) -> dict[str, Any]:
    return {"kind": "span", "start": start, "end": end, "text": TEXT[start:end]}


def obj(id: str, class_name: str, geometry: dict[str, Any], **rest: Any) -> dict[str, Any]:
    return {"id": id, "class_name": class_name, "geometry": geometry, **rest}


VALID_TEXT: dict[str, Any] = {
    "objects": [
        obj(
            "d",
            "Name",
            span(12, 21),
            attributes={
                "Dose": {"value": 500, "unit": "mg"},
                "Generic": True,
                "Prescribed": "2024-02-29",
                "Refills": 2,
            },
        ),
        obj("e", "AdverseEvent", span(23, 34), attributes={"Severity": "mild"}),
        obj("k", "Product", span(TEXT.index("Köln"), len(TEXT)), attributes={"Condition": "new"}),
        obj("doc", "Drug", {"kind": "tag"}),
    ],
    "relations": [
        {
            "id": "r1",
            "name": "causes",
            "source": "d",
            "target": "e",
            "attributes": {"Certainty": "suspected"},
        },
        {"id": "r2", "name": "related", "source": "k", "target": "doc"},
    ],
}

VALID_IMAGE: dict[str, Any] = {
    "objects": [
        obj(
            "b",
            "Beverage",
            box(10, 10, 100, 200),
            attributes={
                "Condition": "damaged",
                "Volume": 330,
                "Tags": ["organic", "sparkling"],
                "Brand": "Fizz",
            },
        ),
        obj(
            "c", "Car", {"kind": "rotated_box", "cx": 320, "cy": 240, "w": 80, "h": 40, "angle": 30}
        ),
        obj(
            "p",
            "Pedestrian",
            {
                "kind": "keypoints",
                "points": [
                    {"name": "head", "x": 5, "y": 5},
                    {"name": "foot", "x": 0, "y": 0, "visibility": 0},
                ],
            },
        ),
        obj("l", "Lane", {"kind": "polyline", "points": [[0, 480], [320, 240]]}),
        obj(
            "v",
            "Vehicle",
            {
                "kind": "polygon",
                "parts": [
                    {
                        "exterior": [[0, 0], [640, 0], [640, 480]],
                        "holes": [[[400, 50], [500, 50], [500, 100]]],
                    }
                ],
            },
        ),
        # boxes may overshoot the image edge by the pixel tolerance
        obj("edge", "Car", box(-0.5, 0, 640.8, 480)),
    ]
}


def check(
    ontology: Ontology, document: dict[str, Any], content: ItemContent
) -> list[tuple[str, str]]:
    return [
        (v.location.path or "", v.message)
        for v in ontology.validate(Annotation.model_validate(document), content)
    ]


def test_valid_annotations_have_no_violations(ontology: Ontology) -> None:
    assert check(ontology, VALID_TEXT, TEXT_ITEM) == []
    assert check(ontology, VALID_IMAGE, IMAGE) == []


def test_video_audio_and_pointcloud_annotations(ontology: Ontology) -> None:
    track = {
        "kind": "track",
        "keyframes": [
            {"frame": 0, "shape": box(0, 0, 10, 10)},
            {"frame": 100, "shape": box(50, 50, 60, 60), "outside": True},
            {"frame": 249, "shape": box(300, 200, 320, 240)},
        ],
    }
    assert check(ontology, {"objects": [obj("t", "Car", track, track_id="7")]}, VIDEO) == []
    interval = {
        "kind": "interval",
        "start": 0.5,
        "end": 12.5,
        "transcript": "two cans",
        "speaker": "A",
    }
    assert (
        check(
            ontology,
            {"objects": [obj("i", "Product", interval, attributes={"Condition": "new"})]},
            AUDIO,
        )
        == []
    )
    cuboid = {
        "kind": "cuboid",
        "x": 10,
        "y": 0,
        "z": 0,
        "length": 4,
        "width": 2,
        "height": 1.5,
        "yaw": 0.1,
    }
    scene = {
        "objects": [
            obj("c3", "Car", cuboid, entity_id="car-1", track_id="1"),
            # the same car boxed in the camera image of the scene (media 1 is an image)
            obj("c2", "Car", box(500, 100, 700, 300), media_index=1, entity_id="car-1"),
        ]
    }
    assert check(ontology, scene, SCENE) == []


def violations_of(
    ontology: Ontology, document: dict[str, Any], content: ItemContent
) -> list[tuple[str, str]]:
    found = check(ontology, document, content)
    assert found, "expected violations"
    return found


def with_change(document: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


OBJ = "objects"
A = "attributes"
G = "geometry"


@pytest.mark.parametrize(
    ("document", "content", "path", "reason"),
    [
        # classes and kinds
        (
            with_change(VALID_IMAGE, [OBJ, 0, "class_name"], "Spaceship"),
            IMAGE,
            "objects[0].class_name",
            "unknown class 'Spaceship'",
        ),
        (
            with_change(VALID_IMAGE, [OBJ, 5, "class_name"], "Lane"),
            IMAGE,
            "objects[5].geometry.kind",
            "class 'Lane' may not be a box in image; it takes polyline",
        ),
        (
            with_change(VALID_TEXT, [OBJ, 0, G], box(0, 0, 1, 1)),
            TEXT_ITEM,
            "objects[0].geometry.kind",
            "geometry 'box' does not exist in text",
        ),
        (
            with_change(VALID_TEXT, [OBJ, 1, G], {"kind": "tag"}),
            TEXT_ITEM,
            "objects[1].geometry.kind",
            "may not be a tag in text",
        ),
        # attributes
        (
            with_change(VALID_TEXT, [OBJ, 1, A], {}),
            TEXT_ITEM,
            "objects[1].attributes.Severity",
            "required attribute 'Severity'",
        ),
        (
            with_change(VALID_TEXT, [OBJ, 1, A, "Severity"], "fatal"),
            TEXT_ITEM,
            "objects[1].attributes.Severity",
            "unknown option 'fatal'",
        ),
        (
            with_change(VALID_TEXT, [OBJ, 1, A, "Colour"], "red"),
            TEXT_ITEM,
            "objects[1].attributes.Colour",
            "unknown attribute 'Colour'",
        ),
        (
            with_change(VALID_TEXT, [OBJ, 0, A, "Dose"], {"value": -5, "unit": "mg"}),
            TEXT_ITEM,
            "objects[0].attributes.Dose.value",
            "-5 is below the minimum 0",
        ),
        (
            with_change(VALID_TEXT, [OBJ, 0, A, "Dose"], {"value": 5, "unit": "kg"}),
            TEXT_ITEM,
            "objects[0].attributes.Dose.unit",
            "unit 'kg' is not allowed",
        ),
        (
            with_change(VALID_TEXT, [OBJ, 0, A, "Dose"], 500),
            TEXT_ITEM,
            "objects[0].attributes.Dose",
            "expected {value, unit}",
        ),
        (
            with_change(VALID_TEXT, [OBJ, 0, A, "Refills"], 13),
            TEXT_ITEM,
            "objects[0].attributes.Refills",
            "13 is above the maximum 12",
        ),
        (
            with_change(VALID_TEXT, [OBJ, 0, A, "Refills"], 2.5),
            TEXT_ITEM,
            "objects[0].attributes.Refills",
            "expected a whole number",
        ),
        (
            with_change(VALID_TEXT, [OBJ, 0, A, "Refills"], "two"),
            TEXT_ITEM,
            "objects[0].attributes.Refills",
            "expected a number",
        ),
        (
            with_change(VALID_TEXT, [OBJ, 0, A, "Generic"], 1),
            TEXT_ITEM,
            "objects[0].attributes.Generic",
            "expected true or false",
        ),
        (
            with_change(VALID_TEXT, [OBJ, 0, A, "Prescribed"], "2023-02-29"),
            TEXT_ITEM,
            "objects[0].attributes.Prescribed",
            "expected a date",
        ),
        (
            with_change(VALID_IMAGE, [OBJ, 0, A, "Volume"], {"value": 1, "unit": "mL"}),
            IMAGE,
            "objects[0].attributes.Volume",
            "expected a plain number (in mL)",
        ),
        (
            with_change(VALID_IMAGE, [OBJ, 0, A, "Tags"], ["organic", "gluten-free"]),
            IMAGE,
            "objects[0].attributes.Tags[1]",
            "unknown option 'gluten-free'",
        ),
        (
            with_change(VALID_IMAGE, [OBJ, 0, A, "Tags"], ["organic", "organic"]),
            IMAGE,
            "objects[0].attributes.Tags[1]",
            "chosen twice",
        ),
        (
            with_change(VALID_IMAGE, [OBJ, 0, A, "Brand"], True),
            IMAGE,
            "objects[0].attributes.Brand",
            "expected text",
        ),
        # ids, media, scores
        (
            with_change(VALID_IMAGE, [OBJ, 1, "id"], "b"),
            IMAGE,
            "objects[1].id",
            "duplicate object id 'b'",
        ),
        (
            with_change(VALID_IMAGE, [OBJ, 1, "media_index"], 1),
            IMAGE,
            "objects[1].media_index",
            "out of range",
        ),
        (
            with_change(VALID_TEXT, [OBJ, 3, "media_index"], 2),
            TEXT_ITEM,
            "objects[3].media_index",
            "the item has none",
        ),
        (
            with_change(VALID_IMAGE, [OBJ, 1, "score"], 1.5),
            IMAGE,
            "objects[1].score",
            "not in [0, 1]",
        ),
        # spans
        (
            with_change(VALID_TEXT, [OBJ, 0, G, "end"], 999),
            TEXT_ITEM,
            "objects[0].geometry.end",
            "outside the text",
        ),
        (
            with_change(VALID_TEXT, [OBJ, 0, G, "end"], 12),
            TEXT_ITEM,
            "objects[0].geometry.end",
            "must be greater than start",
        ),
        (
            with_change(VALID_TEXT, [OBJ, 0, G, "text"], "Ibuprofen"),
            TEXT_ITEM,
            "objects[0].geometry.text",
            "differs from the item's text[12:21]",
        ),
        (
            VALID_TEXT,
            ItemContent(modality=Modality.TEXT),
            "objects[0].geometry",
            "needs an item with text",
        ),
        # image geometry
        (
            with_change(VALID_IMAGE, [OBJ, 5, G], box(50, 10, 40, 20)),
            IMAGE,
            "objects[5].geometry.x2",
            "x2 (40) must be greater than x1 (50)",
        ),
        (
            with_change(VALID_IMAGE, [OBJ, 5, G], box(10, 10, 700, 20)),
            IMAGE,
            "objects[5].geometry.x2",
            "x2 = 700 is outside the image (width 640)",
        ),
        (
            with_change(VALID_IMAGE, [OBJ, 5, G], box(10, -3, 20, 20)),
            IMAGE,
            "objects[5].geometry.y1",
            "outside the image (height 480)",
        ),
        (
            with_change(VALID_IMAGE, [OBJ, 1, G, "w"], 0),
            IMAGE,
            "objects[1].geometry.w",
            "w must be positive",
        ),
        (
            with_change(VALID_IMAGE, [OBJ, 4, G, "parts", 0, "exterior"], [[0, 0], [1, 1]]),
            IMAGE,
            "objects[4].geometry.parts[0].exterior",
            "at least 3 vertices",
        ),
        (
            with_change(VALID_IMAGE, [OBJ, 4, G, "parts", 0, "holes", 0, 1], [900, 50]),
            IMAGE,
            "objects[4].geometry.parts[0].holes[0][1]",
            "outside the image",
        ),
        (
            with_change(VALID_IMAGE, [OBJ, 4, G, "parts", 0, "exterior"], [[0, 0], [1, 1], [2, 2]]),
            IMAGE,
            "objects[4].geometry.parts[0].exterior",
            "encloses no area",
        ),
        (
            with_change(VALID_IMAGE, [OBJ, 2, G, "points", 0, "x"], 641.5),
            IMAGE,
            "objects[2].geometry.points[0]",
            "outside the image",
        ),
        (
            with_change(VALID_IMAGE, [OBJ, 2, G, "points", 1, "name"], "head"),
            IMAGE,
            "objects[2].geometry.points[1].name",
            "appears twice",
        ),
        (
            with_change(VALID_IMAGE, [OBJ, 3, G, "points"], [[0, 0]]),
            IMAGE,
            "objects[3].geometry.points",
            "at least 2 points",
        ),
        (
            with_change(
                VALID_IMAGE,
                [OBJ, 0, G],
                {"kind": "mask", "height": 480, "width": 600, "counts": "0"},
            ),
            IMAGE,
            "objects[0].geometry.width",
            "differs from the image width 640",
        ),
        (
            with_change(
                VALID_IMAGE,
                [OBJ, 0, G],
                {"kind": "mask", "height": 480, "width": 640, "counts": "0"},
            ),
            IMAGE,
            "objects[0].geometry.counts",
            "cover 0 pixels",
        ),
    ],
)
def test_each_violation_is_reported_at_its_path(
    ontology: Ontology, document: dict[str, Any], content: ItemContent, path: str, reason: str
) -> None:
    found = violations_of(ontology, document, content)
    assert any(p == path and reason in m for p, m in found), found


def track_doc(*keyframes: tuple[int, dict[str, Any]]) -> dict[str, Any]:
    frames = [{"frame": f, "shape": s} for f, s in keyframes]
    return {"objects": [obj("t", "Car", {"kind": "track", "keyframes": frames})]}


@pytest.mark.parametrize(
    ("document", "path", "reason"),
    [
        (
            track_doc((5, box(0, 0, 1, 1)), (3, box(0, 0, 1, 1))),
            "objects[0].geometry.keyframes[1].frame",
            "not in frame order: 3 comes after 5",
        ),
        (
            track_doc((5, box(0, 0, 1, 1)), (5, box(0, 0, 1, 1))),
            "objects[0].geometry.keyframes[1].frame",
            "frame 5 has two keyframes",
        ),
        (
            track_doc((0, box(0, 0, 1, 1)), (250, box(0, 0, 1, 1))),
            "objects[0].geometry.keyframes[1].frame",
            "beyond the video's last frame (249)",
        ),
        (track_doc((-1, box(0, 0, 1, 1))), "objects[0].geometry.keyframes[0].frame", "negative"),
        (
            track_doc((0, box(0, 0, 400, 1))),
            "objects[0].geometry.keyframes[0].shape.x2",
            "outside the image (width 320)",
        ),
        (
            track_doc(
                (0, box(0, 0, 1, 1)), (1, {"kind": "rotated_box", "cx": 1, "cy": 1, "w": 1, "h": 1})
            ),
            "objects[0].geometry.keyframes[1].shape.kind",
            "one shape kind",
        ),
        (track_doc(), "objects[0].geometry.keyframes", "at least one keyframe"),
        (
            {
                "objects": [
                    obj(
                        "i",
                        "Product",
                        {"kind": "interval", "start": 5, "end": 11},
                        attributes={"Condition": "new"},
                    )
                ]
            },
            "objects[0].geometry.end",
            "after the end of the media (10 s)",
        ),
        (
            {
                "objects": [
                    obj(
                        "i",
                        "Product",
                        {"kind": "interval", "start": 5, "end": 4},
                        attributes={"Condition": "new"},
                    )
                ]
            },
            "objects[0].geometry.end",
            "must be after start",
        ),
        (
            {
                "objects": [
                    obj(
                        "i",
                        "Product",
                        {"kind": "interval", "start": -1, "end": 4},
                        attributes={"Condition": "new"},
                    )
                ]
            },
            "objects[0].geometry.start",
            "before the start of the media",
        ),
        (
            {
                "objects": [
                    obj(
                        "a",
                        "Car",
                        {"kind": "track", "keyframes": [{"frame": 0, "shape": box(0, 0, 1, 1)}]},
                        track_id="1",
                    ),
                    obj(
                        "b",
                        "Vehicle",
                        {"kind": "track", "keyframes": [{"frame": 0, "shape": box(0, 0, 1, 1)}]},
                        track_id="1",
                    ),
                ]
            },
            "objects[1].class_name",
            "track '1' is a 'Car' at objects[0] but a 'Vehicle' here",
        ),
    ],
)
def test_video_violations(
    ontology: Ontology, document: dict[str, Any], path: str, reason: str
) -> None:
    found = violations_of(ontology, document, VIDEO)
    assert any(p == path and reason in m for p, m in found), found


def test_relation_violations(ontology: Ontology) -> None:
    document = copy.deepcopy(VALID_TEXT)
    document["relations"] = [
        {
            "id": "r1",
            "name": "causes",
            "source": "e",
            "target": "d",
            "attributes": {"Certainty": "maybe"},
        },
        {"id": "r1", "name": "treats", "source": "d", "target": "ghost"},
        {"id": "r3", "name": "causes", "source": "d", "target": "e"},
    ]
    found = violations_of(ontology, document, TEXT_ITEM)
    assert sorted(p for p, _ in found) == sorted(
        [
            "relations[0].source",
            "relations[0].target",
            "relations[0].attributes.Certainty",
            "relations[1].id",
            "relations[1].name",
            "relations[1].target",
            "relations[2].attributes.Certainty",
        ]
    )
    messages = dict(found)
    assert (
        "takes a source of class Drug; 'e' is a 'AdverseEvent'" in messages["relations[0].source"]
    )
    assert "'ghost' is no object" in messages["relations[1].target"]


def test_entity_ids_must_share_an_entity_type(ontology: Ontology) -> None:
    scene = {
        "objects": [
            obj(
                "c3",
                "Car",
                {"kind": "cuboid", "x": 1, "y": 0, "z": 0, "length": 4, "width": 2, "height": 1.5},
                entity_id="e1",
            ),
            obj(
                "b",
                "Beverage",
                box(1, 1, 5, 5),
                media_index=1,
                entity_id="e1",
                attributes={"Condition": "new"},
            ),
            obj(
                "l",
                "Lane",
                {"kind": "polyline", "points": [[0, 0], [5, 5]]},
                media_index=1,
                entity_id="e2",
            ),
        ]
    }
    found = violations_of(ontology, scene, SCENE)
    assert found == [
        (
            "objects[1].entity_id",
            "entity 'e1' mixes entity types: a 'Beverage' shares none with the "
            "entity's other objects",
        ),
        ("objects[2].entity_id", "class 'Lane' carries no entity type in image"),
    ]


def test_every_violation_is_reported_not_just_the_first(ontology: Ontology) -> None:
    document = {
        "objects": [
            obj(
                "a",
                "Name",
                span(0, 4),
                attributes={"Dose": {"value": -1, "unit": "kg"}, "Refills": 99},
            ),
            obj("a", "Spaceship", box(0, 0, 1, 1)),
        ]
    }
    paths = [p for p, _ in violations_of(ontology, document, TEXT_ITEM)]
    assert paths == [
        "objects[1].id",
        "objects[0].attributes.Dose.value",
        "objects[0].attributes.Dose.unit",
        "objects[0].attributes.Refills",
        "objects[1].class_name",
        "objects[1].geometry.kind",
    ]


def test_attribute_names_that_are_not_words_are_quoted_in_paths() -> None:
    onto = Ontology.model_validate(
        {
            "name": "o",
            "classes": [
                {
                    "name": "X",
                    "geometry": {"image": ["box"]},
                    "attributes": [{"name": "Adverse event", "type": "bool", "required": True}],
                }
            ],
        }
    )
    found = onto.validate(
        Annotation.model_validate({"objects": [obj("a", "X", box(0, 0, 1, 1))]}), IMAGE
    )
    assert [v.location.path for v in found] == ['objects[0].attributes["Adverse event"]']


def test_check_raises_annotation_invalid_with_the_item(ontology: Ontology) -> None:
    document = with_change(VALID_IMAGE, [OBJ, 0, "class_name"], "Spaceship")
    with pytest.raises(AnnotationInvalid) as caught:
        ontology.check(Annotation.model_validate(document), IMAGE, item="42")
    assert caught.value.location.item == "42"
    assert [v.to_dict() for v in caught.value.violations] == [
        {"message": "unknown class 'Spaceship'", "item": "42", "path": "objects[0].class_name"}
    ]
    ontology.check(Annotation.model_validate(VALID_IMAGE), IMAGE)  # valid: no exception


CRLF = "Name: Bo\r\nCity: Oslo\r\nZip: 0150"


def test_crlf_text_spans_are_checked_against_the_stored_text() -> None:
    onto = Ontology.model_validate(
        {"name": "o", "classes": [{"name": "City", "geometry": {"text": ["span"]}}]}
    )
    item = ItemContent(modality=Modality.TEXT, text=CRLF)
    stored = {
        "objects": [obj("c", "City", {"kind": "span", "start": 16, "end": 20, "text": "Oslo"})]
    }
    assert onto.validate(Annotation.model_validate(stored), item) == []
    # offsets counted with CRLF shown as LF slice "Osl" plus a space: refused, never stored
    shifted = with_change(stored, [OBJ, 0, G, "start"], 15)
    shifted = with_change(shifted, [OBJ, 0, G, "end"], 19)
    [violation] = onto.validate(Annotation.model_validate(shifted), item)
    assert violation.location.path == "objects[0].geometry.text"
    assert "text[15:19] = ' Osl'" in violation.message
