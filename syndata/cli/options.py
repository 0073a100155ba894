"""What several ``syndata`` commands share: option types, the progress bar, output tables."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from syndata import pipeline
from syndata.cli.app import err, out
from syndata.io import FORMATS, SQL_DIALECTS

OutputFormat = Enum("OutputFormat", {f: f for f in FORMATS}, type=str)  # type: ignore[misc]


SqlDialect = Enum("SqlDialect", {d: d for d in SQL_DIALECTS}, type=str)  # type: ignore[misc]


DEFAULT_DIALECT = SqlDialect("postgresql")
DEFAULT_FORMAT = OutputFormat("csv")


class IfExists(Enum):
    """What to do when an output file or table already exists."""

    fail = "fail"
    replace = "replace"
    append = "append"


ConfigOption = Annotated[
    Path, typer.Option("--config", "-c", help="YAML or JSON config file.", show_default=False)
]
PluginPathsOption = Annotated[
    bool,
    typer.Option(
        "--allow-plugin-paths",
        help="Let the config's custom rules name plug-in classes by dotted path "
        "(package.module:Class), imported from this environment; local runs only. Without it "
        "only registered plug-ins (entry points of group syndata.rules, "
        "SYNDATA_RULE_PLUGINS) are accepted.",
    ),
]


def plugin_paths(ctx: typer.Context, allow: bool) -> None:
    """With --allow-plugin-paths: dotted plug-in paths accepted until this command ends."""
    if allow:
        from syndata.rules.custom import PLUGIN_PATHS

        token = PLUGIN_PATHS.set(True)
        ctx.call_on_close(lambda: PLUGIN_PATHS.reset(token))


DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        "-d",
        help="Input table: a csv, json, jsonl or parquet file (or a table name with --db-url).",
        show_default=False,
    ),
]
DbUrlOption = Annotated[str | None, typer.Option(help="Read from this database (with --table).")]
TableOption = Annotated[str | None, typer.Option(help="Table to read with --db-url.")]


def table_source(data: Path | None, db_url: str | None, table: str | None) -> Path | str:
    """The table to read: ``--data``, or ``--table`` of ``--db-url``."""
    if data is None and not (db_url and table):
        raise typer.BadParameter("pass --data FILE, or --db-url URL with --table NAME")
    return data if data is not None else str(table)


def print_outputs(result: pipeline.GenerateResult) -> None:
    """The rows made, the seed, and where each table was written."""
    out.print(f"Generated {result.rows:,} rows in {result.seconds:.2f} s (seed {result.seed})")
    summary = Table()
    summary.add_column("table")
    summary.add_column("rows", justify="right")
    summary.add_column("written to")
    for item in result.outputs:
        summary.add_row(item.name, f"{item.rows:,}", item.location)
    out.print(summary)


def score(value: object) -> str:
    """A score with 3 decimals, or n/a (e.g. no related column pair to score)."""
    return f"{value:.3f}" if isinstance(value, int | float) else "n/a"


def _bar(quiet: bool) -> Progress:
    """A progress bar on stderr (none when quiet or not a terminal)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=quiet or not err.is_terminal,
        transient=True,
    )


@contextmanager
def progress(
    label: str,
    total: int,
    *,
    quiet: bool = False,
    describe: Callable[[pipeline.ProgressEvent], str] | None = None,
    event_total: bool = False,
) -> Iterator[pipeline.Progress]:
    """A progress bar and the callback a pipeline step reports to.

    ``describe`` labels the bar from each event; ``event_total`` takes the total from the
    events (the row count of the table being made) instead of ``total``.
    """
    with _bar(quiet) as bar:
        task = bar.add_task(label, total=total)

        def report(event: pipeline.ProgressEvent) -> None:
            bar.update(
                task,
                completed=event.done,
                total=event.total if event_total else None,
                description=describe(event) if describe is not None else None,
            )

        yield report
