"""Relational inputs: read several tables, detect their keys, check and repair integrity.

The steps, in the order the CLI runs them::

    read_tables(source)          folder of files or database URL -> frames (+ declared FKs)
    detect_metadata(frames)      kinds, primary keys, foreign keys (declared ones win)
    describe(metadata)           text shown to the user to confirm the relationships
    check_integrity(frames, md)  orphan rows, duplicate or null primary keys, schema problems
    resolve_orphans(frames, md)  stop, drop orphan rows (cascading) or null their foreign key

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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from syndata.errors import DataReadError, OutputError
from syndata.graph import find_cycle
from syndata.io import read_table
from syndata.io.database import db_message
from syndata.io.readers import EXTENSIONS
from syndata.io.sqlschema import connect_engine, display_url, parse_db_url
from syndata.metadata import Metadata, Relationship, TableMetadata, is_key

NAME_CONTAINMENT = 0.5  # share of a child's values among the parent keys when names agree
VALUE_CONTAINMENT = 0.95  # the same for string columns whose names do not agree
MIN_DISTINCT_VALUES = 2  # distinct child strings needed to match on values alone
EXAMPLES = 5  # example values shown per problem
ORPHAN_MODES = ("stop", "drop", "null")
ORPHAN_FIX = (
    "pass --orphans drop to drop the orphan rows, or --orphans null to set their "
    "foreign key to null"
)
KEY_FIX = "dedupe the table or choose another primary key"
# Key names too common to match on their own: orders.id is not customers.id.
GENERIC_NAMES = frozenset({"id", "key", "code", "pk", "uuid", "name"})
_ID_SUFFIXES = ("id", "key", "code")


# ---------------------------------------------------------------- reading


def read_tables(
    source: str | Path, *, tables: list[str] | None = None
) -> tuple[dict[str, pd.DataFrame], list[Relationship]]:
    """Read the tables of a folder of files or of a database, with its declared foreign keys.

    A folder holds one file per table (``.csv``, ``.parquet``/``.pq``, ``.json``,
    ``.jsonl``; the table name is the file stem; other files are ignored) and declares no
    relationships. A database URL (anything with ``://``) yields every table, or the ones
    named in ``tables``, and its single-column foreign keys between the tables read.
    """
    if "://" in str(source):
        return _read_database(str(source), tables)
    return _read_folder(Path(source), tables), []


def _read_folder(folder: Path, tables: list[str] | None) -> dict[str, pd.DataFrame]:
    files = _table_files(folder)
    names = _select(list(files), tables, str(folder))
    return {name: read_table(files[name]).to_pandas() for name in names}


def _table_files(folder: Path) -> dict[str, Path]:
    """The table files of ``folder`` by table name (file stem), sorted by name."""
    if not folder.exists():
        raise DataReadError(f"cannot read {folder}: no such folder; check the path")
    if not folder.is_dir():
        raise DataReadError(
            f"cannot read {folder}: not a folder; pass a folder holding one "
            "file per table, or a database URL"
        )
    files: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith(".") or path.suffix.lower() not in EXTENSIONS:
            continue
        if path.stem in files:
            raise DataReadError(
                f"cannot read {folder}: {files[path.stem].name} and {path.name} "
                f"both hold table '{path.stem}'; keep one of them"
            )
        files[path.stem] = path
    if not files:
        raise DataReadError(
            f"cannot read {folder}: it holds no table file; add one file per "
            f"table ending in {', '.join(EXTENSIONS)}"
        )
    return files


def _select(available: list[str], wanted: list[str] | None, where: str) -> list[str]:
    """The table names to read: all of ``available``, or ``wanted`` (which must exist)."""
    if wanted is None:
        return available
    missing = [name for name in wanted if name not in available]
    if missing:
        raise DataReadError(
            f"cannot read {where}: no table {', '.join(map(repr, missing))} "
            f"(tables: {', '.join(available) or 'none'}); check the names"
        )
    return list(dict.fromkeys(wanted))


def _read_database(
    db_url: str, tables: list[str] | None
) -> tuple[dict[str, pd.DataFrame], list[Relationship]]:
    url = _database_url(db_url)
    where = display_url(url)
    try:
        engine = connect_engine(url)
    except (SQLAlchemyError, ImportError) as exc:
        raise DataReadError(
            f"cannot connect to {where}: {_hide(db_message(exc), url)}; "
            "check the database URL and that its driver is installed"
        ) from exc
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            names = _select(inspector.get_table_names(), tables, where)
            if not names:
                raise DataReadError(
                    f"cannot read {where}: the database holds no table; "
                    "check the URL names the right database"
                )
            relationships = [
                rel
                for name in names
                for rel in _foreign_keys(inspector.get_foreign_keys(name), name)
                if rel.parent_table in names
            ]
    except SQLAlchemyError as exc:
        raise DataReadError(
            f"cannot connect to {where}: {_hide(db_message(exc), url)}; check "
            "the URL and that the database is running and reachable"
        ) from exc
    finally:
        engine.dispose()
    frames = {name: read_table(name, db_url=db_url).to_pandas() for name in names}
    return frames, relationships


def _database_url(db_url: str) -> URL:
    """Parse ``db_url``; a SQLite file must exist (connecting would create an empty one)."""
    try:
        url = parse_db_url(db_url)
    except OutputError as exc:
        raise DataReadError(str(exc)) from exc
    database = url.database or ""
    if (
        url.get_backend_name() == "sqlite"
        and database not in ("", ":memory:")
        and not database.startswith("file:")
        and not Path(database).is_file()
    ):
        raise DataReadError(
            f"cannot read {display_url(url)}: no such database file {database}; check the path"
        )
    return url


def _hide(message: str, url: URL) -> str:
    """``message`` without the URL's password (where a driver repeats the URL)."""
    if not url.password:
        return message
    message = message.replace(url.render_as_string(hide_password=False), display_url(url))
    return message.replace(f":{url.password}@", ":***@")


def _foreign_keys(declared: Iterable[Any], table: str) -> list[Relationship]:
    """Single-column foreign keys of ``table`` from the inspector's ``get_foreign_keys``."""
    out = []
    for fk in declared:
        columns, referred = fk.get("constrained_columns") or [], fk.get("referred_columns") or []
        if len(columns) == 1 and len(referred) == 1:
            out.append(Relationship(fk["referred_table"], referred[0], table, columns[0]))
    return out


# ---------------------------------------------------------------- detection


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


# ---------------------------------------------------------------- integrity


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


# ---------------------------------------------------------------- describe


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
