"""Integrity of a schema's data: orphan rows, bad primary keys; and their repair.

``check_integrity(frames, metadata)`` reports orphan rows, duplicate or null primary keys
and schema problems; ``resolve_orphans(frames, metadata, how)`` stops, drops orphan rows
(cascading) or nulls their foreign key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from syndata.errors import DataReadError
from syndata.metadata import Metadata, Relationship

EXAMPLES = 5  # example values shown per problem
ORPHAN_MODES = ("stop", "drop", "null")
ORPHAN_FIX = (
    "pass --orphans drop to drop the orphan rows, or --orphans null to set their "
    "foreign key to null"
)
KEY_FIX = "dedupe the table or choose another primary key"


@dataclass(frozen=True)
class OrphanCheck:
    """Child rows of one relationship whose (non-null) foreign key has no parent row."""

    relationship: Relationship
    rows: int  # orphan child rows
    checked: int  # child rows with a non-null foreign key
    examples: list[Any] = field(default_factory=list)  # up to EXAMPLES orphan values

    @property
    def share(self) -> float:
        """Orphan rows as a share of the child rows with a non-null foreign key."""
        return self.rows / self.checked if self.checked else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-compatible)."""
        return {
            "relationship": self.relationship.name,
            **self.relationship.to_dict(),
            "orphan_rows": self.rows,
            "checked_rows": self.checked,
            "share": self.share,
            "examples": self.examples,
        }

    def describe(self) -> str:
        """One line for users."""
        return (
            f"{self.relationship.name}: {self.rows:,} orphan row(s) ({self.share:.1%} of "
            f"{self.checked:,} with a key), e.g. {_examples(self.examples)}"
        )


@dataclass(frozen=True)
class KeyCheck:
    """Duplicate and null values of one table's primary key."""

    table: str
    key: str
    duplicates: int  # rows repeating a key value of an earlier row
    nulls: int
    examples: list[Any] = field(default_factory=list)  # up to EXAMPLES duplicated values

    @property
    def ok(self) -> bool:
        """True when the key is unique and never null."""
        return not self.duplicates and not self.nulls

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-compatible)."""
        return {
            "table": self.table,
            "key": self.key,
            "duplicates": self.duplicates,
            "nulls": self.nulls,
            "examples": self.examples,
        }

    def describe(self) -> str:
        """One line for users."""
        parts = []
        if self.duplicates:
            parts.append(f"{self.duplicates:,} duplicate row(s), e.g. {_examples(self.examples)}")
        if self.nulls:
            parts.append(f"{self.nulls:,} null value(s)")
        return f"table '{self.table}': primary key '{self.key}' has {' and '.join(parts)}"


@dataclass
class IntegrityReport:
    """What ``check_integrity`` found: every check made, and the schema's own problems."""

    orphans: list[OrphanCheck] = field(default_factory=list)
    keys: list[KeyCheck] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when there are no orphans, no bad primary keys and no schema problems."""
        return (
            not self.problems
            and all(k.ok for k in self.keys)
            and not any(o.rows for o in self.orphans)
        )

    def findings(self) -> list[str]:
        """One line per problem found."""
        return [
            *self.problems,
            *(k.describe() for k in self.keys if not k.ok),
            *(o.describe() for o in self.orphans if o.rows),
        ]

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-compatible)."""
        return {
            "ok": self.ok,
            "orphans": [o.to_dict() for o in self.orphans],
            "keys": [k.to_dict() for k in self.keys],
            "problems": list(self.problems),
        }

    def summary(self) -> str:
        """Text for the CLI: the problems, or what was checked."""
        found = self.findings()
        if not found:
            return (
                f"integrity ok: {len(self.orphans)} relationship(s) and "
                f"{len(self.keys)} primary key(s) checked"
            )
        head = f"{len(found)} integrity problem{'s' if len(found) != 1 else ''}:"
        return "\n".join([head, *(f"  - {line}" for line in found)])


def check_integrity(frames: Mapping[str, pd.DataFrame], metadata: Metadata) -> IntegrityReport:
    """Check primary keys and foreign keys of ``metadata`` against the data in ``frames``."""
    report = IntegrityReport(problems=[*metadata.problems(), *_missing(frames, metadata)])
    for name, table in metadata.tables.items():
        frame = frames.get(name)
        if (
            table.primary_key is not None
            and frame is not None
            and table.primary_key in frame.columns
        ):
            report.keys.append(_key_check(name, table.primary_key, frame[table.primary_key]))
    for rel in metadata.relationships:
        if _usable(frames, rel):
            child = frames[rel.child_table][rel.child_key]
            mask = _orphan_mask(child, frames[rel.parent_table][rel.parent_key])
            report.orphans.append(
                OrphanCheck(
                    rel, int(mask.sum()), int(child.notna().sum()), _first_values(child[mask])
                )
            )
    return report


def _missing(frames: Mapping[str, pd.DataFrame], metadata: Metadata) -> list[str]:
    """Tables and key columns the metadata names but the data lacks."""
    out = [
        f"table '{name}' is in the metadata but not in the data; pass its data"
        for name in metadata.tables
        if name not in frames
    ]
    for rel in metadata.relationships:
        for table, column in ((rel.parent_table, rel.parent_key), (rel.child_table, rel.child_key)):
            if table in frames and column not in frames[table].columns:
                out.append(f"{rel.name}: the data of table '{table}' has no column '{column}'")
    return list(dict.fromkeys(out))


def _usable(frames: Mapping[str, pd.DataFrame], rel: Relationship) -> bool:
    return all(
        table in frames and column in frames[table].columns
        for table, column in ((rel.parent_table, rel.parent_key), (rel.child_table, rel.child_key))
    )


def _key_check(table: str, key: str, values: pd.Series) -> KeyCheck:
    present = values.dropna()
    repeated = present[present.duplicated()]
    return KeyCheck(table, key, len(repeated), int(values.isna().sum()), _first_values(repeated))


def _orphan_mask(child: pd.Series, parent: pd.Series) -> pd.Series:
    """True for child rows whose non-null key is not among the parent's keys."""
    return child.notna() & ~child.isin(parent.dropna())


def _first_values(values: pd.Series) -> list[Any]:
    """Up to EXAMPLES distinct values, as plain Python objects."""
    return [v.item() if hasattr(v, "item") else v for v in pd.unique(values)[:EXAMPLES]]


def _examples(values: list[Any]) -> str:
    return ", ".join(map(repr, values))


# ---------------------------------------------------------------- repair


def resolve_orphans(
    frames: Mapping[str, pd.DataFrame], metadata: Metadata, how: str
) -> dict[str, pd.DataFrame]:
    """Deal with orphan child rows: ``"stop"``, ``"drop"`` them or ``"null"`` their key.

    ``"stop"`` raises DataReadError when there are orphans; ``"drop"`` drops orphan rows,
    parents first, so that children of dropped rows are dropped too (row labels are kept);
    ``"null"`` sets orphan foreign keys to null (integer columns become ``Int64``).
    Duplicate or null primary keys and schema problems always raise DataReadError. The
    input frames are never modified; tables without change are returned as they are.
    """
    if how not in ORPHAN_MODES:
        raise ValueError(
            f"The 'how' parameter of resolve_orphans must be one of "
            f"{', '.join(map(repr, ORPHAN_MODES))}. Got {how!r} instead."
        )
    report = check_integrity(frames, metadata)
    _raise_on_schema(report)
    out = dict(frames)
    if how == "stop" and not report.ok:
        raise DataReadError(f"{report.summary()}\n{ORPHAN_FIX}")
    if how == "null":
        for check in report.orphans:
            if check.rows:
                _null_orphans(out, check.relationship)
    elif how == "drop":
        _drop_orphans(out, metadata)
    return out


def _raise_on_schema(report: IntegrityReport) -> None:
    """Raise DataReadError for schema problems and duplicate or null primary keys."""
    if report.problems:
        raise DataReadError(
            "the relationships do not fit the tables:\n"
            + "\n".join(f"  - {p}" for p in report.problems)
            + "\nfix or drop these relationships"
        )
    bad = [k.describe() for k in report.keys if not k.ok]
    if bad:
        raise DataReadError("\n".join(bad) + f"; {KEY_FIX}")


def _null_orphans(frames: dict[str, pd.DataFrame], rel: Relationship) -> None:
    child = frames[rel.child_table]
    values = child[rel.child_key]
    mask = _orphan_mask(values, frames[rel.parent_table][rel.parent_key])
    if pd.api.types.is_integer_dtype(values.dtype) and not isinstance(
        values.dtype, pd.api.extensions.ExtensionDtype
    ):
        values = values.astype("Int64")
    nulled = values.mask(mask, None) if values.dtype == object else values.mask(mask)
    frames[rel.child_table] = child.assign(**{rel.child_key: nulled})


def _drop_orphans(frames: dict[str, pd.DataFrame], metadata: Metadata) -> None:
    """Drop orphan rows, parent tables first: one pass leaves no orphan behind.

    A table's rows are dropped before its children are checked (``Metadata.order``), so
    the children of dropped rows are dropped in turn.
    """
    rank = {name: i for i, name in enumerate(metadata.order())}
    for rel in sorted(metadata.relationships, key=lambda r: rank[r.child_table]):
        child = frames[rel.child_table]
        mask = _orphan_mask(child[rel.child_key], frames[rel.parent_table][rel.parent_key])
        if mask.any():
            frames[rel.child_table] = child.loc[~mask]
