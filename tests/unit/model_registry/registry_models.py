"""A small learned synthesizer for the registry tests: independent empirical marginals.

Each modelled column keeps its observed non-null values and its null rate; sampling
draws every column independently from those values (a bootstrap of each marginal), with
optional Gaussian jitter on numeric columns. It lives in an importable module so that a
pickled model loads in a new process.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from syndata.models.base import Synthesizer


class EmpiricalMarginals(Synthesizer):
    """Samples each column independently from its observed values."""

    model_type = "empirical_marginals"

    def __init__(self, jitter: float = 0.0, min_values: int = 1) -> None:
        self.jitter = jitter
        self.min_values = min_values

    def _fit(self, data: pd.DataFrame) -> None:
        self.values_: dict[str, np.ndarray] = {}
        self.null_rate_: dict[str, float] = {}
        self.scale_: dict[str, float] = {}
        for col in data.columns:
            present = data[col].dropna()
            if len(present) < self.min_values:
                raise ValueError(f"column {col!r} has fewer than {self.min_values} values")
            self.values_[col] = present.to_numpy()
            self.null_rate_[col] = float(data[col].isna().mean())
            numeric = pd.api.types.is_numeric_dtype(present) and not pd.api.types.is_bool_dtype(
                present
            )
            self.scale_[col] = float(present.std(ddof=0)) if numeric else 0.0

    def _sample(
        self, n: int, rng: np.random.Generator, conditions: Mapping[str, Any]
    ) -> pd.DataFrame:
        out: dict[str, Any] = {}
        for col, values in self.values_.items():
            drawn = pd.Series(values[rng.integers(0, len(values), n)])
            if self.jitter and self.scale_[col]:
                drawn = drawn.astype(float) + rng.normal(0.0, self.jitter * self.scale_[col], n)
            nulls = rng.random(n) < self.null_rate_[col]
            if nulls.any():
                drawn = drawn.mask(nulls)
            out[col] = [conditions[col]] * n if col in conditions else drawn
        return pd.DataFrame(out)
