"""Turn pydantic validation errors into ``Violation``s with a readable JSON path."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError

from ontolabel.errors import Location, Violation


def error_path(loc: Sequence[int | str]) -> str:
    """``("objects", 2, "geometry")`` -> ``objects[2].geometry``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def violations_from(exc: ValidationError, at: Location, prefix: str = "") -> list[Violation]:
    """One violation per pydantic error, located at ``at`` plus the error's path."""
    found: list[Violation] = []
    for error in exc.errors():
        path = error_path(error["loc"])
        if prefix:
            path = f"{prefix}.{path}" if path and not path.startswith("[") else prefix + path
        found.append(
            Violation(
                error["msg"], Location(file=at.file, line=at.line, item=at.item, path=path or None)
            )
        )
    return found
