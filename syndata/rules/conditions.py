"""Conditions of conditional rules, evaluated on whole arrow columns at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from syndata.config import Condition
from syndata.rules.base import Mask, scalar_for, to_arrow

_COMPARE = {
    "==": pc.equal,
    "!=": pc.not_equal,
    "<": pc.less,
    "<=": pc.less_equal,
    ">": pc.greater,
    ">=": pc.greater_equal,
}


def condition_mask(
    conditions: Sequence[Condition], columns: Mapping[str, pa.Array], n: int
) -> Mask:
    """Rows where every condition holds (a null never satisfies a comparison)."""
    mask = np.ones(n, dtype=bool)
    for cond in conditions:
        values = columns[cond.column]
        if cond.operator == "is_null":
            hit = values.is_null()
        elif cond.operator == "not_null":
            hit = values.is_valid()
        elif cond.operator in ("in", "not_in"):
            hit = pc.is_in(values, value_set=to_arrow(list(cond.value), values.type))
            if cond.operator == "not_in":
                hit = pc.and_(pc.invert(hit), values.is_valid())
        else:
            hit = _COMPARE[cond.operator](values, scalar_for(cond.value, values.type))
        mask &= np.asarray(hit.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    return mask
