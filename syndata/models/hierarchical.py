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

Children per parent are stored smoothed, never as the exact list: see
``syndata.models.cardinality`` (bins of at least k parents, the disclosure rule's
``rare_k()``), which also gives the trade-off it makes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self

import numpy as np
import pandas as pd

from syndata.errors import ModelError
from syndata.metadata import Metadata, Relationship
from syndata.models.arrays import Codes, Values
from syndata.models.auto import CANDIDATES, AutoModel
from syndata.models.base import MultiTableSynthesizer, Synthesizer
from syndata.models.cardinality import child_quotas
from syndata.models.matching import match_parents
from syndata.models.registry import DEFAULT_MODEL, MODELS, SCHEMA_MODELS, make_model
from syndata.models.table_plan import CONDITIONED_PREFIXES, CONTEXT, COUNT, HAS, TablePlan
from syndata.seeds import resolve_seed

if TYPE_CHECKING:
    from syndata.consistency import Invariant

REFERENCE = "reference"  # a table model: keep the table's rows as they are (lookup data)
_TablePlan = TablePlan  # the name models fitted before the plan had its own module pickled


@dataclass(frozen=True)
class _Draw:
    """How one table is sampled: at ``scale`` (or ``fixed_rows``), with ``rng`` and ``seed``."""

    scale: float
    fixed_rows: int | None
    rng: np.random.Generator
    seed: int


class HierarchicalSynthesizer(MultiTableSynthesizer):
    """A relational schema: per-table models linked by child counts and parent context.

    Parameters
    ----------
    table_models : per table, the single-table model to use (``auto``,
        ``gaussian_copula`` or ``cart``); tables not named use ``default_model``.
        ``reference`` keeps a table's rows as they are, at every scale: for lookup data
        without personal information (species, airlines, product categories), whose rows
        children then refer to.
    default_model : the single-table model of the other tables (default ``auto``: a
        held-out trial picks the engine per table, ``syndata.models.auto``).
    context_columns : at most this many parent columns condition a child's rows.
    """

    model_type: ClassVar[str] = "hierarchical"

    def __init__(
        self,
        table_models: Mapping[str, str] | None = None,
        default_model: str = DEFAULT_MODEL,
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
        progress: Callable[[str, int, int], None] | None = None,
        sizes: Mapping[str, int] | None = None,
        *,
        constraints: Mapping[str, Sequence[Invariant]] | None = None,
        enforce: bool = True,
    ) -> Self:
        """Learn every table of ``metadata`` from ``tables`` (name -> frame).

        ``sizes`` gives the table sizes that scale 1 stands for when ``tables`` are only
        part of the rows (the rest held out to measure privacy); default their lengths.
        ``constraints`` are declared rules per table, kept besides those each table's
        model finds; ``enforce=False`` keeps no rule (as ``Synthesizer.fit``). A table
        kept as it is (``reference``) keeps its real rows' rules as they are.
        """
        self._check_input(tables, metadata)
        self.metadata_ = metadata
        self.order_ = metadata.order()
        self.rows_ = {t: int((sizes or {}).get(t, len(tables[t]))) for t in self.order_}
        self.plans_: dict[str, TablePlan] = {}
        self.models_: dict[str, Synthesizer] = {}
        self.references_: dict[str, pd.DataFrame] = {}
        for done, name in enumerate(self.order_):
            plan = TablePlan.of(metadata, name, tables, self.rows_[name], self.context_columns)
            frame, meta = plan.training_frame(metadata, tables)
            model_name = (self.table_models or {}).get(name, self.default_model)
            if model_name == REFERENCE:
                self.references_[name] = self._reference(name, frame)
                self.plans_[name] = plan
                continue
            params = _table_params(model_name, plan)
            try:
                given = [c for c in frame.columns if str(c).startswith(CONDITIONED_PREFIXES)]
                self.models_[name] = make_model(model_name, **params).fit(
                    frame,
                    meta,
                    constraints=(constraints or {}).get(name, ()),
                    enforce=enforce,
                    conditioned=given,
                )
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

    # ------------------------------------------------------------------ sample

    def sample_tables(
        self, scale: float = 1.0, *, seed: int | None = None, rows: Mapping[str, int] | None = None
    ) -> Iterator[tuple[str, pd.DataFrame]]:
        """``(table, frame)`` in dependency order; parents are kept only as needed."""
        self._check_fitted()
        scale = self._scale(scale, rows)
        seed = resolve_seed(seed)
        fixed = dict(rows or {})
        synthetic: dict[str, pd.DataFrame] = {}
        pending = {t: len(self.metadata_.children_of(t)) for t in self.order_}
        for index, name in enumerate(self.order_):
            rng = np.random.default_rng([seed, index])
            draw = _Draw(scale, fixed.get(name), rng, seed + index)
            frame = self._sample_table(name, draw, synthetic)
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
        self, name: str, draw: _Draw, synthetic: Mapping[str, pd.DataFrame]
    ) -> pd.DataFrame:
        plan = self.plans_[name]
        fixed_rows, rng = draw.fixed_rows, draw.rng
        if name in self.references_:
            return self.references_[name].copy()
        if plan.primary is None:
            n = fixed_rows if fixed_rows is not None else round(draw.scale * self.rows_[name])
            frame = self.models_[name].sample(n, seed=draw.seed)
        else:
            frame = self._sample_children(plan, draw, synthetic)
        for rel in plan.secondary:
            self._assign_parent(frame, plan, rel, synthetic[rel.parent_table], rng)
        for col in [c for c in frame.columns if c.startswith("_n.")]:
            frame[col] = np.maximum(np.round(frame[col].to_numpy(dtype=float)), 0)
        return frame

    def _sample_children(
        self, plan: TablePlan, draw: _Draw, synthetic: Mapping[str, pd.DataFrame]
    ) -> pd.DataFrame:
        fixed_rows, scale, rng = draw.fixed_rows, draw.scale, draw.rng
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
        frame = self.models_[plan.name].sample(n, seed=draw.seed, conditions=conditions or None)
        keys = parents[rel.parent_key].to_numpy(dtype=object)[index]
        frame[fk] = _keys(
            np.concatenate([keys, np.full(n_null, None, dtype=object)]),
            parents[rel.parent_key].dtype,
        )
        return frame

    def _known(
        self, plan: TablePlan, col: str, values: Values, n_null: int, rng: np.random.Generator
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
        plan: TablePlan,
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
        choice = match_parents(child_values, parents[columns], quotas, rng)
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
    ) -> Codes:
        col = COUNT.format(child=child, fk=rel.child_key)
        return child_quotas(
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


def _keys(values: Values, dtype: Any) -> pd.Series:
    """Foreign key values (objects, None for null) in the parent key's type."""
    series = pd.Series(values, dtype=object)
    if pd.api.types.is_integer_dtype(dtype):
        return series.astype("Int64") if series.isna().any() else series.astype(dtype)
    return series if series.isna().any() else series.astype(dtype)


SCHEMA_MODELS.register("hierarchical", HierarchicalSynthesizer)


def _table_params(model_name: str, plan: TablePlan) -> dict[str, Any]:
    """The parameters a table's model gets from its place in the schema."""
    if model_name == AutoModel.model_type:  # each candidate as it would be alone
        return {"engine_params": {c: _table_params(c, plan) for c in CANDIDATES}}
    params: dict[str, Any] = {}
    accepted = MODELS.get(model_name)._param_names() if model_name in MODELS else []
    if plan.primary is not None and "visit_order" in accepted:
        params["visit_order"] = "data"  # the parent context leads, as when sampling
    if plan.primary is None and "stratified" in accepted:
        params["stratified"] = True  # a root table: its marginals without noise
    return params
