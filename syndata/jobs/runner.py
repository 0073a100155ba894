"""Run one job (generate, fit, sample, profile, mask, evaluate) through ``syndata.pipeline``.

``syndata.jobs.checks.check_params`` validates a job's parameters cheaply first;
``run`` does the work, writing every file under the job's folder and
returning a JSON-ready result::

    {"outputs": [{"table": "penguins", "path": "penguins.csv", "rows": 1000,
                  "format": "csv"}, ...],          # paths relative to the job folder
     "rows": 1000,                                  # rows over all output tables
     "seed": 7, "seconds": 0.4, ...}                # plus per job type: see ``run``

Reports (profile.json, quality.json, ...) are outputs with ``table`` and ``rows`` None.

A large single-table sample is split into row partitions: see ``syndata.jobs.partitions``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syndata import pipeline
from syndata.errors import ConfigError, Problem
from syndata.io import TableOutput
from syndata.jobs import scope
from syndata.jobs.checks import check_job, check_params
from syndata.jobs.datasets import dataset_path, get_dataset
from syndata.jobs.params import PARAMS, LogFn, ProgressFn
from syndata.jobs.results import load_result, save_result, table_frame, tables_of
from syndata.models.auto import choices_of
from syndata.models.base import AnySynthesizer
from syndata.models.registry import schema_model_choice

if TYPE_CHECKING:
    from syndata.jobs.store import JobStore


def run(
    job_type: str,
    params: dict[str, Any],
    *,
    workdir: Path,
    seed: int,
    progress: ProgressFn,
    log: LogFn,
    project: str | None = None,
    store: JobStore | None = None,
) -> dict[str, Any]:
    """Run the job, write its files under ``workdir`` and return its result.

    Per job type the result adds: generate/sample ``seed`` (and sample ``model``, the
    pinned ``name:version``); fit ``model``, ``version``, ``quality`` (overall score),
    ``consistency`` (its score), ``privacy`` (``verdict`` and ``summary``), ``fit_rows``;
    profile ``profile`` (a short summary); mask ``columns`` (what was masked); evaluate
    ``quality``, ``consistency``, ``constraints`` (each rule with its violation shares,
    real and synthetic) and ``summary``.
    ``seed`` is the job's seed, used when the parameters give none. Errors are the
    pipeline's (SyndataError subclasses). The result is also kept in the job folder
    (``results.RESULT_FILE``) for later jobs. With ``project`` (the job's), the job uses
    only that project's datasets, models and jobs, and a fit registers its model there.
    """
    with scope.scoped(project, store):
        return _run(job_type, params, workdir=workdir, seed=seed, progress=progress, log=log)


def _run(
    job_type: str,
    params: dict[str, Any],
    *,
    workdir: Path,
    seed: int,
    progress: ProgressFn,
    log: LogFn,
) -> dict[str, Any]:
    checked = check_params(job_type, params)  # in the scope run set
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


def reporter(progress: ProgressFn) -> Callable[[pipeline.ProgressEvent], None]:
    """A pipeline progress callback feeding ``progress(fraction, stage)``."""

    def report(event: pipeline.ProgressEvent) -> None:
        fraction = event.done / event.total if event.total > 0 else 1.0
        stage = f"{event.stage}: {event.table}" if event.table else event.stage
        progress(min(max(fraction, 0.0), 1.0), stage)

    return report


def outputs_of(workdir: Path, outputs: list[TableOutput]) -> list[dict[str, Any]]:
    """The result's entries for ``outputs`` written under ``workdir`` (relative paths)."""
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
        progress=reporter(progress),
    )
    outputs = outputs_of(workdir, result.outputs)
    return {
        "outputs": outputs,
        "rows": result.rows,
        "seed": result.seed,
        "warnings": list(result.warnings),
    }


def _run_fit(p: Any, workdir: Path, seed: int, progress: ProgressFn, log: LogFn) -> dict[str, Any]:
    report = reporter(progress)
    if p.dataset is not None:
        dataset = get_dataset(p.dataset, scope.project())
        log("fit started", model=p.model, dataset=p.dataset, name=p.name)
        fitted: pipeline.FitResult[AnySynthesizer] = pipeline.fit(
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
            project=scope.home(),
        )
    else:
        model, model_params = schema_model_choice(p.model)
        frames = {
            table: pipeline.read_frame(dataset_path(ds, scope.project()))
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
            project=scope.home(),
        )
    outputs = [
        _report_file(workdir, "quality.json", fitted.quality),
        _report_file(workdir, "privacy.json", fitted.privacy),
    ]
    choice = "; ".join(
        f"{table}: {c.describe()}" if table else c.describe()
        for table, c in choices_of(fitted.model).items()
    )
    log(
        "model registered",
        model=fitted.ref.name,
        version=fitted.ref.version,
        rows=fitted.rows,
        seconds=round(fitted.seconds, 3),
        **({"choice": choice} if choice else {}),
    )
    return {
        "outputs": outputs,
        "rows": 0,
        "model": fitted.ref.name,
        "version": str(fitted.ref.version),
        "quality": fitted.quality.get("overall"),
        "consistency": fitted.quality.get("consistency"),
        "privacy": {
            "verdict": fitted.privacy.get("verdict"),
            "summary": fitted.privacy.get("summary"),
        },
        "fit_rows": fitted.rows,
        "seconds": round(fitted.seconds, 3),
        **({"choice": choice} if choice else {}),
    }


def pin_model(params: dict[str, Any], project: str | None = None) -> dict[str, Any]:
    """Sample parameters with ``model`` pinned to ``name:version`` (loads no model).

    Pin a partitioned job's model once, so every partition samples the same version
    even if a new one is registered meanwhile. The model must be ``project``'s (the
    default project's when None).
    """
    from syndata.model_store import model_store

    owner = project or scope.home()
    found = model_store().resolve(str(params["model"]), owner)
    return {**params, "model": f"{found.name}:{found.version}"}


def _run_sample(
    p: Any, workdir: Path, seed: int, progress: ProgressFn, log: LogFn
) -> dict[str, Any]:
    pinned = pin_model({"model": p.model})["model"]
    rules = pipeline.validate(p.config).config if p.config is not None else None
    used = p.seed if p.seed is not None else seed
    log("sample started", model=pinned, rows=p.rows, scale=p.scale, seed=used)
    shared: dict[str, Any] = {
        "seed": used,
        "config": rules,
        "output_format": p.output_format,
        "output_dir": workdir,
        "if_exists": "replace",
        "progress": reporter(progress),
        "project": scope.home(),
    }
    if p.scale is not None:
        result = pipeline.sample_schema(pinned, scale=p.scale, **shared)
    else:
        result = pipeline.sample(pinned, rows=p.rows, **shared)
    return {
        "outputs": outputs_of(workdir, result.outputs),
        "rows": result.rows,
        "model": pinned,
        "seed": result.seed,
    }


def _run_profile(
    p: Any, workdir: Path, seed: int, progress: ProgressFn, log: LogFn
) -> dict[str, Any]:
    from syndata.profiling import write_profile

    dataset = get_dataset(p.dataset, scope.project())
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
    dataset = get_dataset(p.dataset, scope.project())
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
    real = get_dataset(p.real, scope.project())
    progress(0.0, "evaluate: reading")
    synthetic: Any
    if p.synthetic.startswith("job_"):
        check_job(p.synthetic)
        folder, result = load_result(p.synthetic)
        table = _pick_table(result, p.table, real.table, p.synthetic)
        synthetic = table_frame(folder, result, table)
    else:
        synthetic = dataset_path(p.synthetic, scope.project())
    log("evaluate started", real=p.real, synthetic=p.synthetic, target=p.target)
    progress(0.1, "evaluate: scoring")
    report = pipeline.evaluate(real.path, synthetic, target=p.target, seed=seed)
    data = report.to_dict()
    outputs = [_report_file(workdir, "quality.json", data)]
    return {
        "outputs": outputs,
        "rows": 0,
        "quality": data["overall"],
        "consistency": data["consistency"],
        "constraints": data["constraints"],
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
