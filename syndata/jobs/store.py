"""The durable job store: jobs, their state transitions and their log lines.

Jobs live in the service database (``syndata.jobs.database``: SQLite by default, or
PostgreSQL by ``SYNDATA_JOBS_URL``), beside the API keys (``syndata.access.keys``). The
store is layered by side: ``JobReader`` (``reads``) queries, ``JobLeases`` (``leases``)
is the worker side, and ``JobStore`` here adds the API side: submit, cancel, log.

Every state change is one conditional UPDATE, so concurrent API processes and workers
never run a job twice (see ``syndata.jobs.leases``).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from syndata.access.projects import DEFAULT_PROJECT, check_project
from syndata.errors import JobStateError
from syndata.jobs import rows as write
from syndata.jobs.database import Database
from syndata.jobs.job import MAX_ATTEMPTS, Job, priority_rank
from syndata.jobs.leases import JobLeases
from syndata.jobs.schema import jobs
from syndata.seeds import resolve_seed


class JobStore(JobLeases):
    """Jobs, transitions and logs in the service database (see the module docstring)."""

    def __init__(
        self,
        url: str | None = None,
        *,
        allow_empty: bool = False,
        deep_check: bool = False,
        database: Database | None = None,
    ) -> None:
        """The jobs of ``database``, or of the database at ``url``, opened (and migrated).

        The database is checked first (``syndata.jobs.integrity``): an empty store behind
        earlier use of the data folder, or an unreadable one, raises StoreError unless
        ``allow_empty`` (``syndata serve --new-store``); ``deep_check`` also scans a SQLite
        file for corruption (at server start).
        """
        if database is None:
            database = Database(url, allow_empty=allow_empty, deep_check=deep_check)
        super().__init__(database)

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
        with self.database.tx() as conn:
            job_id = write.insert_job(
                conn,
                job_type,
                params,
                rank=rank,
                seed=resolve_seed(seed),
                project=project,
                owner=owner,
                request_id=request_id,
                parent_id=parent_id,
                partition=partition,
                max_attempts=max_attempts,
            )
        return self.get(job_id)

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
        with self.database.tx() as conn:
            if job.status == "queued" or job.parts_total:
                write.finish(
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
                write.add_event(conn, job_id, "running", "running", "cancel requested")
            for child in conn.execute(
                sa.select(jobs.c.job_id, jobs.c.status).where(
                    jobs.c.parent_id == job_id, jobs.c.status.in_(("queued", "running"))
                )
            ):
                if child.status == "queued":
                    write.finish(conn, child.job_id, "queued", "cancelled", "parent cancelled")
                else:
                    conn.execute(
                        jobs.update()
                        .where(jobs.c.job_id == child.job_id)
                        .values(cancel_requested=True)
                    )
        return self.get(job_id)

    def log(self, job_id: str, message: str, level: str = "INFO", **fields: Any) -> None:
        """Append one line to the job's log."""
        with self.database.tx() as conn:
            write.add_log(conn, job_id, level, message, fields)
