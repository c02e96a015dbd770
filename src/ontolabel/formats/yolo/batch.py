"""Label files of a run of images, written into the archive together.

Most label files of a detect export are boxes that lie in their image. Those are kept as
their pixel corners until a few hundred images have come, then normalised with numpy and
written with one formatting call and one batch of zip members: per box, that is a third of
the cost of normalising and formatting it on its own. The other label files wait in the
same queue as their text, so the archive keeps the order of the items.

The numbers are exactly ``lines.number``'s: the value rounded to 12 decimals, without
trailing zeros. ``%.{p}g`` writes a value of [10^-k, 10^(1-k)) with p - 1 + k decimals and
no trailing zeros, so p = 13 - k keeps 12 decimals (k = 0 is 1.0 only, k = 4 the smallest
written so; when rounding carries into the next decade, both forms give that power of ten).
Each line takes the template of its four precisions; a value below 1e-4 (``%g`` would write
an exponent) or a negative zero sends its image to ``line``, number by number.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ontolabel.formats.archive import ZipTree
from ontolabel.formats.yolo.lines import line

# images kept before their label files are written (a few thousand boxes)
BATCH_IMAGES = 512
# the decade bounds: a value's precision is 9 + the number of bounds it reaches. Each bound,
# as a double, lies just above its power of ten, with no double in between: `v >= bound`
# is exactly `v >= 10^k`.
_BOUNDS = (1e-3, 1e-2, 1e-1, 1.0)
_SMALLEST = 1e-4
_PRECISIONS = 5
# the 4 fields' precisions (less 9) as one code: digits of a number in base 5
# an image's text ends with this mark: the batch's text is cut into files at it
_END = "\x00"
_END_CODE = _PRECISIONS**4
_TEMPLATES = [
    "%d " + " ".join(f"%.{9 + (code // w) % _PRECISIONS}g" for w in (125, 25, 5, 1)) + "\n"
    for code in range(_END_CODE)
] + [_END]


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
        boxed = iter(box_texts(self._rows, self._counts, self._sizes) if self._counts else ())
        texts = [next(boxed) if text is None else text for text in self._texts]
        self.zip.write_many(zip(self._members, [t.encode() for t in texts], strict=True))
        self._members, self._texts, self._rows, self._counts, self._sizes = [], [], [], [], []


def box_texts(rows: list[Any], counts: list[int], sizes: list[tuple[int, int]]) -> list[str]:
    """The label file of each image: ``rows`` the flat (class id, x1, y1, x2, y2) pixel boxes
    of all, ``counts[i]`` boxes of image i after those of the images before it, each
    within its image of ``sizes[i]`` (width, height). The same text as ``line`` gives each
    box's normalised fields (``box_fields``)."""
    boxes = np.array(rows, dtype=np.float64).reshape(-1, 5)
    per_image = np.array(counts, dtype=np.int64)
    width, height = np.array(sizes, dtype=np.float64).reshape(-1, 2).T
    width, height = np.repeat(width, per_image), np.repeat(height, per_image)
    x1, y1, x2, y2 = boxes[:, 1], boxes[:, 2], boxes[:, 3], boxes[:, 4]
    # box_fields, in the same order of operations (so the same doubles)
    fields = boxes.copy()
    fields[:, 1] = (x1 + x2) / 2 / width
    fields[:, 2] = (y1 + y2) / 2 / height
    fields[:, 3] = (x2 - x1) / width
    fields[:, 4] = (y2 - y1) / height
    values = fields[:, 1:]
    # lines %g would write otherwise than `number`: an exponent, "-0", out of 0..1 or NaN
    tiny = (values < _SMALLEST) & (values != 0)
    odd = (tiny | np.signbit(values) | ~(values <= 1)).any(axis=1)
    # each value's precision less 9: how many bounds it reaches (bools as 0/1 bytes)
    reached = [(values >= bound).view(np.int8) for bound in _BOUNDS]
    digits = (reached[0] + reached[1] + reached[2] + reached[3]).astype(np.int64)
    codes = ((digits[:, 0] * 5 + digits[:, 1]) * 5 + digits[:, 2]) * 5 + digits[:, 3]
    ends = np.cumsum(per_image)
    codes = np.insert(codes, ends, _END_CODE)
    template = "".join(map(_TEMPLATES.__getitem__, codes.tolist()))
    texts = (template % tuple(fields.ravel().tolist())).split(_END)[:-1]
    if odd.any():
        flat = fields.tolist()
        starts = ends - per_image
        for image in np.unique(np.repeat(np.arange(len(sizes)), per_image)[odd]).tolist():
            lines = flat[int(starts[image]) : int(ends[image])]
            texts[image] = "".join(line(int(row[0]), row[1:]) + "\n" for row in lines)
    return texts
