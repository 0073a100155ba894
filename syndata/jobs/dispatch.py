"""Submitting jobs, and waking the workers that run them.

The job store is the queue of record: a job exists once it is stored. With a broker
(``SYNDATA_BROKER_URL``) each queued job also sends one Celery message that wakes a
worker, which then claims the most urgent queued job from the store (so priorities hold
whatever order messages arrive in). Without a broker, the embedded pool polls the store.
"""

from __future__ import annotations

import logging
from typing import Any

from syndata import settings
from syndata.jobs.store import Job, JobStore

log = logging.getLogger("syndata.jobs")


def submit_job(
    store: JobStore,
    job_type: str,
    params: dict[str, Any],
    *,
    priority: str = "normal",
    seed: int | None = None,
    owner: str | None = None,
    request_id: str | None = None,
) -> Job:
    """Validate a job's parameters, store it as queued and wake a worker.

    Raises ConfigError listing every problem in ``params`` (paths like ``config.rows``).
    """
    from syndata.jobs.runner import check_params
    from syndata.jobs.store import priority_rank

    priority_rank(priority)
    normalized = check_params(job_type, params)
    if seed is None and isinstance(normalized.get("seed"), int):
        seed = normalized["seed"]
    job = store.submit(
        job_type, normalized, priority=priority, seed=seed, owner=owner, request_id=request_id
    )
    store.log(job.job_id, "job queued", job_type=job_type, priority=priority, request_id=request_id)
    notify(1)
    return job


def notify(count: int = 1) -> None:
    """Wake ``count`` workers: Celery messages with a broker, nothing for the local pool."""
    if count < 1 or not settings.broker_url():
        return
    from syndata.jobs.celery_app import WORK_TASK, celery_app

    app = celery_app()
    for _ in range(count):
        app.send_task(WORK_TASK)
