"""The ``syndata`` commands of the job service.

serve, worker, keys, status, logs, cancel, scheduler. Job commands talk to the service
when ``SYNDATA_API_URL`` is set, else to the local job store.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from syndata import settings
from syndata.cli.app import app, err, fail, out
from syndata.client import ServiceClient, jobs_client, wait
from syndata.errors import SyndataError
from syndata.settings import private_files

API_FACTORY = "app_api.main:create_app"  # imported by uvicorn, not by syndata


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
    try:  # check, create or upgrade the store before anything uses it
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
        from app_api.logs import uvicorn_log_config  # the access log never shows keys

        uvicorn.run(
            API_FACTORY,
            factory=True,
            host=host,
            port=port,
            log_level=log_level,
            log_config=uvicorn_log_config(),
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
    if os.environ.get("SYNDATA_AUTH", "").lower() != "off":
        key, secret = KeyStore().create_key("operator", "web UI (syndata serve --ui)")
        env["SYNDATA_API_KEY"], key_id = secret, key.key_id
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
    from syndata.jobs.dispatch import notify
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


keys_app = typer.Typer(
    help="API keys of the service (stored hashed in the job store).", no_args_is_help=True
)
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option(help="viewer (read), operator (run jobs) or admin.")],
    name: Annotated[str, typer.Option(help="What the key is for.")] = "",
    project: Annotated[
        str,
        typer.Option(
            help=(
                "The project the key belongs to (lower-case letters, digits, '_', '-'); it sees "
                "only that project's jobs, datasets, configs and models. '*' with --role admin "
                "makes a server admin, who sees every project."
            )
        ),
    ] = "default",
) -> None:
    """Create a key and print its secret (shown only once)."""
    from syndata.access.keys import KeyStore

    try:
        key, secret = KeyStore().create_key(role, name, project=project)
    except SyndataError as exc:
        fail(exc)
    where = "server admin" if key.project == "*" else f"project {key.project}"
    err.print(
        f"created {key.role} key {key.key_id} ({where}); keep the secret, it is not shown again:"
    )
    out.print(secret, highlight=False)


@keys_app.command("list")
def keys_list(
    project: Annotated[str | None, typer.Option(help="Only this project's keys.")] = None,
) -> None:
    """List keys (never their secrets) with their projects ('*': server admin)."""
    from rich.table import Column

    from syndata.access.keys import KeyStore

    table = Table(
        Column("key", no_wrap=True), "role", "project", "name", "created", "last used", "revoked"
    )
    for key in KeyStore().list_keys(project=project):
        d = key.to_dict()
        table.add_row(
            key.key_id,
            key.role,
            key.project,
            key.name,
            d["created_at"][:16],
            (d["last_used_at"] or "")[:16],
            "yes" if key.revoked else "",
        )
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument(help="The key id (key_...).")]) -> None:
    """Revoke a key (never the last admin key of a project, nor the last server admin)."""
    from syndata.access.keys import KeyStore

    try:
        KeyStore().revoke_key(key_id)
    except SyndataError as exc:
        fail(exc)
    out.print(f"revoked {key_id}")


@app.command()
def status(
    job_id: Annotated[str | None, typer.Argument(help="One job to show.")] = None,
    all_jobs: Annotated[bool, typer.Option("--all", help="List every job.")] = False,
    status_filter: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="Only jobs in this status (queued, running, completed, failed, cancelled).",
        ),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="Jobs listed at most.")] = 20,
    monitor: Annotated[
        bool, typer.Option("--monitor", help="Follow the job's progress live until it finishes.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show jobs (of the service at SYNDATA_API_URL, else of the local job store)."""
    try:
        client = jobs_client()
        if job_id is not None:
            job = _monitor(client, job_id) if monitor else client.job(job_id)
            if as_json:
                out.print_json(json.dumps(job))
            else:
                _print_job(job)
            if job["status"] == "failed":
                raise typer.Exit(4)
            return
        jobs, total = client.jobs(status=status_filter, limit=10_000 if all_jobs else limit)
    except SyndataError as exc:
        fail(exc)
    if as_json:
        out.print_json(json.dumps({"jobs": jobs, "total": total}))
        return
    from rich.table import Column

    table = Table(
        Column("job", no_wrap=True), "type", "status", "priority", "progress", "rows", "created"
    )
    for job in jobs:
        table.add_row(
            job["job_id"],
            job["job_type"],
            job["status"],
            job["priority"],
            f"{job['progress']:.0%}",
            f"{job['rows']:,}",
            job["created_at"][:19],
        )
    out.print(table)
    out.print(f"{len(jobs)} of {total} jobs")


def _monitor(client: Any, job_id: str) -> dict[str, Any]:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as bar:
        task = bar.add_task(job_id, total=1.0)

        def update(job: dict[str, Any]) -> None:
            bar.update(
                task,
                completed=job["progress"],
                description=f"{job_id} [cyan]{job['status']}[/cyan] {job['stage']}",
            )

        return wait(client, job_id, on_update=update)


def _print_job(job: dict[str, Any]) -> None:
    out.print(
        f"[bold]{job['job_id']}[/bold] {job['job_type']} — {job['status']} "
        f"({job['progress']:.0%}, {job['stage']})"
    )
    for key in ("priority", "created_at", "started_at", "finished_at", "attempts", "rows"):
        out.print(f"  {key}: {job.get(key)}")
    if job.get("error"):
        out.print(f"  [red]error:[/red] {job['error']}", highlight=False)
    for item in (job.get("result") or {}).get("outputs", []):
        out.print(
            f"  output: {item.get('table')} {item.get('rows', '')} rows ({item.get('format')})"
        )


@app.command()
def logs(
    job_id: Annotated[str, typer.Argument(help="The job.")],
    lines: Annotated[int, typer.Option(min=1, help="Last lines to show.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Show a job's log."""
    try:
        entries = jobs_client().logs(job_id, lines)
    except SyndataError as exc:
        fail(exc)
    for entry in entries:
        if as_json:
            out.print(json.dumps(entry), highlight=False, soft_wrap=True)
            continue
        extra = {k: v for k, v in entry.items() if k not in ("at", "level", "message", "job_id")}
        more = " " + json.dumps(extra) if extra else ""
        out.print(
            f"{entry['at'][:23]} {entry['level']:<7} {entry['message']}{more}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )


@app.command()
def cancel(job_id: Annotated[str, typer.Argument(help="The job.")]) -> None:
    """Cancel a queued or running job."""
    try:
        job = jobs_client().cancel(job_id)
    except SyndataError as exc:
        fail(exc)
    state = "cancelled" if job["status"] == "cancelled" else "cancellation requested"
    out.print(f"{job_id}: {state}")


@app.command()
def scheduler(
    config_file: Annotated[Path, typer.Option(help="YAML/JSON file listing recurring jobs.")],
    max_workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Embedded workers running the jobs (without SYNDATA_API_URL or "
            "SYNDATA_BROKER_URL).",
        ),
    ] = 4,
    run_for: Annotated[
        float | None,
        typer.Option(help="Stop after this many seconds (default: run until interrupted)."),
    ] = None,
) -> None:
    """Submit jobs on cron schedules; run them on embedded workers or the service."""
    from syndata.jobs.pool import LocalPool
    from syndata.jobs.schedule import load_schedule, run_schedule

    try:
        entries = load_schedule(config_file)
        client = jobs_client()
    except SyndataError as exc:
        fail(exc)
    pool = None
    if not isinstance(client, ServiceClient) and not settings.broker_url():
        pool = LocalPool(workers=max_workers).start()
    err.print(f"scheduler: {len(entries)} recurring jobs, submitting to {client.url}")

    submitted: list[str] = []

    def submit(entry: Any) -> str:
        try:
            job_id = str(
                client.submit(entry.job_type, entry.config, priority=entry.priority)["job_id"]
            )
            submitted.append(job_id)
            return job_id
        except SyndataError as exc:
            err.print(f"{entry.name}: not submitted: {exc}", markup=False)
            return ""

    def report(entry: Any, job_id: str) -> None:
        if job_id:
            err.print(f"{entry.name}: submitted {job_id}")

    until = time.time() + run_for if run_for is not None else None
    try:
        run_schedule(entries, submit, until=until, on_submit=report)
        if pool is not None and submitted:  # --run-for ended: let the pool finish its jobs
            err.print(f"scheduler: waiting for {len(submitted)} submitted jobs to finish")
            for job_id in submitted:
                wait(client, job_id, timeout=3600)
    except KeyboardInterrupt:
        pass
    finally:
        if pool is not None:
            pool.stop()
