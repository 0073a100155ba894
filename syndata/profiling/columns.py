"""One column profiled: counts, top values (counts only for personal kinds), statistics."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from syndata.metadata import ColumnMetadata, is_key
from syndata.privacy.disclosure import shown_counts
from syndata.profiling.profile import (
    HISTOGRAM_BINS,
    KEY_KINDS,
    QUANTILES,
    TOP_VALUES,
    ColumnProfile,
    jsonable,
)
from syndata.rules.infer import (
    describe,
    infer_column_config,
)


def has_nested(values: pd.Series) -> bool:
    """True when the column holds lists, dicts, sets or arrays (checked on 1,000 values)."""
    return bool(
        values.head(1000).map(lambda v: isinstance(v, list | dict | set | tuple | np.ndarray)).any()
    )


def as_json_text(value: Any) -> Any:
    """A nested value as JSON text, so it can be counted (None stays None)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, set):
        value = sorted(value, key=str)
    return json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)


def _hashable(values: pd.Series) -> pd.Series:
    try:
        values.nunique()
    except TypeError:
        return values.map(as_json_text)
    return values


def column_profile(meta: ColumnMetadata, values: pd.Series, total: int) -> ColumnProfile:
    """The profile of one column: counts, top values and the statistics of its kind."""
    values = _hashable(values)
    present = values.dropna()
    nulls = len(values) - len(present)
    distinct = int(present.nunique())
    config = infer_column_config(meta, values, rows=total)
    rule = config.get("rule")
    col = ColumnProfile(
        name=meta.name,
        kind=meta.kind,
        dtype=meta.dtype,
        null_share=nulls / len(values) if len(values) else 0.0,
        distinct=distinct,
        unique=bool(len(present) and distinct == len(present)),
        nulls=nulls,
        candidate_primary_key=meta.kind in KEY_KINDS and is_key(values),
        rule=rule if isinstance(rule, dict) else None,
        format=meta.format,
        config=config,
    )
    if col.hidden:  # counts and lengths only: no raw value
        col.top_values = _top_values(present.value_counts(), len(values), hide=True)
        col.histogram = _length_histogram(present)
        col.pattern = describe(meta, values)
        return col
    if meta.dtype in ("int", "float", "decimal") and meta.kind != "boolean":
        _number_stats(col, present)
    elif meta.kind in ("datetime", "date_string") or meta.dtype in ("date", "datetime"):
        _date_stats(col, present, meta.format if meta.kind == "date_string" else None)
    counts = present.value_counts()
    shown = shown_counts(
        counts
    )  # the disclosure rule: a value seen fewer than k times is never listed
    col.top_values = _top_values(shown, len(values), hide=False)
    col.rare_values = len(counts) - len(shown) if meta.kind in ("categorical", "text") else 0
    if meta.kind == "date_string":
        col.pattern = meta.format
    return col


def _top_values(counts: pd.Series, rows: int, hide: bool) -> list[dict[str, Any]]:
    """The most frequent of ``counts`` (value -> count), without the values when ``hide``."""
    out = []
    for value, count in counts.head(TOP_VALUES).items():
        item: dict[str, Any] = {} if hide else {"value": jsonable(value)}
        item["count"] = int(count)
        item["share"] = int(count) / rows if rows else 0.0
        out.append(item)
    return out


def _number_stats(col: ColumnProfile, present: pd.Series) -> None:
    x = pd.to_numeric(present, errors="coerce").astype(float).to_numpy()
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return
    as_int = col.dtype == "int"
    col.min = int(x.min()) if as_int else float(x.min())
    col.max = int(x.max()) if as_int else float(x.max())
    col.mean = float(x.mean())
    col.std = float(x.std(ddof=1)) if len(x) > 1 else 0.0
    qs = np.quantile(x, list(QUANTILES.values()))
    col.quantiles = {k: float(v) for k, v in zip(QUANTILES, qs, strict=True)}
    col.histogram = _number_histogram(x, as_int)


def _number_histogram(x: NDArray[np.float64], as_int: bool) -> dict[str, Any]:
    lo, hi = float(x.min()), float(x.max())
    if as_int and hi - lo + 1 <= HISTOGRAM_BINS:
        edges = np.arange(lo - 0.5, hi + 1.5)
    elif hi == lo:
        edges = np.array([lo - 0.5, hi + 0.5])
    else:
        edges = np.histogram_bin_edges(x, bins=min(HISTOGRAM_BINS, max(len(np.unique(x)), 1)))
    counts, edges = np.histogram(x, bins=edges)
    return {"of": "values", "edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}


def _stamps(present: pd.Series, fmt: str | None) -> pd.Series:
    if fmt is not None:
        parsed = pd.to_datetime(present.astype(str), format=fmt, errors="coerce")
    elif pd.api.types.is_datetime64_any_dtype(present.dtype):
        parsed = present
    else:
        parsed = pd.to_datetime(present, errors="coerce", format="mixed")
    parsed = pd.Series(parsed).dropna()
    if len(parsed) and getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed


def _date_stats(col: ColumnProfile, present: pd.Series, fmt: str | None) -> None:
    stamps = _stamps(present, fmt)
    if len(stamps) == 0:
        return
    as_date = col.config.get("type", col.dtype) == "date"

    def text(stamp: pd.Timestamp) -> str:
        return stamp.date().isoformat() if as_date else stamp.isoformat()

    ns = stamps.astype("datetime64[ns]").astype("int64").to_numpy()
    col.min, col.max = text(stamps.min()), text(stamps.max())
    col.mean = text(pd.Timestamp(int(ns.mean())))
    col.std = str(pd.Timedelta(int(ns.std(ddof=1)) if len(ns) > 1 else 0, unit="ns").round("s"))
    qs = np.quantile(ns, list(QUANTILES.values()))
    col.quantiles = {k: text(pd.Timestamp(int(v))) for k, v in zip(QUANTILES, qs, strict=True)}
    lo, hi = int(ns.min()), int(ns.max())
    bins = HISTOGRAM_BINS if hi > lo else 1
    counts, edges = np.histogram(ns, bins=bins, range=(lo, hi if hi > lo else lo + 1))
    col.histogram = {
        "of": "values",
        "edges": [text(pd.Timestamp(int(e))) for e in edges],
        "counts": [int(c) for c in counts],
    }


def _length_histogram(present: pd.Series) -> dict[str, Any] | None:
    if len(present) == 0:
        return None
    lengths = present.astype(str).str.len().to_numpy()
    hist = _number_histogram(lengths.astype(float), as_int=True)
    hist["of"] = "length"
    return hist
