"""The durable job store: jobs, their state transitions, their log lines and API keys.

SQLAlchemy on SQLite (default, under the data folder) or PostgreSQL (``SYNDATA_JOBS_URL``);
the schema is created and upgraded by Alembic migrations when a store opens.

Every state change is one conditional UPDATE, so concurrent API processes and workers
never run a job twice: a worker claims a job by moving it from ``queued`` to ``running``
only if it is still queued, and can finish it only while it still holds that attempt
(the attempt number is the fencing token). A worker that stops heart-beating loses its
job to ``reap``, which retries it once or fails it with the reason.
"""

from __future__ import annotations

import builtins
import contextlib
import fcntl
import hashlib
import os
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from syndata import settings
from syndata.errors import ConfigError, JobNotFoundError, JobStateError, Problem
from syndata.jobs.schema import api_keys, job_events, job_logs, jobs

PRIORITIES = ("low", "normal", "high")
STATUSES = ("queued", "running", "completed", "failed", "cancelled")
FINISHED = ("completed", "failed", "cancelled")
ROLES = ("viewer", "operator", "admin")
DEFAULT_PROJECT = "default"  # where keys and jobs of a single-user install live
SERVER_PROJECT = "*"  # the project of server admins: admin keys that see every project
PROJECT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
MAX_ATTEMPTS = 2  # a job whose worker dies is retried once
KEY_CACHE_SECONDS = 5.0  # how long a verified API key is trusted without a lookup


def _iso(stamp: float | None) -> str | None:
    return None if stamp is None else datetime.fromtimestamp(stamp, UTC).isoformat()


@dataclass(frozen=True)
class Job:
    """One job as stored."""

    job_id: str
    job_type: str
    status: str
    priority: str
    params: dict[str, Any]
    seed: int
    progress: float
    stage: str
    result: dict[str, Any] | None
    error: str | None
    attempts: int
    max_attempts: int
    parent_id: str | None
    partition: int | None
    parts_total: int
    parts_done: int
    worker: str | None
    rows: int
    created_at: float
    started_at: float | None
    finished_at: float | None
    heartbeat_at: float | None
    cancel_requested: bool
    owner: str | None
    request_id: str | None
    project: str = DEFAULT_PROJECT

    @property
    def finished(self) -> bool:
        """True once the job is completed, failed or cancelled."""
        return self.status in FINISHED

    @property
    def duration(self) -> float | None:
        """Seconds from start to finish (None until both happened)."""
        if self.started_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.started_at

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with ISO-8601 UTC timestamps."""
        out = asdict(self)
        for key in ("created_at", "started_at", "finished_at", "heartbeat_at"):
            out[key] = _iso(out[key])
        out["duration_seconds"] = self.duration
        return out

    @classmethod
    def _of(cls, row: Any) -> Job:
        values = dict(row._mapping)
        values["priority"] = PRIORITIES[values["priority"]]
        values["params"] = values["params"] or {}
        values["cancel_requested"] = bool(values["cancel_requested"])
        return cls(**values)


@dataclass(frozen=True)
class ApiKey:
    """An API key as stored (never its secret)."""

    key_id: str
    name: str
    role: str
    created_at: float
    last_used_at: float | None
    revoked: bool
    project: str = DEFAULT_PROJECT

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with ISO-8601 UTC timestamps."""
        out = asdict(self)
        out["created_at"] = _iso(self.created_at)
        out["last_used_at"] = _iso(self.last_used_at)
        return out


def new_job_id() -> str:
    """A fresh job id: ``job_`` and 24 hex digits."""
    return "job_" + secrets.token_hex(12)


def _digest(secret: str) -> str:
    # keys are 256-bit random tokens: a plain SHA-256 is a safe one-way store for them
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_project(project: str, role: str | None = None) -> str:
    """``project`` when it is a valid project name (ConfigError naming the rule otherwise).

    Names are 1-63 lower-case letters, digits, ``_`` and ``-``, starting with a letter or
    digit. The reserved ``*`` (``SERVER_PROJECT``) makes a server admin: only admin keys
    may have it (pass the key's ``role`` to check that).
    """
    if project == SERVER_PROJECT:
        if role is not None and role != "admin":
            raise ConfigError(
                [
                    Problem(
                        "project",
                        f"only admin keys can be server admins (project {SERVER_PROJECT!r}); "
                        f"this key has the {role} role",
                        "give the key a project name, or the admin role",
                    )
                ]
            )
        return project
    if not isinstance(project, str) or not PROJECT_NAME.match(project):
        raise ConfigError(
            [
                Problem(
                    "project",
                    f"{str(project)[:80]!r} is not a project name",
                    "use 1-63 lower-case letters, digits, '_' and '-', starting with a letter "
                    f"or digit (e.g. 'marketing'), or {SERVER_PROJECT!r} for a server admin",
                )
            ]
        )
    return project


def priority_rank(priority: str) -> int:
    """The stored rank of a priority name (ConfigError naming the valid ones)."""
    if priority not in PRIORITIES:
        raise ConfigError(
            [
                Problem(
                    "priority",
                    f"unknown priority {priority!r}",
                    "use one of: " + ", ".join(PRIORITIES),
                )
            ]
        )
    return PRIORITIES.index(priority)


class JobStore:
    """Jobs, transitions, logs and API keys in one database (see the module docstring)."""

    def __init__(
        self, url: str | None = None, *, allow_empty: bool = False, deep_check: bool = False
    ) -> None:
        """Open (creating or upgrading) the store at ``url``.

        The store is checked first (``syndata.jobs.integrity``): an empty store behind
        earlier use of the data folder, or an unreadable one, raises StoreError unless
        ``allow_empty`` (``syndata serve --new-store``); ``deep_check`` also scans a SQLite
        file for corruption (at server start).
        """
        from syndata.jobs import integrity

        self.url = url or settings.jobs_url()
        integrity.check(self.url, allow_empty=allow_empty, deep=deep_check)
        self._pid = os.getpid()
        self._keys: dict[str, tuple[ApiKey, float]] = {}
        self._engine = self._make_engine()
        self._migrate()

    # ------------------------------------------------------------------ connection

    def _make_engine(self) -> Engine:
        from syndata.io.sqlschema import parse_db_url

        url = parse_db_url(self.url)
        if url.get_backend_name() == "sqlite":
            if url.database and url.database != ":memory:":
                Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            engine = sa.create_engine(
                url,
                connect_args={"timeout": 60, "check_same_thread": False},
                pool_size=5,
                max_overflow=20,
            )

            @sa.event.listens_for(engine, "connect")
            def _pragmas(dbapi_connection: Any, _record: Any) -> None:
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute("PRAGMA busy_timeout=60000")
                cursor.close()
                dbapi_connection.isolation_level = None  # we issue BEGIN IMMEDIATE ourselves

            @sa.event.listens_for(engine, "begin")
            def _begin(conn: Connection) -> None:
                # writers take the write lock up front (no lock upgrade deadlocks); readers
                # stay deferred and read beside writers (WAL)
                immediate = conn.get_execution_options().get("immediate", False)
                conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

            return engine
        return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)

    @property
    def engine(self) -> Engine:
        """The engine of this process (a forked child gets its own connections)."""
        if os.getpid() != self._pid:
            self._engine.dispose(close=False)
            self._engine = self._make_engine()
            self._pid = os.getpid()
        return self._engine

    @contextlib.contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn.execution_options(immediate=True)
            with conn.begin():
                yield conn

    def dispose(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    def _migrate(self) -> None:
        from alembic import command
        from alembic.config import Config as AlembicConfig

        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        with self._migration_lock(), self._tx() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(724101)")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    @contextlib.contextmanager
    def _migration_lock(self) -> Iterator[None]:
        """A file lock next to a SQLite store, so processes starting together migrate once."""
        url = sa.make_url(self.url)
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            yield
            return
        lock_path = Path(url.database).with_suffix(".migrate.lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # ------------------------------------------------------------------ jobs: API side

    def submit(
        self,
        job_type: str,
        params: dict[str, Any],
        *,
        priority: str = "normal",
        seed: int | None = None,
        owner: str | None = None,
        request_id: str | None = None,
        parent_id: str | None = None,
        partition: int | None = None,
        max_attempts: int = MAX_ATTEMPTS,
        project: str = DEFAULT_PROJECT,
    ) -> Job:
        """Queue a job of ``project`` and return it."""
        rank = priority_rank(priority)
        if project != DEFAULT_PROJECT:
            check_project(project)
        now = time.time()
        job_id = new_job_id()
        if seed is None:
            seed = secrets.randbelow(2**31)
        with self._tx() as conn:
            conn.execute(
                jobs.insert().values(
                    job_id=job_id,
                    job_type=job_type,
                    status="queued",
                    priority=rank,
                    params=params,
                    seed=int(seed),
                    progress=0.0,
                    stage="queued",
                    result=None,
                    error=None,
                    attempts=0,
                    max_attempts=max_attempts,
                    parent_id=parent_id,
                    partition=partition,
                    parts_total=0,
                    parts_done=0,
                    worker=None,
                    rows=0,
                    created_at=now,
                    cancel_requested=False,
                    owner=owner,
                    request_id=request_id,
                    project=project,
                )
            )
            self._event(conn, job_id, None, "queued", "submitted")
        return self.get(job_id)

    def get(self, job_id: str, *, project: str | None = None) -> Job:
        """The job with this id (JobNotFoundError when there is none).

        With ``project``, a job of another project is not found either (the same error).
        """
        query = sa.select(jobs).where(jobs.c.job_id == job_id)
        if project is not None:
            query = query.where(jobs.c.project == project)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            raise JobNotFoundError(
                f"no job {job_id!r}; list jobs with GET /jobs or `syndata status --all`"
            )
        return Job._of(row)

    def list(
        self,
        *,
        page: int = 1,
        page_size: int = 20,
        status: str | None = None,
        parent_id: str | None = None,
        top_level: bool = True,
        project: str | None = None,
    ) -> tuple[builtins.list[Job], int]:
        """A page of jobs, newest first, and how many match in all.

        Partitions of split jobs are left out unless ``parent_id`` asks for them. With
        ``project``, only that project's jobs.
        """
        if status is not None and status not in STATUSES:
            raise ConfigError(
                [
                    Problem(
                        "status_filter",
                        f"unknown status {status!r}",
                        "use one of: " + ", ".join(STATUSES),
                    )
                ]
            )
        where = []
        if status is not None:
            where.append(jobs.c.status == status)
        if project is not None:
            where.append(jobs.c.project == project)
        if parent_id is not None:
            where.append(jobs.c.parent_id == parent_id)
        elif top_level:
            where.append(jobs.c.parent_id.is_(None))
        page, page_size = max(page, 1), max(page_size, 1)
        query = (
            sa.select(jobs)
            .where(*where)
            .order_by(jobs.c.created_at.desc(), jobs.c.job_id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            total = conn.execute(
                sa.select(sa.func.count()).select_from(jobs).where(*where)
            ).scalar_one()
        return [Job._of(r) for r in rows], int(total)

    def children(self, job_id: str) -> builtins.list[Job]:
        """The partitions of a split job, in partition order."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(jobs).where(jobs.c.parent_id == job_id).order_by(jobs.c.partition)
            ).all()
        return [Job._of(r) for r in rows]

    def cancel(self, job_id: str) -> Job:
        """Cancel a queued job at once, or ask a running one's worker to stop it.

        A finished job cannot be cancelled (JobStateError). A split job cancels its
        partitions too.
        """
        job = self.get(job_id)
        if job.finished:
            raise JobStateError(
                f"job {job_id} is already {job.status}; only queued or "
                "running jobs can be cancelled"
            )
        with self._tx() as conn:
            if job.status == "queued" or job.parts_total:
                self._finish(
                    conn,
                    job_id,
                    job.status,
                    "cancelled",
                    "cancelled by request",
                    error="cancelled by request",
                )
            else:
                conn.execute(
                    jobs.update()
                    .where(jobs.c.job_id == job_id, jobs.c.status == "running")
                    .values(cancel_requested=True, stage="cancelling")
                )
                self._event(conn, job_id, "running", "running", "cancel requested")
            for child in conn.execute(
                sa.select(jobs.c.job_id, jobs.c.status).where(
                    jobs.c.parent_id == job_id, jobs.c.status.in_(("queued", "running"))
                )
            ):
                if child.status == "queued":
                    self._finish(conn, child.job_id, "queued", "cancelled", "parent cancelled")
                else:
                    conn.execute(
                        jobs.update()
                        .where(jobs.c.job_id == child.job_id)
                        .values(cancel_requested=True)
                    )
        return self.get(job_id)

    def events(self, job_id: str) -> builtins.list[dict[str, Any]]:
        """The job's state transitions, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(job_events).where(job_events.c.job_id == job_id).order_by(job_events.c.id)
            ).all()
        return [
            {"at": _iso(r.at), "from": r.from_status, "to": r.to_status, "note": r.note}
            for r in rows
        ]

    # ------------------------------------------------------------------ logs

    def log(self, job_id: str, message: str, level: str = "INFO", **fields: Any) -> None:
        """Append one line to the job's log."""
        with self._tx() as conn:
            conn.execute(
                job_logs.insert().values(
                    job_id=job_id,
                    at=time.time(),
                    level=level,
                    message=message,
                    fields=fields or None,
                )
            )

    def logs(self, job_id: str, lines: int = 100) -> builtins.list[dict[str, Any]]:
        """The job's last ``lines`` log lines, oldest first, with the job and request ids."""
        job = self.get(job_id)
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(job_logs)
                .where(job_logs.c.job_id == job_id)
                .order_by(job_logs.c.id.desc())
                .limit(max(lines, 0))
            ).all()
        return [
            {
                "at": _iso(r.at),
                "level": r.level,
                "message": r.message,
                "job_id": job_id,
                "request_id": job.request_id,
                **(r.fields or {}),
            }
            for r in reversed(rows)
        ]

    # ------------------------------------------------------------------ figures

    def stats(self, *, project: str | None = None) -> dict[str, Any]:
        """Jobs per status, queue depth, running jobs and rows generated (of ``project``)."""
        top = jobs.c.parent_id.is_(None)
        scope = [] if project is None else [jobs.c.project == project]
        with self.engine.connect() as conn:
            counts: dict[str, int] = dict(
                conn.execute(
                    sa.select(jobs.c.status, sa.func.count())
                    .where(top, *scope)
                    .group_by(jobs.c.status)
                ).all()
            )
            queued = conn.execute(
                sa.select(sa.func.count())
                .select_from(jobs)
                .where(jobs.c.status == "queued", *scope)
            ).scalar_one()
            rows = conn.execute(
                sa.select(sa.func.coalesce(sa.func.sum(jobs.c.rows), 0)).where(
                    top,
                    jobs.c.status == "completed",
                    jobs.c.job_type.in_(("generate", "sample")),
                    *scope,
                )
            ).scalar_one()
        per_status = {s: int(counts.get(s, 0)) for s in STATUSES}
        return {
            "jobs": per_status,
            "total": sum(per_status.values()),
            "queue_depth": int(queued),
            "running": per_status["running"],
            "rows_generated": int(rows),
        }

    def project_counts(self) -> dict[str, dict[str, int]]:
        """Top-level jobs per project and status: ``{project: {status: count}}``."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(jobs.c.project, jobs.c.status, sa.func.count())
                .where(jobs.c.parent_id.is_(None))
                .group_by(jobs.c.project, jobs.c.status)
            ).all()
        out: dict[str, dict[str, int]] = {}
        for project, status, count in rows:
            out.setdefault(str(project), {s: 0 for s in STATUSES})[status] = int(count)
        return out

    def active_jobs(self, *, project: str | None = None, owner: str | None = None) -> int:
        """Queued and running top-level jobs (a split job counts once) of a project or key."""
        where: builtins.list[Any] = [
            jobs.c.parent_id.is_(None),
            jobs.c.status.in_(("queued", "running")),
        ]
        if project is not None:
            where.append(jobs.c.project == project)
        if owner is not None:
            where.append(jobs.c.owner == owner)
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count()).select_from(jobs).where(*where)
                ).scalar_one()
            )

    def durations(self) -> builtins.list[float]:
        """Seconds taken by each completed generate or sample job."""
        with self.engine.connect() as conn:
            rows = (
                conn.execute(
                    sa.select(jobs.c.finished_at - jobs.c.started_at).where(
                        jobs.c.parent_id.is_(None),
                        jobs.c.status == "completed",
                        jobs.c.job_type.in_(("generate", "sample")),
                        jobs.c.started_at.is_not(None),
                    )
                )
                .scalars()
                .all()
            )
        return [float(r) for r in rows]

    # ------------------------------------------------------------------ jobs: worker side

    def claim(self, worker: str, *, job_id: str | None = None) -> Job | None:
        """Move the most urgent queued job (or ``job_id``) to running for ``worker``.

        Highest priority first, oldest first within a priority. Returns None when no job
        is queued. A job is claimed by one worker only: the UPDATE is conditional.
        """
        for _ in range(20):
            query = sa.select(jobs.c.job_id).where(jobs.c.status == "queued")
            if job_id is not None:
                query = query.where(jobs.c.job_id == job_id)
            query = query.order_by(jobs.c.priority.desc(), jobs.c.created_at, jobs.c.job_id).limit(
                1
            )
            now = time.time()
            with self._tx() as conn:
                if conn.dialect.name == "postgresql":
                    query = query.with_for_update(skip_locked=True)
                candidate = conn.execute(query).scalar_one_or_none()
                if candidate is None:
                    return None
                claimed = conn.execute(
                    jobs.update()
                    .where(jobs.c.job_id == candidate, jobs.c.status == "queued")
                    .values(
                        status="running",
                        worker=worker,
                        started_at=now,
                        heartbeat_at=now,
                        attempts=jobs.c.attempts + 1,
                        stage="starting",
                    )
                ).rowcount
                if claimed:
                    self._event(conn, candidate, "queued", "running", f"claimed by {worker}")
            if claimed:
                return self.get(candidate)
        return None

    def heartbeat(self, job: Job) -> str:
        """Record that the worker holding ``job`` is alive.

        Returns ``"ok"``, ``"cancel"`` (cancellation was requested) or ``"lost"`` (the job
        is no longer this attempt's: reaped, cancelled or finished).
        """
        with self._tx() as conn:
            held = conn.execute(
                jobs.update().where(*self._held(job)).values(heartbeat_at=time.time())
            ).rowcount
            if not held:
                return "lost"
            cancel = conn.execute(
                sa.select(jobs.c.cancel_requested).where(jobs.c.job_id == job.job_id)
            ).scalar_one()
        return "cancel" if cancel else "ok"

    def set_progress(self, job: Job, fraction: float, stage: str) -> bool:
        """Record the progress of a running job; False if the attempt lost the job."""
        with self._tx() as conn:
            return bool(
                conn.execute(
                    jobs.update()
                    .where(*self._held(job))
                    .values(
                        progress=min(max(float(fraction), 0.0), 1.0),
                        stage=stage[:200],
                        heartbeat_at=time.time(),
                    )
                ).rowcount
            )

    def complete(self, job: Job, result: dict[str, Any], rows: int = 0) -> bool:
        """Finish the attempt as completed; False (nothing changed) if it lost the job."""
        with self._tx() as conn:
            return self._finish(
                conn,
                job.job_id,
                "running",
                "completed",
                "completed",
                result=result,
                rows=rows,
                attempt=job.attempts,
            )

    def fail(self, job: Job, error: str) -> bool:
        """Finish the attempt as failed with the reason; False if it lost the job."""
        with self._tx() as conn:
            return self._finish(
                conn,
                job.job_id,
                "running",
                "failed",
                error[:300],
                error=error,
                attempt=job.attempts,
            )

    def mark_cancelled(self, job: Job) -> bool:
        """Finish the attempt as cancelled; False if it lost the job."""
        with self._tx() as conn:
            return self._finish(
                conn,
                job.job_id,
                "running",
                "cancelled",
                "stopped after cancel request",
                error="cancelled by request",
                attempt=job.attempts,
            )

    def split(
        self, job: Job, parts: builtins.list[tuple[int, dict[str, Any], int]]
    ) -> builtins.list[Job]:
        """Split a running job into queued partitions ``(index, params, seed)``.

        The parent stays running, held by no worker, until its last partition finishes
        (``part_finished``).
        """
        now = time.time()
        with self._tx() as conn:
            held = conn.execute(
                jobs.update()
                .where(*self._held(job))
                .values(
                    parts_total=len(parts),
                    parts_done=0,
                    worker="partitions",
                    heartbeat_at=None,
                    stage=f"0 of {len(parts)} partitions",
                )
            ).rowcount
            if not held:
                return []
            rank = priority_rank(job.priority)
            for index, params, seed in parts:
                part_id = new_job_id()
                conn.execute(
                    jobs.insert().values(
                        job_id=part_id,
                        job_type=job.job_type,
                        status="queued",
                        priority=rank,
                        params=params,
                        seed=int(seed),
                        progress=0.0,
                        stage="queued",
                        result=None,
                        error=None,
                        attempts=0,
                        max_attempts=MAX_ATTEMPTS,
                        parent_id=job.job_id,
                        partition=index,
                        parts_total=0,
                        parts_done=0,
                        worker=None,
                        rows=0,
                        created_at=now,
                        cancel_requested=False,
                        owner=job.owner,
                        request_id=job.request_id,
                        project=job.project,
                    )
                )
                self._event(conn, part_id, None, "queued", f"partition {index} of {job.job_id}")
            self._event(
                conn, job.job_id, "running", "running", f"split into {len(parts)} partitions"
            )
        return self.children(job.job_id)

    def part_finished(self, part: Job) -> Job | None:
        """Count a completed partition; the parent when it was the last one, else None."""
        if part.parent_id is None:
            return None
        with self._tx() as conn:
            conn.execute(
                jobs.update()
                .where(jobs.c.job_id == part.parent_id, jobs.c.status == "running")
                .values(parts_done=jobs.c.parts_done + 1)
            )
            row = conn.execute(
                sa.select(jobs.c.parts_done, jobs.c.parts_total, jobs.c.status).where(
                    jobs.c.job_id == part.parent_id
                )
            ).one()
            conn.execute(
                jobs.update()
                .where(jobs.c.job_id == part.parent_id)
                .values(
                    progress=row.parts_done / max(row.parts_total, 1),
                    stage=f"{row.parts_done} of {row.parts_total} partitions",
                )
            )
        if row.status == "running" and row.parts_done == row.parts_total:
            return self.get(part.parent_id)
        return None

    def stalled_parents(self, quiet_for: float = 10.0) -> builtins.list[Job]:
        """Running split jobs whose partitions all completed over ``quiet_for`` s ago."""
        child = jobs.alias("child")
        last_done = (
            sa.select(sa.func.max(child.c.finished_at))
            .where(child.c.parent_id == jobs.c.job_id)
            .scalar_subquery()
        )
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(jobs).where(
                    jobs.c.status == "running",
                    jobs.c.parts_total > 0,
                    jobs.c.parts_done >= jobs.c.parts_total,
                    last_done < time.time() - quiet_for,
                )
            ).all()
        return [Job._of(r) for r in rows]

    def finish_parent(
        self, parent: Job, result: dict[str, Any] | None, rows: int = 0, error: str | None = None
    ) -> bool:
        """Complete (or fail, with ``error``) a split job held by its partitions."""
        with self._tx() as conn:
            if error is not None:
                done = self._finish(
                    conn, parent.job_id, "running", "failed", error[:300], error=error
                )
                for child in conn.execute(
                    sa.select(jobs.c.job_id).where(
                        jobs.c.parent_id == parent.job_id, jobs.c.status == "queued"
                    )
                ):
                    self._finish(conn, child.job_id, "queued", "cancelled", "parent failed")
                conn.execute(
                    jobs.update()
                    .where(jobs.c.parent_id == parent.job_id, jobs.c.status == "running")
                    .values(cancel_requested=True)
                )
                return done
            return self._finish(
                conn, parent.job_id, "running", "completed", "completed", result=result, rows=rows
            )

    def reap(self, timeout: float | None = None) -> builtins.list[Job]:
        """Take running jobs back from workers silent for ``timeout`` seconds.

        Each is queued again if it has an attempt left, else failed with the reason; a job
        whose cancellation was requested is cancelled. Returns the jobs queued again.
        """
        timeout = settings.heartbeat_timeout() if timeout is None else timeout
        cutoff = time.time() - timeout
        requeued: builtins.list[str] = []
        with self._tx() as conn:
            stale = conn.execute(
                sa.select(jobs).where(
                    jobs.c.status == "running",
                    jobs.c.parts_total == 0,
                    jobs.c.heartbeat_at < cutoff,
                )
            ).all()
            for row in stale:
                lost = (
                    f"worker {row.worker} stopped sending heartbeats for over "
                    f"{timeout:.0f} s (attempt {row.attempts} of {row.max_attempts})"
                )
                held = [
                    jobs.c.job_id == row.job_id,
                    jobs.c.status == "running",
                    jobs.c.attempts == row.attempts,
                    jobs.c.heartbeat_at < cutoff,
                ]
                if row.cancel_requested:
                    self._finish(
                        conn,
                        row.job_id,
                        "running",
                        "cancelled",
                        lost,
                        error="cancelled by request",
                        attempt=row.attempts,
                    )
                elif row.attempts < row.max_attempts:
                    changed = conn.execute(
                        jobs.update()
                        .where(*held)
                        .values(
                            status="queued",
                            worker=None,
                            heartbeat_at=None,
                            progress=0.0,
                            stage="queued again",
                        )
                    ).rowcount
                    if changed:
                        self._event(conn, row.job_id, "running", "queued", lost + "; retrying")
                        self._log(conn, row.job_id, "WARNING", lost + "; retrying")
                        requeued.append(row.job_id)
                else:
                    self._finish(
                        conn,
                        row.job_id,
                        "running",
                        "failed",
                        lost,
                        error=lost + "; no attempt left",
                        attempt=row.attempts,
                    )
        return [self.get(j) for j in requeued]

    # ------------------------------------------------------------------ API keys

    def create_key(
        self,
        role: str,
        name: str = "",
        secret: str | None = None,
        project: str = DEFAULT_PROJECT,
    ) -> tuple[ApiKey, str]:
        """Store a new key (hashed) of ``project`` and return it with its secret, shown only here.

        ``project`` is a project name (``check_project``), or ``SERVER_PROJECT`` for a
        server admin (admin role only).
        """
        if role not in ROLES:
            raise ConfigError(
                [Problem("role", f"unknown role {role!r}", "use one of: " + ", ".join(ROLES))]
            )
        check_project(project, role)
        secret = secret or "sk_" + secrets.token_urlsafe(32)
        if len(secret) < 16:
            raise ConfigError(
                [
                    Problem(
                        "key",
                        "an API key must have at least 16 characters",
                        "use a long random string",
                    )
                ]
            )
        key = ApiKey("key_" + secrets.token_hex(8), name, role, time.time(), None, False, project)
        with self._tx() as conn:
            conn.execute(
                api_keys.insert().values(
                    key_id=key.key_id,
                    name=name,
                    role=role,
                    digest=_digest(secret),
                    created_at=key.created_at,
                    last_used_at=None,
                    revoked=False,
                    project=project,
                )
            )
        return key, secret

    def find_key(self, secret: str) -> ApiKey | None:
        """The stored key with this secret (revoked ones too), or None."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(api_keys).where(api_keys.c.digest == _digest(secret))
            ).first()
        return None if row is None else self._key(row)

    def verify_key(self, secret: str) -> ApiKey | None:
        """The live key with this secret, or None when unknown or revoked.

        A known key is remembered for ``KEY_CACHE_SECONDS`` in this process, so a key
        revoked elsewhere stops working within that time (at once in this process).
        """
        cached = self._keys.get(secret)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        key = self.find_key(secret)
        if key is None or key.revoked:
            return None
        now = time.time()
        if key.last_used_at is None or now - key.last_used_at > 60:
            with self._tx() as conn:
                conn.execute(
                    api_keys.update()
                    .where(api_keys.c.key_id == key.key_id)
                    .values(last_used_at=now)
                )
        if len(self._keys) > 10_000:
            self._keys.clear()
        self._keys[secret] = (key, time.monotonic() + KEY_CACHE_SECONDS)
        return key

    def list_keys(self, *, project: str | None = None) -> builtins.list[ApiKey]:
        """Every key (of ``project``), oldest first."""
        query = sa.select(api_keys).order_by(api_keys.c.created_at)
        if project is not None:
            query = query.where(api_keys.c.project == project)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [self._key(r) for r in rows]

    def revoke_key(self, key_id: str, *, project: str | None = None) -> ApiKey:
        """Revoke a key (JobNotFoundError when there is none, or none in ``project``).

        The last live admin key of a project (of ``SERVER_PROJECT``: the last server admin)
        is never revoked: JobStateError asks to create another admin key first. The check
        and the update are one transaction, so two revocations cannot both pass it.
        """
        missing = f"no API key {key_id!r}; list keys with `syndata keys list` or GET /keys"
        with self._tx() as conn:
            row = conn.execute(sa.select(api_keys).where(api_keys.c.key_id == key_id)).first()
            if row is None or (project is not None and row.project != project):
                raise JobNotFoundError(missing)
            if row.role == "admin" and not row.revoked:
                others = conn.execute(
                    sa.select(sa.func.count())
                    .select_from(api_keys)
                    .where(
                        api_keys.c.project == row.project,
                        api_keys.c.role == "admin",
                        api_keys.c.revoked.is_(False),
                        api_keys.c.key_id != key_id,
                    )
                ).scalar_one()
                if not others:
                    what = (
                        "the last server admin key"
                        if row.project == SERVER_PROJECT
                        else f"the last admin key of project {row.project!r}"
                    )
                    raise JobStateError(
                        f"{key_id} is {what} and cannot be revoked: create another admin key "
                        f"first (`syndata keys create --role admin --project {row.project}`"
                        " or POST /keys), then revoke this one"
                    )
            conn.execute(api_keys.update().where(api_keys.c.key_id == key_id).values(revoked=True))
        self._keys.clear()
        return next(k for k in self.list_keys() if k.key_id == key_id)

    def set_key_project(self, key_id: str, project: str) -> ApiKey:
        """Move a key to ``project`` (JobNotFoundError when there is no such key)."""
        with self._tx() as conn:
            row = conn.execute(sa.select(api_keys).where(api_keys.c.key_id == key_id)).first()
            if row is None:
                raise JobNotFoundError(f"no API key {key_id!r}; list keys with `syndata keys list`")
            check_project(project, row.role)
            conn.execute(
                api_keys.update().where(api_keys.c.key_id == key_id).values(project=project)
            )
        self._keys.clear()
        return next(k for k in self.list_keys() if k.key_id == key_id)

    def count_keys(self) -> int:
        """How many live keys exist."""
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count())
                    .select_from(api_keys)
                    .where(api_keys.c.revoked.is_(False))
                ).scalar_one()
            )

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _key(row: Any) -> ApiKey:
        return ApiKey(
            row.key_id,
            row.name,
            row.role,
            row.created_at,
            row.last_used_at,
            bool(row.revoked),
            row.project,
        )

    @staticmethod
    def _held(job: Job) -> builtins.list[Any]:
        return [
            jobs.c.job_id == job.job_id,
            jobs.c.status == "running",
            jobs.c.attempts == job.attempts,
        ]

    def _finish(
        self,
        conn: Connection,
        job_id: str,
        from_status: str,
        to_status: str,
        note: str,
        *,
        result: dict[str, Any] | None = None,
        rows: int = 0,
        error: str | None = None,
        attempt: int | None = None,
    ) -> bool:
        where = [jobs.c.job_id == job_id, jobs.c.status == from_status]
        if attempt is not None:
            where.append(jobs.c.attempts == attempt)
        values: dict[str, Any] = {
            "status": to_status,
            "finished_at": time.time(),
            "stage": to_status,
            "error": error,
        }
        if to_status == "completed":
            values.update(result=result, rows=int(rows), progress=1.0)
        changed = conn.execute(jobs.update().where(*where).values(**values)).rowcount
        if changed:
            self._event(conn, job_id, from_status, to_status, note)
        return bool(changed)

    @staticmethod
    def _event(
        conn: Connection, job_id: str, from_status: str | None, to_status: str, note: str
    ) -> None:
        conn.execute(
            job_events.insert().values(
                job_id=job_id,
                at=time.time(),
                from_status=from_status,
                to_status=to_status,
                note=note,
            )
        )

    @staticmethod
    def _log(conn: Connection, job_id: str, level: str, message: str) -> None:
        conn.execute(
            job_logs.insert().values(
                job_id=job_id, at=time.time(), level=level, message=message, fields=None
            )
        )
