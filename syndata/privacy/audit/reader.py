"""Reading the audit log back: ``entries``, filtered by time and action (``verify`` judges)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from syndata import settings
from syndata.errors import DataReadError
from syndata.privacy.audit.fields import ACTIONS, choice
from syndata.privacy.audit.lines import cannot_read, is_record, load


def entries(
    path: Path | None = None, since: datetime | str | None = None, action: str | None = None
) -> Iterator[dict[str, Any]]:
    """Yield the records of the audit log in order, optionally filtered.

    ``since`` (a datetime, naive meaning UTC, or an ISO-8601 string) keeps records at or
    after that time; ``action`` keeps one action. Torn and unreadable lines are skipped:
    this reads, ``verify`` judges. A missing log yields nothing.
    """
    if action is not None:
        choice("action", action, ACTIONS, "entries")
    start = _as_utc(since) if since is not None else None
    target = path if path is not None else settings.audit_log_path()
    try:
        handle = target.open("rb")
    except FileNotFoundError:
        return
    except OSError as exc:
        raise DataReadError(cannot_read(target, exc)) from exc
    with handle:
        for raw in handle:
            value = load(raw)
            if is_record(value) and _matches(value, start, action):
                yield value


def _as_utc(moment: datetime | str) -> datetime:
    """A timezone-aware UTC datetime; naive datetimes and strings are read as UTC."""
    parsed = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _matches(value: Mapping[str, Any], start: datetime | None, action: str | None) -> bool:
    """Whether a record passes the ``entries`` filters."""
    if action is not None and value["action"] != action:
        return False
    if start is None:
        return True
    try:
        return _as_utc(value["time"]) >= start
    except ValueError:
        return False
