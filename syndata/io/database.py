"""Database sink: creates each table with its constraints and loads it in one transaction.

PostgreSQL (psycopg 3) is loaded with ``COPY ... FROM STDIN`` fed with CSV made
by ``pyarrow.csv``: strings are always quoted, so an empty string (``""``) and a
null (empty field) stay distinct. Other databases get batched ``executemany``
inserts. The table's own PRIMARY KEY, NOT NULL, UNIQUE and FOREIGN KEY
constraints check the data.

If anything fails while a table is open, its transaction is rolled back and a
table this sink created is dropped, so the database is left as it was; tables
finished earlier stay committed. With ``if_exists="replace"`` on a database
without transactional DDL (MySQL), the dropped old table cannot be restored.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from typing import NoReturn

import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from syndata.errors import OutputError
from syndata.io.base import (
    DB_IF_EXISTS,
    Sink,
    TableOutput,
    TableSpec,
    check_if_exists,
    conform_batch,
)
from syndata.io.sqlschema import build_table, connect_engine, display_url, parse_db_url

COPY_CHUNK_ROWS = 100_000
INSERT_CHUNK_ROWS = 10_000

_CONSTRAINT_FIX = (
    "the rows violate a constraint declared on the table (foreign key, primary key, unique "
    "or not null): load parent tables first and keep keys unique and present"
)
_GENERIC_FIX = (
    "check that the database is reachable, the URL is right and the user may create and "
    "write tables"
)


def db_message(exc: BaseException) -> str:
    """Return the database's own message of ``exc`` on one line."""
    orig = getattr(exc, "orig", None) or exc
    return " ".join(str(orig).split()) or type(orig).__name__


def _is_integrity_error(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", None) or exc
    return any(cls.__name__ == "IntegrityError" for cls in type(orig).__mro__)


@dataclass(eq=False)  # compared by identity
class _Load:
    """State of one table being loaded."""

    spec: TableSpec
    table: sa.Table
    conn: sa.Connection
    trans: sa.RootTransaction
    created: bool
    rows: int = 0


class DatabaseSink(Sink):
    """Writes tables into a database through SQLAlchemy.

    ``db_url`` like ``postgresql://user@127.0.0.1:5432/db`` (uses psycopg 3) or
    ``sqlite:///path.db``; ``if_exists`` is ``"fail"`` (default), ``"replace"``
    (drop and re-create; ``CASCADE`` on PostgreSQL) or ``"append"``; ``schema``
    is the database schema to create the tables in (default: the connection's).
    """

    def __init__(self, db_url: str, *, if_exists: str = "fail", schema: str | None = None) -> None:
        self.if_exists = check_if_exists(if_exists, DB_IF_EXISTS, "database output")
        self.url = parse_db_url(db_url)
        self.display = display_url(self.url)
        self.schema = schema
        try:
            self.engine = connect_engine(self.url)
        except (SQLAlchemyError, ImportError) as exc:
            raise OutputError(
                f"cannot use database URL {self.display}: {exc}; use e.g. "
                "postgresql://user@127.0.0.1:5432/db or sqlite:///path/to/file.db"
            ) from exc
        self.dialect = self.engine.dialect
        self.use_copy = self.dialect.name == "postgresql" and self.dialect.driver == "psycopg"
        self._open: dict[str, _Load] = {}
        self._done: list[TableOutput] = []

    def _qualified(self, name: str) -> str:
        return f"{self.schema}.{name}" if self.schema else name

    def _drop(self, conn: sa.Connection, table: sa.Table) -> None:
        name = self.dialect.identifier_preparer.format_table(table)
        cascade = " CASCADE" if self.dialect.name == "postgresql" else ""
        conn.exec_driver_sql(f"DROP TABLE {name}{cascade}")

    def open_table(self, spec: TableSpec) -> None:
        """Create (or, per ``if_exists``, replace or reuse) the table and start its transaction."""
        if spec.name in self._open:
            raise OutputError(f"table {spec.name} is already open; close it before reopening it")
        table = build_table(spec, self.dialect.name, self.schema)
        qualified = self._qualified(spec.name)
        try:
            conn = self.engine.connect()
        except SQLAlchemyError as exc:
            raise OutputError(
                f"cannot connect to {self.display}: {db_message(exc)}; {_GENERIC_FIX}"
            ) from exc
        try:
            trans = conn.begin()
            exists = sa.inspect(conn).has_table(spec.name, schema=self.schema)
            load = _Load(spec, table, conn, trans, created=not exists)
            if exists and self.if_exists == "fail":
                raise OutputError(
                    f"table {qualified} already exists in {self.display}; pass --if-exists "
                    "replace to drop and re-create it, --if-exists append to add rows, "
                    "or drop it yourself"
                )
            if exists and self.if_exists == "replace":
                self._drop(conn, table)
            if not exists or self.if_exists == "replace":
                table.create(conn)
        except OutputError:
            conn.close()
            raise
        except SQLAlchemyError as exc:
            conn.close()
            fix = _CONSTRAINT_FIX if _is_integrity_error(exc) else _GENERIC_FIX
            raise OutputError(
                f"cannot create table {qualified} in {self.display}: {db_message(exc)}; {fix}"
            ) from exc
        self._open[spec.name] = load

    def _get(self, table_name: str) -> _Load:
        try:
            return self._open[table_name]
        except KeyError:
            raise OutputError(
                f"table {table_name} is not open; call open_table before writing or closing it"
            ) from None

    def _copy(self, load: _Load, data: pa.Table) -> None:
        preparer = self.dialect.identifier_preparer
        columns = ", ".join(preparer.quote(name) for name in data.column_names)
        statement = f"COPY {preparer.format_table(load.table)} ({columns}) FROM STDIN (FORMAT csv)"
        options = pa_csv.WriteOptions(include_header=False)
        raw = load.conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for offset in range(0, data.num_rows, COPY_CHUNK_ROWS):
                buffer = io.BytesIO()
                pa_csv.write_csv(data.slice(offset, COPY_CHUNK_ROWS), buffer, options)
                copy.write(buffer.getbuffer())

    def _insert(self, load: _Load, data: pa.Table) -> None:
        statement = load.table.insert()
        for offset in range(0, data.num_rows, INSERT_CHUNK_ROWS):
            load.conn.execute(statement, data.slice(offset, INSERT_CHUNK_ROWS).to_pylist())

    def write(self, table_name: str, batch: pa.Table | pa.RecordBatch) -> None:
        """Load one batch inside the table's transaction."""
        load = self._get(table_name)
        try:
            data = conform_batch(load.spec, batch)
            if data.num_rows:
                (self._copy if self.use_copy else self._insert)(load, data)
        except Exception as exc:
            self._fail(load, exc)
        load.rows += data.num_rows

    def close_table(self, table_name: str) -> TableOutput:
        """Commit the table's transaction."""
        load = self._get(table_name)
        try:
            load.trans.commit()
        except Exception as exc:
            self._fail(load, exc)
        load.conn.close()
        del self._open[table_name]
        location = f"{self.display}#{self._qualified(table_name)}"
        output = TableOutput(table_name, load.rows, location)
        self._done.append(output)
        return output

    def _fail(self, load: _Load, exc: Exception) -> NoReturn:
        self._discard(load)
        if isinstance(exc, OutputError):
            raise exc
        qualified = self._qualified(load.spec.name)
        fix = _CONSTRAINT_FIX if _is_integrity_error(exc) else _GENERIC_FIX
        raise OutputError(
            f"cannot load table {qualified} into {self.display}: {db_message(exc)}; "
            f"nothing of this table was kept; fix: {fix}"
        ) from exc

    def _discard(self, load: _Load) -> None:
        """Roll back the load and drop the table if this sink created it and it survived."""
        self._open.pop(load.spec.name, None)
        for step in (load.trans.rollback, load.conn.close):
            with contextlib.suppress(Exception):  # already failing; keep the first error
                step()
        if not load.created:
            return
        try:
            with self.engine.begin() as conn:
                if sa.inspect(conn).has_table(load.spec.name, schema=self.schema):
                    self._drop(conn, load.table)
        except SQLAlchemyError:
            pass

    def abort(self) -> None:
        """Roll back every open table and release the connections."""
        for load in list(self._open.values()):
            self._discard(load)
        self.engine.dispose()

    def close(self) -> list[TableOutput]:
        """Release the connections and return the finished tables."""
        self._refuse_unclosed(self._open, "rolled back")
        self.engine.dispose()
        return list(self._done)
