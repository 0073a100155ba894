"""The Gaussian latent space of the copula: correlations, conditional and stratified draws.

Pure numpy: ``nearest_correlation`` repairs an estimated correlation matrix into a valid
one; ``conditional_normal`` fixes some dimensions of standard-normal rows and draws the
others from the exact conditional Gaussian; ``stratify`` turns each dimension's draws
into one draw per equal-probability stratum, keeping their ranks.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from scipy.special import ndtri

from syndata.models.arrays import Floats

EPS = 1e-9  # how close to 0 or 1 a probability may come before its normal quantile


def clip_probability(u: Floats) -> Floats:
    """Probabilities kept inside ``[EPS, 1 - EPS]`` (their normal quantiles stay finite)."""
    return np.clip(u, EPS, 1 - EPS)


def stratify(zt: Floats, rng: np.random.Generator) -> Floats:
    """Each row of ``zt`` (a latent dimension) as one draw per stratum, ranks kept."""
    n = zt.shape[1]
    ranks = np.argsort(np.argsort(zt, axis=1), axis=1)
    u = (ranks + rng.random(zt.shape)) / n
    return np.asarray(ndtri(clip_probability(u)), dtype=zt.dtype)


def conditional_normal(
    z: Floats, corr: Floats, fixed: Mapping[int, Floats], rng: np.random.Generator
) -> Floats:
    """Rows of ``z`` whose dimensions in ``fixed`` are set and the rest drawn given them."""
    n, d = z.shape
    cond = sorted(fixed)
    free = [i for i in range(d) if i not in fixed]
    zc = np.column_stack([fixed[i] for i in cond])
    out = np.empty_like(z)
    out[:, cond] = zc
    if not free:
        return out
    s_cc = corr[np.ix_(cond, cond)]
    s_fc = corr[np.ix_(free, cond)]
    s_ff = corr[np.ix_(free, free)]
    gain = np.linalg.solve(s_cc + 1e-9 * np.eye(len(cond)), s_fc.T).T
    cov = s_ff - gain @ s_fc.T
    chol = np.linalg.cholesky(nearest_psd(cov))
    out[:, free] = zc @ gain.T + rng.standard_normal((n, len(free))) @ chol.T
    return out


def nearest_psd(m: Floats, floor: float = 1e-9) -> Floats:
    """The symmetric matrix nearest ``m`` with every eigenvalue at least ``floor``."""
    m = (m + m.T) / 2
    vals, vecs = np.linalg.eigh(m)
    out: Floats = (vecs * np.clip(vals, floor, None)) @ vecs.T
    return out


def nearest_correlation(corr: Floats) -> Floats:
    """A valid correlation matrix near ``corr`` (NaN as 0, unit diagonal, positive definite)."""
    corr = np.nan_to_num(corr, nan=0.0)
    np.fill_diagonal(corr, 1.0)
    fixed = nearest_psd(corr, 1e-6)
    d = np.sqrt(np.diag(fixed))
    out = fixed / np.outer(d, d)
    np.fill_diagonal(out, 1.0)
    return out


def sorted_quantiles(ordered: Floats, probs: Floats) -> Floats:
    """Quantiles (linear interpolation, as numpy's default) of already sorted values."""
    pos = probs * (len(ordered) - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, len(ordered) - 1)
    out: Floats = ordered[lo] + (pos - lo) * (ordered[hi] - ordered[lo])
    return out
