"""``syndata generate`` (rule-based, or from real data plus rules) and ``syndata validate``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from syndata import pipeline, settings
from syndata.cli.app import app, err, fail, out
from syndata.cli.options import (
    DEFAULT_DIALECT,
    ConfigOption,
    IfExists,
    OutputFormat,
    PluginPathsOption,
    SqlDialect,
    plugin_paths,
    print_outputs,
    progress,
)
from syndata.config import dependency_order
from syndata.errors import SyndataError
from syndata.rules.engine import DEFAULT_BATCH_SIZE


@app.command()
def generate(
    ctx: typer.Context,
    config: ConfigOption,
    rows: Annotated[
        int | None,
        typer.Option(
            "--rows",
            "-n",
            min=0,
            help="Rows per table (tables with their own 'rows' keep it). Default: the config's.",
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--output-format", "-f", help="Output format. Default: the config's output_format."
        ),
    ] = None,
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="Folder for output files.")
    ] = Path("output"),
    seed: Annotated[
        int | None,
        typer.Option(
            help="Random seed: the same seed gives the same output. Default: the config's, "
            "else a random one (printed)."
        ),
    ] = None,
    batch_size: Annotated[
        int, typer.Option(min=1, help="Rows generated and written at a time.")
    ] = DEFAULT_BATCH_SIZE,
    db_url: Annotated[
        str | None,
        typer.Option(
            help="Load into this database instead of files, e.g. postgresql://user@host/db or "
            "sqlite:///out.db (tables are created with their keys)."
        ),
    ] = None,
    if_exists: Annotated[
        IfExists,
        typer.Option(
            help="When an output file or table exists: fail, replace (or append, databases)."
        ),
    ] = IfExists.fail,
    sql_dialect: Annotated[
        SqlDialect, typer.Option(help="SQL dialect of .sql scripts (--output-format sql).")
    ] = DEFAULT_DIALECT,
    sample_data: Annotated[
        Path | None,
        typer.Option(
            help="Real data to learn from first: profile it, fit --model, sample, then apply the "
            "config's rules to the sampled rows."
        ),
    ] = None,
    model: Annotated[
        str, typer.Option(help="Model for --sample-data (auto: a held-out trial picks it).")
    ] = "auto",
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")
    ] = False,
    wait: Annotated[
        bool,
        typer.Option(
            "--wait",
            help="With SYNDATA_API_URL: wait for the service's job and download its "
            "output into --output-dir.",
        ),
    ] = False,
    priority: Annotated[
        str, typer.Option(help="With SYNDATA_API_URL: the job's priority (low, normal, high).")
    ] = "normal",
    allow_plugin_paths: PluginPathsOption = False,
) -> None:
    """Generate synthetic tables from a config (rule-based), or from real data plus rules.

    With SYNDATA_API_URL set, the config is sent to the service as a generate job.
    """
    if settings.service_url() and sample_data is None and db_url is None:
        if allow_plugin_paths:
            err.print(
                "error: --allow-plugin-paths applies to local runs only; the service "
                "accepts registered plug-ins only (unset SYNDATA_API_URL to run locally)"
            )
            raise typer.Exit(2)
        _generate_remote(config, rows, output_format, output_dir, seed, wait, priority, quiet)
        return
    plugin_paths(ctx, allow_plugin_paths)
    try:
        checked = pipeline.validate(config, rows=rows)
        for warning in checked.warnings:
            err.print(f"[yellow]warning:[/yellow] {warning}")
        fmt = output_format.value if output_format is not None else None
        with progress(
            "generating",
            checked.plan.total_rows,
            quiet=quiet,
            describe=lambda event: f"[cyan]{event.table}[/cyan]",
            event_total=True,
        ) as report:
            if sample_data is not None:
                result = pipeline.generate_from_sample(
                    checked.config,
                    sample_data,
                    rows=rows,
                    model=model,
                    seed=seed,
                    output_format=fmt,
                    output_dir=output_dir,
                    db_url=db_url,
                    if_exists=if_exists.value,
                    batch_size=batch_size,
                    progress=report,
                )
            else:
                result = pipeline.generate(
                    checked.config,
                    rows=rows,
                    seed=seed,
                    output_format=fmt,
                    output_dir=output_dir,
                    db_url=db_url,
                    if_exists=if_exists.value,
                    sql_dialect=sql_dialect.value,
                    batch_size=batch_size,
                    progress=report,
                )
    except SyndataError as exc:
        fail(exc)
    if not quiet:
        print_outputs(result)


def _generate_remote(
    config: Path,
    rows: int | None,
    output_format: OutputFormat | None,
    output_dir: Path,
    seed: int | None,
    wait: bool,
    priority: str,
    quiet: bool,
) -> None:
    import zipfile

    from syndata.client import ServiceClient
    from syndata.client import wait as wait_for
    from syndata.config import read_config_data

    try:
        client = ServiceClient.from_settings()
        params: dict[str, object] = {"config": read_config_data(config)}
        if rows is not None:
            params["rows"] = rows
        if output_format is not None:
            params["output_format"] = output_format.value
        job = client.submit("generate", params, priority=priority, seed=seed)
        err.print(f"submitted {job['job_id']} to {client.url}")
        if not wait:
            out.print(job["job_id"])
            return
        done = wait_for(client, job["job_id"])
        if done["status"] != "completed":
            err.print(
                f"job {done['job_id']} {done['status']}: {done.get('error') or ''}", markup=False
            )
            raise typer.Exit(4)
        archive = client.download(done["job_id"], output_dir / f"{done['job_id']}.zip")
        with zipfile.ZipFile(archive) as bundle:
            bundle.extractall(output_dir)
            names = bundle.namelist()
        archive.unlink()
    except SyndataError as exc:
        fail(exc)
    if not quiet:
        out.print(
            f"{done['job_id']}: {done['rows']:,} rows; written to {output_dir}: " + ", ".join(names)
        )


@app.command()
def validate(
    ctx: typer.Context,
    config: ConfigOption,
    check_relationships: Annotated[
        bool,
        typer.Option(
            "--check-relationships",
            help="Also check that foreign keys point at PK/unique columns "
            "and print the dependency order.",
        ),
    ] = False,
    rows: Annotated[
        int | None,
        typer.Option(
            "--rows", "-n", min=0, help="Check against this row count instead of the config's."
        ),
    ] = None,
    allow_plugin_paths: PluginPathsOption = False,
) -> None:
    """Check a config and report every problem with its path and a fix."""
    plugin_paths(ctx, allow_plugin_paths)
    try:
        checked = pipeline.validate(config, rows=rows, check_relationships=check_relationships)
    except SyndataError as exc:
        fail(exc)
    for warning in checked.warnings:
        err.print(f"[yellow]warning:[/yellow] {warning}")
    tables = ", ".join(f"{t.name} ({t.rows:,} rows)" for t in checked.plan.tables)
    out.print(f"[green]valid:[/green] {config} — {tables}")
    if check_relationships:
        for table in dependency_order(checked.config):
            for fk in table.foreign_keys:
                out.print(
                    f"  {table.table_name}.{fk.child_column} -> "
                    f"{fk.parent_table}.{fk.parent_column}"
                )
        order = " -> ".join(t.table_name for t in dependency_order(checked.config))
        out.print(f"  generation order: {order}")
