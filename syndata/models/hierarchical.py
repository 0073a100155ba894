"""Multi-table synthesis: a relational schema, table by table in dependency order.

Every table gets its own single-table model (the copula by default, or ``cart``),
fitted on the table's columns plus two kinds of extra columns:

* ``_n.<child>.<fk>`` — for each foreign key that refers to the table, the number of
  child rows each of its rows has (zero included). Child counts are thereby learned
  jointly with the parent's attributes (and with its own parent's context).
* ``_p.<fk>.<column>`` — for each of the table's foreign keys, the attributes of the
  parent row it refers to (up to ``context_columns`` of them), and ``_has.<fk>`` when
  the key can be null. The child's model thereby learns how children depend on their
  parents.

Sampling goes parents first. A child table has one *primary* foreign key (the one
that refers to the most distinct parent rows): each synthetic parent gets its
learned number of children, and the children are drawn from the child's model
conditioned, row by row, on their parent's synthetic attributes (exact conditional
draws, not rejection). The child's other foreign keys are assigned by matching: the
child's model also draws the attributes its other parents should have, and each
child row takes the synthetic parent nearest to them, within that parent's learned
number of children. Foreign keys are always taken from the parents' synthetic primary
keys, so they always resolve; primary keys are regenerated unique.

Children per parent are stored smoothed, never as the exact list (``_smoothed``): the
counts are sorted into bins of consecutive values holding at least k parents each (k
is the disclosure rule's ``rare_k()``, ``SYNDATA_RARE_K``, default 5; on big tables at
least 1/``MAX_BINS`` of the parents), and the model keeps per bin only its share of the
parents and an interval to draw from uniformly: the bin's mean ± √3 standard
deviations (a uniform draw with the bin's mean and spread), at least ± 0.5. A count
shared by k or more parents is a bin of its own, ``[v - 0.5, v + 0.5]``, which rounds
back to ``v``: childless parents stay childless. Parents of rarer counts are gathered
until a bin is full, the last few taken from a common count next to them when there is
one, so that a common count stays a bin of its own. Every stored number is thus a mean
or spread over at least k parents, or a count at least k parents share: no rare count
(the one customer with 212 orders) is in the model. The parents' own model learns the
``_n.`` columns on the same smoothed scale (each parent's count replaced by the
smoothed distribution's quantile at its rank, ties in random order), so their
correlation with the parent's attributes is kept while its stored marginals hold no
exact count either.

The trade-off: within a bin, the spread of counts is replaced by a uniform one with
the same mean and standard deviation, so the children-per-parent distribution is only
as exact as the bins are narrow. Sampling rescales the counts to the table's size, so
the mean number of children per parent is kept exactly. Parent tables of hundreds of
rows or more lose nothing measurable (cardinality 0.997-1.000); a parent table of a few
dozen rows is split into a handful of bins, and its children-per-parent score drops (1.000 to
0.70-0.97 on lookup tables of 6 to 54 rows; see ``bench/RESULTS.md``).
``SYNDATA_RARE_K=1`` keeps every count exactly (and every rare category too).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from syndata.errors import ModelError
from syndata.metadata import ColumnMetadata, Metadata, Relationship, TableMetadata
from syndata.models.base import MultiTableSynthesizer, Synthesizer
from syndata.models.registry import MODELS, make_model
from syndata.privacy.disclosure import rare_k
from syndata.seeds import fresh_seed

COUNT = "_n.{child}.{fk}"
CONTEXT = "_p.{fk}.{column}"
HAS = "_has.{fk}"
NEIGHBOURS = 10  # candidate parents per child row when matching a secondary foreign key
MAX_ONE_HOT = 20  # categories up to this many are one-hot when matching, ranks beyond
REFERENCE = "reference"  # a table model: keep the table's rows as they are (lookup data)
MAX_BINS = 2_000  # children-per-parent bins at most (bins of >= 1/MAX_BINS of the parents)


@dataclass
class _TablePlan:
    """How one table is modelled: its extra columns and its foreign keys' roles."""

    name: str
    columns: list[str]  # the table's own columns, in order
    primary: Relationship | None = None
    secondary: list[Relationship] = field(default_factory=list)
    context: dict[str, list[str]] = field(default_factory=dict)  # fk -> parent columns
    nullable: set[str] = field(default_factory=set)  # fks with a _has flag
    null_context: set[str] = field(default_factory=set)  # context columns with nulls at fit
    counts: list[Relationship] = field(default_factory=list)  # fks referring to this table
    # count column -> the smoothed children per parent: rows lo, hi, share (``_smoothed``)
    cardinality: dict[str, np.ndarray] = field(default_factory=dict)
    null_rows: dict[str, int] = field(default_factory=dict)  # fk -> rows with a null fk


class HierarchicalSynthesizer(MultiTableSynthesizer):
    """A relational schema: per-table models linked by child counts and parent context.

    Parameters
    ----------
    table_models : per table, the single-table model to use (``gaussian_copula`` or
        ``cart``); tables not named use ``default_model``. ``reference`` keeps a table's
        rows as they are, at every scale: for lookup data without personal information
        (species, airlines, product categories), whose rows children then refer to.
    default_model : the single-table model of the other tables (default the copula).
    context_columns : at most this many parent columns condition a child's rows.
    """

    model_type: ClassVar[str] = "hierarchical"

    def __init__(
        self,
        table_models: Mapping[str, str] | None = None,
        default_model: str = "gaussian_copula",
        context_columns: int = 10,
    ) -> None:
        self.table_models = table_models
        self.default_model = default_model
        self.context_columns = context_columns

    # ------------------------------------------------------------------ fit

    def fit(
        self,
        tables: Mapping[str, pd.DataFrame],
        metadata: Metadata,
        progress: Any = None,
        sizes: Mapping[str, int] | None = None,
    ) -> Self:
        """Learn every table of ``metadata`` from ``tables`` (name -> frame).

        ``sizes`` gives the table sizes that scale 1 stands for when ``tables`` are only
        part of the rows (the rest held out to measure privacy); default their lengths.
        """
        self._check_input(tables, metadata)
        self.metadata_ = metadata
        self.order_ = metadata.order()
        self.rows_ = {t: int((sizes or {}).get(t, len(tables[t]))) for t in self.order_}
        self.plans_: dict[str, _TablePlan] = {}
        self.models_: dict[str, Synthesizer] = {}
        self.references_: dict[str, pd.DataFrame] = {}
        for done, name in enumerate(self.order_):
            plan = self._plan(name, tables)
            frame, meta = self._training_frame(plan, tables)
            model_name = (self.table_models or {}).get(name, self.default_model)
            if model_name == REFERENCE:
                self.references_[name] = self._reference(name, frame)
                self.plans_[name] = plan
                continue
            params: dict[str, Any] = {}
            accepted = MODELS[model_name]._param_names() if model_name in MODELS else []
            if plan.primary is not None and "visit_order" in accepted:
                params["visit_order"] = "data"  # the parent context leads, as when sampling
            if plan.primary is None and "stratified" in accepted:
                params["stratified"] = True  # a root table: its marginals without noise
            try:
                self.models_[name] = make_model(model_name, **params).fit(frame, meta)
            except ModelError as exc:
                raise ModelError(f"table '{name}': {exc}") from exc
            self.plans_[name] = plan
            if progress is not None:
                progress(name, done + 1, len(self.order_))
        return self

    def exclude_values_of(self, tables: Mapping[str, pd.DataFrame]) -> None:
        """Keep every real value of regenerated PII columns out of samples, per table.

        ``fit`` excludes the training rows' values; pass all real rows (held-out ones
        too), as with ``Synthesizer.exclude_values_of``.
        """
        self._check_fitted()
        for name, model in self.models_.items():
            if name in tables:
                model.exclude_values_of(tables[name])

    def _reference(self, name: str, frame: pd.DataFrame) -> pd.DataFrame:
        """A reference table's own rows, kept as they are (with its children counts)."""
        learned = [
            r.parent_table
            for r in self.metadata_.parents_of(name)
            if (self.table_models or {}).get(r.parent_table, self.default_model) != REFERENCE
        ]
        if learned:
            raise ModelError(
                f"table '{name}' is a reference table but its parent(s) "
                f"{', '.join(learned)} are not: make them reference tables too, "
                "or learn this table with a model"
            )
        return frame.drop(columns=[c for c in frame.columns if c.startswith(("_p.", "_has."))])

    def _check_input(self, tables: Mapping[str, pd.DataFrame], metadata: Metadata) -> None:
        problems = metadata.problems()
        unknown = [t for t in (self.table_models or {}) if t not in metadata.tables]
        if unknown:
            problems.append(
                f"table_models names unknown table(s) {', '.join(unknown)} "
                f"(tables: {', '.join(metadata.tables)})"
            )
        missing = [t for t in metadata.tables if t not in tables]
        if missing:
            problems.append(f"no data for table(s) {', '.join(missing)}")
        if problems:
            raise ModelError("the schema cannot be fitted: " + "; ".join(problems))
        from syndata.relations import check_integrity

        report = check_integrity(tables, metadata)
        if not report.ok:
            raise ModelError(
                f"{report.summary()}\nfix the data first: drop or null orphan "
                "foreign keys (--orphans drop|null), dedupe primary keys"
            )

    def _plan(self, name: str, tables: Mapping[str, pd.DataFrame]) -> _TablePlan:
        meta = self.metadata_
        data = tables[name]
        plan = _TablePlan(name, list(meta.tables[name].columns), counts=meta.children_of(name))
        parents = meta.parents_of(name)
        if parents:

            def reach(rel: Relationship) -> float:
                values = data[rel.child_key]
                return values.nunique() * (1.0 - values.isna().mean())

            plan.primary = max(parents, key=reach)
            plan.secondary = [r for r in parents if r is not plan.primary]
        for rel in parents:
            parent_meta = meta.tables[rel.parent_table]
            modelled = [
                c
                for c, m in parent_meta.columns.items()
                if m.modelled and c not in {r.child_key for r in meta.parents_of(rel.parent_table)}
            ]
            plan.context[rel.child_key] = modelled[: self.context_columns]
            nulls = int(data[rel.child_key].isna().sum())
            plan.null_rows[rel.child_key] = round(nulls * self.rows_[name] / max(len(data), 1))
            if nulls:
                plan.nullable.add(rel.child_key)
        return plan

    def _training_frame(
        self, plan: _TablePlan, tables: Mapping[str, pd.DataFrame]
    ) -> tuple[pd.DataFrame, TableMetadata]:
        meta = self.metadata_
        data = tables[plan.name]
        table_meta = deepcopy(meta.tables[plan.name])
        fks = {r.child_key for r in meta.parents_of(plan.name)}
        for fk in fks:
            table_meta.columns[fk].kind = "id"
        extra: dict[str, pd.Series] = {}
        k = rare_k()
        for rel in plan.counts:
            counts = tables[rel.child_table][rel.child_key].value_counts()
            pk = data[rel.parent_key]
            values = counts.reindex(pk.to_numpy(), fill_value=0).to_numpy(dtype=np.int64)
            col = COUNT.format(child=rel.child_table, fk=rel.child_key)
            plan.cardinality[col] = _smoothed(values, k)
            extra[col] = pd.Series(
                _on_smoothed_scale(values, plan.cardinality[col]), index=data.index
            )
            table_meta.columns[col] = ColumnMetadata(col, "numerical", "float")
        for rel in meta.parents_of(plan.name):
            parent = tables[rel.parent_table].set_index(rel.parent_key)
            keys = data[rel.child_key].to_numpy()
            parent_meta = meta.tables[rel.parent_table]
            for column in plan.context[rel.child_key]:
                col = CONTEXT.format(fk=rel.child_key, column=column)
                extra[col] = pd.Series(parent[column].reindex(keys).to_numpy(), index=data.index)
                source = parent_meta.columns[column]
                table_meta.columns[col] = ColumnMetadata(
                    col, source.kind, source.dtype, nullable=True, format=source.format
                )
            if rel.child_key in plan.nullable:
                col = HAS.format(fk=rel.child_key)
                extra[col] = data[rel.child_key].notna()
                table_meta.columns[col] = ColumnMetadata(col, "boolean", "bool")
        # parent context first: a sequential model (cart) then draws children after it
        leading = {c: v for c, v in extra.items() if not c.startswith("_n.")}
        trailing = {c: v for c, v in extra.items() if c.startswith("_n.")}
        parts: list[pd.DataFrame] = [pd.DataFrame(leading), data, pd.DataFrame(trailing)]
        frame = pd.concat(parts, axis=1).reset_index(drop=True)
        table_meta.columns = {str(c): table_meta.columns[str(c)] for c in frame.columns}
        # a context column whose parents all lack the value holds only nulls: not learnable
        for col in [c for c in extra if frame[c].isna().all()]:
            frame = frame.drop(columns=col)
            del table_meta.columns[col]
            fk, column = col[3:].split(".", 1) if col.startswith("_p.") else ("", "")
            if fk and column in plan.context.get(fk, []):
                plan.context[fk].remove(column)
        plan.null_context = {
            c for c in frame.columns if c.startswith("_p.") and frame[c].isna().any()
        }
        return frame, table_meta

    # ------------------------------------------------------------------ sample

    def sample_tables(
        self, scale: float = 1.0, *, seed: int | None = None, rows: Mapping[str, int] | None = None
    ) -> Iterator[tuple[str, pd.DataFrame]]:
        """``(table, frame)`` in dependency order; parents are kept only as needed."""
        self._check_fitted()
        scale = self._scale(scale, rows)
        if seed is None:
            seed = fresh_seed()
        fixed = dict(rows or {})
        synthetic: dict[str, pd.DataFrame] = {}
        pending = {t: len(self.metadata_.children_of(t)) for t in self.order_}
        for index, name in enumerate(self.order_):
            rng = np.random.default_rng([seed, index])
            frame = self._sample_table(name, scale, fixed.get(name), synthetic, rng, seed + index)
            plan = self.plans_[name]
            if plan.counts:
                synthetic[name] = frame
            for rel in self.metadata_.parents_of(name):
                pending[rel.parent_table] -= 1
                if pending[rel.parent_table] == 0:
                    synthetic.pop(rel.parent_table, None)
            yield name, frame[plan.columns]

    def _scale(self, scale: float, rows: Mapping[str, int] | None) -> float:
        if rows:
            unknown = [t for t in rows if t not in self.rows_]
            if unknown or len(rows) != 1:
                raise ModelError(
                    f"give a row count for exactly one table of "
                    f"{', '.join(self.order_)}; got {', '.join(map(str, rows))}"
                )
            ((table, count),) = rows.items()
            if count < 0:
                raise ModelError(f"rows for '{table}' must be >= 0, got {count}")
            return count / max(self.rows_[table], 1)
        if not (isinstance(scale, int | float) and scale > 0 and np.isfinite(scale)):
            raise ModelError(f"scale must be a number > 0 (e.g. 0.5 or 2), got {scale!r}")
        return float(scale)

    def _sample_table(
        self,
        name: str,
        scale: float,
        fixed_rows: int | None,
        synthetic: Mapping[str, pd.DataFrame],
        rng: np.random.Generator,
        seed: int,
    ) -> pd.DataFrame:
        plan = self.plans_[name]
        if name in self.references_:
            return self.references_[name].copy()
        if plan.primary is None:
            n = fixed_rows if fixed_rows is not None else round(scale * self.rows_[name])
            frame = self.models_[name].sample(n, seed=seed)
        else:
            frame = self._sample_children(plan, scale, fixed_rows, synthetic, rng, seed)
        for rel in plan.secondary:
            self._assign_parent(frame, plan, rel, synthetic[rel.parent_table], rng)
        for col in [c for c in frame.columns if c.startswith("_n.")]:
            frame[col] = np.maximum(np.round(frame[col].to_numpy(dtype=float)), 0)
        return frame

    def _sample_children(
        self,
        plan: _TablePlan,
        scale: float,
        fixed_rows: int | None,
        synthetic: Mapping[str, pd.DataFrame],
        rng: np.random.Generator,
        seed: int,
    ) -> pd.DataFrame:
        rel = plan.primary
        assert rel is not None
        parents = synthetic[rel.parent_table]
        fk = rel.child_key
        null_rows = plan.null_rows.get(fk, 0)
        linked = self.rows_[plan.name] - null_rows
        if fixed_rows is not None:
            n_null = round(fixed_rows * null_rows / max(self.rows_[plan.name], 1))
            target = fixed_rows - n_null
        else:
            n_null, target = round(scale * null_rows), round(scale * linked)
        quotas = self._quotas(plan.name, rel, parents, target, rng)
        index = np.repeat(np.arange(len(parents)), quotas)
        n = len(index) + n_null
        conditions: dict[str, Any] = {}
        for column in plan.context.get(fk, []):
            col = CONTEXT.format(fk=fk, column=column)
            values = parents[column].to_numpy()[index]
            conditions[col] = self._known(plan, col, values, n_null, rng)
        if fk in plan.nullable:
            conditions[HAS.format(fk=fk)] = [True] * len(index) + [False] * n_null
        frame = self.models_[plan.name].sample(n, seed=seed, conditions=conditions or None)
        keys = parents[rel.parent_key].to_numpy(dtype=object)[index]
        frame[fk] = _keys(
            np.concatenate([keys, np.full(n_null, None, dtype=object)]),
            parents[rel.parent_key].dtype,
        )
        return frame

    def _known(
        self, plan: _TablePlan, col: str, values: np.ndarray, n_null: int, rng: np.random.Generator
    ) -> list[Any]:
        """Condition values the child's model knows.

        An unseen category becomes a seen one; a missing value, when the model saw none
        in ``col``, becomes a seen category or another parent's value.
        """
        given = pd.Series(list(values) + [None] * n_null, dtype=object)
        known = self.models_[plan.name].known_categories(col)
        present = given.notna().to_numpy()
        if known:
            unseen = present & ~given.isin(known).to_numpy()
            if unseen.any():
                pool = np.array(sorted(known, key=str), dtype=object)
                given[unseen] = pool[rng.integers(len(pool), size=int(unseen.sum()))]
        missing = ~present
        missing[len(values) :] = False  # rows of a null foreign key: null context is learned
        if missing.any() and col not in getattr(plan, "null_context", {col}):
            pool = (
                np.array(sorted(known, key=str), dtype=object)
                if known
                else given[present].to_numpy(dtype=object)
            )
            if len(pool):
                given[missing] = pool[rng.integers(len(pool), size=int(missing.sum()))]
        return given.tolist()

    def _assign_parent(
        self,
        frame: pd.DataFrame,
        plan: _TablePlan,
        rel: Relationship,
        parents: pd.DataFrame,
        rng: np.random.Generator,
    ) -> None:
        """Give each child row a parent for a secondary foreign key, by matching."""
        fk = rel.child_key
        has = (
            frame[HAS.format(fk=fk)].to_numpy(dtype=bool)
            if fk in plan.nullable
            else np.ones(len(frame), dtype=bool)
        )
        quotas = self._quotas(plan.name, rel, parents, int(has.sum()), rng)
        columns = plan.context.get(fk, [])
        child_values = frame.loc[has, [CONTEXT.format(fk=fk, column=c) for c in columns]]
        child_values.columns = columns
        choice = _match(child_values, parents[columns], quotas, rng)
        values = np.full(len(frame), None, dtype=object)
        values[has] = parents[rel.parent_key].to_numpy(dtype=object)[choice]
        frame[fk] = _keys(values, parents[rel.parent_key].dtype)

    def _quotas(
        self,
        child: str,
        rel: Relationship,
        parents: pd.DataFrame,
        target: int,
        rng: np.random.Generator,
    ) -> np.ndarray:
        col = COUNT.format(child=child, fk=rel.child_key)
        return _quotas(
            parents[col].to_numpy(dtype=float),
            self.plans_[rel.parent_table].cardinality[col],
            target,
            rng,
        )

    def _check_fitted(self) -> None:
        if not hasattr(self, "models_"):
            raise ModelError(
                "this HierarchicalSynthesizer is not fitted yet; call fit(tables, metadata) first"
            )


def _keys(values: np.ndarray, dtype: Any) -> pd.Series:
    """Foreign key values (objects, None for null) in the parent key's type."""
    series = pd.Series(values, dtype=object)
    if pd.api.types.is_integer_dtype(dtype):
        return series.astype("Int64") if series.isna().any() else series.astype(dtype)
    return series if series.isna().any() else series.astype(dtype)


def _smoothed(counts: np.ndarray, k: int, max_bins: int = MAX_BINS) -> np.ndarray:
    """Children per parent as bins of at least ``k`` parents (see the module docstring).

    Returns a ``(3, bins)`` array: each bin's lower and upper edge and its share of the
    parents. Bins hold consecutive count values. A value shared by enough parents is a
    bin of its own; parents of rarer values are gathered until a bin is full, taking the
    last few it needs from a common value when one follows (or, for the highest counts,
    from the common value before them), so a common value such as 0 children stays a bin
    of its own. A bin spans its mean ± √3 standard deviations (at least ± 0.5); no edge
    is below -0.5 (draws rounded to counts give 0 at least). Neighbouring bins may
    overlap: draws are sorted before use.
    """
    n = len(counts)
    if n == 0:
        return np.zeros((3, 0))
    values, freq = np.unique(np.asarray(counts, dtype=np.int64), return_counts=True)
    least = max(k, -(-n // max_bins), 1)
    bins: list[list[tuple[int, int]]] = []  # (count value, parents) pairs
    current: list[tuple[int, int]] = []
    mass = 0
    for value, parents in zip(values.tolist(), freq.tolist(), strict=True):
        if current and parents >= 2 * least - mass:  # complete the bin from a common value
            take = least - mass
            bins.append([*current, (value, take)])
            current, mass, parents = [], 0, parents - take
        if not current and parents >= least:
            bins.append([(value, parents)])
            continue
        current.append((value, parents))
        mass += parents
        if mass >= least:
            bins.append(current)
            current, mass = [], 0
    if current:  # the highest counts, fewer than `least` parents
        last = bins[-1] if bins else []
        if len(last) == 1 and last[0][1] >= 2 * least - mass:
            value, parents = last[0]
            bins[-1] = [(value, parents - (least - mass))]
            bins.append([(value, least - mass), *current])
        elif bins:
            bins[-1] = [*last, *current]
        else:
            bins.append(current)
    weights = [np.array([p for _, p in b], dtype=float) for b in bins]
    points = [np.array([v for v, _ in b], dtype=float) for b in bins]
    share = np.array([w.sum() / n for w in weights])
    means = np.array([np.average(x, weights=w) for x, w in zip(points, weights, strict=True)])
    spread = np.array(
        [
            np.sqrt(3 * np.average((x - m) ** 2, weights=w))
            for x, m, w in zip(points, means, weights, strict=True)
        ]
    )
    half = np.maximum(spread, 0.5)
    lo, hi = means - half, means + half
    return np.vstack([np.maximum(lo, -0.5), hi, share])


def _inverse(cardinality: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Children per parent at probability ``levels`` (in [0, 1]) of a stored distribution.

    ``cardinality`` is ``_smoothed``'s bins (uniform within each); a one-dimensional array
    is a model stored before smoothing: quantiles at evenly spaced levels.
    """
    if cardinality.ndim == 1:
        grid = (np.arange(len(cardinality)) + 0.5) / len(cardinality)
        return np.interp(levels, grid, cardinality)
    lo, hi, share = cardinality
    if len(share) == 0:
        return np.zeros(len(levels))
    top = np.cumsum(share)
    index = np.minimum(np.searchsorted(top, levels, side="right"), len(share) - 1)
    within = np.clip((levels - (top[index] - share[index])) / share[index], 0.0, 1.0)
    return lo[index] + within * (hi[index] - lo[index])


def _on_smoothed_scale(counts: np.ndarray, cardinality: np.ndarray) -> np.ndarray:
    """Each parent's count replaced by the smoothed distribution's quantile at its rank.

    Ties are ranked at random (a fixed seed: fitting stays deterministic), so the values
    keep the counts' order and their correlation with the parent's attributes.
    """
    n = len(counts)
    if n == 0:
        return np.zeros(0)
    order = np.lexsort((np.random.default_rng(0).random(n), counts))
    out = np.empty(n)
    out[order] = np.sort(_inverse(cardinality, (np.arange(n) + 0.5) / n))
    return out


def _quotas(
    generated: np.ndarray, cardinality: np.ndarray, target: int, rng: np.random.Generator
) -> np.ndarray:
    """Children per parent, ``target`` in all, distributed as the real parents' were.

    The parents' model ranks the parents (its ``generated`` counts, learned jointly with
    their attributes; ties at random); the counts themselves are the smoothed
    distribution's quantiles at evenly spaced levels (``cardinality``, see
    ``_smoothed``), rounded, so the spread of children per parent is kept without
    sampling noise. They are then scaled to sum to ``target`` with randomised rounding;
    a parent without children keeps none.
    """
    n = len(generated)
    out = np.zeros(n, dtype=np.int64)
    if n == 0 or target <= 0:
        return out
    levels = (np.arange(n) + 0.5) / n
    values = np.sort(np.maximum(np.round(_inverse(cardinality, levels)), 0.0))
    if values.sum() <= 0:
        values[-1] = 1.0
    rank = np.lexsort((rng.random(n), np.nan_to_num(generated, nan=-1.0)))
    out[rank] = values.astype(np.int64)
    share = out * (target / out.sum())
    base = np.floor(share).astype(np.int64)
    left = target - int(base.sum())
    if left > 0:
        frac = share - base
        extra = (
            rng.choice(n, size=left, replace=False, p=frac / frac.sum())
            if np.count_nonzero(frac) >= left
            else rng.choice(np.flatnonzero(out), size=left)
        )
        np.add.at(base, extra, 1)
    return base


def _match(
    children: pd.DataFrame, parents: pd.DataFrame, quotas: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
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


def _features(children: pd.DataFrame, parents: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Children's and parents' attributes as comparable numbers (same encoding for both)."""
    parts_c: list[np.ndarray] = []
    parts_p: list[np.ndarray] = []
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
