"""The one exception tree of ontolabel.

Every error carries where it happened (file, line, item id, JSON path) so that an
importer, an endpoint or a CLI command can tell the user exactly what to fix.
The HTTP mapping of these classes lives in one place: ``ontolabel.server.errors``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Location:
    """Where a problem is: any subset of file, line, item id and a JSON-ish path."""

    file: str | None = None
    line: int | None = None
    item: str | None = None
    path: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file is not None:
            parts.append(self.file if self.line is None else f"{self.file}:{self.line}")
        elif self.line is not None:
            parts.append(f"line {self.line}")
        if self.item is not None:
            parts.append(f"item {self.item}")
        if self.path:
            parts.append(self.path)
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Violation:
    """One reason a value was refused, at one location."""

    message: str
    location: Location = field(default_factory=Location)

    def __str__(self) -> str:
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message

    def to_dict(self) -> dict[str, Any]:
        return {"message": self.message, **self.location.to_dict()}


class OntolabelError(Exception):
    """Base of every error ontolabel raises on purpose."""

    def __init__(self, message: str, *, location: Location | None = None, hint: str | None = None):
        self.message = message
        self.location = location or Location()
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.location)
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} ({self.hint})" if self.hint else text

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"error": type(self).__name__, "message": self.message}
        out.update(self.location.to_dict())
        if self.hint:
            out["hint"] = self.hint
        return out


class InvalidError(OntolabelError):
    """Input broke one or more rules; ``violations`` lists every one of them."""

    def __init__(
        self,
        message: str,
        violations: list[Violation] | None = None,
        *,
        location: Location | None = None,
        hint: str | None = None,
    ):
        self.violations = list(violations or [])
        super().__init__(message, location=location, hint=hint)

    def __str__(self) -> str:
        head = super().__str__()
        if not self.violations:
            return head
        return head + "\n" + "\n".join(f"  - {v}" for v in self.violations)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["violations"] = [v.to_dict() for v in self.violations]
        return out


class OntologyError(InvalidError):
    """An ontology file is malformed (unknown type, cycle, duplicate name, ...)."""


class AnnotationInvalid(InvalidError):
    """An annotation does not satisfy its project's ontology."""


class FormatError(InvalidError):
    """An import file cannot be read, or some of its records are bad."""


class MediaError(OntolabelError):
    """A media file is corrupt, unsupported or too large."""


class TooLarge(MediaError):
    """A file is larger than the configured limit.

    A MediaError, so every caller that handles media problems handles this one; the
    server tells it apart to answer 413 instead of 415.
    """


class NotFound(OntolabelError):
    """The thing asked for does not exist (or the caller may not know it exists)."""


class Conflict(OntolabelError):
    """A write raced another: e.g. an annotation saved against a stale revision."""

    def __init__(self, message: str, *, current: Any = None, **kwargs: Any):
        self.current = current
        super().__init__(message, **kwargs)


class AlreadyExists(Conflict):
    """A unique name is taken."""


class AuthError(OntolabelError):
    """The caller is not logged in, or the credentials are wrong."""


class Forbidden(OntolabelError):
    """The caller is known but may not do this."""


class TextOffsetError(InvalidError):
    """A text offset lies outside the text or inside one character (e.g. between the two
    UTF-16 halves of a surrogate pair), so it names no position in the stored text."""


class RatingsError(InvalidError):
    """A ratings table for agreement is malformed: a ragged row, a label outside the declared
    categories, a missing number where the level needs one, a rater giving one unit two labels.

    ``unit`` and ``rater`` name the cell at fault (either may be None when the problem is the
    whole table, e.g. an empty one); the message names them too.
    """

    def __init__(
        self,
        message: str,
        *,
        unit: str | None = None,
        rater: str | None = None,
        hint: str | None = None,
    ):
        self.unit = unit
        self.rater = rater
        where = [
            f"unit {unit!r}" if unit is not None else "",
            f"rater {rater!r}" if rater is not None else "",
        ]
        prefix = ", ".join(w for w in where if w)
        super().__init__(f"{prefix}: {message}" if prefix else message, hint=hint)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if self.unit is not None:
            out["unit"] = self.unit
        if self.rater is not None:
            out["rater"] = self.rater
        return out


class GeometryError(InvalidError):
    """A geometry cannot be measured or compared: a coordinate that is NaN, masks of
    different sizes, a span that ends before it starts, a polygon without area.

    ``object_id`` names the object at fault (its id within the annotation, or its side and
    position when compared without ids); the message names it too.
    """

    def __init__(self, message: str, *, object_id: str | None = None, hint: str | None = None):
        self.object_id = object_id
        text = f"object {object_id!r}: {message}" if object_id is not None else message
        super().__init__(text, hint=hint)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if self.object_id is not None:
            out["object_id"] = self.object_id
        return out
