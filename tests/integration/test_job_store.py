"""The job and key stores on SQLite and the real PostgreSQL: transitions, claims, reaping, keys."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from syndata.access.keys import KeyStore
from syndata.errors import ConfigError, JobNotFoundError, JobStateError
from syndata.jobs.store import JobStore


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path, monkeypatch) -> str:
    monkeypatch.setenv("SYNDATA_HOME", str(tmp_path))
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jobs.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(store_url: str) -> JobStore:
    s = JobStore(store_url)
    yield s
    s.dispose()


@pytest.fixture
def keys(store: JobStore) -> KeyStore:
    return KeyStore(database=store.database)


def test_jobs_are_claimed_by_priority_then_age(store: JobStore) -> None:
    low = store.submit("generate", {}, priority="low")
    normal1 = store.submit("generate", {}, priority="normal")
    high = store.submit("generate", {}, priority="high")
    normal2 = store.submit("generate", {}, priority="normal")
    order = [store.claim("w").job_id for _ in range(4)]
    assert order == [high.job_id, normal1.job_id, normal2.job_id, low.job_id]
    assert store.claim("w") is None


def test_a_job_is_claimed_once_under_concurrent_workers(store: JobStore) -> None:
    ids = {store.submit("sample", {"n": i}).job_id for i in range(40)}
    claimed: list[str] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        while (job := store.claim(name)) is not None:
            with lock:
                claimed.append(job.job_id)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == sorted(ids)  # every job once, none twice


def test_transitions_logs_and_results_survive_a_new_store(store: JobStore, store_url: str) -> None:
    job = store.submit("generate", {"rows": 5}, seed=7)
    running = store.claim("w1")
    assert running is not None and running.attempts == 1
    store.log(job.job_id, "halfway", rows=50)
    assert store.set_progress(running, 0.5, "generating")
    assert store.complete(running, {"outputs": [], "rows": 5}, rows=5)
    store.dispose()
    again = JobStore(store_url)  # e.g. the API restarted
    got = again.get(job.job_id)
    assert got.status == "completed" and got.rows == 5 and got.seed == 7
    assert got.result == {"outputs": [], "rows": 5} and got.progress == 1.0
    assert [e["to"] for e in again.events(job.job_id)] == ["queued", "running", "completed"]
    assert [line["message"] for line in again.logs(job.job_id)] == ["halfway"]
    assert again.logs(job.job_id)[0]["rows"] == 50
    again.dispose()


def test_a_stale_attempt_cannot_finish_a_job_it_lost(store: JobStore) -> None:
    store.submit("generate", {})
    first = store.claim("w1")
    time.sleep(0.05)
    assert [j.job_id for j in store.reap(timeout=0.01)] == [first.job_id]
    second = store.claim("w2")
    assert second.attempts == 2
    assert store.heartbeat(first) == "lost"
    assert not store.complete(first, {"by": "w1"})
    assert store.complete(second, {"by": "w2"})
    assert store.get(first.job_id).result == {"by": "w2"}


def test_reap_retries_once_then_fails_with_the_reason(store: JobStore) -> None:
    job = store.submit("generate", {})
    store.claim("w1")
    time.sleep(0.05)
    store.reap(timeout=0.01)
    store.claim("w2")
    time.sleep(0.05)
    assert store.reap(timeout=0.01) == []
    failed = store.get(job.job_id)
    assert failed.status == "failed"
    assert "stopped sending heartbeats" in failed.error and "no attempt left" in failed.error
    assert "retrying" in store.logs(job.job_id)[0]["message"]


def test_a_fresh_heartbeat_keeps_the_job(store: JobStore) -> None:
    store.submit("generate", {})
    job = store.claim("w1")
    assert store.reap(timeout=60) == []
    assert store.get(job.job_id).status == "running"


def test_cancel_queued_running_and_finished_jobs(store: JobStore) -> None:
    queued = store.submit("generate", {})
    assert store.cancel(queued.job_id).status == "cancelled"
    store.submit("generate", {})
    running = store.claim("w")
    assert store.cancel(running.job_id).cancel_requested
    assert store.heartbeat(running) == "cancel"
    assert store.mark_cancelled(running)
    assert store.get(running.job_id).status == "cancelled"
    with pytest.raises(JobStateError, match="already cancelled"):
        store.cancel(running.job_id)
    with pytest.raises(JobNotFoundError, match="no job"):
        store.cancel("job_missing")


def test_split_jobs_complete_when_their_last_partition_does(store: JobStore) -> None:
    store.submit("sample", {"rows": 30})
    parent = store.claim("w")
    parts = store.split(parent, [(i, {"rows": 10, "i": i}, 100 + i) for i in range(3)])
    assert [p.partition for p in parts] == [0, 1, 2] and [p.seed for p in parts] == [100, 101, 102]
    assert store.list()[1] == 1  # partitions are not listed as jobs of their own
    finished = []
    for _ in range(3):
        part = store.claim("w")
        assert store.complete(part, {"rows": 10}, rows=10)
        finished.append(store.part_finished(part))
    assert finished[:2] == [None, None] and finished[2].job_id == parent.job_id
    assert store.finish_parent(finished[2], {"rows": 30}, rows=30)
    assert store.get(parent.job_id).status == "completed"
    assert store.stats()["rows_generated"] == 30


def test_cancelling_a_split_job_cancels_its_partitions(store: JobStore) -> None:
    store.submit("sample", {"rows": 30})
    parent = store.claim("w")
    store.split(parent, [(i, {}, i) for i in range(3)])
    running_part = store.claim("w")
    store.cancel(parent.job_id)
    parts = {p.job_id: p for p in store.children(parent.job_id)}
    assert parts[running_part.job_id].cancel_requested
    assert sorted(p.status for p in parts.values()) == ["cancelled", "cancelled", "running"]


def test_list_pages_and_filters(store: JobStore) -> None:
    ids = [store.submit("generate", {}).job_id for _ in range(5)]
    store.cancel(ids[0])
    page, total = store.list(page=1, page_size=2)
    assert total == 5 and [j.job_id for j in page] == ids[::-1][:2]
    cancelled, n = store.list(status="cancelled")
    assert n == 1 and cancelled[0].job_id == ids[0]
    with pytest.raises(ConfigError, match="unknown status"):
        store.list(status="done")
    assert store.stats()["queue_depth"] == 4


def test_opening_a_store_twice_migrates_once(store_url: str) -> None:
    first, second = JobStore(store_url), JobStore(store_url)
    first.submit("generate", {})
    assert second.stats()["total"] == 1
    with first.database.connect() as conn:
        versions = conn.execute(sa.text("SELECT version_num FROM syndata_alembic_version")).all()
    assert [v[0] for v in versions] == ["0002"]
    first.dispose()
    second.dispose()


def test_a_split_job_left_unfinished_is_found_once_its_parts_are_done(store: JobStore) -> None:
    store.submit("sample", {"rows": 20})
    parent = store.claim("w")
    store.split(parent, [(i, {}, i) for i in range(2)])
    first = store.claim("w")
    store.complete(first, {"rows": 10}, rows=10)
    store.part_finished(first)
    assert store.stalled_parents(quiet_for=0) == []  # a partition is still to run
    second = store.claim("w")
    store.complete(second, {"rows": 10}, rows=10)
    store.part_finished(second)  # ... and whoever ran it died before finishing the parent
    time.sleep(0.05)
    assert [p.job_id for p in store.stalled_parents(quiet_for=0.01)] == [parent.job_id]
    assert store.stalled_parents(quiet_for=60) == []
    assert store.finish_parent(store.get(parent.job_id), {"rows": 20}, rows=20)
    assert store.stalled_parents(quiet_for=0) == []


def test_keys_are_stored_hashed_and_can_be_revoked(keys: KeyStore) -> None:
    key, secret = keys.create_key("operator", "pipeline")
    assert secret.startswith("sk_") and len(secret) > 40
    assert keys.verify_key(secret).role == "operator"
    assert keys.verify_key(secret + "x") is None
    with keys.database.connect() as conn:
        stored = conn.execute(sa.text("SELECT digest FROM api_keys")).scalars().all()
    assert secret not in stored and all(len(d) == 64 for d in stored)
    keys.revoke_key(key.key_id)
    assert keys.verify_key(secret) is None and keys.count_keys() == 0
    with pytest.raises(ConfigError, match="unknown role"):
        keys.create_key("root")


def test_a_revoked_key_stops_at_once_in_the_revoking_process(keys: KeyStore) -> None:
    key, secret = keys.create_key("viewer")
    assert keys.verify_key(secret) is not None
    assert keys.verify_key(secret) is not None  # cached
    keys.revoke_key(key.key_id)
    assert keys.verify_key(secret) is None
