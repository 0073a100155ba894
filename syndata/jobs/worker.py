"""Running claimed jobs: one child process per job, watched by its worker.

The worker forks a child that runs the job through ``syndata.jobs.runner`` (which calls
``syndata.pipeline``), and meanwhile heart-beats the job in the store every second. When
cancellation is requested the child is stopped at once; when the worker itself dies the
child notices its parent is gone and exits, the heartbeats stop, and ``JobStore.reap``
gives the job to another worker (once) or fails it with the reason.

A sample job of more rows than ``settings.partition_rows()`` is split into partitions
seeded from (job seed, partition index); any worker runs any partition, each writing its
own Parquet part, so the output does not depend on how many workers there are.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import signal
import socket
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from syndata import settings
from syndata.errors import SyndataError
from syndata.jobs.job import Job
from syndata.jobs.store import JobStore

log = logging.getLogger("syndata.jobs")
HEARTBEAT_SECONDS = 1.0
JOB_NICENESS = 10  # job processes yield the CPU to the API and the workers' heartbeats
Notify = Callable[[int], None]


def worker_name(kind: str = "worker") -> str:
    """A name telling which machine and process a worker is."""
    return f"{kind}@{socket.gethostname()}:{os.getpid()}"


def execute(store: JobStore, job: Job, *, notify: Notify | None = None) -> str:
    """Run a claimed job to its end; return its final status (or ``"split"``)."""
    if _should_split(job):
        try:
            return _split(store, job, notify)
        except SyndataError as exc:
            _record_failure(store, job, str(exc), type(exc).__name__)
            return "failed"
    if job.attempts > 1 and job.parent_id is None:  # what the killed attempt left half-written
        remove_stale_temp_files(settings.jobs_dir() / job.job_id, min_age=0.0)
    try:
        timeout = settings.job_timeout()
    except SyndataError as exc:
        _record_failure(store, job, str(exc), type(exc).__name__)
        return "failed"
    ctx = multiprocessing.get_context("fork")
    child = ctx.Process(
        target=_child_main, args=(store, job), daemon=False, name=f"syndata-{job.job_id}"
    )
    child.start()
    started = time.monotonic()
    store.log(job.job_id, "job started", worker=job.worker, attempt=job.attempts, pid=child.pid)
    while True:
        child.join(HEARTBEAT_SECONDS)
        if not child.is_alive():
            break
        if time.monotonic() - started > timeout:
            _stop(child)
            _time_out(store, job, timeout)
            break
        state = store.heartbeat(job)
        if state == "lost" and store.get(job.job_id).finished:
            child.join(120)  # the job is done; let its process finish its bookkeeping
            break
        if state != "ok":
            _stop(child)
            if state == "cancel":
                if job.parent_id is None:  # partial output of a stopped job is removed
                    shutil.rmtree(settings.jobs_dir() / job.job_id, ignore_errors=True)
                store.mark_cancelled(job)
                store.log(job.job_id, "job cancelled: its process was stopped", level="WARNING")
            break
    final = store.get(job.job_id)
    if final.status == "running" and final.attempts == job.attempts and not final.parts_total:
        code = child.exitcode
        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        reason = f"the job's process ended without a result ({how})"
        if store.fail(job, reason):
            store.log(job.job_id, reason, level="ERROR")
            _fail_parent(store, job, reason)
        final = store.get(job.job_id)
    return final.status


def _time_out(store: JobStore, job: Job, timeout: float) -> None:
    """Fail a job whose attempt ran longer than ``SYNDATA_JOB_TIMEOUT``; drop its output."""
    reason = (
        f"the job ran longer than its time limit of {timeout:,.0f} s and was stopped "
        f"({settings.JOB_TIMEOUT_VAR}; ask an admin to raise it, or ask for less work)"
    )
    if job.parent_id is None:
        shutil.rmtree(settings.jobs_dir() / job.job_id, ignore_errors=True)
    if store.fail(job, reason):
        store.log(job.job_id, reason, level="ERROR", error="timeout")
        _fail_parent(store, job, reason)


STALE_TEMP_SECONDS = 3600.0  # at start, temp files untouched this long belong to no live job


def remove_stale_temp_files(folder: Any = None, *, min_age: float = STALE_TEMP_SECONDS) -> int:
    """Remove the ``.*.tmp`` files stopped jobs and uploads left; return how many.

    Every file the service writes is written to a ``.<name>.tmp`` beside its target and
    renamed into place, so such a file is never a result. Without ``folder``: the job
    output and upload folders, keeping files touched within ``min_age`` seconds (a job
    of another worker may still be writing them).
    """
    folders = [folder] if folder is not None else [settings.jobs_dir(), settings.uploads_dir()]
    cutoff = time.time() - min_age
    removed = 0
    for root in folders:
        if not root.is_dir():
            continue
        for path in root.rglob(".*.tmp"):
            try:
                if path.is_file() and path.stat().st_mtime <= cutoff:
                    path.unlink()
                    removed += 1
            except OSError:
                continue
    return removed


def _stop(child: Any) -> None:
    child.terminate()
    child.join(5)
    if child.is_alive():
        child.kill()
        child.join(5)


def _should_split(job: Job) -> bool:
    rows = job.params.get("rows")
    return (
        job.job_type == "sample"
        and job.parent_id is None
        and isinstance(rows, int)
        and rows > settings.partition_rows()
    )


def _split(store: JobStore, job: Job, notify: Notify | None) -> str:
    from syndata.jobs import partitions, runner

    parts = partitions.partitions(int(job.params["rows"]), settings.partition_rows(), job.seed)
    # every partition samples the same model version, the job's project's
    params = runner.pin_model(job.params, job.project)
    children = store.split(
        job,
        [
            (
                p.index,
                {
                    **params,
                    "partition": {
                        "index": p.index,
                        "start": p.start,
                        "rows": p.rows,
                        "seed": p.seed,
                    },
                },
                p.seed,
            )
            for p in parts
        ],
    )
    store.log(
        job.job_id,
        f"split into {len(children)} partitions of up to {settings.partition_rows():,} rows",
        partitions=len(children),
    )
    if notify is not None and children:
        notify(len(children))
    return "split"


# --------------------------------------------------------------------------- child side


def _child_main(store: JobStore, job: Job) -> None:
    """The job's own process: run it, record the outcome, exit."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.nice(JOB_NICENESS)  # batch work: the API and heartbeats answer first
    exit_with_parent()
    try:
        result = _run(store, job)
    except SyndataError as exc:
        _record_failure(store, job, str(exc), type(exc).__name__)
    except Exception as exc:  # a bug: the traceback goes to the server log, never the job's
        log.error(
            "job %s (request %s): internal error\n%s",
            job.job_id,
            job.request_id,
            traceback.format_exc(),
        )
        _record_failure(
            store,
            job,
            f"internal error ({type(exc).__name__}); the details are in the server log "
            f"under job {job.job_id}",
            type(exc).__name__,
        )
    else:
        rows = int(result.get("rows", 0) or 0)
        if store.complete(job, result, rows):
            store.log(job.job_id, "job completed", rows=rows)
            parent = store.part_finished(job)
            if parent is not None:
                _finish_parent(store, parent)
    finally:
        store.dispose()
    os._exit(0)


def exit_with_parent() -> None:
    """Exit when the worker that forked this process dies, so no orphan finishes a job."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(70)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def _run(store: JobStore, job: Job) -> dict[str, Any]:
    from syndata.jobs import partitions, runner
    from syndata.jobs.results import public_text

    last = [0.0]

    def progress(fraction: float, stage: str) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or fraction >= 1.0:
            last[0] = now
            store.set_progress(job, fraction, stage)

    def job_log(message: str, **fields: Any) -> None:
        store.log(job.job_id, public_text(message), **_plain(fields))

    if job.parent_id is not None:
        part = partitions.Partition(**job.params["partition"])
        params = {k: v for k, v in job.params.items() if k != "partition"}
        return partitions.run_partition(
            params,
            part,
            workdir=settings.jobs_dir() / job.parent_id,
            progress=progress,
            log=job_log,
            project=job.project,
        )
    return runner.run(
        job.job_type,
        job.params,
        workdir=settings.jobs_dir() / job.job_id,
        seed=job.seed,
        progress=progress,
        log=job_log,
        project=job.project,
        store=store,
    )


def _record_failure(store: JobStore, job: Job, message: str, kind: str) -> None:
    from syndata.jobs.results import public_text

    message = public_text(message)  # job errors and logs are read by viewers: no paths
    if store.fail(job, message):
        store.log(job.job_id, f"job failed: {message}", level="ERROR", error=kind)
        _fail_parent(store, job, message)


def _fail_parent(store: JobStore, job: Job, message: str) -> None:
    if job.parent_id is None:
        return
    parent = store.get(job.parent_id)
    if store.finish_parent(parent, None, error=f"partition {job.partition} failed: {message}"):
        store.log(parent.job_id, f"partition {job.partition} failed: {message}", level="ERROR")


def _finish_parent(store: JobStore, parent: Job) -> None:
    from syndata.jobs import partitions

    parts = store.children(parent.job_id)
    result = partitions.merge_partitions(
        [p.result or {} for p in parts], workdir=settings.jobs_dir() / parent.job_id
    )
    rows = int(result.get("rows", 0) or 0)
    if store.finish_parent(parent, result, rows):
        store.log(parent.job_id, "job completed", rows=rows, partitions=len(parts))


def _plain(fields: dict[str, Any]) -> dict[str, Any]:
    """Log fields as JSON-ready values (text without server paths)."""
    from syndata.jobs.results import public_text

    out: dict[str, Any] = {}
    for key, value in fields.items():
        if isinstance(value, int | float | bool | type(None)):
            out[key] = value
        else:
            out[key] = public_text(str(value), 500)
    return out


# --------------------------------------------------------------------------- loops


def finish_stalled_parents(store: JobStore, quiet_for: float = 10.0) -> int:
    """Complete split jobs whose partitions all completed but which were never finished."""
    done = 0
    for parent in store.stalled_parents(quiet_for):
        _finish_parent(store, parent)
        done += 1
    return done


def preload() -> None:
    """Import what jobs use once, so each forked job process starts warm."""
    from syndata import pipeline  # noqa: F401
    from syndata.jobs import partitions, results, runner  # noqa: F401
    from syndata.model_store import model_store
    from syndata.models import make_model  # noqa: F401

    model_store()  # imports the installed store (MLflow)
