"""What the database can keep: strings without NUL or lone surrogates, finite numbers,
nesting a label file needs, whatever the value is (an import's record, an annotation, a
username, an ontology).

JSON and most label formats let through values that no database column holds: a NUL
character (PostgreSQL's text and JSON refuse it), a lone UTF-16 surrogate (not Unicode
text: no encoder writes it back), NaN or infinity (JSON has neither), nesting deeper than
any label file needs. Each must be refused where it comes in, with where it is, never met
as a crash at the insert (SQLite would even keep some of them, and the same data would then
fail on PostgreSQL).
"""

from __future__ import annotations

import math
from typing import Any

from pydantic_core import PydanticSerializationError, to_json

from ontolabel.core.ontology.paths import PathPart, join_path, key

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


def value_problems(value: Any) -> list[tuple[str, str]]:
    """(message, path) of every part of a JSON-like value that cannot be stored (none for
    most values: the walk that names the paths runs only when ``value_problem`` finds one).
    A key that cannot be stored is named by the path of the object holding it."""
    if value_problem(value) is None:
        return []
    found: list[tuple[str, str]] = []
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if not isinstance(item, dict | list):
            problem = value_problem(item)
            if problem is not None:
                found.append((f"the value {problem}", path))
            continue
        if depth >= MAX_DEPTH:
            found.append((f"the value is nested more than {MAX_DEPTH} levels deep", path))
            continue
        children: list[tuple[Any, str]] = []
        for name, child in item.items() if isinstance(item, dict) else enumerate(item):
            part: PathPart = name
            if isinstance(name, str):
                problem = text_problem(name)
                if problem is not None:
                    found.append((f"a key {problem}", path))
                    continue
                part = key(name)
            children.append((child, join_path(path, part)))
        stack.extend((child, where, depth + 1) for child, where in reversed(children))
    return found


def json_for_storing(value: Any) -> tuple[str, None] | tuple[None, str]:
    """(the JSON text a JSON column stores for ``value``, None), or (None, why it cannot be
    stored). Serialising is what storing costs anyway; the walk that names the problem runs
    only when the text shows a NUL (or a backslash typed before "u0000")."""
    try:
        text = to_json(value).decode()
    except PydanticSerializationError:
        return None, SURROGATE
    if "\\u0000" in text:
        problem = value_problem(value)
        if problem is not None:
            return None, problem
    return text, None
