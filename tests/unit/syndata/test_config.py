"""Config loading and validation: every bad config gives its clear error."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from syndata import pipeline
from syndata.config import Config, dependency_order, dump_config, load_config, parse_config
from syndata.errors import ConfigError

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def base() -> dict:
    return {
        "tables": [
            {
                "table_name": "departments",
                "columns": [
                    {
                        "name": "dept_id",
                        "type": "int",
                        "constraints": ["PK"],
                        "rule": {"type": "range", "min": 1, "max": 10},
                    },
                    {
                        "name": "dept_name",
                        "type": "str",
                        "rule": {"type": "choice", "value": ["Eng", "Sales"]},
                    },
                ],
            },
            {
                "table_name": "employees",
                "columns": [
                    {
                        "name": "emp_id",
                        "type": "int",
                        "constraints": ["PK"],
                        "rule": {"type": "range", "min": 1000, "max": 9999},
                    },
                    {"name": "dept_id", "type": "int", "constraints": ["FK"]},
                    {
                        "name": "salary",
                        "type": "float",
                        "rule": {"type": "range", "min": 1, "max": 5},
                    },
                ],
                "foreign_keys": [
                    {
                        "parent_table": "departments",
                        "parent_column": "dept_id",
                        "child_column": "dept_id",
                    }
                ],
            },
        ],
        "rows": 100,
    }


def problems_of(data: dict, **kwargs) -> list[str]:
    with pytest.raises(ConfigError) as info:
        pipeline.validate(data, **kwargs)
    return [str(p) for p in info.value.problems]


def test_examples_validate_unchanged():
    for name in ("customer_config.json", "employees_config.yaml"):
        config = load_config(EXAMPLES / name)
        assert isinstance(config, Config)
        pipeline.validate(EXAMPLES / name)


def test_valid_base_config():
    config = parse_config(base())
    assert [t.table_name for t in dependency_order(config)] == ["departments", "employees"]


def edit(path: str, value):
    """A copy of base() with one value replaced at a dotted path (a.0.b)."""
    data = base()
    node = data
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node[part]
    last = parts[-1]
    if value is DELETE:
        del node[int(last) if last.isdigit() else last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return data


DELETE = object()

BAD_CONFIGS = [
    (
        "unknown rule type",
        edit("tables.1.columns.2.rule", {"type": "rnage", "min": 1, "max": 5}),
        r"tables\[1\]\.columns\[2\]\.rule: unknown rule type 'rnage'.*did you mean 'range'",
    ),
    (
        "min greater than max",
        edit("tables.1.columns.2.rule", {"type": "range", "min": 10, "max": 5}),
        r"^tables\[1\]\.columns\[2\]\.rule: min \(10\) is greater than max \(5\)",
    ),
    (
        "empty choice list",
        edit("tables.0.columns.1.rule", {"type": "choice", "value": []}),
        r"tables\[0\]\.columns\[1\]\.rule: the choice list 'value' is empty",
    ),
    (
        "weights do not match values",
        edit("tables.0.columns.1.rule", {"type": "choice", "value": ["a", "b"], "weights": [1]}),
        r"tables\[0\]\.columns\[1\]\.rule: 1 weights for 2 values",
    ),
    (
        "FK to a missing table",
        edit("tables.1.foreign_keys.0.parent_table", "departmnts"),
        r"tables\[1\]\.foreign_keys\[0\]\.parent_table: foreign key to missing table 'departmnts'"
        r".*did you mean 'departments'",
    ),
    (
        "FK to a missing column",
        edit("tables.1.foreign_keys.0.parent_column", "id"),
        r"tables\[1\]\.foreign_keys\[0\]\.parent_column: foreign key to missing column 'id' of "
        r"table 'departments'",
    ),
    (
        "FK child column missing",
        edit("tables.1.foreign_keys.0.child_column", "dept"),
        r"tables\[1\]\.foreign_keys\[0\]\.child_column: child column 'dept' is not a column",
    ),
    (
        "duplicate table name",
        edit("tables.1.table_name", "departments"),
        r"tables\[1\]\.table_name: duplicate table name 'departments'",
    ),
    (
        "duplicate column name",
        edit("tables.1.columns.2.name", "emp_id"),
        r"tables\[1\]\.columns\[2\]\.name: duplicate column name 'emp_id' in table 'employees'",
    ),
    (
        "PK range too small for explicit rows",
        edit("tables.0.rows", 50),
        r"tables\[0\]\.rows: table 'departments' asks for 50 rows but its PK column 'dept_id' can "
        r"hold only 10 distinct values",
    ),
    (
        "regex that cannot be generated",
        edit("tables.0.columns.1.rule", {"type": "regex", "pattern": r"(a)\1"}),
        r"tables\[0\]\.columns\[1\]\.rule: .*backreference",
    ),
    (
        "invalid regex",
        edit("tables.0.columns.1.rule", {"type": "regex", "pattern": "[a-"}),
        r"tables\[0\]\.columns\[1\]\.rule\.pattern: invalid regex '\[a-'",
    ),
    (
        "conditional rule on an unknown column",
        edit(
            "tables.1.columns.2.conditional_rules",
            [
                {
                    "condition": {"column": "dept", "operator": "==", "value": 1},
                    "rule": {"type": "range", "min": 1, "max": 2},
                }
            ],
        ),
        r"tables\[1\]\.columns\[2\]\.conditional_rules\[0\]\.condition\[0\]\.column: condition on "
        r"unknown column 'dept'.*did you mean 'dept_id'",
    ),
    (
        "unknown field",
        edit("tables.1.columns.2.rulez", {"type": "uuid"}),
        r"tables\[1\]\.columns\[2\]\.rulez: unknown field 'rulez' \(fix: did you mean 'rule'\?\)",
    ),
    (
        "unknown column type",
        edit("tables.1.columns.2.type", "money"),
        r"tables\[1\]\.columns\[2\]\.type: unknown column type 'money'",
    ),
    (
        "rule that does not fit the type",
        edit("tables.0.columns.1.rule", {"type": "range", "min": 1, "max": 3}),
        r"tables\[0\]\.columns\[1\]: .*'range' does not fit a str column",
    ),
    (
        "choice value of the wrong type",
        edit("tables.0.columns.0.rule", {"type": "choice", "value": [1, "x"]}),
        r"choice value 'x' is not a int",
    ),
    (
        "unknown constraint",
        edit("tables.0.columns.0.constraints", ["PRIMARY"]),
        r"tables\[0\]\.columns\[0\]\.constraints: unknown constraint 'PRIMARY'",
    ),
    (
        "rule without type",
        edit("tables.0.columns.1.rule", {"min": 1}),
        r"tables\[0\]\.columns\[1\]\.rule: rule has no 'type'",
    ),
    (
        "FK marked but not declared",
        edit("tables.1.foreign_keys", []),
        r"tables\[1\]\.columns\[1\]\.constraints: column 'dept_id' is marked FK but no "
        r"foreign_keys entry",
    ),
    (
        "FK type mismatch",
        edit("tables.1.columns.1.type", "str"),
        r"'employees\.dept_id' is str but the parent column 'departments\.dept_id' is int",
    ),
    ("unknown locale", {**base(), "locale": "xx_YY"}, r"^locale: unknown locale 'xx_YY'"),
    ("empty tables", {"tables": []}, r"^tables: "),
]


@pytest.mark.parametrize(("case", "data", "pattern"), BAD_CONFIGS, ids=[c[0] for c in BAD_CONFIGS])
def test_bad_config_gives_clear_error(case, data, pattern):
    problems = problems_of(data)
    assert any(re.search(pattern, p) for p in problems), problems


def test_fk_cycle_is_reported():
    data = base()
    data["tables"][0]["columns"].append({"name": "boss", "type": "int", "constraints": ["FK"]})
    data["tables"][0]["foreign_keys"] = [
        {"parent_table": "employees", "parent_column": "emp_id", "child_column": "boss"}
    ]
    problems = problems_of(data)
    assert any(
        "foreign keys form a cycle: departments -> employees -> departments" in p
        or "foreign keys form a cycle: employees -> departments -> employees" in p
        for p in problems
    ), problems


def test_every_problem_is_reported_in_one_pass():
    data = base()
    data["tables"][0]["columns"][1]["rule"] = {"type": "choice", "value": []}
    data["tables"][1]["columns"][2]["rule"] = {"type": "range", "min": 10, "max": 5}
    data["tables"][1]["columns"][0]["rule"] = {"type": "rnage"}
    data["tables"][1]["foreign_keys"][0]["parent_table"] = "nope"
    problems = problems_of(data)
    joined = "\n".join(problems)
    for fragment in (
        "choice list 'value' is empty",
        "min (10) is greater than max (5)",
        "unknown rule type 'rnage'",
        "foreign key to missing table 'nope'",
    ):
        assert fragment in joined
    assert len(problems) == 4, problems


def test_rows_capped_by_pk_range_warns():
    checked = pipeline.validate(base(), rows=500)
    rows = {t.name: t.rows for t in checked.plan.tables}
    assert rows == {"departments": 10, "employees": 500}
    assert any("departments" in w and "only 10 distinct values" in w for w in checked.warnings)


def test_check_relationships_requires_key_parent():
    data = base()
    data["tables"][0]["columns"][0]["constraints"] = []
    pipeline.validate(data)  # structurally fine
    problems = problems_of(data, check_relationships=True)
    assert any(
        "'departments.dept_id' is referenced by 'employees.dept_id' but is neither PK "
        "nor unique" in p
        for p in problems
    ), problems


@pytest.mark.parametrize(
    ("text", "suffix", "where"),
    [
        (
            "tables:\n  - table_name: a\n    columns: [\n",
            ".yaml",
            r"bad\.yaml:4:1: YAML syntax error",
        ),
        (
            "tables:\n- table_name: a\n  columns:\n   - name: x\n  - bad: [\n",
            ".yaml",
            r"bad\.yaml:\d+:\d+: YAML syntax error",
        ),
        ('{"tables": [\n  {"table_name": "a",}\n]}', ".json", r"bad\.json:2:22: JSON syntax error"),
    ],
)
def test_syntax_errors_have_line_numbers(tmp_path, text, suffix, where):
    path = tmp_path / f"bad{suffix}"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert re.search(where, str(info.value)), str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.yaml")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("")
    with pytest.raises(ConfigError, match="the config is empty"):
        load_config(path)


def test_round_trip_yaml_and_json(tmp_path):
    config = load_config(EXAMPLES / "employees_config.yaml")
    for name in ("c.yaml", "c.json"):
        dump_config(config, tmp_path / name)
        again = load_config(tmp_path / name)
        assert again == config


def test_shorthand_and_aliases():
    data = copy.deepcopy(base())
    data["tables"][0]["columns"][1]["rule"] = "city"
    data["tables"][0]["columns"][0]["constraints"] = ["primary_key"]
    data["tables"][0]["columns"].append(
        {"name": "code", "type": "string", "rule": {"type": "regex", "regex": "[A-Z]{3}"}}
    )
    config = parse_config(json.loads(json.dumps(data)))
    cols = config.tables[0].columns
    assert cols[1].rule.type == "city"
    assert cols[0].constraints == ["PK"]
    assert cols[2].type == "str" and cols[2].rule.pattern == "[A-Z]{3}"
