"""Frame helpers of the single-table synthesizers: fit input, casts, batch conditions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from syndata.errors import ModelError
from syndata.metadata import ColumnMetadata, TableMetadata
from syndata.privacy.disclosure import RarePool, is_text_category

DtypeObj = np.dtype[np.generic] | pd.api.extensions.ExtensionDtype  # a column's dtype
EMPTY_TABLE = "cannot fit on an empty table (0 rows); pass data with rows"


def fit_input(data: pd.DataFrame, metadata: TableMetadata | None) -> TableMetadata:
    """The metadata of a table a model can learn (detected when None); else ModelError."""
    if not isinstance(data, pd.DataFrame):
        raise ModelError(f"fit needs a pandas DataFrame, got {type(data).__name__}")
    if len(data) == 0:
        raise ModelError(EMPTY_TABLE)
    if data.shape[1] == 0:
        raise ModelError("cannot fit on a table without columns")
    metadata = metadata or TableMetadata.detect(data)
    metadata.check(data)
    all_null = [c for c in metadata.columns if data[c].isna().all()]
    if all_null:
        raise ModelError(
            f"column(s) {', '.join(all_null)} hold only nulls; there is nothing to learn "
            "from them: drop them or fill them before fitting"
        )
    return metadata


def rare_pool(
    metadata: TableMetadata,
    data: pd.DataFrame,
    modelled: list[str],
    counts: Mapping[str, pd.Series] | None = None,
) -> RarePool:
    """The rare values of the modelled categorical text columns, pooled (disclosure rule).

    ``counts`` gives the columns' value counts when ``data`` is only a sample of the rows.
    """
    columns = [
        c
        for c in modelled
        if metadata.columns[c].kind == "categorical" and is_text_category(data[c])
    ]
    if counts is None:
        return RarePool.fit(data, columns)
    return RarePool.from_counts({c: counts[c] for c in columns if c in counts})


def rows_of(given: Mapping[str, Any], rows: np.ndarray[Any, Any]) -> dict[str, Any]:
    """The conditions of some rows of a batch (one value per row is taken at ``rows``)."""
    return {k: [v[i] for i in rows] if isinstance(v, list | tuple) else v for k, v in given.items()}


def assigned(column: pd.Series, values: pd.Series, rows: np.ndarray[Any, Any]) -> pd.Series:
    """``column`` with ``values`` written at positions ``rows`` (dtype widened if needed)."""
    if isinstance(column.dtype, pd.CategoricalDtype) or column.dtype != values.dtype:
        column = column.astype(object)
    out = column.copy()
    out.iloc[rows] = values.to_numpy(dtype=object) if out.dtype == object else values.to_numpy()
    return out


def batch_conditions(
    conditions: Mapping[str, Any], start: int, n: int, num_rows: int
) -> dict[str, Any]:
    """The conditions of rows ``start .. start + n``: one value per row is sliced."""
    out: dict[str, Any] = {}
    for name, value in conditions.items():
        if isinstance(value, list | tuple | np.ndarray | pd.Series):
            values = list(value)
            if len(values) != num_rows:
                raise ModelError(
                    f"condition {name} has {len(values)} values for {num_rows} "
                    "rows; give one value, or one per row"
                )
            out[name] = values[start : start + n]
        else:
            out[name] = value
    return out


def cast_like(values: pd.Series, dtype: DtypeObj, meta: ColumnMetadata) -> pd.Series:
    """``values`` in the training column's dtype (ints rounded; nullable when needed)."""
    index = values.index
    if not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1):
        values = values.reset_index(drop=True)  # (a copy: skipped when already 0..n-1)
    if str(values.dtype) == str(dtype):
        return values
    if isinstance(values.dtype, pd.CategoricalDtype):
        # one take; code -1 (null) picks the NaN appended at the end
        cats = np.append(values.cat.categories.to_numpy(dtype=object), np.nan)
        values = pd.Series(cats[values.cat.codes.to_numpy()], dtype=object)
        if pd.api.types.is_object_dtype(dtype):
            return values
    try:
        if pd.api.types.is_integer_dtype(dtype):
            rounded = values.astype(float).round()
            return rounded.astype("Int64") if rounded.isna().any() else rounded.astype(dtype)
        if pd.api.types.is_float_dtype(dtype) and meta.dtype == "int":
            return values.astype(float).round().astype(dtype)
        if pd.api.types.is_float_dtype(dtype):
            return values.astype(dtype)
        if pd.api.types.is_bool_dtype(dtype):
            return values.astype("boolean" if values.isna().any() else dtype)
        if pd.api.types.is_datetime64_any_dtype(dtype):
            return pd.to_datetime(values).astype(dtype)
        return values.astype(dtype)
    except (TypeError, ValueError):
        return values
