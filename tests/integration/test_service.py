"""The service as users run it: `syndata serve` on 127.0.0.1, driven over HTTP and by the
CLI with SYNDATA_API_URL; 200 jobs from 20 concurrent clients; a restart; PostgreSQL."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pandas as pd
import pytest
from serve_process import ADMIN, ROOT, Server, cli, free_port, service_env, wait_job


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    return service_env(tmp_path, monkeypatch)


@pytest.fixture
def server(env: dict[str, str]) -> Iterator[Server]:
    srv = Server(env).start()
    yield srv
    srv.stop()


def test_upload_fit_sample_download_with_keys_and_roles(server: Server, env) -> None:
    operator = cli("keys", "create", "--role", "operator", env=env).stdout.strip()
    viewer = cli("keys", "create", "--role", "viewer", env=env).stdout.strip()
    http = server.client(operator)
    with open(ROOT / "examples" / "data" / "penguins.csv", "rb") as handle:
        upload = http.post("/datasets", files={"file": ("penguins.csv", handle, "text/csv")})
    assert upload.status_code == 201, upload.text
    dataset = upload.json()["dataset_id"]
    fit = http.post(
        "/models/penguins/fit", json={"dataset": dataset, "pii": "regenerate", "attacks": False}
    )
    assert fit.status_code == 202, fit.text
    fitted = wait_job(http, fit.json()["job_id"])
    assert fitted["status"] == "completed", fitted["error"]
    assert fitted["result"]["quality"] > 0.6
    model = http.get("/models/penguins").json()
    assert model["name"] == "penguins" and len(model["versions"]) == 1
    quality = model["versions"][0]["artifacts"]["quality"]
    assert fitted["result"]["consistency"] == quality["consistency"] > 0.9
    assert {"description", "real_violation_share", "synthetic_violation_share"} <= set(
        quality["constraints"][0]
    )
    sample = http.post("/models/penguins/sample", json={"rows": 500, "seed": 3})
    done = wait_job(http, sample.json()["job_id"])
    assert done["status"] == "completed" and done["rows"] == 500
    csv = http.get(f"/jobs/{done['job_id']}/result", params={"table": "penguins", "format": "csv"})
    assert csv.status_code == 200
    frame = pd.read_csv(io.BytesIO(csv.content))
    real = pd.read_csv(ROOT / "examples" / "data" / "penguins.csv")
    assert len(frame) == 500 and list(frame.columns) == list(real.columns)
    bundle = zipfile.ZipFile(io.BytesIO(http.get(f"/jobs/{done['job_id']}/result").content))
    assert any(name.startswith("penguins") for name in bundle.namelist())
    # a viewer reads but cannot run jobs; a wrong key gets nothing
    reader = server.client(viewer)
    assert reader.get(f"/jobs/{done['job_id']}").status_code == 200
    denied = reader.post("/models/penguins/sample", json={"rows": 5})
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"
    assert server.client("sk_wrong_" + "b" * 30).get("/jobs").status_code == 401
    audit = (Path(env["SYNDATA_HOME"]) / "audit.log").read_text()
    assert '"download"' in audit and '"login"' in audit


def test_200_jobs_from_20_clients_each_finish_exactly_once(env: dict[str, str]) -> None:
    # the 200 jobs are queued at once under one key: lift the per-key and per-project caps
    env = {
        **env,
        "SYNDATA_MAX_ACTIVE_JOBS_PER_KEY": "200",
        "SYNDATA_MAX_ACTIVE_JOBS_PER_PROJECT": "200",
    }
    server = Server(env).start()
    try:
        _run_200_jobs(server)
    finally:
        server.stop()


def _run_200_jobs(server: Server) -> None:
    def config(i: int) -> dict:
        return {
            "tables": [
                {
                    "table_name": "t",
                    "columns": [
                        {"name": "id", "type": "int", "rule": {"type": "sequence", "start": 1}}
                    ],
                }
            ],
            "rows": 10 + i,
        }

    def submit(i: int) -> str:
        with server.client() as http:
            response = http.post(
                "/jobs",
                json={
                    "job_type": "generate",
                    "config": config(i),
                    "priority": ("low", "normal", "high")[i % 3],
                },
            )
        assert response.status_code == 202, response.text
        return str(response.json()["job_id"])

    with ThreadPoolExecutor(20) as pool:
        ids = list(pool.map(submit, range(200)))
    assert len(set(ids)) == 200
    http = server.client()
    finished = [wait_job(http, job_id, timeout=600) for job_id in ids]
    assert [j["status"] for j in finished] == ["completed"] * 200
    assert [j["rows"] for j in finished] == [10 + i for i in range(200)]
    assert all(j["attempts"] == 1 for j in finished)
    listed = http.get("/jobs", params={"status_filter": "completed", "page_size": 500}).json()
    assert listed["total"] == 200
    stats = http.get("/stats").json()
    assert stats["jobs"]["completed"] == 200 and stats["queue_depth"] == 0
    metrics = httpx.get(f"{server.url}/metrics").text
    assert 'syndata_jobs_total{status="completed"} 200.0' in metrics
    assert f"syndata_rows_generated_total {float(sum(10 + i for i in range(200)))}" in metrics


def test_the_cli_against_the_service(server: Server, env, tmp_path: Path) -> None:
    remote = {
        **env,
        "SYNDATA_API_URL": server.url,
        "SYNDATA_API_KEY": ADMIN,
        "SYNDATA_HOME": str(tmp_path / "elsewhere"),
    }  # nothing local is used
    out = tmp_path / "out"
    run = cli(
        "generate",
        "--config",
        str(ROOT / "examples" / "customer_config.json"),
        "--rows",
        "50",
        "--wait",
        "--output-dir",
        str(out),
        env=remote,
    )
    assert run.returncode == 0, run.stderr
    job_id = run.stderr.split("submitted ")[1].split()[0]
    assert len(pd.read_csv(out / "customers.csv")) == 50
    listed = json.loads(cli("status", "--all", "--json", env=remote).stdout)
    assert job_id in [j["job_id"] for j in listed["jobs"]]
    one = json.loads(cli("status", job_id, "--monitor", "--json", env=remote).stdout)
    assert one["status"] == "completed" and one["rows"] == 50
    logs = cli("logs", job_id, "--lines", "200", env=remote)
    assert "job completed" in logs.stdout
    late = cli("cancel", job_id, env=remote)
    assert late.returncode == 10 and "HTTP 409" in late.stderr
    bad = cli(
        "generate",
        "--config",
        str(ROOT / "examples" / "customer_config.json"),
        "--rows",
        "-5",
        env=remote,
    )
    assert bad.returncode != 0
    nokey = cli("status", "--all", env={**remote, "SYNDATA_API_KEY": ""})
    assert nokey.returncode == 10 and "HTTP 401" in nokey.stderr
    assert not (tmp_path / "elsewhere" / "jobs.db").exists()


def test_jobs_and_logs_survive_a_restart(env) -> None:
    first = Server(env).start()
    try:
        http = first.client()
        job = http.post(
            "/jobs",
            json={
                "job_type": "generate",
                "config": {
                    "tables": [
                        {
                            "table_name": "t",
                            "columns": [
                                {
                                    "name": "id",
                                    "type": "int",
                                    "rule": {"type": "sequence", "start": 1},
                                }
                            ],
                        }
                    ],
                    "rows": 25,
                },
            },
        ).json()
        done = wait_job(http, job["job_id"])
        lines = http.get(f"/jobs/{job['job_id']}/logs").json()["lines"]
    finally:
        first.stop()
    second = Server(env).start()
    try:
        http = second.client()
        again = http.get(f"/jobs/{job['job_id']}").json()
        assert again["status"] == "completed" and again["rows"] == 25
        assert again["finished_at"] == done["finished_at"]
        assert http.get(f"/jobs/{job['job_id']}/logs").json()["lines"] == lines
        table = http.get(f"/jobs/{job['job_id']}/result", params={"table": "t", "format": "jsonl"})
        assert len(table.text.strip().splitlines()) == 25
    finally:
        second.stop()


@pytest.mark.postgres
def test_the_service_on_a_postgresql_job_store(env, pg_url: str) -> None:
    env = {**env, "SYNDATA_JOBS_URL": pg_url}
    server = Server(env).start()
    try:
        http = server.client()
        job = http.post(
            "/jobs",
            json={
                "job_type": "generate",
                "priority": "high",
                "config": {
                    "tables": [
                        {
                            "table_name": "t",
                            "columns": [
                                {
                                    "name": "id",
                                    "type": "int",
                                    "rule": {"type": "sequence", "start": 1},
                                }
                            ],
                        }
                    ],
                    "rows": 40,
                },
            },
        ).json()
        assert wait_job(http, job["job_id"])["rows"] == 40
    finally:
        server.stop()
    import sqlalchemy as sa

    from syndata.io.sqlschema import parse_db_url

    engine = sa.create_engine(parse_db_url(pg_url))
    with engine.connect() as conn:
        status = conn.execute(
            sa.text("SELECT status, priority FROM jobs WHERE job_id = :j"), {"j": job["job_id"]}
        ).one()
        transitions = (
            conn.execute(
                sa.text("SELECT to_status FROM job_events WHERE job_id = :j ORDER BY id"),
                {"j": job["job_id"]},
            )
            .scalars()
            .all()
        )
    engine.dispose()
    assert tuple(status) == ("completed", 2)
    assert transitions == ["queued", "running", "completed"]


def test_serve_with_the_ui_brings_up_both_with_a_key_of_its_own(env) -> None:
    from syndata.access.keys import KeyStore

    ui_port = free_port()
    server = Server(env)
    server.port = free_port()
    server.url = f"http://127.0.0.1:{server.port}"
    log = Path(env["SYNDATA_HOME"]).parent / "serve-ui.log"
    with open(log, "w") as out:
        server.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "syndata",
                "serve",
                "--port",
                str(server.port),
                "--workers",
                "1",
                "--ui",
                "--ui-port",
                str(ui_port),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120
        ready = set()
        while time.monotonic() < deadline and len(ready) < 2:
            for name, url in (
                ("api", f"{server.url}/health"),
                ("ui", f"http://127.0.0.1:{ui_port}/_stcore/health"),
            ):
                try:
                    if httpx.get(url, timeout=2).status_code == 200:
                        ready.add(name)
                except httpx.HTTPError:
                    pass
            time.sleep(0.5)
        assert ready == {"api", "ui"}, log.read_text()[-3000:]
        keys = [k for k in KeyStore().list_keys() if k.name.startswith("web UI")]
        assert len(keys) == 1 and keys[0].role == "operator" and not keys[0].revoked
    finally:
        server.stop()
    assert all(k.revoked for k in KeyStore().list_keys() if k.name.startswith("web UI"))
