"""The format registry: formats by name, which ones fit a project, and auto-detection.

Built-in formats are the sub-packages of ``ontolabel.formats`` (each registers its formats
with ``@register`` when imported), so adding a format touches no list; third-party formats
register through the ``ontolabel.formats`` entry-point group (each entry point names a
``Format`` subclass). Both are loaded on first use, so importing the registry stays cheap
and free of cycles.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.errors import FormatError, Location, NotFound, Violation
from ontolabel.formats.base import Detection, Format

ENTRY_POINT_GROUP = "ontolabel.formats"
# below this, a detection is a refusal: auto-detection never guesses on weak evidence
MIN_CONFIDENCE = 0.5

_formats: dict[str, Format[Any]] = {}
# plugins that failed to load, by module or entry point, with the reason: one broken
# plugin must not take every other format down with it, and `ontolabel formats` shows it
broken: dict[str, str] = {}
_loaded = False


def register(fmt: type[Format[Any]]) -> type[Format[Any]]:
    """Class decorator: make ``fmt`` available under ``fmt.name``."""
    existing = _formats.get(fmt.name)
    if existing is not None and type(existing) is not fmt:
        raise ValueError(f"format name {fmt.name!r} is taken by {type(existing).__qualname__}")
    _formats[fmt.name] = fmt()
    return fmt


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in builtin_modules():
        try:
            importlib.import_module(module)
        except Exception as exc:  # noqa: BLE001 - any failure of a plugin is reported alike
            broken[module] = f"{type(exc).__name__}: {exc}"
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            plugin = ep.load()
            if plugin.name not in _formats:
                register(plugin)
        except Exception as exc:  # noqa: BLE001
            broken[f"{ep.name} ({ep.value})"] = f"{type(exc).__name__}: {exc}"


def builtin_modules() -> list[str]:
    """The format sub-packages shipped with ontolabel, in name order."""
    package = importlib.import_module("ontolabel.formats")
    return sorted(
        f"{package.__name__}.{info.name}"
        for info in pkgutil.iter_modules(package.__path__)
        if info.ispkg
    )


def all_formats() -> list[Format[Any]]:
    _load()
    return sorted(_formats.values(), key=lambda f: f.name)


def get_format(name: str) -> Format[Any]:
    _load()
    try:
        return _formats[name]
    except KeyError:
        known = ", ".join(sorted(_formats))
        raise NotFound(f"unknown format {name!r}", hint=f"known formats: {known}") from None


def formats_for(
    modality: Modality, kinds: Iterable[GeometryKind], *, writable: bool = True
) -> list[Format[Any]]:
    """The formats that carry ``modality`` and every one of ``kinds`` (the project's kinds)."""
    wanted = frozenset(kinds)
    return [
        f
        for f in all_formats()
        if (f.can_write if writable else f.can_read)
        and modality in f.modalities
        and not f.lost_kinds(modality, wanted)
    ]


def detect_all(path: Path) -> list[tuple[Format[Any], Detection]]:
    """Every readable format's verdict on ``path``, most confident first."""
    verdicts: list[tuple[Format[Any], Detection]] = []
    kind = "folder" if path.is_dir() else "file"
    for fmt in all_formats():
        if fmt.can_read and kind not in fmt.inputs:
            wanted = "a folder (or a zip of one)" if kind == "file" else "one file"
            verdicts.append((fmt, Detection(0.0, f"reads {wanted}, not a {kind}")))
        elif fmt.can_read:
            try:
                verdicts.append((fmt, fmt.detect(path)))
            except OSError as exc:
                # strerror, not str(exc): that one quotes the path
                reason = exc.strerror or type(exc).__name__
                verdicts.append((fmt, Detection(0.0, f"cannot read the file: {reason}")))
    verdicts.sort(key=lambda fv: (-fv[1].confidence, fv[0].name))
    return verdicts


def detect_format(path: Path, name: str | None = None) -> Format[Any]:
    """The format that reads ``path`` best (see ``detect_best``)."""
    return detect_best(path, name)[0]


def detect_best(path: Path, name: str | None = None) -> tuple[Format[Any], Detection]:
    """The format that reads ``path`` best and its verdict, or a ``FormatError`` saying why
    each one refused, or which ones are equally sure (then the user must choose).

    ``name`` is what the error calls the file (an upload's own name: the server's spool
    path must not reach the client); the path itself when not given.
    """
    verdicts = detect_all(path)
    shown = str(path) if name is None else name
    label = path.name if name is None else name
    if verdicts and verdicts[0][1].confidence >= MIN_CONFIDENCE:
        best = verdicts[0][1].confidence
        tied = [(f, d) for f, d in verdicts if d.confidence == best]
        if len(tied) == 1:
            return verdicts[0]
        raise FormatError(
            f"{label} fits {len(tied)} formats equally well ({best:.2f})",
            [Violation(f"{fmt.name}: {d.reason}", Location(file=shown)) for fmt, d in tied],
            location=Location(file=shown),
            hint="name the format explicitly: " + " or ".join(f.name for f, _ in tied),
        )
    raise FormatError(
        f"cannot tell the format of {label}",
        [Violation(f"{fmt.name}: {d.reason}", Location(file=shown)) for fmt, d in verdicts],
        location=Location(file=shown),
        hint="name the format explicitly",
    )
