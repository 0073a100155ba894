"""A declared constraint that cannot be kept is an error naming its path, the problem and a fix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from syndata.config import parse_config
from syndata.consistency.declared import KINDS, broken_by_real
from syndata.errors import ConfigError

COLUMNS = [
    {"name": "amount", "type": "float"},
    {"name": "fee", "type": "float"},
    {"name": "label", "type": "str"},
    {"name": "opened", "type": "date"},
    {"name": "closed", "type": "date"},
    {"name": "flag", "type": "bool"},
]


def problems(*constraints: object) -> list[str]:
    table = {"table_name": "t", "columns": COLUMNS, "constraints": list(constraints)}
    with pytest.raises(ConfigError) as caught:
        parse_config({"tables": [table]})
    return [str(p) for p in caught.value.problems]


def test_an_unknown_type_lists_the_known_ones():
    (problem,) = problems({"type": "sorted", "column": "amount"})
    assert problem.startswith("tables[0].constraints[0]: unknown constraint type 'sorted'")
    assert f"use one of {', '.join(KINDS)}" in problem


def test_a_constraint_without_a_type_or_not_a_mapping_says_how_to_write_one():
    assert "has no 'type' (fix: add type: one of inequality" in problems({"column": "amount"})[0]
    assert "{type: unique, column: id}" in problems("unique")[0]


def test_an_unknown_field_is_matched_against_the_constraints_own_fields():
    (problem,) = problems({"type": "range", "column": "amount", "maximum": 5})
    assert problem == (
        "tables[0].constraints[0].maximum: unknown field 'maximum' (fix: did you mean 'max'?)"
    )
    (problem,) = problems({"type": "range", "column": "amount", "zzz": 5})
    assert "known fields: column, decimals, integer, max, min, type" in problem  # not the rule's
    missing = problems({"type": "inequality", "low": "opened"})
    assert missing == ["tables[0].constraints[0].high: 'high' is required (fix: add 'high')"]


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        (
            {"type": "sum", "total": "label", "parts": ["amount", "fee"]},
            "tables[0].constraints[0].total: column 'label' is str; a sum constraint needs a "
            "number column (int, float or decimal) (fix: name a number column (int, float or "
            "decimal) instead, or change the type of 'label')",
        ),
        (
            {"type": "one_hot", "columns": ["flag", "label"]},
            "tables[0].constraints[0].columns[1]: column 'label' is str; a one_hot constraint "
            "needs a number or bool column",
        ),
        (
            {"type": "inequality", "low": "amount", "high": "closed"},
            "tables[0].constraints[0].high: 'amount' is float but 'closed' is date; an "
            "inequality compares two numbers or two dates",
        ),
        (
            {"type": "sum", "total": "amount", "parts": ["fee", "amount"]},
            "tables[0].constraints[0].parts[1]: column 'amount' is named twice (fix: name each "
            "column once)",
        ),
        (
            {"type": "positive", "column": "opened"},
            "tables[0].constraints[0].column: column 'opened' is date; a positive constraint",
        ),
    ],
)
def test_a_column_of_a_type_the_constraint_cannot_judge_is_named(constraint, expected):
    (problem,) = problems(constraint)
    assert problem.startswith(expected), problem


def test_dates_and_numbers_each_order_among_themselves():
    table = {
        "table_name": "t",
        "columns": COLUMNS,
        "constraints": [
            {"type": "inequality", "low": "opened", "high": "closed", "max_gap": 30},
            {"type": "inequality", "low": "fee", "high": "amount"},
            {"type": "one_hot", "columns": ["flag", "amount"]},
        ],
    }
    assert len(parse_config({"tables": [table]}).tables[0].constraints) == 3


def test_a_column_the_config_does_not_list_may_come_from_the_real_rows():
    table = {
        "table_name": "t",
        "columns": COLUMNS,
        "constraints": [{"type": "inequality", "low": "bill_depth", "high": "bill_length"}],
    }
    assert parse_config({"tables": [table]})  # a --sample-data config: the data has them


def test_rows_from_the_config_alone_stop_before_any_output_on_a_column_it_lacks(tmp_path):
    from syndata import pipeline

    table = {
        "table_name": "t",
        "columns": COLUMNS,
        "constraints": [{"type": "inequality", "low": "opened", "high": "clsed"}],
    }
    config = parse_config({"tables": [table], "rows": 10})
    with pytest.raises(ConfigError) as caught:
        pipeline.generate(config, output_dir=tmp_path / "out")
    assert str(caught.value.problems[0]) == (
        "tables[0].constraints[0].high: 'clsed' is not a column of table 't' (rows made from "
        "the config alone have only its columns) (fix: did you mean 'closed'?)"
    )
    assert caught.value.exit_code == 3
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_real_text_in_a_sum_is_named_without_a_value():
    real = pd.DataFrame({"total": ["Ann Smith"] * 30, "a": np.arange(30.0), "b": np.ones(30)})
    spec = parse_config(
        {
            "tables": [
                {
                    "table_name": "t",
                    "columns": [{"name": "x"}],
                    "constraints": [{"type": "sum", "total": "total", "parts": ["a", "b"]}],
                }
            ]
        }
    ).tables[0]
    (problem,) = broken_by_real(list(spec.constraints), real, "t")
    assert problem == (
        "t.constraints[0] (sum): 'total' holds text in the data, which a sum constraint cannot "
        "judge; name number columns"
    )
    assert "Ann" not in problem


def test_a_declared_gap_between_dates_is_reported_in_the_days_written():
    days = pd.to_datetime("2024-01-01") + pd.to_timedelta(np.arange(100), unit="D")
    real = pd.DataFrame(
        {"opened": days, "closed": days + pd.to_timedelta(np.arange(100) % 20, "D")}
    )
    table = {
        "table_name": "t",
        "columns": COLUMNS,
        "constraints": [{"type": "inequality", "low": "opened", "high": "closed", "max_gap": 14}],
    }
    spec = parse_config({"tables": [table]}).tables[0].constraints
    (problem,) = broken_by_real(list(spec), real, "t")
    assert problem == (
        "t.constraints[0] (inequality): opened <= closed with max_gap 14 is broken by 25 of 100 "
        "real rows (25.0%); set strict: false, widen min_gap/max_gap, or remove it"
    )
