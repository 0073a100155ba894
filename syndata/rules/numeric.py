"""Numbers, dates, choices, sequences and constants: the rules with numeric cores.

All draws are vectorised numpy; normal and lognormal ranges are truncated exactly by
inverse-CDF sampling (no clipping spikes at the bounds, no rejection loops).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray
from scipy.special import ndtr, ndtri

from syndata.rules.base import ColumnGenerator, Indices, Mask, scalar_for, to_arrow

_EPOCH = date(1970, 1, 1)
_US = 1_000_000


def truncated_draw(
    n: int,
    rng: np.random.Generator,
    lo: float,
    hi: float,
    distribution: str,
    mean: float | None = None,
    std: float | None = None,
) -> NDArray[np.float64]:
    """``n`` floats in [lo, hi] from a uniform, normal or lognormal distribution."""
    if hi <= lo:
        return np.full(n, lo, dtype=np.float64)
    if distribution == "uniform":
        return rng.uniform(lo, hi, n)
    if distribution == "normal":
        mu = (lo + hi) / 2 if mean is None else mean
        sigma = (hi - lo) / 6 if std is None else std
        a, b = ndtr((lo - mu) / sigma), ndtr((hi - mu) / sigma)
        if b - a < 1e-12:  # the range lies far in a tail: uniform is the honest limit
            return rng.uniform(lo, hi, n)
        normal: NDArray[np.float64] = np.clip(mu + sigma * ndtri(rng.uniform(a, b, n)), lo, hi)
        return normal
    # lognormal of (x - lo): ``mean``/``std`` describe the values themselves
    m = (hi - lo) / 4 if mean is None else max(mean - lo, 1e-9 * (hi - lo))
    s = (hi - lo) / 4 if std is None else std
    sigma = math.sqrt(math.log1p((s / m) ** 2))
    mu = math.log(m) - sigma**2 / 2
    b = ndtr((math.log(hi - lo) - mu) / sigma)
    y = np.exp(mu + sigma * ndtri(rng.uniform(0.0, b, n)))
    lognormal: NDArray[np.float64] = np.clip(lo + y, lo, hi)
    return lognormal


class NumberRange(ColumnGenerator):
    """``range`` for int, float and decimal columns."""

    def __init__(
        self,
        typ: pa.DataType,
        lo: float,
        hi: float,
        distribution: str = "uniform",
        mean: float | None = None,
        std: float | None = None,
        decimals: int | None = None,
        on_violation: str = "clip",
    ) -> None:
        self.type = typ
        self.is_int = pa.types.is_integer(typ)
        self.scale = typ.scale if pa.types.is_decimal(typ) else None
        if self.is_int:
            lo, hi = math.ceil(lo), math.floor(hi)
        self.lo, self.hi = lo, hi
        self.distribution = distribution
        self.mean, self.std = mean, std
        self.decimals = decimals
        self.on_violation = on_violation

    def _units(self) -> tuple[int, int, int]:
        """Integer units of the domain: (low, high, units per 1)."""
        factor = 1 if self.is_int else 10 ** (self.scale or 0)
        return math.ceil(self.lo * factor), math.floor(self.hi * factor), factor

    def domain_size(self) -> int | None:
        """Integers and decimals have a finite, indexable domain."""
        if not self.is_int and self.scale is None:
            return None
        lo, hi, _ = self._units()
        return max(hi - lo + 1, 0)

    def values_at(self, index: Indices) -> pa.Array:
        """The ``index``-th integer (or decimal step) of the range."""
        lo, _, _ = self._units()
        return self._from_units(lo + index.astype(np.int64))

    def _from_units(self, units: NDArray[np.int64]) -> pa.Array:
        if self.is_int:
            return pa.array(units, type=self.type)
        return decimal_from_units(units, self.type)

    def sample(self, n: int, rng: np.random.Generator, start: int) -> pa.Array:
        """``n`` values in [min, max]."""
        if self.is_int and self.distribution == "uniform":
            values = rng.integers(int(self.lo), int(self.hi), n, endpoint=True)
            return pa.array(values, type=self.type)
        x = truncated_draw(
            n, rng, float(self.lo), float(self.hi), self.distribution, self.mean, self.std
        )
        if self.is_int or self.scale is not None:
            lo, hi, factor = self._units()
            return self._from_units(np.clip(np.rint(x * factor), lo, hi).astype(np.int64))
        if self.decimals is not None:
            x = np.clip(np.round(x, self.decimals), self.lo, self.hi)
        return pa.array(x, type=self.type)

    def valid_mask(self, values: pa.Array) -> Mask | None:
        """Values inside [min, max]."""
        lo, hi = scalar_for(self.lo, values.type), scalar_for(self.hi, values.type)
        inside = pc.and_(pc.greater_equal(values, lo), pc.less_equal(values, hi))
        return np.asarray(inside.fill_null(True).to_numpy(zero_copy_only=False), dtype=bool)

    def constrain(self, values: pa.Array, rng: np.random.Generator, start: int) -> pa.Array:
        """Clip into [min, max] (or resample, with ``on_violation: resample``)."""
        if self.on_violation == "resample":
            return super().constrain(values, rng, start)
        lo, hi = scalar_for(self.lo, values.type), scalar_for(self.hi, values.type)
        return pc.min_element_wise(
            pc.max_element_wise(values, lo, skip_nulls=False), hi, skip_nulls=False
        )


def decimal_from_units(units: NDArray[np.int64], typ: pa.DataType) -> pa.Array:
    """Integers counted in ``10**-scale`` steps as an arrow decimal128 array (no loop)."""
    units = np.ascontiguousarray(units, dtype=np.int64)
    words = np.empty((len(units), 2), dtype=np.int64)
    words[:, 0] = units
    words[:, 1] = units >> 63  # sign extension into the high 64 bits
    return pa.Array.from_buffers(typ, len(units), [None, pa.py_buffer(words)])


class DateRange(ColumnGenerator):
    """Dates (day steps) or datetimes (second steps) between two bounds, uniformly."""

    def __init__(self, typ: pa.DataType, start: date, end: date) -> None:
        self.type = typ
        self.is_date = pa.types.is_date(typ)
        self.lo = self._to_step(start)
        self.hi = self._to_step(end)

    def _to_step(self, value: date) -> int:
        if self.is_date:
            day = value.date() if isinstance(value, datetime) else value
            return (day - _EPOCH).days
        if not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        return math.floor((value.replace(tzinfo=None) - datetime(1970, 1, 1)).total_seconds())

    def domain_size(self) -> int | None:
        """Days (or seconds) in the range."""
        return self.hi - self.lo + 1

    def values_at(self, index: Indices) -> pa.Array:
        """The ``index``-th day (or second) of the range."""
        return self._from_steps(self.lo + index.astype(np.int64))

    def _from_steps(self, steps: NDArray[np.int64]) -> pa.Array:
        if self.is_date:
            return pa.array(steps.astype(np.int32), type=pa.int32()).cast(self.type)
        return pa.array(steps * _US, type=pa.int64()).cast(self.type)

    def sample(self, n: int, rng: np.random.Generator, start: int) -> pa.Array:
        """``n`` uniform dates/datetimes."""
        return self._from_steps(rng.integers(self.lo, self.hi, n, dtype=np.int64, endpoint=True))

    def valid_mask(self, values: pa.Array) -> Mask | None:
        """Values inside the range."""
        lo, hi = self._from_steps(np.array([self.lo, self.hi], dtype=np.int64))
        inside = pc.and_(pc.greater_equal(values, lo), pc.less_equal(values, hi))
        return np.asarray(inside.fill_null(True).to_numpy(zero_copy_only=False), dtype=bool)

    def constrain(self, values: pa.Array, rng: np.random.Generator, start: int) -> pa.Array:
        """Clip into the range."""
        lo, hi = self._from_steps(np.array([self.lo, self.hi], dtype=np.int64))
        return pc.min_element_wise(
            pc.max_element_wise(values, lo, skip_nulls=False), hi, skip_nulls=False
        )


class Choice(ColumnGenerator):
    """One of a list of values, optionally weighted."""

    def __init__(self, typ: pa.DataType, values: list[Any], weights: list[float] | None) -> None:
        self.type = typ
        self.values = to_arrow(values, typ)
        if weights is None:
            self.cdf = None
        else:
            w = np.asarray(weights, dtype=np.float64)
            self.cdf = np.cumsum(w / w.sum())
            self.cdf[-1] = 1.0

    def domain_size(self) -> int | None:
        """The number of values listed."""
        return len(self.values)

    def values_at(self, index: Indices) -> pa.Array:
        """The listed values at ``index``."""
        return self.values.take(pa.array(index))

    def sample(self, n: int, rng: np.random.Generator, start: int) -> pa.Array:
        """``n`` draws from the list."""
        if self.cdf is None:
            idx = rng.integers(0, len(self.values), n)
        else:
            idx = np.searchsorted(self.cdf, rng.random(n), side="right")
        return self.values.take(pa.array(idx))

    def valid_mask(self, values: pa.Array) -> Mask | None:
        """Values that are in the list."""
        found = pc.is_in(values, value_set=self.values.cast(values.type))
        mask: Mask = np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool) | np.asarray(
            values.is_null().to_numpy(zero_copy_only=False), dtype=bool
        )
        return mask


class Sequence(ColumnGenerator):
    """``start + step * row``: row numbers, counted over the whole table."""

    def __init__(self, typ: pa.DataType, start: int, step: int) -> None:
        self.type = typ
        self.start, self.step = start, step

    def capacity(self) -> int | None:
        """Unbounded while the step is not zero."""
        return 1 if self.step == 0 else None

    def sample(self, n: int, rng: np.random.Generator, start: int) -> pa.Array:
        """The next ``n`` numbers of the sequence."""
        values = self.start + self.step * np.arange(start, start + n, dtype=np.int64)
        return to_arrow(values, pa.int64()).cast(self.type)


class Constant(ColumnGenerator):
    """The same value in every row."""

    def __init__(self, typ: pa.DataType, value: Any) -> None:
        self.type = typ
        self.value = scalar_for(value, typ)

    def capacity(self) -> int | None:
        """One value."""
        return 1

    def sample(self, n: int, rng: np.random.Generator, start: int) -> pa.Array:
        """``n`` copies of the value."""
        return pa.repeat(self.value, n)

    def valid_mask(self, values: pa.Array) -> Mask | None:
        """Values equal to the constant."""
        same = pc.equal(values, self.value).fill_null(self.value.is_valid is False)
        return np.asarray(same.to_numpy(zero_copy_only=False), dtype=bool)


def as_number(value: object) -> float:
    """A rule bound as a float (decimals included)."""
    return float(Decimal(str(value))) if not isinstance(value, float) else value
