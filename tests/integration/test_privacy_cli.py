"""Personal data end to end: scan, refuse, plan, mask, regenerate, audit, from the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from faker import Faker
from typer.testing import CliRunner

from syndata.cli import app

runner = CliRunner()
PII = ("full_name", "email", "phone", "ssn")


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDATA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SYNDATA_MASKING_SECRET", "a-long-enough-test-secret-0123456789")
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("SYNDATA_AUDIT_LOG", raising=False)
    return tmp_path / "home"


@pytest.fixture(scope="module")
def people_csv(tmp_path_factory) -> Path:
    fake = Faker("en_US")
    fake.seed_instance(7)
    rng = np.random.default_rng(7)
    n = 600
    frame = pd.DataFrame(
        {
            "full_name": [fake.name() for _ in range(n)],
            "email": [fake.email() for _ in range(n)],
            "phone": [fake.phone_number() for _ in range(n)],
            "ssn": [fake.ssn() for _ in range(n)],
            "age": rng.integers(18, 90, n),
            "income": rng.lognormal(10, 0.4, n).round(2),
            "segment": rng.choice(["retail", "business", "vip"], n, p=[0.6, 0.3, 0.1]),
        }
    )
    path = tmp_path_factory.mktemp("people") / "people.csv"
    frame.to_csv(path, index=False)
    return path


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def _originals(path: Path) -> dict[str, set[str]]:
    frame = pd.read_csv(path, dtype=str)
    return {c: set(frame[c].dropna()) for c in PII}


def test_fit_without_a_plan_stops_and_lists_the_columns_and_choices(home, people_csv):
    result = run("fit", "--data", people_csv, "--name", "people", "--no-attacks")
    assert result.exit_code == 7, result.output
    for column in PII:
        assert column in result.output
    for choice in ("mask", "regenerate", "allow", "drop", "--plan", "--pii regenerate"):
        assert choice in result.output
    assert not (home / "mlartifacts").exists() or not any((home / "mlartifacts").rglob("*.pkl"))


def test_regenerated_pii_never_reaches_the_output(home, people_csv, tmp_path):
    result = run(
        "fit", "--data", people_csv, "--name", "people", "--pii", "regenerate", "--no-attacks"
    )
    assert result.exit_code == 0, result.output
    assert "full_name regenerated" in result.output
    assert "Privacy verdict" in result.output
    out = tmp_path / "out"
    assert (
        run("sample", "--model", "people", "--rows", "2000", "--seed", "3", "-o", out).exit_code
        == 0
    )
    synthetic = pd.read_csv(out / "people.csv", dtype=str)
    originals = _originals(people_csv)
    for column in PII:
        assert synthetic[column].notna().mean() > 0.95
        assert not set(synthetic[column].dropna()) & originals[column], column
    # the learned columns are still learned
    assert set(synthetic["segment"]) == {"retail", "business", "vip"}


def test_a_plan_masks_regenerates_and_drops(home, people_csv, tmp_path):
    plan = {
        "columns": {
            "full_name": {"action": "mask", "operator": "fake", "entity": "PERSON"},
            "email": {"action": "regenerate", "entity": "EMAIL_ADDRESS"},
            "phone": {"action": "mask", "operator": "partial", "keep_last": 2},
            "ssn": "drop",
        }
    }
    plan_path = tmp_path / "plan.yaml"
    plan_path.write_text(yaml.safe_dump(plan))
    result = run(
        "fit", "--data", people_csv, "--name", "people", "--plan", plan_path, "--no-attacks"
    )
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    assert (
        run("sample", "--model", "people", "--rows", "1500", "--seed", "1", "-o", out).exit_code
        == 0
    )
    synthetic = pd.read_csv(out / "people.csv", dtype=str)
    assert "ssn" not in synthetic.columns
    originals = _originals(people_csv)
    for column in ("full_name", "email", "phone"):
        assert not set(synthetic[column].dropna()) & originals[column], column


def test_scan_proposes_a_plan_and_mask_applies_it(home, people_csv, tmp_path):
    plan_path = tmp_path / "proposed.yaml"
    result = run("privacy", "scan", "--data", people_csv, "--output", plan_path)
    assert result.exit_code == 0, result.output
    for column in PII:
        assert column in result.output
    proposed = yaml.safe_load(plan_path.read_text())
    assert set(proposed["columns"]) == set(PII)

    masked_path = tmp_path / "masked.parquet"
    result = run("mask", "--data", people_csv, "--plan", plan_path, "--output", masked_path)
    assert result.exit_code == 0, result.output
    masked = pd.read_parquet(masked_path).astype(str)
    real = pd.read_csv(people_csv)
    assert len(masked) == len(real)
    originals = _originals(people_csv)
    for column in PII:
        if column in masked:
            assert not set(masked[column]) & originals[column], column
    pd.testing.assert_series_equal(
        pd.read_parquet(masked_path)["age"], real["age"], check_dtype=False
    )


def test_audit_trail_records_operations_and_detects_tampering(home, people_csv, tmp_path):
    run("fit", "--data", people_csv, "--name", "people", "--no-attacks")  # refused: recorded
    assert (
        run(
            "fit", "--data", people_csv, "--name", "people", "--pii", "regenerate", "--no-attacks"
        ).exit_code
        == 0
    )
    assert run("sample", "--model", "people", "--rows", "10", "-o", tmp_path / "o").exit_code == 0
    verified = run("audit", "verify")
    assert verified.exit_code == 0, verified.output
    log = home / "audit.log"
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    actions = [(e["action"], e["outcome"]) for e in lines]
    assert ("fit", "failed") in actions and ("fit", "ok") in actions and ("sample", "ok") in actions
    text = log.read_text()
    real = pd.read_csv(people_csv, dtype=str)
    for value in real["email"].head(50):
        assert value not in text  # never a cell value
    assert any(e.get("fingerprint") for e in lines if e["action"] == "fit")

    edited = text.replace('"outcome":"failed"', '"outcome":"ok"', 1)
    log.write_text(edited)
    tampered = run("audit", "verify")
    assert tampered.exit_code == 5
    assert "line 1" in tampered.output or "tampered" in tampered.output


def test_profile_lists_pii_and_its_yaml_config_copies_nothing(home, people_csv, tmp_path):
    result = run("profile", "--data", people_csv, "--output", tmp_path / "p.json")
    assert result.exit_code == 0, result.output
    for column in PII:
        assert f"PII: {column}" in result.output
    report = json.loads((tmp_path / "p.json").read_text())
    assert {f["column"] for f in report["pii"]} == set(PII)
    assert "age" not in {f["column"] for f in report["pii"]}
    assert run("profile", "--data", people_csv, "--output", tmp_path / "p.yaml").exit_code == 0
    config = yaml.safe_load((tmp_path / "p.yaml").read_text())
    columns = {c["name"]: c for c in config["tables"][0]["columns"]}
    assert all(columns[c].get("sensitivity") == "PII" for c in PII)
    assert (
        run(
            "generate",
            "--config",
            tmp_path / "p.yaml",
            "--rows",
            "3000",
            "--seed",
            "2",
            "-o",
            tmp_path / "gen",
        ).exit_code
        == 0
    )
    generated = pd.read_csv(tmp_path / "gen" / "people.csv", dtype=str)
    originals = _originals(people_csv)
    for column in ("email", "phone", "ssn"):
        assert not set(generated[column].dropna()) & originals[column], column
    html = run("profile", "--data", people_csv, "--output", tmp_path / "p.html")
    assert html.exit_code == 0 and (tmp_path / "p.html").read_text().count("PII: ") >= 4


def test_a_schema_with_pii_is_refused_then_regenerated(home, tmp_path):
    fake = Faker("en_US")
    fake.seed_instance(11)
    rng = np.random.default_rng(11)
    customers = pd.DataFrame(
        {
            "customer_id": np.arange(1, 301),
            "email": [fake.email() for _ in range(300)],
            "segment": rng.choice(["a", "b"], 300),
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": np.arange(1, 1201),
            "customer_id": rng.integers(1, 301, 1200),
            "amount": rng.gamma(2, 30, 1200).round(2),
        }
    )
    folder = tmp_path / "shop"
    folder.mkdir()
    customers.to_csv(folder / "customers.csv", index=False)
    orders.to_csv(folder / "orders.csv", index=False)
    refused = run("fit", "--data", folder, "--model", "hierarchical", "--name", "shop")
    assert refused.exit_code == 7, refused.output
    assert "email" in refused.output and "customers" in refused.output
    done = run(
        "fit", "--data", folder, "--model", "hierarchical", "--name", "shop", "--pii", "regenerate"
    )
    assert done.exit_code == 0, done.output
    out = tmp_path / "out"
    assert run("sample", "--model", "shop", "--scale", "2", "-o", out, "--seed", "4").exit_code == 0
    synthetic = pd.read_csv(out / "customers.csv")
    assert len(synthetic) == 600 and synthetic["email"].notna().all()
    assert not set(synthetic["email"]) & set(customers["email"])
    child = pd.read_csv(out / "orders.csv")
    assert child["customer_id"].isin(synthetic["customer_id"]).all()


def test_a_schema_plan_must_name_its_tables(home, tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    pd.DataFrame({"customer_id": [1, 2, 3], "segment": ["a", "b", "a"]}).to_csv(
        folder / "customers.csv", index=False
    )
    pd.DataFrame({"order_id": [1, 2], "customer_id": [1, 3]}).to_csv(
        folder / "orders.csv", index=False
    )
    plan_path = tmp_path / "plan.yaml"
    plan_path.write_text(yaml.safe_dump({"columns": {"segment": "allow"}}))
    result = run(
        "fit", "--data", folder, "--model", "hierarchical", "--name", "shop", "--plan", plan_path
    )
    assert result.exit_code == 3, result.output
    assert "must name its tables" in result.output
    assert "tables: {TABLE" in result.output


def test_the_privacy_walkthrough_works_on_a_fresh_install_without_secrets(
    tmp_path, monkeypatch, people_csv
):
    home = tmp_path / "fresh"
    monkeypatch.setenv("SYNDATA_HOME", str(home))
    for var in (
        "SYNDATA_MASKING_SECRET",
        "SYNDATA_ENCRYPTION_KEY",
        "MLFLOW_TRACKING_URI",
        "SYNDATA_AUDIT_LOG",
    ):
        monkeypatch.delenv(var, raising=False)
    plan_path = tmp_path / "proposed.yaml"
    assert run("privacy", "scan", "--data", people_csv, "--output", plan_path).exit_code == 0
    proposed = yaml.safe_load(plan_path.read_text())["columns"]
    assert {proposed[c].get("operator") for c in ("full_name", "email")} == {"fake"}
    masked = run(
        "mask", "--data", people_csv, "--plan", plan_path, "--output", tmp_path / "masked.csv"
    )
    assert masked.exit_code == 0, masked.output
    assert (home / "secrets" / "masking.key").stat().st_mode & 0o777 == 0o600
    fitted = run(
        "fit", "--data", people_csv, "--name", "people", "--plan", plan_path, "--no-attacks"
    )
    assert fitted.exit_code == 0, fitted.output
    regenerated = run(
        "fit", "--data", people_csv, "--name", "people2", "--pii", "regenerate", "--no-attacks"
    )
    assert regenerated.exit_code == 0, regenerated.output
    masked_frame = pd.read_csv(tmp_path / "masked.csv", dtype=str)
    originals = _originals(people_csv)
    for column in ("full_name", "email"):
        assert not set(masked_frame[column]) & originals[column], column


def test_quasi_identifiers_are_learned_with_their_real_categories(home, tmp_path):
    rng = np.random.default_rng(3)
    n = 1500
    states = ["NJ", "CA", "NY", "TX", "FL", "WA", "IL", "PA"]
    hoods = ["Greenpoint", "Astoria", "Flatbush", "Harlem", "Chelsea", "Bushwick", "Inwood"]
    frame = pd.DataFrame(
        {
            "state": rng.choice(states, n),
            "neighbourhood": rng.choice(hoods, n),
            "rent": rng.lognormal(7.5, 0.3, n).round(0),
        }
    )
    path = tmp_path / "homes.csv"
    frame.to_csv(path, index=False)
    result = run("fit", "--data", path, "--name", "homes", "--no-attacks")  # no plan: no stop
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    assert (
        run("sample", "--model", "homes", "--rows", "3000", "--seed", "1", "-o", out).exit_code == 0
    )
    synthetic = pd.read_csv(out / "homes.csv", dtype=str)
    assert set(synthetic["state"]) == set(states)
    assert set(synthetic["neighbourhood"]) == set(hoods)
