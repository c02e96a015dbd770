"""``probe(path, name) -> MediaInfo``: what a media file is, found from its content.

Every failure is a ``MediaError`` naming the file and saying what to do; a decoder's
own exception never escapes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ontolabel.core.item import MAX_NAME, MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.media.dicom import dicom_facts, render_dicom_png
from ontolabel.media.failure import decoding, media_error
from ontolabel.media.image import image_facts, render_tiff_png
from ontolabel.media.limits import DEFAULT_LIMITS, MediaLimits
from ontolabel.media.pointcloud import load_points_as, pcd_binary_bytes, pcd_data_kind
from ontolabel.media.sniff import Container, read_head, sniff
from ontolabel.media.stream import stream_facts

# formats browsers do not show in an <img>; render_display turns them into PNG
_NOT_BROWSER_IMAGES = frozenset({"application/dicom", "image/tiff"})

# the sniffed MIME names the container; the streams found inside say audio or video
_AUDIO_MIME_OF_CONTAINER = {
    "video/mp4": "audio/mp4",
    "video/webm": "audio/webm",
    "video/x-matroska": "audio/x-matroska",
}
_VIDEO_MIME_OF_CONTAINER = {"audio/ogg": "video/ogg", "audio/mp4": "video/mp4"}

_CONTAINER_OF_CLOUD = {
    "application/x-kitti-velodyne": Container.KITTI_BIN,
    "application/x-pcd": Container.PCD,
}

SUPPORTED_HINT = (
    "supported: JPEG, PNG, GIF, BMP, TIFF, WebP, AVIF, DICOM, MP4/MOV/WebM/MKV/AVI, "
    "WAV/MP3/FLAC/Ogg/M4A, PCD, KITTI .bin, .npy"
)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def probe(path: Path, name: str, limits: MediaLimits = DEFAULT_LIMITS) -> MediaInfo:
    """Probe one file. ``name`` is what the user called it (used in errors and kept)."""
    with decoding(name):
        return _probe(path, name, limits)


def _probe(path: Path, name: str, limits: MediaLimits) -> MediaInfo:
    if len(name) > MAX_NAME:  # MediaInfo keeps the name: say so before it refuses it
        raise media_error(
            name,
            f"the file's name has {len(name):,} characters; ontolabel keeps at most {MAX_NAME}",
            "rename the file",
        )
    if not path.is_file():
        raise media_error(name, "file does not exist")
    size = path.stat().st_size
    if size == 0:
        raise media_error(name, "file is empty")
    if size > limits.max_bytes:
        raise media_error(
            name,
            f"file is {size} bytes, above the limit of {limits.max_bytes}",
            "split or compress it",
        )
    found = sniff(read_head(path), name, size)
    if found is None:
        raise media_error(name, "unsupported or unrecognised file content", SUPPORTED_HINT)
    container, mime = found
    if container is Container.HEIF:
        raise media_error(
            name, "HEIC/HEIF images are not supported", "convert the photo to JPEG or PNG first"
        )
    common: dict[str, Any] = {"sha256": file_sha256(path), "size": size, "name": name}

    if container is Container.IMAGE:
        img = image_facts(path, name, limits)
        extra = {"orientation": img.orientation} if img.orientation != 1 else {}
        return MediaInfo(
            modality=Modality.IMAGE,
            width=img.width,
            height=img.height,
            extra=extra,
            mime=mime,
            **common,
        )
    if container is Container.DICOM:
        dcm = dicom_facts(path, name, limits)
        dicom_extra: dict[str, object] = {"frames": dcm.frames}
        if dcm.modality:
            dicom_extra["dicom_modality"] = dcm.modality
        if dcm.window is not None:
            dicom_extra["window"] = {"center": dcm.window[0], "width": dcm.window[1]}
        return MediaInfo(
            modality=Modality.IMAGE,
            width=dcm.width,
            height=dcm.height,
            extra=dicom_extra,
            mime=mime,
            **common,
        )
    if container is Container.AV:
        av_facts = stream_facts(path, name, limits)
        # the sniffed MIME guessed from the container; the streams say audio or video
        if av_facts.modality is Modality.AUDIO:
            mime = _AUDIO_MIME_OF_CONTAINER.get(mime, mime)
        else:
            mime = _VIDEO_MIME_OF_CONTAINER.get(mime, mime)
        extra_av: dict[str, object] = {"codec": av_facts.codec} if av_facts.codec else {}
        if av_facts.time_base is not None:
            extra_av["time_base"] = av_facts.time_base
        if av_facts.start_time is not None:
            extra_av["start_time"] = av_facts.start_time
        return MediaInfo(
            modality=av_facts.modality,
            duration=av_facts.duration,
            frame_rate=av_facts.frame_rate,
            frame_count=av_facts.frame_count,
            width=av_facts.width,
            height=av_facts.height,
            sample_rate=av_facts.sample_rate,
            channels=av_facts.channels,
            extra=extra_av,
            mime=mime,
            **common,
        )
    points = load_points_as(container, path, name, limits)
    return MediaInfo(
        modality=Modality.POINTCLOUD,
        point_count=int(points.shape[0]),
        extra={"has_intensity": points.shape[1] == 4},
        mime=mime,
        **common,
    )


def render_display(path: Path, info: MediaInfo) -> tuple[bytes, str] | None:
    """A rendition the browser can show of a file it cannot, else None (serve the file).

    DICOM becomes a windowed 8-bit PNG; TIFF a PNG of the displayed orientation; KITTI
    .bin and compressed PCD clouds a plain binary PCD (x y z intensity, float32), which
    the web viewer reads like .npy and uncompressed PCD.
    """
    with decoding(info.name):
        return _render(path, info)


def _render(path: Path, info: MediaInfo) -> tuple[bytes, str] | None:
    if info.mime == "application/dicom":
        return render_dicom_png(path, info.name), "image/png"
    if info.mime == "image/tiff":
        return render_tiff_png(path, info.name), "image/png"
    if info.mime == "application/x-kitti-velodyne" or (
        info.mime == "application/x-pcd" and pcd_data_kind(path, info.name) == "binary_compressed"
    ):
        points = load_points_as(_CONTAINER_OF_CLOUD[info.mime], path, info.name)
        return pcd_binary_bytes(points), "application/x-pcd"
    return None


def needs_display_rendition(info: MediaInfo) -> bool:
    """Whether ``render_display`` may return something for this file (without reading it)."""
    return info.mime in _NOT_BROWSER_IMAGES or info.mime in _CONTAINER_OF_CLOUD
