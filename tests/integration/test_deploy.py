"""Deployment: compose.yaml validated by docker-compose and checked for the topology it
promises; that topology run as plain processes (the compose MLflow command on PostgreSQL,
the API, a Celery worker on Redis, the PostgreSQL job store) and driven over HTTP; the
generated config reference is up to date."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose.yaml"
SERVICES = {"api", "worker", "ui", "mlflow", "postgres", "redis"}
SYNDATA_IMAGE_SERVICES = ("api", "worker", "ui", "mlflow")
ADMIN = "sk_deploy_admin_" + "d" * 24
# what the user must export before `docker compose up` (compose.yaml's `${VAR:?...}`)
REQUIRED = {"SYNDATA_API_KEY": ADMIN, "POSTGRES_PASSWORD": "deploy-test-password"}
REDIS_DB = 13


# --------------------------------------------------------------------------- compose file


def _docker_compose() -> str:
    found = shutil.which("docker-compose")
    if found is None:
        pytest.fail(
            "docker-compose is not installed, so compose.yaml cannot be validated; "
            "install it with `apt-get install -y docker-compose` (Debian's v1.29 "
            "validates offline, no engine needed)"
        )
    return found


def _compose_config(env_vars: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    env_file = tmp_path / "empty.env"  # a .env next to compose.yaml must not leak in
    env_file.write_text("")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SYNDATA_", "POSTGRES_", "MLFLOW_"))
    }
    return subprocess.run(
        [_docker_compose(), "--env-file", str(env_file), "-f", str(COMPOSE), "config", "-q"],
        env={**env, **env_vars},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_docker_compose_validates_the_file(tmp_path: Path) -> None:
    done = _compose_config(REQUIRED, tmp_path)
    assert done.returncode == 0, done.stderr
    for missing in REQUIRED:
        rest = {k: v for k, v in REQUIRED.items() if k != missing}
        refused = _compose_config(rest, tmp_path)
        assert refused.returncode != 0 and missing in refused.stderr, refused.stderr


_VAR = re.compile(r"\$\$|\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


def _interpolate(value: Any, env: dict[str, str]) -> Any:
    """Compose's `${VAR}`, `${VAR:-default}`, `${VAR:?error}` and `$$` over parsed YAML."""
    if isinstance(value, dict):
        return {k: _interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [_interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def sub(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.groups()
        found = env.get(name)
        unset = found is None or (found == "" and op is not None and op.startswith(":"))
        if unset and op is not None and op.endswith("?"):
            raise KeyError(f"{name}: {arg}")
        if unset and op is not None:
            return arg
        return found or ""

    return _VAR.sub(sub, value)


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())  # YAML merge keys (<<) resolved


@pytest.fixture(scope="module")
def compose(raw: dict[str, Any]) -> dict[str, Any]:
    """The file as `docker compose` sees it with only the required variables set."""
    return _interpolate(raw, dict(REQUIRED))


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


def _command(service: dict[str, Any]) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else str(command)


def test_the_six_services_with_health_checks_and_volumes(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == SERVICES
    for name, service in services.items():
        test = (service.get("healthcheck") or {}).get("test")
        assert test and not service["healthcheck"].get("disable"), f"{name} has no health check"
    assert "pg_isready" in str(services["postgres"]["healthcheck"]["test"])
    assert "redis-cli" in str(services["redis"]["healthcheck"]["test"])
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    # one image, built from the Dockerfile, for api, worker, ui and mlflow
    images = {services[s]["image"] for s in SYNDATA_IMAGE_SERVICES}
    assert len(images) == 1
    for name in SYNDATA_IMAGE_SERVICES:
        assert services[name]["build"]["dockerfile"] == "Dockerfile", name
    # named volumes: declared, and every one a service mounts is declared
    declared = set(compose["volumes"])
    assert {"pgdata", "syndata-data", "mlflow-artifacts"} <= declared
    for name, service in services.items():
        for mount in service.get("volumes", []):
            source = mount.split(":", 1)[0]
            assert source in declared, f"{name} mounts undeclared volume {source}"
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert any(m.startswith("mlflow-artifacts:") for m in services["mlflow"]["volumes"])


def test_workers_scale_and_share_everything_with_the_api(compose: dict[str, Any]) -> None:
    services = compose["services"]
    worker, api = services["worker"], services["api"]
    assert "container_name" not in worker and "ports" not in worker  # --scale worker=N
    assert _command(worker).startswith("syndata worker")
    assert _command(api).startswith("syndata serve") and "--workers 0" in _command(api)
    assert any(p.endswith(":8000") for p in api["ports"])
    for name in ("api", "worker"):
        env = _env(services[name])
        assert f"syndata-data:{env['SYNDATA_HOME']}" in services[name]["volumes"], name
        assert re.match(r"postgresql://[^@]+@postgres:5432/", env["SYNDATA_JOBS_URL"]), name
        assert env["SYNDATA_BROKER_URL"].startswith("redis://redis:6379/"), name
        assert env["MLFLOW_TRACKING_URI"] == "http://mlflow:5000", name
        healthy = {
            s
            for s, d in services[name]["depends_on"].items()
            if d["condition"] == "service_healthy"
        }
        assert {"postgres", "redis", "mlflow"} <= healthy, name
    assert _env(api)["SYNDATA_API_KEY"] == ADMIN
    ui = services["ui"]
    assert "streamlit run app_ui/app.py" in _command(ui) and "--server.port 8001" in _command(ui)
    assert any(p.endswith(":8001") for p in ui["ports"])
    assert _env(ui)["SYNDATA_API_URL"] == "http://api:8000" and _env(ui)["SYNDATA_API_KEY"]
    mlflow = services["mlflow"]
    assert "mlflow server" in _command(mlflow) and "--port 5000" in _command(mlflow)
    assert any(p.endswith(":5000") for p in mlflow["ports"])
    assert "@postgres:5432/" in _env(mlflow)["MLFLOW_BACKEND_STORE_URI"]


def test_every_setting_comes_from_the_environment(raw: dict[str, Any]) -> None:
    """Every variable of the one Settings model is set for the API, from `${...}`.

    Not the client's (SYNDATA_API_URL), the UI's link (MLFLOW_UI_URL) or the name local
    commands audit as (SYNDATA_ACTOR): the service never reads them.
    """
    from syndata.settings import Settings

    fields = Settings.model_fields.values()
    read = {str(f.validation_alias) for f in fields} - {
        "SYNDATA_API_URL",
        "MLFLOW_UI_URL",
        "SYNDATA_ACTOR",
    }
    api_env = raw["services"]["api"]["environment"]
    assert read <= set(api_env), f"not set in compose.yaml: {read - set(api_env)}"
    fixed = {"SYNDATA_HOME", "MLFLOW_DISABLE_TELEMETRY"}  # where the volume is mounted
    for name, value in api_env.items():
        if name not in fixed:
            assert "${" in str(value), f"{name} is hard-coded: {value!r}"
    assert "${SYNDATA_API_KEY:?" in api_env["SYNDATA_API_KEY"]  # required, no default key


def test_the_dockerfile() -> None:
    """Slim Python 3.11, no torch, a non-root user, /data as a volume, health on /health."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [
        line.strip()
        for line in re.sub(r"\\\n", " ", text).splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert "ARG PYTHON_IMAGE=python:3.11-slim" in lines
    assert [line for line in lines if line.startswith("FROM")][-1] == "FROM ${PYTHON_IMAGE}"
    assert "sdv" not in " ".join(lines) and "torch" not in " ".join(lines)
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert any(line.startswith("ENV") and "SYNDATA_HOME=/data" in line for line in lines)
    assert 'VOLUME ["/data"]' in lines
    assert any(line.startswith("HEALTHCHECK") and "/health" in line for line in lines)
    assert lines[-1] == (
        'CMD ["syndata", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "0"]'
    )
    # what the COPY lines take from the build context exists and is not .dockerignored
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for line in lines:
        if line.startswith("COPY") and "--from=" not in line:
            for source in [w for w in line.split()[1:-1] if not w.startswith("--")]:
                assert (ROOT / source).exists(), source
                assert source not in ignored, source


# --------------------------------------------------------------------------- as processes


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Processes:
    """Processes in their own process groups, logging to files; stopped in reverse order."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        with open(self.logs / f"{name}.log", "w") as log:  # a file, not a pipe nobody reads
            proc = subprocess.Popen(
                args,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.logs,
                start_new_session=True,
            )
        self.procs.append((name, proc))
        return proc

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]

    def wait_http(self, name: str, url: str, timeout: float = 60) -> None:
        proc = dict(self.procs)[name]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise AssertionError(f"{name} exited ({proc.returncode}): {self.log(name)}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url, timeout=2).status_code == 200:
                    return
            time.sleep(0.25)
        raise AssertionError(f"{name} did not answer {url} within {timeout} s: {self.log(name)}")

    def stop(self) -> None:
        for _, proc in reversed(self.procs):
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for _, proc in reversed(self.procs):
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
            with contextlib.suppress(ProcessLookupError):  # children left in the group
                os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture
def redis_db() -> Iterator[str]:
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    try:
        client.flushdb()
    except redis.ConnectionError as exc:
        pytest.fail(
            f"Redis on 127.0.0.1:6379 is not reachable ({exc}); start it with "
            "`redis-server --daemonize yes --bind 127.0.0.1 --port 6379`"
        )
    yield f"redis://127.0.0.1:6379/{REDIS_DB}"
    client.flushdb()
    client.close()


@pytest.fixture
def mlflow_db(pg_url: str) -> Iterator[str]:
    """URL of a PostgreSQL database for MLflow that does not exist yet (compose's MLflow
    command creates it); dropped after the test."""
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(pg_url)
    name = f"mlflow_t_{uuid.uuid4().hex[:12]}"
    yield f"postgresql+psycopg://{base.username}@{base.host}:{base.port or 5432}/{name}"
    with psycopg.connect(
        host=base.host,
        port=base.port or 5432,
        user=base.username,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _local(command: list[str], swaps: dict[str, str]) -> list[str]:
    """A compose command run here: `syndata` as this interpreter's module, values swapped."""
    out = [swaps.get(arg, arg) for arg in command]
    return [sys.executable, "-m", "syndata", *out[1:]] if out[0] == "syndata" else out


def _wait_job(http: httpx.Client, job_id: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = http.get(f"/jobs/{job_id}").json()
        if job["status"] in ("completed", "failed", "cancelled"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"{job_id} not finished after {timeout} s")


@pytest.mark.postgres
def test_the_compose_topology_as_processes(
    compose: dict[str, Any], tmp_path: Path, pg_url: str, mlflow_db: str, redis_db: str
) -> None:
    services = compose["services"]
    bin_dir = str(Path(sys.executable).parent)
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SYNDATA_", "MLFLOW_", "POSTGRES_"))
    }
    base["PATH"] = f"{bin_dir}:{base.get('PATH', '')}"
    home, artifacts = tmp_path / "data", tmp_path / "mlartifacts"
    mlflow_port, api_port = _port(), _port()
    mlflow_url = f"http://127.0.0.1:{mlflow_port}"
    procs = Processes(tmp_path)
    try:
        # MLflow: compose's own command and settings, on this machine's PostgreSQL
        script = services["mlflow"]["command"][2]
        script = (
            script.replace("--host 0.0.0.0", "--host 127.0.0.1")
            .replace("--port 5000", f"--port {mlflow_port}")
            .replace("/data/mlartifacts", str(artifacts))
        )
        mlflow_env = {
            **base,
            **_env(services["mlflow"]),
            "MLFLOW_BACKEND_STORE_URI": mlflow_db,
            "MLFLOW_WORKERS": "1",
        }
        procs.start("mlflow", ["sh", "-c", script], mlflow_env)
        # the API and the worker: compose's commands and settings, endpoints swapped
        swaps = {
            "SYNDATA_HOME": str(home),
            "SYNDATA_JOBS_URL": pg_url,
            "SYNDATA_BROKER_URL": redis_db,
            "MLFLOW_TRACKING_URI": mlflow_url,
            "SYNDATA_AUDIT_LOG": str(home / "audit.log"),
        }
        api_env = {**base, **_env(services["api"]), **swaps}
        worker_env = {**base, **_env(services["worker"]), **swaps}
        procs.start(
            "api",
            _local(services["api"]["command"], {"0.0.0.0": "127.0.0.1", "8000": str(api_port)}),
            api_env,
        )
        procs.wait_http("api", f"http://127.0.0.1:{api_port}/health")
        procs.start("worker", _local(services["worker"]["command"], {}), worker_env)
        procs.wait_http("mlflow", f"{mlflow_url}/health", timeout=60)
        # the API and workers reach MLflow as http://mlflow:5000: that Host is let in
        search = f"{mlflow_url}/api/2.0/mlflow/experiments/search?max_results=1"
        assert httpx.get(search, headers={"Host": "mlflow:5000"}).status_code == 200
        assert httpx.get(search, headers={"Host": "evil.example"}).status_code == 403

        http = httpx.Client(
            base_url=f"http://127.0.0.1:{api_port}",
            timeout=60,
            headers={"Authorization": f"Bearer {ADMIN}"},
        )
        with open(ROOT / "examples" / "data" / "penguins.csv", "rb") as handle:
            upload = http.post("/datasets", files={"file": ("penguins.csv", handle, "text/csv")})
        assert upload.status_code == 201, upload.text
        fit = http.post(
            "/models/penguins/fit",
            json={"dataset": upload.json()["dataset_id"], "pii": "regenerate", "attacks": False},
        )
        assert fit.status_code == 202, fit.text
        fitted = _wait_job(http, fit.json()["job_id"])
        assert fitted["status"] == "completed", (fitted["error"], procs.log("worker"))
        sample = http.post("/models/penguins/sample", json={"rows": 2000, "seed": 1})
        assert sample.status_code == 202, sample.text
        sampled = _wait_job(http, sample.json()["job_id"])
        assert sampled["status"] == "completed", (sampled["error"], procs.log("worker"))
        csv = http.get(
            f"/jobs/{sampled['job_id']}/result", params={"table": "penguins", "format": "csv"}
        )
        assert csv.status_code == 200, csv.text
        frame = pd.read_csv(io.BytesIO(csv.content))
        real = pd.read_csv(ROOT / "examples" / "data" / "penguins.csv")
        assert len(frame) == 2000 and list(frame.columns) == list(real.columns)
        for job in (fitted, sampled):
            assert job["worker"].startswith("celery@"), job["worker"]

        # the model is registered in the MLflow server, its files went through the server
        import mlflow

        client = mlflow.MlflowClient(tracking_uri=mlflow_url, registry_uri=mlflow_url)
        assert client.get_registered_model("penguins").name == "penguins"
        versions = client.search_model_versions("name = 'penguins'")
        assert [v.version for v in versions] == ["1"]
        assert any(p.is_file() for p in artifacts.rglob("*"))
        assert not (home / "mlflow.db").exists() and not (home / "jobs.db").exists()

        # the jobs live in PostgreSQL
        import sqlalchemy as sa

        from syndata.io.sqlschema import parse_db_url

        engine = sa.create_engine(parse_db_url(pg_url))
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT job_id, job_type, status, worker FROM jobs ORDER BY created_at")
            ).all()
        engine.dispose()
        assert [(r.job_id, r.job_type, r.status) for r in rows] == [
            (fitted["job_id"], "fit", "completed"),
            (sampled["job_id"], "sample", "completed"),
        ]
        assert all(r.worker.startswith("celery@") for r in rows)

        # and the API's metrics, read from that store, count them
        metrics = httpx.get(f"http://127.0.0.1:{api_port}/metrics").text
        assert re.search(r'^syndata_jobs_total\{status="completed"\} 2\.0$', metrics, re.M)
        assert re.search(r"^syndata_rows_generated_total 2000\.0$", metrics, re.M)
        assert re.search(r"^syndata_queue_depth 0\.0$", metrics, re.M)
    finally:
        procs.stop()
    for name, proc in procs.procs:
        assert proc.poll() is not None, f"{name} still runs"


# --------------------------------------------------------------------------- config reference


def _config_reference_module() -> Any:
    path = ROOT / "scripts" / "config_reference.py"
    spec = importlib.util.spec_from_file_location("config_reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_config_reference_is_up_to_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    committed = ROOT / "docs" / "config-reference.md"
    text = committed.read_text(encoding="utf-8")
    reference = _config_reference_module()
    assert reference.render() == text, (
        "docs/config-reference.md is out of date: run `python scripts/config_reference.py`"
    )
    for field in (
        "tables",
        "table_name",
        "columns",
        "rule",
        "foreign_keys",
        "parent_table",
        "output_format",
        "conditional_rules",
        "null_share",
        "constraints",
    ):
        assert f"`{field}`" in text, field
    for rule in (
        "range",
        "choice",
        "regex",
        "email",
        "sequence",
        "uuid",
        "date_range",
        "constant",
        "custom",
    ):
        assert f"`{rule}`" in text, rule
    # the command, as CI runs it
    script = [sys.executable, str(ROOT / "scripts" / "config_reference.py"), "--check"]
    ok = subprocess.run(script, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    # a stale file fails the check and is left alone; without --check it is rewritten
    stale = tmp_path / "stale.md"
    stale.write_text(text.replace("`table_name`", "`tablename`"), encoding="utf-8")
    assert reference.main(["--check", "--output", str(stale)]) == 1
    assert "out of date" in capsys.readouterr().err
    assert "`tablename`" in stale.read_text(encoding="utf-8")
    assert reference.main(["--output", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == text
