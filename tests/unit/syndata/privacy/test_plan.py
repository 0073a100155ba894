"""The privacy plan: loading, validation with paths, checks against data, proposals."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from pydantic import ValidationError

from syndata.errors import ConfigError
from syndata.privacy.operators import OPERATORS
from syndata.privacy.plan import (
    ColumnPlan,
    PrivacyPlan,
    TablePlan,
    dump_plan,
    load_plan,
)

EXAMPLE = """\
columns:
  ssn: {action: mask, operator: partial, keep_last: 4}
  email: {action: mask, operator: fake, entity: EMAIL_ADDRESS}
  customer_id: hash
  notes: {operator: anonymize_text, replace_with: fake}
  name: {action: regenerate, entity: PERSON}
  age: allow
  internal_code: drop
"""

MULTI = """\
tables:
  customers:
    columns:
      customer_id: {action: mask, operator: hash, length: 20}
      email: {operator: fake, provider: email}
  orders:
    columns:
      customer_id: {action: mask, operator: hash, length: 20}
"""


@dataclass
class Finding:
    """Stands in for the detector's finding."""

    column: str
    entity: str
    suggested_operator: str


@dataclass
class TableFinding(Finding):
    table: str = ""


@dataclass
class DetectorFinding:
    """Like the detector's PiiFinding: the suggestion is called ``operator``."""

    column: str
    entity: str
    operator: str


# --------------------------------------------------------------------------- loading


def test_yaml_plan_loads_with_actions_operators_params_and_shorthands(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(EXAMPLE)
    plan = load_plan(path)
    assert plan.decision("ssn") == ColumnPlan(
        action="mask", operator="partial", params={"keep_last": 4}
    )
    assert plan.decision("customer_id") == ColumnPlan(action="mask", operator="hash")
    assert plan.decision("notes").action == "mask"  # an operator implies mask
    assert plan.decision("notes").options().replace_with == "fake"
    assert plan.decision("name") == ColumnPlan(action="regenerate", entity="PERSON")
    assert plan.decision("age").action == "allow"
    assert plan.decision("internal_code").drops
    assert plan.decision("no_such_column") is None


def test_options_fill_defaults_and_resolve_provider_aliases():
    plan = load_plan(
        {"columns": {"cc": {"operator": "fake", "provider": "credit_card"}, "ssn": "partial"}}
    )
    assert plan.decision("cc").options().provider == "credit_card_number"
    opts = plan.decision("ssn").options()
    assert (opts.keep_first, opts.keep_last, opts.char) == (0, 4, "*")


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_dump_then_load_gives_the_same_plan(tmp_path, suffix):
    plan = load_plan_text(MULTI)
    path = tmp_path / f"plan{suffix}"
    text = dump_plan(plan, path)
    assert path.read_text() == text
    assert load_plan(path) == plan
    if suffix == ".json":
        assert text.lstrip().startswith("{")


def load_plan_text(text: str) -> PrivacyPlan:
    import yaml

    return load_plan(yaml.safe_load(text))


def test_dumped_yaml_writes_parameters_beside_the_operator():
    text = dump_plan(load_plan_text(EXAMPLE))
    assert "    operator: partial\n    keep_last: 4\n" in text
    assert "params" not in text


def test_multi_table_plan_needs_the_table_name_when_it_has_several():
    plan = load_plan_text(MULTI)
    assert plan.decision("email", "customers").options().provider == "email"
    assert plan.decision("email", "orders") is None
    assert plan.decision("customer_id", "nowhere") is None
    with pytest.raises(ConfigError, match="several tables"):
        plan.decision("customer_id")


def test_a_single_table_plan_applies_whatever_the_table_is_called():
    plan = load_plan_text(EXAMPLE)
    assert plan.decision("ssn", "anything") == plan.decision("ssn")


# --------------------------------------------------------------------------- validation


BAD_ENTRIES = [
    (
        {"action": "mask", "operator": "hsah"},
        "columns.c.operator",
        "unknown operator 'hsah'",
        "did you mean 'hash'",
    ),
    ({"action": "mask"}, "columns.c.operator", "action 'mask' needs an operator", "add operator"),
    ({"action": "hide"}, "columns.c.action", "unknown action 'hide'", "use one of"),
    ("alow", "columns.c", "unknown action or operator 'alow'", "did you mean 'allow'"),
    (None, "columns.c", "expected a decision, got nothing", "allow / drop"),
    ({"operator": "replace"}, "columns.c.value", "operator 'replace' needs 'value'", "add value"),
    (
        {"operator": "replace", "value": "x", "pattern": "(["},
        "columns.c.pattern",
        "invalid regular expression",
        "regular expression",
    ),
    (
        {"operator": "partial", "keep_lst": 2},
        "columns.c.keep_lst",
        "unknown parameter 'keep_lst' of operator 'partial'",
        "did you mean 'keep_last'",
    ),
    (
        {"operator": "partial", "char": "**"},
        "columns.c.char",
        "'char' of operator 'partial'",
        "one masking character",
    ),
    (
        {"operator": "hash", "length": 3},
        "columns.c.length",
        "greater than or equal to 8",
        "8 to 64",
    ),
    (
        {"operator": "fake"},
        "columns.c.provider",
        "needs a provider: no entity is set",
        "add provider",
    ),
    (
        {"operator": "fake", "entity": "NRP"},
        "columns.c.provider",
        "entity 'NRP' has no Faker provider",
        "add provider",
    ),
    (
        {"operator": "fake", "provider": "nosuch"},
        "columns.c.provider",
        "unknown Faker provider 'nosuch'",
        "Faker provider",
    ),
    (
        {"operator": "fake", "provider": "name", "locale": "xx_YY"},
        "columns.c.locale",
        "unknown Faker locale 'xx_YY'",
        "Faker locale",
    ),
    (
        {"operator": "generalize", "method": "width"},
        "columns.c.width",
        "method 'width' needs 'width'",
        "add width",
    ),
    (
        {"operator": "generalize", "method": "bands", "edges": [5, 1]},
        "columns.c.edges",
        "strictly increasing",
        "band edges",
    ),
    ({"operator": "generalize", "method": "decade"}, "columns.c.method", "'method'", "auto"),
    (
        {"action": "allow", "operator": "hash"},
        "columns.c.operator",
        "action 'allow' takes no operator",
        "set action: mask",
    ),
    (
        {"action": "allow", "length": 3},
        "columns.c.length",
        "unknown parameter 'length' of action 'allow'",
        "takes no parameters",
    ),
    (
        {"operator": "hash", "params": 5},
        "columns.c.params",
        "'params' must be a mapping",
        "beside 'operator'",
    ),
]


@pytest.mark.parametrize(("entry", "path", "message", "fix"), BAD_ENTRIES)
def test_each_bad_entry_is_reported_at_its_path_with_a_fix(entry, path, message, fix):
    with pytest.raises(ConfigError) as info:
        load_plan({"columns": {"c": entry}})
    [problem] = info.value.problems
    assert problem.path == path
    assert message in problem.message
    assert fix in problem.fix


def test_every_problem_of_a_plan_is_reported_in_one_pass():
    entries = {f"c{i}": entry for i, (entry, *_rest) in enumerate(BAD_ENTRIES)}
    with pytest.raises(ConfigError) as info:
        load_plan({"columns": entries, "colums": {}})
    paths = [p.path for p in info.value.problems]
    expected = [
        path.replace("columns.c", f"columns.c{i}")
        for i, (_e, path, *_rest) in enumerate(BAD_ENTRIES)
    ]
    assert paths == ["colums", *expected]
    assert str(info.value).startswith(f"{len(BAD_ENTRIES) + 1} problems:")


def test_problems_inside_tables_carry_the_table_in_their_path():
    with pytest.raises(ConfigError) as info:
        load_plan(
            {
                "tables": {
                    "orders": {"columns": {"x": {"operator": "hsah"}}, "colums": {}},
                    "items": ["not", "a", "mapping"],
                }
            }
        )
    assert [p.path for p in info.value.problems] == [
        "tables.orders.colums",
        "tables.orders.columns.x.operator",
        "tables.items",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a list\n", "the plan is a list, not a mapping"),
        ("", "the plan is nothing, not a mapping"),
        ("columns: [email]\n", "'columns' must map column names to decisions"),
        ("tables: [orders]\n", "'tables' must map table names to their columns"),
        (
            "columns: {a: allow}\ntables: {t: {columns: {b: allow}}}\n",
            "either 'columns' (one table) or 'tables'",
        ),
    ],
)
def test_plan_shape_problems(tmp_path, text, message):
    path = tmp_path / "plan.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_plan(path)
    [problem] = info.value.problems
    assert message in problem.message
    assert problem.fix


def test_file_errors_name_the_file_and_the_yaml_line(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_plan(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("columns:\n  email: {action: mask\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml:3"):
        load_plan(bad)


def test_building_an_invalid_decision_in_python_fails_too():
    with pytest.raises(ValidationError, match="unknown operator 'nope'"):
        ColumnPlan(action="mask", operator="nope")
    with pytest.raises(ValidationError, match="not both"):
        PrivacyPlan(columns={"a": ColumnPlan(action="allow")}, tables={"t": TablePlan()})


# --------------------------------------------------------------------------- data checks


def test_check_lists_every_column_the_table_lacks_with_a_suggestion():
    plan = load_plan_text(EXAMPLE)
    with pytest.raises(ConfigError) as info:
        plan.check(["ssn", "e_mail", "customer_id", "notes", "name", "age"])
    assert [(p.path, p.fix) for p in info.value.problems] == [
        ("columns.email", "did you mean 'e_mail'?"),
        ("columns.internal_code", "use one of: ssn, e_mail, customer_id, notes, name, age"),
    ]
    plan.check(["ssn", "email", "customer_id", "notes", "name", "age", "internal_code", "x"])


def test_check_of_a_multi_table_plan_against_every_table():
    plan = load_plan_text(MULTI)
    with pytest.raises(ConfigError) as info:
        plan.check({"customers": ["customer_id"], "order": ["customer_id"]})
    assert [(p.path, p.message) for p in info.value.problems] == [
        ("tables.customers.columns.email", "table 'customers' has no column 'email'"),
        ("tables.orders", "no table 'orders' in the data"),
    ]
    plan.check(["customer_id"], table="orders")
    with pytest.raises(ConfigError, match="name the one checked"):
        plan.check(["customer_id"])


def test_load_plan_reports_plan_and_column_problems_together():
    with pytest.raises(ConfigError) as info:
        load_plan(
            {"columns": {"emial": "hash", "ssn": {"operator": "nope"}}}, columns=["email", "ssn"]
        )
    assert sorted(p.path for p in info.value.problems) == ["columns.emial", "columns.ssn.operator"]


# --------------------------------------------------------------------------- proposals


def test_default_plan_from_findings():
    findings = [
        Finding("email", "EMAIL_ADDRESS", "fake"),
        Finding("ssn", "US_SSN", "partial"),
        Finding("customer_id", "ID", "hash"),
        Finding("birth", "DATE_TIME", "generalize"),
        Finding("zip", "US_ZIP_CODE", "generalize"),
        Finding("age", "AGE", "generalize"),
        Finding("notes", "PERSON", "fake"),
        Finding("notes", "PHONE_NUMBER", "anonymize_text"),
        Finding("religion", "NRP", "fake"),
        Finding("secret", "PASSWORD", "redact"),
        Finding("weird", "X", "something_new"),
    ]
    plan = PrivacyPlan.default_for(findings)
    assert not plan.tables
    got = {name: (d.action, d.operator, d.params, d.entity) for name, d in plan.columns.items()}
    assert got == {
        "email": ("mask", "fake", {}, "EMAIL_ADDRESS"),
        "ssn": ("mask", "partial", {}, "US_SSN"),
        "customer_id": ("mask", "hash", {}, "ID"),
        "birth": ("mask", "generalize", {"method": "month"}, "DATE_TIME"),
        "zip": ("mask", "generalize", {"method": "prefix", "length": 3}, "US_ZIP_CODE"),
        "age": ("allow", None, {}, "AGE"),  # a quasi-identifier: learned as data
        "notes": ("mask", "anonymize_text", {}, None),
        "religion": ("mask", "redact", {}, "NRP"),
        "secret": ("mask", "redact", {}, "PASSWORD"),
        "weird": ("mask", "redact", {}, "X"),
    }
    assert "no fake provider for entity NRP" in plan.columns["religion"].note
    assert "PERSON, PHONE_NUMBER" in plan.columns["notes"].note
    assert "quasi-identifier (AGE)" in plan.columns["age"].note
    assert "generalize" in plan.columns["age"].note
    # the proposal is a valid plan: it survives a round trip through YAML
    assert load_plan_text(dump_plan(plan)) == plan


def test_default_plan_for_a_named_table_or_findings_that_name_theirs():
    plan = PrivacyPlan.default_for([Finding("email", "EMAIL_ADDRESS", "hash")], table="users")
    assert plan.decision("email", "users").operator == "hash"
    found = [
        TableFinding("email", "EMAIL_ADDRESS", "hash", table="users"),
        TableFinding("phone", "PHONE_NUMBER", "fake", table="orders"),
    ]
    plan = PrivacyPlan.default_for(found)
    assert set(plan.tables) == {"users", "orders"}
    assert plan.decision("phone", "orders").operator == "fake"
    assert PrivacyPlan.default_for([]) == PrivacyPlan()


def test_default_plan_reads_the_detector_s_operator_field():
    plan = PrivacyPlan.default_for(
        [
            DetectorFinding("notes", "FREE_TEXT", "anonymize_text"),
            DetectorFinding("dob", "DATE_OF_BIRTH", "generalize"),
        ]
    )
    assert plan.decision("notes").operator == "anonymize_text"
    assert plan.decision("dob").action == "allow"  # a quasi-identifier, learned as data


def test_every_operator_has_a_valid_default_unless_it_needs_a_value():
    for operator in OPERATORS:
        decision = PrivacyPlan.default_for([Finding("c", "PERSON", operator)]).columns["c"]
        expected = "redact" if operator == "replace" else operator
        assert (decision.operator or decision.action) == expected
