"""The column generator contract, the column types and the arrow helpers every rule shares.

A ``ColumnGenerator`` turns a rule into values, vectorised: ``sample(n, rng, start)``
returns ``n`` values as a pyarrow array of the column's type, where ``start`` is the
global index of the first row (used by sequences and keys). Column-level state
(Faker pools, key permutations) is built once, in ``__init__``, from the column seed.

Generators with a finite, indexable domain (integer ranges, choices, dates) implement
``domain_size``/``values_at`` so that unique columns can be drawn as a permutation of
the domain without remembering what was drawn.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

ColumnType = Literal["int", "float", "str", "bool", "date", "datetime", "decimal"]
COLUMN_TYPES: tuple[str, ...] = ("int", "float", "str", "bool", "date", "datetime", "decimal")
NUMERIC_TYPES = frozenset({"int", "float", "decimal"})
TEMPORAL_TYPES = frozenset({"date", "datetime"})
Mask = NDArray[np.bool_]
"""One flag per row."""
Indices = NDArray[np.integer[Any]]
"""Positions in a domain or a column."""
DECIMAL_PRECISION = 18
DEFAULT_DECIMAL_SCALE = 2


def arrow_type(col_type: str, scale: int = DEFAULT_DECIMAL_SCALE) -> pa.DataType:
    """The arrow type of a config column type."""
    return {
        "int": pa.int64(),
        "float": pa.float64(),
        "str": pa.string(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "datetime": pa.timestamp("us"),
        "decimal": pa.decimal128(DECIMAL_PRECISION, scale),
    }[col_type]


class ColumnGenerator(ABC):
    """Makes the values of one column; see the module docstring."""

    type: pa.DataType

    @abstractmethod
    def sample(self, n: int, rng: np.random.Generator, start: int) -> pa.Array:
        """``n`` fresh values; ``start`` is the global index of the first row."""

    def capacity(self) -> int | None:
        """How many distinct values the rule can make (None: practically unbounded)."""
        size = self.domain_size()
        return size

    def domain_size(self) -> int | None:
        """Size of an indexable domain, or None when the domain is not indexable."""
        return None

    def values_at(self, index: Indices) -> pa.Array:
        """Domain values at ``index`` (only when ``domain_size`` is not None)."""
        raise NotImplementedError

    def valid_mask(self, values: pa.Array) -> Mask | None:
        """Which existing values obey the rule (None: the rule cannot judge)."""
        return None

    def constrain(self, values: pa.Array, rng: np.random.Generator, start: int) -> pa.Array:
        """Bring existing values into the rule: replace those that break it by fresh ones."""
        mask = self.valid_mask(values)
        if mask is None:
            return values
        return replace_where(values, ~mask & ~_null_mask(values), self, rng, start)


def _null_mask(values: pa.Array) -> Mask:
    return np.asarray(values.is_null().to_numpy(zero_copy_only=False), dtype=bool)


def replace_where(
    values: pa.Array, mask: Mask, gen: ColumnGenerator, rng: np.random.Generator, start: int
) -> pa.Array:
    """``values`` with the rows in ``mask`` replaced by fresh samples of ``gen``."""
    k = int(mask.sum())
    if k == 0:
        return values
    fresh = gen.sample(k, rng, start)
    return pc.replace_with_mask(values, pa.array(mask), fresh.cast(values.type))


def to_arrow(values: Iterable[object], typ: pa.DataType) -> pa.Array:
    """Numpy or python values as an arrow array of ``typ``."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        return values if values.type == typ else values.cast(typ)
    if isinstance(values, np.ndarray) and values.dtype.kind == "U":
        return unicode_to_arrow(values).cast(typ)
    if pa.types.is_decimal(typ):
        return pa.array([None if v is None else Decimal(str(v)) for v in values], type=typ)
    return pa.array(values, type=typ)


def scalar_for(value: object, typ: pa.DataType) -> pa.Scalar:
    """A python value as an arrow scalar of ``typ`` (ISO strings for dates are parsed)."""
    if value is None:
        return pa.scalar(None, type=typ)
    if pa.types.is_date(typ) and isinstance(value, str):
        value = date.fromisoformat(value)
    elif pa.types.is_timestamp(typ) and isinstance(value, str):
        value = datetime.fromisoformat(value)
    elif pa.types.is_timestamp(typ) and isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    elif pa.types.is_decimal(typ):
        value = Decimal(str(value))
    elif pa.types.is_string(typ) and not isinstance(value, str):
        value = str(value)
    return pa.scalar(value, type=typ)


def unicode_to_arrow(values: NDArray[np.str_]) -> pa.Array:
    """A numpy ``<U`` array as an arrow string array, without a per-row Python loop."""
    n = len(values)
    width = values.dtype.itemsize // 4
    if n == 0 or width == 0:
        return pa.array([""] * n, type=pa.string())
    codes = np.ascontiguousarray(values).view(np.uint32).reshape(n, width)
    if int(codes.max()) >= 128:
        return pa.array(values.tolist(), type=pa.string())
    return codes_to_arrow(codes)


def codes_to_arrow(codes: NDArray[np.uint32]) -> pa.Array:
    """An (n, width) matrix of ASCII code points, 0-padded on the right, as arrow strings."""
    n = codes.shape[0]
    present = codes != 0
    lengths = present.sum(axis=1)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    data = codes[present].astype(np.uint8)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def join_strings(*parts: pa.Array | str) -> pa.Array:
    """Concatenate string arrays (and constant strings) element-wise."""
    return pc.binary_join_element_wise(*parts, "")
