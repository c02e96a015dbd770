"""Rows of an objects table -> import records, one per item.

What import means for a table: the labels of items. A table does not hold an item's content
(a text item's text, an image's bytes), so its rows are meant for items the project already
has, which the importer finds by ``external_id`` (or, for rows without one, by the name of
the item's file). A row whose item is not in the project becomes a new item only when its
media file is beside the table (``<name>``, ``media/<sha256>`` or ``images/<name>``).

The rows of one item must be together (as ontolabel writes them), so the table is read as a
stream, item by item; within an item, the rows of one annotator form one annotation. Each
object's geometry is its ``geometry`` JSON; without it (a table made by hand) the geometry is
built from the measure columns for the kinds they describe fully (box, rotated box, span,
interval, cuboid, tag). A measure that disagrees with the JSON is an error, so that an edit
made in a spreadsheet is never silently ignored. Any bad row skips its whole item, so an item
is never imported half-labelled; every problem is reported with its row and column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ontolabel.core.annotation import Annotation, AnnotationObject, AnnotationSource
from ontolabel.core.geometry import Geometry, GeometryUnion
from ontolabel.core.modality import KINDS_BY_MODALITY, Modality
from ontolabel.errors import FormatError, Location
from ontolabel.formats.base import (
    AnnotationRecord,
    AnnotationStatus,
    ErrorPolicy,
    ImportRecord,
    MediaRef,
)
from ontolabel.formats.table.columns import (
    FIXED_TYPES,
    GEOMETRY_COLUMN,
    MEASURES,
    attribute_name,
    measures,
    same_measure,
)

_GEOMETRY: TypeAdapter[GeometryUnion] = TypeAdapter(Geometry)
_MODALITIES = {m.value: m for m in Modality}
_STATUSES: dict[str, AnnotationStatus] = {"draft": "draft", "submitted": "submitted"}
_SOURCES: dict[str, AnnotationSource] = {"human": "human", "model": "model"}

# kind -> (geometry field, column, required) for the kinds the measure columns describe fully
_FROM_COLUMNS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "box": (("x1", "x1", True), ("y1", "y1", True), ("x2", "x2", True), ("y2", "y2", True)),
    "rotated_box": (
        ("cx", "cx", True),
        ("cy", "cy", True),
        ("w", "w", True),
        ("h", "h", True),
        ("angle", "angle_deg", False),
    ),
    "span": (("start", "span_start", True), ("end", "span_end", True), ("text", "span_text", True)),
    "interval": (
        ("start", "start_s", True),
        ("end", "end_s", True),
        ("transcript", "transcript", False),
        ("speaker", "speaker", False),
    ),
    "cuboid": (
        ("x", "x_m", True),
        ("y", "y_m", True),
        ("z", "z_m", True),
        ("length", "length_m", True),
        ("width", "width_m", True),
        ("height", "height_m", True),
        ("yaw", "yaw_rad", False),
    ),
    "tag": (),
}


class RowError(ValueError):
    """A row is wrong; ``column`` says where (None: the row as a whole)."""

    def __init__(self, message: str, column: str | None = None):
        super().__init__(message)
        self.column = column


@dataclass
class SourceRow:
    """One row as read, with values already in Python types (None = empty cell)."""

    at: Callable[[str | None], Location]  # the row's location, optionally at a column
    values: dict[str, Any]
    origin: str  # where the row is, as a path in the file: "line 12", "row 11"
    # cells that could not be read (a letter in a number column), found before assembly
    errors: list[RowError] = field(default_factory=list)


@dataclass
class _Group:
    key: str
    first: SourceRow
    rows: list[SourceRow] = field(default_factory=list)
    ok: bool = True


def check_columns(columns: list[str], file: str, policy: ErrorPolicy, at: Location) -> None:
    """Refuse a table without the columns an import needs; report columns it would lose."""
    have = set(columns)
    missing = [
        need
        for need, options in (
            ("class", ("class",)),
            ("geometry or geometry_kind", (GEOMETRY_COLUMN, "geometry_kind")),
            ("external_id or item_id", ("external_id", "item_id")),
        )
        if not have.intersection(options)
    ]
    if missing:
        raise FormatError(
            f"not an objects table: no {', no '.join(missing)} column",
            location=Location(file=file),
            hint="export one with `ontolabel export --format csv` to see its columns",
        )
    for column in columns:
        if column not in FIXED_TYPES and attribute_name(column) is None:
            policy.report(
                f"column {column!r} is not a column of the objects table (attributes are "
                "'attr.<name>'): its values would be lost",
                Location(file=at.file, line=at.line, path=column),
            )


class Assembler:
    def __init__(self, path: Path, policy: ErrorPolicy, columns: list[str]):
        self.path = path
        self.file = path.name
        self.policy = policy
        self.seen: dict[str, Location] = {}
        # (column, attribute, is its unit column) of the table's attribute columns
        self.attributes = [(c, *named) for c in columns if (named := attribute_name(c)) is not None]

    def records(self, rows: Iterable[SourceRow]) -> Iterator[ImportRecord]:
        group: _Group | None = None
        for row in rows:
            key = self._key(row)
            if key is None:
                if group is not None:
                    group.ok = False  # the row belongs to no item: whichever, it is lost
                continue
            if group is not None and key == group.key:
                group.rows.append(row)
                continue
            if group is not None:
                record = self._finish(group)
                if record is not None:
                    yield record
            group = _Group(key, row, [row])
            if key in self.seen:
                self._report(
                    f"the rows of item {key!r} are not together (it also has rows at "
                    f"{self.seen[key]}): sort the table by item",
                    row,
                    None,
                    key,
                )
                group.ok = False
            else:
                self.seen[key] = row.at(None)
        if group is not None:
            record = self._finish(group)
            if record is not None:
                yield record

    def _report(self, message: str, row: SourceRow, column: str | None, item: str) -> None:
        at = row.at(column)
        self.policy.report(message, Location(file=at.file, line=at.line, item=item, path=at.path))

    def _key(self, row: SourceRow) -> str | None:
        external, item_id = row.values.get("external_id"), row.values.get("item_id")
        if external is not None:
            return str(external)
        if item_id is not None:
            return f"#{item_id}"
        self.policy.report("the row names no item: external_id and item_id are empty", row.at(None))
        return None

    def _finish(self, group: _Group) -> ImportRecord | None:
        return self._record(group) if group.ok else None

    def _fail(self, group: _Group, row: SourceRow, exc: RowError) -> None:
        self._report(str(exc), row, exc.column, group.key)
        group.ok = False

    def _same(self, group: _Group, row: SourceRow, column: str, default: Any = None) -> Any:
        """A value every row of the group must share (the item's modality, ...)."""
        value = row.values.get(column, default)
        first = group.first.values.get(column, default)
        if value != first:
            raise RowError(
                f"{column} {value!r} differs from {first!r} on the item's first row "
                f"({group.first.at(None)})",
                column,
            )
        return value

    def _record(self, group: _Group) -> ImportRecord | None:
        media: dict[int, tuple[Any, ...]] = {}
        by_user: dict[str | None, tuple[AnnotationRecord, list[AnnotationObject]]] = {}
        origins: dict[str | None, list[str]] = {}
        modality: Modality | None = None
        for row in group.rows:
            for error in row.errors:
                self._fail(group, row, error)
            if row.errors:
                continue
            try:
                found = _modality(self._same(group, row, "modality"), row.values)
                if modality is not None and found != modality:
                    raise RowError(
                        f"a {row.values.get('geometry_kind')} makes this a {found.value} item; "
                        f"its earlier rows make it {modality.value}",
                        "geometry_kind",
                    )
                modality = found
                self._media(media, row)
                annotation = self._annotation(row)
                user = annotation.user
                if user in by_user:
                    first = by_user[user][0]
                    for column, mine, theirs in (
                        ("status", annotation.status, first.status),
                        ("revision", annotation.revision, first.revision),
                        ("source", annotation.source, first.source),
                    ):
                        if mine != theirs:
                            raise RowError(
                                f"{column} {mine!r} differs from {theirs!r} on an earlier row "
                                f"of {user or 'the importer'}'s annotation",
                                column,
                            )
                else:
                    by_user[user] = (annotation, [])
                    origins[user] = []
                objects = by_user[user][1]
                obj = self._object(row, len(objects))
                if any(o.id == obj.id for o in objects):
                    raise RowError(
                        f"object_id {obj.id!r} repeats within {user or 'the importer'}'s "
                        "annotation of this item",
                        "object_id",
                    )
                objects.append(obj)
                origins[user].append(row.origin)
            except RowError as exc:
                self._fail(group, row, exc)
        if not group.ok or modality is None:
            return None
        return ImportRecord(
            location=Location(file=self.file, line=group.first.at(None).line, item=group.key),
            modality=modality,
            external_id=group.first.values.get("external_id"),
            media=self._media_refs(media, group),
            annotations=[
                AnnotationRecord(
                    document=Annotation(objects=objects),
                    user=first.user,
                    status=first.status,
                    revision=first.revision,
                    source=first.source,
                    origins=tuple(origins[user]),
                )
                for user, (first, objects) in by_user.items()
            ],
        )

    def _media(self, media: dict[int, tuple[Any, ...]], row: SourceRow) -> None:
        values = row.values
        name = values.get("media_name")
        if name is None:
            return
        index = values.get("media_index") or 0
        if index < 0:
            raise RowError(f"media_index must not be negative, got {index}", "media_index")
        found = (
            name,
            values.get("media_sha256"),
            values.get("media_width"),
            values.get("media_height"),
        )
        if media.setdefault(index, found) != found:
            raise RowError(
                f"media file {index} is {found[0]!r} here and {media[index][0]!r} on an earlier "
                "row (or their sha256 or size differ)",
                "media_name",
            )

    def _media_refs(self, media: dict[int, tuple[Any, ...]], group: _Group) -> list[MediaRef]:
        refs: list[MediaRef] = []
        identified = group.first.values.get("external_id") is not None
        here = self.path.parent
        while len(refs) in media:  # the files up to the first one no row names
            name, sha256, width, height = media[len(refs)]
            relative = (name, f"images/{name}") + ((f"media/{sha256}",) if sha256 else ())
            refs.append(
                MediaRef(
                    name=name,
                    # without an external id, the item is found by its file's name, which
                    # the importer does for files not named by their bytes
                    sha256=sha256 if identified else None,
                    # paths built only if the store lacks the file (a relabelling
                    # import mostly names files the project has)
                    folder=here,
                    relative=relative,
                    width=width,
                    height=height,
                )
            )
        return refs

    def _annotation(self, row: SourceRow) -> AnnotationRecord:
        values = row.values
        status = _STATUSES.get(values.get("status") or "submitted")
        if status is None:
            raise RowError(f"status must be draft or submitted, got {values['status']!r}", "status")
        source = _SOURCES.get(values.get("source") or "human")
        if source is None:
            raise RowError(f"source must be human or model, got {values['source']!r}", "source")
        revision = values.get("revision") or 1
        if revision < 1:
            raise RowError(f"revision must be 1 or more, got {revision}", "revision")
        # the document is filled in later; this record carries the annotation's fields
        return AnnotationRecord(
            document=Annotation(),
            user=values.get("annotator"),
            status=status,
            revision=revision,
            source=source,
        )

    def _object(self, row: SourceRow, index: int) -> AnnotationObject:
        values = row.values
        name = values.get("class")
        if not name:
            raise RowError("the class is empty", "class")
        geometry = _geometry(values)
        # a table made by hand may leave ids out: number the objects of the annotation
        object_id = values.get("object_id") or str(index + 1)
        try:
            return AnnotationObject(
                id=object_id,
                class_name=name,
                geometry=geometry,
                attributes=self._attributes(values),
                media_index=values.get("media_index") or 0,
                track_id=values.get("track_id"),
                entity_id=values.get("entity_id"),
                score=values.get("score"),
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            column = _column_of(first["loc"])
            raise RowError(f"cannot read the object: {first['msg']}", column) from exc

    def _attributes(self, values: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        units: dict[str, Any] = {}
        for column, name, is_unit in self.attributes:
            value = values.get(column)
            if is_unit:
                units[name] = value
            elif value is not None:
                found[name] = value
        for name, unit in units.items():
            if unit is None and name not in found:
                continue
            if unit is None or name not in found:
                missing = f"attr.{name}" if unit is not None else f"attr.{name}.unit"
                raise RowError(f"attribute {name!r} needs both a value and a unit", missing)
            found[name] = {"value": found[name], "unit": unit}
        return found


def _modality(value: Any, values: dict[str, Any]) -> Modality:
    if value is None:
        # a table made by hand may leave the modality out: the geometry kind tells it,
        # when only one modality has that kind
        kind = values.get("geometry_kind")
        if kind is None and isinstance(values.get(GEOMETRY_COLUMN), dict):
            kind = values[GEOMETRY_COLUMN].get("kind")
        having = [m for m, kinds in KINDS_BY_MODALITY.items() if kind in kinds]
        if len(having) == 1:
            return having[0]
        raise RowError(
            f"the modality is empty and a {kind or 'row without a geometry kind'} does not "
            "tell it (text, image, audio, video or pointcloud)",
            "modality",
        )
    try:
        return _MODALITIES[value]
    except (KeyError, TypeError):
        known = ", ".join(m.value for m in Modality)
        raise RowError(f"modality must be one of {known}, got {value!r}", "modality") from None


def _column_of(loc: tuple[int | str, ...]) -> str | None:
    if loc and loc[0] == "attributes" and len(loc) > 1:
        return f"attr.{loc[1]}"
    if loc and loc[0] in ("score", "track_id", "entity_id", "media_index"):
        return str(loc[0])
    return None


def _geometry(values: dict[str, Any]) -> GeometryUnion:
    kind = values.get("geometry_kind")
    raw = values.get(GEOMETRY_COLUMN)
    if raw is None:
        if kind is None:
            raise RowError("geometry and geometry_kind are both empty", GEOMETRY_COLUMN)
        if kind not in _FROM_COLUMNS:
            raise RowError(
                f"a {kind} needs its geometry column (JSON): its measures do not describe it",
                GEOMETRY_COLUMN,
            )
        fields: dict[str, Any] = {"kind": kind}
        for name, column, required in _FROM_COLUMNS[kind]:
            if values.get(column) is not None:
                fields[name] = values[column]
            elif required:
                raise RowError(f"a {kind} without geometry JSON needs {column}", column)
        raw = fields
    try:
        geometry = _GEOMETRY.validate_python(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RowError(
            f"not a geometry: {first['msg']}" + (f" at {where}" if where else ""), GEOMETRY_COLUMN
        ) from exc
    if kind is not None and kind != geometry.kind:
        raise RowError(
            f"geometry_kind says {kind!r}, the geometry is a {geometry.kind}", "geometry_kind"
        )
    expected = measures(geometry)
    for column in MEASURES:
        given = values.get(column)
        if given is not None and not same_measure(given, expected.get(column)):
            want = expected.get(column)
            raise RowError(
                f"{column} is {given!r} but the geometry gives {want!r}: edit the geometry "
                f"JSON, or clear the geometry cell to build it from the columns",
                column,
            )
    return geometry
