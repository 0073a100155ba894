"""How one table of a schema is modelled: its extra columns and its foreign keys' roles.

A table's training frame is its own columns plus ``_p.<fk>.<column>`` (the attributes of
the parent row each foreign key refers to), ``_has.<fk>`` (whether a nullable key is
set) and ``_n.<child>.<fk>`` (each row's children, on the smoothed scale of
``syndata.models.cardinality``); see ``syndata.models.hierarchical``.
"""

from __future__ import annotations

from collections.abc import Mapping
from copy import deepcopy
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from syndata.metadata import ColumnMetadata, Metadata, Relationship, TableMetadata
from syndata.models.arrays import Floats
from syndata.models.cardinality import on_smoothed_scale, smoothed
from syndata.privacy.disclosure import rare_k

COUNT = "_n.{child}.{fk}"
CONTEXT = "_p.{fk}.{column}"
HAS = "_has.{fk}"
CONDITIONED_PREFIXES = ("_p.", "_has.")  # columns a child's sample always conditions on


@dataclass
class TablePlan:
    """How one table is modelled: its extra columns and its foreign keys' roles."""

    name: str
    columns: list[str]  # the table's own columns, in order
    primary: Relationship | None = None
    secondary: list[Relationship] = field(default_factory=list)
    context: dict[str, list[str]] = field(default_factory=dict)  # fk -> parent columns
    nullable: set[str] = field(default_factory=set)  # fks with a _has flag
    null_context: set[str] = field(default_factory=set)  # context columns with nulls at fit
    counts: list[Relationship] = field(default_factory=list)  # fks referring to this table
    # count column -> the smoothed children per parent: rows lo, hi, share (``smoothed``)
    cardinality: dict[str, Floats] = field(default_factory=dict)
    null_rows: dict[str, int] = field(default_factory=dict)  # fk -> rows with a null fk

    @classmethod
    def of(
        cls,
        meta: Metadata,
        name: str,
        tables: Mapping[str, pd.DataFrame],
        rows: int,
        context_columns: int,
    ) -> TablePlan:
        """The plan of table ``name`` (``rows``: the rows scale 1 stands for)."""
        data = tables[name]
        plan = cls(name, list(meta.tables[name].columns), counts=meta.children_of(name))
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
            plan.context[rel.child_key] = modelled[:context_columns]
            nulls = int(data[rel.child_key].isna().sum())
            plan.null_rows[rel.child_key] = round(nulls * rows / max(len(data), 1))
            if nulls:
                plan.nullable.add(rel.child_key)
        return plan

    def training_frame(
        self, meta: Metadata, tables: Mapping[str, pd.DataFrame]
    ) -> tuple[pd.DataFrame, TableMetadata]:
        """The table's rows with its extra columns, and their metadata.

        Fills in the learned children per parent (``cardinality``) and drops context
        columns that hold only nulls (``context``, ``null_context``).
        """
        data = tables[self.name]
        table_meta = deepcopy(meta.tables[self.name])
        fks = {r.child_key for r in meta.parents_of(self.name)}
        for fk in fks:
            table_meta.columns[fk].kind = "id"
        extra: dict[str, pd.Series] = {}
        k = rare_k()
        for rel in self.counts:
            counts = tables[rel.child_table][rel.child_key].value_counts()
            pk = data[rel.parent_key]
            values = counts.reindex(pk.to_numpy(), fill_value=0).to_numpy(dtype=np.int64)
            col = COUNT.format(child=rel.child_table, fk=rel.child_key)
            self.cardinality[col] = smoothed(values, k)
            extra[col] = pd.Series(
                on_smoothed_scale(values, self.cardinality[col]), index=data.index
            )
            table_meta.columns[col] = ColumnMetadata(col, "numerical", "float")
        for rel in meta.parents_of(self.name):
            parent = tables[rel.parent_table].set_index(rel.parent_key)
            keys = data[rel.child_key].to_numpy()
            parent_meta = meta.tables[rel.parent_table]
            for column in self.context[rel.child_key]:
                col = CONTEXT.format(fk=rel.child_key, column=column)
                extra[col] = pd.Series(parent[column].reindex(keys).to_numpy(), index=data.index)
                source = parent_meta.columns[column]
                table_meta.columns[col] = ColumnMetadata(
                    col, source.kind, source.dtype, nullable=True, format=source.format
                )
            if rel.child_key in self.nullable:
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
            if fk and column in self.context.get(fk, []):
                self.context[fk].remove(column)
        self.null_context = {
            c for c in frame.columns if c.startswith("_p.") and frame[c].isna().any()
        }
        return frame, table_meta
