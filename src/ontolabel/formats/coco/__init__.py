"""COCO for image items: boxes, rotated boxes, polygons (with holes as RLE), masks, keypoints."""

from ontolabel.formats.coco.format import CocoFormat
from ontolabel.formats.coco.options import CocoOptions

__all__ = ["CocoFormat", "CocoOptions"]
