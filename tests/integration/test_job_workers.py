"""Workers as real processes: local workers on the job store, Celery workers on the real
Redis, a worker killed mid-job, cancellation of a running job, split sample jobs."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from syndata.jobs.dispatch import submit_job
from syndata.jobs.job import Job
from syndata.jobs.store import JobStore

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _config(rows: int) -> dict:
    return {
        "tables": [
            {
                "table_name": "t",
                "columns": [
                    {
                        "name": "id",
                        "type": "int",
                        "constraints": ["PK"],
                        "rule": {"type": "sequence", "start": 1},
                    },
                    {"name": "x", "type": "int", "rule": {"type": "range", "min": 1, "max": 100}},
                ],
            }
        ],
        "rows": rows,
        "output_format": "csv",
    }


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("SYNDATA_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SYNDATA_BROKER_URL", raising=False)
    monkeypatch.delenv("SYNDATA_JOBS_URL", raising=False)
    return dict(os.environ)


class Workers:
    """Worker processes started with `syndata worker`, stopped at the end."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.procs: list[subprocess.Popen] = []

    def start(self, *args: str) -> subprocess.Popen:
        log_path = Path(self.env["SYNDATA_HOME"]).parent / f"worker-{len(self.procs)}.log"
        with open(log_path, "w") as log:  # a file, not a pipe nobody reads
            proc = subprocess.Popen(
                [sys.executable, "-m", "syndata", "worker", *args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def workers(env: dict[str, str]) -> Iterator[Workers]:
    pool = Workers(env)
    yield pool
    pool.stop()


def wait_for(store: JobStore, job_id: str, until: tuple[str, ...], timeout: float = 120) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = store.get(job_id)
        if job.status in until:
            return job
        time.sleep(0.1)
    raise AssertionError(
        f"{job_id} still {store.get(job_id).status} after {timeout} s; log: {store.logs(job_id)}"
    )


def test_local_workers_run_jobs_to_completion(env, workers) -> None:
    store = JobStore()
    jobs = [submit_job(store, "generate", {"config": _config(1000 + i)}) for i in range(4)]
    workers.start("--local")
    workers.start("--local")
    for i, job in enumerate(jobs):
        done = wait_for(store, job.job_id, ("completed", "failed"))
        assert done.status == "completed", done.error
        assert done.rows == 1000 + i
        out = Path(env["SYNDATA_HOME"]) / "jobs" / job.job_id / done.result["outputs"][0]["path"]
        assert len(pd.read_csv(out)) == done.rows
    assert {e["to"] for e in store.events(jobs[0].job_id)} >= {"queued", "running", "completed"}
    assert any(line["message"] == "job completed" for line in store.logs(jobs[0].job_id))


def test_a_bad_job_fails_with_its_reason_and_the_worker_goes_on(env, workers) -> None:
    store = JobStore()
    bad = submit_job(store, "sample", {"model": "no-such-model", "rows": 10})
    good = submit_job(store, "generate", {"config": _config(10)})
    workers.start("--local")
    failed = wait_for(store, bad.job_id, ("completed", "failed"))
    assert failed.status == "failed" and "no-such-model" in failed.error
    assert wait_for(store, good.job_id, ("completed", "failed")).status == "completed"


def test_cancel_stops_a_running_job_within_seconds(env, workers) -> None:
    store = JobStore()
    job = submit_job(store, "generate", {"config": _config(100_000_000)})
    workers.start("--local")
    wait_for(store, job.job_id, ("running",), timeout=60)
    time.sleep(1.0)
    store.cancel(job.job_id)
    asked = time.monotonic()
    done = wait_for(store, job.job_id, ("cancelled", "completed", "failed"), timeout=30)
    assert done.status == "cancelled"
    assert time.monotonic() - asked < 10
    assert not (Path(env["SYNDATA_HOME"]) / "jobs" / job.job_id).exists()


def short_heartbeat(workers: Workers, monkeypatch: pytest.MonkeyPatch) -> None:
    """Dead workers noticed after 5 s instead of 30 (only where a worker is killed)."""
    monkeypatch.setenv("SYNDATA_HEARTBEAT_TIMEOUT", "5")
    workers.env = {**workers.env, "SYNDATA_HEARTBEAT_TIMEOUT": "5"}


def test_a_killed_worker_s_job_is_taken_back_and_finished_once(env, workers, monkeypatch) -> None:
    short_heartbeat(workers, monkeypatch)
    store = JobStore()
    job = submit_job(store, "generate", {"config": _config(30_000_000), "output_format": "parquet"})
    first = workers.start("--local")
    running = wait_for(store, job.job_id, ("running",), timeout=60)
    assert running.worker.endswith(f":{first.pid}")
    os.kill(first.pid, signal.SIGKILL)  # the worker dies mid-job; its job process follows
    workers.start("--local")
    done = wait_for(store, job.job_id, ("completed", "failed"), timeout=180)
    assert done.status == "completed", done.error
    assert done.attempts == 2 and done.rows == 30_000_000
    transitions = [(e["from"], e["to"]) for e in store.events(job.job_id)]
    assert transitions.count(("queued", "running")) == 2
    assert transitions.count(("running", "completed")) == 1
    assert any(
        "stopped sending heartbeats" in line["message"] for line in store.logs(job.job_id, 500)
    )


def _fit_penguins(store: JobStore) -> str:
    from syndata.jobs.datasets import save_dataset

    data = (EXAMPLES / "data" / "penguins.csv").read_bytes()
    dataset = save_dataset([data], "penguins.csv", limit=10_000_000)
    fit = submit_job(
        store,
        "fit",
        {"dataset": dataset.dataset_id, "name": "penguins", "pii": "regenerate", "attacks": False},
    )
    return fit.job_id


def _split_output(store: JobStore, job: Job, home: Path) -> str:
    from syndata.jobs.results import table_frame

    frame = table_frame(home / "jobs" / job.job_id, job.result, "penguins")
    assert len(frame) == job.rows
    return hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).values).hexdigest()


def test_split_sample_output_does_not_depend_on_the_number_of_workers(
    env, workers, monkeypatch
) -> None:
    monkeypatch.setenv("SYNDATA_PARTITION_ROWS", "2000")
    workers.env = dict(os.environ)
    store = JobStore()
    fit_id = _fit_penguins(store)
    workers.start("--local")
    assert wait_for(store, fit_id, ("completed", "failed")).status == "completed"
    one = submit_job(store, "sample", {"model": "penguins", "rows": 9_000, "seed": 5})
    done_one = wait_for(store, one.job_id, ("completed", "failed"))
    workers.start("--local")
    workers.start("--local")
    three = submit_job(store, "sample", {"model": "penguins", "rows": 9_000, "seed": 5})
    done_three = wait_for(store, three.job_id, ("completed", "failed"))
    assert done_one.status == done_three.status == "completed"
    parts_one, parts_three = store.children(one.job_id), store.children(three.job_id)
    assert len(parts_one) == len(parts_three) == 5
    assert len({p.worker for p in parts_three}) >= 2  # really spread over workers
    home = Path(env["SYNDATA_HOME"])
    assert _split_output(store, done_one, home) == _split_output(store, done_three, home)
    other = submit_job(store, "sample", {"model": "penguins", "rows": 9_000, "seed": 6})
    done_other = wait_for(store, other.job_id, ("completed", "failed"))
    assert _split_output(store, done_other, home) != _split_output(store, done_one, home)


# --------------------------------------------------------------------------- Celery on Redis

REDIS_DB = 11


@pytest.fixture
def celery_env(env, monkeypatch) -> dict[str, str]:
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    try:
        client.flushdb()
    except redis.ConnectionError as exc:
        pytest.fail(
            f"Redis on 127.0.0.1:6379 is not reachable ({exc}); start it with "
            "`redis-server --daemonize yes --bind 127.0.0.1 --port 6379`"
        )
    monkeypatch.setenv("SYNDATA_BROKER_URL", f"redis://127.0.0.1:6379/{REDIS_DB}")
    from syndata.jobs.celery_app import celery_app

    celery_app.cache_clear()
    yield dict(os.environ)
    celery_app.cache_clear()
    client.flushdb()


def test_celery_workers_on_redis_run_every_job_once_by_priority(celery_env, workers) -> None:
    workers.env = celery_env
    store = JobStore()
    low = [
        submit_job(store, "generate", {"config": _config(100)}, priority="low") for _ in range(3)
    ]
    high = [
        submit_job(store, "generate", {"config": _config(100)}, priority="high") for _ in range(3)
    ]
    workers.start("--loglevel", "WARNING")
    finished = [wait_for(store, j.job_id, ("completed", "failed")) for j in low + high]
    assert all(j.status == "completed" for j in finished), [j.error for j in finished]
    assert all(j.attempts == 1 for j in finished)
    assert all(j.worker.startswith("celery@") for j in finished)
    # one worker: every high-priority job started before any low-priority one
    assert max(j.started_at for j in finished[3:]) < min(j.started_at for j in finished[:3])


def test_a_killed_celery_worker_s_job_is_recovered(celery_env, workers, monkeypatch) -> None:
    from syndata.jobs.dispatch import notify

    workers.env = celery_env
    short_heartbeat(workers, monkeypatch)
    store = JobStore()
    job = submit_job(store, "generate", {"config": _config(30_000_000), "output_format": "parquet"})
    first = workers.start("--loglevel", "WARNING")
    running = wait_for(store, job.job_id, ("running",), timeout=60)
    assert running.worker.startswith("celery@")
    os.kill(first.pid, signal.SIGKILL)
    workers.start("--loglevel", "WARNING")
    deadline = time.monotonic() + 60
    while store.get(job.job_id).status == "running" and time.monotonic() < deadline:
        time.sleep(0.5)
        requeued = store.reap()  # what the API's reaper does every few seconds
        if requeued:
            notify(len(requeued))
    done = wait_for(store, job.job_id, ("completed", "failed"), timeout=180)
    assert done.status == "completed", done.error
    assert done.attempts == 2 and done.rows == 30_000_000
