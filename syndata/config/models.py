"""The config's models: the config, its tables, columns, foreign keys and conditions.

A column's ``rule`` (and each conditional rule's) is read by
:func:`syndata.rules.builtin.read_rule`: the ``type`` tag picks a registered rule type
(``syndata.rules.spec.RULES``), any other tag names a Faker provider. The rule then
checks that it fits the column's type (``Rule.column_problems``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    SerializeAsAny,
    Tag,
    field_validator,
    model_validator,
)

from syndata.consistency.declared import ConstraintSpec
from syndata.rules.base import ColumnType
from syndata.rules.builtin import BUILTIN_RULES, FAKER_TAG, read_rule
from syndata.rules.faker_rule import FakerRule
from syndata.rules.spec import Rule

OUTPUT_FORMATS: tuple[str, ...] = ("csv", "json", "jsonl", "parquet", "sql")
DEFAULT_ROWS = 1000
MAX_CONSTRAINTS = 1_000  # table-level constraints a config may declare
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


if TYPE_CHECKING:
    RuleField = Rule
else:
    # The built-in rule types as a union (what the config reference documents); values
    # are read by ``read_rule``, so rule types installed later are accepted too.
    _BuiltinRules = Union[
        (
            *(Annotated[cls, Tag(cls.tag())] for cls in BUILTIN_RULES),
            Annotated[FakerRule, Tag(FAKER_TAG)],
        )
    ]
    RuleField = Annotated[
        SerializeAsAny[_BuiltinRules],
        PlainValidator(read_rule, json_schema_input_type=_BuiltinRules),
    ]
    """A rule in a config: any registered rule type, or a Faker provider by name."""


def _rule_problems(rule: Rule | None, column_type: str, where: str) -> list[str]:
    return [] if rule is None else [f"{where}: {p}" for p in rule.column_problems(column_type)]


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
    rule: RuleField

    @field_validator("condition", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value


class ColumnConfig(_Model):
    """One column: its type, constraints, rule, null share and conditional rules."""

    name: str = Field(min_length=1)
    type: ColumnType = "str"
    constraints: list[str] = Field(default_factory=list)
    rule: RuleField | None = None
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

    @model_validator(mode="after")
    def _check_column(self) -> ColumnConfig:
        problems = _rule_problems(self.rule, self.type, "rule")
        for i, cond in enumerate(self.conditional_rules):
            problems += _rule_problems(cond.rule, self.type, f"conditional_rules[{i}].rule")
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
    constraints: list[ConstraintSpec] = Field(
        default_factory=list,
        max_length=MAX_CONSTRAINTS,
        description="Rules between columns every row keeps (learned and generated rows "
        "alike), each a `type` and its columns: `inequality` (low, high, strict, min_gap, "
        "max_gap; days between dates), `fixed_combinations` (columns), "
        "`functional_dependency` (determinant, dependent), `sum` (total, parts, tolerance), "
        "`range` (column, min, max, integer, decimals), `positive` (column, strict), "
        "`fixed_increments` (column, step), `null_if` (first, second), `one_hot` "
        "(columns), `unique` (column). A profile's YAML lists the rules its rows obey; "
        "`fit --constraints` stops when the real rows break one, with the count and how "
        "to relax it.",
    )

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
