"""A table's and a schema's metadata: columns, primary key, relationships, table order.

``TableMetadata.detect(frame)`` infers a table's from data; users can review and edit it
(it round-trips through plain dicts/JSON). Models, profiling and quality all read it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from syndata.errors import DataReadError
from syndata.graph import CycleError, find_cycle, stable_order
from syndata.metadata.columns import (
    DETECTION_SAMPLE,
    ColumnMetadata,
    detect_column,
    is_key,
    named_like_id,
)


@dataclass
class TableMetadata:
    """A table's columns (in order) and its primary key."""

    name: str
    columns: dict[str, ColumnMetadata] = field(default_factory=dict)
    primary_key: str | None = None

    @classmethod
    def detect(
        cls,
        data: pd.DataFrame,
        name: str = "table",
        sample_size: int = DETECTION_SAMPLE,
        seed: int = 0,
    ) -> TableMetadata:
        """Infer kinds, types and the primary key from data (a uniform sample of it)."""
        if data.shape[1] == 0:
            raise DataReadError(f"table '{name}' has no columns; check the file's header")
        sample = data if len(data) <= sample_size else data.sample(sample_size, random_state=seed)
        columns = {str(c): detect_column(str(c), sample[c], full=data[c]) for c in data.columns}
        meta = cls(name, columns)
        candidates = [c for c in columns.values() if c.kind == "id" and is_key(data[c.name])]
        if candidates:
            best = next((c for c in candidates if named_like_id(c.name)), candidates[0])
            meta.set_primary_key(best.name)
        return meta

    def set_primary_key(self, column: str | None) -> None:
        """Make ``column`` (or nothing) the primary key."""
        for col in self.columns.values():
            col.primary_key = col.name == column
        if column is not None:
            self.columns[column].kind = "id"
            self.columns[column].nullable = False
        self.primary_key = column

    def check(self, data: pd.DataFrame) -> None:
        """Raise DataReadError when ``data`` lacks a column of the metadata."""
        missing = [c for c in self.columns if c not in data.columns]
        if missing:
            raise DataReadError(
                f"table '{self.name}' lacks column(s) {', '.join(missing)} "
                "that the metadata describes; pass the same columns as at fit"
            )

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-compatible)."""
        return {
            "name": self.name,
            "primary_key": self.primary_key,
            "columns": [c.to_dict() for c in self.columns.values()],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TableMetadata:
        """From plain data (as ``to_dict`` writes it)."""
        columns = [ColumnMetadata.from_dict(c) for c in data.get("columns", [])]
        meta = cls(data["name"], {c.name: c for c in columns})
        if data.get("primary_key"):
            meta.set_primary_key(data["primary_key"])
        return meta


@dataclass(frozen=True)
class Relationship:
    """A foreign key: ``child_table.child_key`` refers to ``parent_table.parent_key``."""

    parent_table: str
    parent_key: str
    child_table: str
    child_key: str

    @property
    def name(self) -> str:
        """``child.key -> parent.key``, as shown to users."""
        return f"{self.child_table}.{self.child_key} -> {self.parent_table}.{self.parent_key}"

    def to_dict(self) -> dict[str, str]:
        """Plain data (JSON-compatible)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Relationship:
        """From plain data (as ``to_dict`` writes it)."""
        missing = [
            k for k in ("parent_table", "parent_key", "child_table", "child_key") if not data.get(k)
        ]
        if missing:
            raise ValueError(f"relationship {data!r} lacks {', '.join(missing)}")
        return cls(
            str(data["parent_table"]),
            str(data["parent_key"]),
            str(data["child_table"]),
            str(data["child_key"]),
        )


@dataclass
class Metadata:
    """Several tables and the foreign keys between them (a relational schema)."""

    tables: dict[str, TableMetadata] = field(default_factory=dict)
    relationships: list[Relationship] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-compatible)."""
        return {
            "tables": [t.to_dict() for t in self.tables.values()],
            "relationships": [r.to_dict() for r in self.relationships],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Metadata:
        """From plain data (as ``to_dict`` writes it)."""
        tables = [TableMetadata.from_dict(t) for t in data.get("tables", [])]
        rels = [Relationship.from_dict(r) for r in data.get("relationships") or []]
        return cls({t.name: t for t in tables}, rels)

    def parents_of(self, table: str) -> list[Relationship]:
        """The foreign keys of ``table`` (it is their child)."""
        return [r for r in self.relationships if r.child_table == table]

    def children_of(self, table: str) -> list[Relationship]:
        """The foreign keys that refer to ``table``."""
        return [r for r in self.relationships if r.parent_table == table]

    def problems(self) -> list[str]:
        """What is wrong with the schema itself: unknown names, parent keys, cycles."""
        out: list[str] = []
        for rel in self.relationships:
            for table, column in (
                (rel.parent_table, rel.parent_key),
                (rel.child_table, rel.child_key),
            ):
                if table not in self.tables:
                    out.append(f"{rel.name}: no table '{table}' (tables: {', '.join(self.tables)})")
                elif column not in self.tables[table].columns:
                    out.append(f"{rel.name}: table '{table}' has no column '{column}'")
            parent = self.tables.get(rel.parent_table)
            if (
                parent is not None
                and parent.primary_key != rel.parent_key
                and rel.parent_key in parent.columns
            ):
                out.append(
                    f"{rel.name}: '{rel.parent_key}' is not the primary key of "
                    f"'{rel.parent_table}' (it is {parent.primary_key!r}); a foreign "
                    "key must refer to its parent's primary key"
                )
            if rel.child_table == rel.parent_table:
                out.append(
                    f"{rel.name}: a table referring to itself is not supported; "
                    "drop this relationship"
                )
        if not out:
            cycle = self._cycle()
            if cycle:
                out.append(
                    "foreign keys form a cycle: "
                    + " -> ".join(cycle)
                    + "; drop one relationship of the cycle"
                )
        return out

    def order(self) -> list[str]:
        """Table names with every parent before its children (stable otherwise)."""
        try:
            return stable_order(list(self.tables), self._parents())
        except CycleError as exc:
            raise DataReadError(
                f"foreign keys form a cycle: {exc}; drop one relationship of the cycle"
            ) from None

    def _cycle(self) -> list[str]:
        """One cycle of tables (child -> parent -> ...), or [] when there is none."""
        return find_cycle(list(self.tables), self._parents())

    def _parents(self) -> dict[str, list[str]]:
        return {t: [r.parent_table for r in self.parents_of(t)] for t in self.tables}
