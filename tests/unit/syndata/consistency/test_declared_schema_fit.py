"""A schema's fit checks each table's declared constraints on its real rows first."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from syndata import pipeline
from syndata.config import parse_config
from syndata.errors import ConfigError


def schema() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(4)
    customers = pd.DataFrame({"customer_id": np.arange(1, 101), "age": rng.integers(18, 90, 100)})
    net = rng.uniform(1, 100, 400).round(2)
    tax = (net * 0.2).round(2)
    orders = pd.DataFrame(
        {
            "order_id": np.arange(1, 401),
            "customer_id": rng.integers(1, 101, 400),
            "net": net,
            "tax": tax,
            "gross": net + tax,
        }
    )
    orders.loc[:2, "gross"] += 5.0  # 3 rows break gross = net + tax
    return {"customers": customers, "orders": orders}


def constraints(table: str, *specs: dict[str, object]) -> dict[str, list[object]]:
    config = parse_config(
        {"tables": [{"table_name": table, "columns": [{"name": "x"}], "constraints": list(specs)}]}
    )
    return {table: list(config.tables[0].constraints)}


def test_a_table_whose_real_rows_break_a_declared_constraint_stops_the_fit(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDATA_HOME", str(tmp_path))
    declared = constraints(
        "orders", {"type": "sum", "total": "gross", "parts": ["net", "tax"], "tolerance": 0.01}
    )
    with pytest.raises(ConfigError) as caught:
        pipeline.fit_schema(schema(), name="s", constraints=declared, attacks=False)
    (problem,) = caught.value.problems
    assert problem.message == (
        "orders.constraints[0] (sum): gross = net + tax is broken by 3 of 400 real rows "
        "(0.8%); raise tolerance (e.g. 0.005 for cents), or remove it"
    )
    assert caught.value.exit_code == 3


def test_constraints_for_a_table_the_schema_lacks_name_the_tables(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDATA_HOME", str(tmp_path))
    declared = constraints("order", {"type": "unique", "column": "order_id"})
    with pytest.raises(ConfigError, match="name one of customers, orders"):
        pipeline.fit_schema(schema(), name="s", constraints=declared, attacks=False)


def test_fit_of_a_folder_reads_the_constraints_of_each_table(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from syndata.cli import app

    monkeypatch.setenv("SYNDATA_HOME", str(tmp_path / "home"))
    folder = tmp_path / "shop"
    folder.mkdir()
    for table, frame in schema().items():
        frame.to_csv(folder / f"{table}.csv", index=False)
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "tables:\n  - table_name: orders\n    columns: [{name: gross, type: float}]\n"
        "    constraints:\n      - {type: sum, total: gross, parts: [net, tax], tolerance: 0.01}\n"
    )
    result = CliRunner().invoke(
        app, ["fit", "--data", str(folder), "--name", "shop", "--constraints", str(rules)]
    )
    assert result.exit_code == 3, result.output
    assert "gross = net + tax is broken by 3 of 400 real rows" in result.output


def test_a_schema_fit_keeps_each_tables_declared_constraints(tmp_path, monkeypatch):
    """A rule the config declares is kept by that table's model, not only checked."""
    monkeypatch.setenv("SYNDATA_HOME", str(tmp_path))
    tables = schema()
    tables["orders"].loc[:2, "gross"] -= 5.0  # the 3 rows again keep gross = net + tax
    # tax <= net holds on the real rows; the declared gap bounds are the config's own
    declared = constraints(
        "orders", {"type": "inequality", "low": "tax", "high": "net", "min_gap": 0.5, "max_gap": 90}
    )
    result = pipeline.fit_schema(tables, name="s", constraints=declared, attacks=False)
    model = result.model.models_["orders"]
    kept = [i.describe() for i in model.consistency_.invariants]
    assert "tax <= net, by 0.5 to 90" in kept
    assert "tax <= net, by 0.5 to 90" not in [
        i.describe() for i in result.model.models_["customers"].consistency_.invariants
    ]
    orders = result.model.sample(5.0, seed=0)["orders"]
    gap = orders["net"] - orders["tax"]
    assert len(orders) > 1_000 and gap.min() >= 0.5 - 1e-9 and gap.max() <= 90 + 1e-9
