"""Binary masks as COCO run-length encoding, in pure numpy.

The layout is COCO's, so masks move to and from COCO files (and pycocotools) unchanged:
pixels are read in column-major order (down the first column, then the next); `counts`
alternates runs of 0s and 1s and always starts with a run of 0s (possibly empty). The
compressed string form writes each count as 5-bit groups, least significant first, each
group offset by 48 into printable ASCII with bit 0x20 meaning "more groups follow"; from
the third count on, the difference to the count two places earlier is written instead,
which keeps the numbers (and the string) small for smooth shapes.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ontolabel.core.geometry.base import GeometryModel
from ontolabel.core.geometry.box import Box


class Mask(GeometryModel):
    """Binary mask as COCO run-length encoding (column-major counts, compressed string)."""

    kind: Literal["mask"] = "mask"
    height: int
    width: int
    counts: str

    @cached_property
    def rle(self) -> dict[str, Any]:
        """COCO's RLE object of this mask (counts as bytes), as pycocotools reads it: made
        once per mask, not once per comparison (not a field: never compared or written)."""
        return {"size": [self.height, self.width], "counts": self.counts.encode("ascii")}


def counts_to_string(counts: list[int]) -> str:
    """Compress run lengths into COCO's string form."""
    out: list[str] = []
    for i, count in enumerate(counts):
        x = count - counts[i - 2] if i > 2 else count
        more = True
        while more:
            c = x & 0x1F
            x >>= 5
            # The sign bit (0x10) of the last group tells the reader how to extend it.
            more = x != -1 if c & 0x10 else x != 0
            if more:
                c |= 0x20
            out.append(chr(c + 48))
    return "".join(out)


def string_to_counts(text: str) -> list[int]:
    """Decompress COCO's string form into run lengths; ValueError when malformed."""
    counts: list[int] = []
    pos, n = 0, len(text)
    while pos < n:
        x, shift, more = 0, 0, True
        while more:
            if pos >= n:
                raise ValueError("RLE string ends inside a number")
            c = ord(text[pos]) - 48
            if not 0 <= c < 64:
                raise ValueError(f"RLE string has an invalid character {text[pos]!r} at {pos}")
            x |= (c & 0x1F) << shift
            more = bool(c & 0x20)
            pos += 1
            shift += 5
            if not more and c & 0x10:
                x |= -1 << shift
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts


def mask_to_counts(mask: npt.NDArray[np.generic]) -> list[int]:
    """Run lengths of a 2D mask (any nonzero pixel is foreground), column-major, 0s first."""
    if mask.ndim != 2:
        raise ValueError(f"a mask is 2D, got shape {mask.shape}")
    flat = np.asarray(mask, dtype=bool).ravel(order="F")
    if flat.size == 0:
        return [0]
    # Positions where the value changes, bracketed by the start and the end.
    changes = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    bounds = np.concatenate(([0], changes, [flat.size]))
    runs = np.diff(bounds).tolist()
    if flat[0]:
        runs.insert(0, 0)
    return [int(r) for r in runs]


def counts_to_mask(counts: list[int], height: int, width: int) -> npt.NDArray[np.uint8]:
    """Decode run lengths into an height×width uint8 mask of 0 and 1."""
    if any(c < 0 for c in counts):
        raise ValueError("RLE counts are never negative")
    if sum(counts) != height * width:
        raise ValueError(f"RLE counts cover {sum(counts)} pixels, the mask has {height * width}")
    values = np.zeros(len(counts), dtype=np.uint8)
    values[1::2] = 1
    flat = np.repeat(values, counts)
    return flat.reshape((height, width), order="F")


def rle_encode(mask: npt.NDArray[np.generic]) -> Mask:
    """The Mask of a 2D array (any nonzero pixel is foreground)."""
    height, width = mask.shape
    return Mask(height=int(height), width=int(width), counts=counts_to_string(mask_to_counts(mask)))


def rle_from_counts(counts: list[int], height: int, width: int) -> Mask:
    """The Mask of uncompressed COCO counts (as in `iscrowd` annotations)."""
    if sum(counts) != height * width:
        raise ValueError(f"RLE counts cover {sum(counts)} pixels, the mask has {height * width}")
    return Mask(height=height, width=width, counts=counts_to_string(counts))


def rle_decode(mask: Mask) -> npt.NDArray[np.uint8]:
    """The height×width uint8 array (0/1) of a Mask."""
    return counts_to_mask(string_to_counts(mask.counts), mask.height, mask.width)


def rle_area(mask: Mask) -> int:
    """Number of foreground pixels, read off the counts without decoding the image."""
    return int(sum(string_to_counts(mask.counts)[1::2]))


def rle_bbox(mask: Mask) -> Box | None:
    """Pixel-edge box around the foreground (x2, y2 exclusive), or None when empty."""
    pixels = rle_decode(mask)
    rows = np.flatnonzero(pixels.any(axis=1))
    cols = np.flatnonzero(pixels.any(axis=0))
    if rows.size == 0:
        return None
    return Box(x1=float(cols[0]), y1=float(rows[0]), x2=float(cols[-1] + 1), y2=float(rows[-1] + 1))


def rle_problem(mask: Mask) -> str | None:
    """Why a Mask cannot be decoded (bad string, wrong pixel total), or None when it is sound."""
    try:
        counts = string_to_counts(mask.counts)
    except ValueError as exc:
        return str(exc)
    if any(c < 0 for c in counts):
        return "RLE counts are never negative"
    if sum(counts) != mask.height * mask.width:
        return f"RLE counts cover {sum(counts)} pixels, the mask has {mask.height * mask.width}"
    return None
