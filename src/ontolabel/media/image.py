"""Raster images: displayed size with EXIF orientation applied, and an upright copy to store.

Annotations are drawn on what the browser shows, and browsers apply EXIF orientation;
so every size ontolabel reports is the displayed one, and the stored bytes are the
displayed pixels (``normalize_image``), which keeps exports consistent with any viewer.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from ontolabel.media.failure import decoding, media_error
from ontolabel.media.limits import DEFAULT_LIMITS, MediaLimits

EXIF_ORIENTATION_TAG = 0x0112
# orientations 5..8 turn the image a quarter, so width and height trade places
_TRANSPOSING = frozenset({5, 6, 7, 8})


@dataclass(frozen=True)
class ImageFacts:
    width: int
    height: int
    orientation: int
    format: str


def _open(path: Path, name: str, limits: MediaLimits) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise media_error(name, f"image is too large to decode ({exc})") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise media_error(name, f"not a readable image ({exc})", "the file may be corrupt") from exc
    if img.width * img.height > limits.max_pixels:
        img.close()
        raise media_error(
            name,
            f"image has {img.width}x{img.height} pixels, above the limit of {limits.max_pixels}",
            "downscale it before import",
        )
    return img


def orientation_of(img: Image.Image) -> int:
    try:
        value = img.getexif().get(EXIF_ORIENTATION_TAG, 1)
    except Exception:  # noqa: BLE001 - a broken EXIF block must not make the image unreadable
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def image_facts(path: Path, name: str, limits: MediaLimits = DEFAULT_LIMITS) -> ImageFacts:
    """Displayed size and EXIF orientation; decodes the pixels once to catch truncated files."""
    with _open(path, name, limits) as img:
        orientation = orientation_of(img)
        fmt = img.format or "unknown"
        stored_w, stored_h = img.size
        try:
            img.load()
        except (OSError, SyntaxError, ValueError) as exc:
            raise media_error(
                name, f"image data is corrupt or truncated ({exc})", "re-export the image"
            ) from exc
    if orientation in _TRANSPOSING:
        return ImageFacts(stored_h, stored_w, orientation, fmt)
    return ImageFacts(stored_w, stored_h, orientation, fmt)


def normalize_image(path: Path, limits: MediaLimits = DEFAULT_LIMITS) -> bytes:
    """The bytes to store: the file itself when it is already upright, else an upright copy.

    The copy keeps the format (JPEG at high quality, PNG lossless), the ICC profile and
    the other EXIF fields, with the orientation reset to 1 so no viewer turns it twice.
    """
    name = path.name
    with decoding(name):
        return _upright_bytes(path, name, limits)


def _upright_bytes(path: Path, name: str, limits: MediaLimits) -> bytes:
    with _open(path, name, limits) as img:
        orientation = orientation_of(img)
        if orientation == 1:
            return path.read_bytes()
        # cameras write multi-picture JPEGs (MPO); the first picture is the one shown
        fmt = "JPEG" if img.format == "MPO" else (img.format or "PNG")
        icc = img.info.get("icc_profile")
        try:
            upright = ImageOps.exif_transpose(img)
        except (OSError, SyntaxError, ValueError) as exc:
            raise media_error(name, f"image data is corrupt or truncated ({exc})") from exc
    exif = upright.getexif()
    exif[EXIF_ORIENTATION_TAG] = 1
    out = io.BytesIO()
    params: dict[str, object] = {"exif": exif.tobytes()}
    if icc:
        params["icc_profile"] = icc
    if fmt == "JPEG":
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        params.update(quality=95, subsampling=0)
    elif fmt not in ("PNG", "WEBP", "TIFF"):
        fmt = "PNG"
    upright.save(out, format=fmt, **params)
    return out.getvalue()


def render_tiff_png(path: Path, name: str, limits: MediaLimits = DEFAULT_LIMITS) -> bytes:
    """A PNG of the displayed (orientation-applied) first page of an image browsers cannot show."""
    with _open(path, name, limits) as img:
        try:
            upright = ImageOps.exif_transpose(img)
        except (OSError, SyntaxError, ValueError) as exc:
            raise media_error(name, f"image data is corrupt or truncated ({exc})") from exc
    if upright.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
        upright = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
    out = io.BytesIO()
    upright.save(out, format="PNG")
    return out.getvalue()
