"""Type aliases shared by the packages: plain JSON-like data."""

from __future__ import annotations

from typing import TypeAlias

JsonScalar: TypeAlias = str | int | float | bool | None
JsonValue: TypeAlias = JsonScalar | list["JsonValue"] | dict[str, "JsonValue"]
"""A value of plain JSON data (what ``json.loads`` returns)."""
