from __future__ import annotations

import logging

import pytest
import sqlalchemy
from fastapi.testclient import TestClient

from app_api.main import create_app
from syndata.errors import PrivacyError
from syndata.jobs.store import JobStore

METRIC_NAMES = (
    "syndata_jobs_total",
    "syndata_generation_duration_seconds",
    "syndata_rows_generated_total",
    "syndata_queue_depth",
)


def queue(client, auth, config):
    response = client.post(
        "/jobs", json={"job_type": "generate", "config": config}, headers=auth("operator")
    )
    assert response.status_code == 202, response.text
    return response.json()["job_id"]


def samples(text: str) -> dict[str, float]:
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


def test_health(client):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["store"], body["worker_mode"], body["auth"]) == (
        "ok",
        "ok",
        "embedded",
        "on",
    )


def test_health_reports_an_unreachable_store(home, tmp_path):
    store = JobStore()
    app = create_app(store)
    with TestClient(app) as client:
        store.dispose()
        # the database is gone: its folder does not exist
        store.database._engine = sqlalchemy.create_engine(
            f"sqlite:///{tmp_path / 'missing' / 'nothing.db'}"
        )
        response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_health_names_the_celery_mode(client, monkeypatch):
    monkeypatch.setenv("SYNDATA_BROKER_URL", "redis://127.0.0.1:6379/0")
    assert client.get("/health").json()["worker_mode"] == "celery"


def test_stats(client, auth, config, complete_job):
    done = queue(client, auth, config)
    queue(client, auth, config)
    complete_job(done)
    stats = client.get("/stats", headers=auth("viewer")).json()
    assert stats["jobs"] == {"queued": 1, "running": 0, "completed": 1, "failed": 0, "cancelled": 0}
    assert (stats["total"], stats["queue_depth"], stats["rows_generated"]) == (2, 1, 3)
    assert stats["worker_mode"] == "embedded"


def test_metrics_exposition_from_the_store(client, auth, config, complete_job):
    done = queue(client, auth, config)
    queue(client, auth, config)
    queue(client, auth, config)
    complete_job(done)
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    for name in METRIC_NAMES:
        assert (
            f"# TYPE {name.removesuffix('_total')} " in response.text
            or f"# TYPE {name} " in response.text
        )
    values = samples(response.text)
    assert values['syndata_jobs_total{status="queued"}'] == 2
    assert values['syndata_jobs_total{status="completed"}'] == 1
    assert values["syndata_queue_depth"] == 2
    assert values["syndata_rows_generated_total"] == 3
    assert values["syndata_generation_duration_seconds_count"] == 1
    assert values['syndata_generation_duration_seconds_bucket{le="+Inf"}'] == 1


def test_metrics_survive_a_restart_and_count_other_processes_jobs(client, auth, config, store):
    queue(client, auth, config)
    other = JobStore()  # another process's view of the same store
    other.submit("generate", {"config": config})
    other.dispose()
    with TestClient(create_app(JobStore())) as restarted:
        values = samples(restarted.get("/metrics").text)
    assert values["syndata_queue_depth"] == 2
    assert values['syndata_jobs_total{status="queued"}'] == 2


def test_settings_are_for_admins_and_hide_secrets(client, auth, monkeypatch, home):
    monkeypatch.setenv("SYNDATA_BROKER_URL", "redis://worker:hunter2-secret@redis:6379/0")
    monkeypatch.setenv("SYNDATA_MASKING_SECRET", "masking-secret-value-123")
    response = client.get("/settings", headers=auth("admin"))
    assert response.status_code == 200
    body = response.json()
    assert "hunter2-secret" not in response.text
    assert "masking-secret-value-123" not in response.text
    assert body["broker_url"] == "redis://worker:***@redis:6379/0"
    assert body["masking_secret_set"] is True
    assert body["home"] == str(home)
    assert (body["auth"], body["max_upload_mb"], body["rate_limit_per_minute"]) == (
        "on",
        200.0,
        6000,
    )


def test_openapi_describes_every_request_field(client):
    document = client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    requests = (
        "JobRequest",
        "KeyRequest",
        "AliasRequest",
        "FitBody",
        "SampleBody",
        "GenerateParams",
        "FitParams",
        "SampleParams",
        "ProfileParams",
        "MaskParams",
        "EvaluateParams",
    )
    for name in requests:
        properties = schemas[name]["properties"]
        assert properties, name
        missing = [field for field, spec in properties.items() if not spec.get("description")]
        assert missing == [], f"{name}: {missing}"
    assert "name" not in schemas["FitBody"]["properties"]
    assert "model" not in schemas["SampleBody"]["properties"]
    security = document["components"]["securitySchemes"]
    assert {s["type"] for s in security.values()} == {"http", "apiKey"}
    assert "security" not in document["paths"]["/health"]["get"]
    assert "security" not in document["paths"]["/metrics"]["get"]
    assert document["paths"]["/jobs"]["post"]["security"]


def test_every_operation_documents_the_error_shape(client):
    document = client.get("/openapi.json").json()
    for path, operations in document["paths"].items():
        if path in ("/health", "/metrics"):
            continue
        for method, operation in operations.items():
            error = operation["responses"].get("401", {})
            schema = error.get("content", {}).get("application/json", {}).get("schema", {})
            assert schema.get("$ref", "").endswith("/ErrorResponse"), (method, path)


@pytest.fixture
def raising_client(make_client, keys):
    client = make_client()
    app = client.app

    @app.get("/test/privacy")
    def privacy() -> None:
        raise PrivacyError("personal data found", {"email": "EMAIL_ADDRESS", "ssn": "US_SSN"})

    @app.get("/test/bug")
    def bug() -> None:
        raise RuntimeError("a real bug")

    return client


def test_privacy_errors_are_422_listing_the_columns(raising_client, check_error):
    error = check_error(raising_client.get("/test/privacy"), 422, "privacy")
    assert [p["path"] for p in error["problems"]] == ["email", "ssn"]
    assert "EMAIL_ADDRESS" in error["problems"][0]["message"]


def test_real_bugs_are_500_in_the_same_shape_and_logged(raising_client, check_error, caplog):
    caplog.set_level(logging.ERROR, logger="syndata.api")
    error = check_error(raising_client.get("/test/bug"), 500, "internal_error")
    assert "a real bug" not in error["message"]
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.exc_info is not None and "a real bug" in str(record.exc_info[1])


def test_unknown_endpoints_and_methods_use_the_error_shape(client, check_error):
    check_error(client.get("/nowhere"), 404, "not_found")
    check_error(client.put("/health"), 405, "method_not_allowed")


def test_the_api_enums_match_syndata_jobs():
    from typing import get_args

    from app_api import schemas
    from syndata.access import keys
    from syndata.jobs import job, params, results

    assert get_args(schemas.JobType) == params.JOB_TYPES
    assert get_args(schemas.Priority) == job.PRIORITIES
    assert get_args(schemas.Status) == job.STATUSES
    assert get_args(schemas.Role) == keys.ROLES
    assert set(get_args(schemas.ExportFormat)) == set(results.EXPORT_FORMATS)
