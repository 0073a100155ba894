"""Parametric marginals: the scipy family closest to a column's values.

The copula's ``marginals="parametric"`` fits each numeric column with the best of a few
families (normal, uniform, truncated normal, gamma, beta) by the Kolmogorov-Smirnov
statistic, on at most 5,000 values.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from scipy import stats


class FrozenDistribution(Protocol):
    """What the copula uses of a frozen scipy distribution."""

    def cdf(self, x: npt.ArrayLike) -> npt.ArrayLike:
        """The cumulative probability of ``x``."""

    def ppf(self, q: npt.ArrayLike) -> npt.ArrayLike:
        """The quantile of probability ``q``."""


FAMILIES = ("norm", "uniform", "truncnorm", "gamma", "beta")
MAX_FIT_VALUES = 5000


def best_family(x: npt.NDArray[np.float64], lo: float, hi: float) -> FrozenDistribution | None:
    """The frozen scipy distribution (of ``FAMILIES``) closest to ``x``, or None.

    Returns scipy's frozen distribution (``cdf`` and ``ppf`` are used).
    """
    sample = (
        x
        if len(x) <= MAX_FIT_VALUES
        else np.random.default_rng(0).choice(x, MAX_FIT_VALUES, replace=False)
    )
    best, best_stat = None, np.inf
    width = max(hi - lo, 1e-12)
    for family in FAMILIES:
        try:
            dist = _fit(family, sample, lo, hi, width)
            stat = stats.kstest(sample, dist.cdf).statistic
        except (ValueError, RuntimeError, FloatingPointError):
            continue
        if np.isfinite(stat) and stat < best_stat:
            best, best_stat = dist, stat
    return best


def _fit(family: str, sample: npt.NDArray[np.float64], lo: float, hi: float, width: float) -> Any:
    if family == "norm":
        return stats.norm(*stats.norm.fit(sample))
    if family == "uniform":
        return stats.uniform(lo, width)
    if family == "truncnorm":
        mu, sd = sample.mean(), max(sample.std(), 1e-12)
        return stats.truncnorm((lo - mu) / sd, (hi - mu) / sd, loc=mu, scale=sd)
    if family == "gamma":
        a, loc, scale = stats.gamma.fit(sample, floc=lo - 1e-9 * width)
        return stats.gamma(a, loc, scale)
    a, b, loc, scale = stats.beta.fit(sample, floc=lo - 1e-9 * width, fscale=width * (1 + 2e-9))
    return stats.beta(a, b, loc, scale)
