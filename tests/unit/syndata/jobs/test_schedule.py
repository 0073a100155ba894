"""Recurring jobs: the schedule file's checks and when jobs fall due."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import yaml

from syndata.errors import ConfigError
from syndata.jobs.schedule import ScheduledJob, due, load_schedule, run_schedule


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "jobs.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_a_valid_schedule_loads(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "jobs": [
                {
                    "name": "nightly",
                    "schedule": "0 2 * * *",
                    "job_type": "generate",
                    "config": {"config": {"tables": []}},
                    "priority": "high",
                },
                {
                    "name": "often",
                    "schedule": "* * * * * */5",
                    "job_type": "profile",
                    "config": {"dataset": "ds_0000000000000000"},
                },
            ]
        },
    )
    entries = load_schedule(path)
    assert [e.name for e in entries] == ["nightly", "often"]
    assert entries[0].priority == "high" and entries[1].priority == "normal"


def test_every_problem_is_listed_with_its_path(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "jobs": [
                {"name": "a", "schedule": "not cron", "job_type": "generate"},
                {
                    "name": "a",
                    "schedule": "* * * * *",
                    "job_type": "explode",
                    "priority": "asap",
                    "colour": "red",
                },
            ]
        },
    )
    with pytest.raises(ConfigError) as info:
        load_schedule(path)
    paths = {p.path for p in info.value.problems}
    assert paths == {
        "jobs[0].schedule",
        "jobs[1].name",
        "jobs[1].job_type",
        "jobs[1].priority",
        "jobs[1].colour",
    }


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="non-empty 'jobs' list"):
        load_schedule(_write(tmp_path, {"jobs": []}))


def test_due_fires_once_per_window() -> None:
    hourly = ScheduledJob("h", "0 * * * *", "generate")
    every_min = ScheduledJob("m", "* * * * *", "generate")
    start = 1_800_000_000.0  # 2027-01-15 08:00:00 UTC, on the hour
    assert due([hourly, every_min], start - 1, start) == [hourly, every_min]
    assert due([hourly, every_min], start, start + 59) == []
    assert due([hourly, every_min], start + 59, start + 60) == [every_min]
    assert due([hourly], start, start + 7200) == [hourly]  # missed runs collapse into one


def test_run_schedule_submits_jobs_as_they_fall_due() -> None:
    sent: list[str] = []
    stop = threading.Event()
    job = ScheduledJob("fast", "* * * * * *", "generate")  # every second

    def submit(entry: ScheduledJob) -> str:
        sent.append(entry.name)
        if len(sent) == 2:
            stop.set()
        return f"job_{len(sent)}"

    assert run_schedule([job], submit, stop=stop, tick=0.2) == 2
    assert sent == ["fast", "fast"]
