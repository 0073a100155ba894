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
from syndata.access.projects import DEFAULT_PROJECT
from syndata.errors import TooManyJobsError
from syndata.jobs.celery_app import notify
from syndata.jobs.job import Job, priority_rank
from syndata.jobs.store import JobStore

__all__ = ["check_active_limits", "notify", "submit_job"]  # notify: from celery_app

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
    project: str = DEFAULT_PROJECT,
) -> Job:
    """Validate a job's parameters, store it as queued in ``project`` and wake a worker.

    Raises ConfigError listing every problem in ``params`` (paths like ``config.rows``);
    datasets, models and jobs named in ``params`` must be ``project``'s. Raises
    TooManyJobsError when the project or the key (``owner``) already has as many queued
    and running jobs as ``SYNDATA_MAX_ACTIVE_JOBS_PER_PROJECT`` / ``_PER_KEY`` allow.
    """
    from syndata.jobs.checks import check_params

    priority_rank(priority)
    normalized = check_params(job_type, params, project=project, store=store)
    check_active_limits(store, project, owner)
    if seed is None and isinstance(normalized.get("seed"), int):
        seed = normalized["seed"]
    job = store.submit(
        job_type,
        normalized,
        priority=priority,
        seed=seed,
        owner=owner,
        request_id=request_id,
        project=project,
    )
    store.log(job.job_id, "job queued", job_type=job_type, priority=priority, request_id=request_id)
    notify(1)
    return job


def check_active_limits(store: JobStore, project: str, owner: str | None) -> None:
    """TooManyJobsError when ``project`` or key ``owner`` is at its active-jobs limit.

    Queued and running top-level jobs count; a split job counts once (its partitions not).
    The check is advisory under races: two submissions at the same moment may both pass.
    """
    _check_limit(
        f"project {project!r}",
        store.active_jobs(project=project),
        settings.max_active_jobs_per_project(),
        settings.MAX_ACTIVE_JOBS_PER_PROJECT_VAR,
    )
    if owner is not None:
        _check_limit(
            f"key {owner}",
            store.active_jobs(owner=owner),
            settings.max_active_jobs_per_key(),
            settings.MAX_ACTIVE_JOBS_PER_KEY_VAR,
        )


def _check_limit(who: str, active: int, limit: int, var: str) -> None:
    if active >= limit:
        raise TooManyJobsError(
            f"{who} already has {active} queued or running jobs, the limit ({var}={limit}); "
            f"wait for some to finish or cancel them, or ask the operator to raise {var}"
        )
