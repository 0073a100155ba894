"""Check a job's parameters cheaply (no model is loaded), listing every problem at once.

``check_params`` validates the fields (``syndata.jobs.params``), then what the fields
alone cannot say: datasets and jobs exist (in the job's project), configs and plans are
valid, numbers are in range, limits hold. Each problem's path names the parameter.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from syndata import pipeline, settings
from syndata.errors import ConfigError, JobNotFoundError, Problem, SyndataError
from syndata.jobs import scope
from syndata.jobs.datasets import dataset_path
from syndata.jobs.params import (
    JOB_TYPES,
    MAX_INT,
    MIN_INT,
    PARAMS,
    TABLE_NAME,
    TABLE_NAME_RULE,
    JobParams,
)
from syndata.jobs.results import JOB_ID
from syndata.model_store import model_store
from syndata.validation import pydantic_problems

if TYPE_CHECKING:
    from syndata.jobs.store import JobStore


def check_params(
    job_type: str,
    params: dict[str, Any],
    *,
    prefix: str = "",
    project: str | None = None,
    store: JobStore | None = None,
) -> dict[str, Any]:
    """The job's parameters, normalized (defaults filled in), or ConfigError listing them all.

    Each problem's path names the parameter (``rows``, ``dataset``,
    ``config.tables[0].columns[1].rule``), after ``prefix`` when given. Cheap: datasets
    must exist, configs and plans must be valid; no model is loaded. With ``project``,
    datasets and (evaluate) jobs must be that project's, looked up in ``store`` (a
    JobStore; opened from the settings when None).
    """
    with scope.scoped(project, store):
        return _check_params(job_type, params, prefix=prefix)


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
    checked: JobParams | None = None
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


def _pydantic_problems(exc: ValidationError, model_cls: type[JobParams]) -> list[Problem]:
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
            elif scope.project() is not None:
                try:
                    check_job(synthetic)
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


def check_job(job_id: str) -> None:
    """JobNotFoundError unless job ``job_id`` is the checked project's (no project: any)."""
    project = scope.project()
    if project is not None:
        scope.store().get(job_id, project=project)


def _positive_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _dataset_problems(path: str, value: Any) -> list[Problem]:
    if not isinstance(value, str):
        return []  # missing or of the wrong type: reported by the field check
    try:
        dataset_path(value, scope.project())
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
    problems += _either(
        params,
        "dataset",
        "datasets",
        Problem(
            "dataset",
            "no data to fit: give 'dataset' (one table) or 'datasets' (a schema)",
            "add dataset: ds_... or datasets: {table: ds_...}",
        ),
        "remove one of them",
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
    model = params.get("model", "auto")
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


def _either(
    params: Mapping[str, Any], first: str, second: str, missing: Problem, both_fix: str
) -> list[Problem]:
    """``missing`` when neither ``first`` nor ``second`` is given; a problem when both are."""
    given = [params.get(first) is not None, params.get(second) is not None]
    if not any(given):
        return [missing]
    if all(given):
        return [Problem(second, f"give '{first}' or '{second}', not both", both_fix)]
    return []


def _sample_problems(params: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    rows, scale = params.get("rows"), params.get("scale")
    problems += _either(
        params,
        "rows",
        "scale",
        Problem(
            "rows",
            "give 'rows' (a single-table model) or 'scale' (a multi-table model)",
            "add rows: 1000",
        ),
        "rows for a single-table model, scale for a multi-table one",
    )
    problems += _over("rows", "rows", rows, settings.max_rows(), settings.MAX_ROWS_VAR)
    problems += _over("scale", "scale", scale, settings.max_scale(), settings.MAX_SCALE_VAR)
    model = params.get("model")
    if isinstance(model, str) and model:
        try:
            model_store().check_reference(model)
        except SyndataError as exc:
            problems.append(Problem("model", str(exc)))
    problems += _config_problems(params.get("config"))
    return problems
