"""Run one job (generate, fit, sample, profile, mask, evaluate) through ``syndata.pipeline``.

``check_params`` validates a job's parameters cheaply (no model is loaded) and lists every
problem at once; ``run`` does the work, writing every file under the job's folder and
returning a JSON-ready result::

    {"outputs": [{"table": "penguins", "path": "penguins.csv", "rows": 1000,
                  "format": "csv"}, ...],          # paths relative to the job folder
     "rows": 1000,                                  # rows over all output tables
     "seed": 7, "seconds": 0.4, ...}                # plus per job type: see ``run``

Reports (profile.json, quality.json, ...) are outputs with ``table`` and ``rows`` None.

A large single-table sample is split into row partitions (``partitions``): partition *i*
is seeded from (job seed, *i*), so the output does not depend on how many workers run
it; each partition writes its own Parquet part (``run_partition``) and
``merge_partitions`` gives the job's result.
"""

from __future__ import annotations

import contextvars
import json
import math
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from syndata import pipeline, settings
from syndata.access.projects import DEFAULT_PROJECT
from syndata.errors import ConfigError, JobNotFoundError, Problem, SyndataError
from syndata.io import ParquetSink, TableOutput, TableSpec
from syndata.jobs.datasets import dataset_path, get_dataset
from syndata.jobs.results import (
    JOB_ID,
    load_result,
    merge_partition_results,
    save_part_result,
    save_result,
    table_frame,
    tables_of,
)
from syndata.validation import pydantic_problems

JOB_TYPES = ("generate", "fit", "sample", "profile", "mask", "evaluate")

# The project a job checks and runs for (set by check_params, run and run_partition): the
# datasets, models and jobs it names must be that project's; another project's are "not
# found", with the same message as unknown ids. None (direct use of the runner) means no
# project restriction and the default project's models.
_PROJECT: contextvars.ContextVar[str | None] = contextvars.ContextVar("project", default=None)
_STORE: contextvars.ContextVar[Any] = contextvars.ContextVar("store", default=None)
OUTPUT_FORMATS = ("csv", "jsonl", "parquet", "sql")

OutputFormat = Literal["csv", "jsonl", "parquet", "sql"]
ProgressFn = Callable[[float, str], None]
LogFn = Callable[..., None]

MODEL_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"
TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
TABLE_NAME_RULE = (
    "use 1 to 63 letters, digits and '_', starting with a letter or '_' "
    "(pattern ^[A-Za-z_][A-Za-z0-9_]{0,62}$)"
)
MAX_SEED = 2**63 - 1  # seeds are kept as 64-bit integers
MIN_INT, MAX_INT = -(2**63), 2**63 - 1  # what the job store and numpy take


# --------------------------------------------------------------------------- parameters


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GenerateParams(_Params):
    """Rule-based generation from a config (no training data)."""

    config: dict[str, Any] = Field(
        description=(
            "The rule config, in the format of `syndata generate --config` files: tables, "
            "columns, rules, constraints, foreign_keys, rows, seed, output_format."
        )
    )
    rows: int | None = Field(
        None,
        gt=0,
        description=(
            "Rows per table, overriding the config's; null keeps the config's row counts."
        ),
    )
    output_format: OutputFormat | None = Field(
        None, description=("csv, jsonl, parquet or sql; null uses the config's output_format.")
    )
    seed: int | None = Field(
        None,
        ge=0,
        le=MAX_SEED,
        description=(
            "Random seed (same seed, same data); null uses the config's seed, else the job's."
        ),
    )


class FitParams(_Params):
    """Fit a learned model on a dataset (or a relational schema) and register it."""

    dataset: str | None = Field(
        None,
        description=(
            "Id of the uploaded dataset (ds_...) to fit a single-table model on. Give this or "
            "'datasets'."
        ),
    )
    datasets: dict[str, str] | None = Field(
        None,
        description=(
            "A relational schema: table name -> dataset id (ds_...); keys and relationships are "
            "detected and a multi-table model is fitted. Give this or 'dataset'."
        ),
    )
    name: str = Field(
        pattern=MODEL_NAME,
        description=(
            "Registered model name (letters, digits, '_', '.', '-'; up to 100 characters). A new "
            "version is registered when the name exists."
        ),
    )
    model: str = Field(
        "gaussian_copula",
        description=(
            "Single table: gaussian_copula, cart, sdv_gaussian_copula or sdv_ctgan. Schema: "
            "hierarchical, or one of the single-table models to use for every table."
        ),
    )
    plan: dict[str, Any] | None = Field(
        None,
        description=(
            "Privacy plan (as `syndata privacy scan` proposes it): per PII column mask, "
            "regenerate, allow or drop."
        ),
    )
    pii: Literal["stop", "regenerate"] = Field(
        "stop",
        description=(
            "PII columns the plan does not decide: 'stop' fails the fit listing them, "
            "'regenerate' replaces them with Faker values."
        ),
    )
    holdout: float = Field(
        0.2,
        ge=0.0,
        lt=1.0,
        description=(
            "Share of rows kept out of training to measure ML efficacy and privacy (a schema: of "
            "each table, held-out parents taking their children)."
        ),
    )
    attacks: bool = Field(
        True,
        description=(
            "Run anonymeter's singling-out, linkability and inference attacks in the privacy "
            "report (of each table of a schema)."
        ),
    )
    seed: int = Field(
        0, ge=0, le=MAX_SEED, description="Seed of the split, the fit and the evaluation."
    )


class SampleParams(_Params):
    """Sample synthetic rows from a registered model."""

    model: str = Field(
        min_length=1,
        description=("Registered model: 'name' (latest version), 'name:version' or 'name@alias'."),
    )
    rows: int | None = Field(
        None, gt=0, description=("Rows to sample from a single-table model. Give this or 'scale'.")
    )
    scale: float | None = Field(
        None,
        gt=0,
        description=(
            "A multi-table model: every table at this multiple of its fitted size. Give this or "
            "'rows'."
        ),
    )
    output_format: OutputFormat = Field("csv", description="csv, jsonl, parquet or sql.")
    config: dict[str, Any] | None = Field(
        None,
        description=("Optional rule config whose rules are applied on top of the sampled rows."),
    )
    seed: int | None = Field(
        None,
        ge=0,
        le=MAX_SEED,
        description=(
            "Random seed (same model, seed and rows: identical output); null uses the job's."
        ),
    )


class ProfileParams(_Params):
    """Profile a dataset: column kinds, statistics, patterns, keys, PII."""

    dataset: str = Field(description="Id of the uploaded dataset (ds_...).")
    sample_size: int = Field(
        100_000, ge=100, description=("Rows profiled: a uniform sample of larger datasets.")
    )


class MaskParams(_Params):
    """Mask a real dataset with a privacy plan."""

    dataset: str = Field(description="Id of the uploaded dataset (ds_...).")
    plan: dict[str, Any] = Field(
        description=(
            "Privacy plan: per column an operator (redact, partial, hash, fake, replace, ...)."
        )
    )
    output_format: OutputFormat | None = Field(
        None, description=("csv, jsonl, parquet or sql; null keeps the dataset's format.")
    )


class EvaluateParams(_Params):
    """Score a synthetic table against the real one."""

    real: str = Field(description="Id of the real dataset (ds_...).")
    synthetic: str = Field(
        description=(
            "The synthetic table: a dataset id (ds_...), or the id of a finished sample or "
            "generate job (job_...) whose output table is used."
        )
    )
    table: str | None = Field(
        None,
        description=(
            "The job's output table to evaluate when 'synthetic' is a job with several tables."
        ),
    )
    target: str | None = Field(
        None, description=("Column to predict for the ML efficacy score; null skips ML efficacy.")
    )


PARAMS: dict[str, type[_Params]] = {
    "generate": GenerateParams,
    "fit": FitParams,
    "sample": SampleParams,
    "profile": ProfileParams,
    "mask": MaskParams,
    "evaluate": EvaluateParams,
}


def check_params(
    job_type: str,
    params: dict[str, Any],
    *,
    prefix: str = "",
    project: str | None = None,
    store: Any = None,
) -> dict[str, Any]:
    """The job's parameters, normalized (defaults filled in), or ConfigError listing them all.

    Each problem's path names the parameter (``rows``, ``dataset``,
    ``config.tables[0].columns[1].rule``), after ``prefix`` when given. Cheap: datasets
    must exist, configs and plans must be valid; no model is loaded. With ``project``,
    datasets and (evaluate) jobs must be that project's, looked up in ``store`` (a
    JobStore; opened from the settings when None).
    """
    tokens = (_PROJECT.set(project), _STORE.set(store)) if project is not None else None
    try:
        return _check_params(job_type, params, prefix=prefix)
    finally:
        if tokens is not None:
            _PROJECT.reset(tokens[0])
            _STORE.reset(tokens[1])


def _check_params(job_type: str, params: dict[str, Any], *, prefix: str) -> dict[str, Any]:
    if job_type not in PARAMS:
        raise ConfigError(
            [
                Problem(
                    _join(prefix, "job_type"),
                    f"unknown job type {job_type!r}",
                    f"use one of {', '.join(JOB_TYPES)}",
                )
            ]
        )
    if not isinstance(params, Mapping):
        fields = ", ".join(PARAMS[job_type].model_fields)
        raise ConfigError(
            [
                Problem(
                    prefix,
                    f"the parameters of a {job_type} job must be an "
                    f"object, got {type(params).__name__}",
                    f"send an object with the fields {fields}",
                )
            ]
        )
    model_cls = PARAMS[job_type]
    problems: list[Problem] = _number_problems(params)
    checked: _Params | None = None
    if not problems:  # numbers out of range could overflow the checks below
        try:
            checked = model_cls.model_validate(dict(params))
        except ValidationError as exc:
            problems += _pydantic_problems(exc, model_cls)
        problems += _semantic_problems(job_type, dict(params))
    problems = [Problem(_join(prefix, p.path), p.message, p.fix) for p in _dedupe(problems)]
    if problems or checked is None:
        raise ConfigError(problems)
    return checked.model_dump(mode="json")


def _join(prefix: str, path: str) -> str:
    if not prefix:
        return path
    if not path:
        return prefix
    return f"{prefix}{path}" if path.startswith("[") else f"{prefix}.{path}"


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for problem in problems:
        if (problem.path, problem.message) not in seen:
            seen.add((problem.path, problem.message))
            out.append(problem)
    return out


def _pydantic_problems(exc: ValidationError, model_cls: type[_Params]) -> list[Problem]:
    fields = model_cls.model_fields

    def describe(name: str) -> str | None:
        return fields[name].description if name in fields else None

    return pydantic_problems(
        exc,
        known=lambda issue: list(fields),
        otherwise=lambda known: f"remove it; the fields are {', '.join(known)}",
        describe=describe,
    )


def _semantic_problems(job_type: str, params: dict[str, Any]) -> list[Problem]:
    """Checks beyond each field's type, on the raw parameters (every one that can run)."""
    problems: list[Problem] = []
    if job_type == "generate":
        rows = params.get("rows")
        problems += _over(
            "rows", "rows per table", rows, settings.max_rows(), settings.MAX_ROWS_VAR
        )
        if problems:  # the config is not planned for a refused row count
            return problems
        problems += _config_problems(params.get("config"), rows=_positive_int(rows))
    elif job_type == "fit":
        problems += _fit_problems(params)
    elif job_type == "sample":
        problems += _sample_problems(params)
    elif job_type == "profile":
        problems += _dataset_problems("dataset", params.get("dataset"))
    elif job_type == "mask":
        problems += _dataset_problems("dataset", params.get("dataset"))
        problems += _plan_problems(params.get("plan"))
    elif job_type == "evaluate":
        problems += _dataset_problems("real", params.get("real"))
        synthetic = params.get("synthetic")
        if isinstance(synthetic, str) and synthetic.startswith("job_"):
            if not JOB_ID.match(synthetic):
                problems.append(
                    Problem(
                        "synthetic",
                        f"{synthetic!r} is not a job id",
                        "give a dataset id (ds_...) or a job id (job_...)",
                    )
                )
            elif _PROJECT.get() is not None:
                try:
                    _check_job(synthetic)
                except JobNotFoundError as exc:
                    problems.append(
                        Problem("synthetic", str(exc), "give the id of one of your jobs")
                    )
        else:
            problems += _dataset_problems("synthetic", synthetic)
        problems += _table_name_problems("table", params.get("table"))
    return problems


def _number_problems(value: Any, path: str = "") -> list[Problem]:
    """Integers beyond 64 bits and numbers that are not finite, anywhere in ``value``."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        if MIN_INT <= value <= MAX_INT:
            return []
        digits = str(abs(value)) if value.bit_length() < 200 else f"about 2^{value.bit_length()}"
        shown = digits if len(digits) <= 30 else f"{digits[:12]}...({len(digits)} digits)"
        return [
            Problem(
                path,
                f"the integer {'-' if value < 0 else ''}{shown} is out of range",
                "use a whole number from -2^63 to 2^63-1 (seeds: 0 to 2^63-1)",
            )
        ]
    if isinstance(value, float):
        if math.isfinite(value):
            return []
        return [Problem(path, f"the number {value} is not finite", "use a finite number")]
    problems: list[Problem] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            problems += _number_problems(item, _join(path, str(key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            problems += _number_problems(item, f"{path}[{index}]")
    return problems


def _over(path: str, what: str, value: Any, limit: float, var: str) -> list[Problem]:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > limit:
        return [settings.over_limit(path, what, value, limit, var)]
    return []


def _table_name_problems(path: str, value: Any) -> list[Problem]:
    if isinstance(value, str) and not TABLE_NAME.match(value):
        return [Problem(path, f"table name {value[:80]!r} is not allowed", TABLE_NAME_RULE)]
    return []


def _check_job(job_id: str) -> None:
    """JobNotFoundError unless job ``job_id`` is the checked project's (no project: any)."""
    project = _PROJECT.get()
    if project is None:
        return
    store = _STORE.get()
    if store is None:
        from syndata.jobs.store import JobStore

        store = JobStore()
        _STORE.set(store)
    store.get(job_id, project=project)


def _positive_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _dataset_problems(path: str, value: Any) -> list[Problem]:
    if not isinstance(value, str):
        return []  # missing or of the wrong type: reported by the field check
    try:
        dataset_path(value, _PROJECT.get())
    except JobNotFoundError as exc:
        return [Problem(path, str(exc), "upload the dataset and use the id it gets")]
    return []


def _config_problems(
    config: Any, *, rows: int | None = None, path: str = "config"
) -> list[Problem]:
    if not isinstance(config, Mapping):
        return []
    problems: list[Problem] = []
    tables = config.get("tables")
    for index, table in enumerate(tables if isinstance(tables, list) else []):
        if isinstance(table, Mapping):
            key = "table_name" if "table_name" in table else "name"
            problems += _table_name_problems(_join(path, f"tables[{index}].{key}"), table.get(key))
    try:
        pipeline.validate(dict(config), rows=rows)
    except ConfigError as exc:
        problems += [Problem(_join(path, p.path), p.message, p.fix) for p in exc.problems]
    return problems


def _plan_problems(plan: Any, path: str = "plan") -> list[Problem]:
    if not isinstance(plan, Mapping):
        return []
    from syndata.privacy.plan import load_plan

    try:
        load_plan(plan)
    except ConfigError as exc:
        return [Problem(_join(path, p.path), p.message, p.fix) for p in exc.problems]
    return []


def _fit_problems(params: dict[str, Any]) -> list[Problem]:
    from syndata.models import MODELS, SCHEMA_MODELS

    problems: list[Problem] = []
    dataset, datasets = params.get("dataset"), params.get("datasets")
    if dataset is None and datasets is None:
        problems.append(
            Problem(
                "dataset",
                "no data to fit: give 'dataset' (one table) or 'datasets' (a schema)",
                "add dataset: ds_... or datasets: {table: ds_...}",
            )
        )
    elif dataset is not None and datasets is not None:
        problems.append(
            Problem("datasets", "give 'dataset' or 'datasets', not both", "remove one of them")
        )
    problems += _dataset_problems("dataset", dataset)
    if isinstance(datasets, Mapping):
        if not datasets:
            problems.append(
                Problem(
                    "datasets", "the schema has no tables", "map each table name to a dataset id"
                )
            )
        problems += _over(
            "datasets",
            "tables per schema",
            len(datasets),
            settings.max_tables(),
            settings.MAX_TABLES_VAR,
        )
        for table, value in list(datasets.items())[: settings.max_tables()]:
            problems += _table_name_problems(f"datasets.{str(table)[:80]}", str(table))
            problems += _dataset_problems(f"datasets.{str(table)[:80]}", value)
    model = params.get("model", "gaussian_copula")
    if isinstance(model, str):
        schema = datasets is not None and dataset is None
        allowed = [*SCHEMA_MODELS, *MODELS] if schema else list(MODELS)
        if model not in allowed:
            hint = (
                f"'{model}' is a multi-table model: fit it on 'datasets'"
                if model in SCHEMA_MODELS
                else f"unknown model '{model}'"
            )
            problems.append(Problem("model", hint, f"use one of {', '.join(allowed)}"))
    problems += _plan_problems(params.get("plan"))
    return problems


def _sample_problems(params: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    rows, scale = params.get("rows"), params.get("scale")
    if rows is None and scale is None:
        problems.append(
            Problem(
                "rows",
                "give 'rows' (a single-table model) or 'scale' (a multi-table model)",
                "add rows: 1000",
            )
        )
    elif rows is not None and scale is not None:
        problems.append(
            Problem(
                "scale",
                "give 'rows' or 'scale', not both",
                "rows for a single-table model, scale for a multi-table one",
            )
        )
    problems += _over("rows", "rows", rows, settings.max_rows(), settings.MAX_ROWS_VAR)
    problems += _over("scale", "scale", scale, settings.max_scale(), settings.MAX_SCALE_VAR)
    model = params.get("model")
    if isinstance(model, str) and model:
        from model_registry.refs import parse

        try:
            parse(model)
        except SyndataError as exc:
            problems.append(Problem("model", str(exc)))
    problems += _config_problems(params.get("config"))
    return problems


# --------------------------------------------------------------------------- running


def run(
    job_type: str,
    params: dict[str, Any],
    *,
    workdir: Path,
    seed: int,
    progress: ProgressFn,
    log: LogFn,
    project: str | None = None,
    store: Any = None,
) -> dict[str, Any]:
    """Run the job, write its files under ``workdir`` and return its result.

    Per job type the result adds: generate/sample ``seed`` (and sample ``model``, the
    pinned ``name:version``); fit ``model``, ``version``, ``quality`` (overall score),
    ``privacy`` (``verdict`` and ``summary``), ``fit_rows``; profile ``profile`` (a short
    summary); mask ``columns`` (what was masked); evaluate ``quality`` and ``summary``.
    ``seed`` is the job's seed, used when the parameters give none. Errors are the
    pipeline's (SyndataError subclasses). The result is also kept in the job folder
    (``results.RESULT_FILE``) for later jobs. With ``project`` (the job's), the job uses
    only that project's datasets, models and jobs, and a fit registers its model there.
    """
    tokens = (_PROJECT.set(project), _STORE.set(store)) if project is not None else None
    try:
        return _run(job_type, params, workdir=workdir, seed=seed, progress=progress, log=log)
    finally:
        if tokens is not None:
            _PROJECT.reset(tokens[0])
            _STORE.reset(tokens[1])


def _run(
    job_type: str,
    params: dict[str, Any],
    *,
    workdir: Path,
    seed: int,
    progress: ProgressFn,
    log: LogFn,
) -> dict[str, Any]:
    checked = check_params(job_type, params, project=_PROJECT.get(), store=_STORE.get())
    parsed = PARAMS[job_type].model_validate(checked)
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    log("job started", job_type=job_type)
    progress(0.0, "starting")
    result = _RUNNERS[job_type](parsed, workdir, seed, progress, log)
    result.setdefault("seconds", round(time.perf_counter() - started, 3))
    log("job finished", job_type=job_type, rows=result["rows"], seconds=result["seconds"])
    progress(1.0, "done")
    save_result(workdir, result)
    return result


def _reporter(progress: ProgressFn) -> Callable[[pipeline.ProgressEvent], None]:
    """A pipeline progress callback feeding ``progress(fraction, stage)``."""

    def report(event: pipeline.ProgressEvent) -> None:
        fraction = event.done / event.total if event.total > 0 else 1.0
        stage = f"{event.stage}: {event.table}" if event.table else event.stage
        progress(min(max(fraction, 0.0), 1.0), stage)

    return report


def _outputs(workdir: Path, outputs: list[TableOutput]) -> list[dict[str, Any]]:
    root = workdir.resolve()
    return [
        {
            "table": o.name,
            "path": Path(o.location).resolve().relative_to(root).as_posix(),
            "rows": o.rows,
            "format": Path(o.location).suffix.lstrip("."),
        }
        for o in outputs
    ]


def _report_file(workdir: Path, name: str, data: Any) -> dict[str, Any]:
    text = json.dumps(data, indent=2, default=str)
    (workdir / name).write_text(text + "\n", encoding="utf-8")
    return {"table": None, "path": name, "rows": None, "format": "json"}


def _run_generate(
    p: Any, workdir: Path, seed: int, progress: ProgressFn, log: LogFn
) -> dict[str, Any]:
    config = pipeline.validate(p.config, rows=p.rows).config
    used = p.seed if p.seed is not None else (config.seed if config.seed is not None else seed)
    fmt = p.output_format or config.output_format
    log("generating", tables=len(config.tables), rows=p.rows, seed=used, format=fmt)
    result = pipeline.generate(
        config,
        rows=p.rows,
        seed=used,
        output_format=fmt,
        output_dir=workdir,
        if_exists="replace",
        progress=_reporter(progress),
    )
    outputs = _outputs(workdir, result.outputs)
    return {
        "outputs": outputs,
        "rows": result.rows,
        "seed": result.seed,
        "warnings": list(result.warnings),
    }


def _run_fit(p: Any, workdir: Path, seed: int, progress: ProgressFn, log: LogFn) -> dict[str, Any]:
    report = _reporter(progress)
    if p.dataset is not None:
        dataset = get_dataset(p.dataset, _PROJECT.get())
        log("fit started", model=p.model, dataset=p.dataset, name=p.name)
        fitted = pipeline.fit(
            dataset.path,
            model=p.model,
            name=p.name,
            table=dataset.table,
            holdout=p.holdout,
            seed=p.seed,
            plan=p.plan,
            pii=p.pii,
            attacks=p.attacks,
            progress=report,
            project=_PROJECT.get() or DEFAULT_PROJECT,
        )
    else:
        model, model_params = _schema_model(p.model)
        frames = {
            table: pipeline.read_frame(dataset_path(ds, _PROJECT.get()))
            for table, ds in p.datasets.items()
        }
        log("fit started", model=model, tables=len(frames), name=p.name)
        fitted = pipeline.fit_schema(
            frames,
            name=p.name,
            model=model,
            params=model_params,
            seed=p.seed,
            plan=p.plan,
            pii=p.pii,
            holdout=p.holdout,
            attacks=p.attacks,
            progress=report,
            project=_PROJECT.get() or DEFAULT_PROJECT,
        )
    outputs = [
        _report_file(workdir, "quality.json", fitted.quality),
        _report_file(workdir, "privacy.json", fitted.privacy),
    ]
    log(
        "model registered",
        model=fitted.ref.name,
        version=fitted.ref.version,
        rows=fitted.rows,
        seconds=round(fitted.seconds, 3),
    )
    return {
        "outputs": outputs,
        "rows": 0,
        "model": fitted.ref.name,
        "version": str(fitted.ref.version),
        "quality": fitted.quality.get("overall"),
        "privacy": {
            "verdict": fitted.privacy.get("verdict"),
            "summary": fitted.privacy.get("summary"),
        },
        "fit_rows": fitted.rows,
        "seconds": round(fitted.seconds, 3),
    }


def _schema_model(model: str) -> tuple[str, dict[str, Any]]:
    """The multi-table model: a single-table model name becomes every table's model."""
    from syndata.models import MODELS

    if model in MODELS:
        return "hierarchical", {"default_model": model}
    return model, {}


def pin_model(params: dict[str, Any], project: str | None = None) -> dict[str, Any]:
    """Sample parameters with ``model`` pinned to ``name:version`` (loads no model).

    Pin a partitioned job's model once, so every partition samples the same version
    even if a new one is registered meanwhile. The model must be ``project``'s (the
    default project's when None).
    """
    import model_registry

    scope = project or _PROJECT.get() or DEFAULT_PROJECT
    return {**params, "model": str(model_registry.resolve(str(params["model"]), scope))}


def _run_sample(
    p: Any, workdir: Path, seed: int, progress: ProgressFn, log: LogFn
) -> dict[str, Any]:
    pinned = pin_model({"model": p.model})["model"]
    rules = pipeline.validate(p.config).config if p.config is not None else None
    used = p.seed if p.seed is not None else seed
    log("sample started", model=pinned, rows=p.rows, scale=p.scale, seed=used)
    if p.scale is not None:
        result = pipeline.sample_schema(
            pinned,
            scale=p.scale,
            seed=used,
            config=rules,
            output_format=p.output_format,
            output_dir=workdir,
            if_exists="replace",
            progress=_reporter(progress),
            project=_PROJECT.get() or DEFAULT_PROJECT,
        )
    else:
        result = pipeline.sample(
            pinned,
            rows=p.rows,
            seed=used,
            config=rules,
            output_format=p.output_format,
            output_dir=workdir,
            if_exists="replace",
            progress=_reporter(progress),
            project=_PROJECT.get() or DEFAULT_PROJECT,
        )
    return {
        "outputs": _outputs(workdir, result.outputs),
        "rows": result.rows,
        "model": pinned,
        "seed": result.seed,
    }


def _run_profile(
    p: Any, workdir: Path, seed: int, progress: ProgressFn, log: LogFn
) -> dict[str, Any]:
    from syndata.profiling import write_profile

    dataset = get_dataset(p.dataset, _PROJECT.get())
    progress(0.0, f"profile: {dataset.table}")
    report = pipeline.profile(
        dataset.path, table=dataset.table, sample_size=p.sample_size, seed=seed
    )
    report.source = dataset.filename
    write_profile(report, workdir / "profile.json")
    write_profile(report, workdir / "profile.html")
    log("profiled", rows=report.rows, columns=len(report.columns), pii=len(report.pii))
    summary = {
        "table": report.table,
        "rows": report.rows,
        "sampled_rows": report.sampled_rows,
        "columns": len(report.columns),
        "primary_key": report.primary_key,
        "pii": [f["column"] for f in report.pii],
        "warnings": list(report.warnings),
    }
    outputs = [
        {"table": None, "path": "profile.json", "rows": None, "format": "json"},
        {"table": None, "path": "profile.html", "rows": None, "format": "html"},
    ]
    return {"outputs": outputs, "rows": 0, "profile": summary}


def _run_mask(p: Any, workdir: Path, seed: int, progress: ProgressFn, log: LogFn) -> dict[str, Any]:
    dataset = get_dataset(p.dataset, _PROJECT.get())
    fmt = p.output_format or dataset.format
    progress(0.0, f"mask: {dataset.table}")
    masked = pipeline.mask(
        dataset.path,
        plan=p.plan,
        output=workdir / f"{dataset.table}.{fmt}",
        if_exists="replace",
        table=dataset.table if p.plan.get("tables") else None,
    )
    log("masked", rows=masked.rows, columns=list(masked.columns))
    output = {"table": dataset.table, "path": masked.path.name, "rows": masked.rows, "format": fmt}
    return {"outputs": [output], "rows": masked.rows, "columns": masked.columns}


def _run_evaluate(
    p: Any, workdir: Path, seed: int, progress: ProgressFn, log: LogFn
) -> dict[str, Any]:
    real = get_dataset(p.real, _PROJECT.get())
    progress(0.0, "evaluate: reading")
    synthetic: Any
    if p.synthetic.startswith("job_"):
        _check_job(p.synthetic)
        folder, result = load_result(p.synthetic)
        table = _pick_table(result, p.table, real.table, p.synthetic)
        synthetic = table_frame(folder, result, table)
    else:
        synthetic = dataset_path(p.synthetic, _PROJECT.get())
    log("evaluate started", real=p.real, synthetic=p.synthetic, target=p.target)
    progress(0.1, "evaluate: scoring")
    report = pipeline.evaluate(real.path, synthetic, target=p.target, seed=seed)
    outputs = [_report_file(workdir, "quality.json", report.to_dict())]
    return {
        "outputs": outputs,
        "rows": 0,
        "quality": report.to_dict()["overall"],
        "summary": report.summary(),
    }


def _pick_table(result: dict[str, Any], table: str | None, real: str, job_id: str) -> str:
    names = tables_of(result)
    if table is not None:
        if table in names:
            return table
    elif len(names) == 1:
        return names[0]
    elif real in names:
        return real
    raise ConfigError(
        [
            Problem(
                "table",
                f"choose the table of job {job_id} to evaluate"
                + (f" ({table!r} is not one of them)" if table else ""),
                f"set table to one of {', '.join(names) or '(none)'}",
            )
        ]
    )


_RUNNERS: dict[str, Callable[[Any, Path, int, ProgressFn, LogFn], dict[str, Any]]] = {
    "generate": _run_generate,
    "fit": _run_fit,
    "sample": _run_sample,
    "profile": _run_profile,
    "mask": _run_mask,
    "evaluate": _run_evaluate,
}


# --------------------------------------------------------------------------- partitions


@dataclass(frozen=True)
class Partition:
    """Rows ``start`` to ``start + rows`` of a sample job, sampled with ``seed``."""

    index: int
    start: int
    rows: int
    seed: int


def partition_seed(seed: int, index: int) -> int:
    """The seed of partition ``index`` of a job seeded ``seed`` (independent of workers)."""
    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0])


def partitions(rows: int, size: int, seed: int) -> list[Partition]:
    """``rows`` split into partitions of ``size`` rows (the last may be shorter)."""
    if rows < 1 or size < 1 or seed < 0:
        raise ConfigError(
            [
                Problem(
                    "rows",
                    f"cannot split {rows} rows into partitions of {size} with seed {seed}",
                    "rows and size must be positive, the seed not negative",
                )
            ]
        )
    return [
        Partition(i, start, min(size, rows - start), partition_seed(seed, i))
        for i, start in enumerate(range(0, rows, size))
    ]


class _PartSink(ParquetSink):
    """Writes a table to ``<root>/<table>/part-<index>.parquet``."""

    def __init__(self, root: Path, index: int) -> None:
        super().__init__(root, if_exists="replace")
        self.root = root
        self.index = index

    def final_path(self, table_name: str) -> Path:
        """The part file of this partition in the table's folder."""
        return self.root / table_name / f"part-{self.index:05d}.parquet"

    def open_table(self, spec: TableSpec) -> None:
        """Write into the table's folder (the name is checked before anything is made)."""
        self.output_dir = self.root / spec.name
        super().open_table(spec)


def run_partition(
    params: dict[str, Any],
    part: Partition,
    *,
    workdir: Path,
    progress: ProgressFn,
    log: LogFn,
    project: str | None = None,
) -> dict[str, Any]:
    """Sample one partition of a single-table sample job into a Parquet part.

    Writes ``workdir/<table>/part-<index:05d>.parquet`` (replaced if present): ``part.rows``
    rows sampled with ``part.seed``, the optional rules applied with row offset
    ``part.start``. Pin the model first (``pin_model``) so all partitions agree.
    """
    checked = SampleParams.model_validate(check_params("sample", params, project=project))
    if checked.rows is None:
        raise ConfigError(
            [
                Problem(
                    "rows",
                    "only a single-table sample (with rows) is split into partitions",
                    "sample a schema in one job",
                )
            ]
        )
    rules = pipeline.validate(checked.config).config if checked.config is not None else None
    workdir.mkdir(parents=True, exist_ok=True)
    log("partition started", partition=part.index, start=part.start, rows=part.rows)
    result = pipeline.sample(
        checked.model,
        rows=part.rows,
        seed=part.seed,
        config=rules,
        sink=_PartSink(workdir, part.index),
        start=part.start,
        progress=_reporter(progress),
        project=project or DEFAULT_PROJECT,
    )
    outputs = _outputs(workdir, result.outputs)
    for output in outputs:
        output["format"] = "parquet"
        output["partition"] = part.index
    done = {
        "outputs": outputs,
        "rows": result.rows,
        "model": checked.model,
        "partition": part.index,
    }
    save_part_result(workdir, part.index, done, checked.rows)
    log("partition finished", partition=part.index, rows=result.rows)
    progress(1.0, f"partition {part.index} done")
    return done


def merge_partitions(
    results: list[dict[str, Any]], *, workdir: Path | None = None
) -> dict[str, Any]:
    """The job's result from its partitions' results: one output per table (its folder).

    Each output is ``{"table", "path": "<table>", "rows", "format": "parquet",
    "partitioned": True, "parts"}``. With ``workdir`` the result is also kept in the job
    folder (as ``run`` does); without it, ``results.load_result`` rebuilds it from the
    partitions' records.
    """
    merged = merge_partition_results(results)
    if workdir is not None:
        save_result(workdir, merged)
    return merged
