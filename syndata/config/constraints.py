"""Checks of a table's declared ``constraints:`` against its columns.

``constraint_problems`` (part of every config's checks): a column a constraint names is
named once, and when the table declares it, it has a type the constraint can judge
(numbers for a ``sum``, numbers or dates for an ``inequality``, ...; each constraint says
so in ``roles``); the two sides of an ``inequality`` are both numbers or both dates.

A constraint may name a column the config does not list: with ``--sample-data`` (or a
fit's ``--constraints``) the column comes from the real rows, which are checked then.
Rows made from the config alone have no such column: ``missing_columns`` names them, the
fix giving the table's columns or the one most likely meant.
"""

from __future__ import annotations

from syndata.config.models import TableConfig
from syndata.consistency.declared import ORDERED, Role
from syndata.errors import Problem
from syndata.rules.base import TEMPORAL_TYPES
from syndata.validation import did_you_mean

LISTED_COLUMNS = 20  # column names a fix lists at most


def constraint_problems(table: TableConfig, tpath: str) -> list[Problem]:
    """Problems of ``table``'s constraints (``tpath`` is the table's path, ``tables[0]``)."""
    types: dict[str, str] = {c.name: c.type for c in table.columns}
    problems: list[Problem] = []
    for i, spec in enumerate(table.constraints):
        cpath = f"{tpath}.constraints[{i}]"
        seen: set[str] = set()
        for where, column, allowed in spec.roles():
            path = f"{cpath}.{where}"
            kind = types.get(column)
            if column in seen:
                problems.append(
                    Problem(path, f"column '{column}' is named twice", "name each column once")
                )
            elif kind is not None and allowed is not None and kind not in allowed:
                problems.append(
                    Problem(
                        path,
                        f"column '{column}' is {kind}; a {spec.type} constraint needs "
                        f"{_kinds(allowed)}",
                        f"name {_kinds(allowed)} instead, or change the type of '{column}'",
                    )
                )
            seen.add(column)
        problems += _order_problems(spec.roles(), types, cpath)
    return problems


def missing_columns(table: TableConfig, tpath: str) -> list[Problem]:
    """Columns ``table``'s constraints name that it does not list (for rows from rules alone)."""
    names = [c.name for c in table.columns]
    return [
        Problem(
            f"{tpath}.constraints[{i}].{where}",
            f"'{column}' is not a column of table '{table.table_name}' (rows made from the "
            "config alone have only its columns)",
            did_you_mean(column, names, f"use one of: {_listed(names)}, or add the column"),
        )
        for i, spec in enumerate(table.constraints)
        for where, column, _ in spec.roles()
        if column not in names
    ]


def _order_problems(roles: list[Role], types: dict[str, str], cpath: str) -> list[Problem]:
    """An inequality between a number and a date compares nothing."""
    if [r[2] for r in roles] != [ORDERED, ORDERED]:
        return []
    (_, low, _), (_, high, _) = roles
    kinds = types.get(low), types.get(high)
    if None in kinds or not all(k in ORDERED for k in kinds):
        return []  # reported above
    if (kinds[0] in TEMPORAL_TYPES) == (kinds[1] in TEMPORAL_TYPES):
        return []
    return [
        Problem(
            f"{cpath}.high",
            f"'{low}' is {kinds[0]} but '{high}' is {kinds[1]}; an inequality compares two "
            "numbers or two dates",
            "name two number columns or two date / datetime columns",
        )
    ]


def _kinds(allowed: frozenset[str]) -> str:
    if allowed == ORDERED:
        return "a number, date or datetime column"
    if "bool" in allowed:
        return "a number or bool column"
    return "a number column (int, float or decimal)"


def _listed(names: list[str]) -> str:
    more = len(names) - LISTED_COLUMNS
    return ", ".join(names[:LISTED_COLUMNS]) + (f", ... ({more} more)" if more > 0 else "")
