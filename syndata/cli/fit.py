"""``syndata fit``: fit a model on a table or a schema and register it (with its reports)."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from syndata import pipeline
from syndata.cli.app import app, fail, out
from syndata.cli.options import DbUrlOption, TableOption, progress, score, table_source
from syndata.errors import DataReadError, SyndataError


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
            help="auto (a held-out trial picks the engine per table and the fit says "
            "why), gaussian_copula, cart, sdv_gaussian_copula, sdv_ctgan; for a schema: "
            "hierarchical (or the table model to use in it)."
        ),
    ] = "auto",
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
    constraints: Annotated[
        Path | None,
        typer.Option(
            "--constraints",
            help="A config (YAML/JSON) whose tables' constraints: the real rows must keep "
            "(else the fit stops, counting the rows); a table's model keeps them too.",
            show_default=False,
        ),
    ] = None,
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
            _schema_constraints(constraints),
        )
        return
    source = table_source(Path(data) if data else None, db_url, table)
    name = name or pipeline.table_name_of(source, table)
    try:
        with progress("fitting", 5, describe=lambda event: event.stage) as report:
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
                constraints=declared_constraints(constraints, name),
            )
    except SyndataError as exc:
        fail(exc)
    from syndata.models.auto import choices_of

    q = result.quality
    chosen = choices_of(result.model).get("")
    engine = f"{chosen.model} ({model})" if chosen else model
    out.print(
        f"Fitted {engine} on {result.rows:,} rows in {result.seconds:.1f} s -> "
        f"model {result.ref.name} version {result.ref.version}"
    )
    if chosen:
        out.print(f"  {chosen.describe()}", highlight=False, markup=False)
    out.print(
        f"  quality {score(q['overall'])} (column shapes {score(q['column_shapes'])}, "
        f"pair trends {score(q['column_pair_trends'])}), consistency "
        f"{score(q.get('consistency'))}"
    )
    _print_rules(q.get("constraints") or [])
    if q.get("ml_efficacy"):
        ml = q["ml_efficacy"]
        out.print(
            f"  ML efficacy ({ml['metric']} on {ml['target']}): real {ml['real_score']:.3f},"
            f" synthetic {ml['synthetic_score']:.3f}"
        )
    _print_privacy(result.privacy)


def _print_rules(constraints: list[dict[str, Any]]) -> None:
    """How many rules of the real rows the synthetic rows break, and the worst ones."""
    from syndata.quality.consistency import rule_lines

    for line in rule_lines(constraints):
        out.print(f"  {line}", highlight=False, markup=False)


def _decisions(pii: dict[str, Any], table: str = "") -> list[str]:
    """What was done with each PII column: regenerated, masked (how), dropped, allowed."""
    at = f"{table}." if table else ""
    done = [f"{at}{c} regenerated" for c in pii.get("regenerated", {})]
    done += [f"{at}{c} masked ({o})" for c, o in pii.get("masked", {}).items()]
    done += [f"{at}{c} dropped" for c in pii.get("dropped", [])]
    return done + [f"{at}{c} allowed" for c in pii.get("allowed", [])]


def _print_verdict(privacy: dict[str, object], *, missing: str = "") -> None:
    summary = privacy.get("summary")
    text = "  " + summary.replace("\n", "\n  ") if isinstance(summary, str) else missing
    if text:
        out.print(text, highlight=False, markup=False)


def _print_privacy(privacy: dict[str, object]) -> None:
    pii = privacy.get("pii")
    if isinstance(pii, dict):
        done = _decisions(pii)
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
    _print_verdict(privacy)


def _is_schema(data: str | None, db_url: str | None, table: str | None, model: str) -> bool:
    from syndata.models import SCHEMA_MODELS

    if model in SCHEMA_MODELS:
        return True
    if data is not None:
        return "://" in data or Path(data).is_dir()
    return db_url is not None and table is None


def _schema_model(model: str, table_model: list[str] | None) -> tuple[str, dict[str, object]]:
    """The multi-table model and its parameters from --model and --table-model."""
    from syndata.errors import ModelError
    from syndata.models import MODELS
    from syndata.models.hierarchical import REFERENCE
    from syndata.models.registry import schema_model_choice

    try:
        model, params = schema_model_choice(model)
    except ModelError as exc:
        raise typer.BadParameter(str(exc)) from exc
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
    constraints: dict[str, list[Any]],
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
        with progress("fitting", 6, describe=lambda event: event.stage) as report:
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
                constraints=constraints,
            )
    except SyndataError as exc:
        fail(exc)
    from syndata.models.auto import choices_of

    out.print(describe(result.model.metadata_))
    q = result.quality
    out.print(
        f"Fitted {model} on {len(result.model.metadata_.tables)} tables, {result.rows:,} "
        f"rows in {result.seconds:.1f} s -> model {result.ref.name} version "
        f"{result.ref.version}"
    )
    for table, chosen in choices_of(result.model).items():
        out.print(f"  {table}: {chosen.describe()}", highlight=False, markup=False)
    out.print(
        f"  quality {score(q['overall'])} (column shapes {score(q['column_shapes'])}, "
        f"pair trends {score(q['column_pair_trends'])}, cardinality "
        f"{score(q['cardinality'])}, intertable trends {score(q['intertable_trends'])}), "
        f"consistency {score(q.get('consistency'))}"
    )
    _print_rules(
        [
            {"table": table, **entry}
            for table, scores in q["tables"].items()
            for entry in scores.get("constraints") or []
        ]
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
        done += _decisions(pii, table)
    if done:
        out.print("  personal data: " + ", ".join(done), highlight=False, markup=False)
    _print_verdict(
        privacy,
        missing="  Privacy verdict: NOT CHECKED (--holdout 0 keeps no rows out to compare with)",
    )


def _schema_constraints(path: Path | None) -> dict[str, list[Any]]:
    """The ``constraints:`` of every table of the config at ``path``, by table name."""
    if path is None:
        return {}
    from syndata.config import load_config

    try:
        config = load_config(path)
        return {t.table_name: list(t.constraints) for t in config.tables if t.constraints}
    except SyndataError as exc:
        fail(exc)
        raise  # not reached: fail exits


def declared_constraints(path: Path | None, table: str) -> list[Any]:
    """The ``constraints:`` of ``table`` (or of the only table) in the config at ``path``."""
    if path is None:
        return []
    from syndata.config import load_config
    from syndata.errors import ConfigError, Problem

    config = load_config(path)
    chosen = config.table(table) or (config.tables[0] if len(config.tables) == 1 else None)
    if chosen is None:
        names = ", ".join(t.table_name for t in config.tables)
        raise ConfigError(
            [Problem("tables", f"no table '{table}'", f"name it so, or keep one of {names}")],
            str(path),
        )
    return list(chosen.constraints)
