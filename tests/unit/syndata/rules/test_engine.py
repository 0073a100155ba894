"""The rule engine: constraints hold, output is deterministic, rules apply to frames."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from syndata import pipeline
from syndata.config import load_config, parse_config
from syndata.errors import ConfigError, GenerationError
from syndata.rules.custom import plugin_paths_allowed
from syndata.rules.engine import apply_rules, generate, generate_frames
from syndata.rules.keys import FeistelPermutation, KeyStore
from syndata.rules.plan import build_plan
from syndata.rules.providers import word_list

EXAMPLES = Path(__file__).resolve().parents[4] / "examples"
EMAIL_RE = re.compile(r"^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$")


def one_table(*columns, rows=2000, **top):
    return parse_config(
        {"tables": [{"table_name": "t", "columns": list(columns)}], "rows": rows, **top}
    )


def frame(config, seed=7, rows=None):
    return generate_frames(config, rows=rows, seed=seed)["t"]


def test_customer_example_constraints_hold():
    df = generate_frames(load_config(EXAMPLES / "customer_config.json"), rows=5000, seed=1)[
        "customers"
    ]
    assert len(df) == 5000
    assert df.customer_id.is_unique
    assert df.customer_id.between(1, 10000).all()
    assert df.age.between(18, 80).all()
    assert df.email.map(lambda e: bool(EMAIL_RE.match(e))).all()
    names, _ = word_list("en_US", "first_name")
    assert df.first_name.isin(names).all()
    assert df.first_name.nunique() > 200


def test_employees_example_keys_and_conditional_rule():
    frames = generate_frames(load_config(EXAMPLES / "employees_config.yaml"), rows=3000, seed=3)
    deps, emps = frames["departments"], frames["employees"]
    assert len(deps) == 10 and sorted(deps.dept_id) == list(range(1, 11))
    assert deps.dept_name.isin(["Engineering", "Marketing", "Sales", "HR"]).all()
    assert len(emps) == 3000 and emps.emp_id.is_unique
    assert emps.emp_id.between(1000, 9999).all()
    assert emps.dept_id.isin(deps.dept_id).all()
    assert emps.dept_id.nunique() == 10
    eng = emps[emps.dept_id == 1]
    assert len(eng) > 100
    assert eng.salary.between(80000, 150000).all()


def test_rows_default_and_cap_warning():
    plan = build_plan(load_config(EXAMPLES / "employees_config.yaml"), rows=None, seed=1)
    assert {t.name: t.rows for t in plan.tables} == {"departments": 10, "employees": 1000}
    assert len(plan.warnings) == 1 and "departments" in plan.warnings[0]


def test_too_many_rows_for_pk_when_table_sets_rows():
    config = load_config(EXAMPLES / "employees_config.yaml")
    config.tables[1].rows = 20000
    with pytest.raises(
        ConfigError,
        match=r"asks for 20000 rows but its PK column 'emp_id' can "
        r"hold only 9000",
    ):
        build_plan(config, seed=1)


def test_same_seed_same_bytes_other_seed_differs():
    config = load_config(EXAMPLES / "customer_config.json")

    def run(seed, batch=700):
        return [b for _, b in generate(config, rows=3000, seed=seed, batch_size=batch)]

    a, b, c = run(11), run(11), run(12)
    assert all(x.equals(y) for x, y in zip(a, b, strict=True))
    assert not pa.concat_tables(a).equals(pa.concat_tables(c))


def test_pk_unique_across_batches():
    config = one_table(
        {
            "name": "id",
            "type": "int",
            "constraints": ["PK"],
            "rule": {"type": "range", "min": 5, "max": 20004},
        },
        rows=20000,
    )
    ids = np.concatenate(
        [b.column("id").to_numpy() for _, b in generate(config, seed=2, batch_size=3000)]
    )
    assert len(ids) == 20000 and len(np.unique(ids)) == 20000
    assert ids.min() == 5 and ids.max() == 20004
    assert not np.all(np.diff(ids) > 0)  # shuffled, not sorted


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 1000, 4097])
def test_feistel_is_a_bijection(size):
    perm = FeistelPermutation(size, seed=5)
    out = perm(np.arange(size, dtype=np.uint64))
    assert sorted(out.tolist()) == list(range(size))


@pytest.mark.parametrize(
    "column",
    [
        {
            "name": "c",
            "type": "str",
            "constraints": ["unique"],
            "rule": {"type": "regex", "pattern": "[A-C]\\d{3}"},
        },
        {"name": "c", "type": "str", "constraints": ["unique"], "rule": "last_name"},
        {
            "name": "c",
            "type": "str",
            "constraints": ["PK"],
            "rule": {"type": "choice", "value": list("abcdefghij")},
        },
        {
            "name": "c",
            "type": "float",
            "constraints": ["unique"],
            "rule": {"type": "range", "min": 0, "max": 1},
        },
        {
            "name": "c",
            "type": "date",
            "constraints": ["PK"],
            "rule": {"type": "date_range", "start": "2024-01-01", "end": "2024-12-31"},
        },
    ],
)
def test_unique_columns(column):
    config = one_table(column, rows=3000)
    plan = build_plan(config, seed=1)
    df = frame(config)
    assert len(df) == plan.tables[0].rows
    assert df.c.is_unique


def test_unique_too_few_values_is_an_error_or_a_cap():
    config = one_table(
        {
            "name": "c",
            "type": "str",
            "constraints": ["unique"],
            "rule": {"type": "choice", "value": ["a", "b"]},
        },
        rows=5,
    )
    assert len(frame(config)) == 2  # capped, with a warning
    assert "can hold only 2" in build_plan(config, seed=1).warnings[0]


@pytest.mark.parametrize(
    ("rule", "col_type", "check"),
    [
        (
            {"type": "range", "min": 10, "max": 20, "distribution": "normal"},
            "int",
            lambda s: s.between(10, 20).all() and abs(s.mean() - 15) < 0.3 and s.std() < 3,
        ),
        (
            {"type": "range", "min": 0, "max": 1000, "distribution": "lognormal"},
            "float",
            lambda s: s.between(0, 1000).all() and s.median() < s.mean(),
        ),
        (
            {"type": "range", "min": 1.5, "max": 2.5, "decimals": 1},
            "float",
            lambda s: s.between(1.5, 2.5).all() and set(s.round(1)) == set(s),
        ),
        (
            {"type": "range", "min": 0, "max": 100, "decimals": 3},
            "decimal",
            lambda s: (
                all(0 <= float(v) <= 100 for v in s)
                and s.map(lambda v: v.as_tuple().exponent == -3).all()
            ),
        ),
        (
            {"type": "range", "min": "2020-01-01", "max": "2020-12-31"},
            "date",
            lambda s: s.between(
                pd.Timestamp("2020-01-01").date(), pd.Timestamp("2020-12-31").date()
            ).all(),
        ),
        (
            {"type": "date_range", "start": "2021-01-01T00:00:00", "end": "2021-01-02T00:00:00"},
            "datetime",
            lambda s: (
                s.between(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-01-02")).all()
                and s.nunique() > 1000
            ),
        ),
        (
            {"type": "sequence", "start": 100, "step": 5},
            "int",
            lambda s: list(s[:3]) == [100, 105, 110] and s.is_unique,
        ),
        ({"type": "constant", "value": "x"}, "str", lambda s: (s == "x").all()),
        (
            {"type": "choice", "value": ["a", "b"], "weights": [9, 1]},
            "str",
            lambda s: 0.85 < (s == "a").mean() < 0.95,
        ),
        ({"type": "choice", "value": [True, False]}, "bool", lambda s: set(s) == {True, False}),
        (
            {"type": "uuid"},
            "str",
            lambda s: (
                s.str.fullmatch(
                    r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                    r"[0-9a-f]{12}"
                ).all()
                and s.is_unique
            ),
        ),
        (
            {"type": "regex", "pattern": r"\(\d{3}\) \d{3}-\d{4}"},
            "str",
            lambda s: s.str.fullmatch(r"\(\d{3}\) \d{3}-\d{4}").all(),
        ),
        ({"type": "phone_number"}, "str", lambda s: s.nunique() > 1900),
        ({"type": "city"}, "str", lambda s: s.nunique() > 500),
        ({"type": "pyint", "min_value": 3, "max_value": 9}, "int", lambda s: s.between(3, 9).all()),
        (
            {"type": "email", "domains": ["corp.example"]},
            "str",
            lambda s: s.str.endswith("@corp.example").all(),
        ),
    ],
)
def test_rule_types(rule, col_type, check):
    df = frame(one_table({"name": "c", "type": col_type, "rule": rule}))
    assert len(df) == 2000
    assert check(df.c), df.c.head()


def test_email_obeys_a_strict_regex():
    pattern = r"[a-z]{3,8}\.[a-z]{3,8}@example\.org"
    df = frame(one_table({"name": "c", "type": "str", "rule": {"type": "email", "regex": pattern}}))
    assert df.c.str.fullmatch(pattern).all()


def test_locale_is_honoured():
    config = one_table({"name": "c", "type": "str", "rule": "first_name"}, locale="de_DE")
    names, _ = word_list("de_DE", "first_name")
    df = frame(config)
    assert df.c.isin(names).all()
    english, _ = word_list("en_US", "first_name")
    assert not df.c.isin(english).all()


def test_null_share_and_nullable():
    df = frame(
        one_table(
            {"name": "a", "type": "int", "null_share": 0.3},
            {"name": "b", "type": "str", "nullable": True},
            rows=20000,
        )
    )
    assert 0.28 < df.a.isna().mean() < 0.32
    assert 0.08 < df.b.isna().mean() < 0.12


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"column": "k", "operator": "==", "value": "a"}, lambda k: k == "a"),
        ({"column": "k", "operator": "!=", "value": "a"}, lambda k: k != "a"),
        ({"column": "k", "operator": "in", "value": ["a", "b"]}, lambda k: k.isin(["a", "b"])),
        ({"column": "k", "operator": "not_in", "value": ["a"]}, lambda k: k != "a"),
        ({"column": "n", "operator": ">=", "value": 50}, None),
        (
            [
                {"column": "k", "operator": "==", "value": "a"},
                {"column": "n", "operator": "<", "value": 50},
            ],
            None,
        ),
    ],
)
def test_conditional_rules(condition, expected):
    config = one_table(
        {
            "name": "v",
            "type": "int",
            "rule": {"type": "range", "min": 0, "max": 9},
            "conditional_rules": [
                {"condition": condition, "rule": {"type": "range", "min": 100, "max": 109}}
            ],
        },
        {"name": "k", "type": "str", "rule": {"type": "choice", "value": ["a", "b", "c"]}},
        {"name": "n", "type": "int", "rule": {"type": "range", "min": 0, "max": 99}},
    )
    df = frame(config)
    if expected is not None:
        mask = expected(df.k)
    elif isinstance(condition, dict):
        mask = df.n >= 50
    else:
        mask = (df.k == "a") & (df.n < 50)
    assert df.v[mask].between(100, 109).all() and mask.any()
    assert df.v[~mask].between(0, 9).all() and (~mask).any()


def test_conditional_only_column_defaults_to_its_first_rule():
    df = generate_frames(load_config(EXAMPLES / "employees_config.yaml"), rows=500, seed=1)[
        "employees"
    ]
    assert df.salary.between(80000, 150000).all()


@pytest.fixture
def plugins_on_path(monkeypatch):
    """The test plug-ins importable, and dotted paths allowed as with --allow-plugin-paths."""
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    with plugin_paths_allowed():
        yield


def test_custom_plugin_vectorised_and_per_row(plugins_on_path):
    df = frame(
        one_table(
            {
                "name": "sku",
                "type": "str",
                "rule": {
                    "type": "custom",
                    "custom_class": "syndata_test_plugins:Sku",
                    "parameters": {"prefix": "ITEM"},
                },
            },
            {
                "name": "w",
                "type": "str",
                "rule": {
                    "type": "custom",
                    "custom_class": "syndata_test_plugins.PerRow",
                    "custom_method": "shout",
                    "parameters": {"word": "hi"},
                },
            },
            rows=50,
        )
    )
    assert df.sku.str.fullmatch(r"ITEM-\d+").all()
    assert (df.w == "HI").all()


def test_custom_plugin_errors(plugins_on_path):
    missing = {
        "tables": [
            {
                "table_name": "t",
                "columns": [
                    {"name": "x", "rule": {"type": "custom", "custom_class": "no_such_mod:X"}}
                ],
            }
        ]
    }
    pipeline.validate(missing)  # validation imports nothing
    with pytest.raises(GenerationError, match=r"'no_such_mod:X'.*cannot be imported"):
        frame(parse_config(missing))
    bad = one_table(
        {"name": "x", "rule": {"type": "custom", "custom_class": "syndata_test_plugins:WrongCount"}}
    )
    with pytest.raises(GenerationError, match="returned 2001 values for 2000 rows"):
        frame(bad)


def test_apply_rules_override_and_constrain():
    config = one_table(
        {
            "name": "age",
            "type": "int",
            "apply": "constrain",
            "rule": {"type": "range", "min": 18, "max": 80},
        },
        {
            "name": "plan",
            "type": "str",
            "apply": "constrain",
            "rule": {"type": "choice", "value": ["basic", "pro"]},
        },
        {
            "name": "code",
            "type": "str",
            "apply": "constrain",
            "rule": {"type": "regex", "pattern": "[A-Z]{2}\\d{2}"},
        },
        {
            "name": "id",
            "type": "int",
            "constraints": ["PK"],
            "apply": "constrain",
            "rule": {"type": "range", "min": 1, "max": 1000},
        },
        {"name": "name", "type": "str", "rule": "first_name"},
    )
    data = pd.DataFrame(
        {
            "age": [5, 30, 99, None],
            "plan": ["basic", "gold", "pro", "basic"],
            "code": ["AB12", "bad", "CD34", "x"],
            "id": [1, 1, 2, 2],
            "name": ["REAL1", "REAL2", "REAL3", "REAL4"],
        }
    )
    out = apply_rules(data, config, "t", seed=3)
    assert isinstance(out, pd.DataFrame)
    assert out.age.tolist()[:3] == [18, 30, 80] and pd.isna(out.age[3])
    assert out.plan[0] == "basic" and out.plan[2] == "pro" and out.plan.isin(["basic", "pro"]).all()
    assert out.code[0] == "AB12" and out.code.str.fullmatch(r"[A-Z]{2}\d{2}").all()
    assert out.id.is_unique and out.id[0] == 1
    assert not out.name.str.startswith("REAL").any()  # override replaces real values


def test_apply_rules_fixes_foreign_keys_and_adds_missing_columns():
    config = load_config(EXAMPLES / "employees_config.yaml")
    keys = KeyStore()
    keys.put("departments", "dept_id", pa.array([1, 2, 3], pa.int64()))
    data = pa.table({"emp_id": pa.array([1000, 1001, 1002]), "dept_id": pa.array([1, 9, 3])})
    out = apply_rules(data, config, "employees", seed=1, keys=keys)
    assert isinstance(out, pa.Table)
    depts = out.column("dept_id").to_pylist()
    assert depts[0] == 1 and depts[2] == 3 and depts[1] in (1, 2, 3)
    assert "salary" in out.column_names
    salary = np.array(out.column("salary").to_pylist())
    assert salary[np.array(depts) == 1].min() >= 80000


def test_apply_rules_unknown_table():
    config = load_config(EXAMPLES / "employees_config.yaml")
    with pytest.raises(GenerationError, match="table 'nope' is not in the config"):
        apply_rules(pd.DataFrame({"a": [1]}), config, "nope")
