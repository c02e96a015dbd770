"""The demo projects: name, modality, ontology file and where their items come from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ontolabel.core.modality import Modality
from ontolabel.demo import sources
from ontolabel.demo.sources import DemoItem

# said in the text project's description: its multi-annotator work is simulated
QUALITY_NOTE = (
    " Quality demo: the submitted work of sim-ana, sim-ben and sim-cam on the first 60 "
    "articles is SIMULATED (seeded copies of a rule-based reference labelling, with errors "
    "of known causes), for the Quality page and `ontolabel qa`."
)

# (wheel cache, staging folder) -> the project's items
ItemSource = Callable[[Path, Path], list[DemoItem]]

MEDICAL_PROJECT = "Medical imaging"
IMAGE_PROJECT = "Driving: camera frames"  # small, plain images: the easiest to label
VIDEO_PROJECT = "Driving: video"
POINTCLOUD_PROJECT = "Driving: 3D stereo cloud"
TEXT_PROJECT = "Clinical and news text"
AUDIO_PROJECT = "Retail call audio"


@dataclass(frozen=True)
class DemoProject:
    name: str
    modality: Modality
    ontology_file: str
    description: str
    items: ItemSource


def ontology_document(file_name: str) -> dict[str, Any]:
    text = resources.files("ontolabel.demo").joinpath("ontologies", file_name).read_text("utf-8")
    document = yaml.safe_load(text)
    assert isinstance(document, dict)
    return document


PROJECTS: tuple[DemoProject, ...] = (
    DemoProject(
        MEDICAL_PROJECT,
        Modality.IMAGE,
        "medical.yaml",
        "Chest CT and MR slices (DICOM, windowed for display) and a fundus photograph.",
        sources.medical_items,
    ),
    DemoProject(
        IMAGE_PROJECT,
        Modality.IMAGE,
        "driving.yaml",
        "Five frames of a street clip: cars, cyclists, pedestrians.",
        sources.bikes_frame_items,
    ),
    DemoProject(
        VIDEO_PROJECT,
        Modality.VIDEO,
        "driving.yaml",
        "A 10 s street clip (25 fps) for tracks with ids across frames.",
        lambda wheels, staging: [sources.bikes_video(wheels, staging)],
    ),
    DemoProject(
        POINTCLOUD_PROJECT,
        Modality.POINTCLOUD,
        "driving.yaml",
        "A real point cloud from a stereo pair and its true disparity, with both calibrated"
        " camera images: every point projects exactly onto the pixel it came from.",
        lambda wheels, staging: [sources.motorcycle_item(wheels, staging)],
    ),
    DemoProject(
        TEXT_PROJECT,
        Modality.TEXT,
        "clinical_text.yaml",
        "300 news articles: entities, drugs and adverse events, relations, a topic per text."
        + QUALITY_NOTE,
        lambda wheels, staging: sources.articles(wheels),
    ),
    DemoProject(
        AUDIO_PROJECT,
        Modality.AUDIO,
        "retail_audio.yaml",
        "A real two-speaker phone call: turns, transcripts, sentiment, product mentions.",
        lambda wheels, staging: [sources.call_item(wheels, staging)],
    ),
)
