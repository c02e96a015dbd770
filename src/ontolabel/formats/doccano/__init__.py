"""doccano JSONL for text items: spans (legacy ``label`` or ``entities``), categories and
relations."""

from ontolabel.formats.doccano.format import DoccanoCodepointsFormat, DoccanoFormat, DoccanoOptions

__all__ = ["DoccanoCodepointsFormat", "DoccanoFormat", "DoccanoOptions"]
