"""Tests of the one translator of pydantic's errors into Problems."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from syndata.errors import Problem
from syndata.validation import Issue, did_you_mean, loc_path, pydantic_problems


class _Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")

    size: int


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed: int = Field(description="an integer")
    name: str = "x"
    items: list[_Inner] = []

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the name is blank")
        return value


def _error(data: dict[str, Any]) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        _Model.model_validate(data)
    return info.value


@pytest.mark.parametrize(
    ("loc", "prefix", "path"),
    [
        (("tables", 0, "columns", 2, "type"), "", "tables[0].columns[2].type"),
        (("name",), "recognizers[1]", "recognizers[1].name"),
        ((0, "x"), "", "[0].x"),
        (("rule", "faker", "provider"), "", "rule.provider"),
        ((), "config", "config"),
    ],
)
def test_loc_path_brackets_indexes_dots_names_and_skips_tags(
    loc: tuple[int | str, ...], prefix: str, path: str
) -> None:
    assert loc_path(loc, prefix=prefix, skip=lambda part: part == "faker") == path


def test_did_you_mean_names_the_closest_option_or_falls_back() -> None:
    assert did_you_mean("seeed", ["seed", "rows"], "remove it") == "did you mean 'seed'?"
    assert did_you_mean("zzz", ["seed", "rows"], "remove it") == "remove it"


def test_the_shared_wording_of_unknown_missing_and_own_messages() -> None:
    exc = _error({"seeed": 1, "name": " ", "items": [{}]})
    problems = pydantic_problems(
        exc,
        prefix="params",
        known=lambda issue: list(_Model.model_fields),
        describe=lambda name: (
            _Model.model_fields[name].description if name in _Model.model_fields else None
        ),
    )
    assert problems == [
        Problem("params.seed", "'seed' is required", "add 'seed': an integer"),
        Problem("params.name", "the name is blank"),
        Problem("params.items[0].size", "'size' is required", "add 'size'"),
        Problem("params.seeed", "unknown field 'seeed'", "did you mean 'seed'?"),
    ]


def test_an_unknown_key_close_to_nothing_gets_the_fallback_fix() -> None:
    exc = _error({"seed": 1, "colour": "red"})
    [problem] = pydantic_problems(
        exc, known=lambda issue: ["seed"], otherwise=lambda known: f"known: {', '.join(known)}"
    )
    assert problem == Problem("colour", "unknown field 'colour'", "known: seed")


def test_special_words_its_own_issues_and_leaves_the_rest() -> None:
    exc = _error({"seed": "abc", "extra": 1})
    seen: list[Issue] = []

    def special(issue: Issue) -> Problem | None:
        seen.append(issue)
        if issue.kind == "int_parsing":
            return Problem(issue.path, f"'{issue.field}' is not a number: {issue.value!r}")
        return None

    problems = pydantic_problems(exc, special=special)
    assert problems == [
        Problem("seed", "'seed' is not a number: 'abc'"),
        Problem("extra", "unknown field 'extra'", "remove it"),
    ]
    assert [issue.key for issue in seen] == ["seed", "extra"]
