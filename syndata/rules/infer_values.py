"""Rules inferred from numbers, dates, booleans and frequent values: range, choice, date_range."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.special import ndtr

from syndata.privacy.disclosure import shown_counts

MAX_CHOICES = 1_000
MAX_DECIMALS = 6
SAMPLE = 5_000  # values looked at for distributions, shapes and word lists


# --------------------------------------------------------------------------- by type


def sample_values(values: pd.Series, size: int = SAMPLE) -> pd.Series:
    """At most ``size`` of the values (a fixed random sample when there are more)."""
    if len(values) <= size:
        return values
    return values.sample(size, random_state=0)


def _plain(value: Any, typ: str) -> Any:
    """A value as a plain Python value of the config type ``typ`` (dates as ISO text)."""
    if isinstance(value, np.generic):
        value = value.item()
    if typ == "int":
        return int(value)
    if typ in ("float", "decimal"):
        return float(value)
    if typ == "bool":
        return bool(value)
    if typ in ("date", "datetime"):
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        return stamp.date().isoformat() if typ == "date" else stamp.isoformat()
    return str(value)


def choice_rule(present: pd.Series, typ: str) -> dict[str, object] | None:
    """The frequent values (seen at least k times: the disclosure rule) and their counts."""
    counts: Counter[Any] = Counter()
    for value, count in shown_counts(present.value_counts()).items():
        counts[_plain(value, typ)] += int(count)
    if not counts:
        return None
    top = counts.most_common(MAX_CHOICES)
    return {"type": "choice", "value": [v for v, _ in top], "weights": [c for _, c in top]}


def boolean_rule(present: pd.Series, typ: str) -> dict[str, object]:
    """``choice`` of true and false (or 1 and 0) weighted by their counts."""
    truthy = int(present.astype(bool).sum())
    values: list[Any] = [True, False] if typ == "bool" else [1, 0]
    return {"type": "choice", "value": values, "weights": [truthy, len(present) - truthy]}


def finite_numbers(present: pd.Series) -> NDArray[np.float64]:
    """The values as floats, without the ones that are not finite numbers."""
    x = pd.to_numeric(present, errors="coerce").astype(float).to_numpy()
    finite: NDArray[np.float64] = x[np.isfinite(x)]
    return finite


def range_rule(present: pd.Series, typ: str) -> dict[str, object] | None:
    """``range`` over the observed bounds with the closest distribution (None: no number)."""
    x = finite_numbers(present)
    if len(x) == 0:
        return None
    lo, hi = float(x.min()), float(x.max())
    rule: dict[str, Any] = {"type": "range"}
    if typ == "int":
        rule["min"], rule["max"] = math.ceil(lo), math.floor(hi)
    else:
        rule["min"], rule["max"] = lo, hi
        rule["decimals"] = decimals_of(x)
    distribution = best_distribution(x)
    if distribution != "uniform":
        rule["distribution"] = distribution
        rule["mean"] = _round_sig(float(x.mean()))
        rule["std"] = _round_sig(float(x.std()))
    return rule


def _round_sig(value: float, digits: int = 6) -> float:
    return float(f"{value:.{digits}g}")


def decimals_of(x: NDArray[np.float64]) -> int:
    """The decimal places the numbers ``x`` are written with (at most ``MAX_DECIMALS``)."""
    x = np.asarray(x, dtype=float)
    if len(x) > SAMPLE:
        x = np.random.default_rng(0).choice(x, SAMPLE, replace=False)
    tolerance = 1e-9 * np.maximum(1.0, np.abs(x))
    for places in range(MAX_DECIMALS + 1):
        if np.all(np.abs(np.round(x, places) - x) <= tolerance):
            return places
    return MAX_DECIMALS


def best_distribution(x: NDArray[np.float64]) -> str:
    """uniform, normal or lognormal: the truncated family closest to ``x`` (KS distance).

    The candidates are the ones the ``range`` rule draws from, with the data's bounds,
    mean and std; a non-uniform family must beat uniform by a clear margin.
    """
    x = np.asarray(x, dtype=float)
    if len(x) > SAMPLE:
        x = np.random.default_rng(0).choice(x, SAMPLE, replace=False)
    lo, hi = float(x.min()), float(x.max())
    if hi <= lo or len(np.unique(x)) < 5:
        return "uniform"
    xs = np.sort(x)
    mean, std = float(xs.mean()), float(xs.std())
    distances = {"uniform": _ks(xs, (xs - lo) / (hi - lo))}
    if std > 0:
        a, b = ndtr((lo - mean) / std), ndtr((hi - mean) / std)
        if b - a > 1e-9:
            distances["normal"] = _ks(xs, (ndtr((xs - mean) / std) - a) / (b - a))
        m = mean - lo
        if m > 0:
            sigma = math.sqrt(math.log1p((std / m) ** 2))
            mu = math.log(m) - sigma**2 / 2
            top = ndtr((math.log(hi - lo) - mu) / sigma)
            with np.errstate(divide="ignore"):
                logs = np.log(np.maximum(xs - lo, 0.0))
            distances["lognormal"] = _ks(xs, ndtr((logs - mu) / sigma) / top)
    best = min(distances, key=lambda k: distances[k])
    return best if distances[best] < distances["uniform"] - 0.02 else "uniform"


def _ks(xs: NDArray[np.float64], cdf: NDArray[np.float64]) -> float:
    """The KS distance between sorted ``xs`` and a CDF evaluated at ``xs`` (ties allowed)."""
    n = len(xs)
    after = np.searchsorted(xs, xs, side="right") / n
    before = np.searchsorted(xs, xs, side="left") / n
    return float(max(np.max(np.abs(cdf - after)), np.max(np.abs(cdf - before))))


def _timestamps(present: pd.Series, fmt: str | None = None) -> pd.Series:
    if fmt is not None:
        parsed = pd.to_datetime(present.astype(str), format=fmt, errors="coerce")
    elif pd.api.types.is_datetime64_any_dtype(present.dtype):
        parsed = present
    else:
        parsed = pd.to_datetime(present, errors="coerce", format="mixed", utc=False)
    parsed = pd.Series(parsed).dropna()
    if len(parsed) and getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed


def date_rule(present: pd.Series, typ: str) -> dict[str, object] | None:
    """``date_range`` over the observed dates (None: no date)."""
    stamps = _timestamps(present)
    if len(stamps) == 0:
        return None
    return _date_range(stamps.min(), stamps.max(), typ)


def _date_range(lo: pd.Timestamp, hi: pd.Timestamp, typ: str) -> dict[str, Any]:
    if typ == "date":
        return {"type": "date_range", "start": lo.date().isoformat(), "end": hi.date().isoformat()}
    start, end = lo.ceil("s"), hi.floor("s")
    if start > end:
        start, end = lo.floor("s"), hi.floor("s")
    return {"type": "date_range", "start": start.isoformat(), "end": end.isoformat()}


def date_string_rule(present: pd.Series, fmt: str | None) -> dict[str, object] | None:
    """``date_range`` for dates written as text (``datetime`` when they have a time)."""
    stamps = _timestamps(present, fmt)
    if len(stamps) == 0:
        return None
    if fmt is not None:
        timed = any(code in fmt for code in ("%H", "%I", "%M", "%S", "%f", "%p", "%X", "%c"))
    else:
        timed = bool((stamps != stamps.dt.normalize()).any())
    return _date_range(stamps.min(), stamps.max(), "datetime" if timed else "date")
