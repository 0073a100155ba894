"""Metadata in SDMetrics' multi-table form, for comparing with its reports."""

from __future__ import annotations

from typing import Any

from syndata.metadata import ColumnMetadata, Metadata
from syndata.quality.relationships import (
    cardinality_distribution,
    cardinality_similarity,
    referential_integrity,
)
from syndata.quality.schema import SchemaQualityReport, evaluate_schema, key_columns, schema_kinds
from syndata.quality.tables import primary_key_uniqueness

_SDTYPES = {
    "numerical": "numerical",
    "categorical": "categorical",
    "boolean": "boolean",
    "datetime": "datetime",
    "date_string": "datetime",
}


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
