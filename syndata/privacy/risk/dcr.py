"""Distance to closest record (DCR): Gower distances of synthetic rows to train and holdout rows.

See ``syndata.privacy.risk`` for the distance and why train and holdout are compared at
the same size.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from syndata.errors import QualityError
from syndata.metadata import ColumnMetadata, TableMetadata
from syndata.privacy.risk.columns import (
    CONTINUOUS_KINDS,
    categories,
    check_rows,
    continuous,
    modelled_columns,
    subsample,
)

DCR_ROWS = 20_000  # train and holdout rows compared (each)
DCR_QUERIES = 2_000  # synthetic rows (and holdout rows) looked up in them
BRUTE_FORCE_ROWS = 5_000  # up to this many compared rows, brute force beats a k-d tree
MAX_ONE_HOT = 200  # indicators per category column in the DCR features
ZERO = 1e-12  # distances at most this are 0 (exact copies give exactly 0.0)
# a model memorises when its DCR share exceeds max(floor, real baseline + margin): the
# baseline (unseen real rows' own share) strays from 0.5 on small tables
MEMORISING_FLOOR, MEMORISING_MARGIN = 0.53, 0.03


def memorising_limit(baseline: float) -> float:
    """The highest DCR share that is no memorisation, given the real rows' own share."""
    return max(MEMORISING_FLOOR, baseline + MEMORISING_MARGIN)


def dcr_report(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    *,
    metadata: TableMetadata | None = None,
    max_rows: int = DCR_ROWS,
    max_queries: int = DCR_QUERIES,
    seed: int = 0,
) -> dict[str, Any]:
    """Distance to closest record of synthetic rows, against train and holdout rows.

    Train and holdout are subsampled (uniformly, with ``seed``) to the same size,
    ``min(len(train), len(holdout), max_rows)``; at most ``max_queries`` synthetic rows
    (and as many holdout rows, for the baseline) are looked up in them. Distances are the
    Gower distances of the module docstring (0 to 1). Returns:

    * ``share_closer_to_train`` — synthetic rows nearer a training row than a holdout row
      (ties count a half), ``tie_share``, ``median_dcr_train``, ``median_dcr_holdout``,
      ``zero_distance_share`` (synthetic rows at distance 0 from a training row);
    * ``holdout`` — the same statistics for holdout rows (against the *other* holdout rows);
    * ``share_if_copied`` — what a verbatim copy of the training table would score:
      ``0.5 + 0.5 · size / len(train)``. A synthetic row that copies a training row left
      out of the compared sample looks like an unseen real row, so with train four times
      the holdout even a copy scores only 0.625;
    * ``rows`` (compared rows per table) and ``columns``.
    """
    check_rows(max_rows)
    check_rows(max_queries, "max_queries")
    columns = modelled_columns(train, holdout, synthetic, metadata, seed)
    if min(len(train), len(holdout)) < 2:
        raise QualityError("the DCR needs at least 2 training and 2 holdout rows")
    size = min(len(train), len(holdout), max_rows)
    train_s = subsample(train, size, seed)
    holdout_s = subsample(holdout, size, seed + 1)
    synth_s = subsample(synthetic, max_queries, seed + 2)
    x_train, x_holdout, x_synth = gower_features([train_s, holdout_s, synth_s], columns)
    x_queries = x_holdout[:max_queries]  # a uniform sample already: holdout_s is shuffled
    from sklearn.neighbors import NearestNeighbors

    scale = 1.0 / len(columns)  # L1 sum of the Gower terms -> their mean
    algorithm = "kd_tree" if size > BRUTE_FORCE_ROWS else "brute"  # the faster, measured
    to_train = NearestNeighbors(metric="manhattan", algorithm=algorithm).fit(x_train)
    to_holdout = NearestNeighbors(metric="manhattan", algorithm=algorithm).fit(x_holdout)
    syn_train = to_train.kneighbors(x_synth, n_neighbors=1)[0][:, 0] * scale
    syn_holdout = to_holdout.kneighbors(x_synth, n_neighbors=1)[0][:, 0] * scale
    hold_train = to_train.kneighbors(x_queries, n_neighbors=1)[0][:, 0] * scale
    # a holdout row is its own nearest holdout row (distance 0): take the next one
    hold_holdout = to_holdout.kneighbors(x_queries, n_neighbors=2)[0][:, 1] * scale
    report: dict[str, Any] = _dcr_statistics(syn_train, syn_holdout)
    report["holdout"] = _dcr_statistics(hold_train, hold_holdout)
    report["share_if_copied"] = 0.5 + 0.5 * size / len(train)
    report["rows"] = {
        "train": size,
        "holdout": size,
        "synthetic": len(synth_s),
        "holdout_queries": len(x_queries),
    }
    report["columns"] = list(columns)
    return report


def _dcr_statistics(
    to_train: npt.NDArray[np.float64], to_holdout: npt.NDArray[np.float64]
) -> dict[str, float]:
    ties = np.isclose(to_train, to_holdout, rtol=1e-9, atol=ZERO)
    closer = (to_train < to_holdout) & ~ties
    return {
        "share_closer_to_train": float(closer.mean() + 0.5 * ties.mean()),
        "tie_share": float(ties.mean()),
        "median_dcr_train": float(np.median(to_train)),
        "median_dcr_holdout": float(np.median(to_holdout)),
        "zero_distance_share": float((to_train <= ZERO).mean()),
    }


def gower_features(
    frames: Sequence[pd.DataFrame], columns: dict[str, ColumnMetadata]
) -> list[npt.NDArray[np.float64]]:
    """Feature matrices, one per frame, whose L1 distances are the Gower sums over columns.

    See the module docstring: continuous columns scaled by their range over all
    ``frames``; categories one-hot with weight 0.5; missing values 1 from present ones.
    """
    bounds = np.cumsum([0, *(len(f) for f in frames)])
    blocks: list[npt.NDArray[np.float64]] = []
    for name, meta in columns.items():
        if meta.kind in CONTINUOUS_KINDS:
            values = np.concatenate([continuous(f[name], meta) for f in frames])
            blocks.append(_continuous_block(values))
        else:
            both = pd.concat([categories(f[name]) for f in frames], ignore_index=True)
            blocks.append(_category_block(both))
    matrix = np.hstack(blocks)
    return [matrix[a:b] for a, b in itertools.pairwise(bounds)]


def _continuous_block(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``x`` scaled to [0, 1]; with missing values, ``0.5·x, 0.5·(1 − x), 0.5·missing``."""
    missing = np.isnan(values)
    if missing.all():
        return np.zeros((len(values), 1))
    lo, hi = np.nanmin(values), np.nanmax(values)
    x = (values - lo) / (hi - lo) if hi > lo else np.zeros_like(values)
    if not missing.any():
        return x[:, None]
    x = np.where(missing, 0.0, x)
    present = (~missing).astype(float)
    return 0.5 * np.column_stack([x, present - x, missing.astype(float)])


def _category_block(values: pd.Series) -> npt.NDArray[np.float64]:
    """One-hot indicators of weight 0.5 (missing is a category of its own).

    Beyond ``MAX_ONE_HOT`` categories the rarest share the last indicator.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    if len(uniques) > MAX_ONE_HOT:
        counts = np.bincount(codes, minlength=len(uniques))
        rank = np.empty(len(uniques), dtype=np.int64)
        rank[np.argsort(-counts, kind="stable")] = np.arange(len(uniques))
        codes = np.minimum(rank[codes], MAX_ONE_HOT - 1)
        width = MAX_ONE_HOT
    else:
        width = max(len(uniques), 1)
    block = np.zeros((len(values), width))
    block[np.arange(len(values)), codes] = 0.5
    return block
