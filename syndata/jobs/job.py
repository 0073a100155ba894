"""A job as stored, and the vocabulary of the queue: priorities, statuses, attempts."""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.engine import Row

from syndata.access.projects import DEFAULT_PROJECT
from syndata.errors import ConfigError, Problem
from syndata.jobs.database import iso

PRIORITIES = ("low", "normal", "high")
STATUSES = ("queued", "running", "completed", "failed", "cancelled")
FINISHED = ("completed", "failed", "cancelled")
MAX_ATTEMPTS = 2  # a job whose worker dies is retried once


@dataclass(frozen=True)
class Job:
    """One job as stored."""

    job_id: str
    job_type: str
    status: str
    priority: str
    params: dict[str, Any]
    seed: int
    progress: float
    stage: str
    result: dict[str, Any] | None
    error: str | None
    attempts: int
    max_attempts: int
    parent_id: str | None
    partition: int | None
    parts_total: int
    parts_done: int
    worker: str | None
    rows: int
    created_at: float
    started_at: float | None
    finished_at: float | None
    heartbeat_at: float | None
    cancel_requested: bool
    owner: str | None
    request_id: str | None
    project: str = DEFAULT_PROJECT

    @property
    def finished(self) -> bool:
        """True once the job is completed, failed or cancelled."""
        return self.status in FINISHED

    @property
    def duration(self) -> float | None:
        """Seconds from start to finish (None until both happened)."""
        if self.started_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.started_at

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with ISO-8601 UTC timestamps."""
        out = asdict(self)
        for key in ("created_at", "started_at", "finished_at", "heartbeat_at"):
            out[key] = iso(out[key])
        out["duration_seconds"] = self.duration
        return out

    @classmethod
    def of_row(cls, row: Row[Any]) -> Job:
        """The job of a stored ``jobs`` row."""
        values = dict(row._mapping)
        values["priority"] = PRIORITIES[values["priority"]]
        values["params"] = values["params"] or {}
        values["cancel_requested"] = bool(values["cancel_requested"])
        return cls(**values)


def new_job_id() -> str:
    """A fresh job id: ``job_`` and 24 hex digits."""
    return "job_" + secrets.token_hex(12)


def priority_rank(priority: str) -> int:
    """The stored rank of a priority name (ConfigError naming the valid ones)."""
    if priority not in PRIORITIES:
        raise ConfigError(
            [
                Problem(
                    "priority",
                    f"unknown priority {priority!r}",
                    "use one of: " + ", ".join(PRIORITIES),
                )
            ]
        )
    return PRIORITIES.index(priority)
