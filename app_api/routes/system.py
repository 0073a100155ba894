"""System: health (no key), statistics, Prometheus metrics (no key), settings (admin)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit, urlunsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from app_api import metrics
from app_api.auth import Admin, Viewer
from app_api.deps import ensure_started, get_settings, get_store
from app_api.logs import get_logger
from app_api.schemas import ERROR_RESPONSES, HealthOut, SettingsOut, StatsOut
from app_api.settings import ApiSettings
from syndata import __version__, settings
from syndata.jobs import datasets
from syndata.jobs.store import JobStore

router = APIRouter(tags=["system"])
Store = Annotated[JobStore, Depends(get_store)]


def worker_mode() -> str:
    """Celery with a broker, else the embedded pool of ``syndata serve``."""
    return "celery" if settings.broker_url() else "embedded"


@router.get(
    "/health",
    response_model=HealthOut,
    summary="Health check (no key needed)",
    responses={503: {"model": HealthOut, "description": "The job store cannot be reached."}},
)
def health(request: Request) -> JSONResponse:
    """Whether the job store answers, and how jobs are run. Needs no API key."""
    api_settings: ApiSettings = request.app.state.api_settings
    try:
        ensure_started(request.app).stats()
        store_state, code = "ok", 200
    except Exception as exc:  # any failure means "not healthy", never a 500
        get_logger().error("health check: the job store cannot be reached: %s", exc)
        store_state, code = f"unreachable: {type(exc).__name__}", 503
    body = {
        "status": "ok" if code == 200 else "unavailable",
        "store": store_state,
        "worker_mode": worker_mode(),
        "auth": "on" if api_settings.auth_enabled else "off",
        "version": __version__,
    }
    return JSONResponse(body, status_code=code)


@router.get("/stats", response_model=StatsOut, summary="Job statistics", responses=ERROR_RESPONSES)
def stats(store: Store, principal: Viewer) -> dict[str, Any]:
    """Jobs per status, queue depth, running jobs, rows generated, datasets.

    Of the caller's project (a server admin: of every project).
    """
    return {
        **store.stats(project=principal.scope),
        "datasets": len(datasets.list_datasets(principal.scope)),
        "worker_mode": worker_mode(),
    }


@router.get(
    "/metrics",
    summary="Prometheus metrics (no key needed)",
    response_class=Response,
    responses={
        200: {
            "content": {CONTENT_TYPE_LATEST: {}},
            "description": "The Prometheus text exposition: "
            "syndata_jobs_total{status}, "
            "syndata_project_jobs_total{project,status}, "
            "syndata_generation_duration_seconds, "
            "syndata_rows_generated_total, "
            "syndata_queue_depth, syndata_jobs_running.",
        }
    },
)
def prometheus_metrics(request: Request) -> Response:
    """Figures read from the job store at scrape time. Needs no API key."""
    ensure_started(request.app)
    return Response(
        metrics.exposition(request.app.state.metrics_registry), media_type=CONTENT_TYPE_LATEST
    )


@router.get(
    "/settings", response_model=SettingsOut, summary="Settings (admin)", responses=ERROR_RESPONSES
)
def show_settings(
    principal: Admin,
    api_settings: Annotated[ApiSettings, Depends(get_settings)],
) -> dict[str, Any]:
    """The settings in force, without secrets. Needs the admin role."""
    broker = settings.broker_url()
    return {
        "home": str(settings.home()),
        "jobs_url": redact(settings.jobs_url()),
        "broker_url": redact(broker) if broker else None,
        "worker_mode": worker_mode(),
        "mlflow_tracking_uri": redact(settings.mlflow_tracking_uri()),
        "audit_log": str(settings.audit_log_path()),
        "jobs_dir": str(settings.jobs_dir()),
        "uploads_dir": str(settings.uploads_dir()),
        "partition_rows": settings.partition_rows(),
        "heartbeat_timeout": settings.heartbeat_timeout(),
        **api_settings.public(),
        "masking_secret_set": settings.environ_value(settings.MASKING_SECRET_VAR) != "",
        "encryption_key_set": settings.environ_value(settings.ENCRYPTION_KEY_VAR) != "",
    }


def redact(url: str) -> str:
    """``url`` with any password replaced by ``***``."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return "***"
    if not password:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return urlunsplit(
        (parts.scheme, f"{user}:***@{host}{port}", parts.path, parts.query, parts.fragment)
    )
