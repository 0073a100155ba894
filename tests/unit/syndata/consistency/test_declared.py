"""Constraints declared in a config: read with clear errors, checked on real rows, kept."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from syndata.config import parse_config
from syndata.consistency.check import Checker
from syndata.consistency.declared import KINDS, broken_by_real, invariants_of, to_spec
from syndata.errors import ConfigError
from syndata.rules.engine import generate_frames

PENGUINS = Path(__file__).resolve().parents[4] / "examples" / "data" / "penguins.csv"
COLUMNS = [
    {"name": "order_id", "type": "int", "constraints": ["PK"]},
    {
        "name": "ordered",
        "type": "date",
        "rule": {"type": "date_range", "start": "2024-01-01", "end": "2024-12-31"},
    },
    {
        "name": "shipped",
        "type": "date",
        "rule": {"type": "date_range", "start": "2024-01-01", "end": "2024-12-31"},
    },
    {"name": "net", "type": "float", "rule": {"type": "range", "min": -50, "max": 500}},
    {"name": "tax", "type": "float", "rule": {"type": "range", "min": 0, "max": 50}},
    {"name": "gross", "type": "float", "rule": {"type": "range", "min": 0, "max": 600}},
    {"name": "units", "type": "int", "rule": {"type": "range", "min": 0, "max": 97}},
    {"name": "code", "type": "str", "rule": {"type": "choice", "value": ["a1", "a2", "b1", "b2"]}},
    {"name": "family", "type": "str", "rule": {"type": "choice", "value": ["a", "b"]}},
    {
        "name": "returned_on",
        "type": "date",
        "nullable": True,
        "null_share": 0.3,
        "rule": {"type": "date_range", "start": "2024-01-01", "end": "2024-12-31"},
    },
    {
        "name": "reason",
        "type": "str",
        "nullable": True,
        "null_share": 0.5,
        "rule": {"type": "choice", "value": ["broken", "late"]},
    },
    {"name": "red", "type": "int", "rule": {"type": "range", "min": 0, "max": 1}},
    {"name": "green", "type": "int", "rule": {"type": "range", "min": 0, "max": 1}},
    {"name": "blue", "type": "int", "rule": {"type": "range", "min": 0, "max": 1}},
]
CONSTRAINTS = [
    {"type": "inequality", "low": "ordered", "high": "shipped", "strict": True, "max_gap": 14},
    {"type": "sum", "total": "gross", "parts": ["net", "tax"], "tolerance": 0.01},
    {"type": "positive", "column": "net"},
    {"type": "range", "column": "units", "min": 5, "max": 95, "integer": True},
    {"type": "fixed_increments", "column": "units", "step": 5},
    {"type": "functional_dependency", "determinant": "code", "dependent": "family"},
    {"type": "null_if", "first": "returned_on", "second": "reason"},
    {"type": "one_hot", "columns": ["red", "green", "blue"]},
    {"type": "unique", "column": "order_id"},
    {"type": "fixed_combinations", "columns": ["code", "family"]},
]


def config(constraints=CONSTRAINTS, rows=100_000):
    return parse_config(
        {
            "tables": [{"table_name": "orders", "columns": COLUMNS, "constraints": constraints}],
            "rows": rows,
            "seed": 3,
        }
    )


def test_every_kind_is_in_the_vocabulary():
    assert {c["type"] for c in CONSTRAINTS} == set(KINDS)


def test_a_config_alone_keeps_every_declared_constraint_in_100000_rows():
    frame = generate_frames(config())["orders"]
    assert len(frame) == 100_000 and frame["order_id"].is_unique
    for c in ("ordered", "shipped", "returned_on"):
        frame[c] = pd.to_datetime(frame[c])
    invariants = invariants_of(config().tables[0].constraints, frame)
    checker = Checker(invariants)
    broken = {i.describe(): int(checker.violations(frame, i).sum()) for i in invariants}
    assert set(broken.values()) == {0}, broken
    assert set(frame[["red", "green", "blue"]].sum(axis=1)) == {1}
    stay = pd.to_datetime(frame["shipped"]) - pd.to_datetime(frame["ordered"])
    assert stay.min() >= pd.Timedelta(days=1) and stay.max() <= pd.Timedelta(days=14)


def test_without_the_constraints_the_rules_break_them():
    frame = generate_frames(config([]), rows=5_000)["orders"]
    for c in ("ordered", "shipped", "returned_on"):
        frame[c] = pd.to_datetime(frame[c])
    invariants = invariants_of(config().tables[0].constraints, frame)
    assert Checker(invariants).broken(frame).mean() > 0.5


@pytest.mark.parametrize(
    ("constraint", "message"),
    [
        ({"type": "sorted", "column": "net"}, "inequality"),
        ({"type": "range", "column": "net", "min": 5, "max": 1}, "min is above max"),
        ({"type": "one_hot", "columns": ["red"]}, "at least 2"),
        ({"type": "fixed_increments", "column": "units", "step": 0}, "greater than or equal to 1"),
    ],
)
def test_a_bad_constraint_names_the_problem_and_the_fix(constraint, message):
    with pytest.raises(ConfigError) as caught:
        config([constraint])
    assert message in str(caught.value)


def test_real_rows_that_break_a_declared_constraint_are_counted_not_shown():
    rng = np.random.default_rng(1)
    real = pd.DataFrame({"low": rng.uniform(0, 10, 200), "secret": ["Ann Smith"] * 200})
    real["high"] = real["low"] + 1.0
    real.loc[:6, "high"] = real.loc[:6, "low"] - 1.0  # 7 rows break low < high
    spec = config([{"type": "inequality", "low": "net", "high": "tax"}]).tables[0].constraints[0]
    spec = spec.model_copy(update={"low": "low", "high": "high", "strict": True})
    problems = broken_by_real([spec], real, "t")
    assert problems == [
        "t.constraints[0] (inequality): low < high is broken by 7 of 200 real rows (3.5%); "
        "set strict: false, widen min_gap/max_gap, or remove it"
    ]
    assert "Ann" not in problems[0]


def test_discovered_rules_read_back_as_declared_constraints():
    from syndata.consistency import discover

    rng = np.random.default_rng(2)
    a = rng.integers(0, 100, 500)
    frame = pd.DataFrame({"a": a, "b": a + rng.integers(1, 5, 500), "c": a * 5})
    frame["total"] = frame["a"] + frame["b"]
    specs = [s for s in (to_spec(i) for i in discover(frame)) if s]
    columns = [{"name": c, "type": "int"} for c in frame.columns]
    parsed = parse_config(
        {"tables": [{"table_name": "t", "columns": columns, "constraints": specs}]}
    )
    kinds = {c.type for c in parsed.tables[0].constraints}
    assert {"inequality", "sum", "fixed_increments"} <= kinds
    assert broken_by_real(parsed.tables[0].constraints, frame) == []


def test_a_constraint_on_a_column_the_rows_lack_names_it():
    from syndata.errors import GenerationError

    with pytest.raises(GenerationError, match="names nope, not a column of the rows"):
        generate_frames(config([{"type": "inequality", "low": "ordered", "high": "nope"}]))


def test_the_profile_config_lists_the_rules_and_its_rows_keep_them():
    import yaml
    from palmerpenguins import load_penguins

    from syndata.profiling import profile_table

    penguins = load_penguins()
    text = profile_table(penguins, "penguins").to_yaml(rows=5_000)
    data = yaml.safe_load(text)
    specs = data["tables"][0]["constraints"]
    assert {"type": "fixed_combinations", "columns": ["species", "island"]} in specs
    assert {"type": "fixed_increments", "column": "body_mass_g", "step": 25} in specs
    parsed = parse_config(data)
    frame = generate_frames(parsed)["penguins"]
    invariants = invariants_of(parsed.tables[0].constraints, frame)
    assert not Checker(invariants).broken(frame).any()


def test_fit_stops_when_the_real_rows_break_a_declared_constraint(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from syndata.cli import app

    monkeypatch.setenv("SYNDATA_HOME", str(tmp_path / "home"))
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "tables:\n  - table_name: penguins\n    columns: [{name: species, type: str}]\n"
        "    constraints:\n      - {type: inequality, low: bill_length_mm, high: bill_depth_mm}\n"
    )
    result = CliRunner().invoke(
        app,
        ["fit", "--data", str(PENGUINS), "--name", "p", "--constraints", str(rules)],
    )
    assert result.exit_code == 3, result.output
    assert "bill_length_mm <= bill_depth_mm is broken by 342 of 344 real rows" in result.output
    assert "set strict: false, widen min_gap/max_gap, or remove it" in result.output
