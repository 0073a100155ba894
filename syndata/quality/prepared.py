"""A column made ready for the metrics: floats and bin codes, or shared category codes."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from syndata.metadata import ColumnMetadata
from syndata.quality.common import DISCRETE_KINDS, NUM_BINS


@dataclass
class Prepared:
    """A column made ready for the metrics.

    Continuous: ``values`` (float64, NaN where missing) and ``codes`` (its 10-bin
    ``digitize`` codes, or ``bin_error``). Discrete: ``codes`` (category codes shared
    with the other table, -1 where missing) and ``size`` (number of categories).
    """

    values: NDArray[np.float64] | None
    codes: NDArray[np.intp] | None
    size: int = 0
    bin_error: str | None = None


def prepare(
    real: pd.Series, synthetic: pd.Series, kind: str, fmt: str | None
) -> tuple[Prepared, Prepared]:
    """The real and synthetic values of a column made ready for the metrics."""
    if kind in DISCRETE_KINDS:
        codes_r, codes_s, size = joint_codes(real, synthetic)
        return Prepared(None, codes_r, size), Prepared(None, codes_s, size)
    return _prepare_continuous(real, kind, fmt), _prepare_continuous(synthetic, kind, fmt)


def _prepare_continuous(values: pd.Series, kind: str, fmt: str | None) -> Prepared:
    floats = to_float(values, kind, fmt)
    try:
        edges = np.histogram_bin_edges(floats[~np.isnan(floats)], bins=NUM_BINS)
    except ValueError as exc:  # infinite values
        return Prepared(floats, None, bin_error=f"{type(exc).__name__}: {exc}")
    return Prepared(floats, np.digitize(floats, edges).astype(np.int64))


_NS_PER_UNIT = {
    "D": 86_400 * 10**9,
    "h": 3_600 * 10**9,
    "m": 60 * 10**9,
    "s": 10**9,
    "ms": 10**6,
    "us": 10**3,
    "ns": 1,
}


def to_float(values: pd.Series, kind: str, fmt: str | None) -> NDArray[np.float64]:
    """Numbers as float64, dates as nanoseconds since the epoch; NaN where missing."""
    if kind == "numerical":
        if pd.api.types.is_bool_dtype(values.dtype):
            values = values.astype(float)
        numbers = pd.to_numeric(values, errors="coerce")
        return np.asarray(numbers.to_numpy(dtype=float, na_value=np.nan), dtype=float)
    if not pd.api.types.is_datetime64_any_dtype(values.dtype):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if fmt is not None:
                values = pd.to_datetime(values, format=fmt, errors="coerce")
            else:
                values = pd.to_datetime(values, errors="coerce", utc=_has_tz(values))
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    stamps = values.to_numpy()
    unit, count = np.datetime_data(stamps.dtype)
    nanos: NDArray[np.float64] = stamps.view("int64").astype(np.float64)
    out = nanos * float(_NS_PER_UNIT[unit] * count)
    out[np.isnat(stamps)] = np.nan
    return out


def _has_tz(values: pd.Series) -> bool:
    present = values.dropna()
    return bool(len(present)) and getattr(present.iloc[0], "tzinfo", None) is not None


def joint_codes(
    real: pd.Series, synthetic: pd.Series
) -> tuple[NDArray[np.intp], NDArray[np.intp], int]:
    """Category codes shared by both columns (-1 where missing) and the number of categories."""
    both = pd.concat([plain_values(real), plain_values(synthetic)], ignore_index=True)
    codes, uniques = pd.factorize(both, use_na_sentinel=True)
    codes = codes.astype(np.int64)
    return codes[: len(real)], codes[len(real) :], len(uniques)


def plain_values(values: pd.Series) -> pd.Series:
    """Values with categories as plain objects (codes shared across tables)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.astype(object)
    return values.reset_index(drop=True)


PreparedColumns = dict[str, tuple[Prepared, Prepared]]


def prepare_columns(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    kinds: dict[str, str],
    formats: dict[str, str | None],
) -> PreparedColumns:
    """Every scored column of a table made ready for the metrics."""
    return {
        col: prepare(real[col], synthetic[col], kind, formats.get(col))
        for col, kind in kinds.items()
    }


def column_formats(columns: Mapping[str, ColumnMetadata]) -> dict[str, str | None]:
    """The date format of every column (None where it has none)."""
    return {c.name: c.format for c in columns.values()}
