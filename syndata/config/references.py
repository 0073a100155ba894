"""Checks across a config: names, foreign keys, conditions and cycles between them."""

from __future__ import annotations

from syndata.config.constraints import constraint_problems
from syndata.config.models import Config, TableConfig
from syndata.errors import Problem
from syndata.graph import find_cycle
from syndata.validation import did_you_mean


def reference_problems(config: Config) -> list[Problem]:
    """Cross-reference checks: duplicate names, foreign keys, conditions, cycles."""
    problems: list[Problem] = []
    tables: dict[str, int] = {}
    for ti, table in enumerate(config.tables):
        tpath = f"tables[{ti}]"
        if table.table_name in tables:
            problems.append(
                Problem(
                    f"{tpath}.table_name",
                    f"duplicate table name '{table.table_name}' "
                    f"(also tables[{tables[table.table_name]}])",
                    "give every table a distinct name",
                )
            )
        else:
            tables[table.table_name] = ti
        problems += _column_problems(table, tpath)
        problems += constraint_problems(table, tpath)
    for ti, table in enumerate(config.tables):
        problems += _foreign_key_problems(config, table, f"tables[{ti}]")
    problems += _cycle_problems(config)
    return problems


def _column_problems(table: TableConfig, tpath: str) -> list[Problem]:
    problems = []
    names: dict[str, int] = {}
    for ci, col in enumerate(table.columns):
        if col.name in names:
            problems.append(
                Problem(
                    f"{tpath}.columns[{ci}].name",
                    f"duplicate column name '{col.name}' in table "
                    f"'{table.table_name}' (also columns[{names[col.name]}])",
                    "give every column a distinct name",
                )
            )
        else:
            names[col.name] = ci
    for ci, col in enumerate(table.columns):
        for ri, cond_rule in enumerate(col.conditional_rules):
            for k, cond in enumerate(cond_rule.condition):
                if cond.column not in names:
                    problems.append(
                        Problem(
                            f"{tpath}.columns[{ci}].conditional_rules[{ri}].condition[{k}].column",
                            f"condition on unknown column '{cond.column}' in table "
                            f"'{table.table_name}'",
                            did_you_mean(
                                cond.column, list(names), f"use one of: {', '.join(names)}"
                            ),
                        )
                    )
                elif cond.column == col.name:
                    problems.append(
                        Problem(
                            f"{tpath}.columns[{ci}].conditional_rules[{ri}].condition[{k}].column",
                            f"column '{col.name}' has a condition on itself",
                            "condition on another column of the table",
                        )
                    )
    cycle = find_cycle(
        [c.name for c in table.columns],
        {
            c.name: [cond.column for r in c.conditional_rules for cond in r.condition]
            for c in table.columns
        },
    )
    if cycle:
        problems.append(
            Problem(
                f"{tpath}.columns",
                f"conditional rules depend on each other in a cycle: {' -> '.join(cycle)}",
                "remove one of the conditions in the cycle",
            )
        )
    return problems


def _foreign_key_problems(config: Config, table: TableConfig, tpath: str) -> list[Problem]:
    problems = []
    fk_children = set()
    for fi, fk in enumerate(table.foreign_keys):
        fpath = f"{tpath}.foreign_keys[{fi}]"
        fk_children.add(fk.child_column)
        if table.column(fk.child_column) is None:
            problems.append(
                Problem(
                    f"{fpath}.child_column",
                    f"child column '{fk.child_column}' is not a column of table "
                    f"'{table.table_name}'",
                    _did_you_mean(fk.child_column, [c.name for c in table.columns]),
                )
            )
        parent = config.table(fk.parent_table)
        if parent is None:
            problems.append(
                Problem(
                    f"{fpath}.parent_table",
                    f"foreign key to missing table '{fk.parent_table}'",
                    _did_you_mean(fk.parent_table, [t.table_name for t in config.tables]),
                )
            )
            continue
        parent_col, child_col = parent.column(fk.parent_column), table.column(fk.child_column)
        if parent_col is None:
            problems.append(
                Problem(
                    f"{fpath}.parent_column",
                    f"foreign key to missing column '{fk.parent_column}' of table "
                    f"'{fk.parent_table}'",
                    _did_you_mean(fk.parent_column, [c.name for c in parent.columns]),
                )
            )
        elif child_col is not None and parent_col.type != child_col.type:
            problems.append(
                Problem(
                    f"{fpath}.child_column",
                    f"'{table.table_name}.{fk.child_column}' is {child_col.type} "
                    f"but the parent column '{fk.parent_table}.{fk.parent_column}' "
                    f"is {parent_col.type}",
                    f"give both columns type {parent_col.type}",
                )
            )
    for ci, col in enumerate(table.columns):
        if "FK" in col.constraints and col.name not in fk_children:
            problems.append(
                Problem(
                    f"{tpath}.columns[{ci}].constraints",
                    f"column '{col.name}' is marked FK but no foreign_keys "
                    f"entry of table '{table.table_name}' has child_column "
                    f"'{col.name}'",
                    "add a foreign_keys entry with parent_table, parent_column and "
                    f"child_column: {col.name}",
                )
            )
    return problems


def relationship_problems(config: Config) -> list[Problem]:
    """Deeper foreign-key checks (``validate --check-relationships``).

    The parent column must be a primary key or unique (else children could point at
    repeated values), and the child column must be marked FK.
    """
    problems = []
    for ti, table in enumerate(config.tables):
        for fi, fk in enumerate(table.foreign_keys):
            parent = config.table(fk.parent_table)
            child_col = table.column(fk.child_column)
            parent_col = parent.column(fk.parent_column) if parent else None
            if parent_col is None or child_col is None:
                continue  # reported by reference_problems
            path = f"tables[{ti}].foreign_keys[{fi}]"
            if not parent_col.is_unique:
                problems.append(
                    Problem(
                        f"{path}.parent_column",
                        f"'{fk.parent_table}.{fk.parent_column}' is referenced by "
                        f"'{table.table_name}.{fk.child_column}' but is neither "
                        "PK nor unique",
                        f"add constraints: [PK] (or [unique]) to "
                        f"{fk.parent_table}.{fk.parent_column}",
                    )
                )
            if "FK" not in child_col.constraints:
                problems.append(
                    Problem(
                        f"{path}.child_column",
                        f"'{table.table_name}.{fk.child_column}' is a foreign "
                        "key but not marked FK in its constraints",
                        "add FK to the column's constraints",
                    )
                )
    return problems


def _did_you_mean(name: str, options: list[str]) -> str:
    otherwise = f"use one of: {', '.join(options)}" if options else "define it first"
    return did_you_mean(name, options, otherwise)


def _cycle_problems(config: Config) -> list[Problem]:
    cycle = find_cycle([t.table_name for t in config.tables], parents(config))
    if not cycle:
        return []
    return [
        Problem(
            "tables",
            f"foreign keys form a cycle: {' -> '.join(cycle)}",
            "a parent table cannot (indirectly) reference its own child; "
            "remove one foreign key of the cycle or make it a plain column",
        )
    ]


def parents(config: Config) -> dict[str, list[str]]:
    """Each table's parent tables (by its foreign keys)."""
    return {t.table_name: [fk.parent_table for fk in t.foreign_keys] for t in config.tables}
