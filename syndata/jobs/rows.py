"""The row writes every job transition is made of, inside a caller's transaction.

A new job row (``insert_job``), a conditional finish (``finish``), a transition in the
job's history (``add_event``) and a log line (``add_log``); ``held`` is the condition
under which a worker's attempt still owns its job (the attempt number fences it).
"""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from syndata.jobs.job import MAX_ATTEMPTS, Job, new_job_id
from syndata.jobs.schema import job_events, job_logs, jobs


def insert_job(
    conn: Connection,
    job_type: str,
    params: dict[str, Any],
    *,
    rank: int,
    seed: int,
    project: str,
    owner: str | None = None,
    request_id: str | None = None,
    parent_id: str | None = None,
    partition: int | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    note: str = "submitted",
    created_at: float | None = None,
) -> str:
    """Store a new queued job (with its ``queued`` event) and return its id."""
    job_id = new_job_id()
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
            created_at=time.time() if created_at is None else created_at,
            cancel_requested=False,
            owner=owner,
            request_id=request_id,
            project=project,
        )
    )
    add_event(conn, job_id, None, "queued", note)
    return job_id


def held(job: Job) -> list[sa.ColumnElement[bool]]:
    """The condition that ``job``'s attempt still runs it."""
    return [
        jobs.c.job_id == job.job_id,
        jobs.c.status == "running",
        jobs.c.attempts == job.attempts,
    ]


def finish(
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
    """Move a job from ``from_status`` (and ``attempt``) to a final status; False if not."""
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
        add_event(conn, job_id, from_status, to_status, note)
    return bool(changed)


def add_event(
    conn: Connection, job_id: str, from_status: str | None, to_status: str, note: str
) -> None:
    """One state transition in the job's history."""
    conn.execute(
        job_events.insert().values(
            job_id=job_id,
            at=time.time(),
            from_status=from_status,
            to_status=to_status,
            note=note,
        )
    )


def add_log(
    conn: Connection,
    job_id: str,
    level: str,
    message: str,
    fields: dict[str, Any] | None = None,
) -> None:
    """One line of the job's log."""
    conn.execute(
        job_logs.insert().values(
            job_id=job_id, at=time.time(), level=level, message=message, fields=fields or None
        )
    )
