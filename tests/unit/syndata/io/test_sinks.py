from __future__ import annotations

import datetime as dt
import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from syndata.errors import OutputError
from syndata.io import (
    FORMATS,
    DatabaseSink,
    ForeignKeySpec,
    SqlScriptSink,
    TableSpec,
    iter_batches,
    open_sink,
    read_table,
    render,
)

FILE_FORMATS = ("csv", "json", "jsonl", "parquet")


def write_in_batches(sink, spec: TableSpec, table: pa.Table, size: int = 3):
    """Write ``table`` as several batches: tables, a RecordBatch and an empty batch."""
    sink.open_table(spec)
    sink.write(spec.name, table.slice(0, 0))
    for index, offset in enumerate(range(0, table.num_rows, size)):
        part = table.slice(offset, size)
        sink.write(spec.name, part.to_batches()[0] if index == 1 else part)
    return sink.close_table(spec.name)


def files_in(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_round_trip_with_schema_is_exact(tmp_path, fmt, sample, sample_spec):
    with open_sink(fmt, output_dir=tmp_path) as sink:
        output = write_in_batches(sink, sample_spec, sample)
    assert output.rows == sample.num_rows
    assert output.location == str(tmp_path / f"customers.{fmt}")
    assert files_in(tmp_path) == [f"customers.{fmt}"]

    back = read_table(output.location, schema=sample.schema)
    assert back.equals(sample), back.to_pylist()

    batches = list(iter_batches(output.location, batch_size=4, schema=sample.schema))
    assert [b.num_rows for b in batches] == [4, 4, 2]
    assert pa.concat_tables(batches).equals(sample)


@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_round_trip_without_schema_keeps_values(tmp_path, fmt, sample, sample_spec):
    with open_sink(fmt, output_dir=tmp_path) as sink:
        write_in_batches(sink, sample_spec, sample)
    back = read_table(tmp_path / f"customers.{fmt}")
    assert back.column_names == sample.column_names
    assert back["id"].to_pylist() == sample["id"].to_pylist()
    assert back["name"].to_pylist() == sample["name"].to_pylist()  # "" and None stay distinct
    assert back["active"].to_pylist() == sample["active"].to_pylist()
    assert back["price"].to_pylist() == sample["price"].to_pylist()


def test_close_returns_all_finished_tables(tmp_path, sample, sample_spec):
    other = TableSpec("orders", pa.schema([("id", pa.int64())]))
    with open_sink("csv", output_dir=tmp_path) as sink:
        write_in_batches(sink, sample_spec, sample)
        write_in_batches(sink, other, pa.table({"id": [1, 2]}))
        outputs = sink.close()
    assert [(o.name, o.rows) for o in outputs] == [("customers", 10), ("orders", 2)]


def test_csv_format_details(tmp_path, sample, sample_spec):
    with open_sink("csv", output_dir=tmp_path) as sink:
        write_in_batches(sink, sample_spec, sample)
    text = (tmp_path / "customers.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == '"id","price","name","active","born","created","amount"'
    assert text.count('"id"') == 1  # header once, although written in several batches
    assert lines[1] == '1,-3.1,"plain",true,1950-01-01,2024-02-29 23:59:58.123456,0.00'
    assert '"it\'s"' in text and '"say ""hi"""' in text


def test_json_is_one_array_with_iso_dates_and_string_decimals(tmp_path, sample, sample_spec):
    with open_sink("json", output_dir=tmp_path) as sink:
        write_in_batches(sink, sample_spec, sample)
    records = json.loads((tmp_path / "customers.json").read_text(encoding="utf-8"))
    assert isinstance(records, list) and len(records) == 10
    assert records[0] == {
        "id": 1,
        "price": -3.1,
        "name": "plain",
        "active": True,
        "born": "1950-01-01",
        "created": "2024-02-29T23:59:58.123456",
        "amount": "0.00",
    }
    assert records[5]["name"] == "Zoë 日本 🎉"
    assert records[6]["name"] == "" and records[7]["name"] is None
    assert records[9]["name"] == "tab\there\r\n"


def test_jsonl_has_one_record_per_line(tmp_path, sample, sample_spec):
    with open_sink("jsonl", output_dir=tmp_path) as sink:
        write_in_batches(sink, sample_spec, sample)
    lines = (tmp_path / "customers.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 10
    assert [json.loads(line)["name"] for line in lines] == sample["name"].to_pylist()


@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_empty_table(tmp_path, fmt, sample, sample_spec):
    with open_sink(fmt, output_dir=tmp_path) as sink:
        sink.open_table(sample_spec)
        output = sink.close_table("customers")
    assert output.rows == 0
    back = read_table(output.location, schema=sample.schema)
    assert back.num_rows == 0 and back.schema.equals(sample.schema)


def test_json_non_finite_floats_become_null(tmp_path):
    table = pa.table({"x": [1.5, float("nan"), float("inf"), None]})
    with open_sink("jsonl", output_dir=tmp_path) as sink:
        write_in_batches(sink, TableSpec("t", table.schema), table)
    lines = (tmp_path / "t.jsonl").read_text().splitlines()
    assert [json.loads(line)["x"] for line in lines] == [1.5, None, None, None]


def test_parquet_keeps_types_and_compresses_with_snappy(tmp_path, sample, sample_spec):
    import pyarrow.parquet as pq

    with open_sink("parquet", output_dir=tmp_path) as sink:
        write_in_batches(sink, sample_spec, sample)
    meta = pq.ParquetFile(tmp_path / "customers.parquet").metadata
    assert meta.num_rows == 10
    assert meta.row_group(0).column(0).compression == "SNAPPY"
    assert pq.read_schema(tmp_path / "customers.parquet").equals(sample.schema)


# ----------------------------------------------------------------- atomic writes


@pytest.mark.parametrize("fmt", FORMATS)
def test_abort_leaves_no_temp_and_no_final_file(tmp_path, fmt, sample, sample_spec):
    sink = open_sink(fmt, output_dir=tmp_path)
    sink.open_table(sample_spec)
    sink.write("customers", sample)
    assert len(files_in(tmp_path)) == 1
    assert files_in(tmp_path)[0].startswith(f".customers.{fmt}.tmp-")
    sink.abort()
    assert files_in(tmp_path) == []


def test_exception_in_with_block_aborts(tmp_path, sample, sample_spec):
    with pytest.raises(RuntimeError), open_sink("parquet", output_dir=tmp_path) as sink:
        sink.open_table(sample_spec)
        sink.write("customers", sample)
        raise RuntimeError("generator failed")
    assert files_in(tmp_path) == []


def test_finished_tables_survive_abort(tmp_path, sample, sample_spec):
    sink = open_sink("csv", output_dir=tmp_path)
    write_in_batches(sink, sample_spec, sample)
    sink.open_table(TableSpec("orders", pa.schema([("id", pa.int64())])))
    sink.abort()
    assert files_in(tmp_path) == ["customers.csv"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_existing_file_fails_and_stays_unchanged(tmp_path, fmt, sample_spec):
    existing = tmp_path / f"customers.{fmt}"
    existing.write_text("precious")
    sink = open_sink(fmt, output_dir=tmp_path)
    with pytest.raises(OutputError) as info:
        sink.open_table(sample_spec)
    message = str(info.value)
    assert str(existing) in message and "--if-exists replace" in message
    assert existing.read_text() == "precious"
    assert files_in(tmp_path) == [f"customers.{fmt}"]


def test_file_appearing_while_writing_is_not_overwritten(tmp_path, sample, sample_spec):
    sink = open_sink("csv", output_dir=tmp_path)
    sink.open_table(sample_spec)
    sink.write("customers", sample)
    (tmp_path / "customers.csv").write_text("someone else")
    with pytest.raises(OutputError, match="already exists"):
        sink.close_table("customers")
    assert (tmp_path / "customers.csv").read_text() == "someone else"
    assert files_in(tmp_path) == ["customers.csv"]


def test_replace_overwrites_existing_file(tmp_path, sample, sample_spec):
    (tmp_path / "customers.csv").write_text("old")
    with open_sink("csv", output_dir=tmp_path, if_exists="replace") as sink:
        write_in_batches(sink, sample_spec, sample)
    assert read_table(tmp_path / "customers.csv", schema=sample.schema).equals(sample)
    assert files_in(tmp_path) == ["customers.csv"]


def test_output_dir_is_created(tmp_path, sample, sample_spec):
    target = tmp_path / "a" / "b"
    with open_sink("jsonl", output_dir=target) as sink:
        write_in_batches(sink, sample_spec, sample)
    assert files_in(target) == ["customers.jsonl"]


# ----------------------------------------------------------------- misuse


def test_unknown_format_lists_known_ones(tmp_path):
    with pytest.raises(OutputError) as info:
        open_sink("xlsx", output_dir=tmp_path)
    assert all(fmt in str(info.value) for fmt in FORMATS)


def test_file_format_needs_output_dir():
    with pytest.raises(OutputError, match="output-dir"):
        open_sink("csv")


@pytest.mark.parametrize("if_exists", ["append", "skip"])
def test_file_sinks_reject_other_if_exists(tmp_path, if_exists):
    with pytest.raises(OutputError, match="fail, replace"):
        open_sink("csv", output_dir=tmp_path, if_exists=if_exists)


def test_db_format_needs_url_and_builds_database_sink(tmp_path):
    with pytest.raises(OutputError, match="db-url"):
        open_sink("db")
    sink = open_sink("db", db_url=f"sqlite:///{tmp_path / 'x.db'}")
    assert isinstance(sink, DatabaseSink)
    assert sink.close() == []


def test_batch_missing_a_column_is_rejected(tmp_path, sample, sample_spec):
    sink = open_sink("csv", output_dir=tmp_path)
    sink.open_table(sample_spec)
    with pytest.raises(OutputError, match="lacks column"):
        sink.write("customers", sample.drop_columns(["name"]))
    assert files_in(tmp_path) == []


def test_batch_columns_are_reordered_and_cast(tmp_path):
    spec = TableSpec("t", pa.schema([("a", pa.int64()), ("b", pa.string())]))
    with open_sink("parquet", output_dir=tmp_path) as sink:
        sink.open_table(spec)
        sink.write("t", pa.table({"b": ["x"], "a": pa.array([7], pa.int32())}))
        sink.close_table("t")
    assert read_table(tmp_path / "t.parquet").to_pylist() == [{"a": 7, "b": "x"}]


@pytest.mark.parametrize("name", ["../evil", ".hidden", "a/b", ""])
def test_table_names_must_be_file_names(tmp_path, name):
    sink = open_sink("csv", output_dir=tmp_path)
    with pytest.raises(OutputError, match="file name"):
        sink.open_table(TableSpec(name, pa.schema([("a", pa.int64())])))


def test_write_to_unopened_table_fails(tmp_path, sample):
    sink = open_sink("csv", output_dir=tmp_path)
    with pytest.raises(OutputError, match="not open"):
        sink.write("customers", sample)


def test_close_with_open_table_discards_it(tmp_path, sample, sample_spec):
    sink = open_sink("csv", output_dir=tmp_path)
    sink.open_table(sample_spec)
    sink.write("customers", sample)
    with pytest.raises(OutputError, match="never closed"):
        sink.close()
    assert files_in(tmp_path) == []


# ----------------------------------------------------------------- SQL scripts


def family_specs(sample: pa.Table) -> tuple[TableSpec, TableSpec, pa.Table]:
    parent = TableSpec("customers", sample.schema, primary_key=("id",), not_null=("id",))
    orders = pa.table(
        {
            "order_id": pa.array(range(100, 120), pa.int64()),
            "customer_id": pa.array([1 + i % 10 for i in range(20)], pa.int64()),
            "code": [f"O-{i}" for i in range(20)],
        }
    )
    child = TableSpec(
        "orders",
        orders.schema,
        primary_key=("order_id",),
        foreign_keys=(ForeignKeySpec("customer_id", "customers", "id"),),
        unique=("code",),
        not_null=("customer_id",),
    )
    return parent, child, orders


def test_sql_script_runs_in_sqlite(tmp_path, sample):
    parent, child, orders = family_specs(sample)
    with open_sink("sql", output_dir=tmp_path, sql_dialect="sqlite") as sink:
        write_in_batches(sink, parent, sample)
        write_in_batches(sink, child, orders, size=7)
    script = (tmp_path / "orders.sql").read_text(encoding="utf-8")
    assert "FOREIGN KEY(customer_id) REFERENCES customers (id)" in script
    assert "UNIQUE (code)" in script and "PRIMARY KEY (order_id)" in script

    db = tmp_path / "out.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.executescript((tmp_path / "customers.sql").read_bytes().decode("utf-8"))
        conn.executescript(script)
        assert conn.execute("select count(*) from orders").fetchone() == (20,)
        names = [row[0] for row in conn.execute("select name from customers order by id")]
        assert names == sample["name"].to_pylist()
    url = f"sqlite:///{db}"
    assert read_table("customers", db_url=url, schema=sample.schema).equals(sample)
    assert read_table(f"{url}#orders").equals(orders)


def test_sql_script_batches_inserts(tmp_path):
    table = pa.table({"id": pa.array(range(2500), pa.int64())})
    with SqlScriptSink(tmp_path, dialect="sqlite") as sink:
        write_in_batches(sink, TableSpec("t", table.schema), table, size=2500)
    script = (tmp_path / "t.sql").read_text()
    assert script.count("INSERT INTO t (id) VALUES") == 3
    with sqlite3.connect(":memory:") as conn:
        conn.executescript(script)
        assert conn.execute("select count(*), sum(id) from t").fetchone() == (
            2500,
            sum(range(2500)),
        )


def test_sql_script_quotes_identifiers(tmp_path):
    table = pa.table({"select": [1], "Mixed Case": ["x"]})
    with open_sink("sql", output_dir=tmp_path) as sink:
        write_in_batches(sink, TableSpec("order", table.schema), table)
    script = (tmp_path / "order.sql").read_text()
    assert 'INSERT INTO "order" ("select", "Mixed Case") VALUES' in script


def test_unknown_sql_dialect(tmp_path):
    with pytest.raises(OutputError, match="postgresql, sqlite, mysql"):
        open_sink("sql", output_dir=tmp_path, sql_dialect="oracle")


def test_unsupported_type_is_reported(tmp_path):
    table = pa.table({"tags": pa.array([["a"]], pa.list_(pa.string()))})
    sink = open_sink("sql", output_dir=tmp_path)
    with pytest.raises(OutputError, match="tags"):
        sink.open_table(TableSpec("t", table.schema))
    assert files_in(tmp_path) == []


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        ("postgresql", ["'it''s'", "'back\\slash'", "TRUE", "'NaN'", "'-Infinity'", "NULL"]),
        ("sqlite", ["'it''s'", "'back\\slash'", "1", "NULL", "NULL", "NULL"]),
        ("mysql", ["'it''s'", "'back\\\\slash'", "1", "NULL", "NULL", "NULL"]),
    ],
)
def test_sql_literals_per_dialect(dialect, expected):
    strings = render.sql_literals(pa.array(["it's", "back\\slash"]), dialect)
    bools = render.sql_literals(pa.array([True]), dialect)
    floats = render.sql_literals(pa.array([float("nan"), float("-inf"), None]), dialect)
    assert [*strings.to_pylist(), *bools.to_pylist(), *floats.to_pylist()] == expected


def test_sql_literals_for_dates_timestamps_and_decimals():
    date = render.sql_literals(pa.array([dt.date(2024, 1, 2)]), "postgresql")
    stamp = render.sql_literals(
        pa.array([dt.datetime(2024, 1, 2, 3, 4, 5, 6)], pa.timestamp("us", tz="UTC")), "postgresql"
    )
    number = render.sql_literals(pa.array([Decimal("-12345678901234.56")]), "postgresql")
    assert date.to_pylist() == ["'2024-01-02'"]
    assert stamp.to_pylist() == ["'2024-01-02 03:04:05.000006+00:00'"]
    assert number.to_pylist() == ["-12345678901234.56"]


def test_json_escapes_control_characters():
    values = render.json_values(pa.array(["\x01\x1f", 'q"\\', None]))
    assert [json.loads(v) for v in values.to_pylist()] == ["\x01\x1f", 'q"\\', None]


def test_mysql_script_uses_backticks_and_indexable_keys(tmp_path):
    table = pa.table({"code": ["a\\b"], "order": ["x"], "ok": [True]})
    spec = TableSpec("t", table.schema, primary_key=("code",))
    with open_sink("sql", output_dir=tmp_path, sql_dialect="mysql") as sink:
        write_in_batches(sink, spec, table)
    script = (tmp_path / "t.sql").read_text()
    assert "code VARCHAR(255) NOT NULL" in script and "`order` TEXT" in script
    assert "INSERT INTO t (code, `order`, ok) VALUES\n('a\\\\b','x',1);" in script
