"""The workers' loops: claim and run jobs until stopped, and the embedded pool of them.

``work_loop`` claims the most urgent queued job, runs it (``syndata.jobs.worker.execute``)
and, every few seconds, reaps the jobs of silent workers. ``LocalPool`` is the embedded
pool of ``syndata serve``: N spawned processes each running ``work_loop``, restarted
when one dies.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
import time
from typing import Any

from syndata import settings
from syndata.jobs.store import JobStore
from syndata.jobs.worker import (
    Notify,
    execute,
    exit_with_parent,
    finish_stalled_parents,
    preload,
    worker_name,
)

log = logging.getLogger("syndata.jobs")


def work_loop(
    store: JobStore,
    *,
    name: str | None = None,
    stop: Any = None,
    poll: float = 0.5,
    reap_every: float = 5.0,
    notify: Notify | None = None,
    max_jobs: int | None = None,
) -> int:
    """Claim and run jobs until ``stop`` is set (or ``max_jobs`` ran); return jobs run."""
    name = name or worker_name()
    preload()
    ran, last_reap = 0, 0.0
    while stop is None or not stop.is_set():
        if time.monotonic() - last_reap >= reap_every:
            last_reap = time.monotonic()
            requeued = store.reap()
            finish_stalled_parents(store)
            if requeued and notify is not None:
                notify(len(requeued))
        job = store.claim(name)
        if job is None:
            if stop is not None:
                stop.wait(poll)
            else:
                time.sleep(poll)
            continue
        try:
            execute(store, job, notify=notify)
        except Exception:  # the store or the fork failed: the reaper retries the job
            log.exception("worker %s could not run job %s", name, job.job_id)
        ran += 1
        if max_jobs is not None and ran >= max_jobs:
            break
    return ran


def _pool_worker(url: str, index: int, stop: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the pool's owner stops us via ``stop``
    exit_with_parent()  # and if the owner dies, its workers go with it
    store = JobStore(url)
    work_loop(store, name=worker_name(f"local{index}"), stop=stop)


class LocalPool:
    """The embedded worker pool of ``syndata serve``: N processes claiming from the store.

    A pool process that dies is started again; its job is taken back by ``reap``.
    """

    def __init__(self, url: str | None = None, workers: int = 2) -> None:
        self.url = url or settings.jobs_url()
        self.workers = max(1, workers)
        self._ctx = multiprocessing.get_context("spawn")
        self._stop = self._ctx.Event()
        self._procs: list[Any] = []
        self._watch: threading.Thread | None = None

    def start(self) -> LocalPool:
        """Start the worker processes and a watcher that restarts dead ones."""
        JobStore(self.url).dispose()  # migrate once before the workers race to
        self._procs = [self._spawn(i) for i in range(self.workers)]
        self._watch = threading.Thread(target=self._restart_dead, daemon=True, name="pool-watch")
        self._watch.start()
        return self

    def _spawn(self, index: int) -> Any:
        proc = self._ctx.Process(
            target=_pool_worker,
            args=(self.url, index, self._stop),
            name=f"syndata-worker-{index}",
            daemon=False,
        )
        proc.start()
        return proc

    def _restart_dead(self) -> None:
        while not self._stop.wait(1.0):
            for i, proc in enumerate(self._procs):
                if not proc.is_alive() and not self._stop.is_set():
                    log.warning(
                        "worker %s died (exit code %s); starting a new one",
                        proc.name,
                        proc.exitcode,
                    )
                    self._procs[i] = self._spawn(i)

    @property
    def pids(self) -> list[int]:
        """The worker processes' ids."""
        return [p.pid for p in self._procs if p.pid is not None]

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the workers to stop after their current job; terminate them after ``timeout``."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        for proc in self._procs:
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.terminate()
                proc.join(5)
