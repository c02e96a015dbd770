"""Export records -> rows of the objects table (column name -> Python value, None = empty).

Both the CSV and the Parquet writer take these rows; each puts the values in its own form.
What a row cannot hold is reported in ``WriteStats.skipped``: relations (a table of objects
has no place for them), annotations without objects (no row to write), attributes the
ontology does not declare (no column) and values that do not fit their column's type.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from ontolabel.core.annotation import AnnotationObject, AttributeValue, Quantity
from ontolabel.core.ontology import Ontology
from ontolabel.errors import Location, Violation
from ontolabel.formats.base import AnnotationRecord, ExportRecord, WriteStats
from ontolabel.formats.selection import SelectionOptions
from ontolabel.formats.table.columns import (
    FIXED_TYPES,
    GEOMETRY_COLUMN,
    AttributeColumn,
    ColumnType,
    attribute_columns,
    class_path,
    dumps,
    measures,
)

Row = dict[str, Any]


def _fits(value: AttributeValue, kind: ColumnType) -> AttributeValue | None:
    """``value`` in the column's type (a date from its ISO text), or None if it does not fit."""
    if kind == "json":
        return value
    if kind == "str":
        return value if isinstance(value, str) else None
    if kind == "list":
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return value if ok else None
    if kind == "bool":
        return value if isinstance(value, bool) else None
    if kind == "int":
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if kind == "float":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return value if ok else None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


class RowMaker:
    """Turns export records into rows, one per object, noting what cannot be carried."""

    def __init__(self, ontology: Ontology, options: SelectionOptions):
        self.ontology = ontology
        self.options = options
        self.attributes: list[AttributeColumn] = attribute_columns(ontology)
        self.by_name = {c.attribute: c for c in self.attributes}
        self.stats = WriteStats()
        self._paths: dict[str, str | None] = {}

    def columns(self) -> list[tuple[str, ColumnType]]:
        """Every column of the table, in order, with its type."""
        found: list[tuple[str, ColumnType]] = [
            (n, t) for n, t in FIXED_TYPES.items() if n != GEOMETRY_COLUMN
        ]
        for column in self.attributes:
            found.append((column.column, column.type))
            if column.unit_column is not None:
                found.append((column.unit_column, "str"))
        found.append((GEOMETRY_COLUMN, "json"))
        return found

    def _skip(self, message: str, record: ExportRecord, path: str | None = None) -> None:
        item = record.external_id if record.external_id is not None else str(record.item_id)
        self.stats.skipped.append(Violation(message, Location(item=item, path=path)))

    def rows(self, records: Iterable[ExportRecord]) -> Iterator[Row]:
        for record in records:
            self.stats.items += 1
            for index, annotation in enumerate(self.options.select(record.annotations)):
                yield from self._annotation_rows(record, index, annotation)

    def _annotation_rows(
        self, record: ExportRecord, index: int, annotation: AnnotationRecord
    ) -> Iterator[Row]:
        where = f"annotations[{index}]"
        who = annotation.user or "the importer"
        document = annotation.document
        if not document.objects:
            self._skip(f"{who}'s annotation has no objects: the table has no row for it", record)
        for r_index, relation in enumerate(document.relations):
            self._skip(
                f"relation {relation.name!r} ({relation.source} -> {relation.target}): "
                "a table of objects cannot hold relations",
                record,
                f"{where}.relations[{r_index}]",
            )
        content = record.content
        for o_index, obj in enumerate(document.objects):
            path = f"{where}.objects[{o_index}]"
            media = None
            if content.media:
                if not 0 <= obj.media_index < len(content.media):
                    self._skip(
                        f"media_index {obj.media_index} is not a media file of the item",
                        record,
                        path,
                    )
                    continue
                media = content.media[obj.media_index]
            row: Row = {
                "item_id": record.item_id,
                "external_id": record.external_id,
                "modality": content.modality.value,
                "media_index": obj.media_index if media is not None else None,
                "media_name": media.name if media else None,
                "media_sha256": media.sha256 if media else None,
                "media_width": media.width if media else None,
                "media_height": media.height if media else None,
                "annotator": annotation.user,
                "status": annotation.status,
                "revision": annotation.revision,
                "source": annotation.source,
                "object_id": obj.id,
                "class": obj.class_name,
                "class_path": self._class_path(obj.class_name),
                "geometry_kind": obj.geometry.kind,
                "track_id": obj.track_id,
                "entity_id": obj.entity_id,
                "score": obj.score,
                GEOMETRY_COLUMN: dumps(obj.geometry.model_dump(mode="json")),
            }
            row.update(measures(obj.geometry))
            self._attributes(row, obj, record, path)
            self.stats.objects += 1
            yield row

    def _class_path(self, name: str) -> str | None:
        if name not in self._paths:
            self._paths[name] = class_path(self.ontology, name)
        return self._paths[name]

    def _attributes(self, row: Row, obj: AnnotationObject, record: ExportRecord, at: str) -> None:
        for name, value in obj.attributes.items():
            path = f"{at}.attributes.{name}"
            column = self.by_name.get(name)
            if column is None:
                self._skip(
                    f"attribute {name!r} of {obj.class_name} is not in the ontology: "
                    "the table has no column for it",
                    record,
                    path,
                )
                continue
            if value is None:
                continue
            if column.unit_column is not None:
                if isinstance(value, Quantity) and _fits(value.value, column.type) is not None:
                    row[column.column], row[column.unit_column] = value.value, value.unit
                    continue
                fitted: AttributeValue = None
            else:
                fitted = _fits(value, column.type)
            if fitted is None:
                self._skip(
                    f"attribute {name!r} = {value!r} does not fit its column "
                    f"{column.column!r} ({'a quantity' if column.unit_column else column.type})",
                    record,
                    path,
                )
                continue
            row[column.column] = fitted
