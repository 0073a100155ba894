"""Problems of plan data as a whole: its shape, and the names it uses against the data's.

``plan_problems`` checks plain plan data (as read from YAML/JSON) in one pass, every
column entry included; ``data_problems`` lists the columns (and tables) that a plan names
but the data lacks. Each problem has its path in the plan and a fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from syndata.errors import Problem
from syndata.privacy.plan.decision import describe_kind, did_you_mean, entry_problems

if TYPE_CHECKING:
    from syndata.privacy.plan.privacy_plan import PrivacyPlan


def plan_problems(data: Any) -> list[Problem]:
    """Every problem of plain plan data (as read from YAML/JSON), in one pass."""
    if not isinstance(data, Mapping):
        return [
            Problem(
                "",
                f"the plan is {describe_kind(data)}, not a mapping",
                "start the file with 'columns:' (one table) or 'tables:'",
            )
        ]
    problems = [
        Problem(str(k), f"unknown field '{k}'", did_you_mean(str(k), ["columns", "tables"]))
        for k in data
        if k not in ("columns", "tables")
    ]
    if data.get("columns") and data.get("tables"):
        problems.append(
            Problem(
                "columns",
                "a plan has either 'columns' (one table) or 'tables', not both",
                "move these columns under their table in 'tables'",
            )
        )
    problems += _columns_problems(data.get("columns"), "columns")
    tables = data.get("tables")
    if tables is not None and not isinstance(tables, Mapping):
        problems.append(
            Problem(
                "tables",
                f"'tables' must map table names to their columns, got {describe_kind(tables)}",
                "write tables: {customers: {columns: {...}}}",
            )
        )
    for name, table in (tables or {}).items() if isinstance(tables, Mapping) else ():
        tpath = f"tables.{name}"
        if not isinstance(table, Mapping):
            problems.append(
                Problem(
                    tpath,
                    f"expected the table's columns, got {describe_kind(table)}",
                    "write columns: {...} under the table",
                )
            )
            continue
        problems += [
            Problem(f"{tpath}.{k}", f"unknown field '{k}'", "did you mean 'columns'?")
            for k in table
            if k != "columns"
        ]
        problems += _columns_problems(table.get("columns"), f"{tpath}.columns")
    return problems


def _columns_problems(columns: Any, path: str) -> list[Problem]:
    if columns is None:
        return []
    if not isinstance(columns, Mapping):
        return [
            Problem(
                path,
                f"'columns' must map column names to decisions, got {describe_kind(columns)}",
                "write columns: {email: hash, age: allow}",
            )
        ]
    problems: list[Problem] = []
    for name, entry in columns.items():
        problems += entry_problems(entry, f"{path}.{name}")
    return problems


def data_problems(
    plan: PrivacyPlan,
    columns: Iterable[Any] | Mapping[str, Iterable[Any]],
    table: str | None = None,
) -> list[Problem]:
    """Columns (and tables) that the plan names but the data lacks."""
    if plan.tables:
        named: dict[str | None, list[str]] = {t: list(p.columns) for t, p in plan.tables.items()}
    else:
        named = {None: list(plan.columns)}
    return name_problems(named, columns, table)


def raw_names(data: Mapping[str, Any]) -> dict[str | None, list[str]]:
    """The table and column names of plan data, valid or not (for one-pass checks)."""

    def names(columns: Any) -> list[str]:
        return [str(c) for c in columns] if isinstance(columns, Mapping) else []

    tables = data.get("tables")
    if isinstance(tables, Mapping) and tables:
        return {
            str(t): names(v.get("columns")) if isinstance(v, Mapping) else []
            for t, v in tables.items()
        }
    return {None: names(data.get("columns"))}


def name_problems(
    named: Mapping[str | None, list[str]],
    columns: Iterable[Any] | Mapping[str, Iterable[Any]],
    table: str | None,
) -> list[Problem]:
    """Problems of plan names (``None``: a one-table plan) against the data's names."""
    if isinstance(columns, Mapping):
        known = {str(t): [str(c) for c in cols] for t, cols in columns.items()}
        if None in named:
            if len(known) == 1:
                return _missing(named[None], next(iter(known.values())), "columns", "the table")
            return (
                [
                    Problem(
                        "columns",
                        f"a one-table plan cannot cover {len(known)} tables",
                        "list the decisions of each table under 'tables'",
                    )
                ]
                if known
                else []
            )
        problems: list[Problem] = []
        for name, plan_columns in named.items():
            if name not in known:
                problems.append(
                    Problem(
                        f"tables.{name}",
                        f"no table '{name}' in the data",
                        did_you_mean(str(name), list(known)),
                    )
                )
            else:
                problems += _missing(
                    plan_columns, known[name], f"tables.{name}.columns", f"table '{name}'"
                )
        return problems
    names = [str(c) for c in columns]
    if None in named:
        return _missing(named[None], names, "columns", "the table")
    if table is None and len(named) != 1:
        return [
            Problem(
                "tables", "this plan covers several tables; name the one checked", "pass table=..."
            )
        ]
    name = table if table is not None else next(iter(named))
    return _missing(named.get(name, []), names, f"tables.{name}.columns", f"table '{name}'")


def _missing(plan_columns: Iterable[str], names: list[str], path: str, where: str) -> list[Problem]:
    return [
        Problem(f"{path}.{col}", f"{where} has no column '{col}'", did_you_mean(col, names))
        for col in plan_columns
        if col not in names
    ]
