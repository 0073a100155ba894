"""Recurring jobs on cron schedules (``syndata scheduler --config-file jobs.yaml``).

The file lists jobs, each with a name, a cron schedule (5 fields, or 6 with seconds
last), a job type, its config and a priority::

    jobs:
      - name: nightly-customers
        schedule: "0 2 * * *"
        job_type: generate
        priority: normal
        config:
          config: {tables: [...]}
          rows: 100000
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syndata.errors import ConfigError, Problem
from syndata.jobs.job import PRIORITIES


@dataclass(frozen=True)
class ScheduledJob:
    """One recurring job."""

    name: str
    schedule: str
    job_type: str
    config: dict[str, Any] = field(default_factory=dict)
    priority: str = "normal"

    def next_after(self, moment: float) -> float:
        """The first time strictly after ``moment`` (epoch seconds) the job is due."""
        from croniter import croniter

        return float(croniter(self.schedule, moment).get_next(float))


def load_schedule(path: str | Path) -> list[ScheduledJob]:
    """Read and check a schedule file; ConfigError lists every problem with its path."""
    from syndata.config import read_config_data
    from syndata.jobs.params import JOB_TYPES

    data = read_config_data(path)
    problems: list[Problem] = []
    items = data.get("jobs") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise ConfigError(
            [
                Problem(
                    "jobs",
                    "the file must have a non-empty 'jobs' list",
                    "see `syndata scheduler --help` for the format",
                )
            ],
            str(path),
        )
    entries: list[ScheduledJob] = []
    names: set[str] = set()
    for i, item in enumerate(items):
        where = f"jobs[{i}]"
        if not isinstance(item, dict):
            problems.append(Problem(where, "each job must be a mapping"))
            continue
        problems += _check_item(item, where, names, JOB_TYPES)
        if not any(p.path.startswith(where) for p in problems):
            entries.append(
                ScheduledJob(
                    str(item["name"]),
                    str(item["schedule"]),
                    str(item["job_type"]),
                    dict(item.get("config") or {}),
                    str(item.get("priority", "normal")),
                )
            )
    if problems:
        raise ConfigError(problems, str(path))
    return entries


def _check_item(
    item: dict[str, Any], where: str, names: set[str], job_types: tuple[str, ...]
) -> list[Problem]:
    from croniter import croniter

    problems = []
    unknown = set(item) - {"name", "schedule", "job_type", "config", "priority"}
    problems += [
        Problem(f"{where}.{k}", "unknown field", "use name, schedule, job_type, config, priority")
        for k in sorted(unknown)
    ]
    name = item.get("name")
    if not isinstance(name, str) or not name:
        problems.append(Problem(f"{where}.name", "a job needs a name"))
    elif name in names:
        problems.append(Problem(f"{where}.name", f"duplicate job name {name!r}"))
    else:
        names.add(name)
    schedule = item.get("schedule")
    if not isinstance(schedule, str) or not croniter.is_valid(schedule):
        problems.append(
            Problem(
                f"{where}.schedule",
                f"not a cron schedule: {schedule!r}",
                "use 5 fields (minute hour day month weekday), e.g. "
                "'*/15 * * * *', or 6 with seconds last",
            )
        )
    if item.get("job_type") not in job_types:
        problems.append(
            Problem(
                f"{where}.job_type",
                f"unknown job type {item.get('job_type')!r}",
                "use one of: " + ", ".join(job_types),
            )
        )
    if not isinstance(item.get("config", {}), dict):
        problems.append(Problem(f"{where}.config", "config must be a mapping of job parameters"))
    if item.get("priority", "normal") not in PRIORITIES:
        problems.append(
            Problem(
                f"{where}.priority",
                f"unknown priority {item.get('priority')!r}",
                "use one of: " + ", ".join(PRIORITIES),
            )
        )
    return problems


def due(entries: list[ScheduledJob], since: float, now: float) -> list[ScheduledJob]:
    """The jobs due in ``(since, now]`` (a job due several times there runs once)."""
    return [e for e in entries if e.next_after(since) <= now]


def run_schedule(
    entries: list[ScheduledJob],
    submit: Callable[[ScheduledJob], str],
    *,
    stop: Any = None,
    until: float | None = None,
    tick: float = 0.5,
    on_submit: Callable[[ScheduledJob, str], None] | None = None,
) -> int:
    """Submit each job whenever it falls due, until ``stop`` is set or ``until``; jobs sent."""
    sent = 0
    last = time.time()
    while (stop is None or not stop.is_set()) and (until is None or time.time() < until):
        time.sleep(tick)
        now = time.time()
        for entry in due(entries, last, now):
            job_id = submit(entry)
            sent += 1
            if on_submit is not None:
                on_submit(entry, job_id)
        last = now
    return sent
