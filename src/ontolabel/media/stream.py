"""Audio and video through PyAV (FFmpeg): duration, exact frame rate, frame count, size,
sample rate, channels; and the min/max peaks the UI draws as a waveform.

A container with a real video stream is video; one with only audio (or audio plus an
embedded cover picture) is audio.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import av.error
import numpy as np

from ontolabel.core.modality import Modality
from ontolabel.media.failure import decoding, media_error
from ontolabel.media.limits import DEFAULT_LIMITS, MediaLimits

_AV_ERRORS = (av.error.FFmpegError, OSError, ValueError, IndexError, EOFError)


@dataclass(frozen=True)
class StreamFacts:
    modality: Modality
    duration: float | None
    frame_rate: str | None = None
    frame_count: int | None = None
    width: int | None = None
    height: int | None = None
    sample_rate: int | None = None
    channels: int | None = None
    codec: str | None = None
    # the video stream's time base ("num/den" seconds per tick) and the time of its first
    # frame: with the frame rate they turn a player's clock into a frame index
    time_base: str | None = None
    start_time: float | None = None


def _is_picture(stream: av.video.stream.VideoStream) -> bool:
    # cover art in MP3/M4A is a one-frame "video" stream flagged as an attached picture
    disposition = stream.disposition
    return bool(disposition & av.stream.Disposition.attached_pic)


def _seconds(value: int | None, time_base: Fraction | None) -> float | None:
    if value is None or time_base is None:
        return None
    return float(value * time_base)


def stream_facts(path: Path, name: str, limits: MediaLimits = DEFAULT_LIMITS) -> StreamFacts:
    try:
        with av.open(str(path)) as container:
            videos = [s for s in container.streams.video if not _is_picture(s)]
            audios = list(container.streams.audio)
            whole = container.duration / 1_000_000 if container.duration is not None else None
            if videos:
                return _video_facts(container, videos[0], whole, name)
            if audios:
                stream = audios[0]
                ctx = stream.codec_context
                duration = _seconds(stream.duration, stream.time_base)
                return StreamFacts(
                    Modality.AUDIO,
                    duration if duration is not None else whole,
                    sample_rate=int(ctx.sample_rate),
                    channels=int(ctx.layout.nb_channels),
                    codec=ctx.name,
                )
    except _AV_ERRORS as exc:
        raise media_error(
            name, f"not a readable audio or video file ({exc})", "the file may be corrupt"
        ) from exc
    raise media_error(name, "file has neither a video nor an audio stream")


def _video_facts(
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    whole: float | None,
    name: str,
) -> StreamFacts:
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    if rate is None or rate <= 0:
        raise media_error(
            name, "video stream has no frame rate", "re-encode it with a constant frame rate"
        )
    duration = _seconds(stream.duration, stream.time_base)
    if duration is None:
        duration = whole
    count = int(stream.frames)
    if count <= 0:
        # some containers do not record the count: count the packets (no decoding needed)
        index = stream.index
        count = sum(
            1 for packet in container.demux(stream) if packet.size and packet.stream.index == index
        )
    ctx = stream.codec_context
    return StreamFacts(
        Modality.VIDEO,
        duration,
        frame_rate=f"{rate.numerator}/{rate.denominator}",
        frame_count=count,
        width=int(ctx.width),
        height=int(ctx.height),
        codec=ctx.name,
        time_base=f"{stream.time_base.numerator}/{stream.time_base.denominator}"
        if stream.time_base
        else None,
        start_time=_seconds(stream.start_time, stream.time_base),
    )


def waveform_peaks(
    path: Path, buckets: int, *, name: str | None = None, limits: MediaLimits = DEFAULT_LIMITS
) -> list[tuple[float, float]]:
    """(min, max) sample value in [-1, 1] of each of ``buckets`` equal slices of the first
    audio stream, over all channels. Slices are by sample index, so bucket i covers
    ``[i, i + 1) * duration / buckets`` seconds.
    """
    label = name or path.name
    if buckets < 1:
        raise media_error(label, f"bucket count must be positive, not {buckets}")
    with decoding(label):
        return _peaks(path, buckets, label, limits)


def _peaks(path: Path, buckets: int, label: str, limits: MediaLimits) -> list[tuple[float, float]]:
    facts = stream_facts(path, label, limits)
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise media_error(label, "file has no audio stream")
            stream = container.streams.audio[0]
            rate = int(stream.codec_context.sample_rate)
            total = _expected_samples(stream, facts.duration, rate)
            if total > limits.max_audio_samples:
                raise media_error(label, f"audio of {total} samples is above the limit")
            lows = np.zeros(buckets, dtype=np.float64)
            highs = np.zeros(buckets, dtype=np.float64)
            seen = np.zeros(buckets, dtype=bool)
            # planar float keeps every channel apart without mixing them down
            resampler = av.AudioResampler(format="fltp")
            position = 0
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    position = _fold(out.to_ndarray(), position, total, lows, highs, seen)
            for out in resampler.resample(None):
                position = _fold(out.to_ndarray(), position, total, lows, highs, seen)
    except _AV_ERRORS as exc:
        raise media_error(label, f"cannot decode audio ({exc})", "the file may be corrupt") from exc
    return [(float(lo), float(hi)) for lo, hi in zip(lows, highs, strict=True)]


def _expected_samples(
    stream: av.audio.stream.AudioStream, duration: float | None, rate: int
) -> int:
    if stream.duration is not None and stream.time_base is not None:
        return max(1, int(round(stream.duration * stream.time_base * rate)))
    if duration is not None:
        return max(1, int(round(duration * rate)))
    return 1


def _fold(
    chunk: np.ndarray,
    start: int,
    total: int,
    lows: np.ndarray,
    highs: np.ndarray,
    seen: np.ndarray,
) -> int:
    """Merge one decoded chunk (channels x samples) into the running bucket minima/maxima."""
    samples = np.asarray(chunk, dtype=np.float64)
    if samples.ndim == 1:
        samples = samples[np.newaxis, :]
    count = int(samples.shape[1])
    if count == 0:
        return start
    buckets = len(lows)
    per_sample_low = samples.min(axis=0)
    per_sample_high = samples.max(axis=0)
    # samples past the expected end (a duration rounded down) go to the last bucket
    index = np.minimum((np.arange(start, start + count) * buckets) // total, buckets - 1)
    # index is sorted: reduce each run of equal bucket ids at once
    starts = np.flatnonzero(np.r_[True, index[1:] != index[:-1]])
    ids = index[starts]
    lo = np.minimum.reduceat(per_sample_low, starts)
    hi = np.maximum.reduceat(per_sample_high, starts)
    first = ~seen[ids]
    lows[ids] = np.where(first, lo, np.minimum(lows[ids], lo))
    highs[ids] = np.where(first, hi, np.maximum(highs[ids], hi))
    seen[ids] = True
    return start + count
