"""Building the MediaError every decoder raises: always with the file name and a hint."""

from __future__ import annotations

from ontolabel.errors import Location, MediaError


def media_error(name: str, message: str, hint: str | None = None) -> MediaError:
    return MediaError(message, location=Location(file=name), hint=hint)
