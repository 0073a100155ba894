"""Relational inputs: detect the keys between tables, check and repair their integrity.

The steps, in the order the CLI runs them::

    syndata.io.tables.read_tables(source)  folder or database URL -> frames (+ declared FKs)
    detect_metadata(frames)      kinds, primary keys, foreign keys (declared ones win)
    describe(metadata)           text shown to the user to confirm the relationships
    check_integrity(frames, md)  orphan rows, duplicate or null primary keys, schema problems
    resolve_orphans(frames, md)  stop, drop orphan rows (cascading) or null their foreign key

Detection lives in ``relations.detect``, integrity and repair in ``relations.integrity``.
"""

from __future__ import annotations

from syndata.relations.detect import (
    GENERIC_NAMES,
    MIN_DISTINCT_VALUES,
    NAME_CONTAINMENT,
    VALUE_CONTAINMENT,
    describe,
    detect_metadata,
    names_agree,
    singular,
)
from syndata.relations.integrity import (
    EXAMPLES,
    KEY_FIX,
    ORPHAN_FIX,
    ORPHAN_MODES,
    IntegrityReport,
    KeyCheck,
    OrphanCheck,
    check_integrity,
    resolve_orphans,
)

__all__ = [
    "EXAMPLES",
    "GENERIC_NAMES",
    "KEY_FIX",
    "MIN_DISTINCT_VALUES",
    "NAME_CONTAINMENT",
    "ORPHAN_FIX",
    "ORPHAN_MODES",
    "VALUE_CONTAINMENT",
    "IntegrityReport",
    "KeyCheck",
    "OrphanCheck",
    "check_integrity",
    "describe",
    "detect_metadata",
    "names_agree",
    "resolve_orphans",
    "singular",
]
