"""Consistency in the quality reports: each rule's violation share, real and synthetic, the
score over them, and never a value of a personal-data column or a rare category."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from syndata.consistency import Bounds, Evidence, FunctionalDependency, Inequality, discover
from syndata.errors import QualityError
from syndata.metadata import Metadata, Relationship, TableMetadata
from syndata.quality import evaluate, evaluate_schema
from syndata.quality.common import nanmean
from syndata.quality.consistency import consistency, requires

N = 400


@pytest.fixture(scope="module")
def stays() -> pd.DataFrame:
    """Rules: check_in < check_out by 1 to 14 nights, total = price + fee, room determines
    floor, price >= 0 with 2 decimals, nights whole and positive."""
    rng = np.random.default_rng(4)
    room = rng.choice([f"{f}{r:02d}" for f in "123" for r in range(1, 6)], N)
    check_in = pd.Timestamp("2024-03-01") + pd.to_timedelta(rng.integers(0, 200, N), "D")
    nights = rng.integers(1, 15, N)
    price = np.round(rng.uniform(60, 400, N), 2)
    fee = np.round(rng.uniform(5, 20, N), 2)
    return pd.DataFrame(
        {
            "room": room,
            "floor": [r[0] for r in room],
            "check_in": check_in,
            "check_out": check_in + pd.to_timedelta(nights, "D"),
            "nights": nights,
            "price": price,
            "fee": fee,
            "total": np.round(price + fee, 2),
        }
    )


def _entries(result):
    return _by_description(result.constraints)


def _by_description(constraints):
    return {e["description"]: e for e in constraints}


def _broken_copy(real: pd.DataFrame) -> pd.DataFrame:
    """A copy with 10 rows out of order, 20 wrong totals and 8 rooms on another floor."""
    synthetic = real.copy()
    synthetic.loc[:9, "check_out"] = synthetic.loc[:9, "check_in"] - pd.Timedelta(days=1)
    synthetic.loc[100:119, "total"] += 3.0
    other = {"1": "2", "2": "3", "3": "1"}
    synthetic.loc[200:207, "floor"] = synthetic.loc[200:207, "floor"].map(other)
    return synthetic


def test_each_rule_gets_the_exact_share_of_synthetic_rows_breaking_it(stays):
    meta = TableMetadata.detect(stays)
    result = consistency(stays, _broken_copy(stays), meta)
    entries = _entries(result)
    order = next(e for d, e in entries.items() if d.startswith("check_in < check_out"))
    assert order["kind"] == "inequality" and order["columns"] == ["check_in", "check_out"]
    assert order["synthetic_violating_rows"] == 10
    assert order["synthetic_violation_share"] == 10 / N
    total = entries["total = price + fee"]
    assert (total["synthetic_violating_rows"], total["synthetic_violation_share"]) == (20, 20 / N)
    floor = entries["room determines floor"]
    assert (floor["synthetic_violating_rows"], floor["synthetic_violation_share"]) == (8, 8 / N)
    assert all(e["real_violation_share"] == 0.0 for e in result.constraints)
    changed = {"check_out", "total", "floor"}
    untouched = [e for e in result.constraints if not changed & set(e["columns"])]
    assert untouched and all(e["synthetic_violating_rows"] == 0 for e in untouched)
    expected = np.mean([1 - e["synthetic_violation_share"] for e in result.constraints])
    assert result.score == pytest.approx(expected) and result.score < 1.0
    assert consistency(stays, stays, meta).score == 1.0
    assert (result.rows_real, result.rows_synthetic) == (N, N)


def test_declared_rules_show_the_real_rows_breaking_them_too(stays):
    meta = TableMetadata.detect(stays)
    never_above = Inequality(Evidence(N, 1.0), "total", "fee", False, 0.0, math.inf)
    synthetic = stays.copy()
    synthetic.loc[:49, "fee"] = synthetic.loc[:49, "total"] + 1.0  # 50 rows obey it
    result = consistency(stays, synthetic, meta, [never_above])
    (entry,) = result.constraints
    assert entry["real_violation_share"] == 1.0
    assert entry["synthetic_violation_share"] == (N - 50) / N
    assert result.score == pytest.approx(50 / N)


def test_a_rule_needs_its_columns_in_both_tables(stays):
    meta = TableMetadata.detect(stays)
    rule = FunctionalDependency(Evidence(N, 1.0), "room", "floor")
    with pytest.raises(QualityError, match=r"synthetic table lacks column.*floor.*room determines"):
        consistency(stays, stays.drop(columns="floor"), meta, [rule])


def test_without_rules_the_score_is_none():
    rng = np.random.default_rng(0)
    free = pd.DataFrame({"x": rng.normal(size=300), "g": rng.choice(list("ab"), 300)})
    result = consistency(free, free, TableMetadata.detect(free))
    assert math.isnan(result.score) and result.constraints == []
    assert result.to_dict()["score"] is None
    assert "no rule found" in result.summary()


def test_rules_no_row_can_break_are_left_out():
    anything = Bounds(Evidence(10, 1.0), "x", False, False, None, None)
    assert not requires(anything)
    assert requires(Bounds(Evidence(10, 1.0), "x", True, False, None, None))
    rng = np.random.default_rng(1)
    free = pd.DataFrame({"x": rng.normal(size=300)})
    assert anything in discover(free)  # discovery records it; the score does not count it
    assert consistency(free, free, TableMetadata.detect(free)).constraints == []


def test_dates_stored_as_text_are_compared_as_dates(stays):
    text = stays.assign(
        check_in=stays["check_in"].dt.strftime("%d/%m/%Y"),
        check_out=stays["check_out"].dt.strftime("%d/%m/%Y"),
    )
    meta = TableMetadata.detect(text)
    assert meta.columns["check_in"].kind == "date_string"
    result = consistency(text, _broken_copy(stays).pipe(_as_text), meta)
    order = next(e for e in result.constraints if e["columns"] == ["check_in", "check_out"])
    assert order["kind"] == "inequality" and order["synthetic_violating_rows"] == 10


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(
        check_in=frame["check_in"].dt.strftime("%d/%m/%Y"),
        check_out=frame["check_out"].dt.strftime("%d/%m/%Y"),
    )


def test_the_quality_report_carries_the_score_beside_an_unchanged_overall(stays):
    synthetic = _broken_copy(stays)
    report = evaluate(stays, synthetic, ml_efficacy=False)
    alone = consistency(stays, synthetic, TableMetadata.detect(stays))
    assert report.consistency == alone.score and report.constraints == alone.constraints
    assert report.overall == nanmean([report.column_shapes, report.column_pair_trends])
    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert data["consistency"] == pytest.approx(alone.score)
    text = report.summary()
    assert f"consistency {100 * alone.score:.1f}%" in text.splitlines()[0]
    assert "Most broken: " in text and "synthetic 5.0% (real 0.0%)" in text
    skipped = evaluate(stays, synthetic, ml_efficacy=False, consistency=False)
    assert math.isnan(skipped.consistency) and skipped.constraints == []
    assert skipped.overall == report.overall


def test_the_schema_report_scores_each_table(stays):
    hotels = pd.DataFrame({"hotel_id": range(5), "stars": [3, 4, 4, 5, 2]})
    rng = np.random.default_rng(2)
    child = stays.assign(stay_id=range(N), hotel_id=rng.integers(0, 5, N))
    real = {"hotels": hotels, "stays": child}
    meta = Metadata(
        {
            "hotels": TableMetadata.detect(hotels, "hotels"),
            "stays": TableMetadata.detect(child, "stays"),
        },
        [Relationship("hotels", "hotel_id", "stays", "hotel_id")],
    )
    meta.tables["hotels"].set_primary_key("hotel_id")
    meta.tables["stays"].set_primary_key("stay_id")
    broken = {"hotels": hotels, "stays": _broken_copy(child)}
    report = evaluate_schema(real, broken, meta)
    table = report.tables["stays"]
    entries = _by_description(table["constraints"])
    assert entries["total = price + fee"]["synthetic_violating_rows"] == 20
    assert not any({"stay_id", "hotel_id"} & set(e["columns"]) for e in table["constraints"])
    assert math.isnan(report.tables["hotels"]["consistency"])  # 5 rows: no rule told
    every = [e for t in report.tables.values() for e in t["constraints"]]
    assert report.consistency == pytest.approx(
        np.mean([1 - e["synthetic_violation_share"] for e in every])
    )
    assert report.overall == pytest.approx(
        nanmean(
            [
                report.column_shapes,
                report.column_pair_trends,
                report.cardinality,
                report.intertable_trends,
            ]
        )
    )
    text = report.summary()
    assert "stays: total = price + fee — synthetic 5.0% (real 0.0%)" in text
    assert json.loads(json.dumps(report.to_dict(), allow_nan=False))["consistency"] is not None


def test_no_personal_value_or_rare_category_appears_in_the_section():
    from faker import Faker

    fake = Faker("en_US")
    Faker.seed(5)
    rng = np.random.default_rng(6)
    n = 300
    city = rng.choice(["Lisbon", "Porto", "Braga"], n).astype(object)
    city[17] = "Zanzibar"  # seen once: a rare category
    region = np.array(
        [{"Lisbon": "South", "Porto": "North", "Braga": "North"}.get(c, "Isle") for c in city],
        dtype=object,
    )
    real = pd.DataFrame(
        {
            "name": [fake.name() for _ in range(n)],
            "city": city,
            "region": region,
            "age": rng.integers(18, 90, n),
        }
    )
    meta = TableMetadata.detect(real)
    meta.columns["name"].pii = "PERSON"
    synthetic = real.sample(frac=1, random_state=3).reset_index(drop=True)
    synthetic["region"] = rng.permutation(synthetic["region"].to_numpy())
    report = evaluate(real, synthetic, meta, ml_efficacy=False)
    assert ("city", "region") in [tuple(e["columns"]) for e in report.constraints]
    assert report.consistency < 1.0  # the shuffled regions break it: the section names it
    assert not any("name" in e["columns"] for e in report.constraints)
    lines = [
        line for line in report.summary().splitlines() if "onsistency" in line or "broken" in line
    ]
    section = json.dumps(
        {"score": report.consistency, "constraints": report.constraints, "summary": lines}
    )
    for value in {"Zanzibar", "Isle", "Lisbon", "Porto", "Braga", "South", "North", *real["name"]}:
        assert value not in section
