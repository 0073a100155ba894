"""A schema's tables scored one by one: column shapes and pair trends, primary keys."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from syndata.metadata import Metadata
from syndata.quality.common import nanmean, subsample
from syndata.quality.prepared import column_formats, prepare_columns
from syndata.quality.shapes import column_shapes
from syndata.quality.trends import pair_trends


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
    columns = column_shapes(kinds, full)
    if len(real) <= max_rows and len(synthetic) <= max_rows:
        sampled = full
    else:
        sampled = prepare_columns(
            subsample(real, max_rows, seed), subsample(synthetic, max_rows, seed), kinds, formats
        )
    pairs = pair_trends(kinds, sampled)
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


def primary_key_uniqueness(keys: pd.Series) -> float:
    """Distinct non-null key values / rows: 1 when every row has its own key; NaN if empty."""
    if len(keys) == 0:
        return math.nan
    return float(keys.nunique(dropna=True) / len(keys))
