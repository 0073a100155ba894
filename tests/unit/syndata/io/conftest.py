from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pyarrow as pa
import pytest

from syndata.io import TableSpec

TRICKY_STRINGS = [
    "plain",
    "it's",
    'say "hi"',
    "a,b,c",
    "line1\nline2",
    "Zoë 日本 🎉",
    "",
    None,
    "back\\slash",
    "tab\there\r\n",
]


def _make_sample(rows: int = 10) -> pa.Table:
    """A table with every supported type, tricky strings and nulls in each column."""
    strings = [TRICKY_STRINGS[i % len(TRICKY_STRINGS)] for i in range(rows)]
    return pa.table(
        {
            "id": pa.array(range(1, rows + 1), pa.int64()),
            "price": pa.array([None if i % 4 == 3 else i * 1.25 - 3.1 for i in range(rows)]),
            "name": pa.array(strings, pa.string()),
            "active": pa.array([None if i % 5 == 4 else i % 2 == 0 for i in range(rows)]),
            "born": pa.array(
                [
                    None if i % 6 == 5 else dt.date(1950, 1, 1) + dt.timedelta(days=97 * i)
                    for i in range(rows)
                ],
                pa.date32(),
            ),
            "created": pa.array(
                [
                    None
                    if i % 7 == 6
                    else dt.datetime(2024, 2, 29, 23, 59, 58, 123456)
                    + dt.timedelta(seconds=3601 * i)
                    for i in range(rows)
                ],
                pa.timestamp("us"),
            ),
            "amount": pa.array(
                [
                    None if i % 3 == 2 else Decimal(f"{(-1) ** i * i * 1000}.0{i % 10}")
                    for i in range(rows)
                ],
                pa.decimal128(12, 2),
            ),
        }
    )


@pytest.fixture
def make_sample() -> Callable[[int], pa.Table]:
    return _make_sample


@pytest.fixture
def sample() -> pa.Table:
    return _make_sample()


@pytest.fixture
def sample_spec(sample: pa.Table) -> TableSpec:
    return TableSpec("customers", sample.schema, primary_key=("id",), not_null=("id",))
