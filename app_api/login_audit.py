"""Failed sign-ins in the audit log: one line per client address and window, with a count.

A request with no key or an unknown key (401) is a failed sign-in. Writing one audit line
per request would let anyone grow the audit log without limit (millions of lines a day
from one client), so ``FailedLogins`` aggregates them per client address:

* the first failure of a client in a window is written at once (``count`` 1), so an
  attack shows up in the log immediately;
* later failures of that client in the same window are only counted, with the reasons,
  statuses and paths seen, and written as one line (``count`` N, ``aggregated`` true)
  when the window is over: at the client's next failure, at any later failure, by a
  timer at the window's end, or when the app stops (its lifespan calls ``flush``).

The window is ``SYNDATA_AUDIT_LOGIN_WINDOW`` seconds (default 60). The counts of a
client's lines add up to its refused requests. At most ``MAX_CLIENTS`` clients are
tracked at once: a new client beyond that flushes the oldest one first, so memory stays
bounded whatever the number of addresses. Refusals of a valid key for its role (403) are
not sign-in failures: they name the key, are bounded by its rate limit, and are still
written one per request. The server log keeps one warning per refused request.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI

from app_api.logs import get_logger
from syndata import settings
from syndata.errors import ConfigError, OutputError
from syndata.privacy import audit

MAX_CLIENTS = 10_000  # clients tracked at once
MAX_PATHS = 10  # distinct paths kept per client and window

Writer = Callable[[Mapping[str, Any]], None]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def write_line(details: Mapping[str, Any], actor: str = "anonymous") -> None:
    """Append one failed sign-in line; a log that cannot be written goes to the server log.

    The one place the API writes its own audit lines: every other action is audited by
    the core operation that performs it (the key store, the dataset store, the registry).
    """
    try:
        audit.record("login", actor=actor, outcome="failed", details=details)
    except (OutputError, ValueError) as exc:
        get_logger().error("cannot write the audit log: %s", exc)


@dataclass
class _Window:
    """One client's failures after the first in its current window."""

    opened: float  # time.monotonic() of the first failure
    since: str  # the same moment, as ISO-8601 UTC
    count: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    statuses: set[int] = field(default_factory=set)
    paths: list[str] = field(default_factory=list)
    last: str = ""

    def line(self, client: str, window: float) -> dict[str, Any]:
        """The aggregated audit line's details."""
        names = sorted(self.reasons)
        return {
            "client": client,
            "count": self.count,
            "aggregated": True,
            "reasons": names,
            "reason_counts": [self.reasons[n] for n in names],
            "statuses": sorted(self.statuses),
            "paths": list(self.paths),
            "since": self.since,
            "until": self.last,
            "window_seconds": window,
        }


class FailedLogins:
    """Failed sign-ins per client address, written as one audit line per window."""

    def __init__(
        self, window: float, *, max_clients: int = MAX_CLIENTS, write: Writer = write_line
    ) -> None:
        self.window = window
        self.max_clients = max_clients
        self._write = write
        self._lock = threading.Lock()
        self._open: OrderedDict[str, _Window] = OrderedDict()  # oldest window first
        self._timer: threading.Timer | None = None

    def add(self, client: str, details: Mapping[str, Any]) -> None:
        """Count one failure; write the first of a window at once, flush ended windows."""
        now = time.monotonic()
        lines: list[dict[str, Any]] = []
        with self._lock:
            lines.extend(self._take_expired(now))
            current = self._open.get(client)
            if current is None:
                while len(self._open) >= self.max_clients:
                    old_client, old = self._open.popitem(last=False)
                    if old.count:
                        lines.append(old.line(old_client, self.window))
                self._open[client] = _Window(now, _now())
                lines.append({**details, "count": 1})
            else:
                current.count += 1
                reason = str(details.get("reason", "unknown"))
                current.reasons[reason] = current.reasons.get(reason, 0) + 1
                current.statuses.add(int(details.get("status", 0)))
                path = str(details.get("path", ""))[:200]
                if path not in current.paths and len(current.paths) < MAX_PATHS:
                    current.paths.append(path)
                current.last = _now()
                self._arm(now)
        for line in lines:
            self._write(line)

    def flush(self, *, everything: bool = False) -> int:
        """Write the counts of ended windows (all windows with ``everything``); how many."""
        with self._lock:
            if everything:
                lines = [w.line(c, self.window) for c, w in self._open.items() if w.count]
                self._open.clear()
                if self._timer is not None:
                    self._timer.cancel()
                    self._timer = None
            else:
                lines = self._take_expired(time.monotonic())
        for line in lines:
            self._write(line)
        return len(lines)

    def pending(self) -> int:
        """Failures counted and not written yet."""
        with self._lock:
            return sum(w.count for w in self._open.values())

    def _take_expired(self, now: float) -> list[dict[str, Any]]:
        """Remove the windows that ended; the lines of those with counts (lock held)."""
        lines = []
        while self._open:
            client, oldest = next(iter(self._open.items()))
            if oldest.opened + self.window > now:
                break
            del self._open[client]
            if oldest.count:
                lines.append(oldest.line(client, self.window))
        return lines

    def _arm(self, now: float) -> None:
        """Start the timer for the earliest window with counts, unless one runs (lock held)."""
        if self._timer is not None:
            return
        ends = [w.opened + self.window for w in self._open.values() if w.count]
        if not ends:
            return
        self._timer = threading.Timer(max(0.0, min(ends) - now) + 0.05, self._on_timer)
        self._timer.daemon = True
        self._timer.start()

    def _on_timer(self) -> None:
        """Flush the ended windows, then wait for the next one with counts."""
        with self._lock:
            self._timer = None
        self.flush()
        with self._lock:
            self._arm(time.monotonic())


_create_lock = threading.Lock()


def failed_logins(app: FastAPI) -> FailedLogins:
    """The app's failed sign-in table (made on first use, with the window setting)."""
    table: FailedLogins | None = getattr(app.state, "failed_logins", None)
    if table is not None:
        return table
    with _create_lock:
        table = getattr(app.state, "failed_logins", None)
        if table is None:
            try:
                window = settings.audit_login_window()
            except ConfigError as exc:
                get_logger().error(
                    "%s; failed sign-ins are counted per %.0f s instead",
                    exc,
                    settings.DEFAULT_AUDIT_LOGIN_WINDOW,
                )
                window = settings.DEFAULT_AUDIT_LOGIN_WINDOW
            table = FailedLogins(window)
            app.state.failed_logins = table
    return table


def flush(app: FastAPI) -> None:
    """Write every count not yet written (the app is stopping)."""
    table: FailedLogins | None = getattr(app.state, "failed_logins", None)
    if table is not None:
        table.flush(everything=True)
