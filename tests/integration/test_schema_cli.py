"""Relational schemas from the command line: detect, fit, sample to files and databases."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

import model_registry
from syndata.cli import app
from syndata.errors import DataReadError
from syndata.io.sqlschema import parse_db_url
from syndata.metadata import Relationship
from syndata.relations import detect_metadata

ROOT = Path(__file__).resolve().parents[2]
BUILDERS = ROOT / "tests" / "unit" / "syndata" / "models"
TABLES = ("airlines", "airports", "planes", "flights", "weather")
DEST = "flights.dest -> airports.faa"
TAILNUM = "flights.tailnum -> planes.tailnum"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A registry in its own SYNDATA_HOME, shared by this module's tests."""
    path = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SYNDATA_HOME", str(path))
        mp.delenv("MLFLOW_TRACKING_URI", raising=False)
        mp.delenv("MLFLOW_REGISTRY_URI", raising=False)
        mp.syspath_prepend(str(BUILDERS))
        yield path


@pytest.fixture(scope="module")
def nyc_dir(home, tmp_path_factory) -> Path:
    """The nycflights13 slice as a folder: flights in Parquet, the other tables in CSV."""
    import schema_builders

    folder = tmp_path_factory.mktemp("nyc")
    for name, frame in schema_builders.nyc().items():
        if name == "flights":
            frame.to_parquet(folder / f"{name}.parquet", index=False)
        else:
            frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def nyc_model(nyc_dir) -> str:
    """Model 'nyc' fitted from the folder, orphan foreign keys set to null."""
    result = run(
        "fit", "--data", nyc_dir, "--model", "hierarchical", "--name", "nyc", "--orphans", "null"
    )
    assert result.exit_code == 0, result.output
    assert "model nyc version 1" in result.output
    assert "consistency " in result.output and "rule(s) the real rows obey" in result.output
    return "nyc"


def read_folder(folder: Path) -> dict[str, pd.DataFrame]:
    return {path.stem: pd.read_parquet(path) for path in sorted(folder.glob("*.parquet"))}


def assert_foreign_keys_resolve(tables: dict[str, pd.DataFrame], relationships) -> None:
    for rel in relationships:
        child = tables[rel.child_table][rel.child_key].dropna()
        assert len(child) > 0, rel.name
        assert child.isin(tables[rel.parent_table][rel.parent_key]).all(), rel.name


# ---------------------------------------------------------------------- folder of files


def test_schema_command_prints_relationships_and_writes_metadata(nyc_dir, tmp_path):
    target = tmp_path / "meta.json"
    result = run("schema", "--data", nyc_dir, "--output", target)
    assert result.exit_code == 0, result.output
    assert "5 relationship(s):" in result.output
    for name in (
        "flights.carrier -> airlines.carrier",
        TAILNUM,
        "flights.origin -> airports.faa",
        DEST,
        "weather.origin -> airports.faa",
    ):
        assert name in result.output
    assert "2 integrity problems" in result.output and "orphan row(s)" in result.output
    meta = json.loads(target.read_text())
    keys = {t["name"]: t["primary_key"] for t in meta["tables"]}
    assert keys == {
        "airlines": "carrier",
        "airports": "faa",
        "planes": "tailnum",
        "flights": None,
        "weather": None,
    }
    assert len(meta["relationships"]) == 5
    assert {
        "parent_table": "airports",
        "parent_key": "faa",
        "child_table": "flights",
        "child_key": "dest",
    } in meta["relationships"]


def test_fit_stops_on_orphans_and_names_the_fix(nyc_dir):
    result = run("fit", "--data", nyc_dir, "--model", "hierarchical", "--name", "orphaned")
    assert result.exit_code == 5, result.output
    assert f"{DEST}: 151 orphan row(s)" in result.output
    assert TAILNUM in result.output
    assert "--orphans drop" in result.output and "--orphans null" in result.output
    with pytest.raises(DataReadError, match="no model named 'orphaned'"):
        model_registry.load_model("orphaned")


def test_fit_with_null_orphans_registers_a_version(nyc_model):
    shown = json.loads(run("models", "show", nyc_model).output)
    version = shown["versions"][0]
    assert str(version["version"]) == "1"
    assert version["params"]["orphans"] == "null"
    assert version["metrics"]["tables"] == 5
    assert version["metrics"]["quality.overall"] > 0.8  # measured 0.873
    quality = version["artifacts"]["quality"]
    assert version["metrics"]["quality.consistency"] == pytest.approx(quality["consistency"])
    flights = quality["tables"]["flights"]
    assert flights["constraints"] and flights["consistency"] is not None
    assert {"real_violation_share", "synthetic_violation_share"} <= set(flights["constraints"][0])
    integrity = version["artifacts"]["integrity"]  # of the real data, before the fix
    assert {o["relationship"]: o["orphan_rows"] for o in integrity["orphans"]}[DEST] == 151
    listing = run("models", "list")
    assert "nyc" in listing.output and "hierarchical" in listing.output


def test_sample_scale_writes_every_table_with_resolving_keys(nyc_model, nyc_dir, tmp_path):
    out = tmp_path / "out"
    result = run(
        "sample",
        "--model",
        nyc_model,
        "--scale",
        "0.5",
        "--output-dir",
        out,
        "-f",
        "parquet",
        "--seed",
        "1",
    )
    assert result.exit_code == 0, result.output
    tables = read_folder(out)
    assert set(tables) == set(TABLES)
    model = model_registry.load_model(nyc_model)
    assert_foreign_keys_resolve(tables, model.metadata_.relationships)
    for name in TABLES:
        assert abs(len(tables[name]) - 0.5 * model.rows_[name]) <= 1, name
    assert tables["airports"]["faa"].is_unique and tables["planes"]["tailnum"].is_unique
    again = model.sample(0.5, seed=1)  # the CLI's rows are the Python API's rows
    assert len(again["flights"]) == len(tables["flights"])
    assert again["flights"]["dest"].tolist() == tables["flights"]["dest"].tolist()


def test_sample_rows_of_one_table(nyc_model, tmp_path):
    out = tmp_path / "out"
    result = run(
        "sample",
        "--model",
        nyc_model,
        "--table",
        "flights",
        "--rows",
        "500",
        "--output-dir",
        out,
        "-f",
        "parquet",
        "--seed",
        "2",
    )
    assert result.exit_code == 0, result.output
    tables = read_folder(out)
    assert len(tables["flights"]) == 500
    assert 140 <= len(tables["airports"]) <= 152  # 1,458 airports * 500 / 5,000
    assert_foreign_keys_resolve(
        tables, model_registry.load_model(nyc_model).metadata_.relationships
    )


def test_fit_honours_edited_metadata(nyc_dir, nyc_model, tmp_path):
    target = tmp_path / "meta.json"
    assert run("schema", "--data", nyc_dir, "--output", target).exit_code == 0
    meta = json.loads(target.read_text())
    orphaned = {("flights", "dest"), ("flights", "tailnum")}
    meta["relationships"] = [
        r for r in meta["relationships"] if (r["child_table"], r["child_key"]) not in orphaned
    ]
    target.write_text(json.dumps(meta))
    # without those two relationships there is no orphan: no --orphans needed
    result = run(
        "fit",
        "--data",
        nyc_dir,
        "--model",
        "hierarchical",
        "--name",
        "nyc_edit",
        "--metadata",
        target,
    )
    assert result.exit_code == 0, result.output
    assert "3 relationship(s):" in result.output and DEST not in result.output
    model = model_registry.load_model("nyc_edit")
    assert {r.name for r in model.metadata_.relationships} == {
        "flights.carrier -> airlines.carrier",
        "flights.origin -> airports.faa",
        "weather.origin -> airports.faa",
    }


def test_unreadable_metadata_file_is_an_input_error(nyc_dir, tmp_path):
    target = tmp_path / "meta.json"
    target.write_text("{not json")
    result = run(
        "fit", "--data", nyc_dir, "--model", "hierarchical", "--name", "x", "--metadata", target
    )
    assert result.exit_code == 5, result.output  # the CLI's code for unreadable input
    assert "cannot read metadata" in result.output and "syndata schema" in result.output


# ---------------------------------------------------------------------- SQLite with declared keys


def shelter_db(path: Path) -> str:
    """owners <- pets <- visits, linked by declared FOREIGN KEYs whose names do not agree."""
    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    owners = sa.Table(
        "owners",
        meta,
        sa.Column("oid", sa.Integer, primary_key=True),
        sa.Column("age", sa.Float),
        sa.Column("city", sa.String),
    )
    pets = sa.Table(
        "pets",
        meta,
        sa.Column("pid", sa.Integer, primary_key=True),
        sa.Column("keeper", sa.Integer, sa.ForeignKey("owners.oid")),
        sa.Column("weight", sa.Float),
        sa.Column("species", sa.String),
    )
    visits = sa.Table(
        "visits",
        meta,
        sa.Column("vid", sa.Integer, primary_key=True),
        sa.Column("animal", sa.Integer, sa.ForeignKey("pets.pid")),
        sa.Column("cost", sa.Float),
    )
    meta.create_all(engine)
    n_owners, n_pets, n_visits = 120, 300, 700
    with engine.begin() as conn:
        conn.execute(
            owners.insert(),
            [
                {
                    "oid": 1000 + i,
                    "age": 20.0 + (i * 7) % 50,
                    "city": ["Oslo", "Rome", "Lima"][i % 3],
                }
                for i in range(n_owners)
            ],
        )
        conn.execute(
            pets.insert(),
            [
                {
                    "pid": 5000 + i,
                    "keeper": 1000 + (i * 13) % n_owners,
                    "weight": 2.0 + (i * 3) % 30,
                    "species": ["cat", "dog"][i % 2],
                }
                for i in range(n_pets)
            ],
        )
        conn.execute(
            visits.insert(),
            [
                {"vid": 9000 + i, "animal": 5000 + (i * 7) % n_pets, "cost": 30.0 + (i * 11) % 90}
                for i in range(n_visits)
            ],
        )
    engine.dispose()
    return url


SHELTER = {
    Relationship("owners", "oid", "pets", "keeper"),
    Relationship("pets", "pid", "visits", "animal"),
}


def test_sqlite_url_fits_with_declared_foreign_keys(home, tmp_path):
    url = shelter_db(tmp_path / "shelter.db")
    frames = {name: pd.read_sql_table(name, url) for name in ("owners", "pets", "visits")}
    assert detect_metadata(frames).relationships == []  # found only because declared
    result = run("fit", "--data", url, "--model", "hierarchical", "--name", "shelter")
    assert result.exit_code == 0, result.output
    assert "pets.keeper -> owners.oid" in result.output
    assert "visits.animal -> pets.pid" in result.output
    model = model_registry.load_model("shelter")
    assert set(model.metadata_.relationships) == SHELTER
    out = tmp_path / "out"
    result = run(
        "sample", "--model", "shelter", "--scale", "1", "-o", out, "-f", "parquet", "--seed", "0"
    )
    assert result.exit_code == 0, result.output
    tables = read_folder(out)
    assert [len(tables[t]) for t in ("owners", "pets", "visits")] == [120, 300, 700]
    assert_foreign_keys_resolve(tables, SHELTER)


# ---------------------------------------------------------------------- into PostgreSQL


@pytest.mark.postgres
def test_sample_into_postgres_with_foreign_key_constraints(nyc_model, pg_url):
    result = run(
        "sample",
        "--model",
        nyc_model,
        "--db-url",
        pg_url,
        "--if-exists",
        "replace",
        "--scale",
        "0.5",
        "--seed",
        "4",
    )
    assert result.exit_code == 0, result.output
    model = model_registry.load_model(nyc_model)
    expected = {name: len(frame) for name, frame in model.sample(0.5, seed=4).items()}
    engine = sa.create_engine(parse_db_url(pg_url))
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            assert set(inspector.get_table_names()) == set(TABLES)
            declared = {
                (fk["constrained_columns"][0], fk["referred_table"], fk["referred_columns"][0])
                for table in ("flights", "weather")
                for fk in inspector.get_foreign_keys(table)
            }
            assert declared == {
                ("carrier", "airlines", "carrier"),
                ("tailnum", "planes", "tailnum"),
                ("origin", "airports", "faa"),
                ("dest", "airports", "faa"),
            }
            assert {
                (fk["constrained_columns"][0], fk["referred_table"])
                for fk in inspector.get_foreign_keys("weather")
            } == {("origin", "airports")}
            assert inspector.get_pk_constraint("planes")["constrained_columns"] == ["tailnum"]
            counts = {
                name: conn.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar()
                for name in TABLES
            }
            assert counts == expected
            for rel in model.metadata_.relationships:
                orphans, joined = conn.exec_driver_sql(
                    f"SELECT count(*) FILTER (WHERE p.{rel.parent_key} IS NULL), "
                    f"count(p.{rel.parent_key}) FROM {rel.child_table} c "
                    f"LEFT JOIN {rel.parent_table} p ON c.{rel.child_key} = p.{rel.parent_key} "
                    f"WHERE c.{rel.child_key} IS NOT NULL"
                ).one()
                assert orphans == 0 and joined > 0, rel.name
    finally:
        engine.dispose()
