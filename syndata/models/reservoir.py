"""A uniform sample of rows over batches (Algorithm R, a batch at a time).

``fit_batches`` of the copula keeps such a sample to estimate quantiles and rare
categories when the table does not fit in memory.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def reservoir_update(
    reservoir: pd.DataFrame | None,
    batch: pd.DataFrame,
    seen: int,
    size: int,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """A uniform sample of ``size`` rows over all batches so far (``seen`` rows before)."""
    batch = batch.reset_index(drop=True)
    if reservoir is None or len(reservoir) < size:
        room = size - (0 if reservoir is None else len(reservoir))
        head = batch.iloc[:room]
        reservoir = head if reservoir is None else pd.concat([reservoir, head], ignore_index=True)
        batch = batch.iloc[room:].reset_index(drop=True)
        seen += len(head)
    if len(batch) == 0:
        return reservoir
    positions = seen + np.arange(len(batch))
    slots = (rng.random(len(batch)) * (positions + 1)).astype(np.int64)
    keep = slots < size
    if keep.any():
        reservoir = reservoir.copy()
        # later rows win where two rows of this batch land in the same slot
        chosen = pd.Series(np.flatnonzero(keep), index=slots[keep]).groupby(level=0).last()
        reservoir.iloc[chosen.index.to_numpy()] = batch.iloc[chosen.to_numpy()].to_numpy()
    return reservoir
