"""Structured JSON log lines for the service (logger ``syndata.api``), with request ids.

Each line is one JSON object: ``timestamp``, ``level``, ``logger``, ``message``, the
request id of the request being served (when there is one) and any ``extra`` fields.
Secrets never go into ``extra``: callers log key ids, never keys.
"""

from __future__ import annotations

import copy
import json
import logging
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_plus

from syndata import settings

LOGGER_NAME = "syndata.api"

request_id_var: ContextVar[str | None] = ContextVar("syndata_request_id", default=None)

_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON line."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as JSON: fixed fields first, then the ``extra`` fields."""
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class RequestIdFilter(logging.Filter):
    """Add the current request id to records that do not carry one."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keep the record; set ``request_id`` from the request context."""
        if not hasattr(record, "request_id"):
            current = request_id_var.get()
            if current is not None:
                record.request_id = current
        return True


class _JsonHandler(logging.StreamHandler):
    """The handler ``configure`` installs: writes to the current ``sys.stderr``."""

    def emit(self, record: logging.LogRecord) -> None:
        """Write the record to ``sys.stderr`` as it is now (it may have been replaced)."""
        self.stream = sys.stderr  # the handler's lock is held here
        super().emit(record)


_SECRET_PARAM = re.compile(
    r"key|token|secret|passw|auth|credential|signature|session|bearer", re.IGNORECASE
)
REDACTED = "REDACTED"


def redact_query(target: str) -> str:
    """A request target with the values of secret-like query parameters replaced.

    A parameter is secret-like when its name says so (``api_key``, ``key``, ``token``,
    ``secret``, ``password``, ...) or its value looks like an API key (``sk_...``).
    """
    path, sep, query = target.partition("?")
    if not sep:
        return target
    parts = []
    for item in query.split("&"):
        name, eq, value = item.partition("=")
        plain_name, plain_value = unquote_plus(name), unquote_plus(value)
        if (
            _SECRET_PARAM.search(plain_name)
            or plain_value.startswith("sk_")
            or plain_name.startswith("sk_")
        ):
            item = f"{name if not plain_name.startswith('sk_') else REDACTED}" + (
                f"={REDACTED}" if eq else ""
            )
        parts.append(item)
    return f"{path}?{'&'.join(parts)}"


class RedactQueryFilter(logging.Filter):
    """Redact secrets in the request line of uvicorn's access log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keep the record; its request target loses secret query values."""
        args = record.args
        if isinstance(args, tuple):
            record.args = tuple(
                redact_query(a) if isinstance(a, str) and "?" in a else a for a in args
            )
        return True


def uvicorn_log_config() -> dict[str, Any]:
    """The uvicorn logging config with ``RedactQueryFilter`` on its access log."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_query"] = {"()": RedactQueryFilter}
    config["handlers"]["access"].setdefault("filters", []).append("redact_query")
    return config


def get_logger() -> logging.Logger:
    """The service's logger."""
    return logging.getLogger(LOGGER_NAME)


def configure() -> logging.Logger:
    """Install the JSON handler on ``syndata.api`` once; the level from SYNDATA_LOG_LEVEL."""
    logger = get_logger()
    if not any(isinstance(h, _JsonHandler) for h in logger.handlers):
        handler = _JsonHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
    if not any(isinstance(f, RequestIdFilter) for f in logger.filters):
        logger.addFilter(RequestIdFilter())
    level = settings.checked("log_level").log_level
    logger.setLevel(level if level in logging.getLevelNamesMapping() else "INFO")
    return logger
