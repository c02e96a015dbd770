"""Export options of the objects table."""

from __future__ import annotations

from pydantic import Field

from ontolabel.formats.selection import SelectionOptions


class CsvOptions(SelectionOptions):
    """Every selected annotation's objects, one row each (one row per annotator's object)."""


class ParquetOptions(SelectionOptions):
    row_group_rows: int = Field(
        default=50_000,
        ge=1,
        le=1_000_000,
        description="rows per Parquet row group (the writer holds one group in memory)",
    )
