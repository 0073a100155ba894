"""The disclosure rule: which real values may appear in anything the product writes.

One rule, kept here and nowhere else:

* no value of a column flagged as a **direct identifier** (a name, e-mail, phone, id,
  free text with any of these: ``syndata.privacy.entities``) appears anywhere — profiles
  show such columns as counts and shapes only;
* no **categorical text value seen fewer than k times** in the data (k-anonymity style;
  ``SYNDATA_RARE_K``, default 5) appears anywhere — not in profiles, inferred rules,
  model files, reports, MLflow, API responses, the UI, logs or outputs;
* the **extremes** (min and max) of a flagged quasi-identifier (a date of birth, an age)
  are single people: profiles withhold them.

``shown_counts`` filters value counts for profiles and inferred rules. ``RarePool`` is
the models' side (MOSTLY AI calls it rare-category protection): before a model learns a
table, every rare value of a text category column is replaced by one pooled token, so the
model learns how often "some rare value" occurs and with what, but never a rare value;
when it samples, the pooled token is drawn among the column's frequent values in
proportion to their counts (``replacement="sample"``, the default: the column keeps its
real category set), or written as ``_RARE_`` (``replacement="constant"``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from syndata.settings import whole_number_setting

RARE_K_VAR = "SYNDATA_RARE_K"
DEFAULT_RARE_K = 5
MAX_RARE_K = 1_000
POOLED = "\x00syndata-rare"  # the pooled token models learn (never written out)
RARE_PLACEHOLDER = "_RARE_"  # what ``replacement="constant"`` writes
Replacement = Literal["sample", "constant"]


def rare_k() -> int:
    """The smallest count a categorical value needs to appear anywhere (default 5).

    Read from ``SYNDATA_RARE_K``; 1 turns the rule off for categories (direct identifiers
    stay hidden). Raises ConfigError naming the variable when it is not 1..1000.
    """
    return whole_number_setting(
        RARE_K_VAR,
        DEFAULT_RARE_K,
        f"set {RARE_K_VAR} to the smallest count a category needs "
        f"to be shown and learned, e.g. {DEFAULT_RARE_K}, or unset it",
        hi=MAX_RARE_K,
    )


def shown_counts(counts: pd.Series, k: int | None = None) -> pd.Series:
    """The value counts that may be shown: those of at least ``k`` (default ``rare_k()``)."""
    k = rare_k() if k is None else k
    return counts[counts >= k]


def is_text_category(values: pd.Series) -> bool:
    """True for a column of text (object, string or categorical of text) values."""
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.api.types.is_object_dtype(dtype.categories.dtype) or pd.api.types.is_string_dtype(
            dtype.categories.dtype
        )
    return pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)


@dataclass
class RarePool:
    """Rare values of text category columns pooled for learning; see the module docstring.

    ``frequent`` holds, per pooled column, the values of at least ``k`` rows and their
    shares (safe to keep: each is shared by k or more rows); ``pooled`` the number of
    distinct rare values pooled (a count, never a value).
    """

    k: int = DEFAULT_RARE_K
    replacement: Replacement = "sample"
    frequent: dict[str, tuple[list[Any], npt.NDArray[np.float64]]] = field(default_factory=dict)
    pooled: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_counts(
        cls,
        counts: Mapping[str, pd.Series],
        k: int | None = None,
        replacement: Replacement = "sample",
    ) -> RarePool:
        """From each text category column's value counts (nulls left out)."""
        pool = cls(rare_k() if k is None else k, replacement)
        for column, column_counts in counts.items():
            present = column_counts[column_counts.index.notna()]
            rare = present[present < pool.k]
            if len(rare) == 0:
                continue
            keep = present[present >= pool.k]
            shares = keep.to_numpy(dtype=float)
            pool.frequent[column] = (
                keep.index.tolist(),
                shares / shares.sum() if len(keep) else shares,
            )
            pool.pooled[column] = len(rare)
        return pool

    @classmethod
    def fit(
        cls,
        frame: pd.DataFrame,
        columns: Iterable[str],
        k: int | None = None,
        replacement: Replacement = "sample",
    ) -> RarePool:
        """Learn which values of ``columns`` (text ones only) are rare in ``frame``."""
        counts = {
            c: frame[c].value_counts(dropna=True)
            for c in columns
            if c in frame and is_text_category(frame[c])
        }
        return cls.from_counts(counts, k, replacement)

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with every rare value of a pooled column replaced by the pooled token."""
        if not self.frequent:
            return frame
        out = frame.copy()
        for column, (keep, _) in self.frequent.items():
            if column not in out:
                continue
            values = out[column]
            if isinstance(values.dtype, pd.CategoricalDtype):
                values = values.astype(object)
            rare = values.notna() & ~values.isin(keep)
            out[column] = values.where(~rare, POOLED)
        return out

    def restore(self, frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
        """Sampled rows with each pooled token drawn among the frequent values (or _RARE_)."""
        for column, (keep, shares) in self.frequent.items():
            if column not in frame:
                continue
            values = frame[column]
            if isinstance(values.dtype, pd.CategoricalDtype):
                frame[column] = self._restore_categorical(values, keep, shares, rng)
                continue
            where = (values == POOLED).to_numpy(dtype=bool)
            if where.any():
                values = values.astype(object).copy()
                values[where] = self._draws(int(where.sum()), keep, shares, rng)
                frame[column] = values
        return frame

    def _draws(
        self, n: int, keep: list[Any], shares: npt.NDArray[np.float64], rng: np.random.Generator
    ) -> npt.NDArray[np.object_]:
        if self.replacement == "constant" or not keep:
            return np.full(n, RARE_PLACEHOLDER, dtype=object)
        picks = rng.choice(len(keep), size=n, p=shares)
        drawn: npt.NDArray[np.object_] = np.asarray(keep, dtype=object)[picks]
        return drawn

    def _restore_categorical(
        self,
        values: pd.Series,
        keep: list[Any],
        shares: npt.NDArray[np.float64],
        rng: np.random.Generator,
    ) -> pd.Series:
        categories = list(values.cat.categories)
        if POOLED not in categories:
            return values
        pooled_code = categories.index(POOLED)
        codes = values.cat.codes.to_numpy().copy()
        where = codes == pooled_code
        drawn = self._draws(int(where.sum()), keep, shares, rng)
        new_categories = [c for c in categories if c != POOLED]
        extra = [v for v in pd.unique(drawn) if v not in new_categories]
        new_categories += extra
        index = {c: i for i, c in enumerate(new_categories)}
        remap = np.array([index[c] if c != POOLED else -1 for c in categories] or [0])
        out = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
        out[where] = [index[v] for v in drawn]
        codes_out: Any = out
        return pd.Series(
            pd.Categorical.from_codes(codes_out, categories=pd.Index(new_categories)),
            index=values.index,
            name=values.name,
        )

    def pool_counts(self, column: str, counts: pd.Series) -> pd.Series:
        """Value counts of ``column`` with its rare values summed under the pooled token."""
        if column not in self.frequent:
            return counts
        keep = set(self.frequent[column][0])
        rare = counts.index.notna() & ~counts.index.isin(keep)
        pooled = pd.Series([counts[rare].sum()], index=pd.Index([POOLED], dtype=object))
        out: pd.Series = pd.concat([counts[~rare], pooled])
        return out

    def to_dict(self) -> dict[str, Any]:
        """Counts only: which columns had rare values pooled, and how many."""
        return {"k": self.k, "replacement": self.replacement, "pooled": dict(self.pooled)}
