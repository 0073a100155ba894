from __future__ import annotations

import json
import logging

from fastapi.testclient import TestClient

from app_api import login_audit
from app_api.main import create_app
from app_api.ratelimit import RateLimiter


def test_no_key_is_401_and_is_audited(client, keys, check_error, audit_log):
    response = client.get("/jobs")
    error = check_error(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"
    assert "Authorization: Bearer" in error["message"]
    [line] = audit_log()
    assert (line["action"], line["outcome"], line["actor"]) == ("login", "failed", "anonymous")
    assert line["details"]["status"] == 401
    assert line["details"]["path"] == "/jobs"
    assert line["details"]["request_id"] == error["request_id"]


def test_a_wrong_key_is_401_and_the_secret_is_never_logged(
    client, keys, check_error, audit_log, home, caplog
):
    wrong = "sk_this-is-not-a-key-0123456789"
    caplog.set_level(logging.INFO, logger="syndata.api")
    for headers in ({"Authorization": f"Bearer {wrong}"}, {"X-API-Key": wrong}):
        error = check_error(client.get("/jobs", headers=headers), 401, "unauthorized")
        assert "unknown or revoked" in error["message"]
    lines = audit_log()  # failed sign-ins: the first of the client's window at once ...
    assert [(line["action"], line["outcome"]) for line in lines] == [("login", "failed")]
    assert lines[0]["details"]["count"] == 1
    assert client.app.state.failed_logins.pending() == 1  # ... the others counted
    login_audit.flush(client.app)  # as the app's shutdown does
    lines = audit_log()
    assert [line["details"]["count"] for line in lines] == [1, 1]
    assert lines[1]["details"]["reasons"] == ["unknown_key"]
    assert wrong not in (home / "audit.log").read_text()
    assert wrong not in caplog.text
    assert any(getattr(r, "event", None) == "auth_failed" for r in caplog.records)


def test_with_no_key_in_the_store_the_401_says_how_to_create_one(client, check_error):
    error = check_error(client.get("/jobs"), 401, "unauthorized")
    assert "syndata keys create --role admin" in error["message"]
    assert "SYNDATA_API_KEY" in error["message"]


def test_keys_are_accepted_as_bearer_or_x_api_key(client, keys):
    assert (
        client.get("/jobs", headers={"Authorization": f"Bearer {keys['viewer']}"}).status_code
        == 200
    )
    assert client.get("/jobs", headers={"X-API-Key": keys["viewer"]}).status_code == 200


def test_a_revoked_key_is_refused(client, keys, auth, key_store, check_error):
    viewer = next(k for k in key_store.list_keys() if k.role == "viewer")
    response = client.delete(f"/keys/{viewer.key_id}", headers=auth("admin"))
    assert response.status_code == 200 and response.json()["revoked"] is True
    check_error(client.get("/jobs", headers=auth("viewer")), 401, "unauthorized")


def test_roles_rank_viewer_operator_admin(client, auth, check_error, config):
    assert client.get("/keys", headers=auth("admin")).status_code == 200
    check_error(client.get("/keys", headers=auth("operator")), 403, "forbidden")
    check_error(client.get("/settings", headers=auth("operator")), 403, "forbidden")
    check_error(
        client.post("/config/validate", json=config, headers=auth("viewer")), 403, "forbidden"
    )
    assert client.post("/config/validate", json=config, headers=auth("operator")).status_code == 200
    assert client.post("/config/validate", json=config, headers=auth("admin")).status_code == 200


def test_health_and_metrics_need_no_key(client, keys):
    assert client.get("/health").status_code == 200
    assert client.get("/metrics").status_code == 200
    assert client.get("/openapi.json").status_code == 200


def test_bootstrap_key_from_the_environment(make_client, key_store, check_error):
    secret = "bootstrap-secret-0123456789abcdef"
    client = make_client(SYNDATA_API_KEY=secret)
    [key] = key_store.list_keys()
    assert key.role == "admin"
    assert client.get("/keys", headers={"X-API-Key": secret}).status_code == 200
    make_client(SYNDATA_API_KEY=secret)  # a restart does not create it twice
    assert len(key_store.list_keys()) == 1


def test_auth_off_logs_a_warning_and_acts_as_admin(make_client, caplog):
    caplog.set_level(logging.WARNING, logger="syndata.api")
    client = make_client(SYNDATA_AUTH="off")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("authentication is OFF" in r.getMessage() for r in warnings)
    assert client.get("/settings").json()["auth"] == "off"
    assert client.post("/keys", json={"role": "viewer"}).status_code == 201


def test_auth_stays_on_unless_turned_off_explicitly(make_client, check_error):
    client = make_client(SYNDATA_AUTH="no")
    check_error(client.get("/settings"), 401, "unauthorized")


def test_rate_limit_per_key_gives_429_with_retry_after(make_client, keys, check_error):
    client = make_client(SYNDATA_RATE_LIMIT="3")
    viewer = {"X-API-Key": keys["viewer"]}
    assert [client.get("/jobs", headers=viewer).status_code for _ in range(3)] == [200] * 3
    response = client.get("/jobs", headers=viewer)
    error = check_error(response, 429, "rate_limited")
    assert "SYNDATA_RATE_LIMIT" in error["message"]
    assert int(response.headers["retry-after"]) >= 1
    # another key has its own bucket
    assert client.get("/jobs", headers={"X-API-Key": keys["admin"]}).status_code == 200


def test_refused_attempts_are_rate_limited_too(make_client, keys, check_error):
    client = make_client(SYNDATA_RATE_LIMIT="2")
    statuses = [
        client.get("/jobs", headers={"X-API-Key": f"guess-{i:020d}"}).status_code for i in range(3)
    ]
    assert statuses == [401, 401, 429]


def test_token_bucket_refills_over_time():
    now = [0.0]
    limiter = RateLimiter(60, clock=lambda: now[0])  # one token a second
    assert all(limiter.take("k") == 0.0 for _ in range(60))
    wait = limiter.take("k")
    assert 0.9 < wait <= 1.0
    now[0] += 1.0
    assert limiter.take("k") == 0.0
    assert limiter.take("k") > 0


def test_request_ids_are_echoed_or_generated(client, keys):
    given = client.get("/health", headers={"X-Request-ID": "trace-abc.1"})
    assert given.headers["x-request-id"] == "trace-abc.1"
    generated = client.get("/health")
    assert len(generated.headers["x-request-id"]) == 32
    unsafe = client.get("/health", headers={"X-Request-ID": "bad id\twith spaces"})
    assert unsafe.headers["x-request-id"] != "bad id\twith spaces"


def test_log_lines_are_json_with_the_request_id(client, keys, capfd):
    client.get("/health", headers={"X-Request-ID": "log-check-1"})
    lines = [
        json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")
    ]
    access = [line for line in lines if line.get("event") == "request"]
    assert access[-1]["request_id"] == "log-check-1"
    assert (access[-1]["logger"], access[-1]["path"], access[-1]["status"]) == (
        "syndata.api",
        "/health",
        200,
    )


def test_keys_endpoints(client, auth, store, check_error, audit_log):
    created = client.post("/keys", json={"role": "operator", "name": "ci"}, headers=auth("admin"))
    assert created.status_code == 201
    body = created.json()
    secret, key_id = body["secret"], body["key"]["key_id"]
    assert body["key"]["role"] == "operator" and body["key"]["name"] == "ci"
    listed = client.get("/keys", headers=auth("admin"))
    assert key_id in [k["key_id"] for k in listed.json()["keys"]]
    assert secret not in listed.text
    assert client.get("/jobs", headers={"X-API-Key": secret}).status_code == 200
    check_error(
        client.post("/keys", json={"role": "root"}, headers=auth("admin")), 422, "validation_error"
    )
    check_error(client.delete("/keys/key_unknown", headers=auth("admin")), 404, "not_found")
    assert [line["action"] for line in audit_log()] == ["key_created"]
    assert secret not in json.dumps(audit_log())


def test_the_app_does_not_touch_the_store_before_start(home):
    app = create_app()
    assert app.state.store is None
    assert not (home / "jobs.db").exists()
    with TestClient(app) as client:
        assert client.get("/health").json()["store"] == "ok"
    assert (home / "jobs.db").exists()
