"""Canonical JSONL: one header line, then one item with its annotations per line."""

from ontolabel.formats.jsonl.format import JsonlFormat, JsonlOptions

__all__ = ["JsonlFormat", "JsonlOptions"]
