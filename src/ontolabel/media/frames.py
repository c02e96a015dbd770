"""Decoded video frames by 0-based index (decode order, which is display order for the
frames a decoder returns), e.g. to turn chosen frames of a clip into still images."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import av
import av.error
import numpy as np
import numpy.typing as npt

from ontolabel.media.failure import decoding, media_error

RgbFrame = npt.NDArray[np.uint8]


def video_frames(
    path: Path, indices: Iterable[int], name: str | None = None
) -> dict[int, RgbFrame]:
    """RGB arrays (height, width, 3) of the wanted frames; a MediaError names any index
    past the end of the video."""
    label = name or path.name
    wanted = sorted(set(indices))
    if not wanted:
        return {}
    if wanted[0] < 0:
        raise media_error(label, f"frame index {wanted[0]} is negative")
    with decoding(label):
        return _decode(path, wanted, label)


def _decode(path: Path, wanted: list[int], label: str) -> dict[int, RgbFrame]:
    found: dict[int, RgbFrame] = {}
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise media_error(label, "file has no video stream")
            for index, frame in enumerate(container.decode(video=0)):
                if index in wanted:
                    found[index] = np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)
                if index >= wanted[-1]:
                    break
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise media_error(label, f"cannot decode video ({exc})", "the file may be corrupt") from exc
    missing = [i for i in wanted if i not in found]
    if missing:
        raise media_error(label, f"video has no frame {missing[0]}", "frame indices start at 0")
    return found
