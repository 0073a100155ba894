"""SQLAlchemy tables from :class:`~syndata.io.base.TableSpec`, dialects and database URLs."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import URL, Dialect, make_url
from sqlalchemy.exc import ArgumentError

from syndata.errors import OutputError
from syndata.io.base import TableSpec

SQL_DIALECTS = ("postgresql", "sqlite", "mysql")
_DIALECT_ALIASES = {"postgres": "postgresql", "pg": "postgresql", "mariadb": "mysql"}


def dialect_name(name: str) -> str:
    """Return the canonical dialect name for ``name``, or raise :class:`OutputError`."""
    canonical = _DIALECT_ALIASES.get(name.lower(), name.lower())
    if canonical not in SQL_DIALECTS:
        raise OutputError(f"unknown SQL dialect {name!r}; use one of {', '.join(SQL_DIALECTS)}")
    return canonical


def get_dialect(name: str) -> Dialect:
    """Return a SQLAlchemy dialect object (no database driver is needed)."""
    canonical = dialect_name(name)
    if canonical == "postgresql":
        from sqlalchemy.dialects import postgresql

        make: Callable[[], Dialect] = postgresql.dialect  # untyped in SQLAlchemy's stubs
        return make()
    if canonical == "mysql":
        from sqlalchemy.dialects import mysql

        return mysql.dialect()
    from sqlalchemy.dialects import sqlite

    return sqlite.dialect()


# a column's SQL type, by the Python values it holds
SqlType = (
    sa.types.TypeEngine[bool]
    | sa.types.TypeEngine[int]
    | sa.types.TypeEngine[float]
    | sa.types.TypeEngine[decimal.Decimal]
    | sa.types.TypeEngine[str]
    | sa.types.TypeEngine[datetime.date]
    | sa.types.TypeEngine[datetime.datetime]
    | sa.types.TypeEngine[datetime.time]
)


def sql_type(kind: pa.DataType, dialect: str, is_key: bool = False, column: str = "?") -> SqlType:
    """Map an arrow type to a SQLAlchemy type; ``is_key`` marks key/unique columns."""
    if pa.types.is_boolean(kind):
        return sa.Boolean()
    if pa.types.is_integer(kind):
        if kind.bit_width <= 16 and pa.types.is_signed_integer(kind):
            return sa.SmallInteger()
        if kind.bit_width <= 16 or (kind.bit_width == 32 and pa.types.is_signed_integer(kind)):
            return sa.Integer()
        return sa.BigInteger()
    if pa.types.is_floating(kind):
        return sa.REAL() if kind.bit_width <= 32 else sa.Double()
    if pa.types.is_decimal(kind):
        return sa.Numeric(kind.precision, kind.scale)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        # MySQL cannot index TEXT without a length.
        return sa.String(255) if dialect == "mysql" and is_key else sa.Text()
    if pa.types.is_date(kind):
        return sa.Date()
    if pa.types.is_timestamp(kind):
        return sa.DateTime(timezone=kind.tz is not None)
    if pa.types.is_time(kind):
        return sa.Time()
    raise OutputError(
        f"column {column} has arrow type {kind}, which has no SQL column type; "
        "generate int, float, decimal, string, "
        "bool, date or timestamp columns for SQL output"
    )


def build_table(spec: TableSpec, dialect: str, db_schema: str | None = None) -> sa.Table:
    """Build the SQLAlchemy table of ``spec`` with all its declared constraints.

    Referenced parent tables are added to the same metadata as stubs holding only
    the referenced column, which is all the ``REFERENCES`` clause needs.
    """
    metadata = sa.MetaData(schema=db_schema)
    key_columns = set(spec.primary_key) | set(spec.unique)
    key_columns |= {fk.column for fk in spec.foreign_keys}
    names = set(spec.schema.names)
    used = key_columns | set(spec.not_null)
    unknown = sorted(used - names)
    if unknown:
        raise OutputError(
            f"table {spec.name} declares constraints on unknown column(s) {', '.join(unknown)}; "
            "constraints must name columns of the table"
        )
    columns = [
        sa.Column(
            field.name,
            sql_type(field.type, dialect, field.name in key_columns, f"{spec.name}.{field.name}"),
            nullable=field.name not in spec.not_null and field.name not in spec.primary_key,
            autoincrement=False,
        )
        for field in spec.schema
    ]
    constraints: list[sa.schema.Constraint] = []
    if spec.primary_key:
        constraints.append(sa.PrimaryKeyConstraint(*spec.primary_key))
    constraints.extend(sa.UniqueConstraint(name) for name in spec.unique)
    table = sa.Table(spec.name, metadata, *columns, *constraints)
    for fk in spec.foreign_keys:
        if fk.parent_table == spec.name:
            parent = table
        else:
            key = f"{db_schema}.{fk.parent_table}" if db_schema else fk.parent_table
            found = metadata.tables.get(key)  # a Table has no truth value: no `or` here
            parent = found if found is not None else sa.Table(fk.parent_table, metadata)
        if fk.parent_column not in parent.c:
            if parent is table:
                raise OutputError(
                    f"foreign key {spec.name}.{fk.column} refers to unknown column "
                    f"{spec.name}.{fk.parent_column}; refer to a column of the table"
                )
            kind = sql_type(spec.schema.field(fk.column).type, dialect, True)
            parent.append_column(sa.Column(fk.parent_column, kind))
        table.append_constraint(sa.ForeignKeyConstraint([fk.column], [parent.c[fk.parent_column]]))
    return table


def create_table_sql(table: sa.Table, dialect: Dialect) -> str:
    """Return the ``CREATE TABLE`` statement of ``table`` for ``dialect``."""
    return str(sa.schema.CreateTable(table).compile(dialect=dialect)).strip()


def parse_db_url(db_url: str) -> URL:
    """Parse ``db_url``, mapping plain PostgreSQL URLs to the psycopg 3 driver."""
    try:
        url = make_url(db_url)
    except ArgumentError as exc:
        raise OutputError(
            f"invalid database URL {db_url!r}: {exc}; use e.g. "
            "postgresql://user@127.0.0.1:5432/db or sqlite:///path/to/file.db"
        ) from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def display_url(url: URL) -> str:
    """Return ``url`` as text with the password masked and the default driver left out."""
    if url.drivername == "postgresql+psycopg":
        url = url.set(drivername="postgresql")
    return url.render_as_string(hide_password=True)


def connect_engine(url: URL) -> sa.Engine:
    """Create an engine; SQLite gets foreign keys enforced and transactional DDL."""
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _on_begin(connection: sa.Connection) -> None:
            connection.exec_driver_sql("BEGIN")

    return engine
