"""YOLO for image items: Darknet (``yolo``) and Ultralytics (``ultralytics``) dataset trees."""

from ontolabel.formats.yolo.formats import DarknetFormat, UltralyticsFormat
from ontolabel.formats.yolo.options import DarknetOptions, UltralyticsOptions

__all__ = ["DarknetFormat", "DarknetOptions", "UltralyticsFormat", "UltralyticsOptions"]
