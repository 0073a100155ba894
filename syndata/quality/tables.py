"""A schema's tables scored one by one: column shapes, pair trends, consistency, primary keys."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from syndata.metadata import Metadata
from syndata.quality.common import nanmean, subsample
from syndata.quality.consistency import consistency
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
    """Column shapes on all rows; pair trends and consistency on at most ``max_rows`` rows.

    Consistency checks the rules discovered on the table's real rows, in its scored
    columns (``kinds``: keys left out), each in ``constraints``.
    """
    formats = column_formats(metadata.tables[name].columns)
    full = prepare_columns(real, synthetic, kinds, formats)
    columns = column_shapes(kinds, full)
    real_s, synth_s = subsample(real, max_rows, seed), subsample(synthetic, max_rows, seed)
    if len(real) <= max_rows and len(synthetic) <= max_rows:
        sampled = full
    else:
        sampled = prepare_columns(real_s, synth_s, kinds, formats)
    pairs = pair_trends(kinds, sampled)
    checked = consistency(real_s, synth_s, metadata.tables[name], columns=kinds, seed=seed)
    shapes = nanmean([c["score"] for c in columns])
    trends = nanmean([p["score"] for p in pairs if p["counted"]])
    key = metadata.tables[name].primary_key
    return {
        "column_shapes": shapes,
        "column_pair_trends": trends,
        "score": nanmean([shapes, trends]),
        "consistency": checked.score,
        "rows_real": len(real),
        "rows_synthetic": len(synthetic),
        "primary_key": key,
        "primary_key_uniqueness": None if key is None else primary_key_uniqueness(synthetic[key]),
        "real_primary_key_uniqueness": None if key is None else primary_key_uniqueness(real[key]),
        "columns": columns,
        "pairs": pairs,
        "constraints": checked.constraints,
    }


def primary_key_uniqueness(keys: pd.Series) -> float:
    """Distinct non-null key values / rows: 1 when every row has its own key; NaN if empty."""
    if len(keys) == 0:
        return math.nan
    return float(keys.nunique(dropna=True) / len(keys))
