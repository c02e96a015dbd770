"""CVAT for images XML 1.1: boxes (rotated too), polygons (multi-part by group), polylines,
points, skeletons, masks and tags, with the labels' typed attributes."""

from ontolabel.formats.cvat.format import CvatFormat
from ontolabel.formats.cvat.options import CvatOptions

__all__ = ["CvatFormat", "CvatOptions"]
