"""One error shape for every error the service returns, and the handlers that build it.

Every error body is::

    {"error": {"status": 400, "code": "invalid_config", "message": "...",
               "problems": [{"path": "tables[0].rows", "message": "...", "fix": "..."}],
               "request_id": "..."}}

syndata errors map to statuses by class (``STATUS_OF``); FastAPI's request validation
errors become 422 ``validation_error`` with one problem per invalid field; anything
unexpected becomes 500 ``internal_error`` (the traceback goes to the log, not the client).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app_api.logs import get_logger
from syndata.errors import (
    AuthError,
    ConfigError,
    DataReadError,
    GenerationError,
    JobError,
    JobNotFoundError,
    JobStateError,
    ModelError,
    ModelNotFoundError,
    OutputError,
    PermissionDenied,
    PrivacyError,
    Problem,
    QualityError,
    SyndataError,
    UploadTooLarge,
)

CODE_OF_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}

# most specific class first: the first match wins
STATUS_OF: tuple[tuple[type[SyndataError], int, str], ...] = (
    (ConfigError, 400, "invalid_config"),
    (PermissionDenied, 403, "forbidden"),
    (AuthError, 401, "unauthorized"),
    (ModelNotFoundError, 404, "not_found"),
    (JobNotFoundError, 404, "not_found"),
    (JobStateError, 409, "conflict"),
    (JobError, 400, "job_error"),
    (UploadTooLarge, 413, "payload_too_large"),
    (PrivacyError, 422, "privacy"),
    (DataReadError, 400, "unreadable_data"),
    (ModelError, 400, "model_error"),
    (QualityError, 400, "quality_error"),
    (GenerationError, 400, "generation_error"),
    (OutputError, 500, "output_error"),
)


class ApiError(HTTPException):
    """An error raised by the service itself, with its code and problems.

    A subclass of FastAPI's HTTPException, so FastAPI lets it through even when it is
    raised while the request body is read (the upload size limit).
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        problems: Sequence[Problem] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(
            status_code=status, detail=message, headers=dict(headers) if headers else None
        )
        self.code = code or CODE_OF_STATUS.get(status, "error")
        self.message = message
        self.problems = list(problems)


def error_body(
    status: int,
    code: str,
    message: str,
    problems: Sequence[Problem] = (),
    request_id: str | None = None,
) -> dict[str, Any]:
    """The JSON body of an error."""
    return {
        "error": {
            "status": status,
            "code": code,
            "message": message,
            "problems": [{"path": p.path, "message": p.message, "fix": p.fix} for p in problems],
            "request_id": request_id or "",
        }
    }


def error_response(
    request: Request | None,
    status: int,
    code: str,
    message: str,
    problems: Sequence[Problem] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A JSONResponse in the one error shape, carrying the request id."""
    request_id = _request_id(request)
    return JSONResponse(
        error_body(status, code, message, problems, request_id),
        status_code=status,
        headers=dict(headers) if headers else None,
    )


def classify(exc: SyndataError) -> tuple[int, str]:
    """The status and code of a syndata error."""
    for cls, status, code in STATUS_OF:
        if isinstance(exc, cls):
            return status, code
    return 400, "bad_request"


def problems_of(exc: SyndataError) -> list[Problem]:
    """The problems an error lists: a config's problems, a privacy error's columns."""
    if isinstance(exc, ConfigError):
        return exc.problems
    if isinstance(exc, PrivacyError):
        return [
            Problem(
                column,
                f"column {column!r} holds personal data ({entity}) and the "
                "privacy plan says nothing about it",
                f"decide for {column!r} in the privacy plan: mask, drop or keep it",
            )
            for column, entity in exc.columns.items()
        ]
    return []


def message_of(exc: SyndataError) -> str:
    """A one-line message for a syndata error (a ConfigError's first line)."""
    text = str(exc).strip()
    if isinstance(exc, ConfigError) and exc.problems:
        count = len(exc.problems)
        return f"invalid configuration: {count} problem{'s' if count != 1 else ''} found"
    return text or type(exc).__name__


async def syndata_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Turn a syndata error into the error shape."""
    assert isinstance(exc, SyndataError)
    status, code = classify(exc)
    if status >= 500:
        get_logger().error(
            "request failed: %s",
            exc,
            exc_info=exc,
            extra={"path": request.url.path, "error": type(exc).__name__},
        )
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return error_response(request, status, code, message_of(exc), problems_of(exc), headers)


async def http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Turn an HTTPException (the service's ApiError, or Starlette's 404/405) into the shape."""
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if isinstance(exc, ApiError):
        return error_response(
            request, exc.status_code, exc.code, exc.message, exc.problems, headers
        )
    status = exc.status_code
    message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if status == 404 and message == "Not Found":
        message = f"no such endpoint or resource: {request.method} {request.url.path}"
    elif status == 413:
        message = "the request body is larger than the service accepts"
    return error_response(
        request, status, CODE_OF_STATUS.get(status, "error"), message, (), headers
    )


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Turn FastAPI's request validation errors into 422 with one problem per error."""
    assert isinstance(exc, RequestValidationError)
    problems = [_problem(error) for error in exc.errors()]
    count = len(problems)
    return error_response(
        request,
        422,
        "validation_error",
        f"the request is not valid: {count} problem{'s' if count != 1 else ''}",
        problems,
    )


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(SyndataError, syndata_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)


def _problem(error: Mapping[str, Any]) -> Problem:
    loc = [str(part) for part in error.get("loc", ())]
    path = ".".join(loc)
    message = str(error.get("msg", "invalid value"))
    kind = str(error.get("type", ""))
    where = loc[0] if loc else "request"
    if kind == "missing":
        fix = f"add {loc[-1]!r}" if loc else "add the missing value"
    elif kind == "json_invalid":
        fix = "send a valid JSON body"
    elif kind == "extra_forbidden":
        fix = f"remove {loc[-1]!r}; it is not a known field" if loc else "remove it"
    else:
        ctx = error.get("ctx") or {}
        expected = ctx.get("expected") if isinstance(ctx, Mapping) else None
        fix = (
            f"use {expected}"
            if expected
            else f"correct the {where} value at {path!r}"
            if path
            else "correct the value"
        )
    return Problem(path, _plain_text(message), _plain_text(fix))


def _plain_text(text: str) -> str:
    return text if len(text) <= 500 else text[:497] + "..."


def _request_id(request: Request | None) -> str | None:
    if request is None:
        return None
    value = getattr(request.state, "request_id", None)
    return value if isinstance(value, str) else None


def retry_after(seconds: float) -> str:
    """A Retry-After header value: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))
