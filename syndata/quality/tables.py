"""A schema's tables scored one by one: column shapes and pair trends, primary keys."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from syndata.metadata import ColumnMetadata, Metadata
from syndata.quality.common import (
    nanmean,
    subsample,
)
from syndata.quality.prepared import Prepared, prepare
from syndata.quality.shapes import shape_metric, shape_score
from syndata.quality.trends import pair_score

PreparedColumns = dict[str, tuple[Prepared, Prepared]]


def table_breakdown(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    metadata: Metadata,
    name: str,
    kinds: dict[str, str],
    max_rows: int,
    seed: int,
) -> dict[str, Any]:
    """Column shapes on all rows, pair trends on at most ``max_rows`` rows, key uniqueness."""
    formats = column_formats(metadata.tables[name].columns)
    full = prepare_columns(real, synthetic, kinds, formats)
    columns: list[dict[str, Any]] = [
        {
            "column": col,
            "kind": kind,
            "metric": shape_metric(kind),
            "score": shape_score(*full[col], kind),
        }
        for col, kind in kinds.items()
    ]
    if len(real) <= max_rows and len(synthetic) <= max_rows:
        sampled = full
    else:
        sampled = prepare_columns(
            subsample(real, max_rows, seed), subsample(synthetic, max_rows, seed), kinds, formats
        )
    pairs = [pair_score(c1, c2, kinds, sampled) for c1, c2 in itertools.combinations(kinds, 2)]
    shapes = nanmean([c["score"] for c in columns])
    trends = nanmean([p["score"] for p in pairs if p["counted"]])
    key = metadata.tables[name].primary_key
    return {
        "column_shapes": shapes,
        "column_pair_trends": trends,
        "score": nanmean([shapes, trends]),
        "rows_real": len(real),
        "rows_synthetic": len(synthetic),
        "primary_key": key,
        "primary_key_uniqueness": None if key is None else primary_key_uniqueness(synthetic[key]),
        "real_primary_key_uniqueness": None if key is None else primary_key_uniqueness(real[key]),
        "columns": columns,
        "pairs": pairs,
    }


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


def primary_key_uniqueness(keys: pd.Series) -> float:
    """Distinct non-null key values / rows: 1 when every row has its own key; NaN if empty."""
    if len(keys) == 0:
        return math.nan
    return float(keys.nunique(dropna=True) / len(keys))
