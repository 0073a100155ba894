"""The config file: its models, loading, and the checks on its structure.

A config describes tables, their columns and the rule that generates (or constrains)
each column, plus foreign keys between tables::

    tables:
      - table_name: customers
        columns:
          - {name: customer_id, type: int, constraints: [PK],
             rule: {type: range, min: 1, max: 10000}}
          - {name: first_name, type: str, rule: first_name}
    locale: en_US
    rows: 10000
    output_format: csv

``load_config`` reads a file, ``parse_config`` a mapping; both raise ``ConfigError``
with *every* problem found, each with its path (``tables[1].columns[2].rule``) and a fix.
The rule types are classes of their own (``syndata.rules.spec.Rule``, registered in
``RULES``); the config only assembles them into tables. Checks that need the rule engine
(regex generatable, Faker provider known, key capacity) live in ``syndata.rules.plan``;
``syndata.pipeline.validate`` runs both.

The package: ``models`` (the pydantic models), ``loading`` (files, text, data), ``problems``
(pydantic's errors in config terms, size limits), ``references`` (names, foreign keys,
cycles); the orders a config implies (``dependency_order``, ``column_order``) are here.
"""

from __future__ import annotations

from pydantic import BaseModel as BaseModel  # read by scripts/config_reference.py

from syndata.config.loading import (
    check_data,
    dump_config,
    load_config,
    load_text,
    parse_config,
    read_config_data,
)
from syndata.config.models import _CONSTRAINT_ALIASES as _CONSTRAINT_ALIASES
from syndata.config.models import _OPERATOR_ALIASES as _OPERATOR_ALIASES
from syndata.config.models import (
    CONSTRAINTS,
    DEFAULT_NULL_SHARE,
    DEFAULT_ROWS,
    OPERATORS,
    OUTPUT_FORMATS,
    ColumnConfig,
    Condition,
    ConditionalRule,
    Config,
    ForeignKey,
    RuleField,
    TableConfig,
)
from syndata.config.problems import dedupe, size_problems
from syndata.config.references import parents, reference_problems, relationship_problems
from syndata.errors import ConfigError, Problem
from syndata.graph import CycleError, stable_order
from syndata.rules.base import COLUMN_TYPES, NUMERIC_TYPES, TEMPORAL_TYPES, ColumnType
from syndata.rules.builtin import BUILTIN_RULES
from syndata.rules.custom import CustomRule
from syndata.rules.faker_rule import FakerRule
from syndata.rules.ranges import DateRangeRule, RangeRule
from syndata.rules.spec import RULES, Rule
from syndata.rules.strings import EmailRule, RegexRule, UuidRule
from syndata.rules.values import ChoiceRule, ConstantRule, SequenceRule

BUILTIN_RULE_TYPES: dict[str, type[Rule]] = {cls.tag(): cls for cls in BUILTIN_RULES}
"""The built-in rule types by tag (``RULES`` also holds the installed ones)."""


def dependency_order(config: Config) -> list[TableConfig]:
    """Tables with every parent before its children (stable: config order otherwise)."""
    try:
        done = stable_order([t.table_name for t in config.tables], parents(config))
    except CycleError:
        raise ConfigError(
            [Problem("tables", "foreign keys form a cycle", "remove one foreign key of the cycle")]
        ) from None
    return [t for name in done if (t := config.table(name)) is not None]


def column_order(table: TableConfig) -> list[ColumnConfig]:
    """Columns with every column a condition refers to before the column that uses it."""
    depends_on = {
        c.name: [d.column for r in c.conditional_rules for d in r.condition] for c in table.columns
    }
    try:
        done = stable_order([c.name for c in table.columns], depends_on)
    except CycleError:
        raise ConfigError(
            [
                Problem(
                    f"table {table.table_name}",
                    "conditional rules depend on each other in a cycle",
                    "remove one condition of the cycle",
                )
            ]
        ) from None
    return [c for name in done if (c := table.column(name)) is not None]


__all__ = [
    "BUILTIN_RULE_TYPES",
    "COLUMN_TYPES",
    "CONSTRAINTS",
    "DEFAULT_NULL_SHARE",
    "DEFAULT_ROWS",
    "NUMERIC_TYPES",
    "OPERATORS",
    "OUTPUT_FORMATS",
    "RULES",
    "TEMPORAL_TYPES",
    "ChoiceRule",
    "ColumnConfig",
    "ColumnType",
    "Condition",
    "ConditionalRule",
    "Config",
    "ConstantRule",
    "CustomRule",
    "DateRangeRule",
    "EmailRule",
    "FakerRule",
    "ForeignKey",
    "RangeRule",
    "RegexRule",
    "Rule",
    "RuleField",
    "SequenceRule",
    "TableConfig",
    "UuidRule",
    "check_data",
    "column_order",
    "dedupe",
    "dependency_order",
    "dump_config",
    "load_config",
    "load_text",
    "parse_config",
    "read_config_data",
    "reference_problems",
    "relationship_problems",
    "size_problems",
]
