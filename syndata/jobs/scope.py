"""The project a job is checked and run for, and the job store it looks jobs up in.

``check_params``, ``run`` and ``run_partition`` set it for the time of one call
(``scoped``): the datasets, models and jobs a job names must be that project's; another
project's are "not found", with the same message as unknown ids. No project (direct use
of the runner) means no project restriction and the default project's models.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import TYPE_CHECKING

from syndata.access.projects import DEFAULT_PROJECT

if TYPE_CHECKING:
    from syndata.jobs.store import JobStore

_PROJECT: contextvars.ContextVar[str | None] = contextvars.ContextVar("project", default=None)
_STORE: contextvars.ContextVar[JobStore | None] = contextvars.ContextVar("store", default=None)


@contextlib.contextmanager
def scoped(project: str | None, store: JobStore | None = None) -> Iterator[None]:
    """Check and run for ``project`` (looking jobs up in ``store``); None changes nothing."""
    if project is None:
        yield
        return
    tokens = _PROJECT.set(project), _STORE.set(store)
    try:
        yield
    finally:
        _PROJECT.reset(tokens[0])
        _STORE.reset(tokens[1])


def project() -> str | None:
    """The project of the current check or run (None: no restriction)."""
    return _PROJECT.get()


def home() -> str:
    """The project whose models the current job uses and registers (the default when none)."""
    return _PROJECT.get() or DEFAULT_PROJECT


def store() -> JobStore:
    """The job store of the current check (opened from the settings the first time)."""
    found = _STORE.get()
    if found is None:
        from syndata.jobs.store import JobStore

        found = JobStore()
        _STORE.set(found)
    return found
