"""Sequential tree synthesis (CART), for higher fidelity than the copula.

Columns are synthesised one after another. The first is drawn from its marginal; each
next column has a decision tree (scikit-learn) fitted on the columns before it, and a
synthetic row takes the value of a random training row from the same leaf as the row's
synthetic predecessors. Continuous values are smoothed inside their leaf (a small
Gaussian kernel, bandwidth from the leaf's spread), and a synthetic row that equals a
training row found only once in the data is drawn again (the copy guard), so rare real
rows are not reproduced. (The model holds training values, as any CART synthesizer
does: keep fitted models as private as the data.)
Conditions are exact: conditioned columns go first and are set, the rest follow them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from syndata.errors import ModelError
from syndata.models.arrays import Codes, Floats, Hashes
from syndata.models.base import Synthesizer
from syndata.models.encoding import CategoryEncoder, NumericEncoder

COPY_GUARD_ROUNDS = 10
VISIT_ORDERS = ("data", "cardinality", "categorical_last")
AUTO_MIN_ROWS = 400  # fewer rows: too few to compare orders on a split
CONTINUOUS_SHARE = 0.2  # more distinct values than this share of rows: a continuous column
SMALLEST_LEAF = 5
LEAF_PER_ROOT = 2.0  # default leaf size: this many times the square root of the rows fitted


@dataclass
class _Leaves:
    """Training values of one column grouped by the leaf they fall in."""

    tree: Any
    leaf_index: Codes  # leaf node id -> position in starts/counts
    starts: Codes
    counts: Codes
    values: Floats  # training values (codes or numbers) sorted by leaf
    spread: Floats  # per leaf: smoothing bandwidth (0 for codes)


class CART(Synthesizer):
    """Sequential decision-tree synthesizer; see the module docstring.

    Parameters
    ----------
    min_samples_leaf : the smallest leaf (larger = smoother, more private). None (the
        default) grows it with the data: 2·√rows, at least 5 (50 rows for 625, 400 for
        40,000). Small fixed leaves memorise: with leaves of 5 rows a synthetic row was
        nearer a training row than an unseen real row 0.54–0.61 of the time on the
        benchmark tables (a verbatim copy scores 0.625 there, unseen real rows 0.50);
        with 2·√rows it is 0.48–0.52 on six of the seven development tables (penguins,
        275 rows: 0.57), with overall quality within 0.022 of the small leaves' and
        higher on diamonds, cps1988 and computers (bench/RESULTS.md).
    max_depth : depth limit of each tree (None: grow until leaves are small).
    smoothing : smooth continuous values within their leaf.
    max_fit_rows : rows used to fit the trees (a uniform sample when the data has more).
    visit_order : which column is synthesised after which. "auto" (default) fits the
        three orders below on 75% of the rows and keeps the one whose sample best matches
        the other 25% (no order wins everywhere: "cardinality" scores 0.993 on diamonds
        against 0.967 for "data", but 0.945 against 0.968 on computers); "data" (the
        columns' own order), "cardinality" (fewest distinct values first) or
        "categorical_last" (numbers first, then each category predicted by a classifier
        from everything before it).
    """

    model_type = "cart"
    # leaves hold real rows, so tied categories keep their combinations nearly always;
    # the few broken rows are redrawn instead of coarsening every tree's categories
    joins_categories = False
    builds_in_consistency = True

    def __init__(
        self,
        min_samples_leaf: int | None = None,
        max_depth: int | None = None,
        smoothing: bool = True,
        max_fit_rows: int = 200_000,
        visit_order: str = "auto",
    ) -> None:
        self.min_samples_leaf = min_samples_leaf
        self.max_depth = max_depth
        self.smoothing = smoothing
        self.max_fit_rows = max_fit_rows
        self.visit_order = visit_order

    def _fit(self, data: pd.DataFrame) -> None:
        if self.min_samples_leaf is not None and self.min_samples_leaf < 1:
            raise ModelError(f"min_samples_leaf must be >= 1, got {self.min_samples_leaf}")
        if len(data) > self.max_fit_rows:
            data = data.sample(self.max_fit_rows, random_state=0)
        self.leaf_size_ = self.min_samples_leaf or max(
            SMALLEST_LEAF, round(LEAF_PER_ROOT * len(data) ** 0.5)
        )
        self.encoders_: dict[str, NumericEncoder | CategoryEncoder] = {}
        encoded: dict[str, Floats] = {}
        for name in data.columns:
            meta = self.metadata_.columns[name]
            if meta.kind in ("categorical", "boolean"):
                cat = CategoryEncoder.fit(data[name])
                self.encoders_[name] = cat
                encoded[name] = cat.encode(data[name]).astype(np.float64)
            else:
                num = NumericEncoder.fit(meta, data[name])
                self.encoders_[name] = num
                encoded[name] = num.encode(data[name])
        self.visit_order_ = (
            self._search_order(data) if self.visit_order == "auto" else self.visit_order
        )
        self.order_ = self._visit_order(list(data.columns), encoded, self.visit_order_)
        self.train_ = (
            np.column_stack([encoded[c] for c in self.order_])
            if self.order_
            else np.empty((len(data), 0))
        )
        hashes = _row_hashes(self.train_)
        counts = pd.Series(hashes).value_counts()
        self.unique_rows_ = np.sort(counts.index[counts.to_numpy() == 1].to_numpy(np.uint64))
        self.trees_: dict[tuple[str, tuple[str, ...]], _Leaves] = {}
        for j, name in enumerate(self.order_):
            if j > 0:
                self.trees_[(name, tuple(self.order_[:j]))] = self._grow(name, self.order_[:j])

    def _category_encoder(self, column: str) -> Any:
        enc = self.encoders_.get(column)
        return enc if isinstance(enc, CategoryEncoder) else None

    def _search_order(self, data: pd.DataFrame) -> str:
        """The visit order whose model best matches rows it did not see (a 25% split)."""
        from syndata.metadata import TableMetadata
        from syndata.quality import evaluate

        if len(data) < AUTO_MIN_ROWS:
            return "data"
        meta = TableMetadata(
            self.metadata_.name, {c: self.metadata_.columns[c] for c in data.columns}
        )
        check = data.sample(frac=0.25, random_state=0)
        learn = data.drop(check.index)
        scores = {}
        for order in VISIT_ORDERS:
            params = {**self.get_params(), "visit_order": order}
            model = type(self)().set_params(**params).fit(learn, meta, enforce=False)
            synthetic = model.sample(len(check), seed=0)
            scores[order] = evaluate(
                check, synthetic, meta, ml_efficacy=False, consistency=False
            ).overall
        self.order_scores_ = scores
        return max(VISIT_ORDERS, key=lambda o: (scores[o], -VISIT_ORDERS.index(o)))

    def _visit_order(self, columns: list[str], encoded: dict[str, Floats], order: str) -> list[str]:
        if order == "data":
            return columns
        if order == "cardinality":
            distinct = {c: len(np.unique(encoded[c])) for c in columns}
            return sorted(columns, key=lambda c: distinct[c])
        if order != "categorical_last":
            raise ModelError(
                f"visit_order must be 'auto', 'data', 'cardinality' or "
                f"'categorical_last', got {order!r}"
            )
        numeric = [c for c in columns if not self._is_category(c)]
        return numeric + [c for c in columns if self._is_category(c)]

    def _is_category(self, name: str) -> bool:
        return isinstance(self.encoders_[name], CategoryEncoder)

    def _smoothed(self, name: str) -> bool:
        """Only truly continuous columns are smoothed in their leaf.

        Integers and numbers on a coarse grid (few distinct values for the rows, such
        as sizes in whole millimetres) stay exact: noise would put mass between their
        values and spread outliers; the copy guard keeps rows made of exact values from
        reproducing rare training rows.
        """
        enc = self.encoders_[name]
        if not self.smoothing or not isinstance(enc, NumericEncoder) or enc.is_int:
            return False
        col = self.train_[:, self.order_.index(name)]
        present = col[~np.isnan(col)]
        return len(np.unique(present)) > CONTINUOUS_SHARE * len(present)

    def _grow(self, target: str, predictors: list[str]) -> _Leaves:
        cols = [self.order_.index(p) for p in predictors]
        x = self.train_[:, cols]
        y = self.train_[:, self.order_.index(target)]
        params = dict(
            min_samples_leaf=getattr(self, "leaf_size_", None) or self.min_samples_leaf,
            max_depth=self.max_depth,
            random_state=0,
        )
        if self._is_category(target):
            tree: Any = DecisionTreeClassifier(**params).fit(x, y.astype(np.int64))
        else:
            filled = (
                np.where(np.isnan(y), np.nanmin(y) - 1.0 if np.isfinite(np.nanmin(y)) else 0.0, y)
                if np.isnan(y).any()
                else y
            )
            tree = DecisionTreeRegressor(**params).fit(x, filled)
        leaves = tree.apply(x)
        order = np.argsort(leaves, kind="stable")
        ids, starts, counts = np.unique(leaves[order], return_index=True, return_counts=True)
        leaf_index = np.full(tree.tree_.node_count, -1, dtype=np.int64)
        leaf_index[ids] = np.arange(len(ids))
        values = y[order]
        spread = np.zeros(len(ids))
        if self._smoothed(target):
            spread = _leaf_bandwidth(values, starts, counts)
        return _Leaves(tree, leaf_index, starts, counts, values, spread)

    def _sample(
        self, n: int, rng: np.random.Generator, conditions: Mapping[str, Any]
    ) -> pd.DataFrame:
        order = [c for c in self.order_ if c in conditions] + [
            c for c in self.order_ if c not in conditions
        ]
        synth = self._draw_rows(n, order, rng, conditions)
        for _ in range(COPY_GUARD_ROUNDS):  # redraw rows that equal a unique training row
            copies = np.flatnonzero(np.isin(_row_hashes(synth), self.unique_rows_))
            if not len(copies):
                break
            fixed = {
                k: (v if not isinstance(v, list | tuple) else [v[i] for i in copies])
                for k, v in conditions.items()
            }
            synth[copies] = self._draw_rows(len(copies), order, rng, fixed)
        out: dict[str, Any] = {}
        for j, name in enumerate(self.order_):
            enc = self.encoders_[name]
            if isinstance(enc, CategoryEncoder):
                out[name] = enc.decode(synth[:, j].astype(np.int64))
            else:
                out[name] = enc.decode(synth[:, j])
        frame = pd.DataFrame(out, copy=False)
        for name, value in conditions.items():
            frame[name] = [value] * n if not isinstance(value, list | tuple) else value
        return frame

    def _draw_rows(
        self, n: int, order: list[str], rng: np.random.Generator, conditions: Mapping[str, Any]
    ) -> Floats:
        """``n`` encoded rows, columns in ``order``, rounded as they will be written."""
        synth = np.empty((n, len(order)))
        for j, name in enumerate(order):
            if name in conditions:
                synth[:, j] = self._encode_condition(name, conditions[name], n)
            elif j == 0:
                col = self.train_[:, self.order_.index(name)]
                synth[:, j] = col[rng.integers(0, len(col), n)]
                synth[:, j] = self._smooth_marginal(name, synth[:, j], col, rng)
            else:
                key = (name, tuple(order[:j]))
                if key not in self.trees_:
                    self.trees_[key] = self._grow(name, order[:j])  # a new conditioning order
                synth[:, j] = self._draw(self.trees_[key], synth[:, :j], rng)
            enc = self.encoders_[name]
            if isinstance(enc, NumericEncoder):
                synth[:, j] = enc.canonical(synth[:, j])
        # back to training column order for hashing against training rows
        return synth[:, [order.index(c) for c in self.order_]] if order != self.order_ else synth

    def _draw(self, leaves: _Leaves, x: Floats, rng: np.random.Generator) -> Floats:
        pos = leaves.leaf_index[leaves.tree.apply(x)]
        pick = leaves.starts[pos] + (rng.random(len(x)) * leaves.counts[pos]).astype(np.int64)
        values = leaves.values[pick].copy()
        width = leaves.spread[pos]
        noisy = (width > 0) & ~np.isnan(values)
        values[noisy] += rng.standard_normal(int(noisy.sum())) * width[noisy]
        out: Floats = values
        return out

    def _smooth_marginal(
        self, name: str, drawn: Floats, col: Floats, rng: np.random.Generator
    ) -> Floats:
        if not self._smoothed(name):
            return drawn
        present = col[~np.isnan(col)]
        if len(present) < 2:
            return drawn
        width = 0.2 * present.std() * len(present) ** -0.2
        smoothed: Floats = drawn + rng.standard_normal(len(drawn)) * width
        return smoothed

    def _encode_condition(self, name: str, value: Any, n: int) -> Floats:
        values = pd.Series([value] * n if not isinstance(value, list | tuple) else value)
        enc = self.encoders_[name]
        if isinstance(enc, CategoryEncoder):
            known = set(enc.categories.tolist())
            bad = [v for v in pd.unique(values) if v not in known and not pd.isna(v)]
            if bad:
                raise ModelError(
                    f"condition {name}={bad[0]!r} is not a category the model has "
                    f"seen; use one of {list(enc.categories)[:20]}"
                )
            return enc.encode(values).astype(np.float64)
        return enc.encode(values)


def _row_hashes(matrix: Floats) -> Hashes:
    """One 64-bit hash per row of an encoded matrix (NaN equals NaN)."""
    out = np.zeros(len(matrix), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(matrix.shape[1]):
            col = pd.util.hash_array(np.ascontiguousarray(matrix[:, j]))
            out = out * np.uint64(1_000_003) + col.astype(np.uint64)
    return out


def _leaf_bandwidth(values: Floats, starts: Codes, counts: Codes) -> Floats:
    """Per leaf: Silverman-style bandwidth of the leaf's values (0 for constant leaves)."""
    clean = np.where(np.isnan(values), 0.0, values)
    sums = np.add.reduceat(clean, starts)
    squares = np.add.reduceat(clean**2, starts)
    mean = sums / counts
    var = np.clip(squares / counts - mean**2, 0.0, None)
    bandwidth: Floats = 0.5 * np.sqrt(var) * np.power(np.maximum(counts, 1), -0.2)
    return bandwidth
