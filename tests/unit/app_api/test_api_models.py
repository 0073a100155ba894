from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import model_registry
from syndata.models import GaussianCopula

CSV = b"age,score\n31,3.5\n45,4.0\n27,2.25\n52,4.5\n38,3.0\n"


@pytest.fixture
def dataset_id(client, auth):
    response = client.post(
        "/datasets", headers=auth("operator"), files={"file": ("people.csv", CSV, "text/csv")}
    )
    assert response.status_code == 201, response.text
    return response.json()["dataset_id"]


@pytest.fixture
def registered(home):
    """Model 'people' with two versions and a quality report."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": rng.integers(18, 90, 60), "score": rng.normal(3, 1, 60)})
    for _ in range(2):
        model_registry.log_model(
            GaussianCopula().fit(frame),
            "people",
            artifacts={"quality": {"overall": 0.9}, "privacy": {"verdict": "pass"}},
        )
    return "people"


def test_fit_queues_a_fit_job_named_by_the_path(client, auth, dataset_id, store):
    response = client.post(
        "/models/people/fit?priority=high",
        json={"dataset": dataset_id, "model": "gaussian_copula"},
        headers=auth("operator"),
    )
    assert response.status_code == 202, response.text
    job = response.json()
    assert (job["job_type"], job["status"], job["priority"]) == ("fit", "queued", "high")
    assert job["params"]["name"] == "people"
    assert job["params"]["dataset"] == dataset_id
    assert store.get(job["job_id"]).params["holdout"] == 0.2


def test_fit_problems_point_into_the_body(client, auth, check_error):
    error = check_error(
        client.post(
            "/models/people/fit",
            json={"dataset": "ds_0000000000000000", "model": "magic"},
            headers=auth("operator"),
        ),
        400,
        "invalid_config",
    )
    assert {"body.dataset", "body.model"} <= {p["path"] for p in error["problems"]}


def test_fit_body_may_not_name_the_model(client, auth, dataset_id, check_error):
    error = check_error(
        client.post(
            "/models/people/fit",
            json={"dataset": dataset_id, "name": "other"},
            headers=auth("operator"),
        ),
        422,
        "validation_error",
    )
    assert error["problems"][0]["path"] == "body.name"


def test_model_names_are_checked(client, auth, dataset_id, check_error):
    check_error(
        client.post(
            "/models/bad name!/fit", json={"dataset": dataset_id}, headers=auth("operator")
        ),
        422,
        "validation_error",
    )


def test_sample_queues_a_sample_job_on_the_model(client, auth, store, registered):
    response = client.post(
        "/models/people/sample", json={"rows": 50, "seed": 3}, headers=auth("operator")
    )
    assert response.status_code == 202, response.text
    job = response.json()
    assert (job["job_type"], job["status"]) == ("sample", "queued")
    assert (job["params"]["model"], job["params"]["rows"], job["seed"]) == ("people", 50, 3)


def test_sample_can_name_a_version_or_an_alias(client, auth, check_error, registered):
    model_registry.set_alias("people", "champion", 1)
    for version, model in (("2", "people:2"), ("@champion", "people@champion")):
        response = client.post(
            "/models/people/sample",
            params={"version": version},
            json={"rows": 5},
            headers=auth("operator"),
        )
        assert response.status_code == 202, response.text
        assert response.json()["params"]["model"] == model
    check_error(
        client.post(
            "/models/people/sample",
            params={"version": "../2"},
            json={"rows": 5},
            headers=auth("operator"),
        ),
        422,
        "validation_error",
    )


def test_sample_of_an_unknown_model_version_or_alias_is_404(client, auth, check_error, registered):
    for name, version in (("nobody", None), ("people", "9"), ("people", "@nothing")):
        params = {} if version is None else {"version": version}
        check_error(
            client.post(
                f"/models/{name}/sample", params=params, json={"rows": 5}, headers=auth("operator")
            ),
            404,
            "not_found",
        )


def test_sample_needs_rows_or_scale(client, auth, check_error, registered):
    error = check_error(
        client.post("/models/people/sample", json={}, headers=auth("operator")),
        400,
        "invalid_config",
    )
    assert error["problems"][0]["path"] == "body.rows"


def test_viewers_cannot_fit_or_sample(client, auth, check_error):
    check_error(
        client.post("/models/people/sample", json={"rows": 5}, headers=auth("viewer")),
        403,
        "forbidden",
    )


def test_list_and_show_models(client, auth, registered):
    listing = client.get("/models", headers=auth("viewer")).json()["models"]
    assert [(m["name"], m["version"]) for m in listing] == [("people", "2")]
    shown = client.get("/models/people", headers=auth("viewer"))
    assert shown.status_code == 200
    body = shown.json()
    assert [v["version"] for v in body["versions"]] == ["1", "2"]
    assert body["versions"][0]["artifacts"]["quality"] == {"overall": 0.9}
    assert body["versions"][0]["artifacts"]["privacy"] == {"verdict": "pass"}


def test_a_models_quality_report_shows_each_rule_with_its_violation_shares(client, auth, home):
    from palmerpenguins import load_penguins

    from syndata import pipeline

    pipeline.fit(load_penguins(), name="penguins", holdout=0, attacks=False)
    version = client.get("/models/penguins", headers=auth("viewer")).json()["versions"][0]
    quality = version["artifacts"]["quality"]
    assert version["metrics"]["quality.consistency"] == pytest.approx(quality["consistency"])
    assert 0.9 <= quality["consistency"] <= 1.0
    by_rule = {c["description"]: c for c in quality["constraints"]}
    combos = by_rule["species × island: 5 of 9 combinations occur"]
    assert combos["kind"] == "fixed_combinations" and combos["columns"] == ["species", "island"]
    assert combos["real_violation_share"] == 0.0
    assert isinstance(combos["synthetic_violation_share"], float)
    assert isinstance(combos["synthetic_violating_rows"], int)


def test_unknown_model_is_404(client, auth, check_error):
    error = check_error(client.get("/models/nobody", headers=auth("viewer")), 404, "not_found")
    assert "nobody" in error["message"]
    assert client.get("/models", headers=auth("viewer")).json() == {"models": []}


def test_set_an_alias(client, auth, registered, audit_log):
    response = client.put(
        "/models/people/aliases/champion", json={"version": "1"}, headers=auth("operator")
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "name": "people",
        "alias": "champion",
        "version": "1",
        "reference": "people@champion",
    }
    assert model_registry.resolve("people@champion").version == "1"
    moved = client.put(
        "/models/people/aliases/champion", json={"version": 2}, headers=auth("operator")
    )
    assert moved.status_code == 200
    assert model_registry.resolve("people@champion").version == "2"
    assert [line["model"] for line in audit_log() if line["action"] == "register"] == [
        "people:1",
        "people:2",
    ]


def test_alias_errors(client, auth, registered, check_error):
    check_error(
        client.put(
            "/models/people/aliases/champion", json={"version": "9"}, headers=auth("operator")
        ),
        404,
        "not_found",
    )
    check_error(
        client.put(
            "/models/nobody/aliases/champion", json={"version": "1"}, headers=auth("operator")
        ),
        404,
        "not_found",
    )
    check_error(
        client.put("/models/people/aliases/v3", json={"version": "1"}, headers=auth("operator")),
        400,
        "invalid_config",
    )
    check_error(
        client.put(
            "/models/people/aliases/champion", json={"version": "one"}, headers=auth("operator")
        ),
        422,
        "validation_error",
    )
    check_error(
        client.put(
            "/models/people/aliases/champion", json={"version": "1"}, headers=auth("viewer")
        ),
        403,
        "forbidden",
    )


@pytest.mark.parametrize(
    ("body", "path", "fragment"),
    [
        (
            {"rows": 5, "seed": 2**64},
            "body.seed",
            "the integer 18446744073709551616 is out of range",
        ),
        ({"rows": 5, "seed": -1}, "body.seed", "greater than or equal to 0"),
        ({"scale": 8.3e307}, "body.scale", "over the limit of 100 (SYNDATA_MAX_SCALE)"),
        ({"rows": 10**15}, "body.rows", "over the limit of 100,000,000 (SYNDATA_MAX_ROWS)"),
    ],
)
def test_sample_bodies_out_of_range_are_400(
    client, auth, check_error, registered, body, path, fragment
):
    error = check_error(
        client.post("/models/people/sample", json=body, headers=auth("operator")),
        400,
        "invalid_config",
    )
    problem = next(p for p in error["problems"] if p["path"] == path)
    assert fragment in problem["message"]
