"""Orders kept with the least change to each column's distribution.

``Ranks`` is a column's distribution as a grid of quantiles (the real values' ranks, not
the values: a quantile grid is what a model's own marginal already holds). Two uses:

* ``project``: a row that breaks ``low <= high`` (an order no model builds in) is moved
  to the nearest row that keeps it, measured in ranks: either ``low`` comes down to
  ``high`` or ``high`` goes up to ``low``, whichever moves its column's rank less. A
  ``high`` at its column's floor (a zero of a zero-inflated amount) always takes the
  ``low`` down with it: real rows at that floor hold the low's floor too (no balance, no
  accounts opened), and lifting the floor would empty its point mass;
* ``remapped``: a column learned as ``low + gap`` has the right order but a blurred
  distribution (the sum of two learned columns); each value is moved to the real
  quantile of its rank among the sampled values, wherever the gap stays in its bounds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from syndata.consistency.check import inequality_violations, numbers
from syndata.consistency.invariants import Inequality

Floats = NDArray[np.float64]
GRID_POINTS = 201  # quantiles a column's ranks are read from
REMAP_ROWS = 200  # fewer sampled values: their ranks say too little to remap by


@dataclass(frozen=True)
class Ranks:
    """A column's quantiles at ``GRID_POINTS`` evenly spaced probabilities."""

    grid: Floats

    @classmethod
    def of(cls, values: pd.Series) -> Ranks | None:
        """The quantile grid of the present values (None: no value present)."""
        x = numbers(values)
        x = x[~np.isnan(x)]
        if not len(x):
            return None
        return cls(np.quantile(x, np.linspace(0.0, 1.0, GRID_POINTS)))

    def rank(self, x: Floats) -> Floats:
        """The mid-rank of each value (a point mass counts at its middle), in [0, 1]."""
        probs = np.linspace(0.0, 1.0, len(self.grid))
        below = np.interp(-x, -self.grid[::-1], probs, left=0.0, right=1.0)
        return (np.interp(x, self.grid, probs, left=0.0, right=1.0) + 1.0 - below) / 2.0

    def value(self, ranks: Floats) -> Floats:
        """The quantile at each rank."""
        return np.interp(ranks, np.linspace(0.0, 1.0, len(self.grid)), self.grid)

    @property
    def floor(self) -> float:
        """The smallest value."""
        return float(self.grid[0])

    def overlaps(self, other: Ranks) -> bool:
        """The two middle halves (quartile to quartile) overlap: values of one scale."""
        quarter, three = len(self.grid) // 4, 3 * len(self.grid) // 4
        top = min(self.grid[three], other.grid[three])
        return bool(top > max(self.grid[quarter], other.grid[quarter]))


def project(
    frame: pd.DataFrame, inv: Inequality, ranks: Mapping[str, Ranks], decimals: Mapping[str, int]
) -> None:
    """Rows that break ``inv`` moved to the nearest order in ranks (module docstring)."""
    low_ranks, high_ranks = ranks.get(inv.low), ranks.get(inv.high)
    if low_ranks is None or high_ranks is None:
        return
    if pd.api.types.is_datetime64_any_dtype(frame[inv.high]):
        return  # dates are redrawn
    bad = inequality_violations(frame, inv)
    if not bad.any():
        return
    low, high = numbers(frame[inv.low]).copy(), numbers(frame[inv.high]).copy()
    rows = np.flatnonzero(bad)
    lo, hi = low[rows], high[rows]
    places = max(decimals.get(inv.low, 6), decimals.get(inv.high, 6))
    step = 10.0**-places if inv.strict else 0.0
    # written with each column's own decimals, rounded away from the other value
    new_low = _rounded(hi - step, decimals.get(inv.low), np.floor)
    new_high = _rounded(lo + step, decimals.get(inv.high), np.ceil)
    cost_low = np.abs(low_ranks.rank(new_low) - low_ranks.rank(lo))
    cost_high = np.abs(high_ranks.rank(new_high) - high_ranks.rank(hi))
    cost_low = np.where(hi <= high_ranks.floor, -1.0, cost_low)
    move_low = (cost_low <= cost_high) & (new_low >= low_ranks.floor)
    low[rows[move_low]] = new_low[move_low]
    high[rows[~move_low]] = new_high[~move_low]
    frame[inv.low] = pd.Series(low, index=frame.index)
    frame[inv.high] = pd.Series(high, index=frame.index)


def _rounded(x: Floats, places: int | None, way: np.ufunc) -> Floats:
    if places is None:
        return x
    scale = 10.0**places
    out: Floats = way(np.round(x * scale, 6)) / scale
    return out


def remapped(
    low: pd.Series, high: pd.Series, inv: Inequality, ranks: Ranks, decimals: int | None
) -> pd.Series:
    """``high`` at the real quantile of its rank, where the gap keeps its bounds."""
    x = numbers(high)
    present = ~np.isnan(x)
    count = int(present.sum())
    if count < REMAP_ROWS:
        return high
    order = pd.Series(x).rank(pct=True, method="average").to_numpy(dtype=float)
    target = ranks.value(order - 0.5 / count)
    if decimals is not None:
        target = np.round(target, decimals)
    gap = target - numbers(low)
    keeps = present & (gap >= inv.gap_min) & (gap <= inv.gap_max)
    if inv.strict:
        keeps &= gap > 0
    return pd.Series(np.where(keeps, target, x), index=high.index)
