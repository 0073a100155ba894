"""The outer layer of every request: request id, authorisation, body limit, errors, log.

- ``X-Request-ID``: taken from the request when it is a sane token, else generated; set on
  the response and on every log line written while the request is served.
- A request its key may not make (no key, unknown or revoked key: 401; role too low:
  403) is refused from its headers before its body is read (``app_api.authorize``).
- Bodies larger than the upload limit (plus multipart framing) are refused with 413
  before they are read, or as soon as the stream passes the limit.
- One JSON access line per request (method, path, status, duration, key id).
- An unexpected exception becomes a 500 in the one error shape; its traceback is logged.
"""

from __future__ import annotations

import re
import time
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app_api.authorize import refusal
from app_api.errors import ApiError, error_response
from app_api.logs import get_logger, request_id_var
from syndata.settings import MAX_UPLOAD_VAR

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


def new_request_id() -> str:
    """A fresh request id."""
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """See the module docstring."""

    def __init__(self, app: ASGIApp, *, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request (see the module docstring)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        given = headers.get(REQUEST_ID_HEADER, "")
        rid = given if _SANE_ID.match(given) else new_request_id()
        scope.setdefault("state", {})["request_id"] = rid
        token = request_id_var.set(rid)
        started = time.perf_counter()
        outcome = {"status": 500, "started": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                outcome["status"] = message["status"]
                outcome["started"] = True
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = rid
            await send(message)

        try:
            refused = await refusal(scope)  # a key or role refused from the headers alone
            if refused is not None:
                await refused(scope, receive, send_with_id)
                return
            if self._too_long(headers):
                await self._too_large(scope, receive, send_with_id)
                return
            await self.app(scope, self._limited(receive), send_with_id)
        except Exception as exc:
            get_logger().error(
                "unhandled error: %s",
                type(exc).__name__,
                exc_info=exc,
                extra={"path": scope.get("path", ""), "method": scope.get("method", "")},
            )
            if not outcome["started"]:
                response = error_response(
                    Request(scope),
                    500,
                    "internal_error",
                    f"an unexpected error occurred ({type(exc).__name__}); it was logged "
                    f"with request id {rid}",
                )
                await response(scope, receive, send_with_id)
        finally:
            state = scope.get("state", {})
            get_logger().info(
                "%s %s %s",
                scope.get("method", ""),
                scope.get("path", ""),
                outcome["status"],
                extra={
                    "event": "request",
                    "method": scope.get("method", ""),
                    "path": scope.get("path", ""),
                    "status": outcome["status"],
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "key_id": state.get("key_id"),
                    "request_id": rid,
                },
            )
            request_id_var.reset(token)

    def _too_long(self, headers: Headers) -> bool:
        length = headers.get("content-length")
        if length is None:
            return False
        try:
            return int(length) > self.max_body
        except ValueError:
            return False

    def _message(self) -> str:
        return (
            f"the request body is larger than the limit of "
            f"{self.max_body / (1 << 20):.1f} MB (uploads: {MAX_UPLOAD_VAR})"
        )

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(Request(scope), 413, "payload_too_large", self._message())
        response.headers["Connection"] = "close"
        await response(scope, receive, send)

    def _limited(self, receive: Receive) -> Receive:
        seen = 0

        async def receive_limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise ApiError(413, self._message(), code="payload_too_large")
            return message

        return receive_limited
