"""label_config declares exactly the controls the ontology's classes use, under the names
the writer gives its results."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from typing import Any

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry import Box, Polygon, PolygonPart, RotatedBox, Span, Tag
from ontolabel.core.item import ItemContent, MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import parse_ontology
from ontolabel.formats import AnnotationRecord, ExportRecord, get_format
from ontolabel.formats.labelstudio import label_config


def image_info(name: str, width: int, height: int) -> MediaInfo:
    return MediaInfo(
        modality=Modality.IMAGE,
        mime="image/jpeg",
        sha256="0" * 64,
        size=1,
        name=name,
        width=width,
        height=height,
    )


def _controls(config: str) -> dict[str, tuple[str, str, list[str]]]:
    """Control name -> (tag, toName, its labels or choices) of a config."""
    root = ET.fromstring(config)
    found: dict[str, tuple[str, str, list[str]]] = {}
    for el in root:
        if el.tag in ("Image", "Text", "Relations"):
            continue
        found[el.attrib["name"]] = (
            el.tag,
            el.attrib["toName"],
            [child.attrib["value"] for child in el],
        )
    return found


def test_only_the_controls_the_classes_use_each_with_its_classes() -> None:
    ontology = parse_ontology(
        {
            "name": "streets",
            "classes": [
                {"name": "Car", "geometry": {"image": ["box"]}},
                {"name": "Bus", "geometry": {"image": ["rotated_box"]}},
                {"name": "Road", "geometry": {"image": ["polygon"]}},
                {"name": "Night", "geometry": {"image": ["tag"]}},
            ],
        }
    )
    config = label_config(ontology, Modality.IMAGE)
    assert _controls(config) == {
        "box": ("RectangleLabels", "image", ["Car", "Bus"]),
        "polygon": ("PolygonLabels", "image", ["Road"]),
        "choice": ("Choices", "image", ["Night"]),
    }
    assert "KeyPointLabels" not in config and "BrushLabels" not in config
    assert "Relations" not in config  # the ontology has none
    # no text control on an image, nor an image control on text
    assert _controls(label_config(ontology, Modality.TEXT)) == {}


def test_keypoint_and_brush_controls_only_list_their_classes() -> None:
    ontology = parse_ontology(
        {
            "name": "people",
            "classes": [
                {"name": "Person", "geometry": {"image": ["box", "keypoints"]}},
                {"name": "Sky", "geometry": {"image": ["mask"]}},
                {"name": "Name", "geometry": {"text": ["span"]}},
            ],
            "relations": [{"name": "holds"}],
        }
    )
    assert _controls(label_config(ontology, Modality.IMAGE)) == {
        "box": ("RectangleLabels", "image", ["Person"]),
        "keypoint": ("KeyPointLabels", "image", ["Person"]),
        "brush": ("BrushLabels", "image", ["Sky"]),
    }
    assert '<Label value="Person" model_index="0"/>' in label_config(ontology, Modality.IMAGE)
    text = label_config(ontology, Modality.TEXT)
    assert _controls(text) == {"label": ("Labels", "text", ["Name"])}
    assert '<Relations><Relation value="holds"/></Relations>' in text


def test_the_writer_s_results_name_the_config_s_controls_and_labels() -> None:
    ontology = parse_ontology(
        {
            "name": "streets",
            "classes": [
                {"name": "Car", "geometry": {"image": ["box", "rotated_box"]}},
                {"name": "Road", "geometry": {"image": ["polygon"]}},
                {"name": "Night", "geometry": {"image": ["tag"]}},
                {"name": "Drug", "geometry": {"text": ["span"]}},
            ],
        }
    )
    triangle = Polygon(parts=[PolygonPart(exterior=[(1, 1), (9, 1), (5, 9)])])
    image: list[tuple[str, Any]] = [
        ("Car", Box(x1=1, y1=2, x2=30, y2=40)),
        ("Car", RotatedBox(cx=20, cy=20, w=10, h=4, angle=30)),
        ("Road", triangle),
        ("Night", None),
    ]
    recs = [
        ExportRecord(
            item_id=1,
            external_id="a.jpg",
            content=ItemContent(
                modality=Modality.IMAGE,
                media=[image_info("a.jpg", 64, 48)],
            ),
            annotations=[
                AnnotationRecord(
                    document=Annotation(
                        objects=[
                            AnnotationObject(id=str(n), class_name=c, geometry=g or Tag())
                            for n, (c, g) in enumerate(image)
                        ]
                    )
                )
            ],
        ),
        ExportRecord(
            item_id=2,
            external_id="t",
            content=ItemContent(modality=Modality.TEXT, text="take aspirin"),
            annotations=[
                AnnotationRecord(
                    document=Annotation(
                        objects=[
                            AnnotationObject(
                                id="s",
                                class_name="Drug",
                                geometry=Span(start=5, end=12, text="aspirin"),
                            )
                        ]
                    )
                )
            ],
        ),
    ]
    fmt = get_format("labelstudio")
    out = io.BytesIO()
    stats = fmt.write(recs, out, ontology=ontology, options=fmt.parse_options({}))
    assert stats.skipped == []
    configs = {
        "image": _controls(label_config(ontology, Modality.IMAGE)),
        "text": _controls(label_config(ontology, Modality.TEXT)),
    }
    used = 0
    for task in json.loads(out.getvalue()):
        for result in task["annotations"][0]["result"]:
            tag, to_name, labels = configs[result["to_name"]][result["from_name"]]
            assert tag.lower() == result["type"]
            assert to_name == result["to_name"]
            assert set(result["value"][result["type"]]) <= set(labels)
            used += 1
    assert used == 5  # two boxes, a polygon, a tag, a span
