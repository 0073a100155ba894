"""Constraints a person writes in a config's ``constraints:``, and the real rows that break them.

A table's ``constraints:`` lists rules in the vocabulary of SDV's constraints, each a
``type:`` and its columns::

    constraints:
      - {type: inequality, low: check_in, high: check_out, strict: true}
      - {type: fixed_combinations, columns: [species, island]}
      - {type: functional_dependency, determinant: sub_grade, dependent: grade}
      - {type: sum, total: total, parts: [principal, interest, fees]}
      - {type: range, column: units, min: 0, max: 500, integer: true}
      - {type: positive, column: price}
      - {type: fixed_increments, column: units, step: 5}
      - {type: null_if, first: closed_on, second: closed_reason}
      - {type: one_hot, columns: [is_red, is_green, is_blue]}
      - {type: unique, column: loan_id}

Each becomes the invariant of ``syndata.consistency.invariants`` that discovery would
find (one place for what a rule means), so models and the rule layer keep declared and
discovered rules alike; ``to_spec`` writes a discovered invariant back in this vocabulary
(the profile's config lists them to review, edit or delete). ``broken_by_real`` says which
declared constraints the real rows break, by how many rows, and how to relax them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection
from dataclasses import replace
from datetime import date
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from syndata.consistency.check import Checker, dependents
from syndata.consistency.invariants import (
    Bounds,
    Evidence,
    FixedCombinations,
    FunctionalDependency,
    Inequality,
    Invariant,
    NullTogether,
    OneHot,
    Sum,
    Unique,
)
from syndata.errors import GenerationError
from syndata.rules.base import NUMERIC_TYPES, TEMPORAL_TYPES

MAX_GROUP = 20  # columns a combination, sum or one-hot group may name
DECLARED = Evidence(0, 1.0)  # a declared rule: no rows checked yet
DAY_NS = 86_400e9  # a declared gap between dates is in days
Name = Annotated[str, Field(min_length=1, max_length=200)]
Number = Annotated[float, Field(allow_inf_nan=False)]
NUMBERS = NUMERIC_TYPES
ORDERED = NUMERIC_TYPES | TEMPORAL_TYPES  # an order: numbers, or dates and datetimes
FLAGS = NUMERIC_TYPES | {"bool"}  # a one-hot column holds 0/1 or false/true
Role = tuple[str, str, frozenset[str] | None]
"""Where a constraint names a column (``low``, ``parts[1]``), the column, its allowed types."""


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def columns(self) -> list[str]:
        """The columns the constraint names."""
        raise NotImplementedError

    def roles(self) -> list[Role]:
        """Each column named, where in the constraint, and the column types it may have.

        ``None`` allows any type. The config checks a table's constraints with it
        (``syndata.config.constraints``).
        """
        raise NotImplementedError

    def invariant(self) -> Invariant:
        """The invariant the constraint declares."""
        raise NotImplementedError

    def relax(self) -> str:
        """How to relax the constraint when real rows break it."""
        return "remove it, or fix the rows that break it"


class InequalitySpec(_Spec):
    """``low`` <= ``high`` (``strict``: <), optionally with the gap's bounds.

    ``min_gap``/``max_gap`` are in the columns' units: days between dates.
    """

    type: Literal["inequality"]
    low: Name
    high: Name
    strict: bool = False
    min_gap: Number | None = None
    max_gap: Number | None = None

    @model_validator(mode="after")
    def _gaps(self) -> InequalitySpec:
        if self.low == self.high:
            raise ValueError("low and high name the same column; name two columns")
        if self.min_gap is not None and self.max_gap is not None and self.min_gap > self.max_gap:
            raise ValueError("min_gap is above max_gap; swap them")
        if self.min_gap is not None and self.min_gap < 0:
            raise ValueError("min_gap must be >= 0 (low never exceeds high); drop it or raise it")
        return self

    def columns(self) -> list[str]:
        """Low, then high."""
        return [self.low, self.high]

    def roles(self) -> list[Role]:
        """Two numbers, or two dates / datetimes (the config checks they agree)."""
        return [("low", self.low, ORDERED), ("high", self.high, ORDERED)]

    def invariant(self) -> Invariant:
        """An ``Inequality``; bounded when a gap bound is given (in the columns' units)."""
        bounded = self.min_gap is not None or self.max_gap is not None
        lo = self.min_gap if self.min_gap is not None else 0.0
        hi = self.max_gap if self.max_gap is not None else float("inf")
        return Inequality(DECLARED, self.low, self.high, self.strict, lo, hi, bounded)

    def relax(self) -> str:
        """Drop ``strict`` or widen the gap."""
        return "set strict: false, widen min_gap/max_gap, or remove it"


class FixedCombinationsSpec(_Spec):
    """Only the value combinations of ``columns`` the real rows hold may occur.

    Without real rows (a config alone) no combination is known, so none is refused: say
    which occur with ``conditional_rules`` (or a ``functional_dependency``) instead.
    """

    type: Literal["fixed_combinations"]
    group: list[Name] = Field(alias="columns", min_length=2, max_length=MAX_GROUP)

    def columns(self) -> list[str]:
        """The group."""
        return list(self.group)

    def roles(self) -> list[Role]:
        """Columns of any type."""
        return [(f"columns[{i}]", c, None) for i, c in enumerate(self.group)]

    def invariant(self) -> Invariant:
        """A ``FixedCombinations`` (the combinations come from the real rows)."""
        return FixedCombinations(DECLARED, tuple(self.group), 0, 0)


class DependencySpec(_Spec):
    """Each value of ``determinant`` goes with one value of ``dependent``."""

    type: Literal["functional_dependency"]
    determinant: Name
    dependent: Name

    def columns(self) -> list[str]:
        """Determinant, then dependent."""
        return [self.determinant, self.dependent]

    def roles(self) -> list[Role]:
        """Columns of any type."""
        return [("determinant", self.determinant, None), ("dependent", self.dependent, None)]

    def invariant(self) -> Invariant:
        """A ``FunctionalDependency``."""
        return FunctionalDependency(DECLARED, self.determinant, self.dependent)


class SumSpec(_Spec):
    """``total`` = the sum of ``parts`` (within ``tolerance``)."""

    type: Literal["sum"]
    total: Name
    parts: list[Name] = Field(min_length=2, max_length=MAX_GROUP)
    tolerance: Number = Field(default=1e-6, ge=0)

    def columns(self) -> list[str]:
        """The total, then its parts."""
        return [self.total, *self.parts]

    def roles(self) -> list[Role]:
        """Numbers only."""
        parts = [(f"parts[{i}]", c, NUMBERS) for i, c in enumerate(self.parts)]
        return [("total", self.total, NUMBERS), *parts]

    def invariant(self) -> Invariant:
        """A ``Sum``."""
        return Sum(DECLARED, self.total, tuple(self.parts), self.tolerance)

    def relax(self) -> str:
        """Raise the tolerance."""
        return "raise tolerance (e.g. 0.005 for cents), or remove it"


class RangeSpec(_Spec):
    """A numeric column's bounds and shape."""

    type: Literal["range"]
    column: Name
    min: Number | None = None
    max: Number | None = None
    integer: bool = False
    decimals: int | None = Field(default=None, ge=0, le=12)

    @model_validator(mode="after")
    def _order(self) -> RangeSpec:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is above max; swap them")
        return self

    def columns(self) -> list[str]:
        """The column."""
        return [self.column]

    def roles(self) -> list[Role]:
        """A number column."""
        return [("column", self.column, NUMBERS)]

    def invariant(self) -> Invariant:
        """A ``Bounds`` with its declared min and max."""
        non_negative = self.min is not None and self.min >= 0
        return Bounds(
            DECLARED,
            self.column,
            non_negative,
            self.integer,
            None,
            self.decimals,
            self.min,
            self.max,
        )

    def relax(self) -> str:
        """Widen the bounds."""
        return "widen min/max, drop integer/decimals, or remove it"


class PositiveSpec(_Spec):
    """A number above 0 (``strict: false``: at least 0)."""

    type: Literal["positive"]
    column: Name
    strict: bool = True

    def columns(self) -> list[str]:
        """The column."""
        return [self.column]

    def roles(self) -> list[Role]:
        """A number column."""
        return [("column", self.column, NUMBERS)]

    def invariant(self) -> Invariant:
        """A ``Bounds``: non-negative, and positive when strict."""
        return Bounds(DECLARED, self.column, True, False, None, None, positive=self.strict)

    def relax(self) -> str:
        """Allow zero."""
        return "set strict: false to allow 0, or remove it"


class IncrementsSpec(_Spec):
    """Whole numbers in steps of ``step`` (from the smallest value)."""

    type: Literal["fixed_increments"]
    column: Name
    step: int = Field(ge=1, le=10**12)

    def columns(self) -> list[str]:
        """The column."""
        return [self.column]

    def roles(self) -> list[Role]:
        """A number column."""
        return [("column", self.column, NUMBERS)]

    def invariant(self) -> Invariant:
        """A ``Bounds`` of whole numbers on the step's grid."""
        return Bounds(DECLARED, self.column, False, True, float(self.step), None)

    def relax(self) -> str:
        """Use a smaller step."""
        return "use a step that divides every gap between values (e.g. 1), or remove it"


class NullIfSpec(_Spec):
    """``first`` is null exactly when ``second`` is."""

    type: Literal["null_if"]
    first: Name
    second: Name

    def columns(self) -> list[str]:
        """The two columns."""
        return [self.first, self.second]

    def roles(self) -> list[Role]:
        """Columns of any type."""
        return [("first", self.first, None), ("second", self.second, None)]

    def invariant(self) -> Invariant:
        """A ``NullTogether``."""
        return NullTogether(DECLARED, self.first, self.second)


class OneHotSpec(_Spec):
    """Exactly one of ``columns`` is 1 on every row, the others 0."""

    type: Literal["one_hot"]
    group: list[Name] = Field(alias="columns", min_length=2, max_length=MAX_GROUP)

    def columns(self) -> list[str]:
        """The group."""
        return list(self.group)

    def roles(self) -> list[Role]:
        """Number or boolean columns."""
        return [(f"columns[{i}]", c, FLAGS) for i, c in enumerate(self.group)]

    def invariant(self) -> Invariant:
        """A ``OneHot``."""
        return OneHot(DECLARED, tuple(self.group))


class UniqueSpec(_Spec):
    """No value of ``column`` repeats."""

    type: Literal["unique"]
    column: Name

    def columns(self) -> list[str]:
        """The column."""
        return [self.column]

    def roles(self) -> list[Role]:
        """A column of any type."""
        return [("column", self.column, None)]

    def invariant(self) -> Invariant:
        """A ``Unique``."""
        return Unique(DECLARED, self.column)


ConstraintSpec = Annotated[
    InequalitySpec
    | FixedCombinationsSpec
    | DependencySpec
    | SumSpec
    | RangeSpec
    | PositiveSpec
    | IncrementsSpec
    | NullIfSpec
    | OneHotSpec
    | UniqueSpec,
    Field(discriminator="type"),
]
SPECS: dict[str, type[_Spec]] = {
    "inequality": InequalitySpec,
    "fixed_combinations": FixedCombinationsSpec,
    "functional_dependency": DependencySpec,
    "sum": SumSpec,
    "range": RangeSpec,
    "positive": PositiveSpec,
    "fixed_increments": IncrementsSpec,
    "null_if": NullIfSpec,
    "one_hot": OneHotSpec,
    "unique": UniqueSpec,
}
"""Each constraint type's model, by its ``type:`` (the vocabulary, in the reference's order)."""
KINDS = tuple(SPECS)


def spec_fields(kind: object) -> list[str]:
    """The fields a constraint of ``kind`` is written with (empty for an unknown kind)."""
    model = SPECS.get(kind) if isinstance(kind, str) else None
    if model is None:
        return []
    return sorted(f.alias or name for name, f in model.model_fields.items())


def invariants_of(specs: list[Any], frame: pd.DataFrame | None = None) -> list[Invariant]:
    """The invariants of ``specs``; an inequality's gaps between dates are given in days."""
    out = []
    for spec in specs:
        inv = spec.invariant()
        if isinstance(inv, Inequality) and frame is not None and _dates(frame, inv):
            inv = replace(
                inv, gap_min=inv.gap_min * DAY_NS, gap_max=inv.gap_max * DAY_NS, time=True
            )
        out.append(inv)
    return out


def keep(frame: pd.DataFrame, specs: list[Any], rng: np.random.Generator) -> pd.DataFrame:
    """Generated rows repaired to keep the declared ``specs`` (dates as dates throughout)."""
    from syndata.consistency.enforce import keep_declared

    for i, spec in enumerate(specs):
        missing = [c for c in spec.columns() if c not in frame.columns]
        if missing:
            raise GenerationError(
                f"constraints[{i}] ({spec.type}) names {', '.join(missing)}, not a column of "
                f"the rows; name one of {', '.join(map(str, frame.columns))}, or add the "
                "column to the table's columns"
            )
    dates = [c for c in frame.columns if _holds_dates(frame[c])]
    work = frame.copy()
    for c in dates:
        work[c] = pd.to_datetime(work[c])
    kept = keep_declared(work, invariants_of(specs, work), rng)
    for c in dates:
        days = kept[c].dt.date.astype(object)
        days[kept[c].isna()] = None
        kept[c] = days
    return kept


class Keeper:
    """Keeps a table's declared constraints batch after batch (one per generated table).

    ``keep`` repairs each batch as ``keep`` does. A dependency holds across the whole
    table, not only within each batch: a determinant value met in an earlier batch
    takes the dependent value it went with there (the first drawn decides), before the
    batch is repaired. What it remembers is one dependent per determinant value seen.
    """

    def __init__(self, specs: list[Any]) -> None:
        self.specs = list(specs)
        self.dependencies = [s for s in self.specs if isinstance(s, DependencySpec)]
        self.seen: dict[int, pd.Series] = {}

    def keep(self, frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
        """One batch, repaired to keep the constraints and what earlier batches decided."""
        if not self.specs:
            return frame
        kept = keep(self._as_before(frame), self.specs, rng)
        for i, spec in enumerate(self.dependencies):
            found = dependents(kept, spec.determinant, spec.dependent)
            known = self.seen.get(i)
            if known is not None:
                found = pd.concat([known, found[~found.index.isin(known.index)]])
            self.seen[i] = found
        return kept

    def _as_before(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with each determinant value seen before given its earlier dependent."""
        out = frame
        for i, spec in enumerate(self.dependencies):
            known = self.seen.get(i)
            if known is None or spec.determinant not in out or spec.dependent not in out:
                continue
            key = out[spec.determinant]
            hit = (key.notna() & key.isin(known.index)).to_numpy()
            if not hit.any():
                continue
            if out is frame:
                out = frame.copy()
            column = out[spec.dependent].astype(object)
            column[hit] = key[hit].map(known).to_numpy(dtype=object)
            with contextlib.suppress(TypeError, ValueError):  # a null an int cannot hold
                column = column.astype(frame[spec.dependent].dtype)
            out[spec.dependent] = column
        return out


def _holds_dates(values: pd.Series) -> bool:
    """An object column of ``datetime.date`` values (as Arrow's date columns arrive)."""
    if not pd.api.types.is_object_dtype(values):
        return False
    present = values.dropna()
    return len(present) > 0 and isinstance(present.iloc[0], date)


def _dates(frame: pd.DataFrame, inv: Inequality) -> bool:
    return all(
        c in frame and pd.api.types.is_datetime64_any_dtype(frame[c]) for c in (inv.low, inv.high)
    )


def broken_by_real(specs: list[Any], frame: pd.DataFrame, table: str = "table") -> list[str]:
    """One message per declared constraint the real rows break: rows, share, how to relax.

    Counts only, never a value of the data. Constraints naming columns the frame lacks,
    or columns whose values the constraint cannot judge (text in a ``sum``), are
    reported too.
    """
    problems = []
    for i, spec in enumerate(specs):
        where = f"{table}.constraints[{i}] ({spec.type})"
        missing = [c for c in spec.columns() if c not in frame.columns]
        if missing:
            problems.append(
                f"{where}: no column {', '.join(missing)} in the data; "
                f"name one of {_listed(frame.columns)}"
            )
            continue
        unfit = [
            f"'{column}' holds {_held(frame[column])}"
            for _, column, allowed in spec.roles()
            if allowed is not None and _held(frame[column]) not in _HOLDS[allowed]
        ]
        if unfit:
            problems.append(
                f"{where}: {', '.join(unfit)} in the data, which a {spec.type} constraint "
                f"cannot judge; name {_NEEDS[spec.roles()[0][2]]}"
            )
            continue
        invariant = invariants_of([spec], frame)[0]
        rows = int(Checker([invariant], frame).violations(frame, invariant).sum())
        if rows:
            problems.append(
                f"{where}: {_said(spec, invariant)} is broken by {rows:,} of {len(frame):,} "
                f"real rows ({rows / len(frame):.1%}); {spec.relax()}"
            )
    return problems


_HOLDS: dict[frozenset[str], frozenset[str]] = {
    NUMBERS: frozenset({"numbers"}),
    ORDERED: frozenset({"numbers", "dates"}),
    FLAGS: frozenset({"numbers", "booleans"}),
}
_NEEDS = {
    NUMBERS: "number columns",
    ORDERED: "number or date columns",
    FLAGS: "number or boolean columns",
    None: "other columns",
}
LISTED_COLUMNS = 20  # column names a message lists at most


def _held(values: pd.Series) -> str:
    """What a real column holds, in words (never a value)."""
    if pd.api.types.is_bool_dtype(values):
        return "booleans"
    if pd.api.types.is_numeric_dtype(values):
        return "numbers"
    if pd.api.types.is_datetime64_any_dtype(values) or _holds_dates(values):
        return "dates"
    return "text"


def _said(spec: Any, invariant: Invariant) -> str:
    """The rule as declared: an inequality's gaps in the units written (days for dates)."""
    if isinstance(spec, InequalitySpec) and (spec.min_gap is not None or spec.max_gap is not None):
        lo = "" if spec.min_gap is None else f"min_gap {spec.min_gap:g}"
        hi = "" if spec.max_gap is None else f"max_gap {spec.max_gap:g}"
        gaps = " and ".join(g for g in (lo, hi) if g)
        return f"{spec.low} {'<' if spec.strict else '<='} {spec.high} with {gaps}"
    return invariant.describe()


def _listed(columns: Collection[object]) -> str:
    names = [str(c) for c in columns]
    more = len(names) - LISTED_COLUMNS
    return ", ".join(names[:LISTED_COLUMNS]) + (f", ... ({more} more)" if more > 0 else "")


def to_spec(invariant: Invariant, dates: Collection[str] = ()) -> dict[str, Any] | None:
    """A discovered invariant as a config constraint (None for a kind with nothing to say).

    ``dates`` names the date columns: a bounded gap between them is written in days.
    """
    if isinstance(invariant, Inequality):
        spec: dict[str, Any] = {"type": "inequality", "low": invariant.low, "high": invariant.high}
        if invariant.strict:
            spec["strict"] = True
        if invariant.bounded:
            unit = DAY_NS if invariant.low in dates else 1.0
            spec["min_gap"] = float(f"{invariant.gap_min / unit:.10g}")
            spec["max_gap"] = float(f"{invariant.gap_max / unit:.10g}")
        return spec
    if isinstance(invariant, FixedCombinations):
        return {"type": "fixed_combinations", "columns": list(invariant.group)}
    if isinstance(invariant, FunctionalDependency):
        return {
            "type": "functional_dependency",
            "determinant": invariant.determinant,
            "dependent": invariant.dependent,
        }
    if isinstance(invariant, Sum):
        return {
            "type": "sum",
            "total": invariant.total,
            "parts": list(invariant.parts),
            "tolerance": float(f"{invariant.tolerance:.6g}"),
        }
    if isinstance(invariant, Bounds):
        if invariant.integer and invariant.step:
            return {
                "type": "fixed_increments",
                "column": invariant.column,
                "step": int(invariant.step),
            }
        if invariant.non_negative:
            return {"type": "positive", "column": invariant.column, "strict": False}
        return None
    if isinstance(invariant, NullTogether):
        return {"type": "null_if", "first": invariant.first, "second": invariant.second}
    if isinstance(invariant, OneHot):
        return {"type": "one_hot", "columns": list(invariant.group)}
    if isinstance(invariant, Unique):
        return {"type": "unique", "column": invariant.column}
    return None
