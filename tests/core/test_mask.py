"""Masks as COCO RLE: the encoding is byte-for-byte pycocotools', in pure numpy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from pycocotools import mask as coco_mask

from ontolabel.core.geometry.box import Box
from ontolabel.core.geometry.mask import (
    Mask,
    counts_to_string,
    mask_to_counts,
    rle_area,
    rle_bbox,
    rle_decode,
    rle_encode,
    rle_from_counts,
    rle_problem,
    string_to_counts,
)

masks = hnp.arrays(
    np.uint8,
    hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=40),
    elements=st.integers(0, 1),
)


def test_counts_are_column_major_and_start_with_zeros() -> None:
    mask = np.array([[1, 0, 0], [1, 1, 0]], dtype=np.uint8)
    # columns: (1, 1), (0, 1), (0, 0) -> 0 zeros, 2 ones, 1 zero, 1 one, 2 zeros
    assert mask_to_counts(mask) == [0, 2, 1, 1, 2]
    assert rle_decode(rle_encode(mask)).tolist() == mask.tolist()


@given(masks)
def test_encoding_matches_pycocotools(mask: np.ndarray) -> None:
    reference = coco_mask.encode(np.asfortranarray(mask))
    ours = rle_encode(mask)
    assert ours.counts == reference["counts"].decode("ascii")
    assert [ours.height, ours.width] == list(reference["size"])
    assert rle_area(ours) == int(coco_mask.area(reference))


@given(masks)
def test_decode_round_trips_and_area_is_the_pixel_count(mask: np.ndarray) -> None:
    encoded = rle_encode(mask)
    assert np.array_equal(rle_decode(encoded), mask)
    assert rle_area(encoded) == int(mask.sum())
    assert rle_problem(encoded) is None


def test_decodes_what_pycocotools_writes_for_a_large_smooth_shape() -> None:
    yy, xx = np.mgrid[:300, :400]
    disc = (((xx - 200) ** 2 + (yy - 150) ** 2) < 100**2).astype(np.uint8)
    reference = coco_mask.encode(np.asfortranarray(disc))
    ours = Mask(height=300, width=400, counts=reference["counts"].decode("ascii"))
    assert np.array_equal(rle_decode(ours), disc)
    assert rle_bbox(ours) == Box(x1=101, y1=51, x2=300, y2=250)
    # pycocotools' toBbox gives [x, y, w, h] of the same pixel-edge box
    assert coco_mask.toBbox(reference).tolist() == [101, 51, 199, 199]


@given(st.lists(st.integers(0, 10**7), min_size=1, max_size=30))
def test_counts_string_round_trips_including_big_and_negative_deltas(counts: list[int]) -> None:
    assert string_to_counts(counts_to_string(counts)) == counts


def test_uncompressed_coco_counts_are_accepted() -> None:
    mask = rle_from_counts([2, 3, 1], height=3, width=2)
    assert rle_decode(mask).tolist() == [[0, 1], [0, 1], [1, 0]]
    with pytest.raises(ValueError, match="cover 5 pixels"):
        rle_from_counts([2, 3], height=3, width=2)


@pytest.mark.parametrize(
    ("counts", "problem"),
    [("0", "cover 0 pixels"), ("1 2", "invalid character"), ("P", "ends inside a number")],
)
def test_malformed_masks_are_explained(counts: str, problem: str) -> None:
    assert problem in (rle_problem(Mask(height=2, width=2, counts=counts)) or "")


def test_empty_mask_has_no_bbox() -> None:
    assert rle_bbox(rle_encode(np.zeros((3, 4), dtype=np.uint8))) is None
