"""The ``<attributes>`` text of MIT LabelMe XML: ``name=value`` pairs and bare names.

Entries are separated by commas; a bare name is a flag (true). Values ``true``/``false`` are
bools, numbers that print back the same are numbers, a value in double quotes is text as it
stands. A backslash escapes the next character (``\\,`` ``\\=`` ``\\"`` ``\\\\``), as the
tools that write the format (the LabelMe web tool's exports, datumaro) do.
"""

from __future__ import annotations

from typing import Any

_SPECIAL = ("\\", ",", "=", '"')


def _split(text: str, separator: str, limit: int = -1) -> list[str]:
    """``text`` split at unescaped ``separator`` (escapes kept, for a later split)."""
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for char in text:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == separator and limit != 0:
            parts.append("".join(current))
            current = []
            limit -= 1
        else:
            current.append(char)
    if escaped:
        current.append("\\")
    parts.append("".join(current))
    return parts


def _unescape(text: str) -> str:
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        out.append(next(chars, "\\") if char == "\\" else char)
    return "".join(out)


def _value(raw: str) -> Any:
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    if len(raw) > 1 and raw[0] == '"' and raw[-1] == '"' and not raw.endswith('\\"'):
        return _unescape(raw[1:-1])
    for kind in (int, float):
        try:
            number = kind(raw)
        except ValueError:
            continue
        if str(number) == raw:
            return number
    return _unescape(raw)


def parse_attributes(text: str | None) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for entry in _split(text or "", ","):
        entry = entry.strip()
        if not entry:
            continue
        pair = _split(entry, "=", limit=1)
        if len(pair) == 2:
            found[_unescape(pair[0].strip())] = _value(pair[1].strip())
        else:
            found[_unescape(entry)] = True
    return found


def _escape(text: str) -> str:
    return "".join("\\" + c if c in _SPECIAL else c for c in text)


def format_value(value: bool | int | float | str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    # text that would read back as a bool or a number is quoted, so it stays text
    plain = _escape(value)
    return f'"{plain}"' if _value(plain) != value or plain != plain.strip() else plain


def format_attributes(values: dict[str, bool | int | float | str]) -> str:
    return ", ".join(f"{_escape(name)}={format_value(v)}" for name, v in values.items())
