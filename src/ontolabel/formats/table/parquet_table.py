"""The objects table as Parquet: typed columns (attribute types from the ontology), written
in row groups so that memory holds one group at most, read back batch by batch.

``geometry`` holds JSON text. An attribute name that classes declare with different types
has no single column type: its column holds text cells as the CSV does (JSON where the
text alone would be read as something else: ``"12"`` is text, ``12`` a number), and its
field says so in its metadata (``ontolabel.encoding: cell``). Problems are located by row
index (0-based, as pandas shows them) and column.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.core.ontology import Ontology
from ontolabel.errors import FormatError, Location
from ontolabel.formats.base import (
    Detection,
    ErrorPolicy,
    ExportRecord,
    Format,
    ImportRecord,
    WriteStats,
)
from ontolabel.formats.media import MediaSource
from ontolabel.formats.registry import register
from ontolabel.formats.table.columns import (
    FIXED_TYPES,
    GEOMETRY_COLUMN,
    ColumnType,
    attribute_name,
    decode_attribute,
    encode_attribute,
    loads_strict,
)
from ontolabel.formats.table.export_rows import RowMaker
from ontolabel.formats.table.import_rows import Assembler, RowError, SourceRow, check_columns
from ontolabel.formats.table.options import ParquetOptions

MAGIC = b"PAR1"
ENCODING_KEY = b"ontolabel.encoding"
TABLE_KEY = b"ontolabel.table"
READ_BATCH = 8192

_ARROW: dict[ColumnType, pa.DataType] = {
    "int": pa.int64(),
    "float": pa.float64(),
    "str": pa.string(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "list": pa.list_(pa.string()),
    "json": pa.string(),
}


def schema_of(columns: list[tuple[str, ColumnType]]) -> pa.Schema:
    fields = [
        pa.field(
            name,
            _ARROW[kind],
            metadata={ENCODING_KEY: b"cell"}
            if kind == "json" and name != GEOMETRY_COLUMN
            else None,
        )
        for name, kind in columns
    ]
    return pa.schema(fields, metadata={TABLE_KEY: b"objects/1"})


def _fits(arrow: pa.DataType, kind: ColumnType) -> bool:
    """Whether a column of a file (maybe written by pandas) can hold the values ``kind`` means."""
    if pa.types.is_null(arrow):
        return True  # a column with no values at all
    if kind in ("int", "float"):
        # pandas writes a whole-number column with empty cells as floats (NaN for empty)
        return bool(pa.types.is_floating(arrow) or pa.types.is_integer(arrow))
    return bool(pa.types.is_string(arrow) or pa.types.is_large_string(arrow))


class _Writer:
    def __init__(self, out: BinaryIO, columns: list[tuple[str, ColumnType]], rows_per_group: int):
        self.columns = columns
        self.schema = schema_of(columns)
        self.rows_per_group = rows_per_group
        self.writer = pq.ParquetWriter(out, self.schema, compression="zstd")
        self.batch: dict[str, list[Any]] = {name: [] for name, _ in columns}
        self.count = 0

    def add(self, row: dict[str, Any]) -> None:
        for name, kind in self.columns:
            value = row.get(name)
            if kind == "json" and name != GEOMETRY_COLUMN:  # the geometry is JSON text already
                value = encode_attribute(value) if value is not None else None
            self.batch[name].append(value)
        self.count += 1
        if self.count >= self.rows_per_group:
            self.flush()

    def flush(self) -> None:
        if self.count:
            table = pa.Table.from_pydict(self.batch, schema=self.schema)
            self.writer.write_table(table, row_group_size=self.count)
            for values in self.batch.values():
                values.clear()
            self.count = 0

    def close(self) -> None:
        self.flush()
        self.writer.close()


def _numbers(
    values: list[Any], column: str, whole: bool, errors: dict[int, list[RowError]]
) -> list[Any]:
    """A float column's values: NaN (pandas' empty number) is empty; a whole-number column
    written as floats (pandas does so when it has gaps) gives whole numbers back."""
    out: list[Any] = []
    for i, value in enumerate(values):
        if value is None or not math.isfinite(value):
            out.append(None)
        elif not whole:
            out.append(value)
        elif value.is_integer():
            out.append(int(value))
        else:
            errors.setdefault(i, []).append(
                RowError(f"{column} must be a whole number, got {value}", column)
            )
            out.append(None)
    return out


def _geometries(values: list[Any], errors: dict[int, list[RowError]]) -> list[Any]:
    out: list[Any] = []
    for i, value in enumerate(values):
        try:
            out.append(loads_strict(value) if isinstance(value, str) else value)
        except ValueError as exc:
            errors.setdefault(i, []).append(RowError(f"not valid JSON: {exc}", GEOMETRY_COLUMN))
            out.append(None)
    return out


@register
class ParquetTableFormat(Format[ParquetOptions]):
    name = "parquet"
    title = "Objects table (Parquet, one row per object, typed columns)"
    extension = ".parquet"
    media_type = "application/vnd.apache.parquet"
    modalities = frozenset(Modality)
    kinds = frozenset(GeometryKind)
    options_model = ParquetOptions

    def detect(self, path: Path) -> Detection:
        with path.open("rb") as f:
            if f.read(4) != MAGIC:
                return Detection(0.0, "not a Parquet file (no PAR1 mark)")
        try:
            names = set(pq.read_schema(path).names)
        except (pa.ArrowException, OSError) as exc:
            return Detection(0.0, f"a damaged Parquet file: {exc}")
        if {"class", "object_id"} <= names and names & {GEOMETRY_COLUMN, "geometry_kind"}:
            return Detection(0.95, "a Parquet table with class, object_id and geometry columns")
        return Detection(0.2, "a Parquet file, but without the objects table's columns")

    def read(self, path: Path, policy: ErrorPolicy) -> Iterator[ImportRecord]:
        file = path.name
        try:
            parquet = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as exc:
            raise FormatError(
                f"not a readable Parquet file: {exc}", location=Location(file=file)
            ) from exc
        schema = parquet.schema_arrow
        check_columns(schema.names, file, policy, Location(file=file, path="schema"))
        cell_columns: set[str] = set()
        for column in schema:
            if column.metadata and column.metadata.get(ENCODING_KEY) == b"cell":
                cell_columns.add(column.name)
            kind = FIXED_TYPES.get(column.name)
            if kind is not None and kind != "json" and not _fits(column.type, kind):
                raise FormatError(
                    f"column {column.name!r} is {column.type}; the objects table has {kind} there",
                    location=Location(file=file, path=column.name),
                )
        known = [n for n in schema.names if n in FIXED_TYPES or attribute_name(n) is not None]
        rows = self._rows(parquet, known, cell_columns, file)
        yield from Assembler(path, policy, schema.names).records(rows)

    def _rows(
        self, parquet: pq.ParquetFile, known: list[str], cell_columns: set[str], file: str
    ) -> Iterator[SourceRow]:
        schema = parquet.schema_arrow
        index = 0
        try:
            for batch in parquet.iter_batches(batch_size=READ_BATCH, columns=known):
                # column by column: only the columns that need it are converted
                errors: dict[int, list[RowError]] = {}
                columns = {}
                for name in known:
                    kind = schema.field(name).type
                    values = batch.column(name).to_pylist()
                    if pa.types.is_floating(kind):
                        values = _numbers(values, name, FIXED_TYPES.get(name) == "int", errors)
                    elif pa.types.is_date(kind):
                        # as date attributes read from CSV or JSON: ISO text
                        values = [v.isoformat() if v is not None else None for v in values]
                    elif name in cell_columns:
                        values = [decode_attribute(v) if isinstance(v, str) else v for v in values]
                    elif name == GEOMETRY_COLUMN:
                        values = _geometries(values, errors)
                    columns[name] = values
                for i in range(batch.num_rows):

                    def at(column: str | None, index: int = index) -> Location:
                        where = f"row {index}" + (f", column {column}" if column else "")
                        return Location(file=file, path=where)

                    values = {name: column[i] for name, column in columns.items()}
                    yield SourceRow(at, values, f"row {index}", errors.get(i, []))
                    index += 1
        except (pa.ArrowException, OSError) as exc:
            raise FormatError(
                f"cannot read the Parquet data: {exc}",
                location=Location(file=file, path=f"row {index}"),
            ) from exc

    def write(
        self,
        records: Iterable[ExportRecord],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: ParquetOptions,
        media: MediaSource | None = None,
    ) -> WriteStats:
        maker = RowMaker(ontology, options)
        writer = _Writer(out, maker.columns(), options.row_group_rows)
        for row in maker.rows(records):
            writer.add(row)
        writer.close()
        return maker.stats
