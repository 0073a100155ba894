"""System bodies: health, statistics, settings."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class HealthOut(BaseModel):
    """Whether the service can work."""

    status: Literal["ok", "unavailable"] = Field(
        description="ok, or unavailable when the job store cannot be reached."
    )
    store: str = Field(description="`ok`, or why the job store cannot be reached.")
    worker_mode: Literal["embedded", "celery"] = Field(
        description=("embedded (the local pool of `syndata serve`) or celery (SYNDATA_BROKER_URL).")
    )
    auth: Literal["on", "off"] = Field(description="Whether API keys are required.")
    version: str = Field(description="The syndata version.")


class StatsOut(BaseModel):
    """Job figures."""

    jobs: dict[str, int] = Field(description="Jobs per status.")
    total: int = Field(description="Jobs in all.")
    queue_depth: int = Field(description="Jobs waiting in the queue.")
    running: int = Field(description="Jobs being run.")
    rows_generated: int = Field(description="Rows written by completed generate and sample jobs.")
    datasets: int = Field(description="Uploaded datasets.")
    worker_mode: Literal["embedded", "celery"] = Field(description="embedded or celery.")


class SettingsOut(BaseModel):
    """The settings in force (no secrets: passwords in URLs are masked)."""

    home: str = Field(description="The data folder (SYNDATA_HOME).")
    jobs_url: str = Field(description="The job store (SYNDATA_JOBS_URL or SQLite in the home).")
    broker_url: str | None = Field(description="The Celery broker (SYNDATA_BROKER_URL), if any.")
    worker_mode: Literal["embedded", "celery"] = Field(description="embedded or celery.")
    mlflow_tracking_uri: str = Field(description="The model registry (MLFLOW_TRACKING_URI).")
    audit_log: str = Field(description="The audit log file (SYNDATA_AUDIT_LOG).")
    jobs_dir: str = Field(description="Where job outputs are kept.")
    uploads_dir: str = Field(description="Where uploads are kept.")
    partition_rows: int = Field(
        description="Rows per partition of a large sample job (SYNDATA_PARTITION_ROWS)."
    )
    heartbeat_timeout: float = Field(
        description="Seconds before a silent worker's job is "
        "taken back (SYNDATA_HEARTBEAT_TIMEOUT)."
    )
    auth: Literal["on", "off"] = Field(description="Whether API keys are required (SYNDATA_AUTH).")
    bootstrap_key_set: bool = Field(description="Whether SYNDATA_API_KEY is set.")
    max_upload_mb: float = Field(description="The largest upload (SYNDATA_MAX_UPLOAD_MB).")
    rate_limit_per_minute: int = Field(
        description="Requests per minute per key (SYNDATA_RATE_LIMIT)."
    )
    masking_secret_set: bool = Field(description="Whether SYNDATA_MASKING_SECRET is set.")
    encryption_key_set: bool = Field(description="Whether SYNDATA_ENCRYPTION_KEY is set.")
