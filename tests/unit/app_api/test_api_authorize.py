"""Authorise before reading: the role rule, and the ASGI proof that no body is received."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from app_api.authorize import route_roles

BIG = 150 * (1 << 20)


def _roles(app: Any) -> dict[tuple[str, str], str | None]:
    return {
        (method, route.path): role
        for route, role in route_roles(app)
        for method in getattr(route, "methods", None) or ()
    }


def test_each_route_s_role_is_read_from_its_dependencies(client):
    roles = _roles(client.app)
    assert roles[("GET", "/jobs")] == "viewer"
    assert roles[("POST", "/jobs")] == "operator"
    assert roles[("DELETE", "/jobs/{job_id}")] == "operator"
    assert roles[("POST", "/datasets")] == "operator"
    assert roles[("POST", "/config/validate")] == "operator"
    assert roles[("POST", "/keys")] == "admin"
    assert roles[("GET", "/settings")] == "admin"
    assert roles[("GET", "/health")] is None
    assert roles[("GET", "/metrics")] is None
    public = {path for (_, path), role in roles.items() if role is None}
    docs = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
    assert public - docs == {"/health", "/metrics"}  # every other endpoint needs a key


def _call(
    app: Any, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, dict[str, Any], dict[str, str], int]:
    """Call the ASGI app directly; return status, JSON body, headers, receive() calls."""
    received = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal received
        received += 1
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": raw,
        "client": ("127.0.0.1", 5555),
        "server": ("127.0.0.1", 80),
    }
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    payload = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    response_headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    return start["status"], json.loads(payload or b"null"), response_headers, received


def test_an_upload_without_a_key_is_refused_without_receiving_its_body(client, keys, audit_log):
    upload = {"content-type": "multipart/form-data; boundary=x", "content-length": str(BIG)}
    status, body, headers, received = _call(client.app, "POST", "/datasets", upload)
    assert (status, body["error"]["code"]) == (401, "unauthorized")
    assert received == 0  # the app never asked for a byte of the body
    assert headers["connection"] == "close"
    assert headers["www-authenticate"] == "Bearer"
    assert body["error"]["request_id"] == headers["x-request-id"]
    [line] = audit_log()
    assert (line["action"], line["outcome"], line["details"]["status"]) == ("login", "failed", 401)


def test_unknown_revoked_and_too_low_keys_are_refused_before_the_body(client, keys, key_store):
    upload = {"content-type": "multipart/form-data; boundary=x", "content-length": str(BIG)}
    for secret, status, code in (
        ("sk_unknown-key-0123456789abcdef", 401, "unauthorized"),
        (keys["viewer"], 403, "forbidden"),
    ):
        got, body, _, received = _call(
            client.app, "POST", "/datasets", {**upload, "x-api-key": secret}
        )
        assert (got, body["error"]["code"], received) == (status, code, 0)
        if status == 403:
            assert "operator role" in body["error"]["message"]
    viewer = next(k for k in key_store.list_keys() if k.role == "viewer")
    key_store.revoke_key(viewer.key_id)
    got, body, _, received = _call(
        client.app, "GET", "/jobs", {"authorization": f"Bearer {keys['viewer']}"}
    )
    assert (got, received) == (401, 0)
    assert "unknown or revoked" in body["error"]["message"]


def test_a_key_with_the_role_goes_on_to_the_endpoint(client, keys):
    status, body, _, received = _call(
        client.app,
        "POST",
        "/config/validate",
        {"content-type": "application/json", "x-api-key": keys["operator"]},
        b"{}",
    )
    assert received >= 1 and status in (200, 400, 422)
    assert "error" not in body or body["error"]["code"] not in ("unauthorized", "forbidden")


def test_unknown_paths_and_methods_keep_their_404_and_405(client, check_error):
    check_error(client.get("/no/such/endpoint"), 404, "not_found")
    check_error(client.put("/jobs"), 405, "method_not_allowed")
    assert client.get("/health").status_code == 200


def test_one_rate_limit_token_and_one_audit_line_per_request(
    make_client, keys, audit_log, check_error
):
    client = make_client(SYNDATA_RATE_LIMIT="3")
    viewer = {"X-API-Key": keys["viewer"]}
    assert [client.get("/jobs", headers=viewer).status_code for _ in range(3)] == [200] * 3
    check_error(client.get("/jobs", headers=viewer), 429, "rate_limited")
    check_error(
        client.post(
            "/datasets",
            headers={"X-API-Key": keys["admin"].upper()},
            files={"file": ("a.csv", b"a\n1\n")},
        ),
        401,
        "unauthorized",
    )
    assert len(audit_log()) == 1
