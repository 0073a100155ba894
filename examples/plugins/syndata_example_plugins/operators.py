"""The masking operator ``badge_prefix``: a badge keeps its site prefix, the number goes.

``BDG-004217`` becomes ``BDG-XXXXXX``: reports can still count badges per site, and no
real badge number is left. Use it in a privacy plan::

    columns:
      badge: {action: mask, operator: badge_prefix, fill: "#"}
"""

from __future__ import annotations

import pandas as pd
from pydantic import Field

from syndata.privacy.operators.base import MaskContext, Operator, Params


class BadgePrefixParams(Params):
    """``fill``: the character written for each digit of the number."""

    fill: str = Field("X", min_length=1, max_length=1, description="the character per digit")


class KeepBadgePrefix(Operator):
    """Keeps what precedes the last dash, replaces each character after it by ``fill``."""

    params_model = BadgePrefixParams
    options: BadgePrefixParams

    def mask(self, values: pd.Series, context: MaskContext) -> pd.Series:
        """The badges with their numbers filled in."""
        fill = self.options.fill

        def masked(value: str) -> str:
            prefix, dash, number = value.rpartition("-")
            return f"{prefix}{dash}{fill * len(number)}" if dash else fill * len(number)

        present = values.notna()
        out = values.copy()
        out[present] = values[present].astype(str).map(masked)
        return out
