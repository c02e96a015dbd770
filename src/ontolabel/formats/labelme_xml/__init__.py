"""MIT LabelMe XML (the CSAIL web tool's legacy format): one <annotation> file per image."""

from ontolabel.formats.labelme_xml.format import LabelmeXmlFormat
from ontolabel.formats.labelme_xml.options import LabelmeXmlOptions

__all__ = ["LabelmeXmlFormat", "LabelmeXmlOptions"]
