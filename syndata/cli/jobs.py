"""``syndata status``, ``logs``, ``cancel`` and ``scheduler``: the jobs of the service.

The service at ``SYNDATA_API_URL`` when it is set, else the local job store.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from syndata import settings
from syndata.cli.app import app, err, fail, out
from syndata.client import JobsClient, JsonObject, ServiceClient, jobs_client, wait
from syndata.errors import SyndataError


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
        listing = client.jobs(status=status_filter, page_size=10_000 if all_jobs else limit)
        jobs, total = list(listing["jobs"]), int(listing["total"])
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


def _monitor(client: JobsClient, job_id: str) -> JsonObject:
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

        def update(job: JsonObject) -> None:
            bar.update(
                task,
                completed=job["progress"],
                description=f"{job_id} [cyan]{job['status']}[/cyan] {job['stage']}",
            )

        return wait(client, job_id, on_update=update)


def _print_job(job: JsonObject) -> None:
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
    from syndata.jobs.schedule import ScheduledJob, load_schedule, run_schedule

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

    def submit(entry: ScheduledJob) -> str:
        try:
            job_id = str(
                client.submit(entry.job_type, entry.config, priority=entry.priority)["job_id"]
            )
            submitted.append(job_id)
            return job_id
        except SyndataError as exc:
            err.print(f"{entry.name}: not submitted: {exc}", markup=False)
            return ""

    def report(entry: ScheduledJob, job_id: str) -> None:
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
