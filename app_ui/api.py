"""The UI's client of the syndata REST API, with errors turned into readable text.

Every call goes over HTTP with the user's API key; nothing here imports the pipeline. A
failed call raises ``ApiError`` carrying the API's error shape (``status``, ``code``,
``message``, ``problems`` with ``path``/``message``/``fix``, ``request_id``), or a
``code`` of ``unreachable`` when the service cannot be reached at all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import httpx

from syndata.settings import API_URL_VAR, service_key, service_url

MLFLOW_UI_VAR = "MLFLOW_UI_URL"
DEFAULT_API_URL = "http://127.0.0.1:8000"
DEFAULT_MLFLOW_UI = "http://127.0.0.1:5000"
FINISHED = ("completed", "failed", "cancelled")


def api_url() -> str:
    """The API's base URL from ``SYNDATA_API_URL`` (default ``http://127.0.0.1:8000``)."""
    return service_url() or DEFAULT_API_URL


def env_api_key() -> str:
    """The API key from ``SYNDATA_API_KEY`` (empty when unset)."""
    return service_key() or ""


def mlflow_ui_url() -> str:
    """The MLflow UI's URL from ``MLFLOW_UI_URL`` (default ``http://127.0.0.1:5000``)."""
    return (os.environ.get(MLFLOW_UI_VAR, "").strip() or DEFAULT_MLFLOW_UI).rstrip("/")


@dataclass
class Problem:
    """One problem of a request: where, what, and how to fix it."""

    path: str
    message: str
    fix: str = ""


@dataclass(eq=False)
class ApiError(Exception):
    """A failed API call, in the API's one error shape."""

    status: int
    code: str
    message: str
    problems: list[Problem] = field(default_factory=list)
    request_id: str = ""

    def __str__(self) -> str:
        return self.text()

    def headline(self) -> str:
        """One line: what went wrong, with the HTTP status."""
        where = f"HTTP {self.status}" if self.status else "no answer"
        return f"{self.message} ({where})"

    def text(self) -> str:
        """The whole error as readable Markdown: the message, then one line per problem."""
        lines = [self.headline()]
        for problem in self.problems:
            fix = f" — fix: {problem.fix}" if problem.fix else ""
            path = f"`{problem.path}`: " if problem.path else ""
            lines.append(f"- {path}{problem.message}{fix}")
        if self.request_id:
            lines.append(f"\nrequest id `{self.request_id}`")
        return "\n".join(lines)

    @classmethod
    def from_response(cls, response: httpx.Response) -> ApiError:
        """The error a response carries (any body, even one not in the API's shape)."""
        try:
            body = response.json()
        except ValueError:
            body = None
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            text = response.text.strip()[:300] or response.reason_phrase or "request failed"
            return cls(
                response.status_code,
                "http_error",
                text,
                request_id=response.headers.get("x-request-id", ""),
            )
        problems = [
            Problem(str(p.get("path") or ""), str(p.get("message") or ""), str(p.get("fix") or ""))
            for p in error.get("problems") or []
            if isinstance(p, dict)
        ]
        return cls(
            int(error.get("status") or response.status_code),
            str(error.get("code") or "error"),
            str(error.get("message") or response.reason_phrase or "request failed"),
            problems,
            str(error.get("request_id") or ""),
        )


class Api:
    """The REST API at ``url``, called with ``key`` (``Authorization: Bearer``)."""

    def __init__(self, url: str, key: str | None, *, timeout: float = 60.0) -> None:
        self.url = url.rstrip("/")
        self.key = (key or "").strip()
        self.timeout = timeout

    # ------------------------------------------------------------------ plumbing

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"} if self.key else {}

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One call; ``ApiError`` for an error status or when the API cannot be reached."""
        try:
            response = httpx.request(
                method, f"{self.url}{path}", headers=self._headers(), timeout=self.timeout, **kwargs
            )
        except httpx.HTTPError as exc:
            raise ApiError(
                0,
                "unreachable",
                f"cannot reach the syndata API at {self.url} "
                f"({type(exc).__name__}: {exc}); start it with `syndata serve` "
                f"or set {API_URL_VAR}",
            ) from exc
        if response.status_code >= 400:
            raise ApiError.from_response(response)
        return response

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.request(method, path, **kwargs).json()

    # ------------------------------------------------------------------ system

    def health(self) -> dict[str, Any]:
        """``GET /health`` (needs no key); a 503 answer is returned, not raised."""
        try:
            response = httpx.get(f"{self.url}/health", timeout=min(self.timeout, 5.0))
        except httpx.HTTPError as exc:
            raise ApiError(
                0,
                "unreachable",
                f"cannot reach the syndata API at {self.url} "
                f"({type(exc).__name__}); start it with `syndata serve` or set "
                f"{API_URL_VAR}",
            ) from exc
        if response.status_code not in (200, 503):
            raise ApiError.from_response(response)
        return dict(response.json())

    def stats(self) -> dict[str, Any]:
        """``GET /stats``: jobs per status, queue depth, rows generated, datasets."""
        return dict(self._json("GET", "/stats"))

    def metrics_text(self) -> str:
        """``GET /metrics``: the Prometheus text exposition."""
        return self.request("GET", "/metrics").text

    # ------------------------------------------------------------------ jobs

    def submit(
        self,
        job_type: str,
        config: dict[str, Any],
        *,
        priority: str = "normal",
        seed: int | None = None,
    ) -> dict[str, Any]:
        """``POST /jobs``: queue a job; the job as stored."""
        body: dict[str, Any] = {"job_type": job_type, "config": config, "priority": priority}
        if seed is not None:
            body["seed"] = seed
        return dict(self._json("POST", "/jobs", json=body))

    def jobs(
        self, *, status: str | None = None, page: int = 1, page_size: int = 20
    ) -> dict[str, Any]:
        """``GET /jobs``: a page of jobs, newest first (``jobs``, ``total``)."""
        params: dict[str, Any] = {"page": page, "page_size": page_size}
        if status:
            params["status_filter"] = status
        return dict(self._json("GET", "/jobs", params=params))

    def job(self, job_id: str) -> dict[str, Any]:
        """``GET /jobs/{id}``."""
        return dict(self._json("GET", f"/jobs/{job_id}"))

    def logs(self, job_id: str, lines: int = 200) -> list[dict[str, Any]]:
        """``GET /jobs/{id}/logs``: the last lines, oldest first."""
        return list(self._json("GET", f"/jobs/{job_id}/logs", params={"lines": lines})["lines"])

    def cancel(self, job_id: str) -> dict[str, Any]:
        """``DELETE /jobs/{id}``: cancel a queued or running job."""
        return dict(self._json("DELETE", f"/jobs/{job_id}"))

    def result(self, job_id: str, table: str | None = None, fmt: str = "csv") -> bytes:
        """``GET /jobs/{id}/result``: one table in ``fmt``, or (no table) a zip of all."""
        params = {"table": table, "format": fmt} if table else {}
        return self.request("GET", f"/jobs/{job_id}/result", params=params).content

    # ------------------------------------------------------------------ data and config

    def upload_dataset(self, filename: str, data: bytes) -> dict[str, Any]:
        """``POST /datasets``: store a table; the dataset (``dataset_id``, ``table``)."""
        return dict(self._json("POST", "/datasets", files={"file": (filename, data)}))

    def schemas(self) -> list[dict[str, Any]]:
        """``GET /schemas``: the shipped configuration templates."""
        return list(self._json("GET", "/schemas")["schemas"])

    def schema(self, name: str) -> dict[str, Any]:
        """``GET /schemas/{name}``: a template with its ``config`` and ``text``."""
        return dict(self._json("GET", f"/schemas/{name}"))

    def validate(self, config: dict[str, Any], *, rows: int | None = None) -> dict[str, Any]:
        """``POST /config/validate``: the tables of a valid config (400: every problem)."""
        params = {"rows": rows} if rows else {}
        return dict(self._json("POST", "/config/validate", json=config, params=params))

    # ------------------------------------------------------------------ models

    def fit(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /models/{name}/fit``: queue a fit job."""
        return dict(self._json("POST", f"/models/{name}/fit", json=body))

    def sample(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /models/{name}/sample``: queue a sample job on the latest version."""
        return dict(self._json("POST", f"/models/{name}/sample", json=body))

    def models(self) -> list[dict[str, Any]]:
        """``GET /models``: every model, about its latest version."""
        return list(self._json("GET", "/models")["models"])

    def model(self, name: str) -> dict[str, Any]:
        """``GET /models/{name}``: aliases and every version with metrics and reports."""
        return dict(self._json("GET", f"/models/{name}"))

    def set_alias(self, name: str, alias: str, version: str) -> dict[str, Any]:
        """``PUT /models/{name}/aliases/{alias}``: point ``name@alias`` at ``version``."""
        return dict(
            self._json("PUT", f"/models/{name}/aliases/{alias}", json={"version": str(version)})
        )
