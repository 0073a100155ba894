from __future__ import annotations

import datetime as dt
from decimal import Decimal

import psycopg
import pyarrow as pa
import pytest
import sqlalchemy as sa

from syndata.errors import OutputError
from syndata.io import DatabaseSink, ForeignKeySpec, TableSpec, open_sink, read_table
from syndata.io.sqlschema import parse_db_url


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return request.getfixturevalue("pg_url")


def query(url: str, statement: str) -> list[tuple]:
    engine = sa.create_engine(parse_db_url(url))
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.exec_driver_sql(statement)]
    finally:
        engine.dispose()


def tables_in(url: str) -> set[str]:
    engine = sa.create_engine(parse_db_url(url))
    try:
        with engine.connect() as conn:
            return set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()


def customers() -> pa.Table:
    return pa.table(
        {
            "id": pa.array([1, 2, 3, 4], pa.int64()),
            "name": ["Ann", 'it\'s "quoted", ok', "", None],
            "score": [1.5, None, -2.25, 1e-3],
            "vip": [True, False, None, True],
            "born": pa.array([dt.date(1990, 5, 17), None, dt.date(2000, 2, 29), dt.date(1, 1, 1)]),
            "seen": pa.array(
                [dt.datetime(2024, 1, 2, 3, 4, 5, 678901), None, dt.datetime(2024, 1, 1), None],
                pa.timestamp("us"),
            ),
            "balance": pa.array(
                [Decimal("10.50"), Decimal("-0.01"), None, Decimal("99999.99")], pa.decimal128(9, 2)
            ),
        }
    )


CUSTOMERS = TableSpec(
    "customers", customers().schema, primary_key=("id",), not_null=("id",), unique=()
)


def orders(customer_ids: list[int]) -> pa.Table:
    return pa.table(
        {
            "order_id": pa.array(range(100, 100 + len(customer_ids)), pa.int64()),
            "customer_id": pa.array(customer_ids, pa.int64()),
            "code": [f"O-{i}" for i in range(len(customer_ids))],
        }
    )


ORDERS = TableSpec(
    "orders",
    orders([1]).schema,
    primary_key=("order_id",),
    foreign_keys=(ForeignKeySpec("customer_id", "customers", "id"),),
    unique=("code",),
    not_null=("customer_id",),
)


def load(sink: DatabaseSink, spec: TableSpec, table: pa.Table, size: int = 2) -> None:
    sink.open_table(spec)
    for offset in range(0, table.num_rows, size):
        sink.write(spec.name, table.slice(offset, size))
    sink.close_table(spec.name)


def test_parent_and_child_round_trip_with_constraints(db_url):
    with DatabaseSink(db_url) as sink:
        load(sink, CUSTOMERS, customers())
        load(sink, ORDERS, orders([1, 1, 2, 4, 3]))
        outputs = sink.close()
    assert [(o.name, o.rows) for o in outputs] == [("customers", 4), ("orders", 5)]
    assert outputs[0].location.endswith("#customers")

    assert read_table(outputs[0].location, schema=customers().schema).equals(customers())
    assert read_table("orders", db_url=db_url).equals(orders([1, 1, 2, 4, 3]))

    engine = sa.create_engine(parse_db_url(db_url))
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        fks = inspector.get_foreign_keys("orders")
        assert [(fk["constrained_columns"], fk["referred_table"]) for fk in fks] == [
            (["customer_id"], "customers")
        ]
        assert inspector.get_pk_constraint("orders")["constrained_columns"] == ["order_id"]
        uniques = inspector.get_unique_constraints("orders")
        assert [u["column_names"] for u in uniques] == [["code"]]
        nullable = {c["name"]: c["nullable"] for c in inspector.get_columns("orders")}
        assert nullable == {"order_id": False, "customer_id": False, "code": True}
    engine.dispose()


def test_foreign_key_violation_rolls_back_child_and_keeps_parent(db_url):
    sink = DatabaseSink(db_url)
    load(sink, CUSTOMERS, customers())
    sink.open_table(ORDERS)
    sink.write("orders", orders([1, 2]))
    with pytest.raises(OutputError) as info:
        bad = orders([3, 99, 4])
        sink.write("orders", bad.set_column(0, "order_id", pa.array([200, 201, 202])))
        sink.close_table("orders")  # constraint errors may surface at commit
    message = str(info.value).lower()
    assert "orders" in message and "foreign key" in message and "parent tables first" in message
    sink.abort()
    assert tables_in(db_url) == {"customers"}
    assert query(db_url, "SELECT count(*) FROM customers") == [(4,)]


def test_unique_violation_in_later_batch_leaves_nothing(db_url):
    spec = TableSpec("codes", pa.schema([("code", pa.string())]), unique=("code",))
    with pytest.raises(OutputError, match="codes"), DatabaseSink(db_url) as sink:
        sink.open_table(spec)
        sink.write("codes", pa.table({"code": ["a", "b"]}))
        sink.write("codes", pa.table({"code": ["c", "a"]}))
        sink.close_table("codes")
    assert "codes" not in tables_in(db_url)


def test_if_exists_fail_is_checked_before_writing(db_url):
    with DatabaseSink(db_url) as sink:
        load(sink, CUSTOMERS, customers())
    sink = DatabaseSink(db_url)
    with pytest.raises(OutputError) as info:
        sink.open_table(CUSTOMERS)
    message = str(info.value)
    assert "customers" in message and "replace" in message and "append" in message
    sink.close()
    assert query(db_url, "SELECT count(*) FROM customers") == [(4,)]


def test_if_exists_replace_and_append(db_url):
    with DatabaseSink(db_url) as sink:
        load(sink, CUSTOMERS, customers())
    fewer = customers().slice(0, 2)
    with DatabaseSink(db_url, if_exists="replace") as sink:
        load(sink, CUSTOMERS, fewer)
    assert query(db_url, "SELECT id FROM customers ORDER BY id") == [(1,), (2,)]

    more = customers().slice(2)
    with DatabaseSink(db_url, if_exists="append") as sink:
        load(sink, CUSTOMERS, more)
    assert read_table("customers", db_url=db_url, schema=customers().schema).equals(customers())


def test_append_creates_missing_table_and_failed_append_keeps_old_rows(db_url):
    with DatabaseSink(db_url, if_exists="append") as sink:
        load(sink, CUSTOMERS, customers())
    clash = customers().set_column(0, "id", pa.array([5, 6, 7, 1]))  # 1 exists already
    with pytest.raises(OutputError), DatabaseSink(db_url, if_exists="append") as sink:
        load(sink, CUSTOMERS, clash, size=10)
    assert query(db_url, "SELECT id FROM customers ORDER BY id") == [(1,), (2,), (3,), (4,)]


def test_failed_replace_restores_the_old_table(db_url):
    with DatabaseSink(db_url) as sink:
        load(sink, CUSTOMERS, customers())
    duplicate = customers().set_column(0, "id", pa.array([10, 11, 12, 10]))
    with pytest.raises(OutputError), DatabaseSink(db_url, if_exists="replace") as sink:
        load(sink, CUSTOMERS, duplicate, size=10)
    assert query(db_url, "SELECT id FROM customers ORDER BY id") == [(1,), (2,), (3,), (4,)]


def test_nulls_and_empty_strings_stay_distinct(db_url):
    table = pa.table({"id": [1, 2, 3, 4], "s": ["", None, '""', "\\N"]})
    with DatabaseSink(db_url) as sink:
        load(sink, TableSpec("texts", table.schema, primary_key=("id",)), table)
    rows = query(db_url, "SELECT id, s, s IS NULL FROM texts ORDER BY id")
    assert [(r[0], r[1], bool(r[2])) for r in rows] == [
        (1, "", False),
        (2, None, True),
        (3, '""', False),
        (4, "\\N", False),
    ]


def test_200k_rows_in_batches(db_url):
    rows = 200_000
    table = pa.table(
        {
            "id": pa.array(range(rows), pa.int64()),
            "label": pa.array([f'row {i}, "{i % 7}"' for i in range(rows)]),
        }
    )
    spec = TableSpec("big", table.schema, primary_key=("id",))
    with DatabaseSink(db_url) as sink:
        sink.open_table(spec)
        for batch in table.to_batches(max_chunksize=30_000):
            sink.write("big", batch)
        output = sink.close_table("big")
    assert output.rows == rows
    assert query(db_url, "SELECT count(*), sum(id), count(DISTINCT label) FROM big") == [
        (rows, rows * (rows - 1) // 2, rows)
    ]


def test_open_sink_db(db_url):
    with open_sink("db", db_url=db_url) as sink:
        load(sink, CUSTOMERS, customers())
    assert query(db_url, "SELECT count(*) FROM customers") == [(4,)]


def test_schema_option(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    # SQLite's built-in schema "main" stands for any named schema here.
    with DatabaseSink(url, schema="main") as sink:
        load(sink, CUSTOMERS, customers())
        load(sink, ORDERS, orders([1]))
        outputs = sink.close()
    assert outputs[1].location.endswith("#main.orders")
    assert query(url, "SELECT count(*) FROM orders") == [(1,)]


def test_unreachable_database_is_an_output_error():
    sink = DatabaseSink("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(OutputError, match="cannot connect"):
        sink.open_table(CUSTOMERS)
    sink.abort()


def test_invalid_url():
    with pytest.raises(OutputError, match="database URL"):
        DatabaseSink("not a url")


@pytest.mark.postgres
def test_postgres_sql_script_runs_in_postgres(tmp_path, pg_url):
    with open_sink("sql", output_dir=tmp_path) as sink:
        load(sink, CUSTOMERS, customers())
        load(sink, ORDERS, orders([1, 2, 2]))
    with psycopg.connect(pg_url, autocommit=True) as conn:
        for name in ("customers", "orders"):
            conn.execute((tmp_path / f"{name}.sql").read_bytes().decode("utf-8"))
    assert read_table("customers", db_url=pg_url, schema=customers().schema).equals(customers())
    assert read_table("orders", db_url=pg_url).equals(orders([1, 2, 2]))
    assert tables_in(pg_url) == {"customers", "orders"}


@pytest.mark.postgres
def test_postgres_copy_handles_special_values(pg_url):
    table = pa.table(
        {
            "x": [float("nan"), float("inf"), float("-inf"), 0.1],
            "s": ["\\.", "a\r\nb", "tab\tx", "Zoë 日本 🎉"],
            "t": pa.array(
                [dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC), None, None, None],
                pa.timestamp("us", tz="UTC"),
            ),
        }
    )
    with DatabaseSink(pg_url) as sink:
        assert sink.use_copy
        load(sink, TableSpec("special", table.schema), table)
    back = read_table("special", db_url=pg_url)
    assert back["s"].to_pylist() == table["s"].to_pylist()
    assert str(back["x"].to_pylist()) == str(table["x"].to_pylist())
    assert back["t"].to_pylist() == table["t"].to_pylist()


@pytest.mark.postgres
def test_postgres_replace_cascades_to_children(pg_url):
    with DatabaseSink(pg_url) as sink:
        load(sink, CUSTOMERS, customers())
        load(sink, ORDERS, orders([1, 2]))
    with DatabaseSink(pg_url, if_exists="replace") as sink:
        load(sink, CUSTOMERS, customers().slice(0, 1))
    assert query(pg_url, "SELECT count(*) FROM customers") == [(1,)]
    assert query(pg_url, "SELECT count(*) FROM orders") == [(2,)]  # kept, FK dropped by CASCADE
