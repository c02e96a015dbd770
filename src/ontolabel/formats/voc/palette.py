"""VOC's label list and colour palette."""

from __future__ import annotations

# VOC's own labels, in the order of its palette
VOC_LABELS = (
    "background",
    "aeroplane",
    "bicycle",
    "bird",
    "boat",
    "bottle",
    "bus",
    "car",
    "cat",
    "chair",
    "cow",
    "diningtable",
    "dog",
    "horse",
    "motorbike",
    "person",
    "pottedplant",
    "sheep",
    "sofa",
    "train",
    "tvmonitor",
)
# the index of "void" (object borders, ignored pixels) in segmentation PNGs
VOID = 255


def voc_color(index: int) -> tuple[int, int, int]:
    """The colour of index ``index`` in VOC's palette (its bits spread over r, g and b)."""
    r = g = b = 0
    for shift in range(7, -1, -1):
        r |= (index & 1) << shift
        g |= ((index >> 1) & 1) << shift
        b |= ((index >> 2) & 1) << shift
        index >>= 3
    return r, g, b
