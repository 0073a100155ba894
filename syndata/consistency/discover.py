"""Discover the invariants a real table obeys: searched on a sample, confirmed on every row.

``discover(frame)`` returns, for the columns it can judge:

* ``Unique`` per column that holds no floats (a float measurement with no repeat on a few
  hundred rows is chance, not a rule) and ``Bounds`` (non-negative, whole numbers, fixed
  step, decimals) per numeric column;
* ``NullTogether`` for columns null on exactly the same rows;
* ``FunctionalDependency`` (A determines B) between low-cardinality columns;
* ``FixedCombinations`` for two categorical columns some of whose combinations never
  occur although independence would expect them at least ``MIN_EXPECTED`` times;
* ``Inequality`` (A <= B, or A < B, with the gap's bounds) between numbers or dates whose
  ranges overlap (disjoint ranges make the order trivially true);
* ``Sum`` (C = A + B, or A + B + D) within rounding.

Candidates are pruned by type, tried on a sample of ``sample_rows`` rows and kept only if
they hold on every row (or on a share >= 1 - ``tolerance``). Nothing returned holds a value.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations, permutations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from syndata.consistency.invariants import (
    Bounds,
    Evidence,
    FixedCombinations,
    FunctionalDependency,
    Inequality,
    Invariant,
    NullTogether,
    Sum,
    Unique,
)

SAMPLE_ROWS = 20_000
MAX_CATEGORIES = 200  # more distinct values: not a category for dependencies
MAX_COMBINATION_CATEGORIES = 50
MIN_EXPECTED = 5.0  # a missing combination independence expects this often is a rule
MIN_ROWS = 20  # fewer rows: no rule can be told from chance
# an order is a rule when independent columns would break it in this many of the rows
# checked (so seeing no break has odds below e**-7, about 1 in 1,000)
MIN_SURPRISE = 7.0
# both thresholds grow with the number of candidates tried (a wide table tries thousands
# of pairs, and some would hold by chance): seeing nothing where chance expects
# ``surprise(tried)`` has odds below ALPHA / tried (Bonferroni on Poisson odds e**-x)
ALPHA = 0.01


def surprise(tried: int, least: float) -> float:
    """The expected count a never-seen event needs to be a rule among ``tried`` candidates."""
    return max(least, float(np.log(max(tried, 1) / ALPHA)))


BOUNDED_SHARE = 0.5  # gaps this much narrower than independent ones: the bounds are a rule
Floats = NDArray[np.float64]
Codes = NDArray[np.int64]

MAX_SUM_PARTS_COLUMNS = 40  # more numeric columns: sums of two parts only
SCREEN_ROWS = 32  # rows a sum candidate is tried on before the sample
FIRST_SCREEN_ROWS = 8  # of which these first (every tuple of parts at once)
ORDER_SCREEN_ROWS = 64  # rows an order candidate is first tried on


def discover(
    frame: pd.DataFrame,
    *,
    tolerance: float = 0.0,
    sample_rows: int = SAMPLE_ROWS,
    seed: int = 0,
    exclude: Iterable[str] = (),
) -> list[Invariant]:
    """The invariants ``frame`` obeys; see the module docstring.

    ``exclude`` names columns to leave out (personal data: no rule, not even a gap's
    bounds, is derived from them).
    """
    if not 0.0 <= tolerance < 0.5:
        raise ValueError(f"tolerance must be in [0, 0.5), got {tolerance}")
    frame = frame.drop(columns=[c for c in exclude if c in frame.columns])
    if len(frame) < MIN_ROWS:
        return []
    sample = frame.sample(sample_rows, random_state=seed) if len(frame) > sample_rows else frame
    search = _Search(frame, sample, 1.0 - tolerance)
    return [
        *search.columns(),
        *search.null_together(),
        *search.dependencies(),
        *search.orders(),
        *search.sums(),
    ]


class _Search:
    """The candidate search of one table: typed columns, sample, threshold."""

    def __init__(self, frame: pd.DataFrame, sample: pd.DataFrame, need: float) -> None:
        self.frame = frame
        self.sample = sample
        self.need = need
        self.numbers = [c for c in frame.columns if _is_number(frame[c])]
        self.times = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
        self.categories = [
            c
            for c in frame.columns
            if c not in self.numbers
            and c not in self.times
            and 1 < frame[c].nunique(dropna=True) <= MAX_CATEGORIES
        ]

    def columns(self) -> list[Invariant]:
        found: list[Invariant] = []
        rows = len(self.frame)
        for name in self.frame.columns:
            values = self.frame[name]
            present = values.dropna()
            if (
                len(present) == rows
                and not pd.api.types.is_float_dtype(values)
                and present.is_unique
                and rows >= MIN_ROWS
            ):
                found.append(Unique(Evidence(rows, 1.0), name))
            if name in self.numbers and len(present):
                found.append(_bounds(name, present.to_numpy(dtype=float)))
        return found

    def null_together(self) -> list[Invariant]:
        nulls = {c: self.frame[c].isna().to_numpy() for c in self.frame.columns}
        partly = [c for c, m in nulls.items() if 0 < m.sum() < len(m)]
        found: list[Invariant] = []
        for a, b in combinations(partly, 2):
            share = float((nulls[a] == nulls[b]).mean())
            if share >= self.need:
                found.append(NullTogether(Evidence(len(self.frame), share), a, b))
        return found

    def dependencies(self) -> list[Invariant]:
        found: list[Invariant] = []
        codes = {c: pd.factorize(self.sample[c])[0].astype(np.int64) for c in self.categories}
        dependent: set[frozenset[str]] = set()
        for a, b in permutations(self.categories, 2):
            if _determines(codes[a], codes[b], self.need):
                share, rows = _dependency_share(self.frame[a], self.frame[b])
                if share >= self.need:
                    found.append(FunctionalDependency(Evidence(rows, share), a, b))
                    dependent.add(frozenset((a, b)))
        small = [
            c
            for c in self.categories
            if self.frame[c].nunique(dropna=True) <= MAX_COMBINATION_CATEGORIES
        ]
        full = {c: pd.factorize(self.frame[c])[0].astype(np.int64) for c in small}
        cells = sum(
            (int(full[a].max()) + 1) * (int(full[b].max()) + 1) for a, b in combinations(small, 2)
        )
        least = surprise(cells, MIN_EXPECTED)
        for a, b in combinations(small, 2):
            if frozenset((a, b)) not in dependent:
                combo = _fixed_combinations(a, full[a], b, full[b], least)
                if combo is not None:
                    found.append(combo)
        return found

    def orders(self) -> list[Invariant]:
        found: list[Invariant] = []
        pairs = sum(len(g) * (len(g) - 1) for g in (self.numbers, self.times))
        least = surprise(pairs, MIN_SURPRISE)
        for group in (self.numbers, self.times):
            values = {c: _as_float(self.frame[c]) for c in group}
            tried = {c: _as_float(self.sample[c]) for c in group}
            ranges = {c: _range(values[c]) for c in group}
            # a few rows rule out most pairs: an order must hold on (nearly) every row
            screen = {c: tried[c][:ORDER_SCREEN_ROWS] for c in group}
            for a, b in permutations(group, 2):
                if not ranges[b][0] <= ranges[a][1]:
                    continue  # disjoint ranges (or a column with no value): no rule
                if not _mostly_ordered(screen[a], screen[b], self.need):
                    continue
                low, high = tried[a], tried[b]
                both = ~np.isnan(low) & ~np.isnan(high)
                if both.sum() < MIN_ROWS or (low[both] <= high[both]).mean() < self.need:
                    continue
                time = group is self.times
                found.extend(_inequality(a, b, values[a], values[b], self.need, least, time))
        return found

    def sums(self) -> list[Invariant]:
        found: list[Invariant] = []
        numbers = self.numbers
        sizes = (2, 3) if len(numbers) <= MAX_SUM_PARTS_COLUMNS else (2,)
        if not numbers:
            return found
        tried = {c: self.sample[c].to_numpy(dtype=float) for c in numbers}
        # a sum must hold on (nearly) every row: a few rows rule out almost every candidate
        screen = np.column_stack([tried[c][:SCREEN_ROWS] for c in numbers])
        tuples = {
            size: np.array(list(combinations(range(len(numbers)), size)), dtype=np.intp).reshape(
                -1, size
            )
            for size in sizes
        }
        first = {size: _part_sums(screen[:FIRST_SCREEN_ROWS], tuples[size]) for size in sizes}
        for t, total in enumerate(numbers):
            tolerance = _rounding(tried[total])
            for size in sizes:
                candidates = _screened(screen, tuples[size], first[size], t, tolerance, self.need)
                for parts in candidates:
                    names = tuple(numbers[int(p)] for p in parts)
                    if _sums_to(tried[total], [tried[p] for p in names], self.need):
                        full = self.frame[total].to_numpy(dtype=float)
                        share, rows = _sum_share(
                            full, [self.frame[p].to_numpy(dtype=float) for p in names]
                        )
                        if share >= self.need:
                            tol = _rounding(full)
                            found.append(Sum(Evidence(rows, share), total, names, tol))
        return found


def _part_sums(screen: NDArray[np.float64], tuples: NDArray[np.intp]) -> NDArray[np.float64]:
    """The sum of each tuple's columns on each screening row: [row, tuple]."""
    out: NDArray[np.float64] = screen[:, tuples].sum(axis=2)
    return out


def _screened(
    screen: NDArray[np.float64],
    tuples: NDArray[np.intp],
    first: NDArray[np.float64],
    total: int,
    tolerance: float,
    need: float,
) -> NDArray[np.intp]:
    """The part tuples (ascending, without the total) that add up to it on the screen.

    Tried on the first ``FIRST_SCREEN_ROWS`` rows (``first``: their sums of every tuple),
    then the survivors on all the screening rows.
    """
    without = ~(tuples == total).any(axis=1)
    keep = without & _adds_up(first, screen[: len(first), total], tolerance, need)
    survivors: NDArray[np.intp] = tuples[keep]
    if not len(survivors):
        return survivors
    together = _part_sums(screen, survivors)
    out: NDArray[np.intp] = survivors[_adds_up(together, screen[:, total], tolerance, need)]
    return out


def _adds_up(
    together: NDArray[np.float64], target: NDArray[np.float64], tolerance: float, need: float
) -> NDArray[np.bool_]:
    """Per tuple: its sums meet ``target`` on (nearly) every row where both are present.

    A row where a value is missing counts either way, and too few present rows let the
    candidate through (the full check decides). Under a tolerance, the screening rows may
    miss twice as often as all rows may (and once more): a random few rows vary.
    """
    gap = np.abs(together - target[:, None])
    present = ~np.isnan(gap)
    missed = (present & (gap > tolerance)).sum(axis=0)
    counted = present.sum(axis=0)
    allowed = 0.0 if need >= 1.0 else 2.0 * (1.0 - need) * counted + 1.0
    out: NDArray[np.bool_] = (counted < len(together) // 4) | (missed <= allowed)
    return out


def _is_number(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def _as_float(values: pd.Series) -> Floats:
    if pd.api.types.is_datetime64_any_dtype(values):
        stamps = values.to_numpy(dtype="datetime64[ns]")
        out = stamps.astype(np.int64).astype(float)
        out[np.isnat(stamps)] = np.nan
        return out
    return values.to_numpy(dtype=float)


def _bounds(name: str, x: Floats) -> Bounds:
    integer = bool(np.all(x == np.round(x)))
    decimals = None if integer else _decimals(x)
    distinct = np.unique(x)
    step = None
    if integer and len(distinct) > 2:
        gaps = np.diff(distinct).astype(np.int64)
        common = int(np.gcd.reduce(gaps))
        step = float(common) if common > 1 else None
    return Bounds(Evidence(len(x), 1.0), name, bool(x.min() >= 0), integer, step, decimals)


def _decimals(x: Floats, most: int = 6) -> int | None:
    for d in range(1, most + 1):
        if np.allclose(x, np.round(x, d), rtol=0, atol=10.0 ** (-d - 3)):
            return d
    return None


def _determines(a: Codes, b: Codes, need: float) -> bool:
    """On the sample: rows whose ``b`` is their ``a``'s most frequent ``b`` are >= ``need``."""
    keep = a >= 0
    rows = int(keep.sum())
    if rows < MIN_ROWS:
        return False
    a, b = a[keep], b[keep] + 1  # null b (-1) is a value of its own
    n_a, n_b = int(a.max()) + 1, int(b.max()) + 1
    if n_b < 2 or n_a >= rows / 2:  # constant b, or an a that is nearly a key
        return False
    pairs = np.bincount(a * n_b + b, minlength=n_a * n_b).reshape(n_a, n_b)
    return bool(pairs.max(axis=1).sum() >= need * rows)


def _dependency_share(a: pd.Series, b: pd.Series) -> tuple[float, int]:
    both = a.notna()
    frame = pd.DataFrame({"a": a[both], "b": b[both]})
    counts = frame.groupby(["a", "b"], dropna=False, observed=True).size()
    best = counts.groupby(level=0, observed=True).max()
    rows = int(both.sum())
    return (float(best.sum()) / rows if rows else 0.0), rows


def _fixed_combinations(
    a: str, codes_a: Codes, b: str, codes_b: Codes, least: float = MIN_EXPECTED
) -> FixedCombinations | None:
    both = (codes_a >= 0) & (codes_b >= 0)
    rows = int(both.sum())
    if rows < MIN_ROWS:
        return None
    n_a, n_b = int(codes_a.max()) + 1, int(codes_b.max()) + 1
    table = np.bincount(codes_a[both] * n_b + codes_b[both], minlength=n_a * n_b).reshape(n_a, n_b)
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / rows
    missing = table == 0
    if not (missing & (expected >= least)).any():
        return None
    return FixedCombinations(Evidence(rows, 1.0), (a, b), int((~missing).sum()), int(missing.size))


def _range(x: Floats) -> tuple[float, float]:
    """Smallest and largest present value ((inf, -inf) when none: overlaps nothing)."""
    present = x[~np.isnan(x)]
    if not len(present):
        return np.inf, -np.inf
    return float(present.min()), float(present.max())


def _mostly_ordered(low: Floats, high: Floats, need: float) -> bool:
    """On the screening rows, ``low <= high`` where both are present, on a share >= need.

    Rows where either is missing count for the order: too few present rows let the
    candidate through (the full check decides). Under a tolerance, the screening rows may
    break it twice as often as all rows may (and once more): a random few rows vary.
    """
    both = ~np.isnan(low) & ~np.isnan(high)
    broken = int((low[both] > high[both]).sum())
    if need >= 1.0:
        return broken == 0
    return broken <= 2.0 * (1.0 - need) * len(low) + 1.0


def _inequality(
    a: str,
    b: str,
    low: Floats,
    high: Floats,
    need: float,
    least: float = MIN_SURPRISE,
    time: bool = False,
) -> list[Invariant]:
    both = ~np.isnan(low) & ~np.isnan(high)
    gap = high[both] - low[both]
    share = float((gap >= 0).mean())
    if share < need:
        return []
    chance = _independent_gaps(low[both], high[both])
    if len(gap) * float((chance < 0).mean()) < least:
        return []  # independent columns would keep this order too: no rule, chance
    strict = bool((gap > 0).mean() >= need)
    kept = gap[gap >= 0]
    evidence = Evidence(int(both.sum()), float((gap > 0).mean()) if strict else share)
    lo, hi = (float(f"{v:.10g}") for v in (kept.min(), kept.max()))  # no float noise
    spread = float(chance.max() - chance.min())
    bounded = spread > 0 and (hi - lo) <= BOUNDED_SHARE * spread
    return [Inequality(evidence, a, b, strict, lo, hi, bounded, time)]


def _independent_gaps(low: Floats, high: Floats, rows: int = 5_000) -> Floats:
    """The gaps of the same values paired at random (a fixed seed): what chance gives."""
    rng = np.random.default_rng(0)
    if len(low) > rows:
        pick = rng.choice(len(low), size=rows, replace=False)
        low, high = low[pick], high[pick]
    gaps: Floats = rng.permutation(high) - low
    return gaps


def _rounding(x: Floats) -> float:
    present = x[~np.isnan(x)]
    decimals = 0 if np.all(present == np.round(present)) else (_decimals(present) or 6)
    return 0.5 * 10.0**-decimals + 1e-9 * float(np.abs(present).max(initial=0.0))


def _sums_to(total: Floats, parts: list[Floats], need: float) -> bool:
    share, rows = _sum_share(total, parts)
    return rows >= MIN_ROWS and share >= need


def _sum_share(total: Floats, parts: list[Floats]) -> tuple[float, int]:
    together = np.sum(parts, axis=0)
    both = ~np.isnan(total) & ~np.isnan(together)
    if not both.any() or not np.any(total[both] != 0):
        return 0.0, int(both.sum())
    if any(np.all(p[both] == 0) for p in parts):  # a part that is always 0 is no part
        return 0.0, int(both.sum())
    ok = np.abs(total[both] - together[both]) <= _rounding(total)
    return float(ok.mean()), int(both.sum())
