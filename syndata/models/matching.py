"""Matching child rows to parents for a secondary foreign key, within the parents' quotas.

Each child row proposes its ``NEIGHBOURS`` nearest synthetic parents (by the parent
attributes the child's model drew for it; categories one-hot up to ``MAX_ONE_HOT``
values, ranks beyond; numbers standardised); rows in random order take the nearest
parent that still has room, and the rows left over fill the remaining places at random.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from syndata.models.arrays import Codes, Floats

NEIGHBOURS = 10  # candidate parents per child row when matching a secondary foreign key
MAX_ONE_HOT = 20  # categories up to this many are one-hot when matching, ranks beyond


def match_parents(
    children: pd.DataFrame, parents: pd.DataFrame, quotas: Codes, rng: np.random.Generator
) -> Codes:
    """For each child row, the index of a parent near its attributes, within quotas."""
    n = len(children)
    assigned = np.full(n, -1, dtype=np.int64)
    remaining = quotas.astype(np.int64).copy()
    active = np.flatnonzero(remaining > 0)
    if n == 0:
        return assigned
    if len(children.columns) and len(active) > 1:
        from sklearn.neighbors import NearestNeighbors

        feats_c, feats_p = _features(children, parents.iloc[active])
        k = min(NEIGHBOURS, len(active))
        _, near = NearestNeighbors(n_neighbors=k).fit(feats_p).kneighbors(feats_c)
        near = active[near]
        order = rng.permutation(n)
        for j in range(k):
            free = order[assigned[order] < 0]
            if not len(free):
                break
            proposal = near[free, j]
            sort = np.argsort(proposal, kind="stable")
            chosen = proposal[sort]
            first = np.searchsorted(chosen, chosen, side="left")
            accept = (np.arange(len(chosen)) - first) < remaining[chosen]
            assigned[free[sort[accept]]] = chosen[accept]
            remaining -= np.bincount(chosen[accept], minlength=len(remaining))
    free = np.flatnonzero(assigned < 0)
    if len(free):
        slots = np.repeat(np.arange(len(remaining)), np.maximum(remaining, 0))
        rng.shuffle(slots)
        if len(slots) < len(free):  # cannot happen when quotas sum to n; stay total anyway
            slots = np.concatenate([slots, rng.choice(max(len(quotas), 1), len(free) - len(slots))])
        assigned[free] = slots[: len(free)]
    return assigned


def _features(children: pd.DataFrame, parents: pd.DataFrame) -> tuple[Floats, Floats]:
    """Children's and parents' attributes as comparable numbers (same encoding for both)."""
    parts_c: list[Floats] = []
    parts_p: list[Floats] = []
    for col in parents.columns:
        both = pd.concat([parents[col], children[col]], ignore_index=True)
        if (
            pd.api.types.is_bool_dtype(both)
            or both.dtype == object
            or isinstance(both.dtype, pd.CategoricalDtype)
        ):
            codes, uniques = pd.factorize(both.astype(object).where(both.notna(), "\0null"))
            if len(uniques) <= MAX_ONE_HOT:
                block = np.eye(len(uniques))[codes] / np.sqrt(2.0)
            else:
                block = (codes / max(len(uniques) - 1, 1) * np.sqrt(12.0))[:, None]
        else:
            if pd.api.types.is_datetime64_any_dtype(both):
                both = both.astype("int64").astype(float).where(both.notna())
            x = pd.to_numeric(both, errors="coerce").to_numpy(dtype=float)
            present = x[~np.isnan(x)]
            mean = present.mean() if len(present) else 0.0
            std = present.std() if len(present) and present.std() > 0 else 1.0
            z = np.nan_to_num((x - mean) / std, nan=0.0)
            block = np.column_stack([z, np.isnan(x).astype(float)])
        parts_p.append(block[: len(parents)])
        parts_c.append(block[len(parents) :])
    return np.column_stack(parts_c), np.column_stack(parts_p)
