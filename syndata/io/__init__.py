"""Readers and writers (sinks) of synthetic tables, by format.

Batches are ``pyarrow.Table`` or ``pyarrow.RecordBatch``. :func:`open_sink`
returns a :class:`Sink` for a file format in :data:`FORMATS` or, with
``fmt="db"``, for a database; :func:`read_table` and :func:`iter_batches` read
files and database tables back; :func:`read_tables` reads several tables (a folder
or a database) with their declared foreign keys.
"""

from __future__ import annotations

from pathlib import Path

from syndata.errors import OutputError
from syndata.io.base import ForeignKeySpec, Sink, TableOutput, TableSpec
from syndata.io.database import DatabaseSink
from syndata.io.files import CsvSink, FileSink, JsonLinesSink, JsonSink, ParquetSink
from syndata.io.readers import iter_batches, read_table
from syndata.io.sqlschema import SQL_DIALECTS
from syndata.io.sqlscript import SqlScriptSink
from syndata.io.tables import read_tables

FORMATS = ("csv", "json", "jsonl", "parquet", "sql")
DB_FORMAT = "db"

_FILE_SINKS: dict[str, type[FileSink]] = {
    "csv": CsvSink,
    "json": JsonSink,
    "jsonl": JsonLinesSink,
    "parquet": ParquetSink,
}

__all__ = [
    "DB_FORMAT",
    "FORMATS",
    "SQL_DIALECTS",
    "CsvSink",
    "DatabaseSink",
    "FileSink",
    "ForeignKeySpec",
    "JsonLinesSink",
    "JsonSink",
    "ParquetSink",
    "Sink",
    "SqlScriptSink",
    "TableOutput",
    "TableSpec",
    "iter_batches",
    "open_sink",
    "read_table",
    "read_tables",
]


def open_sink(
    fmt: str,
    *,
    output_dir: str | Path | None = None,
    db_url: str | None = None,
    if_exists: str = "fail",
    sql_dialect: str = "postgresql",
) -> Sink:
    """Return the sink for ``fmt``: a file format of :data:`FORMATS`, or ``"db"``.

    File formats need ``output_dir``; ``"db"`` needs ``db_url``. ``if_exists`` is
    ``"fail"`` or ``"replace"`` (plus ``"append"`` for databases); ``sql_dialect``
    applies to the ``sql`` format.
    """
    name = fmt.lower()
    if name == DB_FORMAT:
        if not db_url:
            raise OutputError("format 'db' needs a database URL; pass --db-url")
        return DatabaseSink(db_url, if_exists=if_exists)
    if name not in FORMATS:
        raise OutputError(
            f"unknown output format {fmt!r}; use one of {', '.join((*FORMATS, DB_FORMAT))}"
        )
    if output_dir is None:
        raise OutputError(f"format {name!r} writes files and needs --output-dir")
    if name == "sql":
        return SqlScriptSink(output_dir, if_exists=if_exists, dialect=sql_dialect)
    return _FILE_SINKS[name](output_dir, if_exists=if_exists)
