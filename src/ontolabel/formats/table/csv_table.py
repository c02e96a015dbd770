"""The objects table as CSV (RFC 4180, UTF-8): one row per object, for spreadsheets and pandas.

Cells: numbers as Python writes them (floats in their shortest exact form), empty for
"not set"; attribute cells as in ``columns.encode_attribute`` (so ``"12"`` stays text and
``12`` a number); the ``geometry`` cell is JSON. A UTF-8 byte-order mark (as Excel writes)
is accepted on import.

A text cell that a spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return: a class, file or id name, a transcript, a text attribute)
is written behind a quote mark, ``'=HYPERLINK(...)``, which spreadsheets show as the text it
is; import takes the mark off again, so the table still reads back exactly. Numbers are
never marked (``-2.5`` stays a number).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

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
    ATTRIBUTE_PREFIX,
    FIXED_TYPES,
    GEOMETRY_COLUMN,
    decode_attribute,
    encode_attribute,
    loads_strict,
)
from ontolabel.formats.table.export_rows import RowMaker
from ontolabel.formats.table.import_rows import Assembler, RowError, SourceRow, check_columns
from ontolabel.formats.table.options import CsvOptions

HEAD_BYTES = 64 << 10
MAX_CELL = 1 << 30


class _Utf8:
    """A text sink over the binary output (``csv.writer`` wants ``write(str)``)."""

    def __init__(self, out: BinaryIO):
        self.out = out

    def write(self, text: str) -> int:
        return self.out.write(text.encode("utf-8"))


# how a cell that spreadsheets run as a formula starts (the OWASP "CSV injection" list)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard_formula(cell: str) -> str:
    """``cell`` behind a quote mark when it starts like a formula, or is such a cell behind
    quote marks already (so that ``unguard_formula`` gives back exactly ``cell``)."""
    return "'" + cell if cell.lstrip("'").startswith(_FORMULA_START) else cell


def unguard_formula(cell: str) -> str:
    if cell.startswith("'") and cell.lstrip("'").startswith(_FORMULA_START):
        return cell[1:]
    return cell


def _plain(value: Any) -> str:
    # floats in their shortest form that reads back exactly
    return repr(value) if isinstance(value, float) else str(value)


def _text(value: Any) -> str:
    return guard_formula(str(value))


def _attribute(value: Any) -> str:
    # text is marked, numbers are not: an analyst's -2.5 stays a number in the spreadsheet
    cell = encode_attribute(value)
    return guard_formula(cell) if isinstance(value, str) else cell


def _encoder(column: str) -> Callable[[Any], str]:
    if column.startswith(ATTRIBUTE_PREFIX):
        return _attribute
    return _text if FIXED_TYPES.get(column) == "str" else _plain


def _decode(cell: str, column: str) -> Any:
    """A cell in its column's type; ValueError (with a readable message) when it is not."""
    if column.startswith(ATTRIBUTE_PREFIX):
        return decode_attribute(unguard_formula(cell))
    if cell == "":
        return None
    kind = FIXED_TYPES[column]
    if kind == "int":
        try:
            return int(cell)
        except ValueError:
            raise ValueError(f"{column} must be a whole number, got {cell!r}") from None
    if kind == "float":
        try:
            value = float(cell)
        except ValueError:
            raise ValueError(f"{column} must be a number, got {cell!r}") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{column} must be a finite number, got {cell!r}")
        return value
    if kind == "json":
        try:
            return loads_strict(cell)
        except ValueError as exc:
            raise ValueError(f"{column} is not valid JSON: {exc}") from None
    return unguard_formula(cell) if kind == "str" else cell


class _Lines:
    """The file's lines as text, decoded one by one so that bad UTF-8 is found on its line;
    a leading byte-order mark (as Excel writes) is dropped."""

    def __init__(self, f: BinaryIO, file: str):
        self.f = f
        self.file = file
        self.count = 0

    def __iter__(self) -> Iterator[str]:
        for raw in self.f:
            self.count += 1
            if self.count == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise FormatError(
                    f"not UTF-8 text: {exc.reason} at byte {exc.start} of the line",
                    location=Location(file=self.file, line=self.count),
                ) from exc


@register
class CsvTableFormat(Format[CsvOptions]):
    name = "csv"
    title = "Objects table (CSV, one row per object)"
    extension = ".csv"
    media_type = "text/csv"
    modalities = frozenset(Modality)
    kinds = frozenset(GeometryKind)
    options_model = CsvOptions

    def detect(self, path: Path) -> Detection:
        with path.open("rb") as f:
            head = f.read(HEAD_BYTES)
        first = head.split(b"\n", 1)[0].rstrip(b"\r")
        try:
            text = first.decode("utf-8-sig")
        except UnicodeDecodeError:
            return Detection(0.0, "the first line is not UTF-8 text")
        columns = next(csv.reader([text]), [])
        have = set(columns)
        if not {"class"} <= have or not have & {GEOMETRY_COLUMN, "geometry_kind"}:
            return Detection(0.0, "no CSV header with class and geometry (or geometry_kind)")
        if not have & {"external_id", "item_id"}:
            return Detection(0.3, "a CSV header with class and geometry, but no item column")
        if "object_id" in have:
            return Detection(0.9, "a CSV header with class, object_id and geometry columns")
        return Detection(0.7, "a CSV header with class, geometry and item columns")

    def read(self, path: Path, policy: ErrorPolicy) -> Iterator[ImportRecord]:
        file = path.name
        # a mask's geometry JSON can be far longer than the csv module's default cell limit
        # (128 KiB); the limit is the module's, so it is only ever raised
        csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL))
        with path.open("rb") as f:
            lines = _Lines(f, file)
            reader = csv.reader(lines)
            header = self._next(reader, lines)
            if header is None:
                raise FormatError("the file is empty", location=Location(file=file))
            check_columns(header, file, policy, Location(file=file, line=1))
            known = [
                (i, c)
                for i, c in enumerate(header)
                if c in FIXED_TYPES or c.startswith(ATTRIBUTE_PREFIX)
            ]
            rows = self._rows(reader, lines, header, known, file)
            yield from Assembler(path, policy, header).records(rows)

    def _next(self, reader: Any, lines: _Lines) -> list[str] | None:
        try:
            cells: list[str] | None = next(reader, None)
        except csv.Error as exc:
            raise FormatError(
                f"not readable as CSV: {exc}", location=Location(file=lines.file, line=lines.count)
            ) from exc
        return cells

    def _rows(
        self,
        reader: Any,
        lines: _Lines,
        header: list[str],
        known: list[tuple[int, str]],
        file: str,
    ) -> Iterator[SourceRow]:
        while True:
            start = lines.count + 1
            cells = self._next(reader, lines)
            if cells is None:
                return
            if not cells:
                continue  # a blank line

            def at(column: str | None, start: int = start) -> Location:
                return Location(file=file, line=start, path=column)

            row = SourceRow(at, {}, f"line {start}")
            if len(cells) != len(header):
                row.errors.append(
                    RowError(f"the row has {len(cells)} cells, the header has {len(header)}")
                )
            values = row.values
            for index, column in known:
                cell = cells[index] if index < len(cells) else ""
                if cell == "":
                    values[column] = None
                    continue
                try:
                    values[column] = _decode(cell, column)
                except ValueError as exc:
                    row.errors.append(RowError(str(exc), column))
            yield row

    def write(
        self,
        records: Iterable[ExportRecord],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: CsvOptions,
        media: MediaSource | None = None,
    ) -> WriteStats:
        maker = RowMaker(ontology, options)
        names = [name for name, _ in maker.columns()]
        place = {name: (i, _encoder(name)) for i, name in enumerate(names)}
        writer = csv.writer(_Utf8(out))
        writer.writerow(names)
        for row in maker.rows(records):
            # a row sets a few of the columns: only those are encoded
            cells = [""] * len(names)
            for name, value in row.items():
                if value is not None:
                    index, encode = place[name]
                    cells[index] = encode(value)
            writer.writerow(cells)
        return maker.stats
