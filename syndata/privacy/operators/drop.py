"""The ``drop`` operator: the column is removed (as the action ``drop``)."""

from __future__ import annotations

import pandas as pd

from syndata.privacy.operators.base import MaskContext, Operator


class Drop(Operator):
    """``drop``: ``mask_frame`` removes the column; ``mask`` writes nulls if called alone."""

    removes_column = True

    def mask(self, values: pd.Series, context: MaskContext) -> pd.Series:
        """No value is left."""
        return pd.Series(None, index=values.index, name=values.name, dtype=object)
