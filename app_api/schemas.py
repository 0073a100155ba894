"""Request and response bodies of the API, every field described for the OpenAPI document.

The parameters of each job type are ``syndata.jobs.runner``'s models (``GenerateParams``,
``FitParams``, ...); the bodies of ``POST /models/{name}/fit`` and ``.../sample`` reuse
them without the field the path gives.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Literal

import annotated_types
from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator
from pydantic.fields import FieldInfo

from syndata.jobs.runner import FitParams, SampleParams

JobType = Literal["generate", "fit", "sample", "profile", "mask", "evaluate"]
Priority = Literal["low", "normal", "high"]
Status = Literal["queued", "running", "completed", "failed", "cancelled"]
Role = Literal["viewer", "operator", "admin"]
ExportFormat = Literal["csv", "jsonl", "parquet", "sql"]

MAX_SEED = 2**63 - 1

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
                "model": "gaussian_copula",
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


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Response(BaseModel):
    model_config = ConfigDict(extra="allow")


# ------------------------------------------------------------------------------ errors


class ProblemOut(BaseModel):
    """One problem: where it is, what is wrong and how to fix it."""

    path: str = Field(
        description="Where the problem is, e.g. `config.tables[0].rows` "
        "or `query.page`; empty for the request as a whole."
    )
    message: str = Field(description="What is wrong.")
    fix: str = Field(description="How to fix it (may be empty).")


class ErrorDetail(BaseModel):
    """The details of an error."""

    status: int = Field(description="The HTTP status code.")
    code: str = Field(
        description=(
            "A stable machine-readable code: invalid_config, unauthorized, forbidden, "
            "not_found, conflict, payload_too_large, validation_error, rate_limited, privacy, "
            "unreadable_data, model_error, export_failed, internal_error, ..."
        )
    )
    message: str = Field(description="What went wrong, and how to fix it.")
    problems: list[ProblemOut] = Field(
        description=("Every problem found (an invalid configuration lists them all at once).")
    )
    request_id: str = Field(description="The request's id (also the X-Request-ID header).")


class ErrorResponse(BaseModel):
    """The one shape of every error response."""

    error: ErrorDetail = Field(description="The error.")


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in {
        400: "Invalid input: every problem is listed with its path.",
        401: "No API key, or an unknown or revoked one.",
        403: "The key's role does not allow this request.",
        404: "No such job, dataset, model, template or endpoint.",
        409: "The resource's state forbids the request.",
        413: "The upload is larger than SYNDATA_MAX_UPLOAD_MB.",
        422: "The request does not match this endpoint's parameters, or personal data "
        "(code `privacy`) has no decision.",
        429: "Rate limit exceeded; see the Retry-After header.",
    }.items()
}


# ------------------------------------------------------------------------------ jobs


class JobRequest(_Request):
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


class JobOut(_Response):
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


class LogLine(_Response):
    """One line of a job's log (with any extra fields the job logged)."""

    at: str | None = Field(description="When (ISO-8601 UTC).")
    level: str = Field(description="INFO, WARNING or ERROR.")
    message: str = Field(description="What happened.")


class JobLogs(BaseModel):
    """The last lines of a job's log, oldest first."""

    job_id: str = Field(description="The job's id.")
    lines: list[LogLine] = Field(description="The log lines, oldest first.")


# ------------------------------------------------------------------------------ config


class TableSummary(BaseModel):
    """A table a valid configuration generates."""

    name: str = Field(description="The table's name.")
    rows: int = Field(description="Rows it generates.")
    columns: list[str] = Field(description="Its columns, in generation order.")


class ValidationOut(BaseModel):
    """A valid configuration."""

    valid: bool = Field(description="Always true (an invalid configuration is a 400 error).")
    warnings: list[str] = Field(description="Things that work but may not be what you meant.")
    tables: list[TableSummary] = Field(description="The tables, in generation order.")


class UploadedConfig(ValidationOut):
    """A configuration file stored after validation."""

    config_id: str = Field(description="The stored file's id (`cfg_` and 16 hex digits).")
    filename: str = Field(description="The file name as uploaded (for display only).")
    format: Literal["yaml", "json"] = Field(description="The file's format.")
    config: dict[str, Any] = Field(description="The configuration, as JSON.")


class SchemaInfo(BaseModel):
    """A shipped configuration template."""

    name: str = Field(description="The template's name (its file name without extension).")
    filename: str = Field(description="Its file name.")
    format: Literal["yaml", "json"] = Field(description="yaml or json.")
    description: str = Field(description="What it generates (its first comment line).")


class SchemaList(BaseModel):
    """The shipped configuration templates."""

    schemas: list[SchemaInfo] = Field(description="The templates, by name.")


class SchemaDetail(SchemaInfo):
    """A template's content."""

    config: dict[str, Any] = Field(description="The configuration, as JSON.")
    text: str = Field(description="The file's text as shipped (with its comments).")


# ------------------------------------------------------------------------------ datasets


class DatasetOut(_Response):
    """An uploaded dataset."""

    dataset_id: str = Field(description="The dataset's id (`ds_` and 16 hex digits).")
    filename: str = Field(description="The file name as uploaded (for display only).")
    size: int = Field(description="Size in bytes.")
    created_at: float = Field(description="When it was uploaded (seconds since the epoch).")
    format: str = Field(description="csv, parquet, json or jsonl.")
    table: str = Field(description="The table name taken from the file name.")
    project: str = Field("default", description="The project the dataset belongs to.")


class DatasetList(BaseModel):
    """The uploaded datasets, newest first."""

    datasets: list[DatasetOut] = Field(description="The datasets.")


# ------------------------------------------------------------------------------ models


_BOUNDS = {
    annotated_types.Gt: ("gt", "exclusiveMinimum"),
    annotated_types.Ge: ("ge", "minimum"),
    annotated_types.Lt: ("lt", "exclusiveMaximum"),
    annotated_types.Le: ("le", "maximum"),
}


def _lax(info: FieldInfo) -> FieldInfo:
    """A copy of ``info`` whose numeric bounds are documented but not enforced here.

    The job's own check (``runner.check_params``) enforces them, so a number out of range
    is a 400 naming the parameter and the allowed range, like in ``POST /jobs``.
    """
    lax = copy.deepcopy(info)
    documented: dict[str, Any] = {}
    kept = []
    for item in lax.metadata:
        bound = _BOUNDS.get(type(item))
        if bound is None:
            kept.append(item)
        else:
            documented[bound[1]] = getattr(item, bound[0])
    lax.metadata = kept
    if documented:
        lax.json_schema_extra = {**(lax.json_schema_extra or {}), **documented}  # type: ignore[dict-item]
    return lax


def _without(model: type[BaseModel], field: str, name: str, doc: str) -> type[BaseModel]:
    """``model`` without ``field`` (given by the path instead), descriptions kept."""
    fields: dict[str, Any] = {
        key: (info.annotation, _lax(info))
        for key, info in model.model_fields.items()
        if key != field
    }
    derived: type[BaseModel] = create_model(
        name, __config__=ConfigDict(extra="forbid"), __doc__=doc, **fields
    )
    return derived


if TYPE_CHECKING:
    FitBody = BaseModel
    SampleBody = BaseModel
else:
    FitBody = _without(
        FitParams, "name", "FitBody", "Fit parameters; the model's name comes from the path."
    )
    SampleBody = _without(
        SampleParams, "model", "SampleBody", "Sample parameters; the model comes from the path."
    )


class ModelList(BaseModel):
    """The registered models (about each one's latest version)."""

    models: list[dict[str, Any]] = Field(
        description=(
            "One entry per model: name, version, aliases, model_type, created, quality, metrics."
        )
    )


class AliasRequest(_Request):
    """Point an alias at a version."""

    version: str = Field(
        pattern=r"^[1-9][0-9]{0,9}$",
        description=('The model version the alias points to, e.g. "2".'),
        examples=["2"],
    )

    @field_validator("version", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value


class AliasOut(BaseModel):
    """An alias as set."""

    name: str = Field(description="The model's name.")
    alias: str = Field(description="The alias.")
    version: str = Field(description="The version it points to.")
    reference: str = Field(description="The reference to use in sample jobs: `name@alias`.")


# ------------------------------------------------------------------------------ keys


class KeyRequest(_Request):
    """A key to create."""

    role: Role = Field(
        description="viewer (read), operator (run jobs, upload) or admin (also keys and settings)."
    )
    name: str = Field("", max_length=200, description="A name to recognise the key by.")
    project: str | None = Field(
        None,
        max_length=64,
        description=(
            "The key's project (lower-case letters, digits, '_', '-'); default: the caller's "
            "(a server admin's: 'default'). "
            "A project admin creates keys in its own project only; a server admin in any, and "
            "'*' makes another server admin."
        ),
        examples=["marketing"],
    )


class KeyOut(_Response):
    """An API key (never its secret)."""

    key_id: str = Field(description="The key's id (`key_` and 16 hex digits).")
    name: str = Field(description="Its name.")
    role: Role = Field(description="Its role.")
    created_at: str | None = Field(description="When it was created (ISO-8601 UTC).")
    last_used_at: str | None = Field(description="When it was last used (ISO-8601 UTC).")
    revoked: bool = Field(description="True once revoked.")
    project: str = Field(description="The key's project ('*': a server admin).")


class KeyCreated(BaseModel):
    """A new key and its secret, shown only once."""

    key: KeyOut = Field(description="The key.")
    secret: str = Field(
        description="The secret to send as `Authorization: Bearer <secret>`; "
        "it is not stored and cannot be shown again."
    )


class KeyList(BaseModel):
    """Every API key, oldest first."""

    keys: list[KeyOut] = Field(description="The keys.")


# ------------------------------------------------------------------------------ system


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
