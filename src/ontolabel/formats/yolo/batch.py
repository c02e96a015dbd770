"""Label files of a run of images, written into the archive together.

Most label files of a detect export are boxes that lie in their image. Those are kept as
their pixel corners until a few hundred images have come, then normalised and written out
with numpy, and deflated as one batch of zip members: per box, about a third of the cost
of normalising and formatting it on its own (0.55 against 1.8 us). The other label files
wait in the same queue as their text, so the archive keeps the order of the items.

The numbers are exactly ``lines.number``'s within 0..1: the value rounded to 12 decimals,
without trailing zeros. Rounded as ``%.12f`` rounds (the exact value of the double, to
nearest): v * 1e12 is within 6.2e-5 of the exact product (half a unit in the last place
of 1e12), so rounding it to an integer gives the exact product's nearest integer unless
its fraction is that near a half (2.5e-4 is the margin taken); those few take ``%.12f``
itself. The digits of each
line are laid out in a fixed-width byte row, and the bytes to keep (no leading zeros in the
class id, no trailing zeros in a number, no point without decimals) are picked by a mask.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ontolabel.formats.archive import ZipTree
from ontolabel.formats.yolo.lines import line

# images kept before their label files are written (a few thousand boxes)
BATCH_IMAGES = 512
DECIMALS = 12
_SCALE = 10.0**DECIMALS
# how near a half v * 1e12's fraction may come before %.12f decides (above 6.2e-5)
_NEAR_HALF = 2.5e-4
# each 4-digit group as its ASCII bytes ("0042" -> b"0042"), as a little-endian uint32
_GROUPS = np.frombuffer(b"".join(b"%04d" % i for i in range(10_000)), dtype="<u4")
# a line's bytes: class id (8 digits), then 4 times " d.dddddddddddd", then a newline
_ID = 8
_NUMBER = 3 + DECIMALS
_LINE = _ID + 4 * _NUMBER + 1
_LARGEST_ID = 10**_ID - 1
_ZERO, _ONE, _POINT, _SPACE, _NEWLINE = b"01. \n"
_POSITIONS = np.arange(max(_ID, DECIMALS))
# the trailing zeros of each 4-digit group (4 for 0000)
_TRAILING_ZEROS = np.array(
    [len(b) - len(b.rstrip(b"0")) for b in (b"%04d" % i for i in range(10_000))]
)

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


class LabelBatch:
    """Label files waiting for their turn in ``zip``: each as its text, or (most) as the
    flat (class id, x1, y1, x2, y2) pixel rows of boxes already checked to lie in the image
    (``stored.plain_box_rows``), with the image's size."""

    def __init__(self, zip: ZipTree, size: int = BATCH_IMAGES):
        self.zip = zip
        self.size = size
        self._members: list[str] = []
        self._texts: list[str | None] = []  # None: the image's boxes are in _rows
        self._rows: list[Any] = []  # flat, image after image
        self._counts: list[int] = []  # boxes of each image in _rows
        self._sizes: list[tuple[int, int]] = []

    def add_text(self, member: str, text: str) -> None:
        self._members.append(member)
        self._texts.append(text)
        if len(self._members) >= self.size:
            self.flush()

    def add_boxes(self, member: str, rows: list[Any], width: int, height: int) -> None:
        self._members.append(member)
        self._texts.append(None)
        self._rows += rows
        self._counts.append(len(rows) // 5)
        self._sizes.append((width, height))
        if len(self._members) >= self.size:
            self.flush()

    def flush(self) -> None:
        """Write every waiting file (call before anything else goes into the archive)."""
        if not self._members:
            return
        boxed = iter(box_files(self._rows, self._counts, self._sizes) if self._counts else ())
        files = [next(boxed) if text is None else text.encode() for text in self._texts]
        self.zip.write_many(zip(self._members, files, strict=True))
        self._members, self._texts, self._rows, self._counts, self._sizes = [], [], [], [], []


def box_files(rows: list[Any], counts: list[int], sizes: list[tuple[int, int]]) -> list[bytes]:
    """The label file of each image: ``rows`` the flat (class id, x1, y1, x2, y2) pixel boxes
    of all, ``counts[i]`` boxes of image i after those of the images before it, each
    within its image of ``sizes[i]`` (width, height). The same text as ``line`` gives each
    box's normalised fields (``box_fields``), as UTF-8."""
    boxes = np.array(rows, dtype=np.float64).reshape(-1, 5)
    per_image = np.array(counts, dtype=np.int64)
    width, height = np.array(sizes, dtype=np.float64).reshape(-1, 2).T
    width, height = np.repeat(width, per_image), np.repeat(height, per_image)
    x1, y1, x2, y2 = boxes[:, 1], boxes[:, 2], boxes[:, 3], boxes[:, 4]
    # box_fields, in the same order of operations (so the same doubles)
    values = np.empty((len(boxes), 4))
    values[:, 0] = (x1 + x2) / 2 / width
    values[:, 1] = (y1 + y2) / 2 / height
    values[:, 2] = (x2 - x1) / width
    values[:, 3] = (y2 - y1) / height
    class_ids = boxes[:, 0].astype(np.int64)
    # lines this layout cannot hold (none from plain_box_rows): each value by `line`
    odd = ~((values >= 0) & (values <= 1)).all(axis=1) | (class_ids > _LARGEST_ID)
    values[odd], class_ids[odd] = 0.0, 0
    data, lengths = _lines(class_ids, _twelve_decimals(values))
    ends = np.cumsum(np.bincount(np.repeat(np.arange(len(sizes)), per_image), lengths, len(sizes)))
    bounds = np.concatenate(([0], ends)).astype(np.int64).tolist()
    files = [data[bounds[i] : bounds[i + 1]] for i in range(len(sizes))]
    if odd.any():
        fields = np.column_stack([boxes[:, 0], (x1 + x2) / 2 / width, (y1 + y2) / 2 / height])
        fields = np.column_stack([fields, (x2 - x1) / width, (y2 - y1) / height]).tolist()
        first = np.concatenate(([0], np.cumsum(per_image))).tolist()
        for image in np.unique(np.repeat(np.arange(len(sizes)), per_image)[odd]).tolist():
            found = fields[first[image] : first[image + 1]]
            text = "".join(line(int(row[0]), row[1:]) + "\n" for row in found)
            files[image] = text.encode()
    return files


def _twelve_decimals(values: Floats) -> Ints:
    """round(v * 10^12) of each value of 0..1, as ``%.12f`` rounds v (see the module)."""
    scaled = values * _SCALE
    rounded = np.rint(scaled)
    near = np.abs(scaled - np.floor(scaled) - 0.5) < _NEAR_HALF
    for i, j in zip(*np.nonzero(near), strict=True):
        rounded[i, j] = float(f"{values[i, j]:.{DECIMALS}f}".replace(".", ""))
    return rounded.astype(np.int64)


def _lines(class_ids: Ints, decimals: Ints) -> tuple[bytes, Ints]:
    """The lines of boxes (class id, and 4 values as 12-decimal integers of 0..10^12) as
    one run of bytes, and the length of each line."""
    count = len(class_ids)
    out = np.empty((count, _LINE), dtype=np.uint8)
    keep = np.empty((count, _LINE), dtype=bool)
    # the class id: 8 digits, less its leading zeros (its last digit stays)
    out[:, :_ID] = _GROUPS[np.stack(np.divmod(class_ids, 10_000), axis=1)].view(np.uint8)
    id_digits = 1 + sum((class_ids >= 10**k).astype(np.int64) for k in range(1, _ID))
    keep[:, :_ID] = _POSITIONS[:_ID] >= (_ID - id_digits)[:, None]
    # the values: a space, the unit (1 for 10^12, else 0), a point and 12 decimals
    whole = decimals == 10**DECIMALS
    fraction = np.where(whole, 0, decimals)
    high, low = np.divmod(fraction, 10**8)
    groups = np.stack([high, *np.divmod(low, 10_000)], axis=-1)  # (count, 4, 3)
    numbers = out[:, _ID:-1].reshape(count, 4, _NUMBER)
    numbers[:, :, 0] = _SPACE
    numbers[:, :, 1] = np.where(whole, _ONE, _ZERO)
    numbers[:, :, 2] = _POINT
    numbers[:, :, 3:] = _GROUPS[groups].view(np.uint8).reshape(count, 4, DECIMALS)
    # the decimals to the last that is not 0, and the point when there is one
    places = _places(groups)
    kept = keep[:, _ID:-1].reshape(count, 4, _NUMBER)
    kept[:, :, :2] = True
    kept[:, :, 2] = places > 0
    kept[:, :, 3:] = _POSITIONS[:DECIMALS] < places[:, :, None]
    out[:, -1] = _NEWLINE
    keep[:, -1] = True
    lengths = id_digits + (2 + (places > 0) + places).sum(axis=1) + 1
    return out[keep].tobytes(), lengths


def _places(groups: Ints) -> Ints:
    """How many decimals a value keeps (to its last that is not 0), from its 3 groups of
    4 decimals: 12 less the trailing zeros of the last group that is not 0000."""
    trailing = _TRAILING_ZEROS[groups]
    first, second, third = trailing[..., 0], trailing[..., 1], trailing[..., 2]
    zeros = np.where(third < 4, third, 4 + np.where(second < 4, second, 4 + first))
    return DECIMALS - zeros
