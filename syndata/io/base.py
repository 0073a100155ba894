"""Neutral table descriptions and the :class:`Sink` interface every writer implements.

The generator describes each table with a :class:`TableSpec` and hands batches
(``pyarrow.Table`` or ``pyarrow.RecordBatch``) to a sink. Tables are opened,
written and closed one after another in dependency order (parents first)::

    with open_sink("csv", output_dir="out") as sink:
        sink.open_table(spec)
        for batch in batches:
            sink.write(spec.name, batch)
        sink.close_table(spec.name)

Leaving the ``with`` block normally calls :meth:`Sink.close`; an exception calls
:meth:`Sink.abort`, which removes temporary files or rolls back the open table.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Self

import pyarrow as pa

from syndata.errors import OutputError

FILE_IF_EXISTS = ("fail", "replace")
DB_IF_EXISTS = ("fail", "replace", "append")


@dataclass(frozen=True)
class ForeignKeySpec:
    """A column of a child table that refers to a column of a parent table."""

    column: str
    parent_table: str
    parent_column: str


@dataclass(frozen=True)
class TableSpec:
    """Everything a sink needs to know about one table before rows arrive.

    ``schema`` fixes the column order and the arrow types (int64, float64, string,
    bool, date32, timestamp('us'), decimal128(p, s), ...). The constraint tuples
    name columns of ``schema``.
    """

    name: str
    schema: pa.Schema
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKeySpec, ...] = ()
    unique: tuple[str, ...] = ()
    not_null: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableOutput:
    """A finished table: its name, row count and where it was stored.

    ``location`` is a file path, or ``"<db_url>#<table>"`` for a database table
    (the password in the URL is masked).
    """

    name: str
    rows: int
    location: str


class Sink(ABC):
    """Destination for generated tables; usable as a context manager."""

    @abstractmethod
    def open_table(self, spec: TableSpec) -> None:
        """Prepare to receive rows of ``spec``; fails before anything is written."""

    @abstractmethod
    def write(self, table_name: str, batch: pa.Table | pa.RecordBatch) -> None:
        """Store one batch of rows of an open table."""

    @abstractmethod
    def close_table(self, table_name: str) -> TableOutput:
        """Finish an open table and make it visible under its final name."""

    @abstractmethod
    def abort(self) -> None:
        """Discard open tables (temporary files, open transactions); never raises."""

    @abstractmethod
    def close(self) -> list[TableOutput]:
        """Release resources and return every table finished by this sink."""

    def _refuse_unclosed(self, open_tables: Iterable[str], undone: str) -> None:
        """OutputError (after ``abort``) when tables are still open at ``close``."""
        names = ", ".join(open_tables)
        if names:
            self.abort()
            raise OutputError(
                f"table(s) {names} were opened but never closed and have been {undone}; "
                "call close_table for every table before close"
            )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def check_if_exists(value: str, allowed: tuple[str, ...], where: str) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise :class:`OutputError`."""
    if value not in allowed:
        raise OutputError(
            f"if_exists={value!r} is not supported for {where}; use one of {', '.join(allowed)}"
        )
    return value


def conform_batch(spec: TableSpec, batch: pa.Table | pa.RecordBatch) -> pa.Table:
    """Return ``batch`` as a table with exactly the columns and types of ``spec.schema``.

    Columns are reordered by name and cast safely when their types differ; a
    missing column or an impossible cast raises :class:`OutputError`.
    """
    table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
    schema = spec.schema
    if table.schema.equals(schema, check_metadata=False):
        return table
    missing = [name for name in schema.names if name not in table.column_names]
    if missing:
        raise OutputError(
            f"batch for table {spec.name} lacks column(s) {', '.join(missing)}; "
            "every batch must carry all columns of the table spec"
        )
    columns = []
    for field in schema:
        column = table.column(field.name)
        if not column.type.equals(field.type):
            try:
                column = column.cast(field.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise OutputError(
                    f"column {spec.name}.{field.name} has type {column.type} but the table "
                    f"spec says {field.type} ({exc}); generate values of the declared type"
                ) from exc
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=schema)
