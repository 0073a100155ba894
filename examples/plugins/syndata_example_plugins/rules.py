"""The rule type ``badge``: staff badge ids such as ``BDG-004217``."""

from __future__ import annotations

import re
from typing import Literal

import numpy as np
import pyarrow as pa
from pydantic import Field

from syndata.rules.base import ColumnGenerator, Indices, Mask
from syndata.rules.spec import Rule, RuleContext


class BadgeIds(ColumnGenerator):
    """Badge ids: the prefix, a dash and ``digits`` digits (indexable, so keys stay unique)."""

    def __init__(self, prefix: str, digits: int) -> None:
        self.type = pa.string()
        self.prefix = prefix
        self.digits = digits

    def sample(self, n: int, rng: np.random.Generator, start: int) -> pa.Array:
        """``n`` random badge ids."""
        return self.values_at(rng.integers(0, 10**self.digits, n))

    def domain_size(self) -> int:
        """Every id of ``digits`` digits."""
        return int(10**self.digits)

    def values_at(self, index: Indices) -> pa.Array:
        """The ids numbered ``index``."""
        return pa.array([f"{self.prefix}-{k:0{self.digits}d}" for k in index.tolist()], self.type)

    def valid_mask(self, values: pa.Array) -> Mask:
        """Which values are badge ids of this prefix and length."""
        shape = re.compile(rf"{self.prefix}-\d{{{self.digits}}}")
        return np.array([v is not None and bool(shape.fullmatch(v)) for v in values.to_pylist()])


class BadgeRule(Rule):
    """``type: badge`` with an optional ``prefix`` (default BDG) and ``digits`` (1-12)."""

    type: Literal["badge"] = "badge"
    prefix: str = Field("BDG", pattern=r"^[A-Z]{2,5}$")
    digits: int = Field(6, ge=1, le=12)

    def column_problems(self, column_type: str) -> list[str]:
        """A badge id is text."""
        return [] if column_type == "str" else [f"badge makes text, not {column_type}"]

    def generator(self, context: RuleContext) -> ColumnGenerator:
        """Badge ids for the column."""
        return BadgeIds(self.prefix, self.digits)
