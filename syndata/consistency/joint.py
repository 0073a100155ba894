"""Categorical columns tied by a rule, modelled as one joint category.

A group of categorical columns linked by allowed combinations or functional dependencies
(species × island; sub_grade -> grade; a code and its name) becomes one column holding
the index of the row's combination among those the real rows hold. A model then can only
draw combinations that occur; splitting the index restores the members. The combinations
are of the values the model may learn anyway (rare values already pooled), so nothing
new is kept.

A pooled (rare) member value is resolved here, not by the rare pool: it becomes a
frequent value that occurs with the row's other members, so restoring never creates a
combination that does not occur.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from syndata.privacy.disclosure import POOLED

Codes = NDArray[np.int64]
MAX_COMBINATIONS = 5_000  # more distinct combinations: the group is checked, not joined


@dataclass
class JointGroup:
    """Members (the first carries the joint index), their values and the combinations."""

    columns: list[str]
    values: list[NDArray[np.object_]]  # per member: its distinct values (null included)
    combos: Codes  # (combinations, members): value index of each member
    weights: NDArray[np.float64]  # rows of each combination, as shares
    resolve: Codes  # combination -> the combination a pooled one becomes (itself if none)

    @property
    def carrier(self) -> str:
        """The column that holds the joint index in the model's frame."""
        return self.columns[0]

    @classmethod
    def fit(cls, frame: pd.DataFrame, columns: list[str]) -> JointGroup | None:
        """The group of ``columns`` of ``frame``; None with too many combinations."""
        values, codes = [], []
        for c in columns:
            code, uniques = pd.factorize(frame[c].astype(object), use_na_sentinel=False)
            values.append(np.asarray(uniques, dtype=object))
            codes.append(code.astype(np.int64))
        if np.prod([float(len(v)) for v in values]) > 2.0**62:
            return None
        key = _key(np.column_stack(codes), [len(v) for v in values])
        combos_key, counts = np.unique(key, return_counts=True)
        if len(combos_key) > MAX_COMBINATIONS:
            return None
        combos = _unkey(combos_key, [len(v) for v in values])
        weights = counts / counts.sum()
        group = cls(list(columns), values, combos, weights, np.arange(len(combos)))
        group.resolve = group._resolutions()
        return group

    def encode(self, frame: pd.DataFrame) -> Codes:
        """Each row's combination index (-1 for one that never occurred)."""
        codes = []
        for c, vals in zip(self.columns, self.values, strict=True):
            index = pd.Index(vals)
            column = frame[c].astype(object)
            column = column.where(column.notna(), np.nan)  # None finds the null value too
            codes.append(index.get_indexer(pd.Index(column)).astype(np.int64))
        matrix = np.column_stack(codes)
        sizes = [len(v) for v in self.values]
        known = _key(self.combos, sizes)
        key = _key(matrix, sizes)
        pos = np.searchsorted(known, key)
        pos = np.minimum(pos, len(known) - 1)
        found = (matrix >= 0).all(axis=1) & (known[pos] == key)
        return np.where(found, pos, -1)

    def decode(self, index: Codes) -> dict[str, NDArray[np.object_]]:
        """The member values of combination indices (pooled members resolved)."""
        rows = self.combos[self.resolve[index]]
        return {c: self.values[j][rows[:, j]] for j, c in enumerate(self.columns)}

    def members(self, column: str) -> set[Any]:
        """The values a member column may take (pooled and null left out)."""
        j = self.columns.index(column)
        return {v for v in self.values[j] if not _missing(v) and v != POOLED}

    def condition(
        self, given: Mapping[str, list[Any]], n: int, rng: np.random.Generator
    ) -> list[int]:
        """Per row, a combination that agrees with the conditioned members (by frequency).

        A row whose conditions no combination meets gets the most frequent combination
        meeting the most of them; the caller writes the conditions over it.
        """
        out = np.empty(n, dtype=np.int64)
        keys = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in given.items()})
        for _, rows in keys.groupby(list(given), dropna=False, sort=False).groups.items():
            first = keys.loc[rows[0]]
            agree = np.zeros(len(self.combos), dtype=np.int64)
            for c in given:
                j = self.columns.index(c)
                agree += self.values[j][self.combos[:, j]] == first[c]
                if _missing(first[c]):
                    agree += np.array([_missing(v) for v in self.values[j][self.combos[:, j]]])
            best = agree == agree.max()
            p = np.where(best, self.weights, 0.0)
            out[np.asarray(rows)] = rng.choice(len(p), size=len(rows), p=p / p.sum())
        picks: list[int] = out.tolist()
        return picks

    def _resolutions(self) -> Codes:
        """For each combination with a pooled member, the frequent one it becomes."""
        pooled = np.zeros(self.combos.shape, dtype=bool)
        for j, vals in enumerate(self.values):
            is_pooled = np.array([isinstance(v, str) and v == POOLED for v in vals], dtype=bool)
            pooled[:, j] = is_pooled[self.combos[:, j]]
        resolve = np.arange(len(self.combos))
        clean = np.flatnonzero(~pooled.any(axis=1))
        if not len(clean):
            return resolve
        for i in np.flatnonzero(pooled.any(axis=1)):
            keep = ~pooled[i]
            same = clean[(self.combos[clean][:, keep] == self.combos[i, keep]).all(axis=1)]
            choices = same if len(same) else clean
            resolve[i] = choices[np.argmax(self.weights[choices])]
        return resolve


def _key(matrix: Codes, sizes: list[int]) -> Codes:
    key = np.zeros(len(matrix), dtype=np.int64)
    for j, size in enumerate(sizes):
        key = key * size + matrix[:, j]
    return key


def _unkey(key: Codes, sizes: list[int]) -> Codes:
    out = np.empty((len(key), len(sizes)), dtype=np.int64)
    for j in range(len(sizes) - 1, -1, -1):
        out[:, j] = key % sizes[j]
        key = key // sizes[j]
    return out


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA
