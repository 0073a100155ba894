"""The rules real rows obey, as plain records: what holds, between which columns, on what evidence.

Each invariant names columns only, never a value: a profile, report or log may show it
whatever the columns hold. ``Evidence`` says how many rows were checked and the share
that obeyed (1.0 for a rule that holds on every row; below 1.0 only within the
tolerance the discovery was given).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import ClassVar


@dataclass(frozen=True)
class Evidence:
    """Rows checked (both columns present where the rule needs them) and the share obeying."""

    rows: int
    share: float


@dataclass(frozen=True)
class Invariant:
    """Base of every discovered rule; ``kind`` is its name in a config's ``constraints:``."""

    kind: ClassVar[str] = ""
    evidence: Evidence = field(compare=False)

    def columns(self) -> tuple[str, ...]:
        """The columns the rule is about."""
        raise NotImplementedError

    def describe(self) -> str:
        """The rule in one sentence (column names and counts only)."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, object]:
        """Plain data: the kind, its columns and parameters, and the evidence (no values)."""
        data = asdict(self)
        evidence = data.pop("evidence")
        return {"type": self.kind, **data, "rows": evidence["rows"], "share": evidence["share"]}


@dataclass(frozen=True)
class FixedCombinations(Invariant):
    """Only ``combinations`` distinct value tuples of ``group`` occur (of the possible ones)."""

    kind: ClassVar[str] = "fixed_combinations"
    group: tuple[str, ...]
    combinations: int
    possible: int

    def columns(self) -> tuple[str, ...]:
        """The columns of the group."""
        return self.group

    def describe(self) -> str:
        """E.g. "species × island: 5 of 9 combinations occur"."""
        return (
            f"{' × '.join(self.group)}: {self.combinations} of {self.possible} combinations occur"
        )


@dataclass(frozen=True)
class FunctionalDependency(Invariant):
    """Each value of ``determinant`` goes with one value of ``dependent`` (code -> name)."""

    kind: ClassVar[str] = "functional_dependency"
    determinant: str
    dependent: str

    def columns(self) -> tuple[str, ...]:
        """Determinant, then dependent."""
        return (self.determinant, self.dependent)

    def describe(self) -> str:
        """E.g. "sub_grade determines grade"."""
        return f"{self.determinant} determines {self.dependent}"


@dataclass(frozen=True)
class Inequality(Invariant):
    """``low`` <= ``high`` on every row (``strict``: <); ``high - low`` in [gap_min, gap_max].

    The gap's bounds are part of the rule only when ``bounded`` (they are much narrower
    than the gaps of the two columns drawn independently: a stay of 1 to 14 nights);
    otherwise they are only what the rows happened to show.
    """

    kind: ClassVar[str] = "inequality"
    low: str
    high: str
    strict: bool
    gap_min: float
    gap_max: float
    bounded: bool = False
    time: bool = field(default=False, compare=False)  # dates: the gaps are in nanoseconds

    def columns(self) -> tuple[str, ...]:
        """Low, then high."""
        return (self.low, self.high)

    def describe(self) -> str:
        """E.g. "check_in < check_out" (with "by 1 to 14 days" when the gap is bounded)."""
        order = f"{self.low} {'<' if self.strict else '<='} {self.high}"
        if not self.bounded:
            return order
        if self.time:
            return f"{order}, by {_duration(self.gap_min, self.gap_max)}"
        return f"{order}, by {self.gap_min:g} to {self.gap_max:g}"


@dataclass(frozen=True)
class Sum(Invariant):
    """``total`` equals the sum of ``parts`` (within ``tolerance``, for rounding)."""

    kind: ClassVar[str] = "sum"
    total: str
    parts: tuple[str, ...]
    tolerance: float

    def columns(self) -> tuple[str, ...]:
        """The total, then its parts."""
        return (self.total, *self.parts)

    def describe(self) -> str:
        """E.g. "total = principal + interest"."""
        return f"{self.total} = {' + '.join(self.parts)}"


@dataclass(frozen=True)
class Bounds(Invariant):
    """A numeric column's shape: never negative, whole numbers, a fixed step, its decimals."""

    kind: ClassVar[str] = "range"
    column: str
    non_negative: bool
    integer: bool
    step: float | None
    decimals: int | None
    low: float | None = None  # declared bounds (discovery leaves them out: extremes are people)
    high: float | None = None
    positive: bool = False  # declared ``positive``: > 0

    def columns(self) -> tuple[str, ...]:
        """The column."""
        return (self.column,)

    def describe(self) -> str:
        """E.g. "units: >= 0, whole numbers in steps of 5"."""
        shape = ["> 0"] if self.positive else [">= 0"] if self.non_negative else []
        if self.low is not None or self.high is not None:
            lo = "" if self.low is None else f"{self.low:g} <= "
            hi = "" if self.high is None else f" <= {self.high:g}"
            shape.append(f"{lo}{self.column}{hi}")
        if self.integer:
            shape.append(
                f"whole numbers in steps of {self.step:g}" if self.step else "whole numbers"
            )
        elif self.decimals is not None:
            shape.append(f"{self.decimals} decimal(s)")
        return f"{self.column}: {', '.join(shape) or 'any number'}"


@dataclass(frozen=True)
class NullTogether(Invariant):
    """``first`` is null exactly when ``second`` is null."""

    kind: ClassVar[str] = "null_if"
    first: str
    second: str

    def columns(self) -> tuple[str, ...]:
        """The two columns."""
        return (self.first, self.second)

    def describe(self) -> str:
        """E.g. "closed_on is null exactly when closed_reason is"."""
        return f"{self.first} is null exactly when {self.second} is"


@dataclass(frozen=True)
class Unique(Invariant):
    """No value of ``column`` repeats."""

    kind: ClassVar[str] = "unique"
    column: str

    def columns(self) -> tuple[str, ...]:
        """The column."""
        return (self.column,)

    def describe(self) -> str:
        """E.g. "loan_id is unique"."""
        return f"{self.column} is unique"


@dataclass(frozen=True)
class OneHot(Invariant):
    """Exactly one of ``group`` is 1 (the others 0) on every row."""

    kind: ClassVar[str] = "one_hot"
    group: tuple[str, ...]

    def columns(self) -> tuple[str, ...]:
        """The columns of the group."""
        return self.group

    def describe(self) -> str:
        """E.g. "one of is_a, is_b, is_c is 1"."""
        return f"one of {', '.join(self.group)} is 1"


_UNITS = (("days", 86_400e9), ("hours", 3_600e9), ("minutes", 60e9), ("seconds", 1e9))


def _duration(low: float, high: float) -> str:
    """Two gaps in nanoseconds in the largest unit both are whole in (else seconds)."""
    for unit, size in _UNITS:
        if low % size == 0 and high % size == 0:
            return f"{low / size:g} to {high / size:g} {unit}"
    return f"{low / 1e9:g} to {high / 1e9:g} seconds"
