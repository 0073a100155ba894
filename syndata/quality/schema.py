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
* **Consistency** — beside them, not part of ``overall`` (SDMetrics' definition, kept so
  figures compare): per table, the rules every real row of its scored columns obeys
  (``syndata.quality.consistency``), each in the table's ``constraints`` with the share
  of real and synthetic rows breaking it, and the table's ``consistency`` score (the
  mean over its rules of 1 − the synthetic share); the schema's is the mean over the
  rules of every table at once (as column shapes are averaged). Computed on at most
  ``max_rows`` rows per table.

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

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from syndata.errors import QualityError
from syndata.metadata import Metadata
from syndata.quality.common import (
    isnan,
    json_safe,
    nanmean,
    pct,
    require_columns,
    scored_kinds,
)
from syndata.quality.consistency import consistency_lines
from syndata.quality.relationships import relationship_breakdown
from syndata.quality.tables import table_breakdown


@dataclass
class SchemaQualityReport:
    """Scores in [0, 1] (1 = indistinguishable) of a schema, and the details behind them.

    ``tables`` maps each table to its breakdown (``column_shapes``,
    ``column_pair_trends``, ``score``, ``consistency``, row counts,
    ``primary_key_uniqueness``, ``columns``, ``pairs``, ``constraints``);
    ``relationships`` has one breakdown per relationship (``cardinality``,
    ``intertable_trends``, ``referential_integrity``, ``pairs``, ...).
    ``referential_integrity`` (by relationship name) and ``primary_key_uniqueness`` (by
    table) are those of the synthetic data.
    """

    overall: float
    column_shapes: float
    column_pair_trends: float
    cardinality: float
    intertable_trends: float
    consistency: float = math.nan
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
            f"Overall schema quality {pct(self.overall)} (column shapes "
            f"{pct(self.column_shapes)}, column pair trends "
            f"{pct(self.column_pair_trends)}, cardinality {pct(self.cardinality)}, "
            f"intertable trends {pct(self.intertable_trends)}); consistency "
            f"{pct(self.consistency)}"
        ]
        lines.append(
            "Tables: "
            + ", ".join(
                f"{name} {pct(t['score'])} (consistency {pct(t['consistency'])})"
                for name, t in self.tables.items()
            )
        )
        if self.relationships:
            lines.append(
                "Relationships (cardinality / intertable trends): "
                + ", ".join(
                    f"{r['name']} {pct(r['cardinality'])} / {pct(r['intertable_trends'])}"
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
        lines.extend(consistency_lines(self.consistency, self.constraints()))
        return "\n".join(lines)

    def constraints(self) -> list[dict[str, Any]]:
        """Every table's rules, each entry with its ``table``."""
        return [
            {"table": name, **entry}
            for name, t in self.tables.items()
            for entry in t["constraints"]
        ]


def _integrity_line(title: str, shares: dict[str, float], all_good: str) -> str:
    """``title: all N <all_good>``, or the shares below 1."""
    broken = {k: v for k, v in shares.items() if not isnan(v) and v < 1.0}
    if not broken:
        return f"{title}: all {len(shares)} {all_good}"
    return f"{title}: " + ", ".join(f"{k} {pct(v)}" for k, v in broken.items())


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
        name: table_breakdown(
            real[name], synthetic[name], metadata, name, kinds[name], max_rows, seed
        )
        for name in metadata.tables
    }
    relationships = [
        relationship_breakdown(real, synthetic, metadata, rel, kinds, max_rows, seed)
        for rel in metadata.relationships
    ]

    shapes = nanmean([c["score"] for t in tables.values() for c in t["columns"]])
    trends = nanmean([p["score"] for t in tables.values() for p in t["pairs"] if p["counted"]])
    cardinality = nanmean([r["cardinality"] for r in relationships])
    intertable = nanmean([p["score"] for r in relationships for p in r["pairs"] if p["counted"]])
    return SchemaQualityReport(
        overall=nanmean([shapes, trends, cardinality, intertable]),
        column_shapes=shapes,
        column_pair_trends=trends,
        cardinality=cardinality,
        intertable_trends=intertable,
        consistency=nanmean(
            [
                1.0 - c["synthetic_violation_share"]
                for t in tables.values()
                for c in t["constraints"]
            ]
        ),
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
            require_columns(data[name], needed, f"{side} '{name}'")
