"""Damaged files of every kind (bytes flipped, zeroed, cut short) give a MediaError naming
the file, or a result; never another exception (which the server would turn into a 500)."""

from __future__ import annotations

import io
import random
import wave
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pydicom
import pytest
from PIL import Image
from pypcd4 import Encoding, PointCloud

from ontolabel.core.modality import Modality
from ontolabel.errors import MediaError
from ontolabel.media import load_points, normalize_image, probe, render_display, waveform_peaks
from ontolabel.media.pointcloud import pcd_binary_bytes

CASES_PER_KIND = 40


def _image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.effect_noise((48, 32), 40).convert("RGB").save(buffer, format=fmt, exif=exif.tobytes())
    return buffer.getvalue()


def _wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(8000)
        writer.writeframes((np.sin(np.arange(4000) / 5) * 9000).astype("<i2").tobytes())
    return buffer.getvalue()


def _mp4(tmp: Path) -> bytes:
    path = tmp / "clip.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=Fraction(25, 1))
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        for i in range(10):
            frame = av.VideoFrame.from_ndarray(
                np.full((32, 32, 3), i * 20, np.uint8), format="rgb24"
            )
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path.read_bytes()


def _compressed_pcd(tmp: Path) -> bytes:
    path = tmp / "cloud.pcd"
    points = np.round(np.random.default_rng(0).normal(size=(300, 4)), 1).astype(np.float32)
    PointCloud.from_xyzi_points(points).save(path, encoding=Encoding.BINARY_COMPRESSED)
    return path.read_bytes()


def _npy() -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.random.default_rng(0).normal(size=(50, 4)))
    return buffer.getvalue()


SOURCES: dict[str, Callable[[Path], bytes]] = {
    "photo.jpg": lambda tmp: _image("JPEG"),
    "photo.png": lambda tmp: _image("PNG"),
    "scan.tif": lambda tmp: _image("TIFF"),
    "photo.webp": lambda tmp: _image("WEBP"),
    "mr.dcm": lambda tmp: (
        Path(pydicom.__file__).parent / "data/test_files/MR_small.dcm"
    ).read_bytes(),
    "clip.mp4": _mp4,
    "call.wav": lambda tmp: _wav(),
    "cloud.pcd": _compressed_pcd,
    "plain.pcd": lambda tmp: pcd_binary_bytes(np.ones((40, 4))),
    "cloud.npy": lambda tmp: _npy(),
}


def _damage(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    how = rng.choice(["flip", "cut", "zero"])
    if how == "flip":
        for _ in range(rng.randint(1, 8)):
            out[rng.randrange(len(out))] = rng.randrange(256)
    elif how == "cut":
        del out[rng.randrange(1, len(out)) :]
    else:
        start = rng.randrange(len(out))
        out[start : start + 64] = bytes(len(out[start : start + 64]))
    return bytes(out)


def _use(path: Path, name: str) -> None:
    """Everything a server does with an upload: probe, store upright, render, peaks, points."""
    info = probe(path, name)
    render_display(path, info)
    if info.modality is Modality.IMAGE and info.mime != "application/dicom":
        normalize_image(path)
    if info.modality is Modality.AUDIO:
        waveform_peaks(path, 40, name=name)
    if info.modality is Modality.POINTCLOUD:
        load_points(path, name)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_damaged_files_fail_cleanly(tmp_path: Path, name: str) -> None:
    original = SOURCES[name](tmp_path)
    path = tmp_path / f"damaged-{name}"
    path.write_bytes(original)
    _use(path, name)  # the undamaged file works
    rng = random.Random(f"ontolabel-{name}")
    refused = 0
    for _ in range(CASES_PER_KIND):
        path.write_bytes(_damage(original, rng))
        try:
            _use(path, name)
        except MediaError as error:
            assert error.location.file == name
            refused += 1
    assert refused > 0  # the damage is real: some copies must be refused
