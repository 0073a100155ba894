"""Column shapes: ``KSComplement`` and ``TVComplement`` of one column (see ``quality.report``)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from syndata.errors import QualityError
from syndata.quality.common import CONTINUOUS_KINDS, KS_DECIMALS, SCORED_KINDS
from syndata.quality.prepared import Prepared, PreparedColumns, joint_codes, prepare


def column_shape(real: pd.Series, synthetic: pd.Series, kind: str, fmt: str | None = None) -> float:
    """KSComplement (numerical, datetime, date_string) or TVComplement (categorical, boolean).

    Missing values are dropped; NaN when either side has no value left.
    """
    if kind not in SCORED_KINDS:
        raise QualityError(
            f"column kind {kind!r} is not scored; use one of {', '.join(sorted(SCORED_KINDS))}"
        )
    return shape_score(*prepare(real, synthetic, kind, fmt), kind)


def shape_metric(kind: str) -> str:
    """The column shape metric of ``kind``: ``KSComplement`` or ``TVComplement``."""
    return "KSComplement" if kind in CONTINUOUS_KINDS else "TVComplement"


def shape_score(real: Prepared, synthetic: Prepared, kind: str) -> float:
    """The column shape score of two prepared columns."""
    if kind in CONTINUOUS_KINDS:
        assert real.values is not None and synthetic.values is not None
        return ks_complement(real.values, synthetic.values)
    assert real.codes is not None and synthetic.codes is not None
    return _tv_from_codes(real.codes, synthetic.codes, real.size)


def ks_complement(real: NDArray[np.float64], synthetic: NDArray[np.float64]) -> float:
    """1 − the two-sample KS statistic of two float arrays (NaN dropped)."""
    r = np.sort(np.round(real[~np.isnan(real)], KS_DECIMALS))
    s = np.sort(np.round(synthetic[~np.isnan(synthetic)], KS_DECIMALS))
    if len(r) == 0 or len(s) == 0:
        return math.nan
    both = np.concatenate([r, s])
    cdf_r = np.searchsorted(r, both, side="right") / len(r)
    cdf_s = np.searchsorted(s, both, side="right") / len(s)
    return float(1.0 - np.max(np.abs(cdf_r - cdf_s)))


def tv_complement(real: pd.Series, synthetic: pd.Series) -> float:
    """1 − the total variation distance of two columns' category frequencies (nulls dropped).

    A category only the synthetic column has gets a real count of 1e-6, as in SDMetrics.
    """
    return _tv_from_codes(*joint_codes(real, synthetic))


def _tv_from_codes(codes_r: NDArray[np.intp], codes_s: NDArray[np.intp], size: int) -> float:
    codes_r, codes_s = codes_r[codes_r >= 0], codes_s[codes_s >= 0]
    if len(codes_r) == 0 or len(codes_s) == 0:
        return math.nan
    count_r = np.bincount(codes_r, minlength=size).astype(float)
    count_s = np.bincount(codes_s, minlength=size).astype(float)
    count_r[(count_r == 0) & (count_s > 0)] = 1e-6
    total = np.abs(count_s / count_s.sum() - count_r / count_r.sum()).sum()
    return float(1.0 - 0.5 * total)


def column_shapes(kinds: Mapping[str, str], prepared: PreparedColumns) -> list[dict[str, Any]]:
    """The shape score of every prepared column, with its kind and metric."""
    return [
        {
            "column": col,
            "kind": kind,
            "metric": shape_metric(kind),
            "score": shape_score(*prepared[col], kind),
        }
        for col, kind in kinds.items()
    ]
