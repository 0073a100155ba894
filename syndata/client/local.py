"""``LocalJobs``: the job calls of ``ServiceClient`` on the local job store (no service)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from syndata.client.http import JsonObject

if TYPE_CHECKING:
    from syndata.jobs.store import JobStore


class LocalJobs:
    """Submit, list, follow and cancel jobs in this machine's job store."""

    def __init__(self, store: JobStore | None = None) -> None:
        from syndata.jobs.store import JobStore

        self.url = "local"
        self.store = store if store is not None else JobStore()

    def submit(
        self,
        job_type: str,
        config: JsonObject,
        *,
        priority: str = "normal",
        seed: int | None = None,
    ) -> JsonObject:
        """Queue a job in the local store."""
        from syndata.jobs.dispatch import submit_job

        return submit_job(self.store, job_type, config, priority=priority, seed=seed).to_dict()

    def jobs(self, *, status: str | None = None, page: int = 1, page_size: int = 20) -> JsonObject:
        """A page of jobs, newest first (``jobs``, ``total``)."""
        found, total = self.store.list(page=page, page_size=page_size, status=status)
        return {"jobs": [j.to_dict() for j in found], "total": total}

    def job(self, job_id: str) -> JsonObject:
        """One job."""
        return self.store.get(job_id).to_dict()

    def logs(self, job_id: str, lines: int = 200) -> list[JsonObject]:
        """The job's last log lines, oldest first."""
        return self.store.logs(job_id, lines)

    def cancel(self, job_id: str) -> JsonObject:
        """Cancel a queued or running job."""
        return self.store.cancel(job_id).to_dict()
