"""The ``syndata`` commands of the data work (the job service's are in ``syndata.cli.service``).

generate, validate, profile, fit, sample, schema, privacy, mask, evaluate, audit, models.
"""

from __future__ import annotations

import json
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
from syndata.cli.app import app, err, fail, out
from syndata.config import dependency_order
from syndata.errors import ConfigError, DataReadError, SyndataError
from syndata.io import FORMATS, SQL_DIALECTS
from syndata.rules import DEFAULT_BATCH_SIZE

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


def _plugin_paths(ctx: typer.Context, allow: bool) -> None:
    """With --allow-plugin-paths: dotted plug-in paths accepted until this command ends."""
    if allow:
        from syndata.rules.custom import PLUGIN_PATHS

        token = PLUGIN_PATHS.set(True)
        ctx.call_on_close(lambda: PLUGIN_PATHS.reset(token))


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
    model: Annotated[str, typer.Option(help="Model for --sample-data.")] = "gaussian_copula",
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
    from syndata.settings import service_url

    if service_url() and sample_data is None and db_url is None:
        if allow_plugin_paths:
            err.print(
                "error: --allow-plugin-paths applies to local runs only; the service "
                "accepts registered plug-ins only (unset SYNDATA_API_URL to run locally)"
            )
            raise typer.Exit(2)
        _generate_remote(config, rows, output_format, output_dir, seed, wait, priority, quiet)
        return
    _plugin_paths(ctx, allow_plugin_paths)
    try:
        checked = pipeline.validate(config, rows=rows)
        for warning in checked.warnings:
            err.print(f"[yellow]warning:[/yellow] {warning}")
        fmt = output_format.value if output_format is not None else None
        with _progress(quiet) as bar:
            task = bar.add_task("generating", total=checked.plan.total_rows)

            def report(event: pipeline.ProgressEvent) -> None:
                bar.update(
                    task,
                    completed=event.done,
                    total=event.total,
                    description=f"[cyan]{event.table}[/cyan]",
                )

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
        _print_outputs(result)


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
    from syndata.settings import service_url

    try:
        client = ServiceClient(str(service_url()))
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


def _print_outputs(result: pipeline.GenerateResult) -> None:
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
    _plugin_paths(ctx, allow_plugin_paths)
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


def _source(data: Path | None, db_url: str | None, table: str | None) -> Path | str:
    if data is None and not (db_url and table):
        raise typer.BadParameter("pass --data FILE, or --db-url URL with --table NAME")
    return data if data is not None else str(table)


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

    source = _source(data, db_url, table)
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


class Undecided(Enum):
    """What a fit does with PII columns that no privacy plan decides."""

    stop = "stop"
    regenerate = "regenerate"


class Orphans(Enum):
    """What to do with child rows whose foreign key finds no parent."""

    stop = "stop"
    drop = "drop"
    null = "null"


@app.command()
def fit(
    data: Annotated[
        str | None,
        typer.Option(
            "--data",
            "-d",
            help="A table (csv, json, jsonl, parquet file), a folder of such files "
            "(one per table: a relational schema), or a database URL (all its "
            "tables).",
            show_default=False,
        ),
    ] = None,
    name: Annotated[
        str, typer.Option("--name", help="Registered model name.", show_default=False)
    ] = "",
    model: Annotated[
        str,
        typer.Option(
            help="gaussian_copula, cart, sdv_gaussian_copula, "
            "sdv_ctgan; for a schema: hierarchical (or the "
            "table model to use in it)."
        ),
    ] = "gaussian_copula",
    db_url: DbUrlOption = None,
    table: TableOption = None,
    holdout: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=0.9,
            help="Share of rows kept out of training to measure ML efficacy and copies.",
        ),
    ] = 0.2,
    seed: Annotated[int, typer.Option(help="Seed of the split and the evaluation.")] = 0,
    table_model: Annotated[
        list[str] | None,
        typer.Option(
            "--table-model", help="Schema: the model of one table, TABLE=MODEL (repeatable)."
        ),
    ] = None,
    orphans: Annotated[
        Orphans,
        typer.Option(
            help="Schema: child rows whose foreign key has "
            "no parent stop the fit, are dropped, or get a "
            "null key."
        ),
    ] = Orphans.stop,
    metadata: Annotated[
        Path | None,
        typer.Option(
            help="Schema: metadata JSON (as `syndata schema --output` writes it) instead of "
            "detecting keys and relationships."
        ),
    ] = None,
    plan: Annotated[
        Path | None,
        typer.Option(
            help="Privacy plan (YAML/JSON): per PII column mask, regenerate, allow or drop "
            "(`syndata privacy scan --output plan.yaml` proposes one)."
        ),
    ] = None,
    pii: Annotated[
        Undecided,
        typer.Option(
            help="PII columns the plan does not decide: stop, or regenerate them with Faker values."
        ),
    ] = Undecided.stop,
    attacks: Annotated[
        bool,
        typer.Option(
            "--attacks/--no-attacks",
            help="Run anonymeter's singling-out, linkability and "
            "inference attacks in the privacy report (seconds per fit).",
        ),
    ] = True,
) -> None:
    """Fit a model on a table or a schema and register it in MLflow (with its reports)."""
    if _is_schema(data, db_url, table, model):
        _fit_schema(
            data or str(db_url),
            name,
            model,
            table_model,
            orphans.value,
            metadata,
            seed,
            plan,
            pii.value,
            holdout,
            attacks,
        )
        return
    source = _source(Path(data) if data else None, db_url, table)
    name = name or pipeline.table_name_of(source, table)
    try:
        with _progress(False) as bar:
            task = bar.add_task("fitting", total=5)

            def report(event: pipeline.ProgressEvent) -> None:
                bar.update(task, completed=event.done, description=event.stage)

            result = pipeline.fit(
                source,
                model=model,
                name=name,
                db_url=db_url,
                table=table,
                holdout=holdout,
                seed=seed,
                plan=plan,
                pii=pii.value,
                attacks=attacks,
                progress=report,
            )
    except SyndataError as exc:
        fail(exc)
    q = result.quality
    out.print(
        f"Fitted {model} on {result.rows:,} rows in {result.seconds:.1f} s -> "
        f"model {result.ref.name} version {result.ref.version}"
    )
    out.print(
        f"  quality {_score(q['overall'])} (column shapes {_score(q['column_shapes'])}, "
        f"pair trends {_score(q['column_pair_trends'])})"
    )
    if q.get("ml_efficacy"):
        ml = q["ml_efficacy"]
        out.print(
            f"  ML efficacy ({ml['metric']} on {ml['target']}): real {ml['real_score']:.3f},"
            f" synthetic {ml['synthetic_score']:.3f}"
        )
    _print_privacy(result.privacy)


def _score(value: object) -> str:
    """A score with 3 decimals, or n/a (e.g. no related column pair to score)."""
    return f"{value:.3f}" if isinstance(value, int | float) else "n/a"


def _print_privacy(privacy: dict[str, object]) -> None:
    pii = privacy.get("pii")
    if isinstance(pii, dict):
        done = [f"{c} regenerated" for c in pii.get("regenerated", {})]
        done += [f"{c} masked ({o})" for c, o in pii.get("masked", {}).items()]
        done += [f"{c} dropped" for c in pii.get("dropped", [])]
        done += [f"{c} allowed" for c in pii.get("allowed", [])]
        if done:
            out.print("  personal data: " + ", ".join(done))
        quasi = pii.get("quasi_identifiers") or {}
        if quasi:
            out.print(
                "  quasi-identifiers learned as data (frequent values only; the "
                "attacks below measure them): " + ", ".join(f"{c} ({e})" for c, e in quasi.items()),
                highlight=False,
                markup=False,
            )
    summary = privacy.get("summary")
    if isinstance(summary, str):
        out.print("  " + summary.replace("\n", "\n  "), highlight=False, markup=False)


def _is_schema(data: str | None, db_url: str | None, table: str | None, model: str) -> bool:
    from syndata.models import SCHEMA_MODELS

    if model in SCHEMA_MODELS:
        return True
    if data is not None:
        return "://" in data or Path(data).is_dir()
    return db_url is not None and table is None


def _schema_model(model: str, table_model: list[str] | None) -> tuple[str, dict[str, object]]:
    """The multi-table model and its parameters from --model and --table-model."""
    from syndata.models import MODELS, SCHEMA_MODELS
    from syndata.models.hierarchical import REFERENCE

    params: dict[str, object] = {}
    if model in MODELS:  # a single-table model named for a schema: the tables' model
        params["default_model"] = model
        model = "hierarchical"
    elif model not in SCHEMA_MODELS:
        raise typer.BadParameter(
            f"unknown model '{model}'; for a schema use "
            f"{', '.join(SCHEMA_MODELS)} or one of {', '.join(MODELS)}"
        )
    models = {}
    for item in table_model or []:
        key, sep, value = item.partition("=")
        if not sep or value not in [*MODELS, REFERENCE]:
            raise typer.BadParameter(
                f"--table-model {item!r}: use TABLE=MODEL with MODEL one "
                f"of {', '.join([*MODELS, REFERENCE])}"
            )
        models[key] = value
    if models:
        params["table_models"] = models
    return model, params


def _fit_schema(
    source: str,
    name: str,
    model: str,
    table_model: list[str] | None,
    orphans: str,
    metadata: Path | None,
    seed: int,
    plan: Path | None,
    pii: str,
    holdout: float,
    attacks: bool,
) -> None:
    from syndata.metadata import Metadata
    from syndata.relations import describe

    model, params = _schema_model(model, table_model)
    name = name or (Path(source).name if "://" not in source else "schema")
    try:
        meta = (
            Metadata.from_dict(json.loads(metadata.read_text(encoding="utf-8")))
            if metadata is not None
            else None
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        fail(
            DataReadError(
                f"cannot read metadata {metadata}: {exc}; write it with "
                "`syndata schema --data ... --output metadata.json`"
            )
        )
    try:
        with _progress(False) as bar:
            task = bar.add_task("fitting", total=6)

            def report(event: pipeline.ProgressEvent) -> None:
                bar.update(task, completed=event.done, description=event.stage)

            result = pipeline.fit_schema(
                source,
                name=name,
                model=model,
                params=params,
                metadata=meta,
                orphans=orphans,
                holdout=holdout,
                seed=seed,
                plan=plan,
                pii=pii,
                attacks=attacks,
                progress=report,
            )
    except SyndataError as exc:
        fail(exc)
    out.print(describe(result.model.metadata_))
    q = result.quality
    out.print(
        f"Fitted {model} on {len(result.model.metadata_.tables)} tables, {result.rows:,} "
        f"rows in {result.seconds:.1f} s -> model {result.ref.name} version "
        f"{result.ref.version}"
    )
    out.print(
        f"  quality {_score(q['overall'])} (column shapes {_score(q['column_shapes'])}, "
        f"pair trends {_score(q['column_pair_trends'])}, cardinality "
        f"{_score(q['cardinality'])}, intertable trends {_score(q['intertable_trends'])})"
    )
    broken = {k: v for k, v in q["referential_integrity"].items() if v is not None and v < 1}
    out.print(
        "  referential integrity: "
        + (
            ", ".join(f"{k} {v:.1%}" for k, v in broken.items())
            if broken
            else "every foreign key resolves"
        )
    )
    _print_schema_privacy(result.privacy)


def _print_schema_privacy(privacy: dict[str, object]) -> None:
    """A schema's PII decisions per table, then its privacy verdict and the reasons."""
    personal = privacy.get("pii")
    done = []
    for table, pii in (personal if isinstance(personal, dict) else {}).items():
        done += [f"{table}.{c} regenerated" for c in pii.get("regenerated", {})]
        done += [f"{table}.{c} masked ({o})" for c, o in pii.get("masked", {}).items()]
        done += [f"{table}.{c} dropped" for c in pii.get("dropped", [])]
        done += [f"{table}.{c} allowed" for c in pii.get("allowed", [])]
    if done:
        out.print("  personal data: " + ", ".join(done), highlight=False, markup=False)
    summary = privacy.get("summary")
    if isinstance(summary, str):
        out.print("  " + summary.replace("\n", "\n  "), highlight=False, markup=False)
    else:
        out.print(
            "  Privacy verdict: NOT CHECKED (--holdout 0 keeps no rows out to compare with)",
            highlight=False,
            markup=False,
        )


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
    import model_registry
    from syndata.models import MultiTableSynthesizer

    _plugin_paths(ctx, allow_plugin_paths)

    fixed = _conditions(conditions)
    try:
        rules = pipeline.validate(config).config if config is not None else None
        synthesizer = model_registry.load_model(model)
        if isinstance(synthesizer, MultiTableSynthesizer):
            with _progress(False) as bar:
                task = bar.add_task("sampling", total=len(synthesizer.metadata_.tables))  # type: ignore[attr-defined]

                def tables_done(event: pipeline.ProgressEvent) -> None:
                    bar.update(task, completed=event.done, description=event.table)

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
            _print_outputs(result)
            return
        if scale is not None or table is not None:
            raise typer.BadParameter(
                f"model {model} is a single-table model: --scale and "
                "--table apply to schemas; use --rows"
            )
        rows = 1000 if rows is None else rows
        with _progress(False) as bar:
            task = bar.add_task("sampling", total=rows)

            def report(event: pipeline.ProgressEvent) -> None:
                bar.update(task, completed=event.done)

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
    _print_outputs(result)


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


models_app = typer.Typer(
    help="Browse the registered models (the MLflow registry).", no_args_is_help=True
)
app.add_typer(models_app, name="models")


@models_app.command("list")
def models_list() -> None:
    """List registered models with their latest version and quality."""
    import model_registry

    try:
        rows = model_registry.list_models()
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
    import model_registry

    try:
        info = model_registry.show_model(name)
    except SyndataError as exc:
        fail(exc)
    out.print_json(json.dumps(info, default=str))


@models_app.command("alias")
def models_alias(name: str, alias: str, version: str) -> None:
    """Point an alias (e.g. champion) at a version."""
    import model_registry

    try:
        model_registry.set_alias(name, alias, version)
    except SyndataError as exc:
        fail(exc)
    out.print(f"{name}@{alias} -> version {version}")


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


def _progress(quiet: bool) -> Progress:
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
