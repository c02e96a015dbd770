"""YOLO for image items: Darknet (``yolo``) and Ultralytics (``ultralytics``) dataset trees.

Both read a folder (an uploaded zip is unpacked first) and write one zip. Decisions:
- coordinates are fractions of the image's displayed size (EXIF applied), read from the
  image beside the label file; a label file without its image is an error at its first line;
- class ids are the ontology's leaf classes in document order (an object of an inner class
  is reported, not written); import maps ids through obj.names / classes.txt / data.yaml;
- the split (``images/<split>/``, ``obj_<split>_data/``) is kept as ``meta["subset"]``;
- what a task cannot carry is reported in ``WriteStats.skipped``: YOLO has no multi-part
  objects (each part becomes an instance of its class) and no holes (the outline is written,
  the hole reported); masks are traced into polygons with OpenCV's contours;
- pose keypoints are numbered 1..k (YOLO has no names; the ontology declares none either);
- data.yaml holds only the keys Ultralytics and datumaro both know, and the export's task
  in a comment (an OBB line and a 4-point polygon line look alike).
"""

from ontolabel.formats.yolo.formats import DarknetFormat, UltralyticsFormat
from ontolabel.formats.yolo.options import DarknetOptions, UltralyticsOptions

__all__ = ["DarknetFormat", "DarknetOptions", "UltralyticsFormat", "UltralyticsOptions"]
