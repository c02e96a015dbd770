"""Canonical JSONL: one header line, then one item with its annotations per line."""

from ontolabel.formats.jsonl.format import JsonlFormat, JsonlOptions
from ontolabel.formats.jsonl.json_items import JsonAnnotation, JsonItem

__all__ = ["JsonAnnotation", "JsonItem", "JsonlFormat", "JsonlOptions"]
