"""YOLO export options (Darknet and Ultralytics layouts)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ontolabel.formats.selection import SelectionOptions

Task = Literal["detect", "segment", "pose", "obb", "classify"]


class DarknetOptions(SelectionOptions):
    merge: Literal["latest", "all"] = Field(
        default="latest",
        description=(
            "latest: one label set per image (the last submitted annotation, else the last "
            "draft); all: every selected annotator's objects in one label file"
        ),
    )
    include_media: bool = Field(
        default=True,
        description="put the images in the archive beside their label files (a trainable dataset)",
    )
    clip: bool = Field(
        default=True,
        description=(
            "clip shapes reaching outside the image to it (trainers refuse coordinates "
            "outside 0..1); each clipped object is reported"
        ),
    )


class UltralyticsOptions(DarknetOptions):
    val_from_train: bool = Field(
        default=False,
        description=(
            "when no item is in a val split, point data.yaml's val at the train images "
            "(Ultralytics' trainer requires a val entry; other readers then see the train "
            "images twice)"
        ),
    )
    task: Task = Field(
        default="detect",
        description=(
            "detect: boxes; segment: polygons (boxes and masks as polygons); pose: keypoints "
            "with their box; obb: oriented boxes as 4 corners; classify: each image in the "
            "folder of its one whole-image class (<split>/<class>/<image>)"
        ),
    )
