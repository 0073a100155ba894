"""Logical consistency: the invariants real rows obey (``discover``) as plain records."""

from syndata.consistency.discover import discover
from syndata.consistency.invariants import (
    Bounds,
    Evidence,
    FixedCombinations,
    FunctionalDependency,
    Inequality,
    Invariant,
    NullTogether,
    Sum,
    Unique,
)

__all__ = [
    "Bounds",
    "Evidence",
    "FixedCombinations",
    "FunctionalDependency",
    "Inequality",
    "Invariant",
    "NullTogether",
    "Sum",
    "Unique",
    "discover",
]
