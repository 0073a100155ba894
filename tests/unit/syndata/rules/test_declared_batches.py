"""Declared constraints hold over a whole generated table, not only within each batch."""

from __future__ import annotations

import pandas as pd
import pytest

from syndata.config import parse_config
from syndata.consistency.check import Checker
from syndata.consistency.declared import invariants_of
from syndata.errors import ConfigError
from syndata.rules.engine import RuleApplier, generate

CODES = [f"c{i:02d}" for i in range(60)]
COLUMNS = [
    {"name": "order_id", "type": "int", "constraints": ["PK"]},
    {"name": "ticket", "type": "int", "rule": {"type": "range", "min": 1, "max": 400_000}},
    {"name": "code", "type": "str", "rule": {"type": "choice", "value": CODES}},
    {"name": "family", "type": "str", "rule": {"type": "choice", "value": ["a", "b", "c"]}},
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
    {"name": "gross", "type": "float"},
    {"name": "units", "type": "int", "rule": {"type": "range", "min": 0, "max": 97}},
    {"name": "red", "type": "int", "rule": {"type": "range", "min": 0, "max": 1}},
    {"name": "green", "type": "int", "rule": {"type": "range", "min": 0, "max": 1}},
    {"name": "closed_on", "type": "date", "null_share": 0.3},
    {"name": "reason", "type": "str", "null_share": 0.5},
]
CONSTRAINTS = [
    {"type": "unique", "column": "ticket"},
    {"type": "functional_dependency", "determinant": "code", "dependent": "family"},
    {"type": "fixed_combinations", "columns": ["code", "family"]},
    {"type": "inequality", "low": "ordered", "high": "shipped", "strict": True, "max_gap": 14},
    {"type": "sum", "total": "gross", "parts": ["net", "tax"], "tolerance": 0.01},
    {"type": "positive", "column": "net"},
    {"type": "range", "column": "units", "min": 5, "max": 95, "integer": True},
    {"type": "fixed_increments", "column": "units", "step": 5},
    {"type": "one_hot", "columns": ["red", "green"]},
    {"type": "null_if", "first": "closed_on", "second": "reason"},
]


def config(rows: int, constraints: list[dict[str, object]] = CONSTRAINTS) -> object:
    table = {"table_name": "orders", "columns": COLUMNS, "constraints": constraints}
    return parse_config({"tables": [table], "rows": rows, "seed": 11})


def whole_table(rows: int, batch_size: int) -> pd.DataFrame:
    parts = [b.to_pandas() for _, b in generate(config(rows), batch_size=batch_size)]
    frame = pd.concat(parts, ignore_index=True)
    for c in ("ordered", "shipped", "closed_on"):
        frame[c] = pd.to_datetime(frame[c])
    return frame


def test_every_declared_constraint_holds_over_200000_rows_made_in_8_batches():
    frame = whole_table(200_000, batch_size=25_000)
    assert len(frame) == 200_000
    invariants = invariants_of(config(200_000).tables[0].constraints, frame)
    checker = Checker(invariants)
    broken = {i.describe(): int(checker.violations(frame, i).sum()) for i in invariants}
    assert set(broken.values()) == {0}, broken
    assert frame.groupby("code")["family"].nunique().max() == 1  # one family per code
    assert frame["ticket"].is_unique
    assert 0.2 < frame["closed_on"].isna().mean() < 0.8  # nulls together, not everywhere


def test_the_same_rows_in_one_batch_or_many_keep_the_rules_alike():
    one = whole_table(60_000, batch_size=60_000)
    many = whole_table(60_000, batch_size=7_000)
    for frame in (one, many):
        assert frame.groupby("code")["family"].nunique().max() == 1
        assert frame["ticket"].is_unique


def test_a_table_level_unique_caps_the_rows_its_range_can_hold():
    columns = [{"name": "seat", "type": "int", "rule": {"type": "range", "min": 1, "max": 500}}]
    table = {
        "table_name": "t",
        "rows": 501,
        "columns": columns,
        "constraints": [{"type": "unique", "column": "seat"}],
    }
    from syndata.rules.plan import build_plan

    with pytest.raises(ConfigError, match="can hold only 500 distinct values"):
        build_plan(parse_config({"tables": [table]}), seed=0)


def test_rows_of_a_model_keep_a_dependency_across_the_batches_the_rules_see():
    data = config(10, [{"type": "functional_dependency", "determinant": "code", "dependent": "k"}])
    applier = RuleApplier(data, "orders", seed=5)
    kinds = []
    for b in range(4):
        rows = pd.DataFrame(
            {
                "code": [CODES[i % 10] for i in range(1_000)],
                "k": [str((i + b) % 7) for i in range(1_000)],
            }
        )
        kinds.append(applier.apply(rows, start=b * 1_000))
    frame = pd.concat(kinds, ignore_index=True)
    assert frame.groupby("code")["k"].nunique().max() == 1
