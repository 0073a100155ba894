"""Read tables from files (csv, json, jsonl, parquet) or a database into arrow.

The file format comes from the extension. CSV nulls are empty unquoted fields;
a quoted empty field (``""``) is an empty string, as the CSV sink writes them.
Pass ``schema`` to get exactly the arrow types back (CSV and JSON carry no
types; dates, timestamps and decimals arrive as strings otherwise). In JSON, a
record without a key has a null in that column.

``source`` may also be a database location ``"<db_url>#<table>"`` as returned in
:class:`~syndata.io.base.TableOutput`, or a table name together with ``db_url``.
Every failure raises :class:`~syndata.errors.DataReadError` naming the source.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json
import pyarrow.parquet as pq
import sqlalchemy as sa
from sqlalchemy.exc import NoSuchTableError, SQLAlchemyError

from syndata.errors import DataReadError, OutputError
from syndata.io.sqlschema import connect_engine, display_url, parse_db_url

EXTENSIONS = {
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_BLOCK_SIZE = 8 << 20
_TEXT_TYPES = (pa.types.is_date, pa.types.is_timestamp, pa.types.is_decimal, pa.types.is_time)


def _format_of(path: Path) -> str:
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(EXTENSIONS)
        raise DataReadError(
            f"cannot read {path}: unknown file extension {path.suffix or '(none)'!r}; "
            f"use a file ending in {known}, or pass db_url= to read a database table"
        )
    if not path.is_file():
        raise DataReadError(f"cannot read {path}: no such file; check the path")
    return fmt


def _corrupt(path: Path, fmt: str, exc: BaseException) -> DataReadError:
    return DataReadError(
        f"cannot read {path} as {fmt}: {' '.join(str(exc).split())}; "
        "check that the file is complete and really is " + fmt
    )


def _apply_schema(table: pa.Table, schema: pa.Schema | None, source: object) -> pa.Table:
    """Reorder and cast ``table`` to ``schema``; missing columns are an error."""
    if schema is None:
        return table
    missing = [name for name in schema.names if name not in table.column_names]
    if missing and table.num_rows:
        raise DataReadError(
            f"cannot read {source}: column(s) {', '.join(missing)} missing; "
            "read the file that was written for this table"
        )
    columns = []
    for field in schema:
        if field.name not in table.column_names:
            columns.append(pa.nulls(table.num_rows, field.type))
            continue
        try:
            columns.append(table.column(field.name).cast(field.type))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise DataReadError(
                f"cannot read {source}: column {field.name} does not convert to "
                f"{field.type} ({exc}); check the file matches the expected schema"
            ) from exc
    return pa.Table.from_arrays(columns, schema=schema)


def _rebatch(tables: Iterable[pa.Table | pa.RecordBatch], size: int) -> Iterator[pa.Table]:
    """Regroup a stream of tables into tables of exactly ``size`` rows (the last may be short)."""
    pending: list[pa.Table] = []
    rows = 0
    yielded = False
    for item in tables:
        table = pa.Table.from_batches([item]) if isinstance(item, pa.RecordBatch) else item
        pending.append(table)
        rows += table.num_rows
        while rows >= size:
            merged = pa.concat_tables(pending)
            yield merged.slice(0, size)
            yielded = True
            rest = merged.slice(size)
            pending, rows = [rest], rest.num_rows
    if rows or not yielded:
        yield pa.concat_tables(pending) if pending else pa.table({})


# ---------------------------------------------------------------- CSV


def _csv_options(
    schema: pa.Schema | None, block_size: int
) -> tuple[pa_csv.ReadOptions, pa_csv.ConvertOptions]:
    read = pa_csv.ReadOptions(block_size=block_size)
    convert = pa_csv.ConvertOptions(
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
        column_types={field.name: field.type for field in schema} if schema else None,
    )
    return read, convert


def _csv_batches(path: Path, schema: pa.Schema | None) -> Iterator[pa.Table]:
    read, convert = _csv_options(schema, _BLOCK_SIZE)
    try:
        with pa_csv.open_csv(path, read_options=read, convert_options=convert) as reader:
            for batch in reader:
                yield _apply_schema(pa.Table.from_batches([batch]), schema, path)
    except pa.ArrowException as exc:
        raise _corrupt(path, "csv", exc) from exc


def _read_csv(path: Path, schema: pa.Schema | None) -> pa.Table:
    read, convert = _csv_options(schema, _BLOCK_SIZE)
    try:
        table = pa_csv.read_csv(path, read_options=read, convert_options=convert)
    except pa.ArrowException as exc:
        raise _corrupt(path, "csv", exc) from exc
    return _apply_schema(table, schema, path)


# ---------------------------------------------------------------- JSON


def _json_parse_schema(schema: pa.Schema) -> pa.Schema:
    """Return the schema JSON is parsed with: text-encoded types as strings, floats as double."""
    fields = []
    for field in schema:
        kind = field.type
        if any(check(kind) for check in _TEXT_TYPES):
            kind = pa.string()
        elif pa.types.is_floating(kind):
            kind = pa.float64()
        fields.append(pa.field(field.name, kind))
    return pa.schema(fields)


def _jsonl_batches(path: Path, schema: pa.Schema | None) -> Iterator[pa.Table]:
    parse = pa_json.ParseOptions(
        explicit_schema=_json_parse_schema(schema) if schema else None,
        unexpected_field_behavior="ignore" if schema else "infer",
    )
    read = pa_json.ReadOptions(block_size=_BLOCK_SIZE)
    try:
        if path.stat().st_size == 0:
            yield _apply_schema(pa.table({}), schema, path)
            return
        for batch in pa_json.open_json(path, read_options=read, parse_options=parse):
            yield _apply_schema(pa.Table.from_batches([batch]), schema, path)
    except pa.ArrowException as exc:
        raise _corrupt(path, "jsonl", exc) from exc


def _read_json_array(path: Path, schema: pa.Schema | None) -> pa.Table:
    try:
        with open(path, encoding="utf-8") as handle:
            head = handle.read(1)
            while head.isspace():
                head = handle.read(1)
            if head == "{":  # JSON Lines in a .json file
                return _concat(list(_jsonl_batches(path, schema)), path)
            handle.seek(0)
            records = json.load(handle)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _corrupt(path, "json", exc) from exc
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DataReadError(
            f"cannot read {path} as json: expected an array of objects (records); "
            "write the file as [{...}, {...}] or as JSON Lines (.jsonl)"
        )
    try:
        if schema is None:
            return pa.Table.from_pylist(records)
        parse_schema = _json_parse_schema(schema)
        columns = {
            field.name: pa.array([r.get(field.name) for r in records], field.type)
            for field in parse_schema
        }
        return _apply_schema(pa.table(columns), schema, path)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise _corrupt(path, "json", exc) from exc


# ---------------------------------------------------------------- Parquet


def _parquet_batches(path: Path, schema: pa.Schema | None, size: int) -> Iterator[pa.Table]:
    try:
        parquet = pq.ParquetFile(path)
        for batch in parquet.iter_batches(batch_size=size):
            yield _apply_schema(pa.Table.from_batches([batch]), schema, path)
    except (pa.ArrowException, OSError) as exc:
        raise _corrupt(path, "parquet", exc) from exc


def _read_parquet(path: Path, schema: pa.Schema | None) -> pa.Table:
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise _corrupt(path, "parquet", exc) from exc
    return _apply_schema(table, schema, path)


# ---------------------------------------------------------------- databases


def _arrow_type(sql_type: sa.types.TypeEngine[Any]) -> pa.DataType | None:
    """Return the arrow type for a reflected column type, or None to infer it."""
    if isinstance(sql_type, sa.Boolean):
        return pa.bool_()
    if isinstance(sql_type, sa.Integer):
        return pa.int64()
    if isinstance(sql_type, sa.Float):
        return pa.float64()
    if isinstance(sql_type, sa.Numeric):
        if sql_type.precision and sql_type.precision <= 38:
            return pa.decimal128(sql_type.precision, sql_type.scale or 0)
        return None
    if isinstance(sql_type, sa.DateTime):
        return pa.timestamp("us", tz="UTC" if sql_type.timezone else None)
    if isinstance(sql_type, sa.Date):
        return pa.date32()
    if isinstance(sql_type, sa.String):
        return pa.string()
    return None


def _split_location(
    source: str | Path, table: str | None, db_url: str | None
) -> tuple[str, str] | None:
    """Return ``(db_url, table)`` if ``source`` names a database table, else None."""
    text = str(source)
    if db_url is None and "://" in text:
        db_url, _, located = text.rpartition("#") if "#" in text else (text, "", "")
        table = table or located or None
    elif db_url is not None:
        table = table or text
    else:
        return None
    if not table:
        raise DataReadError(
            f"cannot read {text}: no table given; pass table= or use '<db_url>#<table>'"
        )
    return db_url, table


def _db_batches(
    db_url: str, table: str, db_schema: str | None, size: int, schema: pa.Schema | None
) -> Iterator[pa.Table]:
    try:
        url = parse_db_url(db_url)
    except OutputError as exc:
        raise DataReadError(str(exc)) from exc
    where = f"table {table} in {display_url(url)}"
    try:
        engine = connect_engine(url)
    except (SQLAlchemyError, ImportError) as exc:
        raise DataReadError(f"cannot read {where}: {exc}; check the database URL") from exc
    try:
        with engine.connect() as conn:
            reflected = sa.Table(table, sa.MetaData(), schema=db_schema, autoload_with=conn)
            types = [_arrow_type(column.type) for column in reflected.columns]
            names = [column.name for column in reflected.columns]
            result = conn.execution_options(yield_per=size).execute(sa.select(reflected))
            empty = True
            for rows in result.partitions():
                empty = False
                columns = [pa.array([row[i] for row in rows], kind) for i, kind in enumerate(types)]
                yield _apply_schema(pa.table(dict(zip(names, columns, strict=True))), schema, where)
            if empty:
                columns = [pa.array([], kind or pa.null()) for kind in types]
                yield _apply_schema(pa.table(dict(zip(names, columns, strict=True))), schema, where)
    except NoSuchTableError as exc:
        raise DataReadError(f"cannot read {where}: no such table; check the name") from exc
    except (SQLAlchemyError, pa.ArrowException) as exc:
        raise DataReadError(
            f"cannot read {where}: {' '.join(str(exc).split())}; "
            "check the URL, that the database is running and the table is readable"
        ) from exc
    finally:
        engine.dispose()


# ---------------------------------------------------------------- public API


def iter_batches(
    source: str | Path,
    batch_size: int = 100_000,
    *,
    table: str | None = None,
    db_url: str | None = None,
    db_schema: str | None = None,
    schema: pa.Schema | None = None,
) -> Iterator[pa.Table]:
    """Yield ``source`` as tables of ``batch_size`` rows (the last may be shorter).

    CSV, JSON Lines, Parquet and database tables are streamed; a JSON array is
    read whole and then sliced. ``schema`` casts every batch to those types.
    """
    if batch_size < 1:
        raise DataReadError(f"batch_size must be at least 1, got {batch_size}")
    location = _split_location(source, table, db_url)
    stream: Iterable[pa.Table]
    if location is not None:
        stream = _db_batches(*location, db_schema, batch_size, schema)
    else:
        path = Path(source)
        fmt = _format_of(path)
        if fmt == "csv":
            stream = _csv_batches(path, schema)
        elif fmt == "jsonl":
            stream = _jsonl_batches(path, schema)
        elif fmt == "parquet":
            stream = _parquet_batches(path, schema, batch_size)
        else:
            stream = [_read_json_array(path, schema)]
    try:
        yield from _rebatch(stream, batch_size)
    except pa.ArrowException as exc:
        raise _mixed_types(source, exc) from exc


def _mixed_types(source: object, exc: BaseException) -> DataReadError:
    return DataReadError(
        f"cannot read {source}: column types differ between parts of the data "
        f"({' '.join(str(exc).split())}); pass schema= to fix the column types"
    )


def read_table(
    source: str | Path,
    *,
    table: str | None = None,
    db_url: str | None = None,
    db_schema: str | None = None,
    schema: pa.Schema | None = None,
) -> pa.Table:
    """Read a whole file or database table into one ``pyarrow.Table``.

    ``source`` is a file path (format from its extension), a database location
    ``"<db_url>#<table>"``, or a table name when ``db_url`` is given. ``schema``
    casts the result to those types and column order.
    """
    location = _split_location(source, table, db_url)
    if location is not None:
        batches = list(_db_batches(*location, db_schema, 100_000, schema))
        return _concat(batches, source)
    path = Path(source)
    fmt = _format_of(path)
    if fmt == "csv":
        return _read_csv(path, schema)
    if fmt == "parquet":
        return _read_parquet(path, schema)
    if fmt == "jsonl":
        return _concat(list(_jsonl_batches(path, schema)), path)
    return _read_json_array(path, schema)


def _concat(tables: list[pa.Table], source: object) -> pa.Table:
    try:
        return pa.concat_tables(tables)
    except pa.ArrowException as exc:
        raise _mixed_types(source, exc) from exc
