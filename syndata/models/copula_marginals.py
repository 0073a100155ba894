"""The copula's marginals: a numeric column's quantiles, a category's interval of [0, 1]."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import ndtri

from syndata.models.arrays import Codes, Floats
from syndata.models.encoding import CategoryEncoder, NumericEncoder
from syndata.models.latent import EPS, clip_probability


@dataclass
class _Numeric:
    """Marginal of a numeric column: quantile knots (or a frozen scipy distribution)."""

    encoder: NumericEncoder
    knots: Floats
    probs: Floats
    dist: Any = None
    value_dim: int = -1
    null_dim: int = -1
    count: int = 0  # non-null values the marginal was learned from

    def to_uniform(self, x: Floats, rng: np.random.Generator) -> Floats:
        # extremes map to normal scores of the sample size (1/2n), not to z = +-6
        edge = max(EPS, 0.5 / max(self.count, 1))
        if self.dist is not None:
            return np.clip(np.asarray(self.dist.cdf(x), dtype=np.float64), edge, 1 - edge)
        lo = np.interp(x, self.knots, self.probs, left=0.0, right=1.0)
        hi_idx = np.searchsorted(self.knots, x, side="right")
        lo_idx = np.searchsorted(self.knots, x, side="left")
        tied = hi_idx - lo_idx > 1  # a value repeated across several knots: spread its mass
        if tied.any():
            p_lo = self.probs[np.clip(lo_idx[tied], 0, len(self.probs) - 1)]
            p_hi = self.probs[np.clip(hi_idx[tied] - 1, 0, len(self.probs) - 1)]
            lo[tied] = p_lo + rng.random(int(tied.sum())) * (p_hi - p_lo)
        return np.clip(lo, edge, 1 - edge)

    def from_uniform(self, u: Floats) -> Floats:
        if self.dist is not None:
            return np.asarray(self.dist.ppf(u), dtype=np.float64)
        # the knots sit at evenly spaced probabilities: interpolate without a search
        pos = np.clip(u, 0.0, 1.0) * (len(self.knots) - 1)
        i = np.minimum(pos.astype(np.int64), len(self.knots) - 2)
        lo = self.knots[i]
        out: Floats = lo + (pos - i) * (self.knots[i + 1] - lo)
        return out


@dataclass
class _Categorical:
    """Marginal of a categorical column: one interval of [0, 1] per category."""

    encoder: CategoryEncoder
    bounds: Floats  # cumulative frequencies, len = categories + 1
    dim: int = -1

    @classmethod
    def of(cls, encoder: CategoryEncoder, dim: int) -> _Categorical:
        bounds = np.concatenate([[0.0], np.cumsum(encoder.frequencies)])
        bounds[-1] = 1.0
        return cls(encoder, bounds, dim)

    def to_uniform(self, codes: Codes, rng: np.random.Generator) -> Floats:
        lo, hi = self.bounds[codes], self.bounds[codes + 1]
        return clip_probability(lo + rng.random(len(codes)) * (hi - lo))

    def from_latent(self, z: Floats) -> Codes:
        """Codes of latent normal values (the bounds mapped through the normal quantile)."""
        inner = ndtri(self.bounds[1:-1]).astype(z.dtype)
        if len(inner) <= 8:  # few categories: a few comparisons beat a binary search
            codes = np.zeros(len(z), dtype=np.int64)
            for edge in inner:
                codes += z >= edge
            return codes
        return np.searchsorted(inner, z, side="right")
