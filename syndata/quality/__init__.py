"""Fidelity of synthetic data: how closely a table, or a schema, follows the real one.

``evaluate(real, synthetic)`` scores one table (``quality.report``: column shapes in
``quality.shapes``, column pair trends in ``quality.trends``, ML efficacy in
``quality.ml``, consistency with the rules the real rows obey in
``quality.consistency``); ``evaluate_schema(real, synthetic, metadata)`` scores a schema
(``quality.schema``: its tables in ``quality.tables``, its relationships in
``quality.relationships``). ``quality.sdmetrics_form`` writes metadata in SDMetrics'
form, to compare with its reports.
"""

from __future__ import annotations

from syndata.quality.common import (
    CONTINUOUS_KINDS,
    DISCRETE_KINDS,
    SCORED_KINDS,
    check_target,
    default_target,
    json_safe,
    scored_kinds,
)
from syndata.quality.consistency import Consistency
from syndata.quality.ml import ml_efficacy
from syndata.quality.relationships import (
    cardinality_distribution,
    cardinality_similarity,
    referential_integrity,
)
from syndata.quality.report import QualityReport, evaluate
from syndata.quality.schema import SchemaQualityReport, evaluate_schema, key_columns, schema_kinds
from syndata.quality.sdmetrics_form import sdmetrics_metadata
from syndata.quality.shapes import column_shape, ks_complement, tv_complement
from syndata.quality.tables import primary_key_uniqueness
from syndata.quality.trends import cramers_v, pair_trend

__all__ = [
    "CONTINUOUS_KINDS",
    "DISCRETE_KINDS",
    "SCORED_KINDS",
    "Consistency",
    "QualityReport",
    "SchemaQualityReport",
    "cardinality_distribution",
    "cardinality_similarity",
    "check_target",
    "column_shape",
    "cramers_v",
    "default_target",
    "evaluate",
    "evaluate_schema",
    "json_safe",
    "key_columns",
    "ks_complement",
    "ml_efficacy",
    "pair_trend",
    "primary_key_uniqueness",
    "referential_integrity",
    "schema_kinds",
    "scored_kinds",
    "sdmetrics_metadata",
    "tv_complement",
]
