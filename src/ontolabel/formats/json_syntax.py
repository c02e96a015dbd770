"""How a reader says that a file is not valid JSON: json's own words, then the place."""

from __future__ import annotations


def not_json(msg: str, column: int, line: int | None = None) -> str:
    """``not valid JSON: <msg> at line <line>, column <column>`` for ``json.JSONDecodeError``'s
    ``msg``; without ``line`` for readers that parse a line at a time (their location names
    the line, and json's own line number is always 1 there)."""
    place = f"column {column}" if line is None else f"line {line}, column {column}"
    # some of json's messages end in "at" already ("Unterminated string starting at")
    joint = " " if msg.endswith(" at") else " at "
    return f"not valid JSON: {msg}{joint}{place}"
