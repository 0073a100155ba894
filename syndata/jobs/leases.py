"""The worker side of the job store: claim a job, hold it with heartbeats, finish it.

A worker claims a job by moving it from ``queued`` to ``running`` only if it is still
queued, and can finish it only while it still holds that attempt (the attempt number is
the fencing token). A split job's parent stays running, held by its partitions, until the
last one finishes. A worker that stops heart-beating loses its job to ``reap``, which
retries it once or fails it with the reason.
"""

from __future__ import annotations

import builtins
import time
from typing import Any

import sqlalchemy as sa

from syndata import settings
from syndata.jobs import rows as write
from syndata.jobs.job import Job, priority_rank
from syndata.jobs.reads import JobReader
from syndata.jobs.schema import jobs


class JobLeases(JobReader):
    """Claims, heartbeats, progress, partitions and finishing of running jobs."""

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
            with self.database.tx() as conn:
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
                    write.add_event(conn, candidate, "queued", "running", f"claimed by {worker}")
            if claimed:
                return self.get(candidate)
        return None

    def heartbeat(self, job: Job) -> str:
        """Record that the worker holding ``job`` is alive.

        Returns ``"ok"``, ``"cancel"`` (cancellation was requested) or ``"lost"`` (the job
        is no longer this attempt's: reaped, cancelled or finished).
        """
        with self.database.tx() as conn:
            held = conn.execute(
                jobs.update().where(*write.held(job)).values(heartbeat_at=time.time())
            ).rowcount
            if not held:
                return "lost"
            cancel = conn.execute(
                sa.select(jobs.c.cancel_requested).where(jobs.c.job_id == job.job_id)
            ).scalar_one()
        return "cancel" if cancel else "ok"

    def set_progress(self, job: Job, fraction: float, stage: str) -> bool:
        """Record the progress of a running job; False if the attempt lost the job."""
        with self.database.tx() as conn:
            return bool(
                conn.execute(
                    jobs.update()
                    .where(*write.held(job))
                    .values(
                        progress=min(max(float(fraction), 0.0), 1.0),
                        stage=stage[:200],
                        heartbeat_at=time.time(),
                    )
                ).rowcount
            )

    def complete(self, job: Job, result: dict[str, Any], rows: int = 0) -> bool:
        """Finish the attempt as completed; False (nothing changed) if it lost the job."""
        return self._end(job, "completed", "completed", result=result, rows=rows)

    def fail(self, job: Job, error: str) -> bool:
        """Finish the attempt as failed with the reason; False if it lost the job."""
        return self._end(job, "failed", error[:300], error=error)

    def mark_cancelled(self, job: Job) -> bool:
        """Finish the attempt as cancelled; False if it lost the job."""
        return self._end(
            job, "cancelled", "stopped after cancel request", error="cancelled by request"
        )

    def _end(
        self,
        job: Job,
        to_status: str,
        note: str,
        *,
        result: dict[str, Any] | None = None,
        rows: int = 0,
        error: str | None = None,
    ) -> bool:
        """Finish ``job``'s running attempt as ``to_status``; False if it lost the job."""
        with self.database.tx() as conn:
            return write.finish(
                conn,
                job.job_id,
                "running",
                to_status,
                note,
                result=result,
                rows=rows,
                error=error,
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
        with self.database.tx() as conn:
            held = conn.execute(
                jobs.update()
                .where(*write.held(job))
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
                write.insert_job(
                    conn,
                    job.job_type,
                    params,
                    rank=rank,
                    seed=seed,
                    project=job.project,
                    owner=job.owner,
                    request_id=job.request_id,
                    parent_id=job.job_id,
                    partition=index,
                    note=f"partition {index} of {job.job_id}",
                    created_at=now,
                )
            write.add_event(
                conn, job.job_id, "running", "running", f"split into {len(parts)} partitions"
            )
        return self.children(job.job_id)

    def part_finished(self, part: Job) -> Job | None:
        """Count a completed partition; the parent when it was the last one, else None."""
        if part.parent_id is None:
            return None
        with self.database.tx() as conn:
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
        with self.database.connect() as conn:
            rows = conn.execute(
                sa.select(jobs).where(
                    jobs.c.status == "running",
                    jobs.c.parts_total > 0,
                    jobs.c.parts_done >= jobs.c.parts_total,
                    last_done < time.time() - quiet_for,
                )
            ).all()
        return [Job.of_row(r) for r in rows]

    def finish_parent(
        self, parent: Job, result: dict[str, Any] | None, rows: int = 0, error: str | None = None
    ) -> bool:
        """Complete (or fail, with ``error``) a split job held by its partitions."""
        with self.database.tx() as conn:
            if error is not None:
                done = write.finish(
                    conn, parent.job_id, "running", "failed", error[:300], error=error
                )
                for child in conn.execute(
                    sa.select(jobs.c.job_id).where(
                        jobs.c.parent_id == parent.job_id, jobs.c.status == "queued"
                    )
                ):
                    write.finish(conn, child.job_id, "queued", "cancelled", "parent failed")
                conn.execute(
                    jobs.update()
                    .where(jobs.c.parent_id == parent.job_id, jobs.c.status == "running")
                    .values(cancel_requested=True)
                )
                return done
            return write.finish(
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
        with self.database.tx() as conn:
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
                    write.finish(
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
                        write.add_event(conn, row.job_id, "running", "queued", lost + "; retrying")
                        write.add_log(conn, row.job_id, "WARNING", lost + "; retrying")
                        requeued.append(row.job_id)
                else:
                    write.finish(
                        conn,
                        row.job_id,
                        "running",
                        "failed",
                        lost,
                        error=lost + "; no attempt left",
                        attempt=row.attempts,
                    )
        return [self.get(j) for j in requeued]
