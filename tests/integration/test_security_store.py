"""The job store and data folder against real `syndata serve` processes.

A server is used (an upload, a generate job, a key), stopped, and its store then emptied,
corrupted or deleted: the next `syndata serve` must stop with one message naming the file
and the ways out (no traceback, nothing recreated behind the data), start empty only with
`--new-store` (a broken file kept aside), and everything it writes must be private.
A job over `SYNDATA_JOB_TIMEOUT` is failed with the reason; temp files of a killed attempt
are gone after a restart.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from serve_process import ADMIN, ROOT, Server, cli, free_port, wait_job

GENERATE = {
    "job_type": "generate",
    "config": {
        "tables": [
            {
                "table_name": "t",
                "columns": [
                    {"name": "id", "type": "int", "rule": {"type": "sequence", "start": 1}}
                ],
            }
        ],
        "rows": 20,
    },
}


def _env(base: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name
        not in (
            "SYNDATA_API_URL",
            "SYNDATA_BROKER_URL",
            "SYNDATA_JOBS_URL",
            "SYNDATA_AUTH",
            "SYNDATA_AUDIT_LOG",
            "SYNDATA_AUDIT_KEY_FILE",
            "SYNDATA_JOB_TIMEOUT",
        )
    }
    env.update(SYNDATA_HOME=str(base / "home"), SYNDATA_API_KEY=ADMIN)
    return env


@pytest.fixture(scope="module")
def used(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], Path]]:
    """A data folder a server used: an upload, a finished job, an operator key."""
    base = tmp_path_factory.mktemp("store")
    env = _env(base)
    server = Server(env, workers=1).start()
    try:
        with server.client() as http, open(ROOT / "examples/data/penguins.csv", "rb") as f:
            assert (
                http.post("/datasets", files={"file": ("p.csv", f, "text/csv")}).status_code == 201
            )
            job = http.post("/jobs", json=GENERATE).json()
            assert wait_job(http, job["job_id"])["status"] == "completed"
    finally:
        server.stop()
    yield env, base / "home"


def _serve_fails(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    run = subprocess.run(
        [sys.executable, "-m", "syndata", "serve", "--port", str(free_port()), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 11, run.stdout + run.stderr
    assert "Traceback" not in run.stderr and "sqlalchemy" not in run.stderr.lower()
    return run


def _copy_home(used: tuple[dict[str, str], Path], tmp_path: Path) -> tuple[dict[str, str], Path]:
    import shutil

    env, home = used
    copy = tmp_path / "home"
    shutil.copytree(home, copy)
    return {**env, "SYNDATA_HOME": str(copy)}, copy


def _drop_store(home: Path, content: bytes | None) -> None:
    for side in ("jobs.db-wal", "jobs.db-shm"):
        (home / side).unlink(missing_ok=True)
    if content is None:
        (home / "jobs.db").unlink()
    else:
        (home / "jobs.db").write_bytes(content)


@pytest.mark.parametrize("content", [b"", None], ids=["emptied", "deleted"])
def test_an_emptied_or_deleted_store_behind_earlier_use_stops_the_server(
    used, tmp_path: Path, content: bytes | None
) -> None:
    env, home = _copy_home(used, tmp_path)
    _drop_store(home, content)
    run = _serve_fails(env)
    message = run.stderr.replace("\n", " ")
    assert "jobs.db" in message and "is empty" in message and "earlier use" in message
    assert "uploads/" in message and "Restore the store from a backup" in message
    assert "syndata serve --new-store" in message
    if content is None:
        assert not (home / "jobs.db").exists()  # nothing recreated behind the data
    else:
        assert (home / "jobs.db").stat().st_size == 0
    # a command on the same folder is refused the same way, not run on a new store
    keys = cli("keys", "list", env=env)
    assert keys.returncode == 11 and "--new-store" in keys.stderr.replace("\n", " ")
    # starting empty on purpose works, and the folder's uploads are still there
    server = Server(env, workers=1, args=("--new-store",)).start()
    try:
        with server.client() as http:
            assert http.get("/jobs").json()["total"] == 0
            job = http.post("/jobs", json=GENERATE).json()
            assert wait_job(http, job["job_id"])["status"] == "completed"
    finally:
        server.stop()
    assert any((home / "uploads").iterdir())


def test_a_corrupt_store_gives_one_message_and_is_kept_aside_on_purpose(
    used, tmp_path: Path
) -> None:
    env, home = _copy_home(used, tmp_path)
    store = home / "jobs.db"
    _drop_store(home, b"SQLite format 3\x00" + os.urandom(8192))  # a header, then garbage
    run = _serve_fails(env)
    message = run.stderr.replace("\n", " ")
    assert "cannot be read" in message and "jobs.db" in message and "--new-store" in message
    assert len(run.stderr.splitlines()) <= 6
    broken = store.read_bytes()
    server = Server(env, workers=1, args=("--new-store",)).start()
    server.stop()
    kept = list(home.glob("jobs.db.broken-*"))
    assert [p.read_bytes() for p in kept if not p.name.endswith(("-wal", "-shm"))] == [broken]


def test_files_the_service_writes_are_private(used) -> None:
    _, home = used
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    loose = []
    for path in [home, *home.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            loose.append(f"{path.relative_to(home)} {oct(mode)}")
    assert loose == []


def test_a_job_over_the_time_limit_is_failed_with_the_reason(tmp_path: Path) -> None:
    env = {**_env(tmp_path), "SYNDATA_JOB_TIMEOUT": "3"}
    server = Server(env, workers=1).start()
    try:
        with server.client() as http:
            columns = [
                *GENERATE["config"]["tables"][0]["columns"],
                {
                    "name": "code",
                    "type": "str",
                    "rule": {"type": "regex", "pattern": "[A-Z]{8}-[0-9]{6}"},
                },
            ]
            slow = {
                **GENERATE,
                "config": {
                    "tables": [{"table_name": "t", "columns": columns}],
                    "rows": 100_000_000,
                },
            }
            job = http.post("/jobs", json=slow).json()
            done = wait_job(http, job["job_id"], timeout=90)
            assert done["status"] == "failed", done
            assert "time limit of 3 s" in done["error"] and "SYNDATA_JOB_TIMEOUT" in done["error"]
            assert not (Path(env["SYNDATA_HOME"]) / "jobs" / job["job_id"]).exists()
            quick = http.post("/jobs", json=GENERATE).json()
            assert wait_job(http, quick["job_id"])["status"] == "completed"
    finally:
        server.stop()


def test_temp_files_of_stopped_jobs_are_removed_at_start(used, tmp_path: Path) -> None:
    env, home = _copy_home(used, tmp_path)
    old = home / "jobs" / "job_gone" / ".t.parquet.abc123.tmp"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"half a file")
    fresh = home / "uploads" / ".upload-live.tmp"
    fresh.write_bytes(b"being written")
    os.utime(old, (1, 1))
    server = Server(env, workers=1).start()
    server.stop()
    assert not old.exists() and fresh.exists()  # a file touched just now may be live
    assert "removed 1 temporary file(s)" in server.log.read_text()
