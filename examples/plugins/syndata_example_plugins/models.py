"""The model ``marginals``: every column drawn on its own from its learned distribution.

The simplest honest synthesizer: numbers from a normal fitted to their mean and spread
(clipped to the observed range, nulls at their share), categories at their frequencies
(rare ones already pooled by syndata before the model sees them). It keeps no row and no
dependence between columns: fast and private, a baseline to compare real models with.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from syndata.models.base import Synthesizer
from syndata.models.encoding import CategoryEncoder, NumericEncoder


class Marginals(Synthesizer):
    """Independent marginals; ``spread`` scales the numbers' standard deviation."""

    model_type = "marginals"

    def __init__(self, spread: float = 1.0) -> None:
        self.spread = spread

    def _fit(self, data: pd.DataFrame) -> None:
        self.numbers_: dict[str, tuple[NumericEncoder, float, float]] = {}
        self.categories_: dict[str, CategoryEncoder] = {}
        for name in data.columns:
            meta = self.metadata_.columns[name]
            if meta.kind in ("categorical", "boolean"):
                self.categories_[name] = CategoryEncoder.fit(data[name])
            else:
                encoder = NumericEncoder.fit(meta, data[name])
                x = encoder.encode(data[name])
                present = x[~np.isnan(x)]
                mean = float(present.mean()) if len(present) else 0.0
                std = float(present.std()) if len(present) > 1 else 0.0
                self.numbers_[name] = (encoder, mean, std)

    def _sample(
        self, n: int, rng: np.random.Generator, conditions: Mapping[str, Any]
    ) -> pd.DataFrame:
        columns: dict[str, Any] = {}
        for name in self.modelled_:
            if name in conditions:
                value = conditions[name]
                columns[name] = value if isinstance(value, list | tuple) else [value] * n
            elif name in self.categories_:
                encoder = self.categories_[name]
                codes = rng.choice(len(encoder.categories), size=n, p=encoder.frequencies)
                columns[name] = encoder.decode(codes)
            else:
                encoder_n, mean, std = self.numbers_[name]
                x = np.clip(rng.normal(mean, std * self.spread, n), encoder_n.lo, encoder_n.hi)
                x[rng.random(n) < encoder_n.null_share] = np.nan
                columns[name] = encoder_n.decode(x)
        return pd.DataFrame(columns, index=range(n))

    def _category_encoder(self, column: str) -> CategoryEncoder | None:
        return self.categories_.get(column)
