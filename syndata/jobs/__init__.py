"""Jobs: the durable store, submission, and the workers that run them.

- ``store``: jobs, state transitions, logs and API keys (SQLAlchemy + Alembic; SQLite by
  default, PostgreSQL by URL).
- ``dispatch``: validate and queue a job, wake workers.
- ``runner``: run one job by calling ``syndata.pipeline``.
- ``worker``: run claimed jobs in child processes with heartbeats; the embedded pool.
- ``celery_app``: Celery workers on a Redis broker for many machines.
"""

from syndata.jobs.dispatch import notify, submit_job
from syndata.jobs.store import PRIORITIES, ROLES, STATUSES, ApiKey, Job, JobStore

__all__ = ["PRIORITIES", "ROLES", "STATUSES", "ApiKey", "Job", "JobStore", "notify", "submit_job"]
