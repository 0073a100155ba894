"""Jobs: the durable store, submission, and the workers that run them.

- ``database``: the service database (SQLAlchemy + Alembic; SQLite by default,
  PostgreSQL by URL), shared with the API keys of ``syndata.access``.
- ``job``: a job as stored; ``store`` (with ``reads`` and ``leases``): jobs, state
  transitions and logs; ``rows``: the row writes transitions are made of.
- ``params`` and ``checks``: each job type's parameters, and their cheap check;
  ``scope``: the project a job is checked and run for.
- ``dispatch``: validate and queue a job, wake workers.
- ``runner``: run one job by calling ``syndata.pipeline``; ``partitions``: large
  samples in seeded row partitions.
- ``worker``: run claimed jobs in child processes with heartbeats; ``pool``: the work
  loop and the embedded pool of ``syndata serve``.
- ``celery_app``: Celery workers on a Redis broker for many machines.
"""

from syndata.jobs.dispatch import notify, submit_job
from syndata.jobs.job import PRIORITIES, STATUSES, Job
from syndata.jobs.store import JobStore

__all__ = ["PRIORITIES", "STATUSES", "Job", "JobStore", "notify", "submit_job"]
