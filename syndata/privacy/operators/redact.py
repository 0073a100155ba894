"""The ``redact`` operator: every non-null value becomes a fixed token (or null)."""

from __future__ import annotations

import pandas as pd
from pydantic import Field

from syndata.privacy.operators.base import MaskContext, Operator, Params
from syndata.privacy.operators.values import fill


class RedactParams(Params):
    """``redact``: every non-null value becomes ``token``."""

    token: str | None = Field(
        "<REDACTED>", description="the text written instead of each value (null writes nulls)"
    )


def redact(values: pd.Series, token: str | None = "<REDACTED>") -> pd.Series:
    """Every non-null value becomes ``token`` (None: null)."""
    return fill(values, values.notna().to_numpy(), token)


class Redact(Operator):
    """``redact``: see ``redact``."""

    params_model = RedactParams
    options: RedactParams

    def mask(self, values: pd.Series, context: MaskContext) -> pd.Series:
        """Every value becomes the token."""
        return redact(values, self.options.token)
