"""``ServiceClient``: the one client of the syndata REST API (the CLI's and the UI's).

Every call goes over HTTP with the API key (``Authorization: Bearer``); nothing here
imports the pipeline. A failed call raises ``ApiError`` carrying the API's error shape,
with the code ``unreachable`` when the service cannot be reached at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeAlias

import httpx

from syndata import settings
from syndata.errors import ApiError

JsonObject: TypeAlias = dict[str, Any]  # a JSON object as the API returns it
DEFAULT_API_URL = "http://127.0.0.1:8000"


class ServiceClient:
    """The REST API at ``url``, called with ``key`` (no key: the calls go unauthenticated)."""

    def __init__(self, url: str, key: str | None = None, *, timeout: float = 60.0) -> None:
        self.url = url.rstrip("/")
        self.key = (key or "").strip()
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> ServiceClient:
        """The service of ``SYNDATA_API_URL`` (or 127.0.0.1:8000) with ``SYNDATA_API_KEY``."""
        return cls(settings.service_url() or DEFAULT_API_URL, settings.service_key())

    # ------------------------------------------------------------------ plumbing

    def _unreachable(self, exc: httpx.HTTPError) -> ApiError:
        return ApiError(
            0,
            "unreachable",
            f"cannot reach the syndata API at {self.url} ({type(exc).__name__}: {exc}); "
            f"start it with `syndata serve` or set {settings.API_URL_VAR}",
        )

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One call; ``ApiError`` for an error status or when the API cannot be reached."""
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        try:
            response = httpx.request(
                method, f"{self.url}{path}", headers=headers, timeout=self.timeout, **kwargs
            )
        except httpx.HTTPError as exc:
            raise self._unreachable(exc) from exc
        if response.status_code >= 400:
            raise ApiError.from_response(response)
        return response

    def _json(self, method: str, path: str, **kwargs: Any) -> JsonObject:
        return dict(self.request(method, path, **kwargs).json())

    # ------------------------------------------------------------------ system

    def health(self) -> JsonObject:
        """``GET /health`` (needs no key); a 503 answer is returned, not raised."""
        try:
            response = httpx.get(f"{self.url}/health", timeout=min(self.timeout, 5.0))
        except httpx.HTTPError as exc:
            raise self._unreachable(exc) from exc
        if response.status_code not in (200, 503):
            raise ApiError.from_response(response)
        return dict(response.json())

    def stats(self) -> JsonObject:
        """``GET /stats``: jobs per status, queue depth, rows generated, datasets."""
        return self._json("GET", "/stats")

    def metrics_text(self) -> str:
        """``GET /metrics``: the Prometheus text exposition."""
        return self.request("GET", "/metrics").text

    # ------------------------------------------------------------------ jobs

    def submit(
        self,
        job_type: str,
        config: JsonObject,
        *,
        priority: str = "normal",
        seed: int | None = None,
    ) -> JsonObject:
        """``POST /jobs``: queue a job; the job as stored."""
        body: JsonObject = {"job_type": job_type, "config": config, "priority": priority}
        if seed is not None:
            body["seed"] = seed
        return self._json("POST", "/jobs", json=body)

    def jobs(self, *, status: str | None = None, page: int = 1, page_size: int = 20) -> JsonObject:
        """``GET /jobs``: a page of jobs, newest first (``jobs``, ``total``)."""
        params: JsonObject = {"page": page, "page_size": page_size}
        if status:
            params["status_filter"] = status
        return self._json("GET", "/jobs", params=params)

    def job(self, job_id: str) -> JsonObject:
        """``GET /jobs/{id}``."""
        return self._json("GET", f"/jobs/{job_id}")

    def logs(self, job_id: str, lines: int = 200) -> list[JsonObject]:
        """``GET /jobs/{id}/logs``: the last lines, oldest first."""
        return list(self._json("GET", f"/jobs/{job_id}/logs", params={"lines": lines})["lines"])

    def cancel(self, job_id: str) -> JsonObject:
        """``DELETE /jobs/{id}``: cancel a queued or running job."""
        return self._json("DELETE", f"/jobs/{job_id}")

    def result(self, job_id: str, table: str | None = None, fmt: str = "csv") -> bytes:
        """``GET /jobs/{id}/result``: one table in ``fmt``, or (no table) a zip of all."""
        params = {"table": table, "format": fmt} if table else {}
        return self.request("GET", f"/jobs/{job_id}/result", params=params).content

    def download(self, job_id: str, dest: Path, *, table: str | None = None) -> Path:
        """Save the job's result (a zip of every output, or one table) as ``dest``."""
        content = self.result(job_id, table)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(content)
        return dest

    # ------------------------------------------------------------------ data and config

    def upload_dataset(self, filename: str, data: bytes) -> JsonObject:
        """``POST /datasets``: store a table; the dataset (``dataset_id``, ``table``)."""
        return self._json("POST", "/datasets", files={"file": (filename, data)})

    def schemas(self) -> list[JsonObject]:
        """``GET /schemas``: the shipped configuration templates."""
        return list(self._json("GET", "/schemas")["schemas"])

    def schema(self, name: str) -> JsonObject:
        """``GET /schemas/{name}``: a template with its ``config`` and ``text``."""
        return self._json("GET", f"/schemas/{name}")

    def validate(self, config: JsonObject, *, rows: int | None = None) -> JsonObject:
        """``POST /config/validate``: the tables of a valid config (400: every problem)."""
        params = {"rows": rows} if rows else {}
        return self._json("POST", "/config/validate", json=config, params=params)

    # ------------------------------------------------------------------ models

    def fit(self, name: str, body: JsonObject) -> JsonObject:
        """``POST /models/{name}/fit``: queue a fit job."""
        return self._json("POST", f"/models/{name}/fit", json=body)

    def sample(self, name: str, body: JsonObject) -> JsonObject:
        """``POST /models/{name}/sample``: queue a sample job on the latest version."""
        return self._json("POST", f"/models/{name}/sample", json=body)

    def models(self) -> list[JsonObject]:
        """``GET /models``: every model, about its latest version."""
        return list(self._json("GET", "/models")["models"])

    def model(self, name: str) -> JsonObject:
        """``GET /models/{name}``: aliases and every version with metrics and reports."""
        return self._json("GET", f"/models/{name}")

    def set_alias(self, name: str, alias: str, version: str) -> JsonObject:
        """``PUT /models/{name}/aliases/{alias}``: point ``name@alias`` at ``version``."""
        body = {"version": str(version)}
        return self._json("PUT", f"/models/{name}/aliases/{alias}", json=body)
