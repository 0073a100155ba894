"""Which rows break an invariant: one boolean mask per invariant, the same for real and synthetic.

``Checker(invariants, reference)`` learns, from the real rows (``reference``), what a rule
needs beyond its columns (the allowed combinations, each determinant's dependent, a
step's offset) — in memory only, never written anywhere. ``violations(frame, invariant)``
marks the rows of ``frame`` that break it; ``shares(frame)`` gives, per invariant, the
share of rows that break it. Without a reference (a config alone), a rule is checked on
the frame itself: a dependency must be a function within the frame, allowed combinations
are those the frame holds.

Rows where a column the rule needs is null do not count against it (nulls are the
business of ``null_if``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from syndata.consistency.invariants import (
    Bounds,
    FixedCombinations,
    FunctionalDependency,
    Inequality,
    Invariant,
    NullTogether,
    OneHot,
    Sum,
    Unique,
)

Mask = NDArray[np.bool_]
HASH_PRIME = 0x100000001B3  # mixes one column's hashes into a row's (64-bit FNV prime)
ORDER_SLACK = 1e-9  # relative slack of a gap's bounds (float noise of datetimes as seconds)


class Checker:
    """Violation masks of invariants; see the module docstring."""

    def __init__(self, invariants: Sequence[Invariant], reference: pd.DataFrame | None = None):
        self.invariants = list(invariants)
        self._allowed: dict[Invariant, _Combinations] = {}
        self._mapping: dict[Invariant, pd.Series] = {}
        self._offset: dict[Invariant, float] = {}
        if reference is not None:
            hashes = _Hashes(reference)
            for inv in self.invariants:
                if not set(inv.columns()) <= set(reference.columns):
                    continue
                if isinstance(inv, FixedCombinations):
                    self._allowed[inv] = _Combinations.of(hashes, inv.group)
                elif isinstance(inv, FunctionalDependency):
                    self._mapping[inv] = dependents(reference, inv.determinant, inv.dependent)
                elif isinstance(inv, Bounds) and inv.step:
                    self._offset[inv] = step_offset(reference[inv.column], inv.step)

    def violations(
        self, frame: pd.DataFrame, invariant: Invariant, hashes: _Hashes | None = None
    ) -> Mask:
        """True for each row of ``frame`` that breaks ``invariant``.

        ``hashes``: the frame's column hashes, shared by the checks of one frame.
        """
        if not set(invariant.columns()) <= set(frame.columns):
            return np.zeros(len(frame), dtype=bool)
        if isinstance(invariant, FixedCombinations):
            allowed = self._allowed.get(invariant)
            if allowed is None:
                return np.zeros(len(frame), dtype=bool)
            return allowed.outside(hashes if hashes is not None else _Hashes(frame))
        if isinstance(invariant, FunctionalDependency):
            return self._dependency(frame, invariant)
        if isinstance(invariant, Inequality):
            return inequality_violations(frame, invariant)
        if isinstance(invariant, Sum):
            return sum_violations(frame, invariant)
        if isinstance(invariant, Bounds):
            return bounds_violations(
                frame[invariant.column], invariant, self._offset.get(invariant)
            )
        if isinstance(invariant, NullTogether):
            first = frame[invariant.first].isna().to_numpy()
            second = frame[invariant.second].isna().to_numpy()
            return np.asarray(first != second)
        if isinstance(invariant, OneHot):
            values = frame[list(invariant.group)].apply(pd.to_numeric, errors="coerce")
            ones = (values == 1).sum(axis=1).to_numpy()
            others = ((values != 0) & (values != 1)).any(axis=1).to_numpy()
            return np.asarray((ones != 1) | others)
        if isinstance(invariant, Unique):
            values = frame[invariant.column]
            return (values.notna() & values.duplicated(keep="first")).to_numpy()
        return np.zeros(len(frame), dtype=bool)

    def broken(self, frame: pd.DataFrame, only: Sequence[Invariant] | None = None) -> Mask:
        """True for each row that breaks any invariant (of ``only``, when given)."""
        out = np.zeros(len(frame), dtype=bool)
        hashes = _Hashes(frame)
        for inv in self.invariants if only is None else only:
            out |= self.violations(frame, inv, hashes)
        return out

    def shares(self, frame: pd.DataFrame) -> list[float]:
        """Per invariant, the share of ``frame``'s rows that break it (0.0 for no rows)."""
        if len(frame) == 0:
            return [0.0 for _ in self.invariants]
        return [float(self.violations(frame, inv).mean()) for inv in self.invariants]

    def mapping(self, inv: FunctionalDependency) -> pd.Series:
        """Each determinant value's dependent in the reference rows (empty without them)."""
        return self._mapping.get(inv, pd.Series(dtype=object))

    def _dependency(self, frame: pd.DataFrame, inv: FunctionalDependency) -> Mask:
        a, b = frame[inv.determinant], frame[inv.dependent]
        present = a.notna().to_numpy()
        mapping = self._mapping.get(inv)
        own = dependents(frame, inv.determinant, inv.dependent)
        if mapping is not None:
            own = own.drop(index=[k for k in own.index if k in mapping.index])
            mapping = pd.concat([mapping, own])
        else:
            mapping = own
        expected = a.map(mapping)
        same = (expected.isna() & b.isna()) | (expected == b).fillna(False).astype(bool)
        return present & ~same.to_numpy(dtype=bool)


def inequality_violations(frame: pd.DataFrame, inv: Inequality) -> Mask:
    """Rows where ``low`` > ``high`` (>= when strict) or a bounded gap leaves its bounds."""
    low, high = numbers(frame[inv.low]), numbers(frame[inv.high])
    both = ~np.isnan(low) & ~np.isnan(high)
    gap = np.where(both, high - low, 0.0)
    slack = ORDER_SLACK * max(abs(inv.gap_min), abs(inv.gap_max), 1.0)
    bad: Mask = gap <= 0 if inv.strict else gap < 0
    if inv.bounded:
        bad |= (gap < inv.gap_min - slack) | (gap > inv.gap_max + slack)
    out: Mask = both & bad
    return out


def sum_violations(frame: pd.DataFrame, inv: Sum) -> Mask:
    """Rows where ``total`` differs from the sum of its parts by more than the tolerance."""
    total = numbers(frame[inv.total])
    parts = np.sum([numbers(frame[p]) for p in inv.parts], axis=0)
    both = ~np.isnan(total) & ~np.isnan(parts)
    out: Mask = both & (np.abs(np.where(both, total - parts, 0.0)) > inv.tolerance)
    return out


def bounds_violations(values: pd.Series, inv: Bounds, offset: float | None = None) -> Mask:
    """Rows below 0 (when non-negative), not whole, off the step or with more decimals."""
    x = numbers(values)
    present = ~np.isnan(x)
    v = np.where(present, x, 0.0)
    bad = np.zeros(len(x), dtype=bool)
    if inv.non_negative:
        bad |= v < 0
    if inv.positive:
        bad |= v <= 0
    if inv.low is not None:
        bad |= v < inv.low
    if inv.high is not None:
        bad |= v > inv.high
    if inv.integer:
        bad |= v != np.round(v)
        if inv.step:
            base = step_offset(values, inv.step) if offset is None else offset
            bad |= np.round(v - base) % round(inv.step) != 0
    elif inv.decimals is not None:
        bad |= np.abs(v - np.round(v, inv.decimals)) > 10.0 ** (-inv.decimals - 3)
    out: Mask = present & bad
    return out


def numbers(values: pd.Series) -> NDArray[np.float64]:
    """Values as floats (datetimes as nanoseconds since the epoch, UTC), NaN where missing."""
    if pd.api.types.is_datetime64_any_dtype(values):
        stamps = pd.to_datetime(values)
        if getattr(stamps.dt, "tz", None) is not None:
            stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
        raw = stamps.to_numpy(dtype="datetime64[ns]")
        out = raw.astype(np.int64).astype(np.float64)
        out[np.isnat(raw)] = np.nan
        return out
    if pd.api.types.is_numeric_dtype(values.dtype):  # already numbers: no parsing pass
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


class _Hashes:
    """One frame's column hashes and presence masks, computed once per column asked for.

    Values are hashed as objects: a value hashes alike in every frame, whatever the dtype
    of its column there.
    """

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self._columns: dict[str, tuple[NDArray[np.uint64], Mask]] = {}

    def column(self, name: str) -> tuple[NDArray[np.uint64], Mask]:
        """The column's value hashes and presence mask."""
        if name not in self._columns:
            values = self.frame[name]
            hashed = pd.util.hash_array(values.to_numpy(dtype=object))
            self._columns[name] = (hashed, values.notna().to_numpy())
        return self._columns[name]

    def rows(self, group: Sequence[str]) -> tuple[NDArray[np.uint64], Mask]:
        """One hash per row of the group's values, and the rows where all are present."""
        keys = np.zeros(len(self.frame), dtype=np.uint64)
        present = np.ones(len(self.frame), dtype=bool)
        for name in group:
            hashed, there = self.column(name)
            keys = (keys * np.uint64(HASH_PRIME)) ^ hashed
            present &= there
        return keys, present


class _Combinations:
    """The value tuples a group of columns holds, as sorted 64-bit row hashes (fast to test)."""

    def __init__(self, group: Sequence[str], keys: NDArray[np.uint64]):
        self.group, self.keys = list(group), keys

    @classmethod
    def of(cls, hashes: _Hashes, group: Sequence[str]) -> _Combinations:
        keys, present = hashes.rows(group)
        return cls(group, np.unique(keys[present]))

    def outside(self, hashes: _Hashes) -> Mask:
        """Rows whose tuple (all present) is not among the group's."""
        keys, present = hashes.rows(self.group)
        out: Mask = present & ~np.isin(keys, self.keys)
        return out


def dependents(frame: pd.DataFrame, determinant: str, dependent: str) -> pd.Series:
    """Each determinant value's most frequent dependent value."""
    pairs = frame[[determinant, dependent]].astype(object)
    pairs = pairs[pairs[determinant].notna()]
    if pairs.empty:
        return pd.Series(dtype=object)
    counts = pairs.groupby([determinant, dependent], dropna=False, observed=True).size()
    best = counts.sort_values(ascending=False, kind="stable").reset_index()
    best = best.drop_duplicates(subset=[determinant], keep="first")
    return pd.Series(best[dependent].to_numpy(dtype=object), index=best[determinant].to_numpy())


def step_offset(values: pd.Series, step: float) -> float:
    """Where the grid of a fixed step starts: the smallest value modulo the step."""
    x = numbers(values)
    x = x[~np.isnan(x)]
    return float(np.round(x.min()) % round(step)) if len(x) else 0.0
