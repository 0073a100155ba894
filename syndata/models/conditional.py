"""Conditional marginals: a column's distribution given one categorical parent column.

A Gaussian copula ties columns by linear correlation of their normal scores. A category
against a number is then one monotone relation at best: the price of a city cannot be
high in one city, low in the next and high again; a category against a category keeps
only the share its latent ordering can carry. ``ConditionalMarginals`` keeps, for a
column strongly tied to a categorical *parent*, the column's own distribution within
each of the parent's values: its category shares (a table per parent value) or its
quantiles (a grid per parent value). Sampling draws the copula's latents as usual,
decodes the parent, then decodes the child within each parent group: the child's latent
value is standardised by its distribution given the parent's value (exact moments of
the copula: the parent's latent truncated to the value's interval, times their
correlation, plus the rest) and mapped through the group's own distribution. Each row
is decoded on its own (no sort, the same for one row as for a million), and the order
of the child's latents inside a group, so their correlation with the other columns,
is kept.
Parents are never children themselves (a two-level forest), chosen by the strength of
the tie (Cramér's V for two categories, the correlation ratio for a number).

Only groups with at least ``MIN_GROUP_ROWS`` rows get a distribution of their own; the
others keep the column's marginal, so no group's handful of rows is reproduced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr, ndtri

from syndata.models.arrays import Codes, Floats
from syndata.models.latent import sorted_quantiles

MAX_PARENT_VALUES = 64  # a parent with more categories is not used
MIN_GROUP_ROWS = 50  # fewer rows of a parent value: the child keeps its marginal there
MIN_TIE = 0.2  # weakest tie (Cramér's V, or the correlation ratio's root) worth a table
GRID = 513  # quantiles per group of a numeric child (a coarse grid fattens the tails)
Mask = NDArray[np.bool_]


@dataclass
class Child:
    """One child column's distributions per parent value."""

    parent: str
    tie: float
    numeric: bool
    grids: Floats  # numeric: (parent values, GRID) quantiles; categorical: cumulative shares
    own: Mask  # per parent value: True when it has a distribution of its own
    mean: Floats = field(default_factory=lambda: np.zeros(0))  # latent given each value
    std: Floats = field(default_factory=lambda: np.zeros(0))

    def calibrate(self, rho: float, bounds: Floats) -> None:
        """The child's latent mean and spread given each parent value.

        ``rho`` is the latent correlation of child and parent, ``bounds`` the parent's
        cumulative shares: its latent given a value is a standard normal truncated to
        the value's interval, and the child's is ``rho`` times that plus independent
        noise of variance ``1 - rho**2``.
        """
        a = ndtri(np.clip(bounds[:-1], 0.0, 1.0))
        b = ndtri(np.clip(bounds[1:], 0.0, 1.0))
        mass = np.maximum(ndtr(b) - ndtr(a), 1e-300)
        pa, pb = _pdf(a), _pdf(b)
        m = (pa - pb) / mass
        ta = a * pa if np.isfinite(a).all() else np.where(np.isfinite(a), a, 0.0) * pa
        tb = b * pb if np.isfinite(b).all() else np.where(np.isfinite(b), b, 0.0) * pb
        v = np.clip(1.0 + (ta - tb) / mass - m**2, 0.0, 1.0)
        self.mean = rho * m
        self.std = np.sqrt(np.clip(1.0 - rho**2 + rho**2 * v, 1e-6, None))


@dataclass
class ConditionalMarginals:
    """The children of a fitted copula: column name -> its ``Child``."""

    children: dict[str, Child] = field(default_factory=dict)

    @classmethod
    def fit(
        cls,
        parents: dict[str, Codes],
        sizes: dict[str, int],
        numeric: dict[str, Floats],
        categorical: dict[str, tuple[Codes, Floats]],
    ) -> ConditionalMarginals:
        """The children among ``numeric`` and ``categorical`` columns, with their parents.

        ``numeric``: encoded values (NaN = null); ``categorical``: codes and marginal
        shares; ``parents``: codes of the candidate parents, with ``sizes`` categories
        (only parents of at most ``MAX_PARENT_VALUES`` are used). Each child gets its
        strongest parent.
        """
        usable = {p: c for p, c in parents.items() if 2 <= sizes[p] <= MAX_PARENT_VALUES}
        ties: list[tuple[float, str, str]] = []
        for child, values in numeric.items():
            for parent, codes in usable.items():
                if parent != child:
                    ties.append((_ratio(values, codes, sizes[parent]), child, parent))
        for child, (codes_c, _) in categorical.items():
            k = int(codes_c.max()) + 1 if len(codes_c) else 0
            for parent, codes in usable.items():
                if parent != child and k >= 2:
                    ties.append((_cramers_v(codes_c, k, codes, sizes[parent]), child, parent))
        out = cls()
        chosen_parents: set[str] = set()
        for tie, child, parent in sorted(ties, reverse=True):
            if tie < MIN_TIE:
                break
            if child in out.children or child in chosen_parents or parent in out.children:
                continue
            codes = usable[parent]
            if child in numeric:
                grids, own = _numeric_grids(numeric[child], codes, sizes[parent])
                out.children[child] = Child(parent, round(tie, 3), True, grids, own)
            else:
                codes_c, shares = categorical[child]
                grids, own = _category_tables(codes_c, len(shares), shares, codes, sizes[parent])
                out.children[child] = Child(parent, round(tie, 3), False, grids, own)
            chosen_parents.add(parent)
        return out

    def numbers(self, child: str, z: Floats, parent_codes: Codes) -> Floats:
        """A numeric child's encoded values given its latents and its parent's codes.

        NaN marks rows whose parent value has no distribution of its own: the caller
        decodes those through the column's marginal.
        """
        spec = self.children[child]
        rows, p, u = _placed(spec, z, parent_codes)
        out = np.full(len(z), np.nan)
        flat = spec.grids.ravel()  # index a row's grid in place: no per-row copy of it
        pos = u * (GRID - 1)
        i = np.minimum(pos.astype(np.int64), GRID - 2)
        at = p * GRID + i
        out[rows] = flat[at] + (pos - i) * (flat[at + 1] - flat[at])
        return out

    def codes(self, child: str, z: Floats, parent_codes: Codes) -> Codes:
        """A categorical child's codes given its latents and its parent's codes.

        -1 marks rows to decode through the marginal, as NaN does for ``numbers``.
        """
        spec = self.children[child]
        rows, p, u = _placed(spec, z, parent_codes)
        out = np.full(len(z), -1, dtype=np.int64)
        # every parent value's inner cut points in one sorted array, shifted by 2 per
        # parent value: one search finds the category within the row's own table
        inner = spec.grids[:, 1:-1]
        k = inner.shape[1] + 1  # categories
        shifted = (inner + 2.0 * np.arange(len(inner))[:, None]).ravel()
        found = np.searchsorted(shifted, u + 2.0 * p, side="right") - p * (k - 1)
        out[rows] = np.clip(found, 0, k - 1)
        return out

    def describe(self) -> dict[str, dict[str, object]]:
        """Child -> its parent and the tie's strength (no value)."""
        return {c: {"parent": s.parent, "tie": s.tie} for c, s in self.children.items()}


def _placed(spec: Child, z: Floats, parent_codes: Codes) -> tuple[Any, Codes, Floats]:
    """Where each latent sits in its parent value's group (0-1), for the rows that have one.

    Returns those rows (a slice when they are all), their parent values and the places.
    """
    own = spec.own[parent_codes]
    if own.all():
        rows: Any = slice(None)
        p, x = parent_codes, z
    else:
        rows = np.flatnonzero(own)
        p, x = parent_codes[rows], z[rows]
    mean, scale = spec.mean.astype(x.dtype), (1.0 / spec.std).astype(x.dtype)
    u: Floats = ndtr((x - mean[p]) * scale[p])
    return rows, p, u


def _pdf(x: Floats) -> Floats:
    out: Floats = np.where(np.isfinite(x), np.exp(-0.5 * np.square(x)) / np.sqrt(2 * np.pi), 0.0)
    return out


def _ratio(values: Floats, codes: Codes, k: int) -> float:
    """The correlation ratio's root (eta): how much of a number's spread its groups hold."""
    present = ~np.isnan(values)
    if present.sum() < 2 * MIN_GROUP_ROWS:
        return 0.0
    x = values[present]
    ranks = np.argsort(np.argsort(x, kind="stable"), kind="stable").astype(np.float64)
    g = codes[present]
    counts = np.bincount(g, minlength=k).astype(np.float64)
    means = np.bincount(g, weights=ranks, minlength=k) / np.maximum(counts, 1)
    total = ((ranks - ranks.mean()) ** 2).sum()
    between = (counts * (means - ranks.mean()) ** 2).sum()
    return float(np.sqrt(between / total)) if total > 0 else 0.0


def _cramers_v(a: Codes, ka: int, b: Codes, kb: int) -> float:
    n = len(a)
    if n < 2 * MIN_GROUP_ROWS:
        return 0.0
    table = np.bincount(a * kb + b, minlength=ka * kb).reshape(ka, kb).astype(np.float64)
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2 = np.nansum(np.where(expected > 0, (table - expected) ** 2 / expected, 0.0))
    return float(np.sqrt(chi2 / (n * max(min(ka, kb) - 1, 1))))


def _numeric_grids(values: Floats, codes: Codes, k: int) -> tuple[Floats, Mask]:
    grids = np.zeros((k, GRID))
    own = np.zeros(k, dtype=bool)
    probs = np.linspace(0.0, 1.0, GRID)
    for p in range(k):
        x = np.sort(values[(codes == p) & ~np.isnan(values)])
        if len(x) >= MIN_GROUP_ROWS:
            grids[p] = sorted_quantiles(x, probs)
            own[p] = True
    return grids, own


def _category_tables(
    codes: Codes, k: int, shares: Floats, parent: Codes, kp: int
) -> tuple[Floats, Mask]:
    table = np.bincount(parent * k + codes, minlength=kp * k).reshape(kp, k).astype(np.float64)
    rows = table.sum(axis=1)
    own = rows >= MIN_GROUP_ROWS
    # a category a group never shows keeps a sliver of its marginal share (no structural
    # zero is learned from fewer rows than that): one row's worth in the group's total
    smoothed = table + shares[None, :] * 1.0
    cum = np.cumsum(smoothed / smoothed.sum(axis=1, keepdims=True), axis=1)
    cum = np.concatenate([np.zeros((kp, 1)), cum], axis=1)
    cum[:, -1] = 1.0
    return cum, own
