"""Images are measured and stored as displayed: EXIF orientation applied."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from ontolabel.core.modality import Modality
from ontolabel.errors import MediaError
from ontolabel.media import MediaLimits, normalize_image, probe, render_display

RED = (255, 0, 0)


def _jpeg_with_orientation(
    path: Path, orientation: int, size: tuple[int, int] = (400, 300)
) -> Path:
    """A stored ``size`` JPEG, grey with a red 40x40 square in its stored top-left corner."""
    img = Image.new("RGB", size, (128, 128, 128))
    img.paste(RED, (0, 0, 40, 40))
    exif = Image.Exif()
    exif[0x0112] = orientation
    img.save(path, format="JPEG", quality=95, exif=exif.tobytes())
    return path


def test_jpeg_400x300_with_orientation_6_is_300x400(tmp_path: Path) -> None:
    info = probe(_jpeg_with_orientation(tmp_path / "photo.jpg", 6), "photo.jpg")
    assert info.modality is Modality.IMAGE
    assert info.mime == "image/jpeg"
    assert (info.width, info.height) == (300, 400)
    assert info.extra == {"orientation": 6}
    assert info.name == "photo.jpg"


# Where the stored top-left pixel is shown, per the EXIF 2.3 orientation table
# (0th row / 0th column of the stored image -> visual side).
@pytest.mark.parametrize(
    ("orientation", "displayed_size", "corner"),
    [
        (1, (400, 300), "top-left"),
        (2, (400, 300), "top-right"),
        (3, (400, 300), "bottom-right"),
        (4, (400, 300), "bottom-left"),
        (5, (300, 400), "top-left"),
        (6, (300, 400), "top-right"),
        (7, (300, 400), "bottom-right"),
        (8, (300, 400), "bottom-left"),
    ],
)
def test_normalized_copy_holds_the_displayed_pixels(
    tmp_path: Path, orientation: int, displayed_size: tuple[int, int], corner: str
) -> None:
    source = _jpeg_with_orientation(tmp_path / "in.jpg", orientation)
    assert (probe(source, "in.jpg").width, probe(source, "in.jpg").height) == displayed_size
    data = normalize_image(source)
    upright = Image.open(io.BytesIO(data))
    assert upright.size == displayed_size
    assert upright.getexif().get(0x0112, 1) == 1
    w, h = displayed_size
    x = 10 if corner.endswith("left") else w - 11
    y = 10 if corner.startswith("top") else h - 11
    r, g, b = upright.convert("RGB").getpixel((x, y))  # type: ignore[misc]
    assert r > 200 and g < 60 and b < 60, (corner, (r, g, b))
    # the stored copy probes to the same displayed size, with nothing left to turn
    stored = tmp_path / "stored.jpg"
    stored.write_bytes(data)
    again = probe(stored, "stored.jpg")
    assert (again.width, again.height) == displayed_size
    assert again.extra == {}


def test_upright_file_is_stored_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "plain.png"
    Image.new("RGB", (7, 5), (1, 2, 3)).save(path)
    assert normalize_image(path) == path.read_bytes()


def test_retina_from_scikit_image(retina_jpg: Path) -> None:
    info = probe(retina_jpg, "retina.jpg")
    # skimage.data.retina() is documented as a (1411, 1411, 3) image
    assert (info.width, info.height) == (1411, 1411)
    assert info.mime == "image/jpeg"
    assert info.size == retina_jpg.stat().st_size
    assert render_display(retina_jpg, info) is None  # browsers show JPEG as is


def test_type_comes_from_content_not_extension(tmp_path: Path) -> None:
    path = tmp_path / "actually-a-jpeg.png"
    Image.new("RGB", (30, 20)).save(path, format="JPEG")
    info = probe(path, path.name)
    assert info.mime == "image/jpeg"
    assert (info.width, info.height) == (30, 20)


def test_tiff_is_rendered_as_png_for_the_browser(tmp_path: Path) -> None:
    path = tmp_path / "scan.tif"
    Image.new("RGB", (12, 8), (10, 200, 30)).save(path, format="TIFF")
    info = probe(path, path.name)
    assert info.mime == "image/tiff"
    rendered = render_display(path, info)
    assert rendered is not None
    data, mime = rendered
    assert mime == "image/png"
    png = Image.open(io.BytesIO(data))
    assert png.format == "PNG" and png.size == (12, 8)
    assert png.convert("RGB").getpixel((3, 3)) == (10, 200, 30)


def test_truncated_jpeg_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "cut.jpg"
    buffer = io.BytesIO()
    Image.effect_noise((256, 256), 64).convert("RGB").save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue()[:1500])
    with pytest.raises(MediaError) as caught:
        probe(path, "holiday/cut.jpg")
    assert caught.value.location.file == "holiday/cut.jpg"
    assert "corrupt" in str(caught.value) or "truncated" in str(caught.value)


def test_pixel_limit_guards_against_decompression_bombs(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    Image.new("L", (1000, 1000)).save(path)
    with pytest.raises(MediaError, match="limit"):
        probe(path, "big.png", MediaLimits(max_pixels=999_999))
    assert probe(path, "big.png", MediaLimits(max_pixels=1_000_000)).width == 1000
