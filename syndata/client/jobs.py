"""The job calls both clients offer (``JobsClient``), the one to use, and waiting for a job."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from syndata import settings
from syndata.client.http import JsonObject, ServiceClient
from syndata.client.local import LocalJobs
from syndata.errors import ServiceError

FINISHED = ("completed", "failed", "cancelled")


class JobsClient(Protocol):
    """Submit, list, follow and cancel jobs: ``ServiceClient`` or ``LocalJobs``."""

    url: str

    def submit(  # noqa: D102
        self, job_type: str, config: JsonObject, *, priority: str = ..., seed: int | None = ...
    ) -> JsonObject: ...

    def jobs(  # noqa: D102
        self, *, status: str | None = ..., page: int = ..., page_size: int = ...
    ) -> JsonObject: ...

    def job(self, job_id: str) -> JsonObject: ...  # noqa: D102

    def logs(self, job_id: str, lines: int = ...) -> list[JsonObject]: ...  # noqa: D102

    def cancel(self, job_id: str) -> JsonObject: ...  # noqa: D102


def jobs_client() -> ServiceClient | LocalJobs:
    """The service when ``SYNDATA_API_URL`` is set, else the local job store."""
    return ServiceClient.from_settings() if settings.service_url() else LocalJobs()


def wait(
    client: JobsClient,
    job_id: str,
    *,
    interval: float = 0.5,
    timeout: float | None = None,
    on_update: Callable[[JsonObject], None] | None = None,
) -> JsonObject:
    """Poll a job until it is finished; the finished job."""
    started = time.monotonic()
    while True:
        job = client.job(job_id)
        if on_update is not None:
            on_update(job)
        if job["status"] in FINISHED:
            return job
        if timeout is not None and time.monotonic() - started > timeout:
            raise ServiceError(f"job {job_id} still {job['status']} after {timeout:.0f} s")
        time.sleep(interval)
