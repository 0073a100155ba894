"""Fidelity of a synthetic relational schema (several tables joined by foreign keys).

``evaluate_schema(real, synthetic, metadata)`` returns a :class:`SchemaQualityReport`
with the four properties, scores and averaging rules of SDMetrics' multi-table
``QualityReport`` (reimplemented with the single-table metrics of
:mod:`syndata.quality`; nothing is imported from SDMetrics):

* **Column shapes** — ``KSComplement`` / ``TVComplement`` of every scored column of every
  table, averaged over all those columns at once (as SDMetrics does: a wide table weighs
  more than a narrow one). Computed on all rows.
* **Column pair trends** — the single-table pair scores of every table
  (``CorrelationSimilarity`` / ``ContingencySimilarity``), averaged over all the pairs of
  all tables that are related in the real data (|r| > 0.5, Cramér's V > 0.3).
* **Cardinality** — per relationship, the number of children of each parent row (zero
  for a parent without children; child rows whose key matches no parent are not
  counted), compared with 1 − the two-sample KS statistic (SDMetrics'
  ``CardinalityShapeSimilarity``); averaged over relationships. Computed on all rows.
* **Intertable trends** — per relationship, each child row joined to its parent row
  (inner join on the key), then a pair score between every parent column and every child
  column, on the joined rows (bins of continuous columns are computed there too);
  averaged over all the pairs of all relationships that are related in the real data.
* **Overall** — the mean of the four properties, ignoring one that is NaN (e.g. no
  relationship, or no related pair).

Scored columns are those :func:`syndata.quality.scored_kinds` scores, minus every column
that a relationship uses as a key (SDMetrics sees keys as ``id`` and skips them).

Tables longer than ``max_rows`` are subsampled uniformly at random (with ``seed``) to
``max_rows`` rows before the column pair trends; joined parent/child tables longer than
``max_rows`` likewise before the intertable trends (real and synthetic separately).
SDMetrics subsamples only its contingency pairs, without a seed, at 50,000 rows.

Not part of the score, but reported per relationship and per table, on the synthetic
data (the real data's values are in the breakdown):

* **Referential integrity** — the share of non-null foreign-key values that are found
  among the parent's key values (NaN when the child has no non-null key value).
* **Primary-key uniqueness** — distinct non-null key values / rows (NaN for an empty
  table); only tables with a primary key.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from syndata.errors import QualityError
from syndata.metadata import ColumnMetadata, Metadata, Relationship
from syndata.quality import (
    _isnan,
    _nanmean,
    _pair_score,
    _pct,
    _prepare,
    _Prepared,
    _require_columns,
    _shape_metric,
    _shape_score,
    _subsample,
    json_safe,
    ks_complement,
    scored_kinds,
)

_SDTYPES = {
    "numerical": "numerical",
    "categorical": "categorical",
    "boolean": "boolean",
    "datetime": "datetime",
    "date_string": "datetime",
}
_PreparedColumns = dict[str, tuple[_Prepared, _Prepared]]


@dataclass
class SchemaQualityReport:
    """Scores in [0, 1] (1 = indistinguishable) of a schema, and the details behind them.

    ``tables`` maps each table to its breakdown (``column_shapes``,
    ``column_pair_trends``, ``score``, row counts, ``primary_key_uniqueness``, ``columns``,
    ``pairs``); ``relationships`` has one breakdown per relationship (``cardinality``,
    ``intertable_trends``, ``referential_integrity``, ``pairs``, ...).
    ``referential_integrity`` (by relationship name) and ``primary_key_uniqueness`` (by
    table) are those of the synthetic data.
    """

    overall: float
    column_shapes: float
    column_pair_trends: float
    cardinality: float
    intertable_trends: float
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    relationships: list[dict[str, Any]] = field(default_factory=list)
    referential_integrity: dict[str, float] = field(default_factory=dict)
    primary_key_uniqueness: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-compatible: NaN becomes None)."""
        return dict(json_safe(asdict(self)))

    def summary(self) -> str:
        """A few human-readable lines."""
        lines = [
            f"Overall schema quality {_pct(self.overall)} (column shapes "
            f"{_pct(self.column_shapes)}, column pair trends "
            f"{_pct(self.column_pair_trends)}, cardinality {_pct(self.cardinality)}, "
            f"intertable trends {_pct(self.intertable_trends)})"
        ]
        lines.append(
            "Tables: " + ", ".join(f"{name} {_pct(t['score'])}" for name, t in self.tables.items())
        )
        if self.relationships:
            lines.append(
                "Relationships (cardinality / intertable trends): "
                + ", ".join(
                    f"{r['name']} {_pct(r['cardinality'])} / {_pct(r['intertable_trends'])}"
                    for r in self.relationships
                )
            )
        lines.append(
            _integrity_line(
                "Referential integrity", self.referential_integrity, "foreign keys intact"
            )
        )
        lines.append(
            _integrity_line(
                "Primary-key uniqueness", self.primary_key_uniqueness, "primary keys unique"
            )
        )
        return "\n".join(lines)


def _integrity_line(title: str, shares: dict[str, float], all_good: str) -> str:
    """``title: all N <all_good>``, or the shares below 1."""
    broken = {k: v for k, v in shares.items() if not _isnan(v) and v < 1.0}
    if not broken:
        return f"{title}: all {len(shares)} {all_good}"
    return f"{title}: " + ", ".join(f"{k} {_pct(v)}" for k, v in broken.items())


# ---------------------------------------------------------------------- evaluate


def evaluate_schema(
    real: Mapping[str, pd.DataFrame],
    synthetic: Mapping[str, pd.DataFrame],
    metadata: Metadata,
    *,
    max_rows: int = 50_000,
    seed: int = 0,
) -> SchemaQualityReport:
    """Score how closely the ``synthetic`` tables follow the ``real`` ones (module docstring).

    Raises QualityError when the schema is invalid, a table or column of the metadata is
    missing, or ``max_rows`` is below 1.
    """
    _check_inputs(real, synthetic, metadata, max_rows)
    kinds = schema_kinds(metadata)
    tables = {
        name: _table_breakdown(
            real[name], synthetic[name], metadata, name, kinds[name], max_rows, seed
        )
        for name in metadata.tables
    }
    relationships = [
        _relationship_breakdown(real, synthetic, metadata, rel, kinds, max_rows, seed)
        for rel in metadata.relationships
    ]

    shapes = _nanmean([c["score"] for t in tables.values() for c in t["columns"]])
    trends = _nanmean([p["score"] for t in tables.values() for p in t["pairs"] if p["counted"]])
    cardinality = _nanmean([r["cardinality"] for r in relationships])
    intertable = _nanmean([p["score"] for r in relationships for p in r["pairs"] if p["counted"]])
    return SchemaQualityReport(
        overall=_nanmean([shapes, trends, cardinality, intertable]),
        column_shapes=shapes,
        column_pair_trends=trends,
        cardinality=cardinality,
        intertable_trends=intertable,
        tables=tables,
        relationships=relationships,
        referential_integrity={r["name"]: r["referential_integrity"] for r in relationships},
        primary_key_uniqueness={
            name: t["primary_key_uniqueness"]
            for name, t in tables.items()
            if t["primary_key"] is not None
        },
    )


def schema_kinds(metadata: Metadata) -> dict[str, dict[str, str]]:
    """Per table, the scored columns and their kinds: modelled ones that are not keys."""
    keys = key_columns(metadata)
    return {
        name: {c: k for c, k in scored_kinds(table).items() if c not in keys[name]}
        for name, table in metadata.tables.items()
    }


def key_columns(metadata: Metadata) -> dict[str, set[str]]:
    """Per table, its primary key and every column a relationship uses as a key."""
    keys: dict[str, set[str]] = {
        name: ({t.primary_key} if t.primary_key else set()) for name, t in metadata.tables.items()
    }
    for rel in metadata.relationships:
        keys.setdefault(rel.parent_table, set()).add(rel.parent_key)
        keys.setdefault(rel.child_table, set()).add(rel.child_key)
    return keys


def _check_inputs(
    real: Mapping[str, pd.DataFrame],
    synthetic: Mapping[str, pd.DataFrame],
    metadata: Metadata,
    max_rows: int,
) -> None:
    problems = metadata.problems()
    if problems:
        raise QualityError("the schema metadata is invalid: " + "; ".join(problems))
    if max_rows < 1:
        raise QualityError(f"max_rows must be at least 1, not {max_rows}")
    keys = key_columns(metadata)
    for data, side in ((real, "real"), (synthetic, "synthetic")):
        missing = [name for name in metadata.tables if name not in data]
        if missing:
            raise QualityError(
                f"the {side} data lacks table(s) {', '.join(missing)}; pass "
                "every table the metadata describes (got "
                f"{', '.join(map(str, data)) or 'none'})"
            )
        for name, table in metadata.tables.items():
            needed = [*scored_kinds(table), *sorted(keys[name])]
            _require_columns(data[name], needed, f"{side} '{name}'")


# ---------------------------------------------------------------------- tables


def _table_breakdown(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    metadata: Metadata,
    name: str,
    kinds: dict[str, str],
    max_rows: int,
    seed: int,
) -> dict[str, Any]:
    """Column shapes on all rows, pair trends on at most ``max_rows`` rows, key uniqueness."""
    formats = _formats(metadata.tables[name].columns)
    full = _prepare_columns(real, synthetic, kinds, formats)
    columns: list[dict[str, Any]] = [
        {
            "column": col,
            "kind": kind,
            "metric": _shape_metric(kind),
            "score": _shape_score(*full[col], kind),
        }
        for col, kind in kinds.items()
    ]
    if len(real) <= max_rows and len(synthetic) <= max_rows:
        sampled = full
    else:
        sampled = _prepare_columns(
            _subsample(real, max_rows, seed), _subsample(synthetic, max_rows, seed), kinds, formats
        )
    pairs = [_pair_score(c1, c2, kinds, sampled) for c1, c2 in itertools.combinations(kinds, 2)]
    shapes = _nanmean([c["score"] for c in columns])
    trends = _nanmean([p["score"] for p in pairs if p["counted"]])
    key = metadata.tables[name].primary_key
    return {
        "column_shapes": shapes,
        "column_pair_trends": trends,
        "score": _nanmean([shapes, trends]),
        "rows_real": len(real),
        "rows_synthetic": len(synthetic),
        "primary_key": key,
        "primary_key_uniqueness": None if key is None else primary_key_uniqueness(synthetic[key]),
        "real_primary_key_uniqueness": None if key is None else primary_key_uniqueness(real[key]),
        "columns": columns,
        "pairs": pairs,
    }


def _prepare_columns(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    kinds: dict[str, str],
    formats: dict[str, str | None],
) -> _PreparedColumns:
    return {
        col: _prepare(real[col], synthetic[col], kind, formats.get(col))
        for col, kind in kinds.items()
    }


def _formats(columns: Mapping[str, ColumnMetadata]) -> dict[str, str | None]:
    return {c.name: c.format for c in columns.values()}


def primary_key_uniqueness(keys: pd.Series) -> float:
    """Distinct non-null key values / rows: 1 when every row has its own key; NaN if empty."""
    if len(keys) == 0:
        return math.nan
    return float(keys.nunique(dropna=True) / len(keys))


# ---------------------------------------------------------------------- relationships


def _relationship_breakdown(
    real: Mapping[str, pd.DataFrame],
    synthetic: Mapping[str, pd.DataFrame],
    metadata: Metadata,
    rel: Relationship,
    kinds: dict[str, dict[str, str]],
    max_rows: int,
    seed: int,
) -> dict[str, Any]:
    """Cardinality, intertable pair trends and referential integrity of one foreign key.

    Keys that cannot be joined (e.g. text against numbers) leave the cardinality and the
    intertable trends NaN, with the reason in ``error``.
    """
    sides = {
        side: (data[rel.parent_table][rel.parent_key], data[rel.child_table][rel.child_key])
        for data, side in ((real, "real"), (synthetic, "synthetic"))
    }
    out: dict[str, Any] = {
        "name": rel.name,
        **rel.to_dict(),
        "cardinality": math.nan,
        "real_children_per_parent": math.nan,
        "synthetic_children_per_parent": math.nan,
        "intertable_trends": math.nan,
        "pairs": [],
        "referential_integrity": referential_integrity(*sides["synthetic"]),
        "real_referential_integrity": referential_integrity(*sides["real"]),
    }
    try:
        counts_real = cardinality_distribution(*sides["real"])
        counts_synth = cardinality_distribution(*sides["synthetic"])
        pairs = _intertable_pairs(real, synthetic, metadata, rel, kinds, max_rows, seed)
    except (ValueError, TypeError) as exc:  # pandas refuses to join keys of unlike types
        out["error"] = f"{type(exc).__name__}: {exc}"
        return out
    out.update(
        cardinality=ks_complement(counts_real.to_numpy(float), counts_synth.to_numpy(float)),
        real_children_per_parent=_mean(counts_real),
        synthetic_children_per_parent=_mean(counts_synth),
        intertable_trends=_nanmean([p["score"] for p in pairs if p["counted"]]),
        pairs=pairs,
    )
    return out


def cardinality_distribution(parent_keys: pd.Series, child_keys: pd.Series) -> pd.Series:
    """The number of children of each parent row (0 for none), in parent row order.

    Child keys found in no parent row are not counted (as in SDMetrics).
    """
    counts = child_keys.value_counts(dropna=False).rename("children")
    parents = pd.DataFrame({"key": parent_keys.to_numpy()})
    joined = parents.join(counts, on="key")
    return joined["children"].fillna(0).astype(float)


def cardinality_similarity(
    real_parent_keys: pd.Series,
    real_child_keys: pd.Series,
    synthetic_parent_keys: pd.Series,
    synthetic_child_keys: pd.Series,
) -> float:
    """1 − the KS statistic of the real and synthetic children-per-parent distributions."""
    real_counts = cardinality_distribution(real_parent_keys, real_child_keys)
    synth_counts = cardinality_distribution(synthetic_parent_keys, synthetic_child_keys)
    return ks_complement(real_counts.to_numpy(float), synth_counts.to_numpy(float))


def referential_integrity(parent_keys: pd.Series, child_keys: pd.Series) -> float:
    """Share of non-null child key values found among the parent keys (NaN: none to check)."""
    present = child_keys.dropna()
    if len(present) == 0:
        return math.nan
    return float(present.isin(parent_keys.dropna()).mean())


def _intertable_pairs(
    real: Mapping[str, pd.DataFrame],
    synthetic: Mapping[str, pd.DataFrame],
    metadata: Metadata,
    rel: Relationship,
    kinds: dict[str, dict[str, str]],
    max_rows: int,
    seed: int,
) -> list[dict[str, Any]]:
    """Pair scores of every parent column with every child column, on the joined rows."""
    parent_kinds, child_kinds = kinds[rel.parent_table], kinds[rel.child_table]
    if not parent_kinds or not child_kinds:
        return []
    joined_kinds = {
        **{_joined(rel.parent_table, c): k for c, k in parent_kinds.items()},
        **{_joined(rel.child_table, c): k for c, k in child_kinds.items()},
    }
    formats = {
        **{
            _joined(rel.parent_table, c): f
            for c, f in _formats(metadata.tables[rel.parent_table].columns).items()
        },
        **{
            _joined(rel.child_table, c): f
            for c, f in _formats(metadata.tables[rel.child_table].columns).items()
        },
    }
    joined_real = _subsample(_denormalize(real, rel, parent_kinds, child_kinds), max_rows, seed)
    joined_synth = _subsample(
        _denormalize(synthetic, rel, parent_kinds, child_kinds), max_rows, seed
    )
    prepared = _prepare_columns(joined_real, joined_synth, joined_kinds, formats)
    pairs = []
    for parent_col, child_col in itertools.product(parent_kinds, child_kinds):
        pair = _pair_score(
            _joined(rel.parent_table, parent_col),
            _joined(rel.child_table, child_col),
            joined_kinds,
            prepared,
        )
        pair.update(column_1=parent_col, column_2=child_col)
        pairs.append(pair)
    return pairs


def _joined(table: str, column: str) -> str:
    return f"{table}.{column}"


def _denormalize(
    data: Mapping[str, pd.DataFrame],
    rel: Relationship,
    parent_kinds: dict[str, str],
    child_kinds: dict[str, str],
) -> pd.DataFrame:
    """Each child row with its parent row's columns (inner join on the key)."""
    child = data[rel.child_table][[rel.child_key, *child_kinds]].add_prefix(f"{rel.child_table}.")
    parent = data[rel.parent_table][[rel.parent_key, *parent_kinds]].add_prefix(
        f"{rel.parent_table}."
    )
    return child.merge(
        parent,
        left_on=_joined(rel.child_table, rel.child_key),
        right_on=_joined(rel.parent_table, rel.parent_key),
    )


def _mean(values: pd.Series) -> float:
    return float(values.mean()) if len(values) else math.nan


# ---------------------------------------------------------------------- SDMetrics metadata


def sdmetrics_metadata(metadata: Metadata) -> dict[str, Any]:
    """The SDV-style multi-table metadata dict that SDMetrics (and SDV) read.

    Scored kinds map to their sdtype (``date_string`` to ``datetime`` with its
    ``datetime_format``; ``boolean`` stored as anything but bool to ``categorical``, as SDV
    wants); keys and every other kind become ``id``, which SDMetrics skips.
    """
    keys = key_columns(metadata)
    tables: dict[str, Any] = {}
    for name, table in metadata.tables.items():
        spec: dict[str, Any] = {
            "columns": {
                col.name: _sdtype(col, col.name in keys[name]) for col in table.columns.values()
            }
        }
        if table.primary_key:
            spec["primary_key"] = table.primary_key
        tables[name] = spec
    relationships = [
        {
            "parent_table_name": r.parent_table,
            "parent_primary_key": r.parent_key,
            "child_table_name": r.child_table,
            "child_foreign_key": r.child_key,
        }
        for r in metadata.relationships
    ]
    return {"tables": tables, "relationships": relationships}


def _sdtype(column: ColumnMetadata, is_key: bool) -> dict[str, Any]:
    if is_key or not column.modelled or column.kind not in _SDTYPES:
        return {"sdtype": "id"}
    sdtype = _SDTYPES[column.kind]
    if sdtype == "boolean" and column.dtype != "bool":
        sdtype = "categorical"  # SDV's boolean takes True/False only; same metrics in SDMetrics
    spec: dict[str, Any] = {"sdtype": sdtype}
    if column.kind == "date_string" and column.format:
        spec["datetime_format"] = column.format
    return spec


__all__ = [
    "SchemaQualityReport",
    "cardinality_distribution",
    "cardinality_similarity",
    "evaluate_schema",
    "key_columns",
    "primary_key_uniqueness",
    "referential_integrity",
    "schema_kinds",
    "sdmetrics_metadata",
]
