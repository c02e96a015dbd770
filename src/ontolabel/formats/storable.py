"""What the database can keep, whatever format a record came from.

JSON and most label formats let through values that no database column holds: a NUL
character (PostgreSQL's text and JSON refuse it), a lone UTF-16 surrogate (not Unicode
text: no encoder writes it back), NaN or infinity (JSON has neither), nesting deeper than
any label file needs, an item id longer than its column. Each must be one bad record,
reported where it came from, never a crash at the insert (SQLite would even keep some of
them, and the same file would then fail on PostgreSQL).
"""

from __future__ import annotations

import math
from typing import Any

from ontolabel.core.item import MAX_EXTERNAL_ID
from ontolabel.formats.base import ImportRecord

# nesting a stored value may have (meta, a media entry's extra)
MAX_DEPTH = 64

NUL = "holds a NUL character (\\u0000), which ontolabel does not store"
SURROGATE = (
    "holds a lone surrogate escape (\\ud800-\\udfff without its pair), which is not Unicode text"
)


def text_problem(text: str) -> str | None:
    """Why the string cannot be stored, or None."""
    if "\x00" in text:
        return NUL
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return SURROGATE
    return None


def value_problem(value: Any) -> str | None:
    """Why a JSON-like value (dicts, lists, strings, numbers) cannot be stored, or None."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem is not None:
                return problem
        elif isinstance(item, float):
            if not math.isfinite(item):
                return "holds a number too large for a float (or NaN), which JSON does not have"
        elif isinstance(item, dict | list):
            if depth >= MAX_DEPTH:
                return f"is nested more than {MAX_DEPTH} levels deep"
            children = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in children:
                stack.append((key, depth + 1))
                stack.append((child, depth + 1))
    return None


def record_problems(record: ImportRecord) -> list[tuple[str, str]]:
    """(message, path) for each of the record's own values that cannot be stored: its
    external id, text and meta (annotations are checked as they are stored: see
    ``services.import_records``). Cheap for a good record: a few string scans."""
    problems: list[tuple[str, str]] = []
    external_id = record.external_id
    if external_id is not None:
        if len(external_id) > MAX_EXTERNAL_ID:
            problems.append(
                (
                    f"the item id has {len(external_id):,} characters; ontolabel keeps at most "
                    f"{MAX_EXTERNAL_ID} (shorten it)",
                    "external_id",
                )
            )
        elif (problem := text_problem(external_id)) is not None:
            problems.append((f"the item id {problem}", "external_id"))
    if record.text is not None and (problem := text_problem(record.text)) is not None:
        problems.append((f"the text {problem}", "text"))
    if record.meta and (problem := value_problem(record.meta)) is not None:
        problems.append((f"meta {problem}", "meta"))
    return problems
