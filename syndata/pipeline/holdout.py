"""Hold out rows of a schema for its privacy report without breaking a foreign key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from syndata.metadata import Metadata
from syndata.pipeline.inputs import check_holdout

HOLDOUT_MIN_ROWS = 50  # a table with fewer rows holds none out itself (as ``fit``)
HOLDOUT_MIN_FAMILIES = 50  # ... nor a parent whose children crowd into fewer families


@dataclass
class SchemaSplit:
    """A schema's rows for training and held out, and why a table holds none out itself."""

    train: dict[str, pd.DataFrame]
    holdout: dict[str, pd.DataFrame]
    reasons: dict[str, str] = field(default_factory=dict)


def split_schema(
    frames: Mapping[str, pd.DataFrame],
    meta: Metadata,
    holdout: float,
    seed: int,
    kept: frozenset[str] = frozenset(),
) -> SchemaSplit:
    """Hold out about ``holdout`` of each table's rows without breaking a foreign key.

    Tables are visited parents first. The children of held-out rows are held out with
    them (a training row never refers to a held-out one, and a held-out row is one the
    model never saw); a table whose rows that leaves below its share tops it up with
    rows drawn at random (``seed``), which take their own children along. A table holds
    none out itself (only the children of held-out parents) when it is one of ``kept``
    (reference tables, kept as they are), has fewer than ``HOLDOUT_MIN_ROWS`` rows, or
    when the children of some foreign key crowd into fewer than ``HOLDOUT_MIN_FAMILIES``
    of its rows (as many children per parent as that many equal families would have:
    holding out one of three airports would take a third of the flights along).
    ``reasons`` says which and why. Raises ConfigError for a share outside [0, 1).
    """
    check_holdout(holdout)
    frames = dict(frames)
    if holdout == 0:
        return SchemaSplit(frames, {n: f.iloc[:0] for n, f in frames.items()})
    rng = np.random.default_rng(seed)
    out: dict[str, NDArray[np.bool_]] = {}
    reasons: dict[str, str] = {}
    for name in meta.order():
        frame = frames[name]
        held = np.zeros(len(frame), dtype=bool)
        for rel in meta.parents_of(name):
            parent = frames[rel.parent_table]
            gone = parent[rel.parent_key].to_numpy()[out[rel.parent_table]]
            if len(gone):
                held |= frame[rel.child_key].isin(gone).to_numpy()
        reason = _holdout_blocker(name, frames, meta, kept)
        target = round(holdout * len(frame))
        if reason is not None:
            reasons[name] = reason
        elif held.sum() < target:
            free = np.flatnonzero(~held)
            held[rng.choice(free, size=min(target - int(held.sum()), len(free)), replace=False)] = (
                True
            )
        out[name] = held
    emptied = [n for n in frames if len(frames[n]) and out[n].all()]
    if emptied:  # a table would have no training row left: hold nothing out
        why = f"holding rows out would leave table {', '.join(emptied)} without training rows"
        return SchemaSplit(
            frames, {n: f.iloc[:0] for n, f in frames.items()}, dict.fromkeys(frames, why)
        )
    return SchemaSplit(
        {n: f[~out[n]].reset_index(drop=True) for n, f in frames.items()},
        {n: f[out[n]].reset_index(drop=True) for n, f in frames.items()},
        reasons,
    )


def _holdout_blocker(
    name: str, frames: Mapping[str, pd.DataFrame], meta: Metadata, kept: frozenset[str]
) -> str | None:
    """Why table ``name`` holds no rows out itself (see ``split_schema``), or None."""
    if name in kept:
        return "a reference table, kept as it is (nothing of it is held out)"
    if len(frames[name]) < HOLDOUT_MIN_ROWS:
        return f"{len(frames[name])} rows, too few to hold any out (at least {HOLDOUT_MIN_ROWS})"
    for rel in meta.children_of(name):
        counts = frames[rel.child_table][rel.child_key].value_counts().to_numpy(dtype=float)
        if counts.sum() and counts.sum() ** 2 / (counts**2).sum() < HOLDOUT_MIN_FAMILIES:
            return (
                f"the rows of {rel.child_table} crowd into few of its rows (through "
                f"{rel.child_key}): holding one out would take too many of them along"
            )
    return None
