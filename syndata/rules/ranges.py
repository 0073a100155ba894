"""The range rules: numbers or dates between two bounds (``range``, ``date_range``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field, model_validator

from syndata.rules.base import NUMERIC_TYPES, TEMPORAL_TYPES, ColumnGenerator
from syndata.rules.numeric import DateRange, NumberRange, as_number
from syndata.rules.spec import Rule, RuleContext, with_aliases


def as_comparable(value: int | float | date) -> float:
    """A number, date or datetime as a float, so bounds of either kind can be compared."""
    if isinstance(value, datetime):
        return value.timestamp() if value.tzinfo else value.replace().timestamp()
    if isinstance(value, date):
        return float(value.toordinal() * 86400)
    return float(value)


class RangeRule(Rule):
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
        if as_comparable(lo) > as_comparable(hi):
            raise ValueError(f"min ({lo}) is greater than max ({hi}); swap them")
        return self

    def column_problems(self, column_type: str) -> list[str]:
        """Dates for temporal columns, numbers for numeric ones, an integer for ``int``."""
        is_temporal = isinstance(self.min, date)
        if column_type in NUMERIC_TYPES and is_temporal:
            return [f"dates as min/max for a {column_type} column; use numbers"]
        if column_type in TEMPORAL_TYPES and not is_temporal:
            return [f"numbers as min/max for a {column_type} column; use dates"]
        if column_type not in NUMERIC_TYPES | TEMPORAL_TYPES:
            return [
                f"'range' does not fit a {column_type} column; "
                "use choice, regex or a Faker provider, or change the type"
            ]
        if (
            column_type == "int"
            and isinstance(self.min, float)
            and isinstance(self.max, float)
            and int(self.max) < self.min
        ):
            return [f"no integer lies between min ({self.min}) and max ({self.max})"]
        return []

    def decimal_scale(self) -> int | None:
        """``decimals``, when set."""
        return self.decimals

    def generator(self, context: RuleContext) -> ColumnGenerator:
        """A date range for date bounds, else a number range."""
        if isinstance(self.min, date):
            if not isinstance(self.max, date):
                raise ValueError("range bounds must both be dates")
            return DateRange(context.arrow_type, self.min, self.max)
        return NumberRange(
            context.arrow_type,
            as_number(self.min),
            as_number(self.max),
            self.distribution,
            self.mean,
            self.std,
            self.decimals,
            self.on_violation,
        )


class DateRangeRule(Rule):
    """Dates or datetimes between ``start`` and ``end`` inclusive (``min``/``max`` accepted)."""

    type: Literal["date_range"] = "date_range"
    start: datetime | date
    end: datetime | date

    @model_validator(mode="before")
    @classmethod
    def _min_max_alias(cls, data: Any) -> Any:
        return with_aliases(data, (("min", "start"), ("max", "end")))

    @model_validator(mode="after")
    def _start_not_after_end(self) -> DateRangeRule:
        if as_comparable(self.start) > as_comparable(self.end):
            raise ValueError(f"start ({self.start}) is after end ({self.end}); swap them")
        return self

    def column_problems(self, column_type: str) -> list[str]:
        """Only date and datetime columns."""
        if column_type not in TEMPORAL_TYPES:
            return [f"'date_range' does not fit a {column_type} column; set type: date or datetime"]
        return []

    def generator(self, context: RuleContext) -> ColumnGenerator:
        """Uniform dates (or datetimes) between start and end."""
        return DateRange(context.arrow_type, self.start, self.end)
