"""Job outputs: listing, export in every format, zip, frames, and paths kept in the job."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from syndata.errors import ConfigError, JobNotFoundError, OutputError
from syndata.io import read_table
from syndata.jobs.results import (
    EXPORT_FORMATS,
    RESULT_FILE,
    export_table,
    load_result,
    outputs_of,
    save_part_result,
    save_result,
    table_frame,
    zip_outputs,
)

ROOT = Path(__file__).resolve().parents[4]
PENGUINS = ROOT / "examples" / "data" / "penguins.csv"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDATA_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def job(tmp_path):
    """A job folder with a CSV table, a table of two Parquet parts and a report."""
    workdir = tmp_path / "job"
    workdir.mkdir()
    (workdir / "penguins.csv").write_bytes(PENGUINS.read_bytes())
    frame = pd.read_csv(PENGUINS)
    (workdir / "big").mkdir()
    frame.iloc[:200].to_parquet(workdir / "big" / "part-00000.parquet", index=False)
    frame.iloc[200:].to_parquet(workdir / "big" / "part-00001.parquet", index=False)
    (workdir / "quality.json").write_text(json.dumps({"overall": 0.9}))
    result = {
        "outputs": [
            {"table": "penguins", "path": "penguins.csv", "rows": 344, "format": "csv"},
            {"table": "big", "path": "big", "rows": 344, "format": "parquet", "partitioned": True},
            {"table": None, "path": "quality.json", "rows": None, "format": "json"},
        ],
        "rows": 688,
    }
    return workdir, result


def count_rows(path: Path, fmt: str) -> int:
    if fmt == "csv":
        return len(pd.read_csv(path))
    if fmt == "parquet":
        return pq.ParquetFile(path).metadata.num_rows
    if fmt == "jsonl":
        return len([line for line in path.read_text().splitlines() if line.strip()])
    script = "\n".join(
        line for line in path.read_text().splitlines() if not line.startswith("SET ")
    )  # PostgreSQL-only session setting
    con = sqlite3.connect(":memory:")
    con.executescript(script)
    return con.execute(f"SELECT count(*) FROM {path.stem}").fetchone()[0]


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
@pytest.mark.parametrize("table", ["penguins", "big"])
def test_export_each_format_keeps_every_row(job, tmp_path, fmt, table):
    workdir, result = job
    path = export_table(workdir, result, table, fmt, tmp_path / "out")
    assert path == tmp_path / "out" / f"{table}.{fmt}"
    assert count_rows(path, fmt) == 344
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temp files


def test_export_values_round_trip(job, tmp_path):
    workdir, result = job
    parquet = export_table(workdir, result, "penguins", "parquet", tmp_path / "a")
    pd.testing.assert_frame_equal(
        pd.read_parquet(parquet), read_table(PENGUINS).to_pandas()
    )  # nulls stay nulls
    csv = export_table(workdir, result, "big", "csv", tmp_path / "b")
    pd.testing.assert_frame_equal(pd.read_csv(csv), pd.read_csv(PENGUINS))


def test_export_in_the_stored_format_is_a_byte_copy(job, tmp_path):
    workdir, result = job
    path = export_table(workdir, result, "penguins", "CSV", tmp_path / "out")
    assert path.read_bytes() == PENGUINS.read_bytes()


def test_unknown_table_names_the_jobs_tables(job, tmp_path):
    workdir, result = job
    with pytest.raises(JobNotFoundError) as info:
        export_table(workdir, result, "pinguins", "csv", tmp_path / "out")
    assert "pinguins" in str(info.value)
    assert "penguins, big" in str(info.value)
    with pytest.raises(JobNotFoundError):
        table_frame(workdir, result, "quality")


def test_unknown_format_lists_the_formats(job, tmp_path):
    workdir, result = job
    with pytest.raises(ConfigError) as info:
        export_table(workdir, result, "penguins", "xlsx", tmp_path / "out")
    problem = info.value.problems[0]
    assert "xlsx" in problem.message
    assert all(fmt in problem.fix for fmt in EXPORT_FORMATS)
    assert not (tmp_path / "out").exists()


def test_sql_output_is_only_downloadable_as_sql(tmp_path):
    workdir = tmp_path / "job"
    workdir.mkdir()
    (workdir / "t.sql").write_text("BEGIN;\nCOMMIT;\n")
    result = {"outputs": [{"table": "t", "path": "t.sql", "rows": 0, "format": "sql"}]}
    assert (
        export_table(workdir, result, "t", "sql", tmp_path / "o").read_text() == "BEGIN;\nCOMMIT;\n"
    )
    with pytest.raises(OutputError, match="as sql"):
        export_table(workdir, result, "t", "csv", tmp_path / "o")


def test_zip_holds_every_output_file(job, tmp_path):
    workdir, result = job
    save_result(workdir, result)  # the kept result is not an output
    dest = zip_outputs(workdir, result, tmp_path / "zips" / "job.zip")
    with zipfile.ZipFile(dest) as archive:
        assert sorted(archive.namelist()) == [
            "big/part-00000.parquet",
            "big/part-00001.parquet",
            "penguins.csv",
            "quality.json",
        ]
        assert archive.read("penguins.csv") == PENGUINS.read_bytes()
    assert sorted(p.name for p in dest.parent.iterdir()) == ["job.zip"]


def test_outputs_and_frames(job):
    workdir, result = job
    listed = outputs_of(workdir, result)
    assert [o["path"] for o in listed] == ["penguins.csv", "big", "quality.json"]
    assert listed[0]["size"] == PENGUINS.stat().st_size
    assert listed[1]["files"] == ["big/part-00000.parquet", "big/part-00001.parquet"]
    assert listed[1]["size"] == sum((workdir / f).stat().st_size for f in listed[1]["files"])
    pd.testing.assert_frame_equal(
        table_frame(workdir, result, "big"), table_frame(workdir, result, "penguins")
    )
    assert len(table_frame(workdir, result, "big")) == 344


@pytest.mark.parametrize("bad", ["../outside.csv", "sub/../../outside.csv", "link.csv"])
def test_paths_leaving_the_job_folder_are_refused(tmp_path, bad):
    workdir = tmp_path / "job"
    workdir.mkdir()
    outside = tmp_path / "outside.csv"
    outside.write_text("secret\n1\n")
    (workdir / "link.csv").symlink_to(outside)
    result = {"outputs": [{"table": "t", "path": bad, "rows": 1, "format": "csv"}]}
    with pytest.raises(OutputError, match="outside the job folder"):
        export_table(workdir, result, "t", "parquet", tmp_path / "out")
    with pytest.raises(OutputError):
        outputs_of(workdir, result)
    with pytest.raises(OutputError):
        zip_outputs(workdir, result, tmp_path / "x.zip")
    with pytest.raises(OutputError):
        table_frame(workdir, result, "t")
    assert not (tmp_path / "x.zip").exists()


def test_absolute_paths_are_refused(job, tmp_path):
    workdir, _ = job
    result = {
        "outputs": [
            {"table": "t", "path": str(workdir / "penguins.csv"), "rows": 1, "format": "csv"}
        ]
    }
    with pytest.raises(OutputError, match="absolute"):
        table_frame(workdir, result, "t")


def test_load_result_by_job_id(home, tmp_path):
    from syndata.settings import jobs_dir

    workdir = jobs_dir() / "job_0123abcd"
    result = {"outputs": [], "rows": 0, "seed": 3}
    assert save_result(workdir, result) == workdir / RESULT_FILE
    assert load_result("job_0123abcd") == (workdir, result)
    with pytest.raises(JobNotFoundError, match="no finished outputs"):
        load_result("job_ffff")
    for bad in ("job_../x", "../job_1", "job_a/b", "ds_0123456789abcdef"):
        with pytest.raises(JobNotFoundError, match="no job"):
            load_result(bad)


def test_load_result_rebuilds_a_partitioned_job_once_all_parts_are_done(home):
    from syndata.settings import jobs_dir

    workdir = jobs_dir() / "job_parts"

    def part(index, rows):
        return {
            "outputs": [
                {
                    "table": "t",
                    "path": f"t/part-{index:05d}.parquet",
                    "rows": rows,
                    "format": "parquet",
                }
            ],
            "rows": rows,
            "partition": index,
            "model": "m:1",
        }

    save_part_result(workdir, 1, part(1, 10), total_rows=25)
    save_part_result(workdir, 0, part(0, 10), total_rows=25)
    with pytest.raises(JobNotFoundError):  # partition 2 still running
        load_result("job_parts")
    save_part_result(workdir, 2, part(2, 5), total_rows=25)
    folder, merged = load_result("job_parts")
    assert folder == workdir
    assert merged["outputs"] == [
        {
            "table": "t",
            "path": "t",
            "rows": 25,
            "format": "parquet",
            "partitioned": True,
            "parts": 3,
        }
    ]
    assert merged["rows"] == 25 and merged["partitions"] == 3 and merged["model"] == "m:1"
