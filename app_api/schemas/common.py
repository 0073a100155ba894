"""What every body shares: the vocabularies, the request and response bases, the error shape."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

JobType = Literal["generate", "fit", "sample", "profile", "mask", "evaluate"]
Priority = Literal["low", "normal", "high"]
Status = Literal["queued", "running", "completed", "failed", "cancelled"]
Role = Literal["viewer", "operator", "admin"]
ExportFormat = Literal["csv", "jsonl", "parquet", "sql"]

MAX_SEED = 2**63 - 1


class RequestBody(BaseModel):
    """A request body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class ResponseBody(BaseModel):
    """A response body: fields added later pass through."""

    model_config = ConfigDict(extra="allow")


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
