"""Pascal VOC's pixel convention <-> ontolabel's continuous pixel coordinates.

VOC numbers pixels from 1, and a box names the first and the last pixel it covers
(inclusive): a box over the whole of a 640x480 image is xmin=1, ymin=1, xmax=640, ymax=480.
ontolabel measures continuous coordinates from the image's top-left corner, pixel column c
spanning [c, c+1): the same box is x1=0, y1=0, x2=640, y2=480. So xmin = x1 + 1 and
xmax = x2 (and the same for y); fractional values (some tools write them) shift the same way.
"""

from __future__ import annotations

from ontolabel.core.geometry import Box


def voc_to_box(
    xmin: float,
    ymin: float,
    xmax: float,
    ymax: float,
    width: int | None = None,
    height: int | None = None,
) -> Box:
    """The ontolabel box of a VOC ``bndbox`` (1-based, inclusive).

    The box is kept inside the image (the image's size when known, else only above 0):
    files from tools that write 0-based corners (xmin=0) or one past the edge (xmax=641 on a
    640 wide image) would otherwise give -1 or 641, outside every pixel there is.
    """
    x1, y1, x2, y2 = xmin - 1, ymin - 1, xmax, ymax
    x1, y1 = max(0.0, x1), max(0.0, y1)
    if width is not None:
        x1, x2 = min(x1, float(width)), min(x2, float(width))
    if height is not None:
        y1, y2 = min(y1, float(height)), min(y2, float(height))
    return Box(x1=x1, y1=y1, x2=x2, y2=y2)


def box_to_voc(box: Box) -> tuple[float, float, float, float]:
    """(xmin, ymin, xmax, ymax) of a box in VOC's 1-based, inclusive convention."""
    return (box.x1 + 1, box.y1 + 1, box.x2, box.y2)


def voc_number(value: float) -> str:
    """How a coordinate is written: an integer when it is one (VOC's own files), else exact."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))
