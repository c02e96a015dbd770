"""Each supported container is recognised from its content (names are misleading on
purpose) and measured; the MIME type says audio or video from the streams inside."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from ontolabel.core.modality import Modality
from ontolabel.errors import MediaError
from ontolabel.media import probe


@pytest.mark.parametrize(
    ("pillow_format", "mime"),
    [
        ("JPEG", "image/jpeg"),
        ("PNG", "image/png"),
        ("GIF", "image/gif"),
        ("BMP", "image/bmp"),
        ("TIFF", "image/tiff"),
        ("WEBP", "image/webp"),
        ("AVIF", "image/avif"),
    ],
)
def test_images(tmp_path: Path, pillow_format: str, mime: str) -> None:
    path = tmp_path / "picture.dat"
    Image.new("RGB", (33, 17), (200, 10, 10)).save(path, format=pillow_format)
    info = probe(path, "picture.dat")
    assert (info.modality, info.mime, info.width, info.height) == (Modality.IMAGE, mime, 33, 17)


def _write_audio(path: Path, container: str, codec: str, rate: int = 16000) -> None:
    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=rate)
        stream.layout = "mono"
        tone = 0.2 * np.sin(np.arange(rate) * 2 * np.pi * 440 / rate)
        size = stream.codec_context.frame_size or 1024
        for offset in range(0, rate, size):
            data = tone[offset : offset + size].astype(np.float32)[np.newaxis, :]
            # the encoder converts planar float to whatever sample format the codec takes
            frame = av.AudioFrame.from_ndarray(data, format="fltp", layout="mono")
            frame.sample_rate = rate
            frame.pts = offset
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


@pytest.mark.parametrize(
    ("container", "codec", "rate", "mime"),
    [
        ("wav", "pcm_s16le", 16000, "audio/wav"),
        ("flac", "flac", 16000, "audio/flac"),
        ("mp3", "libmp3lame", 16000, "audio/mpeg"),
        ("ogg", "libopus", 48000, "audio/ogg"),
        ("adts", "aac", 16000, "audio/aac"),
        ("matroska", "flac", 16000, "audio/x-matroska"),
    ],
)
def test_audio_containers(tmp_path: Path, container: str, codec: str, rate: int, mime: str) -> None:
    path = tmp_path / "sound.bin.txt"
    _write_audio(path, container, codec, rate)
    info = probe(path, "sound")
    assert info.modality is Modality.AUDIO
    assert info.mime == mime
    assert info.sample_rate == rate and info.channels == 1
    assert info.duration == pytest.approx(1.0, abs=0.1)


def test_webm_video(tmp_path: Path) -> None:
    path = tmp_path / "clip"
    with av.open(str(path), "w", format="webm") as out:
        stream = out.add_stream("libvpx", rate=24)
        stream.width, stream.height, stream.pix_fmt = 32, 24, "yuv420p"
        for i in range(6):
            frame = av.VideoFrame.from_ndarray(
                np.full((24, 32, 3), i * 30, np.uint8), format="rgb24"
            )
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    info = probe(path, "clip")
    assert (info.modality, info.mime) == (Modality.VIDEO, "video/webm")
    assert (info.width, info.height, info.frame_rate, info.frame_count) == (32, 24, "24/1", 6)


def test_heic_is_named_as_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "IMG_0001.HEIC"
    path.write_bytes(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 64)
    with pytest.raises(MediaError, match="HEIC") as caught:
        probe(path, "IMG_0001.HEIC")
    assert caught.value.hint is not None and "JPEG" in caught.value.hint
