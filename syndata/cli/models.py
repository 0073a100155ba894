"""``syndata models``: browse the registered models (the MLflow registry)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from syndata.access.projects import DEFAULT_PROJECT
from syndata.cli.app import app, fail, out
from syndata.errors import SyndataError
from syndata.model_store import model_store

models_app = typer.Typer(
    help="Browse the registered models (the MLflow registry).", no_args_is_help=True
)
app.add_typer(models_app, name="models")


@models_app.command("list")
def models_list() -> None:
    """List registered models with their latest version and quality."""
    try:
        rows = model_store().list_models(DEFAULT_PROJECT)
    except SyndataError as exc:
        fail(exc)
    table = Table()
    for col in ("name", "latest", "aliases", "model", "quality"):
        table.add_column(col)
    for row in rows:
        quality = row.get("quality")
        table.add_row(
            row["name"],
            str(row.get("version") or ""),
            ", ".join(row.get("aliases", [])),
            str(row.get("model_type", "")),
            f"{quality:.3f}" if isinstance(quality, float) else "",
        )
    out.print(table)


@models_app.command("show")
def models_show(name: Annotated[str, typer.Argument(help="Model name.")]) -> None:
    """Show a model's versions, metrics, aliases and reports (JSON)."""
    try:
        info = model_store().show_model(name, DEFAULT_PROJECT)
    except SyndataError as exc:
        fail(exc)
    out.print_json(json.dumps(info, default=str))


@models_app.command("alias")
def models_alias(name: str, alias: str, version: str) -> None:
    """Point an alias (e.g. champion) at a version."""
    try:
        model_store().set_alias(name, alias, version, DEFAULT_PROJECT)
    except SyndataError as exc:
        fail(exc)
    out.print(f"{name}@{alias} -> version {version}")
