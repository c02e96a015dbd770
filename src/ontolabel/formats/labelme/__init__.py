"""LabelMe JSON (wkentaro/labelme): one file per image; shapes to core image geometry."""

from ontolabel.formats.labelme.format import LabelmeFormat
from ontolabel.formats.labelme.options import LabelmeOptions

__all__ = ["LabelmeFormat", "LabelmeOptions"]
