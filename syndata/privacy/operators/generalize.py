"""The ``generalize`` operator: dates to month/year, numbers to bins or bands, text to a prefix."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from syndata.errors import OperatorMismatch
from syndata.metadata import date_format
from syndata.privacy.operators.base import MaskContext, Operator, Params
from syndata.privacy.operators.values import as_text, fill

AGE_BANDS: tuple[float, ...] = (0, 18, 25, 35, 45, 55, 65, 75)
_DATE_ENTITIES = frozenset({"DATE_TIME", "DATE", "DATE_OF_BIRTH", "BIRTH_DATE", "DOB"})
_POSTAL_ENTITIES = frozenset({"US_ZIP_CODE", "ZIP_CODE", "POSTAL_CODE", "ZIP"})
_AGE_ENTITIES = frozenset({"AGE"})


class GeneralizeParams(Params):
    """``generalize``: coarser values (month/year, bins, prefix, bands)."""

    METHOD_NEEDS: ClassVar[dict[str, str]] = {
        "width": "width",
        "quantile": "bins",
        "prefix": "length",
        "bands": "edges",
    }

    method: Literal["auto", "month", "year", "width", "quantile", "prefix", "bands"] = Field(
        "auto",
        description="auto (dates: month, numbers: 10 quantile bins, text: prefix of 3), "
        "month, year, width, quantile, prefix or bands",
    )
    width: float | None = Field(None, gt=0, description="bin width for method width (> 0)")
    bins: int | None = Field(None, ge=2, le=1000, description="number of quantile bins (>= 2)")
    length: int | None = Field(None, ge=1, description="characters kept by method prefix")
    edges: list[float] | None = Field(
        None, description="increasing band edges for method bands, e.g. [0, 18, 30, 45, 65]"
    )

    @field_validator("edges")
    @classmethod
    def _increasing(cls, edges: list[float] | None) -> list[float] | None:
        if edges is not None and (
            len(edges) < 2 or any(b <= a for a, b in itertools.pairwise(edges))
        ):
            raise PydanticCustomError(
                "bad_edges", "edges must be at least two strictly increasing numbers"
            )
        return edges

    def problems(self) -> list[tuple[str, str, str]]:
        """The parameter the chosen method needs, when it is missing."""
        needed = self.METHOD_NEEDS.get(self.method)
        if needed is not None and getattr(self, needed) is None:
            field = GeneralizeParams.model_fields[needed]
            return [
                (
                    needed,
                    f"method '{self.method}' needs '{needed}'",
                    f"add {needed}: {field.description}",
                )
            ]
        return []


def generalize(
    values: pd.Series,
    method: str = "auto",
    width: float | None = None,
    bins: int | None = None,
    length: int | None = None,
    edges: Sequence[float] | None = None,
) -> pd.Series:
    """Coarser values: dates to month/year, numbers to bins or bands, text to a prefix.

    ``auto`` picks ``month`` for dates (also dates written as text), 10 ``quantile`` bins
    for numbers and a ``prefix`` of 3 characters for other text. Datetime columns keep
    their dtype (the first instant of the month or year); dates in text become ``2021-03``
    or ``2021`` (text that is not a date becomes null). Bins and bands are labelled
    ``[lo, hi)`` (the last quantile bin ``[lo, hi]``; bands add ``< first`` and
    ``>= last``).
    """
    kind = _value_kind(values)
    if method == "auto":
        method = {"datetime": "month", "date_text": "month", "number": "quantile"}.get(
            kind, "prefix"
        )
        bins, length = bins or 10, length or 3
    if method in ("month", "year"):
        if kind == "datetime":
            return _truncate_datetimes(values, method)
        return _truncate_date_text(values, method)
    if method == "prefix":
        present = values.notna().to_numpy()
        text = pa.array(as_text(values[present]), type=pa.large_string())
        prefix = pc.utf8_slice_codeunits(text, 0, int(length or 3))
        return fill(values, present, prefix.to_numpy(zero_copy_only=False))
    numbers = _numbers(values, method)
    if method == "width":
        return _width_bins(values, numbers, float(width or 1))
    if method == "quantile":
        return _quantile_bins(values, numbers, int(bins or 10))
    return _bands(values, numbers, [float(e) for e in edges or ()])


def _value_kind(values: pd.Series) -> str:
    """``datetime``, ``number``, ``date_text`` or ``text``: how generalize reads the values."""
    dtype = values.dtype
    if isinstance(dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(dtype):
        return "datetime"
    if pd.api.types.is_bool_dtype(dtype):
        return "text"
    if pd.api.types.is_numeric_dtype(dtype):
        return "number"
    present = values.dropna()
    if len(present) and all(
        isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool | np.bool_)
        for v in present.iloc[:1000]
    ):
        return "number"
    if len(present) and all(isinstance(v, date) for v in present.iloc[:1000]):
        return "date_text"
    text = pd.Series(as_text(present.iloc[:1000]), dtype=object)
    return "date_text" if len(text) and date_format(text) is not None else "text"


def _truncate_datetimes(values: pd.Series, method: str) -> pd.Series:
    tz = values.dt.tz
    local = values.dt.tz_localize(None) if tz is not None else values
    days = local.dt.day if method == "month" else local.dt.dayofyear
    start = local.dt.normalize() - pd.to_timedelta(days - 1, unit="D")
    if tz is not None:
        start = start.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
    out: pd.Series = start.astype(values.dtype)
    return out


def _truncate_date_text(values: pd.Series, method: str) -> pd.Series:
    present = values.notna().to_numpy()
    if all(isinstance(v, date) for v in values[present].iloc[:1000]):
        parsed = pd.to_datetime(
            pd.Series(values[present].to_numpy(), dtype=object), errors="coerce", utc=True
        )
    else:
        text = pd.Series(as_text(values[present]), dtype=object)
        fmt = date_format(text) if len(text) else None
        if fmt is None:
            raise OperatorMismatch(
                f"column '{values.name}' holds no dates; method '{method}' generalizes dates",
                "use method 'prefix' for text",
            )
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
    labels = parsed.dt.strftime("%Y-%m" if method == "month" else "%Y")
    return fill(values, present, labels.astype(object).where(labels.notna(), None).to_numpy())  # type: ignore[call-overload]


def _numbers(values: pd.Series, method: str) -> npt.NDArray[np.float64]:
    """The values as floats (NaN for nulls); OperatorMismatch when some are not numbers."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    numbers = pd.to_numeric(values, errors="coerce")
    if bool((numbers.isna() & values.notna()).any()):
        raise OperatorMismatch(
            f"column '{values.name}' holds values that are not numbers; method "
            f"'{method}' bins numbers",
            "use method 'prefix', 'month' or 'year'",
        )
    return numbers.to_numpy(dtype=np.float64, na_value=np.nan)


def _number_text(x: float) -> str:
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else f"{x:.10g}"


def _labelled(
    values: pd.Series,
    index: npt.NDArray[np.int64],
    labels: list[str],
    numbers: npt.NDArray[np.float64],
) -> pd.Series:
    present = ~np.isnan(numbers)
    table = np.asarray(labels, dtype=object)
    return fill(values, present, table[index[present]])


def _width_bins(values: pd.Series, numbers: npt.NDArray[np.float64], width: float) -> pd.Series:
    present = ~np.isnan(numbers)
    with np.errstate(invalid="ignore", over="ignore"):
        low = np.floor(numbers[present] / width) * width
    lows, index = np.unique(low, return_inverse=True)
    labels = [
        f"[{_number_text(lo)}, {_number_text(lo + width)})" if np.isfinite(lo) else _number_text(lo)
        for lo in lows
    ]
    full = np.zeros(len(numbers), dtype=np.int64)
    full[present] = index.ravel()
    return _labelled(values, full, labels, numbers)


def _quantile_bins(values: pd.Series, numbers: npt.NDArray[np.float64], bins: int) -> pd.Series:
    finite = numbers[np.isfinite(numbers)]
    edges = (
        np.unique(np.quantile(finite, np.linspace(0, 1, bins + 1))) if len(finite) else np.zeros(1)
    )
    texts = [_number_text(e) for e in edges]
    if len(edges) == 1:
        labels = [f"[{texts[0]}, {texts[0]}]"]
    else:
        labels = [f"[{a}, {b})" for a, b in itertools.pairwise(texts)]
        labels[-1] = labels[-1][:-1] + "]"
    index = np.searchsorted(edges[1:-1], np.nan_to_num(numbers), side="right").astype(np.int64)
    labels += ["inf", "-inf"]  # infinite values are not binned
    index[np.isposinf(numbers)] = len(labels) - 2
    index[np.isneginf(numbers)] = len(labels) - 1
    return _labelled(values, index, labels, numbers)


def _bands(values: pd.Series, numbers: npt.NDArray[np.float64], edges: list[float]) -> pd.Series:
    texts = [_number_text(e) for e in edges]
    labels = [f"< {texts[0]}"]
    labels += [f"[{a}, {b})" for a, b in itertools.pairwise(texts)]
    labels.append(f">= {texts[-1]}")
    index = np.searchsorted(np.asarray(edges), np.nan_to_num(numbers), side="right")
    return _labelled(values, index.astype(np.int64), labels, numbers)


class Generalize(Operator):
    """``generalize``: see ``generalize``; proposed with the method the entity suits."""

    params_model = GeneralizeParams
    options: GeneralizeParams

    @classmethod
    def default_params(cls, entity: str | None) -> dict[str, Any] | None:
        """Month for dates, a 3-character prefix for postal codes, age bands for ages."""
        kind = (entity or "").strip().upper()
        if kind in _DATE_ENTITIES:
            return {"method": "month"}
        if kind in _POSTAL_ENTITIES:
            return {"method": "prefix", "length": 3}
        if kind in _AGE_ENTITIES:
            return {"method": "bands", "edges": list(AGE_BANDS)}
        return {"method": "auto"}

    def mask(self, values: pd.Series, context: MaskContext) -> pd.Series:
        """The coarser value of each value."""
        o = self.options
        return generalize(values, o.method, o.width, o.bins, o.length, o.edges)
