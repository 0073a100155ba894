"""Authorise before reading: a request the key may not make is refused from its headers.

FastAPI reads (and for uploads, spools) the whole body before an endpoint's dependencies
run, so without this a 150 MB upload with no key is received whole before its 401. Here,
in the ASGI layer, the request is matched against the app's routes; the role its endpoint
needs is read from the endpoint's dependencies (``require(role)`` in ``app_api.auth``
records it as ``required_role``: the ``Viewer`` / ``Operator`` / ``Admin`` annotations are
the one source of truth), and the key is checked by ``app_api.auth.authorize`` (the same
check, rate limit and audit of refusals as the dependencies) before the body is touched.
A refusal answers in the one error shape and closes the connection when a body was
announced, so the server never waits for the rest of it.

Requests that match no route, or a route that needs no key (``/health``, ``/metrics``),
pass through unchanged: the app answers them (404, 405, ...) as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi.dependencies.models import Dependant
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import Scope

from app_api.auth import ROLE_RANK, authorize
from app_api.errors import ApiError, error_response


def required_role(dependant: Dependant | None) -> str | None:
    """The highest role any dependency of ``dependant`` requires, or None."""
    if dependant is None:
        return None
    best: str | None = None
    for role in _roles(dependant, set()):
        if best is None or ROLE_RANK[role] > ROLE_RANK[best]:
            best = role
    return best


def _roles(dependant: Dependant, seen: set[int]) -> Iterable[str]:
    role = getattr(dependant.call, "required_role", None)
    if isinstance(role, str) and role in ROLE_RANK:
        yield role
    for sub in dependant.dependencies:
        if id(sub) not in seen:
            seen.add(id(sub))
            yield from _roles(sub, seen)


def route_roles(app: Any) -> list[tuple[Any, str | None]]:
    """Every route of ``app`` (routers included, flattened) with the role it needs.

    Computed once per app and kept on ``app.state``. Each route is the object that
    matches a scope: FastAPI's effective route of an included router, or the route.
    """
    cached = getattr(app.state, "route_roles", None)
    if cached is not None:
        return list(cached)
    found: list[tuple[Any, str | None]] = []
    for route in app.router.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        for matcher in contexts() if callable(contexts) else [route]:
            dependant = getattr(matcher, "dependant", None) or getattr(
                getattr(matcher, "original_route", None), "dependant", None
            )
            found.append((matcher, required_role(dependant)))
    app.state.route_roles = found
    return list(found)


def route_role(app: Any, scope: Scope) -> str | None:
    """The role the route matching ``scope`` needs; None when none matches or needs a key.

    Only a full match (path and method) counts: a path matched with the wrong method is
    left to the app's 405, like an unknown path to its 404.
    """
    for matcher, role in route_roles(app):
        match, _ = matcher.matches(scope)
        if match == Match.FULL:
            return role
    return None


async def refusal(scope: Scope) -> Response | None:
    """The error response for a request its key may not make, or None to let it in.

    Reads only the request's headers; never calls ``receive``.
    """
    app = scope.get("app")
    if scope["type"] != "http" or app is None or not hasattr(app, "router"):
        return None
    role = route_role(app, scope)
    if role is None:
        return None
    request = Request(scope)
    try:
        await authorize(request, role)
    except ApiError as exc:
        response = error_response(
            request, exc.status_code, exc.code, exc.message, exc.problems, exc.headers
        )
        if _has_body(Headers(scope=scope)):  # the unread body is not waited for
            response.headers["Connection"] = "close"
        return response
    return None


def _has_body(headers: Headers) -> bool:
    if "transfer-encoding" in headers:
        return True
    length = headers.get("content-length", "0")
    return not length.isdigit() or int(length) > 0
