"""JSON-ish paths that point into a document, e.g. `classes[3].attributes[0].type`."""

from __future__ import annotations

import re
from collections.abc import Sequence

PathPart = str | int

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")


def key(name: str) -> str:
    """A user-chosen key as a path fragment: `Dose`, or `["Adverse event"]` when the name is
    not a plain word, so a path stays unambiguous."""
    if _PLAIN_KEY.match(name):
        return name
    return '["' + name.replace("\\", "\\\\").replace('"', '\\"') + '"]'


def join_path(*parts: PathPart | Sequence[PathPart] | None) -> str:
    """Join path fragments and indices: ("classes", 3, "name") -> "classes[3].name".

    String parts are fragments already in path form ("attributes[0].type", a `key()`),
    so pre-joined paths compose; empty parts and None are skipped.
    """
    flat: list[PathPart] = []
    for part in parts:
        if part is None or part == "":
            continue
        if isinstance(part, str | int):
            flat.append(part)
        else:
            flat.extend(part)
    out = ""
    for part in flat:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith("[") or not out:
            out += part
        else:
            out += "." + part
    return out
