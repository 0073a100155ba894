"""A small client of the syndata service, used by the CLI when ``SYNDATA_API_URL`` is set.

Without that variable the CLI works on the local job store instead (``LocalJobs``); both
offer the same few calls, so the job commands read the same either way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from syndata.errors import ServiceError
from syndata.settings import API_URL_VAR, service_key, service_url


class ServiceClient:
    """Calls to the REST API with the key from ``SYNDATA_API_KEY``."""

    def __init__(self, url: str, key: str | None = None, timeout: float = 60.0) -> None:
        import httpx

        key = key if key is not None else service_key()
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.url = url
        self._http = httpx.Client(base_url=url, headers=headers, timeout=timeout)

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        import httpx

        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ServiceError(
                f"cannot reach the syndata service at {self.url} ({exc}); "
                f"start it with `syndata serve` or fix {API_URL_VAR}"
            ) from exc
        if response.status_code >= 400:
            raise _service_error(response)
        return response

    def submit(
        self,
        job_type: str,
        config: dict[str, Any],
        *,
        priority: str = "normal",
        seed: int | None = None,
    ) -> dict[str, Any]:
        """Queue a job; the job as the service returns it."""
        body: dict[str, Any] = {"job_type": job_type, "config": config, "priority": priority}
        if seed is not None:
            body["seed"] = seed
        return dict(self._call("POST", "/jobs", json=body).json())

    def job(self, job_id: str) -> dict[str, Any]:
        """One job."""
        return dict(self._call("GET", f"/jobs/{job_id}").json())

    def jobs(
        self, *, status: str | None = None, limit: int = 20, page: int = 1
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of jobs, newest first, and the number matching."""
        params: dict[str, Any] = {"page": page, "page_size": limit}
        if status:
            params["status_filter"] = status
        body = self._call("GET", "/jobs", params=params).json()
        return list(body["jobs"]), int(body["total"])

    def logs(self, job_id: str, lines: int = 100) -> list[dict[str, Any]]:
        """The job's last log lines."""
        return list(
            self._call("GET", f"/jobs/{job_id}/logs", params={"lines": lines}).json()["lines"]
        )

    def cancel(self, job_id: str) -> dict[str, Any]:
        """Cancel a queued or running job."""
        return dict(self._call("DELETE", f"/jobs/{job_id}").json())

    def download(
        self, job_id: str, dest: Path, *, table: str | None = None, fmt: str | None = None
    ) -> Path:
        """Save the job's result: one table in ``fmt``, or a zip of every output."""
        params = {k: v for k, v in {"table": table, "format": fmt}.items() if v}
        response = self._call("GET", f"/jobs/{job_id}/result", params=params)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(response.content)
        return dest


class LocalJobs:
    """The same calls on the local job store (no service)."""

    def __init__(self) -> None:
        from syndata.jobs.store import JobStore

        self.url = "local"
        self.store = JobStore()

    def submit(
        self,
        job_type: str,
        config: dict[str, Any],
        *,
        priority: str = "normal",
        seed: int | None = None,
    ) -> dict[str, Any]:
        """Queue a job in the local store."""
        from syndata.jobs.dispatch import submit_job

        return submit_job(self.store, job_type, config, priority=priority, seed=seed).to_dict()

    def job(self, job_id: str) -> dict[str, Any]:
        """One job."""
        return self.store.get(job_id).to_dict()

    def jobs(
        self, *, status: str | None = None, limit: int = 20, page: int = 1
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of jobs, newest first, and the number matching."""
        found, total = self.store.list(page=page, page_size=limit, status=status)
        return [j.to_dict() for j in found], total

    def logs(self, job_id: str, lines: int = 100) -> list[dict[str, Any]]:
        """The job's last log lines."""
        return self.store.logs(job_id, lines)

    def cancel(self, job_id: str) -> dict[str, Any]:
        """Cancel a queued or running job."""
        return self.store.cancel(job_id).to_dict()


def jobs_client() -> ServiceClient | LocalJobs:
    """The service when ``SYNDATA_API_URL`` is set, else the local job store."""
    url = service_url()
    return ServiceClient(url) if url else LocalJobs()


def wait(
    client: ServiceClient | LocalJobs,
    job_id: str,
    *,
    interval: float = 0.5,
    timeout: float | None = None,
    on_update: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Poll a job until it is finished; the finished job."""
    started = time.monotonic()
    while True:
        job = client.job(job_id)
        if on_update is not None:
            on_update(job)
        if job["status"] in ("completed", "failed", "cancelled"):
            return job
        if timeout is not None and time.monotonic() - started > timeout:
            raise ServiceError(f"job {job_id} still {job['status']} after {timeout:.0f} s")
        time.sleep(interval)


def _service_error(response: Any) -> ServiceError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    error = body.get("error", {}) if isinstance(body, dict) else {}
    message = error.get("message") or response.text[:300] or response.reason_phrase
    problems = error.get("problems") or []
    lines = [f"{message} (HTTP {response.status_code})"]
    for problem in problems:
        fix = f" (fix: {problem['fix']})" if problem.get("fix") else ""
        lines.append(f"  - {problem.get('path', '')}: {problem.get('message', '')}{fix}")
    return ServiceError("\n".join(lines), response.status_code, body)
