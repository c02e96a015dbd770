"""spaCy JSON: v3 ``Doc.to_json()`` documents (JSON lines or a list) and v2 training JSON."""

from ontolabel.formats.spacy.format import SpacyFormat, SpacyV2Format
from ontolabel.formats.spacy.options import SpacyOptions, SpacyV2Options

__all__ = ["SpacyFormat", "SpacyOptions", "SpacyV2Format", "SpacyV2Options"]
