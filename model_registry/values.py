"""Values as MLflow stores them: flat parameters, numeric metrics, strict JSON reports.

MLflow takes parameters as short text, metrics as floats and reports as JSON files;
syndata's values are nested mappings of numpy, pandas and date values. ``plain`` is the
one conversion to JSON data; the others build on it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd

from syndata.errors import OutputError

MAX_PARAM_LENGTH = 6000  # MLflow's limit on a parameter value


def iso_millis(millis: int | None) -> str | None:
    """An MLflow timestamp (milliseconds since the epoch) as ISO-8601 UTC seconds."""
    if millis is None:
        return None
    return datetime.fromtimestamp(millis / 1000, tz=UTC).isoformat(timespec="seconds")


def flatten(values: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings as one level, keys joined with '.'."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def numbers(values: Mapping[str, Any]) -> dict[str, float]:
    """The numeric values (not booleans), as floats."""
    return {
        key: float(value)
        for key, value in values.items()
        if isinstance(value, int | float | np.integer | np.floating)
        and not isinstance(value, bool | np.bool_)
    }


def param_text(value: Any) -> str:
    """A parameter value as MLflow text, cut to ``MAX_PARAM_LENGTH``."""
    text = value if isinstance(value, str) else json.dumps(plain(value))
    if len(text) > MAX_PARAM_LENGTH:
        text = text[: MAX_PARAM_LENGTH - 3] + "..."
    return text


def json_text(key: str, value: Mapping[str, Any] | str) -> str:
    """A report as strict JSON text (NaN and infinities become null)."""
    if not key or "/" in key or "\\" in key or key.startswith("."):
        raise OutputError(f"'{key}' cannot name a report: use a plain name like 'quality'")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise OutputError(
                f"report '{key}' is not valid JSON ({exc}); pass a dict or JSON text"
            ) from exc
    if not isinstance(value, Mapping):
        raise OutputError(
            f"report '{key}' must be a dict (or JSON text of an object), got {type(value).__name__}"
        )
    return json.dumps(plain(value), indent=2, allow_nan=False)


def plain(value: Any) -> Any:
    """``value`` as plain JSON data: numpy and pandas scalars, dates and sets converted."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset | np.ndarray | pd.Series):
        return [plain(v) for v in value]
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, datetime | date | pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "to_dict"):
        return plain(value.to_dict())
    return str(value)
