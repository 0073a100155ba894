"""The ``replace`` operator: a constant replaces the value, or each match of a pattern."""

from __future__ import annotations

import re

import pandas as pd
from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from syndata.privacy.operators.base import MaskContext, Operator, Params
from syndata.privacy.operators.values import as_text, canonical, fill


class ReplaceParams(Params):
    """``replace``: a constant replaces the value, or each match of ``pattern`` in it."""

    value: str | int | float | bool = Field(description="the constant written instead")
    pattern: str | None = Field(
        None, description="a regular expression (Python syntax); only its matches are replaced"
    )

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise PydanticCustomError(
                    "bad_regex",
                    "invalid regular expression '{pattern}': {error}",
                    {"pattern": pattern, "error": str(exc)},
                ) from None
        return pattern


def replace(
    values: pd.Series, value: str | int | float | bool | None, pattern: str | None = None
) -> pd.Series:
    """Every non-null value becomes ``value``; with ``pattern``, each regex match does."""
    present = values.notna().to_numpy()
    if pattern is None:
        return fill(values, present, value)
    text = pd.Series(as_text(values[present]), dtype=object)
    constant = canonical(value)
    replaced = text.str.replace(re.compile(pattern), lambda _m: constant, regex=True)
    return fill(values, present, replaced.to_numpy(dtype=object))


class Replace(Operator):
    """``replace``: see ``replace``; with a pattern, the report counts the values changed."""

    params_model = ReplaceParams
    options: ReplaceParams

    def counts_changed(self) -> bool:
        """With a pattern, some values may stay as they are."""
        return self.options.pattern is not None

    def mask(self, values: pd.Series, context: MaskContext) -> pd.Series:
        """The constant instead of each value (or of each match)."""
        return replace(values, self.options.value, self.options.pattern)
