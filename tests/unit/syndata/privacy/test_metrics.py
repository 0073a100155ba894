"""Copy measures: exact-match rate and the holdout comparison."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from syndata.privacy import copy_report, exact_match_rate


def _table(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "amount": rng.normal(size=n),
            "count": rng.integers(0, 1_000_000, n),
            "city": rng.choice(["Oslo", "Lima", "Pune", "Graz"], n),
            "when": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 10**8, n), "s"),
        }
    )


def test_copying_ten_percent_of_training_rows_gives_a_rate_of_ten_percent():
    train = _table(5_000, 0)
    fresh = _table(1_800, 1)
    copied = train.sample(200, random_state=2)
    synthetic = pd.concat([fresh, copied], ignore_index=True).sample(frac=1, random_state=3)
    assert exact_match_rate(train, synthetic) == pytest.approx(0.10)


def test_disjoint_tables_give_zero_and_identical_tables_one():
    train = _table(1_000, 0)
    assert exact_match_rate(train, _table(1_000, 1)) == 0.0
    assert exact_match_rate(train, train.iloc[::-1]) == 1.0
    assert exact_match_rate(train, train.iloc[:0]) == 0.0


def test_one_differing_value_is_no_match_and_columns_restrict_the_comparison():
    train = _table(100, 0)
    synthetic = train.copy()
    synthetic["amount"] = synthetic["amount"] + 1e-12  # floats compared exactly
    assert exact_match_rate(train, synthetic) == 0.0
    assert exact_match_rate(train, synthetic, columns=["count", "city", "when"]) == 1.0


def test_nulls_equal_nulls_and_dtypes_do_not_matter():
    reference = pd.DataFrame(
        {
            "x": [1, 2, None, 4.0],
            "s": ["a", None, "c", "d"],
            "d": pd.to_datetime(["2020-01-01", None, "2020-01-03", None]),
        }
    )
    synthetic = pd.DataFrame(
        {
            "x": [1.0, np.nan, np.nan, -0.0],
            "s": pd.Series(["a", np.nan, "c", "d"], dtype="category"),
            "d": pd.to_datetime(["2020-01-01", None, "2020-01-03", None]),
        }
    )
    # row 0 equal; row 1 (null, null, null) matches no reference row; row 2 equal
    # (None == NaN); row 3 differs in x
    assert exact_match_rate(reference, synthetic) == 0.5
    assert exact_match_rate(reference, synthetic, columns=["x"]) == 0.75
    ints = pd.DataFrame({"x": pd.array([1, 2, None], dtype="Int64")})
    assert exact_match_rate(ints, pd.DataFrame({"x": [2.0, np.nan, 3.0]})) == pytest.approx(2 / 3)


def test_missing_columns_raise():
    train = _table(10, 0)
    with pytest.raises(ValueError, match="lacks column"):
        exact_match_rate(train, train.drop(columns=["city"]))
    with pytest.raises(ValueError, match="lacks column"):
        exact_match_rate(train, train, columns=["nope"])


def test_copy_report_compares_with_the_holdout():
    real = _table(6_000, 0)
    real["city"] = np.where(real.index < 3_000, real["city"], "Oslo")
    train, holdout = real.iloc[:5_000], real.iloc[5_000:]
    coarse = ["city"]  # few values: holdout rows match training rows by chance
    fresh = _table(4_000, 5)
    report = copy_report(train, holdout, fresh, columns=coarse)
    assert report["holdout_copy_rate"] == 1.0 and report["ok"]

    ok = copy_report(train, holdout, fresh)
    assert ok["synthetic_copy_rate"] == 0.0 == ok["holdout_copy_rate"]
    assert ok["rows_compared"] == len(holdout) and ok["ok"]

    leaky = pd.concat([fresh.iloc[:3_000], train.iloc[:1_000]], ignore_index=True)
    bad = copy_report(train, holdout, leaky, seed=1)
    assert bad["synthetic_copy_rate"] == pytest.approx(0.25, abs=0.05)
    assert not bad["ok"]
    assert copy_report(train, holdout, leaky, seed=1) == bad  # seeded sample
