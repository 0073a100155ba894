"""What the quality scores share: the scored kinds and columns, thresholds, small helpers."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from syndata.errors import QualityError
from syndata.metadata import TableMetadata

CONTINUOUS_KINDS = frozenset({"numerical", "datetime", "date_string"})
DISCRETE_KINDS = frozenset({"categorical", "boolean"})
SCORED_KINDS = CONTINUOUS_KINDS | DISCRETE_KINDS
REAL_CORRELATION_THRESHOLD = 0.5  # pairs with |r_real| at most this are not counted
REAL_ASSOCIATION_THRESHOLD = 0.3  # pairs with Cramér's V at most this are not counted
NUM_BINS = 10  # equal-width bins of a continuous column paired with a discrete one
KS_DECIMALS = 14  # values are rounded to this many decimals before the KS statistic
MAX_CATEGORICAL_CODES = 254  # more categories are given to the ML model as plain codes
MIN_ML_ROWS = 10
ML_THREADS = 1


def scored_kinds(metadata: TableMetadata) -> dict[str, str]:
    """The columns that quality scores (modelled ones), in table order, with their kind."""
    return {
        c.name: c.kind for c in metadata.columns.values() if c.modelled and c.kind in SCORED_KINDS
    }


def default_target(metadata: TableMetadata) -> str | None:
    """The last modelled categorical/boolean column, else the last numerical one."""
    kinds = scored_kinds(metadata)
    for wanted in (DISCRETE_KINDS, frozenset({"numerical"})):
        names = [n for n, k in kinds.items() if k in wanted]
        if names and len(kinds) > 1:
            return names[-1]
    return None


def check_target(target: str, metadata: TableMetadata) -> None:
    """Raise QualityError unless ``target`` is a modelled numerical/categorical/boolean column."""
    if target not in metadata.columns:
        raise QualityError(
            f"target column {target!r} is not in the table; use one of "
            f"{', '.join(metadata.columns)}"
        )
    col = metadata.columns[target]
    if not col.modelled or col.kind not in DISCRETE_KINDS | {"numerical"}:
        raise QualityError(
            f"target column {target!r} is of kind {col.kind!r}"
            f"{' (primary key)' if col.primary_key else ''}; ML efficacy needs "
            "a numerical, categorical or boolean target"
        )


def require_columns(frame: pd.DataFrame, columns: list[str], name: str) -> None:
    """Raise QualityError when ``frame`` lacks some of ``columns``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise QualityError(
            f"the {name} table lacks column(s) {', '.join(map(str, missing))}; "
            "pass tables with the columns the metadata describes"
        )


def subsample(frame: pd.DataFrame, max_rows: int, seed: int) -> pd.DataFrame:
    """At most ``max_rows`` rows of ``frame``, drawn uniformly with ``seed``."""
    if len(frame) <= max_rows:
        return frame
    return frame.sample(n=max_rows, random_state=seed)


def split_real(frame: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """80% of the rows to train on and 20% to test on, shuffled with ``seed``."""
    order = np.random.default_rng(seed).permutation(len(frame))
    cut = round(len(frame) * 0.8)
    return frame.iloc[order[:cut]], frame.iloc[order[cut:]]


def nanmean(values: list[float]) -> float:
    """The mean of the values that are not NaN (NaN when none is)."""
    kept = [v for v in values if not isnan(v)]
    return float(np.mean(kept)) if kept else math.nan


def isnan(value: Any) -> bool:
    """True for None and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def pct(value: float) -> str:
    """A share as a percentage with one decimal (``n/a`` for NaN)."""
    return "n/a" if isnan(value) else f"{100 * value:.1f}%"


def json_safe(value: Any, leaf: Callable[[Any], Any] | None = None) -> Any:
    """Report data as plain JSON values: numpy scalars unwrapped, NaN and inf as None.

    ``leaf``, when given, converts every other value that is no dict, list or tuple
    (dates to text, say).
    """
    if isinstance(value, dict):
        return {str(k): json_safe(v, leaf) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v, leaf) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value if leaf is None else leaf(value)
