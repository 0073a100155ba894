"""What the platform knows about a table: column kinds, types, keys.

``TableMetadata.detect(frame)`` infers it from data; users can review and edit it (it
round-trips through plain dicts/JSON). Models, profiling and quality all read it.
``metadata.columns`` holds a column's metadata and the detection of its kind,
``metadata.tables`` a table's and a schema's (relationships, table order).
"""

from __future__ import annotations

from syndata.metadata.columns import (
    DETECTION_SAMPLE,
    KINDS,
    MODELLED_KINDS,
    PATTERN_KINDS,
    ColumnMetadata,
    date_format,
    detect_column,
    is_key,
    named_like_id,
    storage_type,
)
from syndata.metadata.tables import Metadata, Relationship, TableMetadata

__all__ = [
    "DETECTION_SAMPLE",
    "KINDS",
    "MODELLED_KINDS",
    "PATTERN_KINDS",
    "ColumnMetadata",
    "Metadata",
    "Relationship",
    "TableMetadata",
    "date_format",
    "detect_column",
    "is_key",
    "named_like_id",
    "storage_type",
]
