from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from syndata.errors import DataReadError
from syndata.io import iter_batches, read_table


def test_missing_file(tmp_path):
    path = tmp_path / "nope.csv"
    with pytest.raises(DataReadError) as info:
        read_table(path)
    assert str(path) in str(info.value) and "no such file" in str(info.value)


def test_unknown_extension(tmp_path):
    path = tmp_path / "data.xlsx"
    path.write_text("x")
    with pytest.raises(DataReadError) as info:
        read_table(path)
    assert "data.xlsx" in str(info.value) and ".parquet" in str(info.value)


def test_truncated_parquet(tmp_path):
    path = tmp_path / "cut.parquet"
    pq.write_table(pa.table({"a": list(range(1000))}), path)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(DataReadError, match=r"cut\.parquet"):
        read_table(path)
    with pytest.raises(DataReadError, match=r"cut\.parquet"):
        list(iter_batches(path))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bad.json", '[{"a": 1}, {"a": '),
        ("bad.json", '{"a": 1}\n{"a": '),
        ("bad.json", '{"not": "a list"} trailing'),
        ("bad.json", "[1, 2, 3]"),
        ("bad.jsonl", '{"a": 1}\nnot json\n'),
    ],
)
def test_invalid_json(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(DataReadError, match=name):
        read_table(path)


def test_csv_value_not_matching_schema(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a\n1\nx\n")
    with pytest.raises(DataReadError, match=r"t\.csv"):
        read_table(path, schema=pa.schema([("a", pa.int64())]))


def test_json_absent_keys_are_nulls(tmp_path):
    path = tmp_path / "t.json"
    path.write_text('[{"a": 1}, {"a": 2, "b": "x"}]')
    table = read_table(path, schema=pa.schema([("a", pa.int64()), ("b", pa.string())]))
    assert table.to_pylist() == [{"a": 1, "b": None}, {"a": 2, "b": "x"}]


def test_parquet_missing_column_for_schema(tmp_path):
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"a": [1]}), path)
    with pytest.raises(DataReadError, match="column"):
        read_table(path, schema=pa.schema([("a", pa.int64()), ("b", pa.string())]))


def test_json_lines_in_json_file_are_accepted(tmp_path):
    path = tmp_path / "t.json"
    path.write_text('{"a": 1}\n{"a": 2}\n')
    assert read_table(path)["a"].to_pylist() == [1, 2]


def test_csv_empty_field_is_null_and_quoted_empty_is_empty_string(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('s,n\n"",1\n,2\n"NA",\n')
    table = read_table(path)
    assert table["s"].to_pylist() == ["", None, "NA"]
    assert table["n"].to_pylist() == [1, 2, None]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet", "json"])
def test_iter_batches_streams_exact_sizes(tmp_path, fmt):
    from syndata.io import TableSpec, open_sink

    table = pa.table({"a": pa.array(range(1000), pa.int64()), "b": [str(i) for i in range(1000)]})
    with open_sink(fmt, output_dir=tmp_path) as sink:
        sink.open_table(TableSpec("t", table.schema))
        for offset in range(0, 1000, 300):
            sink.write("t", table.slice(offset, 300))
        sink.close_table("t")
    batches = list(iter_batches(tmp_path / f"t.{fmt}", batch_size=128, schema=table.schema))
    assert [b.num_rows for b in batches] == [128] * 7 + [104]
    assert pa.concat_tables(batches).equals(table)


def test_iter_batches_rejects_bad_batch_size(tmp_path):
    with pytest.raises(DataReadError, match="batch_size"):
        list(iter_batches(tmp_path / "t.csv", batch_size=0))


def test_missing_database_table(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    with pytest.raises(DataReadError, match="nothere"):
        read_table(f"{url}#nothere")


def test_database_location_needs_a_table(tmp_path):
    with pytest.raises(DataReadError, match="table"):
        read_table(f"sqlite:///{tmp_path / 'x.db'}")
