"""Decoding and probing of media files: image, DICOM, video, audio, point clouds.

Depends on ``ontolabel.core`` only. Storage calls ``probe`` for every file it keeps,
``normalize_image`` for the bytes of an image it stores, and the server calls
``render_display`` and ``waveform_peaks`` for what the browser shows.
"""

from ontolabel.media.frames import video_frames
from ontolabel.media.image import normalize_image
from ontolabel.media.limits import DEFAULT_LIMITS, MediaLimits
from ontolabel.media.pointcloud import load_points, pcd_binary_bytes, write_pcd_binary
from ontolabel.media.probe import file_sha256, needs_display_rendition, probe, render_display
from ontolabel.media.stream import waveform_peaks

__all__ = [
    "DEFAULT_LIMITS",
    "MediaLimits",
    "file_sha256",
    "load_points",
    "needs_display_rendition",
    "normalize_image",
    "pcd_binary_bytes",
    "probe",
    "render_display",
    "video_frames",
    "waveform_peaks",
    "write_pcd_binary",
]
