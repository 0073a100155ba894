"""Gaussian copula synthesizer, our own numpy/scipy implementation.

Every modelled column becomes one or two standard-normal latent dimensions (a column
strongly tied to a category also keeps its distribution within each of the category's
values: ``syndata.models.conditional``):

* numbers, datetimes and date strings: the empirical CDF (ties broken at random, so
  discrete columns still map to a normal) — or a fitted parametric family with
  ``marginals="parametric"`` — and, when the column has nulls, a second dimension that
  says whether the value is null, so missingness correlates with the other columns;
* categories and booleans (null is a category): each category owns an interval of
  [0, 1] as wide as its frequency; a value maps to a uniform draw inside its interval.

The correlation of the latent dimensions is the model. Sampling draws correlated
normals and maps them back through the inverse marginals (linear interpolation between
stored quantiles; integers rounded, values kept inside the observed range).
Conditional sampling fixes some columns and draws the others from the conditional
Gaussian, exactly, without rejection.

``fit_batches`` learns the same model from batches (two passes over a Parquet file
larger than memory): exact category counts, quantiles from a uniform reservoir sample,
and the correlation accumulated batch by batch.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any, Self

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri
from threadpoolctl import ThreadpoolController

from syndata.consistency.invariants import Invariant
from syndata.errors import ModelError
from syndata.metadata import ColumnMetadata, TableMetadata
from syndata.models.arrays import Codes, Floats
from syndata.models.base import EMPTY_TABLE, Batches, Synthesizer, rare_pool
from syndata.models.conditional import ConditionalMarginals
from syndata.models.copula_marginals import _Categorical, _Numeric  # (pickles name them here)
from syndata.models.encoding import CategoryEncoder, NumericEncoder
from syndata.models.latent import (
    EPS,
    clip_probability,
    conditional_normal,
    nearest_correlation,
    sorted_quantiles,
    stratify,
)
from syndata.models.parametric import best_family
from syndata.models.reservoir import reservoir_update

MARGINALS = ("empirical", "parametric")


class GaussianCopula(Synthesizer):
    """Gaussian copula over empirical (or parametric) marginals; see the module docstring.

    Parameters
    ----------
    marginals : "empirical" (default) or "parametric" (the best of normal, uniform,
        truncated normal, gamma and beta by the Kolmogorov-Smirnov statistic).
    quantiles : how many quantiles of each numeric column to keep (more = closer shapes).
    reservoir : rows kept to estimate quantiles when fitting from batches.
    stratified : draw each batch's marginals without sampling noise (unconditioned
        samples): each latent dimension keeps the ranks the copula drew, and its values
        become one jittered draw per equal-probability stratum. Small tables then keep
        their column distributions (category shares to one row) instead of suffering the
        noise of a few hundred independent draws; the dependence between columns is
        unchanged.
    conditional : learn conditional marginals (default; ``syndata.models.conditional``):
        a column strongly tied to a categorical column keeps its own distribution within
        each of that column's values (a city's prices, a carrier's airports), which a
        correlation alone cannot carry. On the development tables overall quality rose
        0.902 -> 0.958 on flights and 0.955 -> 0.968 on computers, and the ML efficacy
        gap fell 0.37 -> 0.09 (flights), 0.50 -> 0.11 (diamonds); no development
        table lost more than 0.001.
    """

    model_type = "gaussian_copula"
    builds_in_consistency = True

    def __init__(
        self,
        marginals: str = "empirical",
        quantiles: int = 4000,
        reservoir: int = 500_000,
        stratified: bool = False,
        conditional: bool = True,
    ) -> None:
        self.marginals = marginals
        self.quantiles = quantiles
        self.reservoir = reservoir
        self.stratified = stratified
        self.conditional = conditional

    # ------------------------------------------------------------------ fit

    def _fit(self, data: pd.DataFrame) -> None:
        self._check_marginals()
        self._fit_marginals({c: data[c] for c in data.columns}, counts=None)
        rng = np.random.default_rng(0)
        z = self._to_latent(data, rng, numeric=True, categorical=False)
        self._order_categories(data, z)
        self._to_latent(data, rng, numeric=False, categorical=True, out=z)
        self._set_correlation(z.T @ z, len(z))
        self.conditional_ = self._fit_conditional(data) if self.conditional else None

    def _fit_conditional(self, data: pd.DataFrame) -> ConditionalMarginals | None:
        codes, sizes, numeric, categorical = {}, {}, {}, {}
        for name, marg in self.marginals_.items():
            if isinstance(marg, _Categorical):
                codes[name] = marg.encoder.encode(data[name])
                sizes[name] = len(marg.encoder.categories)
                categorical[name] = (codes[name], marg.encoder.frequencies)
            else:
                numeric[name] = marg.encoder.encode(data[name])
        found = ConditionalMarginals.fit(codes, sizes, numeric, categorical)
        for name, child in found.children.items():
            marg, parent = self.marginals_[name], self.marginals_[child.parent]
            assert isinstance(parent, _Categorical)
            dim = marg.dim if isinstance(marg, _Categorical) else marg.value_dim
            child.calibrate(float(self.correlation_[dim, parent.dim]), parent.bounds)
        return found if found.children else None

    def _check_marginals(self) -> None:
        if self.marginals not in MARGINALS:
            raise ModelError(
                f"marginals must be 'empirical' or 'parametric', got {self.marginals!r}"
            )

    def _fit_marginals(
        self, columns: Mapping[str, pd.Series], counts: Mapping[str, pd.Series] | None
    ) -> None:
        self.marginals_: dict[str, _Numeric | _Categorical] = {}
        dim = 0
        for name, values in columns.items():
            meta = self.metadata_.columns[name]
            if meta.kind in ("categorical", "boolean"):
                enc = (
                    CategoryEncoder.fit(values)
                    if counts is None
                    else CategoryEncoder.from_counts(
                        counts[name].sort_values(ascending=False, kind="stable")
                    )
                )
                self.marginals_[name] = _Categorical.of(enc, dim)
                dim += 1
            else:
                num = self._fit_numeric(meta, values)
                num.value_dim = dim
                dim += 1
                if num.encoder.null_share > 0:
                    num.null_dim = dim
                    dim += 1
                self.marginals_[name] = num
        self.n_dims_ = dim

    def _fit_numeric(self, meta: ColumnMetadata, values: pd.Series) -> _Numeric:
        enc = NumericEncoder.fit(meta, values)
        x = enc.encode(values)
        present = np.sort(x[~np.isnan(x)])
        k = max(2, min(self.quantiles, len(present)))
        probs = np.linspace(0.0, 1.0, k)
        knots = sorted_quantiles(present, probs) if len(present) else np.zeros(k)
        num = _Numeric(enc, knots, probs, count=len(present))
        if self.marginals == "parametric" and not enc.is_time and len(present) > 20:
            num.dist = best_family(present, enc.lo, enc.hi)
        return num

    def _order_categories(self, data: pd.DataFrame, z: Floats) -> None:
        """Order each column's categories along the direction its categories differ most.

        A category's interval of [0, 1] is where it sits on its latent axis. For each
        categorical column, the categories' mean numeric latents are computed and the
        categories are ordered along the first principal axis of those means (weighted
        by frequency): a linear correlation can then carry the relation (loan grades
        along the interest rate, months along the date, species along body size) much
        better than frequency order can.
        """
        numeric = [m for m in self.marginals_.values() if isinstance(m, _Numeric)]
        categorical = [(n, m) for n, m in self.marginals_.items() if isinstance(m, _Categorical)]
        if not numeric or not categorical or len(data) < 3:
            return
        latent = z[:, [m.value_dim for m in numeric]]
        centred = latent - latent.mean(axis=0)
        total = np.maximum((centred**2).sum(axis=0), EPS)
        for name, marg in categorical:
            codes = marg.encoder.encode(data[name])
            k = len(marg.encoder.categories)
            counts = np.bincount(codes, minlength=k).astype(np.float64)
            sums = np.stack(
                [
                    np.bincount(codes, weights=centred[:, j], minlength=k)
                    for j in range(centred.shape[1])
                ],
                axis=1,
            )
            means = sums / np.maximum(counts, 1)[:, None] / np.sqrt(total / len(latent))
            # the direction along which the categories' means differ most (weighted PCA)
            _, _, vt = np.linalg.svd(means * np.sqrt(counts)[:, None], full_matrices=False)
            order = np.argsort(means @ vt[0], kind="stable")
            enc = CategoryEncoder.from_frequencies(
                marg.encoder.categories[order], marg.encoder.frequencies[order]
            )
            self.marginals_[name] = _Categorical.of(enc, marg.dim)

    def _to_latent(
        self,
        data: pd.DataFrame,
        rng: np.random.Generator,
        *,
        numeric: bool = True,
        categorical: bool = True,
        out: Floats | None = None,
    ) -> Floats:
        """The latent normal values of rows (only the kinds asked for are filled in)."""
        z = np.zeros((len(data), self.n_dims_)) if out is None else out
        for name, marg in self.marginals_.items():
            values = data[name]
            if isinstance(marg, _Categorical):
                if categorical:
                    z[:, marg.dim] = ndtri(marg.to_uniform(marg.encoder.encode(values), rng))
                continue
            if not numeric:
                continue
            x = marg.encoder.encode(values)
            null = np.isnan(x)
            u = np.empty(len(x))
            u[~null] = marg.to_uniform(x[~null], rng)
            u[null] = rng.random(int(null.sum()))  # unknown value: independent draw
            z[:, marg.value_dim] = ndtri(clip_probability(u))
            if marg.null_dim >= 0:
                p = marg.encoder.null_share
                cut = 1.0 - p
                un = np.where(null, cut + rng.random(len(x)) * p, rng.random(len(x)) * cut)
                z[:, marg.null_dim] = ndtri(clip_probability(un))
        return z

    def _set_correlation(self, gram: Floats, n: int) -> None:
        cov = gram / max(n, 1)
        std = np.sqrt(np.clip(np.diag(cov), EPS, None))
        corr = cov / np.outer(std, std)
        self.correlation_ = nearest_correlation(corr)
        self.cholesky_ = np.linalg.cholesky(self.correlation_)

    def fit_batches(
        self,
        batches: Batches,
        metadata: TableMetadata | None = None,
        seed: int = 0,
        *,
        constraints: Sequence[Invariant] = (),
        enforce: bool = True,
    ) -> Self:
        """Fit from batches that may not fit in memory together (two passes).

        ``batches()`` must return a fresh iterator over the same rows each time it is
        called (e.g. the row groups of a Parquet file). The invariants are discovered on
        the seeded sample of rows (the reservoir); a joint category's counts are the
        sample's, scaled to the table.
        """
        rng = np.random.default_rng(seed)
        reservoir: pd.DataFrame | None = None
        counts: dict[str, pd.Series] = {}
        seen = 0
        for batch in batches():
            if metadata is None:
                metadata = TableMetadata.detect(batch)
            modelled = [c for c, m in metadata.columns.items() if m.modelled]
            for c in modelled:
                if metadata.columns[c].kind in ("categorical", "boolean"):
                    vc = batch[c].value_counts(dropna=False)
                    counts[c] = vc if c not in counts else counts[c].add(vc, fill_value=0)
            reservoir = reservoir_update(reservoir, batch, seen, self.reservoir, rng)
            seen += len(batch)
        if reservoir is None or seen == 0 or metadata is None:
            raise ModelError(EMPTY_TABLE)
        metadata.check(reservoir)
        self._learn_layout(metadata, reservoir, seen)
        self._check_marginals()
        self.rare_ = rare_pool(metadata, reservoir, self.modelled_, counts)
        counts = {c: self.rare_.pool_counts(c, v) for c, v in counts.items()}
        real = reservoir[self.modelled_]
        sample = self._learn_consistency(self.rare_.apply(real), constraints, enforce, (), real)
        enforcer = self.consistency_
        if enforcer is not None:
            scale = seen / len(sample)
            for group in enforcer.groups:
                counts[group.carrier] = sample[group.carrier].value_counts() * scale
        self._fit_marginals({c: sample[c] for c in sample.columns}, counts)
        self._order_categories(sample, self._to_latent(sample, rng, categorical=False))
        gram = np.zeros((self.n_dims_, self.n_dims_))
        for batch in batches():
            rows = self.rare_.apply(batch[self.modelled_])
            z = self._to_latent(rows if enforcer is None else enforcer.forward(rows), rng)
            gram += z.T @ z
        self._set_correlation(gram, seen)
        self.conditional_ = None  # not learned from batches: the marginals alone
        return self

    def _category_encoder(self, column: str) -> Any:
        marg = self.marginals_.get(column)
        return marg.encoder if isinstance(marg, _Categorical) else None

    # ------------------------------------------------------------------ sample

    def _sample(
        self, n: int, rng: np.random.Generator, conditions: Mapping[str, Any]
    ) -> pd.DataFrame:
        # latents as (dimensions, rows): each dimension is one contiguous row to read;
        # float32 halves the work and still holds far more precision than the marginals
        chol = self.cholesky_.astype(np.float32)
        with _blas().limit(limits=1, user_api="blas"):  # threads only slow a thin matmul
            zt = chol @ rng.standard_normal((self.n_dims_, n), dtype=np.float32)
        if conditions:
            zt = np.ascontiguousarray(self._condition(zt.T, n, rng, conditions).T)
        elif getattr(self, "stratified", False) and n > 1:
            zt = stratify(zt, rng)
        out: dict[str, Any] = {}
        cond: ConditionalMarginals | None = getattr(self, "conditional_", None)
        children = cond.children if cond is not None else {}
        codes: dict[str, Codes] = {}
        # parents (and every other column) first, then the children given their parents
        for name in sorted(self.marginals_, key=lambda c: c in children):
            marg = self.marginals_[name]
            spec = children.get(name)
            if isinstance(marg, _Categorical):  # thresholds in latent space: no CDF needed
                z = zt[marg.dim]
                if spec is None:
                    code = marg.from_latent(z)
                else:
                    assert cond is not None
                    code = cond.codes(name, z, codes[spec.parent])
                    rest = code < 0
                    code[rest] = marg.from_latent(z[rest])
                codes[name] = code
                out[name] = marg.encoder.decode(code)
                continue
            z = zt[marg.value_dim]
            if spec is None:
                x = marg.from_uniform(np.clip(ndtr(z), 0.0, 1.0))
            else:
                assert cond is not None
                x = cond.numbers(name, z, codes[spec.parent])
                rest = np.isnan(x)
                x[rest] = marg.from_uniform(np.clip(ndtr(z[rest]), 0.0, 1.0))
            if marg.null_dim >= 0:
                x[zt[marg.null_dim] > ndtri(1.0 - marg.encoder.null_share)] = np.nan
            out[name] = marg.encoder.decode(x)
        frame = pd.DataFrame(out, copy=False)
        for name, value in conditions.items():
            frame[name] = [value] * n if not isinstance(value, list | tuple) else value
        return frame

    def _condition(
        self, z: Floats, n: int, rng: np.random.Generator, conditions: Mapping[str, Any]
    ) -> Floats:
        """Fix the latent values of the conditioned columns; redraw the rest given them."""
        fixed: dict[int, Floats] = {}
        for name, value in conditions.items():
            marg = self.marginals_[name]
            values = pd.Series([value] * n if not isinstance(value, list | tuple) else value)
            if isinstance(marg, _Categorical):
                known = set(marg.encoder.categories.tolist())
                bad = [
                    v
                    for v in pd.unique(values)
                    if v not in known and not (pd.isna(v) and marg.encoder.null_code >= 0)
                ]
                if bad:
                    raise ModelError(
                        f"condition {name}={bad[0]!r} is not a category the model "
                        f"has seen; use one of {list(marg.encoder.categories)[:20]}"
                    )
                fixed[marg.dim] = ndtri(marg.to_uniform(marg.encoder.encode(values), rng))
            else:
                x = marg.encoder.encode(values)
                null = np.isnan(x)
                if null.any() and marg.null_dim < 0:
                    raise ModelError(f"condition {name}=null, but the column had no nulls")
                u = np.where(null, 0.5, 0.0)
                if (~null).any():
                    u[~null] = marg.to_uniform(x[~null], rng)
                if not null.all():
                    fixed[marg.value_dim] = ndtri(clip_probability(u))
                if marg.null_dim >= 0:
                    p = marg.encoder.null_share
                    un = np.where(null, 1 - p + rng.random(n) * p, rng.random(n) * (1 - p))
                    fixed[marg.null_dim] = ndtri(clip_probability(un))
        return conditional_normal(z, self.correlation_, fixed, rng)


@functools.cache
def _blas() -> ThreadpoolController:
    """The process's thread pools, found once (each lookup reads every loaded library)."""
    return ThreadpoolController()
