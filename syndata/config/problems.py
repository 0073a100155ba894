"""Config problems found on the plain data: pydantic's errors in config terms, size limits.

Pydantic's errors are worded by the one translator, :mod:`syndata.validation`; this
module supplies what is the config's own (unknown column types and output formats, the
fields an unknown key could have meant). ``partial_config`` keeps what validated so the
reference checks can still run in the same pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from syndata import settings
from syndata.config.models import (
    OUTPUT_FORMATS,
    ColumnConfig,
    Condition,
    ConditionalRule,
    Config,
    ForeignKey,
    TableConfig,
)
from syndata.consistency.declared import KINDS, spec_fields
from syndata.errors import Problem
from syndata.rules.base import COLUMN_TYPES
from syndata.rules.builtin import FAKER_TAG, rule_class
from syndata.rules.spec import RULES
from syndata.validation import Issue, pydantic_problems


def size_problems(data: Any) -> list[Problem]:
    """Tables per config and columns per table over their limits.

    The limits are ``SYNDATA_MAX_TABLES`` and ``SYNDATA_MAX_COLUMNS``; checked on the plain
    data before anything else is parsed.
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("tables"), list):
        return []
    problems: list[Problem] = []
    tables = data["tables"]
    if len(tables) > settings.max_tables():
        problems.append(
            settings.over_limit(
                "tables",
                "tables per config",
                len(tables),
                settings.max_tables(),
                settings.MAX_TABLES_VAR,
            )
        )
    for index, table in enumerate(tables[: settings.max_tables()]):
        columns = table.get("columns") if isinstance(table, Mapping) else None
        if isinstance(columns, list) and len(columns) > settings.max_columns():
            problems.append(
                settings.over_limit(
                    f"tables[{index}].columns",
                    "columns per table",
                    len(columns),
                    settings.max_columns(),
                    settings.MAX_COLUMNS_VAR,
                )
            )
    return problems


def dedupe(problems: Iterable[Problem]) -> list[Problem]:
    """Problems without repeats, in order."""
    seen: dict[tuple[str, str], Problem] = {}
    for p in problems:
        seen.setdefault((p.path, p.message), p)
    return list(seen.values())


def partial_config(data: Mapping[str, Any]) -> Config | None:
    """Best-effort config from data that failed validation.

    Cross-references can then still be checked in the same pass: each invalid column
    becomes a bare ``str`` column of the same name, each invalid table is left out.
    """
    tables = []
    for raw in data.get("tables") or []:
        if not isinstance(raw, dict):
            continue
        raw_columns: list[Any] = raw.get("columns") or []
        if not isinstance(raw_columns, list):
            raw_columns = []
        columns = []
        for col in raw_columns:
            try:
                columns.append(ColumnConfig.model_validate(col))
            except ValidationError:
                if isinstance(col, dict) and isinstance(col.get("name"), str) and col["name"]:
                    columns.append(ColumnConfig(name=col["name"]))
        fks = []
        for fk in raw.get("foreign_keys") or []:
            try:
                fks.append(ForeignKey.model_validate(fk))
            except ValidationError:
                continue
        name = raw.get("table_name", raw.get("name"))
        if isinstance(name, str) and name and columns:
            tables.append(
                TableConfig.model_construct(
                    table_name=name, rows=None, columns=columns, foreign_keys=fks
                )
            )
    if not tables:
        return None
    return Config.model_construct(
        tables=tables, locale="en_US", rows=None, output_format="csv", seed=None
    )


def _lookup(data: Any, loc: tuple[Any, ...]) -> Any:
    for part in loc:
        in_list = isinstance(data, list) and isinstance(part, int) and part < len(data)
        if in_list or (isinstance(data, dict) and part in data):
            data = data[part]
        elif _is_rule_tag(part) or part in KINDS:
            continue
        else:
            return None
    return data


def validation_problems(exc: ValidationError, data: Any) -> list[Problem]:
    """The errors of validating ``data`` as a Config, as Problems in config terms."""

    def special(issue: Issue) -> Problem | None:
        constraint = _constraint_problem(issue, data)
        if constraint is not None:
            return constraint
        if issue.kind != "literal_error" or not issue.loc:
            return None
        if issue.loc[-1] == "type" and "columns" in issue.loc:
            value = _lookup(data, issue.loc)
            return Problem(
                issue.path,
                f"unknown column type {value!r}",
                f"use one of {', '.join(COLUMN_TYPES)}",
            )
        if issue.loc[-1] == "output_format":
            return Problem(
                issue.path,
                f"unknown output format {_lookup(data, issue.loc)!r}",
                f"use one of {', '.join(OUTPUT_FORMATS)}",
            )
        return None

    def known(issue: Issue) -> list[str]:
        return _known_fields(_lookup(data, issue.loc[:-1]), issue.loc[:-1])

    def otherwise(known: Sequence[str]) -> str:
        return f"remove it; known fields: {', '.join(known)}" if known else "remove it"

    return pydantic_problems(exc, skip=_is_tag, known=known, otherwise=otherwise, special=special)


def _is_constraint(loc: tuple[Any, ...]) -> bool:
    """``loc`` is a table's constraint itself: (..., 'constraints', <index>)."""
    return len(loc) >= 2 and loc[-2] == "constraints" and isinstance(loc[-1], int)


def _constraint_problem(issue: Issue, data: Any) -> Problem | None:
    """A constraint without a known ``type``, or one that is not a mapping."""
    if not _is_constraint(issue.loc):
        return None
    known = ", ".join(KINDS)
    if issue.kind == "union_tag_invalid":
        kind = _lookup(data, issue.loc)
        kind = kind.get("type") if isinstance(kind, dict) else kind
        return Problem(issue.path, f"unknown constraint type {kind!r}", f"use one of {known}")
    if issue.kind == "union_tag_not_found":
        return Problem(issue.path, "the constraint has no 'type'", f"add type: one of {known}")
    if issue.kind == "model_attributes_type":
        return Problem(
            issue.path,
            "a constraint is a mapping with a type and its columns",
            "write e.g. {type: unique, column: id}",
        )
    return None


def _is_rule_tag(part: object) -> bool:
    return part == FAKER_TAG or part in RULES.builtin_names()


def _is_tag(part: str) -> bool:
    return _is_rule_tag(part) or part in KINDS or part.startswith("function-")


def _rule_model(kind: object) -> type[BaseModel] | None:
    try:
        return rule_class(kind)
    except ValueError:  # a plug-in that cannot be loaded: reported where the rule is read
        return None


def _known_fields(parent: Any, loc: tuple[Any, ...]) -> list[str]:
    tagged = loc[:-1] if loc and loc[-1] in KINDS else loc  # (..., 'constraints', i, kind)
    if _is_constraint(tagged):
        return spec_fields(parent.get("type") if isinstance(parent, dict) else None)
    if isinstance(parent, dict) and "type" in parent and loc and _is_rule_tag(loc[-1]):
        model: type[BaseModel] | None = _rule_model(parent.get("type"))
    else:
        last = next((p for p in reversed(loc) if isinstance(p, str) and not _is_rule_tag(p)), None)
        models: dict[str | None, type[BaseModel]] = {
            None: Config,
            "tables": TableConfig,
            "columns": ColumnConfig,
            "foreign_keys": ForeignKey,
            "conditional_rules": ConditionalRule,
            "condition": Condition,
        }
        model = models.get(last)
        if last == "rule":
            model = _rule_model(parent.get("type") if isinstance(parent, dict) else None)
    return sorted(model.model_fields) if model is not None else []
