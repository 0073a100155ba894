"""SQL script sink: ``<table>.sql`` with ``CREATE TABLE`` and batched multi-row ``INSERT``.

Each script runs in one transaction::

    BEGIN;
    CREATE TABLE "orders" (... PRIMARY KEY ..., FOREIGN KEY ... REFERENCES ...);
    INSERT INTO "orders" ("id", "note") VALUES
    (1,'it''s'),
    (2,NULL);
    COMMIT;

The DDL and identifier quoting come from SQLAlchemy's compiler for the target
dialect (``postgresql``, ``sqlite`` or ``mysql``); values are rendered column by
column with :mod:`syndata.io.render`. Run the scripts of a data set in the order
the tables were written (parents first). MySQL scripts assume the default
``sql_mode`` (backslash is an escape character).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from syndata.io import render
from syndata.io.base import TableSpec
from syndata.io.files import FileSink, TableWriter, TextWriter, slices
from syndata.io.sqlschema import build_table, create_table_sql, dialect_name, get_dialect

ROWS_PER_INSERT = 1_000

_PREAMBLE = {
    "postgresql": "SET standard_conforming_strings = on;\n",
    "mysql": "SET NAMES utf8mb4;\n",
    "sqlite": "",
}


class SqlScriptWriter(TextWriter):
    """Writes the DDL once, then one ``INSERT`` per :data:`ROWS_PER_INSERT` rows."""

    def __init__(self, spec: TableSpec, path: Path, dialect: str) -> None:
        self.dialect = dialect
        sa_dialect = get_dialect(dialect)
        table = build_table(spec, dialect)  # may raise: do it before the file is opened
        ddl = create_table_sql(table, sa_dialect)
        super().__init__(spec, path)
        quote = sa_dialect.identifier_preparer.quote
        columns = ", ".join(quote(name) for name in spec.schema.names)
        self.insert_head = (
            f"INSERT INTO {sa_dialect.identifier_preparer.format_table(table)} ({columns}) VALUES\n"
        )
        header = f"-- table {spec.name} ({dialect})\n{_PREAMBLE[dialect]}BEGIN;\n"
        self.file.write(f"{header}{ddl};\n".encode())

    def write(self, batch: pa.Table) -> None:
        """Append ``INSERT`` statements for the batch."""
        for part in slices(batch):
            for buffer in render.buffers(self.render(part)):
                self.file.write(buffer)

    def render(self, batch: pa.Table) -> render.Column:
        """Render ``batch`` as rows ``(v1,v2)``, with INSERT heads and terminators in place."""
        position = np.arange(batch.num_rows) % ROWS_PER_INSERT
        starts = pa.array(position == 0)
        ends = position == ROWS_PER_INSERT - 1
        ends[-1:] = True
        parts: list[str | render.Column] = [pc.if_else(starts, self.insert_head, "")]
        for index, field in enumerate(batch.schema):
            parts.append("(" if index == 0 else ",")
            parts.append(render.sql_literals(batch.column(index), self.dialect, field.name))
        parts.append(")")
        parts.append(pc.if_else(pa.array(ends), ";\n", ",\n"))
        return render.concat(parts)

    def trailer(self) -> bytes:
        """End the transaction."""
        return b"COMMIT;\n"


class SqlScriptSink(FileSink):
    """SQL scripts for one dialect (default PostgreSQL)."""

    extension = "sql"

    def __init__(
        self, output_dir: str | Path, *, if_exists: str = "fail", dialect: str = "postgresql"
    ) -> None:
        self.dialect = dialect_name(dialect)
        super().__init__(output_dir, if_exists=if_exists)

    def make_writer(self, spec: TableSpec, path: Path) -> TableWriter:
        """Return a SQL script writer for the sink's dialect."""
        return SqlScriptWriter(spec, path, self.dialect)
