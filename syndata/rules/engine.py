"""The rule engine: generate tables from a plan, or apply a config's rules to a frame.

Tables come out parents first; each table in batches of ``batch_size`` rows, so memory
does not grow with the row count (only the key columns that children reference are
kept). Batch ``b`` of table ``t`` draws column ``c`` from a generator seeded by
``(seed, t, c, b)``: the same seed and batch size give the same output, byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from syndata.consistency.declared import Keeper
from syndata.errors import GenerationError
from syndata.rules.base import Mask, replace_where
from syndata.rules.conditions import condition_mask
from syndata.rules.keys import ForeignKeyDraw, KeyStore, make_unique
from syndata.rules.plan import ColumnPlan, Plan, TablePlan, build_plan

if TYPE_CHECKING:
    import pandas as pd

    from syndata.config import Config
    from syndata.io.base import TableSpec

DEFAULT_BATCH_SIZE = 100_000


def batch_rng(
    seed: int, table: int, column: int, batch: int, purpose: int = 0
) -> np.random.Generator:
    """The random generator of one column in one batch."""
    return np.random.default_rng([seed, table, column, batch, purpose])


@dataclass
class TableStream:
    """One table of a run: its spec for writers, its row count, and its batches."""

    plan: TablePlan
    seed: int
    keys: KeyStore
    batch_size: int
    keeper: Keeper | None = None  # the declared constraints, kept across batches

    @property
    def name(self) -> str:
        """The table's name."""
        return self.plan.name

    @property
    def spec(self) -> TableSpec:
        """What writers need to create the table."""
        return self.plan.spec

    @property
    def rows(self) -> int:
        """Rows this table will have."""
        return self.plan.rows

    def batches(self) -> Iterator[pa.Table]:
        """The table's rows, batch by batch (keys are remembered for children)."""
        plan = self.plan
        schema = plan.spec.schema
        for b, start in enumerate(range(0, plan.rows, self.batch_size)):
            n = min(self.batch_size, plan.rows - start)
            columns: dict[str, pa.Array] = {}
            for col in plan.columns:
                columns[col.name] = _column_values(col, plan, columns, n, start, self.seed, b)
            table = pa.Table.from_arrays([columns[f.name] for f in schema], schema=schema)
            if plan.config.constraints:
                if self.keeper is None:
                    self.keeper = Keeper(plan.config.constraints)
                rng = batch_rng(self.seed, plan.index, 0, b, purpose=2)
                table = _kept(table, self.keeper, rng)
            for name in plan.key_columns:
                self.keys.add(plan.name, name, table.column(name).combine_chunks())
            yield table


def _kept(table: pa.Table, keeper: Keeper, rng: np.random.Generator) -> pa.Table:
    """A generated batch repaired to keep its table's declared constraints."""
    kept = keeper.keep(table.to_pandas(), rng)
    return pa.Table.from_pandas(kept, schema=table.schema, preserve_index=False)


def _column_values(
    col: ColumnPlan,
    table: TablePlan,
    columns: dict[str, pa.Array],
    n: int,
    start: int,
    seed: int,
    batch: int,
) -> pa.Array:
    rng = batch_rng(seed, table.index, col.index, batch)
    typ = table.spec.schema.field(col.name).type
    values = col.generator.sample(n, rng, start).cast(typ)
    for conditions, gen in col.conditionals:
        mask = condition_mask(conditions, columns, n)
        values = replace_where(values, mask, gen, rng, start)
    share = col.config.effective_null_share
    if share > 0:
        values = _with_nulls(values, rng.random(n) < share)
    if len(values) != n:
        raise GenerationError(f"column '{col.name}' produced {len(values)} values for {n} rows")
    return values


def _with_nulls(values: pa.Array, mask: Mask) -> pa.Array:
    k = int(mask.sum())
    if k == 0:
        return values
    return pc.replace_with_mask(values, pa.array(mask), pa.nulls(k, values.type))


def generate_tables(plan: Plan, batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[TableStream]:
    """The tables of a plan in dependency order; consume each before taking the next."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    for table in plan.tables:
        yield TableStream(table, plan.seed, plan.keys, batch_size)


def generate(
    config: Config,
    rows: int | None = None,
    seed: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[tuple[str, pa.Table]]:
    """``(table name, batch)`` pairs for a whole config, parents first."""
    for stream in generate_tables(build_plan(config, rows, seed), batch_size):
        for batch in stream.batches():
            yield stream.name, batch


def generate_frames(
    config: Config, rows: int | None = None, seed: int | None = None
) -> dict[str, pd.DataFrame]:
    """Every table of a config in memory, as pandas DataFrames (for small runs)."""
    out: dict[str, list[pa.Table]] = {}
    plan = build_plan(config, rows, seed)
    for stream in generate_tables(plan):
        out[stream.name] = list(stream.batches()) or [stream.spec.schema.empty_table()]
    return {name: pa.concat_tables(parts).to_pandas() for name, parts in out.items()}


def apply_rules(
    data: pd.DataFrame | pa.Table,
    config: Config,
    table: str,
    seed: int | None = None,
    keys: KeyStore | None = None,
    start: int = 0,
) -> pd.DataFrame | pa.Table:
    """Apply one table's rules to existing rows once; see ``RuleApplier``."""
    return RuleApplier(config, table, seed=seed, keys=keys).apply(data, start=start)


class RuleApplier:
    """Applies one table's rules to existing rows (e.g. sampled by a learned model).

    For each configured column, in dependency order: a column missing from the data is
    generated; ``apply: override`` (default) replaces the values with the rule's,
    ``apply: constrain`` keeps values that obey the rule and fixes the others (ranges
    clip or resample, choices and regexes resample); conditional rules do the same on
    the rows where their condition holds; PK/unique columns are made unique; not_null
    columns get no nulls; foreign keys are redrawn from ``keys`` where they do not
    resolve. One applier serves batch after batch of the same table (``start`` is the
    index of the batch's first row): keys and unique columns stay unique across batches.
    """

    def __init__(
        self, config: Config, table: str, seed: int | None = None, keys: KeyStore | None = None
    ) -> None:
        index = next((i for i, t in enumerate(config.tables) if t.table_name == table), None)
        if index is None:
            raise GenerationError(
                f"table '{table}' is not in the config; "
                f"known: {', '.join(t.table_name for t in config.tables)}"
            )
        self.table_config = config.tables[index]
        only = self.table_config.model_copy(update={"rows": None, "foreign_keys": []})
        sub = config.model_copy(update={"tables": [only]})
        self.plan = build_plan(sub, 0, seed if seed is not None else config.seed or 0)
        self.table = self.plan.tables[0]
        self.table.index = index
        self.keys = keys
        self.fks = {fk.child_column: fk for fk in self.table_config.foreign_keys}
        self.seen: dict[str, NDArray[np.uint64]] = {}
        self.batches = 0
        self.keeper = Keeper(self.table_config.constraints)
        self.used = {c.name for c in self.table_config.columns} | {
            cond.column
            for c in self.table_config.columns
            for r in c.conditional_rules
            for cond in r.condition
        }

    def apply(self, data: pd.DataFrame | pa.Table, start: int = 0) -> pd.DataFrame | pa.Table:
        """The rows with the rules applied, as the same kind of object as given."""
        import pandas as pd

        names = [
            str(c) for c in (data.columns if isinstance(data, pd.DataFrame) else data.column_names)
        ]
        touched = [n for n in names if n in self.used]  # only these are converted to arrow
        if isinstance(data, pd.DataFrame):
            n = len(data)
            columns = {name: pa.Array.from_pandas(data[name]) for name in touched}
        else:
            n = int(data.num_rows)
            columns = {name: data.column(name).combine_chunks() for name in touched}
        for col in self.table.columns:
            rng = batch_rng(self.plan.seed, self.table.index, col.index, self.batches, purpose=1)
            columns[col.name] = self._column(col, columns, n, rng, start)
        self.batches += 1
        added = [c.name for c in self.table_config.columns if c.name not in names]
        if isinstance(data, pd.DataFrame):
            out = data.copy(deep=False)
            for name in [*self.configured_in(names), *added]:
                out[name] = columns[name].to_pandas()
            return self._kept(out)
        table = data
        for name in self.configured_in(names):
            table = table.set_column(names.index(name), name, columns[name])
        for name in added:
            table = table.append_column(name, columns[name])
        if self.table_config.constraints:
            kept = self._kept(table.to_pandas())
            table = pa.Table.from_pandas(kept, schema=table.schema, preserve_index=False)
        return table

    def _kept(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows repaired to keep the table's declared constraints (after the rules)."""
        if not self.table_config.constraints:
            return frame
        rng = batch_rng(self.plan.seed, self.table.index, 0, self.batches, purpose=2)
        return self.keeper.keep(frame, rng)

    def configured_in(self, names: list[str]) -> list[str]:
        """The configured columns among ``names`` (the ones this applier rewrites)."""
        return [c.name for c in self.table_config.columns if c.name in names]

    def _column(
        self,
        col: ColumnPlan,
        columns: dict[str, pa.Array],
        n: int,
        rng: np.random.Generator,
        start: int,
    ) -> pa.Array:
        typ = self.table.spec.schema.field(col.name).type
        cfg = col.config
        present = col.name in columns
        if not present or (cfg.apply == "override" and cfg.rule is not None):
            values = col.generator.sample(n, rng, start).cast(typ)
            if cfg.effective_null_share > 0:
                values = _with_nulls(values, rng.random(n) < cfg.effective_null_share)
        else:
            values = columns[col.name]
            if cfg.apply == "constrain" and cfg.rule is not None:
                values = col.generator.constrain(values.cast(typ), rng, start)
        for conditions, gen in col.conditionals:
            mask = condition_mask(conditions, columns, n)
            if cfg.apply == "constrain" and present:
                part = gen.constrain(values.filter(pa.array(mask)), rng, start)
                values = pc.replace_with_mask(values, pa.array(mask), part.cast(values.type))
            else:
                values = replace_where(values, mask, gen, rng, start)
        fk = self.fks.get(col.name)
        if fk is not None and self.keys is not None:
            draw = ForeignKeyDraw(self.keys, fk.parent_table, fk.parent_column, typ, col.name)
            values = draw.constrain(values.cast(typ), rng, start)
        if "not_null" in cfg.constraints or cfg.is_primary_key:
            nulls = np.asarray(values.is_null().to_numpy(zero_copy_only=False), dtype=bool)
            values = replace_where(values, nulls, col.generator, rng, start)
        if cfg.is_unique and present and not (cfg.apply == "override" and cfg.rule is not None):
            inner = getattr(col.generator, "inner", col.generator)
            values, self.seen[col.name] = make_unique(
                values, inner, rng, start, col.name, self.seen.get(col.name)
            )
        return values
