"""Profile a table: column kinds, statistics, shapes, keys, and the rules that remake it.

``profile_table(frame)`` and ``profile_source(path)`` (``profiling.profiler``) give a
``Profile`` (``profiling.profile``) whose columns are profiled by ``profiling.columns``;
``write_profile`` (``profiling.output``) writes it as JSON, YAML (a config) or HTML.
Raw values of columns that may hold personal data (``HIDDEN_KINDS``) never appear in a
profile.
"""

from __future__ import annotations

from syndata.profiling.output import kind_counts, write_profile
from syndata.profiling.profile import HIDDEN_KINDS, ColumnProfile, Profile
from syndata.profiling.profiler import profile_source, profile_table

__all__ = [
    "HIDDEN_KINDS",
    "ColumnProfile",
    "Profile",
    "kind_counts",
    "profile_source",
    "profile_table",
    "write_profile",
]
