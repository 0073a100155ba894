"""Fixtures for the REST service: a data folder per test, a job store, keys, clients.

No worker runs here: submitted jobs stay queued unless a test moves them on through the
store (claim / complete), as a worker would.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app_api.main import create_app
from syndata.access.keys import KeyStore
from syndata.jobs.job import Job
from syndata.jobs.store import JobStore
from syndata.settings import jobs_dir

ENV_VARS = (
    "SYNDATA_AUTH",
    "SYNDATA_API_KEY",
    "SYNDATA_RATE_LIMIT",
    "SYNDATA_MAX_UPLOAD_MB",
    "SYNDATA_JOBS_URL",
    "SYNDATA_BROKER_URL",
    "SYNDATA_AUDIT_LOG",
    "SYNDATA_AUDIT_KEY",
    "MLFLOW_TRACKING_URI",
    "MLFLOW_REGISTRY_URI",
    "SYNDATA_LOG_LEVEL",
)

SETUP = "test setup"  # the ``via`` of keys made by fixtures: their audit lines are not read

CONFIG: dict[str, Any] = {
    "tables": [
        {
            "table_name": "people",
            "columns": [
                {"name": "id", "type": "int", "constraints": ["PK"]},
                {"name": "age", "type": "int", "rule": {"type": "range", "min": 18, "max": 90}},
            ],
        }
    ],
    "rows": 20,
    "output_format": "csv",
}

# three problems at three paths
BAD_CONFIG: dict[str, Any] = {
    "tables": [
        {
            "table_name": "people",
            "columns": [
                {"name": "id", "type": "intx"},
                {"name": "age", "type": "int", "rule": {"type": "range", "min": 90, "max": 18}},
            ],
        }
    ],
    "rows": -5,
}


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh SYNDATA_HOME, and none of the service's variables set."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "home"
    monkeypatch.setenv("SYNDATA_HOME", str(folder))
    monkeypatch.setenv("SYNDATA_ACTOR", "tester")
    return folder


@pytest.fixture
def store(home: Path) -> Iterator[JobStore]:
    """The job store of the test's data folder."""
    opened = JobStore()
    yield opened
    opened.dispose()


@pytest.fixture
def key_store(store: JobStore) -> KeyStore:
    """The API keys of the job store's database."""
    return KeyStore(database=store.database)


@pytest.fixture
def keys(key_store: KeyStore) -> dict[str, str]:
    """A secret per role."""
    return {
        role: key_store.create_key(role, name=f"{role} key", via=SETUP)[1]
        for role in ("viewer", "operator", "admin")
    }


@pytest.fixture
def make_client(store: JobStore, key_store: KeyStore) -> Iterator[Callable[..., TestClient]]:
    """Start the app on the test's store (after setting the environment) and return a client."""
    opened: list[TestClient] = []

    def make(**env: str) -> TestClient:
        with pytest.MonkeyPatch.context() as mp:
            for name, value in env.items():
                mp.setenv(name, value)
            client = TestClient(create_app(store, key_store=key_store))
            client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    """A client of the app with authentication on."""
    return make_client()


def bearer(secret: str) -> dict[str, str]:
    """The header sending ``secret`` as a bearer token."""
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def auth(keys: dict[str, str]) -> Callable[[str], dict[str, str]]:
    """Headers for a role: ``auth("operator")``."""
    return lambda role: bearer(keys[role])


def audit_lines(home: Path) -> list[dict[str, Any]]:
    """The audit log's lines, but for those of the keys fixtures made (``via=SETUP``)."""
    path = home / "audit.log"
    if not path.exists():
        return []
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [line for line in lines if (line.get("details") or {}).get("via") != SETUP]


@pytest.fixture
def audit_log(home: Path) -> Callable[[], list[dict[str, Any]]]:
    """Read the audit log of the test's data folder."""
    return lambda: audit_lines(home)


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """Check the one error shape and return the error."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "code", "message", "problems", "request_id"}
    assert (error["status"], error["code"]) == (status, code)
    assert error["message"]
    assert error["request_id"] == response.headers["x-request-id"]
    for problem in error["problems"]:
        assert set(problem) == {"path", "message", "fix"}
    return dict(error)


@pytest.fixture
def check_error() -> Callable[..., dict[str, Any]]:
    """``assert_error`` as a fixture (test modules do not import from conftest)."""
    return assert_error


@pytest.fixture
def complete_job(store: JobStore) -> Callable[[str], Job]:
    """Run a queued job as a worker would, writing a small CSV output ``people``."""

    def complete(job_id: str) -> Job:
        job = store.claim("test-worker", job_id=job_id)
        assert job is not None and job.status == "running"
        workdir = jobs_dir() / job_id
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "people.csv").write_text("id,age\n1,30\n2,41\n3,57\n", encoding="utf-8")
        result = {
            "outputs": [{"table": "people", "path": "people.csv", "rows": 3, "format": "csv"}],
            "rows": 3,
            "seed": job.seed,
        }
        assert store.complete(job, result, rows=3)
        return store.get(job_id)

    return complete


@pytest.fixture
def config() -> dict[str, Any]:
    """A valid rule config (one table, 20 rows)."""
    return json.loads(json.dumps(CONFIG))


@pytest.fixture
def bad_config() -> dict[str, Any]:
    """A rule config with three problems."""
    return json.loads(json.dumps(BAD_CONFIG))
