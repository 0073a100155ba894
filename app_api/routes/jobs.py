"""Jobs: submit, read, list, cancel, logs and results."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response, status
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from app_api.auth import Operator, Principal, Viewer
from app_api.deps import get_store, request_id
from app_api.errors import ApiError
from app_api.logs import get_logger
from app_api.schemas import JOB_EXAMPLES, ExportFormat, JobList, JobLogs, JobOut, JobRequest, Status
from syndata import settings
from syndata.access.projects import DEFAULT_PROJECT
from syndata.errors import ConfigError, JobNotFoundError, OutputError, Problem
from syndata.jobs import results
from syndata.jobs.dispatch import submit_job
from syndata.jobs.job import Job
from syndata.jobs.store import JobStore
from syndata.privacy import audit

router = APIRouter(prefix="/jobs", tags=["jobs"])
Store = Annotated[JobStore, Depends(get_store)]

JOB_ID = re.compile(r"^job_[A-Za-z0-9_-]{1,64}$")
MEDIA_TYPES = {
    "csv": "text/csv",
    "jsonl": "application/x-ndjson",
    "parquet": "application/vnd.apache.parquet",
    "sql": "application/sql",
    "zip": "application/zip",
}


def find_job(store: JobStore, job_id: str, principal: Principal) -> Job:
    """The job ``job_id`` of the caller's project; 404 for anything else.

    Another project's job is a 404 with the same message as an unknown id.
    """
    if not JOB_ID.match(job_id):
        raise JobNotFoundError(
            f"no job {job_id[:80]!r}: job ids look like 'job_' and 24 hex "
            "digits; list jobs with GET /jobs"
        )
    return store.get(job_id, project=principal.scope)


def submit(
    request: Request,
    store: JobStore,
    job_type: str,
    params: dict[str, Any],
    *,
    priority: str,
    seed: int | None,
    owner: str | None,
    prefix: str = "",
    project: str = DEFAULT_PROJECT,
) -> Job:
    """Queue a job of ``project`` through ``syndata.jobs``; problem paths point into the body."""
    try:
        return submit_job(
            store,
            job_type,
            params,
            priority=priority,
            seed=seed,
            owner=owner,
            request_id=request_id(request) or None,
            project=project,
        )
    except ConfigError as exc:
        if not prefix:
            raise
        raise ConfigError(
            [Problem(_join(prefix, p.path), p.message, p.fix) for p in exc.problems], exc.source
        ) from exc


def _join(prefix: str, path: str) -> str:
    if not path:
        return prefix
    return f"{prefix}{path}" if path.startswith("[") else f"{prefix}.{path}"


def job_params(body: JobRequest) -> tuple[dict[str, Any], str]:
    """The parameters to submit and the body path they sit at.

    A generate job's ``config`` may be the rule config itself (``tables``, ``rows``, ...),
    as in ``syndata generate --config``: it is passed on as ``{"config": ...}``.
    """
    config = dict(body.config)
    if body.job_type == "generate" and "tables" in config and "config" not in config:
        return {"config": config}, ""
    return config, "config"


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobOut,
    summary="Queue a job",
    responses={202: {"description": "The job, queued; `Location` names it."}},
)
def create_job(
    request: Request,
    response: Response,
    body: Annotated[JobRequest, Body(openapi_examples=JOB_EXAMPLES)],
    store: Store,
    principal: Operator,
) -> dict[str, Any]:
    """Validate the job's parameters (400 lists every problem with its path) and queue it.

    Workers run it; follow it with `GET /jobs/{job_id}`. Needs the operator role.
    """
    params, prefix = job_params(body)
    job = submit(
        request,
        store,
        body.job_type,
        params,
        priority=body.priority,
        seed=body.seed,
        owner=principal.key_id,
        prefix=prefix,
        project=principal.home,
    )
    response.headers["Location"] = f"/jobs/{job.job_id}"
    return job.to_dict()


@router.get("", response_model=JobList, summary="List jobs")
def list_jobs(
    store: Store,
    principal: Viewer,
    page: Annotated[int, Query(ge=1, le=1_000_000, description="Page number, from 1.")] = 1,
    page_size: Annotated[int, Query(ge=1, le=10_000, description="Jobs per page.")] = 20,
    status_filter: Annotated[Status | None, Query(description="Only jobs in this status.")] = None,
) -> dict[str, Any]:
    """A page of the project's jobs, newest first (partitions of split jobs are left out)."""
    jobs, total = store.list(
        page=page, page_size=page_size, status=status_filter, project=principal.scope
    )
    return {
        "jobs": [j.to_dict() for j in jobs],
        "total": total,
        "page": page,
        "page_size": page_size,
    }


@router.get("/{job_id}", response_model=JobOut, summary="Get a job")
def get_job(job_id: str, store: Store, principal: Viewer) -> dict[str, Any]:
    """The job's status, progress, result or error (404 when there is no such job)."""
    return find_job(store, job_id, principal).to_dict()


@router.delete("/{job_id}", response_model=JobOut, summary="Cancel a job")
def cancel_job(job_id: str, store: Store, principal: Operator) -> dict[str, Any]:
    """Cancel a queued job at once, or ask a running job's worker to stop it.

    A finished job cannot be cancelled (409). Needs the operator role.
    """
    find_job(store, job_id, principal)
    return store.cancel(job_id).to_dict()


@router.get("/{job_id}/logs", response_model=JobLogs, summary="Get a job's log")
def job_logs(
    job_id: str,
    store: Store,
    principal: Viewer,
    lines: Annotated[int, Query(ge=1, le=10_000, description="How many of the last lines.")] = 100,
) -> dict[str, Any]:
    """The last lines of the job's log, oldest first."""
    find_job(store, job_id, principal)
    return {
        "job_id": job_id,
        "lines": [results.public_log_line(line) for line in store.logs(job_id, lines)],
    }


@router.get(
    "/{job_id}/result",
    summary="Download a job's outputs",
    response_class=FileResponse,
    responses={
        200: {
            "description": "One table in the format asked for, or a zip of every output.",
            "content": {m: {} for m in MEDIA_TYPES.values()},
        }
    },
)
def job_result(
    job_id: str,
    store: Store,
    principal: Viewer,
    table: Annotated[
        str | None,
        Query(
            max_length=200,
            description="The output table to download; leave out for a zip of every output.",
        ),
    ] = None,
    format: Annotated[
        ExportFormat, Query(description="The table's format: csv, jsonl, parquet or sql.")
    ] = "csv",
) -> FileResponse:
    """A completed job's outputs: one table (converted to `format`) or a zip of them all.

    409 while the job is not completed; 404 for an unknown table. Downloads are audited.
    """
    job = find_job(store, job_id, principal)
    if job.status != "completed" or job.result is None:
        raise ApiError(
            409,
            f"job {job_id} is {job.status}; results can be downloaded once it is completed",
            code="conflict",
        )
    workdir = settings.jobs_dir() / job_id
    folder = tempfile.mkdtemp(prefix="syndata-download-")
    cleanup = BackgroundTask(shutil.rmtree, folder, ignore_errors=True)
    try:
        if table is None:
            path = results.zip_outputs(workdir, job.result, Path(folder) / f"{job_id}.zip")
            media, kind = MEDIA_TYPES["zip"], "zip"
        else:
            path = _export(workdir, job.result, table, format, Path(folder) / "export")
            media, kind = MEDIA_TYPES[format], format
        audit.record(
            "download",
            actor=principal.actor,
            job_id=job_id,
            details={"table": table, "format": kind, "via": "api"},
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    filename = f"{job_id}.zip" if table is None else f"{job_id}-{path.name}"
    return FileResponse(path, media_type=media, filename=filename, background=cleanup)


def _export(workdir: Path, result: dict[str, Any], table: str, fmt: str, dest: Path) -> Path:
    """``results.export_table``; a table that cannot be converted to ``fmt`` is a 400."""
    try:
        return results.export_table(workdir, result, table, fmt, dest)
    except OutputError as exc:
        get_logger().warning("export failed: %s", exc, extra={"table": table, "format": fmt})
        raise ApiError(
            400, f"table {table!r} cannot be exported as {fmt}: {exc}", code="export_failed"
        ) from exc
