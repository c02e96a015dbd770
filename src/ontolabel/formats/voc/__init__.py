"""Pascal VOC for image items: detection boxes with their flags, person-layout parts,
actions and image-level class lists."""

from ontolabel.formats.voc.format import VocFormat
from ontolabel.formats.voc.options import VocOptions

__all__ = ["VocFormat", "VocOptions"]
