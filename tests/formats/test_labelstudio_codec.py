"""Label Studio's conventions at the format edge: percent rectangles turned about their corner,
and the brush RLE codec, proven on the corpus's own brush and magic-wand masks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from corpus import corpus_path
from ontolabel.core.geometry import Box, Mask, RotatedBox
from ontolabel.core.geometry.box import rotated_box_hull
from ontolabel.core.geometry.mask import rle_area, rle_decode, rle_encode
from ontolabel.formats.labelstudio.brush import (
    BrushError,
    brush_to_mask,
    decode_rle,
    encode_runs,
    mask_to_brush,
)
from ontolabel.formats.labelstudio.coords import geometry_to_rectangle, rectangle_to_geometry

GOLDEN = Path(__file__).parent / "golden" / "labelstudio"


def test_the_pinned_rotated_rectangle_has_the_yolo_hull_computed_in_pixels() -> None:
    # issue 4: x=20, y=10, w=25, h=20 (percent), rotation 90 on 800x400 -> YOLO 0.15 0.35 0.1 0.5
    rbox = rectangle_to_geometry(20, 10, 25, 20, 90, 800, 400)
    assert isinstance(rbox, RotatedBox)
    assert (rbox.cx, rbox.cy, rbox.w, rbox.h, rbox.angle) == pytest.approx((120, 140, 200, 80, 90))
    hull = rotated_box_hull(rbox)
    assert (hull.x1, hull.x2, hull.y1, hull.y2) == pytest.approx((80, 160, 40, 240))
    cx, cy = (hull.x1 + hull.x2) / 2 / 800, (hull.y1 + hull.y2) / 2 / 400
    w, h = (hull.x2 - hull.x1) / 800, (hull.y2 - hull.y1) / 400
    assert f"0 {cx:g} {cy:g} {w:g} {h:g}" == "0 0.15 0.35 0.1 0.5"
    # hull in percent would be wrong: the box is 200 px wide, which is 50% of the height
    assert geometry_to_rectangle(rbox, 800, 400) == pytest.approx((20, 10, 25, 20, 90))


@pytest.mark.parametrize(
    ("x", "y", "w", "h", "rotation", "expected"),
    [
        # unrotated: the corner and size, in pixels
        (10, 20, 30, 40, 0, Box(x1=80, y1=80, x2=320, y2=240)),
        # 180°: the box hangs up and to the left of its corner
        (50, 50, 10, 10, 180, RotatedBox(cx=360, cy=180, w=80, h=40, angle=180)),
        # 270° (a quarter turn anticlockwise): its width points up, its height to the right
        (50, 50, 10, 10, 270, RotatedBox(cx=420, cy=160, w=80, h=40, angle=270)),
        # 45°: the centre is the corner plus the turned half-diagonal
        (
            0,
            0,
            10,
            20,
            45,
            RotatedBox(cx=(40 - 40) * 0.5**0.5, cy=(40 + 40) * 0.5**0.5, w=80, h=80, angle=45),
        ),
    ],
)
def test_rectangles_turn_about_their_top_left_corner(
    x: float, y: float, w: float, h: float, rotation: float, expected: Box | RotatedBox
) -> None:
    found = rectangle_to_geometry(x, y, w, h, rotation, 800, 400)
    assert type(found) is type(expected)
    assert found.model_dump() == pytest.approx(expected.model_dump())
    assert geometry_to_rectangle(found, 800, 400) == pytest.approx((x, y, w, h, rotation))


def _corpus_result(file: str, result_id: str) -> dict[str, Any]:
    task = json.loads(corpus_path(file).read_text())
    return next(
        r
        for r in task["annotations"][0]["result"]
        if r["id"] == result_id and "rle" in r.get("value", {})
    )


GOLDEN_MASKS = json.loads((GOLDEN / "brush_masks.json").read_text())


@pytest.mark.parametrize("golden", GOLDEN_MASKS, ids=[g["result"] for g in GOLDEN_MASKS])
def test_corpus_brushes_decode_to_the_golden_masks_and_re_encode_byte_for_byte(
    golden: dict[str, Any],
) -> None:
    result = _corpus_result(golden["file"], golden["result"])
    width, height = result["original_width"], result["original_height"]
    values = decode_rle(result["value"]["rle"])
    # exactly one RGBA byte per pixel channel: a misread header or chunk would not land here
    assert values.size == width * height * 4
    mask = brush_to_mask(result["value"]["rle"], width, height)
    assert (mask.width, mask.height, mask.counts) == (
        golden["width"],
        golden["height"],
        golden["counts"],
    )
    assert rle_area(mask) == golden["area"]
    # the editor's own bytes come back from the runs of the decoded values
    runs = np.flatnonzero(np.diff(values)) + 1
    bounds = [0, *runs.tolist(), values.size]
    pairs = [(int(values[s]), e - s) for s, e in zip(bounds[:-1], bounds[1:], strict=True)]
    assert encode_runs(pairs) == result["value"]["rle"]


def test_a_binary_mask_encodes_to_the_golden_bytes_and_back() -> None:
    # the golden bytes are what Label Studio's converter (label-studio-sdk brush.encode_rle)
    # gives for this mask painted white and opaque; the magic-wand masks are binary already
    golden = json.loads((GOLDEN / "brush_binary_rle.json").read_text())
    spec = next(g for g in GOLDEN_MASKS if g["result"] == golden["result"])
    mask = Mask(height=spec["height"], width=spec["width"], counts=spec["counts"])
    assert mask_to_brush(mask) == golden["rle"]
    assert brush_to_mask(golden["rle"], spec["width"], spec["height"]) == mask
    wand = next(g for g in GOLDEN_MASKS if g["result"] == "PNCeI7jyxe")
    wand_mask = Mask(height=wand["height"], width=wand["width"], counts=wand["counts"])
    assert mask_to_brush(wand_mask) == _corpus_result(wand["file"], "PNCeI7jyxe")["value"]["rle"]


@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (7, 2), (300, 260)])
def test_masks_of_any_shape_survive_brush_and_back(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(sum(shape))
    pixels = (rng.random(shape) > 0.6).astype(np.uint8)
    pixels[0, 0] = 1
    mask = rle_encode(pixels)
    back = brush_to_mask(mask_to_brush(mask), shape[1], shape[0])
    assert np.array_equal(rle_decode(back), pixels)


def test_long_runs_are_split_into_chunks_the_decoder_joins() -> None:
    rle = encode_runs([(0, 70_000), (255, 3), (0, 200_000)])
    values = decode_rle(rle)
    assert values.size == 270_003
    assert values[70_000:70_003].tolist() == [255, 255, 255]
    assert int(values.sum()) == 3 * 255


def test_literal_chunks_decode() -> None:
    # header: 5 values, words of 8 bits, run widths 3/4/8/16; one literal chunk of 5 values
    bits = f"{5:032b}{7:05b}" + "".join(f"{b - 1:04b}" for b in (3, 4, 8, 16))
    bits += "0" + "00" + f"{4:03b}" + "".join(f"{v:08b}" for v in (1, 2, 3, 250, 9))
    bits += "0" * (-len(bits) % 8)
    rle = list(int(bits, 2).to_bytes(len(bits) // 8, "big"))
    assert decode_rle(rle).tolist() == [1, 2, 3, 250, 9]


@pytest.mark.parametrize(
    ("rle", "size", "message"),
    [
        ([0, 0, 0], (1, 1), "ends inside a field"),
        ([0, 0, 0, 4, 300], (1, 1), "byte values"),
        ("abc", (1, 1), "byte values"),
    ],
)
def test_broken_brush_data_is_refused_with_the_reason(
    rle: Any, size: tuple[int, int], message: str
) -> None:
    with pytest.raises(BrushError, match=message):
        brush_to_mask(rle, *size)


def test_a_brush_of_another_image_size_is_refused() -> None:
    rle = encode_runs([(0, 4 * 6)])  # a 2x3 image
    with pytest.raises(BrushError, match=r"holds 24 values; a 4x4 RGBA image has 64"):
        brush_to_mask(rle, 4, 4)
    assert rle_area(brush_to_mask(rle, 3, 2)) == 0
