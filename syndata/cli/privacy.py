"""``syndata mask``, ``syndata privacy scan`` and ``syndata audit``: personal data and its trail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from syndata import pipeline
from syndata.cli.app import app, err, fail, out
from syndata.cli.options import IfExists
from syndata.errors import ConfigError, DataReadError, SyndataError


@app.command()
def mask(
    data: Annotated[
        Path,
        typer.Option(
            "--data",
            "-d",
            help="The real table to mask (csv, json, jsonl, parquet).",
            show_default=False,
        ),
    ],
    plan: Annotated[
        Path, typer.Option(help="Privacy plan (YAML/JSON) with the operators.", show_default=False)
    ],
    output: Annotated[
        Path,
        typer.Option(
            help="Masked table: a file whose extension gives the format.", show_default=False
        ),
    ],
    if_exists: Annotated[IfExists, typer.Option()] = IfExists.fail,
) -> None:
    """Mask a real table statically with a privacy plan (no model involved)."""
    try:
        result = pipeline.mask(data, plan=plan, output=output, if_exists=if_exists.value)
    except SyndataError as exc:
        fail(exc)
    out.print(f"Masked {result.rows:,} rows -> {result.path}")
    for column, report in result.columns.items():
        out.print(f"  {column}: {report['operator']} ({report['masked']:,} values)")


privacy_app = typer.Typer(
    help="Find personal data (PII) and propose what to do with it.", no_args_is_help=True
)
app.add_typer(privacy_app, name="privacy")


@privacy_app.command("scan")
def privacy_scan(
    data: Annotated[
        Path, typer.Option("--data", "-d", help="The table to scan.", show_default=False)
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            help="Write a proposed privacy plan here (YAML or JSON) to review and pass to "
            "`fit --plan` or `mask --plan`."
        ),
    ] = None,
    sample_size: Annotated[
        int, typer.Option(min=10, help="Distinct values analysed per column.")
    ] = 200,
) -> None:
    """List the columns holding personal data, with the operator proposed for each."""
    try:
        report, plan_text = pipeline.scan(data, sample_size=sample_size, output=output)
    except SyndataError as exc:
        fail(exc)
    out.print(report.summary(), highlight=False, markup=False)
    if output is not None:
        out.print(
            f"Proposed plan -> {output} (review it, then: syndata fit --data {data} "
            f"--plan {output})"
        )
    elif plan_text:
        out.print("Proposed plan (write it with --output):\n" + plan_text, markup=False)


audit_app = typer.Typer(
    help="The audit trail: every profile, fit, sample, mask, download.", no_args_is_help=True
)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    log: Annotated[
        Path | None, typer.Option(help="The audit log (default: the data folder's audit.log).")
    ] = None,
    expect: Annotated[
        str | None,
        typer.Option(
            help="An anchor kept elsewhere, as SEQ:HASH (or HASH), printed by an earlier "
            "verify: the log must still hold that record."
        ),
    ] = None,
) -> None:
    """Check the audit log: its keyed hash chain and its anchor in the job store.

    Exit 0 when intact (warnings, e.g. lines written without a key, go to stderr), 5 when
    the log was changed, cut short, emptied, deleted or replaced, or its anchor could not
    be read. Prints the current anchor: keep it elsewhere and pass it later as --expect.
    """
    from syndata.errors import Problem
    from syndata.privacy import audit

    try:
        expected = audit.parse_anchor(expect) if expect is not None else None
    except ValueError as exc:
        fail(ConfigError([Problem("--expect", str(exc))]))
        return
    try:
        result = audit.verify(log, anchor=expected)
    except SyndataError as exc:
        fail(exc)
        return
    for note in result.notes:
        err.print(f"warning: {note}", highlight=False, markup=False, soft_wrap=True)
    if result.ok:
        out.print(
            f"Audit log intact: {result.lines:,} line(s), {result.last_seq:,} record(s).",
            highlight=False,
            markup=False,
        )
        out.print(f"anchor: {result.last_seq}:{result.last_hash}", highlight=False, markup=False)
        out.print(
            "Keep the anchor elsewhere (a ticket, another machine) and check later with "
            "`syndata audit verify --expect SEQ:HASH`.",
            highlight=False,
            markup=False,
        )
        return
    fail(DataReadError(f"audit log tampered with or damaged: {result.problem}"))


@audit_app.command("show")
def audit_show(
    last: Annotated[int, typer.Option(min=1, help="How many recent lines.")] = 20,
    action: Annotated[str | None, typer.Option(help="Only this action.")] = None,
) -> None:
    """The most recent audit lines."""
    from syndata.privacy import audit

    lines = list(audit.entries(action=action))[-last:]
    for entry in lines:
        out.print(json.dumps(entry, default=str), highlight=False, markup=False, soft_wrap=True)
