"""The flat table of objects, for analysis: CSV and Parquet, one row per object, any modality."""

from ontolabel.formats.table.csv_table import CsvTableFormat
from ontolabel.formats.table.options import CsvOptions, ParquetOptions
from ontolabel.formats.table.parquet_table import ParquetTableFormat

__all__ = ["CsvOptions", "CsvTableFormat", "ParquetOptions", "ParquetTableFormat"]
