"""Recognizers declared in config: every problem reported with its path and a fix."""

from __future__ import annotations

import pytest

from syndata.errors import ConfigError
from syndata.privacy.recognizers import recognizer_from_config


def test_a_bad_regex_names_the_recognizer_and_the_regex():
    with pytest.raises(
        ConfigError,
        match=r"recognizer 'employee_id': regex 'EMP-\(\\d\{6\}' "
        r"is not a valid regular expression",
    ) as info:
        recognizer_from_config(
            {
                "name": "employee_id",
                "entity": "EMPLOYEE_ID",
                "patterns": [{"regex": r"EMP-(\d{6}", "score": 0.9}],
            },
            path="privacy.recognizers[0]",
        )
    problem = info.value.problems[0]
    assert problem.path == "privacy.recognizers[0]"
    assert "escape" in problem.fix


def test_config_problems_are_all_reported_with_their_path():
    with pytest.raises(ConfigError) as info:
        recognizer_from_config(
            {
                "name": "x",
                "entity": "employee id",
                "colour": "red",
                "patterns": [{"regex": "A", "score": 3}],
            }
        )
    paths = sorted(p.path for p in info.value.problems)
    assert paths == ["recognizers.colour", "recognizers.patterns[0].score"]
    assert "unknown field 'colour'" in str(info.value)
    with pytest.raises(ConfigError, match="needs 'patterns' or a 'deny_list'"):
        recognizer_from_config({"name": "x", "entity": "X"})
    with pytest.raises(ConfigError, match="entity 'employee id' must be upper case"):
        recognizer_from_config({"name": "x", "entity": "employee id", "deny_list": ["a"]})
    with pytest.raises(ConfigError, match="must be a mapping"):
        recognizer_from_config(["EMP"])  # type: ignore[arg-type]
