"""``syndata sample``: rows (or a whole schema) from a registered model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from syndata import pipeline
from syndata.access.projects import DEFAULT_PROJECT
from syndata.cli.app import app, fail
from syndata.cli.options import (
    DEFAULT_FORMAT,
    IfExists,
    OutputFormat,
    PluginPathsOption,
    plugin_paths,
    print_outputs,
    progress,
)
from syndata.errors import SyndataError
from syndata.model_store import model_store
from syndata.rules.engine import DEFAULT_BATCH_SIZE


def _conditions(items: list[str] | None) -> dict[str, object]:
    conditions: dict[str, object] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"condition {item!r} is not column=value")
        conditions[key.strip()] = _parse_value(value.strip())
    return conditions


def _parse_value(text: str) -> object:
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            continue
    return {"true": True, "false": False}.get(text.lower(), text)


@app.command()
def sample(
    ctx: typer.Context,
    model: Annotated[
        str,
        typer.Option("--model", "-m", help="name, name:version or name@alias", show_default=False),
    ],
    rows: Annotated[
        int | None,
        typer.Option(
            "--rows", "-n", min=0, help="Rows to sample (default 1000; of --table for a schema)."
        ),
    ] = None,
    scale: Annotated[
        float | None,
        typer.Option(help="Schema: every table at this multiple of its fitted size (default 1.0)."),
    ] = None,
    table: Annotated[
        str | None, typer.Option(help="Schema: --rows counts this table's rows; the others follow.")
    ] = None,
    output_format: Annotated[OutputFormat, typer.Option("--output-format", "-f")] = DEFAULT_FORMAT,
    output_dir: Annotated[Path, typer.Option("--output-dir", "-o")] = Path("output"),
    seed: Annotated[int | None, typer.Option(help="Same seed, same rows.")] = None,
    conditions: Annotated[
        list[str] | None, typer.Option("--conditions", help="Fix a column: col=value (repeatable).")
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="Apply this config's rules to the sampled rows."),
    ] = None,
    db_url: Annotated[str | None, typer.Option(help="Load into this database instead.")] = None,
    if_exists: Annotated[IfExists, typer.Option()] = IfExists.fail,
    batch_size: Annotated[int, typer.Option(min=1)] = DEFAULT_BATCH_SIZE,
    allow_plugin_paths: PluginPathsOption = False,
) -> None:
    """Sample rows (or a whole schema) from a registered model and write them out."""
    from syndata.models import MultiTableSynthesizer

    plugin_paths(ctx, allow_plugin_paths)

    fixed = _conditions(conditions)
    try:
        rules = pipeline.validate(config).config if config is not None else None
        synthesizer = model_store().load_model(model, DEFAULT_PROJECT)
        if isinstance(synthesizer, MultiTableSynthesizer):
            tables = len(synthesizer.metadata_.tables)
            with progress("sampling", tables, describe=lambda event: event.table) as tables_done:
                result = pipeline.sample_schema(
                    synthesizer,
                    scale=scale or 1.0,
                    rows=rows,
                    table=table,
                    seed=seed,
                    config=rules,
                    output_format=output_format.value,
                    output_dir=output_dir,
                    db_url=db_url,
                    if_exists=if_exists.value,
                    progress=tables_done,
                )
            print_outputs(result)
            return
        if scale is not None or table is not None:
            raise typer.BadParameter(
                f"model {model} is a single-table model: --scale and "
                "--table apply to schemas; use --rows"
            )
        rows = 1000 if rows is None else rows
        with progress("sampling", rows) as report:
            result = pipeline.sample(
                synthesizer,
                rows=rows,
                seed=seed,
                conditions=fixed or None,
                config=rules,
                output_format=output_format.value,
                output_dir=output_dir,
                db_url=db_url,
                if_exists=if_exists.value,
                batch_size=batch_size,
                progress=report,
            )
    except SyndataError as exc:
        fail(exc)
    print_outputs(result)
