"""How large a media file ontolabel accepts, so a huge or hostile upload fails early and clearly."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MediaLimits:
    """Upper bounds checked while probing; the server and CLI may pass stricter ones."""

    # bytes on disk, checked before anything is decoded
    max_bytes: int = 4 * 1024**3
    # decoded pixels of one image (guards against decompression bombs)
    max_pixels: int = 200_000_000
    # points in one cloud
    max_points: int = 50_000_000
    # samples of one audio stream read for a waveform (about 3 h at 48 kHz)
    max_audio_samples: int = 48_000 * 3600 * 3


DEFAULT_LIMITS = MediaLimits()
