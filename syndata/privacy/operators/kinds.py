"""The ``kind:text`` codec of encrypted values: a value's text and what it decrypts to.

``encrypt`` writes each value as ``kind:text`` (``n:1`` a number, ``b:1`` a boolean, ``t:``
a date-time, ``d:`` a date, ``m:`` a decimal, ``y:`` bytes in base64, ``s:`` text and other
objects), so ``decrypt`` restores the value and the column's dtype.
"""

from __future__ import annotations

import base64
import decimal
from datetime import date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from syndata.privacy.operators.values import canonical, expand


def kind_text(value: Any) -> str:
    """``kind:text`` of a value: its canonical text and what ``decrypt`` makes of it."""
    if isinstance(value, bool | np.bool_):
        return f"b:{int(bool(value))}"
    if isinstance(value, int | float | np.integer | np.floating):
        return f"n:{canonical(value)}"
    if isinstance(value, datetime | np.datetime64):
        return f"t:{pd.Timestamp(value).isoformat()}"
    if isinstance(value, date):
        return f"d:{value.isoformat()}"
    if isinstance(value, decimal.Decimal):
        return f"m:{value}"
    if isinstance(value, bytes):
        return f"y:{base64.b64encode(value).decode('ascii')}"
    return f"s:{canonical(value)}"


def from_kind_text(text: str) -> Any:
    """The value that ``kind_text`` wrote as ``text``."""
    kind, _, body = text.partition(":")
    if kind == "n":
        return float(body) if any(c in body for c in ".eEn") else int(body)
    if kind == "b":
        return body == "1"
    if kind == "t":
        return pd.Timestamp(body)
    if kind == "d":
        return date.fromisoformat(body)
    if kind == "m":
        return decimal.Decimal(body)
    if kind == "y":
        return base64.b64decode(body)
    return body


def restore(values: pd.Series, plain: list[str], codes: npt.NDArray[np.intp]) -> pd.Series:
    """Decrypted ``kind:text`` values back to a Series with a dtype of their kinds."""
    kinds = {p[:1] for p in plain}
    objects = [from_kind_text(p) for p in plain]
    column = expand(values, objects, codes)
    nulls = bool((codes < 0).any())
    if kinds == {"n"}:
        if all(isinstance(v, int) and -(2**63) <= v < 2**63 for v in objects):
            return column.astype("Int64" if nulls else np.int64)
        return column.astype(np.float64)
    if kinds == {"b"}:
        return column.astype("boolean" if nulls else bool)
    if kinds == {"t"}:
        try:
            return pd.to_datetime(column)
        except (ValueError, TypeError):  # mixed UTC offsets: Timestamps in an object column
            return column
    return column
