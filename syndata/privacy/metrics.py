"""Copy measures: whether a synthetic table repeats real rows.

``exact_match_rate(reference, synthetic)`` is the share of synthetic rows that equal
some reference row in every compared column. Values are compared by equality within a
column, across both tables: numbers by value whatever their dtype (``1`` equals
``1.0``, floats exactly, ``-0.0`` equals ``0.0``), strings exactly, and a missing value
(None, NaN, NaT, pd.NA) equals any other missing value. Rows are compared through a
64-bit hash of their per-column codes (the chance of a false match is negligible).

``copy_report(train, holdout, synthetic)`` puts that rate in context: real rows the
synthesizer never saw (the holdout) also match training rows by chance, more so in
tables with few, coarse columns. A synthetic table copies no more than chance when its
rate is not above the holdout's rate plus ``tolerance``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

DEFAULT_TOLERANCE = 0.01  # absolute: synthetic may match 1 point more often than holdout


def exact_match_rate(
    reference: pd.DataFrame, synthetic: pd.DataFrame, columns: list[str] | None = None
) -> float:
    """Share of ``synthetic`` rows equal to some ``reference`` row on ``columns``.

    ``columns`` defaults to all columns of ``reference``; both tables must have them.
    An empty synthetic table gives 0.0.
    """
    columns = _columns(reference, synthetic, columns)
    if len(synthetic) == 0:
        return 0.0
    ref_hash, syn_hash = _row_hashes(reference, synthetic, columns)
    return float(np.isin(syn_hash, ref_hash).mean())


def copy_report(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    columns: list[str] | None = None,
    seed: int = 0,
    tolerance: float = DEFAULT_TOLERANCE,
) -> dict[str, Any]:
    """Compare how often synthetic rows and holdout rows match training rows.

    ``train`` is what the synthesizer was fitted on and ``holdout`` real rows it never
    saw. The synthetic table is sampled (uniformly, with ``seed``) to as many rows as the
    holdout, so both rates have the same sampling noise. ``ok`` is True when
    ``synthetic_copy_rate <= holdout_copy_rate + tolerance``.
    """
    columns = _columns(train, synthetic, columns)
    _columns(train, holdout, columns)
    if len(synthetic) > len(holdout) > 0:
        synthetic = synthetic.sample(n=len(holdout), random_state=seed)
    synthetic_rate = exact_match_rate(train, synthetic, columns)
    holdout_rate = exact_match_rate(train, holdout, columns)
    return {
        "synthetic_copy_rate": synthetic_rate,
        "holdout_copy_rate": holdout_rate,
        "tolerance": tolerance,
        "rows_compared": len(synthetic),
        "ok": synthetic_rate <= holdout_rate + tolerance,
    }


def _columns(reference: pd.DataFrame, other: pd.DataFrame, columns: list[str] | None) -> list[str]:
    columns = [str(c) for c in reference.columns] if columns is None else list(columns)
    if not columns:
        raise ValueError("no columns to compare; pass tables with columns or name them")
    gap = first_lacking(columns, {"reference": reference, "compared": other})
    if gap is not None:
        name, missing = gap
        raise ValueError(
            f"the {name} table lacks column(s) {', '.join(missing)}; pass columns both tables have"
        )
    return columns


def first_lacking(
    columns: Iterable[str], tables: Mapping[str, pd.DataFrame]
) -> tuple[str, list[str]] | None:
    """The first of the named ``tables`` that lacks some of ``columns``, and those columns."""
    wanted = list(columns)
    for name, frame in tables.items():
        missing = [c for c in wanted if c not in frame.columns]
        if missing:
            return name, missing
    return None


def _row_hashes(
    first: pd.DataFrame, second: pd.DataFrame, columns: list[str]
) -> tuple[npt.NDArray[np.integer[Any]], npt.NDArray[np.integer[Any]]]:
    """Row hashes of both tables from per-column codes shared by the two tables."""
    codes_1, codes_2 = {}, {}
    for col in columns:
        both = pd.concat([_comparable(first[col]), _comparable(second[col])], ignore_index=True)
        codes, _ = pd.factorize(both, use_na_sentinel=True)  # missing -> -1 on both sides
        codes_1[col], codes_2[col] = codes[: len(first)], codes[len(first) :]
    hash_1 = pd.util.hash_pandas_object(pd.DataFrame(codes_1), index=False).to_numpy()
    hash_2 = pd.util.hash_pandas_object(pd.DataFrame(codes_2), index=False).to_numpy()
    return hash_1, hash_2


def _comparable(values: pd.Series) -> pd.Series:
    """Values whose equality is the one documented: numbers as float64, others as they are."""
    values = values.reset_index(drop=True)
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    if pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_numeric_dtype(values.dtype):
        return pd.Series(values.to_numpy(dtype=float, na_value=np.nan) + 0.0)  # -0.0 -> 0.0
    return values
