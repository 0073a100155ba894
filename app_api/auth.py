"""API keys and roles.

A key is sent as ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``. Roles rank
viewer < operator < admin: viewers read (GET endpoints), operators also submit and
cancel jobs, upload, fit, sample, validate and set aliases, admins also manage keys and
read the settings. ``/health`` and ``/metrics`` need no key.

With ``SYNDATA_AUTH=off`` every request acts as admin. Refused requests (401, 403) are
written to the audit log as failed logins; secrets are never logged. Each key (or, for
refused requests, each client address) has its own rate-limit bucket.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, NoReturn

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from app_api.deps import client_address, get_keys, get_limiter, get_settings, request_id
from app_api.errors import ApiError, retry_after
from app_api.login_audit import failed_logins, write_line
from app_api.logs import get_logger
from syndata.access.keys import ROLES
from syndata.access.projects import DEFAULT_PROJECT, SERVER_PROJECT
from syndata.settings import API_KEY_VAR, RATE_LIMIT_VAR

ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
NO_KEYS_HINT = (
    f"no API key exists yet: create one with `syndata keys create --role admin`, "
    f"or set {API_KEY_VAR} and restart the service"
)

bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="BearerKey",
    description="An API key sent as `Authorization: Bearer <key>`.",
)
header_scheme = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    scheme_name="HeaderKey",
    description="An API key sent as `X-API-Key: <key>`.",
)


@dataclass(frozen=True)
class Principal:
    """Who is calling: a key's id, role and project (no key id when auth is off).

    A key sees only its project's jobs, datasets, configs and models. A server admin (an
    admin key of project ``*``; the ``SYNDATA_API_KEY`` key; every request when auth is
    off) sees every project; what it creates belongs to the ``default`` project.
    """

    key_id: str | None
    role: str
    name: str = ""
    project: str = DEFAULT_PROJECT

    @property
    def actor(self) -> str:
        """The name the audit log records."""
        return self.key_id or "anonymous"

    @property
    def server_admin(self) -> bool:
        """True for an admin of every project."""
        return self.project == SERVER_PROJECT and self.role == "admin"

    @property
    def scope(self) -> str | None:
        """The project whose objects this caller sees; None for every project."""
        return None if self.server_admin else self.project

    @property
    def home(self) -> str:
        """The project what this caller creates belongs to."""
        return DEFAULT_PROJECT if self.project == SERVER_PROJECT else self.project

    @property
    def model_scope(self) -> str:
        """The project the model registry is asked for (``*``: every project)."""
        return SERVER_PROJECT if self.server_admin else self.project


def authenticate(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)] = None,
    header_key: Annotated[str | None, Security(header_scheme)] = None,
) -> Principal:
    """The caller's key, checked against the store and its rate limit (401 / 429)."""
    known = getattr(request.state, "principal", None)
    if isinstance(known, Principal):  # checked already, from the headers (app_api.authorize)
        return known
    settings = get_settings(request)
    keys = get_keys(request)
    if not settings.auth_enabled:
        principal = Principal(None, "admin", "auth off", SERVER_PROJECT)
        _limit(request, f"client:{client_address(request)}")
        request.state.key_id = None
        return principal
    secret = (bearer.credentials if bearer is not None else None) or header_key
    if not secret:
        _limit_failure(request)
        hint = "" if keys.count_keys() else f"; {NO_KEYS_HINT}"
        _refuse(
            request,
            401,
            "missing_key",
            "no API key: send it as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'" + hint,
        )
    key = keys.verify_key(secret)
    if key is None:
        _limit_failure(request)
        hint = "" if keys.count_keys() else f"; {NO_KEYS_HINT}"
        _refuse(request, 401, "unknown_key", "the API key is unknown or revoked" + hint)
    _limit(request, key.key_id)
    request.state.key_id = key.key_id
    return Principal(key.key_id, key.role, key.name, key.project)


def require(role: str) -> Callable[..., Principal]:
    """A dependency that lets in keys of ``role`` or above (403 otherwise)."""
    if role not in ROLE_RANK:
        raise ValueError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")

    def dependency(
        request: Request, principal: Annotated[Principal, Depends(authenticate)]
    ) -> Principal:
        check_role(request, principal, role)
        return principal

    dependency.__name__ = f"require_{role}"
    dependency.required_role = role  # type: ignore[attr-defined]  # read by app_api.authorize
    return dependency


def check_role(request: Request, principal: Principal, role: str) -> None:
    """Refuse (403, audited) a principal whose role ranks below ``role``."""
    if ROLE_RANK.get(principal.role, -1) < ROLE_RANK[role]:
        _refuse(
            request,
            403,
            "role_too_low",
            f"this request needs the {role} role; key {principal.key_id} has the "
            f"{principal.role} role: ask an admin for a key with the {role} role",
            key_id=principal.key_id,
        )


async def authorize(request: Request, role: str) -> Principal:
    """Check the request's key and role from its headers alone (401 / 403 / 429).

    The same checks as the ``Viewer`` / ``Operator`` / ``Admin`` dependencies; the
    principal is kept on ``request.state`` so the endpoint's dependencies reuse it (one
    rate-limit token and at most one audit line per request).
    """
    bearer = await bearer_scheme(request)
    header_key = await header_scheme(request)

    def check() -> Principal:
        principal = authenticate(request, bearer, header_key)
        check_role(request, principal, role)
        return principal

    principal = await run_in_threadpool(check)
    request.state.principal = principal
    return principal


Viewer = Annotated[Principal, Depends(require("viewer"))]
Operator = Annotated[Principal, Depends(require("operator"))]
Admin = Annotated[Principal, Depends(require("admin"))]


def _limit(request: Request, bucket: str) -> None:
    wait = get_limiter(request).take(bucket)
    if wait > 0:
        limit = get_settings(request).rate_limit
        raise ApiError(
            429,
            f"rate limit of {limit} requests per minute exceeded; retry "
            f"after {retry_after(wait)} s (the limit is {RATE_LIMIT_VAR})",
            headers={"Retry-After": retry_after(wait)},
        )


def _limit_failure(request: Request) -> None:
    """Refused attempts spend tokens of the client's address: no unlimited guessing."""
    _limit(request, f"client:{client_address(request)}")


def _refuse(
    request: Request, status: int, reason: str, message: str, key_id: str | None = None
) -> NoReturn:
    details = {
        "status": status,
        "reason": reason,
        "method": request.method,
        "path": request.url.path[:200],
        "client": client_address(request)[:200],
        "request_id": request_id(request)[:200],
    }
    get_logger().warning(
        "request refused: %s", reason, extra={**details, "key_id": key_id, "event": "auth_failed"}
    )
    if status == 401:  # a failed sign-in: one audit line per client and window, counted
        failed_logins(request.app).add(client_address(request)[:200], details)
    else:
        write_line(details, actor=key_id or "anonymous")
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    raise ApiError(status, message, headers=headers)
