"""DICOM images: size, and a windowed 8-bit PNG rendition that a browser can show.

Stored values become physical ones through Rescale Slope/Intercept (Hounsfield units
for CT); the display window is the file's own Window Center/Width when it has one,
else the 1st..99th percentile of the values, so a bright outlier cannot wash out the
picture. MONOCHROME1 images are inverted so that higher values always look brighter.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pydicom
from PIL import Image
from pydicom.dataset import FileDataset
from pydicom.errors import InvalidDicomError

from ontolabel.media.failure import media_error
from ontolabel.media.limits import DEFAULT_LIMITS, MediaLimits

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class DicomFacts:
    width: int
    height: int
    frames: int
    modality: str | None
    photometric: str
    window: tuple[float, float] | None  # (center, width) from the file


def _read(path: Path, name: str, *, pixels: bool) -> FileDataset:
    try:
        # pydicom warns about every oddity it reads around; the file either yields an image or fails
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds = pydicom.dcmread(path, stop_before_pixels=not pixels)
    except (InvalidDicomError, OSError, EOFError, ValueError, KeyError) as exc:
        raise media_error(
            name, f"not a readable DICOM file ({exc})", "the file may be corrupt"
        ) from exc
    if "Rows" not in ds or "Columns" not in ds:
        raise media_error(
            name, "DICOM file has no image (no Rows/Columns)", "only image objects can be labeled"
        )
    return ds


def _first_number(value: Any) -> float | None:
    # Window Center/Width may hold several values (alternative windows); the first is the default
    if value is None:
        return None
    if isinstance(value, pydicom.multival.MultiValue | list | tuple):
        if len(value) == 0:
            return None
        value = value[0]
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def dicom_facts(path: Path, name: str, limits: MediaLimits = DEFAULT_LIMITS) -> DicomFacts:
    ds = _read(path, name, pixels=False)
    width, height = int(ds.Columns), int(ds.Rows)
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    if width * height * frames > limits.max_pixels:
        raise media_error(
            name, f"DICOM image of {width}x{height}x{frames} is above the pixel limit"
        )
    center = _first_number(ds.get("WindowCenter"))
    win_width = _first_number(ds.get("WindowWidth"))
    window = (
        (center, win_width)
        if center is not None and win_width is not None and win_width > 0
        else None
    )
    modality = str(ds.Modality) if "Modality" in ds else None
    return DicomFacts(
        width, height, frames, modality, str(ds.get("PhotometricInterpretation", "")), window
    )


def window_to_uint8(values: FloatArray, center: float, width: float) -> npt.NDArray[np.uint8]:
    """The linear VOI function of DICOM PS3.3 C.11.2.1.2, to 0..255."""
    if width < 1:
        width = 1.0
    low = center - 0.5 - (width - 1) / 2
    high = center - 0.5 + (width - 1) / 2
    scaled = ((values - (center - 0.5)) / max(width - 1, 1e-9) + 0.5) * 255.0
    scaled = np.where(values <= low, 0.0, np.where(values > high, 255.0, scaled))
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


def percentile_window(values: FloatArray) -> tuple[float, float]:
    lo, hi = (float(v) for v in np.percentile(values, [1.0, 99.0]))
    if hi <= lo:
        lo, hi = float(values.min()), float(values.max())
    width = max(hi - lo, 1.0)
    return lo + width / 2, width


def rescaled_pixels(ds: FileDataset) -> FloatArray:
    """Pixel values of the first (or only) frame after Rescale Slope/Intercept."""
    pixels = np.asarray(ds.pixel_array)
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    samples = int(ds.get("SamplesPerPixel", 1) or 1)
    if frames > 1:
        pixels = pixels[0]
    values = pixels.astype(np.float64)
    if samples == 1:
        slope = _first_number(ds.get("RescaleSlope"))
        intercept = _first_number(ds.get("RescaleIntercept"))
        values = values * (1.0 if slope is None else slope) + (
            0.0 if intercept is None else intercept
        )
    return values


def render_dicom_png(path: Path, name: str) -> bytes:
    """The windowed 8-bit rendition of the first frame, PNG encoded."""
    ds = _read(path, name, pixels=True)
    try:
        values = rescaled_pixels(ds)
    except Exception as exc:  # noqa: BLE001 - pixel decoders raise many kinds; all mean "cannot show"
        raise media_error(
            name,
            f"cannot decode DICOM pixel data ({exc})",
            "the transfer syntax may need a codec plugin",
        ) from exc
    if values.ndim == 3:
        # colour DICOM is already meant for display (pydicom converts YBR to RGB)
        img = Image.fromarray(np.clip(values, 0, 255).astype(np.uint8))
    else:
        facts = dicom_facts(path, name)
        center, width = facts.window if facts.window is not None else percentile_window(values)
        gray = window_to_uint8(values, center, width)
        if facts.photometric == "MONOCHROME1":
            gray = 255 - gray
        img = Image.fromarray(gray)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()
