"""The UI's pure pieces: API errors as text, the PII plan, charts' data, metrics parsing."""

from __future__ import annotations

import io

import httpx
import numpy as np
import pandas as pd
import pytest
from ui_server import free_port

from app_ui import charts
from app_ui.data import (
    DECISIONS,
    consistency_rows,
    jobs_frame,
    metric,
    model_name_for,
    parse_prometheus,
    plan_from_review,
    quality_verdict,
    read_frame,
    review_rows,
)
from syndata.client import ServiceClient
from syndata.errors import ApiError


def test_api_errors_read_the_error_shape() -> None:
    body = {
        "error": {
            "status": 400,
            "code": "invalid_config",
            "message": "invalid configuration: 2 problems found",
            "problems": [
                {
                    "path": "tables[0].columns[0].type",
                    "message": "unknown column type 'intx'",
                    "fix": "use one of int, float",
                },
                {"path": "rows", "message": "must be >= 0", "fix": ""},
            ],
            "request_id": "abc123",
        }
    }
    error = ApiError.from_response(httpx.Response(400, json=body))
    assert error.code == "invalid_config" and [p.path for p in error.problems] == [
        "tables[0].columns[0].type",
        "rows",
    ]
    assert error.text().splitlines()[:3] == [
        "invalid configuration: 2 problems found (HTTP 400)",
        "- `tables[0].columns[0].type`: unknown column type 'intx' — fix: use one of int, float",
        "- `rows`: must be >= 0",
    ]
    assert "request id `abc123`" in error.text()
    # a body not in the shape (a proxy's page) still reads
    other = ApiError.from_response(httpx.Response(502, text="<html>Bad gateway</html>"))
    assert other.status == 502 and "Bad gateway" in other.text()


def test_an_unreachable_api_is_an_api_error() -> None:
    with pytest.raises(ApiError) as caught:
        ServiceClient(f"http://127.0.0.1:{free_port()}", "k", timeout=2).stats()
    assert caught.value.code == "unreachable" and "cannot reach the syndata API" in str(
        caught.value
    )


def test_the_review_proposes_regenerate_and_writes_a_plan() -> None:
    findings = {
        "people": [
            {"column": "name", "entity": "PERSON", "score": 0.99, "operator": "fake"},
            {"column": "email", "entity": "EMAIL_ADDRESS", "score": 1.0, "operator": "fake"},
        ]
    }
    review = review_rows(findings, {"people": ["notes"]})
    assert list(review["column"]) == ["name", "email", "notes"]
    assert set(review["decision"]) == {"regenerate"}
    review.loc[1, "decision"] = "hash"
    review.loc[2, "decision"] = "drop"
    assert plan_from_review(review) == {
        "columns": {
            "name": {"action": "regenerate", "entity": "PERSON"},
            "email": {"action": "mask", "operator": "hash", "entity": "EMAIL_ADDRESS"},
            "notes": {"action": "drop"},
        }
    }
    several = plan_from_review(review, tables=["people", "orders"])
    assert several is not None and set(several) == {"tables"}
    assert several["tables"]["people"]["columns"]["notes"] == {"action": "drop"}
    assert plan_from_review(review_rows({})) is None
    assert set(DECISIONS) >= {"regenerate", "allow", "drop", "redact", "hash", "fake"}


def test_the_review_learns_quasi_identifiers_as_data() -> None:
    findings = {
        "homes": [
            {"column": "state", "entity": "LOCATION", "identifier": "quasi", "operator": "fake"},
            {"column": "born", "entity": "DATE_OF_BIRTH", "operator": "generalize"},
            {"column": "owner", "entity": "PERSON", "identifier": "direct", "operator": "fake"},
        ]
    }
    review = review_rows(findings)
    assert dict(zip(review["column"], review["decision"], strict=True)) == {
        "state": "allow",
        "born": "allow",
        "owner": "regenerate",
    }


def test_every_decision_is_a_valid_plan_entry() -> None:
    from syndata.privacy.plan import load_plan

    review = pd.DataFrame(
        [
            {"table": "t", "column": f"c{i}", "entity": "PERSON", "decision": d}
            for i, d in enumerate(DECISIONS)
        ]
    )
    plan = plan_from_review(review)
    assert plan is not None
    load_plan(plan)  # raises ConfigError listing every problem


def test_uploads_read_in_every_format(tmp_path) -> None:
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    for name, data in {
        "t.csv": frame.to_csv(index=False).encode(),
        "t.parquet": buffer.getvalue(),
        "t.json": frame.to_json(orient="records").encode(),
        "t.jsonl": frame.to_json(orient="records", lines=True).encode(),
    }.items():
        pd.testing.assert_frame_equal(read_frame(name, data), frame, check_dtype=False)
    with pytest.raises(ValueError, match="cannot read"):
        read_frame("t.xlsx", b"")
    assert model_name_for("my table (2024)") == "my_table_2024"
    assert model_name_for("!!!") == "model"


def test_histograms_share_bins_and_categories_share_order() -> None:
    rng = np.random.default_rng(0)
    real = pd.Series(rng.normal(size=500), name="x")
    synthetic = pd.Series(rng.normal(0.2, size=800))
    hist = charts.histogram_data(real, synthetic, bins=10)
    assert len(hist) == 20
    for source in ("real", "synthetic"):
        assert hist[hist["source"] == source]["share"].sum() == pytest.approx(1.0)
    assert (
        hist[hist["source"] == "real"]["start"].to_numpy()
        == hist[hist["source"] == "synthetic"]["start"].to_numpy()
    ).all()
    cats = charts.category_data(
        pd.Series(["a"] * 10 + ["b"] * 6 + [None] * 4), pd.Series(["b"] * 12 + ["c"] * 8), top=2
    )
    real_shares = dict(
        zip(
            cats[cats.source == "real"]["category"],
            cats[cats.source == "real"]["share"],
            strict=True,
        )
    )
    assert real_shares == {"a": 0.5, "b": 0.3, "(other)": pytest.approx(0.2)}
    synthetic_shares = cats[cats.source == "synthetic"].set_index("category")["share"]
    assert synthetic_shares["(other)"] == pytest.approx(0.4)
    # a real category seen fewer than k (5) times is never named: it counts as (other)
    rare = charts.category_data(pd.Series(["a"] * 10 + ["Quillonby"] * 2), pd.Series(["a"]))
    assert set(rare["category"]) == {"a", "(other)"}


def test_charts_are_altair_specs_of_real_and_synthetic() -> None:
    rng = np.random.default_rng(1)
    real = pd.DataFrame(
        {
            "x": rng.normal(size=200),
            "y": rng.normal(size=200),
            "kind": rng.choice(["a", "b"], 200),
            "id": range(200),
        }
    )
    synthetic = real.sample(frac=1.0, random_state=0).reset_index(drop=True)
    kinds = {"x": "numerical", "y": "numerical", "kind": "categorical", "id": "id"}
    assert charts.chartable_columns(real, synthetic, kinds) == ["x", "y", "kind"]
    numeric = charts.distribution_chart(real["x"], synthetic["x"]).to_dict()
    assert numeric["mark"]["type"] == "bar" and numeric["encoding"]["x"]["bin"] == "binned"
    category = charts.distribution_chart(real["kind"], synthetic["kind"]).to_dict()
    assert category["encoding"]["xOffset"]["field"] == "source"
    heatmaps = charts.correlation_heatmaps(real, synthetic, kinds)
    assert heatmaps is not None
    matrix = charts.correlation_matrix(real, ["x", "y"])
    assert len(matrix) == 4 and set(matrix["x"]) == {"x", "y"}
    assert charts.correlation_heatmaps(real[["kind"]], synthetic[["kind"]]) is None
    scores = charts.column_scores_chart([{"column": "x", "score": 0.9, "metric": "KS"}])
    assert scores is not None and scores.to_dict()["mark"]["type"] == "bar"


def test_prometheus_metrics_and_verdicts() -> None:
    text = (
        "# HELP syndata_jobs_total Total\n# TYPE syndata_jobs_total counter\n"
        'syndata_jobs_total{status="completed"} 3.0\n'
        'syndata_jobs_total{status="failed"} 1.0\n'
        "syndata_generation_duration_seconds_sum 4.5\n"
        "syndata_generation_duration_seconds_count 3.0\n"
    )
    samples = parse_prometheus(text)
    assert metric(samples, "syndata_jobs_total", status="completed") == 3.0
    assert metric(samples, "syndata_generation_duration_seconds_sum") == 4.5
    assert metric(samples, "syndata_queue_depth") is None
    assert quality_verdict(0.87) == ("good", "success")
    assert quality_verdict(0.65)[0] == "fair" and quality_verdict(0.2)[0] == "poor"
    assert quality_verdict(None)[0] == "not scored"
    frame = jobs_frame(
        [
            {
                "job_id": "job_1",
                "job_type": "fit",
                "status": "completed",
                "progress": 1.0,
                "duration_seconds": 2.345,
                "created_at": "2026-01-01T10:00:00.123+00:00",
            }
        ]
    )
    assert frame.loc[0, "seconds"] == 2.3 and frame.loc[0, "created"] == "2026-01-01 10:00:00"


def test_consistency_rows_list_every_rule_most_broken_first() -> None:
    def rule(description: str, real: float, synthetic: float, rows: int) -> dict:
        return {
            "kind": "inequality",
            "columns": ["a", "b"],
            "description": description,
            "real_violation_share": real,
            "synthetic_violation_share": synthetic,
            "synthetic_violating_rows": rows,
        }

    single = {"constraints": [rule("a <= b", 0.0, 0.0, 0), rule("c <= d", 0.0, 0.25, 50)]}
    assert consistency_rows(single) == [
        {
            "rule": "c <= d",
            "kind": "inequality",
            "real": 0.0,
            "synthetic": 0.25,
            "rows breaking it": 50,
        },
        {
            "rule": "a <= b",
            "kind": "inequality",
            "real": 0.0,
            "synthetic": 0.0,
            "rows breaking it": 0,
        },
    ]
    schema = {
        "tables": {
            "orders": {"constraints": [rule("x < y", 0.01, None, 0)]},
            "customers": {"constraints": [rule("p <= q", 0.0, 0.1, 4)]},
        }
    }
    assert [(r["table"], r["rule"]) for r in consistency_rows(schema)] == [
        ("customers", "p <= q"),
        ("orders", "x < y"),
    ]
    assert consistency_rows({}) == []
