"""A masking operator from an installed package: registered, validated by plans, applied."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from installed_plugins import write_dist_info

from syndata.errors import ConfigError
from syndata.privacy.masking import mask_frame
from syndata.privacy.operators import OPERATORS, Operator
from syndata.privacy.plan import ColumnPlan, load_plan

PLUGIN = """\
import pandas as pd
from pydantic import Field

from syndata.privacy.operators import MaskContext, Operator, Params


class ShoutParams(Params):
    suffix: str = Field("!", description="text added after each value")


class Shout(Operator):
    params_model = ShoutParams

    def mask(self, values: pd.Series, context: MaskContext) -> pd.Series:
        return values.where(values.isna(), values.astype(str).str.upper() + self.options.suffix)


class NotAnOperator:
    pass
"""


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "shout_operator_plugin.py").write_text(PLUGIN)
    lines = "shout = shout_operator_plugin:Shout\nbroken = shout_operator_plugin:NotAnOperator"
    write_dist_info(tmp_path, "shout-plugin", {"syndata.operators": lines})
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(OPERATORS, "_loaded", {})
    monkeypatch.delitem(sys.modules, "shout_operator_plugin", raising=False)


def test_the_built_ins_are_registered_in_the_plan_vocabulary_s_order():
    assert OPERATORS.builtin_names() == [
        "redact",
        "replace",
        "partial",
        "hash",
        "encrypt",
        "decrypt",
        "fake",
        "generalize",
        "drop",
        "anonymize_text",
    ]
    assert all(issubclass(OPERATORS.get(name), Operator) for name in OPERATORS)


def test_a_plugin_operator_masks_a_table_end_to_end(installed):
    assert "shout" in OPERATORS
    plan = load_plan({"columns": {"name": {"operator": "shout", "suffix": "?"}, "city": "shout"}})
    frame = pd.DataFrame(
        {"name": ["ann", None, "bo"], "city": ["oslo", "rome", None], "n": [1, 2, 3]}
    )
    result = mask_frame(frame, plan)
    assert result.frame["name"].tolist() == ["ANN?", None, "BO?"]
    assert result.frame["city"].tolist() == ["OSLO!", "ROME!", None]
    assert result.frame["n"].tolist() == [1, 2, 3]
    assert result.to_dict()["columns"] == {
        "name": {"operator": "shout", "masked": 2},
        "city": {"operator": "shout", "masked": 2},
    }


def test_a_plugin_operator_s_parameters_are_checked_with_paths(installed):
    with pytest.raises(ConfigError) as info:
        load_plan({"columns": {"name": {"operator": "shout", "sufix": "?"}}})
    assert [p.path for p in info.value.problems] == ["columns.name.sufix"]
    assert "unknown parameter 'sufix' of operator 'shout'" in str(info.value)
    assert "did you mean 'suffix'?" in str(info.value)


def test_a_plugin_that_is_no_operator_is_reported_at_its_path(installed):
    with pytest.raises(ConfigError) as info:
        load_plan({"columns": {"name": {"operator": "broken"}}})
    assert [p.path for p in info.value.problems] == ["columns.name.operator"]
    assert "is not a subclass of Operator" in str(info.value)


def test_unknown_operators_are_still_refused_with_the_known_ones(installed):
    with pytest.raises(ConfigError) as info:
        load_plan({"columns": {"name": {"action": "mask", "operator": "shuot"}}})
    assert "unknown operator 'shuot'" in str(info.value)
    assert "did you mean 'shout'?" in str(info.value)
    with pytest.raises(ValueError, match="unknown operator 'whisper'"):
        ColumnPlan(action="mask", operator="whisper")


def test_without_the_package_the_plugin_name_is_unknown():
    with pytest.raises(ConfigError, match="unknown action or operator 'shout'"):
        load_plan({"columns": {"name": "shout"}})
