"""DICOM: measured, and rendered for display through the file's modality and VOI transforms."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PIL import Image
from pydicom.pixels import apply_modality_lut, apply_voi_lut

from ontolabel.errors import MediaError
from ontolabel.media import probe, render_display
from ontolabel.media.dicom import window_to_uint8


def _png_pixels(rendered: tuple[bytes, str] | None) -> np.ndarray:
    assert rendered is not None
    data, mime = rendered
    assert mime == "image/png"
    return np.asarray(Image.open(io.BytesIO(data)))


def _reference_display(ds: pydicom.Dataset) -> np.ndarray:
    """pydicom's own modality LUT + VOI windowing, scaled to 0..255: an independent renderer."""
    values = apply_voi_lut(apply_modality_lut(ds.pixel_array, ds).astype(np.float64), ds)
    # pydicom windows into the stored bit range, rescaled like the values; bring it to 8 bits
    bits = int(ds.BitsStored)
    if int(ds.PixelRepresentation) == 0:
        low, top = 0.0, 2.0**bits - 1
    else:
        low, top = -(2.0 ** (bits - 1)), 2.0 ** (bits - 1) - 1
    if "RescaleSlope" in ds and "RescaleIntercept" in ds:
        slope, intercept = float(ds.RescaleSlope), float(ds.RescaleIntercept)
        low, top = low * slope + intercept, top * slope + intercept
    return (values - low) / (top - low) * 255.0


def test_mr_small_uses_the_files_own_window(pydicom_file: Callable[[str], Path]) -> None:
    path = pydicom_file("MR_small.dcm")
    info = probe(path, "MR_small.dcm")
    assert (info.width, info.height) == (64, 64)
    assert info.mime == "application/dicom"
    assert info.extra["window"] == {"center": 600.0, "width": 1600.0}
    shown = _png_pixels(render_display(path, info))
    assert shown.shape == (64, 64) and shown.dtype == np.uint8
    expected = _reference_display(pydicom.dcmread(path))
    assert np.abs(shown.astype(np.float64) - expected).max() <= 1.0


def test_ct_window_is_in_hounsfield_units(
    pydicom_file: Callable[[str], Path], tmp_path: Path
) -> None:
    # CT_small stores raw values with Rescale Intercept -1024; give it a soft-tissue window
    ds = pydicom.dcmread(pydicom_file("CT_small.dcm"))
    assert float(ds.RescaleIntercept) == -1024.0 and "WindowCenter" not in ds
    ds.WindowCenter, ds.WindowWidth = 40, 400
    path = tmp_path / "ct_windowed.dcm"
    ds.save_as(path)
    shown = _png_pixels(render_display(path, probe(path, path.name)))
    hounsfield = ds.pixel_array.astype(np.float64) - 1024.0
    assert np.abs(shown.astype(np.float64) - _reference_display(ds)).max() <= 1.0
    assert (shown[hounsfield <= -160] == 0).all()
    assert (shown[hounsfield > 239] == 255).all()
    # without the intercept nearly everything would be white: the picture has real contrast
    assert 0.05 < (shown == 255).mean() < 0.95


def test_ct_without_window_uses_percentiles(pydicom_file: Callable[[str], Path]) -> None:
    path = pydicom_file("CT_small.dcm")
    info = probe(path, "CT_small.dcm")
    assert (info.width, info.height) == (128, 128)
    assert info.extra["dicom_modality"] == "CT" and "window" not in info.extra
    shown = _png_pixels(render_display(path, info)).astype(np.int64)
    values = pydicom.dcmread(path).pixel_array.astype(np.float64) - 1024.0
    lo, hi = np.percentile(values, [1, 99])
    assert (shown[values <= lo - 1] == 0).all()
    assert (shown[values >= hi + 1] == 255).all()
    # the display is a monotone function of the value
    order = np.argsort(values, axis=None, kind="stable")
    assert (np.diff(shown.reshape(-1)[order]) >= 0).all()


def test_monochrome1_is_inverted(pydicom_file: Callable[[str], Path], tmp_path: Path) -> None:
    ds = pydicom.dcmread(pydicom_file("MR_small.dcm"))
    normal = _png_pixels(
        render_display(pydicom_file("MR_small.dcm"), probe(pydicom_file("MR_small.dcm"), "a"))
    )
    ds.PhotometricInterpretation = "MONOCHROME1"
    path = tmp_path / "inverted.dcm"
    ds.save_as(path)
    inverted = _png_pixels(render_display(path, probe(path, "b")))
    assert (inverted.astype(np.int64) == 255 - normal.astype(np.int64)).all()


# DICOM PS3.3 C.11.2.1.2.1, center 40 width 400 (a soft-tissue CT window)
@pytest.mark.parametrize(
    ("value", "gray"),
    [
        (-1000.0, 0),
        (-160.0, 0),
        (39.5, 128),
        (239.0, 255),
        (240.0, 255),
        (3000.0, 255),
        (-60.25, 64),
    ],
)
def test_linear_window_function(value: float, gray: int) -> None:
    assert int(window_to_uint8(np.array([value]), 40.0, 400.0)[0]) == gray


def test_dicom_without_pixels_is_refused(
    pydicom_file: Callable[[str], Path], tmp_path: Path
) -> None:
    ds = pydicom.dcmread(pydicom_file("MR_small.dcm"))
    del ds.PixelData
    del ds.Rows
    path = tmp_path / "report.dcm"
    ds.save_as(path)
    with pytest.raises(MediaError, match="no image") as caught:
        probe(path, "report.dcm")
    assert caught.value.location.file == "report.dcm"
