"""One column's decision in a privacy plan, and every problem an entry of a plan file can have.

A column entry is an ``action`` (``mask``, ``regenerate``, ``allow``, ``drop``), for ``mask``
an ``operator`` registered in ``syndata.privacy.operators.OPERATORS`` (plug-ins included)
with its parameters, and optionally the column's ``entity`` and a ``note``. A string is a
shorthand: an action, or an operator (mask with it). Problems carry their path in the
plan file and a fix; unknown names get a "did you mean" from the known ones.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from syndata.errors import PluginError, Problem
from syndata.privacy.operators import OPERATORS, FakeParams, NoParams, Operator, Params
from syndata.validation import Issue, pydantic_problems

ACTIONS: tuple[str, ...] = ("mask", "regenerate", "allow", "drop")
Action = Literal["mask", "regenerate", "allow", "drop"]


class RegenerateParams(FakeParams):
    """``regenerate`` (an action): optionally the Faker ``provider`` of the new values."""


_ACTION_PARAMS: dict[str, type[Params]] = {
    "regenerate": RegenerateParams,
    "allow": NoParams,
    "drop": NoParams,
}
_FIELDS = ("action", "operator", "entity", "note", "params")


class ColumnPlan(BaseModel):
    """The decision for one column: an action, and for ``mask`` an operator with params."""

    model_config = ConfigDict(extra="forbid")

    action: Action
    operator: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    entity: str | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        normal = normalise(data)
        return data if normal is None else normal

    @model_validator(mode="after")
    def _check(self) -> ColumnPlan:
        problems = _decision_problems(self.action, self.operator, self.params, self.entity, "")
        if problems:
            raise ValueError("; ".join(str(p) for p in problems))
        return self

    @property
    def drops(self) -> bool:
        """True when the column is removed (action ``drop`` or operator ``drop``)."""
        if self.action == "drop":
            return True
        return self.action == "mask" and self.operator_class().removes_column

    def options(self) -> Params:
        """The parameters, validated and with their defaults."""
        model = (
            self.operator_class().params_model
            if self.action == "mask" and self.operator
            else _ACTION_PARAMS.get(self.action, NoParams)
        )
        return model.model_validate(self.params)

    def operator_class(self) -> type[Operator]:
        """The registered class of the ``mask`` operator (PluginError for other actions)."""
        return OPERATORS.get(str(self.operator))

    def masker(self) -> Operator:
        """The ``mask`` operator with this decision's parameters and entity."""
        return self.operator_class()(self.options(), self.entity)

    def to_dict(self) -> dict[str, Any]:
        """Plain data as a plan file holds it (parameters beside ``operator``)."""
        out: dict[str, Any] = {"action": self.action}
        if self.operator is not None:
            out["operator"] = self.operator
        out.update(self.params)
        out.update({k: v for k, v in (("entity", self.entity), ("note", self.note)) if v})
        return out


def normalise(entry: Any) -> dict[str, Any] | None:
    """A column entry as ``{action, operator, params, entity, note}``, or None if unreadable.

    A string is a shorthand: an action (``allow``, ``drop``, ``regenerate``) or an operator
    (``hash``: mask with it). In a mapping, keys other than the fields are parameters, and
    the action defaults to ``mask`` when an operator is given.
    """
    if isinstance(entry, ColumnPlan):
        return entry.model_dump()
    if isinstance(entry, str):
        word = entry.strip().lower()
        if word in ACTIONS and word != "mask":
            return {"action": word, "params": {}}
        if word in OPERATORS:
            return {"action": "mask", "operator": word, "params": {}}
        return None
    if not isinstance(entry, Mapping):
        return None
    out: dict[str, Any] = {
        k: entry[k] for k in ("action", "operator", "entity", "note") if k in entry
    }
    params = dict(entry.get("params") or {}) if isinstance(entry.get("params"), Mapping) else {}
    params.update({str(k): v for k, v in entry.items() if k not in _FIELDS})
    out["params"] = params
    if "action" not in out and out.get("operator") is not None:
        out["action"] = "mask"
    return out


def entry_problems(entry: Any, path: str) -> list[Problem]:
    """Every problem of one column entry of a plan file."""
    normal = normalise(entry)
    if normal is None:
        if isinstance(entry, str):
            return [
                Problem(
                    path,
                    f"unknown action or operator {entry!r}",
                    did_you_mean(entry, [*ACTIONS[1:], *OPERATORS]),
                )
            ]
        return [
            Problem(
                path,
                f"expected a decision, got {describe_kind(entry)}",
                "write e.g. {action: mask, operator: hash}, or allow / drop / regenerate",
            )
        ]
    problems: list[Problem] = []
    if (
        isinstance(entry, Mapping)
        and "params" in entry
        and not isinstance(entry["params"], Mapping)
    ):
        problems.append(
            Problem(
                f"{path}.params",
                "'params' must be a mapping",
                "write the parameters beside 'operator'",
            )
        )
    for key in ("entity", "note"):
        if normal.get(key) is not None and not isinstance(normal[key], str):
            problems.append(Problem(f"{path}.{key}", f"'{key}' must be text", f"quote the {key}"))
    action = normal.get("action")
    if action is None:
        return [
            *problems,
            Problem(
                f"{path}.action", "'action' is required", f"add action: one of {', '.join(ACTIONS)}"
            ),
        ]
    if action not in ACTIONS:
        return [
            *problems,
            Problem(
                f"{path}.action",
                f"unknown action {action!r}",
                did_you_mean(str(action), list(ACTIONS)),
            ),
        ]
    entity = normal.get("entity") if isinstance(normal.get("entity"), str) else None
    return problems + _decision_problems(
        action, normal.get("operator"), normal["params"], entity, path
    )


def _decision_problems(
    action: str, operator: Any, params: Mapping[str, Any], entity: str | None, path: str
) -> list[Problem]:
    """Problems of an action with its operator and parameters."""
    at = f"{path}." if path else ""
    if action != "mask":
        if operator is not None:
            return [
                Problem(
                    f"{at}operator",
                    f"action '{action}' takes no operator",
                    "remove 'operator', or set action: mask",
                )
            ]
        return _param_problems(_ACTION_PARAMS[action], params, at, f"action '{action}'")
    if operator is None:
        return [
            Problem(
                f"{at}operator",
                "action 'mask' needs an operator",
                f"add operator: one of {', '.join(OPERATORS)}",
            )
        ]
    if not isinstance(operator, str) or operator not in OPERATORS:
        return [
            Problem(
                f"{at}operator",
                f"unknown operator {operator!r}",
                did_you_mean(str(operator), list(OPERATORS)),
            )
        ]
    try:
        cls = OPERATORS.get(operator)
    except PluginError as exc:
        return [Problem(f"{at}operator", str(exc).split(" (fix: ")[0], exc.fix)]
    problems = _param_problems(cls.params_model, params, at, f"operator '{operator}'")
    if problems:
        return problems
    options = cls.params_model.model_validate(dict(params))
    return [Problem(f"{at}{n}", msg, fix) for n, msg, fix in cls.entity_problems(options, entity)]


def _param_problems(
    model: type[Params], params: Mapping[str, Any], at: str, owner: str
) -> list[Problem]:
    """Problems of the parameters of an operator (or action), each at its own path."""
    try:
        validated = model.model_validate(dict(params))
    except ValidationError as exc:
        return pydantic_problems(exc, special=lambda issue: _param_problem(issue, model, at, owner))
    return [Problem(f"{at}{name}", msg, fix) for name, msg, fix in validated.problems()]


def _param_problem(issue: Issue, model: type[Params], at: str, owner: str) -> Problem:
    name = issue.field
    known = list(model.model_fields)
    field = model.model_fields.get(name)
    describe = f"{name}: {field.description}" if field is not None and field.description else ""
    if issue.kind == "extra_forbidden":
        fix = did_you_mean(name, known) if known else "remove it"
        return Problem(
            f"{at}{name}",
            f"unknown parameter '{name}' of {owner}",
            fix if known else f"remove it: {owner} takes no parameters",
        )
    if issue.kind == "missing":
        return Problem(f"{at}{name}", f"{owner} needs '{name}'", f"add {describe}")
    message = issue.message
    if not issue.kind.startswith("bad_"):  # syndata's own messages name the value
        message = f"'{name}' of {owner}: {message} (got {issue.value!r})"
    return Problem(f"{at}{name}", message, describe or f"check the parameters of {owner}")


def did_you_mean(name: str, options: list[str]) -> str:
    """A fix for an unknown ``name``: the closest of ``options``, or all of them."""
    guess = difflib.get_close_matches(name, options, n=1)
    if guess:
        return f"did you mean '{guess[0]}'?"
    return f"use one of: {', '.join(options)}"


def describe_kind(value: Any) -> str:
    """What ``value`` is, for a message: ``nothing`` or ``a list``."""
    return "nothing" if value is None else f"a {type(value).__name__}"
