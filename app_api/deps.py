"""What handlers share: the job and key stores, the settings, the rate limiter, the request id.

The stores are created on first use (or by the app's lifespan), never at import time, so
``uvicorn app_api.main:app`` and tests can set the environment first.
"""

from __future__ import annotations

import threading
from typing import Any

import sqlalchemy.exc
from fastapi import FastAPI, Request

from app_api.logs import get_logger
from app_api.ratelimit import RateLimiter
from app_api.settings import ApiSettings
from syndata.access.keys import KeyStore
from syndata.access.projects import SERVER_PROJECT
from syndata.errors import ConfigError, Problem
from syndata.jobs.store import JobStore
from syndata.settings import API_KEY_VAR, AUTH_VAR

MIN_KEY_LENGTH = 16
AUTH_OFF_WARNING = (
    "authentication is OFF ({var}=off): every request acts as admin, with no API key. "
    "Never expose this service beyond a trusted machine; unset {var} to turn it back on"
)

_start_lock = threading.Lock()


def ensure_started(app: FastAPI) -> JobStore:
    """Open the stores, create the bootstrap key and warn about auth-off mode, once.

    The key store (``app.state.keys``) shares the job store's database unless one was
    passed to ``create_app``.
    """
    state = app.state
    store: JobStore | None = getattr(state, "store", None)
    if store is not None and getattr(state, "started", False):
        return store
    with _start_lock:
        store = getattr(state, "store", None)
        if store is None:
            store = JobStore()
            state.store = store
            state.owns_store = True
        if getattr(state, "keys", None) is None:
            state.keys = KeyStore(database=store.database)
        if not getattr(state, "started", False):
            settings: ApiSettings = state.api_settings
            if settings.bootstrap_key:
                bootstrap_key(state.keys, settings.bootstrap_key)
            if not settings.auth_enabled:
                get_logger().warning(
                    AUTH_OFF_WARNING.format(var=AUTH_VAR), extra={"event": "auth_off"}
                )
            _audit_key_notice()
            state.started = True
    return store


def _audit_key_notice() -> None:
    """Say once, at start, which key keys the audit log (generating it when missing)."""
    from syndata.errors import OutputError
    from syndata.privacy import audit

    try:
        source = audit.ensure_key()
    except (OutputError, ValueError) as exc:
        get_logger().error("the audit log cannot be keyed: %s", exc, extra={"event": "audit_key"})
        return
    if source.path is None:
        return  # SYNDATA_AUDIT_KEY: the admin chose and keeps the key
    state = "generated" if source.created else "uses"
    get_logger().warning(
        f"the audit log is keyed (HMAC-SHA256) with the key file {source.path} ({state}): "
        "keep it and back it up apart from the audit log; without it `syndata audit "
        "verify` cannot check the log, and whoever reads it can forge lines",
        extra={
            "event": "audit_key",
            "key_file": str(source.path),
            "key_created": source.created,
            "unkeyed_sealed": source.sealed,
        },
    )


def bootstrap_key(keys: KeyStore, secret: str) -> None:
    """Create a server-admin key with ``secret`` (SYNDATA_API_KEY) unless the store has it.

    The key is an admin of every project (project ``*``); one stored before projects
    existed (in ``default``) is made a server admin.
    """
    if len(secret) < MIN_KEY_LENGTH:
        raise ConfigError(
            [
                Problem(
                    API_KEY_VAR,
                    f"{API_KEY_VAR} is shorter than {MIN_KEY_LENGTH} characters",
                    f"set {API_KEY_VAR} to a long random string, e.g. the "
                    "output of `python -c 'import secrets; "
                    "print(secrets.token_urlsafe(32))'`",
                )
            ]
        )
    log = get_logger()
    found = keys.find_key(secret)
    if found is not None:
        if found.revoked:
            log.warning(
                f"{API_KEY_VAR} names the revoked key {found.key_id}; it stays "
                "revoked and cannot sign in",
                extra={"key_id": found.key_id},
            )
        elif found.role == "admin" and found.project != SERVER_PROJECT:
            keys.set_key_project(found.key_id, SERVER_PROJECT)
            log.info(
                f"the {API_KEY_VAR} key {found.key_id} is now a server admin (project "
                f"{SERVER_PROJECT!r})",
                extra={"key_id": found.key_id},
            )
        return
    try:
        key, _ = keys.create_key(
            "admin",
            name=f"bootstrap ({API_KEY_VAR})",
            secret=secret,
            project=SERVER_PROJECT,
            record=False,  # the operator's configuration, not a key created by a caller
        )
    except sqlalchemy.exc.IntegrityError:  # another process created it at the same moment
        return
    log.info(
        f"created admin key {key.key_id} from {API_KEY_VAR}",
        extra={"key_id": key.key_id, "event": "key_bootstrap"},
    )


def get_store(request: Request) -> JobStore:
    """The app's job store (opened on first use)."""
    return ensure_started(request.app)


def get_keys(request: Request) -> KeyStore:
    """The app's key store (opened with the job store on first use)."""
    ensure_started(request.app)
    keys: KeyStore = request.app.state.keys
    return keys


def get_settings(request: Request) -> ApiSettings:
    """The app's settings."""
    settings: ApiSettings = request.app.state.api_settings
    return settings


def get_limiter(request: Request) -> RateLimiter:
    """The app's rate limiter."""
    limiter: RateLimiter = request.app.state.limiter
    return limiter


def request_id(request: Request) -> str:
    """The id of the request being served."""
    value: Any = getattr(request.state, "request_id", None)
    return value if isinstance(value, str) else ""


def client_address(request: Request) -> str:
    """The client's address (for rate limits and audit lines)."""
    return request.client.host if request.client else "unknown"
