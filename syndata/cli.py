"""The ``syndata`` command.

Exit codes (scripts can rely on them): 0 success; 1 unexpected error; 2 bad usage
(unknown option, missing argument); 3 invalid config; 4 generation failed; 5 input
unreadable; 6 output could not be written.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from syndata import __version__, pipeline
from syndata.config import dependency_order
from syndata.errors import ConfigError, SyndataError
from syndata.io import FORMATS, SQL_DIALECTS
from syndata.rules import DEFAULT_BATCH_SIZE

app = typer.Typer(
    name="syndata",
    help="Synthetic data platform: generate realistic tables from a config, keeping keys "
         "and relationships.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

OutputFormat = Enum("OutputFormat", {f: f for f in FORMATS}, type=str)  # type: ignore[misc]


SqlDialect = Enum("SqlDialect", {d: d for d in SQL_DIALECTS}, type=str)  # type: ignore[misc]


DEFAULT_DIALECT = SqlDialect("postgresql")


class IfExists(Enum):
    """What to do when an output file or table already exists."""

    fail = "fail"
    replace = "replace"
    append = "append"


def _version(value: bool) -> None:
    if value:
        out.print(f"syndata {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Synthetic data platform."""


ConfigOption = Annotated[Path, typer.Option("--config", "-c", help="YAML or JSON config file.",
                                            show_default=False)]


@app.command()
def generate(
    config: ConfigOption,
    rows: Annotated[int | None, typer.Option(
        "--rows", "-n", min=0,
        help="Rows per table (tables with their own 'rows' keep it). Default: the config's.")
    ] = None,
    output_format: Annotated[OutputFormat | None, typer.Option(
        "--output-format", "-f", help="Output format. Default: the config's output_format.")
    ] = None,
    output_dir: Annotated[Path, typer.Option("--output-dir", "-o",
                                             help="Folder for output files.")] = Path("output"),
    seed: Annotated[int | None, typer.Option(
        help="Random seed: the same seed gives the same output. Default: the config's, "
             "else a random one (printed).")] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Rows generated and written at a time.")
                          ] = DEFAULT_BATCH_SIZE,
    db_url: Annotated[str | None, typer.Option(
        help="Load into this database instead of files, e.g. postgresql://user@host/db or "
             "sqlite:///out.db (tables are created with their keys).")] = None,
    if_exists: Annotated[IfExists, typer.Option(
        help="When an output file or table exists: fail, replace (or append, databases).")
    ] = IfExists.fail,
    sql_dialect: Annotated[SqlDialect, typer.Option(
        help="SQL dialect of .sql scripts (--output-format sql).")] = DEFAULT_DIALECT,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")
                     ] = False,
) -> None:
    """Generate synthetic tables from a config (rule-based, no training data needed)."""
    try:
        checked = pipeline.validate(config, rows=rows)
        for warning in checked.warnings:
            err.print(f"[yellow]warning:[/yellow] {warning}")
        fmt = output_format.value if output_format is not None else None
        with _progress(quiet) as bar:
            task = bar.add_task("generating", total=checked.plan.total_rows)

            def report(event: pipeline.ProgressEvent) -> None:
                bar.update(task, completed=event.done, total=event.total,
                           description=f"[cyan]{event.table}[/cyan]")

            result = pipeline.generate(
                checked.config, rows=rows, seed=seed, output_format=fmt, output_dir=output_dir,
                db_url=db_url, if_exists=if_exists.value, sql_dialect=sql_dialect.value,
                batch_size=batch_size, progress=report)
    except SyndataError as exc:
        _fail(exc)
    if quiet:
        return
    out.print(f"Generated {result.rows:,} rows in {result.seconds:.2f} s (seed {result.seed})")
    summary = Table()
    summary.add_column("table")
    summary.add_column("rows", justify="right")
    summary.add_column("written to")
    for item in result.outputs:
        summary.add_row(item.name, f"{item.rows:,}", item.location)
    out.print(summary)


@app.command()
def validate(
    config: ConfigOption,
    check_relationships: Annotated[bool, typer.Option(
        "--check-relationships", help="Also check that foreign keys point at PK/unique columns "
                                      "and print the dependency order.")] = False,
    rows: Annotated[int | None, typer.Option(
        "--rows", "-n", min=0, help="Check against this row count instead of the config's.")
    ] = None,
) -> None:
    """Check a config and report every problem with its path and a fix."""
    try:
        checked = pipeline.validate(config, rows=rows, check_relationships=check_relationships)
    except SyndataError as exc:
        _fail(exc)
    for warning in checked.warnings:
        err.print(f"[yellow]warning:[/yellow] {warning}")
    tables = ", ".join(f"{t.name} ({t.rows:,} rows)" for t in checked.plan.tables)
    out.print(f"[green]valid:[/green] {config} — {tables}")
    if check_relationships:
        for table in dependency_order(checked.config):
            for fk in table.foreign_keys:
                out.print(f"  {table.table_name}.{fk.child_column} -> "
                          f"{fk.parent_table}.{fk.parent_column}")
        order = " -> ".join(t.table_name for t in dependency_order(checked.config))
        out.print(f"  generation order: {order}")


def _progress(quiet: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("rows"), TimeElapsedColumn(), TimeRemainingColumn(),
        console=err, disable=quiet or not err.is_terminal, transient=True,
    )


def _fail(exc: SyndataError) -> None:
    kind = "invalid config" if isinstance(exc, ConfigError) else "error"
    err.print(f"{kind}: {exc}", highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(exc.exit_code)


def main() -> None:
    """Entry point of the ``syndata`` script."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
