"""The job commands on the local job store: keys, status, logs, cancel, scheduler."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from syndata.access.keys import KeyStore
from syndata.jobs.store import JobStore


def syndata(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "syndata", *args],
        env=env,
        text=True,
        capture_output=True,
        timeout=timeout,
    )


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("SYNDATA_HOME", str(tmp_path / "home"))
    for var in ("SYNDATA_API_URL", "SYNDATA_BROKER_URL", "SYNDATA_JOBS_URL", "SYNDATA_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    return dict(os.environ)


def test_keys_create_list_revoke(env) -> None:
    made = syndata("keys", "create", "--role", "operator", "--name", "etl", env=env)
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip()
    assert secret.startswith("sk_")
    key = KeyStore().verify_key(secret)
    assert key is not None and key.role == "operator" and key.name == "etl"
    listed = syndata("keys", "list", env=env)
    assert key.key_id in listed.stdout and secret not in listed.stdout
    assert syndata("keys", "revoke", key.key_id, env=env).returncode == 0
    assert KeyStore().verify_key(secret) is None
    bad = syndata("keys", "create", "--role", "root", env=env)
    assert bad.returncode == 3 and "unknown role 'root'" in bad.stderr


def test_status_logs_and_cancel_on_the_local_store(env) -> None:
    store = JobStore()
    jobs = [store.submit("generate", {"n": i}) for i in range(3)]
    store.log(jobs[0].job_id, "first line", rows=10)
    listed = syndata("status", "--all", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    body = json.loads(listed.stdout)
    assert body["total"] == 3 and {j["job_id"] for j in body["jobs"]} == {j.job_id for j in jobs}
    assert syndata("cancel", jobs[1].job_id, env=env).stdout.strip().endswith("cancelled")
    only = json.loads(
        syndata("status", "--status", "cancelled", "--limit", "5", "--json", env=env).stdout
    )
    assert [j["job_id"] for j in only["jobs"]] == [jobs[1].job_id]
    again = syndata("cancel", jobs[1].job_id, env=env)
    assert again.returncode == 8 and "already cancelled" in again.stderr
    logs = syndata("logs", jobs[0].job_id, "--lines", "200", env=env)
    assert "first line" in logs.stdout and '"rows": 10' in logs.stdout
    missing = syndata("status", "job_nope", env=env)
    assert missing.returncode == 8 and "no job 'job_nope'" in missing.stderr


def test_the_scheduler_submits_recurring_jobs_and_runs_them(env, tmp_path: Path) -> None:
    config = {
        "tables": [
            {
                "table_name": "t",
                "columns": [
                    {"name": "id", "type": "int", "rule": {"type": "sequence", "start": 1}}
                ],
            }
        ],
        "rows": 20,
    }
    schedule = tmp_path / "jobs.yaml"
    schedule.write_text(
        yaml.safe_dump(
            {
                "jobs": [
                    {
                        "name": "every-2s",
                        "schedule": "* * * * * */2",
                        "job_type": "generate",
                        "config": {"config": config},
                        "priority": "high",
                    }
                ]
            }
        )
    )
    run = syndata(
        "scheduler", "--config-file", str(schedule), "--max-workers", "2", "--run-for", "7", env=env
    )
    assert run.returncode == 0, run.stderr
    submitted = [line for line in run.stderr.splitlines() if "every-2s: submitted" in line]
    assert 2 <= len(submitted) <= 4
    jobs, total = JobStore().list(page_size=50)
    assert total == len(submitted) and all(j.priority == "high" for j in jobs)
    assert all(j.status == "completed" and j.rows == 20 for j in jobs)  # run by its pool


def test_a_broken_schedule_file_names_its_problems(env, tmp_path: Path) -> None:
    schedule = tmp_path / "jobs.yaml"
    schedule.write_text("jobs:\n  - name: x\n    schedule: every day\n    job_type: generate\n")
    run = syndata("scheduler", "--config-file", str(schedule), "--run-for", "1", env=env)
    assert run.returncode == 3 and "jobs[0].schedule" in run.stderr
