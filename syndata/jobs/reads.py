"""Reading the job store: jobs, their partitions, history, logs and the figures of the queue.

``JobReader`` is the read side of ``syndata.jobs.store.JobStore``; it never writes.
"""

from __future__ import annotations

import builtins
from typing import Any

import sqlalchemy as sa

from syndata.errors import ConfigError, JobNotFoundError, Problem
from syndata.jobs.database import Database, iso
from syndata.jobs.job import STATUSES, Job
from syndata.jobs.schema import job_events, job_logs, jobs

FIGURED_TYPES = ("generate", "sample")  # the job types whose rows and durations are counted


class JobReader:
    """Queries over the jobs of one database."""

    def __init__(self, database: Database) -> None:
        """The jobs of ``database``."""
        self.database = database

    @property
    def url(self) -> str:
        """The database's URL."""
        return self.database.url

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.database.dispose()

    def get(self, job_id: str, *, project: str | None = None) -> Job:
        """The job with this id (JobNotFoundError when there is none).

        With ``project``, a job of another project is not found either (the same error).
        """
        query = sa.select(jobs).where(jobs.c.job_id == job_id)
        if project is not None:
            query = query.where(jobs.c.project == project)
        with self.database.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            raise JobNotFoundError(
                f"no job {job_id!r}; list jobs with GET /jobs or `syndata status --all`"
            )
        return Job.of_row(row)

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
        with self.database.connect() as conn:
            rows = conn.execute(query).all()
            total = conn.execute(
                sa.select(sa.func.count()).select_from(jobs).where(*where)
            ).scalar_one()
        return [Job.of_row(r) for r in rows], int(total)

    def children(self, job_id: str) -> builtins.list[Job]:
        """The partitions of a split job, in partition order."""
        with self.database.connect() as conn:
            rows = conn.execute(
                sa.select(jobs).where(jobs.c.parent_id == job_id).order_by(jobs.c.partition)
            ).all()
        return [Job.of_row(r) for r in rows]

    def events(self, job_id: str) -> builtins.list[dict[str, Any]]:
        """The job's state transitions, oldest first."""
        with self.database.connect() as conn:
            rows = conn.execute(
                sa.select(job_events).where(job_events.c.job_id == job_id).order_by(job_events.c.id)
            ).all()
        return [
            {"at": iso(r.at), "from": r.from_status, "to": r.to_status, "note": r.note}
            for r in rows
        ]

    def logs(self, job_id: str, lines: int = 100) -> builtins.list[dict[str, Any]]:
        """The job's last ``lines`` log lines, oldest first, with the job and request ids."""
        job = self.get(job_id)
        with self.database.connect() as conn:
            rows = conn.execute(
                sa.select(job_logs)
                .where(job_logs.c.job_id == job_id)
                .order_by(job_logs.c.id.desc())
                .limit(max(lines, 0))
            ).all()
        return [
            {
                "at": iso(r.at),
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
        with self.database.connect() as conn:
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
                    jobs.c.job_type.in_(FIGURED_TYPES),
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
        with self.database.connect() as conn:
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
        with self.database.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count()).select_from(jobs).where(*where)
                ).scalar_one()
            )

    def durations(self) -> builtins.list[float]:
        """Seconds taken by each completed generate or sample job."""
        with self.database.connect() as conn:
            rows = (
                conn.execute(
                    sa.select(jobs.c.finished_at - jobs.c.started_at).where(
                        jobs.c.parent_id.is_(None),
                        jobs.c.status == "completed",
                        jobs.c.job_type.in_(FIGURED_TYPES),
                        jobs.c.started_at.is_not(None),
                    )
                )
                .scalars()
                .all()
            )
        return [float(r) for r in rows]
