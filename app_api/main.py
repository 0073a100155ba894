"""The syndata REST service (FastAPI).

``create_app(store)`` builds the app; ``app`` (made on first access, so importing this
module reads nothing) serves ``uvicorn app_api.main:app``. The app runs no workers: jobs
are run by ``syndata serve``'s embedded pool or by Celery workers. The job store lives on
``app.state.store``; it is opened at start (or on first use) unless one is passed in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.concurrency import run_in_threadpool

from app_api import errors, logs, metrics
from app_api.deps import ensure_started
from app_api.middleware import RequestContextMiddleware
from app_api.ratelimit import RateLimiter
from app_api.routes import config, datasets, jobs, keys, models, system
from app_api.schemas import ERROR_RESPONSES
from app_api.settings import ApiSettings, load
from syndata import __version__
from syndata.access.keys import KeyStore
from syndata.jobs.params import PARAMS
from syndata.jobs.store import JobStore

DESCRIPTION = """
Generate synthetic data from configurations, fit models on uploaded datasets and sample
from them. Jobs are queued and run by workers: submit one, follow it with
`GET /jobs/{job_id}`, download its outputs from `GET /jobs/{job_id}/result`.

**Authentication**: send an API key as `Authorization: Bearer <key>` or
`X-API-Key: <key>`. Roles: *viewer* (read), *operator* (also submit and cancel jobs,
upload, validate, fit, sample, set aliases), *admin* (also keys and settings).
`/health` and `/metrics` need no key. Create the first key with
`syndata keys create --role admin`, or set `SYNDATA_API_KEY` before start.

**Errors** all have one shape: `{"error": {"status", "code", "message", "problems":
[{"path", "message", "fix"}], "request_id"}}`. Every response carries `X-Request-ID`.

**Limits**: `SYNDATA_RATE_LIMIT` requests per minute per key (429 with `Retry-After`),
uploads up to `SYNDATA_MAX_UPLOAD_MB` megabytes (413).
"""

TAGS = [
    {"name": "jobs", "description": "Queue, follow, cancel jobs; download their outputs."},
    {"name": "config", "description": "Validate and upload configurations; templates."},
    {"name": "datasets", "description": "Upload real tables to fit, profile or mask."},
    {"name": "models", "description": "Fit, sample, and the model registry."},
    {"name": "keys", "description": "API keys (admin)."},
    {"name": "system", "description": "Health, statistics, metrics, settings."},
]


def create_app(
    store: JobStore | None = None,
    *,
    key_store: KeyStore | None = None,
    api_settings: ApiSettings | None = None,
) -> FastAPI:
    """The service. ``store`` defaults to one opened on ``syndata.settings.jobs_url()``.

    ``key_store`` defaults to the API keys of the job store's database.
    """
    logs.configure()
    chosen = api_settings or load()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(ensure_started, app)
        try:
            yield
        finally:
            from app_api import login_audit  # failed sign-ins counted and not yet written

            await run_in_threadpool(login_audit.flush, app)
            if getattr(app.state, "owns_store", False) and app.state.store is not None:
                app.state.store.dispose()

    app = FastAPI(
        title="syndata",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
    )
    app.state.api_settings = chosen
    app.state.store = store
    app.state.keys = key_store
    app.state.owns_store = False
    app.state.started = False
    app.state.limiter = RateLimiter(chosen.rate_limit)
    app.state.metrics_registry = metrics.registry_for(lambda: ensure_started(app))
    errors.install(app)
    app.add_middleware(RequestContextMiddleware, max_body=chosen.max_body_bytes)
    for module in (jobs, config, datasets, models, keys):
        app.include_router(module.router, responses=ERROR_RESPONSES)
    app.include_router(system.router)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The generated document, plus the job parameter models for reference."""
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for model in PARAMS.values():
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in schema.pop("$defs", {}).items():
            schemas.setdefault(name, definition)
        schemas.setdefault(model.__name__, schema)
    return document


_app: FastAPI | None = None


def __getattr__(name: str) -> Any:
    """``app``: the service, created on first access (for ``uvicorn app_api.main:app``)."""
    global _app
    if name == "app":
        if _app is None:
            _app = create_app()
        return _app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
