"""Label Studio JSON for image and text items: regions in percent, brush RLE, text spans."""

from ontolabel.formats.labelstudio.config import label_config
from ontolabel.formats.labelstudio.format import LabelStudioFormat
from ontolabel.formats.labelstudio.writer import LabelStudioOptions

__all__ = ["LabelStudioFormat", "LabelStudioOptions", "label_config"]
