"""Discovery finds the rules real rows obey, confirms them on every row, and shows no value."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from palmerpenguins import load_penguins

from syndata.consistency import (
    Bounds,
    FixedCombinations,
    FunctionalDependency,
    Inequality,
    NullTogether,
    Sum,
    Unique,
    discover,
)


@pytest.fixture(scope="module")
def loans() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    n = 3_000
    sub = rng.choice([f"{g}{k}" for g in "ABCD" for k in range(1, 6)], n)
    principal = np.round(rng.uniform(100, 5_000, n), 2)
    interest = np.round(principal * rng.uniform(0.01, 0.2, n), 2)
    fees = np.round(rng.uniform(0, 50, n), 2)
    check_in = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n), "D")
    nights = rng.integers(1, 15, n)
    closed = rng.random(n) < 0.3
    return pd.DataFrame(
        {
            "loan_id": np.arange(n) + 10_000,
            "sub_grade": sub,
            "grade": [s[0] for s in sub],
            "principal": principal,
            "interest": interest,
            "fees": fees,
            "total": np.round(principal + interest + fees, 2),
            "check_in": check_in,
            "check_out": check_in + pd.to_timedelta(nights, "D"),
            "closed_on": pd.Series(check_in).where(closed),
            "closed_reason": pd.Series(rng.choice(["paid", "sold"], n)).where(closed),
            "units": rng.integers(1, 40, n) * 5,
        }
    )


def by_type(found, cls):
    return [i for i in found if isinstance(i, cls)]


def test_a_code_determines_its_group(loans):
    deps = {(d.determinant, d.dependent) for d in by_type(discover(loans), FunctionalDependency)}
    assert ("sub_grade", "grade") in deps
    assert ("grade", "sub_grade") not in deps


def test_a_total_is_the_sum_of_its_parts(loans):
    sums = by_type(discover(loans), Sum)
    assert [(s.total, s.parts) for s in sums] == [("total", ("principal", "interest", "fees"))]
    assert sums[0].evidence.share == 1.0 and sums[0].evidence.rows == len(loans)


def test_dates_keep_their_order_and_the_gap_its_bounds(loans):
    orders = {(o.low, o.high): o for o in by_type(discover(loans), Inequality)}
    stay = orders[("check_in", "check_out")]
    day = 86_400e9
    assert stay.strict and (stay.gap_min / day, stay.gap_max / day) == (1.0, 14.0)
    assert ("check_out", "check_in") not in orders
    # interest never exceeds principal: an amount that never exceeds another
    assert ("interest", "principal") in orders


def test_columns_null_on_the_same_rows(loans):
    pairs = {(p.first, p.second) for p in by_type(discover(loans), NullTogether)}
    assert ("closed_on", "closed_reason") in pairs


def test_keys_steps_and_signs(loans):
    found = discover(loans)
    assert [u.column for u in by_type(found, Unique)] == ["loan_id"]
    bounds = {b.column: b for b in by_type(found, Bounds)}
    assert bounds["units"].step == 5.0 and bounds["units"].integer
    assert bounds["principal"].decimals == 2 and bounds["principal"].non_negative


def test_a_float_measurement_without_repeats_is_not_a_key():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "code": np.arange(300) * 7,
            "weight": rng.normal(70, 12, 300),
            "label": [f"r{i}" for i in range(300)],
        }
    )
    assert frame["weight"].is_unique  # unique by chance, as floats are
    assert sorted(u.column for u in by_type(discover(frame), Unique)) == ["code", "label"]


def test_penguins_species_live_on_some_islands_only():
    combos = by_type(discover(load_penguins()), FixedCombinations)
    assert [(c.group, c.combinations, c.possible) for c in combos] == [
        (("species", "island"), 5, 9)
    ]


def test_independent_columns_give_no_combination_rule():
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"a": rng.choice(list("xyz"), 2000), "b": rng.choice(list("pq"), 2000)})
    assert by_type(discover(frame), FixedCombinations) == []


def test_a_rule_broken_once_is_dropped_unless_the_tolerance_allows_it(loans):
    broken = loans.copy()
    broken.loc[7, "grade"] = "Z"
    assert ("sub_grade", "grade") not in {
        (d.determinant, d.dependent) for d in by_type(discover(broken), FunctionalDependency)
    }
    loose = by_type(discover(broken, tolerance=0.01), FunctionalDependency)
    found = {(d.determinant, d.dependent): d for d in loose}
    assert found[("sub_grade", "grade")].evidence.share == pytest.approx(1 - 1 / len(loans))


def test_the_records_hold_no_value(loans):
    text = json.dumps([i.to_dict() for i in discover(loans)], default=str)
    for value in ("A1", "paid", "sold", "10000", "2024-"):
        assert value not in text


def test_too_few_rows_and_bad_tolerance():
    assert discover(pd.DataFrame({"a": [1, 2, 3]})) == []
    with pytest.raises(ValueError, match="tolerance"):
        discover(pd.DataFrame({"a": range(30)}), tolerance=0.7)


def test_excluded_columns_give_no_rule(loans):
    found = discover(loans, exclude=["check_in", "grade"])
    assert not any({"check_in", "grade"} & set(i.columns()) for i in found)
