"""The columns the privacy measures compare, and their values as the measures read them."""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt
import pandas as pd

from syndata.errors import QualityError
from syndata.metadata import ColumnMetadata, TableMetadata
from syndata.privacy.metrics import first_lacking

CONTINUOUS_KINDS = frozenset({"numerical", "datetime", "date_string"})


def modelled_columns(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    metadata: TableMetadata | None = None,
    seed: int = 0,
) -> dict[str, ColumnMetadata]:
    """The columns the measures compare: modelled ones, present in all three tables.

    ``metadata`` defaults to ``TableMetadata.detect(train)``. Raises QualityError for an
    empty table, a missing column or a table with no modelled column.
    """
    for frame, name in ((train, "train"), (holdout, "holdout"), (synthetic, "synthetic")):
        if not isinstance(frame, pd.DataFrame):
            raise QualityError(
                f"the {name} table must be a pandas DataFrame, not {type(frame).__name__}"
            )
        if len(frame) == 0 or frame.shape[1] == 0:
            raise QualityError(
                f"the {name} table is empty ({len(frame)} rows, {frame.shape[1]} "
                "columns); privacy measures need rows in train, holdout and "
                "synthetic tables"
            )
    if metadata is None:
        metadata = TableMetadata.detect(train, seed=seed)
    columns = {n: c for n, c in metadata.columns.items() if c.modelled}
    if not columns:
        raise QualityError(
            "no modelled column to compare (ids, free text and personal-data "
            "columns are left out); check the metadata's column kinds"
        )
    gap = first_lacking(columns, {"train": train, "holdout": holdout, "synthetic": synthetic})
    if gap is not None:
        name, missing = gap
        raise QualityError(
            f"the {name} table lacks column(s) {', '.join(missing)}; pass "
            "tables with the same columns as the training table"
        )
    return columns


def subsample(frame: pd.DataFrame, rows: int, seed: int) -> pd.DataFrame:
    """At most ``rows`` rows drawn uniformly (with ``seed``), in random order."""
    return frame.sample(n=min(rows, len(frame)), random_state=seed).reset_index(drop=True)


def check_rows(max_rows: int, name: str = "max_rows") -> None:
    """QualityError unless ``max_rows`` (a size parameter called ``name``) is at least 2."""
    if max_rows < 2:
        raise QualityError(f"{name} must be at least 2, not {max_rows}")


def continuous(values: pd.Series, meta: ColumnMetadata) -> npt.NDArray[np.float64]:
    """Numbers as float64, datetimes and date strings as seconds; NaN where missing."""
    from syndata.models.encoding import NumericEncoder  # the models' parsing; heavy import

    encoder = NumericEncoder(meta, is_time=meta.kind != "numerical")
    if meta.kind == "numerical" and pd.api.types.is_bool_dtype(values.dtype):
        values = values.astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unparseable dates become NaN
        x = encoder.encode(values)
    x[~np.isfinite(x)] = np.nan
    return x


def categories(values: pd.Series) -> pd.Series:
    """Values as plain objects, every kind of missing value as None."""
    plain = values.astype(object)
    out: pd.Series = plain.where(plain.notna(), None)  # type: ignore[call-overload]
    return out
