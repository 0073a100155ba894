"""Job bodies: a job request (with examples), a job, a page of jobs, its log."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from app_api.schemas.common import MAX_SEED, JobType, Priority, RequestBody, ResponseBody, Status

CUSTOMER_CONFIG: dict[str, Any] = {
    "tables": [
        {
            "table_name": "customers",
            "columns": [
                {
                    "name": "customer_id",
                    "type": "int",
                    "constraints": ["PK"],
                    "rule": {"type": "range", "min": 1, "max": 10000},
                },
                {"name": "first_name", "type": "str", "rule": "first_name"},
                {"name": "age", "type": "int", "rule": {"type": "range", "min": 18, "max": 80}},
            ],
        }
    ],
    "locale": "en_US",
    "rows": 1000,
    "output_format": "csv",
}


JOB_EXAMPLES: dict[str, Any] = {
    "generate": {
        "summary": "Generate rule-based data from a config",
        "value": {"job_type": "generate", "config": CUSTOMER_CONFIG, "priority": "normal"},
    },
    "fit": {
        "summary": "Fit a model on an uploaded dataset",
        "value": {
            "job_type": "fit",
            "config": {
                "dataset": "ds_0123456789abcdef",
                "name": "customers",
                "model": "auto",
            },
        },
    },
    "sample": {
        "summary": "Sample rows from a registered model",
        "value": {
            "job_type": "sample",
            "config": {"model": "customers@champion", "rows": 10000},
            "seed": 7,
        },
    },
    "profile": {
        "summary": "Profile an uploaded dataset",
        "value": {"job_type": "profile", "config": {"dataset": "ds_0123456789abcdef"}},
    },
}


class JobRequest(RequestBody):
    """A job to queue."""

    job_type: JobType = Field(
        description=(
            "What to run: generate (rule-based data from a config), fit (a learned model on a "
            "dataset), sample (rows from a registered model), profile, mask or evaluate."
        )
    )
    config: dict[str, Any] = Field(
        description=(
            "The job's parameters. For `generate`, a rule config (`tables`, `rows`, "
            "`output_format`, ...) or the GenerateParams object (`config`, `rows`, "
            "`output_format`, `seed`); for the other types the fields of FitParams, "
            "SampleParams, ProfileParams, MaskParams or EvaluateParams (see the schemas)."
        ),
        examples=[CUSTOMER_CONFIG],
    )
    priority: Priority = Field(
        "normal",
        description=("Queue priority: high jobs start before normal ones, normal before low."),
    )
    seed: int | None = Field(
        None,
        ge=0,
        le=MAX_SEED,
        description=(
            "The job's random seed (same seed, same data); null picks one, or takes the "
            "parameters' seed."
        ),
    )


class JobOut(ResponseBody):
    """A job as stored."""

    job_id: str = Field(description="The job's id: `job_` and 24 hex digits.")
    job_type: str = Field(description="generate, fit, sample, profile, mask or evaluate.")
    status: Status = Field(description="queued, running, completed, failed or cancelled.")
    priority: Priority = Field(description="low, normal or high.")
    params: dict[str, Any] = Field(description="The validated parameters, defaults filled in.")
    seed: int = Field(description="The job's seed.")
    progress: float = Field(description="Progress from 0 to 1.")
    stage: str = Field(description="What the job is doing now.")
    result: dict[str, Any] | None = Field(
        description=(
            "Once completed: the outputs (`outputs`: table, path, rows, format) and figures."
        )
    )
    error: str | None = Field(description="Why the job failed or was cancelled.")
    attempts: int = Field(description="Attempts so far (a job whose worker died is retried).")
    max_attempts: int = Field(description="Attempts allowed.")
    parent_id: str | None = Field(description="The split job this partition belongs to.")
    partition: int | None = Field(description="The partition's index within its parent.")
    parts_total: int = Field(description="Partitions of a split job (0 when not split).")
    parts_done: int = Field(description="Partitions finished.")
    worker: str | None = Field(description="The worker running the job.")
    rows: int = Field(description="Rows generated (completed generate and sample jobs).")
    created_at: str | None = Field(description="When the job was queued (ISO-8601 UTC).")
    started_at: str | None = Field(description="When a worker started it (ISO-8601 UTC).")
    finished_at: str | None = Field(description="When it finished (ISO-8601 UTC).")
    heartbeat_at: str | None = Field(description="The worker's last heartbeat (ISO-8601 UTC).")
    cancel_requested: bool = Field(description="True once cancellation was asked for.")
    owner: str | None = Field(description="The id of the API key that submitted it.")
    request_id: str | None = Field(description="The id of the request that submitted it.")
    duration_seconds: float | None = Field(None, description="Seconds from start to finish.")


class JobList(BaseModel):
    """A page of jobs, newest first."""

    jobs: list[JobOut] = Field(description="The jobs on this page.")
    total: int = Field(description="Jobs matching the filter, over all pages.")
    page: int = Field(description="This page's number, from 1.")
    page_size: int = Field(description="Jobs per page.")


class LogLine(ResponseBody):
    """One line of a job's log (with any extra fields the job logged)."""

    at: str | None = Field(description="When (ISO-8601 UTC).")
    level: str = Field(description="INFO, WARNING or ERROR.")
    message: str = Field(description="What happened.")


class JobLogs(BaseModel):
    """The last lines of a job's log, oldest first."""

    job_id: str = Field(description="The job's id.")
    lines: list[LogLine] = Field(description="The log lines, oldest first.")
