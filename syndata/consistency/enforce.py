"""Keep the invariants of the real rows in every sampled row, by construction.

``Enforcer.fit(frame, metadata, invariants)`` decides, for the modelled columns of a
table (rare values already pooled), how each rule is built into what the model learns:

* categorical columns tied by allowed combinations or a functional dependency become
  one joint category (``syndata.consistency.joint``): only real combinations are drawn;
* ``high >= low`` (or ``>``) with bounded gaps (a stay of 1 to 14 nights): ``high`` is
  learned as the gap ``high - low`` (a datetime gap as the epoch plus the gap, so it
  stays a datetime), which the model keeps inside its observed bounds; sampling adds it
  back to ``low``. Each column takes at most one such parent and the parents form a
  forest, tightest gaps first. An order without bounds is kept by redrawing: measured
  on real tables, learning such a gap costs the high column's shape more than redrawing
  the few rows a model puts out of order;
* ``total = a + b (+ c)``: the total is not learned; it is the sum of the sampled parts;
* a whole-number column in fixed steps is snapped to its grid.

``forward`` turns the real rows into the model's frame, ``model_conditions`` translates
conditions on the original columns (a condition on a member picks, per row, a joint
category that agrees with it; on a gap's high side with its low side given, the gap),
``inverse`` turns the model's rows back. An unbounded order outside the forest that a
row breaks is ``settle``d by swapping the pair's two values (measured on real tables,
this keeps both columns' shapes better than redrawing). Whatever construction cannot
promise (null implications, untied combinations, ...) ``broken`` finds and the model
redraws (a bounded number of rounds), and ``repair`` settles the rest: a gap clipped to
its bounds, nulls made to agree, a sum re-derived, a combination replaced by a real one.
Conditions always win: a conditioned value is never changed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from syndata.consistency.check import (
    Checker,
    dependents,
    inequality_violations,
    numbers,
    step_offset,
)
from syndata.consistency.discover import discover
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
from syndata.consistency.joint import MAX_COMBINATIONS, JointGroup
from syndata.consistency.ordering import REMAP_ROWS, Ranks, project, remapped
from syndata.graph import stable_order
from syndata.metadata import TableMetadata
from syndata.privacy.disclosure import POOLED

Mask = NDArray[np.bool_]
Floats = NDArray[np.float64]
EPOCH = pd.Timestamp("1970-01-01")
CATEGORY_KINDS = ("categorical", "boolean")
REPAIR_PASSES = 4
ROWS_PER_COMBINATION = 10  # a joint category needs this many rows per combination
PROBE_ROWS = 20_000  # rows the size of a joint category is judged on


@dataclass
class Gap:
    """``high`` learned as ``high - low``; ``time``: both are datetimes; ``order``: the rule."""

    low: str
    high: str
    time: bool
    order: Inequality


@dataclass
class Step:
    """A whole-number column on the grid ``offset + k * step`` inside [lo, hi]."""

    column: str
    step: float
    offset: float
    lo: float
    hi: float


@dataclass
class Enforcer:
    """How one table's invariants are kept; see the module docstring."""

    invariants: list[Invariant]
    groups: list[JointGroup] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)  # parents before children
    sums: list[Sum] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    repairs: dict[Invariant, JointGroup] = field(default_factory=dict)
    decimals: dict[str, int] = field(default_factory=dict)
    derived: list[tuple[str, str, pd.Series]] = field(
        default_factory=list
    )  # column -> decimals it is written with
    checker: Checker | None = None
    ranks: dict[str, Ranks] = field(default_factory=dict)  # of ordered columns (ordering.py)
    constructed: bool = True  # False: nothing built into the model; every rule is checked

    # ------------------------------------------------------------------ fit

    @classmethod
    def fit(
        cls,
        frame: pd.DataFrame,
        metadata: TableMetadata,
        declared: Sequence[Invariant] = (),
        conditioned: Sequence[str] = (),
        real: pd.DataFrame | None = None,
        join: bool = True,
        construct: bool = True,
    ) -> Enforcer | None:
        """The enforcement of the invariants of ``real`` and the ``declared`` ones.

        ``frame`` is what the model learns (rare values pooled), ``real`` the same rows
        before pooling (default ``frame``): rules are found on the real values, so that a
        rare code's dependent still follows it once the code is drawn among frequent ones.
        ``conditioned`` names columns every sample conditions on (a parent table's
        context): a rule among them alone is kept by whoever gives their values.
        ``join=False`` keeps categorical columns apart unless one holds pooled rare values
        (a model that draws from real rows, as CART's leaves do, keeps combinations
        nearly always and redrawing settles the rest without coarsening what it learns;
        a pooled value, though, is only drawn consistently through its combinations).
        ``construct=False`` changes nothing the model learns (a plug-in model's columns
        stay as they are): every rule is checked, broken rows redrawn, then repaired.
        """
        columns = set(frame.columns)
        given = set(conditioned)
        found = [
            i
            for i in discover(frame if real is None else real)
            if not isinstance(i, Unique) and not set(i.columns()) <= given
        ]
        known = set(found)
        found += [i for i in declared if i not in known and set(i.columns()) <= columns]
        if not found:
            return None
        enforcer = cls(found, constructed=construct)
        kinds = {c: metadata.columns[c].kind for c in frame.columns}
        if construct:
            enforcer._joint(frame, kinds, join)
            enforcer._derive(frame)
            enforcer._sums(frame, kinds)
            enforcer._gaps(frame, kinds)
            enforcer._steps(frame)
            enforcer._ranks(frame)
        else:
            enforcer._fallbacks(frame)
        enforcer.checker = Checker(found, frame)
        return enforcer

    @classmethod
    def declared(cls, invariants: Sequence[Invariant]) -> Enforcer:
        """Checks and repairs of declared rules alone (rows a config's rules generated).

        Without real rows a dependency is a function within the generated rows (the value
        drawn first for a determinant decides), and combinations are not judged.
        """
        kept = [i for i in invariants if not isinstance(i, FixedCombinations | Unique)]
        return cls(kept, constructed=False, checker=Checker(kept))

    def _joint(self, frame: pd.DataFrame, kinds: Mapping[str, str], join: bool) -> None:
        """Join tied categorical columns, strongest ties first, while each joint is learnable.

        Dependencies come first (a code and its name), then allowed combinations, fewest
        allowed first. Two groups merge only while their joint category keeps at least
        ``ROWS_PER_COMBINATION`` rows per combination on average: a joint of nearly one
        combination per row would teach a model nothing (its ties are then redrawn).
        """
        tied = [
            i
            for i in self.invariants
            if isinstance(i, FixedCombinations | FunctionalDependency)
            and all(kinds.get(c) in CATEGORY_KINDS for c in i.columns())
        ]
        tied.sort(key=_tie_strength)
        probe = frame.sample(PROBE_ROWS, random_state=0) if len(frame) > PROBE_ROWS else frame
        most = min(MAX_COMBINATIONS, max(len(probe) // ROWS_PER_COMBINATION, 2))
        named = {c for inv in tied for c in inv.columns()}
        codes = {c: pd.factorize(probe[c], use_na_sentinel=False)[0] for c in named}
        group_of: dict[str, frozenset[str]] = {}
        for inv in tied:
            merged = frozenset().union(*(group_of.get(c, frozenset({c})) for c in inv.columns()))
            if len(merged) > 1 and all(group_of.get(c) == merged for c in merged):
                continue  # already together
            if _distinct([codes[c] for c in sorted(merged)]) > most:
                continue
            for c in merged:
                group_of[c] = merged
        order = list(frame.columns)
        for cols_set in dict.fromkeys(group_of.values()):
            cols = sorted(cols_set, key=lambda c: (kinds[c] != "categorical", order.index(c)))
            if not join and not any((frame[c] == POOLED).any() for c in cols):
                continue
            group = JointGroup.fit(frame, cols)
            if group is not None:
                self.groups.append(group)
        self._fallbacks(frame)

    def _derive(self, frame: pd.DataFrame) -> None:
        """A dependency no joint category covers: its dependent drawn from its determinant.

        The mapping holds each frequent determinant value's dependent (pooled rare values
        are left to the model and then to redrawing); chains follow the table's order.
        """
        joined = {c for g in self.groups for c in g.columns}
        taken: set[str] = set()
        for inv in self.invariants:
            if not isinstance(inv, FunctionalDependency):
                continue
            a, b = inv.determinant, inv.dependent
            if b in joined or b in taken or a in taken:
                continue
            mapping = dependents(frame, a, b)
            mapping = mapping[[not (isinstance(k, str) and k == POOLED) for k in mapping.index]]
            if len(mapping):
                self.derived.append((a, b, mapping))
                taken.add(b)

    def _fallbacks(self, frame: pd.DataFrame) -> None:
        """Real combinations to repair the tied columns no joint category covers."""
        for inv in self.invariants:
            if not isinstance(inv, FixedCombinations | FunctionalDependency):
                continue
            if not any(set(inv.columns()) <= set(g.columns) for g in self.groups):
                fallback = JointGroup.fit(frame, list(inv.columns()))
                if fallback is not None:
                    self.repairs[inv] = fallback

    def _sums(self, frame: pd.DataFrame, kinds: Mapping[str, str]) -> None:
        totals: set[str] = set()
        parts: set[str] = set()
        for inv in self.invariants:
            if not isinstance(inv, Sum):
                continue
            cols = inv.columns()
            if any(kinds.get(c) != "numerical" for c in cols):
                continue
            if inv.total in parts or inv.total in totals or totals & set(inv.parts):
                continue
            self.sums.append(inv)
            totals.add(inv.total)
            parts.update(inv.parts)

    def _gaps(self, frame: pd.DataFrame, kinds: Mapping[str, str]) -> None:
        derived = {s.total for s in self.sums}
        orders = [
            i
            for i in self.invariants
            if isinstance(i, Inequality)
            and not {i.low, i.high} & derived
            and _gap_kind(frame, kinds, i.low, i.high) is not None
            and i.bounded
            and not (frame[i.high].notna() & frame[i.low].isna()).any()
        ]
        orders.sort(key=lambda i: (i.gap_max - i.gap_min) / _scale(frame[i.high]))
        low_of: dict[str, str] = {}
        order_of: dict[str, Inequality] = {}
        for inv in orders:
            if inv.high in low_of or _ancestor(inv.high, inv.low, low_of):
                continue
            low_of[inv.high] = inv.low
            order_of[inv.high] = inv
        graph = {high: [low] for high, low in low_of.items()}
        for high in stable_order(list(frame.columns), graph):
            if high in low_of:
                low = low_of[high]
                time = _gap_kind(frame, kinds, low, high) == "time"
                self.gaps.append(Gap(low, high, time, order_of[high]))

    def _steps(self, frame: pd.DataFrame) -> None:
        for inv in self.invariants:
            if isinstance(inv, Bounds) and (inv.integer or inv.decimals is not None):
                self.decimals[inv.column] = 0 if inv.integer else int(inv.decimals or 0)
            if isinstance(inv, Bounds) and inv.integer and inv.step:
                x = pd.to_numeric(frame[inv.column], errors="coerce").dropna()
                if len(x):
                    step = Step(
                        inv.column,
                        inv.step,
                        step_offset(x, inv.step),
                        float(x.min()),
                        float(x.max()),
                    )
                    self.steps.append(step)

    def _ranks(self, frame: pd.DataFrame) -> None:
        """The ranks of the columns of unbounded orders, and of numbers learned as gaps."""
        columns = [c for inv in self._unbounded() for c in (inv.low, inv.high)]
        columns += [g.high for g in self.gaps if not g.time]
        for c in dict.fromkeys(columns):
            ranks = Ranks.of(frame[c])
            if ranks is not None:
                self.ranks[c] = ranks

    def _unbounded(self) -> list[Inequality]:
        """The orders no gap builds in (settled after sampling)."""
        forest = {(g.low, g.high) for g in self.gaps}
        return [
            i
            for i in self.invariants
            if isinstance(i, Inequality) and not i.bounded and (i.low, i.high) not in forest
        ]

    # ------------------------------------------------------------------ model side

    def forward(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The model's frame of real rows: joint categories, gaps, no derived totals."""
        out = frame.copy()
        for gap in self.gaps:  # from the original values: every low is still real
            out[gap.high] = _gap_of(frame[gap.low], frame[gap.high], gap.time)
        for group in self.groups:
            codes = group.encode(frame)
            codes[codes < 0] = int(np.argmax(group.weights))  # a combination the fit never saw
            out[group.carrier] = codes
        dropped = {c for g in self.groups for c in g.columns[1:]} | {s.total for s in self.sums}
        return out.drop(columns=[c for c in out.columns if c in dropped])

    def model_conditions(
        self, given: Mapping[str, Any], n: int, rng: np.random.Generator
    ) -> dict[str, Any]:
        """Conditions on the original columns as conditions on the model's columns."""
        out = dict(given)
        for group in self.groups:
            on = [c for c in group.columns if c in given]
            if on:
                rows = {c: _per_row(given[c], n) for c in on}
                for c in on:
                    out.pop(c)
                out[group.carrier] = group.condition(rows, n, rng)
        for gap in self.gaps:
            if gap.high in given:
                out.pop(gap.high)
                if gap.low in given:
                    low = pd.Series(_per_row(given[gap.low], n))
                    high = pd.Series(_per_row(given[gap.high], n))
                    out[gap.high] = _gap_of(low, high, gap.time).tolist()
        for total in self.sums:
            out.pop(total.total, None)
        return out

    def inverse(self, frame: pd.DataFrame, given: Mapping[str, Any]) -> pd.DataFrame:
        """The model's rows as rows of the original columns (conditions kept as given)."""
        n = len(frame)
        for group in self.groups:
            codes = _codes(frame[group.carrier])
            for c, values in group.decode(codes).items():
                frame[c] = values
        for c in (c for g in self.groups for c in g.columns if c in given):
            frame[c] = _per_row(given[c], n)
        for determinant, dependent, mapping in self.derived:
            if dependent not in given:
                drawn = frame[determinant].astype(object).map(mapping)
                frame[dependent] = drawn.where(drawn.notna(), frame[dependent].astype(object))
        for gap in self.gaps:
            if gap.high in given and gap.low not in given:
                high = pd.Series(_per_row(given[gap.high], n), index=frame.index)
                frame[gap.low] = _minus(high, frame[gap.high], gap.time)
                frame[gap.high] = high
            else:
                frame[gap.high] = _plus(frame[gap.low], frame[gap.high], gap.time)
                if gap.high in given:
                    frame[gap.high] = _per_row(given[gap.high], n)
                elif gap.high in self.ranks and n >= REMAP_ROWS:
                    frame[gap.high] = remapped(
                        frame[gap.low],
                        frame[gap.high],
                        gap.order,
                        self.ranks[gap.high],
                        self.decimals.get(gap.high),
                    )
        for step in self.steps:
            if step.column not in given:
                frame[step.column] = _snap(frame[step.column], step)
        for total in self.sums:
            if total.total in given:
                frame = _scale_parts(frame, total, _per_row(given[total.total], n), self.decimals)
            else:
                frame[total.total] = _sum_of(frame, total)
        return frame

    def numeric_columns(self) -> list[str]:
        """The columns of rules about numbers (cast before checking, as they are written)."""
        out: list[str] = []
        for inv in self.invariants:
            if isinstance(inv, Inequality | Sum | Bounds):
                out.extend(c for c in inv.columns() if c not in out)
        return out

    def members(self, column: str) -> set[Any] | None:
        """The values a condition on a joined column may take (None: not joined)."""
        for group in self.groups:
            if column in group.columns:
                return group.members(column)
        return None

    # ------------------------------------------------------------------ checking

    def broken(self, frame: pd.DataFrame, given: Mapping[str, Any]) -> Mask:
        """Rows that break an invariant (without conditions, of those construction leaves)."""
        assert self.checker is not None
        return self.checker.broken(frame, None if given else self.watched)

    @property
    def watched(self) -> list[Invariant]:
        """The invariants unconditioned rows may break: not those kept by construction.

        Joint categories keep their combinations and dependencies; the encoders keep every
        learned number inside its range, rounded and on its grid; a gap inside its bounds;
        a derived total equal to its parts. Conditions and repairs can change any of it,
        so conditioned rows are checked against every invariant; ``settle`` can move the
        columns of unbounded orders, so every rule on those is checked too.
        """
        if not self.constructed:
            return list(self.invariants)
        derived = {g.high for g in self.gaps} | {t.total for t in self.sums}
        settled = {c for order in self._unbounded() for c in order.columns()}
        return [i for i in self.invariants if not self._kept_by_construction(i, derived, settled)]

    @property
    def kept_by_construction(self) -> bool:
        """Unconditioned rows keep every rule as sampled: nothing to check or settle."""
        return self.constructed and not self.watched and not self._unbounded()

    def _kept_by_construction(self, inv: Invariant, derived: set[str], settled: set[str]) -> bool:
        """``derived``: columns computed from others; ``settled``: those ``settle`` moves."""
        if isinstance(inv, FixedCombinations | FunctionalDependency):
            return any(set(inv.columns()) <= set(g.columns) for g in self.groups)
        if set(inv.columns()) & settled:
            return False
        if isinstance(inv, Bounds):
            return inv.column not in derived
        if isinstance(inv, Inequality):
            return any((g.low, g.high) == (inv.low, inv.high) for g in self.gaps)
        return isinstance(inv, Sum) and inv in self.sums

    def settle(self, frame: pd.DataFrame, given: Mapping[str, Any]) -> pd.DataFrame:
        """Settle each row an unbounded order outside the forest breaks, keeping shapes.

        Two columns of one scale (their middle halves overlap, the same kind of number:
        check-in and check-out) swap the row's two values: both columns keep their
        values' spread. Columns of different scales (a count and an amount) are projected
        to the nearest order in ranks (``ordering.project``). A row this breaks another
        rule in is caught by the check after it.
        """
        shapes = {b.column: _shape(b) for b in self.invariants if isinstance(b, Bounds)}
        for inv in self._unbounded():
            if {inv.low, inv.high} & set(given) or not {inv.low, inv.high} <= set(frame):
                continue
            low_ranks, high_ranks = self.ranks.get(inv.low), self.ranks.get(inv.high)
            if low_ranks is None or high_ranks is None or not low_ranks.overlaps(high_ranks):
                project(frame, inv, self.ranks, self.decimals)
                continue
            if shapes.get(inv.low) != shapes.get(inv.high):
                continue  # a value of one column would not be a value of the other
            bad = inequality_violations(frame, inv)
            if bad.any() and frame[inv.low].dtype == frame[inv.high].dtype:
                low, high = frame[inv.low].copy(), frame[inv.high].copy()
                frame.loc[bad, inv.low] = high[bad]
                frame.loc[bad, inv.high] = low[bad]
        for total in self.sums:  # a projected part moves its total with it
            if total.total not in given:
                frame[total.total] = _sum_of(frame, total)
        return frame

    def repair(
        self, frame: pd.DataFrame, rng: np.random.Generator, given: Mapping[str, Any]
    ) -> pd.DataFrame:
        """Settle the rows still broken after redrawing (never a conditioned column).

        One repair can break another rule (a total re-derived below a part's order), so
        the repairs run up to ``REPAIR_PASSES`` times, until no rule is broken.
        """
        assert self.checker is not None
        for _ in range(REPAIR_PASSES):
            settled = True
            for inv in self.invariants:
                fixed = set(inv.columns()) & set(given)
                if fixed and not _determinant_free(inv, fixed):
                    continue
                bad = self.checker.violations(frame, inv)
                if not bad.any():
                    continue
                settled = False
                if fixed:  # a parent's value given: the child's determinant follows it
                    assert isinstance(inv, FunctionalDependency)
                    self._repair_determinant(frame, inv, bad, rng)
                else:
                    self._repair(frame, inv, bad, rng)
            if settled:
                break
        return frame

    def _repair(
        self, frame: pd.DataFrame, inv: Invariant, bad: Mask, rng: np.random.Generator
    ) -> None:
        if isinstance(inv, Inequality):
            frame[inv.high] = _clip_gap(frame[inv.low], frame[inv.high], inv, bad)
        elif isinstance(inv, Sum):
            frame.loc[bad, inv.total] = _sum_of(frame, inv)[bad]
        elif isinstance(inv, NullTogether):
            for c in (inv.first, inv.second):
                column = frame[c].astype(object)
                column[bad] = None
                frame[c] = column
        elif isinstance(inv, Bounds):
            frame[inv.column] = _fix_bounds(frame[inv.column], inv, bad)
        elif isinstance(inv, OneHot):
            _one_hot(frame, inv, bad)
        elif isinstance(inv, FunctionalDependency) and inv not in self.repairs:
            mapping = dependents(frame, inv.determinant, inv.dependent)
            column = frame[inv.dependent].astype(object)
            column[bad] = frame[inv.determinant][bad].map(mapping).to_numpy(dtype=object)
            frame[inv.dependent] = column
        elif inv in self.repairs:
            group = self.repairs[inv]
            picks = rng.choice(len(group.weights), size=int(bad.sum()), p=group.weights)
            for c, values in group.decode(picks).items():
                column = frame[c].astype(object)
                column[bad] = values
                frame[c] = column

    def _repair_determinant(
        self, frame: pd.DataFrame, inv: FunctionalDependency, bad: Mask, rng: np.random.Generator
    ) -> None:
        """Broken rows take a determinant value that goes with their given dependent.

        (A survey's sex given its species' taxon: a value the real rows pair with that
        taxon, drawn among them; with none, no value, which no dependency judges.)
        """
        assert self.checker is not None
        mapping = self.checker.mapping(inv)
        by_dependent: dict[object, list[object]] = {}
        for determinant, dependent in mapping.items():
            by_dependent.setdefault(dependent, []).append(determinant)
        column = frame[inv.determinant].astype(object).to_numpy(copy=True)
        wanted = frame[inv.dependent].astype(object).to_numpy()
        for row in np.flatnonzero(bad):
            choices = by_dependent.get(wanted[row], [])
            column[row] = choices[int(rng.integers(len(choices)))] if choices else None
        frame[inv.determinant] = pd.Series(column, index=frame.index)

    def fill(self, frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
        """The last resort for unconditioned rows no repair settles: another sampled row.

        Each still broken row becomes a copy of a row of the same batch that keeps every
        rule (a synthetic row, so nothing real is copied); without one, rows stay as
        they are.
        """
        assert self.checker is not None
        bad = self.checker.broken(frame)
        good = np.flatnonzero(~bad)
        rows = np.flatnonzero(bad)
        if not len(rows) or not len(good):
            return frame
        picks = good[rng.integers(0, len(good), len(rows))]
        filled = frame.iloc[picks].copy()
        filled.index = frame.index[rows]
        frame.iloc[rows] = filled
        return frame


def _determinant_free(inv: Invariant, fixed: set[str]) -> bool:
    """A dependency whose dependent alone is given (a parent's column, say)."""
    return isinstance(inv, FunctionalDependency) and fixed == {inv.dependent}


def _distinct(codes: Sequence[NDArray[np.int64]]) -> int:
    """The number of distinct rows of the columns' codes."""
    combined = codes[0]
    for more in codes[1:]:
        combined = pd.factorize(combined * (int(more.max(initial=0)) + 1) + more)[0]
    return len(np.unique(combined))


def _tie_strength(inv: Invariant) -> tuple[int, float]:
    """Dependencies first, then combinations by the share of them that may occur."""
    if isinstance(inv, FunctionalDependency):
        return (0, 0.0)
    assert isinstance(inv, FixedCombinations)
    return (1, inv.combinations / max(inv.possible, 1))


def _shape(bounds: Bounds) -> tuple[object, ...]:
    return (bounds.non_negative, bounds.integer, bounds.step, bounds.decimals)


def _gap_kind(frame: pd.DataFrame, kinds: Mapping[str, str], low: str, high: str) -> str | None:
    if kinds.get(low) == kinds.get(high) == "datetime":
        both = frame[low].dtype, frame[high].dtype
        if all(pd.api.types.is_datetime64_any_dtype(d) for d in both):
            return "time"
    if kinds.get(high) == "numerical" and _numeric_low(frame, kinds, low):
        ints = [pd.api.types.is_integer_dtype(frame[c]) or _whole(frame[c]) for c in (low, high)]
        if ints[0] or not ints[1]:  # a whole high above a fractional low would not stay whole
            return "number"
    return None


def _numeric_low(frame: pd.DataFrame, kinds: Mapping[str, str], low: str) -> bool:
    """A gap's low side: a number, or a category of few numbers (a count of 0 to 12)."""
    if kinds.get(low) == "numerical":
        return True
    values = frame[low]
    return kinds.get(low) == "categorical" and pd.api.types.is_numeric_dtype(values)


def _whole(values: pd.Series) -> bool:
    x = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    return bool(np.all(x == np.round(x)))


def _scale(values: pd.Series) -> float:
    if pd.api.types.is_datetime64_any_dtype(values):
        return 1.0
    x = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    spread = float(x.max() - x.min()) if len(x) else 0.0
    return spread or 1.0


def _ancestor(node: str, start: str, low_of: Mapping[str, str]) -> bool:
    """``node`` is ``start`` or among its lows (adding start -> node would close a cycle)."""
    seen = start
    while True:
        if seen == node:
            return True
        if seen not in low_of:
            return False
        seen = low_of[seen]


def _gap_of(low: pd.Series, high: pd.Series, time: bool) -> pd.Series:
    if time:
        delta = _naive(high) - _naive(low)
        return EPOCH + delta
    return high - low


def _plus(low: pd.Series, gap: pd.Series, time: bool) -> pd.Series:
    if time:
        delta = pd.to_datetime(gap) - EPOCH
        return low + delta.to_numpy()
    return pd.to_numeric(low) + pd.to_numeric(gap)


def _minus(high: pd.Series, gap: pd.Series, time: bool) -> pd.Series:
    if time:
        delta = pd.to_datetime(gap) - EPOCH
        return pd.to_datetime(high) - delta.to_numpy()
    return pd.to_numeric(high) - pd.to_numeric(gap)


def _naive(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(values)
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    return stamps


def _per_row(value: Any, n: int) -> list[Any]:
    if isinstance(value, list | tuple | np.ndarray | pd.Series):
        return list(value)
    return [value] * n


def _codes(carrier: pd.Series) -> NDArray[np.int64]:
    """A joint category's index column as integers (a model may give it as categories)."""
    if isinstance(carrier.dtype, pd.CategoricalDtype):
        categories = carrier.cat.categories.to_numpy()
        if pd.api.types.is_integer_dtype(categories.dtype):
            out: NDArray[np.int64] = categories[carrier.cat.codes.to_numpy()].astype(np.int64)
            return out
    if pd.api.types.is_integer_dtype(carrier.dtype):
        return carrier.to_numpy(dtype=np.int64)
    return pd.to_numeric(carrier.astype(object)).to_numpy(dtype=np.int64)


def _snap(values: pd.Series, step: Step) -> pd.Series:
    x = numbers(values)
    snapped = step.offset + np.round((x - step.offset) / step.step) * step.step
    lo = step.offset + np.ceil((step.lo - step.offset) / step.step) * step.step
    hi = step.offset + np.floor((step.hi - step.offset) / step.step) * step.step
    return pd.Series(np.clip(snapped, lo, hi), index=values.index)


def _sum_of(frame: pd.DataFrame, inv: Sum) -> pd.Series:
    parts = [pd.to_numeric(frame[p], errors="coerce") for p in inv.parts]
    total = parts[0].fillna(0.0)
    for part in parts[1:]:
        total = total + part.fillna(0.0)
    return total


def _scale_parts(
    frame: pd.DataFrame, inv: Sum, totals: list[Any], decimals: Mapping[str, int]
) -> pd.DataFrame:
    """Parts scaled so that they add up to the conditioned totals (the last takes the rest)."""
    target = pd.to_numeric(pd.Series(totals, index=frame.index), errors="coerce")
    current = _sum_of(frame, inv)
    factor = (target / current.where(current != 0)).fillna(0.0)
    rest = target.copy()
    for p in inv.parts[:-1]:
        scaled = (pd.to_numeric(frame[p]) * factor).round(decimals.get(p, 6))
        frame[p] = scaled
        rest = rest - scaled.fillna(0.0)
    frame[inv.parts[-1]] = rest
    frame[inv.total] = target
    return frame


def _clip_gap(low: pd.Series, high: pd.Series, inv: Inequality, bad: Mask) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(high):
        lo_ns = _naive(low).to_numpy(dtype="datetime64[ns]").astype(np.int64)
        hi_ns = _naive(high).to_numpy(dtype="datetime64[ns]").astype(np.int64)
        floor = inv.gap_min if not inv.strict or inv.gap_min > 0 else 1.0
        ceiling = inv.gap_max if inv.bounded else np.inf
        gap = np.clip(hi_ns - lo_ns, floor, ceiling).astype(np.int64)
        fixed = pd.Series(low.to_numpy(), index=high.index) + pd.to_timedelta(gap, unit="ns")
        out = high.copy()
        out[bad] = fixed[bad]
        return out
    x_lo = pd.to_numeric(low).to_numpy(dtype=float)
    x_hi = pd.to_numeric(high).to_numpy(dtype=float)
    floor = inv.gap_min
    if inv.strict and floor <= 0:
        floor = 1.0 if _whole(high) else 1e-6
    fixed_hi = x_lo + np.clip(x_hi - x_lo, floor, inv.gap_max if inv.bounded else np.inf)
    return pd.Series(np.where(bad, fixed_hi, x_hi), index=high.index)


def _fix_bounds(values: pd.Series, inv: Bounds, bad: Mask) -> pd.Series:
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    fixed = x.copy()
    if inv.non_negative:
        fixed = np.maximum(fixed, 0.0)
    if inv.low is not None or inv.high is not None:
        fixed = np.clip(fixed, inv.low, inv.high)
    if inv.integer:
        fixed = np.round(fixed)
        if inv.step:
            base = inv.low if inv.low is not None else step_offset(values, inv.step)
            fixed = base + np.round((fixed - base) / inv.step) * inv.step
        if inv.positive:
            fixed = np.maximum(fixed, inv.step or 1.0)
    elif inv.decimals is not None:
        fixed = np.round(fixed, inv.decimals)
        if inv.positive:
            fixed = np.maximum(fixed, 10.0**-inv.decimals)
    if inv.positive and not inv.integer and inv.decimals is None:
        fixed = np.where(fixed <= 0, np.nextafter(0.0, 1.0) + np.abs(fixed), fixed)
    return pd.Series(np.where(bad, fixed, x), index=values.index)


def _one_hot(frame: pd.DataFrame, inv: OneHot, bad: Mask) -> None:
    """Broken rows keep their largest column as the 1 (the first on ties), the others 0."""
    values = frame[list(inv.group)].apply(pd.to_numeric, errors="coerce").fillna(0.0)
    winner = values.to_numpy(dtype=float).argmax(axis=1)
    for j, c in enumerate(inv.group):
        column = pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=float).copy()
        column[bad] = (winner[bad] == j).astype(float)
        frame[c] = column


def keep_declared(
    frame: pd.DataFrame, invariants: Sequence[Invariant], rng: np.random.Generator
) -> pd.DataFrame:
    """Rows a config's rules generated, repaired until they keep the declared rules.

    Columns keep their dtype where the repaired values fit it (whole numbers stay
    integers); a row no repair settles becomes a copy of a generated row that keeps them.
    """
    if not invariants or frame.empty:
        return frame
    enforcer = Enforcer.declared(invariants)
    dtypes = frame.dtypes.to_dict()
    out = enforcer.fill(enforcer.repair(frame.copy(), rng, {}), rng)
    named = {c for inv in enforcer.invariants for c in inv.columns()}
    for column in frame.columns:
        if column not in named:  # keys and other columns stay as generated (still unique)
            out[column] = frame[column]
    for name, dtype in dtypes.items():
        if out[name].dtype != dtype:
            with contextlib.suppress(TypeError, ValueError):  # a null an int cannot hold
                out[name] = out[name].astype(dtype)
    return out
