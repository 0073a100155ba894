"""ML efficacy: a model trained on real rows and one on synthetic rows, scored on real ones."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from syndata.errors import QualityError
from syndata.metadata import TableMetadata
from syndata.quality.common import (
    DISCRETE_KINDS,
    MAX_CATEGORICAL_CODES,
    ML_THREADS,
    check_target,
    require_columns,
    scored_kinds,
)
from syndata.quality.prepared import plain_values, to_float


def ml_efficacy(
    train_real: pd.DataFrame,
    synthetic: pd.DataFrame,
    test_real: pd.DataFrame,
    target: str,
    metadata: TableMetadata,
    seed: int = 0,
) -> dict[str, Any]:
    """Train on real rows and on synthetic rows, test both on held-out real rows.

    Returns ``{target, task, metric, real_score, synthetic_score, difference}`` with the
    macro F1 (categorical/boolean target) or R² (numerical target) of each model and
    ``difference = real_score - synthetic_score``.
    """
    return score_ml_efficacy(train_real, synthetic, test_real, target, metadata, seed)


def score_ml_efficacy(
    train_real: pd.DataFrame,
    synthetic: pd.DataFrame,
    test_real: pd.DataFrame,
    target: str,
    metadata: TableMetadata,
    seed: int,
) -> dict[str, Any]:
    """ML efficacy of ``synthetic`` for ``target`` (see ``ml_efficacy``)."""
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.metrics import f1_score, r2_score
    from threadpoolctl import threadpool_limits

    check_target(target, metadata)
    kinds = scored_kinds(metadata)
    features = [c for c in kinds if c != target]
    if not features:
        raise QualityError(
            f"ML efficacy needs at least one modelled column besides the target {target!r}"
        )
    frames = [train_real, synthetic, test_real]
    for frame, name in zip(frames, ("real training", "synthetic", "real test"), strict=True):
        require_columns(frame, [*features, target], name)
    if kinds[target] == "numerical":
        frames = [f[np.isfinite(to_float(f[target], "numerical", None))] for f in frames]
    else:
        frames = [f[f[target].notna()] for f in frames]
    for frame, name in zip(frames, ("real training", "synthetic", "real test"), strict=True):
        if len(frame) == 0:
            raise QualityError(f"ML efficacy: the {name} rows have no value in {target!r}")
    formats = {c.name: c.format for c in metadata.columns.values()}

    matrices: list[list[NDArray[np.generic]]] = [[], [], []]
    categorical: list[bool] = []
    for col in features:
        if kinds[col] in DISCRETE_KINDS:
            codes, size = _codes_for(frames, col)
            for out, c in zip(matrices, codes, strict=True):
                out.append(np.where(c < 0, np.nan, c).astype(float))
            categorical.append(size <= MAX_CATEGORICAL_CODES)
        else:
            for out, frame in zip(matrices, frames, strict=True):
                out.append(to_float(frame[col], kinds[col], formats.get(col)))
            categorical.append(False)
    x_train, x_synth, x_test = (np.column_stack(m) for m in matrices)

    task = "classification" if kinds[target] in DISCRETE_KINDS else "regression"
    y_train: NDArray[np.generic]
    y_synth: NDArray[np.generic]
    y_test: NDArray[np.generic]
    if task == "classification":
        labels, _ = _codes_for(frames, target)
        y_train, y_synth, y_test = labels
        model: Any = HistGradientBoostingClassifier(
            random_state=seed, categorical_features=categorical
        )
        metric = "macro F1"
    else:
        y_train, y_synth, y_test = (to_float(f[target], "numerical", None) for f in frames)
        model = HistGradientBoostingRegressor(random_state=seed, categorical_features=categorical)
        metric = "R2"

    def score(x: NDArray[np.generic], y: NDArray[np.generic]) -> float:
        if task == "classification" and len(np.unique(y)) < 2:
            predicted = np.full(len(y_test), y[0])  # one class: predict it
        else:
            try:
                predicted = model.fit(x, y).predict(x_test)
            except ValueError:  # early stopping's stratified split fails on a one-row class
                predicted = model.set_params(early_stopping=False).fit(x, y).predict(x_test)
                model.set_params(early_stopping="auto")
        if task == "classification":
            return float(f1_score(y_test, predicted, average="macro", zero_division=0.0))
        return float(r2_score(y_test, predicted))

    # one thread: on these sizes threads gain little and stall badly on a busy machine
    with threadpool_limits(limits=ML_THREADS):
        real_score = score(x_train, y_train)
        synthetic_score = score(x_synth, y_synth)
    return {
        "target": target,
        "task": task,
        "metric": metric,
        "real_score": real_score,
        "synthetic_score": synthetic_score,
        "difference": real_score - synthetic_score,
    }


def _codes_for(frames: list[pd.DataFrame], col: str) -> tuple[list[NDArray[np.intp]], int]:
    """Ordinal codes of one column fitted on the union of the frames' categories (-1: null)."""
    both = pd.concat([plain_values(f[col]) for f in frames], ignore_index=True)
    codes, uniques = pd.factorize(both, use_na_sentinel=True)
    bounds = np.cumsum([0, *(len(f) for f in frames)])
    return [codes[a:b] for a, b in itertools.pairwise(bounds)], len(uniques)
