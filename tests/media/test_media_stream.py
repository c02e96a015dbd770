"""Audio and video: exact rates and counts, checked against independent decoders."""

from __future__ import annotations

import wave
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from ontolabel.core.modality import Modality
from ontolabel.errors import MediaError
from ontolabel.media import probe, video_frames, waveform_peaks


def test_bikes_mp4(bikes_mp4: Path) -> None:
    info = probe(bikes_mp4, "bikes.mp4")
    assert info.modality is Modality.VIDEO
    assert info.mime == "video/mp4"
    assert (info.width, info.height) == (640, 272)
    assert info.frame_rate == "25/1"
    # count by decoding every frame: the reported count must be what a player shows
    with av.open(str(bikes_mp4)) as container:
        decoded = sum(1 for _ in container.decode(video=0))
    assert info.frame_count == decoded == 250
    assert info.duration == pytest.approx(decoded / 25)
    assert info.extra == {"codec": "h264", "time_base": "1/12800", "start_time": 0.0}


def _write_video(path: Path, rate: Fraction, frames: int, size: tuple[int, int] = (64, 48)) -> None:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=rate)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for i in range(frames):
            image = np.full((size[1], size[0], 3), (i * 20) % 256, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def test_ntsc_rate_is_kept_exact(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    _write_video(path, Fraction(30000, 1001), 12)
    info = probe(path, "clip.mp4")
    assert info.modality is Modality.VIDEO
    assert info.frame_rate == "30000/1001"
    assert info.frame_count == 12
    assert (info.width, info.height) == (64, 48)
    assert info.duration == pytest.approx(12 * 1001 / 30000, abs=0.01)


def test_matroska_without_frame_count_is_counted(tmp_path: Path) -> None:
    # Matroska does not store a frame count; probing counts the packets instead
    path = tmp_path / "clip.mkv"
    _write_video(path, Fraction(25, 1), 7)
    info = probe(path, "clip.mkv")
    assert info.mime == "video/x-matroska"
    assert info.frame_count == 7
    assert info.frame_rate == "25/1"


def test_call_audio(call_wav: Path) -> None:
    info = probe(call_wav, "sample.wav")
    assert info.modality is Modality.AUDIO
    assert info.mime == "audio/wav"
    with wave.open(str(call_wav)) as reader:
        rate, channels, count = reader.getframerate(), reader.getnchannels(), reader.getnframes()
    assert (info.sample_rate, info.channels) == (rate, channels) == (16000, 1)
    assert info.duration == pytest.approx(count / rate) == pytest.approx(30.0)


def _int16_samples(path: Path) -> np.ndarray:
    with wave.open(str(path)) as reader:
        raw = reader.readframes(reader.getnframes())
        channels = reader.getnchannels()
    return np.frombuffer(raw, dtype="<i2").reshape(-1, channels).astype(np.float64) / 32768.0


def test_waveform_peaks_match_the_samples(call_wav: Path) -> None:
    samples = _int16_samples(call_wav)[:, 0]
    assert len(samples) == 480_000
    peaks = waveform_peaks(call_wav, 800)
    chunks = samples.reshape(800, 600)
    assert peaks == list(zip(chunks.min(axis=1).tolist(), chunks.max(axis=1).tolist(), strict=True))


def test_stereo_peaks_cover_both_channels(tmp_path: Path) -> None:
    path = tmp_path / "stereo.wav"
    t = np.arange(8000) / 8000.0
    left = (0.5 * np.sin(2 * np.pi * 5 * t) * 32767).astype("<i2")
    right = np.zeros_like(left)
    right[6000:6010] = -16384  # a click only on the right channel, in the 4th quarter
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(2)
        writer.setsampwidth(2)
        writer.setframerate(8000)
        writer.writeframes(np.stack([left, right], axis=1).tobytes())
    info = probe(path, "stereo.wav")
    assert (info.channels, info.sample_rate, info.duration) == (2, 8000, 1.0)
    peaks = waveform_peaks(path, 4)
    assert peaks[3][0] == pytest.approx(-0.5)  # from the right channel
    assert peaks[0][1] == pytest.approx(0.5, abs=1e-3)  # the sine crest, left channel
    assert all(lo <= hi for lo, hi in peaks)


def test_audio_only_mp4_is_audio(tmp_path: Path) -> None:
    path = tmp_path / "voice.m4a"
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("aac", rate=16000)
        stream.layout = "mono"
        for i in range(20):
            data = (0.1 * np.sin(np.arange(1024) / 10.0)).astype(np.float32)[np.newaxis, :]
            frame = av.AudioFrame.from_ndarray(data, format="fltp", layout="mono")
            frame.sample_rate = 16000
            frame.pts = i * 1024
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    info = probe(path, "voice.m4a")
    assert info.modality is Modality.AUDIO
    assert info.mime == "audio/mp4"
    assert info.sample_rate == 16000 and info.channels == 1
    assert info.duration == pytest.approx(20 * 1024 / 16000, abs=0.1)


def test_peaks_need_a_positive_bucket_count(call_wav: Path) -> None:
    with pytest.raises(MediaError, match="bucket"):
        waveform_peaks(call_wav, 0)


def test_truncated_video_is_a_media_error(bikes_mp4: Path, tmp_path: Path) -> None:
    path = tmp_path / "cut.mp4"
    path.write_bytes(bikes_mp4.read_bytes()[:2000])
    with pytest.raises(MediaError) as caught:
        probe(path, "cut.mp4")
    assert caught.value.location.file == "cut.mp4"


def test_video_frames_by_index(tmp_path: Path) -> None:
    path = tmp_path / "grey.mp4"
    _write_video(path, Fraction(25, 1), 10)
    frames = video_frames(path, [0, 3, 9])
    assert sorted(frames) == [0, 3, 9]
    for index, rgb in frames.items():
        assert rgb.shape == (48, 64, 3) and rgb.dtype == np.uint8
        # each frame was filled with grey level 20 * index (lossy codec: a few levels off)
        assert abs(float(rgb.mean()) - 20 * index) < 6
    with pytest.raises(MediaError, match="no frame 10"):
        video_frames(path, [10])
