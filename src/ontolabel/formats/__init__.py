"""Registered file formats: streaming import and export over core types only.

Use the registry (``get_format``, ``formats_for``, ``detect_format``); formats themselves are
sub-packages (``jsonl``, ``coco``) loaded by the registry on first use.
"""

from ontolabel.formats.base import (
    AnnotationRecord,
    BareItems,
    Detection,
    ErrorPolicy,
    ExportRecord,
    Format,
    FormatOptions,
    ImportRecord,
    MediaRef,
    WriteStats,
)
from ontolabel.formats.registry import (
    all_formats,
    detect_all,
    detect_format,
    formats_for,
    get_format,
    register,
)

__all__ = [
    "AnnotationRecord",
    "BareItems",
    "Detection",
    "ErrorPolicy",
    "ExportRecord",
    "Format",
    "FormatOptions",
    "ImportRecord",
    "MediaRef",
    "WriteStats",
    "all_formats",
    "detect_all",
    "detect_format",
    "formats_for",
    "get_format",
    "register",
]
