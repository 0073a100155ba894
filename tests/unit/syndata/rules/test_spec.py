"""Rule types are classes registered by tag: the built-ins, and installed ones by entry point."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest
from installed_plugins import write_dist_info

from syndata import pipeline
from syndata.config import parse_config
from syndata.errors import ConfigError
from syndata.rules import RULES, Rule
from syndata.rules.builtin import read_rule
from syndata.rules.engine import generate_frames
from syndata.rules.faker_rule import FakerRule
from syndata.rules.ranges import RangeRule

BUILTINS = "range choice regex email sequence uuid date_range constant custom".split()  # noqa: SIM905


def config(rule: object, column_type: str = "str") -> dict:
    return {
        "tables": [
            {
                "table_name": "t",
                "rows": 5,
                "columns": [{"name": "x", "type": column_type, "rule": rule}],
            }
        ]
    }


@pytest.fixture
def rule_type(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A package on sys.path that registers the rule type ``tiban`` (group syndata.rule_types)."""
    module = f"syndata_rule_type_{uuid.uuid4().hex[:10]}"
    (tmp_path / f"{module}.py").write_text(
        "from typing import Literal\n"
        "from syndata.rules.numeric import Constant\n"
        "from syndata.rules.spec import Rule\n"
        "class IbanRule(Rule):\n"
        "    type: Literal['tiban'] = 'tiban'\n"
        "    country: str = 'DE'\n"
        "    def column_problems(self, column_type):\n"
        "        return [] if column_type == 'str' else ['tiban makes strings']\n"
        "    def generator(self, context):\n"
        "        return Constant(context.arrow_type, self.country + '00')\n"
    )
    write_dist_info(tmp_path, "tiban-rules", {"syndata.rule_types": f"tiban = {module}:IbanRule"})
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "tiban"
    sys.modules.pop(module, None)


def test_the_registry_lists_the_builtin_rule_types_in_order():
    assert RULES.builtin_names() == BUILTINS
    assert RULES.names()[: len(BUILTINS)] == BUILTINS
    assert RULES.get("range") is RangeRule
    assert all(issubclass(RULES.get(name), Rule) for name in BUILTINS)
    assert RULES.group == "syndata.rule_types"


def test_a_tag_picks_its_class_and_any_other_tag_is_a_faker_provider():
    assert isinstance(read_rule({"type": "range", "min": 1, "max": 2}), RangeRule)
    rule = read_rule("first_name")
    assert isinstance(rule, FakerRule)
    assert rule.provider == "first_name"
    assert rule.dump() == {"type": "first_name"}


def test_a_rule_type_from_an_entry_point_is_accepted_and_generates(rule_type):
    assert rule_type in RULES.names()
    parsed = parse_config(config({"type": rule_type, "country": "NL"}))
    assert parsed.to_dict()["tables"][0]["columns"][0]["rule"] == {
        "type": rule_type,
        "country": "NL",
    }
    frames = dict(generate_frames(parsed, seed=1))
    assert frames["t"]["x"].tolist() == ["NL00"] * 5


def test_an_installed_rule_type_is_validated_by_its_own_class(rule_type):
    with pytest.raises(ConfigError) as info:
        parse_config(config({"type": rule_type, "contry": "NL"}))
    [problem] = info.value.problems
    assert problem.path == "tables[0].columns[0].rule.contry"
    assert problem.message == "unknown field 'contry'"
    assert problem.fix == "did you mean 'country'?"
    with pytest.raises(ConfigError, match="rule: tiban makes strings"):
        parse_config(config({"type": rule_type}, column_type="int"))


def test_an_unknown_type_gives_the_same_error_as_before(rule_type):
    with pytest.raises(ConfigError) as info:
        pipeline.validate(config({"type": "rnage", "min": 1, "max": 2}, column_type="int"))
    [problem] = info.value.problems
    assert problem.path == "tables[0].columns[0].rule"
    assert problem.message.startswith(
        "unknown rule type 'rnage': not a built-in rule (range, choice, regex, email, "
        "sequence, uuid, date_range, constant, custom) nor a Faker provider of locale en_US"
    )
    assert problem.message.endswith("did you mean 'range'?")


def test_a_rule_type_that_cannot_be_loaded_is_a_problem_of_the_rule(tmp_path, monkeypatch):
    write_dist_info(
        tmp_path, "broken-rules", {"syndata.rule_types": "tbroken = no_such_module:Rule"}
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ConfigError) as info:
        parse_config(config({"type": "tbroken"}))
    [problem] = info.value.problems
    assert problem.path == "tables[0].columns[0].rule"
    assert problem.message.startswith("rule_types plug-in 'tbroken' (no_such_module:Rule")
    assert "cannot be loaded" in problem.message
