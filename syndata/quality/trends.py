"""Column pair trends: ``CorrelationSimilarity`` and ``ContingencySimilarity`` of two columns."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from syndata.errors import QualityError
from syndata.quality.common import (
    CONTINUOUS_KINDS,
    REAL_ASSOCIATION_THRESHOLD,
    REAL_CORRELATION_THRESHOLD,
    SCORED_KINDS,
)
from syndata.quality.prepared import Prepared, PreparedColumns, prepare


def pair_trend(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    col1: str,
    col2: str,
    kinds: dict[str, str],
    formats: dict[str, str | None] | None = None,
) -> dict[str, Any]:
    """Score one pair of columns (see the module docstring).

    Returns ``{column_1, column_2, metric, score, real_correlation, synthetic_correlation,
    real_association, counted}`` (and ``error`` when the pair cannot be scored).
    """
    formats = formats or {}
    for col in (col1, col2):
        if kinds.get(col) not in SCORED_KINDS:
            raise QualityError(
                f"column {col!r} has kind {kinds.get(col)!r}, which is not "
                f"scored; use one of {', '.join(sorted(SCORED_KINDS))}"
            )
    prepared = {c: prepare(real[c], synthetic[c], kinds[c], formats.get(c)) for c in (col1, col2)}
    return pair_score(col1, col2, kinds, prepared)


def pair_score(
    col1: str, col2: str, kinds: dict[str, str], prepared: dict[str, tuple[Prepared, Prepared]]
) -> dict[str, Any]:
    """The trend score of the column pair ``col1``, ``col2`` (see ``pair_trend``)."""
    continuous = [kinds[c] in CONTINUOUS_KINDS for c in (col1, col2)]
    result: dict[str, Any] = {
        "column_1": col1,
        "column_2": col2,
        "metric": "CorrelationSimilarity" if all(continuous) else "ContingencySimilarity",
        "score": math.nan,
        "real_correlation": math.nan,
        "synthetic_correlation": math.nan,
        "real_association": math.nan,
        "counted": False,
    }
    (r1, s1), (r2, s2) = prepared[col1], prepared[col2]
    if all(continuous):
        assert r1.values is not None and r2.values is not None
        assert s1.values is not None and s2.values is not None
        result.update(_correlation_similarity(r1.values, r2.values, s1.values, s2.values))
        return result
    sides = []
    for real_col, synth_col in ((r1, s1), (r2, s2)):
        error = real_col.bin_error or synth_col.bin_error
        if error or real_col.codes is None or synth_col.codes is None:
            result["error"] = error
            return result
        # missing values are a category of their own here (bin codes are never negative)
        sides.append(
            (
                np.where(real_col.codes < 0, real_col.size, real_col.codes),
                np.where(synth_col.codes < 0, real_col.size, synth_col.codes),
            )
        )
    result.update(_contingency_similarity(sides[0], sides[1]))
    return result


def _correlation_similarity(
    real_1: NDArray[np.float64],
    real_2: NDArray[np.float64],
    synth_1: NDArray[np.float64],
    synth_2: NDArray[np.float64],
) -> dict[str, Any]:
    for name, arr in (
        ("real", real_1),
        ("real", real_2),
        ("synthetic", synth_1),
        ("synthetic", synth_2),
    ):
        present = arr[~np.isnan(arr)]
        if len(present) and np.all(present == present[0]):
            return {"error": f"a column of the {name} data is constant; correlation is undefined"}
    real_r = _pearson(real_1, real_2)
    if real_r is None:
        return {"error": "fewer than 2 real rows with both values"}
    synth_r = _pearson(synth_1, synth_2)
    out: dict[str, Any] = {
        "real_correlation": real_r,
        "counted": not math.isnan(real_r) and abs(real_r) > REAL_CORRELATION_THRESHOLD,
    }
    if synth_r is None:
        out["counted"] = False
        out["error"] = "fewer than 2 synthetic rows with both values"
        return out
    out["synthetic_correlation"] = synth_r
    out["score"] = 1.0 - abs(real_r - synth_r) / 2.0
    return out


def _pearson(x: NDArray[np.float64], y: NDArray[np.float64]) -> float | None:
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    if len(x) < 2:
        return None
    xm, ym = x - x.mean(), y - y.mean()
    denom = math.sqrt(float(np.dot(xm, xm)) * float(np.dot(ym, ym)))
    if denom == 0 or not math.isfinite(denom):
        return math.nan
    return max(-1.0, min(1.0, float(np.dot(xm, ym)) / denom))


def _contingency_similarity(
    first: tuple[NDArray[np.intp], NDArray[np.intp]],
    second: tuple[NDArray[np.intp], NDArray[np.intp]],
) -> dict[str, Any]:
    (real_1, synth_1), (real_2, synth_2) = first, second
    width = int(max(real_2.max(initial=0), synth_2.max(initial=0))) + 1
    height = int(max(real_1.max(initial=0), synth_1.max(initial=0))) + 1
    real_cells = np.bincount(real_1 * width + real_2, minlength=width * height)
    synth_cells = np.bincount(synth_1 * width + synth_2, minlength=width * height)
    association = cramers_v(real_cells.reshape(height, width))
    out: dict[str, Any] = {
        "real_association": association,
        "counted": not math.isnan(association) and association > REAL_ASSOCIATION_THRESHOLD,
    }
    if len(real_1) and len(synth_1):
        diff = np.abs(real_cells / len(real_1) - synth_cells / len(synth_1)).sum()
        out["score"] = float(1.0 - diff / 2.0)
    else:
        out["counted"] = False
    return out


def cramers_v(table: NDArray[np.generic]) -> float:
    """Cramér's V of a two-way count table (no continuity correction); NaN when undefined.

    Rows and columns without counts are dropped first.
    """
    table = np.asarray(table, dtype=float)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    total = table.sum()
    if total == 0 or min(table.shape) < 2:
        return math.nan
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / total
    chi2 = float(((table - expected) ** 2 / expected).sum())
    return math.sqrt(chi2 / total / (min(table.shape) - 1))


def pair_trends(kinds: dict[str, str], prepared: PreparedColumns) -> list[dict[str, Any]]:
    """The trend score of every pair of prepared columns, in column order."""
    return [pair_score(c1, c2, kinds, prepared) for c1, c2 in itertools.combinations(kinds, 2)]
