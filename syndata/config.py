"""The config file: pydantic models, YAML/JSON loading and the structural checks.

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
Checks that need the rule engine (regex generatable, Faker provider known, key
capacity) live in ``syndata.rules.plan``; ``syndata.pipeline.validate`` runs both.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from syndata.errors import ConfigError, Problem
from syndata.graph import CycleError, find_cycle, stable_order
from syndata.validation import Issue, pydantic_problems

ColumnType = Literal["int", "float", "str", "bool", "date", "datetime", "decimal"]
COLUMN_TYPES: tuple[str, ...] = ("int", "float", "str", "bool", "date", "datetime", "decimal")
NUMERIC_TYPES = frozenset({"int", "float", "decimal"})
TEMPORAL_TYPES = frozenset({"date", "datetime"})
OUTPUT_FORMATS: tuple[str, ...] = ("csv", "json", "jsonl", "parquet", "sql")
DEFAULT_ROWS = 1000
DEFAULT_NULL_SHARE = 0.1  # share of nulls for ``nullable: true`` without ``null_share``

_CONSTRAINT_ALIASES = {
    "pk": "PK",
    "primary_key": "PK",
    "primary key": "PK",
    "fk": "FK",
    "foreign_key": "FK",
    "foreign key": "FK",
    "unique": "unique",
    "not_null": "not_null",
    "not null": "not_null",
    "required": "not_null",
}
CONSTRAINTS: tuple[str, ...] = ("PK", "FK", "unique", "not_null")
OPERATORS: tuple[str, ...] = (
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "in",
    "not_in",
    "is_null",
    "not_null",
)
_OPERATOR_ALIASES = {
    "=": "==",
    "eq": "==",
    "ne": "!=",
    "<>": "!=",
    "lt": "<",
    "le": "<=",
    "gt": ">",
    "ge": ">=",
    "not in": "not_in",
    "is null": "is_null",
    "is not null": "not_null",
    "is_not_null": "not_null",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# --------------------------------------------------------------------------- rules


class _RuleModel(_Model):
    """Base of the built-in rules: ``type`` is always written out by ``to_dict``."""

    @model_validator(mode="after")
    def _type_is_set(self) -> _RuleModel:
        self.model_fields_set.add("type")
        return self


class RangeRule(_RuleModel):
    """Numbers (or dates) between ``min`` and ``max`` inclusive.

    ``distribution`` is uniform (default), normal or lognormal; normal and lognormal are
    truncated to [min, max] (``mean``/``std`` default to the middle and a sixth of the width).
    ``decimals`` rounds floats; ``on_violation`` says how existing values outside the range
    are constrained: clip (default) or resample.
    """

    type: Literal["range"] = "range"
    min: int | float | datetime | date
    max: int | float | datetime | date
    distribution: Literal["uniform", "normal", "lognormal"] = "uniform"
    mean: float | None = None
    std: float | None = Field(default=None, gt=0)
    decimals: int | None = Field(default=None, ge=0, le=12)
    on_violation: Literal["clip", "resample"] = "clip"

    @model_validator(mode="after")
    def _min_not_above_max(self) -> RangeRule:
        lo, hi = self.min, self.max
        if isinstance(lo, date) != isinstance(hi, date):
            raise ValueError(f"min ({lo}) and max ({hi}) must both be numbers or both be dates")
        if _as_comparable(lo) > _as_comparable(hi):
            raise ValueError(f"min ({lo}) is greater than max ({hi}); swap them")
        return self


class ChoiceRule(_RuleModel):
    """One of ``value`` (a list), optionally with ``weights`` (same length, >= 0)."""

    type: Literal["choice"] = "choice"
    value: list[Any]
    weights: list[float] | None = None

    @model_validator(mode="before")
    @classmethod
    def _values_alias(cls, data: Any) -> Any:
        if isinstance(data, dict) and "values" in data and "value" not in data:
            data = {**data, "value": data["values"]}
            del data["values"]
        return data

    @model_validator(mode="after")
    def _check_values(self) -> ChoiceRule:
        if not self.value:
            raise ValueError("the choice list 'value' is empty; list at least one value")
        if self.weights is not None:
            if len(self.weights) != len(self.value):
                raise ValueError(
                    f"{len(self.weights)} weights for {len(self.value)} values; "
                    "give one weight per value or drop 'weights'"
                )
            if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                raise ValueError("weights must be >= 0 with a positive sum")
        return self


class RegexRule(_RuleModel):
    """Strings that fully match ``pattern`` (also accepted as ``regex``)."""

    type: Literal["regex"] = "regex"
    pattern: str

    @model_validator(mode="before")
    @classmethod
    def _pattern_alias(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for alias in ("regex", "value"):
                if alias in data and "pattern" not in data:
                    data = {k: v for k, v in data.items() if k != alias} | {"pattern": data[alias]}
        return data

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        return _check_regex_syntax(pattern)


class EmailRule(_RuleModel):
    """Realistic e-mail addresses from the locale's names and free-mail domains.

    With ``regex``, every value is guaranteed to match it; ``domains`` replaces the
    locale's domains.
    """

    type: Literal["email"] = "email"
    regex: str | None = None
    domains: list[str] | None = None

    @field_validator("regex")
    @classmethod
    def _compiles(cls, pattern: str | None) -> str | None:
        return None if pattern is None else _check_regex_syntax(pattern)

    @field_validator("domains")
    @classmethod
    def _not_empty(cls, domains: list[str] | None) -> list[str] | None:
        if domains is not None and not domains:
            raise ValueError("'domains' is empty; list at least one domain or drop it")
        return domains


class SequenceRule(_RuleModel):
    """``start``, ``start + step``, ``start + 2*step``, ... (unique while step != 0)."""

    type: Literal["sequence"] = "sequence"
    start: int = 1
    step: int = 1


class UuidRule(_RuleModel):
    """Random version-4 UUIDs as strings."""

    type: Literal["uuid"] = "uuid"


class DateRangeRule(_RuleModel):
    """Dates or datetimes between ``start`` and ``end`` inclusive (``min``/``max`` accepted)."""

    type: Literal["date_range"] = "date_range"
    start: datetime | date
    end: datetime | date

    @model_validator(mode="before")
    @classmethod
    def _min_max_alias(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for alias, name in (("min", "start"), ("max", "end")):
                if alias in data and name not in data:
                    data = {k: v for k, v in data.items() if k != alias} | {name: data[alias]}
        return data

    @model_validator(mode="after")
    def _start_not_after_end(self) -> DateRangeRule:
        if _as_comparable(self.start) > _as_comparable(self.end):
            raise ValueError(f"start ({self.start}) is after end ({self.end}); swap them")
        return self


class ConstantRule(_RuleModel):
    """The same ``value`` in every row."""

    type: Literal["constant"] = "constant"
    value: Any


class CustomRule(_RuleModel):
    """A plug-in class that makes the values.

    ``custom_class`` is the name of a plug-in the installation registered: an entry point
    of group ``syndata.rules`` or a name in the admin's ``SYNDATA_RULE_PLUGINS``. A dotted
    path (``package.module:Class``) works only for local CLI runs with
    ``--allow-plugin-paths``. ``parameters`` go to its constructor. Validation imports
    nothing: the class is loaded when the column is generated.

    The class implements ``generate(n, rng) -> sequence of n values`` (vectorised), or
    names a per-row method in ``custom_method`` (a plain public name) that is called with
    ``parameters``.
    """

    type: Literal["custom"] = "custom"
    custom_class: str = Field(min_length=1, max_length=200)
    custom_method: str | None = Field(default=None, max_length=100)
    parameters: dict[str, Any] = Field(default_factory=dict)

    @field_validator("custom_class")
    @classmethod
    def _plugin_name(cls, name: str) -> str:
        if not name.strip():
            raise ValueError("custom_class is empty; name a registered plug-in")
        return name.strip()

    @field_validator("custom_method")
    @classmethod
    def _public_method(cls, method: str | None) -> str | None:
        if method is not None and not re.fullmatch(r"[a-z][a-z0-9_]*", method):
            raise ValueError(
                f"custom_method {method[:40]!r} is not a plain public method name; "
                "use lower-case letters, digits and '_', not starting with '_'"
            )
        return method


class FakerRule(BaseModel):
    """Any Faker provider by name (``first_name``, ``city``, ``phone_number``, ...).

    Extra keys are passed to the provider as keyword arguments.
    """

    model_config = ConfigDict(extra="allow")

    type: str

    @property
    def provider(self) -> str:
        """The Faker provider's name."""
        return self.type

    @property
    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for the provider."""
        return dict(self.model_extra or {})


BUILTIN_RULE_TYPES: dict[str, type[BaseModel]] = {
    "range": RangeRule,
    "choice": ChoiceRule,
    "regex": RegexRule,
    "email": EmailRule,
    "sequence": SequenceRule,
    "uuid": UuidRule,
    "date_range": DateRangeRule,
    "constant": ConstantRule,
    "custom": CustomRule,
}


def _rule_tag(value: Any) -> str:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return kind if kind in BUILTIN_RULE_TYPES else "faker"


Rule = Annotated[
    Annotated[RangeRule, Tag("range")]
    | Annotated[ChoiceRule, Tag("choice")]
    | Annotated[RegexRule, Tag("regex")]
    | Annotated[EmailRule, Tag("email")]
    | Annotated[SequenceRule, Tag("sequence")]
    | Annotated[UuidRule, Tag("uuid")]
    | Annotated[DateRangeRule, Tag("date_range")]
    | Annotated[ConstantRule, Tag("constant")]
    | Annotated[CustomRule, Tag("custom")]
    | Annotated[FakerRule, Tag("faker")],
    Discriminator(_rule_tag),
]
_TAGS = {*BUILTIN_RULE_TYPES, "faker"}


def _rule_from_shorthand(value: Any) -> Any:
    """Accept ``rule: first_name`` as ``rule: {type: first_name}``; require ``type``."""
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("rule is an empty string; name a rule type such as 'first_name'")
        return {"type": value.strip()}
    if isinstance(value, dict):
        if "type" not in value:
            raise ValueError(
                f"rule has no 'type' (keys: {', '.join(map(str, value)) or 'none'}); "
                "add e.g. 'type: range'"
            )
        if not isinstance(value["type"], str) or not value["type"].strip():
            raise ValueError("rule 'type' must be a non-empty string such as 'range'")
    return value


# --------------------------------------------------------------------------- columns


class Condition(_Model):
    """``column operator value``; ``in``/``not_in`` take a list, null checks no value."""

    column: str
    operator: str = "=="
    value: Any = None

    @field_validator("operator")
    @classmethod
    def _known_operator(cls, op: str) -> str:
        op = _OPERATOR_ALIASES.get(op.strip().lower(), op.strip())
        if op not in OPERATORS:
            raise ValueError(f"unknown operator '{op}'; use one of {', '.join(OPERATORS)}")
        return op

    @model_validator(mode="after")
    def _value_fits_operator(self) -> Condition:
        if self.operator in ("in", "not_in") and not isinstance(self.value, list):
            raise ValueError(f"operator '{self.operator}' needs a list as value")
        if self.operator in ("<", "<=", ">", ">=") and self.value is None:
            raise ValueError(f"operator '{self.operator}' needs a value")
        return self


class ConditionalRule(_Model):
    """Where ``condition`` holds (a condition or a list that must all hold), use ``rule``."""

    condition: list[Condition]
    rule: Rule

    @field_validator("condition", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value

    @field_validator("rule", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return _rule_from_shorthand(value)


class ColumnConfig(_Model):
    """One column: its type, constraints, rule, null share and conditional rules."""

    name: str = Field(min_length=1)
    type: ColumnType = "str"
    constraints: list[str] = Field(default_factory=list)
    rule: Rule | None = None
    sensitivity: Literal["PII", "public"] | None = None
    nullable: bool = False
    null_share: float | None = Field(default=None, ge=0.0, le=1.0)
    conditional_rules: list[ConditionalRule] = Field(default_factory=list)
    apply: Literal["override", "constrain"] = "override"
    description: str | None = None

    @field_validator("type", mode="before")
    @classmethod
    def _type_aliases(cls, value: Any) -> Any:
        aliases = {
            "integer": "int",
            "string": "str",
            "text": "str",
            "boolean": "bool",
            "double": "float",
            "number": "float",
            "timestamp": "datetime",
        }
        return aliases.get(value.lower(), value.lower()) if isinstance(value, str) else value

    @field_validator("sensitivity", mode="before")
    @classmethod
    def _sensitivity_case(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"pii": "PII", "public": "public"}.get(value.lower(), value)
        return value

    @field_validator("constraints", mode="before")
    @classmethod
    def _normalise_constraints(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            return value
        out = []
        for item in value:
            name = _CONSTRAINT_ALIASES.get(str(item).strip().lower())
            if name is None:
                raise ValueError(
                    f"unknown constraint '{item}'; use any of {', '.join(CONSTRAINTS)}"
                )
            if name not in out:
                out.append(name)
        return out

    @field_validator("rule", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return None if value is None else _rule_from_shorthand(value)

    @model_validator(mode="after")
    def _check_column(self) -> ColumnConfig:
        problems = [*_rule_type_problems(self.rule, self.type, "rule")]
        for i, cond in enumerate(self.conditional_rules):
            problems += _rule_type_problems(cond.rule, self.type, f"conditional_rules[{i}].rule")
        share = self.effective_null_share
        if share > 0 and ({"PK", "not_null"} & set(self.constraints)):
            problems.append(f"null_share {share} on a column that is PK/not_null; set it to 0")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def is_primary_key(self) -> bool:
        """True when the column has the PK constraint."""
        return "PK" in self.constraints

    @property
    def is_unique(self) -> bool:
        """True when values must be distinct (PK or unique)."""
        return "PK" in self.constraints or "unique" in self.constraints

    @property
    def effective_null_share(self) -> float:
        """The share of nulls to generate: ``null_share``, or 10% for ``nullable: true``."""
        if self.null_share is not None:
            return self.null_share
        return DEFAULT_NULL_SHARE if self.nullable else 0.0


class ForeignKey(_Model):
    """``child_column`` of this table takes its values from ``parent_table.parent_column``."""

    parent_table: str
    parent_column: str
    child_column: str


class TableConfig(_Model):
    """One table: its columns, foreign keys and (optionally) its own row count."""

    table_name: str = Field(min_length=1)
    rows: int | None = Field(default=None, ge=0)
    columns: list[ColumnConfig] = Field(min_length=1)
    foreign_keys: list[ForeignKey] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _name_alias(cls, data: Any) -> Any:
        if isinstance(data, dict) and "name" in data and "table_name" not in data:
            data = {("table_name" if k == "name" else k): v for k, v in data.items()}
        return data

    def column(self, name: str) -> ColumnConfig | None:
        """The column called ``name``, or None."""
        return next((c for c in self.columns if c.name == name), None)

    @property
    def primary_key(self) -> list[str]:
        """Names of the primary-key columns."""
        return [c.name for c in self.columns if c.is_primary_key]


class Config(_Model):
    """A whole config: tables plus defaults for locale, rows, format and seed."""

    tables: list[TableConfig] = Field(min_length=1)
    locale: str = "en_US"
    rows: int | None = Field(default=None, ge=0)
    output_format: Literal["csv", "json", "jsonl", "parquet", "sql"] = "csv"
    seed: int | None = Field(default=None, ge=0, le=2**63 - 1)

    def table(self, name: str) -> TableConfig | None:
        """The table called ``name``, or None."""
        return next((t for t in self.tables if t.table_name == name), None)

    def to_dict(self) -> dict[str, Any]:
        """The config as plain data (JSON-compatible, defaults left out)."""
        return self.model_dump(mode="json", exclude_unset=True, by_alias=True)


# --------------------------------------------------------------------------- helpers


def _as_comparable(value: Any) -> float:
    if isinstance(value, datetime):
        return value.timestamp() if value.tzinfo else value.replace().timestamp()
    if isinstance(value, date):
        return float(value.toordinal() * 86400)
    return float(value)


def _check_regex_syntax(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        where = f" at position {exc.pos}" if exc.pos is not None else ""
        raise ValueError(f"invalid regex {pattern!r}: {exc.msg}{where}") from None
    return pattern


def _rule_type_problems(rule: Any, col_type: str, where: str) -> list[str]:
    """Problems with a rule that does not fit the column's type."""
    if rule is None:
        return []
    kind = rule.type
    if isinstance(rule, RangeRule):
        is_temporal = isinstance(rule.min, date)
        if col_type in NUMERIC_TYPES and is_temporal:
            return [f"{where}: dates as min/max for a {col_type} column; use numbers"]
        if col_type in TEMPORAL_TYPES and not is_temporal:
            return [f"{where}: numbers as min/max for a {col_type} column; use dates"]
        if col_type not in NUMERIC_TYPES | TEMPORAL_TYPES:
            return [
                f"{where}: 'range' does not fit a {col_type} column; "
                "use choice, regex or a Faker provider, or change the type"
            ]
        if (
            col_type == "int"
            and not is_temporal
            and isinstance(rule.min, float)
            and isinstance(rule.max, float)
            and int(rule.max) < rule.min
        ):
            return [f"{where}: no integer lies between min ({rule.min}) and max ({rule.max})"]
    if isinstance(rule, DateRangeRule) and col_type not in TEMPORAL_TYPES:
        return [
            f"{where}: 'date_range' does not fit a {col_type} column; set type: date or datetime"
        ]
    if isinstance(rule, SequenceRule) and col_type not in ("int", "str", "decimal", "float"):
        return [f"{where}: 'sequence' does not fit a {col_type} column; use type int"]
    if isinstance(rule, UuidRule | EmailRule | RegexRule) and col_type != "str":
        return [f"{where}: '{kind}' makes strings but the column type is {col_type}; set type: str"]
    if isinstance(rule, ChoiceRule):
        bad = [v for v in rule.value if not _fits_type(v, col_type)]
        if bad:
            return [
                f"{where}: choice value {bad[0]!r} is not a {col_type}; "
                f"make every value a {col_type} or change the column type"
            ]
    if (
        isinstance(rule, ConstantRule)
        and rule.value is not None
        and not _fits_type(rule.value, col_type)
    ):
        return [f"{where}: constant {rule.value!r} is not a {col_type}"]
    return []


def _fits_type(value: Any, col_type: str) -> bool:
    if value is None:
        return True
    if col_type == "int":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if col_type in ("float", "decimal"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if col_type == "bool":
        return isinstance(value, bool)
    if col_type in TEMPORAL_TYPES:
        if isinstance(value, date):
            return True
        try:
            datetime.fromisoformat(str(value))
        except ValueError:
            return False
        return True
    return isinstance(value, str | int | float) and not isinstance(value, bool)


# --------------------------------------------------------------------------- loading


def load_config(path: str | Path) -> Config:
    """Read and validate a YAML or JSON config file; raise ConfigError with every problem."""
    return parse_config(read_config_data(path), source=str(path))


def read_config_data(path: str | Path) -> Any:
    """The plain data of a YAML or JSON config file (syntax errors carry line numbers)."""
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            [Problem("", f"config file {source} does not exist", "check the path")], source
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            [
                Problem(
                    "", f"cannot read config file {source}: {exc}", "pass a UTF-8 YAML or JSON file"
                )
            ],
            source,
        ) from exc
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    return load_text(text, fmt=fmt, source=source)


def load_text(text: str, *, fmt: str = "yaml", source: str = "<config>") -> Any:
    """Parse YAML or JSON text; syntax errors become a ConfigError with line and column."""
    if fmt == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                [
                    Problem(
                        f"{source}:{exc.lineno}:{exc.colno}",
                        f"JSON syntax error: {exc.msg}",
                        f"fix the JSON at line {exc.lineno}, column {exc.colno}",
                    )
                ],
                source,
            ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        what = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        msg = f"YAML syntax error: {what}" + (f" ({context})" if context else "")
        fix = f"fix the YAML at line {mark.line + 1}" if mark else "fix the YAML syntax"
        raise ConfigError([Problem(where, msg, fix)], source) from None


def parse_config(data: Any, *, source: str | None = None) -> Config:
    """Validate plain data as a Config; raise ConfigError listing every problem."""
    config, problems = check_data(data)
    if problems or config is None:
        raise ConfigError(problems, source)
    return config


def check_data(data: Any) -> tuple[Config | None, list[Problem]]:
    """Validate plain data without raising: the config (partial when invalid) and problems.

    A partial config keeps what validated, so later checks can still run in the same pass.
    """
    if not isinstance(data, Mapping):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        return None, [
            Problem("", f"the config is {kind}, not a mapping", "start the file with 'tables:'")
        ]
    problems: list[Problem] = []
    config: Config | None
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        problems += _pydantic_problems(exc, data)
        config = _partial_config(data)
    if config is not None:
        problems += reference_problems(config)
    return config, dedupe(problems)


def size_problems(data: Any) -> list[Problem]:
    """Tables per config and columns per table over their limits.

    The limits are ``SYNDATA_MAX_TABLES`` and ``SYNDATA_MAX_COLUMNS``; checked on the plain
    data before anything else is parsed.
    """
    from syndata import settings

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


def _partial_config(data: Mapping[str, Any]) -> Config | None:
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
        elif part in _TAGS:
            continue
        else:
            return None
    return data


def _pydantic_problems(exc: ValidationError, data: Any) -> list[Problem]:
    def special(issue: Issue) -> Problem | None:
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


def _is_tag(part: str) -> bool:
    return part in _TAGS or part.startswith("function-")


def _known_fields(parent: Any, loc: tuple[Any, ...]) -> list[str]:
    if isinstance(parent, dict) and "type" in parent and loc and loc[-1] in _TAGS:
        model: type[BaseModel] | None = BUILTIN_RULE_TYPES.get(str(parent.get("type")))
    else:
        last = next((p for p in reversed(loc) if isinstance(p, str) and p not in _TAGS), None)
        models: dict[str | None, type[BaseModel]] = {
            None: Config,
            "tables": TableConfig,
            "columns": ColumnConfig,
            "foreign_keys": ForeignKey,
            "conditional_rules": ConditionalRule,
            "condition": Condition,
        }
        model = models.get(last)
        if last in _TAGS or last == "rule":
            kind = parent.get("type") if isinstance(parent, dict) else None
            model = BUILTIN_RULE_TYPES.get(str(kind))
    return sorted(model.model_fields) if model is not None else []


# --------------------------------------------------------------------------- references


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
                    guess = difflib.get_close_matches(cond.column, list(names), n=1)
                    problems.append(
                        Problem(
                            f"{tpath}.columns[{ci}].conditional_rules[{ri}].condition[{k}].column",
                            f"condition on unknown column '{cond.column}' in table "
                            f"'{table.table_name}'",
                            f"did you mean '{guess[0]}'?"
                            if guess
                            else f"use one of: {', '.join(names)}",
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
    guess = difflib.get_close_matches(name, options, n=1)
    if guess:
        return f"did you mean '{guess[0]}'?"
    return f"use one of: {', '.join(options)}" if options else "define it first"


def _cycle_problems(config: Config) -> list[Problem]:
    cycle = find_cycle([t.table_name for t in config.tables], _parents(config))
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


def _parents(config: Config) -> dict[str, list[str]]:
    return {t.table_name: [fk.parent_table for fk in t.foreign_keys] for t in config.tables}


def dependency_order(config: Config) -> list[TableConfig]:
    """Tables with every parent before its children (stable: config order otherwise)."""
    try:
        done = stable_order([t.table_name for t in config.tables], _parents(config))
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


def dump_config(config: Config, path: str | Path) -> None:
    """Write a config as YAML (``.yaml``/``.yml``) or JSON (anything else)."""
    path = Path(path)
    data = config.to_dict()
    if path.suffix.lower() in (".yaml", ".yml"):
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    else:
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
