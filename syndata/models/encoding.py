"""Column transformers shared by the learned models: values <-> numbers and back.

* ``NumericEncoder`` — numbers, datetimes (as int64 nanoseconds) and date strings (parsed
  with their format): a numeric array plus a null mask; decoding restores the type,
  rounds integers and keeps values inside the observed [min, max].
* ``CategoryEncoder`` — categories (nulls are a category of their own) as integer codes
  in order of decreasing frequency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from syndata.metadata import ColumnMetadata
from syndata.models.arrays import Codes, Floats, Values


@dataclass
class NumericEncoder:
    """Numbers, datetimes and date strings as float64 (NaN for nulls)."""

    meta: ColumnMetadata
    is_int: bool = False
    is_time: bool = False
    time_unit_date: bool = False
    lo: float = 0.0
    hi: float = 0.0
    null_share: float = 0.0
    tz: Any = None
    decimals: int | None = None

    @classmethod
    def fit(cls, meta: ColumnMetadata, values: pd.Series) -> NumericEncoder:
        """Learn the type, range and null share of a column."""
        enc = cls(meta)
        enc.is_time = meta.kind in ("datetime", "date_string")
        enc.time_unit_date = meta.dtype == "date" or (
            meta.kind == "date_string" and not any(t in (meta.format or "") for t in "HMS")
        )
        parsed = enc._to_datetime(values) if enc.is_time else None
        if parsed is not None:
            enc.tz = getattr(parsed.dt, "tz", None)
        x = enc.encode(values, parsed)
        present = x[~np.isnan(x)]
        enc.is_int = meta.dtype == "int" or enc.is_time
        enc.lo = float(present.min()) if len(present) else 0.0
        enc.hi = float(present.max()) if len(present) else 0.0
        enc.null_share = float(np.isnan(x).mean())
        if not enc.is_int and len(present):
            enc.decimals = observed_decimals(present)
        return enc

    def _to_datetime(self, values: pd.Series) -> pd.Series:
        if self.meta.kind == "date_string":
            fmt = self.meta.format or "%Y-%m-%d"
            # ISO formats take pandas' fast parser instead of strptime per value
            return pd.to_datetime(values, format="ISO8601" if fmt in _ISO else fmt, errors="coerce")
        return pd.to_datetime(values, errors="coerce")

    def encode(self, values: pd.Series, parsed: pd.Series | None = None) -> Floats:
        """Values as float64; NaN where null (or unparseable)."""
        if self.is_time:
            parsed = self._to_datetime(values) if parsed is None else parsed
            if getattr(parsed.dt, "tz", None) is not None:
                parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
            ns = parsed.to_numpy(dtype="datetime64[ns]").astype(np.int64).astype(np.float64)
            ns[parsed.isna().to_numpy()] = np.nan
            return ns / 1e9  # seconds: keeps float precision
        return pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)

    def canonical(self, x: Floats) -> Floats:
        """Numbers as they will be written: clipped into the range and rounded."""
        x = np.clip(x, self.lo, self.hi)
        if self.is_time and self.time_unit_date:
            days: Floats = np.round(x / 86400) * 86400
            return days
        if self.is_int:
            return np.round(x)
        if self.decimals is not None:
            return np.round(x, self.decimals)
        return x

    def decode(self, x: Floats) -> pd.Series | Floats:
        """Numbers back to the column's values (clipped, rounded, typed)."""
        x = self.canonical(x)
        if not self.is_time:
            return x
        ns = np.where(np.isnan(x), 0.0, x * 1e9).astype(np.int64)  # nulls set just below
        stamps = pd.Series(pd.to_datetime(ns, unit="ns"))
        stamps = stamps.where(~np.isnan(x))
        if self.meta.kind == "date_string":  # the text format carries any zone itself
            return format_datetimes(stamps, self.meta.format or "%Y-%m-%d")
        if self.tz is not None:
            stamps = stamps.dt.tz_localize("UTC").dt.tz_convert(self.tz)
        if self.meta.dtype == "date":
            return stamps.dt.date
        return stamps


_ISO = {
    "%Y-%m-%d": ("D", ""),
    "%Y-%m-%dT%H:%M:%S": ("s", ""),
    "%Y-%m-%dT%H:%M:%SZ": ("s", "Z"),
    "%Y-%m-%d %H:%M:%S": ("s", ""),
}


def format_datetimes(stamps: pd.Series, fmt: str) -> pd.Series:
    """Datetimes as text in ``fmt``; ISO formats without a per-value strftime."""
    if fmt not in _ISO or getattr(stamps.dt, "tz", None) is not None:
        formatted: pd.Series = stamps.dt.strftime(fmt)
        return formatted
    unit, suffix = _ISO[fmt]
    text = np.datetime_as_string(stamps.to_numpy(dtype="datetime64[ns]"), unit=unit)  # type: ignore[call-overload]
    if " " in fmt:
        text = np.char.replace(text, "T", " ")
    if suffix:
        text = np.char.add(text, suffix)
    out = pd.Series(text.astype(object))
    kept: pd.Series = out.where(stamps.notna().to_numpy(), None)  # type: ignore[call-overload]
    return kept


def observed_decimals(values: Floats, most: int = 6) -> int | None:
    """The decimal places the values are written with (None: more than ``most``)."""
    sample = values[:10_000]
    for places in range(most + 1):
        if np.allclose(
            sample,
            np.round(sample, places),
            rtol=0,
            atol=1e-9 * max(1.0, float(np.abs(sample).max())),
        ):
            return places
    return None


@dataclass
class CategoryEncoder:
    """Categories as integer codes, most frequent first; null is a category too."""

    categories: Values = field(default_factory=lambda: np.array([], dtype=object))
    frequencies: Floats = field(default_factory=lambda: np.array([], dtype=float))
    null_code: int = -1

    @classmethod
    def fit(cls, values: pd.Series) -> CategoryEncoder:
        """Learn the categories and their frequencies."""
        return cls.from_counts(values.value_counts(dropna=False, sort=True))

    @classmethod
    def from_counts(cls, counts: pd.Series) -> CategoryEncoder:
        """From counts per category (index: categories, null included), in their order."""
        return cls.from_frequencies(
            np.asarray(counts.index, dtype=object), counts.to_numpy(dtype=float) / counts.sum()
        )

    @classmethod
    def from_frequencies(cls, categories: Values, frequencies: Floats) -> CategoryEncoder:
        """From categories and their frequencies, in that order."""
        nulls = np.flatnonzero(pd.isna(categories))
        return cls(categories, frequencies, int(nulls[0]) if len(nulls) else -1)

    def encode(self, values: pd.Series) -> Codes:
        """Codes of the values (unknown values get the most frequent category's code)."""
        present = [c for c in self.categories if not pd.isna(c)]
        codes = pd.Categorical(values, categories=present).codes.astype(np.int64)
        if self.null_code >= 0:
            where_null = values.isna().to_numpy()
            index = np.arange(len(self.categories))
            present_codes = index[index != self.null_code]
            mapped = np.where(codes >= 0, present_codes[np.maximum(codes, 0)], 0)
            return np.where(where_null, self.null_code, mapped)
        return np.maximum(codes, 0)

    def decode(self, codes: Codes) -> pd.Categorical:
        """Values of the codes, as a pandas Categorical (cheap; nulls where null's code)."""
        if not hasattr(self, "_present"):
            present = ~pd.isna(self.categories)
            self._present = pd.Index(self.categories[present].tolist())
            self._remap = np.where(present, np.cumsum(present) - 1, -1)
        remapped: Any = self._remap[codes]  # pandas' stubs want a sequence; an array is taken
        return pd.Categorical.from_codes(remapped, categories=self._present)
