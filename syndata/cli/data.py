"""``syndata profile``, ``syndata schema`` and ``syndata evaluate``: reading real tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from syndata import pipeline
from syndata.cli.app import app, err, fail, out
from syndata.cli.options import DataOption, DbUrlOption, TableOption, table_source
from syndata.errors import SyndataError


@app.command()
def profile(
    data: DataOption = None,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            help="Report file: .json, .yaml (a config that `generate` accepts) or .html.",
        ),
    ] = Path("profile_report.json"),
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="json, yaml or html (default: from --output's extension)."),
    ] = None,
    db_url: DbUrlOption = None,
    table: TableOption = None,
    sample_size: Annotated[
        int, typer.Option(min=100, help="Rows profiled (a uniform sample of larger inputs).")
    ] = 100_000,
) -> None:
    """Profile a table: kinds, stats, patterns, keys; as JSON, a YAML config or HTML."""
    from syndata.profiling import write_profile

    source = table_source(data, db_url, table)
    try:
        report = pipeline.profile(source, db_url=db_url, table=table, sample_size=sample_size)
        path = write_profile(report, output, fmt)
    except SyndataError as exc:
        fail(exc)
    out.print(
        f"Profiled {report.table}: {report.rows:,} rows, {len(report.columns)} columns "
        f"({report.sample_note}) -> {path}"
    )
    for finding in report.pii:
        out.print(
            f"  PII: {finding['column']} ({finding['entity']}, {finding['share']:.0%} of "
            f"{finding['sampled']} sampled values) -> "
            + (
                finding["operator"]
                if finding.get("identifier") != "quasi"
                else "quasi-identifier: learned as data, frequent values only"
            ),
            highlight=False,
            markup=False,
        )
    for warning in report.warnings:
        err.print(f"[yellow]warning:[/yellow] {warning}")


@app.command()
def schema(
    data: Annotated[
        str,
        typer.Option(
            "--data",
            "-d",
            help="A folder (one file per table) or a database URL.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            help="Write the detected metadata here (JSON) "
            "to review, edit and pass to `fit --metadata`."
        ),
    ] = None,
) -> None:
    """Show the tables, keys and relationships detected in a schema, and its integrity."""
    from syndata.io import read_tables
    from syndata.relations import check_integrity, describe, detect_metadata

    try:
        frames, declared = read_tables(data)
        meta = detect_metadata(frames, declared=declared)
        report = check_integrity(frames, meta)
    except SyndataError as exc:
        fail(exc)
    out.print(describe(meta))
    out.print(report.summary() if not report.ok else "Integrity: every key is intact.")
    if output is not None:
        output.write_text(json.dumps(meta.to_dict(), indent=2), encoding="utf-8")
        out.print(
            f"Metadata -> {output} (edit it, then: syndata fit --data {data} "
            f"--metadata {output} --model hierarchical --name NAME)"
        )


@app.command()
def evaluate(
    real: Annotated[Path, typer.Option(help="The real table (file).", show_default=False)],
    synthetic: Annotated[
        Path, typer.Option(help="The synthetic table (file).", show_default=False)
    ],
    target: Annotated[str | None, typer.Option(help="Column to predict for ML efficacy.")] = None,
    output: Annotated[Path | None, typer.Option(help="Write the report as JSON here.")] = None,
) -> None:
    """Measure how close a synthetic table is to the real one."""
    try:
        report = pipeline.evaluate(real, synthetic, target=target)
    except SyndataError as exc:
        fail(exc)
    out.print(report.summary())
    if output is not None:
        output.write_text(json.dumps(report.to_dict(), indent=2, default=str))
