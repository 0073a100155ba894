"""``syndata serve`` and ``syndata worker``: the job service and its workers."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from syndata import settings
from syndata.cli.app import app, err, fail
from syndata.errors import SyndataError
from syndata.service_plugin import service
from syndata.settings import private_files


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=0,
            help="Embedded worker processes (ignored with SYNDATA_BROKER_URL: Celery "
            "workers started with `syndata worker` run the jobs).",
        ),
    ] = 2,
    log_level: Annotated[str, typer.Option(help="Server log level.")] = "info",
    ui: Annotated[
        bool,
        typer.Option(
            "--ui", help="Also serve the web UI (Streamlit) on --ui-port, with a key of its own."
        ),
    ] = False,
    ui_port: Annotated[int, typer.Option(help="Port of the web UI.")] = 8001,
    new_store: Annotated[
        bool,
        typer.Option(
            "--new-store",
            help="Start with an empty job store on purpose, although the data "
            "folder was used before (a broken store is kept as "
            "jobs.db.broken-<time>).",
        ),
    ] = False,
) -> None:
    """Serve the REST API, with an embedded worker pool (the one-machine default)."""
    import uvicorn

    from syndata.access.keys import KeyStore
    from syndata.jobs.pool import LocalPool
    from syndata.jobs.store import JobStore
    from syndata.jobs.worker import remove_stale_temp_files

    private_files()
    try:  # the service (a plug-in: app_api's), then the store, before anything starts
        api = service()
        JobStore(allow_empty=new_store, deep_check=True).dispose()
    except SyndataError as exc:
        fail(exc)
    removed = remove_stale_temp_files()
    if removed:
        err.print(f"removed {removed} temporary file(s) left by stopped jobs")
    pool = None
    if settings.broker_url():
        err.print(
            f"jobs run on Celery workers via {settings.broker_url()} "
            "(start them with `syndata worker`)"
        )
    elif workers:
        pool = LocalPool(workers=workers).start()
        err.print(f"embedded worker pool: {workers} processes")
    stop = threading.Event()
    reaper = threading.Thread(target=_reap_forever, args=(stop,), daemon=True, name="reaper")
    reaper.start()
    err.print(
        f"syndata API on http://{host}:{port} (docs at /docs); jobs in "
        f"{settings.jobs_url().split('@')[-1]}"
    )
    web = _start_ui(host, port, ui_port) if ui else None

    def _terminated(signum: int, _frame: Any) -> None:
        # uvicorn shuts down gracefully, then raises the signal again: end here, through
        # the cleanup below (workers, UI and its key), not by the default handler
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _terminated)
    try:
        uvicorn.run(
            api.app_factory,  # imported by uvicorn, not by syndata
            factory=True,
            host=host,
            port=port,
            log_level=log_level,
            log_config=api.log_config(),  # app_api's: the access log never shows keys
        )
    finally:
        stop.set()
        if web is not None:
            web[0].terminate()
            web[0].wait(20)
            if web[1] is not None:
                KeyStore().revoke_key(web[1])
        if pool is not None:
            pool.stop()


def _start_ui(host: str, api_port: int, ui_port: int) -> tuple[Any, str | None]:
    """Start the Streamlit UI talking to this API; an operator key is made for it."""
    import subprocess
    import sys

    from syndata.access.keys import KeyStore

    env = {**os.environ, settings.API_URL_VAR: f"http://127.0.0.1:{api_port}"}
    key_id = None
    if settings.checked("auth").auth:
        key, secret = KeyStore().create_key("operator", "web UI (syndata serve --ui)")
        env[settings.API_KEY_VAR], key_id = secret, key.key_id
    app_file = Path(__file__).resolve().parents[2] / "app_ui" / "app.py"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(app_file),
            "--server.headless",
            "true",
            "--server.address",
            host,
            "--server.port",
            str(ui_port),
            "--browser.gatherUsageStats",
            "false",
        ],
        env=env,
    )
    err.print(f"syndata UI on http://{host}:{ui_port}")
    return proc, key_id


def _reap_forever(stop: threading.Event, every: float = 2.0) -> None:
    """Take back jobs of dead workers, and wake workers for them."""
    from syndata.jobs.celery_app import notify
    from syndata.jobs.store import JobStore
    from syndata.jobs.worker import finish_stalled_parents

    store = JobStore()
    while not stop.wait(every):
        try:
            requeued = store.reap()
            finish_stalled_parents(store)
        except Exception as exc:  # keep reaping through a database hiccup
            err.print(f"reaper: {exc}")
            continue
        if requeued:
            notify(len(requeued))


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(min=1, help="Jobs run at once.")] = 1,
    local: Annotated[
        bool,
        typer.Option("--local", help="Claim jobs from the job store directly instead of Celery."),
    ] = False,
    loglevel: Annotated[str, typer.Option(help="Celery log level.")] = "INFO",
) -> None:
    """Run jobs: a Celery worker on SYNDATA_BROKER_URL (or, with --local, the job store)."""
    from syndata.jobs.pool import LocalPool, work_loop
    from syndata.jobs.store import JobStore
    from syndata.jobs.worker import worker_name

    private_files()
    try:
        JobStore().dispose()  # a store emptied or broken behind earlier use stops here
    except SyndataError as exc:
        fail(exc)
    if local or not settings.broker_url():
        if not local:
            err.print("SYNDATA_BROKER_URL is not set: claiming jobs from the job store")
        if concurrency == 1:
            work_loop(JobStore(), name=worker_name("local"))
            return
        pool = LocalPool(workers=concurrency).start()
        try:
            while True:
                time.sleep(1)
        finally:
            pool.stop()
    if concurrency > 1:
        _celery_processes(concurrency, loglevel)
        return
    from syndata.jobs.celery_app import celery_app

    celery_app().worker_main(
        [
            "worker",
            "--pool=solo",
            "--concurrency=1",
            f"--loglevel={loglevel}",
            f"--hostname=syndata-%h-{os.getpid()}",
            "--without-gossip",
            "--without-mingle",
        ]
    )


def _celery_processes(count: int, loglevel: str) -> None:
    """One single-job Celery worker process per slot (each job forks its own process)."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "syndata", "worker", "--loglevel", loglevel]
    procs = [subprocess.Popen(command) for _ in range(count)]
    try:
        for proc in procs:
            proc.wait()
    finally:
        for proc in procs:
            proc.terminate()
