"""Celery workers for many machines: ``syndata worker`` (Redis broker).

A message only wakes a worker; the worker claims the most urgent queued job from the
job store and runs it (``syndata.jobs.worker.execute``). Messages are acknowledged late
and redelivered if a worker dies holding one, and the store's reaper takes back a dead
worker's running job, so no job is lost and none runs twice.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from syndata import settings

if TYPE_CHECKING:
    from syndata.jobs.store import JobStore

WORK_TASK = "syndata.work"


@functools.cache
def celery_app() -> Any:
    """The Celery application, configured from the settings."""
    from celery import Celery

    broker = settings.broker_url() or "redis://127.0.0.1:6379/0"
    app = Celery("syndata", broker=broker)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": 3600},
        worker_hijack_root_logger=False,
    )
    app.task(name=WORK_TASK, bind=False)(work)
    return app


@functools.cache
def _store() -> JobStore:
    from syndata.jobs.store import JobStore

    return JobStore()


def work() -> str:
    """Claim the most urgent queued job and run it; ``"idle"`` when none is queued."""
    from syndata.jobs.worker import execute, preload, worker_name

    store = _store()
    preload()
    job = store.claim(worker_name("celery"))
    if job is None:
        return "idle"
    return execute(store, job, notify=notify)


def notify(count: int = 1) -> None:
    """Wake ``count`` workers: Celery messages with a broker, nothing for the local pool."""
    if count < 1 or not settings.broker_url():
        return
    app = celery_app()
    for _ in range(count):
        app.send_task(WORK_TASK)
