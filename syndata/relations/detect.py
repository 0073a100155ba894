"""Key and relationship detection between tables, and their description for users.

Foreign key detection: a *parent key* is a column that is unique and never null and holds
strings or integers (never floats). A child column refers to it when most of its distinct
values are among the parent's keys (the *containment* share) and either the names agree
(``customer_id`` -> ``customers.customer_id`` or ``customers.id``) with containment of at
least :data:`NAME_CONTAINMENT`, or the values are strings, at least
:data:`MIN_DISTINCT_VALUES` distinct ones, with containment of at least
:data:`VALUE_CONTAINMENT`. Integer columns whose names do not agree never become foreign
keys: small integers (years, months, counts) are contained in any integer key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from syndata.graph import find_cycle
from syndata.metadata import Metadata, Relationship, TableMetadata, is_key

NAME_CONTAINMENT = 0.5  # share of a child's values among the parent keys when names agree
VALUE_CONTAINMENT = 0.95  # the same for string columns whose names do not agree
MIN_DISTINCT_VALUES = 2  # distinct child strings needed to match on values alone
# Key names too common to match on their own: orders.id is not customers.id.
GENERIC_NAMES = frozenset({"id", "key", "code", "pk", "uuid", "name"})
_ID_SUFFIXES = ("id", "key", "code")


@dataclass(frozen=True)
class _Match:
    """A candidate foreign key: child column -> parent key, and how well it fits."""

    rel: Relationship
    named: bool
    containment: float

    def rank(self) -> tuple[bool, float]:
        """Sort key: name matches first, then the higher containment."""
        return (not self.named, -self.containment)


def detect_metadata(
    frames: Mapping[str, pd.DataFrame], *, declared: list[Relationship] | None = None
) -> Metadata:
    """Detect each table's metadata and the primary and foreign keys between the tables.

    ``declared`` relationships (from the database or the user) are kept as they are, even
    when faulty (``Metadata.problems()`` reports them); detection adds none for a child
    column that has one, nor any that would close a cycle. Referenced keys become their
    table's primary key and foreign key columns get kind ``id``.
    """
    declared = list(declared or [])
    tables = {name: TableMetadata.detect(frame, name) for name, frame in frames.items()}
    keys = {name: _key_candidates(frame) for name, frame in frames.items()}
    taken = {(r.child_table, r.child_key) for r in declared}
    matches = [
        m for m in _matches(frames, keys) if (m.rel.child_table, m.rel.child_key) not in taken
    ]
    chosen = _choose_keys(matches, declared, tables)
    best = _best_per_column(
        [m for m in matches if chosen.get(m.rel.parent_table) == m.rel.parent_key]
    )
    relationships = list(declared)
    for match in sorted(best, key=_Match.rank):
        if not _closes_cycle(relationships, match.rel):
            relationships.append(match.rel)
    _mark(tables, relationships)
    return Metadata(tables, _sorted(relationships, frames))


def _value_type(values: pd.Series) -> str | None:
    """``"str"`` or ``"int"`` for strings or integers (integral floats count), else None."""
    if pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_datetime64_any_dtype(
        values.dtype
    ):
        return None
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(values.dtype.categories.dtype)
    present = values.dropna()
    if len(present) == 0:
        return None
    if pd.api.types.is_float_dtype(values.dtype):
        return "float" if bool((present % 1 == 0).all()) else None
    inferred = pd.api.types.infer_dtype(present, skipna=True)
    return {"string": "str", "integer": "int"}.get(inferred)


def _key_candidates(frame: pd.DataFrame) -> dict[str, str]:
    """Columns that can be a parent key (unique, never null, strings or integers): type."""
    types = {str(c): _value_type(frame[c]) for c in frame.columns}
    return {c: kind for c, kind in types.items() if kind in ("str", "int") and is_key(frame[c])}


def _matches(
    frames: Mapping[str, pd.DataFrame], keys: Mapping[str, dict[str, str]]
) -> list[_Match]:
    """Every (child column, parent key) pair that passes the detection rule."""
    out = []
    for child, frame in frames.items():
        for column in map(str, frame.columns):
            kind = _value_type(frame[column])
            if kind is None:
                continue
            values = pd.Series(pd.unique(frame[column].dropna()))
            for parent in frames:
                for key, key_kind in keys[parent].items() if parent != child else ():
                    rel = Relationship(parent, key, child, column)
                    match = _match(rel, kind, key_kind, values, frames[parent][key])
                    if match is not None:
                        out.append(match)
    return out


def _match(
    rel: Relationship, kind: str, key_kind: str, values: pd.Series, keys: pd.Series
) -> _Match | None:
    """``rel`` as a match when the child's distinct ``values`` fit the parent ``keys``."""
    if (kind == "str") != (key_kind == "str"):
        return None
    named = names_agree(rel.child_key, rel.parent_table, rel.parent_key)
    if not named and (kind != "str" or len(values) < MIN_DISTINCT_VALUES):
        return None
    share = float(values.isin(keys).mean())
    return (
        _Match(rel, named, share)
        if share >= (NAME_CONTAINMENT if named else VALUE_CONTAINMENT)
        else None
    )


def names_agree(column: str, parent_table: str, parent_key: str) -> bool:
    """True when a child column's name says it refers to ``parent_table.parent_key``.

    Agreeing names: the key's own name (unless generic like ``id``), or the parent table's
    name (plural or singular) followed by the key's name or by ``id``/``key``/``code``, or
    the table's singular name alone (``customer_id``, ``customers_id``, ``customer``).
    """
    child, key = _norm(column), _norm(parent_key)
    if child == key and key not in GENERIC_NAMES:
        return True
    prefixes = {_norm(parent_table), _norm(singular(parent_table))}
    suffixes = {key, *_ID_SUFFIXES}
    return child == _norm(singular(parent_table)) or any(
        child == prefix + suffix for prefix in prefixes for suffix in suffixes
    )


def singular(name: str) -> str:
    """English singular of a table name (``categories`` -> ``category``), good enough."""
    lower = name.lower()
    if lower.endswith("ies") and len(name) > 3:
        return name[:-3] + "y"
    if lower.endswith(("ses", "xes", "ches", "shes")):
        return name[:-2]
    if lower.endswith("s") and not lower.endswith("ss"):
        return name[:-1]
    return name


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _choose_keys(
    matches: list[_Match], declared: list[Relationship], tables: Mapping[str, TableMetadata]
) -> dict[str, str]:
    """The key each parent table is referred to by: declared first, else the most referred.

    Ties go to the key with more name matches, then the detected primary key, then the
    column that comes first.
    """
    chosen: dict[str, str] = {}
    for rel in declared:
        chosen.setdefault(rel.parent_table, rel.parent_key)
    votes: dict[tuple[str, str], tuple[int, int]] = {}
    for match in matches:
        named, total = votes.get((match.rel.parent_table, match.rel.parent_key), (0, 0))
        votes[match.rel.parent_table, match.rel.parent_key] = (named + match.named, total + 1)

    def preference(item: tuple[tuple[str, str], tuple[int, int]]) -> tuple[int, int, bool, int]:
        (parent, key), (named, total) = item
        table = tables[parent]
        return (-named, -total, table.primary_key != key, list(table.columns).index(key))

    for (parent, key), _ in sorted(votes.items(), key=preference):
        chosen.setdefault(parent, key)
    return chosen


def _best_per_column(matches: list[_Match]) -> list[_Match]:
    """The best match of every child column (earliest parent table on a tie)."""
    best: dict[tuple[str, str], _Match] = {}
    for match in matches:
        slot = (match.rel.child_table, match.rel.child_key)
        if slot not in best or match.rank() < best[slot].rank():
            best[slot] = match
    return list(best.values())


def _closes_cycle(relationships: list[Relationship], new: Relationship) -> bool:
    """True when adding ``new`` (child -> parent) lets a table reach itself."""
    parents: dict[str, list[str]] = {}
    for rel in [*relationships, new]:
        parents.setdefault(rel.child_table, []).append(rel.parent_table)
    tables = list(dict.fromkeys([*parents, *(p for ps in parents.values() for p in ps)]))
    return new.child_table == new.parent_table or bool(find_cycle(tables, parents))


def _mark(tables: Mapping[str, TableMetadata], relationships: list[Relationship]) -> None:
    """Make referenced keys primary keys (the first one per table) and FK columns ``id``."""
    done: set[str] = set()
    for rel in relationships:
        parent, child = tables.get(rel.parent_table), tables.get(rel.child_table)
        if parent is not None and rel.parent_key in parent.columns and rel.parent_table not in done:
            parent.set_primary_key(rel.parent_key)
            done.add(rel.parent_table)
        if child is not None and rel.child_key in child.columns:
            child.columns[rel.child_key].kind = "id"


def _sorted(
    relationships: list[Relationship], frames: Mapping[str, pd.DataFrame]
) -> list[Relationship]:
    """Relationships by child table (in the given order), then child column position."""
    order = list(frames)

    def position(rel: Relationship) -> tuple[int, int]:
        frame = frames.get(rel.child_table)
        columns = [str(c) for c in frame.columns] if frame is not None else []
        return (
            order.index(rel.child_table) if rel.child_table in order else len(order),
            columns.index(rel.child_key) if rel.child_key in columns else len(columns),
        )

    return sorted(relationships, key=position)


def describe(metadata: Metadata) -> str:
    """Tables with their primary keys, relationships and schema problems, for users."""
    lines = [f"{len(metadata.tables)} table(s):"]
    width = max((len(name) for name in metadata.tables), default=0)
    for name, table in metadata.tables.items():
        key = f"primary key {table.primary_key}" if table.primary_key else "no primary key"
        lines.append(f"  {name:<{width}}  {key}")
    lines.append(
        f"{len(metadata.relationships)} relationship(s):"
        if metadata.relationships
        else "no relationships"
    )
    lines += [f"  {rel.name}" for rel in metadata.relationships]
    problems = metadata.problems()
    if problems:
        lines.append("problems:")
        lines += [f"  - {p}" for p in problems]
    return "\n".join(lines)
