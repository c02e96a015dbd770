"""Building the MediaError every decoder raises: always with the file name and a hint."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ontolabel.errors import Location, MediaError, OntolabelError


def media_error(name: str, message: str, hint: str | None = None) -> MediaError:
    return MediaError(message, location=Location(file=name), hint=hint)


@contextmanager
def decoding(name: str) -> Iterator[None]:
    """The boundary of every public media function: decoders (Pillow, FFmpeg, pydicom,
    NumPy) raise whatever they like on hostile or damaged input, and a caller must only
    ever see a MediaError naming the file."""
    try:
        yield
    except OntolabelError:
        raise
    except MemoryError as exc:
        raise media_error(
            name, "file is too large to decode in memory", "split or downscale it"
        ) from exc
    except Exception as exc:  # noqa: BLE001 - see the docstring: this is the catch-all boundary
        raise media_error(
            name, f"cannot read the file ({type(exc).__name__}: {exc})", "the file may be corrupt"
        ) from exc
