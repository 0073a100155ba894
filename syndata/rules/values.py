"""The value rules: listed values, one constant, a counting sequence."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal, SupportsFloat, SupportsInt, cast

from pydantic import model_validator

from syndata.rules.base import TEMPORAL_TYPES, ColumnGenerator
from syndata.rules.numeric import Choice, Constant, Sequence
from syndata.rules.spec import Rule, RuleContext, with_aliases


def fits_type(value: object, column_type: str) -> bool:
    """True when a value from a config can be a value of a ``column_type`` column."""
    if value is None:
        return True
    if column_type == "int":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if column_type in ("float", "decimal"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if column_type == "bool":
        return isinstance(value, bool)
    if column_type in TEMPORAL_TYPES:
        if isinstance(value, date):
            return True
        try:
            datetime.fromisoformat(str(value))
        except ValueError:
            return False
        return True
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def coerce(values: list[object], column_type: str) -> list[object]:
    """Values from a config in the column's python type (checked by :func:`fits_type`)."""
    if column_type == "str":
        return [None if v is None else str(v) for v in values]
    if column_type == "int":
        return [None if v is None else int(cast("SupportsInt | str", v)) for v in values]
    if column_type in ("float", "decimal"):
        return [None if v is None else float(cast("SupportsFloat | str", v)) for v in values]
    if column_type == "date":
        return [
            v if v is None or isinstance(v, date) else date.fromisoformat(str(v)) for v in values
        ]
    if column_type == "datetime":
        return [
            v if v is None or isinstance(v, datetime) else datetime.fromisoformat(str(v))
            for v in values
        ]
    return values


class ChoiceRule(Rule):
    """One of ``value`` (a list), optionally with ``weights`` (same length, >= 0)."""

    type: Literal["choice"] = "choice"
    value: list[Any]
    weights: list[float] | None = None

    @model_validator(mode="before")
    @classmethod
    def _values_alias(cls, data: Any) -> Any:
        return with_aliases(data, (("values", "value"),))

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

    def column_problems(self, column_type: str) -> list[str]:
        """Every value must be a value of the column's type."""
        bad = [v for v in self.value if not fits_type(v, column_type)]
        if bad:
            return [
                f"choice value {bad[0]!r} is not a {column_type}; "
                f"make every value a {column_type} or change the column type"
            ]
        return []

    def generator(self, context: RuleContext) -> ColumnGenerator:
        """Draws of the values, weighted when ``weights`` is set."""
        return Choice(context.arrow_type, coerce(self.value, context.column_type), self.weights)


class ConstantRule(Rule):
    """The same ``value`` in every row."""

    type: Literal["constant"] = "constant"
    value: Any

    def column_problems(self, column_type: str) -> list[str]:
        """The value must be a value of the column's type."""
        if self.value is not None and not fits_type(self.value, column_type):
            return [f"constant {self.value!r} is not a {column_type}"]
        return []

    def generator(self, context: RuleContext) -> ColumnGenerator:
        """The value, repeated."""
        return Constant(context.arrow_type, coerce([self.value], context.column_type)[0])


class SequenceRule(Rule):
    """``start``, ``start + step``, ``start + 2*step``, ... (unique while step != 0)."""

    type: Literal["sequence"] = "sequence"
    start: int = 1
    step: int = 1

    def column_problems(self, column_type: str) -> list[str]:
        """Numbers or strings of numbers."""
        if column_type not in ("int", "str", "decimal", "float"):
            return [f"'sequence' does not fit a {column_type} column; use type int"]
        return []

    def generator(self, context: RuleContext) -> ColumnGenerator:
        """The numbers from ``start`` in steps of ``step``."""
        return Sequence(context.arrow_type, self.start, self.step)
