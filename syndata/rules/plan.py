"""From a validated config to a generation plan: one generator per column, rows per table.

``build_plan`` also runs the checks that need the rule engine (unknown rule types and
Faker providers, regexes that cannot be generated, plug-ins that cannot be loaded, key
ranges too small for the rows) and reports every problem at once in a ConfigError.

Defaults for a column without a ``rule``:

* an FK column draws from its parent's keys;
* a column with only ``conditional_rules`` draws, outside every condition, from its
  first conditional rule;
* a ``str`` column whose name is a known generator (``email``, ``uuid``, ``first_name``,
  ``city`` ...) uses it; other columns use their type's default (``DEFAULTS_BY_TYPE``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pyarrow as pa

from syndata.config import (
    DEFAULT_ROWS,
    ColumnConfig,
    Condition,
    Config,
    ForeignKey,
    TableConfig,
    column_order,
    dependency_order,
)
from syndata.errors import ConfigError, Problem
from syndata.io.base import ForeignKeySpec, TableSpec
from syndata.rules.base import DEFAULT_DECIMAL_SCALE, ColumnGenerator, arrow_type
from syndata.rules.faker_rule import faker_generator
from syndata.rules.keys import ForeignKeyDraw, KeyStore, UniqueByHash, UniqueFromDomain
from syndata.rules.numeric import Choice, DateRange, NumberRange, Sequence
from syndata.rules.providers import faker_for, has_provider, word_list
from syndata.rules.spec import Rule, RuleContext
from syndata.rules.text import Email, Uuid, WordSample
from syndata.seeds import fresh_seed

DEFAULTS_BY_TYPE: dict[str, str] = {
    "int": "range 0..1000 (a sequence from 1 for a primary key)",
    "float": "range 0..1000, 2 decimals",
    "decimal": "range 0..1000, 2 decimals",
    "str": "a Faker word (a UUID for a primary key)",
    "bool": "true or false, half each",
    "date": "dates from 2000-01-01 to 2025-12-31",
    "datetime": "datetimes from 2000-01-01 to 2025-12-31",
}
_NAMED_DEFAULTS = ("email", "uuid")


@dataclass
class ColumnPlan:
    """How one column is generated."""

    config: ColumnConfig
    index: int
    generator: ColumnGenerator
    conditionals: list[tuple[list[Condition], ColumnGenerator]] = field(default_factory=list)
    foreign_key: ForeignKey | None = None

    @property
    def name(self) -> str:
        """The column's name."""
        return self.config.name


@dataclass
class TablePlan:
    """How one table is generated: its rows and its columns in generation order."""

    config: TableConfig
    index: int
    rows: int
    columns: list[ColumnPlan]
    spec: TableSpec
    key_columns: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        """The table's name."""
        return self.config.table_name


@dataclass
class Plan:
    """A whole generation run: tables in dependency order, the seed, warnings."""

    tables: list[TablePlan]
    seed: int
    keys: KeyStore
    warnings: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        """Rows over all tables."""
        return sum(t.rows for t in self.tables)


def column_seed(seed: int, table_index: int, column_index: int, purpose: int = 0) -> int:
    """A seed for a column's fixed state (pools, key permutations)."""
    ss = np.random.SeedSequence([seed, table_index, column_index, purpose, 0x5EED])
    return int(ss.generate_state(1, dtype=np.uint32)[0])


def build_plan(config: Config, rows: int | None = None, seed: int | None = None) -> Plan:
    """Compile ``config`` into a Plan; raise ConfigError listing every problem."""
    if seed is None:
        seed = config.seed if config.seed is not None else fresh_seed()
    problems: list[Problem] = []
    try:
        faker_for(config.locale)
    except ValueError:
        problems.append(
            Problem(
                "locale",
                f"unknown locale '{config.locale}'",
                "use a Faker locale such as en_US, de_DE, fr_FR",
            )
        )
        config = config.model_copy(update={"locale": "en_US"})
    requested = (
        rows if rows is not None else (config.rows if config.rows is not None else DEFAULT_ROWS)
    )
    keys = KeyStore()
    plans: list[TablePlan] = []
    warnings: list[str] = []
    resolved_rows: dict[str, int] = {}
    index_of = {t.table_name: i for i, t in enumerate(config.tables)}
    for table in dependency_order(config):
        ti = index_of[table.table_name]
        builder = _TableBuilder(config, table, ti, seed, keys, resolved_rows)
        plan = builder.build(requested)
        problems += builder.problems
        warnings += builder.warnings
        resolved_rows[table.table_name] = plan.rows
        plans.append(plan)
    referenced = {
        (fk.parent_table, fk.parent_column) for t in config.tables for fk in t.foreign_keys
    }
    for plan in plans:
        plan.key_columns = {col for (tbl, col) in referenced if tbl == plan.name}
    if problems:
        raise ConfigError(problems)
    return Plan(plans, seed, keys, warnings)


class _TableBuilder:
    """Builds one TablePlan, collecting problems instead of stopping at the first."""

    def __init__(
        self,
        config: Config,
        table: TableConfig,
        index: int,
        seed: int,
        keys: KeyStore,
        resolved_rows: dict[str, int],
    ) -> None:
        self.config, self.index, self.seed = config, index, seed
        self.table = declared_unique(table)
        self.keys, self.resolved_rows = keys, resolved_rows
        self.path = f"tables[{index}]"
        self.problems: list[Problem] = []
        self.warnings: list[str] = []

    def build(self, requested: int) -> TablePlan:
        table = self.table
        fks = {fk.child_column: fk for fk in table.foreign_keys}
        col_index = {c.name: i for i, c in enumerate(table.columns)}
        columns = []
        for col in column_order(table):
            ci = col_index[col.name]
            plan = self._column(col, ci, fks.get(col.name))
            if plan is not None:
                columns.append(plan)
        rows = self._rows(requested, columns)
        spec = TableSpec(
            name=table.table_name,
            schema=pa.schema(
                [
                    pa.field(c.name, _column_type(c), nullable=not _not_null(c))
                    for c in table.columns
                ]
            ),
            primary_key=tuple(table.primary_key),
            foreign_keys=tuple(
                ForeignKeySpec(fk.child_column, fk.parent_table, fk.parent_column)
                for fk in table.foreign_keys
            ),
            unique=tuple(c.name for c in table.columns if "unique" in c.constraints),
            not_null=tuple(c.name for c in table.columns if _not_null(c)),
        )
        return TablePlan(table, self.index, rows, columns, spec)

    def _rows(self, requested: int, columns: list[ColumnPlan]) -> int:
        """Rows for the table: its own ``rows``, else the requested count capped by its keys."""
        table = self.table
        limits = []
        for plan in columns:
            if not plan.config.is_unique:
                continue
            if plan.foreign_key is not None:
                cap: int | None = self.resolved_rows.get(plan.foreign_key.parent_table)
            else:
                try:
                    cap = plan.generator.capacity()
                except Exception as exc:  # a plug-in or provider failing to build its pool
                    self.problems.append(
                        Problem(f"{self.path}.columns[{plan.index}].rule", str(exc))
                    )
                    cap = None
            if cap is not None:
                limits.append((cap, plan))
        if table.rows is not None:
            for cap, plan in limits:
                if cap < table.rows:
                    kind = "PK" if plan.config.is_primary_key else "unique"
                    self.problems.append(
                        Problem(
                            f"{self.path}.rows",
                            f"table '{table.table_name}' asks for {table.rows} rows but its {kind} "
                            f"column '{plan.name}' can hold only {cap} distinct values",
                            f"widen the rule of '{plan.name}' or set rows <= {cap}",
                        )
                    )
            return table.rows
        if not limits:
            return requested
        cap, plan = min(limits, key=lambda item: item[0])
        if cap < requested:
            kind = "primary key" if plan.config.is_primary_key else "unique column"
            self.warnings.append(
                f"table '{table.table_name}': {requested} rows requested but its {kind} "
                f"'{plan.name}' can hold only {cap} distinct values; generating {cap} rows "
                f"(widen its rule for more)"
            )
            return cap
        return requested

    def _column(self, col: ColumnConfig, ci: int, fk: ForeignKey | None) -> ColumnPlan | None:
        cpath = f"{self.path}.columns[{ci}]"
        typ = _column_type(col)
        cseed = column_seed(self.seed, self.index, ci)
        if col.is_unique and col.conditional_rules:
            self.problems.append(
                Problem(
                    f"{cpath}.conditional_rules",
                    f"column '{col.name}' is PK/unique and has conditional "
                    "rules, which could repeat values",
                    "drop the conditional rules or the PK/unique constraint",
                )
            )
        conditionals = []
        for ri, cond in enumerate(col.conditional_rules):
            gen = self._generator(
                cond.rule, col, typ, cseed + ri + 1, f"{cpath}.conditional_rules[{ri}].rule"
            )
            if gen is not None:
                conditionals.append((cond.condition, gen))
        if fk is not None:
            if col.rule is not None:
                self.problems.append(
                    Problem(
                        f"{cpath}.rule",
                        f"column '{col.name}' is a foreign key and has a "
                        "rule; its values come from the parent's keys",
                        "remove the rule",
                    )
                )
            base: ColumnGenerator | None = ForeignKeyDraw(
                self.keys, fk.parent_table, fk.parent_column, typ, col.name
            )
        elif col.rule is not None:
            base = self._generator(col.rule, col, typ, cseed, f"{cpath}.rule")
        elif conditionals:
            base = conditionals[0][1]
        else:
            base = _default_generator(col, typ, self.config.locale, cseed)
        if base is None:
            return None
        if col.is_unique:
            base = _unique(base, col, column_seed(self.seed, self.index, ci, 1))
        return ColumnPlan(col, ci, base, conditionals, fk)

    def _generator(
        self, rule: Rule, col: ColumnConfig, typ: pa.DataType, seed: int, path: str
    ) -> ColumnGenerator | None:
        context = RuleContext(col.name, col.type, typ, self.config.locale, seed)
        try:
            return rule.generator(context)
        except ValueError as exc:
            self.problems.append(Problem(path, str(exc), getattr(exc, "fix", "")))
            return None


def declared_unique(table: TableConfig) -> TableConfig:
    """``table`` with each column a table-level ``unique`` constraint names marked unique.

    Such a column is then drawn without repeats across the whole table (and its key
    range capped or checked) just as one with ``constraints: [unique]``.
    """
    named = {s.column for s in table.constraints if s.type == "unique"}
    marked = {c.name for c in table.columns if c.name in named and not c.is_unique}
    if not marked:
        return table
    columns = [
        c.model_copy(update={"constraints": [*c.constraints, "unique"]}) if c.name in marked else c
        for c in table.columns
    ]
    return table.model_copy(update={"columns": columns})


def _unique(gen: ColumnGenerator, col: ColumnConfig, seed: int) -> ColumnGenerator:
    if isinstance(gen, Sequence | Uuid):
        return gen  # unique by construction
    if isinstance(gen, ForeignKeyDraw) or gen.domain_size() is not None:
        return UniqueFromDomain(gen, seed)
    return UniqueByHash(gen, col.name)


def _not_null(col: ColumnConfig) -> bool:
    return col.is_primary_key or "not_null" in col.constraints


def _column_type(col: ColumnConfig) -> pa.DataType:
    scale = col.rule.decimal_scale() if col.rule is not None else None
    return arrow_type(col.type, DEFAULT_DECIMAL_SCALE if scale is None else scale)


def _default_generator(
    col: ColumnConfig, typ: pa.DataType, locale: str, seed: int
) -> ColumnGenerator:
    name = col.name.lower()
    if col.type == "str":
        if name in _NAMED_DEFAULTS or name.endswith("email"):
            return Email(locale) if "email" in name else Uuid()
        if has_provider(locale, name) and not name.startswith("py"):
            return faker_generator(name, {}, RuleContext(col.name, col.type, typ, locale, seed))
        if col.is_primary_key:
            return Uuid()
        words = word_list(locale, "word")
        assert words is not None
        return WordSample(*words)
    if col.type == "int":
        return Sequence(typ, 1, 1) if col.is_primary_key else NumberRange(typ, 0, 1000)
    if col.type in ("float", "decimal"):
        return NumberRange(typ, 0.0, 1000.0, decimals=2)
    if col.type == "bool":
        return Choice(typ, [True, False], None)
    return DateRange(
        typ,
        date(2000, 1, 1),
        datetime(2025, 12, 31, 23, 59, 59) if col.type == "datetime" else date(2025, 12, 31),
    )
