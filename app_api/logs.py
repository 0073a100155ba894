"""Structured JSON log lines for the service (logger ``syndata.api``), with request ids.

Each line is one JSON object: ``timestamp``, ``level``, ``logger``, ``message``, the
request id of the request being served (when there is one) and any ``extra`` fields.
Secrets never go into ``extra``: callers log key ids, never keys.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

LOGGER_NAME = "syndata.api"
LEVEL_VAR = "SYNDATA_LOG_LEVEL"

request_id_var: ContextVar[str | None] = ContextVar("syndata_request_id", default=None)

_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON line."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as JSON: fixed fields first, then the ``extra`` fields."""
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds").replace("+00:00", "Z"),
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
    level = os.environ.get(LEVEL_VAR, "INFO").upper()
    logger.setLevel(level if level in logging.getLevelNamesMapping() else "INFO")
    return logger
